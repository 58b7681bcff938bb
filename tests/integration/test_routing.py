"""Routing on real parts: item opinions go to the item's department, general ones are
classified by a router trained on the organisation's own history (here the demo
district's labelled opinions), unsure ones wait for a dispatcher, every decision is
in the audit trail, a transfer retrains the router, and one job routes a burst."""
from __future__ import annotations

import csv
import json
import re

import pytest

from feedback.demo_data import build_demo_data
from feedback.models import Department, Opinion
from feedback.models.response_workflow import RouterRun
from feedback.services import audit

CAT_TEXTS = ["小区流浪猫越来越多，希望组织绝育和领养。", "流浪猫夜里叫声扰民，能否设置猫舍统一喂养？",
             "楼道里有人喂流浪猫，猫砂气味很大。", "请安排流浪猫绝育，控制数量。"]


@pytest.fixture(scope="module")
def demo():
    return build_demo_data()


@pytest.fixture
def departments(make, demo):
    return {d.key: make.department(key=d.key, name_zh=d.name_zh, name_en=d.name_en,
                                   routing_keywords=" ".join(d.routing_keywords)) for d in demo.departments}


def history(make, departments, demo) -> None:
    """The demo district's opinions, answered by their true departments."""
    from feedback.services.opinions import new_tracking_code

    make.db.session.add_all([Opinion(tracking_code=new_tracking_code(), text=spec.text_zh, stance=spec.stance,
                                     status="answered", department_id=departments[spec.department_key].id)
                             for spec in demo.opinions])
    make.db.session.commit()


def submit(client_app_text: str, stance: str = "suggestion"):
    from feedback.services.opinions import submit_opinion

    return submit_opinion(text=client_app_text, stance=stance, channel="api").opinion


def test_an_unsure_general_opinion_waits_for_the_dispatcher_with_its_reasons_recorded(app, make, db, run_jobs):
    make.department(routing_keywords="电梯 加装")
    with app.test_request_context():
        opinion = submit("我想说说对未来生活的一些感想和期待。")
    run_jobs()
    db.session.expire_all()
    assert opinion.status == "triage" and opinion.department_id is None
    step = audit.trail("opinion", opinion.id)[-1]
    assert step.action == "triage" and step.actor_label == "system:router"
    assert step.detail["confidence"] < step.detail["threshold"]
    assert step.detail["reason"] and step.detail["model_version"] == "keywords-1"


def test_the_trained_router_sends_general_opinions_to_the_right_department(app, make, db, run_jobs, redis,
                                                                           departments, demo):
    from feedback.services import router_training

    history(make, departments, demo)
    run = router_training.retrain(source="test")
    assert run is not None and run.examples == len(demo.opinions) and len(run.classes) == len(departments)
    with app.test_request_context():
        school = submit("孩子明年上小学，学区划分和入学报名什么时候公布？", stance="question")
        bus = submit("公交站台离小区太远，希望增设一个公交站点。", stance="oppose")
    from rq import Queue

    assert Queue("default", connection=redis).count == 0  # the router finds both by itself
    run_jobs()
    db.session.expire_all()
    assert school.status == "routed" and school.department.key == "education" and school.kind == "enquiry"
    assert bus.status == "routed" and bus.department.key == "transport" and bus.kind == "complaint"
    step = audit.trail("opinion", bus.id)[-1]
    assert step.detail["reason"] == "classifier" and step.detail["model_version"] == run.model_version
    assert 0.5 <= step.detail["confidence"] <= 1


def test_a_transfer_is_a_correction_the_router_learns_from(app, make, db, run_jobs, departments, demo):
    from feedback.services import queue, router_training
    from feedback.services.routing import trained_router

    history(make, departments, demo)
    router_training.retrain(source="test")
    wrong, right = departments["housing"], departments["health"]
    assert trained_router().predict(["流浪猫太多了，请组织绝育"])[0].department != "health"
    clerk = make.user(role="department_staff", department_id=wrong.id)
    misrouted = [make.opinion(text=t, status="routed", department_id=wrong.id) for t in CAT_TEXTS]
    with app.test_request_context():
        for opinion in misrouted:
            queue.transfer(user=clerk, opinion_id=opinion.id, to_department_id=right.id, reason_code="not_our_remit")
    run_jobs()  # the retraining job the transfers asked for (once for all four)
    latest = db.session.query(RouterRun).order_by(RouterRun.id.desc()).first()
    assert latest.source == "transfer" and latest.examples == len(demo.opinions) + len(CAT_TEXTS)
    assert trained_router().predict(["流浪猫太多了，请组织绝育"])[0].department == "health"


def test_intake_leaves_redis_alone_and_one_router_pass_routes_a_burst(app, make, db, run_jobs,
                                                                     redis):
    item = make.item()
    redis.flushdb()  # (the item's own index job)
    with app.test_request_context():
        from feedback.services.opinions import submit_opinion

        codes = [submit_opinion(text=f"支持加装电梯，第{i}位居民的意见。", stance="support", disclosure_id=item.id,
                                channel="api").opinion.id for i in range(40)]
    assert redis.dbsize() == 0  # no flag, no set, no job: the router finds committed rows itself
    run_jobs()
    db.session.expire_all()
    rows = db.session.query(Opinion).filter(Opinion.id.in_(codes)).all()
    assert {o.status for o in rows} == {"routed"} and {o.department_id for o in rows} == {item.department_id}
    assert all([e.action for e in audit.trail("opinion", o.id)] == ["received", "routed"] for o in rows)


def test_router_cli_trains_from_csv_predicts_in_order_and_evaluates_against_the_baseline(app, tmp_path, demo):
    path = tmp_path / "history.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["留言内容", "责任部门"])
        for spec in demo.opinions:
            writer.writerow([spec.text_zh, spec.department_key])
    runner = app.test_cli_runner()
    trained = runner.invoke(args=["router", "train", "--csv", str(path), "--text-column", "留言内容",
                                  "--department-column", "责任部门", "--folds", "2"])
    assert trained.exit_code == 0, trained.output
    assert f"{len(demo.opinions)} examples, {len(demo.departments)} departments" in trained.output
    assert "accuracy" in trained.output and "macro-F1" in trained.output

    predicted = runner.invoke(args=["router", "predict"],
                              input="孩子入学报名和学区划分的问题\n\n公交站台离小区太远\n")
    lines = [json.loads(line) for line in predicted.output.strip().splitlines()]
    assert [line["department"] for line in lines] == ["education", None, "transport"]
    assert all(0 <= line["confidence"] <= 1 for line in lines)

    evaluated = runner.invoke(args=["router", "evaluate", str(path), "--text-column", "留言内容",
                                    "--department-column", "责任部门", "--folds", "2"])
    assert evaluated.exit_code == 0, evaluated.output
    assert "router: 2-fold accuracy" in evaluated.output and "baseline TF-IDF + LinearSVC" in evaluated.output

    wrong = runner.invoke(args=["router", "train", "--csv", str(path), "--text-column", "text"])
    assert wrong.exit_code != 0 and "not in the CSV header" in wrong.output


def test_a_history_of_a_few_departments_does_not_replace_the_keywords(
        app, make, db, run_jobs, departments, demo):
    """Answered opinions of three departments only (as in a new district): a classifier
    learnt from them would send a school question to one of the three."""
    from feedback.services import router_training
    from feedback.services.routing import trained_router

    few = {"housing", "urban-management", "civil-affairs"}
    make.db.session.add_all([
        Opinion(tracking_code=f"FB-FEW{n:05d}", text=spec.text_zh, stance=spec.stance,
                status="answered", department_id=departments[spec.department_key].id)
        for n, spec in enumerate(demo.opinions) if spec.department_key in few])
    make.db.session.commit()
    assert router_training.departments_learnt([s.department_key for s in demo.opinions
                                               if s.department_key in few]) == (3, len(departments))
    assert router_training.retrain(source="test") is None and trained_router() is None
    with app.test_request_context():
        school = submit("孩子明年上小学，学区划分和入学报名什么时候公布？", stance="question")
    run_jobs()
    db.session.expire_all()
    assert school.department is None or school.department.key == "education"
    assert audit.trail("opinion", school.id)[-1].detail["model_version"] == "keywords-1"


def _board_csv(path, demo, signed_by) -> None:
    """A historical board as an export gives it: message, and the reply signed by the
    unit that answered (the demo district's template opinions; no real text)."""
    with open(path, "w", newline="", encoding="gb18030") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "reply"])
        for n, spec in enumerate(demo.opinions):
            reply = "" if n % 7 == 0 else f"网友您好，您反映的问题已收悉并核实处理。感谢您的关注！{signed_by(spec)} 2020年1月{n % 28 + 1}日"
            writer.writerow([n, spec.text_zh, reply])


def test_router_learns_from_a_historical_boards_replies_and_evaluates_without_its_test_messages(
        app, tmp_path, make, departments, demo):
    names = {d.key: d.name_zh for d in demo.departments}
    board = tmp_path / "board.csv"
    _board_csv(board, demo, lambda spec: names[spec.department_key])
    runner = app.test_cli_runner()

    # a new deployment with no answered opinion yet: the board's replies are the history
    trained = runner.invoke(args=["router", "train", "--from-board", str(board), "--folds", "2"])
    assert trained.exit_code == 0, trained.output
    answered = len([n for n in range(len(demo.opinions)) if n % 7])
    assert f"{answered} labelled by the answering unit, {len(demo.opinions) - answered} without a reply" \
        in trained.output
    assert f"{answered} board messages added to the training examples (all: no labelled history" \
        in trained.output
    assert db_run_sources(make) == ["database+board"]
    predicted = runner.invoke(args=["router", "predict"], input="孩子入学报名和学区划分的问题\n")
    assert json.loads(predicted.output)["department"] == "education"

    # evaluation with the board as extra training: the labelled file's own messages are in
    # the board too, and each fold leaves them out of its training part
    labelled = tmp_path / "labelled.csv"
    with open(labelled, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "department"])
        for spec in demo.opinions:
            writer.writerow([spec.text_zh, spec.department_key])
    units = tmp_path / "units.csv"
    units.write_text("keyword,department\n" + "".join(f"{name},{key}\n" for key, name in names.items()),
                     encoding="utf-8")
    evaluated = runner.invoke(args=["router", "evaluate", str(labelled), "--extra-training", str(board),
                                    "--unit-table", str(units), "--extra-filter", "all", "--folds", "2",
                                    "--no-baseline"])
    assert evaluated.exit_code == 0, evaluated.output
    assert "router + board (all): 2-fold accuracy" in evaluated.output
    folds = [line for line in evaluated.output.splitlines() if line.strip().startswith("fold of")]
    assert len(folds) == 2
    for line in folds:  # the fold's test messages answered on the board are left out of its training
        size, added, left_out = (int(w) for w in re.findall(r"\d+", line)[:3])
        assert added + left_out == answered
        assert left_out >= 0.8 * size * answered / len(demo.opinions)

    # with a labelled history, only the board messages its router agrees with are added
    seeded = runner.invoke(args=["router", "train", "--csv", str(labelled), "--from-board", str(board),
                                 "--unit-table", str(units), "--folds", "2"])
    assert seeded.exit_code == 0, seeded.output
    added = int(re.search(r"(\d+) board messages added to the training examples \(agree\)", seeded.output)[1])
    assert 0.5 * answered < added <= answered
    assert f"{len(demo.opinions) + added} examples" in seeded.output

    missing = runner.invoke(args=["router", "evaluate", str(labelled), "--extra-training", str(board),
                                  "--board-reply-column", "答复"])
    assert missing.exit_code != 0 and "not in the CSV header: 答复" in missing.output


def db_run_sources(make) -> list[str]:
    from sqlalchemy import select

    return list(make.db.session.scalars(select(RouterRun.source)))


def test_a_bursts_later_batches_queue_no_delivery_run(app, make, db, run_jobs, redis):
    """The department hears of new opinions once an hour: the first batch queues its
    message and one delivery run; later batches of the hour queue neither (a delivery
    run per router pass was a forked job every half second of a burst)."""
    from rq import Queue

    from feedback.models import OutboxMessage
    from feedback.services import batching

    item = make.item()
    make.user(role="department_staff", department_id=item.department_id)
    run_jobs()  # the item's own jobs
    redis.flushdb()

    def burst(label: str) -> None:
        with app.test_request_context():
            from feedback.services.opinions import submit_opinion

            for i in range(5):
                submit_opinion(text=f"{label}：支持加装电梯，第{i}位居民的意见。", stance="support",
                               disclosure_id=item.id, channel="api")

    burst("第一批")
    from feedback.models.base import utcnow
    from feedback.services.routing import route_received

    now = utcnow()  # both batches in the same hour, whenever the test runs
    assert route_received(now=now) == 5
    assert db.session.query(OutboxMessage).filter_by(kind="new_opinions").count() == 1
    assert redis.exists(batching.flag_key("deliver-outbox"))
    assert [j.func_name for j in Queue("default", connection=redis).jobs] == [
        "workers.reminders.deliver_outbox"]
    run_jobs(queues=("default", "search", "synthesis"))  # delivered; the flag is cleared
    assert not redis.exists(batching.flag_key("deliver-outbox"))

    burst("第二批")
    assert route_received(now=now) == 5
    assert db.session.query(OutboxMessage).filter_by(kind="new_opinions").count() == 1
    assert not redis.exists(batching.flag_key("deliver-outbox"))
    assert Queue("default", connection=redis).count == 0
