"""Every staff text field here, and the public filters, take every string of the Big List
of Naughty Strings without a server error, and show it back escaped."""

import html

from sqlalchemy import select

from portal.extensions import db
from portal.responses.models import Response
from tests.support.factories import make_published_response, make_submission
from tests.support.naughty import naughty_strings
from tests.support.staff import csrf_token_from


def test_naughty_strings_in_every_moderation_and_response_field(app, staff_client):
    client, _ = staff_client("admin")
    with app.app_context():
        item = make_submission("Something to redact 07700 900123")
        draft_item = make_submission("In a draft")
        response = Response(you_said="", we_did="", status="planned", responsible="", state="draft",
                            action_date=item.created_at.date())
        db.session.add(response)
        db.session.flush()
        draft_item.response_id = response.id
        db.session.commit()
        item_id, response_id = item.id, response.id
    token = csrf_token_from(client.get("/moderate").get_data(as_text=True))
    public = app.test_client()
    for naughty in naughty_strings():
        where = repr(naughty[:40])
        # Search and filters (staff and public) are GET forms.
        for url in ("/moderate/queue", "/moderate/audit", "/you-said-we-did"):
            query = {"q": naughty, "theme": naughty, "after": naughty, "action": naughty, "actor": naughty,
                     "subject": naughty, "from": naughty, "status": naughty, "before": naughty}
            got = (public if url.startswith("/you") else client).get(url, query_string=query)
            assert got.status_code == 200, (url, where)
        # The public wording and the names to remove.
        got = client.post(f"/moderate/items/{item_id}", data={
            "csrf_token": token, "public_text": naughty or "x", "remove_words": naughty})
        assert got.status_code in (200, 303), where
        # A note and a hide reason, through the queue's actions.
        got = client.post("/moderate/actions/note", data={"csrf_token": token, "ids": str(item_id), "note": naughty})
        assert got.status_code == 303, where
        got = client.post("/moderate/actions/hide", data={
            "csrf_token": token, "ids": str(item_id), "reason": "other", "reason_detail": naughty,
            "next": naughty}, headers={"HX-Request": "true"})
        assert got.status_code in (200, 303), where
        # Every field of a draft answer.
        fields = {name: naughty for name in ("you_said", "we_did", "reason", "responsible", "young_people_summary",
                                             "action_day", "action_month", "action_year", "theme", "status", "note")}
        got = client.post(f"/moderate/responses/{response_id}", data={"csrf_token": token, **fields})
        assert got.status_code in (200, 303), where
        if got.status_code == 200 and naughty.strip() and "<" in naughty:
            assert html.escape(naughty, quote=False)[:30] in got.get_data(as_text=True) or "There is a problem" in got.get_data(as_text=True)
    page = client.get(f"/moderate/items/{item_id}").get_data(as_text=True)
    assert "<script>alert(" not in page


def test_naughty_strings_published_stay_escaped_on_public_pages(app, client):
    from tests.support.naughty import naughty_strings_for_field

    strings = [s for s in naughty_strings_for_field(200) if "<" in s or "&" in s][:40]
    with app.app_context():
        ids = []
        for naughty in strings:
            ids.append(make_published_response([make_submission("x", public_text=naughty)], you_said=naughty,
                                               we_did=naughty, young_people_summary=naughty).id)
        assert len(list(db.session.scalars(select(Response.id)))) == len(strings)
    for response_id in ids:
        page = client.get(f"/you-said-we-did/{response_id}").get_data(as_text=True)
        assert "<script>alert(" not in page and "<img src=x onerror" not in page.lower()
    assert client.get("/you-said-we-did").status_code == 200
    assert client.get("/you-said-we-did/feed.atom").status_code == 200
