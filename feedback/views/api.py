"""JSON API for other channels and scripts: UTF-8 JSON, field errors on bad input."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint, current_app, jsonify, request, send_file
from flask_babel import gettext as _

from .. import rate_limits
from ..extensions import csrf
from ..i18n import localised_name
from ..links import public_url
from ..params import MAX_ID
from ..services import channels, disclosures, opinions, responses
from ..services.errors import NotFound, ServiceError, ValidationFailed
from .public import opinions_per_address, tracking_lookups

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookie-based auth here: nothing a forged cross-site request could ride on

OPINION_FIELDS = {"disclosure_id": (int, type(None)), "text": (str,), "stance": (str,),
                  "contact": (str, type(None)), "contact_name": (str, type(None))}


def _item_summary(item) -> dict:
    version = item.current_version
    return {
        "id": item.id,
        "title": version.title if version else item.title,
        "heading": localised_name(item.heading),
        "heading_id": item.heading_id,
        "department": localised_name(item.department),
        "published_at": version.published_at.isoformat() if version else None,
        "url": public_url("public.item", item_id=item.id),
    }


def _answer_json(response, answered: int | None = None) -> dict:
    return {
        "id": response.id,
        "department": localised_name(response.department),
        "text": response.text,
        "published_at": response.published_at.isoformat() if response.published_at else None,
        "opinions_answered": (answered if answered is not None
                              else responses.answered_count(response.id)),
    }


@bp.get("/disclosures")
def list_disclosures():
    return jsonify({"items": [_item_summary(i) for i in disclosures.public_items()]})


@bp.get("/disclosures/<int:item_id>")
def get_disclosure(item_id: int):
    item = disclosures.public_item(item_id)
    body = _item_summary(item)
    body["body"] = item.current_version.body if item.current_version else item.body
    answers = responses.published_answers_for_item(item.id)
    counts = responses.answered_counts([r.id for r in answers])
    body["answers"] = [_answer_json(r, counts.get(r.id, 0)) for r in answers]
    return jsonify(body)


class Unauthorised(ServiceError):
    status_code = 401


def _presented_key():
    """(key row or None, refused) for this request, looked up once. Never raises: the
    rate limits call this before the view (a refused key is the view's 401)."""
    if not hasattr(request, "channel_key"):  # once per request (g may outlive it in tests)
        header = request.headers.get("Authorization", "")
        secret = header[7:].strip() if header.lower().startswith("bearer ") else None
        secret = secret or request.headers.get("X-API-Key", "").strip() or None
        request.channel_key = channels.channel_key_by_secret(secret)
        request.channel_key_refused = bool(secret) and request.channel_key is None
    return request.channel_key, request.channel_key_refused


def channel_key():
    """The channel key presented as `Authorization: Bearer …` (or `X-API-Key`); a key that
    is presented but unknown or disabled is refused outright (401)."""
    row, refused = _presented_key()
    if refused:
        raise Unauthorised(_("This API key is unknown or disabled."))
    return row


def _has_channel_key() -> bool:
    """Only a valid key lifts the per-address limit (guessing keys stays limited)."""
    return _presented_key()[0] is not None


def _channel_key_id() -> str:
    row = _presented_key()[0]
    return f"channel-key:{row.id}" if row is not None else f"no-key:{request.remote_addr}"


def channel_rate_limit() -> str:
    return current_app.config.get("CHANNEL_RATE_LIMIT", "6000 per hour")


def _json_body() -> dict:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ServiceError(_("The body must be a JSON object, sent as application/json in UTF-8."))
    return payload


def _check_types(payload: dict) -> None:
    errors = {}
    for field, types in OPINION_FIELDS.items():
        if field in payload and (not isinstance(payload[field], types) or isinstance(payload[field], bool)):
            errors[field] = [_("Wrong type for this field.")]
    for field in ("text", "stance"):
        if field not in payload:
            errors.setdefault(field, [_("This field is required.")])
    if errors:
        raise ValidationFailed(errors)
    item_id = payload.get("disclosure_id")
    if item_id is not None and not 0 < item_id <= MAX_ID:  # no item has such an id
        raise NotFound(_("There is no such item."), field="disclosure_id")


@bp.post("/opinions")
@opinions_per_address(exempt_when=_has_channel_key)
@rate_limits.counted(channel_rate_limit, key=_channel_key_id, exempt_when=lambda: not _has_channel_key())
def create_opinion():
    """Public clients are limited per address; a channel key is limited per key and
    records its channel (sms, wechat, …) on the opinion."""
    key_row = channel_key()
    payload = _json_body()
    _check_types(payload)
    retry_key = (request.headers.get("Idempotency-Key") or "").strip()[:200] or None
    if key_row is not None:
        channels.touch(key_row)
        namespace, source, channel = f"key:{key_row.id}", f"key:{key_row.id}", key_row.channel
    else:
        source = opinions.source_for_address(request.remote_addr)
        # Keys are the client's own: another address's key is a new key, not a replay.
        namespace, channel = f"api:{source}", "api"
    submission = opinions.submit_opinion(
        text=payload["text"], stance=payload["stance"], disclosure_id=payload.get("disclosure_id"),
        channel=channel, contact=payload.get("contact"), contact_name=payload.get("contact_name"),
        idempotency_key=f"{namespace}:{retry_key}" if retry_key else None, source=source,
    )
    opinion = submission.opinion
    body = {"tracking_code": opinion.tracking_code, "status": opinion.status,
            "url": public_url("public.track", **opinions.submitter_link_args(opinion))}
    return jsonify(body), (201 if submission.created else 200)


@bp.get("/openapi.json")
def openapi():
    """The API described in OpenAPI 3.1 (feedback/static/openapi.json)."""
    path = Path(current_app.static_folder) / "openapi.json"
    response = send_file(path, mimetype="application/json", max_age=300)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/opinions/<code>")
@tracking_lookups
def get_opinion(code: str):
    opinion = opinions.find_by_tracking_code(code)
    if opinion is None:
        raise NotFound(_("No opinion has this tracking code."))
    withheld = opinions.item_withheld(opinion)  # narrowed, withdrawn or unpublished since
    answer = None if withheld else opinions.published_answer(opinion)
    return jsonify({
        "tracking_code": opinion.tracking_code,
        "status": opinion.status,
        "department": localised_name(opinion.department) or None,
        "due_on": opinion.due_on.isoformat() if opinion.due_on else None,
        "answer": _answer_json(answer) if answer else None,
    })


@bp.cli.command("create-key")
@click.argument("name")
@click.option("--channel", required=True, help="sms, wechat, … (the channel recorded on its opinions)")
def create_key_command(name: str, channel: str):
    """Issue an API key for another channel and print it (shown once)."""
    try:
        key, secret = channels.create_channel_key(user=None, name=name, channel=channel)
    except ValidationFailed as failure:
        raise click.ClickException(str(failure.message)) from None
    click.echo(f"channel key {key.id} ({key.channel}) for {key.name}:")
    click.echo(secret)


@bp.cli.command("disable-key")
@click.argument("key_id", type=int)
def disable_key_command(key_id: int):
    """Disable a channel key (requests with it are refused with 401)."""
    from ..extensions import db
    from ..models import ChannelKey

    key = db.session.get(ChannelKey, key_id)
    if key is None:
        raise click.ClickException(f"no channel key {key_id}")
    channels.disable(user=None, row=key)
    click.echo(f"channel key {key_id} disabled")
