"""The administrator page for kiosks and channel keys: a secret is shown once in the answer
to the POST that created it (never on the list, never in the session cookie), it works,
disabling stops it, only administrators get in, and bad input gets a message, not a 500."""
from __future__ import annotations

import html
import re

import pytest

from feedback.models import AuditEvent, ChannelKey, KioskDevice, Opinion

ADMIN_URLS = [("get", "/admin/channels/"), ("post", "/admin/channels/kiosks"), ("post", "/admin/channels/keys"),
              ("post", "/admin/channels/kiosks/1/disable"), ("post", "/admin/channels/keys/1/disable")]


def _login(client, username: str, password: str = "secret-pass") -> None:
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", data={"csrf_token": token, "username": username, "password": password})
    assert response.status_code == 302


def _csrf(client) -> str:
    page = client.get("/admin/channels/").get_data(as_text=True)
    return re.search(r'name="kiosk-csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _cookies_hold(app, client, secret: str) -> bool:
    """Whether any cookie, the session decoded (it may be compressed), carries `secret`."""
    serializer = app.session_interface.get_signing_serializer(app)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    session = str(serializer.loads(cookie.value)) if cookie else ""
    assert "_user_id" in session  # decoded: the check below can see what a flash would hold
    return secret in session or any(secret in c.value for c in client._cookies.values())


def _secret(response) -> str:
    body = response.get_data(as_text=True)
    return html.unescape(re.search(r'data-testid="issued-secret">([^<]+)</code>', body).group(1))


@pytest.fixture
def admin_client(app, make):
    client = app.test_client()
    _login(client, make.user(role="admin", username="root-admin").username)
    return client


def _register(client, name="一号机", location="江川路街道社区事务受理中心", **extra):
    return client.post("/admin/channels/kiosks", data={"kiosk-csrf_token": _csrf(client), "kiosk-name": name,
                                                      "kiosk-location": location, **extra})


def _create_key(client, name="12345 短信网关", channel="sms", headers=None, **extra):
    return client.post("/admin/channels/keys", data={"key-csrf_token": _csrf(client), "key-name": name,
                                                    "key-channel": channel, **extra}, headers=headers)


def _opinion(n: int = 1) -> dict:
    return {"text": f"第{n}条短信意见：路口红绿灯时间太短。", "stance": "suggestion"}


def test_an_admin_registers_a_kiosk_whose_link_works_once_shown_and_then_disables_it(app, admin_client, db):
    response = _register(admin_client)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    link = _secret(response)
    assert "/kiosk/activate?token=kiosk_" in link
    token = link.split("token=", 1)[1]
    device = db.session.query(KioskDevice).one()
    assert device.name == "一号机" and device.location == "江川路街道社区事务受理中心"
    assert token not in device.token_hash
    # Nothing of the token in the session cookie (no flash carries it) nor on the list page.
    assert not _cookies_hold(app, admin_client, token)
    listing = admin_client.get("/admin/channels/").get_data(as_text=True)
    assert "一号机" in listing and token not in listing and "issued-secret" not in listing
    assert f'action="/admin/channels/kiosks/{device.id}/disable"' in listing  # the confirmed disable control

    kiosk = app.test_client()
    assert kiosk.get(f"/kiosk/activate?token={token}").status_code == 302
    assert kiosk.get("/kiosk/").status_code == 200

    page = admin_client.post(f"/admin/channels/kiosks/{device.id}/disable",
                             data={"csrf_token": _csrf(admin_client)}, follow_redirects=True)
    assert page.status_code == 200 and "一号机" in page.get_data(as_text=True)
    db.session.refresh(device)
    assert device.is_enabled is False
    assert kiosk.get("/kiosk/").status_code == 403
    assert app.test_client().get(f"/kiosk/activate?token={token}").status_code == 403
    actions = [(e.action, e.actor_label) for e in db.session.query(AuditEvent).filter_by(subject_type="kioskdevice")
               .order_by(AuditEvent.id)]
    assert actions == [("registered", "root-admin"), ("disabled", "root-admin")]
    assert not any(token in str(e.detail) for e in db.session.query(AuditEvent))


def test_an_admin_creates_a_key_that_authenticates_the_api_until_it_is_disabled(app, admin_client, db):
    response = _create_key(admin_client, name="区委公众号", channel="wechat")
    assert response.status_code == 200
    secret = _secret(response)
    assert secret.startswith("fbk_")
    row = db.session.query(ChannelKey).one()
    assert (row.name, row.channel) == ("区委公众号", "wechat")
    assert not _cookies_hold(app, admin_client, secret)
    listing = admin_client.get("/admin/channels/").get_data(as_text=True)
    assert row.key_prefix in listing and secret not in listing

    api = app.test_client()
    sent = api.post("/api/v1/opinions", json=_opinion(1), headers={"Authorization": f"Bearer {secret}"})
    assert sent.status_code == 201
    assert db.session.query(Opinion).one().channel == "wechat"
    db.session.expire_all()
    assert row.last_used_at is not None
    assert "区委公众号" in admin_client.get("/admin/channels/").get_data(as_text=True)

    response = admin_client.post(f"/admin/channels/keys/{row.id}/disable", data={"csrf_token": _csrf(admin_client)})
    assert response.status_code == 302
    refused = api.post("/api/v1/opinions", json=_opinion(2), headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401
    assert db.session.query(Opinion).count() == 1
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(subject_type="channelkey")
               .order_by(AuditEvent.id)]
    assert actions == ["created", "disabled"]
    # A second click is harmless and says so.
    again = admin_client.post(f"/admin/channels/keys/{row.id}/disable", data={"csrf_token": _csrf(admin_client)},
                              follow_redirects=True, headers={"Accept-Language": "en"})
    assert "already disabled" in again.get_data(as_text=True)


def test_a_reload_that_sends_the_form_again_creates_nothing_more(app, admin_client, db):
    page = admin_client.get("/admin/channels/").get_data(as_text=True)
    submission_id = re.search(r'name="key-submission_id" type="hidden" value="([^"]+)"', page).group(1)
    first = _create_key(admin_client, name="短信网关", **{"key-submission_id": submission_id})
    secret = _secret(first)
    again = _create_key(admin_client, name="短信网关", headers={"Accept-Language": "en"},
                        **{"key-submission_id": submission_id})
    assert again.status_code == 303 and again.headers["Location"].endswith("/admin/channels/")
    assert db.session.query(ChannelKey).count() == 1
    listing = admin_client.get("/admin/channels/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "was sent before" in listing and secret not in listing
    fresh = admin_client.get("/admin/channels/").get_data(as_text=True)
    assert submission_id not in fresh  # every rendered form gets its own
    assert _create_key(admin_client, name="第二个网关").status_code == 200
    assert db.session.query(ChannelKey).count() == 2


@pytest.mark.parametrize("role", ["editor", "department_staff", "moderator", "dispatcher", "supervisor"])
def test_staff_who_are_not_administrators_get_403_everywhere(app, make, db, role):
    from feedback.services import channels

    channels.register_kiosk(user=None, name="一号机")
    channels.create_channel_key(user=None, name="短信网关", channel="sms")
    client = app.test_client()
    _login(client, make.user(role=role).username)
    home = client.get("/").get_data(as_text=True)
    assert "/admin/channels" not in home
    token = re.search(r'name="csrf_token" value="([^"]+)"', home).group(1)  # the logout form's
    for method, url in ADMIN_URLS:
        data = {"csrf_token": token, "kiosk-name": "x", "key-name": "x", "key-channel": "sms"}
        response = client.get(url) if method == "get" else client.post(url, data=data)
        assert response.status_code == 403, (role, url)
    assert db.session.query(KioskDevice).count() == db.session.query(ChannelKey).count() == 1
    assert db.session.query(KioskDevice).filter_by(is_enabled=False).count() == 0
    assert db.session.query(ChannelKey).filter_by(is_enabled=False).count() == 0


def test_anonymous_visitors_are_sent_to_the_login(app, client, db):
    for method, url in ADMIN_URLS:
        response = client.get(url) if method == "get" else client.post(url, data={})
        if method == "get":
            assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url
        else:  # no session, no CSRF token: refused before anything else
            assert response.status_code in (302, 400), url
    assert db.session.query(KioskDevice).count() == 0


def test_administrators_see_the_link_in_the_navigation(admin_client):
    assert 'href="/admin/channels/"' in admin_client.get("/").get_data(as_text=True)


def test_bad_input_gets_a_message_in_the_users_language(admin_client, db):
    admin_client.get("/?lang=en")
    empty = _register(admin_client, name="   ")
    assert empty.status_code == 422
    assert "Give it a name people will recognise." in empty.get_data(as_text=True)
    too_long = _register(admin_client, name="机" * 121)
    assert too_long.status_code == 422 and "under 120 characters" in too_long.get_data(as_text=True)
    far = _register(admin_client, name="二号机", location="路" * 201)
    assert far.status_code == 422 and "under 200 characters" in far.get_data(as_text=True)
    for channel in ("web", "kiosk", "nonsense", ""):
        unknown = _create_key(admin_client, channel=channel)
        assert unknown.status_code == 422, channel
        body = unknown.get_data(as_text=True)
        assert "Choose one of: api, sms, wechat" in body and "issued-secret" not in body
    assert db.session.query(KioskDevice).count() == db.session.query(ChannelKey).count() == 0

    for url in ("/admin/channels/kiosks/999/disable", "/admin/channels/keys/999/disable"):
        missing = admin_client.post(url, data={"csrf_token": _csrf(admin_client)})
        assert missing.status_code == 404
        assert "There is no" in missing.get_data(as_text=True) and "number 999" in missing.get_data(as_text=True)

    forged = admin_client.post("/admin/channels/kiosks", data={"kiosk-name": "三号机"})
    assert forged.status_code == 400 and "form expired" in forged.get_data(as_text=True)
    assert db.session.query(KioskDevice).count() == 0

    admin_client.get("/?lang=zh")
    chinese = _register(admin_client, name="")
    assert chinese.status_code == 422 and "请填写便于识别的名称。" in chinese.get_data(as_text=True)
    missing = admin_client.post("/admin/channels/keys/999/disable", data={"csrf_token": _csrf(admin_client)})
    assert "没有编号为 999 的渠道密钥。" in missing.get_data(as_text=True)
