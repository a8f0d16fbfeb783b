"""The seats of the People's Advisory Group (5 per area, the rest of 32 for the Equalities
Forum; an outstanding offer holds a seat, an expired one does not), every move between
stages (audited, emailed, refused without a trace), and the links emailed to applicants
and members: each works once, only until it expires, only for what it was made for."""

import re
import secrets
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from portal.advisory import seats, services
from portal.advisory.models import EQUALITIES_FORUM, STAGES, AdvisoryLink, Application, InvitationReply
from portal.extensions import db
from portal.shared.outbox import OutboxMessage
from portal.staff.models import AuditEvent
from portal.timeutil import UK, as_aware, uk_today, utcnow
from tests.support.advisory_factories import AREAS, POOLS, fill, holding, make_application, offer_token, world
from tests.support.staff import csrf_token_from

SUBJECTS = {
    "shortlisted": "Your application to the People’s Advisory Group",
    "offered": "You are offered a place on the People’s Advisory Group",
    "member": "Welcome to the People’s Advisory Group",
    "waiting_list": "You are on the waiting list for the People’s Advisory Group",
    "not_selected": "Your application to the People’s Advisory Group",
    "declined": "You have declined your place",
    "left": "Thank you for being a member of the People’s Advisory Group",
}


def words(response) -> str:
    return " ".join(BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text(" ").split())


def heading(response) -> str:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").h1.get_text(strip=True)


def pool(key: str, now=None) -> seats.Pool:
    return next(p for p in seats.pools(now) if p.key == key)


def get(application_id: int) -> Application:
    return db.session.get(Application, application_id)


# ---- the caps ---------------------------------------------------------------------


def test_each_area_has_5_seats_and_the_equalities_forum_the_other_7(app_ctx):
    found = seats.pools()
    assert [p.key for p in found] == [*AREAS, EQUALITIES_FORUM]
    assert [p.cap for p in found] == [5, 5, 5, 5, 5, 7]
    assert sum(p.cap for p in found) == seats.group_size() == 32
    assert [p.name for p in found][-1] == "Equalities Forum"
    assert all((p.members, p.offers, p.open, p.full) == (0, 0, p.cap, False) for p in found)


def test_the_caps_follow_the_settings(app_ctx, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "ADVISORY_GROUP_SIZE", 30)
    monkeypatch.setitem(app_ctx.config, "ADVISORY_SEATS_PER_AREA", 4)
    assert seats.caps() == {**{area: 4 for area in AREAS}, EQUALITIES_FORUM: 10}
    monkeypatch.setitem(app_ctx.config, "ADVISORY_GROUP_SIZE", 18)
    assert seats.caps()[EQUALITIES_FORUM] == 0  # never negative


def test_outstanding_offers_hold_seats_and_expired_ones_do_not(app_ctx):
    fill("keighley", members=3, offers=1, expired_offers=2)
    fill(EQUALITIES_FORUM, members=7)
    make_application("keighley", "declined")
    make_application("keighley", "left")
    make_application("keighley", "waiting_list")
    keighley = pool("keighley")
    assert (keighley.members, keighley.offers, keighley.held, keighley.open, keighley.full) == (3, 1, 4, 1, False)
    assert pool(EQUALITIES_FORUM).full and seats.is_full(EQUALITIES_FORUM) and not seats.is_full("keighley")
    # 15 days on, the outstanding offer has expired too.
    later = pool("keighley", now=utcnow() + timedelta(days=15))
    assert (later.members, later.offers, later.open) == (3, 0, 2)
    fill("keighley", offers=1)
    assert pool("keighley").full and seats.is_full("keighley")


def test_an_offer_into_a_full_area_is_refused_and_changes_nothing(app_ctx, make_staff):
    moderator = make_staff("moderator")
    fill("keighley", members=4, offers=1, expired_offers=1)
    hopeful = [make_application("keighley", stage) for stage in ("shortlisted", "waiting_list", "submitted")]
    before = world()
    for person in hopeful:
        target = "offered" if person.stage != "submitted" else "shortlisted"
        if target == "shortlisted":
            continue  # shortlisting holds no seat
        with pytest.raises(seats.NoSeat):
            services.move(get(person.id), "offered", moderator)
    assert world() == before
    assert holding("keighley") == 5


def test_staff_cannot_make_a_member_past_the_cap_either(app_ctx):
    fill("shipley", members=5)
    offered = make_application("shipley", "offered")  # made before the cap was reached (e.g. a lowered setting)
    before = world()
    with pytest.raises(seats.NoSeat):
        services.move(get(offered.id), "member")
    assert world() == before


def test_the_33rd_seat_is_refused_even_when_its_area_has_room(app_ctx, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "ADVISORY_SEATS_PER_AREA", 7)  # 35 area seats, the group still 32
    for area in ("bradford-east", "bradford-west", "bradford-south", "shipley"):
        fill(area, members=6, offers=1)
    fill("keighley", members=3, offers=1)
    assert holding() == 32
    candidate = make_application("keighley", "shortlisted")
    keighley = pool("keighley")
    assert keighley.cap - keighley.held == 3  # room in the area...
    assert keighley.open == 0 and seats.is_full("keighley")  # ...but none in the group, and it says so
    before = world()
    with pytest.raises(seats.NoSeat):
        services.move(get(candidate.id), "offered")
    assert world() == before
    # A seat anywhere is given up: now the area's room can be used.
    leaving = db.session.scalar(select(Application).where(Application.seat_pool == "shipley",
                                                          Application.stage == "member").limit(1))
    services.move(leaving, "left")
    services.move(get(candidate.id), "offered")
    assert get(candidate.id).stage == "offered" and holding() == 32


def test_a_smaller_group_size_is_a_cap_across_areas(app_ctx, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "ADVISORY_GROUP_SIZE", 12)
    assert seats.caps()[EQUALITIES_FORUM] == 0
    fill("keighley", members=5)
    fill("shipley", members=4, offers=1)
    fill("bradford-east", members=1, expired_offers=3)
    forum = make_application(EQUALITIES_FORUM, "shortlisted")
    east = make_application("bradford-east", "shortlisted")
    west = make_application("bradford-west", "waiting_list")
    services.move(get(east.id), "offered")  # the 12th seat
    before = world()
    for person in (forum, west):
        with pytest.raises(seats.NoSeat):
            services.move(get(person.id), "offered")
    assert world() == before and holding() == 12


# ---- moving between stages --------------------------------------------------------

ALLOWED = [(start, target) for start, targets in services.MOVES.items() for target in targets]


@pytest.mark.parametrize(("start", "target"), ALLOWED, ids=[f"{a}-to-{b}" for a, b in ALLOWED])
def test_every_allowed_move_is_audited_and_emails_the_applicant(app_ctx, make_staff, start, target):
    moderator = make_staff("moderator")
    fill("keighley", members=2)
    person = make_application("keighley", start, email="mover@example.com")
    silent = make_application("keighley", start, email=None, phone="01274 431000")
    before_outbox = world()["outbox"]
    moment = utcnow()
    services.move(get(person.id), target, moderator, note="Agreed at the panel")
    services.move(get(silent.id), target, moderator)

    moved = get(person.id)
    assert moved.stage == target and as_aware(moved.stage_changed_at) >= moment
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.subject_type == "application",
                                                     AuditEvent.subject_id == str(person.id)))
    assert (event.action, event.subject_type, event.actor_id, event.detail) == (
        f"advisory.{target}", "application", moderator.id, "Agreed at the panel")
    assert event.before["stage"] == start and event.after["stage"] == target
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.subject_id == str(silent.id))) == \
        f"advisory.{target}"

    queued = [m for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
              if m.dedupe_key not in before_outbox]
    if target in services.EMAILED:
        assert [(m.to_address, m.subject) for m in queued] == [("mover@example.com", SUBJECTS[target])]
        assert f"Hello {moved.name}," in queued[0].body
    else:
        assert queued == []
    today = uk_today()
    if target == "offered":
        assert as_aware(moved.offer_expires_at) - moment >= timedelta(days=14)
        assert event.after["offer_expires_at"] is not None
        assert f"/advisory-group/offer/{offer_token(person.id)}" in queued[0].body
        assert pool("keighley").offers == 2
    if target == "member":
        assert (moved.term_start, moved.term_end, moved.offer_expires_at) == (today, services.add_years(today, 2), None)
        assert "Your term ends on" in queued[0].body and pool("keighley").members == 4
    if target == "waiting_list":
        assert moved.waiting_since is not None and moved.offer_expires_at is None
    if target == "left":
        assert moved.left_on == today and pool("keighley").members == 2
    if target in services.FINISHED:
        assert moved.status == "answered"


def test_every_move_that_is_not_allowed_is_refused_and_changes_nothing(app_ctx):
    tried = 0
    fill("keighley", members=1)
    for start, targets in services.MOVES.items():
        person = make_application("keighley", start)
        for target in STAGES:
            if target in targets:
                continue
            before = world()
            with pytest.raises(services.NotAllowed):
                services.move(get(person.id), target)
            assert world() == before, (start, target)
            tried += 1
    assert tried == len(STAGES) ** 2 - len(ALLOWED)


def test_an_application_held_for_safeguarding_cannot_be_moved(app_ctx):
    fill("keighley", members=1)
    for start in ("submitted", "shortlisted", "waiting_list", "offered", "member"):
        person = make_application("keighley", start, held=True)
        assert services.allowed_moves(person) == ()
        before = world()
        for target in STAGES:
            with pytest.raises(services.NotAllowed):
                services.move(get(person.id), target)
        assert world() == before, start


def test_an_expired_offer_cannot_be_turned_into_a_member_by_staff(app_ctx):
    person = make_application("keighley", "offered", offer_expires_at=utcnow() - timedelta(hours=1))
    before = world()
    with pytest.raises(services.NotAllowed):
        services.move(get(person.id), "member")
    assert world() == before
    # Staff withdraw it to the waiting list, and offer again: a fresh 14 days.
    services.move(get(person.id), "waiting_list")
    services.move(get(person.id), "offered")
    assert as_aware(get(person.id).offer_expires_at) > utcnow() + timedelta(days=13)


# ---- the offer link ---------------------------------------------------------------


def offered(app, pool_key: str = "keighley", members: int = 3, **options) -> tuple[int, str]:
    """An application offered a seat by staff: its id and the token from its email."""
    with app.app_context():
        fill(pool_key, members=members)
        person = make_application(pool_key, "shortlisted", **options)
        services.move(person, "offered")
        found = (person.id, offer_token(person.id))
        db.session.remove()
        return found


def snapshot(app) -> dict:
    with app.app_context():
        return world()


def answer(client, url: str, value: str, page=None):
    page = page if page is not None else client.get(url)
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "answer": value})


def test_accepting_an_offer_makes_a_member_once(app, client):
    person_id, token = offered(app, name="Bilal Akhtar")
    url = f"/advisory-group/offer/{token}"
    with app.app_context():
        email = db.session.scalar(select(OutboxMessage.body).where(
            OutboxMessage.dedupe_key.startswith(f"advisory:offered:{person_id}:")))
        assert f"http://127.0.0.1{url}" in email
        assert (pool("keighley").members, pool("keighley").offers) == (3, 1)
    before = snapshot(app)
    page = client.get(url)
    assert page.status_code == 200 and heading(page) == "Your offer of a seat"
    assert "Hello Bilal Akhtar." in words(page) and "for Keighley" in words(page)
    assert client.get(url).status_code == 200
    assert snapshot(app) == before  # opening the link (a mail scanner) changes nothing

    accepted = answer(client, url, "yes", page)
    assert accepted.status_code == 200 and "Welcome to the group" in words(accepted)
    today = uk_today()
    with app.app_context():
        member = get(person_id)
        assert (member.stage, member.term_start, member.term_end) == ("member", today, services.add_years(today, 2))
        assert (pool("keighley").members, pool("keighley").offers) == (4, 0)
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "advisory.member"))
        assert event.subject_id == str(person_id) and event.detail == "answered through the emailed link"
        assert db.session.scalar(select(OutboxMessage.subject).where(
            OutboxMessage.dedupe_key.startswith(f"advisory:member:{person_id}:"))) == SUBJECTS["member"]
        assert db.session.scalar(select(AdvisoryLink.used_at)) is not None

    after = snapshot(app)
    again = answer(client, url, "no", page)
    assert again.status_code == 410 and heading(again) == "This link has already been used"
    opened = client.get(url)
    assert opened.status_code == 410 and "Nothing has been changed." in words(opened)
    assert snapshot(app) == after


def test_a_term_started_on_29_february_ends_on_28_february():
    assert services.add_years(date(2028, 2, 29), 2) == date(2030, 2, 28)
    assert services.add_years(date(2026, 5, 1), 2) == date(2028, 5, 1)


def forgeries(app, token: str, person_id: int) -> dict[str, str]:
    with app.app_context():
        serializer = services._serializer()
        data = serializer.loads(token)
        declaration = services.make_link(get(person_id), "declaration")
        db.session.commit()
    body, signature = token.rsplit(".", 1)
    # The first character, not the last: a base64 signature's last character carries padding
    # bits, so "A" and "B" there can decode to the same bytes (a valid link, a quarter of runs).
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return {
        "a changed signature": f"{body}.{flipped}",
        "a changed body": token.replace(token[2], "x" if token[2] != "x" else "y", 1),
        "a link made for a declaration": declaration,
        "another salt": URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="another-purpose").dumps(data),
        "another key": URLSafeTimedSerializer("someone-elses-key", salt="advisory-link").dumps(data),
        "a wrong nonce": serializer.dumps({"l": data["l"], "n": secrets.token_urlsafe(24)}),
        "another link's id": serializer.dumps({"l": data["l"] + 1000, "n": data["n"]}),
        "not a dict": serializer.dumps([data["l"], data["n"]]),
        "a string id": serializer.dumps({"l": str(data["l"]), "n": data["n"]}),
        "random": secrets.token_urlsafe(40),
        "dots": "a.b.c",
    }


def test_a_forged_offer_link_does_not_work_and_changes_nothing(app, client):
    person_id, token = offered(app)
    cases = forgeries(app, token, person_id)
    csrf = csrf_token_from(client.get(f"/advisory-group/offer/{token}").get_data(as_text=True))
    before = snapshot(app)
    for what, forged in cases.items():
        url = f"/advisory-group/offer/{forged}"
        for response in (client.get(url), client.post(url, data={"csrf_token": csrf, "answer": "yes"})):
            assert response.status_code == 404, what
            assert heading(response) == "This link does not work", what
            assert "Nothing has been changed." in words(response)
    assert snapshot(app) == before
    # The real one still works afterwards.
    assert answer(client, f"/advisory-group/offer/{token}", "yes").status_code == 200


class _OldSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return super().get_timestamp() - 15 * 86400


class _OldSerializer(URLSafeTimedSerializer):
    default_signer = _OldSigner


def test_an_expired_offer_link_says_so_and_changes_nothing(app, client):
    person_id, token = offered(app)
    csrf = csrf_token_from(client.get(f"/advisory-group/offer/{token}").get_data(as_text=True))
    with app.app_context():
        signed_long_ago = _OldSerializer(app.config["SECRET_KEY"], salt="advisory-link").dumps(
            services._serializer().loads(token))
    before = snapshot(app)
    for response in (client.get(f"/advisory-group/offer/{signed_long_ago}"),
                     client.post(f"/advisory-group/offer/{signed_long_ago}", data={"csrf_token": csrf, "answer": "yes"})):
        assert response.status_code == 410 and heading(response) == "This link has expired"
        assert "Offers last 14 days" in words(response)
    assert snapshot(app) == before

    # The service, 15 days on.
    with app.app_context():
        with pytest.raises(services.LinkProblem) as problem:
            services.answer_offer(token, accept=True, now=utcnow() + timedelta(days=15))
        assert problem.value.reason == "expired"
    assert snapshot(app) == before

    # The link's own expiry passed.
    with app.app_context():
        link = db.session.scalar(select(AdvisoryLink).where(AdvisoryLink.application_id == person_id))
        link.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    before = snapshot(app)
    for response in (client.get(f"/advisory-group/offer/{token}"),
                     client.post(f"/advisory-group/offer/{token}", data={"csrf_token": csrf, "answer": "yes"})):
        assert response.status_code == 410 and heading(response) == "This link has expired"
    assert snapshot(app) == before


def test_an_offer_past_its_date_is_refused_even_if_the_link_is_not(app, client):
    person_id, token = offered(app)
    url = f"/advisory-group/offer/{token}"
    page = client.get(url)
    with app.app_context():
        get(person_id).offer_expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    before = snapshot(app)
    response = answer(client, url, "yes", page)
    assert response.status_code == 410 and heading(response) == "This link has expired"
    assert snapshot(app) == before


def test_declining_frees_the_seat_for_the_next_person(app, client):
    person_id, token = offered(app, members=4)
    with app.app_context():
        assert pool("keighley").full
        waiting = make_application("keighley", "waiting_list")
        with pytest.raises(seats.NoSeat):
            services.move(get(waiting.id), "offered")
        waiting_id = waiting.id
    declined = answer(client, f"/advisory-group/offer/{token}", "no")
    assert declined.status_code == 200 and "You have declined the seat" in words(declined)
    with app.app_context():
        assert get(person_id).stage == "declined" and get(person_id).status == "answered"
        assert (pool("keighley").members, pool("keighley").offers, pool("keighley").full) == (4, 0, False)
        assert db.session.scalar(select(OutboxMessage.subject).where(
            OutboxMessage.dedupe_key.startswith(f"advisory:declined:{person_id}:"))) == SUBJECTS["declined"]
        assert services.next_on_waiting_list("keighley").id == waiting_id
        services.move(get(waiting_id), "offered")
        assert get(waiting_id).stage == "offered"
    assert client.get(f"/advisory-group/offer/{token}").status_code == 410


def test_an_offer_withdrawn_by_staff_makes_the_link_no_longer_apply(app, client):
    person_id, token = offered(app)
    url = f"/advisory-group/offer/{token}"
    page = client.get(url)
    with app.app_context():
        services.move(get(person_id), "waiting_list")
    before = snapshot(app)
    for response in (client.get(url), answer(client, url, "yes", page)):
        assert response.status_code == 410 and heading(response) == "This link no longer applies"
    assert snapshot(app) == before
    with app.app_context():
        assert get(person_id).stage == "waiting_list" and pool("keighley").offers == 0


def test_an_offer_link_needs_a_button_pressed(app, client):
    _person_id, token = offered(app)
    url = f"/advisory-group/offer/{token}"
    page = client.get(url)
    before = snapshot(app)
    csrf = csrf_token_from(page.get_data(as_text=True))
    assert client.post(url, data={"csrf_token": csrf, "answer": "maybe"}).status_code == 400
    assert client.post(url, data={"answer": "yes"}).status_code == 400  # no CSRF token
    assert snapshot(app) == before


# ---- the declaration and invitation links -----------------------------------------

DECLARATION_LINK = re.compile(r"/advisory-group/declaration/([A-Za-z0-9_.\-]+)")
INVITATION_LINK = re.compile(r"/advisory-group/invitation/([A-Za-z0-9_.\-]+)")


def test_a_declaration_link_refreshes_the_text_and_date_once(app, client, make_staff):
    moderator = make_staff("moderator")
    with app.app_context():
        member = make_application("keighley", "member", email="member@example.com")
        member.declaration, member.declared_on = "Trustee of a youth charity.", uk_today() - timedelta(days=400)
        db.session.commit()
        assert services.declarations_due(uk_today()) == [member]
        assert services.send_declaration_links([member], moderator) == 1
        body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.to_address == "member@example.com"))
        token = DECLARATION_LINK.search(body).group(1)
        member_id, old_day = member.id, member.declared_on
    url = f"/advisory-group/declaration/{token}"
    before = snapshot(app)
    page = client.get(url)
    assert page.status_code == 200 and heading(page) == "Check your declaration of interests"
    assert BeautifulSoup(page.get_data(as_text=True), "html.parser").textarea.get_text().strip() == \
        "Trustee of a youth charity."
    assert snapshot(app) == before

    csrf = csrf_token_from(page.get_data(as_text=True))
    saved = client.post(url, data={"csrf_token": csrf, "declaration": "  I now also chair the residents' group.  "})
    assert saved.status_code == 200 and heading(saved) == "Declaration saved"
    with app.app_context():
        member = get(member_id)
        assert (member.declaration, member.declared_on) == ("I now also chair the residents' group.", uk_today())
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "advisory.declaration"))
        assert event.before == {"declaration": "Trustee of a youth charity.", "declared_on": old_day.isoformat()}
        assert services.declarations_due(uk_today()) == []
    after = snapshot(app)
    again = client.post(url, data={"csrf_token": csrf, "declaration": "Something else"})
    assert again.status_code == 410 and heading(again) == "This link has already been used"
    assert client.get(url).status_code == 410
    assert snapshot(app) == after
    # A declaration link is not an offer link.
    assert client.get(f"/advisory-group/offer/{token}").status_code == 404


def test_a_declaration_link_for_someone_who_has_left_no_longer_applies(app, client):
    with app.app_context():
        member = make_application("keighley", "member")
        token = services.make_link(member, "declaration")
        db.session.commit()
        services.move(get(member.id), "left")
    before = snapshot(app)
    response = client.get(f"/advisory-group/declaration/{token}")
    assert response.status_code == 410 and heading(response) == "This link no longer applies"
    assert snapshot(app) == before


def test_an_invitation_link_records_yes_or_no_once(app, client, make_staff):
    moderator = make_staff("moderator")
    with app.app_context():
        coming = make_application("keighley", "member", email="coming@example.com")
        not_coming = make_application("shipley", "member", email="not.coming@example.com")
        no_email = make_application("shipley", "member", email=None, phone="01274 431000")
        invitation = services.invite("Parks focus group", "Tea and biscuits.", uk_today() + timedelta(days=10),
                                     "Keighley Library", [coming, not_coming, no_email], moderator)
        tokens = {}
        for message in db.session.scalars(select(OutboxMessage)):
            tokens[message.to_address] = INVITATION_LINK.search(message.body).group(1)
        assert set(tokens) == {"coming@example.com", "not.coming@example.com"}
        invitation_id = invitation.id
    replies = {}
    for address, value in (("coming@example.com", "yes"), ("not.coming@example.com", "no")):
        url = f"/advisory-group/invitation/{tokens[address]}"
        before = snapshot(app)
        page = client.get(url)
        assert page.status_code == 200 and heading(page) == "Parks focus group"
        assert snapshot(app) == before
        response = answer(client, url, value, page)
        assert response.status_code == 200 and heading(response) == "Thank you for your reply"
        after = snapshot(app)
        again = answer(client, url, "no" if value == "yes" else "yes", page)
        assert again.status_code == 410 and heading(again) == "This link has already been used"
        assert snapshot(app) == after
    with app.app_context():
        for reply in db.session.scalars(select(InvitationReply).where(InvitationReply.invitation_id == invitation_id)):
            replies[reply.application.email] = (reply.reply, reply.replied_at is not None)
    assert replies == {"coming@example.com": ("yes", True), "not.coming@example.com": ("no", True),
                       None: ("invited", False)}


def test_an_invitation_link_cannot_answer_an_offer(app, client, make_staff):
    with app.app_context():
        person = make_application("keighley", "offered")
        services.invite("Focus", "", uk_today(), "Online", [person], make_staff("moderator"))
        token = INVITATION_LINK.search(db.session.scalar(select(OutboxMessage.body))).group(1)
    before = snapshot(app)
    assert client.get(f"/advisory-group/offer/{token}").status_code == 404
    assert snapshot(app) == before


# ---- leaving, and the waiting list ------------------------------------------------


def test_a_member_leaving_frees_the_seat_for_the_earliest_on_that_areas_waiting_list(app_ctx):
    now = utcnow()
    members = fill("keighley", members=5)
    later = make_application("keighley", "waiting_list", waiting_since=now - timedelta(days=3))
    earliest = make_application("keighley", "waiting_list", waiting_since=now - timedelta(days=5))
    make_application("keighley", "waiting_list", waiting_since=now - timedelta(days=1))
    make_application("shipley", "waiting_list", waiting_since=now - timedelta(days=30))  # another area
    hidden = make_application("keighley", "waiting_list", waiting_since=now - timedelta(days=40))
    hidden.status = "hidden"
    db.session.commit()
    assert services.next_on_waiting_list("keighley").id == earliest.id
    assert [a.id for a in services.waiting_list("keighley")][:2] == [earliest.id, later.id]
    with pytest.raises(seats.NoSeat):
        services.move(get(earliest.id), "offered")

    services.move(get(members[0].id), "left")
    assert (pool("keighley").members, pool("keighley").open) == (4, 1)
    assert get(members[0].id).left_on == uk_today()
    first = services.next_on_waiting_list("keighley")
    assert first.id == earliest.id
    services.move(first, "offered")
    assert get(earliest.id).stage == "offered" and pool("keighley").full
    assert services.next_on_waiting_list("keighley").id == later.id
    with pytest.raises(seats.NoSeat):
        services.move(get(later.id), "offered")


def test_the_pools_read_the_applications_in_one_query_however_many_there_are(app_ctx):
    from portal.shared.cache import clear
    from tests.support import QueryCounter

    clear()  # both counts cold: the areas and settings read again
    with QueryCounter(db.engine) as empty:
        seats.pools()
    for key in POOLS:
        fill(key, members=2, offers=1, expired_offers=1)
    clear()
    with QueryCounter(db.engine) as counter:
        found = seats.pools()
    assert [p.held for p in found] == [3] * 6
    assert counter.count == empty.count, counter.format()
    assert sum("advisory_application" in statement for statement in counter.statements) == 1, counter.format()


def test_offer_dates_are_in_uk_time_in_the_email(app_ctx):
    person = make_application("keighley", "shortlisted")
    services.move(person, "offered")
    person = get(person.id)
    body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.dedupe_key.startswith("advisory:offered")))
    assert as_aware(person.offer_expires_at).astimezone(UK).strftime("%d/%m/%Y") in body


def test_an_offer_held_for_safeguarding_cannot_be_accepted_through_its_link(app, client):
    person_id, token = offered(app)
    url = f"/advisory-group/offer/{token}"
    page = client.get(url)
    with app.app_context():
        person = get(person_id)
        person.safeguarding_state, person.safeguarding_categories = "open", "adult_at_risk"
        db.session.commit()
        assert services.allowed_moves(get(person_id)) == ()
    before = snapshot(app)
    response = answer(client, url, "yes", page)
    assert response.status_code == 410
    assert snapshot(app) == before


def test_a_second_offer_after_a_withdrawal_has_its_own_link(app, client):
    person_id, first = offered(app)
    with app.app_context():
        services.move(get(person_id), "waiting_list")
        services.move(get(person_id), "offered")
        second = offer_token(person_id)
    assert second != first
    assert answer(client, f"/advisory-group/offer/{second}", "yes").status_code == 200
    with app.app_context():
        assert get(person_id).stage == "member"


def test_the_link_of_a_withdrawn_offer_stays_dead_after_a_new_offer(app, client):
    person_id, first = offered(app)
    with app.app_context():
        services.move(get(person_id), "waiting_list")
        services.move(get(person_id), "offered")
    response = client.get(f"/advisory-group/offer/{first}")
    assert response.status_code == 410 and heading(response) == "This link no longer applies"
