"""The default limits count form posts only: reading pages is never limited, even from an
address whose posts have reached their limit (people at one school share one)."""

import pytest


@pytest.fixture
def limited_app(app, make_app):  # `app` builds the test database
    return make_app(WTF_CSRF_ENABLED=False, REQUEST_LOG_ENABLED=False)


def test_reading_pages_is_never_limited(limited_app):
    client = limited_app.test_client()
    statuses = {client.get("/tell-us/about").status_code for _ in range(150)}
    assert statuses == {200}


def test_pages_still_open_when_an_address_has_used_up_its_posts(limited_app):
    # No cookies: each post counts against the address, 120 a minute.
    posts = [limited_app.test_client().post("/tell-us/about", data={"answer": "keighley"}).status_code
             for _ in range(125)]
    assert 429 in posts and posts[:120].count(429) == 0
    assert limited_app.test_client().get("/tell-us/about").status_code == 200
    assert limited_app.test_client().get("/").status_code == 200
