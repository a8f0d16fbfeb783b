"""The ceiling: a bare Flask app answering "ok", served by the same gunicorn settings."""

from flask import Flask, Response

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return Response("ok", mimetype="text/plain")
