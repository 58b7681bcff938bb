"""Supervision: checklists, checks with look-backs, coverage as table and CSV."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from feedback.models.base import utcnow
from feedback.models.catalogue import local_date
from feedback.services import disclosures, supervision
from feedback.services.errors import PermissionDenied, ValidationFailed

SHEET = "公开内容：按目录公开全部应公开事项\n有审批记录\n公开时限：在规定时限内公开\n公开形式：公示栏与网站同步"


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


def test_checklist_check_lookback_and_coverage(make, db, client):
    boss = make.user(role="supervisor")
    checklist = supervision.create_checklist(user=boss, name="党务公开检查表", points=supervision.parse_points(SHEET))
    assert [a for a, _ in checklist.aspects()] == ["公开内容", "公开时限", "公开形式"]
    assert len(checklist.points) == 4

    good, idle = make.department(), make.department()
    make.item(department=good, publish_due=local_date(utcnow()) + timedelta(days=5))
    today = local_date(utcnow())
    ids = [p.id for p in checklist.points]
    first = supervision.record_check(
        user=boss, checklist_id=checklist.id, organisation_id=good.organisation_id, method="phone",
        checked_on=today - timedelta(days=10), results={i: n != 1 for n, i in enumerate(ids)},
        findings="审批记录缺失", follow_up="补齐审批单", follow_up_due=today + timedelta(days=20))
    assert (first.points_passed, first.points_total, first.passed) == (3, 4, False)
    assert [c.id for c in supervision.open_follow_ups(today=today)] == [first.id]
    again = supervision.record_check(
        user=boss, checklist_id=checklist.id, organisation_id=good.organisation_id, method="on_site",
        checked_on=today, results={i: True for i in ids}, lookback_of_id=first.id)
    assert again.passed and again.lookback_of_id == first.id
    assert supervision.open_follow_ups(today=today) == []

    report = supervision.coverage(period=supervision.quarter_of(today))
    rows = {r.organisation.id: r for r in report.rows}
    assert rows[good.organisation_id].discloses and not rows[idle.organisation_id].discloses
    assert (rows[good.organisation_id].on_time, rows[good.organisation_id].with_limit) == (1, 1)
    assert (rows[good.organisation_id].checks, rows[good.organisation_id].checks_passed) == (2, 1)
    assert report.pass_share == 0.5
    assert 0 < report.disclosing_share < 1


def test_bad_check_input_is_refused_and_nothing_saved(make, db):
    boss = make.user(role="supervisor")
    checklist = supervision.create_checklist(user=boss, name="表", points=supervision.parse_points(SHEET))
    org = make.organisation()
    ids = [p.id for p in checklist.points]
    today = local_date(utcnow())  # the service's day is Shanghai's, not the machine's
    cases = [
        (dict(results={ids[0]: True}), "results"),
        (dict(results={i: True for i in ids}, method="fax"), "method"),
        (dict(results={i: True for i in ids}, checked_on=today + timedelta(days=1)), "checked_on"),
        (dict(results={i: True for i in ids}, follow_up_due=today - timedelta(days=3)), "follow_up_due"),
    ]
    for overrides, field in cases:
        kw = dict(user=boss, checklist_id=checklist.id, organisation_id=org.id, method="online", checked_on=today)
        kw.update(overrides)
        with pytest.raises(ValidationFailed) as failure:
            supervision.record_check(**kw)
        assert field in failure.value.errors
    assert supervision.checks() == []
    with pytest.raises(PermissionDenied):
        supervision.create_checklist(user=make.user(role="editor"), name="x", points=[("a", "b")])
    with pytest.raises(ValidationFailed):
        supervision.coverage(period="2026-Q7")


def test_coverage_page_and_csv_for_supervisors_only(make, client):
    org_item = make.item()
    boss = make.user(role="supervisor")
    period = supervision.quarter_of(local_date(utcnow()))
    assert client.get("/supervision/coverage").status_code == 302  # to the login page
    html = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    client.post("/auth/login", data={"csrf_token": token, "username": boss.username, "password": "secret-pass"})
    page = client.get(f"/supervision/coverage?period={period}&lang=en")
    assert page.status_code == 200 and "<svg" in page.get_data(as_text=True)
    csv_text = client.get(f"/supervision/coverage.csv?period={period}").get_data(as_text=True)
    lines = csv_text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("period,organisation,tier,discloses")
    assert any(org_item.organisation.name_en in line or org_item.organisation.name_zh in line for line in lines)
    assert lines[-1].startswith(f"{period},ALL,")
