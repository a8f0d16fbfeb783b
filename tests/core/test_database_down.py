"""When the database goes away and comes back: while it is down, people get a calm "try
again in a minute" page (503, Retry-After), never a stack trace, and nothing is
acknowledged that was not stored; when it is back, the same app server recovers by
itself (stale pooled connections are detected and replaced).

On SQLite a database that cannot be opened stands in for one that is down; on
PostgreSQL the real server is restarted in the middle of a load of submissions and page
views (pg_ctlcluster, as root, which is how this machine and CI run).
"""

import os
import shutil
import subprocess
import threading
import time

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from tests.support.servers import PortalServer

DOWN_WORDS = "Please try again in a minute"


def test_a_database_that_cannot_be_opened_gets_the_try_again_page(make_app, tmp_path):
    # Exceptions are handled as in production, not raised into the test.
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'missing' / 'no.sqlite'}", PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    for path in ("/", "/you-said-we-did", "/ideas/sharing-spaces-and-places", "/ideas", "/advisory-group"):
        response = client.get(path)
        text = response.get_data(as_text=True)
        assert response.status_code == 503, (path, response.status_code)
        assert DOWN_WORDS in text and "Traceback" not in text and "sqlite" not in text.lower()
        assert 0 < int(response.headers["Retry-After"]) <= 60  # the limiter may state its own, shorter
    # A session cookie makes the session load from the database first: still the calm page.
    client.set_cookie("yp_session", "x" * 43)
    response = client.get("/tell-us")
    assert response.status_code == 503 and DOWN_WORDS in response.get_data(as_text=True)


def test_an_answer_that_cannot_be_kept_gets_the_try_again_page_not_the_next_question(app, make_app, database_url, tmp_path):
    """The database goes away between two questions. The form page needs no database (its
    session is a signed cookie until an answer is kept), so only keeping the answer fails:
    the person must be told to send it again, not moved on as if it was kept. (`app`: the
    test database, migrated, which is copied.)"""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only: here a copied database file is taken away; on PostgreSQL the test "
                    "below restarts the real server under the same journeys")
    import sqlite3

    from tests.support.journeys import ADULT, Teller

    path = tmp_path / "copy.sqlite"
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
    portal = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", PROPAGATE_EXCEPTIONS=False)
    teller = Teller(portal.test_client())
    assert teller.token  # the first question, while the database is there

    def database_gone(gone: bool) -> None:
        with portal.app_context():
            db.engine.dispose()
        if gone:
            path.rename(tmp_path / "away.sqlite")
            path.mkdir()  # a folder where the file was: it cannot be opened
        else:
            path.rmdir()
            (tmp_path / "away.sqlite").rename(path)

    def refused(response) -> bool:
        text = response.get_data(as_text=True)
        return (response.status_code == 503 and DOWN_WORDS in text and "Location" not in response.headers
                and response.headers["Retry-After"] == "60")

    database_gone(True)
    first = teller.post("/about", {"answer": "sharing-spaces-and-places"})
    assert refused(first), (first.status_code, first.headers.get("Location"))
    database_gone(False)
    assert teller.post("/about", {"answer": "sharing-spaces-and-places"}).headers["Location"].endswith(f"{ADULT}/where")

    # Now the session has a row: reading it fails too, and the next answer is not lost either.
    database_gone(True)
    assert refused(teller.post("/where", {"answer": "keighley"}))
    database_gone(False)
    assert teller.post("/where", {"answer": "keighley"}).headers["Location"].endswith(f"{ADULT}/message")
    teller.post("/message", {"body": "More benches in Lister Park, please"})
    teller.post("/reply", {"email": ""})
    check = teller.get("/check-your-answers").get_data(as_text=True)
    assert 'id="answer-about">Sharing Spaces and Places<' in check  # kept, once the database was back
    assert 'id="answer-where">Keighley<' in check


def _cluster() -> tuple[str, str] | None:
    if not shutil.which("pg_ctlcluster") or os.geteuid() != 0:
        return None
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    return (versions[-1], "main") if versions else None


def test_postgresql_restarted_under_load_loses_nothing_and_recovers_without_an_app_restart(app, database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: on SQLite there is no database server to restart "
                    "(the test above covers a database that cannot be opened)")
    cluster = _cluster()
    if cluster is None:
        pytest.fail("pg_ctlcluster (and root) is needed to restart the local PostgreSQL for this test")
    from tests.support.journeys import ADULT  # the "tell us" address: /tell-us

    acknowledged, statuses, unexpected, stop = [], [], [], threading.Event()
    with PortalServer(database_url, "database-down-test-secret-key-0123456789abcdef", tmp_path / "server.log") as server:
        import http.client
        import re
        from urllib.parse import urlencode

        def one_submission(n: int) -> None:
            """The adult journey over HTTP, cookies by hand; records the reference if acknowledged."""
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
            cookie = ""

            def call(method, path, data=None):
                nonlocal cookie
                headers = {"Cookie": cookie} if cookie else {}
                body = None
                if data is not None:
                    body = urlencode(data)
                    headers["Content-Type"] = "application/x-www-form-urlencoded"
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                text = response.read().decode()
                for header, value in response.getheaders():
                    if header.lower() == "set-cookie" and value.startswith("yp_session="):
                        cookie = value.split(";")[0]
                statuses.append((time.time(), path, response.status))
                # 400: the session could not be saved while the database was down, so the
                # form's token no longer matches ("Your form could not be sent", nothing
                # saved); 429: the rate limits, counting as they should.
                if response.status not in (200, 302, 303, 400, 429, 503) or "Traceback" in text:
                    unexpected.append((path, response.status, text[:300]))
                return response, text

            try:
                _response, page = call("GET", f"{ADULT}/about")
                token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
                if token is None:
                    return
                csrf = token.group(1)
                steps = [("about", {"answer": "sharing-spaces-and-places"}), ("where", {"answer": "keighley"}),
                         ("message", {"body": f"Load message {n}: more benches in Lister Park"}), ("reply", {"email": ""})]
                for step, answer in steps:
                    response, _ = call("POST", f"{ADULT}/{step}", {**answer, "csrf_token": csrf})
                    if response.status != 302:
                        return
                _response, check = call("GET", f"{ADULT}/check-your-answers")
                draft = re.search(r'name="draft_token"[^>]*value="([^"]+)"', check)
                if draft is None:
                    return
                response, _ = call("POST", f"{ADULT}/check-your-answers",
                                   {"draft_token": draft.group(1), "csrf_token": csrf})
                if response.status == 302:
                    _response, done = call("GET", response.getheader("Location"))
                    found = re.search(r"BD-[0-9A-Z]{4}-[0-9A-Z]{4}", done)
                    if found:  # on the confirmation, or on the optional questions that come first
                        acknowledged.append(found.group(0))
            except (OSError, http.client.HTTPException):
                return  # the connection broke: nothing was acknowledged
            finally:
                conn.close()

        def load() -> None:
            n = 0
            while not stop.is_set():
                n += 1
                one_submission(n)
                time.sleep(0.05)

        workers = [threading.Thread(target=load) for _ in range(4)]
        for worker in workers:
            worker.start()
        time.sleep(3)
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "stop", "-m", "fast"], check=True)
        time.sleep(3)  # down: people get the try-again page
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "start"], check=True)
        deadline = time.time() + 30
        while subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode != 0 and time.time() < deadline:
            time.sleep(0.5)
        count_before = len(acknowledged)
        time.sleep(6)  # back: the same server recovers by itself
        stop.set()
        for worker in workers:
            worker.join(timeout=30)
        assert not unexpected, unexpected[:5]
        back_at = time.time() - 6
        after = [(p, st) for t, p, st in statuses if t > back_at]
        assert 503 in {st for _t, _p, st in statuses}, "the load never saw the database down"
        assert len(acknowledged) > count_before, ("no submission was acknowledged after the database came back",
                                                  after[-20:], server.log()[-3000:])
        assert "Traceback" not in server.log()

    with app.app_context():
        db.engine.dispose()  # this process's own pooled connections died with the restart
        from portal.feedback.models import Submission
        from portal.shared.references import parse_reference

        stored = set(db.session.scalars(select(Submission.reference)))
        missing = [ref for ref in acknowledged if parse_reference(ref) not in stored]
        assert not missing, f"acknowledged but not stored: {missing}"
        assert db.session.scalar(select(func.count()).select_from(Submission)) >= len(acknowledged)
