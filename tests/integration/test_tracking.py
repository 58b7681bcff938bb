"""Tracking: a resident follows an opinion by its code, reads the answer when it is
published, and rates it; the public sees personal data masked."""
from __future__ import annotations

import re

import pytest

from feedback.models import Opinion, Rating


def _routed(make, department, **kw):
    item = make.item(department=department)
    kw.setdefault("text", "三号楼前的路灯坏了一个月，晚上回家很不安全。")
    return make.opinion(disclosure=item, status="routed", department_id=department.id, **kw)


def _answered(make, db, text="已安排维修，本周五前更换灯具。", **kw):
    from feedback.services import responses

    department = make.department()
    clerk = make.user(role="department_staff", department_id=department.id)
    opinion = _routed(make, department, **kw)
    responses.answer_opinion(user=clerk, opinion_id=opinion.id, text=text)
    db.session.expire_all()
    return opinion, clerk


def _rate(client, code, **data):
    """Rate as the submitter: with the rating key of their receipt link."""
    from feedback.services.opinions import rating_token

    html = client.get("/opinions/new").get_data(as_text=True)  # the session's token, on any form
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    data.setdefault("key", rating_token(code))
    return client.post(f"/track/{code}/rating", data={"csrf_token": token, **data})


def test_a_code_typed_loosely_finds_the_opinion(app, client, make):
    opinion = make.opinion()
    loose = opinion.tracking_code.lower().replace("-", " ")
    response = client.get(f"/track?code={loose}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/track/{opinion.tracking_code}")


def test_an_unknown_code_is_a_404_with_a_message(app, client):
    response = client.get("/track?code=FB-AAAA-2222&lang=en")
    assert response.status_code == 404
    assert "No opinion has this tracking code" in response.get_data(as_text=True)


def test_the_timeline_shows_each_step_and_the_published_answer(app, client, make, db, run_jobs):
    item = make.item()
    response = client.post("/api/v1/opinions", json={"disclosure_id": item.id, "stance": "question",
                                                      "text": "电梯加装后的维护费用由谁承担？"})
    code = response.get_json()["tracking_code"]
    run_jobs()
    opinion = db.session.query(Opinion).one()
    from feedback.services import responses

    clerk = make.user(role="department_staff", department_id=opinion.department_id)
    responses.answer_opinion(user=clerk, opinion_id=opinion.id, text="维护费用按楼栋业主协商比例分摊。")
    page = client.get(f"/track/{code}?lang=en").get_data(as_text=True)
    timeline = re.search(r'data-testid="timeline">(.*?)</ol>', page, re.S).group(1)
    assert [s for s in ("Received", "Routed to the department", "Answered") if s in timeline] == [
        "Received", "Routed to the department", "Answered"]
    assert "维护费用按楼栋业主协商比例分摊" in page
    assert "Rate the answer" in page


def test_no_answer_no_rating_form(app, client, make):
    opinion = make.opinion()
    page = client.get(f"/track/{opinion.tracking_code}?lang=en").get_data(as_text=True)
    assert "Rate the answer" not in page
    response = _rate(client, opinion.tracking_code, score="satisfied")
    assert response.status_code == 422
    assert db_count_ratings() == 0


def db_count_ratings() -> int:
    from feedback.extensions import db

    return db.session.query(Rating).count()


@pytest.mark.parametrize("score", ["satisfied", "basically_satisfied"])
def test_a_satisfied_rating_is_kept_and_closes_the_opinion(app, client, make, db, score):
    opinion, _ = _answered(make, db)
    response = _rate(client, opinion.tracking_code, score=score, comment="谢谢，修得很快")
    assert response.status_code == 302
    rating = db.session.query(Rating).one()
    assert (rating.score, rating.comment, rating.response_id) == (score, "谢谢，修得很快", opinion.response_id)
    db.session.refresh(opinion)
    assert opinion.status == "closed"
    page = client.get(f"/track/{opinion.tracking_code}?lang=en").get_data(as_text=True)
    assert "You rated this answer" in page and "Send my rating" not in page
    assert "Answer rated" in page


def test_not_satisfied_with_a_comment_reopens_for_a_second_answer(app, client, make, db):
    opinion, _ = _answered(make, db)
    _rate(client, opinion.tracking_code, score="not_satisfied", comment="灯还是不亮")
    db.session.refresh(opinion)
    assert opinion.status == "in_progress"
    page = client.get(f"/track/{opinion.tracking_code}?lang=en").get_data(as_text=True)
    assert "preparing a second answer" in page


def test_rating_twice_is_refused_kindly(app, client, make, db):
    opinion, _ = _answered(make, db)
    _rate(client, opinion.tracking_code, score="satisfied")
    again = _rate(client, opinion.tracking_code, score="not_satisfied")
    assert again.status_code in (302, 422)
    assert db.session.query(Rating).one().score == "satisfied"


@pytest.mark.parametrize("data, message", [
    ({}, "Not a valid choice"),
    ({"score": "meh"}, "Not a valid choice"),
    ({"score": "satisfied", "comment": "长" * 1001}, "1000"),
])
def test_bad_ratings_are_answered_on_the_page(app, client, make, db, data, message):
    opinion, _ = _answered(make, db)
    client.get("/?lang=en")
    response = _rate(client, opinion.tracking_code, **data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.query(Rating).count() == 0


def test_the_rating_form_needs_its_csrf_token(app, client, make, db):
    opinion, _ = _answered(make, db)
    response = client.post(f"/track/{opinion.tracking_code}/rating", data={"score": "satisfied"})
    assert response.status_code == 400
    assert db.session.query(Rating).count() == 0


RUNNING_TEXT = ("我是3号楼的老李，手机１３９１２３４５６７８，家里座机021-64881234，"
                "身份证号11010519491231002X，邮箱laoli@example.com，"
                "退款请打到银行卡6222021234567890128，谢谢。")
SECRETS = ("１３９１２３４５６７８", "13912345678", "64881234", "11010519491231002X", "laoli@example.com",
           "6222021234567890128")


def test_the_tracking_page_masks_every_kind_of_number_in_running_chinese(app, client, make, db):
    opinion, _ = _answered(make, db, text="已联系老李（电话13912345678）并处理完毕。")
    opinion.text = RUNNING_TEXT
    db.session.commit()
    page = client.get(f"/track/{opinion.tracking_code}").get_data(as_text=True)
    for secret in SECRETS:
        assert secret not in page, secret
    assert "3号楼的老李" in page  # ordinary numbers and words stay


def test_the_answer_keeps_the_office_telephone_readable_and_the_residents_masked(app, client, make,
                                                                                  db):
    opinion, _ = _answered(make, db, text="如有疑问请致电本局办公室021-5555 0266。")
    opinion.text = "我家座机021-6488 1234，手机一三九一二三四五六七八，路灯坏了。"
    db.session.commit()
    page = client.get(f"/track/{opinion.tracking_code}").get_data(as_text=True)
    assert "021-5555 0266" in page
    assert "6488 1234" not in page and "021-**** 1234" in page
    assert "一三九****五六七八" in page


def test_published_opinions_on_an_item_are_masked_and_staff_see_the_original(app, client, make, db):
    from feedback.services import opinions

    item = make.item(show_opinions_publicly=True)
    submission = opinions.submit_opinion(text=RUNNING_TEXT, stance="suggestion", disclosure_id=item.id)
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "老李" in page
    for secret in SECRETS:
        assert secret not in page, secret
    assert db.session.get(Opinion, submission.opinion.id).text == RUNNING_TEXT  # the original is kept


def test_the_web_receipt_carries_a_qr_code_of_the_tracking_page(app, client, make):
    opinion = make.opinion()
    import segno

    page = client.get(f"/track/{opinion.tracking_code}?new=1").get_data(as_text=True)
    expected = segno.make(f"http://localhost/track/{opinion.tracking_code}", error="m")
    assert expected.svg_inline(scale=4, border=4, dark="#000", light="#fff") in page
