"""The administrator page for accounts: disabling logs the account out everywhere at once
and refuses its logins; enabling lets it in again; "log out everywhere" keeps the
password; an administrator cannot lock themselves out; every step needs the form's CSRF
token and lands in the audit trail; the page speaks both languages."""
from __future__ import annotations

import re

import pytest
from flask import g

from feedback.models import AuditEvent, User


def _fresh_page(client, path: str) -> str:
    """The test's app context outlives requests, and Flask-WTF caches the form token on
    `g`: drop it so that each client (device) gets the token of its own session."""
    g.pop("csrf_token", None)
    return client.get(path).get_data(as_text=True)


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def _login(client, username: str, password: str = "secret-pass"):
    page = _fresh_page(client, "/auth/login")
    return client.post("/auth/login", data={"csrf_token": _token(page), "username": username, "password": password})


@pytest.fixture
def admin_client(app, make):
    client = app.test_client()
    assert _login(client, make.user(role="admin", username="root-admin").username).status_code == 302
    return client


def _post(client, path: str, **extra):
    token = _token(_fresh_page(client, "/admin/accounts/"))
    return client.post(path, data={"csrf_token": token, **extra})


def _logged_in(client) -> bool:
    return client.get("/department/queue").status_code == 200


def test_disabling_logs_the_account_out_everywhere_and_refuses_its_login(app, admin_client, make, db):
    department = make.department()
    clerk = make.user(role="department_staff", department_id=department.id, display_name="李文")
    laptop, phone = app.test_client(), app.test_client()
    for device in (laptop, phone):
        assert _login(device, clerk.username).status_code == 302
        assert _logged_in(device)

    response = _post(admin_client, f"/admin/accounts/{clerk.id}/disable")
    assert response.status_code == 303
    assert "李文" in admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert not _logged_in(laptop) and not _logged_in(phone)
    assert _login(app.test_client(), clerk.username).status_code != 302
    db.session.expire_all()
    assert db.session.get(User, clerk.id).is_enabled is False
    assert db.session.query(AuditEvent).filter_by(subject_type="user", subject_id=clerk.id,
                                                  action="disabled").count() == 1

    assert _post(admin_client, f"/admin/accounts/{clerk.id}/enable").status_code == 303
    assert _login(app.test_client(), clerk.username).status_code == 302


def test_log_out_everywhere_keeps_the_password(app, admin_client, make):
    editor = make.user(role="editor")
    device = app.test_client()
    _login(device, editor.username)
    assert device.get("/editor/items").status_code == 200
    assert _post(admin_client, f"/admin/accounts/{editor.id}/end-sessions").status_code == 303
    assert device.get("/editor/items").status_code == 302  # back to the login page
    assert _login(app.test_client(), editor.username).status_code == 302


def test_an_administrator_cannot_disable_their_own_account(admin_client, db):
    me = db.session.query(User).filter_by(username="root-admin").one()
    response = _post(admin_client, f"/admin/accounts/{me.id}/disable", lang="en")
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "cannot disable your own account" in page or "不能停用自己的账号" in page
    db.session.expire_all()
    assert db.session.get(User, me.id).is_enabled is True


def test_without_the_forms_token_nothing_changes(admin_client, make, db):
    clerk = make.user(role="department_staff")
    response = admin_client.post(f"/admin/accounts/{clerk.id}/disable", data={})
    assert response.status_code in (303, 400)
    db.session.expire_all()
    assert db.session.get(User, clerk.id).is_enabled is True


def test_an_unknown_account_is_404(admin_client):
    assert _post(admin_client, "/admin/accounts/999999/disable").status_code == 404
    assert _post(admin_client, "/admin/accounts/99999999999999/disable").status_code == 404


@pytest.mark.parametrize("lang, words", [("zh", ["账号", "停用"]), ("en", ["Accounts", "Disable"])])
def test_the_page_lists_accounts_with_role_words_in_both_languages(admin_client, make, lang, words):
    make.user(role="department_head", display_name="周敏", username="zhou.min")
    page = admin_client.get(f"/admin/accounts/?lang={lang}").get_data(as_text=True)
    main = page.split("<main", 1)[-1]
    assert "周敏" in main and "department_head" not in main  # the role shows as words, never its code
    for word in words:
        assert word in page


def test_the_command_line_creates_an_account_that_can_log_in(app, make, db):
    department = make.department()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["auth", "create", "wang.clerk", "--role", "department_staff",
                                 "--name", "王芳", "--department", department.key],
                           input="a-long-password\na-long-password\n")
    assert result.exit_code == 0, result.output
    created = db.session.query(User).filter_by(username="wang.clerk").one()
    assert created.department_id == department.id and created.display_name == "王芳"
    assert _login(app.test_client(), "wang.clerk", "a-long-password").status_code == 302


@pytest.mark.parametrize("args, says", [
    (["--role", "overlord"], ("overlord",)),
    (["--role", "department_staff"], ("所属部门的代码", "department's key")),
    (["--role", "department_staff", "--department", "no-such-key"], ("no-such-key",)),
])
def test_the_command_line_refuses_a_bad_account_with_a_reason(app, args, says, db):
    result = app.test_cli_runner().invoke(args=["auth", "create", "someone", *args],
                                          input="a-long-password\na-long-password\n")
    assert result.exit_code != 0 and any(words in result.output for words in says)
    assert db.session.query(User).filter_by(username="someone").count() == 0


def test_the_command_line_refuses_a_short_password_and_a_taken_name(app, make):
    taken = make.user(role="editor").username
    runner = app.test_cli_runner()
    short = runner.invoke(args=["auth", "create", "new.editor", "--role", "editor"], input="short\nshort\n")
    assert short.exit_code != 0 and "10" in short.output
    again = runner.invoke(args=["auth", "create", taken, "--role", "editor"],
                          input="a-long-password\na-long-password\n")
    assert again.exit_code != 0 and taken in again.output
