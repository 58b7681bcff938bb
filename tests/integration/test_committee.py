"""The committee reads an aggregated summary, then records a decision the public sees."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from feedback.models import Cluster, Decision


def _login(client, user, password="secret-pass"):
    html = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    assert client.post("/auth/login", data={"csrf_token": token, "username": user.username,
                                            "password": password}).status_code == 302
    return token


def _clustered_item(make, db):
    department = make.department(name_zh="区住建委")
    item = make.item(department=department)
    elevator = Cluster(label="加装电梯 / 费用分摊", size=4, department_id=department.id)
    campaign = Cluster(label="反对拆除车棚", size=3, is_campaign=True)
    db.session.add_all([elevator, campaign])
    db.session.commit()
    for i, stance in enumerate(["support", "support", "oppose", "question"]):
        make.opinion(disclosure=item, text=f"电梯费用怎么分摊？{i}号楼 电话13812345678", stance=stance,
                     status="routed", department_id=department.id, cluster_id=elevator.id)
    for i in range(3):
        make.opinion(disclosure=item, text="坚决反对拆除车棚！", stance="oppose", cluster_id=campaign.id)
    make.opinion(disclosure=item, text="路灯不亮。", stance="suggestion")
    elevator.representative_ids = []
    db.session.commit()
    return item, elevator


def test_review_ranks_concerns_keeps_campaigns_apart_and_masks_quotes(app, client, make, db):
    item, elevator = _clustered_item(make, db)
    _login(client, make.user(role="committee_member"))
    page = client.get(f"/committee/review?item={item.id}&lang=en").get_data(as_text=True)
    assert "加装电梯 / 费用分摊" in page and "×3" in page
    assert "13812345678" not in page and "138****5678" in page
    assert page.index("加装电梯 / 费用分摊") < page.index("反对拆除车棚")
    assert "1 opinions belong to no concern" in page


def test_review_csv_and_pdf_exports(app, client, make, db):
    item, _ = _clustered_item(make, db)
    _login(client, make.user(role="committee_member"))
    csv_text = client.get(f"/committee/review.csv?item={item.id}").get_data(as_text=True)
    rows = csv_text.lstrip("\ufeff").splitlines()
    assert rows[0].startswith("cluster_id,label") and len(rows) == 3
    assert "13812345678" not in csv_text
    pdf = client.get(f"/committee/review.pdf?item={item.id}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_decision_is_published_beside_the_disclosure(app, client, make, db):
    item, _ = _clustered_item(make, db)
    token = _login(client, make.user(role="committee_member"))
    response = client.post(f"/committee/items/{item.id}/decision", data={
        "csrf_token": token, "outcome": "adopted_with_changes", "decided_on": date.today().isoformat(),
        "text": "采纳意见：电梯费用按楼层系数分摊，一楼住户免缴。",
        "early_reason": "汛期前须开工。"})
    assert response.status_code == 302
    assert db.session.query(Decision).count() == 1
    assert "电梯费用按楼层系数分摊" in client.get(f"/items/{item.id}").get_data(as_text=True)


def test_a_decision_while_comments_are_open_needs_a_reason_that_is_published(app, client, make, db):
    item, _ = _clustered_item(make, db)
    token = _login(client, make.user(role="committee_member"))
    form = client.get(f"/committee/items/{item.id}/decision?lang=zh").get_data(as_text=True)
    assert 'data-testid="still-open"' in form and "仍在征集意见" in form
    data = {"csrf_token": token, "outcome": "adopted", "decided_on": date.today().isoformat(),
            "text": "采纳意见。"}
    refused = client.post(f"/committee/items/{item.id}/decision?lang=zh", data=data)
    assert refused.status_code == 422 and "说明为何" in refused.get_data(as_text=True)
    assert db.session.query(Decision).count() == 0
    data["early_reason"] = "市里要求月底前报送方案。"
    assert client.post(f"/committee/items/{item.id}/decision", data=data).status_code == 302
    page = client.get(f"/items/{item.id}?lang=zh").get_data(as_text=True)
    assert 'data-testid="decided-early"' in page and "市里要求月底前报送方案。" in page


def test_a_decision_after_comments_closed_needs_no_reason(app, client, make, db):
    from feedback.models.base import utcnow

    item, _ = _clustered_item(make, db)
    item.comment_closes_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    token = _login(client, make.user(role="committee_member"))
    assert 'data-testid="still-open"' not in client.get(
        f"/committee/items/{item.id}/decision").get_data(as_text=True)
    response = client.post(f"/committee/items/{item.id}/decision", data={
        "csrf_token": token, "outcome": "adopted", "decided_on": date.today().isoformat(),
        "text": "采纳意见。"})
    assert response.status_code == 302 and db.session.query(Decision).one().early_reason is None


def test_a_decision_dated_in_the_future_is_refused(app, client, make, db):
    item, _ = _clustered_item(make, db)
    token = _login(client, make.user(role="committee_member"))
    response = client.post(f"/committee/items/{item.id}/decision", data={
        "csrf_token": token, "outcome": "adopted", "text": "提前决定",
        "decided_on": (date.today() + timedelta(days=3)).isoformat()}, headers={"Accept-Language": "en"})
    assert response.status_code == 422 and "future" in response.get_data(as_text=True)
    assert db.session.query(Decision).count() == 0


def test_only_committee_roles_see_the_review(app, client, make, db):
    item, _ = _clustered_item(make, db)
    assert client.get(f"/committee/review?item={item.id}").status_code == 302
    _login(client, make.user(role="department_staff", department_id=make.department().id))
    assert client.get(f"/committee/review?item={item.id}").status_code == 403
    assert client.get(f"/committee/items/{item.id}/decision").status_code == 403


def test_item_page_shows_what_we_heard_beside_what_was_decided(app, client, make, db):
    item, elevator = _clustered_item(make, db)
    make.opinion(disclosure=item, text="隐藏的辱骂内容", stance="oppose", moderation="hidden")
    page = client.get(f"/items/{item.id}?lang=en").get_data(as_text=True)
    heard = page[page.index('id="heard"'):]
    assert "8 opinions" in heard  # 4 in the concern, 3 in the campaign, 1 alone; the hidden one not counted
    assert "加装电梯 / 费用分摊" in heard and "×3" in heard
    assert "0 of 4 answered" in heard


def test_review_shows_what_was_said_within_a_large_concern(app, client, make, db):
    department = make.department(name_zh="区住建委")
    item = make.item(department=department)
    concern = Cluster(label="加装电梯", size=12, department_id=department.id)
    db.session.add(concern)
    db.session.commit()
    said = ["一楼住户的补偿标准怎么算，一楼补偿要说清楚", "分摊比例按楼层怎么定，高层分摊比例太高"]
    for i in range(12):
        make.opinion(disclosure=item, text=f"{said[i % 2]}，{i}号楼", stance="question", cluster_id=concern.id)
    _login(client, make.user(role="committee_member"))
    page = client.get(f"/committee/review?item={item.id}&lang=en").get_data(as_text=True)
    assert "Within this concern" in page
    within = page[page.index("Within this concern"):page.index("</p>", page.index("Within this concern"))]
    assert "补偿" in within and "分摊" in within
    public = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "sub-concerns" not in public  # the public summary stays as it is


def test_sub_concerns_found_at_clustering_are_shown_without_clustering_again(app, client, make, db, monkeypatch):
    import feedback.synthesis.clustering as clustering

    department = make.department(name_zh="区住建委")
    item = make.item(department=department)
    concern = Cluster(label="加装电梯", size=12, department_id=department.id,
                      sub_concerns=[["一楼 / 补偿", 7], ["分摊 / 比例", 5]])
    db.session.add(concern)
    db.session.commit()
    for i in range(12):
        make.opinion(disclosure=item, text=f"加装电梯的事，{i}号楼", stance="question", cluster_id=concern.id)
    monkeypatch.setattr(clustering, "sub_concerns", lambda *args, **kwargs: pytest.fail("clustered on the page"))
    _login(client, make.user(role="committee_member"))
    page = client.get(f"/committee/review?item={item.id}&lang=en").get_data(as_text=True)
    within = page[page.index("Within this concern"):page.index("</p>", page.index("Within this concern"))]
    assert "一楼 / 补偿" in within and "分摊 / 比例" in within


def test_item_page_shows_a_copy_campaign_once_with_its_count_and_every_other_voice(
        app, client, make, db):
    item, _ = _clustered_item(make, db)
    item.show_opinions_publicly = True
    db.session.commit()
    page = client.get(f"/items/{item.id}?lang=en").get_data(as_text=True)
    said = page[page.index('class="opinions"'):]
    assert said.count("坚决反对拆除车棚") == 1 and "the same letter, sent 3 times" in said and "×3" in said
    assert said.count("电梯费用怎么分摊") == 4 and "路灯不亮" in said
    assert "13812345678" not in said  # masked in public
    assert said.index("坚决反对拆除车棚") < said.index("路灯不亮")  # the letter first, with its count


def test_opinions_in_no_concern_are_read_on_the_review_not_only_counted(app, client, make, db):
    item, _ = _clustered_item(make, db)  # 路灯不亮。 belongs to no concern
    make.opinion(disclosure=item, text="公示期太短了，请延长。业主：赵佳怡 13912345678", stance="oppose")
    _login(client, make.user(role="committee_member"))
    page = client.get(f"/committee/review?item={item.id}&lang=en").get_data(as_text=True)
    unplaced = page[page.index('class="unclustered"'):]
    assert "2 opinions belong to no concern" in unplaced and "路灯不亮" in unplaced
    assert "公示期太短了" in unplaced and "赵佳怡" not in unplaced and "13912345678" not in unplaced
    assert unplaced.index("公示期太短了") < unplaced.index("路灯不亮")  # newest first


def test_home_page_shows_what_residents_can_still_comment_on_and_what_was_decided(
        app, client, make, db):
    from datetime import datetime, timezone

    closing_late = make.item(title="晚截止的征求意见稿", comment_days=20)
    closing_soon = make.item(title="早截止的征求意见稿", comment_days=3)
    make.item(title="不设截止日期的公告", comment_days=0)
    make.item(title="内部征求意见稿", scope="internal", comment_days=5)
    closed = make.item(title="已截止的方案", comment_days=30)
    closed.comment_closes_at = datetime.now(timezone.utc) - timedelta(days=1)
    make.opinion(disclosure=closing_soon, text="支持。")
    member = make.user(role="committee_member")
    for item in (closed, make.item(title="内部决策事项", scope="internal")):
        db.session.add(Decision(disclosure_id=item.id, text="决定。", outcome="adopted",
                                decided_on=date.today(), recorded_by_id=member.id,
                                published_at=datetime.now(timezone.utc)))
    db.session.commit()

    page = client.get("/?lang=en").get_data(as_text=True)
    open_now = page[page.index("Open for comments"):page.index("Decided after hearing residents")]
    assert open_now.index("早截止的征求意见稿") < open_now.index("晚截止的征求意见稿")
    assert "1 opinion so far" in open_now
    for absent in ("不设截止日期的公告", "内部征求意见稿", "已截止的方案"):
        assert absent not in open_now
    decided = page[page.index("Decided after hearing residents"):page.index("Recently published")]
    assert "已截止的方案" in decided and "Adopted" in decided and "内部决策事项" not in decided
    assert closing_late.title not in decided


def test_a_heading_review_covers_the_headings_under_it_and_a_period_is_named(app, client, make, db):
    top = make.heading(code="C", name_zh="三重一大事项", name_en="Major matters")
    second = make.heading(code="C01", name_zh="重大决策", parent_id=top.id,
                          organisation_id=top.organisation_id)
    grassroots = make.heading(code="G01", name_zh="街道重大事项", attached_under_id=second.id)
    elsewhere = make.heading(code="D", name_zh="财务收支", organisation_id=top.organisation_id)
    for heading, text in ((second, "选址要听证。"), (grassroots, "街道的事也要公开。"), (elsewhere, "经费太多。")):
        make.opinion(disclosure=make.item(heading=heading), text=text, stance="suggestion")
    _login(client, make.user(role="committee_member"))
    index = client.get("/committee/?lang=en").get_data(as_text=True)
    assert f'<option value="{grassroots.id}">' in index and 'name="from"' in index  # the scope form

    page = client.get(f"/committee/review?heading={top.id}&lang=en").get_data(as_text=True)
    assert "C Major matters" in page and "2 opinions belong to no concern" in page
    assert "选址要听证" in page and "街道的事也要公开" in page and "经费太多" not in page
    dated = client.get(f"/committee/review?heading={top.id}&from=2020-01-01&lang=en")
    dated = dated.get_data(as_text=True)
    assert "C Major matters (Jan 1, 2020 – …)" in dated


def test_the_committee_reads_every_opinion_behind_a_concern_in_the_summarys_scope(
        app, client, make, db):
    item, elevator = _clustered_item(make, db)  # four elevator opinions with a phone number
    other_item = make.item()
    make.opinion(disclosure=other_item, text="别的事项里的电梯意见。", cluster_id=elevator.id)
    _login(client, make.user(role="committee_member"))
    summary = client.get(f"/committee/review?item={item.id}&lang=en").get_data(as_text=True)
    link = f"/committee/review/concerns/{elevator.id}?item={item.id}&amp;lang=en"
    assert f'<a href="{link}">Read all 4</a>' in summary

    page = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert page.count("电梯费用怎么分摊") == 4 and "别的事项里的电梯意见" not in page
    assert "13812345678" not in page and "138****5678" in page
    assert client.get(f"/committee/review/concerns/{elevator.id + 99}").status_code == 404
    _login(client, make.user(role="department_staff", department_id=make.department().id))
    assert client.get(link.replace("&amp;", "&")).status_code == 403


def test_a_decision_reads_in_paragraphs_and_cannot_carry_a_script(app, client, make, db):
    item = make.item()
    token = _login(client, make.user(role="committee_member"))
    client.post(f"/committee/items/{item.id}/decision", data={
        "csrf_token": token, "outcome": "adopted", "decided_on": date.today().isoformat(),
        "text": "采纳增设公交站的意见。\n\n站点选址另行公示。<script>alert(1)</script>",
        "early_reason": "年度预算须本周报送。"})
    decided = client.get(f"/items/{item.id}").get_data(as_text=True)
    decided = decided[decided.index('id="decided"'):].split("</section>")[0]
    assert "<p>采纳增设公交站的意见。</p>" in decided and "<p>站点选址另行公示。" in decided
    assert "<script>" not in decided


def test_the_committees_page_reads_the_catalogue_in_a_fixed_number_of_statements(
        app, client, make, db):
    from tests.sql_counting import statements_during

    _login(client, make.user(role="committee_member"))
    root = make.heading(code="R")
    organisation = root.organisation_id

    def statements_with(extra: int) -> int:
        for n in range(extra):  # one more heading under each branch: a deeper, wider tree
            make.heading(code=f"R{extra}-{n}", parent_id=root.id, organisation_id=organisation)
        _, sent = statements_during(db, lambda: client.get("/committee/"))
        return sent

    assert statements_with(5) == statements_with(60)  # no statement per heading


def test_held_opinions_are_never_counted_or_quoted_for_the_committee(app, client, make, db):
    """Issue 20, finding 14: a held insult or flood in a concern's representatives went to
    the committee's CSV as the concern's quote. Held opinions wait for the moderator."""
    item, elevator = _clustered_item(make, db)
    insult = make.opinion(disclosure=item, text="HELDINSULT 这些人都是废物", stance="oppose",
                          cluster_id=elevator.id, moderation="held")
    flood = make.opinion(disclosure=item, text="HELDFLOOD 顶顶顶顶顶顶顶顶", stance="support",
                         cluster_id=elevator.id, moderation="held")
    elevator.representative_ids = [insult.id, flood.id]
    db.session.commit()
    _login(client, make.user(role="committee_member"))
    csv_text = client.get(f"/committee/review.csv?item={item.id}").get_data(as_text=True)
    page = client.get(f"/committee/review?item={item.id}").get_data(as_text=True)
    concern_url = f"/committee/review/concerns/{elevator.id}?item={item.id}"
    concern = client.get(concern_url).get_data(as_text=True)
    for shown in (csv_text, page, concern):
        assert "HELDINSULT" not in shown and "HELDFLOOD" not in shown
    elevator_row = next(r for r in csv_text.splitlines() if r.startswith(f"{elevator.id},"))
    assert elevator_row.split(",")[3] == "4"  # the four published opinions, not six
