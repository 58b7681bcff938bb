"""Files sent with an opinion: opened by the public once released, by the staff who
handle the opinion always; released or withheld by a moderator."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..services import opinion_files
from ..services.errors import NotFound
from .access import roles_required

bp = Blueprint("opinion_files", __name__)


@bp.get("/opinion-files/<int:file_id>")
def show(file_id: int):
    row, path = opinion_files.readable_file(file_id=file_id, viewer=current_user)
    if not path.is_file():
        raise NotFound(_("There is no such file."))
    response = send_file(
        path,
        mimetype=row.content_type,
        download_name=row.filename,
        as_attachment=not row.is_image,
        conditional=True,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    if not opinion_files.shown_in_public(row):
        response.headers["Cache-Control"] = "private, no-store"  # staff only: no shared caches
    return response


@bp.post("/moderation/opinion-files/<int:file_id>/release")
@roles_required("moderator")
def release(file_id: int):
    released = request.form.get("released") == "1"
    row = opinion_files.set_released(user=current_user, file_id=file_id, released=released)
    flash(
        _("The file is shown in public.")
        if released
        else _("The file is no longer shown in public."),
        "success",
    )
    return redirect(url_for("moderation.opinion", opinion_id=row.opinion_id))


@bp.app_template_global("opinion_files_of")
def opinion_files_of(opinion_id: int):
    """The files of one opinion, for the staff pages that show the opinion."""
    return opinion_files.files_of(opinion_id)
