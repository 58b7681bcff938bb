"""Notifications: one interface, every message in the outbox first; e-mail through a
real local SMTP server, SMS through a local HTTP gateway, held when not configured."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from feedback.models.response_workflow import OutboxMessage


@pytest.fixture
def smtp_server():
    import asyncore  # noqa: F401  (smtpd needs it; both ship with Python 3.11)
    import smtpd
    import warnings

    warnings.simplefilter("ignore", DeprecationWarning)
    received = []

    class Server(smtpd.SMTPServer):
        def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
            received.append((rcpttos, data.decode("utf-8", "replace") if isinstance(data, bytes) else data))

    server = Server(("127.0.0.1", 0), None, decode_data=False)
    port = server.socket.getsockname()[1]
    import asyncore as loop

    thread = threading.Thread(target=loop.loop, kwargs={"timeout": 0.1}, daemon=True)
    thread.start()
    yield port, received
    server.close()


@pytest.fixture
def sms_gateway():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/send", received
    server.shutdown()


def answered_opinions(make, db):
    from feedback.services import responses

    department = make.department(name_zh="区民政局")
    clerk = make.user(role="department_staff", department_id=department.id)
    by_mail = make.opinion(status="routed", department_id=department.id, contact="lin@example.org")
    by_phone = make.opinion(status="routed", department_id=department.id, contact="13800001111")
    anonymous = make.opinion(status="routed", department_id=department.id)
    for opinion in (by_mail, by_phone, anonymous):
        responses.answer_opinion(user=clerk, opinion_id=opinion.id, text="长者食堂将于下月开业。")
    return by_mail, by_phone, anonymous


def test_residents_are_told_by_mail_and_sms_when_their_answer_is_published(app, make, db, run_jobs,
                                                                         smtp_server, sms_gateway):
    port, mails = smtp_server
    url, texts = sms_gateway
    app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=port, SMS_GATEWAY_URL=url)
    try:
        by_mail, by_phone, anonymous = answered_opinions(make, db)
        run_jobs()  # the delivery job on a real worker
    finally:
        for key in ("MAIL_SMTP_HOST", "MAIL_SMTP_PORT", "SMS_GATEWAY_URL"):
            app.config.pop(key, None)
    db.session.expire_all()
    outbox = {m.opinion_id: m for m in db.session.query(OutboxMessage).filter_by(kind="answer_published")}
    assert set(outbox) == {by_mail.id, by_phone.id}  # nobody without contact details
    assert outbox[by_mail.id].status == "sent" and outbox[by_phone.id].status == "sent"
    assert mails and mails[0][0] == ["lin@example.org"]
    assert texts == [{"to": "13800001111", "text": outbox[by_phone.id].body}]
    assert by_phone.tracking_code in texts[0]["text"]


def test_without_a_transport_messages_are_held_with_the_reason_not_dropped(app, make, db, run_jobs):
    by_mail, by_phone, _ = answered_opinions(make, db)
    run_jobs()
    db.session.expire_all()
    held = db.session.query(OutboxMessage).filter_by(kind="answer_published").all()
    assert {m.status for m in held} == {"held"}
    assert any("SMTP" in m.error for m in held) and any("SMS" in m.error for m in held)


def test_administrators_read_the_outbox_and_residents_cannot(app, client, make, db):
    from tests.integration.test_queue import login

    answered_opinions(make, db)
    assert client.get("/dispatch/outbox").status_code == 302
    make.user(role="admin", username="root-admin")
    login(client, "root-admin")
    page = client.get("/dispatch/outbox").get_data(as_text=True)
    # who each message went to, masked: contact details are for the department only
    assert "l***@example.org" in page and "138****1111" in page
    assert "lin@example.org" not in page and "13800001111" not in page
