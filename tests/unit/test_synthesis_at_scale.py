"""Above `SCALE_ABOVE` short opinions, concerns are found in a sample and the rest placed by
sparse centroids (`groups_at_scale`); the parts that made 100,000 texts cheap give the same
answers as what they replaced."""
from collections import Counter

import numpy as np
import pytest
from scipy import sparse

import feedback.synthesis.clustering as clustering
from feedback.synthesis.clustering import ClusterModel, OpinionDoc, OpinionVectoriser, cluster_opinions
from feedback.synthesis.counting import CharGramTfidf, GramColumns, gram_of_key, sorted_unique
from feedback.synthesis.samples import CAMPAIGN, generate_opinions, hot_issue_opinion
from feedback.synthesis.text import normalise, tokenise

HOT = {"parking": 80, "dance_noise": 60, "elevator": 80, "bus_route": 60}


def _docs(opinions):
    return [OpinionDoc(i, tokenise(o.text), o.stance, None, normalise(o.text)) for i, o in enumerate(opinions)]


@pytest.fixture(scope="module")
def scaled_run():
    """About 800 organic opinions taken as "at scale" (above 300), with a sample of 400."""
    opinions = generate_opinions(HOT, background=600, campaign=12, seed=4)
    saved = clustering.SCALE_ABOVE, clustering.SCALE_SAMPLE, clustering._groups_of_all
    grouped_sizes = []

    def recording(vectors, *args, **options):
        grouped_sizes.append(vectors.shape[0])
        return saved[2](vectors, *args, **options)

    clustering.SCALE_ABOVE, clustering.SCALE_SAMPLE, clustering._groups_of_all = 300, 400, recording
    try:
        result = cluster_opinions(_docs(opinions))
    finally:
        clustering.SCALE_ABOVE, clustering.SCALE_SAMPLE, clustering._groups_of_all = saved
    assert grouped_sizes and grouped_sizes[0] == 400  # steps 2-4 saw the sample only
    return opinions, result


@pytest.mark.parametrize("topic", sorted(HOT))
def test_at_scale_each_hot_issue_lands_mostly_in_one_cluster_about_it(scaled_run, topic):
    opinions, result = scaled_run
    ids = [i for i, o in enumerate(opinions) if o.topic == topic]
    cluster_id, count = Counter(result.assignments[i] for i in ids).most_common(1)[0]
    assert cluster_id is not None and count >= 0.8 * len(ids)
    cluster = result.clusters[cluster_id]
    assert sum(opinions[m].topic == topic for m in cluster.members) >= 0.8 * cluster.size


def test_at_scale_the_campaign_stays_apart_and_every_opinion_has_an_answer(scaled_run):
    opinions, result = scaled_run
    assert len(result.assignments) == len(opinions)
    campaign = [i for i, o in enumerate(opinions) if o.topic == CAMPAIGN]
    clusters = {result.assignments[i] for i in campaign}
    assert len(clusters) == 1 and result.clusters[clusters.pop()].is_campaign


def test_at_scale_centroids_are_sparse_and_a_new_opinion_is_placed_in_its_issue(scaled_run):
    opinions, result = scaled_run
    assert sparse.issparse(result.model.centroids)
    assert all(sparse.issparse(c.centroid) for c in result.clusters)
    main = {topic: Counter(result.assignments[i] for i, o in enumerate(opinions) if o.topic == topic)
            .most_common(1)[0][0] for topic in HOT}
    rng = __import__("random").Random(11)
    placed = [(topic, result.model.assign(tokenise(hot_issue_opinion(topic, rng).text))[0])
              for topic in HOT for _ in range(10)]
    assert sum(index == main[topic] for topic, index in placed) >= 0.8 * len(placed)


def test_sparse_centroids_score_a_new_opinion_as_dense_ones_do():
    opinions = generate_opinions({"parking": 20, "elevator": 20}, background=40, campaign=0, seed=2)
    docs = _docs(opinions)
    vectoriser = OpinionVectoriser()
    vectors = vectoriser.fit_transform([d.tokens for d in docs])
    labels = np.array([0 if o.topic == "parking" else 1 if o.topic == "elevator" else -1 for o in opinions])
    dense = ClusterModel(vectoriser, clustering.group_centroids(vectors, labels), similarity=0.1)
    sparse_model = ClusterModel(vectoriser, clustering.sparse_group_centroids(vectors, labels), similarity=0.1)
    for doc in docs[:30]:
        (a, score_a), (b, score_b) = dense.assign(doc.tokens), sparse_model.assign(doc.tokens)
        assert a == b and score_a == pytest.approx(score_b, abs=1e-5)


def test_sorted_unique_is_numpys_unique_with_its_inverse():
    values = np.random.RandomState(3).randint(0, 50, size=2000).astype(np.uint64)
    found, inverse = sorted_unique(values)
    expected, expected_inverse = np.unique(values, return_inverse=True)
    assert (found == expected).all() and (inverse == expected_inverse.ravel()).all()
    empty, empty_inverse = sorted_unique(np.zeros(0, np.uint64))
    assert len(empty) == 0 and len(empty_inverse) == 0


def test_gram_columns_find_what_the_vocabulary_finds():
    chars = CharGramTfidf(ngram_range=(2, 3))
    chars.fit_transform(["小区停车位太少", "广场舞音箱太吵", "电梯加装补偿"])
    columns = GramColumns(chars.keys_)
    for i, key in enumerate(chars.keys_):
        assert columns[gram_of_key(int(key))] == i == chars.vocabulary_[gram_of_key(int(key))]
    assert "没有" not in columns and columns.get("没有") is None and columns.get("太长的词") is None


def test_reduction_on_the_used_columns_is_the_fitted_svds_transform():
    rng = np.random.RandomState(5)
    matrix = sparse.random(600, 70_000, density=0.0005, format="csr", random_state=rng, dtype=np.float32)
    matrix = sparse.vstack([matrix, matrix[:300]], format="csr")  # columns used 3 times or more
    expected = clustering._fitted_svd(matrix, 20).transform(matrix)
    assert np.allclose(clustering._reduced_by_svd(matrix, 20), expected, atol=1e-5)


def test_function_words_are_those_jieba_tags_so_also_when_read_from_the_cache():
    from feedback.synthesis import text
    from feedback.synthesis.clustering import FUNCTION_WORD_CLASSES

    expected = frozenset(w for w, tag in text._word_classes().items() if tag in FUNCTION_WORD_CLASSES)
    text.words_of_classes.cache_clear()
    assert text.words_of_classes(FUNCTION_WORD_CLASSES) == expected  # computed or read
    text.words_of_classes.cache_clear()
    assert text.words_of_classes(FUNCTION_WORD_CLASSES) == expected  # read from the file written
    assert "怎么" not in text.words_of_classes(FUNCTION_WORD_CLASSES) or text.word_class("怎么") in FUNCTION_WORD_CLASSES


def test_texts_cut_in_two_processes_get_the_tokens_each_gets_alone(monkeypatch):
    from feedback.synthesis import text

    opinions = generate_opinions(HOT, background=200, campaign=6, seed=8)
    texts = [normalise(o.text) for o in opinions] + ["", "您好，谢谢！"]
    monkeypatch.setattr(text, "PARALLEL_FROM", 10)  # a forked child cuts every other text
    in_two = text.tokenise_distinct(texts, processes=2)
    alone = text.tokenise_distinct(texts, processes=1)
    assert in_two == alone == {t: tokenise(t, normalised=True) for t in texts}


def _covering_terms_over_all_columns(uses, counts, specificity, labelable, terms, top, covered_weight):
    """The label picking as it was, over every column of the corpus (the reference)."""
    weights = np.ones(uses.shape[0])
    candidates = np.flatnonzero(labelable & (uses.getnnz(axis=0) > 0))
    said = np.asarray(counts.sum(axis=0)).ravel()
    by_term = uses.tocsc()
    picked = []
    while len(candidates) and len(picked) < top:
        mass = uses.T @ weights
        scores = np.round(mass[candidates] * specificity[candidates], 9)
        tied = candidates[scores == scores.max()]
        best = max(tied, key=lambda t: (said[t], len(terms[t]), terms[t]))
        picked.append(terms[best])
        candidates = candidates[candidates != best]
        weights[by_term.indices[by_term.indptr[best]:by_term.indptr[best + 1]]] *= covered_weight
    return picked


def test_a_clusters_label_picked_among_its_own_terms_is_the_one_picked_among_all():
    from feedback.synthesis.counting import TokenTable

    opinions = generate_opinions(HOT, background=300, campaign=6, seed=9)
    table = TokenTable([tokenise(o.text) for o in opinions])
    counts = table.counts()
    uses = counts.copy()
    uses.data[:] = 1.0
    specificity = np.log(1 + 50 / np.maximum(np.bincount(uses.indices, minlength=len(table.terms)), 1))
    labelable = np.array([clustering._can_label(t) for t in table.terms])
    topics = sorted({o.topic for o in opinions})
    for topic in topics:
        rows = np.array([i for i, o in enumerate(opinions) if o.topic == topic])
        expected = _covering_terms_over_all_columns(uses[rows], counts[rows], specificity, labelable,
                                                    table.terms, 5, clustering.COVERED_WEIGHT)
        assert clustering._covering_terms(uses[rows], counts[rows], specificity, labelable,
                                          table.terms, 5) == expected
        assert expected  # each topic has words to be labelled by


def test_left_over_opinions_attach_by_sparse_centroids_as_by_dense_ones():
    from feedback.synthesis.counting import TokenTable

    opinions = generate_opinions(HOT, background=300, campaign=0, seed=12)
    docs = _docs(opinions)
    topics = sorted(HOT)
    rng = np.random.RandomState(2)
    labels = np.array([topics.index(o.topic) if o.topic in HOT and rng.rand() < 0.7 else -1 for o in opinions])
    rows = np.arange(len(docs))
    own_words = TokenTable([d.tokens for d in docs])
    dense = clustering.attach_by_own_words(docs, own_words, labels, rows, 0.15)
    sparse_ = clustering.attach_by_own_words(docs, own_words, labels, rows, 0.15, sparse_centroids=True)
    assert (dense == sparse_).all()
    assert (dense[labels >= 0] == labels[labels >= 0]).all() and (dense >= 0).sum() > (labels >= 0).sum()


def _tokenise_in_a_daemon(texts, sending):
    from feedback.synthesis import text

    sending.send(text.tokenise_distinct(texts, processes=2))
    sending.close()


def test_a_daemonic_process_that_may_not_fork_cuts_the_texts_itself(monkeypatch):
    """A daemonic process (a pool's worker) may not start children: the texts are cut in it."""
    import multiprocessing

    from feedback.synthesis import text

    texts = [normalise(o.text) for o in generate_opinions(HOT, background=50, campaign=0, seed=3)]
    monkeypatch.setattr(text, "PARALLEL_FROM", 10)  # inherited by the forked daemon
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    daemon = context.Process(target=_tokenise_in_a_daemon, args=(texts, sending), daemon=True)
    daemon.start()
    found = receiving.recv()
    daemon.join()
    assert daemon.exitcode == 0 and found == {t: tokenise(t, normalised=True) for t in texts}
