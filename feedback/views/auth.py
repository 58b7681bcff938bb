from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from ..extensions import db, limiter
from ..forms import LoginForm
from ..models import User

bp = Blueprint("auth", __name__, url_prefix="/auth")

HOME_BY_ROLE = {
    "department_staff": "department.queue",
    "department_head": "department.queue",
    "editor": "editor.items",
    "admin": "editor.items",
}


def _safe_next(target: str | None) -> str | None:
    """Only local paths: never redirect a login to another site."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.username == form.username.data.strip()))
        if user is not None and user.is_enabled and user.check_password(form.password.data):
            login_user(user)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            home = url_for(HOME_BY_ROLE.get(user.role, "public.home"))
            return redirect(_safe_next(request.args.get("next")) or home)
        form.password.errors = [_("The user name or password is wrong.")]
    return render_template("auth/login.html", form=form), (422 if form.errors else 200)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("public.home"))


@bp.app_context_processor
def inject_user():
    return {"user": current_user}
