"""Command-line tools: `flask --app portal <command>`."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from portal.backup import backup_command
from portal.extensions import db
from portal.shared.outbox import outbox_cli

users_cli = AppGroup("users", help="Staff accounts.")


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_reference_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(purge_sessions_command)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(backup_command)


@click.command("seed-reference")
@with_appcontext
def seed_reference_command():
    """Add the themes, pillars, areas, settings and safeguarding phrases (safe to repeat)."""
    from portal.core.reference import seed_reference_data

    seed_reference_data()
    click.echo("Reference data is in place.")


@click.command("seed-demo")
@with_appcontext
@click.option("--seed", default=2026, show_default=True, help="Random seed, for the same demo every time.")
def seed_demo_command(seed: int):
    """Fill the portal with invented demo content (local use only; safe to repeat)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("seed-demo is for local use and will not run in production.")
    from portal.core.reference import seed_reference_data
    from portal.core.services import seed_demo

    seed_reference_data()
    counts = seed_demo(seed)
    click.echo("Demo data is in place: " + ", ".join(f"{n} {what}" for what, n in counts.items()))


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(["facilitator", "moderator", "safeguarding_lead", "admin"]))
@click.option("--name", default=None, help="Name shown to other staff.")
@click.password_option(help="At least 15 characters. Prompted for if not given.")
def create_user_command(email: str, role: str, name: str | None, password: str):
    """Create a staff account; the person sets up their authenticator app at first sign-in."""
    from portal.staff.services import AccountError, create_staff_user

    try:
        user = create_staff_user(email, password, role, display_name=name)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role_label}). They will set up a one-time code at first sign-in.")


@users_cli.command("list")
def list_users_command():
    """List staff accounts and their roles."""
    from portal.staff.models import StaffUser

    for user in db.session.scalars(select(StaffUser).order_by(StaffUser.email)):
        click.echo(f"{user.email}\t{user.role}\t{'active' if user.active else 'inactive'}")


@users_cli.command("code")
@click.argument("email")
def current_code_command(email: str):
    """Print the current one-time code for a demo account (local development only)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("One-time codes are only printed in local development.")
    from portal.staff.services import current_code, find_by_email

    user = find_by_email(email)
    if user is None or not user.totp_secret:
        raise click.ClickException(f"No account with an authenticator set up for {email}.")
    click.echo(current_code(user))


@users_cli.command("reset-code")
@click.argument("email")
@click.option("--admin", "admin_email", required=True, help="The admin doing this (for the audit log).")
@click.option("--reason", required=True, help="Why, for the audit log: 'lost phone, checked in person'.")
def reset_code_command(email: str, admin_email: str, reason: str):
    """Reset a lost authenticator: the person sets up a new one at their next sign-in."""
    from portal.staff.services import find_by_email, reset_authenticator

    user, admin = find_by_email(email), find_by_email(admin_email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    if admin is None or admin.role != "admin" or not admin.active:
        raise click.ClickException(f"{admin_email} is not an active admin account.")
    reset_authenticator(user, admin, reason)
    db.session.commit()
    click.echo(f"Reset the authenticator of {user.email}. At their next sign-in, with their password, they set up a "
               "new one and get new recovery codes.")


@click.command("purge-sessions")
@with_appcontext
def purge_sessions_command():
    """Delete expired sessions (run from cron)."""
    from portal.sessions import purge_expired_sessions

    click.echo(f"Deleted {purge_expired_sessions(current_app)} expired sessions.")
