"""Supervision (督查): checklists, checks of an organisation's disclosure with findings
and follow-up, look-back checks (回头看), and coverage by organisation and period."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, cast, func, select

from ..extensions import db
from ..models import (Checklist, ChecklistPoint, CheckResult, Disclosure, DisclosureVersion, Organisation,
                      SupervisionCheck, User)
from ..models.base import utcnow
from ..models.catalogue import local_date
from ..models.supervision import CHECK_METHODS
from ..synthesis.text import strip_control_characters
from . import audit
from .errors import NotFound, PermissionDenied, ValidationFailed
from . import spreadsheet

SUPERVISOR_ROLES = ("supervisor",)
PASS_SHARE = 0.8  # a check passes when at least this share of its points pass


def _require_supervisor(user: User) -> None:
    if not user.has_role(*SUPERVISOR_ROLES):
        raise PermissionDenied(_l("Only supervisors may do this."))


def _clean(text: str | None) -> str:
    return strip_control_characters(text or "").strip()


def parse_points(text: str) -> list[tuple[str, str]]:
    """Checklist points typed one per line as "aspect: point"; a line without an aspect
    belongs to the aspect of the line before it."""
    points, aspect = [], ""
    for raw in (text or "").splitlines():
        line = _clean(raw)
        if not line:
            continue
        for sep in ("：", ":"):
            if sep in line:
                aspect, line = (part.strip() for part in line.split(sep, 1))
                break
        points.append((aspect, line))
    return points


def create_checklist(*, user: User, name: str, points: list[tuple[str, str]], description: str = "") -> Checklist:
    _require_supervisor(user)
    name = _clean(name)
    errors: dict[str, list] = {}
    if not name:
        errors["name"] = [_l("Give the checklist a name.")]
    if not points:
        errors["points"] = [_l("List at least one point, one per line as “aspect: point”.")]
    elif any(not aspect or not text for aspect, text in points):
        errors["points"] = [_l("Every point needs an aspect and a text (“aspect: point”).")]
    if errors:
        raise ValidationFailed(errors)
    checklist = Checklist(name=name[:200], description=_clean(description), created_by_id=user.id)
    db.session.add(checklist)
    db.session.flush()
    db.session.add_all(ChecklistPoint(checklist_id=checklist.id, aspect=aspect[:200], text=text, position=n)
                       for n, (aspect, text) in enumerate(points))
    audit.record(checklist, "created", actor=user, points=len(points))
    db.session.commit()
    return checklist


def record_check(
    *, user: User, checklist_id: int, organisation_id: int, method: str, checked_on: date,
    results: dict[int, bool], notes: dict[int, str] | None = None, findings: str = "", follow_up: str = "",
    follow_up_due: date | None = None, lookback_of_id: int | None = None, today: date | None = None,
) -> SupervisionCheck:
    """Record one check. Every point of the checklist must be marked passed or not."""
    _require_supervisor(user)
    checklist = db.session.get(Checklist, checklist_id)
    if checklist is None:
        raise NotFound(_l("There is no such checklist."))
    if db.session.get(Organisation, organisation_id) is None:
        raise ValidationFailed({"organisation_id": [_l("There is no such organisation.")]})
    errors: dict[str, list] = {}
    if method not in CHECK_METHODS:
        errors["method"] = [_l("Choose online, phone spot check or on site.")]
    today = today or local_date(utcnow())
    if checked_on is None or checked_on > today:
        errors["checked_on"] = [_l("The check date cannot be in the future.")]
    if follow_up_due and checked_on and follow_up_due < checked_on:
        errors["follow_up_due"] = [_l("The follow-up is due after the check, not before it.")]
    point_ids = {p.id for p in checklist.points}
    if set(results) != point_ids:
        errors["results"] = [_l("Mark every point of the checklist (%(n)d points).", n=len(point_ids))]
    earlier = db.session.get(SupervisionCheck, lookback_of_id) if lookback_of_id else None
    if lookback_of_id and (earlier is None or earlier.organisation_id != organisation_id):
        errors["lookback_of_id"] = [_l("A look-back revisits an earlier check of the same organisation.")]
    elif earlier is not None and checked_on and checked_on < earlier.checked_on:
        errors["lookback_of_id"] = [_l("A look-back comes after the check it revisits.")]
    if errors:
        raise ValidationFailed(errors)
    passed = sum(1 for ok in results.values() if ok)
    check = SupervisionCheck(
        checklist_id=checklist.id, organisation_id=organisation_id, method=method, checked_on=checked_on,
        checker_id=user.id, findings=_clean(findings), follow_up=_clean(follow_up), follow_up_due=follow_up_due,
        lookback_of_id=earlier.id if earlier else None, points_passed=passed, points_total=len(point_ids),
        passed=passed >= PASS_SHARE * len(point_ids),
    )
    db.session.add(check)
    db.session.flush()
    db.session.add_all(CheckResult(check_id=check.id, point_id=pid, passed=bool(ok), note=_clean((notes or {}).get(pid)))
                       for pid, ok in results.items())
    audit.record(check, "recorded", actor=user, passed=check.passed, lookback_of=check.lookback_of_id)
    db.session.commit()
    return check


def checks(*, organisation_id: int | None = None) -> list[SupervisionCheck]:
    query = select(SupervisionCheck).order_by(SupervisionCheck.checked_on.desc(), SupervisionCheck.id.desc())
    if organisation_id:
        query = query.where(SupervisionCheck.organisation_id == organisation_id)
    return list(db.session.scalars(query))


def open_follow_ups(*, today: date) -> list[SupervisionCheck]:
    """Checks with a follow-up that no later look-back has revisited yet."""
    revisited = select(SupervisionCheck.lookback_of_id).where(SupervisionCheck.lookback_of_id.is_not(None))
    return list(db.session.scalars(
        select(SupervisionCheck).where(SupervisionCheck.follow_up != "", SupervisionCheck.id.not_in(revisited))
        .order_by(SupervisionCheck.follow_up_due.is_(None), SupervisionCheck.follow_up_due)))


# --- coverage ------------------------------------------------------------------------------

def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(period: str) -> tuple[date, date]:
    """'2026-Q1' → (2026-01-01, 2026-03-31); '2026' → the whole year."""
    try:
        if "-Q" in period:
            year, quarter = int(period[:4]), int(period[-1])
            if not 1 <= quarter <= 4:
                raise ValueError
            start = date(year, 3 * quarter - 2, 1)
            end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
        else:
            year = int(period)
            start, end = date(year, 1, 1), date(year + 1, 1, 1)
    except ValueError:
        raise ValidationFailed({"period": [_l("Give a period as 2026 or 2026-Q1.")]}) from None
    return start, end - timedelta(days=1)


@dataclass
class CoverageRow:
    organisation: Organisation
    published: int = 0
    with_limit: int = 0
    on_time: int = 0
    checks: int = 0
    checks_passed: int = 0

    @property
    def discloses(self) -> bool:
        return self.published > 0

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.with_limit if self.with_limit else None

    @property
    def pass_share(self) -> float | None:
        return self.checks_passed / self.checks if self.checks else None


@dataclass
class Coverage:
    period: str
    start: date
    end: date
    rows: list[CoverageRow] = field(default_factory=list)

    @property
    def disclosing_share(self) -> float | None:
        return sum(r.discloses for r in self.rows) / len(self.rows) if self.rows else None

    @property
    def on_time_share(self) -> float | None:
        limited = sum(r.with_limit for r in self.rows)
        return sum(r.on_time for r in self.rows) / limited if limited else None

    @property
    def pass_share(self) -> float | None:
        total = sum(r.checks for r in self.rows)
        return sum(r.checks_passed for r in self.rows) / total if total else None


def coverage(*, period: str) -> Coverage:
    """Per organisation in the period: versions published, how many had a time limit
    and met it, checks made and passed. An organisation discloses when it published."""
    start, end = quarter_bounds(period)
    result = Coverage(period, start, end)
    rows = {o.id: CoverageRow(o) for o in db.session.scalars(select(Organisation).order_by(Organisation.id))}
    versions = db.session.execute(
        select(Disclosure.organisation_id, DisclosureVersion.published_at, DisclosureVersion.publish_due)
        .join(Disclosure, Disclosure.id == DisclosureVersion.disclosure_id))
    for organisation_id, published_at, due in versions:
        day = local_date(published_at)
        if not start <= day <= end or organisation_id not in rows:
            continue
        row = rows[organisation_id]
        row.published += 1
        if due is not None:
            row.with_limit += 1
            row.on_time += day <= due
    check_rows = db.session.execute(
        select(SupervisionCheck.organisation_id, func.count(), func.sum(cast(SupervisionCheck.passed, Integer)))
        .where(SupervisionCheck.checked_on.between(start, end)).group_by(SupervisionCheck.organisation_id))
    for organisation_id, count, passed in check_rows:
        if organisation_id in rows:
            rows[organisation_id].checks, rows[organisation_id].checks_passed = count, int(passed or 0)
    result.rows = list(rows.values())
    return result


def coverage_csv(report: Coverage, locale: str) -> str:
    out = io.StringIO()
    writer = spreadsheet.writer(out, lineterminator="\n")
    writer.writerow(["period", "organisation", "tier", "discloses", "versions_published", "with_time_limit",
                     "on_time", "on_time_share", "checks", "checks_passed", "pass_share"])
    share = lambda v: "" if v is None else f"{v:.3f}"  # noqa: E731
    for row in report.rows:
        writer.writerow([report.period, row.organisation.name(locale), row.organisation.tier, int(row.discloses),
                         row.published, row.with_limit, row.on_time, share(row.on_time_share), row.checks,
                         row.checks_passed, share(row.pass_share)])
    writer.writerow([report.period, "ALL", "", share(report.disclosing_share),
                     sum(r.published for r in report.rows), sum(r.with_limit for r in report.rows),
                     sum(r.on_time for r in report.rows), share(report.on_time_share),
                     sum(r.checks for r in report.rows), sum(r.checks_passed for r in report.rows),
                     share(report.pass_share)])
    return out.getvalue()
