"""Time limits in working days on the Chinese calendar (holidays and 调休 make-up
days), days added for years the library does not know, reminders and escalation
by the scheduled job on a real RQ worker."""
from __future__ import annotations

from datetime import date, datetime, timezone

from feedback.models import Opinion
from feedback.models.response_workflow import OutboxMessage
from feedback.services import audit, calendar


def test_working_days_skip_national_day_and_count_the_make_up_days():
    # 2024: Sun 29 Sep and Sat 12 Oct are make-up working days; 1-7 Oct are off.
    assert calendar.add_working_days(date(2024, 9, 27), 1) == date(2024, 9, 29)
    assert calendar.add_working_days(date(2024, 9, 27), 3) == date(2024, 10, 8)
    assert calendar.add_working_days(date(2024, 9, 30), 13) == date(2024, 10, 23)
    assert calendar.working_days_between(date(2024, 9, 30), date(2024, 10, 12)) == 5


def test_routing_sets_the_time_limit_by_kind_across_a_holiday(app, make, db):
    from feedback.services.routing import route_opinion

    item = make.item()
    enquiry = make.opinion(disclosure=item, stance="question")
    complaint = make.opinion(disclosure=item, stance="oppose")
    friday_before_national_day = datetime(2024, 9, 27, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai
    route_opinion(opinion_id=enquiry.id, now=friday_before_national_day)
    route_opinion(opinion_id=complaint.id, now=friday_before_national_day)
    db.session.expire_all()
    assert (enquiry.kind, enquiry.due_on) == ("enquiry", date(2024, 10, 8))
    # 13 working days: 29, 30 Sep, then 8-12 Oct (12th is a make-up Saturday), 14-18, 21 Oct.
    assert (complaint.kind, complaint.due_on) == ("complaint", date(2024, 10, 21))


def test_days_added_for_a_year_the_library_does_not_know_are_used(app, db):
    runner = app.test_cli_runner()
    assert calendar.add_working_days(date(2099, 9, 30), 1) == date(2099, 10, 1)  # weekdays only
    for day in ("2099-10-01", "2099-10-02"):
        result = runner.invoke(args=["calendar", "add-day", day, "--holiday", "--note", "国庆节"])
        assert result.exit_code == 0, result.output
    result = runner.invoke(args=["calendar", "add-day", "2099-10-03", "--workday", "--note", "调休"])  # a Saturday
    assert result.exit_code == 0, result.output
    overrides = calendar.calendar_overrides()
    assert calendar.add_working_days(date(2099, 9, 30), 1, overrides) == date(2099, 10, 3)
    assert calendar.add_working_days(date(2099, 9, 30), 2, overrides) == date(2099, 10, 5)
    assert "2099-10-03 working day" in runner.invoke(args=["calendar", "days", "--year", "2099"]).output


def test_reminder_before_and_escalation_after_the_deadline_run_once_on_a_worker(app, make, db, run_jobs):
    from feedback.services import deadlines, jobs

    department = make.department()
    clerk = make.user(role="department_staff", department_id=department.id)
    head = make.user(role="department_head", department_id=department.id)
    supervisor = make.user(role="supervisor")
    now = datetime(2024, 10, 10, 2, 0, tzinfo=timezone.utc)  # Thursday 10 Oct 2024
    due_tomorrow = make.opinion(status="accepted", department_id=department.id, assignee_id=clerk.id,
                                due_on=date(2024, 10, 11))
    overdue = make.opinion(status="routed", department_id=department.id, due_on=date(2024, 9, 30))
    answered = make.opinion(status="answered", department_id=department.id, due_on=date(2024, 9, 30))

    assert deadlines.check_deadlines(now=now) == {"reminded": 1, "escalated": 1}
    assert deadlines.check_deadlines(now=now) == {"reminded": 0, "escalated": 0}
    db.session.expire_all()
    assert db.session.get(Opinion, overdue.id).escalated_at is not None
    assert db.session.get(Opinion, answered.id).escalated_at is None
    escalation = [e for e in audit.trail("opinion", overdue.id) if e.action == "escalated"]
    assert len(escalation) == 1 and escalation[0].detail["working_days_overdue"] == 3  # 8, 9, 10 Oct
    messages = db.session.query(OutboxMessage).filter_by(channel="internal").all()
    assert {(m.user_id, m.kind) for m in messages} == {
        (clerk.id, "deadline_soon"), (head.id, "overdue"), (supervisor.id, "overdue")}
    assert all(m.status == "queued" for m in messages)

    jobs.enqueue("workers.reminders.deliver_outbox")
    run_jobs()
    db.session.expire_all()
    assert {m.status for m in db.session.query(OutboxMessage).filter_by(channel="internal")} == {"sent"}


def test_the_scheduled_deadline_job_runs_on_a_real_worker(app, make, db, run_jobs):
    from feedback.services import jobs

    department = make.department()
    make.user(role="department_head", department_id=department.id)
    overdue = make.opinion(status="in_progress", department_id=department.id, due_on=date(2020, 1, 6))
    jobs.enqueue("workers.reminders.check_deadlines")
    run_jobs()
    db.session.expire_all()
    assert db.session.get(Opinion, overdue.id).escalated_at is not None
