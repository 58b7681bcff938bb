"""Service figures for supervisors and the committee: rates per department, the
overdue list, residents who were not satisfied, charts and CSV."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request, stream_with_context

from ..i18n import current_locale
from ..services import figures, paging, responses, spreadsheet
from .access import roles_required
from .response_forms import FiguresForm

bp = Blueprint("figures", __name__, url_prefix="/figures")
READERS = ("supervisor", "committee_member", "department_head", "dispatcher")


def _report(form: FiguresForm):
    form.validate()
    return figures.service_figures(
        date_from=form.date_from.data if not form.date_from.errors else None,
        date_to=form.date_to.data if not form.date_to.errors else None, locale=current_locale())


@bp.get("/")
@roles_required(*READERS)
def index():
    form = FiguresForm(request.args)
    report = _report(form)
    overdue = figures.overdue(date_from=report.date_from, date_to=report.date_to,
                              page=paging.page_number(request.args.get("overdue_page")),
                              total=report.total.overdue_open)
    unsatisfied = responses.unsatisfied(
        page=paging.page_number(request.args.get("unsatisfied_page")))
    return render_template("figures/index.html", form=form, report=report, overdue=overdue,
                           unsatisfied=unsatisfied, query=request.query_string.decode())


@bp.get("/figures.csv")
@roles_required(*READERS)
def export_csv():
    report = _report(FiguresForm(request.args))
    # counted before the first byte (one statement); then sent a row at a time
    return Response(stream_with_context(spreadsheet.lines(figures.csv_rows(report))),
                    mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=service-figures.csv"})
