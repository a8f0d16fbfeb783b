"""Fingerprinted static files: `asset_url('app.css')` -> /static/dist/app.<hash>.css.

The build (scripts/build_assets.py) commits a gzip copy beside each of them; when the app
compresses (portal.compression), a client that accepts gzip is sent that copy as it is,
with the original's type, instead of the file being compressed again on every request.
Both are read once, at start-up, and served from memory: they are a few files that only
change with a build, and a response holding no open file leaves none behind when a
browser drops the connection halfway.
"""

import hashlib
import json
import mimetypes
import os
from dataclasses import dataclass

from flask import Flask, request, url_for

from portal.compression import accepts_gzip

ONE_YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    dist = os.path.join(app.static_folder, "dist")
    manifest_path = os.path.join(dist, "manifest.json")
    try:
        with open(manifest_path, encoding="utf-8") as handle:
            manifest = json.load(handle)
    except FileNotFoundError:
        manifest = {}

    # Each asset's address, built once for each place the app is served from (every page
    # asks for two).
    addresses: dict[tuple[str, str], str] = {}

    def asset_url(name: str) -> str:
        key = (request.script_root, name)
        address = addresses.get(key)
        if address is None:
            address = addresses[key] = url_for("static", filename="dist/" + manifest.get(name, name))
        return address

    app.jinja_env.globals["asset_url"] = asset_url

    # Fingerprinted names change with their content, so they can be cached for a year.
    default_max_age = app.get_send_file_max_age

    def max_age(filename: str | None) -> int | None:
        if filename and filename.startswith("dist/") and filename != "dist/manifest.json":
            return ONE_YEAR
        return default_max_age(filename)

    app.get_send_file_max_age = max_age

    built = _built_assets(dist, app.static_folder)
    static_view = app.view_functions["static"]

    def static(filename: str):
        asset = built.get(filename)
        if asset is None:
            response = static_view(filename=filename)
        else:
            packed = asset.gzipped is not None and app.config.get("COMPRESS_RESPONSES") and accepts_gzip()
            response = app.response_class(asset.gzipped if packed else asset.body, mimetype=asset.mimetype)
            response.set_etag(asset.etag + ("-gzip" if packed else ""))
            if packed:
                response.headers["Content-Encoding"] = "gzip"
            response.vary.add("Accept-Encoding")
            response = response.make_conditional(request)
        if response.status_code in (200, 304):
            seconds = max_age(filename)
            # A fingerprinted file never changes under its name: the browser need not ask.
            immutable = ", immutable" if seconds == ONE_YEAR else ""
            response.headers["Cache-Control"] = f"public, max-age={seconds}{immutable}" if seconds else "no-cache"
        return response

    # Set here, by the view that serves them, not by a hook that looked at every request.
    app.view_functions["static"] = static


@dataclass(frozen=True)
class BuiltAsset:
    body: bytes
    gzipped: bytes | None  # the committed .gz copy, if there is one
    mimetype: str
    etag: str


def _built_assets(dist: str, static_folder: str) -> dict[str, BuiltAsset]:
    """Every fingerprinted file in static/dist, by its path under static/."""
    found = {}
    if not os.path.isdir(dist):
        return found
    names = set(os.listdir(dist))
    for name in names:
        if name.endswith(".gz") or name == "manifest.json":
            continue
        with open(os.path.join(dist, name), "rb") as handle:
            body = handle.read()
        gzipped = None
        if name + ".gz" in names:
            with open(os.path.join(dist, name + ".gz"), "rb") as handle:
                gzipped = handle.read()
        path = os.path.relpath(os.path.join(dist, name), static_folder).replace(os.sep, "/")
        found[path] = BuiltAsset(body, gzipped, mimetypes.guess_type(name)[0] or "application/octet-stream",
                                 hashlib.sha256(body).hexdigest()[:20])
    return found
