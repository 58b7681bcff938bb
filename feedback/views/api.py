"""JSON API for other channels and scripts: UTF-8 JSON, field errors on bad input."""
from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for
from flask_babel import gettext as _

from ..extensions import csrf, limiter
from ..i18n import localised_name
from ..services import disclosures, opinions, responses
from ..services.errors import NotFound, ServiceError, ValidationFailed
from .public import opinion_rate_limit

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
        "url": url_for("public.item", item_id=item.id, _external=True),
    }


def _answer_json(response) -> dict:
    return {
        "id": response.id,
        "department": localised_name(response.department),
        "text": response.text,
        "published_at": response.published_at.isoformat() if response.published_at else None,
        "opinions_answered": len(response.opinions),
    }


@bp.get("/disclosures")
def list_disclosures():
    return jsonify({"items": [_item_summary(i) for i in disclosures.public_items()]})


@bp.get("/disclosures/<int:item_id>")
def get_disclosure(item_id: int):
    item = disclosures.public_item(item_id)
    body = _item_summary(item)
    body["body"] = item.current_version.body if item.current_version else item.body
    body["answers"] = [_answer_json(r) for r in responses.published_answers_for_item(item.id)]
    return jsonify(body)


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


@bp.post("/opinions")
@limiter.limit(opinion_rate_limit)
def create_opinion():
    payload = _json_body()
    _check_types(payload)
    key = (request.headers.get("Idempotency-Key") or "").strip()[:80] or None
    submission = opinions.submit_opinion(
        text=payload["text"], stance=payload["stance"], disclosure_id=payload.get("disclosure_id"),
        channel="api", contact=payload.get("contact"), contact_name=payload.get("contact_name"),
        idempotency_key=f"api:{key}" if key else None,
    )
    opinion = submission.opinion
    body = {"tracking_code": opinion.tracking_code, "status": opinion.status,
            "url": url_for("public.track", code=opinion.tracking_code, _external=True)}
    return jsonify(body), (201 if submission.created else 200)


@bp.get("/opinions/<code>")
def get_opinion(code: str):
    opinion = opinions.find_by_tracking_code(code)
    if opinion is None:
        raise NotFound(_("No opinion has this tracking code."))
    answer = opinion.response if opinion.response and opinion.response.status == "published" else None
    return jsonify({
        "tracking_code": opinion.tracking_code,
        "status": opinion.status,
        "department": localised_name(opinion.department) or None,
        "due_on": opinion.due_on.isoformat() if opinion.due_on else None,
        "answer": _answer_json(answer) if answer else None,
    })
