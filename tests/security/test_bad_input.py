"""Bad input gets a clear 400/404/405 in the reader's language, never a 500: numbers
beyond what the database holds, deep JSON, NUL and invalid UTF-8, TRACE."""
from __future__ import annotations

import re

import pytest

from tests.security.test_login_and_sessions import _login

HUGE = "99999999999999999999"
BEYOND_INT32 = str(2**31)


@pytest.mark.parametrize("path", [
    f"/items/{HUGE}", f"/items/{BEYOND_INT32}", f"/api/v1/disclosures/{HUGE}",
    f"/items/{HUGE}/archive", f"/catalogue/{HUGE}", f"/items/{BEYOND_INT32}/versions/1",
])
def test_an_id_beyond_the_database_is_not_found(client, path):
    response = client.get(path)
    assert response.status_code == 404


def test_an_item_id_beyond_the_database_in_json_is_an_unknown_item(client):
    response = client.post("/api/v1/opinions", json={
        "disclosure_id": int(HUGE), "text": "路灯坏了一个月，晚上很危险。", "stance": "suggestion"},
        headers={"Accept-Language": "zh"})
    assert response.status_code == 404
    assert response.json["errors"]["disclosure_id"] == ["没有这个事项。"] or response.json["errors"]


@pytest.mark.parametrize("query", [f"item={HUGE}", "item=abc", "item=²", f"cluster={BEYOND_INT32}"])
def test_a_bad_filter_number_is_a_clear_400(client, make, query):
    department = make.department()
    make.user(username="staff", role="department_staff", department_id=department.id)
    _login(client, "staff")
    response = client.get(f"/department/queue?{query}&lang=en")
    assert response.status_code == 400
    assert "must be a whole number" in response.get_data(as_text=True)


def test_committee_review_refuses_a_huge_item_number(client, make):
    make.user(username="c", role="committee_member")
    _login(client, "c")
    assert client.get(f"/committee/review?item={HUGE}").status_code == 400


@pytest.mark.parametrize("days, status", [
    ("x", 400), ("-1", 400), ("99999", 400), ("7", 200), ("", 200)])
def test_the_due_list_says_what_days_must_be(client, make, days, status):
    make.user(username="ed", role="editor")
    _login(client, "ed")
    response = client.get(f"/editor/due?days={days}", headers={"Accept-Language": "zh"})
    assert response.status_code == status
    if status == 400:
        assert "整数" in response.get_data(as_text=True)


def test_a_nul_in_a_query_parameter_is_refused(client, make):
    response = client.get("/search?q=%00", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "characters that are not allowed" in response.get_data(as_text=True)
    department = make.department()
    make.user(username="staff", role="department_staff", department_id=department.id)
    _login(client, "staff")
    assert client.get("/department/queue?status=%00").status_code == 400


def test_json_nested_fifty_thousand_deep_is_bad_json(client):
    body = "[" * 50_000 + "]" * 50_000
    response = client.post("/api/v1/opinions", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json["error"]


def test_json_nested_a_little_deeper_than_allowed_is_bad_json(client):
    body = '{"text": ' + "[" * 40 + "]" * 40 + ', "stance": "suggestion"}'
    response = client.post("/api/v1/opinions", data=body, content_type="application/json")
    assert response.status_code == 400


def test_brackets_inside_strings_do_not_count_as_nesting():
    from feedback.params import json_depth_exceeds

    assert not json_depth_exceeds('{"text": "' + "[" * 100 + '\\"{{{"}')
    assert json_depth_exceeds("[" * 33 + "]" * 33)


def _form_token(client, path):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_invalid_utf8_in_a_web_form_is_refused_and_nothing_stored(client, make, db):
    from sqlalchemy import func, select

    from feedback.models import Opinion

    item = make.item()
    token = _form_token(client, f"/items/{item.id}")
    body = (f"csrf_token={token}&stance=suggestion&text=%FF%FE%E8%B7%AF%E7%81%AF%E5%9D%8F%E4%BA%86"
            "%E4%B8%80%E4%B8%AA%E6%9C%88&lang=en")
    response = client.post(f"/items/{item.id}/opinions?lang=en", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "UTF-8" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Opinion.id))) == 0


def test_invalid_utf8_in_a_multipart_form_is_refused_and_nothing_stored(client, make, db):
    from sqlalchemy import func, select

    from feedback.models import Opinion

    item = make.item()
    token = _form_token(client, f"/items/{item.id}")
    boundary = "b0undary"
    parts = [("csrf_token", token.encode()), ("stance", b"suggestion"), ("lang", b"en"),
             ("text", b"\xff\xfe" + "路灯坏了一个月".encode())]
    body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                    + value + b"\r\n" for name, value in parts) + f"--{boundary}--\r\n".encode()
    response = client.post(f"/items/{item.id}/opinions?lang=en", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert "UTF-8" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Opinion.id))) == 0


def test_valid_utf8_with_line_breaks_still_goes_through(client, make):
    item = make.item()
    token = _form_token(client, f"/items/{item.id}")
    response = client.post(f"/items/{item.id}/opinions", data={
        "csrf_token": token, "stance": "suggestion", "text": "路灯坏了一个月，\r\n晚上很危险。"})
    assert response.status_code == 302


def test_trace_is_405_with_allow(client):
    response = client.open("/", method="TRACE")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
