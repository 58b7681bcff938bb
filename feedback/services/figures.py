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

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Department, Opinion, Rating
from ..models.base import utcnow
from ..models.opinions import OPEN_STATUSES
from . import calendar
from . import spreadsheet

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


def service_figures(*, date_from: date | None = None, date_to: date | None = None,
                    department_id: int | None = None, now: datetime | None = None, locale: str = "zh") -> Report:
    today = calendar.local_date(now or utcnow())
    start, end = _bounds(date_from, date_to)
    query = select(Opinion).where(Opinion.status.in_(COUNTED_STATUSES), Opinion.department_id.is_not(None),
                                  Opinion.moderation != "hidden")
    if start:
        query = query.where(Opinion.created_at >= start)
    if end:
        query = query.where(Opinion.created_at < end)
    if department_id:
        query = query.where(Opinion.department_id == department_id)
    opinions = list(db.session.scalars(query))
    ratings = {r.opinion_id: r for r in db.session.scalars(
        select(Rating).where(Rating.opinion_id.in_([o.id for o in opinions])))} if opinions else {}
    departments = {d.id: d for d in db.session.scalars(select(Department))}
    rows: dict[int, Figures] = {}
    total = Figures(None, "")
    for opinion in opinions:
        department = departments[opinion.department_id]
        row = rows.setdefault(department.id, Figures(department.id, department.name(locale)))
        for target in (row, total):
            _count(target, opinion, ratings.get(opinion.id), today)
    ordered = sorted(rows.values(), key=lambda r: r.name)
    return Report(date_from=date_from, date_to=date_to, as_of=today, rows=ordered, total=total)


def _count(target: Figures, opinion: Opinion, rating, today: date) -> None:
    target.received += 1
    if opinion.answered_at is not None:
        target.answered += 1
        if opinion.due_on is None or calendar.local_date(opinion.answered_at) <= opinion.due_on:
            target.on_time += 1
    elif opinion.status in OPEN_STATUSES:
        if opinion.due_on is not None and opinion.due_on < today:
            target.overdue_open += 1
        else:
            target.open_not_due += 1
    if rating is not None:
        target.ratings += 1
        if rating.score in SATISFIED:
            target.satisfied += 1
            target.resolved += 1


def overdue(*, department_id: int | None = None, now: datetime | None = None) -> list[Opinion]:
    today = calendar.local_date(now or utcnow())
    query = select(Opinion).where(Opinion.status.in_(OPEN_STATUSES), Opinion.due_on < today)
    if department_id:
        query = query.where(Opinion.department_id == department_id)
    return list(db.session.scalars(query.order_by(Opinion.due_on, Opinion.id)))


def as_csv(report: Report) -> str:
    out = io.StringIO()
    writer = spreadsheet.writer(out)
    writer.writerow(["department", "received", "answered", "answered_on_time", "open_overdue", "open_not_yet_due",
                     "resolved", "ratings", "satisfied", "response_rate", "on_time_rate", "resolution_rate",
                     "satisfaction_rate", "period_from", "period_to", "as_of"])
    fmt = lambda v: "" if v is None else f"{v:.4f}"  # noqa: E731
    for row in [*report.rows, report.total]:
        writer.writerow([row.name or "TOTAL", row.received, row.answered, row.on_time, row.overdue_open,
                         row.open_not_due, row.resolved, row.ratings, row.satisfied, fmt(row.response_rate),
                         fmt(row.on_time_rate), fmt(row.resolution_rate), fmt(row.satisfaction_rate),
                         report.date_from or "", report.date_to or "", report.as_of])
    return out.getvalue()
