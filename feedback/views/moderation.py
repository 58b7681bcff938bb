"""Moderators: the opinions rules held back, and publish / hide with a reason / restore."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..forms import ModerationForm
from ..services import audit, moderation
from ..services.errors import ValidationFailed
from .access import roles_required

bp = Blueprint("moderation", __name__, url_prefix="/moderation")
STATES = ("held", "hidden", "published")


@bp.get("/")
@roles_required(*moderation.MODERATOR_ROLES)
def queue():
    state = request.args.get("state", "held")
    state = state if state in STATES else "held"
    return render_template("moderation/queue.html", opinions=moderation.queue(user=current_user, state=state),
                           state=state, counts=moderation.counts(user=current_user), form=ModerationForm(),
                           describe=moderation.describe)


@bp.get("/opinions/<int:opinion_id>")
@roles_required(*moderation.MODERATOR_ROLES)
def opinion(opinion_id: int):
    from ..models import Opinion
    from ..extensions import db
    from ..services.errors import NotFound

    row = db.session.get(Opinion, opinion_id)
    if row is None:
        raise NotFound(_("There is no such opinion."))
    return render_template("moderation/opinion.html", opinion=row, form=ModerationForm(),
                           steps=audit.trail("opinion", row.id), describe=moderation.describe)


def _act(opinion_id: int, action: str):
    form = ModerationForm()
    if not form.validate_on_submit():
        flash(_("The form expired or was sent from elsewhere. Please reload the page and try again."), "error")
        return redirect(url_for("moderation.opinion", opinion_id=opinion_id))
    try:
        if action == "publish":
            moderation.publish(user=current_user, opinion_id=opinion_id)
            flash(_("The opinion is published."), "success")
        elif action == "hide":
            moderation.hide(user=current_user, opinion_id=opinion_id, reason=form.reason.data)
            flash(_("The opinion is hidden from the public."), "success")
        else:
            moderation.restore(user=current_user, opinion_id=opinion_id)
            flash(_("The opinion is restored."), "success")
    except ValidationFailed as failure:
        flash(str(failure.message), "error")
        return redirect(url_for("moderation.opinion", opinion_id=opinion_id))
    return redirect(request.form.get("back") if request.form.get("back", "").startswith("/moderation")
                    else url_for("moderation.queue"))


@bp.post("/opinions/<int:opinion_id>/publish")
@roles_required(*moderation.MODERATOR_ROLES)
def publish(opinion_id: int):
    return _act(opinion_id, "publish")


@bp.post("/opinions/<int:opinion_id>/hide")
@roles_required(*moderation.MODERATOR_ROLES)
def hide(opinion_id: int):
    return _act(opinion_id, "hide")


@bp.post("/opinions/<int:opinion_id>/restore")
@roles_required(*moderation.MODERATOR_ROLES)
def restore(opinion_id: int):
    return _act(opinion_id, "restore")
