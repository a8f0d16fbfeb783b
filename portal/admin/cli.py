"""Command-line tools for retention and people's rights:

    flask --app portal retention run           # daily from cron; safe twice at once
    flask --app portal rights find QUERY --admin EMAIL
    flask --app portal rights export QUERY --admin EMAIL [--output FILE]
    flask --app portal rights erase QUERY --admin EMAIL --reason TEXT

QUERY is a reference number (BD-7K3Q-94MD) or an email address. Each is audited as the
admin named; the retention job as one event per run with its counts.
"""

import json

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from portal.admin import rights_service as service
from portal.core import retention
from portal.extensions import db
from portal.staff import audit
from portal.staff.models import StaffUser

retention_cli = AppGroup("retention", help="Delete and anonymise personal data past the privacy notice's periods.")
rights_cli = AppGroup("rights", help="Find, export or erase everything held about a reference or an email address.")


def init_app(app: Flask) -> None:
    app.cli.add_command(retention_cli)
    app.cli.add_command(rights_cli)


@retention_cli.command("run")
@click.option("--batch", type=click.IntRange(1, 100_000), default=None,
              help="Rows changed per transaction (default RETENTION_BATCH).")
def retention_run_command(batch: int | None):
    """Apply every retention period now (idempotent; prints counts only)."""
    counts = retention.run(batch=batch)
    audit.record("retention.run", "retention", None, after=counts)
    db.session.commit()
    for name, n in counts.items():
        click.echo(f"{n}\t{name}")
    click.echo(f"Retention done: {sum(counts.values())} changed.")


@retention_cli.command("periods")
def retention_periods_command():
    """Print the periods in force (what the privacy pages say)."""
    for name, stated in retention.stated_periods().items():
        click.echo(f"{name}\t{stated['amount']} {stated['unit']}")


def _admin(email: str) -> StaffUser:
    user = db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower()))
    if user is None or not user.active or user.role != "admin":
        raise click.ClickException(f"{email} is not an active admin account.")
    return user


def _query(typed: str) -> retention.Query:
    try:
        return service.parse(typed)
    except retention.QueryError as error:
        raise click.ClickException(str(error)) from error


@rights_cli.command("find")
@click.argument("query")
@click.option("--admin", "admin_email", required=True, help="The admin doing this (audited).")
def rights_find_command(query: str, admin_email: str):
    """List what is held about QUERY, grouped by what it is."""
    actor = _admin(admin_email)
    found = service.audited_find(_query(query), actor=actor)
    if not found.count:
        click.echo(f"Nothing is held about {found.query.shown}.")
        return
    for what, records in found.groups:
        click.echo(f"{what}: {len(records)}")
        for record in records:
            click.echo("  " + (record.reference or "-"))
            for label, value in record.fields.items():
                if value not in (None, ""):
                    click.echo(f"    {label}: {value}")


@rights_cli.command("export")
@click.argument("query")
@click.option("--admin", "admin_email", required=True, help="The admin doing this (audited).")
@click.option("--output", type=click.File("w", encoding="utf-8"), default="-", help="File to write (default: stdout).")
def rights_export_command(query: str, admin_email: str, output):
    """Write everything held about QUERY as JSON (a subject access export)."""
    actor = _admin(admin_email)
    found = service.audited_find(_query(query), "rights.exported", actor=actor)
    output.write(json.dumps(service.as_json(found), ensure_ascii=False, indent=2, default=str) + "\n")


@rights_cli.command("erase")
@click.argument("query")
@click.option("--admin", "admin_email", required=True, help="The admin doing this (audited).")
@click.option("--reason", required=True, help="Why (audited; any email address in it is taken out).")
def rights_erase_command(query: str, admin_email: str, reason: str):
    """Erase everything held about QUERY (audited)."""
    actor = _admin(admin_email)
    try:
        counts = service.erase(_query(query), reason, actor=actor)
    except service.EraseError as error:
        raise click.ClickException(str(error)) from error
    if not counts:
        click.echo("Nothing more to erase: what is left holds nothing about the person.")
    for what, n in counts.items():
        click.echo(f"{n}\t{what} erased")
