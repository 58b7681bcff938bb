"""Security headers on every page, HTTPS-only cookies when configured, and links in
messages and receipts that come from the configured public address, never the Host header."""
from __future__ import annotations

import pytest

from feedback import create_app
from feedback.config import Config
from feedback.models import OutboxMessage
from feedback.services import notifications
from tests.conftest import TEST_REDIS_URL


@pytest.mark.parametrize("path", ["/", "/auth/login", "/track", "/api/v1/disclosures", "/nowhere"])
def test_every_answer_forbids_framing_sniffing_and_foreign_scripts(client, path):
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy.split("style-src-attr")[0]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script(client, make):
    item = make.item()
    for path in ("/", f"/items/{item.id}", f"/items/{item.id}/archive", "/auth/login"):
        html = client.get(path).get_data(as_text=True)
        assert "onclick=" not in html and "<script>" not in html
        for style in html.split("<style")[1:]:
            assert "nonce=" in style.split(">")[0]


def test_the_style_nonce_matches_the_policy(client, make):
    item = make.item()
    response = client.get(f"/items/{item.id}/archive")
    nonce = response.get_data(as_text=True).split('nonce="')[1].split('"')[0]
    assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]


def test_secure_cookies_are_a_setting_and_follow_an_https_public_url(monkeypatch):
    monkeypatch.setenv("FEEDBACK_SECURE_COOKIES", "1")
    assert Config().SESSION_COOKIE_SECURE is True
    monkeypatch.delenv("FEEDBACK_SECURE_COOKIES")
    monkeypatch.setenv("FEEDBACK_PUBLIC_URL", "https://feedback.example.gov.cn")
    assert Config().SESSION_COOKIE_SECURE is True
    monkeypatch.setenv("FEEDBACK_PUBLIC_URL", "")
    assert Config().SESSION_COOKIE_SECURE is False


def test_with_secure_cookies_the_session_cookie_is_https_only(database_url):
    from tests.conftest import test_config

    app = create_app(test_config(database_url, SESSION_COOKIE_SECURE=True))
    client = app.test_client()
    response = client.get("/auth/login", base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_an_unknown_host_is_refused(client):
    response = client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert client.get("/", headers={"Host": "localhost:5000"}).status_code == 200


def test_a_configured_public_host_is_answered(database_url):
    from tests.conftest import test_config

    app = create_app(test_config(database_url, PUBLIC_URL="https://feedback.example.gov.cn"))
    public_host = {"Host": "feedback.example.gov.cn"}
    assert app.test_client().get("/", headers=public_host).status_code == 200
    assert app.test_client().get("/", headers={"Host": "evil.example"}).status_code == 400


def test_the_api_receipt_links_to_the_public_address(app, client, make):
    app.config["PUBLIC_URL"] = "https://feedback.example.gov.cn"
    try:
        response = client.post("/api/v1/opinions", json={
            "text": "小区门口的路灯坏了一个月，晚上很危险。", "stance": "suggestion"})
    finally:
        app.config["PUBLIC_URL"] = ""
    assert response.json["url"].startswith("https://feedback.example.gov.cn/track/")


def test_an_sms_link_never_comes_from_the_host_header(app, make, db):
    app.config["PUBLIC_URL"] = "https://feedback.example.gov.cn"
    department = make.department()
    opinion = make.opinion(contact="13800138000", status="routed", department_id=department.id)
    try:
        with app.test_request_context("/", headers={"Host": "localhost"}, base_url="http://localhost"):
            from feedback.models import Response
            answer = Response(department_id=department.id, text="已修复。", status="published")
            answer.department = department
            message = notifications.notify_resident_answered(opinion, answer)
    finally:
        app.config["PUBLIC_URL"] = ""
    assert isinstance(message, OutboxMessage)
    assert "https://feedback.example.gov.cn/track/" in message.body
    assert "localhost" not in message.body
    assert TEST_REDIS_URL  # the same Redis as every test
