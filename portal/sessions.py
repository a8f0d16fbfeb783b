"""Server-side sessions kept in the database.

The cookie holds only a random token; the data (a feedback draft, the signed-in staff
member) stays on the server, so signing out really ends a session and nothing a
resident typed travels back and forth in a cookie. Rows are keyed by a hash of the
token, so a copy of the table does not let anyone take over a session.

Until a session holds more than its form-security secret (the CSRF token every form
page makes), there is no row: the cookie carries that random secret itself, signed, so
opening a form page, or a crawler following every link, writes nothing to the database.
The first answer stored makes the row, with the same secret, so forms already open work.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import Flask, Request, Response
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from itsdangerous import BadSignature, Signer
from sqlalchemy import DateTime, String, Text, delete, insert, select, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import CallbackDict

from portal.errors import try_again_instead
from portal.extensions import db
from portal.timeutil import as_aware as _aware
from portal.timeutil import utcnow

# Writing last-seen on every request would turn each page view into a write.
TOUCH_INTERVAL = timedelta(seconds=60)
# A cookie holding only the signed CSRF secret starts with this; a row's token never has a dot.
SECRET_ONLY = "s."
CSRF_KEY = "csrf_token"  # Flask-WTF's WTF_CSRF_FIELD_NAME (its default; the session key and every form's field)


class WebSession(db.Model):
    __tablename__ = "web_session"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[str] = mapped_column(Text)
    is_staff: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ServerSession(CallbackDict, SessionMixin):
    """A dict that remembers whether it changed and whether its id must be replaced."""

    def __init__(self, initial=None, token: str | None = None, created_at=None, last_seen_at=None):
        def on_update(_self):
            _self.modified = True

        super().__init__(initial, on_update)
        self.token = token
        self.created_at = created_at
        self.last_seen_at = last_seen_at
        self.modified = False
        self.rotate = False
        self.ended = False
        # Set when the database could not be read: the request goes on (its page says
        # "try again in a minute") and nothing about this session is written or deleted.
        self.unavailable = False

    def regenerate(self) -> None:
        """Give this session a new id (at sign-in), so a planted id is worth nothing."""
        self.rotate = True
        self.modified = True

    def end(self) -> None:
        """Forget everything and delete the server-side row (sign-out)."""
        self.clear()
        self.ended = True


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class DatabaseSessionInterface(SessionInterface):
    serializer = TaggedJSONSerializer()

    def _expired(self, app: Flask, row, now: datetime) -> bool:
        last_seen, created = _aware(row.last_seen_at), _aware(row.created_at)
        if row.is_staff:
            return (
                now - last_seen > app.config["STAFF_IDLE_TIMEOUT"]
                or now - created > app.config["STAFF_ABSOLUTE_TIMEOUT"]
            )
        return now - last_seen > app.config["ANON_IDLE_TIMEOUT"]

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        if "HTTP_COOKIE" not in request.environ:
            return ServerSession()  # no cookie at all: nothing to look up (and no parsing)
        token = request.cookies.get(self.get_cookie_name(app))
        if not token or len(token) > 100:
            return ServerSession()
        if token.startswith(SECRET_ONLY):
            try:
                secret = _signer(app).unsign(token[len(SECRET_ONLY):]).decode()
            except BadSignature:
                return ServerSession()
            return ServerSession({CSRF_KEY: secret})
        table = WebSession.__table__
        try:
            with db.engine.begin() as conn:
                row = conn.execute(select(table).where(table.c.key == _key(token))).first()
                if row is None:
                    return ServerSession()
                now = utcnow()
                if self._expired(app, row, now):
                    conn.execute(delete(table).where(table.c.key == row.key))
                    return ServerSession()
        except (OperationalError, InterfaceError) as error:
            app.logger.warning("Session not read, database unavailable: %s", type(error).__name__)
            unavailable = ServerSession(token=token)
            unavailable.unavailable = True
            return unavailable
        try:
            data = self.serializer.loads(row.data)
        except ValueError:
            return ServerSession()
        return ServerSession(data, token=token, created_at=row.created_at, last_seen_at=row.last_seen_at)

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        # The view is done: give its connection back before taking one to save the session.
        # Holding it here, with more requests at once than the pool has connections, each
        # waited for a second connection that never came free. (Only if the view made a
        # database session: asking for one here would make one for every request.)
        if db.session.registry.has():
            db.session.close()
        if session.unavailable:
            if session.modified:  # something to keep, and nowhere to keep it
                try_again_instead(response)
            return
        if not session.token and not session and not session.ended:
            return  # no cookie came and nothing was stored: no query, no cookie
        if not session.token and not session.ended and set(session) == {CSRF_KEY}:
            if session.modified:  # a new secret: it travels in the cookie, no row yet
                self._set_cookie(app, response, SECRET_ONLY + _signer(app).sign(session[CSRF_KEY]).decode())
            return
        try:
            self._save(app, session, response)
        except (OperationalError, InterfaceError) as error:
            # The database went away during this request: the session stays as it was
            # stored, and if the request had something to keep (an answer, a sign-out),
            # its page says "try again in a minute" instead of going on as if it was kept.
            app.logger.warning("Session not saved, database unavailable: %s", type(error).__name__)
            if session.modified or session.ended:
                try_again_instead(response)

    def _set_cookie(self, app: Flask, response: Response, value: str) -> None:
        response.set_cookie(
            self.get_cookie_name(app),
            value,
            httponly=self.get_cookie_httponly(app),
            secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app),
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
        )
        response.vary.add("Cookie")

    def _save(self, app: Flask, session: ServerSession, response: Response) -> None:
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        table = WebSession.__table__
        now = utcnow()

        if session.ended or (not session and session.token):
            if session.token:
                with db.engine.begin() as conn:
                    conn.execute(delete(table).where(table.c.key == _key(session.token)))
            response.delete_cookie(name, domain=domain, path=path)
            return
        if not session:
            return

        is_staff = "_user_id" in session
        if session.modified:
            data = self.serializer.dumps(dict(session))
            with db.engine.begin() as conn:
                if session.token and session.rotate:
                    conn.execute(delete(table).where(table.c.key == _key(session.token)))
                if session.token and not session.rotate:
                    conn.execute(
                        update(table)
                        .where(table.c.key == _key(session.token))
                        .values(data=data, is_staff=is_staff, last_seen_at=now)
                    )
                    return
                token = secrets.token_urlsafe(32)
                # A staff session's absolute timeout counts from sign-in, not first visit.
                created = now if session.rotate or not session.created_at else session.created_at
                conn.execute(
                    insert(table).values(
                        key=_key(token), data=data, is_staff=is_staff, created_at=created, last_seen_at=now
                    )
                )
            self._set_cookie(app, response, token)
        elif session.last_seen_at and now - _aware(session.last_seen_at) > TOUCH_INTERVAL:
            with db.engine.begin() as conn:
                conn.execute(
                    update(table).where(table.c.key == _key(session.token)).values(last_seen_at=now)
                )


def _signer(app: Flask) -> Signer:
    return Signer(app.secret_key, salt="session-csrf-secret")


def purge_expired_sessions(app: Flask) -> int:
    """Delete rows past the longest idle timeout; run from cron with the outbox."""
    cutoff = utcnow() - max(app.config["ANON_IDLE_TIMEOUT"], app.config["STAFF_IDLE_TIMEOUT"])
    with db.engine.begin() as conn:
        result = conn.execute(delete(WebSession.__table__).where(WebSession.last_seen_at < cutoff))
    return result.rowcount or 0
