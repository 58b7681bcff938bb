"""Staff login and logout.

Sessions are revocable: the cookie holds the account's id and its session version, and a
session whose version is no longer the account's (logout, a new password) or whose
account is disabled is no session at all. Login is throttled per address and per account
name (known or not), and an unknown name costs the same password hashing as a known one.
"""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import click
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db, limiter
from ..forms import LoginForm
from ..services import accounts
from ..models import User

bp = Blueprint("auth", __name__, url_prefix="/auth")

HOME_BY_ROLE = {
    "department_staff": "department.queue",
    "department_head": "department.queue",
    "editor": "editor.items",
    "admin": "editor.items",
    "dispatcher": "dispatch.triage",
    "moderator": "moderation.queue",
    "committee_member": "committee.index",
    "supervisor": "supervision.index",
}

# Failed logins per account name (whether or not the account exists), then per address.
ACCOUNT_LIMITS = "5 per 15 minutes;20 per day"
ADDRESS_LIMITS = "20 per minute;200 per day"


def user_from_session(session_id: str) -> User | None:
    """The Flask-Login user loader: `id:version`, the version still current, enabled."""
    user_id, _sep, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()) or len(user_id) > 18:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_enabled or (user.session_version or 0) != int(version):
        return None
    return user


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never a redirect to another one. Browsers drop tabs and
    line breaks and read a backslash as a slash, so "/\\t/evil.example" means another site."""
    if not target or any(ord(c) < 0x21 or c in "\\\x7f" for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash("not-anybody's-password")


def _authenticate(username: str, password: str) -> User | None:
    """The account when the password fits; an unknown name costs the same hashing."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.is_enabled:
        return None
    return user


def _account_key() -> str:
    name = (request.form.get("username") or "").strip().casefold()
    return f"login-account:{name}"


def _failed(response) -> bool:
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(ADDRESS_LIMITS, methods=["POST"])
@limiter.limit(ACCOUNT_LIMITS, methods=["POST"], key_func=_account_key, deduct_when=_failed,
               error_message="login-account")
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = _authenticate(form.username.data.strip(), form.password.data)
        if user is not None:
            login_user(user)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            home = url_for(HOME_BY_ROLE.get(user.role, "public.home"))
            return redirect(_safe_next(request.args.get("next")) or home)
        form.password.errors = [_("The user name or password is wrong.")]
    return render_template("auth/login.html", form=form), (422 if form.errors else 200)


@bp.post("/logout")
@login_required
def logout():
    """Ends this session and every other one of the account (the version moves on)."""
    user = db.session.get(User, current_user.id)
    user.end_sessions()
    db.session.commit()
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("public.home"))


@bp.before_app_request
def _load_the_user_again():
    """Flask-Login keeps the user on `g`, which outlives a request when an app context was
    already pushed (jobs run in-process, tests): check the session on every request."""
    g.pop("_login_user", None)


def _account(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no account {username!r}")
    return user


@bp.cli.command("create")
@click.argument("username")
@click.option("--role", required=True, help="admin, editor, department_staff, department_head, dispatcher, "
              "committee_member, supervisor, moderator or member")
@click.option("--name", "display_name", default="", help="the name shown to colleagues (default: the user name)")
@click.option("--department", "department_key", default=None, help="the department's key (staff and heads)")
@click.password_option()
def create_command(username: str, role: str, display_name: str, department_key: str | None, password: str):
    """Create a staff account (the password is asked twice, never put on the command line)."""
    from ..services import accounts
    from ..services.errors import ValidationFailed

    try:
        accounts.create(user=None, username=username, role=role, display_name=display_name,
                        password=password, department_key=department_key)
    except ValidationFailed as failure:
        raise click.ClickException("; ".join(str(m) for ms in failure.errors.values() for m in ms))
    click.echo(f"{username} created ({role})")


@bp.cli.command("end-sessions")
@click.argument("username")
def end_sessions_command(username: str):
    """End every session of an account (a lost laptop, a shared password)."""
    accounts.end_sessions(user=None, target=_account(username))
    click.echo(f"every session of {username} has ended")


@bp.cli.command("set-password")
@click.argument("username")
@click.password_option()
def set_password_command(username: str, password: str):
    """Give an account a new password; its sessions end."""
    if len(password) < accounts.MIN_PASSWORD_CHARS:
        raise click.ClickException(f"a password has at least {accounts.MIN_PASSWORD_CHARS} characters")
    _account(username).set_password(password)
    db.session.commit()
    click.echo(f"new password set for {username}; its sessions have ended")


@bp.cli.command("disable")
@click.argument("username")
def disable_command(username: str):
    """Disable an account: it can no longer log in, and its sessions end at once."""
    accounts.disable(user=None, target=_account(username))
    click.echo(f"{username} is disabled")


@bp.cli.command("enable")
@click.argument("username")
def enable_command(username: str):
    """Let a disabled account log in again with its password."""
    accounts.enable(user=None, target=_account(username))
    click.echo(f"{username} is enabled")


@bp.app_context_processor
def inject_user():
    return {"user": current_user}
