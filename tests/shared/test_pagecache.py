"""Whole public pages kept for a few seconds (portal/shared/pagecache.py): the same bytes
for visitors who cannot be told apart, never a page meant for someone else, a 304 for a
phone that has the page, and forgotten at once when something is published or hidden."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.ideas.models import Idea
from portal.shared.cache import clear, peek
from tests.support.factories import make_published_response, make_submission
from tests.support.ideas import make_idea
from tests.support.queries import QueryCounter
from tests.support.staff import csrf_token_from, sign_in_client

THEME = "sharing-spaces-and-places"


@pytest.fixture(autouse=True)
def page_cache_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_CACHE_ENABLED", True)
    clear()
    yield
    clear()


def _statements(app, client, url, **kwargs):
    with app.app_context(), QueryCounter(db.engine) as counter:
        response = client.get(url, **kwargs)
    return response, counter.count


def test_a_second_anonymous_visitor_gets_the_same_page_without_a_query(app):
    with app.app_context():
        make_idea(title="Benches along the canal in Shipley")
    with app.app_context():
        make_published_response([make_submission()])
    from portal.responses.terms import term_for
    from portal.timeutil import uk_today

    report = term_for(uk_today())
    urls = ["/", "/ideas", f"/ideas/{THEME}", "/you-said-we-did", "/advisory-group", "/young-people",
            f"/you-said-we-did/{report.slug}",
            "/ideas/feed.atom", "/you-said-we-did/feed.atom"]
    for url in urls:
        first, _ = _statements(app, app.test_client(), url)
        second, statements = _statements(app, app.test_client(), url)
        assert first.status_code == second.status_code == 200, url
        assert second.get_data() == first.get_data(), url
        assert statements == 0, url
        assert second.headers["ETag"] and not second.headers.getlist("Set-Cookie"), url


def test_a_phone_that_has_the_page_gets_304_with_no_body(app):
    first = app.test_client().get("/ideas")
    again = app.test_client().get("/ideas", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""


def test_each_language_has_its_own_page(app):
    english = app.test_client().get("/ideas").get_data(as_text=True)
    urdu = app.test_client().get("/ideas?lang=ur").get_data(as_text=True)
    assert 'lang="ur"' in urdu and 'lang="en-GB"' in english
    chosen = app.test_client()
    chosen.get("/?lang=pl")  # the language cookie
    assert 'lang="pl"' in chosen.get("/ideas").get_data(as_text=True)
    assert 'lang="en-GB"' in app.test_client().get("/ideas").get_data(as_text=True)


def test_a_staff_member_never_gets_the_visitors_page_nor_the_visitor_theirs(app, make_staff):
    with app.app_context():
        make_idea(title="A youth club in Keighley")
    board = f"/ideas/{THEME}"
    app.test_client().get(board)
    staff = app.test_client()
    sign_in_client(app, staff, make_staff("moderator"))
    page, statements = _statements(app, staff, board)
    assert statements > 0 and not page.headers.get("ETag")  # made for them, not the kept page
    assert "Signed in as" not in app.test_client().get(board).get_data(as_text=True)


def test_a_device_that_supports_an_idea_sees_its_own_board(app):
    with app.app_context():
        idea_id = make_idea(title="A safe crossing by the school in Manningham").id
    board = f"/ideas/{THEME}"
    assert "Take back my support" not in app.test_client().get(board).get_data(as_text=True)  # kept
    supporter = app.test_client()
    supporter.post(f"{board}/{idea_id}/support", data={"action": "support", "next": board},
                   headers={"Sec-Fetch-Site": "same-origin"})
    assert "Take back my support" in supporter.get(board).get_data(as_text=True)
    assert "Take back my support" not in app.test_client().get(board).get_data(as_text=True)


def test_htmx_requests_and_pages_that_set_a_cookie_are_not_kept(app):
    fragment = app.test_client().get(f"/ideas/{THEME}?order=newest", headers={"HX-Request": "true"})
    whole = app.test_client().get(f"/ideas/{THEME}?order=newest")
    assert fragment.get_data() != whole.get_data() and "<html" in whole.get_data(as_text=True)
    # A kept page still gets the cookies the request's own hooks set: ?lang= keeps the choice.
    for _ in range(2):
        chooser = app.test_client().get("/ideas?lang=ro")
        assert any(c.startswith("yp_lang=ro") for c in chooser.headers.getlist("Set-Cookie"))
    assert peek(("page", "/ideas?lang=ro", "ro")) is not None
    # A page that made this visitor a device cookie or a session is not kept.
    with app.app_context():
        idea_id = make_idea().id
    supported = app.test_client()
    supported.post(f"/ideas/{THEME}/{idea_id}/support", data={"action": "support", "next": f"/ideas/{THEME}"},
                   headers={"Sec-Fetch-Site": "same-origin"})
    assert peek(("page", f"/ideas/{THEME}?", "en")) is None


def test_publishing_or_hiding_shows_at_once(app, make_staff):
    with app.app_context():
        kept = make_idea(title="Litter picks in Lister Park").id
    board = f"/ideas/{THEME}"
    assert "Litter picks in Lister Park" in app.test_client().get(board).get_data(as_text=True)
    moderator = app.test_client()
    sign_in_client(app, moderator, make_staff("moderator"))
    page = moderator.get("/moderate/queue").get_data(as_text=True)

    moderator.post("/moderate/actions/hide", data={"csrf_token": csrf_token_from(page), "ids": str(kept),
                                                   "reason": "spam", "next": "/moderate/queue"})
    with app.app_context():
        assert db.session.scalar(select(Idea.status).where(Idea.id == kept)) == "hidden"
    assert "Litter picks in Lister Park" not in app.test_client().get(board).get_data(as_text=True)


def test_a_new_answer_shows_on_the_list_at_once(app):
    assert "Sunday buses to Bradford" not in app.test_client().get("/you-said-we-did").get_data(as_text=True)
    with app.app_context():
        make_published_response([make_submission()], we_did="Sunday buses to Bradford start in May.")
    from portal.responses.figures import clear_cache

    clear_cache()  # what publishing does (portal/responses/services.py)
    assert "Sunday buses to Bradford" in app.test_client().get("/you-said-we-did").get_data(as_text=True)
