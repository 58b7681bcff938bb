"""Kiosks: registered devices with their own token, JSON submissions with retries that
never duplicate, limits per device, a receipt with a QR code, and a locked-down page."""
from __future__ import annotations

import pytest

from feedback.models import Opinion
from feedback.services.opinions import rating_token


def _kiosk(name="江川路街道受理中心一号机"):
    from feedback.services import channels

    device, token = channels.register_kiosk(user=None, name=name, location="江川路街道社区事务受理中心")
    return device, token


def _activated_client(app, token):
    client = app.test_client()
    response = client.get(f"/kiosk/activate?token={token}")
    assert response.status_code == 302
    return client


def _send(client, token, payload=None, key="k-1", **headers):
    payload = payload or {"text": "希望在大厅增加一台自助取号机。", "stance": "suggestion"}
    return client.post("/kiosk/opinions", json=payload,
                       headers={"X-Kiosk-Token": token, "Idempotency-Key": key, **headers})


def test_an_unregistered_screen_gets_no_kiosk(app, client):
    response = client.get("/kiosk/?lang=en")
    assert response.status_code == 403
    assert "not a registered kiosk" in response.get_data(as_text=True)
    assert client.get("/kiosk/activate?token=kiosk_guess").status_code == 403
    assert client.post("/kiosk/opinions", json={"text": "没有令牌的提交", "stance": "support"}).status_code == 403


def test_activation_keeps_the_token_and_opens_the_start_screen(app, make):
    item = make.item(title="社区事务受理中心延长服务时间")
    _, token = _kiosk()
    client = _activated_client(app, token)
    page = client.get("/kiosk/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "社区事务受理中心延长服务时间" in html and f"/kiosk/items/{item.id}" in html


def test_kiosk_pages_cannot_load_or_send_anything_elsewhere(app):
    _, token = _kiosk()
    client = _activated_client(app, token)
    response = client.get("/kiosk/opinion")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "form-action 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert 'href="http' not in html  # no link off the kiosk


def test_a_kiosk_opinion_is_stored_with_its_channel_and_device(app, db, run_jobs, make):
    item = make.item()
    device, token = _kiosk()
    response = _send(app.test_client(), token, {"disclosure_id": item.id, "stance": "support",
                                                 "text": "支持延长服务时间，上班族周末也能办事。"})
    assert response.status_code == 201
    body = response.get_json()
    opinion = db.session.query(Opinion).one()
    assert (opinion.channel, opinion.source, opinion.tracking_code) == ("kiosk", f"kiosk:{device.id}", body["tracking_code"])
    assert body["receipt_url"] == f"/kiosk/receipt/{opinion.tracking_code}"
    run_jobs()
    db.session.refresh(opinion)
    assert opinion.status == "routed"


def test_a_kiosk_resend_yields_one_opinion_and_the_same_code(app, db):
    _, token = _kiosk()
    client = app.test_client()
    first, resend = _send(client, token, key="offline-1"), _send(client, token, key="offline-1")
    assert (first.status_code, resend.status_code) == (201, 200)
    assert first.get_json()["tracking_code"] == resend.get_json()["tracking_code"]
    assert db.session.query(Opinion).count() == 1


def test_two_kiosks_with_the_same_retry_key_do_not_collide(app, db):
    _, first = _kiosk("一号机")
    _, second = _kiosk("二号机")
    client = app.test_client()
    codes = {_send(client, t, key="same").get_json()["tracking_code"] for t in (first, second)}
    assert len(codes) == 2


def test_contact_details_from_a_kiosk_need_consent(app, db):
    _, token = _kiosk()
    client = app.test_client()
    _send(client, token, {"text": "请联系我：关于大厅空调的问题。", "stance": "question", "contact": "13812345678"}, key="a")
    _send(client, token, {"text": "同意联系：关于大厅座椅的问题。", "stance": "question", "contact": "13912345678",
                          "consent": True}, key="b")
    assert sorted(o.contact or "" for o in db.session.query(Opinion)) == ["", "13912345678"]


@pytest.mark.parametrize("payload, field", [
    ({"text": "", "stance": "support"}, "text"),
    ({"text": "字" * 5000, "stance": "support"}, "text"),
    ({"text": "正常的一条意见内容", "stance": "perhaps"}, "stance"),
    ({"text": 42, "stance": "support"}, "text"),
    ({"text": "正常的一条意见内容", "stance": "support", "disclosure_id": "3"}, "disclosure_id"),
])
def test_bad_kiosk_input_gets_field_errors_as_json(app, db, payload, field):
    _, token = _kiosk()
    response = _send(app.test_client(), token, payload, **{"Accept-Language": "en"})
    assert response.status_code in (400, 422)
    assert field in response.get_json()["errors"]
    assert db.session.query(Opinion).count() == 0


def test_the_kiosk_token_is_needed_in_the_header_a_cookie_alone_cannot_post(app, db):
    _, token = _kiosk()
    client = _activated_client(app, token)
    response = client.post("/kiosk/opinions", json={"text": "只有 cookie 的跨站提交", "stance": "support"})
    assert response.status_code == 403
    assert db.session.query(Opinion).count() == 0


def test_a_disabled_kiosk_stops_working(app, db):
    from feedback.models import KioskDevice
    from feedback.services import channels

    device, token = _kiosk()
    client = _activated_client(app, token)
    channels.disable(user=None, row=db.session.get(KioskDevice, device.id))
    assert client.get("/kiosk/").status_code == 403
    assert _send(client, token).status_code == 403


def test_rate_limits_count_per_device_not_per_address(database_url, _migrated_app, redis, db):
    from feedback import create_app
    from tests.conftest import test_config

    limited = create_app(test_config(database_url, KIOSK_RATE_LIMIT="2 per minute", OPINION_RATE_LIMIT="1 per minute"))
    _, busy = _kiosk("一号机")
    _, other = _kiosk("二号机")
    client = limited.test_client()  # both kiosks behind one address
    statuses = [_send(client, busy, {"text": f"第{n}条意见：大厅需要更多座椅。", "stance": "suggestion"}, key=str(n)).status_code
                for n in range(3)]
    assert statuses == [201, 201, 429]
    refused = _send(client, busy, key="9", **{"Accept-Language": "en"})
    assert "Too many submissions" in refused.get_json()["error"]  # JSON for kiosk.js, in the kiosk's language
    assert _send(client, other, key="x").status_code == 201


def test_a_huge_kiosk_submission_is_refused_clearly(app, db):
    _, token = _kiosk()
    response = _send(app.test_client(), token, {"text": "长" * (2 * 1024 * 1024), "stance": "support"})
    assert response.status_code == 413
    assert response.get_json()["error"]
    assert db.session.query(Opinion).count() == 0


def test_the_receipt_shows_the_code_and_a_qr_code_of_the_tracking_page(app, db):
    _, token = _kiosk()
    client = _activated_client(app, token)
    code = _send(client, token).get_json()["tracking_code"]
    html = client.get(f"/kiosk/receipt/{code}").get_data(as_text=True)
    assert code in html
    assert "<svg" in html and f"/track/{code}" in html


def test_the_receipt_uses_the_public_address_when_one_is_configured(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "KIOSK_PUBLIC_URL", "https://feedback.qingxi.example/")
    _, token = _kiosk()
    client = _activated_client(app, token)
    code = _send(client, token).get_json()["tracking_code"]
    assert f"https://feedback.qingxi.example/track/{code}" in client.get(f"/kiosk/receipt/{code}").get_data(as_text=True)


def test_another_kiosk_cannot_show_the_receipt(app, db):
    _, first = _kiosk("一号机")
    _, second = _kiosk("二号机")
    code = _send(app.test_client(), first).get_json()["tracking_code"]
    assert _activated_client(app, second).get(f"/kiosk/receipt/{code}").status_code == 404


def test_the_register_command_prints_an_activation_link(app, db):
    from feedback.models import KioskDevice

    result = app.test_cli_runner().invoke(args=["kiosk", "register", "三号机", "--location", "虹桥镇"])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1].split()[-1]
    host_and_port = f"http://{app.config['HOST']}:{app.config['PORT']}"
    assert link.startswith(f"{host_and_port}/kiosk/activate?token=kiosk_")  # a full URL to open
    assert db.session.query(KioskDevice).one().location == "虹桥镇"
    assert app.test_client().get(link.removeprefix(host_and_port)).status_code == 302


def test_the_register_command_links_to_the_configured_public_address(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://feedback.qingxi.example/")
    result = app.test_cli_runner().invoke(args=["kiosk", "register", "四号机"])
    link = result.output.strip().splitlines()[-1].split()[-1]
    assert link.startswith("https://feedback.qingxi.example/kiosk/activate?token=kiosk_")
    explicit = app.test_cli_runner().invoke(args=["kiosk", "register", "五号机", "--base-url",
                                                  "http://10.0.0.5:8080"])
    assert "open once on the kiosk: http://10.0.0.5:8080/kiosk/activate?token=" in explicit.output


def _spare_receipts(html: str) -> list[tuple[str, str, str]]:
    import re

    return re.findall(r'<template class="spare-receipt" data-code="([^"]+)" data-signature="([^"]+)" '
                      r'data-url="([^"]+)">\s*<svg', html)


def test_an_offline_receipt_code_becomes_the_opinions_tracking_code(app, db):
    device, token = _kiosk()
    client = _activated_client(app, token)
    spares = _spare_receipts(client.get("/kiosk/opinion").get_data(as_text=True))
    assert len(spares) == 3 and len({code for code, _, _ in spares}) == 3
    code, signature, url = spares[0]
    assert url.endswith(f"/track/{code}?key={rating_token(code)}")  # the submitter's own link
    payload = {"text": "断网时打印的回执码应当有效。", "stance": "suggestion",
               "receipt_code": code, "receipt_signature": signature}
    response = _send(client, token, payload, key="offline-1")
    assert response.status_code == 201 and response.get_json()["tracking_code"] == code
    assert db.session.query(Opinion).one().tracking_code == code
    assert app.test_client().get(f"/track/{code}").status_code == 200


def test_a_receipt_code_is_only_honoured_when_signed_for_this_kiosk_and_free(app, db):
    _, first_token = _kiosk("一号机")
    _, second_token = _kiosk("二号机")
    code, signature, _ = _spare_receipts(_activated_client(app, first_token).get("/kiosk/opinion")
                                         .get_data(as_text=True))[0]
    other = _activated_client(app, second_token)
    forged = {"text": "另一台机器的回执码不能用。", "stance": "question", "receipt_code": code,
              "receipt_signature": signature}
    stolen = _send(other, second_token, forged, key="stolen")
    assert stolen.status_code == 201 and stolen.get_json()["tracking_code"] != code  # stored, with a new code
    first_client = _activated_client(app, first_token)
    used = _send(first_client, first_token, dict(forged, text="第一次使用这个回执码。"), key="first")
    assert used.get_json()["tracking_code"] == code
    again = _send(first_client, first_token, dict(forged, text="同一个回执码第二次用。"), key="second")
    assert again.status_code == 201 and again.get_json()["tracking_code"] != code
    assert db.session.query(Opinion).count() == 3
    wrong_type = _send(first_client, first_token, dict(forged, receipt_code=12345), key="third")
    assert wrong_type.status_code == 400
