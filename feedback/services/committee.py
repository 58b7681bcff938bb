"""What the committee reads before it decides: an aggregated summary of the opinions
on an item, a heading or a period, and the decision it then publishes."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import Cluster, Decision, Disclosure, Opinion, User
from ..models.base import utcnow
from ..models.opinions import STANCES
from ..synthesis.text import strip_control_characters
from . import audit
from .errors import NotFound, PermissionDenied, ValidationFailed

REVIEW_ROLES = ("committee_member", "supervisor", "editor")
DECISION_ROLES = ("committee_member",)
OUTCOMES = ("adopted", "adopted_with_changes", "postponed", "rejected")
REPRESENTATIVES_SHOWN = 3
UNCLUSTERED_SHOWN = 30


@dataclass
class ClusterSummary:
    cluster: Cluster
    size: int
    stance_counts: dict[str, int]
    representatives: list[Opinion]
    answered: int
    department_names: list[str] = field(default_factory=list)
    sub_concerns: list[tuple[str, int]] = field(default_factory=list)  # (label, size) by own words

    @property
    def progress(self) -> float:
        return self.answered / self.size if self.size else 0.0


@dataclass
class Review:
    total: int
    stance_totals: dict[str, int]
    clusters: list[ClusterSummary]
    campaigns: list[ClusterSummary]
    unclustered: int
    volume_by_day: list[tuple[date, int]]
    answered: int
    # the newest of the opinions in no concern, so they are read, not only counted
    unclustered_shown: list[Opinion] = field(default_factory=list)


def _require(user: User, roles) -> None:
    if not user.has_role(*roles):
        raise PermissionDenied(_l("Only committee members may do this."))


def _opinions_in_scope(*, disclosure_id, heading_id, date_from, date_to, public=False,
                       cluster_id: int | None = None) -> list[Opinion]:
    """The opinions a review covers, oldest first."""
    visible = Opinion.moderation == "published" if public else Opinion.moderation != "hidden"
    query = select(Opinion).where(visible)
    if cluster_id is not None:
        query = query.where(Opinion.cluster_id == cluster_id)
    if disclosure_id is not None:
        query = query.where(Opinion.disclosure_id == disclosure_id)
    if heading_id is not None:
        query = query.join(Disclosure, Opinion.disclosure_id == Disclosure.id).where(
            Disclosure.heading_id.in_(heading_subtree(heading_id)))
    if date_from is not None:
        query = query.where(Opinion.created_at >= datetime.combine(date_from, time.min, timezone.utc))
    if date_to is not None:
        query = query.where(Opinion.created_at <= datetime.combine(date_to, time.max, timezone.utc))
    return list(db.session.scalars(query.order_by(Opinion.created_at)))


def concern_opinions(cluster_id: int, *, disclosure_id: int | None = None,
                     heading_id: int | None = None, date_from: date | None = None,
                     date_to: date | None = None) -> tuple[Cluster, list[Opinion]]:
    """Every opinion of one concern within the review's scope, newest first: the three
    quotes of the summary stand for these, and the committee may read them all."""
    cluster = db.session.get(Cluster, cluster_id)
    if cluster is None:
        raise NotFound(_l("There is no such concern."))
    members = _opinions_in_scope(disclosure_id=disclosure_id, heading_id=heading_id,
                                 date_from=date_from, date_to=date_to, cluster_id=cluster.id)
    return cluster, members[::-1]


def heading_subtree(heading_id: int) -> list[int]:
    """The heading and every heading under it, lower tiers' catalogues attached to it
    included: a review of 三重一大事项 covers its second and third levels too."""
    from .disclosures import headings_below

    below = headings_below()
    found, todo = [], [heading_id]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(h.id for h in below.get(current, []))
    return found


def stance_counts(opinions) -> dict[str, int]:
    counts = Counter(o.stance for o in opinions)
    return {stance: counts.get(stance, 0) for stance in STANCES}


def _representatives(cluster: Cluster, members: list[Opinion]) -> list[Opinion]:
    by_id = {o.id: o for o in members}
    chosen = [by_id[i] for i in cluster.representative_ids or [] if i in by_id]
    return (chosen or members)[:REPRESENTATIVES_SHOWN]


def _sub_concerns(cluster: Cluster, group: list[Opinion]) -> list[tuple[str, int]]:
    """Within the concern, by its opinions' own words: found when it was clustered if the
    review shows all its opinions, otherwise (an item's share of it) found now."""
    from .synthesis import sub_concerns_of

    if cluster.is_campaign:
        return []
    if cluster.sub_concerns is not None and len(group) == cluster.size:
        return [(label, size) for label, size in cluster.sub_concerns]
    return sub_concerns_of(group)


def _summarise_clusters(opinions: list[Opinion], locale: str, with_sub_concerns: bool) -> list[ClusterSummary]:
    members: dict[int, list[Opinion]] = {}
    for opinion in opinions:
        if opinion.cluster_id is not None:
            members.setdefault(opinion.cluster_id, []).append(opinion)
    clusters = db.session.scalars(select(Cluster).where(Cluster.id.in_(members))).all() if members else []
    summaries = []
    for cluster in clusters:
        group = members[cluster.id]
        departments = sorted({o.department.name(locale) for o in group if o.department is not None})
        summaries.append(ClusterSummary(
            cluster=cluster, size=len(group), stance_counts=stance_counts(group),
            representatives=_representatives(cluster, group),
            answered=sum(1 for o in group if o.status in ("answered", "closed")),
            department_names=departments,
            sub_concerns=_sub_concerns(cluster, group) if with_sub_concerns else [],
        ))
    return sorted(summaries, key=lambda s: (-s.size, s.cluster.id))


def review(*, disclosure_id: int | None = None, heading_id: int | None = None,
           date_from: date | None = None, date_to: date | None = None, locale: str = "zh",
           public: bool = False) -> Review:
    """The summary; `public=True` counts only opinions published by moderation."""
    opinions = _opinions_in_scope(disclosure_id=disclosure_id, heading_id=heading_id,
                                  date_from=date_from, date_to=date_to, public=public)
    summaries = _summarise_clusters(opinions, locale, with_sub_concerns=not public)  # the committee's view only
    volume = Counter(o.created_at.date() for o in opinions)
    return Review(
        total=len(opinions),
        stance_totals=stance_counts(opinions),
        clusters=[s for s in summaries if not s.cluster.is_campaign],
        campaigns=[s for s in summaries if s.cluster.is_campaign],
        unclustered=sum(1 for o in opinions if o.cluster_id is None),
        volume_by_day=sorted(volume.items()),
        answered=sum(1 for o in opinions if o.status in ("answered", "closed")),
        unclustered_shown=sorted((o for o in opinions if o.cluster_id is None),
                                 key=lambda o: o.created_at, reverse=True)[:UNCLUSTERED_SHOWN],
    )


def comments_still_open(item: Disclosure, now: datetime | None = None) -> bool:
    """The item has a closing date for comments, and it has not come yet."""
    return item.comment_closes_at is not None and item.comments_open(now or utcnow())


def record_decision(*, user: User, disclosure_id: int, text: str, outcome: str,
                    decided_on: date, publish: bool = True, early_reason: str | None = None,
                    now: datetime | None = None) -> Decision:
    """Record what the committee decided; published, it stands on the item's page. While
    the item still takes comments, a decision needs a reason to be taken early, which is
    published with it (residents are still writing)."""
    _require(user, DECISION_ROLES)
    item = db.session.get(Disclosure, disclosure_id)
    if item is None:
        raise NotFound(_l("There is no such item."))
    text = strip_control_characters(text or "").strip()
    early_reason = strip_control_characters(early_reason or "").strip() or None
    errors = {}
    if not text:
        errors["text"] = [_l("Write what was decided.")]
    if outcome not in OUTCOMES:
        errors["outcome"] = [_l("Choose an outcome.")]
    if decided_on is None or decided_on > utcnow().date():
        errors["decided_on"] = [_l("The decision date cannot be in the future.")]
    still_open = comments_still_open(item, now)
    if still_open and not early_reason:
        errors["early_reason"] = [_l("Comments on this item are still open: say why the decision "
                                     "cannot wait until they close.")]
    if errors:
        raise ValidationFailed(errors)
    decision = Decision(disclosure_id=item.id, text=text, outcome=outcome, decided_on=decided_on,
                        early_reason=early_reason if still_open else None,
                        recorded_by_id=user.id, published_at=utcnow() if publish else None)
    db.session.add(decision)
    db.session.flush()
    audit.record(decision, "recorded", actor=user, to_state="published" if publish else "recorded",
                 disclosure_id=item.id, outcome=outcome, early=still_open)
    db.session.commit()
    return decision


def latest_public_decisions(limit: int = 5) -> list[Decision]:
    """The newest published decisions on items the public may read, for the home page."""
    from .disclosures import public_items_query

    public_ids = (public_items_query().order_by(None).with_only_columns(Disclosure.id)
                  .scalar_subquery())
    return list(db.session.scalars(
        select(Decision)
        .where(Decision.published_at.is_not(None), Decision.disclosure_id.in_(public_ids))
        .order_by(Decision.decided_on.desc(), Decision.id.desc()).limit(limit)))


def published_decisions(disclosure_id: int) -> list[Decision]:
    return list(db.session.scalars(
        select(Decision).where(Decision.disclosure_id == disclosure_id, Decision.published_at.is_not(None))
        .order_by(Decision.decided_on.desc())
    ))
