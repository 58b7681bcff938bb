"""On the demo district's opinions (written with genuinely varied wording, many of them
not naming the concern at all), every hot issue lands at least 80 % in one cluster that
is at least 80 % about it: the item's title is read as context, and general opinions
join by their own words. `bench/cluster_quality.py` prints the same figures."""
from collections import Counter

import pytest

from feedback.demo_data import build_demo_data
from feedback.synthesis.clustering import OpinionDoc, cluster_opinions
from feedback.synthesis.text import normalise, tokenise


@pytest.fixture(scope="module")
def demo():
    data = build_demo_data()
    titles = {item.key: tokenise(item.title_zh) for item in data.items}
    docs = [OpinionDoc(n, tokenise(o.text_zh), o.stance, None, normalise(o.text_zh), context=titles.get(o.item_key, []))
            for n, o in enumerate(data.opinions)]
    return data, docs, titles, cluster_opinions(docs)


def _issues(data):
    return sorted({o.hot_issue for o in data.opinions if o.hot_issue})


def test_every_demo_hot_issue_is_one_clean_cluster(demo):
    data, _, _, result = demo
    members = Counter(a for a in result.assignments.values() if a is not None)
    for issue in _issues(data):
        ids = [n for n, o in enumerate(data.opinions) if o.hot_issue == issue]
        main, hits = Counter(result.assignments[n] for n in ids).most_common(1)[0]
        assert main is not None, issue
        assert hits >= 0.8 * len(ids), (issue, hits, len(ids))
        on_issue = sum(data.opinions[m].hot_issue == issue for m in result.clusters[main].members)
        assert on_issue >= 0.8 * members[main], (issue, on_issue, members[main])


def test_general_opinions_join_their_concern_by_their_own_words(demo):
    data, _, _, result = demo
    general = [n for n, o in enumerate(data.opinions) if o.hot_issue == "hi-dance" and o.item_key is None]
    main = Counter(result.assignments[n] for n, o in enumerate(data.opinions)
                   if o.hot_issue == "hi-dance" and o.item_key).most_common(1)[0][0]
    assert sum(result.assignments[n] == main for n in general) >= len(general) // 2


def test_a_new_opinion_on_an_item_is_placed_with_its_item_concern(demo):
    data, _, titles, result = demo
    item_key = "it-lj-elevator"
    main = Counter(result.assignments[n] for n, o in enumerate(data.opinions)
                   if o.item_key == item_key).most_common(1)[0][0]
    index, _ = result.model.assign(tokenise("一楼的补偿标准到底怎么算？希望尽快开会说清楚。"), titles[item_key])
    assert index == main
    assert result.model.assign(tokenise("一楼的补偿标准到底怎么算？希望尽快开会说清楚。"))[0] != main


def test_a_concern_read_in_its_item_context_still_shows_what_was_said_within_it(demo):
    from feedback.synthesis.clustering import sub_concerns

    data, docs, _, result = demo
    main = Counter(result.assignments[n] for n, o in enumerate(data.opinions)
                   if o.hot_issue == "hi-school").most_common(1)[0][0]
    members = [docs[n] for n in result.clusters[main].members]
    parts = sub_concerns(members)
    assert len(parts) >= 2
    assert all(size >= 5 for _, size in parts) and sum(size for _, size in parts) <= len(members)
    assert all(label for label, _ in parts)
    assert sub_concerns(members[:6]) == []  # too few to split
