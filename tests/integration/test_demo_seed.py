"""`make demo` loads the demo district: every step of the loop is there to see, down to
the committee's decision published beside the disclosure."""
from __future__ import annotations

import re

from sqlalchemy import select

from feedback.models import Decision, Disclosure, Opinion
from feedback.models.base import utcnow


def _login(client, username, password):
    html = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post("/auth/login", data={"csrf_token": token, "username": username,
                                                 "password": password})
    assert response.status_code == 302


def test_the_demo_district_shows_the_whole_loop_down_to_the_decision(app, client, db):
    from feedback.seed import seed_demo

    report = seed_demo()
    assert report.counts["published decisions"] == 1
    assert report.counts["answered opinions"] > 0 and report.counts["concerns (clusters)"] > 0
    in_triage = select(db.func.count()).select_from(Opinion).where(Opinion.status == "triage")
    assert db.session.scalar(in_triage) < report.counts["opinions"]

    _the_history_runs_forward_in_time(db)
    held = db.session.scalars(select(Opinion).where(Opinion.moderation == "held")).all()
    assert len(held) == report.counts["held for the moderator"] == 4  # each trips a rule
    assert {o.status for o in held} == {"received"} and {o.department_id for o in held} == {None}

    decision = db.session.scalars(select(Decision)).one()
    item = db.session.get(Disclosure, decision.disclosure_id)
    assert decision.published_at is not None and decision.outcome == "postponed"
    page = client.get(f"/items/{item.id}?lang=zh").get_data(as_text=True)
    assert "项目选址暂缓报批" in page[page.index('class="decisions"'):]
    # what was heard, then what was decided
    assert page.index('id="heard"') < page.index('class="decisions"')

    _login(client, "committee", "demo-committee-2026")
    index = client.get("/committee/?lang=zh").get_data(as_text=True)
    row = index[index.index(item.title):].split("</tr>")[0]
    assert "暂缓" in row
    undecided = index[index.index("</tr>", index.index(item.title)):]
    assert "尚未决策" in undecided


def _the_history_runs_forward_in_time(db):
    """Received, routed, answered and rated when the data says, in that order; so the
    service figures show answers on time and late, overdue opinions and ratings."""
    from feedback.models import AuditEvent, Rating
    from feedback.services import figures

    opinions = {o.id: o for o in db.session.scalars(select(Opinion))}
    steps = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "opinion")
                               .order_by(AuditEvent.subject_id, AuditEvent.id)).all()
    last: dict[int, object] = {}
    for step in steps:
        opinion = opinions[step.subject_id]
        assert step.created_at >= last.get(opinion.id, step.created_at), (opinion.id, step.action)
        last[opinion.id] = step.created_at
        if step.action == "received":
            assert step.created_at == opinion.created_at
    assert max(step.created_at for step in steps) <= utcnow()
    answered = [o for o in opinions.values() if o.answered_at is not None]
    assert answered and all(o.answered_at > o.created_at for o in answered)
    report = figures.service_figures().total
    assert 0 < report.on_time < report.answered and report.overdue_open > 0
    assert db.session.scalar(select(db.func.count()).select_from(Rating)) > 0
    assert 0 < report.satisfied < report.ratings
