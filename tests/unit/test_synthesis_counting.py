"""The vectorised TF-IDF gives sklearn's TfidfVectorizer vectors, column for column."""
import pickle

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from feedback.synthesis.counting import CharGramTfidf, TokenTable, TokenTfidf, gram_key, gram_keys, gram_of_key
from feedback.synthesis.samples import generate_opinions
from feedback.synthesis.text import tokenise

DROPPED = {"谢谢", "希望"}


@pytest.fixture(scope="module")
def token_lists():
    opinions = generate_opinions({"parking": 30, "elevator": 20}, background=150, campaign=10, seed=3)
    lists = [tokenise(o.text) for o in opinions]
    return lists + [[], ["谢谢"], ["x"], ["ａ", "a", "𠀋字"]]  # empty, only dropped words, one char, wide/astral


def _in_sklearn_order(ours, theirs):
    """Our columns in the order of sklearn's feature names."""
    return np.array([ours.vocabulary_[name] for name in theirs.get_feature_names_out()])


def test_word_tfidf_equals_sklearn(token_lists):
    ours, theirs = TokenTfidf(min_df=2), TfidfVectorizer(analyzer=lambda t: t, min_df=2, sublinear_tf=True)
    ours_vectors, their_vectors = ours.fit_transform(token_lists), theirs.fit_transform(token_lists)
    order = _in_sklearn_order(ours, theirs)
    assert ours_vectors.shape == their_vectors.shape
    assert abs(ours_vectors[:, order] - their_vectors).max() < 1e-6
    assert np.allclose(ours.idf_[order], theirs.idf_)
    new = [["停车位", "没见过的词"], ["电梯"] * 3, []]
    assert abs(ours.transform(new)[:, order] - theirs.transform(new)).max() < 1e-6


def test_char_tfidf_of_kept_tokens_equals_sklearn_on_joined_text(token_lists):
    table = TokenTable(token_lists)
    kept = table.term_mask(lambda term: term not in DROPPED)
    ours = CharGramTfidf((2, 3), min_df=2)
    ours_vectors = ours.fit_codes(*table.joined(kept))
    texts = ["".join(t for t in tokens if t not in DROPPED) for tokens in token_lists]
    theirs = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), min_df=2, sublinear_tf=True, lowercase=False)
    their_vectors = theirs.fit_transform(texts)
    order = _in_sklearn_order(ours, theirs)
    assert ours_vectors.shape == their_vectors.shape
    assert abs(ours_vectors[:, order] - their_vectors).max() < 1e-6
    assert abs(ours.transform(texts[:20])[:, order] - theirs.transform(texts[:20])).max() < 1e-6


def test_word_tfidf_of_kept_tokens_leaves_the_others_out(token_lists):
    table = TokenTable(token_lists)
    ours = TokenTfidf(min_df=1)
    ours.fit_table(table, table.term_mask(lambda term: term not in DROPPED))
    assert not DROPPED & set(ours.vocabulary_)
    assert "停车位" in ours.vocabulary_


def test_gram_keys_pack_code_points_without_collisions():
    texts = ["停车位", "ab", "𠀋字x", ""]
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    rows, keys = gram_keys(codes, np.array([len(t) for t in texts]), (1, 2, 3))
    grams = [gram_of_key(int(k)) for k in keys]
    expected = [(r, t[i:i + n]) for n in (1, 2, 3) for r, t in enumerate(texts) for i in range(len(t) - n + 1)]
    assert sorted(zip(rows.tolist(), grams)) == sorted(expected)  # never across two texts
    assert len(set(keys.tolist())) == len(set(g for _, g in expected))
    assert all(gram_key(g) == int(k) for g, k in zip(grams, keys))


def test_fitted_char_tfidf_pickles_without_its_lookup_dict(token_lists):
    fitted = CharGramTfidf((2, 3), min_df=2)
    fitted.fit_transform(["".join(tokens) for tokens in token_lists])
    assert "停车" in fitted.vocabulary_
    restored = pickle.loads(pickle.dumps(fitted))
    assert restored._vocabulary is None
    assert restored.vocabulary_ == fitted.vocabulary_


def test_no_term_frequent_enough_gives_empty_vectors_not_an_error():
    words, chars = TokenTfidf(min_df=2), CharGramTfidf((2, 3), min_df=2)
    assert words.fit_transform([["甲"], ["乙"]]).shape == (2, 0)
    assert chars.fit_transform(["甲", "乙"]).shape == (2, 0)
    assert chars.transform(["甲乙"]).shape == (1, 0)


def test_frequent_runs_are_counted_inside_one_opinion_only():
    lists = [["市民", "来电", "反映", "停车"]] * 3 + [["甲", "市民"], ["来电", "反映", "乙"]] * 5
    table = TokenTable(lists)
    assert table.frequent_runs(3) == {("市民", "来电", "反映"), ("来电", "反映", "停车"), ("来电", "反映", "乙")}
    # ("甲", "市民") + ("来电", "反映", "乙") would make 市民 来电 反映 8 times across opinions
    assert table.frequent_runs(4) == {("来电", "反映", "乙")}


def test_a_selection_of_rows_counts_and_joins_as_a_table_of_those_rows_alone(token_lists):
    rows = np.array([0, 3, 4, len(token_lists) - 4, len(token_lists) - 1])  # the last: wide and astral
    selected, alone = TokenTable(token_lists).select(rows), TokenTable([token_lists[r] for r in rows])
    assert selected.row_count == len(rows)
    by_term = {term: i for i, term in enumerate(selected.terms)}
    alone_as_selected = alone.counts()[:, np.argsort([by_term[t] for t in alone.terms])]
    used = np.flatnonzero(selected.counts().getnnz(axis=0))
    assert (selected.counts()[:, used] != alone_as_selected).nnz == 0
    joined_selected = selected.joined(np.ones(len(selected.terms), dtype=bool))
    joined_alone = alone.joined(np.ones(len(alone.terms), dtype=bool))
    assert [c.tolist() for c in joined_selected] == [c.tolist() for c in joined_alone]
