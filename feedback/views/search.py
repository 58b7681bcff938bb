"""Search pages and API: what the searcher may see, with facets and highlights."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..i18n import localised_name
from ..models import Disclosure
from ..services import responses
from ..services import search as search_service
from ..synthesis.masking import mask_personal_data

bp = Blueprint("search", __name__)
KINDS = ("item", "opinion", "answer", "decision")


def _int(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _filters() -> dict:
    kinds = [k for k in request.args.getlist("kind") if k in KINDS]
    filters = {"kinds": kinds, "heading_id": _int("heading"), "department_id": _int("department"),
               "status": request.args.get("status") or None, "date_from": _date("from"),
               "date_to": _date("to"), "sort": request.args.get("sort", "relevance"),
               "page": _int("page") or 1}
    user = current_user if current_user.is_authenticated else None
    if request.args.get("in") == "queue" and user is not None and user.department_id:
        filters.update(kinds=["opinion"], department_id=user.department_id)
    return filters


def _run(text: str):
    """(result, rows, unavailable): an empty query or a broken index never fails the page."""
    import search_index

    if not text.strip():
        return None, [], False
    user = current_user if current_user.is_authenticated else None
    try:
        result, rows = search_service.search(user=user, text=text, **_filters())
    except search_index.SearchUnavailable:
        search_service.request_rebuild()
        return None, [], True
    return result, rows, False


def _in_my_queue(kind: str, row) -> bool:
    """An opinion of the signed-in clerk's own department: it links to the queue's page."""
    user = _viewer()
    return (kind == "opinion" and user is not None and bool(user.department_id)
            and row.department_id == user.department_id)


def _viewer():
    return current_user if current_user.is_authenticated else None


def _readable_item(row):
    """The item a result is (or is about), when the viewer may read it; else None."""
    item = row if isinstance(row, Disclosure) else row.disclosure
    return item if item is not None and item.readable_by(_viewer()) else None


def link_for(kind: str, row) -> str | None:
    if _in_my_queue(kind, row):
        return url_for("department.opinion", opinion_id=row.id)
    item = _readable_item(row)
    if item is None:
        if kind == "answer" and responses.is_public_answer(row):
            return url_for("public.answer", answer_id=row.id)  # an answer to general opinions
        return None
    return url_for("public.item", item_id=item.id, _anchor="answers" if kind == "answer" else None)


def link_text(kind: str, row) -> str:
    """What a result's link says, as `link_for` decides where it goes: the item's published
    title (for an opinion, answer or decision, the item it is about, where the viewer may
    read that item); an opinion in the clerk's own queue by its tracking code. A tracking
    code is never listed anywhere else: with it, anybody could follow that opinion."""
    if _in_my_queue(kind, row):
        return row.tracking_code
    item = _readable_item(row)
    if item is None:
        if kind == "answer" and responses.is_public_answer(row):
            return _answer_title(row)
        return ""
    return item.current_version.title if item.current_version is not None else item.title


def _answer_title(response) -> str:
    """A general answer's link: the concern it answers (masked, as every public label),
    else the department that wrote it."""
    if response.cluster is not None:
        return mask_personal_data(response.cluster.label)
    return _("Answer from %(department)s", department=localised_name(response.department))


@bp.get("/search")
def search_page():
    text = request.args.get("q", "")
    result, rows, unavailable = _run(text)
    return render_template("search/results.html", q=text, result=result, rows=rows, link_for=link_for,
                           link_text=link_text,
                           unavailable=unavailable, filters=_filters(), kinds=KINDS)


@bp.get("/api/v1/search")
def search_api():
    text = request.args.get("q", "")
    result, rows, unavailable = _run(text)
    if unavailable:
        return jsonify({"error": _("Search is unavailable for a moment. Please try again later.")}), 503
    if result is None:
        return jsonify({"total": 0, "page": 1, "pages": 0, "results": [], "facets": {}})
    return jsonify({
        "total": result.total, "page": result.page, "pages": result.pages, "facets": result.facets,
        "results": [_result_json(kind, row, result) for kind, row in rows],
    })


def _result_json(kind: str, row, result) -> dict:
    return {"kind": kind, "id": row.id, "url": link_for(kind, row),
            "highlight": result.highlights.get(f"{kind}:{row.id}", ""),
            "department": localised_name(getattr(row, "department", None)) or None}
