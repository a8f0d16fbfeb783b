"""Fingerprinted static files: `asset_url('app.css')` -> /static/dist/app.<hash>.css."""

import json
import os

from flask import Flask, url_for

ONE_YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    manifest_path = os.path.join(app.static_folder, "dist", "manifest.json")
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

    @app.after_request
    def immutable_assets(response):
        from flask import request

        if request.path.startswith("/static/dist/") and response.status_code == 200:
            response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        return response
