"""Concerns among long messages: a message board's posts, a hotline's written complaints.

A real message (median about 225 characters, up to 4,000) names its city and district,
opens and closes with formulas, tells a story and often raises several matters; what it
is about is said in its first sentence (a board post's title) and in a few words that
few other messages use. The short-opinion method (`clustering`) pools neighbours' words
and links groups through shared words; on such messages every message shares general
words with every other, and 94 % of a real board came out as one cluster.

Here (measured in `bench/real_messages.py`):

1. Terms. A message is described by its *distinctive* words: words of two characters or
   more, used by at least two messages and by at most `MAX_DOCUMENT_SHARE` of them (what
   nearly every message says, formulas and the city's name among them, is learnt from
   the corpus and left out), neither general words nor letter-and-number codes.
2. Main matter. The words of the lead (`lead_of`: the first sentence, a post's title)
   weigh `LEAD_WEIGHT` times more, so that a message raising several matters belongs to
   the one it opens with. Counts are damped (1 + log), weighted by idf, L2-normalised.
3. Groups. Average linkage on cosine, cut at `LINK_SIMILARITY`: a group joins another
   only when their messages are close *on average*, so no chain of pairs through one
   general word makes a cluster. Groups smaller than the minimum are left unclustered.
   Above `LINKAGE_MAX_ROWS` messages, groups are found in a sample and the rest placed
   by their closest group.
4. Left-overs. A message in no group joins the group whose centroid it is
   `ATTACH_SIMILARITY` close to.
5. Two matters in one group. Average linkage at a loose cut can join two groups that are
   each tight but only loosely alike (overloaded trucks and lorry bans). A group whose
   messages, cut again `SPLIT_TIGHTNESS` times tighter (0.075), form two or more groups
   of the minimum size covering most of it (`SPLIT_COVER`) is split into them; the rest
   stay with the largest part. (1.5 times tighter also split one marked issue in two.)
6. Each message to its closest group. Average linkage places a message by its group's
   average, once, as groups merge; at the end a message can be much closer to another
   group's centroid than to its own (its own counted without it). Such a message
   (`REASSIGN_MARGIN` times closer) moves there, once, and what that leaves under the
   minimum size goes through step 4 again, now at `PLACE_SIMILARITY`: the cosine from
   which a new message is placed live (`LongMessageModel.assign`, the short-opinion
   method's similarity × its assign share, 0.25 × 0.6), so that a left-over is in the
   group a new message saying the same would be placed in.
"""
from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.preprocessing import normalize

# From this median number of tokens a message a corpus is one of long messages: generated
# opinions and kiosk notes have 5-25; the real board's posts about 90.
LONG_MEDIAN_TOKENS = 40
MAX_DOCUMENT_SHARE = 0.1
LEAD_WEIGHT = 5.0
LEAD_MAX_CHARS = 60
LINK_SIMILARITY = 0.06
ATTACH_SIMILARITY = 0.25
LINKAGE_MAX_ROWS = 8000
SPLIT_TIGHTNESS = 1.25
SPLIT_COVER = 0.8
REASSIGN_MARGIN = 1.2
# = clustering.DEFAULT_SIMILARITY * clustering.ASSIGN_SHARE, the live placing's cosine
# (clustering imports this module, so it is not imported from there).
PLACE_SIMILARITY = 0.15
BLOCK_ROWS = 2048
_SENTENCE_END = re.compile(r"[。！？!?；;\n]|(?<=[\u4e00-\u9fff])\s")
_CODE = re.compile(r"[a-z]{0,2}\d+[a-z]?|[a-z]\d*")


def are_long(token_counts: Sequence[int]) -> bool:
    """Whether messages of these token counts are long messages (see the module)."""
    return bool(len(token_counts)) and float(np.median(token_counts)) >= LONG_MEDIAN_TOKENS


def lead_of(text: str) -> str:
    """The first sentence of an analysis text (`text.normalise`), at most `LEAD_MAX_CHARS`:
    a board post's title (the title and the body are one text, the line break folded to
    a space), or an opinion's first sentence."""
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0][:LEAD_MAX_CHARS]


class DistinctiveTerms:
    """Steps 1 and 2: the vocabulary and idf learnt from a corpus, and its vectors."""

    def __init__(self, excluded: Collection[str] = frozenset()):
        self.excluded = excluded
        self.vocabulary: dict[str, int] = {}
        self.idf = np.zeros(0, dtype=np.float32)

    def fit(self, token_lists: Sequence[Sequence[str]]) -> "DistinctiveTerms":
        document_frequency: dict[str, int] = {}
        for tokens in token_lists:
            for term in set(tokens):
                document_frequency[term] = document_frequency.get(term, 0) + 1
        most = max(2, MAX_DOCUMENT_SHARE * len(token_lists))
        kept = sorted(term for term, count in document_frequency.items()
                      if 2 <= count <= most and self._can_describe(term))
        self.vocabulary = {term: column for column, term in enumerate(kept)}
        n = len(token_lists)
        self.idf = np.array([math.log((1 + n) / (1 + document_frequency[t])) + 1 for t in kept],
                            dtype=np.float32)
        return self

    def _can_describe(self, term: str) -> bool:
        return len(term) > 1 and term not in self.excluded and not _CODE.fullmatch(term)

    def transform(self, token_lists: Sequence[Sequence[str]],
                  leads: Sequence[str]) -> sparse.csr_matrix:
        """Rows of damped counts, lead words weighted up, times idf, L2-normalised."""
        values, rows, columns = [], [], []
        for row, (tokens, lead) in enumerate(zip(token_lists, leads)):
            counts: dict[int, int] = {}
            for token in tokens:
                column = self.vocabulary.get(token)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
            for column, count in counts.items():
                in_lead = lead and self._term(column) in lead
                values.append((1.0 + math.log(count)) * (LEAD_WEIGHT if in_lead else 1.0))
                rows.append(row)
                columns.append(column)
        matrix = sparse.csr_matrix((np.array(values, dtype=np.float32), (rows, columns)),
                                   shape=(len(token_lists), len(self.vocabulary)))
        return normalize(matrix @ sparse.diags(self.idf))

    def _term(self, column: int) -> str:
        if not hasattr(self, "_terms"):
            self._terms = sorted(self.vocabulary, key=self.vocabulary.get)
        return self._terms[column]


def average_link_groups(vectors: sparse.csr_matrix, min_size: int,
                        similarity: float = LINK_SIMILARITY) -> np.ndarray:
    """Step 3: group per row (-1 for none), groups numbered 0.. largest first."""
    n = vectors.shape[0]
    if n < max(2, min_size):
        return np.full(n, -1, dtype=np.int64)
    if n <= LINKAGE_MAX_ROWS:
        return _drop_small(_average_linkage(vectors, similarity), min_size)
    sample = np.sort(np.random.RandomState(0).choice(n, LINKAGE_MAX_ROWS, replace=False))
    labels = np.full(n, -1, dtype=np.int64)
    labels[sample] = _drop_small(_average_linkage(vectors[sample], similarity), min_size)
    if labels.max() < 0:
        return labels
    rest = np.setdiff1d(np.arange(n), sample)
    labels[rest] = closest_group(vectors[rest], centroids(vectors, labels), similarity)
    return _drop_small(labels, min_size)


def _average_linkage(vectors: sparse.csr_matrix, similarity: float) -> np.ndarray:
    """Flat clusters of average linkage cut at cosine `similarity` (condensed distances:
    n·(n−1)/2 numbers, 116 MB at 5,400 messages)."""
    n = vectors.shape[0]
    distances = np.empty(n * (n - 1) // 2, dtype=np.float64)
    position = 0
    for start in range(0, n, BLOCK_ROWS):  # row by row of the upper triangle, a block at a time
        block = (vectors[start:start + BLOCK_ROWS] @ vectors[start:].T).toarray()
        for offset, row in enumerate(block):
            tail = row[offset + 1:]
            distances[position:position + len(tail)] = 1.0 - tail
            position += len(tail)
    np.clip(distances, 0.0, 2.0, out=distances)
    return fcluster(linkage(distances, "average"), 1.0 - similarity, "distance").astype(np.int64)


def attach_left_over(vectors: sparse.csr_matrix, labels: np.ndarray,
                     similarity: float = ATTACH_SIMILARITY) -> np.ndarray:
    """Step 4: a message in no group joins the group whose centroid is `similarity` close."""
    left = np.flatnonzero(labels < 0)
    if labels.max(initial=-1) < 0 or not len(left):
        return labels
    attached = labels.copy()
    attached[left] = closest_group(vectors[left], centroids(vectors, labels), similarity)
    return attached


def closest_group(vectors: sparse.csr_matrix, group_centroids: np.ndarray,
                  similarity: float) -> np.ndarray:
    """Per row, the group whose centroid is the most similar, or -1 below `similarity`."""
    closest = np.full(vectors.shape[0], -1, dtype=np.int64)
    for start in range(0, vectors.shape[0], BLOCK_ROWS):
        scores = np.asarray(vectors[start:start + BLOCK_ROWS] @ group_centroids.T)
        best = scores.argmax(axis=1)
        close = scores[np.arange(len(best)), best] >= similarity
        closest[start:start + len(best)] = np.where(close, best, -1)
    return closest


def centroids(vectors: sparse.csr_matrix, labels: np.ndarray) -> np.ndarray:
    """L2-normalised mean vector of each group 0..max (dense: groups × terms)."""
    rows = np.flatnonzero(labels >= 0)
    membership = sparse.csr_matrix((np.ones(len(rows), np.float32), (labels[rows], rows)),
                                   shape=(labels.max() + 1, len(labels)))
    return normalize(membership @ vectors).toarray().astype(np.float32)


def _drop_small(labels: np.ndarray, min_size: int) -> np.ndarray:
    """Groups under `min_size` become -1; the others are renumbered 0.. largest first."""
    values, counts = np.unique(labels[labels >= 0], return_counts=True)
    kept = values[counts >= min_size][np.argsort(-counts[counts >= min_size], kind="stable")]
    renumber = np.full(labels.max(initial=0) + 1, -1, dtype=np.int64)
    renumber[kept] = np.arange(len(kept))
    return np.where(labels >= 0, renumber[np.maximum(labels, 0)], -1)


def split_two_matters(vectors: sparse.csr_matrix, labels: np.ndarray, min_size: int,
                      similarity: float = LINK_SIMILARITY * SPLIT_TIGHTNESS) -> np.ndarray:
    """Step 5: each group cut again at `similarity`; split when its tight parts of
    `min_size` or more cover `SPLIT_COVER` of it (the others stay with the largest part)."""
    split = labels.copy()
    next_label = labels.max(initial=-1) + 1
    for group in range(labels.max(initial=-1) + 1):
        members = np.flatnonzero(labels == group)
        if len(members) < 2 * min_size or len(members) > LINKAGE_MAX_ROWS:
            continue
        parts = _drop_small(_average_linkage(vectors[members], similarity), min_size)
        if parts.max() < 1 or (parts >= 0).mean() < SPLIT_COVER:
            continue
        for part in range(1, parts.max() + 1):
            split[members[parts == part]] = next_label
            next_label += 1
    return _drop_small(split, min_size)


def reassign_to_closest(vectors: sparse.csr_matrix, labels: np.ndarray,
                        margin: float = REASSIGN_MARGIN) -> np.ndarray:
    """Step 6: a grouped message whose cosine to another group's centroid is `margin` times
    its cosine to its own group's centroid without it moves to that group (one pass, all
    moves decided on the same centroids). Groups are not renumbered."""
    rows = np.flatnonzero(labels >= 0)
    if labels.max(initial=-1) < 1:
        return labels
    membership = sparse.csr_matrix((np.ones(len(rows), np.float32), (labels[rows], rows)),
                                   shape=(labels.max() + 1, len(labels)))
    sums = (membership @ vectors).tocsr()  # sparse: groups × terms
    sum_norms = np.sqrt(np.asarray(sums.multiply(sums).sum(axis=1)).ravel())
    inverse_norms = 1.0 / np.maximum(sum_norms, 1e-12)
    moved = labels.copy()
    for start in range(0, len(rows), BLOCK_ROWS):
        block = rows[start:start + BLOCK_ROWS]
        dots = np.asarray((vectors[block] @ sums.T).todense())  # v · sum of each group
        own = labels[block]
        own_dot = dots[np.arange(len(block)), own]
        self_norm = np.asarray(vectors[block].multiply(vectors[block]).sum(axis=1)).ravel()
        rest_norm = np.sqrt(np.maximum(sum_norms[own] ** 2 - 2 * own_dot + self_norm, 1e-12))
        own_score = np.where(rest_norm > 1e-6, (own_dot - self_norm) / rest_norm, 0.0)
        scores = dots * inverse_norms
        scores[np.arange(len(block)), own] = -np.inf
        best = scores.argmax(axis=1)
        best_score = scores[np.arange(len(block)), best]
        move = best_score > margin * np.maximum(own_score, 0.0)
        moved[block[move]] = best[move]
    return moved


def group_vectors(vectors: sparse.csr_matrix, min_size: int) -> np.ndarray:
    """Steps 3 to 6: a group per message (-1 for none), numbered 0.. largest first."""
    groups = attach_left_over(vectors, average_link_groups(vectors, min_size))
    groups = _drop_small(groups, min_size)
    groups = split_two_matters(vectors, groups, min_size)
    groups = _drop_small(reassign_to_closest(vectors, groups), min_size)
    return _drop_small(attach_left_over(vectors, groups, PLACE_SIMILARITY), min_size)


class LongMessageModel:
    """What a run on long messages learnt, to place a new message without re-clustering
    (the interface of `clustering.ClusterModel`): its distinctive-term vector (without
    the lead, which tokens alone do not show) against the clusters' centroids."""

    def __init__(self, terms: DistinctiveTerms, centroids: sparse.csr_matrix | None,
                 similarity: float, formulas: frozenset = frozenset()):
        self.terms, self.centroids = terms, centroids
        self.similarity, self.formulas = similarity, formulas

    def assign(self, tokens: Sequence[str],
               context: Sequence[str] = ()) -> tuple[int | None, float]:
        """(cluster index, cosine to its centroid); index None below `similarity`."""
        if self.centroids is None or self.centroids.shape[0] == 0:
            return None, 0.0
        from .clustering import strip_runs

        said = strip_runs(list(tokens), self.formulas) + list(context)
        vector = self.terms.transform([said], [""])
        if vector.nnz == 0:
            return None, 0.0
        scores = (self.centroids @ vector.T).toarray().ravel()
        best = int(np.argmax(scores))
        score = float(scores[best])
        return (best if score >= self.similarity else None), score


# --- labels that name the place ----------------------------------------------------

PLACE_SUFFIXES = tuple("""
小区 花园 家园 公寓 大厦 广场 苑 庭 府 郡 湾 城 园 村 组 镇 乡 街道 社区 路 大道 街 桥
学校 中学 小学 幼儿园 学院 大学 医院 卫生院 公司 集团 工厂 厂 矿 场 站 市场 公园 湖 水库 山
""".split())
PLACE_CLASSES = frozenset({"ns", "nt", "nz"})
PLACE_SHARE = 0.5  # a place named by at least this share of a cluster's messages names the cluster
# ... and at least this share of the messages naming it anywhere are in the cluster: an estate
# is mostly spoken of in its own concern, 有限公司 or 公安局 in many.
PLACE_CONCENTRATION = 0.5


def is_place(term: str, word_class: str | None) -> bool:
    """A place or an organisation: jieba tags it ns/nt/nz, or it ends like one (…小区,
    …中学, …公司) and is more than the ending."""
    if len(term) < 2 or _CODE.fullmatch(term) or term in PLACE_SUFFIXES:
        return False
    if word_class in PLACE_CLASSES:
        return True
    return any(term.endswith(suffix) and len(term) > len(suffix) for suffix in PLACE_SUFFIXES)


def named_place(uses: sparse.csr_matrix, terms: Sequence[str], placeable: np.ndarray,
                naming: np.ndarray) -> str | None:
    """The place term (`placeable` mask) the most of one cluster's messages (`uses`:
    messages × terms, 1 where used) name, if at least `PLACE_SHARE` of them do and they
    are at least `PLACE_CONCENTRATION` of the messages `naming` it in the whole corpus."""
    coverage = np.asarray(uses.sum(axis=0)).ravel()
    coverage = coverage * (placeable & (coverage >= PLACE_CONCENTRATION * naming))
    if not coverage.size or coverage.max() < PLACE_SHARE * uses.shape[0]:
        return None
    return terms[int(coverage.argmax())]


_ADMIN_UNITS = "县市区州"
# What an anonymised board writes for a place (a, b9, k10); not 5g, 4s, ktv or 12345.
_PLACE_CODE = re.compile(r"[a-z]{1,2}\d*")


def shown(term: str) -> str | None:
    """A label term as a reader should see it: None for a letter-and-number code (an
    anonymised board's "i1"); without the 县, 市 or 区 of an anonymised or abbreviated
    district glued to the name that follows it (A3县恒大 is cut "a3 / 县恒大"): a word
    jieba's dictionary does not know, of two characters or more after the unit."""
    if _PLACE_CODE.fullmatch(term):
        return None
    if len(term) >= 3 and term[0] in _ADMIN_UNITS:
        from .text import word_class

        if word_class(term) is None:
            return term[1:]
    return term


def with_place(label_terms: Sequence[str], place: str | None, length: int = 3) -> list[str]:
    """The label's terms (`shown`) with the place first (once), `length` terms in all."""
    terms = []
    for term in ([place] if place else []) + list(label_terms):
        term = shown(term)
        if term and term not in terms and not (terms and place and term in terms[0]):
            terms.append(term)
    return terms[:length]
