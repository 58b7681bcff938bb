"""Every page is bounded by what it shows, not by what is stored: long lists come a page
at a time with a pager, and a page sends the same number of SQL statements whether a
handful of opinions is stored or many times more (issue 22 part 3, issue 21 item 6)."""
from __future__ import annotations

import re
from datetime import date, timedelta

from feedback.models import Cluster, Opinion, Rating
from feedback.models.base import utcnow
from feedback.services import channels
from feedback.services.opinions import new_tracking_code
from tests.integration.test_queue import login
from tests.sql_counting import statements_during


def add_opinions(db, count: int, **kw) -> list[Opinion]:
    """Many opinions in one commit (the factory commits each)."""
    rows = []
    for n in range(count):
        values = {"text": f"第{n}条意见：小区门口的路灯坏了。", "stance": "suggestion",
                  "status": "received", "created_at": utcnow() - timedelta(minutes=n + 1), **kw}
        rows.append(Opinion(tracking_code=new_tracking_code(), analysis_text=values["text"],
                            **values))
    db.session.add_all(rows)
    db.session.commit()
    return rows


def rows_of(page: str, marker: str) -> int:
    return page.count(marker)


# ---------------------------------------------------------------- the department queue

def test_the_department_queue_comes_a_page_at_a_time_with_a_pager(app, client, make, db):
    department = make.department()
    add_opinions(db, 55, status="routed", department_id=department.id, due_on=date(2030, 1, 10))
    login(client, make.user(role="department_staff", department_id=department.id).username)

    first = client.get("/department/queue?lang=en").get_data(as_text=True)
    assert rows_of(first, 'href="/department/opinions/') == 50
    assert "1–50 of 55" in first and 'rel="next"' in first
    second = client.get("/department/queue?lang=en&page=2").get_data(as_text=True)
    assert rows_of(second, 'href="/department/opinions/') == 5
    assert "51–55 of 55" in second and 'rel="prev"' in second
    # a page number that is not a number, or past the end, is no error
    assert client.get("/department/queue?page=abc").status_code == 200
    assert "51–55 of 55" in client.get("/department/queue?lang=en&page=99").get_data(as_text=True)


def test_the_department_queue_costs_the_same_statements_for_few_or_many_opinions(
        app, client, make, db):
    department = make.department()
    item = make.item(department=department)
    concern = Cluster(label="路灯", size=0, department_id=department.id)
    db.session.add(concern)
    db.session.commit()
    staff = make.user(role="department_staff", department_id=department.id)
    login(client, staff.username)

    def statements_with(extra: int) -> int:
        add_opinions(db, extra, status="accepted", department_id=department.id,
                     disclosure_id=item.id, cluster_id=concern.id, assignee_id=staff.id,
                     due_on=date(2030, 1, 10))
        _, sent = statements_during(db, lambda: client.get("/department/queue"))
        return sent

    assert statements_with(2) == statements_with(80)


def test_the_triage_list_comes_a_page_at_a_time(app, client, make, db):
    add_opinions(db, 33, status="triage")
    login(client, make.user(role="dispatcher").username)
    first = client.get("/dispatch/?lang=en").get_data(as_text=True)
    assert rows_of(first, 'action="/dispatch/opinions/') == 20 and "1–20 of 33" in first
    second = client.get("/dispatch/?lang=en&page=2").get_data(as_text=True)
    assert rows_of(second, 'action="/dispatch/opinions/') == 13


# ---------------------------------------------------------------- figures

def test_the_overdue_list_counts_what_the_figures_table_counts(app, client, make, db):
    """The table said 170 overdue and the list below it "超期 (171)": the list also took
    hidden opinions and answered-then-reopened ones, which the table does not count."""
    department = make.department()
    past = date.today() - timedelta(days=20)
    add_opinions(db, 3, status="routed", department_id=department.id, due_on=past)
    add_opinions(db, 1, status="routed", department_id=department.id, due_on=past,
                 moderation="hidden")
    add_opinions(db, 1, status="in_progress", department_id=department.id, due_on=past,
                 answered_at=utcnow() - timedelta(days=25), reopened_count=1)
    login(client, make.user(role="supervisor").username)

    page = client.get("/figures/?lang=en").get_data(as_text=True)
    total_row = re.search(r'<tr class="total">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", total_row)
    assert cells[3] == "3"  # open and overdue, in the table
    assert "Overdue (3)" in page
    from feedback.services import figures

    assert figures.overdue().total == 3 and len(figures.overdue()) == 3


def test_the_overdue_list_comes_a_page_at_a_time(app, client, make, db):
    department = make.department()
    add_opinions(db, 57, status="routed", department_id=department.id,
                 due_on=date.today() - timedelta(days=3))
    login(client, make.user(role="supervisor").username)
    first = client.get("/figures/?lang=en").get_data(as_text=True)
    assert "Overdue (57)" in first and "1–25 of 57" in first
    assert 'href="/figures/?lang=en&amp;overdue_page=2#overdue"' in first
    last = client.get("/figures/?lang=en&overdue_page=3").get_data(as_text=True)
    assert "51–57 of 57" in last


def test_the_figures_page_costs_the_same_statements_for_few_or_many_opinions(
        app, client, make, db):
    department = make.department()
    login(client, make.user(role="supervisor").username)

    def statements_with(extra: int) -> int:
        answered = add_opinions(db, extra, status="answered", department_id=department.id,
                                due_on=date.today(), answered_at=utcnow())
        db.session.add_all(Rating(opinion_id=o.id, score="satisfied") for o in answered)
        add_opinions(db, extra, status="routed", department_id=department.id,
                     due_on=date.today() - timedelta(days=2))
        db.session.commit()
        response, sent = statements_during(db, lambda: client.get("/figures/"))
        assert response.status_code == 200
        return sent

    assert statements_with(2) == statements_with(60)


def test_figures_count_answers_on_time_by_the_local_day(app, make, db):
    """Answered at 23:30 in Shanghai on the due day is on time (15:30 UTC that day), and
    at 00:30 the next local day is late (16:30 UTC on the due day): counted by the database."""
    from datetime import datetime, timezone

    from feedback.services import figures

    department = make.department()
    due = date(2026, 11, 20)
    add_opinions(db, 1, status="answered", department_id=department.id, due_on=due,
                 answered_at=datetime(2026, 11, 20, 15, 30, tzinfo=timezone.utc))
    add_opinions(db, 1, status="answered", department_id=department.id, due_on=due,
                 answered_at=datetime(2026, 11, 20, 16, 30, tzinfo=timezone.utc))
    report = figures.service_figures(now=datetime(2026, 12, 1, tzinfo=timezone.utc))
    assert (report.total.answered, report.total.on_time) == (2, 1)


# ---------------------------------------------------------------- the committee

def _concern_with(db, make, item, department, count: int) -> Cluster:
    concern = Cluster(label="加装电梯 / 费用", size=count, department_id=department.id)
    db.session.add(concern)
    db.session.commit()
    add_opinions(db, count, status="routed", department_id=department.id, disclosure_id=item.id,
                 cluster_id=concern.id, due_on=date(2030, 1, 10))
    return concern


def test_the_committee_review_costs_the_same_statements_for_few_or_many_opinions(
        app, client, make, db):
    department = make.department()
    small, large = make.item(department=department), make.item(department=department)
    for item, count in ((small, 3), (large, 90)):
        _concern_with(db, make, item, department, count)
        add_opinions(db, count, disclosure_id=item.id)  # in no concern
    login(client, make.user(role="committee_member").username)

    counted = []
    for item in (small, large):
        url = f"/committee/review?item={item.id}"
        response, sent = statements_during(db, lambda: client.get(url))
        assert response.status_code == 200
        counted.append(sent)
    assert counted[0] == counted[1]


def test_a_concerns_opinions_come_a_page_at_a_time(app, client, make, db):
    department = make.department()
    item = make.item(department=department)
    concern = _concern_with(db, make, item, department, 61)
    login(client, make.user(role="committee_member").username)
    url = f"/committee/review/concerns/{concern.id}?item={item.id}&lang=en"
    first = client.get(url).get_data(as_text=True)
    assert rows_of(first, "<blockquote>") == 50 and "1–50 of 61" in first
    assert '<span class="count">61</span>' in first
    last = client.get(url + "&page=2").get_data(as_text=True)
    assert rows_of(last, "<blockquote>") == 11
    # the way back to the summary keeps its scope but not the page
    assert f'href="/committee/review?item={item.id}&amp;lang=en"' in last


def test_the_review_csv_is_sent_as_it_is_written(app, client, make, db):
    department = make.department()
    item = make.item(department=department)
    _concern_with(db, make, item, department, 4)
    login(client, make.user(role="committee_member").username)
    response = client.get(f"/committee/review.csv?item={item.id}")
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].lstrip("\ufeff").startswith("cluster_id,label") and len(lines) == 2


def test_the_figures_csv_is_sent_as_it_is_written(app, client, make, db):
    department = make.department()
    add_opinions(db, 3, status="routed", department_id=department.id,
                 due_on=date.today() - timedelta(days=2))
    login(client, make.user(role="supervisor").username)
    response = client.get("/figures/figures.csv")
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffdepartment,received,") and text.count("\ufeff") == 1
    lines = text.splitlines()
    assert len(lines) == 3  # the header, the department, the total
    assert lines[1].split(",")[1:2] == ["3"] and lines[2].startswith("TOTAL,3,")
    from feedback.services import figures

    assert text.lstrip("\ufeff") == figures.as_csv(figures.service_figures())


def test_the_unsatisfied_list_holds_the_reopened_and_the_not_satisfied_only(
        app, client, make, db):
    """Found by two indexes (the reopened ones, the ratings by score), not by joining every
    opinion to its rating: the same opinions as before, newest first, with their rating."""
    from feedback.services import responses

    department = make.department()
    answered = dict(status="answered", department_id=department.id, answered_at=utcnow())
    satisfied, not_satisfied, unrated = (add_opinions(db, 1, **answered)[0] for _ in range(3))
    reopened = add_opinions(db, 1, status="in_progress", department_id=department.id,
                            reopened_count=1)[0]
    reopened_and_rated = add_opinions(db, 1, **answered, reopened_count=2)[0]
    db.session.add_all([Rating(opinion_id=satisfied.id, score="satisfied"),
                        Rating(opinion_id=not_satisfied.id, score="not_satisfied"),
                        Rating(opinion_id=reopened_and_rated.id, score="not_satisfied")])
    db.session.commit()
    page = responses.unsatisfied()
    assert page.total == 3
    assert [(o.id, r.score if r else None) for o, r in page.items] == [
        (reopened_and_rated.id, "not_satisfied"), (reopened.id, None),
        (not_satisfied.id, "not_satisfied")]
    assert unrated.id not in {o.id for o, _ in page.items}
    login(client, make.user(role="supervisor").username)
    assert client.get("/figures/").status_code == 200


# ---------------------------------------------------------------- residents

def test_the_item_page_lists_opinions_a_page_at_a_time(app, client, make, db):
    item = make.item(show_opinions_publicly=True)
    add_opinions(db, 27, disclosure_id=item.id)
    first = client.get(f"/items/{item.id}?lang=en").get_data(as_text=True)
    said = first[first.index('id="said"'):]
    assert rows_of(said, "<blockquote") == 20 and "1–20 of 27" in said
    second = client.get(f"/items/{item.id}?lang=en&page=2").get_data(as_text=True)
    assert rows_of(second[second.index('id="said"'):], "<blockquote") == 7


def test_the_item_page_costs_the_same_statements_for_few_or_many_opinions(app, client, make, db):
    department = make.department()
    item = make.item(department=department, show_opinions_publicly=True)
    concern = Cluster(label="电梯", size=0, department_id=department.id)
    db.session.add(concern)
    db.session.commit()

    def statements_with(extra: int) -> int:
        add_opinions(db, extra, disclosure_id=item.id, cluster_id=concern.id, status="routed",
                     department_id=department.id)
        response, sent = statements_during(db, lambda: client.get(f"/items/{item.id}"))
        assert response.status_code == 200
        return sent

    assert statements_with(2) == statements_with(70)


def test_home_sends_few_statements_however_large_the_catalogue(app, client, make, db):
    organisation = make.organisation()
    top = make.heading(organisation_id=organisation.id)
    lower = make.organisation(tier="grassroots")

    def statements_with(extra: int) -> int:
        for _ in range(extra):
            child = make.heading(organisation_id=organisation.id, parent_id=top.id)
            make.heading(organisation_id=lower.id, attached_under_id=child.id)
            make.item(heading=child)
        response, sent = statements_during(db, lambda: client.get("/"))
        assert response.status_code == 200
        return sent

    few, many = statements_with(1), statements_with(8)
    assert few == many and many < 30


def test_home_links_to_every_open_consultation(app, client, make, db):
    for n in range(8):
        make.item(title=f"征求意见事项{n}", comment_days=10 + n)
    home = client.get("/?lang=en").get_data(as_text=True)
    listed_on_home = home[home.index('class="item-list consultations"'):]
    assert rows_of(listed_on_home[:listed_on_home.index("</ul>")], "征求意见事项") == 6
    assert 'href="/consultations"' in home and "All 8 consultations" in home
    listed = client.get("/consultations?lang=en").get_data(as_text=True)
    assert all(f"征求意见事项{n}" in listed for n in range(8))


def test_the_kiosk_start_shows_every_open_item_screen_by_screen(app, make, db):
    """The kiosk showed only the twelve newest items: an older item with many opinions
    (the lift plan) was missing."""
    make.item(title="加装电梯方案")
    for n in range(13):
        make.item(title=f"新事项{n}")
    _, token = channels.register_kiosk(user=None, name="一号机", location="受理中心")
    client = app.test_client()
    client.get(f"/kiosk/activate?token={token}")
    screens = [client.get(f"/kiosk/?lang=en&page={n}").get_data(as_text=True) for n in (1, 2)]
    assert rows_of(screens[0], 'class="tile" href="/kiosk/items/') == 12
    assert 'href="/kiosk/?page=2"' in screens[0]
    everything = "".join(screens)
    assert "加装电梯方案" in everything and all(f"新事项{n}" in everything for n in range(13))
