"""Open to everyone, without logging in: the service figures of every department, and
the open-data page with its downloads (the API, the Atom feeds, the answered opinions)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, stream_with_context

from ..i18n import current_locale
from ..services import disclosures, figures, open_data
from .response_forms import FiguresForm

bp = Blueprint("open_data", __name__)


@bp.get("/service-figures")
def public_figures():
    form = FiguresForm(request.args)
    form.validate()  # a bad date is shown on the form and the default period is used
    date_from, date_to = open_data.public_figures_period(
        date_from=form.date_from.data if not form.date_from.errors else None,
        date_to=form.date_to.data if not form.date_to.errors else None,
    )
    report = figures.service_figures(date_from=date_from, date_to=date_to, locale=current_locale())
    return render_template(
        "open_data/figures.html",
        form=form,
        report=report,
        longest_days=open_data.PUBLIC_FIGURES_DAYS,
    )


@bp.get("/open-data/")
def index():
    return render_template(
        "open_data/index.html",
        organisations=open_data.organisations(),
        roots=disclosures.catalogue_roots(),
        columns=open_data.COLUMNS,
    )


def _download(chunks, mimetype: str, filename: str) -> Response:
    response = Response(stream_with_context(chunks), mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/open-data/answered-opinions.csv")
def answered_csv():
    rows = open_data.answered_public_opinions(locale=current_locale())
    return _download(open_data.csv_lines(rows), "text/csv", "answered-opinions.csv")


@bp.get("/open-data/answered-opinions.json")
def answered_json():
    rows = open_data.answered_public_opinions(locale=current_locale())
    return _download(open_data.json_chunks(rows), "application/json", "answered-opinions.json")
