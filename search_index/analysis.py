"""The Chinese + English analyser of the index.

Text is read through `feedback.synthesis.text.normalise` (the one home of
normalisation), so a traditional-character or full-width query finds simplified,
half-width text. CJK runs are cut by jieba (search mode when indexing, so "停车位"
also yields "停车" and "车位"; precise mode for queries), Latin runs become
lower-case words that Whoosh's StemFilter stems ("parking" and "parked" → "park").

Every token carries the character offsets of the *original* text, so highlights
can be cut from the stored text without analysing it again. Normalisation may
change lengths (NFKC "①" → "1", dropped control characters), so offsets are
mapped back chunk by chunk.

The analyser is a plain class in this module: Whoosh pickles it into the index by
its import path.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from whoosh.analysis import StemFilter, Token, Tokenizer

from feedback.synthesis import text as text_analysis

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_RUNS = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[^\W{_CJK}]+)")
_CHUNKS = re.compile(r"\S+")
MAX_TOKEN_CHARS = 40

Span = tuple[str, int, int]  # (token text, start char, end char) in the original text


def word_spans(text: str, *, search_mode: bool = True) -> Iterator[Span]:
    """Content words of `text` with their offsets in `text` (not yet stemmed)."""
    for normalised, origin in _normalised_chunks(text):
        for word, start, end in _chunk_words(normalised, search_mode=search_mode):
            yield word, origin[start], origin[end - 1] + 1


def _normalised_chunks(text: str) -> Iterator[tuple[str, list[int] | range]]:
    """Each whitespace-free chunk, normalised, with the original index of every
    normalised character."""
    for match in _CHUNKS.finditer(text):
        chunk, start = match.group(), match.start()
        normalised = text_analysis.normalise(chunk)
        if len(normalised) == len(chunk):
            yield normalised, range(start, start + len(chunk))
        else:
            yield _normalised_char_by_char(chunk, start)


def _normalised_char_by_char(chunk: str, start: int) -> tuple[str, list[int]]:
    pieces, origin = [], []
    for offset, char in enumerate(chunk):
        piece = text_analysis.normalise(char)
        pieces.append(piece)
        origin.extend([start + offset] * len(piece))
    return "".join(pieces), origin


def _chunk_words(chunk: str, *, search_mode: bool) -> Iterator[Span]:
    for run in _RUNS.finditer(chunk):
        if run.lastgroup == "cjk":
            words = _jieba_words(run.group(), search_mode=search_mode)
        else:
            words = iter([(run.group(), 0, len(run.group()))])
        for word, start, end in words:
            if _is_indexable(word):
                yield word, run.start() + start, run.start() + end


def _jieba_words(run: str, *, search_mode: bool) -> Iterator[Span]:
    jieba = text_analysis._load_jieba()  # the same dictionary as tokenise_for_search
    return jieba.tokenize(run, mode="search" if search_mode else "default")


def _is_indexable(word: str) -> bool:
    return len(word) <= MAX_TOKEN_CHARS and word not in text_analysis.stop_words()


class ChineseEnglishTokenizer(Tokenizer):
    """Normalises, then emits jieba words for CJK runs and words for Latin runs.

    In query mode CJK runs are cut in jieba's precise mode: the index holds the
    search-mode words (which include every precise-mode word), so a query word
    "停车位" needs the whole word and "停车" finds it too.
    """

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            spans = [(text_analysis.normalise(value), 0, len(value))]
        else:
            spans = word_spans(value, search_mode=(mode != "query"))
        for number, (word, start, end) in enumerate(spans):
            token.text = word
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


def chinese_english_analyzer():
    return ChineseEnglishTokenizer() | StemFilter()


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
