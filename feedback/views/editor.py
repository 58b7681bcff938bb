"""Editors draft items and publish them with the approval record."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..forms import ItemForm, PublishForm
from ..i18n import localised_name
from ..models import Department, Disclosure, Heading
from ..services import disclosures
from ..services.errors import NotFound, ValidationFailed
from .access import roles_required

bp = Blueprint("editor", __name__, url_prefix="/editor")
EDITORS = ("editor",)


def _item_form() -> ItemForm:
    form = ItemForm()
    headings = db.session.scalars(select(Heading).order_by(Heading.organisation_id, Heading.code))
    form.heading_id.choices = [(h.id, f"{h.code} {localised_name(h)}") for h in headings]
    departments = db.session.scalars(select(Department).order_by(Department.id))
    form.department_id.choices = [(d.id, localised_name(d)) for d in departments]
    return form


def _apply_errors(form, failure: ValidationFailed) -> None:
    for field, messages in failure.errors.items():
        target = getattr(form, field, None) or form.title
        target.errors = list(target.errors or []) + [str(m) for m in messages]


@bp.get("/items")
@roles_required(*EDITORS)
def items():
    rows = db.session.scalars(select(Disclosure).order_by(Disclosure.updated_at.desc())).all()
    return render_template("editor/items.html", items=rows)


@bp.route("/items/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new_item():
    form = _item_form()
    if form.validate_on_submit():
        try:
            item = disclosures.create_item(
                user=current_user, heading_id=form.heading_id.data, department_id=form.department_id.data,
                title=form.title.data, body=form.body.data, scope=form.scope.data,
                carriers=form.carriers.data, show_opinions_publicly=form.show_opinions_publicly.data,
            )
        except ValidationFailed as failure:
            _apply_errors(form, failure)
        else:
            flash(_("Draft saved. Record the approval to publish it."), "success")
            return redirect(url_for("editor.publish", item_id=item.id))
    return render_template("editor/item_form.html", form=form), (422 if form.errors else 200)


@bp.route("/items/<int:item_id>/publish", methods=["GET", "POST"])
@roles_required(*EDITORS)
def publish(item_id: int):
    item = db.session.get(Disclosure, item_id)
    if item is None:
        raise NotFound(_("There is no such item."))
    form = PublishForm()
    if form.validate_on_submit():
        try:
            version = disclosures.publish_item(
                user=current_user, item_id=item.id, approver_name=form.approver_name.data,
                approval_opinion=form.approval_opinion.data, comment_days=form.comment_days.data,
            )
        except ValidationFailed as failure:
            _apply_errors(form, failure)
        else:
            flash(_("Version %(n)d is published.", n=version.number), "success")
            return redirect(url_for("editor.items"))
    return render_template("editor/publish.html", form=form, item=item), (422 if form.errors else 200)
