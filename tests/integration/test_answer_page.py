"""The public page of a published answer: an answer to general opinions (given without an
item) has no item page to stand beside, so it gets its own page and a list; search, the
tracking page and the list link to it. Only published answers that reach nothing but
public items are shown, masked as every public text; anything else is a 404 for everyone."""
from __future__ import annotations

import pytest

from feedback.models import Cluster, Response

PHONE, MASKED_PHONE = "13912345678", "139****5678"


def _login(client, user, password: str = "secret-pass") -> None:
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()


@pytest.fixture
def general(make, db):
    """A concern raised by three residents without an item, answered for the whole cluster
    by a clerk of a department with nobody else to approve (published at once)."""
    from feedback.services import responses

    department = make.department(name_zh="交通委", name_en="Transport Commission")
    clerk = make.user(role="department_staff", department_id=department.id)
    concern = Cluster(label=f"路口红绿灯 联系{PHONE}", size=3, department_id=department.id)
    db.session.add(concern)
    db.session.commit()
    said = [make.opinion(text=f"学校门口路口绿灯太短 {n}", status="routed", department_id=department.id,
                         cluster_id=concern.id) for n in range(3)]
    answer = responses.answer_opinion(
        user=clerk, opinion_id=said[0].id, whole_cluster=True,
        text=f"绿灯已由25秒延长至35秒。咨询电话021-5555 0166，联系人手机{PHONE}。")
    assert answer.status == "published"
    return {"answer": answer, "department": department, "clerk": clerk, "concern": concern,
            "opinions": said}


def test_a_general_answer_has_a_public_page_in_both_languages(app, client, general):
    answer = general["answer"]
    zh = client.get(f"/answers/{answer.id}?lang=zh")
    en = client.get(f"/answers/{answer.id}?lang=en")
    assert zh.status_code == en.status_code == 200
    zh_html, en_html = zh.get_data(as_text=True), en.get_data(as_text=True)
    assert "绿灯已由25秒延长至35秒" in zh_html and "021-5555 0166" in zh_html  # the office's line stays
    assert "交通委的答复" in zh_html and "答复3条意见" in zh_html
    assert "Answer from Transport Commission" in en_html and "answers 3 opinions" in en_html
    assert "not about a published item" in en_html
    for html in (zh_html, en_html):
        assert PHONE not in html and MASKED_PHONE in html  # in the answer and the concern's label
        assert "路口红绿灯" in html
        assert general["opinions"][0].tracking_code not in html  # no opinion is identified
        assert general["clerk"].display_name not in html  # nor who wrote it


def test_the_list_of_general_answers_shows_them_and_not_answers_on_items(app, client, make, general):
    from feedback.services import responses

    department = make.department()
    clerk = make.user(role="department_staff", department_id=department.id)
    item = make.item(department=department, title="滨江绿道二期方案")
    on_item = make.opinion(disclosure=item, status="routed", department_id=department.id)
    item_answer = responses.answer_opinion(user=clerk, opinion_id=on_item.id, text="绿道按方案施工。")
    page = client.get("/answers?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Answers on other matters" in html
    assert f'href="/answers/{general["answer"].id}"' in html and MASKED_PHONE in html
    assert f'href="/answers/{item_answer.id}"' not in html and "绿道按方案施工" not in html
    assert PHONE not in html
    assert client.get(f"/answers/{item_answer.id}").status_code == 200  # public item: its page exists too
    assert client.get("/opinions/new").get_data(as_text=True).count('href="/answers"') == 1


def test_an_unpublished_answer_is_not_found_for_everyone(app, client, make, db):
    from feedback.services import responses

    department = make.department()
    clerk = make.user(role="department_staff", department_id=department.id)
    head = make.user(role="department_head", department_id=department.id)
    said = make.opinion(text="公园厕所太少", status="routed", department_id=department.id)
    draft = responses.answer_opinion(user=clerk, opinion_id=said.id, text="草稿答复，尚未审核")
    assert draft.status == "pending_approval"
    returned_said = make.opinion(text="公园长椅坏了", status="routed", department_id=department.id)
    returned = responses.answer_opinion(user=clerk, opinion_id=returned_said.id, text="退回的答复")
    responses.return_answer(user=head, response_id=returned.id, reason="请写明时间")
    for viewer in (None, clerk, head, make.user(role="admin")):
        if viewer is not None:
            _login(client, viewer)
        for answer in (draft, returned):
            response = client.get(f"/answers/{answer.id}")
            assert response.status_code == 404, (viewer, answer.status)
            assert "草稿答复" not in response.get_data(as_text=True)
        assert "草稿答复" not in client.get("/answers").get_data(as_text=True)


@pytest.mark.parametrize("scope", ["internal", "members"])
def test_a_general_answer_that_reaches_an_item_out_of_public_view_is_not_found(
        app, client, make, db, general, scope):
    """A whole-concern answer also answered an opinion on an internal (or members-only)
    item: the public learns nothing of it, as search's public audience says."""
    answer = general["answer"]
    hidden_item = make.item(department=general["department"], scope=scope, title="内部事项")
    reached = make.opinion(disclosure=hidden_item, status="answered", department_id=general["department"].id,
                           cluster_id=general["concern"].id, response_id=answer.id)
    assert reached.response_id == answer.id
    member = make.user(role="member")
    for viewer in (None, member):
        if viewer is not None:
            _login(client, viewer)
        assert client.get(f"/answers/{answer.id}").status_code == 404
        assert f"/answers/{answer.id}" not in client.get("/answers").get_data(as_text=True)


def test_an_answer_whose_item_is_narrowed_to_internal_is_not_found(app, client, make, db):
    from feedback.services import disclosures, responses

    department = make.department()
    clerk = make.user(role="department_staff", department_id=department.id)
    editor = make.user(role="editor")
    item = make.item(department=department, editor=editor)
    said = make.opinion(disclosure=item, status="routed", department_id=department.id)
    answer = responses.answer_opinion(user=clerk, opinion_id=said.id, text="按计划实施。")
    assert client.get(f"/answers/{answer.id}").status_code == 200
    disclosures.update_item(user=editor, item_id=item.id, scope="internal")
    assert client.get(f"/answers/{answer.id}").status_code == 404


def test_the_answer_page_links_the_public_items_whose_opinions_it_answers(app, client, make, general):
    item = make.item(department=general["department"], title="学校周边交通组织方案")
    make.opinion(disclosure=item, status="answered", department_id=general["department"].id,
                 cluster_id=general["concern"].id, response_id=general["answer"].id)
    html = client.get(f"/answers/{general['answer'].id}?lang=en").get_data(as_text=True)
    assert f'href="/items/{item.id}#answers"' in html and "学校周边交通组织方案" in html
    assert "It also answers opinions on these items" in html


@pytest.mark.parametrize("path", ["/answers/0", "/answers/999999999", "/answers/abc", "/answers/-1",
                                  "/answers/1.5", "/answers/%E4%B8%80"])
def test_bad_answer_addresses_are_a_clear_404(app, client, path):
    response = client.get(path + "?lang=en")
    assert response.status_code == 404


@pytest.mark.parametrize("page", ["abc", "-3", "0", "99999999999999999999", "１"])
def test_bad_pages_of_the_list_show_a_page(app, client, general, page):
    response = client.get(f"/answers?page={page}")
    assert response.status_code == 200
    assert f"/answers/{general['answer'].id}" in response.get_data(as_text=True)


def test_search_links_a_general_answer_to_its_page(app, client, general, run_jobs):
    run_jobs()
    run_jobs()
    api = client.get("/api/v1/search", query_string={"q": "绿灯", "kind": "answer"}).get_json()
    urls = [r["url"] for r in api["results"] if r["kind"] == "answer"]
    assert urls == [f"/answers/{general['answer'].id}"]
    html = client.get("/search?q=绿灯&kind=answer").get_data(as_text=True)
    assert f'href="/answers/{general["answer"].id}"' in html
    assert MASKED_PHONE in html and PHONE not in html  # the link says the concern, masked


def test_the_tracking_page_masks_the_concern_and_links_the_answer_page(app, client, general, db):
    code = general["opinions"][1].tracking_code
    html = client.get(f"/track/{code}?lang=en").get_data(as_text=True)
    assert PHONE not in html and MASKED_PHONE in html
    assert f'href="/answers/{general["answer"].id}"' in html and "Public page of this answer" in html


def test_the_tracking_page_masks_the_concern_of_an_earlier_answer(app, client, make, general, db):
    """An opinion still waiting, on a concern already answered: the concern's label is
    shown masked (it was shown as stored)."""
    waiting = make.opinion(text="路口绿灯时间太短了", status="routed", department_id=general["department"].id,
                           cluster_id=general["concern"].id)
    html = client.get(f"/track/{waiting.tracking_code}?lang=en").get_data(as_text=True)
    assert "Already answered on the same concern" in html
    assert PHONE not in html and MASKED_PHONE in html


def test_the_sitemap_lists_the_page_of_general_answers(app, client):
    assert "/answers</loc>" in client.get("/sitemap.xml").get_data(as_text=True)


def test_each_answer_in_the_list_is_read_without_a_query_per_answer(app, client, make, db, general):
    """Department and concern are loaded with the page, not one query per row."""
    from tests.sql_counting import statements_during

    def add(count: int, with_concern: bool):
        for n in range(count):
            db.session.add(Response(department_id=make.department().id, text=f"答复{n}", status="published",
                                    published_at=general["answer"].published_at,
                                    cluster_id=general["concern"].id if with_concern else None))
        db.session.commit()
        db.session.expire_all()

    add(2, with_concern=True)
    _, few = statements_during(db, lambda: client.get("/answers"))
    add(12, with_concern=True)
    _, many = statements_during(db, lambda: client.get("/answers"))
    assert many == few
