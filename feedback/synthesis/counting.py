"""TF-IDF of many short texts at once: word tokens and character n-grams.

sklearn's `TfidfVectorizer` calls a Python analyser per document and counts its terms
in a dict, which at 100,000 opinions is most of a clustering run's vector time. Here
all opinions' tokens are numbered in one pass (`TokenTable`); which tokens count is a
choice of columns, and the text their character n-grams are cut from is gathered
from the numbered tokens with numpy. Each n-gram is packed into one uint64 of its
code points, so the vocabulary is exact, not hashed. The weighting is sklearn's
`TfidfTransformer`, so the vectors are those of `TfidfVectorizer` with the same
settings, up to the order of the columns (tested).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import chain

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer

_CODE_BITS = 21  # every Unicode code point fits in 21 bits, so three fit in a uint64
_FILLER = 0x1FFFFF  # above the last code point (0x10FFFF): pads a short n-gram's key
MAX_GRAM = 3


class TokenTable:
    """Every opinion's tokens, numbered once: the row and term of each occurrence."""

    def __init__(self, token_lists: Sequence[Sequence[str]]):
        flat = list(chain.from_iterable(token_lists))
        numbering = {term: i for i, term in enumerate(dict.fromkeys(flat))}  # in order of first use
        self.terms: list[str] = list(numbering)
        self.columns = np.fromiter(map(numbering.__getitem__, flat), dtype=np.int64, count=len(flat))
        self.rows = _rows_of(token_lists)
        self.row_count = len(token_lists)

    def select(self, rows: np.ndarray) -> "TokenTable":
        """The table of only `rows` (ascending), renumbered 0..; only the terms they use,
        in the order they had. A group of 50 real messages uses a few hundred of a
        corpus's 100,000 terms, and whatever walks the terms (`term_mask`, `joined`) walks
        only those: at 20,000 texts made of real messages, that walk over all terms for
        each of some 370 groups was most of the clustering's time."""
        position = np.full(self.row_count, -1, dtype=np.int64)
        position[rows] = np.arange(len(rows))
        kept = position[self.rows] >= 0
        used, columns = np.unique(self.columns[kept], return_inverse=True)
        selected = object.__new__(TokenTable)
        selected.terms, selected.columns = [self.terms[c] for c in used], columns.astype(np.int64)
        selected.rows, selected.row_count = position[self.rows[kept]], len(rows)
        return selected

    def term_mask(self, keep: Callable[[str], bool]) -> np.ndarray:
        return np.fromiter(map(keep, self.terms), dtype=bool, count=len(self.terms))

    def counts(self, kept_terms: np.ndarray | None = None) -> sparse.csr_matrix:
        """Rows × terms counts; with `kept_terms` (a mask), the other terms' columns are empty."""
        rows, columns = self.rows, self.columns
        if kept_terms is not None:
            kept = kept_terms[columns]
            rows, columns = rows[kept], columns[kept]
        return _count_matrix(rows, columns, (self.row_count, len(self.terms)))

    def frequent_runs(self, min_count: int, length: int = 3) -> set[tuple[str, ...]]:
        """Runs of `length` consecutive tokens of one row found `min_count` times or more
        (counted per occurrence: a phrase said twice in one opinion is rare)."""
        if length > MAX_GRAM:
            raise ValueError(f"runs of at most {MAX_GRAM} tokens fit a packed key")
        if len(self.terms) >= 2 ** _CODE_BITS:  # term numbers no longer fit a packed key
            return set()
        starts = self._run_starts(length)
        keys = np.zeros(len(starts), dtype=np.int64)
        for offset in range(length):
            keys = (keys << _CODE_BITS) | self.columns[starts + offset]
        found, inverse = sorted_unique(keys)
        counts = np.bincount(inverse, minlength=len(found))
        return {tuple(self.terms[c] for c in _unpacked(int(key), length)) for key in found[counts >= min_count]}

    def _run_starts(self, length: int) -> np.ndarray:
        """Occurrences that begin a run of `length` inside one row."""
        if len(self.columns) < length:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(self.rows[:len(self.rows) - length + 1] == self.rows[length - 1:])

    def joined(self, kept_terms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(code points, length per row) of each row's kept tokens joined, as
        `"".join(tokens)` would give them, without a Python pass over the rows."""
        occurrences = np.flatnonzero(kept_terms[self.columns])
        term_codes, term_starts, term_lengths = _code_points(self.terms)
        columns = self.columns[occurrences]
        lengths = term_lengths[columns]
        # the code points of occurrence i are term_codes[term_starts[col_i]:][:lengths_i]
        first = np.repeat(term_starts[columns] - (np.cumsum(lengths) - lengths), lengths)
        codes = term_codes[first + np.arange(int(lengths.sum()))]
        row_lengths = np.bincount(self.rows[occurrences], weights=lengths, minlength=self.row_count)
        return codes, row_lengths.astype(np.int64)


def sorted_unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`np.unique(values, return_inverse=True)` by one sort. numpy 2 finds unique values by
    hashing, which on the 6 million character n-gram keys of 100,000 texts took 13–36 s
    (and `searchsorted` for the inverse 5–28 s) against about 1 s for this. Each large
    array is let go as soon as it has served (this is the peak of a clustering run)."""
    order = np.argsort(values)
    ordered = values[order]
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    found = ordered[first]
    del ordered
    ranks = np.cumsum(first, dtype=np.int64)
    del first
    ranks -= 1
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = ranks
    return found, inverse


def _unpacked(key: int, length: int) -> list[int]:
    """The numbers packed into a key, 21 bits each, first first."""
    return [(key >> (_CODE_BITS * i)) & _FILLER for i in reversed(range(length))]


def _code_points(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(all code points, start of each text, length of each text)."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    return codes, np.cumsum(lengths) - lengths, lengths


def _rows_of(sequences: Sequence[Sequence]) -> np.ndarray:
    lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
    return np.repeat(np.arange(len(sequences)), lengths)


def _count_matrix(rows: np.ndarray, columns: np.ndarray, shape: tuple[int, int]) -> sparse.csr_matrix:
    counts = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, columns)), shape=shape)
    counts.sum_duplicates()
    return counts


def _frequent_columns(counts: sparse.csr_matrix, min_df: int) -> np.ndarray:
    """Indexes of the columns used by at least `min_df` rows."""
    return np.flatnonzero(np.bincount(counts.indices, minlength=counts.shape[1]) >= min_df)


class _CountedTfidf:
    """sklearn's TF-IDF weighting over counts made here."""

    def __init__(self, min_df: int = 1, sublinear_tf: bool = True):
        self.min_df, self.sublinear_tf = min_df, sublinear_tf
        self._weighting = TfidfTransformer(sublinear_tf=sublinear_tf)
        self.idf_ = np.zeros(0)

    def _weighted_fit(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        if counts.shape[1] == 0:  # no term is frequent enough: every vector is empty
            self.idf_ = np.zeros(0)
            return counts.astype(np.float32)
        # In place: the counts are this call's own, and at 100,000 texts each copy of
        # them is 100 MB or more at the run's peak.
        self._weighting.fit(counts)
        weighted = self._weighting.transform(counts, copy=False).astype(np.float32, copy=False)
        self.idf_ = self._weighting.idf_
        return weighted

    def _weighted(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        if counts.shape[1] == 0:
            return counts.astype(np.float32)
        return self._weighting.transform(counts, copy=False).astype(np.float32, copy=False)


class TokenTfidf(_CountedTfidf):
    """Word TF-IDF of token lists: `TfidfVectorizer(analyzer=lambda tokens: tokens)`."""

    vocabulary_: dict[str, int]

    def fit_transform(self, token_lists: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        table = TokenTable(token_lists)
        return self.fit_table(table, np.ones(len(table.terms), dtype=bool))

    def fit_table(self, table: TokenTable, kept_terms: np.ndarray) -> sparse.csr_matrix:
        """Fitted on the `kept_terms` of a table, as if the others were not in the lists."""
        counts = table.counts(kept_terms)
        columns = _frequent_columns(counts, self.min_df)
        self.vocabulary_ = {table.terms[c]: i for i, c in enumerate(columns)}
        return self._weighted_fit(counts[:, columns])

    def transform(self, token_lists: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """Over the fitted vocabulary; unknown tokens are left out."""
        lookup = self.vocabulary_.get
        columns = np.fromiter((lookup(t, -1) for tokens in token_lists for t in tokens), dtype=np.int64)
        rows = _rows_of(token_lists)
        known = columns >= 0
        return self._weighted(_count_matrix(rows[known], columns[known], (len(token_lists), len(self.vocabulary_))))


class CharGramTfidf(_CountedTfidf):
    """Character n-gram TF-IDF: `TfidfVectorizer(analyzer="char", ngram_range=(low, high),
    lowercase=False)` for texts without runs of white space (joined tokens)."""

    def __init__(self, ngram_range: tuple[int, int] = (2, 3), min_df: int = 1, sublinear_tf: bool = True):
        super().__init__(min_df, sublinear_tf)
        low, high = ngram_range
        if not 1 <= low <= high <= MAX_GRAM:
            raise ValueError(f"n-grams of 1 to {MAX_GRAM} characters only")
        self.sizes = tuple(range(low, high + 1))
        self.keys_ = np.zeros(0, np.uint64)
        self._vocabulary: dict[str, int] | None = None

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        codes, _, lengths = _code_points(texts)
        return self.fit_codes(codes, lengths)

    def fit_codes(self, codes: np.ndarray, lengths: np.ndarray) -> sparse.csr_matrix:
        """Fitted on texts given as their code points, one after another, and lengths."""
        rows, keys = gram_keys(codes, lengths, self.sizes)
        self.keys_, columns = sorted_unique(keys)
        del keys
        counts = _count_matrix(rows, columns, (len(lengths), len(self.keys_)))
        del rows, columns
        kept = _frequent_columns(counts, self.min_df)
        self.keys_ = self.keys_[kept]
        self._vocabulary = None
        counts = counts[:, kept]  # the full counts let go before weighting
        return self._weighted_fit(counts)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        codes, _, lengths = _code_points(texts)
        rows, keys = gram_keys(codes, lengths, self.sizes)
        columns = np.searchsorted(self.keys_, keys)
        known = columns < len(self.keys_)
        known[known] = self.keys_[columns[known]] == keys[known]
        return self._weighted(_count_matrix(rows[known], columns[known], (len(texts), len(self.keys_))))

    @property
    def vocabulary_(self) -> dict[str, int]:
        """{n-gram: column}, as sklearn's; built on first use (live assignment looks up a
        few dozen n-grams per opinion, a clustering run none) and not pickled."""
        if self._vocabulary is None:
            self._vocabulary = {gram_of_key(int(key)): i for i, key in enumerate(self.keys_)}
        return self._vocabulary

    def __getstate__(self):
        return {**self.__dict__, "_vocabulary": None}


class GramColumns:
    """{n-gram: column} of a fitted `CharGramTfidf`'s sorted `keys_`, looked up by binary
    search, for the few dozen n-grams of one opinion (`.get`, `in`, `[]`)."""

    def __init__(self, keys: np.ndarray):
        self.keys = keys

    def get(self, gram: str, default=None):
        if not 1 <= len(gram) <= MAX_GRAM:
            return default
        key = np.uint64(gram_key(gram))
        column = int(np.searchsorted(self.keys, key))
        return column if column < len(self.keys) and self.keys[column] == key else default

    def __contains__(self, gram: str) -> bool:
        return self.get(gram) is not None

    def __getitem__(self, gram: str) -> int:
        column = self.get(gram)
        if column is None:
            raise KeyError(gram)
        return column

    def __len__(self) -> int:
        return len(self.keys)


def gram_keys(codes: np.ndarray, lengths: np.ndarray, sizes: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """(row, key) of every character n-gram of every text, for each n in `sizes`; texts
    are given as their code points, one after another, and their lengths. A key is the
    n-gram's code points packed into a uint64 (`gram_key`).

    Written into arrays made once, through masks rather than index arrays: at 100,000
    opinions of a district (7 million characters) the index arrays, their per-size copies
    and the concatenation were most of a re-clustering's peak memory."""
    lengths = np.asarray(lengths, dtype=np.int64)
    row_type = np.int32 if len(lengths) < 2 ** 31 else np.int64
    # characters left in its text from each one on: an n-gram starts where n are left
    left = np.repeat(np.cumsum(lengths), lengths) - np.arange(len(codes))
    left = left.astype(np.int32) if len(codes) < 2 ** 31 else left
    text_row = np.repeat(np.arange(len(lengths), dtype=row_type), lengths)
    counts = [int(np.count_nonzero(left >= n)) for n in sizes]
    all_rows = np.empty(sum(counts), dtype=row_type)
    all_keys = np.empty(sum(counts), dtype=np.uint64)
    bits = np.uint64(_CODE_BITS)
    end = 0
    for n, count in zip(sizes, counts):
        start, end = end, end + count
        starts = left >= n  # n-grams stay inside their text
        key = all_keys[start:end]
        key[:] = _FILLER if n < MAX_GRAM else 0
        for _ in range(MAX_GRAM - n - 1):
            np.left_shift(key, bits, out=key)
            np.bitwise_or(key, np.uint64(_FILLER), out=key)
        for offset in range(n):
            np.left_shift(key, bits, out=key)
            # the code `offset` after each start; a start is never within n of the end
            np.bitwise_or(key, codes[offset:][starts[:len(codes) - offset]], out=key)
        all_rows[start:end] = text_row[starts]
    return all_rows, all_keys


def gram_key(gram: str) -> int:
    """The uint64 key of one n-gram: its code points, 21 bits each, padded in front
    with a value no code point has, so grams of different lengths never collide."""
    key = 0
    for code in [_FILLER] * (MAX_GRAM - len(gram)) + [ord(c) for c in gram]:
        key = (key << _CODE_BITS) | code
    return key


def gram_of_key(key: int) -> str:
    return "".join(chr(code) for code in _unpacked(key, MAX_GRAM) if code != _FILLER)
