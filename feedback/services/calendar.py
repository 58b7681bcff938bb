"""Working days on the Chinese calendar: public holidays and make-up working days (调休).

`chinese_calendar` knows the State Council's published schedule; for a year it
does not cover yet, weekends are the only days off (and the README says how to
add the year's dates).
"""
from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # year not in the library yet
        return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current
