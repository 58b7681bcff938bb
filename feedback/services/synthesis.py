"""The app's side of synthesis: run the pure clustering over stored opinions, keep
cluster identity from one run to the next, and place each new opinion live.

Clusters found again keep their row (and so their answers and committee notes);
concerns no longer found are kept as inactive rows, never deleted.
"""
from __future__ import annotations

import logging
import os
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import joblib
import numpy as np
from flask import current_app
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from sqlalchemy import bindparam, event, func, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Cluster, Opinion
from ..synthesis.text import tokenise

log = logging.getLogger(__name__)
MIN_OVERLAP_TO_KEEP_IDENTITY = 0.3
MAJORITY = 0.5


@dataclass
class ReclusterReport:
    opinions: int
    clusters: int
    campaigns: int
    kept: int
    retired: int
    unclustered: int


def model_path() -> str:
    return os.path.join(current_app.instance_path, "cluster_model.joblib")


@dataclass(slots=True)
class StoredOpinion:
    """What a re-clustering reads of a stored opinion: a row's few columns, not an ORM
    object. At 100,000 opinions the ORM objects (every column, their state and the
    session's identity map) took 770 MB of a run's 1.8 GB peak."""
    id: int
    tokens: list[str]
    stance: str | None
    created_at: object
    analysis_text: str
    disclosure_id: int | None
    department_id: int | None
    cluster_id: int | None


READ_BATCH = 10_000  # rows per fetch from the database (a server-side cursor on PostgreSQL)


def _opinions_to_cluster() -> list[StoredOpinion]:
    """Every published opinion, by id. Tokens are stored as JSON, so each occurrence of a
    word arrives as a string of its own: the same word is kept once (1.5 million
    occurrences of some 60,000 words at 100,000 opinions: about 120 MB less). Opinions
    stored without tokens get them here, written back in one statement."""
    table = Opinion.__table__
    query = (select(table.c.id, table.c.tokens, table.c.stance, table.c.created_at, table.c.analysis_text,
                    table.c.disclosure_id, table.c.department_id, table.c.cluster_id)
             .where(table.c.moderation == "published").order_by(table.c.id)
             .execution_options(yield_per=READ_BATCH))
    words: dict[str, str] = {}
    opinions, filled = [], []
    for row in db.session.execute(query):
        tokens = row.tokens
        if not tokens:
            tokens = tokenise(row.analysis_text, normalised=True)
            filled.append({"b_id": row.id, "tokens": tokens})
        tokens = [words.setdefault(word, word) for word in tokens]
        opinions.append(StoredOpinion(row.id, tokens, row.stance, row.created_at, row.analysis_text or "",
                                      row.disclosure_id, row.department_id, row.cluster_id))
    if filled:
        db.session.execute(
            update(table).where(table.c.id == bindparam("b_id")).values(tokens=bindparam("tokens")),
            filled, execution_options={"synchronize_session": False})
    return opinions


def item_context(opinion: Opinion, cache: dict | None = None) -> list[str]:
    """Tokens of the title of the item an opinion is on ([] for a general opinion): the
    context clustering reads it in (`OpinionDoc.context`)."""
    if opinion.disclosure_id is None:
        return []
    cache = {} if cache is None else cache
    if opinion.disclosure_id not in cache:
        version = opinion.disclosure.current_version if opinion.disclosure else None
        cache[opinion.disclosure_id] = tokenise(version.title) if version is not None else []
    return cache[opinion.disclosure_id]


def _overlap(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def match_identities(previous: dict[int, set], found: list[set]) -> dict[int, int]:
    """new group index → previous cluster id, by the best one-to-one member overlap
    (`_overlap`, the Jaccard index of the member sets)."""
    if not previous or not found:
        return {}
    old_ids = list(previous)
    scores = _overlaps(found, [previous[old] for old in old_ids])
    rows, cols = linear_sum_assignment(-scores)
    return {r: old_ids[c] for r, c in zip(rows, cols) if scores[r, c] >= MIN_OVERLAP_TO_KEEP_IDENTITY}


def _overlaps(found: list[set], previous: list[set]) -> np.ndarray:
    """found × previous `_overlap`s, the common members counted by one sparse product
    (a set intersection per pair took 8 s for the 1,058 campaigns of a 100,000 district)."""
    members = sorted(set().union(*found, *previous))
    column = {member: i for i, member in enumerate(members)}

    def membership(sets: list[set]) -> sparse.csr_matrix:
        rows = np.repeat(np.arange(len(sets)), [len(s) for s in sets])
        columns = np.fromiter((column[m] for s in sets for m in s), dtype=np.int64, count=len(rows))
        return sparse.csr_matrix((np.ones(len(rows), np.int64), (rows, columns)),
                                 shape=(len(sets), len(members)))

    common = (membership(found) @ membership(previous).T).toarray()
    sizes_found = np.array([len(s) for s in found], dtype=np.int64)[:, np.newaxis]
    sizes_previous = np.array([len(s) for s in previous], dtype=np.int64)[np.newaxis, :]
    union = sizes_found + sizes_previous - common
    # an empty set overlaps nothing (as `_overlap` says)
    return np.where((sizes_found > 0) & (sizes_previous > 0), common / np.maximum(union, 1), 0.0)


def _majority(values) -> int | None:
    counted = Counter(v for v in values if v is not None)
    if not counted:
        return None
    value, count = counted.most_common(1)[0]
    return value if count / sum(counted.values()) >= MAJORITY else None


def _previous_members(is_campaign: bool) -> dict[int, set]:
    rows = db.session.execute(
        select(Opinion.cluster_id, Opinion.id).join(Cluster, Opinion.cluster_id == Cluster.id)
        .where(Cluster.is_active.is_(True), Cluster.is_campaign.is_(is_campaign)))
    members: dict[int, set] = {}
    for cluster_id, opinion_id in rows:
        members.setdefault(cluster_id, set()).add(opinion_id)
    return members


SUB_CONCERNS_MAX_MEMBERS = 2000  # above this a review page would wait for a clustering run


def sub_concerns_of(opinions: list[Opinion]) -> list[tuple[str, int]]:
    """(label, size) of the groups a concern's opinions form by their own words; [] above
    `SUB_CONCERNS_MAX_MEMBERS`."""
    from ..synthesis.clustering import OpinionDoc, sub_concerns

    if len(opinions) > SUB_CONCERNS_MAX_MEMBERS:
        return []
    return sub_concerns([OpinionDoc(o.id, o.tokens or tokenise(o.analysis_text, normalised=True), o.stance,
                                    o.created_at, o.analysis_text) for o in opinions])


def _found_sub_concerns(cluster, by_id: dict[int, Opinion]) -> list[list] | None:
    """What is said within a concern, found here in the worker so that the committee's
    review does not wait for it; before any row is written, so that no write lock is
    held meanwhile. None for a campaign."""
    if cluster.is_campaign:
        return None
    return [list(part) for part in sub_concerns_of([by_id[i] for i in cluster.members])]


def _store_groups(groups: list[dict], *, is_campaign: bool, previous: dict[int, set],
                  by_id: dict[int, Opinion]) -> tuple[list[Cluster], int]:
    """Write one Cluster row per group (reusing matched rows); returns rows and how many were kept.
    Memberships are written apart (`_write_memberships`)."""
    matched = match_identities(previous, [set(g["members"]) for g in groups])
    # The previous clusters in one read, not one each (a district of 100,000 copied opinions
    # had 1,058 campaigns: 6 s of statements).
    existing = {c.id: c for c in db.session.scalars(select(Cluster).where(
        Cluster.is_active.is_(True), Cluster.is_campaign.is_(is_campaign)))} if matched else {}
    rows = []
    for index, group in enumerate(groups):
        if index in matched:
            cluster = existing.get(matched[index]) or db.session.get(Cluster, matched[index])
        else:
            cluster = Cluster(is_campaign=is_campaign)
        members = [by_id[i] for i in group["members"]]
        if cluster.label is not None and cluster.label != group["label"][:300]:
            _answers_to_reindex(cluster.id)
        cluster.label = group["label"][:300]
        cluster.key_terms = group.get("key_terms", [])
        cluster.size = len(members)
        cluster.representative_ids = list(group.get("representatives", []))[:5]
        cluster.sub_concerns = group["sub_concerns"]
        cluster.is_active = True
        cluster.department_id = _majority(o.department_id for o in members)
        cluster.disclosure_id = _majority(o.disclosure_id for o in members)
        db.session.add(cluster)
        rows.append(cluster)
    db.session.flush()
    return rows, len(matched)


def _answers_to_reindex(cluster_id: int) -> None:
    """An answer to a cluster is found in search by the cluster's label."""
    from ..models import Response
    from .search import note_changed

    for response_id in db.session.scalars(select(Response.id).where(Response.cluster_id == cluster_id)):
        note_changed("answer", response_id)


def _write_memberships(opinions: list[Opinion], cluster_of: dict[int, int]) -> None:
    """Set each opinion's cluster (None for none) with one bulk UPDATE of the rows that
    change: at 20,000 opinions, setting them one by one through the ORM took longer than
    the clustering, and made the search index every opinion again (its documents do not
    hold the cluster)."""
    changed = [{"id": o.id, "cluster_id": cluster_of.get(o.id)} for o in opinions
               if o.cluster_id != cluster_of.get(o.id)]
    if changed:
        db.session.execute(update(Opinion), changed)


def _retire_unmatched(active_ids: set[int]) -> int:
    stale = db.session.scalars(select(Cluster).where(Cluster.is_active.is_(True), Cluster.id.not_in(active_ids or {0})))
    retired = 0
    for cluster in stale:
        cluster.is_active = False
        retired += 1
    return retired


def recluster() -> ReclusterReport:
    """Cluster every visible opinion again; identities carried over, campaigns apart."""
    from ..synthesis.clustering import OpinionDoc, cluster_opinions

    opinions = _opinions_to_cluster()
    by_id = {o.id: o for o in opinions}
    titles = _item_contexts({o.disclosure_id for o in opinions if o.disclosure_id is not None})
    docs = [OpinionDoc(id=o.id, tokens=o.tokens, stance=o.stance, created_at=o.created_at, text=o.analysis_text,
                       context=titles.get(o.disclosure_id, []))
            for o in opinions]
    result = cluster_opinions(docs)
    groups = [{"members": c.members, "label": c.label, "key_terms": c.key_terms,
               "representatives": c.representatives, "is_campaign": c.is_campaign,
               "sub_concerns": _found_sub_concerns(c, by_id)} for c in result.clusters]
    previous = {flag: _previous_members(flag) for flag in (False, True)}  # before memberships change
    organic, campaigns = ([g for g in groups if g["is_campaign"] == flag] for flag in (False, True))
    organic_rows, kept_organic = _store_groups(organic, is_campaign=False, previous=previous[False], by_id=by_id)
    campaign_rows, kept_campaigns = _store_groups(campaigns, is_campaign=True, previous=previous[True], by_id=by_id)
    cluster_of = {opinion_id: row.id for row, group in zip(organic_rows + campaign_rows, organic + campaigns)
                  for opinion_id in group["members"]}
    _write_memberships(opinions, cluster_of)
    retired = _retire_unmatched({c.id for c in organic_rows + campaign_rows})
    db.session.commit()
    # The model's centroids follow result.clusters; map each back to its row.
    rows_in_model_order = iter(organic_rows), iter(campaign_rows)
    cluster_ids = [next(rows_in_model_order[g["is_campaign"]]).id for g in groups]
    _save_model(result.model, cluster_ids)
    return ReclusterReport(opinions=len(opinions), clusters=len(organic_rows), campaigns=len(campaign_rows),
                           kept=kept_organic + kept_campaigns, retired=retired,
                           unclustered=len(opinions) - len(cluster_of))


def _save_model(model, cluster_ids: list[int]) -> None:
    path = model_path()
    tmp = f"{path}.tmp"
    joblib.dump({"model": model, "cluster_ids": cluster_ids}, tmp)
    os.replace(tmp, path)  # workers never read a half-written model
    _load_model.cache_clear()


@lru_cache(maxsize=2)
def _load_model(path: str, mtime: float):
    """The saved model, or None when it cannot be read (saved by a version whose
    classes have since changed): new opinions then wait, unclustered, for the next
    full re-clustering, which saves a model this version reads."""
    try:
        return joblib.load(path)
    except Exception:  # unpickling raises whatever the missing or changed class causes
        log.warning("cluster model %s cannot be read; new opinions wait for the next re-clustering",
                    path, exc_info=True)
        return None


def live_model():
    path = model_path()
    if not os.path.exists(path):
        return None
    return _load_model(path, os.path.getmtime(path))


def assign_opinion(*, opinion_id: int, commit: bool = True) -> Cluster | None:
    """Place a new opinion in its nearest existing cluster, or leave it unclustered
    (`commit=False`: the caller commits a whole batch at once)."""
    opinion = db.session.get(Opinion, opinion_id)
    saved = live_model()
    if (opinion is None or opinion.cluster_id is not None or saved is None
            or opinion.moderation != "published"):  # held ones wait for their moderator
        return None
    if not opinion.tokens:
        opinion.tokens = tokenise(opinion.analysis_text, normalised=True)
    index, _similarity = saved["model"].assign(opinion.tokens, item_context(opinion))
    if index is None or index >= len(saved["cluster_ids"]):
        _commit_if(commit)
        return None
    cluster = db.session.get(Cluster, saved["cluster_ids"][index])
    if cluster is None or not cluster.is_active:
        _commit_if(commit)
        return None
    opinion.cluster_id = cluster.id
    cluster.size = (cluster.size or 0) + 1
    _commit_if(commit)
    return cluster


def _commit_if(commit: bool) -> None:
    if commit:
        db.session.commit()


# --- live assignment of new opinions ---------------------------------------------------

ASSIGN_JOB = "workers.synthesis.assign_pending"


def _collect_new_opinions(session: Session, flush_context) -> None:
    """New opinions that skip routing (imports, the demo); the router hands over the
    ones it routes (`place_routed`), so intake itself makes no Redis call."""
    new = [row.id for row in session.new if isinstance(row, Opinion) and row.status != "received"]
    if new:
        session.info.setdefault("new_opinions", []).extend(new)


def _send_new_opinions(session: Session) -> None:
    from flask import has_app_context

    ids = session.info.pop("new_opinions", None)
    if not ids or not has_app_context() or not current_app.config.get("LIVE_CLUSTER_ASSIGNMENT", True):
        return
    from . import batching

    if current_app.extensions.get("feedback.job_mode") == "rq":
        batching.add_pending("assign", ids, ASSIGN_JOB, queue="synthesis")
    # Without Redis, new opinions join clusters at the next full re-clustering.


def place_routed(opinion_ids: list[int]) -> None:
    """After routing: the routed opinions join their clusters (one coalesced job)."""
    if not opinion_ids or not current_app.config.get("LIVE_CLUSTER_ASSIGNMENT", True):
        return
    from . import batching

    if current_app.extensions.get("feedback.job_mode") == "rq":
        batching.add_pending("assign", opinion_ids, ASSIGN_JOB, queue="synthesis")


def assign_pending() -> int:
    """Place every pending new opinion; one coalesced job serves a burst."""
    from . import batching

    placed = 0

    def assign(members):
        nonlocal placed
        placed += assign_many([int(m) for m in members])

    batching.process_pending("assign", assign)
    return placed


def assign_many(opinion_ids) -> int:
    """Place a batch of new opinions in their nearest clusters, as `assign_opinion` places
    one, with a fixed number of statements per batch: one read of the rows, one of the
    item titles, one UPDATE per cluster joined and one for the tokens filled. The batch is
    decided without writing, then written in one short commit (on SQLite the write lock
    is global, and intake's inserts wait while it is held). Idempotent: only opinions
    still without a cluster are placed, and a cluster's size grows by the rows that the
    UPDATE really placed. Returns how many joined a cluster."""
    saved = live_model()
    ids = sorted(set(opinion_ids))
    if saved is None or not ids:
        return 0
    table = Opinion.__table__
    rows = db.session.execute(
        select(table.c.id, table.c.analysis_text, table.c.tokens, table.c.disclosure_id)
        .where(table.c.id.in_(ids), table.c.cluster_id.is_(None),
               table.c.moderation == "published")).all()
    contexts = _item_contexts({row.disclosure_id for row in rows if row.disclosure_id})
    active = set(db.session.scalars(select(Cluster.id).where(Cluster.is_active.is_(True))))
    db.session.commit()  # end the reads: no transaction is held while deciding
    model, cluster_ids = saved["model"], saved["cluster_ids"]
    joining: dict[int, list[int]] = {}
    filled = []
    for row in rows:
        tokens = row.tokens
        if not tokens:
            tokens = tokenise(row.analysis_text, normalised=True)
            filled.append({"b_id": row.id, "tokens": tokens})
        index, _similarity = model.assign(tokens, contexts.get(row.disclosure_id, []))
        if index is not None and index < len(cluster_ids) and cluster_ids[index] in active:
            joining.setdefault(cluster_ids[index], []).append(row.id)
    if filled:
        db.session.execute(
            update(table).where(table.c.id == bindparam("b_id")).values(tokens=bindparam("tokens")),
            filled, execution_options={"synchronize_session": False})
    placed = 0
    for cluster_id, members in sorted(joining.items()):
        joined = len(db.session.execute(
            update(table).where(table.c.id.in_(members), table.c.cluster_id.is_(None))
            .values(cluster_id=cluster_id).returning(table.c.id)).all())
        if joined:
            db.session.execute(update(Cluster.__table__).where(Cluster.__table__.c.id == cluster_id)
                               .values(size=func.coalesce(Cluster.__table__.c.size, 0) + joined))
        placed += joined
    db.session.commit()
    db.session.expire_all()
    return placed


def _item_contexts(item_ids: set[int]) -> dict[int, list[str]]:
    """`item_context` of each item, by item id (one read for the batch)."""
    from ..models import Disclosure

    if not item_ids:
        return {}
    items = db.session.scalars(select(Disclosure).where(Disclosure.id.in_(item_ids))).all()
    return {item.id: tokenise(item.current_version.title) if item.current_version is not None else []
            for item in items}


def _forget_new_opinions(session: Session, *args) -> None:
    session.info.pop("new_opinions", None)


def install_live_assignment() -> None:
    if not event.contains(Session, "after_flush", _collect_new_opinions):
        event.listen(Session, "after_flush", _collect_new_opinions)
        event.listen(Session, "after_commit", _send_new_opinions)
        event.listen(Session, "after_soft_rollback", _forget_new_opinions)
