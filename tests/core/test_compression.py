"""Compression when no proxy does it: gzip for text when the client accepts it, assets
from their committed .gz copies, and nothing of the kind in production by default."""

import gzip
import json
from pathlib import Path

import pytest
from flask import Response

from portal.compression import gzip_quality
from portal.config import from_environment

DIST = Path(__file__).resolve().parents[2] / "static" / "dist"
MANIFEST = json.loads((DIST / "manifest.json").read_text())
PRODUCTION = {"ENV_NAME": "production", "PUBLIC_BASE_URL": "https://yourplace.example",
              "SECRET_KEY": "production-test-secret-" + "x" * 40}


def test_a_page_is_gzipped_when_accepted_and_decompresses_to_the_same_page(client):
    plain = client.get("/cookies")
    packed = client.get("/cookies", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data) / 2
    assert gzip.decompress(packed.data) == plain.data
    for response in (plain, packed):
        assert "Accept-Encoding" in response.headers["Vary"]
        assert "HX-Request" in response.headers["Vary"]  # what other hooks said stays
        assert response.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("accept", [None, "", "identity", "br", "deflate", "gzip;q=0", "*;q=0", "gzip;q=0, *"])
def test_no_compression_unless_gzip_is_accepted(client, accept):
    headers = {} if accept is None else {"Accept-Encoding": accept}
    response = client.get("/cookies", headers=headers)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert b"<html" in response.data
    assert int(response.headers["Content-Length"]) == len(response.data)
    assert "Accept-Encoding" in response.headers["Vary"]


@pytest.mark.parametrize("accept, quality", [
    ("gzip", 1.0), ("GZIP", 1.0), ("x-gzip", 1.0), ("*", 1.0), ("br;q=1.0, gzip;q=0.8", 0.8),
    ("gzip ; q=0.5", 0.5), ("gzip;q=0", 0.0), ("gzip;q=0.000", 0.0), ("*;q=0", 0.0),
    ("gzip;q=0, *", 0.0), ("*, gzip;q=0", 0.0), ("identity", 0.0), ("", 0.0), ("gzip;q=abc", 0.0),
])
def test_accept_encoding_is_read_by_the_rfc(accept, quality):
    assert gzip_quality(accept) == quality


def test_tiny_bodies_are_not_compressed_but_still_vary(client):
    response = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert response.data == b"ok" and "Content-Encoding" not in response.headers
    assert "Accept-Encoding" in response.headers["Vary"]


@pytest.fixture
def app_with_test_views(app, make_app):  # `app` builds the test database
    application = make_app(REQUEST_LOG_ENABLED=False)

    @application.get("/_test/png")
    def png():
        return Response(b"\x89PNG\r\n\x1a\n" + bytes(4000), mimetype="image/png")

    @application.get("/_test/stream.csv")
    def stream():
        def rows():
            yield "reference,theme\r\n"
            for number in range(2000):
                yield f"YP-{number:05d},Transport\r\n"
        return Response(rows(), mimetype="text/csv")

    @application.get("/_test/etag")
    def tagged():
        response = Response("x" * 5000, mimetype="text/plain")
        response.set_etag("v1")
        return response.make_conditional(__import__("flask").request)

    @application.get("/_test/fragment")
    def fragment():
        return Response("<li>an idea</li>" * 100, mimetype="text/html")

    return application


def test_already_compressed_types_are_left_alone(app_with_test_views):
    response = app_with_test_views.test_client().get("/_test/png", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response.headers and len(response.data) == 4008


def test_streamed_responses_are_gzipped_chunk_by_chunk(app_with_test_views):
    client = app_with_test_views.test_client()
    plain = client.get("/_test/stream.csv")
    packed = client.get("/_test/stream.csv", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and "Content-Length" not in packed.headers
    assert gzip.decompress(packed.data) == plain.data
    assert plain.data.count(b"\r\n") == 2001


def test_htmx_fragments_are_gzipped_and_vary_on_hx_request(app_with_test_views):
    client = app_with_test_views.test_client()
    response = client.get("/_test/fragment", headers={"Accept-Encoding": "gzip", "HX-Request": "true"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data) == b"<li>an idea</li>" * 100
    assert {"HX-Request", "Accept-Encoding"} <= {v.strip() for v in response.headers["Vary"].split(",")}


def test_a_strong_etag_names_the_gzipped_representation_and_revalidates(app_with_test_views):
    client = app_with_test_views.test_client()
    assert client.get("/_test/etag").headers["ETag"] == '"v1"'
    packed = client.get("/_test/etag", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["ETag"] == '"v1:gzip"'
    again = client.get("/_test/etag", headers={"Accept-Encoding": "gzip", "If-None-Match": '"v1:gzip"'})
    assert again.status_code == 304 and again.data == b""
    assert client.get("/_test/etag", headers={"If-None-Match": '"v1"'}).status_code == 304


@pytest.mark.parametrize("logical, mimetype", [("app.css", "text/css"), ("app.js", "text/javascript")])
def test_assets_are_served_from_their_committed_gz_copies(client, logical, mimetype):
    name = MANIFEST[logical]
    raw, committed = (DIST / name).read_bytes(), (DIST / f"{name}.gz").read_bytes()
    assert gzip.decompress(committed) == raw
    packed = client.get(f"/static/dist/{name}", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.status_code == 200
    assert packed.data == committed  # the file as built, not compressed again
    assert packed.mimetype == mimetype and packed.headers["Content-Encoding"] == "gzip"
    assert int(packed.headers["Content-Length"]) == len(committed)
    assert packed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Accept-Encoding" in packed.headers["Vary"]
    plain = client.get(f"/static/dist/{name}")
    assert plain.data == raw and plain.mimetype == mimetype and "Content-Encoding" not in plain.headers
    assert plain.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Accept-Encoding" in plain.headers["Vary"]
    assert plain.headers["ETag"] != packed.headers["ETag"]
    # Revalidating the gzipped copy by its own validator.
    again = client.get(f"/static/dist/{name}", headers={"Accept-Encoding": "gzip",
                                                        "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304
    for response in (packed, plain, again):
        response.close()


def test_every_built_asset_has_its_gz_copy_committed():
    built = [path for path in DIST.rglob("*") if path.is_file() and path.suffix in (".css", ".js", ".svg")]
    assert built
    for path in built:
        assert gzip.decompress(path.with_name(path.name + ".gz").read_bytes()) == path.read_bytes(), path


def test_production_leaves_compression_to_the_proxy_by_default(app, make_app):
    production = make_app(**PRODUCTION)
    assert production.config["COMPRESS_RESPONSES"] is False
    client = production.test_client()
    page = client.get("/cookies", headers={"Accept-Encoding": "gzip"}, base_url="https://localhost")
    assert page.status_code == 200 and "Content-Encoding" not in page.headers
    name = MANIFEST["app.css"]
    asset = client.get(f"/static/dist/{name}", headers={"Accept-Encoding": "gzip"}, base_url="https://localhost")
    assert asset.data == (DIST / name).read_bytes() and "Content-Encoding" not in asset.headers
    asset.close()


def test_production_compresses_when_told_to(app, make_app):
    production = make_app(COMPRESS_RESPONSES=True, **PRODUCTION)
    page = production.test_client().get("/cookies", headers={"Accept-Encoding": "gzip"}, base_url="https://localhost")
    assert page.headers["Content-Encoding"] == "gzip"


def test_development_compresses_by_default(app):
    assert app.config["ENV_NAME"] == "development" and app.config["COMPRESS_RESPONSES"] is True


@pytest.mark.parametrize("value, expected", [("0", False), ("false", False), ("1", True), ("true", True)])
def test_the_setting_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("COMPRESS_RESPONSES", value)
    assert from_environment()["COMPRESS_RESPONSES"] is expected
