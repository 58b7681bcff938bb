"""Routing: send each opinion to the department responsible for it.

An opinion on an item goes to the item's responsible department. A general
opinion is classified by content: by the router trained on this organisation's
own history (answered opinions and transfers) when one exists, else by the
departments' routing keywords. Below the confidence threshold it goes to the
dispatcher's triage queue instead of a guess. Every decision (department, reason,
confidence, model version) is an audit step.

Opinions are routed in batches: one job claims up to `ROUTING_BATCH_SIZE` received
opinions, classifies them in one call, and writes each with a compare-and-set on
its status, so two workers never route one opinion twice (PostgreSQL also skips
rows another worker has locked).
"""
from __future__ import annotations

import logging
import os
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from flask import current_app
from sqlalchemy import bindparam, insert, select, update

from ..extensions import db
from ..models import AuditEvent, Department, Disclosure, Opinion
from ..models.base import utcnow
from . import audit, batching, calendar, search

log = logging.getLogger(__name__)
KEYWORD_MODEL_VERSION = "keywords-1"
ITEM_MODEL_VERSION = "item-1"
BATCH_JOB = "workers.routing.route_pending"
DEFAULT_BATCH_SIZE = 500


@dataclass
class RoutingDecision:
    department_id: int | None
    reason: str
    confidence: float
    model_version: str


# ---------------------------------------------------------------- the model

@lru_cache(maxsize=4)
def _load_router(path: str, mtime: float):
    from ..synthesis.router import RouterModel

    return RouterModel.load(path)


def trained_router():
    path = current_app.config["ROUTER_MODEL_PATH"]
    if not os.path.exists(path):
        return None
    try:
        return _load_router(path, os.path.getmtime(path))
    except Exception:  # a damaged model file must not stop intake; keywords still route
        log.exception("router model at %s could not be loaded; routing by keywords", path)
        return None


def classify_by_keywords(text: str, departments: list[Department]) -> RoutingDecision:
    """Score each department by the share of its keywords found in the opinion."""
    scores = {d.id: sum(1 for w in d.keywords if w in text) for d in departments}
    total = sum(scores.values())
    if total == 0:
        return RoutingDecision(None, "no keyword matched", 0.0, KEYWORD_MODEL_VERSION)
    best = max(scores, key=scores.get)
    return RoutingDecision(best, "keywords", scores[best] / total, KEYWORD_MODEL_VERSION)


def classify_texts(texts: list[str], departments: list[Department]) -> list[RoutingDecision]:
    """Classify many texts in one call of the trained router (keywords without one)."""
    router = trained_router()
    by_key = {d.key: d.id for d in departments}
    decisions: list[RoutingDecision | None] = [None] * len(texts)
    if router is not None and texts:
        for n, prediction in enumerate(router.predict(texts)):
            if prediction.department in by_key:
                decisions[n] = RoutingDecision(by_key[prediction.department], "classifier",
                                               float(prediction.confidence), router.model_version)
    from ..synthesis.text import normalise

    return [d or classify_by_keywords(normalise(t), departments) for d, t in zip(decisions, texts)]


def decide_many(opinions) -> dict[int, RoutingDecision]:
    """Decisions for rows with `id`, `text` and `disclosure_id` (ORM rows or claimed tuples)."""
    item_ids = {o.disclosure_id for o in opinions if o.disclosure_id}
    item_departments = dict(db.session.execute(
        select(Disclosure.id, Disclosure.department_id).where(Disclosure.id.in_(item_ids))).all()) if item_ids else {}
    decisions = {o.id: RoutingDecision(item_departments[o.disclosure_id], "item", 1.0, ITEM_MODEL_VERSION)
                 for o in opinions if o.disclosure_id in item_departments}
    general = [o for o in opinions if o.id not in decisions]
    if general:
        departments = list(db.session.scalars(select(Department)))
        for opinion, decision in zip(general, classify_texts([o.text for o in general], departments)):
            decisions[opinion.id] = decision
    return decisions


def decide(opinion: Opinion) -> RoutingDecision:
    return decide_many([opinion])[opinion.id]


# ---------------------------------------------------------------- routing jobs

def request_routing() -> None:
    """Called after an opinion is committed: one batch job serves the whole burst."""
    batching.enqueue_once("route", BATCH_JOB)


def route_pending(*, batch_size: int | None = None, now: datetime | None = None) -> int:
    """Route received opinions in batches until none is left; returns how many this
    call routed. Idempotent: only opinions still `received` are touched. An opinion the
    rules hold waits for the moderator: it is routed when published (`moderation.publish`)."""
    batching.clear("route")
    return route_received(batch_size=batch_size, now=now)


def route_received(*, batch_size: int | None = None, now: datetime | None = None) -> int:
    """The router's pass: route what is received, batch after batch, without Redis."""
    size = batch_size or current_app.config.get("ROUTING_BATCH_SIZE", DEFAULT_BATCH_SIZE)
    total = 0
    while True:
        published = Opinion.moderation == "published"
        routed = _route_rows(_candidates(published, limit=size), published, now=now)
        total += routed
        if routed < size:
            return total


def route_opinion(*, opinion_id: int, now: datetime | None = None) -> Opinion | None:
    """Route one received opinion; running it again changes nothing."""
    _route_rows(_candidates(Opinion.id == opinion_id), now=now)
    return db.session.get(Opinion, opinion_id)


def _candidates(which, *, limit: int | None = None) -> list:
    table = Opinion.__table__
    columns = (table.c.id, table.c.text, table.c.disclosure_id, table.c.stance, table.c.kind,
               table.c.revision)
    query = select(*columns).where(which, table.c.status == "received").order_by(table.c.id)
    rows = db.session.execute(query.limit(limit) if limit else query).all()
    db.session.commit()  # end the read: the write lock (SQLite's is global) is taken only to write
    return rows


def _route_rows(candidates: list, *claim_conditions, now: datetime | None = None) -> int:
    """Decide the candidates in one classifier call while holding no lock, then claim
    them with one UPDATE … RETURNING (a compare-and-set on `received`: a row another
    router took meanwhile is skipped), write them with one executemany, record their
    audit steps with another, commit once. Intake's inserts wait only for the writing."""
    if not candidates:
        return 0
    decisions = decide_many(candidates)
    db.session.commit()  # its reads too: no read transaction is held into the write
    table = Opinion.__table__
    won = set(db.session.scalars(
        update(table)
        .where(table.c.id.in_([row.id for row in candidates]), table.c.status == "received",
               *claim_conditions)
        .values(status="routing").returning(table.c.id)))
    claimed = [row for row in candidates if row.id in won]
    if not claimed:
        db.session.rollback()
        return 0
    config = current_app.config
    threshold = config.get("ROUTING_CONFIDENCE_THRESHOLD", 0.5)
    now = now or utcnow()
    today = calendar.local_date(now)
    overrides = calendar.calendar_overrides()
    due_cache: dict[str, object] = {}
    updates, steps, routed_to = [], [], Counter()
    for row in claimed:
        decision = decisions[row.id]
        kind = row.kind or calendar.kind_for_stance(row.stance)
        values = {"b_id": row.id, "routed_at": now, "routing_confidence": decision.confidence, "kind": kind,
                  "revision": (row.revision or 0) + 1, "status": "triage", "department_id": None, "due_on": None}
        if decision.department_id is not None and decision.confidence >= threshold:
            if kind not in due_cache:
                due_cache[kind] = calendar.due_date(today, kind, config=config, overrides=overrides)
            values.update(status="routed", department_id=decision.department_id, due_on=due_cache[kind])
            routed_to[decision.department_id] += 1
        updates.append(values)
        steps.append({
            "subject_type": "opinion", "subject_id": row.id, "action": values["status"], "actor_id": None,
            "actor_label": audit.SYSTEM_ROUTER, "from_state": "received", "to_state": values["status"],
            "created_at": now,
            "detail": {"department_id": values["department_id"], "reason": decision.reason,
                       "confidence": round(decision.confidence, 4), "model_version": decision.model_version,
                       "threshold": threshold},
        })
    db.session.execute(
        update(table).where(table.c.id == bindparam("b_id")).values(
            status=bindparam("status"), department_id=bindparam("department_id"), due_on=bindparam("due_on"),
            routed_at=bindparam("routed_at"), routing_confidence=bindparam("routing_confidence"),
            kind=bindparam("kind"), revision=bindparam("revision")),
        updates, execution_options={"synchronize_session": False})
    db.session.execute(insert(AuditEvent.__table__), steps)
    queued = _notify_new(routed_to, now)
    for row in claimed:  # bulk UPDATEs bypass the ORM events that keep search in step
        search.note_changed("opinion", row.id)
    db.session.commit()
    db.session.expire_all()
    from . import synthesis

    synthesis.place_routed([row.id for row in claimed])
    if queued:  # a delivery run only when this batch queued a message
        from . import notifications

        notifications.deliver_soon()
    log.info("routed %d opinion(s): %d to departments, %d to triage", len(claimed),
             sum(routed_to.values()), len(claimed) - sum(routed_to.values()))
    return len(claimed)


def _notify_new(routed_to: Counter, now: datetime) -> int:
    """At most one "new opinions" message per department staff member per hour; how many
    messages it queued (a burst's later batches queue none: no delivery run for them)."""
    from . import notifications

    hour = now.strftime("%Y%m%d%H")
    return sum(notifications.notify_department(department_id, kind="new_opinions", count=count,
                                               dedupe=f"new:{department_id}:{hour}")
               for department_id, count in routed_to.items())
