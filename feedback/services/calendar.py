"""Working days on the Chinese calendar: public holidays and make-up working days (调休).

`chinese_calendar` knows the State Council's published schedule. For a year it does
not cover yet, administrators add the year's holidays and make-up days as
`CalendarDay` rows (`flask --app feedback calendar add-day 2027-10-01 --holiday`);
those rows override the library for their dates, and a day neither knows is a
working day from Monday to Friday.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

# Time limits in working days per kind of opinion (咨询 3, 投诉/建议 13).
DEFAULT_LIMITS = {"enquiry": 3, "complaint": 13, "suggestion": 13}
KIND_BY_STANCE = {"question": "enquiry", "oppose": "complaint", "suggestion": "suggestion", "support": "suggestion"}
LOCAL_TIMEZONE = "Asia/Shanghai"


def kind_for_stance(stance: str | None) -> str:
    return KIND_BY_STANCE.get(stance or "", "suggestion")


def local_date(moment: datetime) -> date:
    """The day in Shanghai on which `moment` falls: time limits count local days."""
    return moment.astimezone(ZoneInfo(LOCAL_TIMEZONE)).date()


def is_working_day(day: date, overrides: dict[date, bool] | None = None) -> bool:
    if overrides and day in overrides:
        return overrides[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # year not in the library yet and no override row
        return day.weekday() < 5


def add_working_days(start: date, days: int, overrides: dict[date, bool] | None = None) -> date:
    """The date `days` working days after `start` (start itself not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, overrides):
            remaining -= 1
    return current


def working_days_between(start: date, end: date, overrides: dict[date, bool] | None = None) -> int:
    """Working days after `start` up to and including `end` (negative when end < start)."""
    if end < start:
        return -working_days_between(end, start, overrides)
    return sum(1 for n in range(1, (end - start).days + 1)
               if is_working_day(start + timedelta(days=n), overrides))


def calendar_overrides() -> dict[date, bool]:
    """The administrators' extra days from the database (empty when there are none)."""
    from sqlalchemy import select

    from ..extensions import db
    from ..models import CalendarDay

    return {row.day: row.is_working for row in db.session.scalars(select(CalendarDay))}


def time_limit(kind: str | None, config: dict | None = None) -> int:
    limits = dict(DEFAULT_LIMITS)
    if config is not None:
        limits.update(config.get("ANSWER_DAYS_BY_KIND") or {})
        default = config.get("ANSWER_DAYS_DEFAULT", 13)
    else:
        default = 13
    return limits.get(kind or "", default)


def due_date(start: date, kind: str | None, *, config: dict | None = None,
             overrides: dict[date, bool] | None = None) -> date:
    return add_working_days(start, time_limit(kind, config), overrides)
