"""Kiosk mode: a touch screen in a service hall (党务信息查阅点).

A kiosk is a registered device: an administrator registers it (`flask --app feedback
kiosk register NAME`, or on /admin/channels) and opens the activation link once on the
device, which keeps the token in a cookie. Pages need that cookie; submissions are JSON sent by
kiosk.js with the token in the `X-Kiosk-Token` header (never a cookie, so no other
site can post in the kiosk's name) and an `Idempotency-Key`, kept in localStorage
until the server has answered: nothing typed is lost when the network drops. Each form
page also carries a few signed tracking codes reserved for the device, so a receipt
with a tracking code and QR code can be printed even while the server is away.
Rate limits count per device, not per address (many kiosks share one NAT address).
"""
from __future__ import annotations

from datetime import timedelta

import click
import segno
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import rate_limits
from ..extensions import csrf, db
from ..forms import stance_choices
from ..links import public_url
from ..models.base import utcnow
from ..services import channels, disclosures, opinions, paging
from ..services.errors import NotFound, ServiceError

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")
TOKEN_COOKIE = "kiosk_token"
TOKEN_HEADER = "X-Kiosk-Token"
RECEIPT_MINUTES = 30
KIOSK_TILES = 12  # tiles a screen; more items are on the next screens
SPARE_RECEIPTS = 3  # offline receipts a form page carries (one per submission while offline)
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def kiosk_rate_limit() -> str:
    return current_app.config.get("KIOSK_RATE_LIMIT", "120 per hour")


def current_device():
    """The kiosk this request comes from (header for submissions, cookie for pages)."""
    if not hasattr(request, "kiosk_device"):  # once per request (g may outlive it in tests)
        token = request.headers.get(TOKEN_HEADER) if request.method == "POST" else request.cookies.get(TOKEN_COOKIE)
        request.kiosk_device = channels.kiosk_by_token(token)
    return request.kiosk_device


def _device_limit_key() -> str:
    device = current_device()
    return f"kiosk:{device.id}" if device else f"kiosk-unknown:{request.remote_addr}"


@bp.before_request
def _require_registered_device():
    if request.endpoint == "kiosk.activate":
        return None
    if current_device() is None:
        message = _("This screen is not a registered kiosk. Ask an administrator to activate it.")
        if request.method == "POST":
            return jsonify({"error": message}), 403
        return render_template("kiosk/refused.html", message=message), 403
    return None


@bp.after_request
def _lock_down(response):
    """Nothing on a kiosk page may load from or send to another site."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/activate")
def activate():
    token = request.args.get("token", "")
    device = channels.kiosk_by_token(token)
    if device is None:
        return render_template("kiosk/refused.html",
                               message=_("This activation link is not valid or the kiosk was disabled.")), 403
    response = redirect(url_for("kiosk.start"))
    response.set_cookie(TOKEN_COOKIE, token, max_age=5 * 365 * 86400, httponly=True, samesite="Strict",
                        secure=request.is_secure, path="/kiosk")
    return response


def _page(template: str, **context):
    return render_template(template, device=current_device(), token=request.cookies.get(TOKEN_COOKIE),
                           idle_seconds=current_app.config.get("KIOSK_IDLE_SECONDS", 90), **context)


@bp.get("/")
def start():
    """Every item open for comments, twelve tiles a screen, the soonest to close first."""
    items = disclosures.open_for_comments_page(page=paging.page_number(request.args.get("page")),
                                               size=KIOSK_TILES)
    return _page("kiosk/start.html", items=items)


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=6, border=4, dark="#000", light="#fff")


def _spare_receipts() -> list[dict]:
    """Signed tracking codes, with their tracking URL and QR code, for receipts printed
    while the server cannot be reached (see `channels.spare_receipt_codes`)."""
    spares = []
    for code, signature in channels.spare_receipt_codes(current_device(), SPARE_RECEIPTS):
        url = tracking_url(code)
        spares.append({"code": code, "signature": signature, "url": url, "qr_svg": _qr_svg(url)})
    return spares


def _form_page(item):
    return _page("kiosk/form.html", item=item, stances=stance_choices(), spare_receipts=_spare_receipts())


@bp.get("/items/<int:item_id>")
def item_form(item_id: int):
    return _form_page(disclosures.public_item(item_id))


@bp.get("/opinion")
def general_form():
    return _form_page(None)


def _json_payload() -> dict:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ServiceError(_("The body must be a JSON object, sent as application/json in UTF-8."))
    for field in ("text", "stance", "contact", "contact_name", "receipt_code", "receipt_signature"):
        if payload.get(field) is not None and not isinstance(payload[field], str):
            raise ServiceError(_("Wrong type for this field."), field=field)
    item_id = payload.get("disclosure_id")
    if item_id is not None and (not isinstance(item_id, int) or isinstance(item_id, bool)):
        raise ServiceError(_("Wrong type for this field."), field="disclosure_id")
    return payload


@bp.post("/opinions")
@csrf.exempt  # authenticated by the X-Kiosk-Token header, which a browser never adds on its own
@rate_limits.counted(kiosk_rate_limit, key=_device_limit_key)
def submit():
    device = current_device()
    try:
        payload = _json_payload()
        retry_key = (request.headers.get("Idempotency-Key") or "").strip()[:200] or None
        channels.touch(device)
        submission = opinions.submit_opinion(
            text=payload.get("text"), stance=payload.get("stance"), disclosure_id=payload.get("disclosure_id"),
            channel="kiosk", contact=payload.get("contact") if payload.get("consent") is True else None,
            contact_name=payload.get("contact_name"),
            idempotency_key=f"kiosk:{device.id}:{retry_key}" if retry_key else None,
            source=f"kiosk:{device.id}",
            tracking_code=channels.reserved_code(device, payload.get("receipt_code"), payload.get("receipt_signature")),
        )
    except ServiceError as failure:
        body = {"error": str(failure.message)}
        if failure.errors:
            body["errors"] = {k: [str(m) for m in v] for k, v in failure.errors.items()}
        return jsonify(body), failure.status_code
    code = submission.opinion.tracking_code
    return jsonify({"tracking_code": code, "receipt_url": url_for("kiosk.receipt", code=code)}), (
        201 if submission.created else 200)


def tracking_url(code: str) -> str:
    """The public tracking page as its submitter gets it (with the rating key);
    KIOSK_PUBLIC_URL when the kiosk reaches the server by an address phones cannot (a
    hall's intranet)."""
    base = current_app.config.get("KIOSK_PUBLIC_URL")
    args = {"code": code, "key": opinions.rating_token(code)}  # a spare code's too
    return base.rstrip("/") + url_for("public.track", **args) if base else public_url(
        "public.track", **args)


@bp.get("/receipt/<code>")
def receipt(code: str):
    """Only this kiosk, and only shortly after: the next person cannot page back to it."""
    opinion = opinions.find_by_tracking_code(code)
    if (opinion is None or opinion.source != f"kiosk:{current_device().id}"
            or opinion.created_at < utcnow() - timedelta(minutes=RECEIPT_MINUTES)):
        raise NotFound(_("No opinion has this tracking code. Please check it and try again."))
    url = tracking_url(opinion.tracking_code)
    return _page("kiosk/receipt.html", opinion=opinion, tracking_url=url, qr_svg=_qr_svg(url))


def site_base_url(explicit: str | None = None) -> str:
    """The address people open the site at, for links printed outside a request:
    --base-url, else FEEDBACK_PUBLIC_URL, else http://FEEDBACK_HOST:FEEDBACK_PORT."""
    config = current_app.config
    base = explicit or config.get("PUBLIC_URL") or f"http://{config['HOST']}:{config['PORT']}"
    return base.rstrip("/")


@bp.cli.command("register")
@click.argument("name")
@click.option("--location", default="", help="Where the kiosk stands, e.g. 江川路街道社区事务受理中心")
@click.option("--base-url", default=None,
              help="Site address the kiosk opens (default: FEEDBACK_PUBLIC_URL, "
                   "else http://FEEDBACK_HOST:FEEDBACK_PORT)")
def register_command(name: str, location: str, base_url: str | None):
    """Register a kiosk and print its activation link (shown once)."""
    device, token = channels.register_kiosk(user=None, name=name, location=location)
    click.echo(f"kiosk {device.id} registered: {device.name}")
    click.echo(f"open once on the kiosk: {site_base_url(base_url)}/kiosk/activate?token={token}")


@bp.cli.command("disable")
@click.argument("kiosk_id", type=int)
def disable_command(kiosk_id: int):
    """Disable a kiosk (its token stops working)."""
    from ..models import KioskDevice

    device = db.session.get(KioskDevice, kiosk_id)
    if device is None:
        raise click.ClickException(f"no kiosk {kiosk_id}")
    channels.disable(user=None, row=device)
    click.echo(f"kiosk {kiosk_id} disabled")
