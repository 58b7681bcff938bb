"""The opinion tallies (models/tallies.py): read by the committee's summary, folded by the
worker. Kept by a PostgreSQL trigger, so they hold on PostgreSQL only; elsewhere the
summary counts opinions live (`in_use()` is False)."""
from __future__ import annotations

from sqlalchemy import func, select, text

from ..extensions import db
from ..models.tallies import OpinionDayTally, OpinionFiguresTally, OpinionTally

_FOLD = (
    "WITH gone AS (DELETE FROM opinion_tally RETURNING disclosure_id, cluster_id, stance, "
    "department_id, answered, opinions) "
    "INSERT INTO opinion_tally (disclosure_id, cluster_id, stance, department_id, answered, "
    "opinions) SELECT disclosure_id, cluster_id, stance, department_id, answered, "
    "sum(opinions) FROM gone GROUP BY 1, 2, 3, 4, 5 HAVING sum(opinions) <> 0",
    "WITH gone AS (DELETE FROM opinion_day_tally RETURNING disclosure_id, day, opinions) "
    "INSERT INTO opinion_day_tally (disclosure_id, day, opinions) "
    "SELECT disclosure_id, day, sum(opinions) FROM gone GROUP BY 1, 2 "
    "HAVING sum(opinions) <> 0",
    "WITH gone AS (DELETE FROM opinion_figures_tally RETURNING department_id, answered, "
    "on_time, open, open_due_on, rated, satisfied, opinions) "
    "INSERT INTO opinion_figures_tally (department_id, answered, on_time, open, open_due_on, "
    "rated, satisfied, opinions) SELECT department_id, answered, on_time, open, open_due_on, "
    "rated, satisfied, sum(opinions) FROM gone GROUP BY 1, 2, 3, 4, 5, 6, 7 "
    "HAVING sum(opinions) <> 0",
)


def in_use() -> bool:
    return db.engine.dialect.name == "postgresql"


def fold() -> None:
    """One row per key instead of a row per change (the sums stay the same). Rows that a
    concurrent transaction writes meanwhile are not in the deleted snapshot and stay."""
    if not in_use():
        return
    for statement in _FOLD:
        db.session.execute(text(statement))
    db.session.commit()


def _answered_count():
    return func.coalesce(func.sum(OpinionTally.opinions).filter(OpinionTally.answered), 0)


def by_concern(item_condition) -> list[tuple]:
    """(cluster_id, stance, department_id, opinions, answered) of the published opinions
    whose item meets `item_condition(column)` (None: every opinion), as the live GROUP BY
    over the opinions gives them: no row for a combination that has none."""
    query = (select(OpinionTally.cluster_id, OpinionTally.stance, OpinionTally.department_id,
                    func.sum(OpinionTally.opinions), _answered_count())
             .group_by(OpinionTally.cluster_id, OpinionTally.stance, OpinionTally.department_id)
             .having(func.sum(OpinionTally.opinions) != 0))
    if item_condition is not None:
        query = query.where(item_condition(OpinionTally.disclosure_id))
    return [tuple(row) for row in db.session.execute(query)]


def by_day(item_condition) -> list[tuple]:
    """(UTC day, published opinions that arrived that day), oldest first, days with none
    left out."""
    query = (select(OpinionDayTally.day, func.sum(OpinionDayTally.opinions))
             .group_by(OpinionDayTally.day).having(func.sum(OpinionDayTally.opinions) != 0)
             .order_by(OpinionDayTally.day))
    if item_condition is not None:
        query = query.where(item_condition(OpinionDayTally.disclosure_id))
    return [tuple(row) for row in db.session.execute(query)]


def figures_by_department(today) -> list[tuple]:
    """(department_id, received, answered, on time, open and overdue on `today`, open and
    not yet due, ratings, satisfied) of the whole cohort (no period), as the figures' live
    GROUP BY gives them: no row for a department with none."""
    t = OpinionFiguresTally
    overdue = t.open & t.open_due_on.is_not(None) & (t.open_due_on < today)

    def total(condition=None):
        summed = func.sum(t.opinions)
        return func.coalesce(summed.filter(condition) if condition is not None else summed, 0)

    return [tuple(row) for row in db.session.execute(
        select(t.department_id, total(), total(t.answered), total(t.on_time), total(overdue),
               total(t.open & ~overdue), total(t.rated), total(t.satisfied))
        .group_by(t.department_id).having(func.sum(t.opinions) != 0))]
