"""The outbox when the sender is killed: a sender process is killed (os._exit, as kill -9
would) at each point of sending one message to a real SMTP server (aiosmtpd), then a
second sender runs after the claim has timed out, and we count what the mail server got.

- killed before it reached the server: the message goes once, on the second run;
- killed after the server accepted it and the row was marked sent, before QUIT: once;
- killed in the instant between the server's "250 accepted" and that commit: twice,
  with the same Message-ID (the one gap an outbox cannot close without the server's help,
  written down in portal/shared/outbox.py). This test keeps that gap measured, so that if
  it ever widens (the row marked only after QUIT, say) the middle case fails.
"""

import subprocess
import sys
import textwrap
import time

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.shared.outbox import CLAIM_TIMEOUT, OutboxMessage, enqueue
from tests.support.paths import REPO_ROOT
from tests.support.servers import free_port

SENDER = textwrap.dedent("""
    import os, sys
    from datetime import timedelta
    from portal import create_app
    from portal.shared.outbox import CLAIM_TIMEOUT, SMTPTransport, send_pending
    from portal.timeutil import utcnow

    point, port, later = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "later"

    class Killed(SMTPTransport):
        def send(self, email, message, accepted):
            if point == "before_connect":
                os._exit(9)
            def marked(reply):
                accepted(reply)
                if point == "after_marked":
                    os._exit(9)  # before QUIT
            super().send(email, message, marked)

        def deliver(self, server, email):
            reply = super().deliver(server, email)
            if point == "after_data":
                os._exit(9)  # the server has it; the row is not marked yet
            return reply

    app = create_app()
    now = utcnow() + (CLAIM_TIMEOUT + timedelta(minutes=1) if later else timedelta(0))
    transport = SMTPTransport("127.0.0.1", port, use_tls=False) if later else Killed("127.0.0.1", port, use_tls=False)
    print(send_pending(app, transport=transport, now=now))
""")


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    port = free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, received
    controller.stop()


def run_sender(database_url: str, point: str, port: int, when: str) -> int:
    env = {"DATABASE_URL": database_url, "SECRET_KEY": "outbox-crash-test-secret-key-0123456789",
           "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run([sys.executable, "-c", SENDER, point, str(port), when], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    return done.returncode


def wait_for(received: list, count: int) -> None:
    deadline = time.time() + 3
    while len(received) < count and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # and nothing more arrives


@pytest.mark.parametrize("point, first_run, total", [
    ("before_connect", 0, 1),
    ("after_data", 1, 2),
    ("after_marked", 1, 1),
])
def test_a_sender_killed_at_each_point_of_sending(app, database_url, smtp_server, point, first_run, total):
    port, received = smtp_server
    with app.app_context():
        enqueue("crash:1", "person@example.com", "Your feedback has been answered", "Hello")
        db.session.commit()

    assert run_sender(database_url, point, port, "now") == 9  # killed
    wait_for(received, first_run)
    assert len(received) == first_run, point

    assert run_sender(database_url, point, port, "later") == 0  # after the claim timed out
    wait_for(received, total)
    assert len(received) == total, point
    assert len({m["Message-ID"] for m in received}) == 1  # a repeat carries the same Message-ID
    with app.app_context():
        row = db.session.scalar(select(OutboxMessage))
        assert row.sent_at is not None and row.server_reply and row.server_reply.startswith("250")
    assert CLAIM_TIMEOUT.total_seconds() >= 60
