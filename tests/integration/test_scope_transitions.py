"""Scope transitions (issue 20, a lasting probe): when an item stops being public, nothing
of it or of what was said about it stays public anywhere.

For each transition (a draft that widens a published internal item, narrowing, withdrawal,
unpublishing) an item is first public with opinions, an answer, a rating-ready resident and
a committee decision, all indexed by the real search worker. After the transition the probe
walks every GET route of `app.url_map` as a stranger (and the kiosk routes as a registered
kiosk), searches for every marker in the HTML and JSON search, opens the tracking page and
the API with each tracking code (with and without the submitter's key), tries to rate and
to comment, and finds no marker anywhere. It also lists the public endpoints: a new public
route that this probe does not know fails `test_every_public_endpoint_is_covered`.
"""
from __future__ import annotations

import itertools
import re

import pytest
from werkzeug.routing import IntegerConverter

from feedback.extensions import db as _db
from feedback.models import Disclosure, Opinion

ITEM, SAID, ANSWER, DECIDED = "ITEMMARK", "SAIDMARK", "ANSWERMARK", "DECIDEDMARK"
MARKERS = (ITEM, SAID, ANSWER, DECIDED)

# Every endpoint a stranger (or a registered kiosk) can reach, and how this probe covers it.
PUBLIC_GET = {
    "public.home": "walk", "public.heading": "walk", "public.item": "walk",
    "public.general_opinion": "walk", "public.track_lookup": "walk + codes",
    "public.answer": "walk", "public.general_answers": "walk",
    "public.track": "walk + codes, with and without the key",
    "feeds.heading_feed": "walk", "feeds.organisation_feed": "walk", "feeds.archive": "walk",
    "feeds.version": "walk", "feeds.compare": "walk", "feeds.attachment": "walk",
    "api.list_disclosures": "walk", "api.get_disclosure": "walk", "api.openapi": "walk",
    "api.get_opinion": "walk + codes, with and without the key",
    "search.search_page": "every marker", "search.search_api": "every marker, every kind",
    "auth.login": "walk", "kiosk.activate": "walk",
    "kiosk.start": "kiosk walk", "kiosk.item_form": "kiosk walk",
    "kiosk.general_form": "kiosk walk",
    "kiosk.receipt": "kiosk walk",
    "public.consultations": "walk", "open_data.index": "walk", "open_data.public_figures": "walk",
    "open_data.answered_csv": "walk", "open_data.answered_json": "walk",
    "site.favicon": "walk", "site.robots": "walk", "site.sitemap": "walk",
    "opinion_files.show": "walk (photos on a narrowed item: test_opinion_files)",
}
PUBLIC_POST = {
    "public.rate": "the submitter and a stranger try to rate",
    "public.submit_item_opinion": "a comment on the item is refused",
    "public.submit_general_opinion": "takes no item", "api.create_opinion": "comment refused",
    "kiosk.submit": "comment refused", "auth.login": "no item data", "auth.logout": "no item data",
}
TRANSITIONS = ("widen_in_draft", "narrow", "withdraw", "unpublish")


def _csrf(client) -> str:
    html = client.get("/opinions/new").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def _index(run_jobs) -> None:
    run_jobs()  # routing and clustering first, then the search queue picks up every change
    run_jobs()


@pytest.fixture
def said(app, make, db, run_jobs):
    """A public item with published opinions, an answer, a decision, all indexed."""
    from feedback.services import committee, responses

    department = make.department()
    editor, approver = make.user(role="editor"), make.user(role="committee_member")
    clerk = make.user(role="department_staff", department_id=department.id)
    item = make.item(department=department, editor=editor, show_opinions_publicly=True,
                     title=f"{ITEM} 望江路中转站选址", body=f"{ITEM} 选址公示正文")
    opinions = [make.opinion(disclosure=item, text=f"{SAID} 中转站离小区太近 {n}", status="routed",
                             department_id=department.id) for n in range(3)]
    answer = responses.answer_opinion(user=clerk, opinion_id=opinions[0].id,
                                      text=f"{ANSWER} 已组织环评复核")
    committee.record_decision(user=approver, disclosure_id=item.id, text=f"{DECIDED} 暂缓实施",
                              outcome="postponed", decided_on=answer.published_at.date(),
                              early_reason="环评复核已经完成")  # comments are still open
    _index(run_jobs)
    return {"item": item, "opinions": opinions, "editor": editor, "approver": approver,
            "answered": opinions[0], "department": department}


def _widen_in_draft(said) -> None:
    """Published as internal (a new approved version), then a draft widens it to public."""
    from feedback.services import disclosures

    editor, item_id = said["editor"], said["item"].id
    disclosures.update_item(user=editor, item_id=item_id, scope="internal")
    disclosures.submit_item(user=editor, item_id=item_id)
    disclosures.approve_item(user=said["approver"], item_id=item_id, approval_opinion="改为内部")
    disclosures.publish_item(user=editor, item_id=item_id)
    disclosures.update_item(user=editor, item_id=item_id, scope="public", body="草稿：拟重新公开")


def _narrow(said) -> None:
    from feedback.services import disclosures

    disclosures.update_item(user=said["editor"], item_id=said["item"].id, scope="internal")


def _withdraw(said) -> None:
    from feedback.services import disclosures

    disclosures.withdraw_item(user=said["editor"], item_id=said["item"].id, reason="选址另议")


def _unpublish(said) -> None:
    """Taken back to a draft outside the editor's workflow (an administrator's correction in
    the database): every path must read the status, not only the versions."""
    item = _db.session.get(Disclosure, said["item"].id)
    item.status = "draft"
    _db.session.commit()


APPLY = {"widen_in_draft": _widen_in_draft, "narrow": _narrow, "withdraw": _withdraw,
         "unpublish": _unpublish}


def _ids(db) -> range:
    from sqlalchemy import text

    highest = 1
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.name != "audit_event":
            found = db.session.execute(text(f'SELECT MAX(id) FROM "{table.name}"')).scalar()
            highest = max(highest, found or 0)
    return range(1, highest + 2)


def _walk_urls(app, db, codes: list[str], *, blueprint_kiosk: bool) -> list[str]:
    """Every GET route (kiosk routes only for the kiosk), every id and code filled in."""
    numbers = _ids(db)
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if rule.endpoint.startswith("kiosk.") != blueprint_kiosk:
            continue
        choices = []
        for name in sorted(rule.arguments):
            integer = isinstance(rule._converters[name], IntegerConverter)
            choices.append([(name, n) for n in numbers] if integer else [(name, c) for c in codes])
        for combination in itertools.product(*choices):
            try:
                urls.append(rule.build(dict(combination), append_unknown=False)[1])
            except Exception:  # a converter refused the value: no such URL
                continue
    return urls


def _markers_in(body: str) -> list[str]:
    return [m for m in MARKERS if m in body or m.lower() in body]


def _search_urls() -> list[str]:
    urls = []
    for marker in MARKERS:
        urls += [f"/search?q={marker}", f"/api/v1/search?q={marker}"]
        urls += [f"/api/v1/search?q={marker}&kind={kind}" for kind in ("item", "opinion", "answer",
                                                                          "decision")]
    return urls


def _kiosk(app, make):
    from feedback.services import channels

    _device, token = channels.register_kiosk(user=None, name="一号机", location="大厅")
    kiosk = app.test_client()
    kiosk.get(f"/kiosk/activate?token={token}")
    return kiosk


def _shown(url: str, body: str) -> str:
    """What a page shows of the data: the search page echoes the words searched for (title,
    search box, its own links), so there only its results count."""
    if url.startswith("/search?"):
        results = body.split('data-testid="total"', 1)
        body = re.sub(r'href="[^"]*"', "", results[1]) if len(results) == 2 else ""
    return body


def _text_of(response) -> str:
    """The body as text; a photo or a PDF is read for any UTF-8 text it carries."""
    return response.get_data().decode("utf-8", errors="replace")


def _leaks(client, urls) -> list[str]:
    found = []
    for url in urls:
        response = client.get(url)
        found += [f"{url} ({response.status_code}): {m}"
                  for m in _markers_in(_shown(url, _text_of(response)))]
    return found


def test_the_world_is_public_before_any_transition(app, client, said, run_jobs):
    """Positive control: every marker is found where the probe later finds none."""
    page = client.get(f"/items/{said['item'].id}").get_data(as_text=True)
    assert all(marker in page for marker in MARKERS)
    for marker in MARKERS:
        assert client.get(f"/api/v1/search?q={marker}").get_json()["total"] >= 1, marker
        url = f"/search?q={marker}"
        assert marker in _shown(url, client.get(url).get_data(as_text=True)), marker
    code = said["answered"].tracking_code
    assert ANSWER in client.get(f"/track/{code}").get_data(as_text=True)


@pytest.mark.parametrize("transition", TRANSITIONS)
def test_after_the_transition_no_public_path_shows_the_item_or_what_was_said(
        app, client, make, db, said, run_jobs, transition):
    from feedback.services.opinions import rating_token

    APPLY[transition](said)
    _index(run_jobs)
    codes = [o.tracking_code for o in said["opinions"]]
    keyed = [f"/track/{c}?key={rating_token(c)}" for c in codes]
    keyed += [f"/api/v1/opinions/{c}?key={rating_token(c)}" for c in codes]
    urls = _walk_urls(app, db, codes, blueprint_kiosk=False) + _search_urls() + keyed
    assert len(urls) > 100  # the walk really covers the routes
    assert _leaks(client, urls) == []
    kiosk = _kiosk(app, make)
    assert _leaks(kiosk, _walk_urls(app, db, codes, blueprint_kiosk=True)) == []
    _refuses_comments_and_ratings(client, said)


def _refuses_comments_and_ratings(client, said) -> None:
    item_id, answered = said["item"].id, said["answered"]
    posted = client.post("/api/v1/opinions", json={"disclosure_id": item_id, "stance": "oppose",
                                                   "text": "这个事项我还有意见要说"})
    assert posted.status_code == 404
    code = answered.tracking_code
    for key in (None, _key(code)):  # a stranger with the code, and the submitter's own link
        data = {"csrf_token": _csrf(client), "score": "not_satisfied"}
        if key:
            data["key"] = key
        response = client.post(f"/track/{code}/rating", data=data)
        assert response.status_code == 403, key
        assert not _markers_in(response.get_data(as_text=True))
    _db.session.expire_all()
    assert _db.session.get(Opinion, answered.id).status == "answered"


def _key(code: str) -> str:
    from feedback.services.opinions import rating_token

    return rating_token(code)


def test_a_stranger_with_a_listed_code_cannot_rate_but_the_submitter_can(app, client, said, db):
    code = said["answered"].tracking_code
    stranger = client.post(f"/track/{code}/rating",
                           data={"csrf_token": _csrf(client), "score": "not_satisfied"})
    assert stranger.status_code == 403
    page = client.get(f"/track/{code}?lang=en").get_data(as_text=True)
    assert "Send my rating" not in page and "open the link on your receipt" in page
    own = client.post(f"/track/{code}/rating",
                      data={"csrf_token": _csrf(client), "score": "satisfied", "key": _key(code)})
    assert own.status_code == 302 and own.headers["Location"].endswith(f"key={_key(code)}")
    db.session.expire_all()
    assert db.session.get(Opinion, said["answered"].id).status == "closed"


def test_the_receipt_and_the_api_give_the_submitter_the_key(app, client, said):
    item_id = said["item"].id
    body = client.post("/api/v1/opinions", json={"disclosure_id": item_id, "stance": "question",
                                                  "text": "请问中转站何时开工？"}).get_json()
    code = body["tracking_code"]
    assert body["url"].endswith(f"/track/{code}?key={_key(code)}")
    found = client.get(f"/search?q={SAID}").get_data(as_text=True)
    assert not re.search(r"FB-[2-9A-Z]{4}-[2-9A-Z]{4}", found)  # codes are never listed


def test_every_public_endpoint_is_covered(app, client, make, db, said):
    """A route a stranger (or a kiosk) can open must be known to this probe: add it to
    PUBLIC_GET / PUBLIC_POST with how it is checked, and to the walk if it is not a GET."""
    kiosk = _kiosk(app, make)
    unknown = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        if "GET" in rule.methods:
            url = rule.build({name: 1 if isinstance(rule._converters[name], IntegerConverter)
                              else said["answered"].tracking_code for name in rule.arguments},
                             append_unknown=False)[1]
            visitor = kiosk if rule.endpoint.startswith("kiosk.") else client
            status = visitor.get(url).status_code
            staff_only = status in (302, 401, 403) and rule.endpoint not in PUBLIC_GET
            if not staff_only and rule.endpoint not in PUBLIC_GET:
                unknown.append(f"GET {rule.rule} ({rule.endpoint}) answers a stranger {status}")
        elif rule.endpoint.split(".")[0] in ("public", "api", "kiosk", "search", "auth", "feeds") \
                and rule.endpoint not in PUBLIC_POST:
            unknown.append(f"POST {rule.rule} ({rule.endpoint})")
    assert unknown == []


def test_the_answer_message_gives_the_submitter_the_key(app, make, db):
    from feedback.models import OutboxMessage
    from feedback.services import responses

    department = make.department()
    clerk = make.user(role="department_staff", department_id=department.id)
    opinion = make.opinion(status="routed", department_id=department.id, contact="13812345678")
    responses.answer_opinion(user=clerk, opinion_id=opinion.id, text="已安排维修。")
    message = db.session.query(OutboxMessage).filter_by(opinion_id=opinion.id).one()
    assert f"/track/{opinion.tracking_code}?key={_key(opinion.tracking_code)}" in message.body
