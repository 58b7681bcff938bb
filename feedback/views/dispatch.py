"""The dispatcher's triage queue (opinions the router was not sure about, and those
departments returned), and the notification outbox for administrators."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..i18n import current_locale
from ..models import Department
from ..services import calendar, notifications, paging, queue
from ..services.errors import ServiceError
from .access import roles_required
from .response_forms import DispatchForm

bp = Blueprint("dispatch", __name__, url_prefix="/dispatch")


def _departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.name_zh)))


def _department_choices(departments: list[Department]) -> list[tuple[int, str]]:
    return [(0, _("Choose a department"))] + [(d.id, d.name(current_locale())) for d in departments]


def _form(opinion=None, suggestion=None, choices=()) -> DispatchForm:
    """No department is chosen beforehand but the router's guess: a dispatcher who only
    presses Send must not send every opinion to the first department of the list. (The
    choices are only for showing the form: the service checks the department sent.)"""
    form = DispatchForm(revision=opinion.revision if opinion is not None else None)
    form.department_id.choices = list(choices)
    if request.method == "GET":
        form.department_id.data = suggestion.department_id if suggestion else 0
    return form


def _page(status: int = 200, error: str | None = None):
    opinions = queue.triage_queue(user=current_user,
                                  page=paging.page_number(request.args.get("page")))
    suggestions = queue.triage_suggestions(opinions)
    departments = _departments()  # once for the page, not once a row
    choices = _department_choices(departments)
    forms = {o.id: _form(o, suggestions.get(o.id), choices) for o in opinions}
    by_id = {d.id: d for d in departments}
    today = queue.today()
    waited = {o.id: (today - calendar.local_date(o.created_at)).days for o in opinions}
    return render_template("dispatch/triage.html", opinions=opinions, forms=forms, error=error,
                           suggestions=suggestions, departments=by_id, waited=waited), status


@bp.get("/")
@roles_required("dispatcher")
def triage():
    return _page()


@bp.post("/opinions/<int:opinion_id>")
@roles_required("dispatcher")
def dispatch(opinion_id: int):
    form = _form()
    if not form.validate_on_submit():
        return _page(400, _("The form expired. Please reload the page."))
    try:
        queue.dispatch(user=current_user, opinion_id=opinion_id, department_id=form.department_id.data or 0,
                       expected_revision=form.expected_revision())
    except ServiceError as failure:
        db.session.rollback()
        messages = [str(m) for ms in failure.errors.values() for m in ms] or [str(failure.message)]
        return _page(failure.status_code, " ".join(messages))
    flash(_("The opinion was sent to the department."), "success")
    return redirect(url_for("dispatch.triage"))


@bp.get("/outbox")
@roles_required("admin", "supervisor")
def outbox():
    return render_template("dispatch/outbox.html", messages=notifications.outbox(
        channel=request.args.get("channel") or None, status=request.args.get("status") or None))
