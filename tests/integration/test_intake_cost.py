"""What one submission costs, counted rather than timed: the statements it sends, the row
it hands back, and the fixed work every request does (issue 22, intake near the baseline)."""
from __future__ import annotations

import re

from sqlalchemy import inspect, select

from feedback.models import AuditEvent, Opinion
from feedback.services import opinions
from tests.sql_counting import statements_during


def _submit(text="小区东门的路灯坏了很久，晚上回家很不安全。", **fields):
    fields.setdefault("stance", "suggestion")
    fields.setdefault("source", "ip:test")
    return opinions.submit_opinion(text=text, **fields)


def test_a_submission_sends_its_two_rows_with_the_repeat_check_and_nothing_else(app, db):
    sent = []

    from sqlalchemy import event

    def remember(conn, cursor, statement, *args):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        submission = _submit()
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    kinds = [re.sub(r"\s+", " ", s).strip().split(" ")[0].upper() for s in sent]
    # The repeat check is inside the opinion's INSERT (… SELECT … WHERE NOT EXISTS).
    if db.engine.dialect.name == "postgresql":  # both rows in one data-modifying WITH
        assert kinds == ["WITH"], sent
        assert "INSERT INTO opinion" in sent[0] and "INSERT INTO audit_event" in sent[0]
    else:
        assert kinds == ["INSERT", "INSERT"], sent
        assert "opinion" in sent[0].split("(")[0] and "audit_event" in sent[1].split("(")[0]
    assert "repeat_digest IN" in sent[0]
    assert submission.created


def test_the_accepted_opinion_is_a_loaded_row_of_the_session(app, db):
    opinion = _submit(contact="13800138000").opinion
    state = inspect(opinion)
    assert state.persistent and not state.expired_attributes and not state.modified
    # reading it back sends nothing: every column is what the row holds
    (_, count) = statements_during(db, lambda: (opinion.moderation, opinion.tokens, opinion.revision,
                                                 opinion.reopened_count, opinion.kind, opinion.due_on))
    assert count == 0
    stored = db.session.execute(select(Opinion.__table__).where(Opinion.id == opinion.id)).one()._mapping
    for column in Opinion.__table__.columns:
        assert getattr(opinion, column.key) == stored[column.key], column.key
    assert (opinion.status, opinion.moderation, opinion.tokens) == ("received", "published", [])
    assert opinion.contact == "13800138000" and opinion.channel == "web"


def test_the_received_step_is_in_the_trail_as_before(app, db):
    opinion = _submit(channel="api").opinion
    db.session.expire_all()
    (step,) = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_id == opinion.id))
    assert (step.subject_type, step.action, step.to_state, step.from_state) == (
        "opinion", "received", "received", None)
    assert step.actor_label == "resident" and step.actor_id is None
    assert step.detail == {"channel": "api"} and step.created_at is not None


def test_a_held_opinion_still_takes_the_orm_path_with_its_two_steps(app, db):
    opinion = _submit(text="加微信 abc123 领取补贴，名额有限").opinion
    assert opinion.moderation == "held"
    db.session.expire_all()
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == opinion.id)
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["received", "held"]


def test_a_repeated_key_returns_the_first_opinion_without_a_second_row(app, db):
    first = _submit(idempotency_key="web:abc").opinion
    again = _submit(idempotency_key="web:abc")
    assert not again.created and again.opinion.id == first.id
    assert db.session.query(Opinion).count() == 1


def test_json_answers_carry_the_policy_without_a_nonce_and_pages_that_use_one_get_it(client, make):
    policy = client.post("/api/v1/opinions", json={"text": "路灯坏了很久了，请修一下。", "stance": "suggestion"}
                         ).headers["Content-Security-Policy"]
    assert "style-src 'self';" in policy and "nonce-" not in policy and "frame-ancestors 'none'" in policy
    item = make.item()
    assert "'nonce-" in client.get(f"/items/{item.id}/archive").headers["Content-Security-Policy"]


def test_wtforms_messages_follow_each_request_language(client):
    """WTForms' catalogue is read once per language and kept: each request still gets its own."""
    for lang, expected in (("en", "Not a valid choice"), ("zh", "不是有效的选择"), ("en", "Not a valid choice")):
        page = client.get(f"/opinions/new?lang={lang}")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
        answer = client.post("/opinions/new", data={"csrf_token": token, "stance": "nonsense",
                                                   "text": "路灯坏了很久了，请修一下。"})
        assert answer.status_code == 422
        assert expected in answer.get_data(as_text=True), lang


def test_an_app_wide_default_limit_is_still_enforced(database_url, _migrated_app, redis):
    """Flask-Limiter's check before every request is skipped only while there is no
    app-wide limit: one configured is enforced on any page."""
    from feedback import create_app
    from feedback.extensions import limiter
    from tests.conftest import test_config

    try:
        app = create_app(test_config(database_url, RATELIMIT_DEFAULT="2 per minute"))
        client = app.test_client()
        answers = [client.get("/api/v1/openapi.json").status_code for _ in range(3)]
    finally:  # the limiter is one object for every app of the test run
        limiter.limit_manager.set_default_limits([])
    assert answers == [200, 200, 429]


def test_the_session_serializer_is_kept_only_while_the_secret_keys_stay_the_same(app):
    import pytest
    from itsdangerous import BadSignature

    sessions = app.session_interface
    first = sessions.get_signing_serializer(app)
    assert sessions.get_signing_serializer(app) is first  # built once, not per request
    cookie = first.dumps({"_user_id": "1"})
    old_key = app.secret_key
    try:
        app.secret_key = old_key + "-rotated"
        rotated = sessions.get_signing_serializer(app)
        assert rotated is not first
        with pytest.raises(BadSignature):
            rotated.loads(cookie)  # a cookie signed with the old key is not taken
        app.config["SECRET_KEY_FALLBACKS"] = [old_key]
        assert sessions.get_signing_serializer(app).loads(cookie) == {"_user_id": "1"}
    finally:
        app.secret_key = old_key
        app.config["SECRET_KEY_FALLBACKS"] = []
