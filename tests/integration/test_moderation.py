"""Moderation: rules hold suspicious opinions; moderators publish, hide with a reason or
restore; every action is in the audit trail; items show published opinions or not."""
from __future__ import annotations

import re

import pytest

from feedback.models import AuditEvent, Opinion


def _login(client, user, password="secret-pass"):
    html = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    assert client.post("/auth/login", data={"csrf_token": token, "username": user.username,
                                            "password": password}).status_code == 302
    return token


def _submit(client, text, **extra):
    response = client.post("/api/v1/opinions", json={"text": text, "stance": "suggestion", **extra})
    assert response.status_code == 201, response.get_json()
    return Opinion.query.filter_by(tracking_code=response.get_json()["tracking_code"]).one()


@pytest.mark.parametrize("text, rule", [
    ("你们这帮傻 逼，什么都不干！", "abusive"),
    ("你們這幫傻逼，什麼都不幹！", "abusive"),
    ("低价代办证件，详情请访问 http://spam.example 了解", "link"),
    ("优惠多多，请加微信 abc123 咨询，ｗｗｗ．ｆａｋｅ．ｃｏｍ", "link"),
    ("顶顶顶顶顶顶顶顶顶顶顶顶顶顶顶顶顶顶顶顶顶顶顶顶", "repetitive"),
])
def test_rules_hold_suspicious_opinions(app, client, db, text, rule):
    opinion = _submit(client, text)
    assert opinion.moderation == "held"
    assert rule in opinion.moderation_reason
    assert db.session.query(AuditEvent).filter_by(subject_id=opinion.id, action="held").count() == 1


def test_ordinary_opinions_are_published_at_once(app, client):
    assert _submit(client, "建议在小区北门增设非机动车停放点，方便居民。").moderation == "published"


def test_the_same_text_again_from_the_same_sender_is_held(app, client):
    first = _submit(client, "请尽快修复三号楼前的路灯。")
    again = _submit(client, "请尽快修复三号楼前的路灯。")
    assert first.moderation == "published"
    assert again.moderation == "held" and "repeated" in again.moderation_reason


def test_a_repeat_is_held_with_its_steps_and_a_repeated_advert_names_both_rules(app, client, db):
    """The repeat check runs inside the INSERT: a repeat writes no published row, but is
    kept as a held opinion with its received and held steps, like any held opinion."""
    first = _submit(client, "请尽快修复三号楼前的路灯。")
    again = _submit(client, "请尽快修复三号楼前的路灯。")
    assert db.session.query(Opinion).count() == 2 and again.id != first.id
    steps = [e.action for e in db.session.query(AuditEvent).filter_by(subject_id=again.id)
             .order_by(AuditEvent.id)]
    assert steps == ["received", "held"]
    advert = "优惠活动请访问 http://example.com 了解详情"
    assert _submit(client, advert).moderation_reason.count("repeated") == 0
    twice = _submit(client, advert)
    assert "link" in twice.moderation_reason and "repeated" in twice.moderation_reason


def test_the_same_text_from_different_residents_is_a_campaign_not_spam(app, db):
    from feedback.services import opinions

    for n in range(3):
        opinions.submit_opinion(text="坚决反对拆除车棚！", stance="oppose", source=f"ip:resident{n}")
    assert {o.moderation for o in db.session.query(Opinion)} == {"published"}


def test_a_held_opinion_is_not_routed_or_shown_until_a_moderator_publishes_it(app, client, make, db, run_jobs):
    item = make.item(show_opinions_publicly=True)
    opinion = _submit(client, "这个方案就是垃圾，详情看 www.example.com", disclosure_id=item.id)
    run_jobs()
    db.session.refresh(opinion)
    assert (opinion.status, opinion.moderation) == ("received", "held")
    assert "www.example.com" not in client.get(f"/items/{item.id}").get_data(as_text=True)
    from workers.maintenance import sweep

    sweep(older_than_seconds=0)
    db.session.refresh(opinion)
    assert opinion.status == "received"  # the sweep leaves held opinions to the moderator

    moderator = make.user(role="moderator")
    token = _login(client, moderator)
    response = client.post(f"/moderation/opinions/{opinion.id}/publish", data={"csrf_token": token})
    assert response.status_code == 302
    run_jobs()
    db.session.refresh(opinion)
    assert (opinion.moderation, opinion.status) == ("published", "routed")
    assert "www.example.com" in client.get(f"/items/{item.id}").get_data(as_text=True)


def test_a_held_opinion_is_not_routed_by_the_batch_that_routes_the_next_opinion(app, client, make, db,
                                                                               run_jobs):
    item = make.item(show_opinions_publicly=True)
    held = _submit(client, "这个方案就是垃圾，详情看 www.example.com", disclosure_id=item.id)
    ordinary = _submit(client, "建议把公示期延长到一个月。", disclosure_id=item.id)
    run_jobs()  # the routing batch the ordinary opinion asked for
    db.session.refresh(held)
    db.session.refresh(ordinary)
    assert ordinary.status == "routed"
    assert (held.status, held.moderation, held.department_id) == ("received", "held", None)


def test_hiding_needs_a_reason_and_every_action_is_in_the_audit_trail(app, client, make, db):
    item = make.item(show_opinions_publicly=True)
    opinion = _submit(client, "建议把健身器材移到远离住宅楼的位置。", disclosure_id=item.id)
    moderator = make.user(role="moderator")
    token = _login(client, moderator)
    client.get("/?lang=en")

    refused = client.post(f"/moderation/opinions/{opinion.id}/hide", data={"csrf_token": token, "reason": " "},
                          follow_redirects=True)
    assert "Say why it is hidden" in refused.get_data(as_text=True)
    db.session.refresh(opinion)
    assert opinion.moderation == "published"

    client.post(f"/moderation/opinions/{opinion.id}/hide", data={"csrf_token": token, "reason": "涉及他人隐私"})
    db.session.refresh(opinion)
    assert (opinion.moderation, opinion.moderation_reason) == ("hidden", "涉及他人隐私")
    assert "健身器材" not in client.get(f"/items/{item.id}").get_data(as_text=True)

    client.post(f"/moderation/opinions/{opinion.id}/restore", data={"csrf_token": token})
    db.session.refresh(opinion)
    assert opinion.moderation == "published"
    assert "健身器材" in client.get(f"/items/{item.id}").get_data(as_text=True)

    steps = db.session.query(AuditEvent).filter_by(subject_type="opinion", subject_id=opinion.id).order_by(AuditEvent.id)
    moderation_steps = [(s.action, s.actor_id, s.detail.get("reason")) for s in steps if s.action in ("hidden", "restored")]
    assert moderation_steps == [("hidden", moderator.id, "涉及他人隐私"), ("restored", moderator.id, "")]


def test_the_moderation_queue_lists_held_opinions_with_their_reason(app, client, make):
    held = _submit(client, "骗子！加微信 fake888 退款")
    _submit(client, "建议增加社区食堂的营业时间。")
    _login(client, make.user(role="moderator"))
    page = client.get("/moderation/?lang=en").get_data(as_text=True)
    assert held.tracking_code in page and "a link or contact advertisement" in page
    assert "社区食堂" not in page


def test_moderators_see_the_original_and_the_public_sees_it_masked(app, client, make, db):
    item = make.item(show_opinions_publicly=True)
    opinion = _submit(client, "楼道灯坏了，请联系我13812345678，谢谢。", disclosure_id=item.id)
    assert "13812345678" not in client.get(f"/items/{item.id}").get_data(as_text=True)
    _login(client, make.user(role="moderator"))
    assert "13812345678" in client.get(f"/moderation/opinions/{opinion.id}").get_data(as_text=True)


def test_items_that_do_not_show_opinions_publicly_show_none(app, client, make):
    item = make.item(show_opinions_publicly=False)
    _submit(client, "希望公开征求意见的时间再长一些。", disclosure_id=item.id)
    assert "公开征求意见的时间" not in client.get(f"/items/{item.id}").get_data(as_text=True)


def test_only_moderators_may_moderate(app, client, make, db):
    opinion = _submit(client, "这个傻逼方案不行")
    assert client.get("/moderation/").status_code == 302  # to the login page
    token = _login(client, make.user(role="department_staff"))
    assert client.get("/moderation/").status_code == 403
    assert client.post(f"/moderation/opinions/{opinion.id}/publish", data={"csrf_token": token}).status_code == 403
    db.session.refresh(opinion)
    assert opinion.moderation == "held"


def test_moderation_forms_need_the_csrf_token(app, client, make, db):
    opinion = _submit(client, "这个傻逼方案不行")
    _login(client, make.user(role="moderator"))
    client.post(f"/moderation/opinions/{opinion.id}/publish", data={})
    db.session.refresh(opinion)
    assert opinion.moderation == "held"


def test_the_public_timeline_does_not_show_moderation_steps(app, client, make):
    opinion = _submit(client, "傻逼方案，赶紧撤回")
    page = client.get(f"/track/{opinion.tracking_code}?lang=en").get_data(as_text=True)
    assert "being checked by a moderator" in page
    assert "system:moderation" not in page and "abusive" not in page


def test_a_residents_own_email_address_is_not_taken_for_an_advert(app, client):
    assert _submit(client, "请回复到我的邮箱 laoli@example.com，谢谢。").moderation == "published"
