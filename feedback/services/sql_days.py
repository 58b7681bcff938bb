"""Calendar days of UTC timestamps, computed by the database (PostgreSQL and SQLite), so
that pages count by day with GROUP BY instead of loading every row."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from . import calendar


class local_day(FunctionElement):
    """The local (Shanghai) calendar day of a UTC timestamp."""

    type = Date()
    name = "local_day"
    inherit_cache = True


class utc_day(FunctionElement):
    """The UTC calendar day of a UTC timestamp."""

    type = Date()
    name = "utc_day"
    inherit_cache = True


def _argument(element, compiler, **kw) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(local_day, "postgresql")
def _local_day_postgresql(element, compiler, **kw):
    return f"date(timezone('{calendar.LOCAL_TIMEZONE}', {_argument(element, compiler, **kw)}))"


@compiles(local_day)
def _local_day_by_offset(element, compiler, **kw):
    # SQLite has no time zones: the zone's offset now (Shanghai keeps +8 all year).
    offset = datetime.now(calendar.ZoneInfo(calendar.LOCAL_TIMEZONE)).utcoffset()
    minutes = int(offset.total_seconds() // 60)
    return f"date({_argument(element, compiler, **kw)}, '{minutes:+d} minutes')"


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element, compiler, **kw):
    return f"date(timezone('UTC', {_argument(element, compiler, **kw)}))"


@compiles(utc_day)
def _utc_day_sqlite(element, compiler, **kw):
    return f"date({_argument(element, compiler, **kw)})"
