"""The outbox: queued once, sent once, kept and retried when the mail server is down."""

import email
import os
import shutil
import socket
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal.extensions import db
from portal.shared.outbox import (
    CLAIM_TIMEOUT,
    FileTransport,
    OutboxMessage,
    SMTPTransport,
    backoff,
    enqueue,
    send_pending,
    transport_for,
)
from portal.timeutil import utcnow


@pytest.fixture
def outbox_dir(app):
    path = os.path.join(app.instance_path, "outbox")
    shutil.rmtree(path, ignore_errors=True)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def queue(app, n=2):
    with app.app_context():
        added = sum(enqueue(f"answered:{i}", f"person{i}@example.com", f"Your feedback YP-TEST-000{i} has been answered",
                            f"Hello,\n\nReference YP-TEST-000{i}.\n") for i in range(n))
        db.session.commit()
        return added


def rows(app):
    with app.app_context():
        return [(m.dedupe_key, m.attempts, m.sent_at is not None, m.last_error, m.claimed_at)
                for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """A transport that remembers what it was asked to send (optionally slowly)."""

    def __init__(self, delay=0.0):
        self.sent, self.delay, self.lock = [], delay, threading.Lock()

    def send(self, message, row, accepted):
        time.sleep(self.delay)
        with self.lock:
            self.sent.append(message["To"])
        accepted("250 recorded")


def test_the_same_news_is_only_queued_once(app):
    assert queue(app, 2) == 2
    assert queue(app, 3) == 1  # answered:0 and answered:1 were there already
    assert len(rows(app)) == 3


def test_file_transport_writes_one_eml_per_message_and_a_second_run_sends_nothing(app, outbox_dir):
    queue(app, 3)
    assert send_pending(app) == 3
    files = sorted(os.listdir(outbox_dir))
    assert len(files) == 3 and all(name.endswith(".eml") for name in files)
    with open(os.path.join(outbox_dir, files[0]), "rb") as handle:
        parsed = email.message_from_bytes(handle.read())
    assert parsed["To"] == "person0@example.com"
    assert parsed["From"] == app.config["MAIL_FROM"]
    assert parsed["Subject"].startswith("Your feedback YP-TEST-0000")
    assert parsed["Message-ID"].startswith("<outbox-") and parsed["Message-ID"].split("@")[0][1:] in files[0]
    assert "Reference YP-TEST-0000." in parsed.get_payload()
    assert send_pending(app) == 0
    assert len(os.listdir(outbox_dir)) == 3
    assert all(sent for _, _, sent, _, _ in rows(app))


def test_the_command_can_run_from_cron_twice_and_sends_nothing_twice(app, outbox_dir):
    queue(app, 2)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["outbox", "send"])
    assert first.exit_code == 0 and "Sent 2 messages." in first.output
    second = runner.invoke(args=["outbox", "send"])
    assert second.exit_code == 0 and "Sent 0 messages." in second.output
    assert len(os.listdir(outbox_dir)) == 2
    status = runner.invoke(args=["outbox", "status"])
    assert "2 sent, 0 waiting, 0 stuck." in status.output


def test_smtp_transport_delivers_to_a_real_smtp_server(app):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    port = free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        queue(app, 2)
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
        try:
            assert isinstance(transport_for(app), SMTPTransport)
            assert send_pending(app) == 2
        finally:
            app.config.update(MAIL_SERVER=None, MAIL_PORT=587, MAIL_USE_TLS=True)
        deadline = time.time() + 5
        while len(received) < 2 and time.time() < deadline:
            time.sleep(0.05)
    finally:
        controller.stop()
    assert sorted(m["To"] for m in received) == ["person0@example.com", "person1@example.com"]
    assert all(m["Message-ID"].startswith("<outbox-") for m in received)
    assert send_pending(app, transport=SMTPTransport("127.0.0.1", port, use_tls=False)) == 0


def test_a_mail_server_that_is_down_loses_nothing_and_is_retried_with_backoff(app):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    queue(app, 1)
    port = free_port()  # nothing listens here yet: connection refused
    down = SMTPTransport("127.0.0.1", port, use_tls=False, timeout=2)
    now = utcnow()
    assert send_pending(app, transport=down, now=now) == 0
    [(key, attempts, sent, error, claimed)] = rows(app)
    assert (attempts, sent, claimed) == (1, False, None) and "ConnectionRefused" in error
    # Not due again for a minute, then two, then four.
    assert send_pending(app, transport=down, now=now + timedelta(seconds=59)) == 0
    assert send_pending(app, transport=down, now=now + timedelta(minutes=1, seconds=1)) == 0
    assert rows(app)[0][1] == 2
    assert send_pending(app, transport=down, now=now + timedelta(minutes=2)) == 0  # waits 2 minutes now
    assert rows(app)[0][1] == 2

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        later = now + timedelta(minutes=10)
        assert send_pending(app, transport=down, now=later) == 1
        assert send_pending(app, transport=down, now=later + timedelta(hours=1)) == 0
        deadline = time.time() + 5
        while not received and time.time() < deadline:
            time.sleep(0.05)
    finally:
        controller.stop()
    assert len(received) == 1
    [(key, attempts, sent, error, claimed)] = rows(app)
    assert sent and attempts == 3 and error is None


def test_backoff_doubles_up_to_an_hour():
    assert [backoff(n).total_seconds() / 60 for n in range(1, 10)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_two_senders_at_once_never_send_the_same_message(app):
    queue(app, 6)
    slow = Recorder(delay=0.05)
    results = []
    threads = [threading.Thread(target=lambda: results.append(send_pending(app, transport=slow))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 6
    assert sorted(slow.sent) == sorted(f"person{i}@example.com" for i in range(6))


def test_a_claim_left_by_a_crashed_sender_expires(app):
    queue(app, 2)
    now = utcnow()
    with app.app_context():
        first, second = db.session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)).all()
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == first).values(claimed_at=now - timedelta(minutes=1)))
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == second).values(claimed_at=now - CLAIM_TIMEOUT - timedelta(seconds=1)))
        db.session.commit()
    recorder = Recorder()
    assert send_pending(app, transport=recorder, now=now) == 1  # the stale claim only
    assert recorder.sent == ["person1@example.com"]
    assert send_pending(app, transport=recorder, now=now + CLAIM_TIMEOUT) == 1
    assert sorted(recorder.sent) == ["person0@example.com", "person1@example.com"]


def test_file_transport_never_leaves_half_a_file(tmp_path):
    from email.message import EmailMessage
    from types import SimpleNamespace

    message = EmailMessage()
    message["Message-ID"] = "<outbox-1-answered-1@example.com>"
    message.set_content("x")
    FileTransport(str(tmp_path)).send(message, SimpleNamespace(created_at=utcnow(), id=1), lambda _reply: None)
    assert [p.name.endswith(".eml") for p in tmp_path.iterdir()] == [True]
