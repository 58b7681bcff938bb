"""The committee's review before a decision, and the decision it publishes."""
from __future__ import annotations

import io
from datetime import date
from urllib.parse import urlencode

from flask import (Blueprint, Response, flash, redirect, render_template, request,
                   stream_with_context, url_for)
from flask_babel import format_date, gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from ..forms import DecisionForm, outcome_choices
from ..i18n import current_locale
from ..params import int_arg
from ..models import Decision, Disclosure, Heading, Opinion
from ..models.base import utcnow
from ..rendering import masked
from ..services import committee, disclosures, paging, spreadsheet
from ..services.errors import NotFound, ValidationFailed
from .access import roles_required

bp = Blueprint("committee", __name__, url_prefix="/committee")


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


_int_arg = int_arg  # an id that cannot be is a 400 with the parameter's name


def _review_scope() -> dict:
    return {"disclosure_id": _int_arg("item"), "heading_id": _int_arg("heading"),
            "date_from": _date_arg("from"), "date_to": _date_arg("to")}


def _scope_title(scope: dict) -> str:
    title = _subject_title(scope)
    if scope["date_from"] or scope["date_to"]:
        ends = [format_date(d, "medium") if d else "…"
                for d in (scope["date_from"], scope["date_to"])]
        title += f" ({ends[0]} – {ends[1]})"
    return title


def _subject_title(scope: dict) -> str:
    if scope["disclosure_id"]:
        item = db.session.get(Disclosure, scope["disclosure_id"])
        if item is None:
            raise NotFound(_("There is no such item."))
        return item.title
    if scope["heading_id"]:
        heading = db.session.get(Heading, scope["heading_id"])
        if heading is None:
            raise NotFound(_("There is no such heading."))
        return f"{heading.code} {heading.name(current_locale())}"
    return _("All opinions")


def _headings_in_tree_order() -> list[tuple[Heading, int]]:
    """(heading, depth) for every heading, as the catalogue shows them (a lower tier's
    catalogue under the heading it is attached to), for the scope form; one query."""
    below = disclosures.headings_below()
    rows, todo = [], [(root, 0) for root in reversed(below.get(None, []))]
    while todo:
        heading, depth = todo.pop()
        rows.append((heading, depth))
        todo.extend((child, depth + 1) for child in reversed(below.get(heading.id, [])))
    return rows


@bp.get("/")
@roles_required(*committee.REVIEW_ROLES)
def index():
    counts = dict(db.session.execute(
        select(Opinion.disclosure_id, func.count()).where(Opinion.disclosure_id.is_not(None))
        .group_by(Opinion.disclosure_id)).all())
    items = db.session.scalars(select(Disclosure).where(Disclosure.id.in_(counts))).all()
    items = sorted(items, key=lambda i: (i.focus is None, -counts[i.id]))
    return render_template("committee/index.html", items=items, counts=counts,
                           decisions=_latest_decisions(counts), outcomes=dict(outcome_choices()),
                           headings=_headings_in_tree_order())


def _latest_decisions(item_ids) -> dict[int, Decision]:
    """The latest recorded decision of each of these items, by item id."""
    rows = db.session.scalars(select(Decision).where(Decision.disclosure_id.in_(item_ids))
                              .order_by(Decision.decided_on, Decision.id))
    return {decision.disclosure_id: decision for decision in rows}


@bp.get("/review")
@roles_required(*committee.REVIEW_ROLES)
def review():
    scope = _review_scope()
    title = _scope_title(scope)
    summary = committee.review(locale=current_locale(),
                               concerns_page=paging.page_number(request.args.get("concerns_page")),
                               **scope)
    return render_template("committee/review.html", review=summary, title=title, scope=scope,
                           query=request.query_string.decode(), printable=False)


@bp.get("/review/concerns/<int:cluster_id>")
@roles_required(*committee.REVIEW_ROLES)
def concern(cluster_id: int):
    """Every opinion behind one concern of the summary, in the summary's scope."""
    scope = _review_scope()
    cluster, opinions = committee.concern_opinions(
        cluster_id, page=paging.page_number(request.args.get("page")), **scope)
    review_query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "page"])
    return render_template("committee/concern.html", cluster=cluster, opinions=opinions,
                           title=_scope_title(scope), query=review_query,
                           stance_counts=opinions.extra["stance_counts"])


@bp.get("/review.pdf")
@roles_required(*committee.REVIEW_ROLES)
def review_pdf():
    from weasyprint import HTML

    scope = _review_scope()
    html = render_template("committee/review.html", review=committee.review(locale=current_locale(), **scope),
                           title=_scope_title(scope), scope=scope, query="", printable=True,
                           generated_at=utcnow())
    # Tagged, so that a screen reader reads the report in order with its headings and tables.
    pdf = HTML(string=html, base_url=request.url_root, url_fetcher=_static_files_only).write_pdf(
        pdf_tags=True)
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": "attachment; filename=opinion-review.pdf"})


def _static_files_only(url: str) -> dict:
    """WeasyPrint may read our own stylesheet from disk, and nothing from the network."""
    from pathlib import Path
    from urllib.parse import urlparse

    from flask import current_app

    path = urlparse(url).path
    static = Path(current_app.static_folder).resolve()
    target = (static / path.removeprefix("/static/")).resolve()
    if not path.startswith("/static/") or static not in target.parents or not target.is_file():
        raise ValueError(f"not fetched while rendering a PDF: {url}")
    mime_type = "text/css" if target.suffix == ".css" else "application/octet-stream"
    try:  # WeasyPrint ≥ 66 wants a response object; older versions a dict
        from weasyprint.urls import URLFetcherResponse
    except ImportError:
        return {"string": target.read_bytes(), "mime_type": mime_type}
    return URLFetcherResponse(url, body=target.read_bytes(), headers={"Content-Type": mime_type})


@bp.get("/review.csv")
@roles_required(*committee.REVIEW_ROLES)
def review_csv():
    summary = committee.review(locale=current_locale(), **_review_scope())
    # UTF-8 with BOM so that spreadsheet programs open Chinese text correctly; sent a row
    # at a time as it is written.
    return Response(stream_with_context(_csv_rows(summary)), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=opinion-review.csv"})


def _csv_rows(summary):
    out = io.StringIO()
    writer = spreadsheet.writer(out)

    def flushed() -> str:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    writer.writerow(["cluster_id", "label", "campaign", "opinions", "support", "oppose", "suggestion",
                     "question", "answered", "departments", "representative"])
    yield "\ufeff" + flushed()
    for row in summary.clusters + summary.campaigns:
        writer.writerow([row.cluster.id, row.cluster.label, int(row.cluster.is_campaign), row.size,
                         *row.stance_counts.values(), row.answered, "; ".join(row.department_names),
                         masked(row.representatives[0].text) if row.representatives else ""])
        yield flushed()


@bp.route("/items/<int:item_id>/decision", methods=["GET", "POST"])
@roles_required(*committee.DECISION_ROLES)
def decision(item_id: int):
    item = db.session.get(Disclosure, item_id)
    if item is None:
        raise NotFound(_("There is no such item."))
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            committee.record_decision(user=current_user, disclosure_id=item.id, text=form.text.data,
                                      outcome=form.outcome.data, decided_on=form.decided_on.data,
                                      early_reason=form.early_reason.data)
        except ValidationFailed as failure:
            for field, messages in failure.errors.items():
                getattr(form, field).errors = [str(m) for m in messages]
        else:
            flash(_("The decision is recorded and published on the item's page."), "success")
            return redirect(url_for("committee.review", item=item.id))
    return render_template("committee/decision.html", form=form, item=item,
                           still_open=committee.comments_still_open(item),
                           outcomes=dict(outcome_choices())), (422 if form.errors else 200)
