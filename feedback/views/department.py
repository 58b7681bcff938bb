"""A department's queue: see only your own department's opinions, accept, answer."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..forms import AnswerForm
from ..services import audit, responses
from ..services.errors import ValidationFailed
from .access import roles_required

bp = Blueprint("department", __name__, url_prefix="/department")
STAFF = ("department_staff", "department_head")


@bp.get("/queue")
@roles_required(*STAFF)
def queue():
    status = request.args.get("status", "open")
    return render_template(
        "department/queue.html",
        opinions=responses.department_queue(user=current_user, status=status),
        status=status,
    )


@bp.get("/opinions/<int:opinion_id>")
@roles_required(*STAFF)
def opinion(opinion_id: int):
    item = responses.opinion_for_staff(user=current_user, opinion_id=opinion_id)
    return render_template("department/opinion.html", opinion=item, form=AnswerForm(),
                           steps=audit.trail("opinion", item.id))


@bp.post("/opinions/<int:opinion_id>/accept")
@roles_required(*STAFF)
def accept(opinion_id: int):

    responses.accept_opinion(user=current_user, opinion_id=opinion_id)
    return redirect(url_for("department.opinion", opinion_id=opinion_id))


@bp.post("/opinions/<int:opinion_id>/answer")
@roles_required(*STAFF)
def answer(opinion_id: int):
    item = responses.opinion_for_staff(user=current_user, opinion_id=opinion_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            response = responses.answer_opinion(user=current_user, opinion_id=item.id,
                                                text=form.text.data,
                                                whole_cluster=form.whole_cluster.data)
        except ValidationFailed as failure:
            form.text.errors = [str(m) for m in failure.errors.get("text", [failure.message])]
        else:
            flash(_("The answer is published to %(n)d opinion(s).", n=len(response.opinions)), "success")
            return redirect(url_for("department.queue"))
    return render_template("department/opinion.html", opinion=item, form=form,
                           steps=audit.trail("opinion", item.id)), 422
