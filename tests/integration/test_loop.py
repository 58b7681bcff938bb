"""The whole loop on real parts: intake → RQ worker routes → department answers →
answer on the public page and the tracking page. Runs on SQLite and PostgreSQL."""
from __future__ import annotations

import re

from feedback.models import AuditEvent, Opinion
from feedback.services import audit


def _csrf(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def _submission_id(client, url: str) -> tuple[str, str]:
    html = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    submission = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', html).group(1)
    return token, submission


def _login(client, username: str, password: str = "secret-pass") -> None:
    token = _csrf(client, "/auth/login")
    response = client.post("/auth/login", data={"csrf_token": token, "username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_opinion_travels_the_whole_loop_on_a_real_worker(app, client, make, run_jobs, db):
    department = make.department(name_zh="区住房和建设管理委员会")
    item = make.item(department=department)
    staff = make.user(role="department_staff", department_id=department.id)

    token, submission = _submission_id(client, f"/items/{item.id}")
    response = client.post(f"/items/{item.id}/opinions", data={
        "csrf_token": token, "submission_id": submission, "stance": "support",
        "text": "支持加装电梯，我家住六楼，母亲腿脚不好，每天上下楼非常困难。",
    })
    assert response.status_code == 302
    code = re.search(r"/track/(FB-[A-Z0-9-]+)", response.headers["Location"]).group(1)

    # Committed before the reply, not yet routed: the router has not run.
    opinion = db.session.query(Opinion).filter_by(tracking_code=code).one()
    assert opinion.status == "received" and opinion.department_id is None

    run_jobs()
    db.session.expire_all()
    assert opinion.status == "routed" and opinion.department_id == department.id
    routed = [e for e in audit.trail("opinion", opinion.id) if e.action == "routed"]
    assert routed[0].actor_label == "system:router" and routed[0].detail["reason"] == "item"

    _login(client, staff.username)
    queue = client.get("/department/queue").get_data(as_text=True)
    assert code in queue
    token = _csrf(client, f"/department/opinions/{opinion.id}")
    answer = "已列入明年加装电梯计划，3月底前完成设计方案公示。"
    response = client.post(f"/department/opinions/{opinion.id}/answer",
                           data={"csrf_token": token, "text": answer})
    assert response.status_code == 302

    public_page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert answer in public_page
    tracking_page = client.get(f"/track/{code}?lang=en").get_data(as_text=True)
    assert answer in tracking_page and "Answered" in tracking_page
    api = client.get(f"/api/v1/opinions/{code}").get_json()
    assert api["status"] == "answered" and api["answer"]["text"] == answer
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(subject_id=opinion.id,
                                                                        subject_type="opinion")]
    assert actions == ["received", "routed", "answered"]


def test_department_sees_only_its_own_queue(app, client, make, db):
    mine, theirs = make.department(), make.department()
    own = make.opinion(text="我的部门的意见，关于电梯。", status="routed", department_id=mine.id)
    other = make.opinion(text="别的部门的意见，关于公交线路。", status="routed", department_id=theirs.id)
    staff = make.user(role="department_staff", department_id=mine.id)
    _login(client, staff.username)

    queue = client.get("/department/queue").get_data(as_text=True)
    assert own.tracking_code in queue and other.tracking_code not in queue
    assert client.get(f"/department/opinions/{other.id}").status_code == 404
    token = _csrf(client, f"/department/opinions/{own.id}")
    response = client.post(f"/department/opinions/{other.id}/answer", data={"csrf_token": token, "text": "越权答复"})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Opinion, other.id).status == "routed"


def test_residents_and_other_roles_cannot_open_a_queue(app, client, make):
    assert client.get("/department/queue").status_code == 302  # to the login page
    editor = make.user(role="editor")
    _login(client, editor.username)
    assert client.get("/department/queue").status_code == 403


def test_one_answer_covers_the_whole_cluster(app, client, make, db):
    from feedback.models import Cluster

    department = make.department()
    cluster = Cluster(label="加装电梯 / 六楼", size=3, department_id=department.id)
    db.session.add(cluster)
    db.session.commit()
    opinions = [make.opinion(text=f"加装电梯意见{i}号，请尽快。", status="routed",
                             department_id=department.id, cluster_id=cluster.id) for i in range(3)]
    staff = make.user(role="department_staff", department_id=department.id)
    _login(client, staff.username)
    token = _csrf(client, f"/department/opinions/{opinions[0].id}")
    client.post(f"/department/opinions/{opinions[0].id}/answer",
                data={"csrf_token": token, "text": "统一答复：已纳入计划。", "whole_cluster": "y"})
    db.session.expire_all()
    answered = [db.session.get(Opinion, o.id) for o in opinions]
    assert {o.status for o in answered} == {"answered"}
    assert len({o.response_id for o in answered}) == 1
    page = client.get(f"/track/{answered[2].tracking_code}?lang=en").get_data(as_text=True)
    assert "one of 3 on the same concern" in page


def test_opinion_waiting_when_redis_was_down_is_routed_by_the_sweep(app, make, db, run_jobs):
    from workers.maintenance import sweep

    department = make.department()
    item = make.item(department=department)
    stranded = make.opinion(disclosure=item)  # committed, but its job never reached Redis
    assert run_jobs(("default",)) == 0
    assert sweep(older_than_seconds=60) == 1
    db.session.expire_all()
    assert db.session.get(Opinion, stranded.id).status == "routed"
    assert sweep(older_than_seconds=60) == 0  # idempotent


def test_routing_job_run_twice_changes_nothing(app, make, db):
    from feedback.services.routing import route_opinion

    item = make.item()
    opinion = make.opinion(disclosure=item)
    route_opinion(opinion_id=opinion.id)
    route_opinion(opinion_id=opinion.id)
    events = audit.trail("opinion", opinion.id)
    assert [e.action for e in events] == ["routed"]
