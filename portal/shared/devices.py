"""The device token: how "one support per device" and per-device limits know a device
without an account.

A random token in a signed, HttpOnly cookie (a functional cookie, listed on the cookies
page). The database only ever holds a hash of it. On an event tablet "Next person" gives
a fresh token, so the next participant is a new device.
"""

import hashlib
import hmac
import secrets

from flask import after_this_request, current_app, g, request, session
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "device"
MAX_AGE = 365 * 24 * 3600


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="device-token")


def _read_cookie() -> str | None:
    raw = request.cookies.get(COOKIE)
    if not raw or len(raw) > 200:
        return None
    try:
        token = _serializer().loads(raw)
    except BadSignature:
        return None
    return token if isinstance(token, str) and 20 <= len(token) <= 64 else None


def device_token(create: bool = True) -> str | None:
    """This request's device token; a new one (set on the response) if it has none."""
    if "device_token" not in g:
        g.device_token = _read_cookie()
    if g.device_token is None and create:
        renew_device()
    return g.device_token


def has_device() -> bool:
    return device_token(create=False) is not None


def renew_device() -> str:
    """A fresh token for the next person on a shared device."""
    g.device_token = secrets.token_urlsafe(24)
    if not g.get("device_token_changed"):
        # Set on this response only: the few requests that make a token pay for it, not
        # every request with an app-wide hook. It reads the token made last.
        g.device_token_changed = True
        after_this_request(_set_cookie)
    return g.device_token


def device_hash(token: str | None = None) -> str:
    """What the database stores for a device: a keyed hash, never the token."""
    token = token or device_token()
    return hmac.new(current_app.secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def client_hash() -> str:
    """A keyed hash of the network address, to see bursts without keeping addresses."""
    address = request.remote_addr or ""
    return hmac.new(current_app.secret_key.encode(), b"client:" + address.encode(), hashlib.sha256).hexdigest()[:32]


def device_or_address() -> str:
    """The rate limiter's key for per-device limits.

    A class of 35 on one school network, or a queue at a street-stall tablet, shares one
    address, so limits count per device first: the device cookie, else the session
    cookie (every journey has one), else the address. A client that drops its cookies to
    dodge this still meets the per-address ceiling (`ADDRESS_CEILING`), set far above
    what a class or an event sends, and its bursts show on the staff anomaly list.
    """
    token = device_token(create=False)
    if token:
        return "device:" + device_hash(token)
    session_cookie = request.cookies.get(current_app.config.get("SESSION_COOKIE_NAME", "session"))
    if session_cookie and len(session_cookie) <= 200:
        # By the session's form secret where it has one: it stays the same when the first
        # answer stored turns a cookie-only session into a stored one (portal/sessions.py).
        secret = session.get("csrf_token")
        return "session:" + hashlib.sha256((secret or session_cookie).encode()).hexdigest()
    return "address:" + (request.remote_addr or "")


def _set_cookie(response):
    response.set_cookie(
        COOKIE, _serializer().dumps(g.device_token), max_age=MAX_AGE, httponly=True,
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False), samesite="Lax", path="/",
    )
    return response
