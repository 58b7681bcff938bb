"""What the committee reads before it decides: an aggregated summary of the opinions
on an item, a heading or a period, and the decision it then publishes."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Cluster, Decision, Department, Disclosure, Opinion, User
from ..models.base import utcnow
from ..models.opinions import STANCES
from ..synthesis.text import strip_control_characters
from . import audit, paging, tallies
from .sql_days import utc_day
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
    # True when sub_concerns are those of the whole concern (the scope's share was too large
    # to split while the page waits)
    sub_concerns_of_whole: bool = False

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
    # the page of concerns shown (its total is the number of concerns in the scope)
    concern_page: paging.Page | None = None

    @property
    def concern_count(self) -> int:
        return self.concern_page.total if self.concern_page is not None else len(self.clusters)


def _require(user: User, roles) -> None:
    if not user.has_role(*roles):
        raise PermissionDenied(_l("Only committee members may do this."))


def _in_scope(*, disclosure_id, heading_id, date_from, date_to,
              cluster_id: int | None = None) -> list:
    """The WHERE conditions of the opinions a review covers (no list of ids: a heading's
    items are a sub-select, so the statement has the same size for any number of rows)."""
    # Published opinions only, for the committee too: a held opinion (an insult, an advert, a
    # flood) waits for its moderator and is no voice of a concern until published.
    conditions = [Opinion.moderation == "published"]
    if cluster_id is not None:
        conditions.append(Opinion.cluster_id == cluster_id)
    of_items = _item_condition(disclosure_id=disclosure_id, heading_id=heading_id)
    if of_items is not None:
        conditions.append(of_items(Opinion.disclosure_id))
    if date_from is not None:
        conditions.append(Opinion.created_at >= datetime.combine(date_from, time.min, timezone.utc))
    if date_to is not None:
        conditions.append(Opinion.created_at <= datetime.combine(date_to, time.max, timezone.utc))
    return conditions


def _item_condition(*, disclosure_id, heading_id):
    """The review's items as a condition on an item-id column (None: every item), for the
    opinions and for their tallies alike."""
    conditions = []
    if disclosure_id is not None:
        conditions.append(lambda column: column == disclosure_id)
    if heading_id is not None:
        items = select(Disclosure.id).where(Disclosure.heading_id.in_(heading_subtree(heading_id)))
        conditions.append(lambda column: column.in_(items))
    if not conditions:
        return None
    return lambda column: and_(*(condition(column) for condition in conditions))


CONCERN_PAGE_SIZE = 50


def concern_opinions(cluster_id: int, *, disclosure_id: int | None = None,
                     heading_id: int | None = None, date_from: date | None = None,
                     date_to: date | None = None, page: int = 1,
                     size: int = CONCERN_PAGE_SIZE) -> tuple[Cluster, paging.Page]:
    """The opinions of one concern within the review's scope, newest first, a page at a
    time, with the stance counts of all of them: the three quotes of the summary stand
    for these, and the committee may read them all."""
    cluster = db.session.get(Cluster, cluster_id)
    if cluster is None:
        raise NotFound(_l("There is no such concern."))
    scope = _in_scope(disclosure_id=disclosure_id, heading_id=heading_id, date_from=date_from,
                      date_to=date_to, cluster_id=cluster.id)
    members = paging.paginate(select(Opinion).where(*scope)
                              .order_by(Opinion.created_at.desc(), Opinion.id.desc()),
                              page=page, size=size)
    counts = dict(db.session.execute(select(Opinion.stance, func.count()).where(*scope)
                                     .group_by(Opinion.stance)).all())
    members.extra["stance_counts"] = {stance: counts.get(stance, 0) for stance in STANCES}
    return cluster, members


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


# Above this many opinions, an item's (or a period's) share of a concern is not split by
# its own words while the page waits; the split the worker found for the whole concern is
# shown instead, and said to be of the whole concern.
SCOPED_SUB_CONCERNS_MAX = 200
CONCERNS_PAGE_SIZE = 20
ANSWERED = ("answered", "closed")


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


@dataclass
class _Counts:
    """Per concern (None: in no concern): opinions by stance, how many are answered, and
    the departments holding them."""
    stances: dict[int | None, Counter] = field(default_factory=dict)
    answered: Counter = field(default_factory=Counter)
    departments: dict[int | None, set] = field(default_factory=dict)

    def size(self, cluster_id) -> int:
        return sum(self.stances.get(cluster_id, Counter()).values())


def _count_by_concern(scope: list) -> _Counts:
    """One pass over the scope's opinions, grouped by concern, stance and department: the
    rows are as many as those combinations, whatever the number of opinions."""
    return _counts_of(db.session.execute(
        select(Opinion.cluster_id, Opinion.stance, Opinion.department_id, func.count(),
               _count_if(Opinion.status.in_(ANSWERED)))
        .where(*scope).group_by(Opinion.cluster_id, Opinion.stance, Opinion.department_id)))


def _counts_of(rows) -> _Counts:
    """_Counts from (cluster_id, stance, department_id, opinions, answered) rows."""
    counts = _Counts()
    for cluster_id, stance, department_id, n, answered in rows:
        counts.stances.setdefault(cluster_id, Counter())[stance] += n
        counts.answered[cluster_id] += answered
        if department_id is not None:
            counts.departments.setdefault(cluster_id, set()).add(department_id)
    return counts


def _department_names(counts: _Counts, locale: str) -> dict[int, list[str]]:
    departments = {d.id: d for d in db.session.scalars(select(Department))}
    return {cluster_id: sorted(departments[i].name(locale) for i in found if i in departments)
            for cluster_id, found in counts.departments.items() if cluster_id is not None}


def _representatives(clusters: list[Cluster], scope: list) -> dict[int, list[Opinion]]:
    """Up to three quotes a concern: its representatives within the scope, else its
    oldest opinions in the scope; two statements for any number of concerns."""
    wanted = {i for c in clusters for i in (c.representative_ids or [])[:REPRESENTATIVES_SHOWN * 2]}
    found = {o.id: o for o in db.session.scalars(
        select(Opinion).where(*scope, Opinion.id.in_(wanted)))} if wanted else {}
    chosen = {c.id: [found[i] for i in c.representative_ids or [] if i in found]
              [:REPRESENTATIVES_SHOWN] for c in clusters}
    missing = [c.id for c in clusters if not chosen[c.id]]
    if missing:
        order = func.row_number().over(partition_by=Opinion.cluster_id,
                                       order_by=(Opinion.created_at, Opinion.id)).label("n")
        ranked = select(Opinion.id, order).where(*scope, Opinion.cluster_id.in_(missing)).subquery()
        for opinion in db.session.scalars(
                select(Opinion).join(ranked, ranked.c.id == Opinion.id)
                .where(ranked.c.n <= REPRESENTATIVES_SHOWN)
                .order_by(Opinion.created_at, Opinion.id)):
            chosen[opinion.cluster_id].append(opinion)
    return chosen


def _sub_concerns(clusters: list[Cluster], counts: _Counts, scope: list) -> dict[int, tuple]:
    """Within each concern, by its opinions' own words: (groups, of_the_whole_concern).
    Found by the worker when it clustered, if the review shows all the concern's opinions
    or the share is too large to split while the page waits; otherwise split now."""
    from .synthesis import sub_concerns_of

    found, to_split = {}, []
    for cluster in clusters:
        if cluster.is_campaign:
            continue
        size = counts.size(cluster.id)
        stored = [(label, n) for label, n in cluster.sub_concerns or []]
        if cluster.sub_concerns is not None and size == cluster.size:
            found[cluster.id] = (stored, False)
        elif size <= SCOPED_SUB_CONCERNS_MAX:
            to_split.append(cluster.id)
        elif cluster.sub_concerns is not None:
            found[cluster.id] = (stored, True)
    if to_split:
        groups: dict[int, list[Opinion]] = {}
        members = select(Opinion).where(*scope, Opinion.cluster_id.in_(to_split))
        for opinion in db.session.scalars(members):
            groups.setdefault(opinion.cluster_id, []).append(opinion)
        for cluster_id, group in groups.items():
            found[cluster_id] = (sub_concerns_of(group), False)
    return found


def _summarise_clusters(clusters: list[Cluster], counts: _Counts, scope: list, locale: str,
                        with_sub_concerns: bool) -> list[ClusterSummary]:
    """Summaries of these concerns (the ones a page shows): a few statements for all."""
    if not clusters:
        return []
    quotes = _representatives(clusters, scope)
    departments = _department_names(counts, locale)
    within = _sub_concerns(clusters, counts, scope) if with_sub_concerns else {}
    summaries = []
    for cluster in clusters:
        stances = counts.stances.get(cluster.id, Counter())
        sub, whole = within.get(cluster.id, ([], False))
        summaries.append(ClusterSummary(
            cluster=cluster, size=counts.size(cluster.id),
            stance_counts={stance: stances.get(stance, 0) for stance in STANCES},
            representatives=quotes.get(cluster.id, []), answered=counts.answered[cluster.id],
            department_names=departments.get(cluster.id, []), sub_concerns=sub,
            sub_concerns_of_whole=whole))
    return summaries


CLUSTERS_A_STATEMENT = 500


def _clusters(ids: list[int]) -> list[Cluster]:
    """The concern rows of these ids, a bounded list of ids a statement."""
    found = []
    for start in range(0, len(ids), CLUSTERS_A_STATEMENT):
        found.extend(db.session.scalars(
            select(Cluster).where(Cluster.id.in_(ids[start:start + CLUSTERS_A_STATEMENT]))))
    return found


def _concerns_shown(scope: list, counts: _Counts, page: int | None,
                    size: int) -> tuple[paging.Page, list[Cluster]]:
    """(the page of concerns, largest first, and the campaigns): all concerns when `page`
    is None (the PDF and CSV exports)."""
    clusters = _clusters(sorted(i for i in counts.stances if i is not None))
    ranked = sorted(clusters, key=lambda c: (-counts.size(c.id), c.id))
    concerns = [c for c in ranked if not c.is_campaign]
    campaigns = [c for c in ranked if c.is_campaign]
    if page is None:
        return paging.page_of(concerns, page=1, size=max(1, len(concerns))), campaigns
    return paging.page_of(concerns, page=page, size=size), campaigns


def review(*, disclosure_id: int | None = None, heading_id: int | None = None,
           date_from: date | None = None, date_to: date | None = None, locale: str = "zh",
           public: bool = False, concerns_page: int | None = None,
           concerns_size: int = CONCERNS_PAGE_SIZE) -> Review:
    """The summary, counted by the database (GROUP BY), so that its cost follows the
    number of concerns shown, not the number of opinions; published opinions only;
    `public=True` leaves out what only the committee reads (the groups within each
    concern). `concerns_page`: one page of the concerns (all of
    them when None)."""
    scope = _in_scope(disclosure_id=disclosure_id, heading_id=heading_id, date_from=date_from,
                      date_to=date_to)
    # Counted ahead by the tallies (exact: kept in each changing transaction) unless the
    # review is of a period, whose opinions are counted now.
    tallied = date_from is None and date_to is None and tallies.in_use()
    of_items = (_item_condition(disclosure_id=disclosure_id, heading_id=heading_id)
                if tallied else None)
    if tallied:
        counts = _counts_of(tallies.by_concern(of_items))
    else:
        counts = _count_by_concern(scope)
    concerns, campaigns = _concerns_shown(scope, counts, concerns_page, concerns_size)
    summaries = _summarise_clusters(list(concerns) + campaigns, counts, scope, locale,
                                    with_sub_concerns=not public)  # the committee's view only
    if tallied:
        volume = tallies.by_day(of_items)
    else:
        day = utc_day(Opinion.created_at)
        volume = db.session.execute(
            select(day, func.count()).where(*scope).group_by(day).order_by(day)).all()
    totals = Counter()
    for stances in counts.stances.values():
        totals.update(stances)
    unclustered_shown = list(db.session.scalars(
        select(Opinion).where(*scope, Opinion.cluster_id.is_(None))
        .order_by(Opinion.created_at.desc(), Opinion.id.desc()).limit(UNCLUSTERED_SHOWN)))
    concerns.items = [s for s in summaries if not s.cluster.is_campaign]
    return Review(
        total=sum(totals.values()),
        stance_totals={stance: totals.get(stance, 0) for stance in STANCES},
        clusters=concerns.items,
        campaigns=[s for s in summaries if s.cluster.is_campaign],
        unclustered=counts.size(None),
        volume_by_day=[(_as_date(d), n) for d, n in volume],
        answered=sum(counts.answered.values()),
        unclustered_shown=unclustered_shown,
        concern_page=concerns,
    )


def _as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


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
        .order_by(Decision.decided_on.desc(), Decision.id.desc()).limit(limit)
        .options(selectinload(Decision.disclosure).selectinload(Disclosure.current_version))))


def published_decisions(disclosure_id: int) -> list[Decision]:
    return list(db.session.scalars(
        select(Decision).where(Decision.disclosure_id == disclosure_id, Decision.published_at.is_not(None))
        .order_by(Decision.decided_on.desc())
    ))
