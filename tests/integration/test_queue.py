"""The department queue workflow on real parts, on SQLite and PostgreSQL: claim,
assign, start, transfer and return, notes, templates, head approval, cluster answers,
extensions, stale forms and refused actions that change nothing."""
from __future__ import annotations

import re
from datetime import date

import pytest

from feedback.models import Cluster, Opinion, Response
from feedback.models.response_workflow import DeadlineExtension, OutboxMessage, Transfer
from feedback.services import audit


def csrf_and_revision(client, url: str) -> tuple[str, str | None]:
    html = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    revision = re.search(r'name="revision" type="hidden" value="(\d+)"', html)
    return token, revision.group(1) if revision else None


def login(client, username: str, password: str = "secret-pass") -> None:
    client.post("/auth/logout", data={"csrf_token": csrf_and_revision(client, "/auth/login")[0]})
    token = csrf_and_revision(client, "/auth/login")[0]
    response = client.post("/auth/login", data={"csrf_token": token, "username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)


def routed(make, department, **kw):
    kw.setdefault("text", "小区门口的路灯坏了一个月，晚上很危险。")
    kw.setdefault("due_on", date(2030, 1, 10))
    return make.opinion(status="routed", department_id=department.id, **kw)


def actions(opinion_id: int) -> list[str]:
    return [e.action for e in audit.trail("opinion", opinion_id)]


def test_clerk_claims_starts_and_answers_and_the_head_approves_before_publication(app, client, make, db):
    department = make.department(name_zh="区建管委")
    item = make.item(department=department)
    clerk = make.user(role="department_staff", department_id=department.id)
    head = make.user(role="department_head", department_id=department.id)
    opinion = routed(make, department, disclosure=item, contact="resident@example.org")

    login(client, clerk.username)
    url = f"/department/opinions/{opinion.id}"
    token, revision = csrf_and_revision(client, url)
    assert client.post(url + "/claim", data={"csrf_token": token, "revision": revision}).status_code == 302
    db.session.expire_all()
    assert opinion.status == "accepted" and opinion.assignee_id == clerk.id
    token, revision = csrf_and_revision(client, url)
    assert client.post(url + "/start", data={"csrf_token": token, "revision": revision}).status_code == 302
    token, revision = csrf_and_revision(client, url)
    answer = "路灯已于本周更换，今后每月巡查一次。"
    assert client.post(url + "/answer", data={"csrf_token": token, "revision": revision, "text": answer}).status_code == 302

    db.session.expire_all()
    assert opinion.status == "in_progress" and opinion.response.status == "pending_approval"
    assert answer not in client.get(f"/items/{item.id}").get_data(as_text=True)
    assert answer not in client.get(f"/track/{opinion.tracking_code}").get_data(as_text=True)
    assert db.session.query(OutboxMessage).filter_by(user_id=head.id, kind="approval_needed").count() == 1

    login(client, head.username)
    page = client.get("/department/approvals").get_data(as_text=True)
    assert answer in page
    reach = page[page.index('class="answer-reach"'):].split("</details>")[0]
    assert opinion.tracking_code in reach and opinion.text in reach  # the head reads what it answers
    token = csrf_and_revision(client, "/department/approvals")[0]
    assert client.post(f"/department/answers/{opinion.response_id}/approve", data={"csrf_token": token}).status_code == 302

    db.session.expire_all()
    assert opinion.status == "answered" and opinion.response.approved_by_id == head.id
    assert answer in client.get(f"/items/{item.id}").get_data(as_text=True)
    assert actions(opinion.id) == ["claimed", "started", "answer_drafted", "answered"]
    mail = db.session.query(OutboxMessage).filter_by(opinion_id=opinion.id, kind="answer_published").one()
    assert mail.channel == "email" and mail.recipient == "resident@example.org" and opinion.tracking_code in mail.body


def test_a_head_cannot_approve_their_own_answer_when_another_head_can(app, client, make, db):
    department = make.department()
    first = make.user(role="department_head", department_id=department.id)
    second = make.user(role="department_head", department_id=department.id)
    opinion = routed(make, department)
    login(client, first.username)
    token, revision = csrf_and_revision(client, f"/department/opinions/{opinion.id}")
    client.post(f"/department/opinions/{opinion.id}/answer",
                data={"csrf_token": token, "revision": revision, "text": "我来答复：已安排维修。"})
    db.session.expire_all()
    response_id = opinion.response_id
    assert db.session.get(Response, response_id).status == "pending_approval"

    token = csrf_and_revision(client, "/auth/login")[0]  # own answers are not listed
    refused = client.post(f"/department/answers/{response_id}/approve", data={"csrf_token": token})
    assert refused.status_code == 403
    assert "cannot approve your own answer" in refused.get_data(as_text=True) or "不能" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Response, response_id).status == "pending_approval" and opinion.status != "answered"

    login(client, second.username)
    token = csrf_and_revision(client, "/department/approvals")[0]
    assert client.post(f"/department/answers/{response_id}/approve", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert opinion.status == "answered"


def test_one_answer_fans_out_to_the_whole_cluster_with_per_opinion_traceability(app, client, make, db):
    department, other = make.department(name_zh="区交通委", name_en="Transport Commission"), make.department()
    cluster = Cluster(label="公交站台太远", size=4, department_id=department.id)
    db.session.add(cluster)
    db.session.commit()
    mine = [routed(make, department, cluster_id=cluster.id, text=f"公交站台离小区太远了，第{i}位居民。")
            for i in range(3)]
    elsewhere = routed(make, other, cluster_id=cluster.id, text="公交站台太远，另一个部门的意见。")
    clerk = make.user(role="department_staff", department_id=department.id)
    login(client, clerk.username)
    form = client.get(f"/department/opinions/{mine[0].id}?lang=en").get_data(as_text=True)
    reach = form[form.index('class="cluster-reach"'):].split("</details>")[0]
    assert "3 open opinions of this department" in reach  # what the answer reaches, not the size 4
    assert all(o.tracking_code in reach for o in mine) and elsewhere.tracking_code not in reach
    token, revision = csrf_and_revision(client, f"/department/opinions/{mine[0].id}")
    client.post(f"/department/opinions/{mine[0].id}/answer", data={
        "csrf_token": token, "revision": revision, "whole_cluster": "y",
        "text": "站台将于下月向小区方向迁移150米。"})

    db.session.expire_all()
    answered = [db.session.get(Opinion, o.id) for o in mine]
    assert {o.status for o in answered} == {"answered"} and len({o.response_id for o in answered}) == 1
    assert db.session.get(Opinion, elsewhere.id).status == "routed"
    response = answered[0].response
    assert response.cluster_id == cluster.id
    for each in answered:  # every opinion has its own step pointing at the one answer
        step = [e for e in audit.trail("opinion", each.id) if e.action == "answered"][0]
        assert step.detail["response_id"] == response.id and step.detail["cluster_id"] == cluster.id
    page = client.get(f"/track/{answered[2].tracking_code}?lang=en").get_data(as_text=True)
    assert "one of 3 on the same concern" in page
    assert "Transport Commission" in page and "公交站台太远" in page and 'data-testid="traceability"' in page


def test_transfer_to_itself_or_to_a_missing_department_is_refused_and_changes_nothing(app, client, make, db):
    department = make.department()
    clerk = make.user(role="department_staff", department_id=department.id)
    opinion = routed(make, department)
    login(client, clerk.username)
    url = f"/department/opinions/{opinion.id}"
    for target in (str(department.id), "987654"):
        token, revision = csrf_and_revision(client, url)
        refused = client.post(url + "/transfer", data={"csrf_token": token, "revision": revision,
                                                       "to_department_id": target, "reason_code": "not_our_remit"})
        assert refused.status_code == 422
        assert 'data-testid="refused"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert opinion.status == "routed" and opinion.department_id == department.id
    assert db.session.query(Transfer).count() == 0 and actions(opinion.id) == []


def test_transfer_hands_the_opinion_over_and_restarts_the_time_limit(app, client, make, db):
    source, target = make.department(), make.department(name_zh="区市场监管局")
    clerk = make.user(role="department_staff", department_id=source.id)
    receiver = make.user(role="department_staff", department_id=target.id)
    opinion = routed(make, source, stance="oppose", due_on=date(2020, 1, 1))
    login(client, clerk.username)
    url = f"/department/opinions/{opinion.id}"
    token, revision = csrf_and_revision(client, url)
    response = client.post(url + "/transfer", data={"csrf_token": token, "revision": revision,
                                                    "to_department_id": str(target.id), "reason_code": "not_our_remit",
                                                    "reason_text": "属于食品安全，由市场监管局办理。"})
    assert response.status_code == 302
    db.session.expire_all()
    assert opinion.status == "routed" and opinion.department_id == target.id and opinion.assignee_id is None
    record = db.session.query(Transfer).one()
    assert record.from_department_id == source.id and record.previous_due_on == date(2020, 1, 1)
    assert opinion.due_on == record.new_due_on and opinion.due_on > date.today()
    assert client.get(url).status_code == 404  # no longer in the source department's queue
    assert db.session.query(OutboxMessage).filter_by(user_id=receiver.id, kind="transferred_in").count() == 1
    step = [e for e in audit.trail("opinion", opinion.id) if e.action == "transferred"][0]
    assert step.detail["reason"] == "not_our_remit" and step.detail["from_department_id"] == source.id

    login(client, receiver.username)
    assert opinion.tracking_code in client.get("/department/queue").get_data(as_text=True)


def test_returned_opinion_waits_for_the_dispatcher_who_sends_it_on(app, client, make, db):
    source, target = make.department(), make.department()
    clerk = make.user(role="department_staff", department_id=source.id)
    dispatcher = make.user(role="dispatcher")
    opinion = routed(make, source)
    login(client, clerk.username)
    url = f"/department/opinions/{opinion.id}"
    token, revision = csrf_and_revision(client, url)
    client.post(url + "/transfer", data={"csrf_token": token, "revision": revision, "to_department_id": "",
                                         "reason_code": "unclear"})
    db.session.expire_all()
    assert opinion.status == "triage" and opinion.department_id is None and opinion.due_on is None

    login(client, dispatcher.username)
    assert opinion.tracking_code in client.get("/dispatch/").get_data(as_text=True)
    html = client.get("/dispatch/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    revision = re.search(r'name="revision" type="hidden" value="(\d+)"', html).group(1)
    assert client.post(f"/dispatch/opinions/{opinion.id}", data={
        "csrf_token": token, "revision": revision, "department_id": str(target.id)}).status_code == 302
    db.session.expire_all()
    assert opinion.status == "routed" and opinion.department_id == target.id and opinion.due_on is not None
    assert actions(opinion.id) == ["returned", "dispatched"]


def test_a_stale_form_is_refused_with_a_clear_message_and_changes_nothing(app, client, make, db):
    department = make.department()
    first = make.user(role="department_staff", department_id=department.id)
    second = make.user(role="department_staff", department_id=department.id)
    opinion = routed(make, department)
    login(client, first.username)
    url = f"/department/opinions/{opinion.id}"
    token, stale = csrf_and_revision(client, url)

    from feedback.services import queue
    queue.claim(user=second, opinion_id=opinion.id)  # a colleague acts first

    refused = client.post(url + "/answer", data={"csrf_token": token, "revision": stale, "text": "迟到的答复"})
    assert refused.status_code == 409
    assert "Someone else acted" in refused.get_data(as_text=True) or "其他人" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert opinion.assignee_id == second.id and opinion.status == "accepted" and opinion.response_id is None


def test_assign_to_a_colleague_but_not_to_someone_of_another_department(app, client, make, db):
    department, other = make.department(), make.department()
    clerk = make.user(role="department_staff", department_id=department.id)
    colleague = make.user(role="department_staff", department_id=department.id)
    stranger = make.user(role="department_staff", department_id=other.id)
    opinion = routed(make, department)
    login(client, clerk.username)
    url = f"/department/opinions/{opinion.id}"
    token, revision = csrf_and_revision(client, url)
    assert client.post(url + "/assign", data={"csrf_token": token, "revision": revision,
                                              "assignee_id": str(stranger.id)}).status_code == 422
    db.session.expire_all()
    assert opinion.assignee_id is None
    token, revision = csrf_and_revision(client, url)
    assert client.post(url + "/assign", data={"csrf_token": token, "revision": revision,
                                              "assignee_id": str(colleague.id)}).status_code == 302
    db.session.expire_all()
    assert opinion.assignee_id == colleague.id and opinion.status == "accepted"


def test_notes_stay_internal_and_templates_fill_the_answer(app, client, make, db):
    department = make.department()
    clerk = make.user(role="department_staff", department_id=department.id)
    opinion = routed(make, department)
    login(client, clerk.username)
    url = f"/department/opinions/{opinion.id}"
    token = csrf_and_revision(client, url)[0]
    client.post(url + "/notes", data={"csrf_token": token, "note": "已电话联系居民，周三现场查看。"})
    token = csrf_and_revision(client, "/department/templates")[0]
    client.post("/department/templates", data={"csrf_token": token, "title": "路灯维修",
                                               "text": "您反映的路灯问题已转维修单位，三日内修复。"})
    from feedback.models import AnswerTemplate
    template = db.session.query(AnswerTemplate).one()

    staff_page = client.get(f"{url}?template={template.id}").get_data(as_text=True)
    assert "已电话联系居民" in staff_page and "三日内修复。</textarea>" in staff_page
    assert "已电话联系居民" not in client.get(f"/track/{opinion.tracking_code}").get_data(as_text=True)


def test_queue_filters_by_stance_cluster_and_overdue_and_sorts_by_due_date(app, client, make, db):
    department = make.department()
    clerk = make.user(role="department_staff", department_id=department.id)
    cluster = Cluster(label="噪音", size=1, department_id=department.id)
    db.session.add(cluster)
    db.session.commit()
    late = routed(make, department, stance="oppose", due_on=date(2020, 5, 6))
    soon = routed(make, department, stance="question", due_on=date(2031, 1, 1), cluster_id=cluster.id)
    later = routed(make, department, stance="question", due_on=date(2032, 1, 1))
    login(client, clerk.username)
    page = client.get("/department/queue?sort=due").get_data(as_text=True)
    assert page.index(late.tracking_code) < page.index(soon.tracking_code) < page.index(later.tracking_code)
    questions = client.get("/department/queue?stance=question").get_data(as_text=True)
    assert late.tracking_code not in questions and soon.tracking_code in questions
    overdue = client.get("/department/queue?overdue=1").get_data(as_text=True)
    assert late.tracking_code in overdue and soon.tracking_code not in overdue
    in_cluster = client.get(f"/department/queue?cluster={cluster.id}").get_data(as_text=True)
    assert soon.tracking_code in in_cluster and later.tracking_code not in in_cluster


def test_more_time_needs_a_reason_and_another_persons_approval(app, client, make, db):
    from feedback.services import queue
    from feedback.services.errors import PermissionDenied, ValidationFailed

    department = make.department()
    clerk = make.user(role="department_staff", department_id=department.id)
    head = make.user(role="department_head", department_id=department.id)
    opinion = routed(make, department, due_on=date(2024, 9, 27))
    app.test_request_context().push()  # service errors speak the user's language
    try:
        queue.request_extension(user=clerk, opinion_id=opinion.id, working_days=3, reason="")
    except ValidationFailed as failure:
        assert "reason" in failure.errors
    else:
        raise AssertionError("an extension without a reason was accepted")
    extension = queue.request_extension(user=clerk, opinion_id=opinion.id, working_days=3, reason="需要现场勘查")
    try:
        queue.decide_extension(user=clerk, extension_id=extension.id, approve=True)
    except PermissionDenied:
        pass
    else:
        raise AssertionError("a clerk approved an extension")
    queue.decide_extension(user=head, extension_id=extension.id, approve=True)
    db.session.expire_all()
    # 27 Sep 2024 + 3 working days: Sun 29 Sep is a make-up day, 30 Sep, then 1-7 Oct off → 8 Oct.
    assert opinion.due_on == date(2024, 10, 8)
    assert db.session.get(DeadlineExtension, extension.id).status == "approved"
    assert actions(opinion.id) == ["extension_requested", "extension_approved"]


def test_a_resident_not_satisfied_reopens_the_opinion_for_a_second_answer(app, client, make, db):
    from feedback.services import responses

    department = make.department()
    clerk = make.user(role="department_staff", department_id=department.id)
    supervisor = make.user(role="supervisor")
    opinion = routed(make, department)
    responses.answer_opinion(user=clerk, opinion_id=opinion.id, text="已处理。")
    responses.rate_answer(opinion_id=opinion.id, score="not_satisfied", comment="路灯还是不亮")
    db.session.expire_all()
    assert opinion.status == "in_progress" and opinion.reopened_count == 1
    second = responses.answer_opinion(user=clerk, opinion_id=opinion.id, text="已再次更换灯具并现场确认。")
    db.session.expire_all()
    assert opinion.status == "answered" and opinion.response_id == second.id
    responses.rate_answer(opinion_id=opinion.id, score="satisfied")
    db.session.expire_all()
    assert opinion.status == "closed"
    assert [a for a in actions(opinion.id) if a in ("answered", "rated", "reopened", "closed")] == [
        "answered", "rated", "reopened", "answered", "rated", "closed"]

    login(client, supervisor.username)
    assert opinion.tracking_code in client.get("/figures/").get_data(as_text=True)


def test_the_triage_list_offers_the_routers_guess_and_never_a_department_by_default(
        app, client, make, db):
    lights = make.department(name_zh="区城管执法局", routing_keywords="路灯 井盖")
    schools = make.department(name_zh="区教育局", routing_keywords="学校 入学")
    dispatcher = make.user(role="dispatcher")
    guessed = make.opinion(status="triage", text="学校门口的斑马线褪色了。")
    unguessed = make.opinion(status="triage", text="我想说说对未来生活的一些感想。")
    # 路灯: the keywords point back at the department that returns it
    returned = routed(make, lights)
    clerk = make.user(role="department_staff", department_id=lights.id)
    login(client, clerk.username)
    url = f"/department/opinions/{returned.id}"
    token, revision = csrf_and_revision(client, url)
    client.post(url + "/transfer", data={"csrf_token": token, "revision": revision,
                                         "to_department_id": "", "reason_code": "not_our_remit"})

    login(client, dispatcher.username)
    html = client.get("/dispatch/?lang=en").get_data(as_text=True)
    rows = {o.id: html[html.index(o.tracking_code):].split("</tr>")[0]
            for o in (guessed, unguessed, returned)}
    assert f'<option selected value="{schools.id}">{schools.name_en}</option>' in rows[guessed.id]
    for opinion in (unguessed, returned):
        assert '<option selected value="0">Choose a department</option>' in rows[opinion.id]
        assert "no guess" in rows[opinion.id]

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post(f"/dispatch/opinions/{unguessed.id}?lang=en", data={
        "csrf_token": token, "revision": str(unguessed.revision or 0), "department_id": "0"})
    assert response.status_code == 422
    assert "Choose the department to send it to." in response.get_data(as_text=True)
    db.session.expire_all()
    assert unguessed.status == "triage" and unguessed.department_id is None


def test_an_opinion_left_out_of_a_cluster_answer_stays_open(app, client, make, db):
    department = make.department()
    cluster = Cluster(label="公交站台太远", size=3, department_id=department.id)
    db.session.add(cluster)
    db.session.commit()
    near, far = (routed(make, department, cluster_id=cluster.id, text=f"公交站台离小区太远，第{i}位居民。")
                 for i in range(2))
    off_topic = routed(make, department, cluster_id=cluster.id, text="公交车司机态度很差。")
    login(client, make.user(role="department_staff", department_id=department.id).username)
    token, revision = csrf_and_revision(client, f"/department/opinions/{near.id}")
    client.post(f"/department/opinions/{near.id}/answer", data={
        "csrf_token": token, "revision": revision, "whole_cluster": "y", "text": "站台将迁移150米。",
        "listed": [str(near.id), str(far.id), str(off_topic.id)], "covered": [str(far.id)]})
    db.session.expire_all()
    assert near.status == far.status == "answered" and near.response_id == far.response_id
    assert off_topic.status == "routed" and off_topic.response_id is None


def test_the_triage_list_costs_the_same_statements_for_few_or_many_opinions(
        app, client, make, db):
    from tests.sql_counting import statements_during

    make.department(routing_keywords="路灯")
    login(client, make.user(role="dispatcher").username)

    def statements_with(extra: int) -> int:
        for n in range(extra):
            make.opinion(status="triage", text=f"第{n}条说不清归谁管的意见。")
        _, sent = statements_during(db, lambda: client.get("/dispatch/"))
        return sent

    assert statements_with(2) == statements_with(30)


def test_a_new_opinion_on_an_answered_concern_shows_that_answer_while_it_waits(
        app, client, make, db):
    department = make.department(name_zh="区交通委", name_en="Transport Commission")
    cluster = Cluster(label="公交站台太远", size=3, department_id=department.id)
    db.session.add(cluster)
    db.session.commit()
    earlier = routed(make, department, cluster_id=cluster.id, text="公交站台离小区太远了。")
    login(client, make.user(role="department_staff", department_id=department.id).username)
    token, revision = csrf_and_revision(client, f"/department/opinions/{earlier.id}")
    client.post(f"/department/opinions/{earlier.id}/answer", data={
        "csrf_token": token, "revision": revision, "whole_cluster": "y", "text": "站台将迁移150米。"})
    later = routed(make, department, cluster_id=cluster.id, text="站台太远，老人走不动。")
    elsewhere = routed(make, make.department(), cluster_id=cluster.id, text="另一个部门的站台意见。")

    page = client.get(f"/track/{later.tracking_code}?lang=en").get_data(as_text=True)
    shown = page[page.index('data-testid="earlier-answer"'):].split("</section>")[0]
    assert "站台将迁移150米" in shown and "Transport Commission" in shown and "公交站台太远" in shown
    assert 'data-testid="answer"' not in page  # its own answer is still to come
    for other in (earlier, elsewhere):  # answered itself / another department's opinion
        tracked = client.get(f"/track/{other.tracking_code}").get_data(as_text=True)
        assert 'data-testid="earlier-answer"' not in tracked


@pytest.mark.parametrize("sort", ["due", "received", "status"])
def test_queue_pages_after_the_first_hold_the_next_rows_in_order_each_once(app, make, db, sort):
    from feedback.services.queue import QueueFilter, department_queue

    department, other = make.department(), make.department()
    clerk = make.user(role="department_staff", department_id=department.id)
    for n in range(23):  # equal due dates on purpose: the id decides among them
        make.opinion(department_id=department.id, due_on=date(2031, 1, 1 + n % 4),
                     status=["routed", "in_progress", "answered"][n % 3], text="路灯坏了")
        routed(make, other, due_on=date(2031, 1, 1))
    filters = QueueFilter(status="all", sort=sort)
    every = department_queue(user=clerk, filters=filters, size=100).items
    pages = [department_queue(user=clerk, filters=filters, page=n, size=5) for n in range(1, 6)]
    assert [o.id for p in pages for o in p.items] == [o.id for o in every]
    assert len(every) == 23 and {o.department_id for o in every} == {department.id}
    assert [p.number for p in pages] == [1, 2, 3, 4, 5] and pages[-1].total == 23
    assert len(pages[-1].items) == 3
