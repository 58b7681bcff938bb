"""Login: no open redirect, each role lands on its work page, sessions end when they
should (logout, new password, disabled account), throttles per account and address."""
from __future__ import annotations

import re

import pytest

from feedback.extensions import db as database


def _token(client) -> str:
    html = client.get("/auth/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def _login(client, username, password="secret-pass", query=""):
    return client.post("/auth/login" + query, data={
        "csrf_token": _token(client), "username": username, "password": password})


@pytest.mark.parametrize("next_param", [
    "/%09/evil.example/", "//evil.example/", "/\\evil.example", "https://evil.example/",
    "/%0a/evil.example", "%2F%2Fevil.example", "/ /evil.example",
])
def test_login_never_redirects_to_another_site(client, make, next_param):
    make.user(username="ed", role="editor")
    response = _login(client, "ed", query=f"?next={next_param}")
    assert response.status_code in (302, 400)  # 400: a control character in the address
    assert response.headers.get("Location", "/editor/items") == "/editor/items"


def test_safe_next_refuses_what_browsers_read_as_another_site():
    from feedback.views.auth import _safe_next

    for target in ("/\t/evil.example/", "/\n/evil.example", "//evil.example", "/\\evil.example",
                   "https://evil.example", "/ /evil.example", "javascript:alert(1)"):
        assert _safe_next(target) is None
    assert _safe_next("/editor/due?days=3") == "/editor/due?days=3"


def test_login_follows_a_local_next_path(client, make):
    make.user(username="ed", role="editor")
    response = _login(client, "ed", query="?next=/editor/due%3Fdays%3D3")
    assert response.headers["Location"] == "/editor/due?days=3"


@pytest.mark.parametrize("role, page", [
    ("dispatcher", "/dispatch/"), ("moderator", "/moderation/"),
    ("committee_member", "/committee/"),
    ("supervisor", "/supervision/"), ("editor", "/editor/items"), ("admin", "/editor/items"),
    ("department_staff", "/department/queue"), ("department_head", "/department/queue"),
])
def test_each_role_lands_on_its_work_page(client, make, role, page):
    department = make.department()
    make.user(username="someone", role=role, department_id=department.id)
    response = _login(client, "someone")
    assert response.headers["Location"] == page
    assert client.get(page).status_code == 200


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _with_cookie(app, value):
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def test_a_cookie_saved_before_logout_opens_nothing_after_it(app, client, make):
    make.user(username="ed", role="editor")
    _login(client, "ed")
    saved = _cookie(client)
    assert _with_cookie(app, saved).get("/editor/items").status_code == 200
    client.post("/auth/logout", data={"csrf_token": _token(client)})
    replay = _with_cookie(app, saved)
    response = replay.get("/editor/items")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_a_new_password_ends_the_old_sessions(app, client, make):
    user = make.user(username="ed", role="editor")
    _login(client, "ed")
    user.set_password("another-secret")
    database.session.commit()
    assert client.get("/editor/items").status_code == 302


def test_disabling_an_account_ends_its_sessions(app, client, make):
    user = make.user(username="ed", role="editor")
    _login(client, "ed")
    user.is_enabled = False
    database.session.commit()
    assert client.get("/editor/items").status_code == 302


def test_a_session_cookie_of_the_old_form_is_no_session(app, client, make):
    user = make.user(username="ed", role="editor")
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert client.get("/editor/items").status_code == 302


def test_the_right_password_is_refused_after_five_wrong_ones(client, make):
    make.user(username="ed", role="editor")
    for _ in range(5):
        assert _login(client, "ed", "wrong").status_code == 422
    response = _login(client, "ed")
    assert response.status_code == 429
    assert "15" in response.get_data(as_text=True)


def test_an_unknown_name_is_throttled_like_a_known_one(client, make):
    for _ in range(5):
        assert _login(client, "nobody", "wrong").status_code == 422
    assert _login(client, "nobody", "wrong").status_code == 429


def test_the_throttle_of_one_account_leaves_the_others_alone(client, make):
    make.user(username="ed", role="editor")
    make.user(username="other", role="editor")
    for _ in range(5):
        _login(client, "ed", "wrong")
    assert _login(client, "other").status_code == 302


def test_an_unknown_name_costs_one_password_hash_like_a_known_one(client, make, monkeypatch):
    """No timing threshold: count the password checks (the slow part) instead."""
    import feedback.models.organisation as accounts
    import feedback.views.auth as auth

    checks = []

    def counting(original):
        def check(*args):
            checks.append(1)
            return original(*args)
        return check

    monkeypatch.setattr(auth, "check_password_hash", counting(auth.check_password_hash))
    monkeypatch.setattr(accounts, "check_password_hash", counting(accounts.check_password_hash))
    make.user(username="ed", role="editor")
    _login(client, "ed", "wrong")
    known = len(checks)
    _login(client, "nobody", "wrong")
    assert known == 1 and len(checks) - known == 1


def test_an_operator_ends_sessions_from_the_command_line(app, client, make):
    make.user(username="ed", role="editor")
    _login(client, "ed")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["auth", "end-sessions", "ed"])
    assert result.exit_code == 0, result.output
    assert client.get("/editor/items").status_code == 302
    _login(client, "ed")
    result = runner.invoke(args=["auth", "set-password", "ed"],
                           input="a-new-password-1\na-new-password-1\n")
    assert result.exit_code == 0, result.output
    assert client.get("/editor/items").status_code == 302
    assert _login(client, "ed", "a-new-password-1").status_code == 302
    assert runner.invoke(args=["auth", "disable", "ed"]).exit_code == 0
    assert client.get("/editor/items").status_code == 302
    assert _login(client, "ed", "a-new-password-1").status_code == 422
    assert runner.invoke(args=["auth", "disable", "nobody"]).exit_code != 0
