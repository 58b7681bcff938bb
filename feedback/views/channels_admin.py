"""Administrators: kiosks and channel API keys (what `flask kiosk …` and `flask api …` do).

A new kiosk's activation link and a new key's secret are shown once, in the answer to
the POST that created them: never flashed (a flash lives in the session cookie), never
logged, never on the list page, which shows a key's prefix only. Every change goes to
the audit trail through `services.channels`.
"""
from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..forms import ChannelKeyForm, ConfirmForm, KioskForm, key_channel_choices
from ..links import public_url
from ..services import channels
from ..services.errors import ValidationFailed
from .access import roles_required

bp = Blueprint("channels_admin", __name__, url_prefix="/admin/channels")


@bp.after_request
def _no_store(response):
    """The answer to a registration carries a secret: no cache may keep any of these pages."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _page(*, kiosk_form=None, key_form=None, issued=None, status=200):
    if kiosk_form is None:
        kiosk_form = KioskForm(prefix="kiosk", formdata=None)
    if key_form is None:
        key_form = ChannelKeyForm(prefix="key", formdata=None)
    return make_response(render_template(
        "admin/channels.html",
        kiosks=channels.kiosks(user=current_user),
        keys=channels.channel_keys(user=current_user),
        kiosk_form=kiosk_form,
        key_form=key_form,
        confirm_form=ConfirmForm(),
        channel_labels=dict(key_channel_choices()),
        issued=issued,
    ), status)


def _apply_errors(form, failure: ValidationFailed) -> None:
    for field, messages in failure.errors.items():
        target = getattr(form, field, None) or form.name
        target.errors = list(target.errors or []) + [str(m) for m in messages]


def _expired() -> str:
    return _("The form expired or was sent from elsewhere. Please reload the page and try again.")


def _form_expired(form) -> None:
    form.name.errors = list(form.name.errors or []) + [_expired()]


@bp.get("/")
@roles_required("admin")
def index():
    return _page()


def _issue(form, form_name: str, kind: str, create):
    """Validate `form`, call `create(form)` -> (row, secret) and show the secret once, in
    this answer only; or show the form again with its errors (422)."""
    if form.validate_on_submit():
        if _sent_before(form):
            flash(_("This form was sent before and did its work then; its secret was shown once. "
                    "If it was lost, disable that entry and create a new one."), "info")
            return redirect(url_for("channels_admin.index"), 303)
        try:
            row, secret = create(form)
        except ValidationFailed as failure:
            _apply_errors(form, failure)
        else:
            _remember_sent(form)
            return _page(issued={"kind": kind, "row": row, "secret": secret})
    elif not form.errors.keys() - {"csrf_token"}:
        _form_expired(form)
    return _page(**{form_name: form}, status=422)


SENT_FORMS_KEPT = 20


def _sent_before(form) -> bool:
    """A reload of the answer page sends the same form again: its submission id is known."""
    return bool(form.submission_id.data) and form.submission_id.data in session.get("sent_forms", [])


def _remember_sent(form) -> None:
    if form.submission_id.data:
        session["sent_forms"] = (session.get("sent_forms", []) + [form.submission_id.data])[-SENT_FORMS_KEPT:]


@bp.post("/kiosks")
@roles_required("admin")
def register_kiosk():
    def create(form):
        device, token = channels.register_kiosk(user=current_user, name=form.name.data, location=form.location.data)
        return device, public_url("kiosk.activate", token=token)

    return _issue(KioskForm(prefix="kiosk"), "kiosk_form", "kiosk", create)


@bp.post("/keys")
@roles_required("admin")
def create_key():
    def create(form):
        return channels.create_channel_key(user=current_user, name=form.name.data, channel=form.channel.data or "")

    return _issue(ChannelKeyForm(prefix="key"), "key_form", "key", create)


def _disable(row, done: str, already: str):
    if not ConfirmForm().validate_on_submit():
        flash(_expired(), "error")
    elif not row.is_enabled:
        flash(already, "info")
    else:
        channels.disable(user=current_user, row=row)
        flash(done, "success")
    return redirect(url_for("channels_admin.index"))


@bp.post("/kiosks/<int:kiosk_id>/disable")
@roles_required("admin")
def disable_kiosk(kiosk_id: int):
    device = channels.get_kiosk(user=current_user, kiosk_id=kiosk_id)
    return _disable(device,
                    _("Kiosk “%(name)s” is disabled: its screens are refused from now on.",
                      name=device.name),
                    _("Kiosk “%(name)s” was already disabled.", name=device.name))


@bp.post("/keys/<int:key_id>/disable")
@roles_required("admin")
def disable_key(key_id: int):
    key = channels.get_channel_key(user=current_user, key_id=key_id)
    return _disable(key,
                    _("Channel key “%(name)s” is disabled: requests with it are refused "
                      "from now on.", name=key.name),
                    _("Channel key “%(name)s” was already disabled.", name=key.name))
