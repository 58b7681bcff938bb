"""Service figures on a known small data set: still-open overdue opinions count in the
denominators, unrated answers are not resolved, and the CSV says the same."""
from __future__ import annotations

from datetime import date, datetime, timezone

from feedback.models import Rating

NOW = datetime(2024, 10, 31, 4, 0, tzinfo=timezone.utc)
RECEIVED = datetime(2024, 10, 8, 2, 0, tzinfo=timezone.utc)


def answered_on(day: int) -> datetime:
    return datetime(2024, 10, day, 2, 0, tzinfo=timezone.utc)


def build(make, db):
    a, b = make.department(name_zh="甲局"), make.department(name_zh="乙局")
    rows = [
        # department A: 2 answered on time (1 satisfied, 1 not), 1 answered late, 1 open overdue, 1 open not due
        dict(department_id=a.id, status="answered", due_on=date(2024, 10, 25), answered_at=answered_on(20)),
        dict(department_id=a.id, status="closed", due_on=date(2024, 10, 25), answered_at=answered_on(21)),
        dict(department_id=a.id, status="answered", due_on=date(2024, 10, 15), answered_at=answered_on(18)),
        dict(department_id=a.id, status="in_progress", due_on=date(2024, 10, 28)),
        dict(department_id=a.id, status="routed", due_on=date(2024, 11, 20)),
        # department B: nothing answered, 1 overdue
        dict(department_id=b.id, status="accepted", due_on=date(2024, 10, 10)),
        # not counted: still in triage; and received before the period
        dict(department_id=None, status="triage"),
        dict(department_id=b.id, status="answered", due_on=date(2024, 9, 1), answered_at=answered_on(1),
             created_at=datetime(2024, 8, 1, tzinfo=timezone.utc)),
    ]
    opinions = [make.opinion(**{"created_at": RECEIVED, **row}) for row in rows]
    db.session.add_all([Rating(opinion_id=opinions[1].id, score="satisfied"),
                        Rating(opinion_id=opinions[0].id, score="not_satisfied")])
    db.session.commit()
    return a, b


def test_figures_count_open_overdue_opinions_against_the_department(app, make, db):
    from feedback.services import figures

    a, b = build(make, db)
    report = figures.service_figures(date_from=date(2024, 10, 1), date_to=date(2024, 10, 31), now=NOW)
    rows = {r.department_id: r for r in report.rows}
    first = rows[a.id]
    assert (first.received, first.answered, first.on_time, first.overdue_open, first.open_not_due) == (5, 3, 2, 1, 1)
    assert first.response_rate == 3 / 5
    assert first.on_time_rate == 2 / 4  # the open overdue one counts against it
    assert first.resolution_rate == 1 / 4  # unrated answers are not "resolved"
    assert first.satisfaction_rate == 1 / 2
    second = rows[b.id]
    assert (second.received, second.response_rate, second.on_time_rate) == (1, 0.0, 0.0)
    assert second.satisfaction_rate is None  # no ratings: no figure, not 100 %
    assert report.total.received == 6 and report.total.on_time_rate == 2 / 5
    assert [o.department_id for o in figures.overdue(now=NOW)] == [b.id, a.id]


def test_figures_page_and_csv_for_a_supervisor(app, client, make, db):
    from tests.integration.test_queue import login

    build(make, db)
    make.user(role="supervisor", username="inspector")
    login(client, "inspector")
    page = client.get("/figures/?date_from=2024-10-01&date_to=2024-10-31&lang=en")
    assert page.status_code == 200 and "On-time rate" in page.get_data(as_text=True)
    csv_text = client.get("/figures/figures.csv?date_from=2024-10-01&date_to=2024-10-31").get_data(as_text=True)
    header, *lines = csv_text.lstrip("\ufeff").strip().splitlines()
    assert header.startswith("department,received,answered")
    assert lines[-1].startswith("TOTAL,6,3,2,3,0,1,2,1,")  # as of today every open one is overdue


def test_residents_and_clerks_cannot_read_the_figures(app, client, make):
    from tests.integration.test_queue import login

    assert client.get("/figures/").status_code == 302
    clerk = make.user(role="department_staff", department_id=make.department().id)
    login(client, clerk.username)
    assert client.get("/figures/").status_code == 403
