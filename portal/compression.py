"""Compressing responses when no proxy does it (`make run`, `flask run`, a single server).

Text responses (HTML, CSS, JS, JSON, CSV, Atom, SVG...) are gzipped by Flask-Compress when
the client's Accept-Encoding allows it and the body is at least COMPRESS_MIN_SIZE bytes;
every response says `Vary: Accept-Encoding`; a strong ETag gets a `:gzip` suffix so the two
representations never share a validator; streamed responses (the report CSV) are gzipped
chunk by chunk; anything already encoded, images and fonts other than SVG are left alone.
The fingerprinted assets are served from their committed `.gz` copies (portal.assets).

COMPRESS_RESPONSES: None (the default) means on, except with ENV_NAME=production, where the
reverse proxy compresses (README, "Running in production") and the app does no such work.
"""

from functools import lru_cache

from flask import Flask, Response, request
from flask_compress import Compress

# Types worth compressing; images other than SVG, fonts in woff2 and archives are already
# compressed. (Flask-Compress's own list plus CSV, minus icon and legacy font types.)
MIMETYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/csv",
    "text/xml",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "application/xml",
    "application/xhtml+xml",
    "application/atom+xml",
    "application/rss+xml",
    "image/svg+xml",
]


@lru_cache(maxsize=256)
def gzip_quality(accept_encoding: str) -> float:
    """How much the client wants gzip, by RFC 9110 12.5.3: its own entry (`gzip` or
    `x-gzip`) if there is one, whatever its place in the list, else `*`'s, else 0. So
    `gzip;q=0` and `*;q=0` refuse it, and `gzip;q=0, *` does too."""
    wildcard = None
    for part in accept_encoding.split(","):
        name, _, params = part.partition(";")
        name = name.strip().lower()
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    quality = 0.0  # an unreadable weight accepts nothing
        if name in ("gzip", "x-gzip"):
            return quality
        if name == "*":
            wildcard = quality
    return wildcard or 0.0


def accepts_gzip() -> bool:
    return gzip_quality(request.headers.get("Accept-Encoding", "")) > 0


class _Compress(Compress):
    """Flask-Compress, asked only when the client accepts gzip by the rule above (it reads
    `gzip;q=0` as a choice of gzip, with a low preference)."""

    def after_request(self, response: Response) -> Response:
        if accepts_gzip():
            return super().after_request(response)
        vary = response.headers.get("Vary")
        if not vary:
            response.headers["Vary"] = "Accept-Encoding"
        elif "accept-encoding" not in vary.lower():
            response.headers["Vary"] = f"{vary}, Accept-Encoding"
        return response


compress = _Compress()


def compression_enabled(app: Flask) -> bool:
    setting = app.config.get("COMPRESS_RESPONSES")
    if setting is None:
        return app.config["ENV_NAME"] != "production"
    return bool(setting)


def init_app(app: Flask) -> None:
    """Call early, so its after-request hook runs after the others (they run last-added
    first) and compresses the finished body."""
    enabled = compression_enabled(app)
    app.config["COMPRESS_RESPONSES"] = enabled
    if not enabled:
        return
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    # gzip, which every browser accepts and the assets' committed copies use.
    app.config.setdefault("COMPRESS_ALGORITHM", ["gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["gzip"])
    app.config.setdefault("COMPRESS_LEVEL", 6)
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)  # below this gzip's header outweighs the saving
    compress.init_app(app)
