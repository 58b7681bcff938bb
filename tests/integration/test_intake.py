"""Intake rules shared by every channel: limits shown before they bite, the analysis
form, bad input answered in the user's language, retries that never duplicate."""
from __future__ import annotations

import re

from feedback.models import Opinion


def _form_tokens(client, url):
    html = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    submission = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', html).group(1)
    return token, submission


def test_the_form_states_its_limits_before_they_bite(app, client, make):
    item = make.item()
    page = client.get(f"/items/{item.id}?lang=en").get_data(as_text=True)
    assert "5 to 2000 characters" in page
    assert "1000 times per minute" in page  # the configured rate limit, in words
    assert 'maxlength="2000"' in page
    assert "stay anonymous" in page


def test_the_original_text_is_kept_and_an_analysis_form_is_derived(app, client):
    text = "請把１２６路公交　延伸到臨江新村，ＡＢＣ站點太遠了。"
    response = client.post("/api/v1/opinions", json={"text": text, "stance": "suggestion"})
    assert response.status_code == 201
    opinion = Opinion.query.one()
    assert opinion.text == text
    assert opinion.analysis_text == "请把126路公交 延伸到临江新村,abc站点太远了。"


def test_a_traditional_character_opinion_is_routed_by_its_simplified_words(app, client, make, run_jobs, db):
    transport = make.department(routing_keywords="公交 线路 站点")
    make.department(routing_keywords="学校 入学")
    client.post("/api/v1/opinions", json={"text": "建議把公交線路延伸過來，站點太遠。", "stance": "suggestion"})
    run_jobs()
    opinion = db.session.query(Opinion).one()
    db.session.refresh(opinion)
    assert opinion.department_id == transport.id


def test_a_form_body_that_is_not_utf8_is_refused_with_a_message(app, client, make, db):
    item = make.item()
    token, submission = _form_tokens(client, f"/items/{item.id}?lang=en")
    body = f"csrf_token={token}&submission_id={submission}&stance=support&text=".encode() + b"abc\xff\xfedef"
    response = client.post(f"/items/{item.id}/opinions", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "must be sent as UTF-8 text" in response.get_data(as_text=True)
    assert db.session.query(Opinion).count() == 0


def test_json_that_is_not_utf8_is_refused_with_a_message(app, client, db):
    response = client.post("/api/v1/opinions", data=b'{"text": "abc\xff\xfe def", "stance": "support"}',
                           content_type="application/json", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "UTF-8" in response.get_json()["error"]
    assert db.session.query(Opinion).count() == 0


def test_text_with_replacement_characters_from_a_broken_conversion_gets_a_specific_message(app, client, db):
    response = client.post("/api/v1/opinions", json={"text": "建议\ufffd\ufffd修路，晚上太黑", "stance": "support"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "not valid UTF-8" in response.get_json()["errors"]["text"][0]


def test_lone_surrogates_are_dropped_like_control_characters(app, client, db):
    response = client.post("/api/v1/opinions", data='{"text": "建议增设\\ud800路灯，晚上太黑。", "stance": "support"}',
                           content_type="application/json")
    assert response.status_code == 201
    assert db.session.query(Opinion).one().text == "建议增设路灯，晚上太黑。"


def test_five_thousand_characters_are_refused_with_the_count(app, client, db):
    response = client.post("/api/v1/opinions", json={"text": "字" * 5000, "stance": "support"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "2000" in response.get_json()["errors"]["text"][0] and "5000" in response.get_json()["errors"]["text"][0]
    assert db.session.query(Opinion).count() == 0


def test_nul_and_control_characters_alone_count_as_empty(app, client, db):
    response = client.post("/api/v1/opinions", json={"text": "\x00\x07\x1b\u200b ", "stance": "support"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.get_json()["errors"]["text"] == ["Please write your opinion."]


def test_messages_come_in_chinese_by_default(app, client):
    response = client.post("/api/v1/opinions", json={"text": "", "stance": "support"})
    message = response.get_json()["errors"]["text"][0]
    assert re.search(r"[\u4e00-\u9fff]", message), message


def test_a_reused_submission_key_with_other_text_never_returns_someone_elses_opinion(app, client, db):
    first = client.post("/api/v1/opinions", json={"text": "小区门口的路灯坏了。", "stance": "question"},
                        headers={"Idempotency-Key": "1"})
    other = client.post("/api/v1/opinions", json={"text": "另一个人的完全不同的意见。", "stance": "support"},
                        headers={"Idempotency-Key": "1", "Accept-Language": "en"})
    assert first.status_code == 201
    assert other.status_code == 409
    assert first.get_json()["tracking_code"] not in other.get_data(as_text=True)
    assert "idempotency_key" in other.get_json()["errors"]
    assert db.session.query(Opinion).count() == 1


def test_a_very_long_idempotency_key_works_on_every_database(app, client, db):
    key = "k" * 200
    payload = {"text": "很长的重试键也应当可以使用。", "stance": "question"}
    first = client.post("/api/v1/opinions", json=payload, headers={"Idempotency-Key": key})
    again = client.post("/api/v1/opinions", json=payload, headers={"Idempotency-Key": key})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["tracking_code"] == again.get_json()["tracking_code"]


def test_script_in_a_general_opinion_is_never_executed_when_shown_back(app, client, db):
    token, submission = _form_tokens(client, "/opinions/new")
    response = client.post("/opinions/new", data={
        "csrf_token": token, "submission_id": submission, "stance": "question",
        "text": '<img src=x onerror="alert(1)"> 这条路什么时候修？'})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_the_honeypot_on_the_general_form_stores_nothing(app, client, db):
    token, submission = _form_tokens(client, "/opinions/new")
    response = client.post("/opinions/new", data={
        "csrf_token": token, "submission_id": submission, "stance": "question",
        "text": "机器人填写的内容，不应保存。", "website": "spam"})
    assert response.status_code == 302
    assert db.session.query(Opinion).count() == 0


def test_the_web_rate_limit_answers_with_a_page_not_a_blank(database_url, _migrated_app, redis):
    from feedback import create_app
    from tests.conftest import test_config

    app = create_app(test_config(database_url, OPINION_RATE_LIMIT="1 per minute"))
    client = app.test_client()
    token, submission = _form_tokens(client, "/opinions/new")
    client.post("/opinions/new", data={"csrf_token": token, "submission_id": submission, "text": "x"})
    response = client.post("/opinions/new", data={"csrf_token": token, "submission_id": submission, "text": "x"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many submissions" in page and "<h1>429</h1>" in page
    assert "1 time per minute" in page
    chinese = client.post("/opinions/new", data={"csrf_token": token, "submission_id": submission, "text": "x"},
                          headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "提交次数过多" in chinese and "每分钟 1 次" in chinese and "per minute" not in chinese


def test_the_form_states_its_rate_limit_in_the_reader_language(client):
    # the test configuration allows 1000 per minute
    assert "每分钟 1000 次" in client.get("/opinions/new?lang=zh").get_data(as_text=True)
    assert "1000 times per minute" in client.get("/opinions/new?lang=en").get_data(as_text=True)
