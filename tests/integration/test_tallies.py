"""The committee's summary reads the opinion tallies (kept by a trigger on PostgreSQL):
after every kind of change the tallies count exactly what counting the opinions counts,
and the summary shows the same numbers either way."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, update

from feedback.models import Cluster, Opinion
from feedback.models.base import utcnow
from feedback.services import committee, moderation, responses, tallies
from tests.integration.test_pages_bounded import add_opinions


def _live(**scope):
    """(counts, volume by day) counted from the opinions themselves."""
    from sqlalchemy import func, select

    from feedback.extensions import db
    from feedback.services.sql_days import utc_day

    conditions = committee._in_scope(date_from=None, date_to=None, **scope)
    day = utc_day(Opinion.created_at)
    volume = [(committee._as_date(d), n) for d, n in db.session.execute(
        select(day, func.count()).where(*conditions).group_by(day).order_by(day))]
    return committee._count_by_concern(conditions), volume


def _tallied(**scope):
    of_items = committee._item_condition(**scope)
    return (committee._counts_of(tallies.by_concern(of_items)),
            [(committee._as_date(d), n) for d, n in tallies.by_day(of_items)])


def _same(counts_a, counts_b) -> bool:
    clean = lambda c: {k: +v for k, v in c.items() if +v}  # noqa: E731 (no zero entries)
    return (clean(counts_a.stances) == clean(counts_b.stances)
            and +counts_a.answered == +counts_b.answered
            and counts_a.departments == counts_b.departments)


def assert_tallies_match(db, items):
    """For every opinion, each item alone, and the items' heading: tallies == live."""
    if not tallies.in_use():  # SQLite: no trigger, the summary counts opinions live
        assert db.engine.dialect.name == "sqlite"
        return
    db.session.flush()
    for scope in [{"disclosure_id": None, "heading_id": None},
                  *({"disclosure_id": item.id, "heading_id": None} for item in items),
                  {"disclosure_id": None, "heading_id": items[0].heading_id}]:
        live_counts, live_volume = _live(**scope)
        tallied_counts, tallied_volume = _tallied(**scope)
        assert _same(live_counts, tallied_counts), scope
        assert live_volume == tallied_volume, scope


def test_the_tallies_count_what_the_opinions_count_after_every_change(app, make, db):
    department, other = make.department(), make.department()
    items = [make.item(department=department), make.item(department=department)]
    concern = Cluster(label="加装电梯", key_terms=["电梯"], size=0)
    campaign = Cluster(label="同一段话", key_terms=["同"], size=0, is_campaign=True)
    db.session.add_all([concern, campaign])
    db.session.commit()
    first = add_opinions(db, 6, disclosure_id=items[0].id, cluster_id=concern.id)
    second = add_opinions(db, 4, disclosure_id=items[1].id, stance="oppose",
                          created_at=utcnow() - timedelta(days=3))
    add_opinions(db, 2, disclosure_id=None, cluster_id=campaign.id)  # general opinions
    assert_tallies_match(db, items)

    # routed: a department, a due date, the status
    for opinion in first[:4]:
        opinion.department_id, opinion.status = department.id, "routed"
        opinion.due_on = utcnow().date() + timedelta(days=10)
    db.session.commit()
    assert_tallies_match(db, items)

    # answered (by the service), then rated "not satisfied": reopened
    staff = make.user(role="department_staff", department_id=department.id)
    responses.answer_opinion(user=staff, opinion_id=first[0].id, text="已经安排施工队，下月开工。")
    db.session.commit()
    assert db.session.get(Opinion, first[0].id).status == "answered"
    assert_tallies_match(db, items)
    responses.rate_answer(opinion_id=first[0].id, score="not_satisfied")
    assert db.session.get(Opinion, first[0].id).status == "in_progress"
    assert_tallies_match(db, items)

    # hidden by a moderator, then restored; held before it was ever published
    moderator = make.user(role="moderator")
    moderation.hide(user=moderator, opinion_id=first[1].id, reason="广告")
    assert_tallies_match(db, items)
    moderation.restore(user=moderator, opinion_id=first[1].id)
    assert_tallies_match(db, items)
    first[2].moderation = "held"
    db.session.commit()
    assert_tallies_match(db, items)

    # transferred to another department, moved to another concern, another item, a stance
    first[3].department_id = other.id
    second[0].cluster_id = concern.id
    second[1].disclosure_id = items[0].id
    second[2].stance = "question"
    db.session.commit()
    assert_tallies_match(db, items)

    # bulk statements (a recluster moves many at once) and a deletion
    db.session.execute(update(Opinion).where(Opinion.disclosure_id == items[1].id)
                       .values(cluster_id=campaign.id))
    db.session.execute(delete(Opinion).where(Opinion.id == second[3].id))
    db.session.commit()
    assert_tallies_match(db, items)

    # folded by the worker: fewer rows, the same sums
    tallies.fold()
    assert_tallies_match(db, items)
    if tallies.in_use():
        from sqlalchemy import func, select

        from feedback.models import OpinionTally

        keys = db.session.execute(select(
            OpinionTally.disclosure_id, OpinionTally.cluster_id, OpinionTally.stance,
            OpinionTally.department_id, OpinionTally.answered)).all()
        assert len(keys) == len(set(keys))  # one row per key
        assert db.session.scalar(select(func.min(OpinionTally.opinions))) > 0


def test_the_summary_shows_the_same_numbers_from_the_tallies_as_counted_live(
        app, make, db, monkeypatch):
    department = make.department()
    item = make.item(department=department)
    concern = Cluster(label="停车位不够", key_terms=["停车"], size=5)
    db.session.add(concern)
    db.session.commit()
    add_opinions(db, 5, disclosure_id=item.id, cluster_id=concern.id, department_id=department.id,
                 status="answered")
    add_opinions(db, 3, disclosure_id=item.id, stance="oppose")
    add_opinions(db, 1, disclosure_id=item.id, moderation="hidden")

    def summary():
        found = committee.review(disclosure_id=item.id, locale="en")
        return (found.total, found.stance_totals, found.answered, found.unclustered,
                found.volume_by_day,
                [(c.cluster.id, c.size, c.stance_counts, c.answered, c.department_names)
                 for c in found.clusters])

    from_tallies = summary()
    monkeypatch.setattr(tallies, "in_use", lambda: False)
    assert summary() == from_tallies
    assert from_tallies[0] == 8 and from_tallies[2] == 5 and from_tallies[3] == 3


def _figures_both_ways(today):
    from feedback.services import figures
    from feedback.services.figures import OPEN_STATUSES, SATISFIED  # noqa: F401
    from sqlalchemy import and_, or_

    from feedback.models import Rating
    from feedback.services.sql_days import local_day

    answered = Opinion.answered_at.is_not(None)
    is_open = and_(Opinion.answered_at.is_(None), Opinion.status.in_(OPEN_STATUSES))
    on_time = and_(answered, or_(Opinion.due_on.is_(None),
                                 local_day(Opinion.answered_at) <= Opinion.due_on))
    live = figures._count_live(today, answered, is_open, on_time, Rating.score.in_(SATISFIED),
                               date_from=None, date_to=None, department_id=None)
    return sorted(tuple(row) for row in live), sorted(tallies.figures_by_department(today))


def assert_figures_match(db):
    if not tallies.in_use():
        assert db.engine.dialect.name == "sqlite"
        return
    db.session.flush()
    today = utcnow().date()
    for day in (today - timedelta(days=30), today, today + timedelta(days=30)):
        live, tallied = _figures_both_ways(day)
        assert live == tallied, day


def test_the_figures_tallies_count_what_the_opinions_count_after_every_change(app, make, db):
    from feedback.models import Rating

    department, other = make.department(), make.department()
    item = make.item(department=department)
    today = utcnow().date()
    routed = add_opinions(db, 6, disclosure_id=item.id, department_id=department.id,
                          status="routed", due_on=today + timedelta(days=5))
    late = add_opinions(db, 3, department_id=department.id, status="accepted",
                        due_on=today - timedelta(days=4))
    add_opinions(db, 2, status="received")  # not yet routed: not in the figures
    add_opinions(db, 1, department_id=other.id, status="triage")
    assert_figures_match(db)

    staff = make.user(role="department_staff", department_id=department.id)
    for opinion in routed[:3]:
        responses.answer_opinion(user=staff, opinion_id=opinion.id, text="已经安排维修，本周完成。")
    db.session.commit()
    assert_figures_match(db)
    responses.rate_answer(opinion_id=routed[0].id, score="satisfied")   # closed
    responses.rate_answer(opinion_id=routed[1].id, score="not_satisfied")  # reopened
    assert_figures_match(db)
    rating = db.session.query(Rating).filter_by(opinion_id=routed[0].id).one()
    rating.score = "basically_satisfied"
    db.session.commit()
    assert_figures_match(db)

    late[0].answered_at = utcnow()  # answered after its due date
    late[0].status = "answered"
    late[1].department_id = other.id  # transferred
    late[2].due_on = today + timedelta(days=9)  # extended
    routed[4].moderation = "hidden"
    db.session.commit()
    assert_figures_match(db)

    db.session.delete(rating)
    db.session.commit()
    assert_figures_match(db)
    db.session.execute(update(Opinion).where(Opinion.department_id == other.id)
                       .values(department_id=department.id))
    db.session.commit()
    assert_figures_match(db)
    tallies.fold()
    assert_figures_match(db)


def test_the_figures_page_shows_the_same_numbers_from_the_tallies_as_counted_live(
        app, make, db, monkeypatch):
    from feedback.services import figures

    department = make.department()
    today = utcnow().date()
    add_opinions(db, 4, department_id=department.id, status="routed",
                 due_on=today - timedelta(days=2))
    add_opinions(db, 2, department_id=department.id, status="answered", answered_at=utcnow(),
                 due_on=today + timedelta(days=2))

    def shown():
        report = figures.service_figures(locale="en")
        return figures.as_csv(report)

    from_tallies = shown()
    monkeypatch.setattr(tallies, "in_use", lambda: False)
    assert shown() == from_tallies
    assert from_tallies.splitlines()[-1].startswith("TOTAL,6,2,2,4,0,")
