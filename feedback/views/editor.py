"""Editors keep the catalogue and take items from draft to published; approvers approve."""
from __future__ import annotations

from datetime import datetime, time

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..extensions import db
from ..forms import ItemForm, PublishForm
from ..i18n import localised_name
from ..params import int_arg, whole_number
from ..models import Department, Disclosure, Heading, Organisation
from ..models.catalogue import LOCAL_TIMEZONE, end_of_local_day, last_local_day
from ..services import audit, catalogue, disclosures
from ..services.errors import NotFound, ValidationFailed
from .access import roles_required

bp = Blueprint("editor", __name__, url_prefix="/editor")
EDITORS = ("editor",)
APPROVERS = disclosures.APPROVER_ROLES
READERS = EDITORS + APPROVERS + ("supervisor",)


def period_choices():
    return [("once", _l("Once")), ("monthly", _l("Monthly")), ("quarterly", _l("Quarterly")),
            ("half_yearly", _l("Half-yearly")), ("yearly", _l("Yearly"))]


class ItemEditForm(ItemForm):
    publish_due = DateField(_l("Publish by (time limit)"), validators=[Optional()])
    publish_period = SelectField(_l("How often it is published"), choices=period_choices(), default="once")
    comment_opens_on = DateField(_l("Comments open on"), validators=[Optional()])
    comment_closes_on = DateField(_l("Comments close on"), validators=[Optional()])


class ApproveForm(FlaskForm):
    approval_opinion = TextAreaField(_l("Approval opinion"), validators=[DataRequired(), Length(max=2000)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class RecordPublishForm(PublishForm):
    """Publishing an approved item needs no approver; for a paper approval it does."""
    approver_name = StringField(_l("Approved by (approval given on paper)"), validators=[Optional(), Length(max=120)])
    change_note = StringField(_l("What changed in this version"), validators=[Optional(), Length(max=300)])


class HeadingForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    parent_id = SelectField(_l("Under"), coerce=int, default=0)


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file (path, code, name, description)"))


class AttachForm(FlaskForm):
    under_heading_id = SelectField(_l("Hang this catalogue under"), coerce=int, default=0)


class AttachmentForm(FlaskForm):
    file = FileField(_l("PDF or image"))


def _item_form(item: Disclosure | None = None) -> ItemEditForm:
    form = ItemEditForm(obj=item) if item is not None and request.method == "GET" else ItemEditForm()
    if item is not None and request.method == "GET":
        form.comment_opens_on.data = item.comment_opens_at.astimezone(LOCAL_TIMEZONE).date() if item.comment_opens_at else None
        form.comment_closes_on.data = last_local_day(item.comment_closes_at) if item.comment_closes_at else None
    headings = db.session.scalars(select(Heading).order_by(Heading.organisation_id, Heading.code))
    form.heading_id.choices = [(h.id, f"{h.code} {localised_name(h)}") for h in headings]
    departments = db.session.scalars(select(Department).order_by(Department.id))
    form.department_id.choices = [(d.id, localised_name(d)) for d in departments]
    return form


def _start_of(day) -> datetime | None:
    """A date typed in a form means that day from midnight in Shanghai."""
    return datetime.combine(day, time.min, tzinfo=LOCAL_TIMEZONE) if day else None


def _item_values(form: ItemEditForm) -> dict:
    return dict(
        heading_id=form.heading_id.data, department_id=form.department_id.data, title=form.title.data,
        body=form.body.data, scope=form.scope.data, carriers=form.carriers.data,
        show_opinions_publicly=form.show_opinions_publicly.data, publish_due=form.publish_due.data,
        publish_period=form.publish_period.data, comment_opens_at=_start_of(form.comment_opens_on.data),
        comment_closes_at=end_of_local_day(form.comment_closes_on.data) if form.comment_closes_on.data else None,
    )


def _apply_errors(form, failure: ValidationFailed, fallback: str = "title") -> None:
    aliases = {"comment_closes_at": "comment_closes_on", "comment_opens_at": "comment_opens_on"}
    for field, messages in failure.errors.items():
        target = getattr(form, aliases.get(field, field), None) or getattr(form, fallback)
        target.errors = list(target.errors or []) + [str(m) for m in messages]


def _item(item_id: int) -> Disclosure:
    item = db.session.get(Disclosure, item_id)
    if item is None:
        raise NotFound(_("There is no such item."))
    return item


# --- items -------------------------------------------------------------------------------

@bp.get("/items")
@roles_required(*READERS)
def items():
    state = request.args.get("state", "")
    rows = db.session.scalars(select(Disclosure).order_by(Disclosure.updated_at.desc())).all()
    if state:
        rows = [r for r in rows if r.workflow_state == state]
    overdue, upcoming = disclosures.due_items()
    return render_template("editor/items.html", items=rows, state=state, overdue=overdue, upcoming=upcoming)


@bp.get("/due")
@roles_required(*READERS)
def due():
    overdue, upcoming = disclosures.due_items(days_ahead=int_arg("days", default=30, high=366))
    return render_template("editor/due.html", overdue=overdue, upcoming=upcoming)


@bp.route("/items/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new_item():
    form = _item_form()
    if form.validate_on_submit():
        try:
            item = disclosures.create_item(user=current_user, **_item_values(form))
        except ValidationFailed as failure:
            _apply_errors(form, failure)
        else:
            flash(_("Draft saved. Submit it for approval when it is ready."), "success")
            return redirect(url_for("editor.item", item_id=item.id))
    return render_template("editor/item_form.html", form=form, item=None), (422 if form.errors else 200)


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_item(item_id: int):
    item = _item(item_id)
    form = _item_form(item)
    if form.validate_on_submit():
        try:
            disclosures.update_item(user=current_user, item_id=item.id, **_item_values(form))
        except ValidationFailed as failure:
            _apply_errors(form, failure)
        else:
            if item.current_version is not None:
                flash(_("Saved as a revision. Version %(n)d stays published until the revision is approved "
                        "and published.", n=item.current_version.number), "success")
            else:
                flash(_("Draft saved."), "success")
            return redirect(url_for("editor.item", item_id=item.id))
    return render_template("editor/item_form.html", form=form, item=item), (422 if form.errors else 200)


@bp.get("/items/<int:item_id>")
@roles_required(*READERS)
def item(item_id: int):
    row = _item(item_id)
    return render_template(
        "editor/item.html", item=row, steps=audit.trail("disclosure", row.id),
        approve_form=ApproveForm(), reason_form=ReasonForm(), attachment_form=AttachmentForm(),
        attachments=disclosures.active_attachments(row.id), can_approve=current_user.has_role(*APPROVERS),
    )


def _workflow_step(item_id: int, action, success: str):
    try:
        action()
    except ValidationFailed as failure:
        for messages in failure.errors.values():
            for message in messages:
                flash(str(message), "error")
    else:
        flash(success, "success")
    return redirect(url_for("editor.item", item_id=item_id))


@bp.post("/items/<int:item_id>/submit")
@roles_required(*EDITORS)
def submit(item_id: int):
    if not FlaskForm().validate_on_submit():
        return redirect(url_for("editor.item", item_id=item_id))
    return _workflow_step(item_id, lambda: disclosures.submit_item(user=current_user, item_id=item_id),
                          _("Submitted for approval."))


@bp.post("/items/<int:item_id>/approve")
@roles_required(*APPROVERS)
def approve(item_id: int):
    form = ApproveForm()
    return _workflow_step(item_id, lambda: disclosures.approve_item(
        user=current_user, item_id=item_id, approval_opinion=form.approval_opinion.data if form.validate_on_submit() else ""),
        _("Approved. An editor can now publish it."))


@bp.post("/items/<int:item_id>/return")
@roles_required(*APPROVERS)
def return_to_editor(item_id: int):
    form = ReasonForm()
    return _workflow_step(item_id, lambda: disclosures.return_item(
        user=current_user, item_id=item_id, reason=form.reason.data if form.validate_on_submit() else ""),
        _("Returned to the editor."))


@bp.post("/items/<int:item_id>/withdraw")
@roles_required(*EDITORS)
def withdraw(item_id: int):
    form = ReasonForm()
    return _workflow_step(item_id, lambda: disclosures.withdraw_item(
        user=current_user, item_id=item_id, reason=form.reason.data if form.validate_on_submit() else ""),
        _("Withdrawn. Its versions stay in the archive."))


@bp.route("/items/<int:item_id>/publish", methods=["GET", "POST"])
@roles_required(*EDITORS)
def publish(item_id: int):
    item = _item(item_id)
    form = RecordPublishForm()
    if form.validate_on_submit():
        try:
            version = disclosures.publish_item(
                user=current_user, item_id=item.id, approver_name=form.approver_name.data,
                approval_opinion=form.approval_opinion.data, comment_days=form.comment_days.data,
                change_note=form.change_note.data,
            )
        except ValidationFailed as failure:
            _apply_errors(form, failure, fallback="approver_name")
        else:
            flash(_("Version %(n)d is published.", n=version.number), "success")
            return redirect(url_for("editor.item", item_id=item.id))
    return render_template("editor/publish.html", form=form, item=item), (422 if form.errors else 200)


@bp.post("/items/<int:item_id>/attachments")
@roles_required(*EDITORS)
def upload_attachment(item_id: int):
    form = AttachmentForm()
    if form.validate_on_submit() and form.file.data:
        upload = form.file.data
        return _workflow_step(item_id, lambda: disclosures.add_attachment(
            user=current_user, item_id=item_id, filename=upload.filename or "", data=upload.read()),
            _("The file is attached. It is published with the next version."))
    flash(_("Choose a file to attach."), "error")
    return redirect(url_for("editor.item", item_id=item_id))


@bp.post("/items/<int:item_id>/attachments/<int:attachment_id>/remove")
@roles_required(*EDITORS)
def remove_attachment(item_id: int, attachment_id: int):
    if not FlaskForm().validate_on_submit():
        return redirect(url_for("editor.item", item_id=item_id))
    return _workflow_step(item_id, lambda: disclosures.remove_attachment(
        user=current_user, item_id=item_id, attachment_id=attachment_id),
        _("Removed from the working copy; published versions keep listing it."))


# --- catalogue -----------------------------------------------------------------------------

@bp.get("/catalogue")
@roles_required(*EDITORS)
def catalogues():
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.id)).all()
    return render_template("editor/catalogues.html", organisations=organisations)


def _parent_choices(organisation_id: int, exclude: Heading | None = None):
    rows = db.session.scalars(select(Heading).where(Heading.organisation_id == organisation_id,
                                                    Heading.level < 3).order_by(Heading.code))
    return [(0, _("— first level —"))] + [(h.id, f"{h.code} {localised_name(h)}") for h in rows
                                         if exclude is None or h.id != exclude.id]


def _catalogue_page(organisation: Organisation, heading_form=None, import_form=None, status=200):
    heading_form = heading_form or HeadingForm()
    heading_form.parent_id.choices = _parent_choices(organisation.id)
    attach_forms = {}
    if organisation.parent_id:
        parents = db.session.scalars(select(Heading).where(Heading.organisation_id == organisation.parent_id)
                                     .order_by(Heading.code)).all()
        for top in catalogue.tree(organisation.id):
            form = AttachForm(prefix=f"attach-{top.id}", under_heading_id=top.attached_under_id or 0)
            form.under_heading_id.choices = [(0, _("— not attached —"))] + [
                (h.id, f"{h.code} {localised_name(h)}") for h in parents]
            attach_forms[top.id] = form
    return render_template("editor/catalogue.html", organisation=organisation, roots=catalogue.tree(organisation.id),
                           heading_form=heading_form, import_form=import_form or ImportForm(),
                           attach_forms=attach_forms), status


def _organisation(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(_("There is no such organisation."))
    return organisation


@bp.get("/catalogue/<int:organisation_id>")
@roles_required(*EDITORS)
def catalogue_page(organisation_id: int):
    return _catalogue_page(_organisation(organisation_id))


@bp.post("/catalogue/<int:organisation_id>/headings")
@roles_required(*EDITORS)
def add_heading(organisation_id: int):
    organisation = _organisation(organisation_id)
    form = HeadingForm()
    form.parent_id.choices = _parent_choices(organisation.id)
    if form.validate_on_submit():
        try:
            catalogue.create_heading(user=current_user, organisation_id=organisation.id, code=form.code.data,
                                     name_zh=form.name_zh.data, name_en=form.name_en.data or "",
                                     description=form.description.data or "", parent_id=form.parent_id.data or None)
        except ValidationFailed as failure:
            _apply_errors(form, failure, fallback="code")
        else:
            flash(_("Heading added."), "success")
            return redirect(url_for("editor.catalogue_page", organisation_id=organisation.id))
    return _catalogue_page(organisation, heading_form=form, status=422)


@bp.route("/headings/<int:heading_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_heading(heading_id: int):
    heading = db.session.get(Heading, heading_id)
    if heading is None:
        raise NotFound(_("There is no such heading."))
    form = HeadingForm(obj=heading) if request.method == "GET" else HeadingForm()
    if request.method == "GET":
        form.parent_id.data = heading.parent_id or 0
    form.parent_id.choices = _parent_choices(heading.organisation_id, exclude=heading)
    if form.validate_on_submit():
        try:
            catalogue.update_heading(user=current_user, heading_id=heading.id, code=form.code.data,
                                     name_zh=form.name_zh.data, name_en=form.name_en.data or "",
                                     description=form.description.data or "", parent_id=form.parent_id.data or None)
        except ValidationFailed as failure:
            _apply_errors(form, failure, fallback="code")
        else:
            flash(_("Heading saved."), "success")
            return redirect(url_for("editor.catalogue_page", organisation_id=heading.organisation_id))
    return render_template("editor/heading_form.html", form=form, heading=heading), (422 if form.errors else 200)


@bp.post("/catalogue/<int:organisation_id>/attach/<int:heading_id>")
@roles_required(*EDITORS)
def attach(organisation_id: int, heading_id: int):
    organisation = _organisation(organisation_id)
    form = AttachForm(prefix=f"attach-{heading_id}")
    # any id; the service checks it belongs to the parent organisation (None choices would crash)
    form.under_heading_id.choices, form.under_heading_id.validate_choice = [], False
    if form.validate_on_submit() or request.form.get(f"attach-{heading_id}-under_heading_id") is not None:
        under = whole_number(request.form.get(f"attach-{heading_id}-under_heading_id", ""),
                             "under_heading_id", default=0)
        return_to = url_for("editor.catalogue_page", organisation_id=organisation.id)
        try:
            catalogue.attach_catalogue(user=current_user, heading_id=heading_id, under_heading_id=under or None)
        except ValidationFailed as failure:
            for messages in failure.errors.values():
                flash(" ".join(str(m) for m in messages), "error")
        else:
            flash(_("The catalogue link is saved."), "success")
        return redirect(return_to)
    return redirect(url_for("editor.catalogue_page", organisation_id=organisation.id))


@bp.post("/catalogue/<int:organisation_id>/import")
@roles_required(*EDITORS)
def import_catalogue(organisation_id: int):
    organisation = _organisation(organisation_id)
    form = ImportForm()
    if form.validate_on_submit() and form.file.data:
        raw = form.file.data.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            form.file.errors = [_("Save the file as UTF-8 CSV and try again.")]
        else:
            try:
                result = catalogue.import_csv(user=current_user, organisation_id=organisation.id, text=text)
            except ValidationFailed as failure:
                form.file.errors = [str(m) for m in failure.errors.get("file", [failure.message])]
            else:
                flash(_("%(created)d heading(s) created, %(updated)d updated.", created=result.created,
                        updated=result.updated), "success")
                return redirect(url_for("editor.catalogue_page", organisation_id=organisation.id))
    elif not form.errors:
        form.file.errors = [_("Choose a CSV file.")]
    return _catalogue_page(organisation, import_form=form, status=422)


@bp.get("/catalogue/<int:organisation_id>.csv")
@roles_required(*EDITORS)
def export_catalogue(organisation_id: int):
    organisation = _organisation(organisation_id)
    body = "\ufeff" + catalogue.export_csv(organisation_id=organisation.id)
    return Response(body, content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename=catalogue-{organisation.key}.csv"})
