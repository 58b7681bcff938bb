"""Registered intake channels: kiosks in service halls and API keys of other channels.

A secret is generated here, shown once to whoever registers the device or key, and
stored only as its SHA-256; requests are recognised by hashing what they present.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import User
from ..models.base import utcnow
from ..models.channels import ChannelKey, KioskDevice
from ..models.opinions import CHANNELS
from ..synthesis.text import strip_control_characters
from . import audit
from .errors import NotFound, PermissionDenied, ValidationFailed

ADMIN_ROLES = ("admin",)
# Channels an API key may stand for: the web form and kiosks have their own intake.
KEY_CHANNELS = tuple(c for c in CHANNELS if c not in ("web", "kiosk"))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# --- receipts a kiosk can print while the server is away --------------------------------
# A kiosk form page carries a few tracking codes reserved for that device, each signed
# with the app's secret. The kiosk sends the code with the opinion; while offline it
# already prints the receipt with that code, and the opinion gets it when it arrives.
# Nothing is stored at reservation: an unused code simply never appears.

def receipt_signature(device: KioskDevice, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, f"kiosk-receipt:{device.id}:{code}".encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def spare_receipt_codes(device: KioskDevice, count: int) -> list[tuple[str, str]]:
    """(tracking code, signature) pairs this kiosk may hand out before its opinions arrive."""
    from .opinions import new_tracking_code, tracking_code_in_use

    codes = []
    while len(codes) < count:
        code = new_tracking_code()
        if not tracking_code_in_use(code):
            codes.append((code, receipt_signature(device, code)))
    return codes


def reserved_code(device: KioskDevice, code, signature) -> str | None:
    """The code when this kiosk was given it (signature matches), else None."""
    if not isinstance(code, str) or not isinstance(signature, str):
        return None
    return code if hmac.compare_digest(receipt_signature(device, code), signature) else None


def _require_admin(user: User | None) -> None:
    """`user=None` is the operator at the command line (`flask kiosk register`)."""
    if user is not None and not user.has_role(*ADMIN_ROLES):
        raise PermissionDenied(_l("Only administrators may register channels."))


def _clean_name(name: str | None) -> str:
    name = strip_control_characters(name or "").strip()
    if not name:
        raise ValidationFailed({"name": [_l("Give it a name people will recognise.")]})
    if len(name) > 120:
        raise ValidationFailed({"name": [_l("Keep the name under %(n)d characters.", n=120)]})
    return name


def register_kiosk(*, user: User | None, name: str, location: str = "") -> tuple[KioskDevice, str]:
    """A new kiosk and its token (returned once; only the hash is kept)."""
    _require_admin(user)
    name = _clean_name(name)
    token = "kiosk_" + secrets.token_urlsafe(24)
    device = KioskDevice(name=name, location=strip_control_characters(location or "").strip()[:200],
                         token_hash=_digest(token))
    db.session.add(device)
    db.session.flush()
    audit.record(device, "registered", actor=user, actor_label=None if user else "system:cli",
                 to_state="enabled", name=name)
    db.session.commit()
    return device, token


def create_channel_key(*, user: User | None, name: str, channel: str) -> tuple[ChannelKey, str]:
    """A new API key for another channel (SMS gateway, messaging account)."""
    _require_admin(user)
    name = _clean_name(name)
    if channel not in KEY_CHANNELS:
        raise ValidationFailed({"channel": [_l("Choose one of: %(c)s", c=", ".join(KEY_CHANNELS))]})
    secret = "fbk_" + secrets.token_urlsafe(32)
    key = ChannelKey(name=name, channel=channel, key_prefix=secret[:10], key_hash=_digest(secret))
    db.session.add(key)
    db.session.flush()
    audit.record(key, "created", actor=user, actor_label=None if user else "system:cli",
                 to_state="enabled", name=name, channel=channel)
    db.session.commit()
    return key, secret


def disable(*, user: User | None, row: KioskDevice | ChannelKey) -> None:
    _require_admin(user)
    if row.is_enabled:
        row.is_enabled = False
        audit.record(row, "disabled", actor=user, actor_label=None if user else "system:cli",
                     from_state="enabled", to_state="disabled")
        db.session.commit()


def kiosks(*, user: User | None) -> list[KioskDevice]:
    """Every registered kiosk, enabled ones first (for the administrator page)."""
    _require_admin(user)
    query = select(KioskDevice).order_by(KioskDevice.is_enabled.desc(), KioskDevice.id)
    return list(db.session.scalars(query))


def channel_keys(*, user: User | None) -> list[ChannelKey]:
    """Every channel key, enabled ones first (prefix only: the secret is never kept)."""
    _require_admin(user)
    query = select(ChannelKey).order_by(ChannelKey.is_enabled.desc(), ChannelKey.id)
    return list(db.session.scalars(query))


def get_kiosk(*, user: User | None, kiosk_id: int) -> KioskDevice:
    _require_admin(user)
    device = db.session.get(KioskDevice, kiosk_id)
    if device is None:
        raise NotFound(_l("There is no kiosk number %(id)d.", id=kiosk_id))
    return device


def get_channel_key(*, user: User | None, key_id: int) -> ChannelKey:
    _require_admin(user)
    key = db.session.get(ChannelKey, key_id)
    if key is None:
        raise NotFound(_l("There is no channel key number %(id)d.", id=key_id))
    return key


def kiosk_by_token(token: str | None) -> KioskDevice | None:
    """The enabled kiosk holding `token`, or None."""
    if not token:
        return None
    return db.session.scalar(
        select(KioskDevice).where(KioskDevice.token_hash == _digest(token), KioskDevice.is_enabled.is_(True))
    )


def channel_key_by_secret(secret: str | None) -> ChannelKey | None:
    """The enabled channel key for `secret`, or None."""
    if not secret:
        return None
    return db.session.scalar(
        select(ChannelKey).where(ChannelKey.key_hash == _digest(secret), ChannelKey.is_enabled.is_(True))
    )


def touch(row: KioskDevice | ChannelKey) -> None:
    """Note that a device or key was used (committed with the opinion it sent)."""
    now = utcnow()
    if isinstance(row, KioskDevice):
        row.last_seen_at = now
    else:
        row.last_used_at = now
