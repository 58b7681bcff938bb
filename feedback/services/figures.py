"""Service figures per department and period, honestly computed.

Cohort: the opinions received in the period (local dates) that reached a department
(status past triage), counted for the department that holds them now.
- response rate   = answered / cohort — still-open opinions stay in the denominator;
- on-time rate    = answered by the due date / (answered + open and overdue);
- resolution rate = answers the resident rated satisfied or basically satisfied /
                    (answered + open and overdue) — an unrated answer is not counted
                    as resolved;
- satisfaction    = satisfied or basically satisfied / all ratings.
Open opinions not yet due are in the cohort but judged by no rate except the
response rate: they may still be answered in time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Department, Opinion, Rating
from ..models.base import utcnow
from ..models.opinions import OPEN_STATUSES
from . import calendar, paging, spreadsheet, tallies
from .sql_days import local_day

SATISFIED = ("satisfied", "basically_satisfied")
COUNTED_STATUSES = ("routed", "accepted", "in_progress", "answered", "closed")


@dataclass
class Figures:
    department_id: int | None
    name: str
    received: int = 0
    answered: int = 0
    on_time: int = 0
    overdue_open: int = 0
    open_not_due: int = 0
    resolved: int = 0
    ratings: int = 0
    satisfied: int = 0
    transferred_out: int = 0

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def judged(self) -> int:
        return self.answered + self.overdue_open

    @property
    def response_rate(self):
        return self._rate(self.answered, self.received)

    @property
    def on_time_rate(self):
        return self._rate(self.on_time, self.judged)

    @property
    def resolution_rate(self):
        return self._rate(self.resolved, self.judged)

    @property
    def satisfaction_rate(self):
        return self._rate(self.satisfied, self.ratings)


@dataclass
class Report:
    date_from: date | None
    date_to: date | None
    as_of: date
    rows: list[Figures] = field(default_factory=list)
    total: Figures | None = None


def _bounds(date_from: date | None, date_to: date | None):
    tz = calendar.ZoneInfo(calendar.LOCAL_TIMEZONE)
    start = datetime.combine(date_from, time.min, tz).astimezone(timezone.utc) if date_from else None
    end = datetime.combine(date_to + timedelta(days=1), time.min, tz).astimezone(timezone.utc) if date_to else None
    return start, end


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _cohort(*, date_from: date | None, date_to: date | None, department_id: int | None) -> list:
    """The WHERE conditions of the cohort: counted statuses, routed, not hidden, received
    in the period (local days), of one department if given."""
    start, end = _bounds(date_from, date_to)
    conditions = [Opinion.status.in_(COUNTED_STATUSES), Opinion.department_id.is_not(None),
                  Opinion.moderation != "hidden"]
    if start:
        conditions.append(Opinion.created_at >= start)
    if end:
        conditions.append(Opinion.created_at < end)
    if department_id:
        conditions.append(Opinion.department_id == department_id)
    return conditions


def _is_open_overdue(today: date):
    """Open, not answered before (a reopened answer still counts as answered), past due."""
    return and_(Opinion.answered_at.is_(None), Opinion.status.in_(OPEN_STATUSES),
                Opinion.due_on.is_not(None), Opinion.due_on < today)


def _count_live(today, answered, is_open, on_time, satisfied, *, date_from, date_to,
                department_id) -> list:
    """The figures counted from the opinions, one GROUP BY per department."""
    return db.session.execute(
        select(Opinion.department_id, func.count(Opinion.id), _count_if(answered),
               _count_if(on_time),
               _count_if(_is_open_overdue(today)),
               _count_if(and_(is_open, ~_is_open_overdue(today))),
               func.count(Rating.id), _count_if(satisfied))
        .outerjoin(Rating, Rating.opinion_id == Opinion.id)
        .where(*_cohort(date_from=date_from, date_to=date_to, department_id=department_id))
        .group_by(Opinion.department_id)).all()


def service_figures(*, date_from: date | None = None, date_to: date | None = None,
                    department_id: int | None = None, now: datetime | None = None,
                    locale: str = "zh") -> Report:
    """Counted by the database, one row per department: the page costs the same two
    statements whether the period holds a hundred opinions or a hundred thousand."""
    today = calendar.local_date(now or utcnow())
    answered = Opinion.answered_at.is_not(None)
    is_open = and_(Opinion.answered_at.is_(None), Opinion.status.in_(OPEN_STATUSES))
    on_time = and_(answered, or_(Opinion.due_on.is_(None),
                                 local_day(Opinion.answered_at) <= Opinion.due_on))
    satisfied = Rating.score.in_(SATISFIED)
    if date_from is None and date_to is None and department_id is None and tallies.in_use():
        counted = tallies.figures_by_department(today)  # counted ahead, exact (triggers)
    else:
        counted = _count_live(today, answered, is_open, on_time, satisfied, date_from=date_from,
                              date_to=date_to, department_id=department_id)
    departments = {d.id: d for d in db.session.scalars(select(Department))}
    rows, total = [], Figures(None, "")
    for (department_id_, received, answered_n, on_time_n, overdue_n, not_due, ratings,
         satisfied_n) in counted:
        row = Figures(department_id_, departments[department_id_].name(locale), received=received,
                      answered=answered_n, on_time=on_time_n, overdue_open=overdue_n,
                      open_not_due=not_due, resolved=satisfied_n, ratings=ratings,
                      satisfied=satisfied_n)
        rows.append(row)
        for name in ("received", "answered", "on_time", "overdue_open", "open_not_due", "resolved",
                     "ratings", "satisfied"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    ordered = sorted(rows, key=lambda r: r.name)
    return Report(date_from=date_from, date_to=date_to, as_of=today, rows=ordered, total=total)


OVERDUE_PAGE_SIZE = 25


def overdue(*, department_id: int | None = None, now: datetime | None = None,
            date_from: date | None = None, date_to: date | None = None,
            page: int = 1, size: int = OVERDUE_PAGE_SIZE, total: int | None = None) -> paging.Page:
    """One page of the opinions counted as "open and overdue" in the figures, the same
    opinions by the same conditions (so the list's total is the table's), oldest due first.
    `total`: the figures' own count of them, when the caller has it."""
    today = calendar.local_date(now or utcnow())
    query = (select(Opinion)
             .where(*_cohort(date_from=date_from, date_to=date_to, department_id=department_id),
                    _is_open_overdue(today))
             .order_by(Opinion.due_on, Opinion.id))
    return paging.paginate(query, page=page, size=size, options=(joinedload(Opinion.department),),
                           total=total)


CSV_HEADER = ["department", "received", "answered", "answered_on_time", "open_overdue",
              "open_not_yet_due", "resolved", "ratings", "satisfied", "response_rate",
              "on_time_rate", "resolution_rate", "satisfaction_rate", "period_from", "period_to",
              "as_of"]


def csv_rows(report: Report):
    """The figures' CSV rows (the header, a row per department, the total), one at a
    time, for `spreadsheet.lines` (the formula-safe writer)."""
    fmt = lambda v: "" if v is None else f"{v:.4f}"  # noqa: E731
    yield CSV_HEADER
    for row in [*report.rows, report.total]:
        yield [row.name or "TOTAL", row.received, row.answered, row.on_time, row.overdue_open,
               row.open_not_due, row.resolved, row.ratings, row.satisfied,
               fmt(row.response_rate), fmt(row.on_time_rate), fmt(row.resolution_rate),
               fmt(row.satisfaction_rate), report.date_from or "", report.date_to or "",
               report.as_of]


def as_csv(report: Report) -> str:
    """The whole CSV as one text, without the byte order mark."""
    return "".join(spreadsheet.lines(csv_rows(report), bom=False))
