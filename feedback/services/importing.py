"""Importing an existing message board's or hotline's export (CSV) as opinions.

Every row is read and checked before anything is written: a file with a problem
(a column that is not there, a time in a format we cannot read, an unreadable
encoding, a message longer than we keep) is refused with the lines named, and nothing
is imported. Rows that carry nothing (empty rows, rows without text) and rows that were
imported before (same id, or same time and text) are skipped and reported. The rest is
written in one transaction, as opinions of channel `import` with their original times,
then routed and clustered by the usual jobs.
"""
from __future__ import annotations

import csv
import difflib
import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import Department, Opinion
from ..models.base import utcnow
from ..models.opinions import IMPORT_CHANNEL
from ..synthesis.text import strip_control_characters
from . import audit, calendar, moderation
from .opinions import new_opinion

MAX_IMPORTED_CHARS = 10_000  # a board keeps long letters; the web form's limit is for typing
MAX_PROBLEMS_SHOWN = 20
LOCAL_TIMEZONE = ZoneInfo(calendar.LOCAL_TIMEZONE)
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
                "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y.%m.%d %H:%M:%S", "%Y.%m.%d",
                "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H:%M", "%Y年%m月%d日")
QUESTION_MARKS = ("?", "？", "请问", "咨询", "是否", "能否", "可否", "吗")


class ImportRefused(Exception):
    """The file cannot be imported as it is; `problems` name the lines."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Columns:
    text: str
    id: str | None = None
    time: str | None = None
    title: str | None = None
    department: str | None = None


@dataclass
class ImportedRow:
    line: int
    text: str
    created_at: datetime | None
    key: str  # what makes a second import of the same row recognisable
    department_id: int | None = None


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    opinion_ids: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, why)

    def skipped_by_reason(self) -> dict[str, list[int]]:
        by_reason: dict[str, list[int]] = {}
        for line, why in self.skipped:
            by_reason.setdefault(why, []).append(line)
        return by_reason


# --- reading the file ---------------------------------------------------------------

def decode_export(raw: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 with or without a byte-order mark, else GB18030 (which
    includes GBK and GB2312). A file in neither, or UTF-8 with some lines in another
    encoding, is refused with the first line that cannot be read."""
    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as utf8_error:
        first_bad_utf8 = raw.count(b"\n", 0, utf8_error.start) + 1
        if _has_utf8_text(raw[:utf8_error.start]):  # UTF-8 so far: a line in another encoding
            raise ImportRefused([str(_l(
                "line %(n)d is not UTF-8 text, though the lines before it are; "
                "save the file again as UTF-8.", n=first_bad_utf8))]) from None
    try:
        return raw.decode("gb18030"), "GB18030"
    except UnicodeDecodeError as gb_error:
        line = raw.count(b"\n", 0, gb_error.start) + 1
        raise ImportRefused([str(_l("line %(n)d can be read neither as UTF-8 nor as GB18030/GBK; "
                                    "save the file as UTF-8.", n=line))]) from None


def _has_utf8_text(prefix: bytes) -> bool:
    """Whether the bytes before the first bad one hold non-ASCII UTF-8 characters."""
    return any(byte >= 0x80 for byte in prefix)


def _check_columns(header: list[str], columns: Columns) -> list[str]:
    problems = []
    for option, name in (("--text-column", columns.text), ("--id-column", columns.id),
                         ("--time-column", columns.time), ("--title-column", columns.title),
                         ("--department-column", columns.department)):
        if name is None or name in header:
            continue
        closest = difflib.get_close_matches(name, header, n=1, cutoff=0.5) or [
            h for h in header if h.strip().lower() == name.strip().lower()]
        hint = (_l("did you mean “%(c)s”?", c=closest[0]) if closest
                else _l("the file has: %(h)s", h=", ".join(header)))
        problems.append(str(_l("line 1: no column “%(name)s” (%(option)s); %(hint)s",
                               name=name, option=option, hint=hint)))
    return problems


def read_export(raw: bytes, columns: Columns, *, time_format: str | None = None,
                departments: list[Department] | None = None
                ) -> tuple[list[ImportedRow], ImportReport]:
    """Every row checked; refused (ImportRefused) when any row has a problem."""
    text, _ = decode_export(raw)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    if not header:
        raise ImportRefused([str(_l("the file is empty."))])
    problems = _check_columns(header, columns)
    if problems:
        raise ImportRefused(problems)
    position = {name: header.index(name) for name in header[::-1]}  # first of a repeated name
    by_name = _department_names(departments or [])
    rows, report = [], ImportReport()
    for cells in reader:
        line = reader.line_num  # a quoted cell may span lines: the row's last line
        report.rows += 1
        row, problem, skip = _read_row(line, _cell_reader(cells, position), columns, time_format,
                                       by_name)
        if problem:
            problems.append(problem)
        elif skip:
            report.skipped.append((line, skip))
        else:
            rows.append(row)
    if problems:
        raise ImportRefused(_summarised(problems))
    return rows, report


def _cell_reader(cells: list[str], position: dict[str, int]):
    def value(name: str | None) -> str:
        return cells[position[name]].strip() if name and position[name] < len(cells) else ""
    return value


def _read_row(line, value, columns: Columns, time_format, by_name):
    """(row, problem, reason to skip): one of the three is set."""
    body = strip_control_characters(value(columns.text))
    title = strip_control_characters(value(columns.title))
    if not body and not title:
        empty = not any(value(c) for c in (columns.id, columns.time, columns.department) if c)
        return None, None, str(_l("empty row") if empty else _l("no text"))
    text = body if not title or body.startswith(title) else f"{title}\n{body}"
    if len(text) > MAX_IMPORTED_CHARS:
        return None, str(_l(
            "line %(n)d: the message has %(m)d characters; at most %(k)d are imported.",
            n=line, m=len(text), k=MAX_IMPORTED_CHARS)), None
    created_at, problem = None, None
    if columns.time:
        created_at, problem = _read_time(line, value(columns.time), time_format)
    department_id = None
    if columns.department and value(columns.department) and not problem:
        department_id, problem = _read_department(line, value(columns.department), by_name)
    if problem:
        return None, problem, None
    external_id = value(columns.id) if columns.id else ""
    key = f"import:id:{external_id}" if external_id else "import:text:" + hashlib.sha256(
        f"{created_at.isoformat() if created_at else ''}\n{text}".encode("utf-8")).hexdigest()
    return ImportedRow(line, text, created_at, key, department_id), None, None


def _read_time(line: int, raw: str, time_format: str | None) -> tuple[datetime | None, str | None]:
    """A local (Shanghai) time, stored in UTC; an empty cell means the time of import."""
    if not raw:
        return None, None
    for candidate in ((time_format,) if time_format else TIME_FORMATS):
        try:
            moment = datetime.strptime(raw, candidate)
        except ValueError:
            continue
        return moment.replace(tzinfo=LOCAL_TIMEZONE).astimezone(timezone.utc), None
    try:
        moment = datetime.fromisoformat(raw)  # 2020-01-08T14:48:39+08:00 and the like
    except ValueError:
        expected = time_format or "2020-01-08 14:48:39, 2020/1/8 14:48, 2020年1月8日"
        return None, str(_l("line %(n)d: cannot read the time “%(t)s” (expected like %(e)s; "
                            "give --time-format for another).", n=line, t=raw, e=expected))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TIMEZONE)
    return moment.astimezone(timezone.utc), None


def _department_names(departments: list[Department]) -> dict[str, int]:
    names = {}
    for department in departments:
        for name in (department.key, department.name_zh, department.name_en):
            if name:
                names[name.strip().lower()] = department.id
    return names


def _read_department(line: int, raw: str, by_name: dict[str, int]) -> tuple[int | None, str | None]:
    department_id = by_name.get(raw.lower())
    if department_id is not None:
        return department_id, None
    closest = difflib.get_close_matches(raw.lower(), list(by_name), n=1, cutoff=0.4)
    hint = _l(" (closest: “%(c)s”)", c=closest[0]) if closest else ""
    return None, str(_l("line %(n)d: no department “%(d)s”%(hint)s.", n=line, d=raw, hint=hint))


def _summarised(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_PROBLEMS_SHOWN:
        return problems
    more = len(problems) - MAX_PROBLEMS_SHOWN
    return problems[:MAX_PROBLEMS_SHOWN] + [str(_l("… and %(n)d more.", n=more))]


# --- writing -------------------------------------------------------------------------

def guess_stance(text: str) -> str:
    """A board's message has no stance field: a question if it asks, else a suggestion."""
    return "question" if any(mark in text for mark in QUESTION_MARKS) else "suggestion"


def import_export(raw: bytes, columns: Columns, *, time_format: str | None = None,
                  recluster: bool = True, now: datetime | None = None) -> ImportReport:
    """Check the whole file, write its new rows in one transaction, then ask for
    routing and clustering. Raises ImportRefused, writing nothing, on any problem."""
    now = now or utcnow()
    departments = list(db.session.scalars(select(Department))) if columns.department else []
    rows, report = read_export(raw, columns, time_format=time_format, departments=departments)
    rows = _new_rows(rows, report)
    opinions = _store(rows, now)
    db.session.commit()
    report.imported, report.opinion_ids = len(opinions), [o.id for o in opinions]
    if opinions:
        _after_commit(recluster)
    return report


def _new_rows(rows: list[ImportedRow], report: ImportReport) -> list[ImportedRow]:
    """Without rows imported before or repeated in the file (reported as skipped)."""
    keys = [row.key for row in rows]
    digests = {_digest(key): key for key in keys}
    stored = set()
    chunk = 500
    digest_list = list(digests)
    for start in range(0, len(digest_list), chunk):
        stored.update(db.session.scalars(select(Opinion.idempotency_key).where(
            Opinion.idempotency_key.in_(digest_list[start:start + chunk]))))
    seen: dict[str, int] = {}
    fresh = []
    for row in rows:
        if _digest(row.key) in stored:
            report.skipped.append((row.line, str(_l("imported before"))))
        elif row.key in seen:
            report.skipped.append((row.line, str(_l("repeats line %(n)d", n=seen[row.key]))))
        else:
            seen[row.key] = row.line
            fresh.append(row)
    report.skipped.sort()
    return fresh


def _digest(key: str) -> str:
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def _store(rows: list[ImportedRow], now: datetime) -> list[Opinion]:
    opinions, held = [], []
    for row in rows:
        opinion = new_opinion(text=row.text, stance=guess_stance(row.text), channel=IMPORT_CHANNEL,
                              created_at=row.created_at or now, idempotency_key=_digest(row.key))
        held.append(moderation.screen(analysis_text=opinion.analysis_text, source=None, now=now))
        opinions.append(opinion)
    db.session.add_all(opinions)
    db.session.flush()
    today, overrides = calendar.local_date(now), calendar.calendar_overrides()
    for opinion, row, held_for in zip(opinions, rows, held):
        audit.record(opinion, "received", to_state="received", channel=IMPORT_CHANNEL,
                     line=row.line)
        if held_for:
            moderation.hold_for_rules(opinion, held_for)
        elif row.department_id is not None:
            _route_as_given(opinion, row.department_id, now, today, overrides)
    return opinions


def _route_as_given(opinion: Opinion, department_id: int, now, today, overrides) -> None:
    """The export says which department handled it: that department gets it."""
    opinion.kind = calendar.kind_for_stance(opinion.stance)
    opinion.department_id, opinion.status, opinion.routed_at = department_id, "routed", now
    opinion.routing_confidence = 1.0
    opinion.due_on = calendar.due_date(today, opinion.kind, overrides=overrides)
    audit.record(opinion, "routed", actor_label="system:import", from_state="received",
                 to_state="routed", department_id=department_id, reason="import")


def _after_commit(recluster: bool) -> None:
    from . import jobs, routing

    routing.request_routing()
    if recluster:  # new concerns need a full clustering; live assignment only joins existing ones
        jobs.enqueue("workers.synthesis.recluster", queue="synthesis")
