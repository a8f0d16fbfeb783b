"""Seats are never over-given, under load, across processes: two real server processes on
the suite's database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set), moderators
offering seats and applicants accepting theirs at the same moment on both.

The servers run as `make run` does, with a smaller group (ADVISORY_GROUP_SIZE=20: five
areas of 5, none for the Equalities Forum), so the cap of the whole group is contended
across areas, not only an area's own. Each moderator is signed in through the real
two-step forms once (the test client), and their session cookie is then used on both
servers, as behind a load balancer (sessions are kept in the database). Each moderator
sends one move per wave, so the message each is shown afterwards is theirs alone:
either "is now Offered a place" or "There is no open seat" (seats.NoSeat), never an
error page, a 500 or "database is locked". Nothing is retried.

Afterwards, counted in the database without portal.advisory.seats: never more than 5
seats held (members and outstanding offers) in an area, never more than 20 in all; one
audit event and one email per seat given, none for a refusal.
"""

import http.client
import http.cookies
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from portal.advisory import seats, services
from portal.advisory.models import EQUALITIES_FORUM, Application
from portal.extensions import db
from portal.shared.outbox import OutboxMessage
from portal.staff.models import AuditEvent
from tests.support.advisory_factories import AREAS, fill, holding, make_application, offer_token, world
from tests.support.servers import PortalServer
from tests.support.staff import csrf_token_from

GROUP = 20
PER_AREA = 5
MODERATORS = 16
STAFF = "/moderate/advisory-group"
GIVEN = "is now “Offered a place”"
NO_SEAT = "There is no open seat for"


@dataclass
class Browser:
    """One person's cookies (and CSRF token), on whichever server they reach."""

    name: str
    cookies: dict = field(default_factory=dict)
    csrf: str = ""

    def cookie_header(self) -> str:
        return "; ".join(f"{key}={value}" for key, value in self.cookies.items())


@dataclass
class Sent:
    browser: Browser
    port: int
    path: str
    form: dict
    what: str  # e.g. "offer 12", "accept 9"
    status: int = 0
    location: str = ""
    body: str = ""
    error: str = ""
    shown: str = ""  # the page the redirect led to (for a staff move: its message)


def request(port: int, method: str, path: str, browser: Browser, form: dict | None = None,
            connect_then=None) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.connect()
        if connect_then is not None:
            connect_then()  # connected: wait at the barrier, so every request goes at once
        headers = {"Cookie": browser.cookie_header()}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                browser.cookies[name] = morsel.value
        return response.status, dict(response.headers), text
    finally:
        conn.close()


def wave(sends: list[Sent]) -> float:
    """Every request at the same moment: a thread each, connected first, then a barrier."""
    barrier = threading.Barrier(len(sends) + 1)

    def go(sent: Sent) -> None:
        try:
            sent.status, headers, sent.body = request(
                sent.port, "POST", sent.path, sent.browser, {"csrf_token": sent.browser.csrf, **sent.form},
                connect_then=lambda: barrier.wait(timeout=30))
            sent.location = headers.get("Location", "")
        except Exception as error:  # noqa: BLE001 (reported with the others)
            sent.error = repr(error)

    threads = [threading.Thread(target=go, args=(sent,)) for sent in sends]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=30)
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=90)
    return time.perf_counter() - started


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def logs(servers) -> str:
    out = []
    for server in servers:
        log = server.log()
        found = log.find("Traceback")
        out.append(f"--- server on port {server.port} ---\n{log[found:found + 4000] if found >= 0 else ''}\n"
                   + "\n".join(log.splitlines()[-30:]))
    return "\n".join(out)


def assert_no_server_errors(servers) -> None:
    for server in servers:
        log = server.log()
        assert "Traceback" not in log and "database is locked" not in log, logs(servers)


def read_moves(sends: list[Sent], servers) -> tuple[list[Sent], list[Sent]]:
    """Each moderator's move: a 303 to a page saying what happened. (given, refused)."""
    failed = [s for s in sends if s.error or s.status != 303]
    assert not failed, "\n".join(f"{s.what} on {s.port}: {s.status} {s.error} {text_of(s.body)[:200]}"
                                 for s in failed) + "\n" + logs(servers)
    for sent in sends:
        status, _headers, html = request(sent.port, "GET", urllib.parse.urlsplit(sent.location).path, sent.browser)
        assert status == 200, (sent.what, status)
        sent.shown = text_of(html)
    given = [s for s in sends if GIVEN in s.shown]
    refused = [s for s in sends if NO_SEAT in s.shown]
    odd = [s for s in sends if s not in given and s not in refused]
    assert not odd, [(s.what, s.shown[:300]) for s in odd]
    return given, refused


def counted(app) -> dict:
    """Seats held, counted here: per pool, in all, and what the moves left behind."""
    with app.app_context():
        found = {pool: holding(pool) for pool in (*AREAS, EQUALITIES_FORUM)}
        found["all"] = holding()
        found["offered audits"] = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                                    .where(AuditEvent.action == "advisory.offered"))
        found["member audits"] = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                                   .where(AuditEvent.action == "advisory.member"))
        found["offer emails"] = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                                  .where(OutboxMessage.dedupe_key.startswith("advisory:offered:")))
        db.session.remove()
    return found


def assert_caps(found: dict) -> None:
    for pool in AREAS:
        assert found[pool] <= PER_AREA, found
    assert found[EQUALITIES_FORUM] == 0, found  # no seat for the Forum in a group of 20
    assert found["all"] <= GROUP, found


def stage_of(app, application_id: int) -> str:
    with app.app_context():
        stage = db.session.get(Application, application_id).stage
        db.session.remove()
        return stage


def test_two_servers_never_give_more_seats_than_there_are(app, database_url, tmp_path, staff_client, monkeypatch):
    monkeypatch.setitem(app.config, "ADVISORY_GROUP_SIZE", GROUP)  # as the servers are told
    started = time.perf_counter()
    with app.app_context():
        assert seats.caps() == {**{area: PER_AREA for area in AREAS}, EQUALITIES_FORUM: 0}
        fill("keighley", members=4)
        fill("bradford-east", members=5)
        fill("bradford-west", members=3)
        fill("shipley", members=2, expired_offers=3)  # expired offers hold nothing
        fill("bradford-south", members=2)
        # Three outstanding offers, made by staff, so each has its emailed link.
        offered = []
        for pool in ("bradford-west", "bradford-west", "shipley"):
            person = make_application(pool, "shortlisted")
            services.move(person, "offered")
            offered.append((person.id, offer_token(person.id)))
        hopeful = {pool: [make_application(pool, "shortlisted").id for _ in range(count)]
                   for pool, count in (("keighley", 12), ("bradford-south", 6), ("shipley", 4), (EQUALITIES_FORUM, 3))}
        dialect = db.engine.dialect.name
        db.session.remove()
    before = counted(app)
    assert before["all"] == 19 and before["offered audits"] == 3, before
    assert_caps(before)

    moderators = []
    for n in range(MODERATORS):
        client, _user = staff_client("moderator")
        moderators.append(Browser(f"moderator {n}", {"yp_session": client.get_cookie("yp_session").value}))
    setup = time.perf_counter() - started

    env = {"ADVISORY_GROUP_SIZE": str(GROUP), "ADVISORY_SEATS_PER_AREA": str(PER_AREA)}
    factory = "tests.support.advisory_factories:race_server()"
    secret = app.config["SECRET_KEY"]
    with PortalServer(database_url, secret, tmp_path / "a.log", app=factory, **env) as one, \
            PortalServer(database_url, secret, tmp_path / "b.log", app=factory, **env) as two:
        servers, ports = [one, two], [one.port, two.port]
        print(f"\n  {dialect}: set up in {setup:.1f} s, two servers up in {time.perf_counter() - started - setup:.1f} s",
              end="")
        for i, moderator in enumerate(moderators):  # a CSRF token each, from a staff page, on either server
            status, _headers, html = request(ports[i % 2], "GET", STAFF, moderator)
            assert status == 200, (status, text_of(html)[:300])
            moderator.csrf = csrf_token_from(html)

        def offer(moderator: Browser, port: int, application_id: int) -> Sent:
            page = f"{STAFF}/applications/{application_id}"
            return Sent(moderator, port, f"{page}/move", {"stage": "offered", "note": "", "next": page},
                        f"offer {application_id}")

        # 1. Sixteen offers at once for the last seat of the group: 12 for Keighley's one
        #    open seat, 4 for Bradford South, which has room of its own but the group has not.
        targets = hopeful["keighley"] + hopeful["bradford-south"][:4]
        sends = [offer(moderators[i], ports[i % 2], target) for i, target in enumerate(targets)]
        seconds = wave(sends)
        given, refused = read_moves(sends, servers)
        after = counted(app)
        print(f"\n  16 offers for the last seat: {len(given)} given, {len(refused)} refused in {seconds * 1000:.0f} ms",
              end="")
        assert len(given) == 1 and len(refused) == 15, [s.what for s in given]
        assert_caps(after)
        assert after["all"] == GROUP and after["offered audits"] == 4 and after["offer emails"] == 4, after
        winner = int(given[0].what.split()[1])
        assert stage_of(app, winner) == "offered"
        assert all(stage_of(app, int(s.what.split()[1])) == "shortlisted" for s in refused)
        assert_no_server_errors(servers)

        # 2. The three people offered seats accept, each clicking on both servers at once
        #    (a double click across a load balancer), while twelve more offers are made
        #    in areas with room of their own and for the Forum: every offer is refused
        #    (the group is full, outstanding offers count), each accept happens once.
        applicants = []
        for person_id, token in offered:
            browser = Browser(f"applicant {person_id}")
            status, _headers, html = request(ports[0], "GET", f"/advisory-group/offer/{token}", browser)
            assert status == 200, text_of(html)[:300]
            browser.csrf = csrf_token_from(html)
            applicants.append((person_id, token, browser))
        others = [i for i in hopeful["bradford-south"] + hopeful["shipley"] + hopeful[EQUALITIES_FORUM]
                  if i != winner][:12]
        staff_sends = [offer(moderators[i], ports[i % 2], target) for i, target in enumerate(others)]
        accept_sends = [Sent(browser, port, f"/advisory-group/offer/{token}", {"answer": "yes"}, f"accept {person_id}")
                        for person_id, token, browser in applicants for port in ports]
        seconds = wave(staff_sends + accept_sends)
        accepted = [s for s in accept_sends if s.status == 200 and "Welcome to the group" in text_of(s.body)]
        used = [s for s in accept_sends if s.status == 410 and "This link has already been used" in text_of(s.body)]
        assert len(accepted) == 3 and len(used) == 3, [(s.what, s.status, s.error, text_of(s.body)[:200])
                                                       for s in accept_sends]
        assert sorted(s.what for s in accepted) == sorted(f"accept {person_id}" for person_id, _t, _b in applicants)
        given, refused = read_moves(staff_sends, servers)
        print(f"\n  3 accepts x 2 servers with 12 offers: {len(given)} offers given in {seconds * 1000:.0f} ms", end="")
        assert given == [] and len(refused) == 12
        after = counted(app)
        assert_caps(after)
        assert after["all"] == GROUP and after["member audits"] == 3 and after["offered audits"] == 4, after
        assert all(stage_of(app, person_id) == "member" for person_id, _token in offered)
        assert_no_server_errors(servers)

        # 3. A member of Bradford East leaves while eight moderators offer its seat at the
        #    same moment: whatever the order, at most one offer is given, and only after
        #    the seat was given up.
        with app.app_context():
            leaving = db.session.scalar(select(Application.id).where(
                Application.seat_pool == "bradford-east", Application.stage == "member").limit(1))
            east = [make_application("bradford-east", "shortlisted").id for _ in range(8)]
            db.session.remove()
        page = f"{STAFF}/applications/{leaving}"
        leave = Sent(moderators[-1], ports[1], f"{page}/move", {"stage": "left", "note": "", "next": page},
                     f"leave {leaving}")
        sends = [offer(moderators[i], ports[i % 2], target) for i, target in enumerate(east)]
        wave([leave, *sends])
        assert leave.status == 303, (leave.status, leave.error)
        given, refused = read_moves(sends, servers)
        after = counted(app)
        print(f"\n  a seat given up during 8 offers for it: {len(given)} given", end="")
        assert len(given) <= 1 and len(given) + len(refused) == 8
        assert stage_of(app, leaving) == "left"
        assert_caps(after)
        assert after["bradford-east"] == 4 + len(given) and after["all"] == GROUP - 1 + len(given), after
        assert after["offered audits"] == 4 + len(given) and after["offer emails"] == 4 + len(given)
        assert_no_server_errors(servers)
    print(f"\n  whole test {time.perf_counter() - started:.1f} s")


def test_a_withdrawal_loaded_before_an_accept_commits_does_not_undo_it(app):
    with app.app_context():
        fill("keighley", members=2)
        person = make_application("keighley", "shortlisted")
        services.move(person, "offered")
        person_id, token = person.id, offer_token(person.id)
        db.session.remove()
    with app.app_context():
        stale = db.session.get(Application, person_id)  # the moderator's request has loaded it
        assert stale.stage == "offered"
        with app.app_context():  # meanwhile, the applicant's request (its own session) accepts
            services.answer_offer(token, accept=True)
            db.session.remove()
        with app.app_context():
            before = world()
            db.session.remove()
        with pytest.raises(services.NotAllowed):
            services.move(stale, "waiting_list")
        db.session.remove()
    with app.app_context():
        assert db.session.get(Application, person_id).stage == "member"
        assert world() == before
