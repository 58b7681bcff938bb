"""The demo district (feedback.demo_data): deterministic, consistent and shaped as the
synthesis and routing features need it."""
from __future__ import annotations

import ast
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from feedback import demo_data
from feedback.demo_data import build_demo_data

TRADITIONAL_ONLY = set("車廣場聲電樓區學門們這個為說話麼沒還請問題時間對會來長東給讓應該現開關見實邊過進覺業條線點經費專買賣務動園臨樂聽從辦環擾運難幾號戶頭飯養齡兒級選遠離")
PHONE = re.compile(r"1[3-9]\d{9}")


@pytest.fixture(scope="module")
def data():
    return build_demo_data()


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _similarity(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / len(x | y)


def _normalise(text: str) -> str:
    text = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text)
    return re.sub(r"[\s\-]", "", text)


def test_same_seed_same_data_and_another_seed_differs():
    first, second = build_demo_data(), build_demo_data()
    assert first == second
    assert build_demo_data(20261128) == first
    other = build_demo_data(7)
    assert [o.text_zh for o in other.opinions] != [o.text_zh for o in first.opinions]
    assert other.items == first.items  # the catalogue and items are fixed, only voices vary


def test_module_uses_the_standard_library_only():
    tree = ast.parse(Path(demo_data.__file__).read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no imports from the application"
            modules.add(node.module.split(".")[0])
    assert modules <= set(sys.stdlib_module_names) | {"__future__"}


def test_counts(data):
    tiers = Counter(o.tier for o in data.organisations)
    assert tiers["district"] == 1 and tiers["department"] == 3 and 5 <= tiers["grassroots"] <= 8
    assert len(data.departments) == 8
    levels = Counter(data.heading_level(h.key) for h in data.headings)
    assert 8 <= levels[1] <= 16 and 20 <= levels[2] <= 40 and 30 <= levels[3] <= 60
    district_levels = Counter(data.heading_level(h.key) for h in data.headings if h.organisation_key == "qingxi")
    assert district_levels[1] == 8
    assert 35 <= len(data.items) <= 55
    scopes = Counter(i.scope for i in data.items)
    assert 4 <= scopes["members"] <= 7 and 3 <= scopes["internal"] <= 6
    assert scopes["public"] > len(data.items) / 2
    assert Counter(i.status for i in data.items)["draft"] == 3
    assert 550 <= len(data.opinions) <= 700
    general = sum(1 for o in data.opinions if o.item_key is None)
    assert 0.15 <= general / len(data.opinions) <= 0.30
    assert len(data.answers) >= 10
    summary = data.summary()
    assert summary["opinions"] == len(data.opinions) and summary["items"] == len(data.items)
    assert summary["headings_by_level"] == {1: levels[1], 2: levels[2], 3: levels[3]}


def test_keys_are_unique(data):
    for rows in (data.organisations, data.departments, data.headings, data.items, data.hot_issues,
                 data.opinions, data.answers):
        keys = [row.key for row in rows]
        assert len(keys) == len(set(keys))
    assert len({u.username for u in data.users}) == len(data.users)
    codes = Counter((h.organisation_key, h.code) for h in data.headings)
    assert max(codes.values()) == 1


def test_every_reference_resolves_and_parents_come_first(data):
    orgs = {o.key: o for o in data.organisations}
    seen = set()
    for org in data.organisations:
        assert org.parent_key is None or org.parent_key in seen
        seen.add(org.key)
    assert [o.key for o in data.organisations if o.parent_key is None] == ["qingxi"]
    departments = {d.key: d for d in data.departments}
    assert all(d.organisation_key in orgs and d.routing_keywords for d in data.departments)
    headings, seen = {h.key: h for h in data.headings}, set()
    for heading in data.headings:
        assert heading.organisation_key in orgs
        assert heading.parent_key is None or heading.parent_key in seen
        seen.add(heading.key)
    items = {i.key: i for i in data.items}
    for item in data.items:
        assert item.heading_key in headings and item.department_key in departments
    issues = {i.key: i for i in data.hot_issues}
    for issue in data.hot_issues:
        assert issue.department_key in departments and (issue.item_key is None or issue.item_key in items)
    opinions = {o.key: o for o in data.opinions}
    for opinion in data.opinions:
        assert opinion.item_key is None or opinion.item_key in items
        assert opinion.department_key in departments
        assert opinion.hot_issue is None or opinion.hot_issue in issues
        if opinion.item_key and not opinion.hot_issue:
            assert opinion.department_key == items[opinion.item_key].department_key
    for answer in data.answers:
        assert (answer.hot_issue is None) != (answer.opinion_key is None)
        assert answer.department_key in departments
        if answer.hot_issue:
            assert answer.hot_issue in issues and answer.department_key == issues[answer.hot_issue].department_key
        else:
            assert answer.opinion_key in opinions
            assert answer.department_key == opinions[answer.opinion_key].department_key
            assert answer.days_ago < opinions[answer.opinion_key].days_ago
    for user in data.users:
        assert user.department_key is None or user.department_key in departments


def test_every_answered_opinion_has_its_answer(data):
    by_issue = {a.hot_issue: a for a in data.answers if a.hot_issue}
    by_opinion = {a.opinion_key: a for a in data.answers if a.opinion_key}
    for opinion in data.opinions:
        if opinion.answered:
            answer = by_issue.get(opinion.hot_issue) if opinion.hot_issue else by_opinion.get(opinion.key)
            assert answer is not None, opinion.key
            assert answer.days_ago < opinion.days_ago
    assert set(by_opinion) <= {o.key for o in data.opinions if o.answered and not o.hot_issue}


def test_catalogue_is_three_levels_deep_and_linked_across_tiers(data):
    headings = {h.key: h for h in data.headings}
    orgs = {o.key: o for o in data.organisations}
    for heading in data.headings:
        assert data.heading_level(heading.key) <= 3
        parent = headings.get(heading.parent_key)
        if parent and parent.organisation_key == heading.organisation_key:
            assert heading.code.startswith(parent.code) and len(heading.code) > len(parent.code)
        elif parent:  # 三级联动: a lower tier's top heading hangs under its parent organisation's heading
            assert orgs[heading.organisation_key].parent_key == parent.organisation_key
            assert data.heading_level(heading.key) == 1
    linked = {h.organisation_key for h in data.headings
              if h.parent_key and headings[h.parent_key].organisation_key != h.organisation_key}
    assert len(linked) >= 2
    assert any(orgs[key].tier == "grassroots" for key in linked)  # all three tiers take part


def test_items_record_what_a_disclosure_archive_needs(data):
    for item in data.items:
        assert item.scope in demo_data.SCOPES and item.status in ("published", "draft")
        assert item.carriers and set(item.carriers) <= set(demo_data.CARRIERS)
        assert item.focus in (None, *demo_data.FOCUSES)
        assert item.approver_name and item.approval_opinion_zh
        assert item.due_days > 0 and item.comment_days > 0 and item.published_days_ago >= 0
        assert item.title_zh and len(item.body_zh) >= 60
    assert sum(1 for i in data.items if "|" in i.body_zh) >= 5  # tables
    assert sum(1 for i in data.items if "\n- " in i.body_zh or "\n1. " in i.body_zh) >= 5  # lists
    published = [i for i in data.items if i.status == "published"]
    assert any(i.comment_days < i.published_days_ago for i in published)  # windows already closed
    assert {i.focus for i in data.items} >= {"三重一大", "人财物", None}


def test_opinions_are_plausible(data):
    items = {i.key: i for i in data.items}
    for opinion in data.opinions:
        assert 15 <= len(opinion.text_zh) <= 200, opinion.text_zh
        assert opinion.stance in demo_data.STANCES and opinion.channel in demo_data.CHANNELS
        assert opinion.days_ago >= 0
        if opinion.item_key:
            item = items[opinion.item_key]
            assert item.status == "published" and item.scope != "internal"
            assert opinion.days_ago <= item.published_days_ago
    assert set(Counter(o.stance for o in data.opinions)) == set(demo_data.STANCES)
    assert set(Counter(o.channel for o in data.opinions)) == set(demo_data.CHANNELS)
    with_contact = sum(1 for o in data.opinions if o.contact)
    assert 0.05 <= with_contact / len(data.opinions) <= 0.2
    assert any(o.contact and "@" in o.contact for o in data.opinions)
    assert sum(1 for o in data.opinions if o.name) > 50
    # no copy-paste outside the campaign
    texts = [o.text_zh for o in data.opinions if o.hot_issue != "hi-transfer-campaign"]
    assert len(texts) == len(set(texts))


def test_hot_issues(data):
    sizes = Counter(o.hot_issue for o in data.opinions if o.hot_issue)
    clusters = [i for i in data.hot_issues if i.kind == "cluster"]
    assert len(clusters) >= 5
    for issue in clusters:
        assert 20 <= sizes[issue.key] <= 70, issue.key
        members = [o for o in data.opinions if o.hot_issue == issue.key]
        assert len({o.stance for o in members}) >= 3  # many voices, not one
        assert all(o.department_key == issue.department_key for o in members)
        assert len({len(o.text_zh) // 10 for o in members}) >= 4  # short and long
        first = members[0].text_zh
        assert sum(_similarity(first, o.text_zh) for o in members[1:]) / (len(members) - 1) < 0.4


def test_the_campaign_is_one_letter_copied(data):
    campaigns = [i for i in data.hot_issues if i.kind == "campaign"]
    assert len(campaigns) == 1
    letters = [o for o in data.opinions if o.hot_issue == campaigns[0].key]
    assert len(letters) >= 50
    assert all(o.stance == "oppose" and o.item_key == campaigns[0].item_key for o in letters)
    texts = [_normalise(o.text_zh) for o in letters]
    assert len(set(texts)) > len(texts) * 0.8  # edited copies, not one text
    pairs = [[_similarity(a, b) for j, b in enumerate(texts) if j != i] for i, a in enumerate(texts)]
    assert sum(map(sum, pairs)) / sum(map(len, pairs)) > 0.6  # one letter, lightly edited
    assert min(max(row) for row in pairs) > 0.6  # every copy has a close twin
    spread = {o.days_ago for o in letters}
    assert max(spread) - min(spread) <= 5  # sent in a burst


def test_variants_traditional_fullwidth_and_phone_numbers(data):
    traditional = [o for o in data.opinions if len(set(o.text_zh) & TRADITIONAL_ONLY) >= 2]
    assert 0.03 <= len(traditional) / len(data.opinions) <= 0.08
    assert any("停車位太少" in o.text_zh for o in data.opinions)
    assert any("廣場舞噪音" in o.text_zh for o in data.opinions)
    fullwidth = [o for o in data.opinions if any("０" <= c <= "９" for c in o.text_zh)]
    assert len(fullwidth) >= 10
    phones = [o for o in data.opinions if PHONE.search(_normalise(o.text_zh))]
    assert len(phones) >= 10
    assert any(PHONE.search(_normalise(o.text_zh)) and not PHONE.search(o.text_zh) for o in data.opinions)


def test_general_opinions_cover_every_department(data):
    general = Counter(o.department_key for o in data.opinions if o.item_key is None)
    assert set(general) == {d.key for d in data.departments}
    assert min(general.values()) >= 8


def test_demo_users(data):
    roles = Counter(u.role for u in data.users)
    for role in ("editor", "admin", "department_staff", "department_head", "committee_member", "supervisor",
                 "moderator", "dispatcher"):
        assert roles[role] >= 1, role
    for user in data.users:
        assert user.username.isascii() and user.password.startswith("demo-") and user.display_name_zh
        assert (user.department_key is not None) == (user.role in ("department_staff", "department_head"))
    assert len({u.department_key for u in data.users if u.role == "department_staff"}) == 3
    assert __doc__ is not None and all(u.password in demo_data.__doc__ for u in data.users)
