"""The public pages every language must cover, with the data they need, and the text a
page shows, split into the pieces a translator translates."""

import re
from html import escape

from bs4 import BeautifulSoup, NavigableString

from portal.extensions import db
from tests.support.factories import make_published_response, make_submission

# Names that are the same in every language: the service, the council's places, services
# people phone. Everything else a resident reads must be translated.
SAME_IN_EVERY_LANGUAGE = {
    "Your Place", "— Bradford District", "Bradford District", "Your Place – Bradford District",
    "Your Place — Bradford District", "AbilityNet", "Bradford", "Childline", "NSPCC", "Samaritans",
    "True Vision", "Bradford East", "Bradford West", "Bradford South", "Keighley", "Shipley", "City Park",
    "Lister Park", "English", "Polski", "Română", "اردو", "GOV.UK", "OK", "Atom", "RSS", "CSV", "PDF", "MASH",
    "Front Door", "ICO", "UK GDPR", "Open Government Licence v3.0",
}
NOT_WORDS = re.compile(r"^[\W\d_]*$|^BD-|^YP-|@|^https?://|^\+?[\d ()]+$|^[A-Z0-9]{2,4}( ?[0-9][A-Z]{2})?$")
ATTRIBUTES = ("aria-label", "placeholder", "alt", "title")
# What the person "writes" in the journeys compared across languages: no words, so it is
# the page's own text, not theirs, that the comparison looks at.
MESSAGE = "🚌 🚌 🚌 7:15 → 8:40"


def segments(html: str) -> set[str]:
    """Each piece of visible text and each readable attribute, minus parts marked as being
    in another language (lang="…" on an element inside the page: the switcher, and what
    people and staff wrote, shown as written)."""
    page = BeautifulSoup(html, "html.parser")
    for hidden in page(["script", "style", "noscript", "template"]):
        hidden.decompose()
    page_lang = page.html.get("lang") if page.html else None
    found = set()
    if page.title:
        found.add(page.title.get_text(" ", strip=True))

    def in_other_language(element) -> bool:
        for parent in [element, *element.parents]:
            lang = getattr(parent, "get", lambda _k: None)("lang")
            if lang and parent.name != "html" and lang != page_lang:
                return True
        return False

    body = page.body or page
    for text in body.find_all(string=True):
        if not isinstance(text, NavigableString) or not text.strip():
            continue
        if in_other_language(text.parent):
            continue
        found.add(" ".join(text.split()))
    for element in body.find_all(True):
        if in_other_language(element):
            continue
        for attribute in ATTRIBUTES:
            if element.get(attribute):
                found.add(" ".join(str(element[attribute]).split()))
        if element.name == "input" and element.get("type") in ("submit", "button") and element.get("value"):
            found.add(element["value"])
    return {text for text in found if text and text not in SAME_IN_EVERY_LANGUAGE and not NOT_WORDS.search(text)}


def seed_public_content(app) -> dict:
    """An answered piece of feedback, so the list, an answer, a report and tracking have
    something to show. Returns the ids and reference."""
    with app.app_context():
        from tests.support.ideas import add_support, make_idea

        answered = make_submission("More buses to Keighley on Sundays", public_text="More buses to Keighley on Sundays")
        waiting = make_submission("The library in Shipley needs longer hours")
        idea = make_idea("Sunday buses to Keighley", "More buses on Sundays, so people can get to work.")
        add_support(idea, "device-one", verified=True)
        add_support(idea, "device-two")
        other_idea = make_idea("A conversation café in Shipley", "Practise English with neighbours each week.")
        response = make_published_response([answered, idea])
        from portal.ideas.models import Event
        from portal.timeutil import uk_today as today

        events = {state: Event(code=code, name="Idea board", place="City Park", held_on=today(), state=state,
                               themes=[idea.theme])
                  for state, code in (("open", "KQ7M2X"), ("closed", "KQ7M3Z"), ("draft", "KQ7M4Y"))}
        db.session.add_all(events.values())
        db.session.commit()
        from portal.advisory.models import Application
        from portal.responses.terms import term_for
        from portal.shared.references import new_reference
        from portal.timeutil import uk_today, utcnow

        applied = Application(
            reference=new_reference(), draft_token="i18n-application", name="Sam", email="sam@example.org",
            age_band="25_44", seat_pool="shipley", why="🚌", bring="🚌", declared_on=uk_today(), consent_at=utcnow(),
            due_on=uk_today(), audience="adult", area_id=idea.area_id)
        db.session.add(applied)
        db.session.commit()
        return {"application_reference": applied.display_reference, "response_id": response.id, "answered": answered.display_reference,
                "waiting": waiting.display_reference, "report": term_for(uk_today()).slug,
                "theme": idea.theme.slug, "idea_id": idea.id, "other_idea_id": other_idea.id,
                "idea_reference": idea.display_reference,
                "events": [event.code for event in events.values()]}


def public_paths(content: dict) -> list[str]:
    return [
        "/", "/accessibility", "/privacy", "/cookies", "/childrens-code",
        "/tell-us", "/young-people", "/young-people/tell-us", "/young-people/privacy",
        "/track", f"/track/{content['waiting']}", f"/track/{content['answered']}",
        "/you-said-we-did", f"/you-said-we-did/{content['response_id']}", f"/you-said-we-did/{content['report']}",
        "/ideas", f"/ideas/{content['theme']}", f"/ideas/{content['theme']}/{content['idea_id']}",
        f"/ideas/{content['theme']}/{content['other_idea_id']}", f"/ideas/{content['theme']}/propose",
        "/ideas/confirm-your-supports", f"/track/{content['idea_reference']}",
        *[f"/event/{code}" for code in content["events"]],
        "/advisory-group", "/advisory-group/apply", "/advisory-group/apply/too-young",
        f"/track/{content['application_reference']}",
        "/no-such-page",
    ]


def idea_journey_pages(app, code: str, age: str = "adult") -> list[tuple[str, str]]:
    """(path, HTML) of every page of proposing an idea and confirming supports, in one
    language: each question empty and with its error, check answers, the confirmation,
    and the code page."""
    from tests.support.proposer import Proposer
    from tests.support.staff import csrf_token_from

    client = app.test_client()
    client.get("/", query_string={"lang": code})
    proposer = Proposer(client)
    pages = []
    for step, answer in (("who", {"answer": age}), ("idea", {"title": "🚌 7:15", "body": MESSAGE}),
                         ("where", {"answer": "keighley"}), ("updates", {"email": ""})):
        pages.append((f"{proposer.prefix}/{step} (empty)", client.get(f"{proposer.prefix}/{step}").get_data(as_text=True)))
        refused = proposer.post(f"/{step}", {"email": "not an email"} if step == "updates" else {})
        assert refused.status_code == 200, (step, refused.status_code)
        pages.append((f"{proposer.prefix}/{step} (error)", refused.get_data(as_text=True)))
        moved = proposer.post(f"/{step}", answer)
        assert moved.status_code == 302, (step, moved.get_data(as_text=True)[:500])
    pages.append((f"{proposer.prefix}/check-your-answers",
                  client.get(f"{proposer.prefix}/check-your-answers").get_data(as_text=True)))
    sent = proposer.send()
    assert sent.status_code == 303, sent.get_data(as_text=True)[:500]
    pages.append((sent.headers["Location"], client.get(sent.headers["Location"]).get_data(as_text=True)))
    verify = client.get("/ideas/confirm-your-supports").get_data(as_text=True)
    refused = client.post("/ideas/confirm-your-supports", data={"email": "nope", "csrf_token": csrf_token_from(verify)})
    pages.append(("/ideas/confirm-your-supports (error)", refused.get_data(as_text=True)))
    client.post("/ideas/confirm-your-supports", data={"email": "someone@example.com", "csrf_token": csrf_token_from(verify)})
    code_page = client.get("/ideas/confirm-your-supports/code").get_data(as_text=True)
    pages.append(("/ideas/confirm-your-supports/code", code_page))
    wrong = client.post("/ideas/confirm-your-supports/code", data={"code": "12", "csrf_token": csrf_token_from(code_page)})
    pages.append(("/ideas/confirm-your-supports/code (error)", wrong.get_data(as_text=True)))
    return pages


def journey_pages(app, code: str, young: bool) -> list[tuple[str, str]]:
    """(path, HTML) of every page of a journey, in order, in one language: each question
    empty and with its error, check answers, the confirmation, the receipt and the
    equality questions."""
    from tests.support.journeys import ADULT, YOUNG, Teller

    client = app.test_client()
    client.get("/", query_string={"lang": code})  # the language cookie, as a person choosing it
    teller = Teller(client, YOUNG if young else ADULT)
    answers = [("age", {"answer": "13_15"}), ("care", {"answer": "no"})] if young else []
    answers += [("about", {"answer": "sharing-spaces-and-places"}), ("where", {"answer": "keighley"}),
                ("message", {"body": MESSAGE}), ("reply", {"email": ""})]
    pages = []
    for step, answer in answers:
        pages.append((f"{teller.prefix}/{step} (empty)", teller.get(f"/{step}").get_data(as_text=True)))
        refused = teller.post(f"/{step}", {})
        if refused.status_code == 200:  # an optional question moves on instead
            pages.append((f"{teller.prefix}/{step} (error)", refused.get_data(as_text=True)))
        moved = teller.post(f"/{step}", answer)
        assert moved.status_code == 302, (step, moved.get_data(as_text=True)[:500])
    pages.append((f"{teller.prefix}/check-your-answers", teller.get("/check-your-answers").get_data(as_text=True)))
    sent = teller.send()
    assert sent.status_code == 302, sent.get_data(as_text=True)[:500]
    landed = client.get(sent.headers["Location"])
    pages.append((sent.headers["Location"], landed.get_data(as_text=True)))
    if sent.headers["Location"].endswith("/equality"):  # the optional questions: skip them
        skipped = teller.post("/equality", {"choice": "skip"})
        assert skipped.status_code == 302, skipped.get_data(as_text=True)[:500]
    confirmation = teller.get("/confirmation")
    assert confirmation.status_code == 200, (code, confirmation.status_code)
    pages.append((f"{teller.prefix}/confirmation", confirmation.get_data(as_text=True)))
    receipt = teller.get("/confirmation/receipt.txt").get_data(as_text=True)
    lines = "".join(f"<p>{escape(line)}</p>" for line in receipt.splitlines())
    pages.append((f"{teller.prefix}/confirmation/receipt.txt", f"<html><body>{lines}</body></html>"))
    return pages


ADVISORY_ANSWERS = [
    ("age", {"answer": "25_44"}), ("name", {"name": "🚌"}), ("contact", {"email": "sam@example.org", "phone": ""}),
    ("route", {"answer": "shipley"}), ("why", {"why": MESSAGE, "bring": MESSAGE}), ("interests", {"answer": []}),
    ("availability", {"answer": ["weekend"]}), ("access", {"access": ""}),
    ("declaration", {"has_interests": "no"}), ("consent", {"consent": "y"}),
]


def advisory_journey_pages(app, code: str) -> list[tuple[str, str]]:
    """(path, HTML) of every page of applying to the advisory group in one language: each
    question empty and with its error, check answers, the questions about you, the
    confirmation; then the pages behind the emailed links, and a used link."""
    from portal.advisory import services
    from portal.shared.references import parse_reference
    from tests.support.staff import csrf_token_from

    client = app.test_client()
    client.get("/", query_string={"lang": code})
    prefix = "/advisory-group/apply"
    pages = []

    csrf = csrf_token_from(client.get(f"{prefix}/age").get_data(as_text=True))  # one per session

    def post(path, data):
        return client.post(path, data={**data, "csrf_token": csrf})

    for step, answer in ADVISORY_ANSWERS:
        path = f"{prefix}/{step}"
        pages.append((f"{path} (empty)", client.get(path).get_data(as_text=True)))
        refused = post(path, {"has_interests": "yes"} if step == "declaration" else {})
        if refused.status_code == 200:  # an optional question moves on instead
            pages.append((f"{path} (error)", refused.get_data(as_text=True)))
        moved = post(path, answer)
        assert moved.status_code == 302, (step, moved.get_data(as_text=True)[:500])
    check = client.get(f"{prefix}/check-your-answers").get_data(as_text=True)
    pages.append((f"{prefix}/check-your-answers", check))
    import re

    token = re.search(r'name="draft_token" type="hidden" value="([^"]+)"', check).group(1)
    sent = client.post(f"{prefix}/check-your-answers", data={"draft_token": token, "csrf_token": csrf_token_from(check)})
    assert sent.status_code == 303, sent.get_data(as_text=True)[:500]
    intro = client.get(sent.headers["Location"]).get_data(as_text=True)
    pages.append((sent.headers["Location"], intro))
    client.post(sent.headers["Location"], data={"answer": "yes", "csrf_token": csrf_token_from(intro)})
    question = f"{prefix}/questions-about-you/sex"
    pages.append((question, client.get(question).get_data(as_text=True)))
    skipped = post(f"{prefix}/questions-about-you/skip", {})
    assert skipped.status_code == 303, skipped.status_code
    confirmation = client.get(f"{prefix}/confirmation").get_data(as_text=True)
    pages.append((f"{prefix}/confirmation", confirmation))
    reference = re.search(r"BD-[0-9A-Z]{4}-[0-9A-Z]{4}", confirmation).group(0)
    with app.app_context():
        application = services.find_by_reference(parse_reference(reference))
        services.move(application, "shortlisted")
        services.move(application, "offered")
        from portal.shared.outbox import OutboxMessage

        body = db.session.scalars(db.select(OutboxMessage.body).order_by(OutboxMessage.id.desc())).first()
    offer = re.search(r"/advisory-group/offer/\S+", body).group(0)
    page = client.get(offer).get_data(as_text=True)
    pages.append(("offer", page))
    accepted = client.post(offer, data={"answer": "yes", "csrf_token": csrf_token_from(page)})
    pages.append(("offer accepted", accepted.get_data(as_text=True)))
    pages.append(("offer used", client.get(offer).get_data(as_text=True)))
    pages.append((f"/track/{reference}", client.get(f"/track/{reference}").get_data(as_text=True)))
    return pages
