"""Scope (公开范围): nothing of a non-public item reaches the public by any path.

The walk takes every GET route the app has (pages, API, feeds, search, tracking,
archive, attachments, errors: also routes added later), fills its parameters with every
id and tracking code in the database, and checks that no secret marker appears in any
answer. Positive controls prove the markers do show where they are allowed to."""
from __future__ import annotations

import itertools
import re

import pytest

from feedback.services import disclosures

PDF = b"%PDF-1.4\n% scope test\n"


def _login(client, username: str, password: str = "secret-pass") -> None:
    html = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post("/auth/login", data={"csrf_token": token, "username": username, "password": password})
    assert response.status_code == 302


@pytest.fixture
def world(app, make, db):
    """Items of every scope and state, each carrying its own marker in title and body."""
    with app.test_request_context("/"):
        department = make.department()
        heading = make.heading(organisation_id=department.organisation_id)
        editor = make.user(role="editor")

        def item(marker, **kw):
            return make.item(department=department, heading=heading, editor=editor, title=f"{marker}标题",
                             body=f"{marker}正文内容", **kw)

        public = item("PUBLICMARK")
        members = item("MEMBERSMARK", scope="members")
        internal = item("INTERNALMARK", scope="internal")
        draft = item("DRAFTMARK", published=False)
        withdrawn = item("WITHDRAWNMARK")
        disclosures.withdraw_item(user=editor, item_id=withdrawn.id, reason="WITHDRAWNMARK原因")
        revised = item("REVISEDPUBLIC")
        disclosures.update_item(user=editor, item_id=revised.id, title="REVISIONMARK标题",
                                body="REVISIONMARK尚未批准的修订")
        narrowed = item("NARROWEDMARK")
        disclosures.update_item(user=editor, item_id=narrowed.id, scope="internal")
        for secret in (members, internal):
            disclosures.add_attachment(user=editor, item_id=secret.id, filename="secret.pdf", data=PDF)
            disclosures.update_item(user=editor, item_id=secret.id, body=f"{secret.body} 附件")
            disclosures.publish_item(user=editor, item_id=secret.id, approver_name="王书记", approval_opinion="同意")
        opinions = [make.opinion(disclosure=row, text=f"关于此事项的意见{row.id}")
                    for row in (public, members, internal, draft, withdrawn)]
    return {"public": public, "members": members, "internal": internal, "draft": draft,
            "withdrawn": withdrawn, "revised": revised, "narrowed": narrowed, "opinions": opinions,
            "heading": heading, "department": department}


SECRET_FOR_ANYONE = ("DRAFTMARK", "WITHDRAWNMARK", "REVISIONMARK", "NARROWEDMARK", "INTERNALMARK")
SECRET_FOR_PUBLIC = SECRET_FOR_ANYONE + ("MEMBERSMARK",)


def _urls(app, world, db) -> list[str]:
    """Every GET route, with every small id for each number and every tracking code."""
    from sqlalchemy import text

    highest = 1
    for table in db.metadata.sorted_tables:  # the audit trail's ids name no page
        if "id" in table.c and table.name != "audit_event":
            highest = max(highest, db.session.execute(text(f'SELECT MAX(id) FROM "{table.name}"')).scalar() or 0)
    numbers = range(1, highest + 2)
    codes = [o.tracking_code for o in world["opinions"]]
    query = "?q=MARK&q2=标题&from=1&to=2&item={}&heading={}".format(world["internal"].id, world["heading"].id)
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        choices = []
        for name in sorted(rule.arguments):
            converter = rule._converters[name]
            kind = type(converter).__name__
            choices.append([(name, n) for n in numbers] if kind == "IntegerConverter"
                           else [(name, c) for c in codes] + [(name, "MARK")])
        for combination in itertools.product(*choices):
            try:
                url = rule.build(dict(combination), append_unknown=False)[1]
            except Exception:  # a converter refused the value: that URL cannot be asked for
                continue
            urls.append(url + query)
    return urls


def _leaks(client, urls, markers) -> list[str]:
    found = []
    for url in urls:
        response = client.get(url)
        body = response.get_data().decode("utf-8", "replace")  # binary answers too (the icon)
        found += [f"{url} ({response.status_code}): {m}" for m in markers if m in body]
    return found


def test_no_public_path_shows_anything_of_a_non_public_item(app, client, world, db):
    urls = _urls(app, world, db)
    assert len(urls) > 200  # the walk really covers the routes
    assert _leaks(client, urls, SECRET_FOR_PUBLIC) == []
    # Positive control: the same walk does find the public item and the published revision's version.
    assert any("PUBLICMARK" in client.get(u).get_data(as_text=True) for u in
               (f"/items/{world['public'].id}", "/api/v1/disclosures"))
    assert "REVISEDPUBLIC" in client.get(f"/items/{world['revised'].id}").get_data(as_text=True)


def test_a_member_reads_members_items_but_never_internal_ones(app, client, world, make, db):
    member = make.user(role="member")
    _login(client, member.username)
    page = client.get(f"/items/{world['members'].id}")
    assert page.status_code == 200 and "MEMBERSMARK" in page.get_data(as_text=True)
    attachment_id = world["members"].current_version.attachments[0]["id"]
    assert client.get(f"/items/{world['members'].id}/attachments/{attachment_id}").data == PDF
    assert _leaks(client, _urls(app, world, db), SECRET_FOR_ANYONE) == []


def test_staff_see_internal_items(client, world, make):
    _login(client, make.user(role="department_staff").username)
    assert "INTERNALMARK" in client.get(f"/items/{world['internal'].id}").get_data(as_text=True)
    assert "WITHDRAWNMARK" in client.get(f"/items/{world['withdrawn'].id}/archive").get_data(as_text=True)


def test_a_non_public_item_gets_the_same_answer_as_one_that_does_not_exist(client, world):
    missing = 987654
    for key in ("members", "internal", "draft", "withdrawn", "narrowed"):
        item_id = world[key].id
        for path in ("/items/{}", "/api/v1/disclosures/{}", "/items/{}/archive", "/items/{}/versions/1",
                     "/items/{}/compare?from=1&to=1"):
            secret, absent = client.get(path.format(item_id)), client.get(path.format(missing))
            assert secret.status_code == absent.status_code == 404, path
            same_path = absent.get_data(as_text=True).replace(f"/{missing}", f"/{item_id}")
            assert secret.get_data(as_text=True) == same_path, path


def test_opinions_cannot_be_sent_to_a_non_public_item(client, world):
    for key in ("members", "internal", "draft", "withdrawn"):
        response = client.post("/api/v1/opinions", json={"disclosure_id": world[key].id, "text": "我想提一个意见建议",
                                                         "stance": "suggestion"})
        assert response.status_code == 404
        assert not any(m in response.get_data(as_text=True) for m in SECRET_FOR_PUBLIC)


def _post_opinion_form(client, item_id: int, text: str):
    # tokens from the general form: the item's own page may show no form at all
    html = client.get("/opinions/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    submission = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', html).group(1)
    data = {"text": text, "stance": "suggestion", "csrf_token": token, "submission_id": submission}
    return client.post(f"/items/{item_id}/opinions", data=data)


def test_a_member_comments_on_a_members_item_and_the_public_never_sees_it(client, world, make, db):
    from feedback.models import Opinion

    assert _post_opinion_form(client, world["members"].id, "匿名者不能对会员事项提意见").status_code == 404
    _login(client, make.user(role="member").username)
    response = _post_opinion_form(client, world["members"].id, "会员对这个事项的意见MEMBEROPINION")
    assert response.status_code == 302 and "/track/" in response.headers["Location"]
    stored = db.session.query(Opinion).filter(Opinion.text.contains("MEMBEROPINION")).one()
    assert stored.disclosure_id == world["members"].id
    anonymous = client.application.test_client()
    track = anonymous.get(response.headers["Location"]).get_data(as_text=True)
    assert stored.tracking_code in track and "MEMBERSMARK" not in track


def test_internal_items_take_no_opinions_even_from_staff(client, world, make, db):
    from feedback.models import Opinion

    _login(client, make.user(role="department_staff").username)
    page = client.get(f"/items/{world['internal'].id}").get_data(as_text=True)
    assert "INTERNALMARK" in page and 'name="text"' not in page
    before = db.session.query(Opinion).count()
    assert _post_opinion_form(client, world["internal"].id, "内部事项不收意见").status_code == 404
    assert db.session.query(Opinion).count() == before
