"""A department's queue: only its own opinions; claim, assign, transfer or return,
notes, answers (one per cluster if wanted), head approval, extensions, templates."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..i18n import current_locale
from ..params import int_arg
from ..models import Department
from ..services import notifications, paging, queue, responses
from ..services.errors import ServiceError, ValidationFailed
from .access import roles_required
from .response_forms import (ActionForm, AssignForm, ExtensionForm, NoteForm, ResponseAnswerForm,
                             ReturnAnswerForm, TemplateForm, TransferForm)

bp = Blueprint("department", __name__, url_prefix="/department")
STAFF = ("department_staff", "department_head")
HEADS = ("department_head",)


_int_arg = int_arg  # an id that cannot be is a 400 with the parameter's name


@bp.get("/")
@roles_required(*STAFF)
def home():
    return redirect(url_for("department.queue_page"))


@bp.get("/queue")
@roles_required(*STAFF)
def queue_page():
    filters = queue.QueueFilter(
        status=request.args.get("status", "open"), sort=request.args.get("sort", "due"),
        disclosure_id=_int_arg("item"), cluster_id=_int_arg("cluster"),
        stance=request.args.get("stance") or None, assignee=request.args.get("assignee") or None,
        overdue=request.args.get("overdue") == "1",
    )
    opinions = queue.department_queue(user=current_user, filters=filters,
                                      page=paging.page_number(request.args.get("page")))
    return render_template("department/queue.html", opinions=opinions,
                           filters=filters, status=filters.status, today=queue.today(),
                           approvals=len(responses.pending_approvals(user=current_user))
                           if current_user.has_role(*HEADS) else 0)


bp.add_url_rule("/queue", endpoint="queue", view_func=queue_page)


def _forms(opinion, **given):
    revision = opinion.revision or 0
    departments = db.session.scalars(select(Department).order_by(Department.name_zh)).all()
    assign = given.get("assign") or AssignForm(revision=revision)
    assign.assignee_id.choices = [(u.id, u.display_name) for u in queue.colleagues(current_user)]
    transfer = given.get("transfer") or TransferForm(revision=revision)
    transfer.to_department_id.choices = [("", _("The dispatcher (return)"))] + [
        (str(d.id), d.name(current_locale())) for d in departments if d.id != opinion.department_id]
    answer = given.get("answer") or ResponseAnswerForm(revision=revision)
    template_id = _int_arg("template")
    if template_id and not answer.text.data:
        template = queue.template_for(current_user, template_id)
        answer.text.data = template.text if template else None
    return {
        "action_form": ActionForm(revision=revision), "assign_form": assign, "transfer_form": transfer,
        "note_form": given.get("note") or NoteForm(), "form": answer,
        "extension_form": given.get("extension") or ExtensionForm(revision=revision),
    }


def _render(opinion, status: int = 200, error: str | None = None, **given):
    pending = opinion.response if opinion.response is not None and opinion.response.status == "pending_approval" else None
    return render_template(
        "department/opinion.html", opinion=opinion, error=error, pending_answer=pending,
        steps=queue.timeline(opinion, for_staff=True, locale=current_locale()),
        notes=queue.notes(opinion.id), templates=queue.templates_for(current_user), **_forms(opinion, **given),
        cluster_reach=responses.cluster_answer_reach(opinion) if opinion.cluster_id else [],
        needs_approval=bool(opinion.department_id) and responses.needs_approval(current_user,
                                                                                opinion.department_id),
    ), status


def _opinion(opinion_id: int):
    return queue.opinion_for_staff(user=current_user, opinion_id=opinion_id)


def _refused(opinion_id: int, failure: ServiceError, **given):
    """A refused action: say why, show the current state, change nothing."""
    db.session.rollback()
    opinion = _opinion(opinion_id)
    messages = [str(m) for ms in failure.errors.values() for m in ms] or [str(failure.message)]
    return _render(opinion, status=failure.status_code, error=" ".join(messages), **given)


@bp.get("/opinions/<int:opinion_id>")
@roles_required(*STAFF)
def opinion(opinion_id: int):
    return _render(_opinion(opinion_id))


def _act(opinion_id: int, action, done_message: str, form_class=ActionForm, **given):
    form = form_class()
    if not form.validate_on_submit():
        errors = {field: list(messages) for field, messages in form.errors.items()}
        return _refused(opinion_id, ValidationFailed(errors or {"form": [_("The form was incomplete. Please try again.")]}))
    try:
        action(form)
    except ServiceError as failure:
        return _refused(opinion_id, failure, **given)
    flash(done_message, "success")
    return redirect(url_for("department.opinion", opinion_id=opinion_id))


@bp.post("/opinions/<int:opinion_id>/accept")
@roles_required(*STAFF)
def accept(opinion_id: int):
    return _act(opinion_id, lambda f: responses.accept_opinion(
        user=current_user, opinion_id=opinion_id, expected_revision=f.expected_revision()),
        _("You accepted the opinion."))


@bp.post("/opinions/<int:opinion_id>/claim")
@roles_required(*STAFF)
def claim(opinion_id: int):
    return _act(opinion_id, lambda f: queue.claim(
        user=current_user, opinion_id=opinion_id, expected_revision=f.expected_revision()),
        _("The opinion is yours now."))


@bp.post("/opinions/<int:opinion_id>/start")
@roles_required(*STAFF)
def start(opinion_id: int):
    return _act(opinion_id, lambda f: queue.start_work(
        user=current_user, opinion_id=opinion_id, expected_revision=f.expected_revision()),
        _("Work on the opinion has started."))


@bp.post("/opinions/<int:opinion_id>/assign")
@roles_required(*STAFF)
def assign(opinion_id: int):
    return _act(opinion_id, lambda f: queue.assign(
        user=current_user, opinion_id=opinion_id, assignee_id=f.assignee_id.data or 0,
        expected_revision=f.expected_revision()), _("The opinion is assigned."), form_class=AssignForm)


def _transfer(form):
    target = form.to_department_id.data or ""
    if target and not str(target).isdigit():
        raise ValidationFailed({"to_department_id": [_("There is no such department.")]})
    queue.transfer(user=current_user, opinion_id=request.view_args["opinion_id"],
                   to_department_id=int(target) if target else None, reason_code=form.reason_code.data,
                   reason_text=form.reason_text.data or "", expected_revision=form.expected_revision())


@bp.post("/opinions/<int:opinion_id>/transfer")
@roles_required(*STAFF)
def transfer(opinion_id: int):
    response = _act(opinion_id, _transfer, _("The opinion was handed on."), form_class=TransferForm)
    if isinstance(response, tuple):  # refused: the opinion page with the reason
        return response
    return redirect(url_for("department.queue"))


@bp.post("/opinions/<int:opinion_id>/notes")
@roles_required(*STAFF)
def add_note(opinion_id: int):
    return _act(opinion_id, lambda f: queue.add_note(user=current_user, opinion_id=opinion_id, text=f.note.data),
                _("The note is saved."), form_class=NoteForm)


@bp.post("/opinions/<int:opinion_id>/extension")
@roles_required(*STAFF)
def request_extension(opinion_id: int):
    return _act(opinion_id, lambda f: queue.request_extension(
        user=current_user, opinion_id=opinion_id, working_days=f.working_days.data, reason=f.reason.data,
        expected_revision=f.expected_revision()),
        _("The request for more time waits for the head's approval."), form_class=ExtensionForm)


def _left_out_of_the_cluster_answer() -> frozenset[int]:
    """The opinions the clerk unticked in the list of what a cluster answer reaches."""
    listed = {int(v) for v in request.form.getlist("listed") if v.isdigit()}
    kept = {int(v) for v in request.form.getlist("covered") if v.isdigit()}
    return frozenset(listed - kept)


def _list_of_people(people) -> str:
    """Up to three names, then "and N more", so the clerk knows who will review."""
    names = [person.display_name or person.username for person in people[:3]]
    if len(people) > 3:
        names.append(_("%(n)d more", n=len(people) - 3))
    return _(", ").join(names)


@bp.post("/opinions/<int:opinion_id>/answer")
@roles_required(*STAFF)
def answer(opinion_id: int):
    item = _opinion(opinion_id)
    form = ResponseAnswerForm()
    if not form.validate_on_submit():
        return _render(item, status=422, answer=form)
    try:
        response = responses.answer_opinion(user=current_user, opinion_id=item.id, text=form.text.data,
                                            whole_cluster=form.whole_cluster.data,
                                            leave_out=_left_out_of_the_cluster_answer(),
                                            expected_revision=form.expected_revision())
    except ServiceError as failure:
        return _refused(opinion_id, failure, answer=form)
    count = responses.answered_count(response.id)
    if response.status == "published":
        flash(_("The answer is published to %(n)d opinion(s).", n=count), "success")
    else:
        reviewers = responses.approvers(current_user, response.department_id)
        flash(_("The answer to %(n)d opinion(s) waits for approval by %(people)s.", n=count,
                people=_list_of_people(reviewers)), "info")
    return redirect(url_for("department.queue"))


# ---------------------------------------------------------------- heads

@bp.get("/approvals")
@roles_required(*HEADS)
def approvals():
    return render_template("department/approvals.html", answers=responses.pending_approvals(user=current_user),
                           extensions=queue.pending_extensions(user=current_user),
                           action_form=ActionForm(), return_form=ReturnAnswerForm())


def _head_action(action, done: str):
    form = ActionForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Please reload the page."), "error")
        return redirect(url_for("department.approvals"))
    try:
        action()
    except ServiceError as failure:
        db.session.rollback()
        return render_template("department/approvals.html", error=str(failure.message),
                               answers=responses.pending_approvals(user=current_user),
                               extensions=queue.pending_extensions(user=current_user),
                               action_form=ActionForm(), return_form=ReturnAnswerForm()), failure.status_code
    flash(done, "success")
    return redirect(url_for("department.approvals"))


@bp.post("/answers/<int:response_id>/approve")
@roles_required(*HEADS)
def approve_answer(response_id: int):
    return _head_action(lambda: responses.approve_answer(user=current_user, response_id=response_id),
                        _("The answer is published."))


@bp.post("/answers/<int:response_id>/return")
@roles_required(*HEADS)
def return_answer(response_id: int):
    form = ReturnAnswerForm()
    return _head_action(lambda: responses.return_answer(user=current_user, response_id=response_id,
                                                        reason=form.reason.data or ""),
                        _("The draft went back to its author."))


@bp.post("/extensions/<int:extension_id>/<any(approve, reject):decision>")
@roles_required(*HEADS)
def decide_extension(extension_id: int, decision: str):
    return _head_action(lambda: queue.decide_extension(user=current_user, extension_id=extension_id,
                                                       approve=decision == "approve"),
                        _("The request for more time is decided."))


# ---------------------------------------------------------------- templates and messages

@bp.route("/templates", methods=["GET", "POST"])
@roles_required(*STAFF)
def templates():
    form = TemplateForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                queue.create_template(user=current_user, title=form.title.data, text=form.text.data)
            except ServiceError as failure:
                for field, messages in failure.errors.items():
                    getattr(form, field, form.text).errors = [str(m) for m in messages]
                status = failure.status_code
            else:
                flash(_("The template is saved."), "success")
                return redirect(url_for("department.templates"))
        else:
            status = 422
    return render_template("department/templates.html", form=form, templates=queue.templates_for(current_user)), status


@bp.get("/messages")
@roles_required(*STAFF)
def messages():
    return render_template("department/messages.html",
                           messages=notifications.outbox(channel="internal", user_id=current_user.id))
