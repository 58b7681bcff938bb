"""Load the demo district (feedback.demo_data) through the same services the app uses.

Opinions are stored as received and then routed by the real routing service, so the
queues, deadlines and audit trails are what the product itself produces.
"""
from __future__ import annotations

import os
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update

from .demo_data import build_demo_data
from .extensions import db
from .models import AuditEvent, Department, Disclosure, Heading, Opinion, Organisation, User
from .models.base import utcnow
from .services import audit, committee, disclosures, responses, routing, synthesis
from .services.opinions import new_tracking_code, submit_opinion
from .synthesis.text import normalise, tokenise

CARRIER_CODES = {
    "会议": "meeting", "文件": "document", "公开栏": "notice_board", "网站": "website",
    "短信": "sms", "微博": "weibo", "微信群": "wechat_group", "公开窗口": "service_window",
}


@dataclass
class SeedReport:
    counts: dict = field(default_factory=dict)
    accounts: list = field(default_factory=list)

    def lines(self) -> list[str]:
        out = ["Demo data loaded:"]
        out += [f"  {name}: {count}" for name, count in self.counts.items()]
        out.append("Demo accounts (user name / password / role):")
        out += [f"  {u} / {p} / {r}" for u, p, r in self.accounts]
        return out


def _reset() -> None:
    """Empty every table, and drop the router model learnt from what they held: left in
    place, it would route the new demo's opinions by the old one's history."""
    from flask import current_app

    db.session.execute(db.text("UPDATE disclosure SET current_version_id = NULL"))
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    if os.path.exists(current_app.config["ROUTER_MODEL_PATH"]):
        os.remove(current_app.config["ROUTER_MODEL_PATH"])


def _organisations(data) -> dict[str, Organisation]:
    rows: dict[str, Organisation] = {}
    for org in data.organisations:  # parents come before children in the data
        row = Organisation(key=org.key, name_zh=org.name_zh, name_en=org.name_en, tier=org.tier,
                           parent_id=rows[org.parent_key].id if org.parent_key else None)
        db.session.add(row)
        db.session.flush()
        rows[org.key] = row
    return rows


def _departments(data, orgs) -> dict[str, Department]:
    rows = {}
    for dept in data.departments:
        rows[dept.key] = Department(key=dept.key, name_zh=dept.name_zh, name_en=dept.name_en,
                                    organisation_id=orgs[dept.organisation_key].id,
                                    routing_keywords=" ".join(dept.routing_keywords))
    db.session.add_all(rows.values())
    db.session.flush()
    return rows


def _headings(data, orgs) -> dict[str, Heading]:
    rows: dict[str, Heading] = {}
    source = {h.key: h for h in data.headings}
    for position, heading in enumerate(data.headings):
        parent = source.get(heading.parent_key) if heading.parent_key else None
        same_org = parent is not None and parent.organisation_key == heading.organisation_key
        row = Heading(
            organisation_id=orgs[heading.organisation_key].id, code=heading.code,
            name_zh=heading.name_zh, name_en=heading.name_en,
            description=getattr(heading, "description_zh", "") or "", position=position,
            parent_id=rows[heading.parent_key].id if same_org else None,
            attached_under_id=rows[heading.parent_key].id if parent and not same_org else None,
            level=(rows[heading.parent_key].level + 1) if same_org else 1,
        )
        db.session.add(row)
        db.session.flush()
        rows[heading.key] = row
    return rows


def _users(data, departments) -> tuple[dict[str, User], list]:
    rows, accounts = {}, []
    for account in data.users:
        user = User(username=account.username, display_name=account.display_name_zh, role=account.role,
                    department_id=departments[account.department_key].id if account.department_key else None)
        user.set_password(account.password)
        db.session.add(user)
        rows[account.username] = user
        accounts.append((account.username, account.password, account.role))
    db.session.flush()
    return rows, accounts


def _editor(users) -> User:
    return next(u for u in users.values() if u.role in ("editor", "admin"))


def _items(data, headings, departments, users) -> dict[str, Disclosure]:
    editor = _editor(users)
    recorder = next(u for u in users.values() if u.role in ("editor", "admin") and u is not editor)
    rows = {}
    now = utcnow()
    for spec in data.items:
        item = disclosures.create_item(
            user=editor, heading_id=headings[spec.heading_key].id,
            department_id=departments[spec.department_key].id, title=spec.title_zh, body=spec.body_zh,
            scope=spec.scope, carriers=[CARRIER_CODES.get(c, c) for c in spec.carriers], focus=spec.focus,
            show_opinions_publicly=spec.scope == "public",
        )
        item.publish_due = (now + timedelta(days=spec.due_days - spec.published_days_ago)).date()
        if spec.status == "published":  # the editor submits; the paper approval is recorded
            published_at = now - timedelta(days=spec.published_days_ago)  # by someone else
            disclosures.submit_item(user=editor, item_id=item.id, now=published_at)
            disclosures.publish_item(user=recorder, item_id=item.id,
                                     approver_name=spec.approver_name,
                                     approval_opinion=spec.approval_opinion_zh,
                                     comment_days=spec.comment_days, now=published_at)
        rows[spec.key] = item
    db.session.commit()
    return rows


def _opinions(data, items, rng) -> dict[str, Opinion]:
    rows = {}
    now = utcnow()
    for spec in data.opinions:
        created = now - timedelta(days=spec.days_ago, minutes=rng.randint(0, 600))
        item = items.get(spec.item_key) if spec.item_key else None
        opinion = Opinion(
            tracking_code=new_tracking_code(), disclosure_id=item.id if item else None, text=spec.text_zh,
            analysis_text=normalise(spec.text_zh), stance=spec.stance, channel=spec.channel,
            contact=spec.contact, contact_name=spec.name, status="received", created_at=created,
        )
        opinion.tokens = tokenise(opinion.analysis_text, normalised=True)
        db.session.add(opinion)
        db.session.flush()
        received = audit.record(opinion, "received", to_state="received", channel=spec.channel)
        received.created_at = created
        rows[spec.key] = opinion
    db.session.commit()
    # routed minutes after it came in, its time limit counted from then
    for opinion in rows.values():
        routed = min(now, opinion.created_at + timedelta(minutes=rng.randint(2, 40)))
        routing.route_opinion(opinion_id=opinion.id, now=routed)
    return rows


def _held_opinions(data, items) -> int:
    """Opinions the intake rules hold, sent through the intake itself on their days: left
    for the moderator and not routed (a held opinion is routed when it is published)."""
    now = utcnow()
    for spec in data.held:
        when = now - timedelta(days=spec.days_ago)
        with _dated(when):
            submit_opinion(text=spec.text_zh, stance=spec.stance, channel="web", now=when,
                           disclosure_id=items[spec.item_key].id if spec.item_key else None)
    return len(data.held)


@contextmanager
def _dated(when):
    """What the service calls inside record happened at `when`: services stamp their audit
    steps with the present time, and the demo's history lies in the past."""
    before = db.session.scalar(select(db.func.max(AuditEvent.id))) or 0
    yield
    db.session.execute(update(AuditEvent).where(AuditEvent.id > before).values(created_at=when))
    db.session.commit()


def _staff_of(users, department_id) -> User | None:
    """The department's head, else a clerk (whoever writes, someone else approves)."""
    staff = [u for u in users.values() if u.department_id == department_id]
    return next((u for u in staff if u.role == "department_head"),
                next((u for u in staff if u.role == "department_staff"), None))


def _answers(data, opinions, users, departments) -> int:
    """Answer what the data marks as answered: a hot issue once, for its whole cluster."""
    admin = users.get("admin") or next((u for u in users.values() if u.role == "admin"), None)
    by_issue: dict[str, list] = {}
    for spec in data.opinions:
        if spec.answered:
            by_issue.setdefault(spec.hot_issue or spec.key, []).append(spec.key)
    texts = {(a.hot_issue or a.opinion_key): a for a in data.answers}
    for issue, keys in by_issue.items():
        answer = texts.get(issue)
        if answer is None:
            continue
        for key in keys:
            opinion = opinions[key]
            db.session.refresh(opinion)
            if opinion.status not in ("routed", "accepted", "in_progress"):
                continue  # already covered by this issue's cluster answer, or in triage
            author = _staff_of(users, opinion.department_id) or admin
            whole_cluster = bool(answer.hot_issue and opinion.cluster_id)
            when = _answer_time(opinion, answer.days_ago, whole_cluster)
            with _dated(when):
                response = responses.answer_opinion(user=author, opinion_id=opinion.id,
                                                    text=answer.text_zh,
                                                    whole_cluster=whole_cluster, now=when)
                _approve(response, author, opinion.department_id, when)
    return db.session.scalar(select(db.func.count()).select_from(Opinion).where(Opinion.status == "answered"))


def _approve(response, author: User, department_id: int, when) -> None:
    """Nobody approves their own answer: the first of the others who may approve it does."""
    approver = next(iter(responses.approvers(author, department_id)), None)
    if response.status == "pending_approval" and approver is not None:
        responses.approve_answer(user=approver, response_id=response.id, now=when)


def _answer_time(opinion: Opinion, days_ago: int, whole_cluster: bool):
    """When the data says the answer came, but never before an opinion it covers came in."""
    now = utcnow()
    covered = [opinion.created_at]
    if whole_cluster:
        covered += db.session.scalars(select(Opinion.created_at).where(
            Opinion.cluster_id == opinion.cluster_id,
            Opinion.department_id == opinion.department_id,
            Opinion.status.in_(("routed", "accepted", "in_progress"))))
    return min(now, max(now - timedelta(days=days_ago), max(covered) + timedelta(hours=2)))


# How residents rate the answers: about half rate, most of them satisfied; "not
# satisfied" sends the opinion back to the department for a second answer.
_RATING_SHARE = 0.55
_RATING_WEIGHTS = {"satisfied": 60, "basically_satisfied": 25, "not_satisfied": 15}
_UNSATISFIED_COMMENTS = ("答复太笼统，没说什么时候解决。", "说了会处理，到现在还是老样子。", "")


def _ratings(rng) -> int:
    """Some residents rate their answers, a few hours to four days after them."""
    now = utcnow()
    answered = db.session.scalars(
        select(Opinion).where(Opinion.status == "answered").order_by(Opinion.id)).all()
    rated = 0
    for opinion in answered:
        if rng.random() >= _RATING_SHARE:
            continue
        score = rng.choices(list(_RATING_WEIGHTS), weights=list(_RATING_WEIGHTS.values()))[0]
        comment = rng.choice(_UNSATISFIED_COMMENTS) if score == "not_satisfied" else ""
        when = min(now, opinion.answered_at + timedelta(hours=rng.randint(2, 96)))
        with _dated(when):
            responses.rate_answer(opinion_id=opinion.id, score=score, comment=comment, now=when)
        rated += 1
    return rated


def _decisions(data, items, users) -> int:
    """Record and publish the committee's decisions, dated as the data says."""
    member = next(u for u in users.values() if u.role == "committee_member")
    today = utcnow().date()
    for spec in data.decisions:
        committee.record_decision(user=member, disclosure_id=items[spec.item_key].id,
                                  text=spec.text_zh, outcome=spec.outcome,
                                  decided_on=today - timedelta(days=spec.days_ago))
    return len(data.decisions)


@contextmanager
def _bulk_load():
    """Per-row background work is pointless while loading: index and cluster once at the end."""
    from flask import current_app

    saved = {k: current_app.config.get(k, True) for k in ("SEARCH_TRACKING", "LIVE_CLUSTER_ASSIGNMENT")}
    current_app.config.update(SEARCH_TRACKING=False, LIVE_CLUSTER_ASSIGNMENT=False)
    try:
        yield
    finally:
        current_app.config.update(saved)


def seed_demo(*, reset: bool = True, seed: int = 20261128) -> SeedReport:
    with _bulk_load():
        report = _load(reset=reset, seed=seed)
    from .services.search import rebuild_index

    report.counts["search documents"] = rebuild_index()
    return report


def _load(*, reset: bool, seed: int) -> SeedReport:
    data = build_demo_data(seed)
    if reset:
        _reset()
    rng = random.Random(seed)
    orgs = _organisations(data)
    departments = _departments(data, orgs)
    headings = _headings(data, orgs)
    users, accounts = _users(data, departments)
    db.session.commit()
    items = _items(data, headings, departments, users)
    opinions = _opinions(data, items, rng)
    held = _held_opinions(data, items)
    clustering = synthesis.recluster()
    answered = _answers(data, opinions, users, departments)
    rated = _ratings(rng)
    decided = _decisions(data, items, users)
    report = SeedReport(accounts=accounts)
    report.counts = {
        "organisations": len(orgs), "departments": len(departments), "headings": len(headings),
        "items": len(items), "opinions": len(opinions), "answered opinions": answered,
        "routed": db.session.scalar(select(db.func.count()).select_from(Opinion).where(Opinion.status != "triage")),
        "concerns (clusters)": clustering.clusters, "campaigns": clustering.campaigns,
        "rated answers": rated, "published decisions": decided, "held for the moderator": held,
    }
    return report
