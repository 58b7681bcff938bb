"""The web form: CSRF, bad input answered on the page, double clicks, honeypot, limits."""
from __future__ import annotations

import re

import pytest

from feedback.models import Opinion


def _form_tokens(client, url):
    html = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    submission = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', html).group(1)
    return token, submission


def _post(client, item, **fields):
    token, submission = _form_tokens(client, f"/items/{item.id}")
    data = {"csrf_token": token, "submission_id": submission, "stance": "suggestion",
            "text": "建议在小区北门增设非机动车停放点。"}
    data.update(fields)
    return client.post(f"/items/{item.id}/opinions", data=data)


def test_a_form_without_csrf_token_is_refused_with_a_message(app, client, make, db):
    item = make.item()
    response = client.post(f"/items/{item.id}/opinions", data={"stance": "support", "text": "没有令牌的提交内容"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "reload the page" in response.get_data(as_text=True)
    assert db.session.query(Opinion).count() == 0


@pytest.mark.parametrize("fields, message", [
    ({"text": ""}, "Please write your opinion."),
    ({"text": " \t\u3000 "}, "Please write your opinion."),
    ({"text": "太长" * 1500}, "Please keep your opinion under"),
    ({"stance": "maybe"}, "Not a valid choice"),
    ({"contact": "call me maybe", "consent": "y"}, "Give a phone number or an e-mail address"),
])
def test_bad_form_input_is_shown_on_the_page_and_nothing_is_stored(app, client, make, db, fields, message):
    item = make.item()
    client.get("/?lang=en")
    response = _post(client, item, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.query(Opinion).count() == 0


def test_the_form_keeps_what_was_typed_after_an_error(app, client, make):
    item = make.item()
    response = _post(client, item, text="短", contact_name="李阿姨")
    assert "李阿姨" in response.get_data(as_text=True)


def test_a_double_click_yields_one_opinion_and_the_same_code(app, client, make, db):
    item = make.item()
    token, submission = _form_tokens(client, f"/items/{item.id}")
    data = {"csrf_token": token, "submission_id": submission, "stance": "support",
            "text": "支持试点，希望尽快开工。"}
    first = client.post(f"/items/{item.id}/opinions", data=data)
    second = client.post(f"/items/{item.id}/opinions", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.query(Opinion).count() == 1


def test_a_filled_honeypot_stores_nothing(app, client, make, db):
    item = make.item()
    response = _post(client, item, website="http://spam.example")
    assert response.status_code == 302
    assert db.session.query(Opinion).count() == 0


def test_contact_is_kept_only_with_consent(app, client, make, db):
    item = make.item()
    _post(client, item, contact="13812345678")
    _post(client, item, contact="13912345678", consent="y", text="同意联系我，关于停车问题的补充意见。")
    contacts = sorted(o.contact or "" for o in db.session.query(Opinion))
    assert contacts == ["", "13912345678"]


def test_control_characters_are_removed_before_storing(app, client, make, db):
    item = make.item()
    _post(client, item, text="建议\x00增设\x07路灯，晚上太黑。")
    assert db.session.query(Opinion).one().text == "建议增设路灯，晚上太黑。"


def test_html_in_an_opinion_is_shown_as_text(app, client, make, db):
    item = make.item()
    response = _post(client, item, text="<script>alert('x')</script> 请修路")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_general_opinion_goes_to_the_department_its_words_belong_to(app, client, make, run_jobs, db):
    transport = make.department(routing_keywords="公交 线路 站点 地铁")
    make.department(routing_keywords="学校 学区 入学")
    token, submission = _form_tokens(client, "/opinions/new")
    response = client.post("/opinions/new", data={
        "csrf_token": token, "submission_id": submission, "stance": "suggestion",
        "text": "建议把126路公交线路延伸到临江新村，站点太远了。"})
    assert response.status_code == 302
    run_jobs()
    opinion = db.session.query(Opinion).one()
    db.session.refresh(opinion)
    assert opinion.status == "routed" and opinion.department_id == transport.id


def test_a_general_opinion_nobody_recognises_waits_for_the_dispatcher(app, client, make, run_jobs, db):
    make.department(routing_keywords="公交 线路")
    token, submission = _form_tokens(client, "/opinions/new")
    client.post("/opinions/new", data={"csrf_token": token, "submission_id": submission,
                                       "stance": "question", "text": "请问这个周末有什么活动吗？"})
    run_jobs()
    opinion = db.session.query(Opinion).one()
    db.session.refresh(opinion)
    assert opinion.status == "triage" and opinion.department_id is None


def test_the_rate_limit_answers_with_a_clear_message(database_url, _migrated_app, redis):
    from tests.conftest import test_config

    from feedback import create_app

    app = create_app(test_config(database_url, OPINION_RATE_LIMIT="2 per minute"))
    client = app.test_client()
    for _ in range(2):
        client.post("/api/v1/opinions", json={"text": "", "stance": "support"})
    response = client.post("/api/v1/opinions", json={"text": "", "stance": "support"}, headers={"Accept-Language": "en"})
    assert response.status_code == 429
    assert "Too many" in response.get_json()["error"]
