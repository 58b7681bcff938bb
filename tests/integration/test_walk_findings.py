"""What a full walk of the site found (issue 21), each kept fixed: answers beside every
item whose opinions they answer, closing dates that mean the whole day, words instead of
codes, a triage page that helps, errors a resident sees, privacy in the outbox."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from feedback.models import Cluster, Opinion
from feedback.services import responses


def _login(client, username: str, password: str = "secret-pass") -> None:
    html = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    client.post(
        "/auth/login", data={"csrf_token": token, "username": username, "password": password}
    )


def _answered_across_items(make, db):
    """One whole-cluster answer written from a general opinion that also answers two
    opinions on item A and one on item B (same department, one concern)."""
    department = make.department()
    item_a, item_b = (
        make.item(department=department),
        make.item(department=department, title="二号事项"),
    )
    cluster = Cluster(label="下水道 / 改造", size=4, department_id=department.id)
    db.session.add(cluster)
    db.session.commit()
    on = {"status": "routed", "department_id": department.id, "cluster_id": cluster.id}
    general = make.opinion(text="小区下水道改造什么时候轮到我们？", **on)
    make.opinion(disclosure=item_a, text="下水道改造请尽快安排。", **on)
    make.opinion(disclosure=item_a, text="下水道经常堵，改造要快。", **on)
    make.opinion(disclosure=item_b, text="下水道改造顺序怎么定？", **on)
    staff = make.user(role="department_staff", department_id=department.id)
    responses.answer_opinion(
        user=staff, opinion_id=general.id, text="下水道改造按排查结果分批进行。", whole_cluster=True
    )
    return item_a, item_b


def test_a_whole_cluster_answer_stands_beside_every_item_it_answers_with_its_counts(
    app, client, make, db
):
    item_a, item_b = _answered_across_items(make, db)
    page_a = client.get(f"/items/{item_a.id}?lang=zh").get_data(as_text=True)
    answers_a = page_a[page_a.index('id="answers"') :].split("</section>")[0]
    assert "下水道改造按排查结果分批进行。" in answers_a
    assert "答复4条意见，其中本事项2条" in answers_a
    page_b = client.get(f"/items/{item_b.id}?lang=en").get_data(as_text=True)
    assert "answers 4 opinions, 1 of them on this item" in page_b
    assert '<span class="count">1</span>' in page_b[page_b.index('id="answers"') :]


def test_an_answer_reopened_by_its_resident_is_not_counted_as_answering_it(app, client, make, db):
    item_a, _ = _answered_across_items(make, db)
    reopened = db.session.query(Opinion).filter_by(disclosure_id=item_a.id).first()
    reopened.status = "in_progress"  # "not satisfied": waiting for a second answer
    db.session.commit()
    [beside] = responses.answers_beside_item(item_a.id)
    assert (beside.total, beside.here, beside.elsewhere) == (3, 1, 2)


def test_a_closing_date_means_the_whole_day_in_local_time(app, client, make, db):
    from feedback.models.catalogue import end_of_local_day

    closes = end_of_local_day(date(2027, 1, 15))
    assert closes.astimezone(UTC) == datetime(2027, 1, 15, 16, 0, tzinfo=UTC)
    item = make.item()
    item.comment_closes_at = closes
    db.session.commit()
    page = client.get(f"/items/{item.id}?lang=zh").get_data(as_text=True)
    assert "2027年1月15日（含当日全天）" in page and "00:00" not in page
    assert item.comments_open(
        datetime(2027, 1, 15, 15, 59, tzinfo=UTC)
    )  # 23:59 in Shanghai
    assert not item.comments_open(datetime(2027, 1, 15, 16, 0, tzinfo=UTC))


def test_the_editor_s_closing_date_is_kept_as_the_end_of_that_day(app, client, make, db):
    from feedback.models import Disclosure

    item = make.item(published=False)
    editor = make.user(role="editor")
    _login(client, editor.username)
    form = client.get(f"/editor/items/{item.id}/edit").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    fields = dict(re.findall(r'<(?:input|textarea)[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', form))
    fields.update(
        csrf_token=token,
        title=item.title,
        body="正文",
        scope="public",
        heading_id=item.heading_id,
        department_id=item.department_id,
        publish_period="once",
        comment_closes_on="2027-01-15",
    )
    response = client.post(f"/editor/items/{item.id}/edit", data=fields)
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
    db.session.expire_all()
    closes = db.session.get(Disclosure, item.id).comment_closes_at
    assert closes.astimezone(UTC) == datetime(2027, 1, 15, 16, 0, tzinfo=UTC)
    again = client.get(f"/editor/items/{item.id}/edit").get_data(as_text=True)
    assert 'value="2027-01-15"' in again


def test_item_pages_name_carriers_in_words(app, client, make, db):
    item = make.item(carriers=["notice_board", "wechat_group"])
    zh = client.get(f"/items/{item.id}?lang=zh").get_data(as_text=True)
    assert "公开栏、微信群" in zh and "notice_board" not in zh and "wechat_group" not in zh
    en = client.get(f"/items/{item.id}?lang=en").get_data(as_text=True)
    assert "Notice board, WeChat group" in en


def test_the_language_switch_keeps_the_search(app, client, db):
    page = client.get("/search?q=lift&lang=en").get_data(as_text=True)
    assert 'href="/search?q=lift&amp;lang=zh"' in page


def test_triage_suggests_by_keywords_labels_each_select_and_shows_the_wait(app, client, make, db):
    from feedback.models import Department

    transport = make.department(
        name_zh="区交通委", name_en="Transport", routing_keywords="公交 线路"
    )
    make.department(name_zh="区教育局", name_en="Education", routing_keywords="学校")
    waiting = [
        make.opinion(
            text="公交5路早高峰太挤了，建议加车。",
            status="triage",
            created_at=datetime.now(UTC) - timedelta(days=12),
        ),
        make.opinion(text="这件事不知道该找谁。", status="triage"),
    ]
    dispatcher = make.user(role="dispatcher")
    _login(client, dispatcher.username)
    page = client.get("/dispatch/?lang=zh").get_data(as_text=True)
    first = page[page.index(waiting[0].tracking_code) :].split("</tr>")[0]
    assert "区交通委" in first and f'<option selected value="{transport.id}">' in first
    assert "12天" in first
    ids = re.findall(r'<select[^>]*id="([^"]+)"', page)
    assert len(ids) == 2 and len(set(ids)) == 2
    for select_id in ids:
        assert f'<label class="visually-hidden" for="{select_id}">' in page
    assert db.session.query(Department).count() == 2


def test_an_empty_opinion_comes_back_with_an_error_summary_at_the_form(app, client, make, db):
    item = make.item()
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/items/{item.id}/opinions?lang=zh",
        data={"csrf_token": token, "stance": "support", "text": "", "contact_name": "李"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'action="/items/{item.id}/opinions#opinion-form"' in html
    summary = html[html.index('data-testid="error-summary"') :].split("</div>")[0]
    assert "请修改以下内容后重新提交" in summary and 'href="#text"' in summary
    assert 'value="李"' in html  # what was typed is kept


def test_the_receipt_says_once_to_keep_the_code_and_when_the_answer_is_due(app, client, make, db):
    item = make.item()
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    receipt = client.post(
        f"/items/{item.id}/opinions?lang=zh",
        data={"csrf_token": token, "stance": "support", "text": "希望尽快加装电梯。"},
        follow_redirects=True,
    )
    html = receipt.get_data(as_text=True)
    assert html.count("查询码") <= 3 and 'data-testid="expected-by"' in html
    assert "最迟于" in html


def test_a_late_answer_says_it_was_late(app, client, make, db):
    department = make.department()
    opinion = make.opinion(
        text="路灯坏了很久。",
        status="routed",
        department_id=department.id,
        due_on=date.today() - timedelta(days=5),
    )
    staff = make.user(role="department_staff", department_id=department.id)
    responses.answer_opinion(user=staff, opinion_id=opinion.id, text="已修复。")
    page = client.get(f"/track/{opinion.tracking_code}?lang=zh").get_data(as_text=True)
    assert 'data-testid="answered-late"' in page and "超期答复" in page


def test_the_outbox_masks_residents_phone_numbers(app, client, make, db):
    from feedback.models.response_workflow import OutboxMessage

    db.session.add(
        OutboxMessage(
            channel="sms",
            recipient="13812345678",
            subject="答复",
            body="x",
            kind="answered",
            status="held",
            error="no SMS gateway configured",
        )
    )
    db.session.commit()
    _login(client, make.user(role="supervisor").username)
    page = client.get("/dispatch/outbox?lang=zh").get_data(as_text=True)
    assert "13812345678" not in page and "138****5678" in page
    assert "no SMS gateway" not in page and "短信" in page


def test_a_heading_lists_the_items_of_its_sub_headings(app, client, make, db):
    department = make.department()
    parent = make.heading(organisation_id=department.organisation_id)
    child = make.heading(organisation_id=department.organisation_id, parent_id=parent.id)
    item = make.item(department=department, heading=child, title="子目录里的事项")
    page = client.get(f"/catalogue/{parent.id}?lang=zh").get_data(as_text=True)
    below = page[page.index('data-testid="items-below"') :]
    assert item.title in below and "本目录下暂无公开事项" not in page


def _pdf_objects(data: bytes) -> bytes:
    """The PDF's objects with its compressed streams (object streams too) inflated."""
    import zlib

    parts = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            pass
    return b"".join(parts)


def test_the_committee_report_is_a_tagged_pdf_with_its_date_and_the_csv_one_charset(
    app, client, make, db
):
    item = make.item()
    _login(client, make.user(role="committee_member").username)
    html = client.get(f"/committee/review?item={item.id}").get_data(as_text=True)
    assert "site-search" in html  # the page has the search box; the PDF must not print it
    pdf = client.get(f"/committee/review.pdf?item={item.id}")
    assert pdf.data.startswith(b"%PDF") and b"/StructTreeRoot" in _pdf_objects(pdf.data)
    csv = client.get(f"/committee/review.csv?item={item.id}")
    assert csv.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_a_search_that_finds_an_answer_shows_it(app, client, make, db, run_jobs):
    from feedback.services.search import rebuild_index

    _item_a, _ = _answered_across_items(make, db)
    rebuild_index()
    page = client.get("/search?q=排查结果&lang=zh")
    html = page.get_data(as_text=True)  # was a 500: an answer has no `disclosure` to name
    assert page.status_code == 200 and 'class="result result-answer"' in html


def test_triage_suggests_where_similar_opinions_went_when_no_keyword_matches(app, client, make, db):
    housing = make.department(name_zh="区住建委", name_en="Housing")
    make.department(name_zh="区教育局", name_en="Education")
    for n in range(3):
        make.opinion(
            text=f"锦绣华庭停车位不够{n}",
            tokens=["锦绣华庭", "停车位", "不够", "车辆"],
            status="routed",
            department_id=housing.id,
        )
    waiting = make.opinion(
        text="锦绣华庭外来车辆太多", tokens=["锦绣华庭", "外来", "车辆", "太多"], status="triage"
    )
    _login(client, make.user(role="dispatcher").username)
    page = client.get("/dispatch/?lang=zh").get_data(as_text=True)
    row = page[page.index(waiting.tracking_code) :].split("</tr>")[0]
    assert "区住建委" in row and "与同类意见的去向一致" in row
