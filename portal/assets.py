"""Fingerprinted static files: `asset_url('app.css')` -> /static/dist/app.<hash>.css.

The build (scripts/build_assets.py) commits a gzip copy beside each of them; when the app
compresses (portal.compression), a client that accepts gzip is sent that copy as it is,
with the original's type, instead of the file being compressed again on every request.
"""

import json
import mimetypes
import os

from flask import Flask, request, send_from_directory, url_for

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

    def asset_url(name: str) -> str:
        return url_for("static", filename="dist/" + manifest.get(name, name))

    app.jinja_env.globals["asset_url"] = asset_url

    # Fingerprinted names change with their content, so they can be cached for a year.
    default_max_age = app.get_send_file_max_age

    def max_age(filename: str | None) -> int | None:
        if filename and filename.startswith("dist/") and filename != "dist/manifest.json":
            return ONE_YEAR
        return default_max_age(filename)

    app.get_send_file_max_age = max_age

    # The committed .gz copies, found once: the files only change with a build (and a deploy).
    gzipped = set()
    for folder, _dirs, files in os.walk(dist):
        for name in files:
            if name.endswith(".gz") and name[:-3] in files:
                gzipped.add(os.path.relpath(os.path.join(folder, name[:-3]), app.static_folder).replace(os.sep, "/"))
    static_view = app.view_functions["static"]

    def static(filename: str):
        if filename in gzipped and app.config.get("COMPRESS_RESPONSES") and accepts_gzip():
            response = send_from_directory(app.static_folder, filename + ".gz",
                                           max_age=max_age(filename))
            response.content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
            if response.content_type.startswith("text/"):
                response.content_type += "; charset=utf-8"
            response.headers["Content-Encoding"] = "gzip"
            response.vary.add("Accept-Encoding")
            return response
        return static_view(filename=filename)

    app.view_functions["static"] = static

    @app.after_request
    def immutable_assets(response):
        if response.status_code == 200 and request.path.startswith("/static/dist/"):
            response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        return response
