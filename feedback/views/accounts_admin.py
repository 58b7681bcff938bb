"""Administrators: staff accounts (disable, enable, log out everywhere). The steps are
`services.accounts`'; the command line has the same ones (`flask auth …`)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..forms import ConfirmForm
from ..services import accounts
from ..services.errors import ServiceError
from ..services.paging import page_number
from .access import roles_required

bp = Blueprint("accounts_admin", __name__, url_prefix="/admin/accounts")


@bp.get("/")
@roles_required("admin")
def index():
    return render_template("admin/accounts.html",
                           accounts=accounts.account_page(user=current_user, page=page_number(request.args.get("page"))),
                           confirm_form=ConfirmForm())


def _act(target, step, done: str, already: str | None = None):
    """Run `step(user=…, target=…)` after the confirmation form's CSRF check, then go
    back to the list (303) with what happened, in the reader's language. A step that
    returns False changed nothing (`already` says so)."""
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired or was sent from elsewhere. Please reload the page and try again."), "error")
    else:
        try:
            changed = step(user=current_user, target=target)
        except ServiceError as failure:
            flash(str(failure.message), "error")
        else:
            flash(done if changed is not False else already, "success" if changed is not False else "info")
    return redirect(url_for("accounts_admin.index", page=request.args.get("page")), 303)


def _target(account_id: int):
    return accounts.account(user=current_user, account_id=account_id)


@bp.post("/<int:account_id>/disable")
@roles_required("admin")
def disable(account_id: int):
    target = _target(account_id)
    return _act(target, accounts.disable,
                _("%(name)s's account is disabled and logged out everywhere.", name=target.display_name),
                _("%(name)s's account was already disabled.", name=target.display_name))


@bp.post("/<int:account_id>/enable")
@roles_required("admin")
def enable(account_id: int):
    target = _target(account_id)
    return _act(target, accounts.enable,
                _("%(name)s's account is enabled: it can log in with its password again.", name=target.display_name),
                _("%(name)s's account was already enabled.", name=target.display_name))


@bp.post("/<int:account_id>/end-sessions")
@roles_required("admin")
def end_sessions(account_id: int):
    target = _target(account_id)
    return _act(target, accounts.end_sessions,
                _("%(name)s is logged out on every device; the password is unchanged.", name=target.display_name))
