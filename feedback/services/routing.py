"""Routing: send each opinion to the department responsible for it.

An opinion on an item goes to the item's responsible department. A general
opinion is classified by content: by the router trained on this organisation's
history when one exists, else by the departments' routing keywords. Below the
confidence threshold it goes to the dispatcher's triage queue instead of a guess.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Department, Opinion
from ..models.base import utcnow
from ..synthesis.text import tokenise
from . import audit
from .calendar import add_working_days

log = logging.getLogger(__name__)
KEYWORD_MODEL_VERSION = "keywords-1"


@dataclass
class RoutingDecision:
    department_id: int | None
    reason: str
    confidence: float
    model_version: str


def _local_date(moment: datetime):
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


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


def classify_by_keywords(tokens: list[str], departments: list[Department]) -> RoutingDecision:
    """Score each department by the share of its keywords found in the opinion."""
    text = "".join(tokens)
    scores = {d.id: sum(1 for w in d.keywords if w in text) for d in departments}
    total = sum(scores.values())
    if total == 0:
        return RoutingDecision(None, "no keyword matched", 0.0, KEYWORD_MODEL_VERSION)
    best = max(scores, key=scores.get)
    return RoutingDecision(best, "keywords", scores[best] / total, KEYWORD_MODEL_VERSION)


def classify_by_content(opinion: Opinion) -> RoutingDecision:
    departments = list(db.session.scalars(select(Department)))
    router = trained_router()
    if router is not None:
        prediction = router.predict([opinion.text])[0]
        by_key = {d.key: d.id for d in departments}
        if prediction.department in by_key:
            return RoutingDecision(by_key[prediction.department], "classifier",
                                   float(prediction.confidence), router.model_version)
    return classify_by_keywords(opinion.tokens, departments)


def decide(opinion: Opinion) -> RoutingDecision:
    if opinion.disclosure is not None:
        return RoutingDecision(opinion.disclosure.department_id, "item", 1.0, "item-1")
    return classify_by_content(opinion)


def route_opinion(*, opinion_id: int) -> Opinion | None:
    """Route a received opinion once; running it again changes nothing."""
    opinion = db.session.get(Opinion, opinion_id)
    if opinion is None or opinion.status != "received":
        return opinion
    if not opinion.tokens:
        opinion.tokens = tokenise(opinion.analysis_text, normalised=True)
    decision = decide(opinion)
    threshold = current_app.config.get("ROUTING_CONFIDENCE_THRESHOLD", 0.5)
    now = utcnow()
    if decision.department_id is not None and decision.confidence >= threshold:
        opinion.status = "routed"
        opinion.department_id = decision.department_id
        opinion.due_on = add_working_days(_local_date(now), current_app.config["ANSWER_DAYS_DEFAULT"])
    else:
        opinion.status = "triage"
    opinion.routed_at = now
    opinion.routing_confidence = decision.confidence
    audit.record(
        opinion, opinion.status, actor_label=audit.SYSTEM_ROUTER, from_state="received",
        to_state=opinion.status, department_id=opinion.department_id, reason=decision.reason,
        confidence=round(decision.confidence, 4), model_version=decision.model_version,
    )
    db.session.commit()
    return opinion
