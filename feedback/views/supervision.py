"""Supervisors (督查): checklists, checks with findings and look-backs, coverage."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..extensions import db
from ..i18n import current_locale, localised_name
from ..models import Checklist, Organisation
from ..models.base import utcnow
from ..models.catalogue import local_date
from ..services import disclosures, supervision
from ..services.errors import NotFound, ValidationFailed
from .access import roles_required

bp = Blueprint("supervision", __name__, url_prefix="/supervision")
SUPERVISORS = supervision.SUPERVISOR_ROLES


def method_choices():
    return [("online", _l("Online")), ("phone", _l("Phone spot check")), ("on_site", _l("On site"))]


class ChecklistForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    points = TextAreaField(_l("Points, one per line as “aspect: point”"), validators=[DataRequired()])


class CheckForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    method = SelectField(_l("How"), choices=method_choices())
    checked_on = DateField(_l("Checked on"), validators=[DataRequired()])
    findings = TextAreaField(_l("Findings"), validators=[Optional(), Length(max=5000)])
    follow_up = TextAreaField(_l("Follow-up required"), validators=[Optional(), Length(max=2000)])
    follow_up_due = DateField(_l("Follow-up due"), validators=[Optional()])
    lookback_of_id = SelectField(_l("Look-back of (回头看)"), coerce=int, default=0)


def _apply_errors(form, failure: ValidationFailed) -> list[str]:
    general = []
    for field, messages in failure.errors.items():
        target = getattr(form, field, None)
        if target is None:
            general += [str(m) for m in messages]
        else:
            target.errors = list(target.errors or []) + [str(m) for m in messages]
    return general


@bp.get("/")
@roles_required(*SUPERVISORS)
def index():
    today = local_date(utcnow())
    overdue, upcoming = disclosures.due_items(today=today)
    return render_template("supervision/index.html", checklists=db.session.scalars(select(Checklist)).all(),
                           checks=supervision.checks()[:50], follow_ups=supervision.open_follow_ups(today=today),
                           overdue=overdue, upcoming=upcoming, today=today)


@bp.route("/checklists/new", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def new_checklist():
    form = ChecklistForm()
    if form.validate_on_submit():
        try:
            checklist = supervision.create_checklist(user=current_user, name=form.name.data,
                                                     description=form.description.data or "",
                                                     points=supervision.parse_points(form.points.data))
        except ValidationFailed as failure:
            _apply_errors(form, failure)
        else:
            flash(_("Checklist saved with %(n)d points.", n=len(checklist.points)), "success")
            return redirect(url_for("supervision.index"))
    return render_template("supervision/checklist_form.html", form=form), (422 if form.errors else 200)


@bp.route("/checklists/<int:checklist_id>/checks/new", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def new_check(checklist_id: int):
    checklist = db.session.get(Checklist, checklist_id)
    if checklist is None:
        raise NotFound(_("There is no such checklist."))
    form = CheckForm()
    form.organisation_id.choices = [(o.id, localised_name(o)) for o in
                                    db.session.scalars(select(Organisation).order_by(Organisation.id))]
    form.lookback_of_id.choices = [(0, _("— a first check —"))] + [
        (c.id, f"{c.checked_on} {localised_name(c.organisation)}") for c in supervision.checks()]
    general = []
    if form.validate_on_submit():
        results = {p.id: request.form.get(f"point-{p.id}") == "pass" for p in checklist.points
                   if request.form.get(f"point-{p.id}") in ("pass", "fail")}
        notes = {p.id: request.form.get(f"note-{p.id}", "") for p in checklist.points}
        try:
            supervision.record_check(
                user=current_user, checklist_id=checklist.id, organisation_id=form.organisation_id.data,
                method=form.method.data, checked_on=form.checked_on.data, results=results, notes=notes,
                findings=form.findings.data or "", follow_up=form.follow_up.data or "",
                follow_up_due=form.follow_up_due.data, lookback_of_id=form.lookback_of_id.data or None)
        except ValidationFailed as failure:
            general = _apply_errors(form, failure)
        else:
            flash(_("The check is recorded."), "success")
            return redirect(url_for("supervision.index"))
    return render_template("supervision/check_form.html", form=form, checklist=checklist, general=general,
                           marks=request.form), (422 if form.errors or general else 200)


def _period() -> str:
    today = local_date(utcnow())
    return request.args.get("period") or supervision.quarter_of(today)


@bp.get("/coverage")
@roles_required(*SUPERVISORS)
def coverage():
    report = supervision.coverage(period=_period())
    return render_template("supervision/coverage.html", report=report)


@bp.get("/coverage.csv")
@roles_required(*SUPERVISORS)
def coverage_csv():
    report = supervision.coverage(period=_period())
    return Response("\ufeff" + supervision.coverage_csv(report, current_locale()), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename=coverage-{report.period}.csv"})
