"""The Chinese + English analyser of the index.

Text is read through `feedback.synthesis.text.normalise` (the one home of
normalisation), so a traditional-character or full-width query finds simplified,
half-width text. CJK runs are cut by jieba (search mode when indexing, so "停车位"
also yields "停车" and "车位"; precise mode for queries), Latin runs become
lower-case words stemmed by Whoosh's Porter stemmer ("parking" and "parked" →
"park"); CJK words are never stemmed.

`index_terms` gives the terms of a text for indexing, without offsets.
`word_spans` gives every word with the character offsets of the *original* text,
so highlights can be cut from the stored text. Normalisation may change lengths
(NFKC "①" → "1", dropped control characters), so offsets are mapped back chunk by
chunk; a chunk whose length does not change (the common case) is mapped by
arithmetic, and only a chunk that changes length is normalised character by
character (through a per-character cache).

Speed (bench/search.py): the index keeps term frequencies only, so indexing asks
`terms()` for the words and never builds offsets or Token objects; jieba's cut of
a CJK run is cached (the same sentences recur across many documents).

The analyser is a plain class in this module: Whoosh pickles it into the index by
its import path.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer
from whoosh.lang.porter import stem as _porter_stem

from feedback.synthesis import text as text_analysis

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_RUNS = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[^\W{_CJK}]+)")
_CHUNKS = re.compile(r"\S+")
MAX_TOKEN_CHARS = 40
RUN_CACHE_SIZE = 131072

Span = tuple[str, int, int]  # (token text, start char, end char) in the original text


def word_spans(text: str, *, search_mode: bool = True) -> Iterator[Span]:
    """Content words of `text` with their offsets in `text` (not yet stemmed)."""
    for normalised, start, origin in _normalised_chunks(text):
        for run in _RUNS.finditer(normalised):
            base = run.start()
            for word, s, e in _run_words(run.group(), run.lastgroup == "cjk", search_mode):
                if origin is None:
                    yield word, start + base + s, start + base + e
                else:
                    yield word, origin[base + s], origin[base + e - 1] + 1


def _normalised_chunks(text: str) -> Iterator[tuple[str, int, list[int] | None]]:
    """Each whitespace-free chunk, normalised, with its start in `text` and, when
    normalisation changed its length, the original index of every normalised
    character (None: the index is start + offset)."""
    for match in _CHUNKS.finditer(text):
        chunk, start = match.group(), match.start()
        normalised = text_analysis.normalise(chunk)
        if len(normalised) == len(chunk):
            yield normalised, start, None
        else:
            yield (*_normalised_char_by_char(chunk, start),)


def _normalised_char_by_char(chunk: str, start: int) -> tuple[str, int, list[int]]:
    pieces, origin = [], []
    for offset, char in enumerate(chunk):
        piece = _normalise_char(char)
        pieces.append(piece)
        origin.extend([start + offset] * len(piece))
    return "".join(pieces), start, origin


@lru_cache(maxsize=8192)
def _normalise_char(char: str) -> str:
    return text_analysis.normalise(char)


def index_terms(text: str) -> list[str]:
    """The index terms of `text` (search-mode words, Latin ones stemmed), without
    offsets: all that indexing needs. The whole text is normalised at once
    (runs never span whitespace, so the words are those of `word_spans`)."""
    terms: list[str] = []
    for run in _RUNS.finditer(text_analysis.normalise(text)):
        terms.extend(_run_terms(run.group(), run.lastgroup == "cjk"))
    return terms


@lru_cache(maxsize=RUN_CACHE_SIZE)
def _run_terms(run: str, cjk: bool) -> tuple[str, ...]:
    return tuple(stem(word) for word, _s, _e in _indexable_spans(run, cjk, True))


@lru_cache(maxsize=RUN_CACHE_SIZE)
def _run_words(run: str, cjk: bool, search_mode: bool) -> tuple[Span, ...]:
    return _indexable_spans(run, cjk, search_mode)


def _indexable_spans(run: str, cjk: bool, search_mode: bool) -> tuple[Span, ...]:
    """The indexable words of one CJK or Latin run, offsets within the run."""
    if cjk:
        jieba = text_analysis._load_jieba()  # the same dictionary as tokenise_for_search
        spans = jieba.tokenize(run, mode="search" if search_mode else "default")
    else:
        spans = ((run, 0, len(run)),)
    return tuple(span for span in spans if _is_indexable(span[0]))


def _is_indexable(word: str) -> bool:
    return len(word) <= MAX_TOKEN_CHARS and word not in text_analysis.stop_words()


@lru_cache(maxsize=50000)
def stem(word: str) -> str:
    """Porter stem of a Latin word; CJK words are returned as they are."""
    return word if _CJK_CHAR.match(word) else _porter_stem(word)


_CJK_CHAR = re.compile(f"[{_CJK}]")


class ChineseEnglishTokenizer(Tokenizer):
    """Normalises, then emits jieba words for CJK runs and words for Latin runs.

    In query mode CJK runs are cut in jieba's precise mode: the index holds the
    search-mode words (which include every precise-mode word), so a query word
    "停车位" needs the whole word and "停车" finds it too. (Kept unstemmed for
    indexes built before ChineseEnglishAnalyzer; those pickled it with a
    StemFilter.)
    """

    stems = False

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            spans = [(text_analysis.normalise(value), 0, len(value))]
        else:
            spans = word_spans(value, search_mode=(mode != "query"))
        for number, (word, start, end) in enumerate(spans):
            token.text = stem(word) if self.stems else word
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = start_pos + number
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class ChineseEnglishAnalyzer(ChineseEnglishTokenizer):
    """The tokenizer with Latin words stemmed: the whole analyser in one step,
    with `terms()` for indexing without Token objects or offsets."""

    stems = True

    def terms(self, value: str) -> list[str]:
        return index_terms(value)


def chinese_english_analyzer():
    return ChineseEnglishAnalyzer()


_QUERY_ANALYZER = chinese_english_analyzer()
MAX_QUERY_WORDS = 12


def query_words(text: str) -> list[str]:
    """The distinct index terms a user query asks for, in order, at most
    MAX_QUERY_WORDS. Never raises: anything that is not a word is ignored."""
    if not isinstance(text, str) or not text.strip():
        return []
    words: list[str] = []
    for token in _QUERY_ANALYZER(text[:2000], mode="query"):
        if token.text not in words:
            words.append(token.text)
        if len(words) == MAX_QUERY_WORDS:
            break
    return words
