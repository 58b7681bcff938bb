"""Hot issues phrased many ways each land in one clean cluster; campaigns stay apart;
a new opinion is placed in its issue; cluster identity carries over between runs."""
from collections import Counter

import pytest

from feedback.synthesis.clustering import OpinionDoc, cluster_opinions, match_previous
from feedback.synthesis.samples import CAMPAIGN, generate_opinions, hot_issue_opinion
from feedback.synthesis.text import normalise, tokenise

HOT = {"parking": 40, "dance_noise": 25, "elevator": 60, "elderly_canteen": 8}


def _docs(opinions):
    return [OpinionDoc(i, tokenise(o.text), o.stance, None, normalise(o.text)) for i, o in enumerate(opinions)]


@pytest.fixture(scope="module")
def run():
    opinions = generate_opinions(HOT, background=300, campaign=12, seed=8, traditional_share=0.15)
    return opinions, cluster_opinions(_docs(opinions))


def _main_cluster(opinions, result, topic):
    ids = [i for i, o in enumerate(opinions) if o.topic == topic]
    cluster_id, count = Counter(result.assignments[i] for i in ids).most_common(1)[0]
    return ids, cluster_id, count


@pytest.mark.parametrize("topic", sorted(HOT))
def test_each_hot_issue_lands_mostly_in_one_cluster_that_is_about_it(run, topic):
    opinions, result = run
    ids, cluster_id, count = _main_cluster(opinions, result, topic)
    assert cluster_id is not None
    assert count >= 0.8 * len(ids)
    cluster = result.clusters[cluster_id]
    on_topic = sum(opinions[m].topic == topic for m in cluster.members)
    assert on_topic >= 0.8 * cluster.size
    assert not cluster.is_campaign


def test_traditional_character_variants_land_in_the_same_cluster(run):
    opinions, result = run
    placed, traditional = 0, 0
    for topic in HOT:
        _, cluster_id, _ = _main_cluster(opinions, result, topic)
        variants = [i for i, o in enumerate(opinions) if o.topic == topic and o.text != _simplified(o.text)]
        traditional += len(variants)
        placed += sum(result.assignments[i] == cluster_id for i in variants)
    assert traditional >= 10, "the sample has traditional variants"
    assert placed >= 0.9 * traditional


def _simplified(text):
    from feedback.synthesis.text import to_simplified

    return to_simplified(text)


def test_campaign_is_kept_apart_and_its_members_are_not_dropped(run):
    opinions, result = run
    letters = {i for i, o in enumerate(opinions) if o.topic == CAMPAIGN}
    [campaign] = [c for c in result.campaigns if set(c.members) & letters]
    assert set(campaign.members) == letters
    cluster_ids = {result.assignments[i] for i in letters}
    assert len(cluster_ids) == 1 and None not in cluster_ids
    assert result.clusters[cluster_ids.pop()].is_campaign


def test_clusters_describe_themselves(run):
    opinions, result = run
    _, cluster_id, _ = _main_cluster(opinions, result, "dance_noise")
    cluster = result.clusters[cluster_id]
    assert "广场舞" in cluster.key_terms
    assert cluster.label == " / ".join(cluster.key_terms[:3])
    assert 1 <= len(cluster.representatives) <= 3
    assert set(cluster.representatives) <= set(cluster.members)
    assert sum(cluster.stance_counts.values()) == cluster.size
    assert cluster.id == result.clusters.index(cluster)


def test_new_opinion_is_assigned_to_its_issue(run):
    # How fast (the issue's 5 ms) is measured by bench/synthesis.py, not asserted here.
    import random

    opinions, result = run
    _, cluster_id, _ = _main_cluster(opinions, result, "elevator")
    new = tokenise(hot_issue_opinion("elevator", random.Random(99)).text)
    assigned, similarity = result.model.assign(new)
    assert assigned == cluster_id and similarity >= result.model.similarity


def test_unrelated_new_opinion_is_not_forced_into_a_cluster(run):
    _, result = run
    assigned, _ = result.model.assign(tokenise("量子计算机的超导芯片冷却方案"))
    assert assigned is None


def test_identity_carries_over_to_the_next_run(run):
    opinions, result = run
    more = opinions + generate_opinions({"parking": 10, "elevator": 10}, background=30, seed=21)
    second = cluster_opinions(_docs(more))
    carried = match_previous(result.clusters, second.clusters)
    for topic in ("parking", "elevator", "dance_noise"):
        _, old_id, _ = _main_cluster(opinions, result, topic)
        _, new_id, _ = _main_cluster(more, second, topic)
        assert carried[new_id] == old_id
    assert len(set(carried.values())) == len(carried)


def test_too_few_opinions_make_no_cluster():
    opinions = generate_opinions({"parking": 3}, background=0, seed=1)
    result = cluster_opinions(_docs(opinions))
    assert result.clusters == [] and set(result.assignments.values()) == {None}
    assert result.model.assign(tokenise("停车位不够")) == (None, 0.0)


def test_fast_assignment_scores_like_the_fitted_vectoriser_also_with_svd():
    import numpy as np

    from feedback.synthesis.clustering import ClusterModel, OpinionVectoriser, group_centroids

    opinions = generate_opinions({"parking": 30, "elevator": 30}, background=60, seed=5)
    tokens = [tokenise(o.text) for o in opinions]
    for vectoriser in (OpinionVectoriser(), OpinionVectoriser(svd_components=20, svd_min_docs=50)):
        vectors = vectoriser.fit_transform(tokens)
        labels = np.array([["parking", "elevator", "background"].index(o.topic) for o in opinions])
        model = ClusterModel(vectoriser, group_centroids(vectors, labels), similarity=0.2)
        for toks in tokens[:20]:
            expected = np.asarray(vectoriser.transform([toks]) @ model.centroids.T).ravel()
            index, score = model.assign(toks)
            assert score == pytest.approx(float(expected.max()), abs=1e-4)


def test_no_opinions_or_only_boilerplate_make_no_cluster():
    assert cluster_opinions([]).clusters == []
    polite = [OpinionDoc(i, tokenise("您好，谢谢！"), None, None, "您好，谢谢！") for i in range(6)]
    result = cluster_opinions(polite)
    assert result.clusters == [] and result.model.assign(["谢谢"]) == (None, 0.0)


def test_opinions_sharing_no_term_make_no_cluster_and_no_error():
    """60 one-character opinions, all different: no word or character pair is used twice,
    so nothing is left to compare by (sklearn's vectoriser raised "no terms remain")."""
    lone = [OpinionDoc(i, [chr(0x4E00 + i)], None, None, chr(0x4E00 + i)) for i in range(60)]
    result = cluster_opinions(lone)
    assert result.clusters == [] and set(result.assignments.values()) == {None}
    assert result.model.assign([chr(0x4E00)]) == (None, 0.0)


@pytest.fixture(scope="module")
def sampled_run():
    """The module's opinions grouped through a sample (steps 2–4 on 250 of ~430
    organic opinions), as more than `SAMPLE_ABOVE` opinions are."""
    import feedback.synthesis.clustering as clustering

    opinions = generate_opinions(HOT, background=300, campaign=12, seed=8, traditional_share=0.15)
    sample_above, groups_of_all = clustering.SAMPLE_ABOVE, clustering._groups_of_all
    grouped_sizes = []

    def recording(vectors, *args, **options):
        grouped_sizes.append(vectors.shape[0])
        return groups_of_all(vectors, *args, **options)

    clustering.SAMPLE_ABOVE, clustering._groups_of_all = 250, recording
    try:
        result = cluster_opinions(_docs(opinions))
    finally:
        clustering.SAMPLE_ABOVE, clustering._groups_of_all = sample_above, groups_of_all
    assert grouped_sizes[0] == 250  # steps 2–4 saw the sample, not everything
    return opinions, result


@pytest.mark.parametrize("topic", ["parking", "elevator"])
def test_grouping_through_a_sample_still_finds_the_big_hot_issues_whole(sampled_run, topic):
    opinions, result = sampled_run
    ids, cluster_id, count = _main_cluster(opinions, result, topic)
    assert cluster_id is not None and count >= 0.8 * len(ids)
    cluster = result.clusters[cluster_id]
    assert sum(opinions[m].topic == topic for m in cluster.members) >= 0.8 * cluster.size


def test_grouping_through_a_sample_places_the_opinions_it_did_not_see(sampled_run):
    opinions, result = sampled_run
    assert len(result.assignments) == len(opinions)
    campaign = sum(o.topic == CAMPAIGN for o in opinions)
    clustered = sum(cluster_id is not None for cluster_id in result.assignments.values())
    assert clustered - campaign > 250  # more than the sample itself holds


@pytest.mark.parametrize("rows", [400, 1500])  # products in one block; faiss
def test_dense_neighbour_search_finds_the_exact_nearest_without_the_row_itself(rows):
    """The search used on reduced vectors gives what a full comparison gives, also
    where exact copies tie with the row itself."""
    import numpy as np

    from feedback.synthesis.clustering import BLOCK_ROWS, nearest_neighbours

    assert (rows > BLOCK_ROWS) == (rows == 1500)
    rng = np.random.RandomState(3)
    vectors = rng.normal(size=(rows, 24)).astype(np.float32)
    vectors[50:70] = vectors[49]  # 21 identical rows: more copies than neighbours asked for
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    indexes, similarities = nearest_neighbours(vectors, k=15)
    scores = vectors @ vectors.T
    np.fill_diagonal(scores, -np.inf)
    expected = -np.sort(-scores, axis=1)[:, :15]
    assert (indexes != np.arange(rows)[:, np.newaxis]).all()
    assert np.allclose(similarities, expected, atol=1e-5)
    assert np.allclose(np.take_along_axis(scores, indexes, axis=1), similarities, atol=1e-5)
    copies = set(range(49, 70))
    assert all(set(indexes[row]) <= copies - {row} for row in copies)


def test_hotline_work_order_formulas_do_not_make_one_concern_of_everything():
    """Messages exported from a hotline wrap what the caller said in the same formulas
    (市民来电反映…诉求：要求相关部门核实处理). Those words are the same in most messages: they
    must not join the messages into one concern, nor name one."""
    import random

    from feedback.synthesis.samples import as_work_order

    rng = random.Random(4)
    opinions = generate_opinions({"parking": 40, "elevator": 30}, background=300, seed=9)
    texts = [as_work_order(o.text, rng) for o in opinions]
    result = cluster_opinions([OpinionDoc(i, tokenise(t), None, None, normalise(t)) for i, t in enumerate(texts)])
    formula_words = {"来电", "诉求", "要求", "核实", "工单", "编号", "转办", "致电", "网友", "留言", "恳请", "予以"}
    assert max(c.size for c in result.clusters) < 0.3 * len(texts)
    assert not any(formula_words & set(c.key_terms[:3]) for c in result.clusters)
    for topic in ("parking", "elevator"):
        ids, cluster_id, count = _main_cluster(opinions, result, topic)
        assert cluster_id is not None and count >= 0.8 * len(ids), topic
        cluster = result.clusters[cluster_id]
        assert sum(opinions[m].topic == topic for m in cluster.members) >= 0.8 * cluster.size, topic


def test_formulas_not_on_any_list_are_found_and_left_out():
    """A formula the boilerplate list does not know (据市民反映…请区城管局牵头调查处置并反馈结果) is
    found because a tenth of the messages say it word for word; the concerns' own phrases,
    said by fewer, stay. A new opinion is read without the formulas too."""
    import random

    from feedback.synthesis.clustering import strip_formulas, strip_runs

    forms = ["据市民反映，{text}请区城管局牵头调查处置并反馈结果。", "【投诉件】{text}（此件由区政务服务中心转来）", "{text}"]
    rng = random.Random(4)
    opinions = generate_opinions({"parking": 40, "elevator": 30}, background=500, seed=9)
    texts = [rng.choice(forms).format(text=o.text) for o in opinions]
    docs = [OpinionDoc(i, tokenise(t), None, None, normalise(t)) for i, t in enumerate(texts)]
    stripped, formulas = strip_formulas(docs, in_campaign=set())
    formula_words = {word for run in formulas for word in run}
    assert {"城管局", "牵头", "服务中心"} <= formula_words
    assert not {"停车位", "电梯", "加装电梯"} & formula_words
    assert all("城管局" not in d.tokens for d in stripped)
    result = cluster_opinions(docs)
    assert result.model.formulas == formulas
    assert max(c.size for c in result.clusters) < 0.3 * len(docs)
    for topic in ("parking", "elevator"):
        ids, cluster_id, count = _main_cluster(opinions, result, topic)
        assert cluster_id is not None and count >= 0.8 * len(ids), topic
    said = tokenise("阳光花园小区停车位太少了，晚上回来找不到位置")
    wrapped = tokenise(forms[0].format(text="阳光花园小区停车位太少了，晚上回来找不到位置"))
    assert strip_runs(wrapped, formulas) != wrapped
    assert result.model.assign(wrapped)[0] == result.model.assign(said)[0] is not None


def test_a_small_corpus_keeps_its_phrases():
    from feedback.synthesis.clustering import strip_formulas

    docs = _docs(generate_opinions({"parking": 200}, background=100, seed=2))
    assert strip_formulas(docs, in_campaign=set()) == (docs, frozenset())


def test_a_big_campaign_is_not_taken_for_a_formula():
    """120 copies of one letter among 520 opinions say its phrases word for word far more
    than a tenth of the time; they are a campaign, counted apart, not a formula."""
    from feedback.synthesis.clustering import strip_formulas

    opinions = generate_opinions({"parking": 30}, background=400, campaign=120, seed=6)
    docs = _docs(opinions)
    campaign_ids = {i for i, o in enumerate(opinions) if o.topic == CAMPAIGN}
    everything_counted = strip_formulas(docs, in_campaign=set())[1]
    assert everything_counted  # the letter's phrases would pass for formulas
    assert strip_formulas(docs, in_campaign=campaign_ids)[1] == frozenset()
    result = cluster_opinions(docs)
    assert result.model.formulas == frozenset()
    assert [c.size for c in result.clusters if c.is_campaign] == [120]


def test_sparse_neighbour_search_finds_the_exact_nearest_without_the_row_itself():
    import numpy as np
    from scipy import sparse
    from sklearn.preprocessing import normalize

    from feedback.synthesis.clustering import nearest_neighbours

    vectors = normalize(sparse.random(300, 400, density=0.05, random_state=3, format="csr"))
    indexes, similarities = nearest_neighbours(vectors, k=10)
    scores = (vectors @ vectors.T).toarray()
    np.fill_diagonal(scores, -np.inf)
    assert (indexes != np.arange(300)[:, np.newaxis]).all()
    assert np.allclose(similarities, -np.sort(-scores, axis=1)[:, :10], atol=1e-5)


def _separated(hot, seed):
    """Group label per generated opinion after `separate_joined_concerns` on one group of all."""
    import numpy as np

    from feedback.synthesis.clustering import separate_joined_concerns
    from feedback.synthesis.counting import TokenTable

    opinions = generate_opinions(hot, background=0, seed=seed)
    table = TokenTable([tokenise(o.text) for o in opinions])
    labels = separate_joined_concerns(table, np.zeros(len(opinions), dtype=np.int64), 0.25, 3, 5)
    return opinions, labels


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_group_of_concerns_that_share_only_a_word_is_separated(seed):
    # bus route and elderly canteen both speak of 老人; school district of 孩子
    hot = {"school_district": 44, "bus_route": 26, "elderly_canteen": 18}
    _assert_each_issue_is_one_concern_of_its_own(hot, *_separated(hot, seed))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_two_concerns_about_old_people_are_separated_though_their_centroids_are_close(seed):
    # Canteen and lift complaints both speak of 老人; their parts' centroids are above
    # SEPARATE_SIMILARITY, but the canteen part's neighbours are not among the lift part's.
    hot = {"elderly_canteen": 45, "elevator": 25}
    _assert_each_issue_is_one_concern_of_its_own(hot, *_separated(hot, seed))


def _assert_each_issue_is_one_concern_of_its_own(hot, opinions, labels):
    """At least 80 % of each issue in one concern that is at least 80 % about it, and no
    two issues in the same concern."""
    concerns = set()
    for topic, size in hot.items():
        label, count = Counter(labels[i] for i, o in enumerate(opinions) if o.topic == topic).most_common(1)[0]
        members = [i for i in range(len(opinions)) if labels[i] == label]
        assert count >= 0.8 * size
        assert sum(opinions[i].topic == topic for i in members) >= 0.8 * len(members)
        concerns.add(label)
    assert len(concerns) == len(hot)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_a_half_grouped_among_the_left_over_opinions_joins_its_concern_and_nothing_else(seed):
    # As above 10,000 opinions: 12 lift complaints and 12 canteen complaints were grouped
    # among the left-over opinions (late); the other 18 lift complaints and 30 school
    # complaints were grouped in the sample.
    import numpy as np

    from feedback.synthesis.clustering import OpinionVectoriser, join_left_over_halves
    from feedback.synthesis.counting import TokenTable

    opinions = generate_opinions({"elevator": 30, "elderly_canteen": 12, "school_district": 30}, background=0, seed=seed)
    lifts = [i for i, o in enumerate(opinions) if o.topic == "elevator"]
    group = {"elevator": 0, "elderly_canteen": 2, "school_district": 3}
    labels = np.array([group[o.topic] for o in opinions], dtype=np.int64)
    labels[lifts[18:]] = 1
    late = np.isin(labels, [1, 2])
    table = TokenTable([tokenise(o.text) for o in opinions])
    joined = join_left_over_halves(table, OpinionVectoriser().fit_table(table), labels, late, 5)
    def groups_of(topic):
        return {int(joined[i]) for i, o in enumerate(opinions) if o.topic == topic}
    assert len(groups_of("elevator")) == 1
    assert len(groups_of("elderly_canteen") | groups_of("elevator") | groups_of("school_district")) == 3


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_opinions_that_say_a_small_concerns_own_words_are_fetched_from_a_big_group(seed):
    # 15 dance complaints are a concern; 5 more sit in a big group of 600 background
    # messages on other matters (none on noise: a group of noise complaints would be
    # related to the dance concern, and opinions are not moved between related ones).
    # Parking complaints and 20 messages on other matters at 阳光花园 are two more
    # concerns: the estate's name must not pull the parking complaints over.
    import random

    import numpy as np

    from feedback.synthesis.clustering import OpinionVectoriser, settle_by_distinctive_words
    from feedback.synthesis.counting import TokenTable
    from feedback.synthesis.samples import PROBLEMS, REQUESTS, SUBJECTS

    rng = random.Random(seed)
    generated = generate_opinions({"dance_noise": 20, "parking": 30}, background=900, seed=seed)
    quiet = [o for o in generated if o.topic == "background" and not {"噪音", "吵"} & set(tokenise(o.text))]
    opinions = [o for o in generated if o.topic != "background"] + quiet[:600]
    estate = [f"{rng.choice(['阳光花园', '阳光花园小区', '阳光花园北区'])}的{rng.choice(SUBJECTS)}"
              f"{rng.choice(PROBLEMS)}，{rng.choice(REQUESTS)}" for _ in range(20)]
    topics = [o.topic for o in opinions] + ["estate"] * len(estate)
    dance = [i for i, topic in enumerate(topics) if topic == "dance_noise"]
    labels = np.array([{"parking": 1, "estate": 2}.get(topic, 3) for topic in topics], dtype=np.int64)
    labels[dance[:15]] = 0
    table = TokenTable([tokenise(text) for text in [o.text for o in opinions] + estate])
    settled = settle_by_distinctive_words(OpinionVectoriser().fit_table(table), labels, 5, max_rows=100)

    def members_of(topic):
        return [i for i, t in enumerate(topics) if t == topic]
    dance_concern = settled[dance[0]]
    assert len(dance) == 20 and all(settled[i] == dance_concern for i in dance[:15])
    assert sum(settled[i] == dance_concern for i in dance[15:]) >= 2  # 2 to 5 of 5 on these seeds
    # at most one background message (one naming 中心公园, the dancers' park) goes along
    assert sum(settled[i] == dance_concern for i in members_of("background")) <= 1
    parking_concern, kept = Counter(settled[members_of("parking")]).most_common(1)[0]
    assert kept >= 28 and parking_concern != settled[members_of("estate")[0]]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("topic", ["school_district", "parking"])
def test_one_concern_said_in_several_ways_is_not_cut_apart(topic, seed):
    opinions, labels = _separated({topic: 40}, seed)
    assert Counter(labels).most_common(1)[0][1] >= 0.8 * len(opinions)
    assert (labels >= 0).all()


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_messages_on_other_matters_that_name_the_same_estate_are_taken_out_of_its_concern(seed):
    import random

    import numpy as np

    from feedback.synthesis.clustering import separate_joined_concerns
    from feedback.synthesis.counting import TokenTable
    from feedback.synthesis.samples import PROBLEMS, REQUESTS, SUBJECTS

    rng = random.Random(seed)
    parking = [o.text for o in generate_opinions({"parking": 40}, background=0, seed=seed)]
    estate = [f"{rng.choice(['阳光花园', '阳光花园小区', '阳光花园北区'])}的{rng.choice(SUBJECTS)}"
              f"{rng.choice(PROBLEMS)}，{rng.choice(REQUESTS)}" for _ in range(20)]
    table = TokenTable([tokenise(text) for text in parking + estate])
    labels = separate_joined_concerns(table, np.zeros(60, dtype=np.int64), 0.25, 3, 5)
    concern, count = Counter(labels[:40]).most_common(1)[0]
    assert concern >= 0 and count >= 0.8 * 40
    assert sum(labels[40:] == concern) <= 0.2 * 20


@pytest.mark.parametrize("seed", [2, 3, 4, 5])
def test_an_opinion_is_not_kept_in_a_small_group_by_its_own_weight_in_the_centroid(seed):
    """Two messages on other matters that name the canteen's street were grouped with the
    canteen complaints; compared with the *other* members of that small group, they are
    closer to the groups of their own matters (counted with themselves, they stayed)."""
    import random

    import numpy as np

    from feedback.synthesis.clustering import OpinionVectoriser, settle_by_own_words
    from feedback.synthesis.counting import TokenTable
    from feedback.synthesis.samples import PROBLEMS, REQUESTS

    rng = random.Random(seed)
    canteen = ["枫林街道很多独居老人吃饭成问题，能不能开一个社区食堂", "社区食堂只有午饭，晚饭没地方吃",
               "枫林街道的长者食堂太少，排队时间长", "年纪大了做不动饭，希望办老年食堂让老人吃上热乎饭",
               "枫林社区的助餐点饭菜太硬，老人牙口不好嚼不动"]
    strays = ["枫林街道的网约车经常在路口乱停，晚上没人管", "枫林街道的图书馆开放时间太短，周末也不开放"]
    said = {"网约车": ["经常在路口乱停", "晚上没人管", "司机绕路", "占用了人行道"],
            "图书馆": ["开放时间太短", "周末也不开放", "座位不够", "空调坏了"]}
    others = [f"{subject}{rng.choice(said[subject])}，{rng.choice(PROBLEMS)}，{rng.choice(REQUESTS)}"
              for subject in said for _ in range(8)]
    labels = np.array([0] * 7 + [1] * 8 + [2] * 8)
    table = TokenTable([tokenise(text) for text in canteen + strays + others])
    vectors = OpinionVectoriser().fit_table(table)

    settled = settle_by_own_words(vectors, labels, 0.15, 5)

    taxi_stray, library_stray, first_taxi, first_library = 5, 6, 7, 15
    assert (settled[:5] == settled[0]).all()
    assert settled[taxi_stray] == settled[first_taxi]
    assert settled[library_stray] == settled[first_library]


@pytest.mark.parametrize("topic, size, seed",
                         [("parking", 15, 6), ("elevator", 15, 7),
                          ("elevator", 18, 3), ("bus_route", 18, 3)])
def test_a_small_group_of_one_issue_is_not_cut_into_its_sub_concerns(topic, size, seed):
    # each opinion's 15 nearest are most of such a group: linked both ways tells nothing
    opinions, labels = _separated({topic: size}, seed)
    assert len(opinions) == size and (labels == labels[0]).all() and labels[0] >= 0


@pytest.mark.parametrize("seed", [2, 4, 5, 6])
def test_a_few_opinions_on_another_matter_leave_a_group_though_too_few_for_a_cluster(seed):
    # Four dance complaints that name the park sat among 60 messages on the park's toilets
    # (10,000 opinions, an issue of 5). Regrouped, they are a part of four: under a
    # cluster's minimum of 5, so they are left unplaced rather than kept there. Parts of 5
    # or more only (before): they stayed on all of these seeds. Regrouping finds the part
    # on 12 of 20 seeds; on the others its four opinions are not each other's close
    # neighbours three times over and they stay.
    import random

    import numpy as np

    from feedback.synthesis.clustering import separate_joined_concerns
    from feedback.synthesis.counting import TokenTable
    from feedback.synthesis.samples import PROBLEMS, REQUESTS, WHERE

    rng = random.Random(seed)
    toilets = [f"{rng.choice(WHERE)}公园厕所{'，'.join(rng.sample(PROBLEMS, 2))}，{rng.choice(REQUESTS)}"
               for _ in range(60)]
    dance = []
    while len(dance) < 4:
        text = hot_issue_opinion("dance_noise", rng).text
        if "公园" in text or "公園" in text:
            dance.append(text)
    table = TokenTable([tokenise(text) for text in toilets + dance])

    labels = separate_joined_concerns(table, np.zeros(64, dtype=np.int64), 0.25, 3, 5)

    assert (labels[:60] == labels[0]).all() and labels[0] >= 0
    assert (labels[60:] == -1).all()


def test_an_issue_that_no_group_took_is_grouped_among_the_left_over_opinions():
    # 10,000 long messages, as on a message board (seed 3 of bench/small_issues.py --long).
    # The average-linkage split put seven of the ten on the 42路 in a part of 228 about
    # other things, too far from its centroid to stay: left unplaced, and below
    # SAMPLE_ABOVE nothing grouped them again (before: none of the ten in a cluster).
    import random

    from feedback.synthesis.samples import as_long_messages

    hot = {"elderly_canteen": 5, "bus_route": 10, "school_district": 20, "parking": 30,
           "dance_noise": 45, "elevator": 60}
    opinions = generate_opinions(hot, background=10_000 - 170 - 20, campaign=20, seed=3)
    opinions = as_long_messages(opinions, random.Random(3))
    result = cluster_opinions(_docs(opinions))

    bus = [i for i, o in enumerate(opinions) if o.topic == "bus_route"]
    cluster, count = Counter(result.assignments[i] for i in bus).most_common(1)[0]
    members = [i for i in range(len(opinions)) if result.assignments[i] == cluster]
    assert cluster is not None and count >= 8
    assert sum(opinions[i].topic == "bus_route" for i in members) >= 0.8 * len(members)


def test_labels_name_the_concern_not_the_way_people_ask():
    """"什么时候", "能不能", "两年" are in every message of a group here, yet they say how
    people ask, not what about: the label is made of the words that name the concern."""
    import numpy as np

    from feedback.synthesis.clustering import class_key_terms
    from feedback.synthesis.counting import TokenTable

    bus_stops = ["梅园路公交站台什么时候能装电子站牌？等了两年了", "文化路公交站什么时候装电子站牌，两年了还没装",
                 "沿江路口的公交站台什么时候有电子站牌？说了两年", "望江路公交站台的电子站牌什么时候装？两年了",
                 "石桥公交站台什么时候能有电子站牌，都两年了", "公交站台的电子站牌到底什么时候装，等了两年"]
    committees = ["我们小区业委会换届能不能快一点？现在还没开始", "业委会换届拖着，街道能不能督促一下，现在没人管",
                  "能不能公开业委会换届的时间表？现在谁也不知道", "业委会换届的事能不能给个说法，现在物业也不管",
                  "业委会换届现在卡住了，能不能派人来指导", "能不能尽快组织业委会换届，现在业主意见很大"]
    table = TokenTable([tokenise(text) for text in bus_stops + committees])
    labels = np.array([0] * len(bus_stops) + [1] * len(committees))
    terms = class_key_terms(table.counts(), table.terms, labels, top=3)
    assert {"站牌", "公交站台"} & set(terms[0]) and {"业委会", "换届"} & set(terms[1])
    for term in terms[0] + terms[1]:
        assert term not in {"什么", "时候", "能", "不能", "两年", "现在", "没", "还"}, terms
