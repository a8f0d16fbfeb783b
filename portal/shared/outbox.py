"""The mail outbox: emails are rows written in the same transaction as the change they
report, and `flask --app portal outbox send` (safe to run from cron every minute) sends them.

- Once: a row's `dedupe_key` is unique, so the same news is never queued twice.
- Never twice at once: a sender claims a row with one conditional UPDATE before sending it,
  so two runs started together never both send it.
- Nothing lost: a failed send is kept, with the error, and tried again later (1, 2, 4, 8 …
  minutes apart, at most an hour). A sender that dies holding a claim loses it after
  CLAIM_TIMEOUT, and the row is tried again.

- Not twice after the mail server took it: the row is marked sent (with the server's
  reply, which names its queue id) the moment the server accepts the message, before the
  connection is closed, so a failure while saying goodbye, or a death after it, never
  sends it again. What is left is the instant between the server's "250 accepted" and
  that commit: a sender killed exactly then sends the message again after the claim
  times out (no outbox can close that without the mail server's help). Each message keeps
  the same Message-ID on every attempt, so mail programs can recognise that repeat.
"""

import os
import smtplib
import tempfile
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import DateTime, Index, String, Text, and_, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.timeutil import as_aware, utcnow


class OutboxMessage(db.Model):
    """An email waiting to go. Written in the same transaction as the change it reports,
    sent by `flask --app portal outbox send`; the dedupe key makes "once" a database rule."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set while one sender holds the row, so two cron runs never send it twice.
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    # What the mail server said when it accepted the message ("250 2.0.0 Ok: queued as …").
    server_reply: Mapped[str | None] = mapped_column(String(200))


CLAIM_TIMEOUT = timedelta(minutes=10)
BATCH = 200
MAX_BACKOFF_MINUTES = 60
# After this many failures a message waits for a person (`outbox status` lists it).
MAX_ATTEMPTS = 25


def enqueue(dedupe_key: str, to_address: str, subject: str, body: str) -> int:
    """Add a message unless one with this key exists. Returns 1 if added, else 0.

    INSERT … ON CONFLICT DO NOTHING, so even two transactions racing to queue the same
    news leave exactly one row. Runs in the caller's transaction.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    now = utcnow()
    statement = (
        insert(OutboxMessage)
        .values(dedupe_key=dedupe_key, to_address=to_address, subject=subject[:200], body=body,
                created_at=now, attempts=0, next_attempt_at=now)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)
    )
    # RETURNING, not rowcount: the row comes back only if it was really added.
    return len(db.session.execute(statement).all())


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the first, second, third … failure, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), MAX_BACKOFF_MINUTES))


def message_id(message: OutboxMessage, mail_from: str) -> str:
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "yourplace.invalid"
    return f"<outbox-{message.id}-{message.dedupe_key.replace(':', '-')}@{domain}>"


def build_email(message: OutboxMessage, mail_from: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = mail_from
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(as_aware(message.created_at))
    email["Message-ID"] = message_id(message, mail_from)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body)
    return email


class FileTransport:
    """Development: each message becomes an RFC 5322 .eml file in a folder."""

    def __init__(self, directory: str):
        self.directory = directory

    def send(self, email: EmailMessage, message: OutboxMessage, accepted) -> None:
        os.makedirs(self.directory, exist_ok=True)
        stamp = as_aware(message.created_at).strftime("%Y%m%dT%H%M%S")
        name = f"{stamp}-{message.id}-{email['Message-ID'].strip('<>').split('@')[0]}.eml"
        # Written beside, then renamed: a reader never sees half a message.
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(bytes(email))
        os.replace(temporary, os.path.join(self.directory, name))
        accepted(f"written to {name}")


class _SMTP(smtplib.SMTP):
    """smtplib's client, keeping the server's reply to DATA (sendmail does not return it)."""

    data_reply: tuple[int, bytes] | None = None

    def data(self, msg):
        self.data_reply = super().data(msg)
        return self.data_reply


class SMTPTransport:
    """Production: a mail server, with STARTTLS and a login when configured."""

    def __init__(self, host: str, port: int = 587, username: str | None = None, password: str | None = None,
                 use_tls: bool = True, timeout: float = 20):
        self.host, self.port, self.username, self.password = host, port, username, password
        self.use_tls, self.timeout = use_tls, timeout

    def send(self, email: EmailMessage, message: OutboxMessage, accepted) -> None:
        """Deliver, then call `accepted(reply)` before QUIT: the row is marked sent while
        the connection is still open, so closing it can fail without a second send."""
        server = _SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.use_tls:
                server.starttls()
            if self.username:
                server.login(self.username, self.password or "")
            accepted(self.deliver(server, email))
        finally:
            try:
                server.quit()
            except (smtplib.SMTPException, OSError):
                server.close()

    def deliver(self, server: _SMTP, email: EmailMessage) -> str:
        """MAIL, RCPT and DATA; the server's reply to DATA (its queue id, usually)."""
        refused = server.send_message(email)
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)
        code, text = server.data_reply or (250, b"")
        return f"{code} {text.decode(errors='replace')}".strip()[:200]


def transport_for(app: Flask):
    config = app.config
    if config.get("MAIL_SERVER"):
        return SMTPTransport(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 587), config.get("MAIL_USERNAME"),
                             config.get("MAIL_PASSWORD"), bool(config.get("MAIL_USE_TLS", True)))
    return FileTransport(os.path.join(app.instance_path, "outbox"))


def _claim(message_id_: int, now: datetime) -> bool:
    """Take the row for this sender: true only for the one sender whose UPDATE changed it."""
    stale = now - CLAIM_TIMEOUT
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id_,
            OutboxMessage.sent_at.is_(None),
            or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < stale),
        )
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def send_pending(app: Flask, transport=None, now: datetime | None = None) -> int:
    """Send every message that is due. Returns how many were sent by this run."""
    sent = 0
    with app.app_context():
        transport = transport or transport_for(app)
        mail_from = app.config.get("MAIL_FROM", "Your Place <noreply@yourplace.invalid>")
        now = now or utcnow()
        stale = now - CLAIM_TIMEOUT
        due = list(db.session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.next_attempt_at <= now,
                OutboxMessage.attempts < MAX_ATTEMPTS,
                or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < stale),
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(BATCH)
        ))
        db.session.commit()
        for ident in due:
            if not _claim(ident, now):
                continue  # another sender has it
            message = db.session.get(OutboxMessage, ident)
            marked = []

            def accepted(reply: str | None = None, ident=ident, attempts=message.attempts, marked=marked) -> None:
                # Committed at once, while the mail server's connection is still open.
                db.session.execute(
                    update(OutboxMessage).where(OutboxMessage.id == ident).values(
                        sent_at=utcnow(), attempts=attempts + 1, claimed_at=None, last_error=None,
                        server_reply=(reply or "")[:200] or None,
                    ).execution_options(synchronize_session=False)
                )
                db.session.commit()
                marked.append(ident)

            try:
                transport.send(build_email(message, mail_from), message, accepted)
            except Exception as error:  # any failure: keep the row, try later
                if marked:  # accepted, then something failed afterwards (closing): sent all the same
                    app.logger.warning("Outbox message %s was accepted, then: %s", ident, error)
                    sent += 1
                    continue
                attempts = message.attempts + 1
                db.session.execute(
                    update(OutboxMessage).where(OutboxMessage.id == ident).values(
                        attempts=attempts,
                        next_attempt_at=now + backoff(attempts),
                        last_error=f"{type(error).__name__}: {error}"[:2000],
                        claimed_at=None,
                    ).execution_options(synchronize_session=False)
                )
                db.session.commit()
                app.logger.warning("Outbox message %s not sent (attempt %s): %s", ident, attempts, error)
                continue
            if not marked:  # a transport that never said it was accepted: count it sent now
                accepted()
            sent += 1
        db.session.remove()
    return sent


def outbox_counts() -> dict:
    from sqlalchemy import func

    row = db.session.execute(select(
        func.count().filter(OutboxMessage.sent_at.is_not(None)).label("sent"),
        func.count().filter(and_(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)).label("waiting"),
        func.count().filter(and_(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts >= MAX_ATTEMPTS)).label("stuck"),
    )).one()
    return {"sent": row.sent, "waiting": row.waiting, "stuck": row.stuck}


outbox_cli = AppGroup("outbox", help="The mail outbox (every email the portal sends).")


@outbox_cli.command("send")
def send_command():
    """Send the emails that are due (safe to run from cron every minute)."""
    count = send_pending(current_app._get_current_object())
    click.echo(f"Sent {count} message{'s' if count != 1 else ''}.")


@outbox_cli.command("status")
def status_command():
    """How many messages are sent, waiting, or stuck after many failures."""
    counts = outbox_counts()
    click.echo(f"{counts['sent']} sent, {counts['waiting']} waiting, {counts['stuck']} stuck.")
    for message in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.sent_at.is_(None), OutboxMessage.last_error.is_not(None))
        .order_by(OutboxMessage.id).limit(20)
    ):
        click.echo(f"  #{message.id} {message.dedupe_key}: {message.attempts} attempts, last error: {message.last_error}")

