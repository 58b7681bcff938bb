"""The JSON API: shapes, field errors on bad input, idempotent retries, scope."""
from __future__ import annotations

import json

import pytest

from feedback.models import Opinion


def test_public_items_are_listed_with_their_fields(app, client, make):
    item = make.item(title="区级重大项目：临江路改造")
    make.item(scope="internal", title="内部人事安排")
    make.item(published=False, title="未发布草稿")
    body = client.get("/api/v1/disclosures").get_json()
    assert [i["title"] for i in body["items"]] == ["区级重大项目：临江路改造"]
    assert set(body["items"][0]) >= {"id", "title", "heading", "department"}
    assert body["items"][0]["id"] == item.id


def test_internal_and_draft_items_do_not_exist_for_the_public(app, client, make):
    internal = make.item(scope="internal")
    members = make.item(scope="members")
    draft = make.item(published=False)
    for item in (internal, members, draft):
        assert client.get(f"/api/v1/disclosures/{item.id}").status_code == 404
        assert client.get(f"/items/{item.id}").status_code == 404
        response = client.post("/api/v1/opinions", json={"disclosure_id": item.id, "text": "这是一条测试意见", "stance": "support"})
        assert response.status_code == 404


def test_api_opinion_is_created_with_a_tracking_code(app, client, make, run_jobs, db):
    item = make.item()
    response = client.post("/api/v1/opinions", json={
        "disclosure_id": item.id, "text": "建议电梯选址避开一楼住户窗户。", "stance": "suggestion",
        "contact": "13812345678"})
    assert response.status_code == 201
    code = response.get_json()["tracking_code"]
    run_jobs()
    body = client.get(f"/api/v1/opinions/{code}").get_json()
    assert body["status"] == "routed" and body["department"] and body["answer"] is None


def test_a_retry_with_the_same_idempotency_key_yields_one_opinion(app, client, db):
    payload = {"text": "小区门口的路灯坏了一个月了。", "stance": "question"}
    first = client.post("/api/v1/opinions", json=payload, headers={"Idempotency-Key": "abc-123"})
    second = client.post("/api/v1/opinions", json=payload, headers={"Idempotency-Key": "abc-123"})
    assert first.status_code == 201 and second.status_code == 200
    assert first.get_json()["tracking_code"] == second.get_json()["tracking_code"]
    assert db.session.query(Opinion).count() == 1


@pytest.mark.parametrize("payload, field", [
    ({"text": "", "stance": "support"}, "text"),
    ({"text": "   \u3000 ", "stance": "support"}, "text"),
    ({"text": "长" * 5001, "stance": "support"}, "text"),
    ({"text": "一条正常的意见内容", "stance": "maybe"}, "stance"),
    ({"text": 12345, "stance": "support"}, "text"),
    ({"text": "一条正常的意见内容", "stance": "support", "disclosure_id": "1"}, "disclosure_id"),
    ({"text": "一条正常的意见内容", "stance": "support", "contact": "not a contact"}, "contact"),
    ({"stance": "support"}, "text"),
])
def test_bad_opinions_get_field_errors_and_nothing_is_stored(app, client, db, payload, field):
    response = client.post("/api/v1/opinions", json=payload)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert db.session.query(Opinion).count() == 0


def test_unknown_item_is_a_404_with_a_field(app, client, db):
    response = client.post("/api/v1/opinions", json={"disclosure_id": 999, "text": "一条正常的意见内容", "stance": "support"})
    assert response.status_code == 404
    assert "disclosure_id" in response.get_json()["errors"]


@pytest.mark.parametrize("data, content_type", [
    ("{not json", "application/json"),
    ("[1, 2]", "application/json"),
    (b"\xff\xfe\x00bad", "application/json"),
    ("text=hello", "application/x-www-form-urlencoded"),
])
def test_invalid_json_is_a_400_with_a_message(app, client, db, data, content_type):
    response = client.post("/api/v1/opinions", data=data, content_type=content_type)
    assert response.status_code == 400
    assert response.get_json()["error"]
    assert db.session.query(Opinion).count() == 0


def test_errors_come_in_the_users_language(app, client):
    zh = client.post("/api/v1/opinions", json={"text": "", "stance": "support"}, headers={"Accept-Language": "zh-CN"})
    en = client.post("/api/v1/opinions", json={"text": "", "stance": "support"}, headers={"Accept-Language": "en"})
    assert zh.get_json()["errors"]["text"] != en.get_json()["errors"]["text"]
    assert "opinion" in en.get_json()["errors"]["text"][0]


def test_closed_comment_window_refuses_opinions(app, client, make, db):
    from datetime import timedelta

    from feedback.models.base import utcnow

    item = make.item()
    item.comment_closes_at = utcnow() - timedelta(days=1)
    db.session.commit()
    response = client.post("/api/v1/opinions", json={"disclosure_id": item.id, "text": "窗口关闭后的意见", "stance": "oppose"})
    assert response.status_code == 422 and "disclosure_id" in response.get_json()["errors"]


def test_unknown_tracking_code_is_a_404(app, client):
    assert client.get("/api/v1/opinions/FB-AAAA-BBBB").status_code == 404
    assert client.get("/api/v1/opinions/'; drop table opinion;--").status_code == 404


def test_oversized_body_is_refused_clearly(app, client):
    response = client.post("/api/v1/opinions", data=json.dumps({"text": "x" * (2 * 1024 * 1024), "stance": "support"}),
                           content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]
