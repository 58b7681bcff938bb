"""Staff accounts as administrators manage them on the web, the same steps as
`flask auth disable` and `flask auth end-sessions` on the command line.

Disabling an account refuses its next login and ends every session it has open (the
session version moves on); enabling it again lets it log in with its password. An
administrator never disables their own account, so the site always keeps one who can
undo a mistake. Every change goes to the audit trail.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import Department, User
from ..models.organisation import ROLES
from . import audit
from .errors import NotFound, PermissionDenied, ValidationFailed
from .paging import Page, paginate

ACCOUNTS_PER_PAGE = 50
MIN_PASSWORD_CHARS = 10
DEPARTMENT_ROLES = ("department_staff", "department_head")


def _require_admin(user: User | None) -> None:
    if user is not None and user.role != "admin":
        raise PermissionDenied(_l("Only administrators manage accounts."))


def _actor(user: User | None) -> dict:
    return {"actor": user, "actor_label": None if user else "system:cli"}


def account_page(*, user: User | None, page: int = 1) -> Page:
    """Enabled accounts first, then by role and name: the ones to act on stay on top."""
    _require_admin(user)
    query = select(User).order_by(User.is_enabled.desc(), User.role, User.username)
    return paginate(query, page=page, size=ACCOUNTS_PER_PAGE)


def account(*, user: User | None, account_id: int) -> User:
    _require_admin(user)
    found = db.session.get(User, account_id)
    if found is None:
        raise NotFound(_l("There is no such account."))
    return found


def disable(*, user: User | None, target: User) -> bool:
    """Disable `target` and end its sessions; False when it was disabled already."""
    _require_admin(user)
    if user is not None and target.id == user.id:
        raise PermissionDenied(_l("You cannot disable your own account; ask another administrator."))
    if not target.is_enabled:
        return False
    target.is_enabled = False
    target.end_sessions()
    audit.record(target, "disabled", from_state="enabled", to_state="disabled", **_actor(user))
    db.session.commit()
    return True


def enable(*, user: User | None, target: User) -> bool:
    """Let `target` log in again with its password; False when it was enabled already."""
    _require_admin(user)
    if target.is_enabled:
        return False
    target.is_enabled = True
    audit.record(target, "enabled", from_state="disabled", to_state="enabled", **_actor(user))
    db.session.commit()
    return True


def end_sessions(*, user: User | None, target: User) -> None:
    """Log `target` out everywhere (a lost phone, a shared screen); its password stays."""
    _require_admin(user)
    target.end_sessions()
    audit.record(target, "sessions_ended", **_actor(user))
    db.session.commit()


def create(*, user: User | None, username: str, role: str, display_name: str, password: str,
           department_key: str | None = None) -> User:
    """A new staff account. Department staff and heads belong to one department (its
    key); other roles to none."""
    _require_admin(user)
    username, display_name = (username or "").strip(), (display_name or "").strip()
    errors: dict[str, list] = {}
    if not username or len(username) > 80:
        errors["username"] = [_l("A user name has 1 to 80 characters.")]
    elif db.session.scalar(select(User.id).where(User.username == username)):
        errors["username"] = [_l("The user name %(name)s is taken.", name=username)]
    if role not in ROLES:
        errors["role"] = [_l("%(role)s is not a role; choose one of: %(roles)s.", role=role, roles=", ".join(ROLES))]
    if len(password or "") < MIN_PASSWORD_CHARS:
        errors["password"] = [_l("A password has at least %(n)d characters.", n=MIN_PASSWORD_CHARS)]
    department = _department(department_key) if department_key else None
    if department_key and department is None:
        errors["department"] = [_l("There is no department with the key %(key)s.", key=department_key)]
    if role in DEPARTMENT_ROLES and department is None and "department" not in errors:
        errors["department"] = [_l("Department staff and heads need their department's key.")]
    if errors:
        raise ValidationFailed(errors)
    account = User(username=username, role=role, display_name=display_name or username,
                   department_id=department.id if department and role in DEPARTMENT_ROLES else None)
    account.set_password(password)
    db.session.add(account)
    db.session.flush()
    audit.record(account, "created", to_state="enabled", role=role, **_actor(user))
    db.session.commit()
    return account


def _department(key: str) -> Department | None:
    return db.session.scalar(select(Department).where(Department.key == key.strip()))
