"""Search through the product: kept in step by the real search worker, visible only to
those who may see each document, and never a 500 on bad queries."""
from __future__ import annotations

import re

import pytest

from feedback.models import Opinion


def _index_everything(run_jobs):
    run_jobs()  # routing first, then the search queue picks up every change
    run_jobs()


def _search(client, q, **params):
    return client.get("/api/v1/search", query_string={"q": q, **params}).get_json()


def test_a_published_item_is_found_after_the_search_worker_ran(app, client, make, run_jobs):
    make.item(title="临江路停车位改造方案", body="新增停车位120个。")
    before = _search(client, "停车位")  # no index yet: "unavailable", and a rebuild is queued
    assert before.get("total", 0) == 0 and "results" not in before
    _index_everything(run_jobs)
    body = _search(client, "停车位")
    assert body["total"] == 1 and body["results"][0]["kind"] == "item"


def test_traditional_and_full_width_queries_find_simplified_text(app, client, make, run_jobs):
    make.item(title="老旧小区停车位改造", body="ABC小区试点。")
    _index_everything(run_jobs)
    assert _search(client, "停車位")["total"] == 1
    assert _search(client, "ＡＢＣ")["total"] == 1


def test_nothing_internal_hidden_or_unpublished_is_found_by_the_public(app, client, make, run_jobs, db):
    make.item(scope="internal", title="内部干部任免名单 停车")
    make.item(scope="members", title="党员大会决议 停车")
    make.item(published=False, title="未发布的停车草稿")
    public_item = make.item(title="公开的停车方案")
    hidden = make.opinion(disclosure=public_item, text="停车问题的隐藏意见，含辱骂内容", moderation="hidden")
    _index_everything(run_jobs)
    body = _search(client, "停车")
    titles = " ".join(str(r) for r in body["results"])
    assert body["total"] == 1 and body["results"][0]["id"] == public_item.id
    assert f"'id': {hidden.id}, 'kind': 'opinion'" not in titles
    assert sum(body["facets"].get("kind", {}).values()) == 1
    page = client.get("/search?q=停车").get_data(as_text=True)
    for secret in ("内部干部任免", "党员大会决议", "未发布的停车草稿", "隐藏意见"):
        assert secret not in page


def test_staff_find_their_departments_opinions_but_not_others(app, client, make, run_jobs, db):
    mine, theirs = make.department(), make.department()
    make.opinion(text="垃圾分类点气味太大，请增加清运次数。", status="routed", department_id=mine.id,
                 moderation="hidden")
    make.opinion(text="垃圾分类宣传不到位。", status="routed", department_id=theirs.id, moderation="hidden")
    _index_everything(run_jobs)
    staff = make.user(role="department_staff", department_id=mine.id)
    html = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    client.post("/auth/login", data={"csrf_token": token, "username": staff.username, "password": "secret-pass"})
    body = _search(client, "垃圾分类", **{"in": "queue"})
    assert body["total"] == 1


def test_opinions_are_indexed_masked(app, client, make, run_jobs, db):
    item = make.item(title="菜场改造")
    make.opinion(disclosure=item, text="菜场改造我有意见，电话13812345678找我。")
    _index_everything(run_jobs)
    body = _search(client, "菜场", kind="opinion")
    assert body["total"] == 1
    assert "13812345678" not in body["results"][0]["highlight"]


@pytest.mark.parametrize("q", ["", "   ", "！？。，", "AND OR NOT ( ) \" * ~ :", "停车" * 3000, "a:b OR (c"])
def test_bad_queries_never_fail(app, client, make, run_jobs, q):
    make.item(title="停车方案")
    _index_everything(run_jobs)
    assert client.get("/search", query_string={"q": q}).status_code == 200
    assert client.get("/api/v1/search", query_string={"q": q}).status_code == 200


def test_page_out_of_range_is_an_empty_page(app, client, make, run_jobs):
    make.item(title="停车方案")
    _index_everything(run_jobs)
    assert client.get("/search", query_string={"q": "停车", "page": "9999"}).status_code == 200
    body = _search(client, "停车", page="abc")
    assert body["total"] == 1, body


def test_reindex_rebuilds_from_the_database(app, client, make):
    make.item(title="重建索引后仍能找到的停车方案")
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0 and "indexed" in result.output
    assert _search(client, "停车")["total"] == 1


def test_a_missing_index_says_search_is_unavailable(app, client, make, run_jobs, tmp_path):
    original = app.config["SEARCH_INDEX_DIR"]
    app.config["SEARCH_INDEX_DIR"] = str(tmp_path / "nothing-here" / "index")
    try:
        (tmp_path / "nothing-here").mkdir()
        (tmp_path / "nothing-here" / "index").write_text("not an index")
        response = client.get("/search?q=停车&lang=en")
        assert response.status_code == 200 and "unavailable" in response.get_data(as_text=True)
        assert client.get("/api/v1/search?q=停车").status_code == 503
    finally:
        app.config["SEARCH_INDEX_DIR"] = original


def test_deleted_rows_leave_the_index(app, client, make, run_jobs, db):
    item = make.item(title="将被撤回的停车方案")
    _index_everything(run_jobs)
    opinion = make.opinion(disclosure=item, text="停车方案很好")
    _index_everything(run_jobs)
    db.session.delete(opinion)
    db.session.commit()
    _index_everything(run_jobs)
    assert _search(client, "停车", kind="opinion")["total"] == 0
    assert db.session.query(Opinion).count() == 0


def test_routing_updates_the_department_in_the_index(app, client, make, run_jobs, db):
    department = make.department()
    item = make.item(department=department)
    html = client.get(f"/items/{item.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    submission = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', html).group(1)
    client.post(f"/items/{item.id}/opinions", data={"csrf_token": token, "submission_id": submission,
                                                  "stance": "question", "text": "电梯井道占用绿化带怎么办？"})
    run_jobs()  # routed by a bulk UPDATE, then indexed once, with its department
    staff = make.user(role="department_staff", department_id=department.id)
    html = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    client.post("/auth/login", data={"csrf_token": token, "username": staff.username, "password": "secret-pass"})
    body = _search(client, "绿化带", **{"in": "queue"})
    assert body["total"] == 1 and body["results"][0]["kind"] == "opinion"


def test_an_opinion_found_links_by_the_title_of_the_item_it_is_about(app, client, make, run_jobs):
    item = make.item(title="锦绣华庭停车位挖潜方案")
    make.opinion(disclosure=item, text="地下车库的充电桩什么时候装？")
    _index_everything(run_jobs)
    page = client.get("/search?q=充电桩&lang=en").get_data(as_text=True)
    hit = page[page.index('class="result result-opinion"'):].split("</li>")[0]
    assert f'<a href="/items/{item.id}" lang="zh-CN">锦绣华庭停车位挖潜方案</a>' in hit
    assert not re.search(r"<a [^>]*>\s*</a>", page)  # no link without words


def test_an_answer_is_public_only_while_every_item_of_its_opinions_is(app, make, db):
    from feedback.models import Response
    from feedback.services import search as search_service

    department = make.department()
    public_item, internal_item = make.item(title="公开事项"), make.item(title="内部事项", scope="internal")
    answer = Response(department_id=department.id, disclosure_id=public_item.id, text="已安排加装电梯",
                      status="published")
    db.session.add(answer)
    db.session.flush()
    on_internal = [make.opinion(disclosure=item, response_id=answer.id, status="answered")
                   for item in (public_item, public_item, internal_item)][-1]
    answer_id = answer.id
    db.session.expire_all()  # the answer's opinions are not loaded: read from the database

    def public_after_reload():
        db.session.expire_all()
        return search_service.may_see(None, "answer", db.session.get(Response, answer_id))

    assert not public_after_reload()
    loaded = db.session.get(Response, answer_id)
    assert len(loaded.opinions) == 3 and not search_service.may_see(None, "answer", loaded)
    db.session.get(Opinion, on_internal.id).disclosure_id = public_item.id  # moved to the public item
    db.session.commit()
    assert public_after_reload()
    assert search_service.may_see(None, "answer", db.session.get(Response, answer_id))
