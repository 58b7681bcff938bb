"""The one home of text analysis: the analysis form of a text and its tokens.

Search, clustering, routing and masking all read text through these functions, so
a traditional-character or full-width variant of a sentence is the same sentence
everywhere. The original text is always kept; this module only derives.
"""
from __future__ import annotations

import gc
import logging
import marshal
import multiprocessing
import os
import re
import tempfile
import threading
import unicodedata
import zlib
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

_WHITESPACE = re.compile(r"\s+")
_CONTROL_CATEGORIES = {"Cc", "Cf", "Co", "Cs"}
_KEEP_CONTROLS = {"\n", "\t"}
_TOKEN_CHARS = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)

_jieba_lock = threading.Lock()
_jieba = None


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC's t2s, phrase-aware)."""
    return _converter().convert(text) if text else text


def to_half_width(text: str) -> str:
    """Full-width letters, digits, punctuation and the ideographic space → ASCII.

    NFKC does exactly this for the U+FF01–U+FF5E block and U+3000, and leaves CJK
    ideographs alone.
    """
    return unicodedata.normalize("NFKC", text)


def strip_control_characters(text: str) -> str:
    """Drop NUL and other control/format characters, keeping newlines and tabs."""
    if text.isprintable():  # no control, format, private-use or surrogate character (fast path)
        return text
    return "".join(
        ch for ch in text if ch in _KEEP_CONTROLS or unicodedata.category(ch) not in _CONTROL_CATEGORIES
    )


def fold_whitespace(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def normalise(text: str) -> str:
    """The analysis form: simplified, half-width, lower-case, whitespace folded."""
    if not text:
        return ""
    text = strip_control_characters(text)
    text = to_half_width(text)
    text = to_simplified(text)
    return fold_whitespace(text).lower()


def _load_jieba():
    """Load jieba once per process, with the domain dictionary added."""
    global _jieba
    with _jieba_lock:
        if _jieba is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            for word in domain_words():
                jieba.add_word(word, freq=20000)
            _jieba = jieba
    return _jieba


def word_class(word: str) -> str | None:
    """The part of speech jieba's dictionary gives a word ("m" for 两年, "r" for 怎么), or
    None for a word it does not list (the domain words among them)."""
    return _word_classes().get(word)


@lru_cache(maxsize=1)
def _word_classes() -> dict[str, str]:
    _load_jieba()
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab


@lru_cache(maxsize=8)
def words_of_classes(classes: frozenset[str]) -> frozenset[str]:
    """The words jieba's dictionary gives one of `classes` (`word_class(w) in classes`).

    Kept in a cache file beside jieba's own (the temporary directory), named by the
    classes and the dictionary file's size and time: labelling a clustering run asked for
    the function words only, and importing jieba.posseg for its table of 350,000 words
    took 2-5 s of each run (100,000 texts: a tenth of the clustering)."""
    import jieba

    dictionary = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    cache = None
    try:
        stat = os.stat(dictionary)
        key = zlib.crc32(" ".join(sorted(classes)).encode("utf-8"))
        cache = os.path.join(tempfile.gettempdir(),
                             f"feedback-word-classes-{key:08x}-{stat.st_size}-{int(stat.st_mtime)}.marshal")
        with open(cache, "rb") as handle:
            words = marshal.load(handle)
        if isinstance(words, list):
            return frozenset(words)
    except (OSError, EOFError, ValueError, TypeError):
        pass
    words = sorted(word for word, tag in _word_classes().items() if tag in classes)
    if cache is not None:
        try:
            written = f"{cache}.{os.getpid()}.tmp"
            with open(written, "wb") as handle:
                marshal.dump(words, handle)
            os.replace(written, cache)  # another process never reads a half-written file
        except OSError:  # not writable: no cache, the same answer
            pass
    return frozenset(words)


@lru_cache(maxsize=1)
def domain_words() -> tuple[str, ...]:
    return read_word_list("domain_words.txt")


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    return frozenset(read_word_list("stop_words.txt"))


@lru_cache(maxsize=1)
def general_words() -> frozenset[str]:
    """Words said about any concern (怎么, 时候, 不能, 现在): stopwords-iso's Chinese list,
    words of two characters or more, and the spoken words in general_words.txt.

    Labels leave them out (`clustering._can_label`). The clustering's vectors keep them:
    left out there too, fewer small issues were found (bench/RESULTS-synthesis.md). Single
    characters of that list (区, 大, 点, 年) are not taken: some name things."""
    import stopwordsiso

    written = (word for word in stopwordsiso.stopwords("zh") if len(word) > 1)
    spoken = read_word_list("general_words.txt")
    return frozenset(normalise(word) for word in written) | frozenset(spoken)


def read_word_list(name: str) -> tuple[str, ...]:
    """Words of a list in data/: any number a line, separated by spaces; '#' starts a comment."""
    raw = resources.files("feedback.synthesis").joinpath("data", name).read_text("utf-8")
    return tuple(word for line in raw.splitlines() for word in line.split("#", 1)[0].split())


def _is_content_token(token: str) -> bool:
    return bool(token.strip()) and bool(_TOKEN_CHARS.search(token)) and token not in stop_words()


def tokenise(text: str, *, normalised: bool = False) -> list[str]:
    """Content words of a text (jieba precise mode), stop words and punctuation dropped."""
    analysis = text if normalised else normalise(text)
    return [t for t in _load_jieba().lcut(analysis) if _is_content_token(t)]


# From this many distinct texts on, `tokenise_distinct` cuts half of them in a second
# process (forked: jieba's dictionary is shared, not loaded again) while this one cuts the
# other half. Below, starting the process and passing the tokens back cost more than it saves.
PARALLEL_FROM = 20_000


def tokenise_distinct(analysis_texts: Iterable[str], processes: int | None = None) -> dict[str, list[str]]:
    """{text: `tokenise(text, normalised=True)`} for many analysis texts, each distinct one
    cut once, and whether a word is a content word decided once per distinct word (a
    clustering run's 100,000 texts say 1.2 million words, of some 60,000 kinds). The
    lists may be shared between callers: never change them.

    jieba is pure Python and most of a clustering run's time: from `PARALLEL_FROM` distinct
    texts on, with `processes` above 1, a forked child cuts every other text. The tokens are
    the same either way. By default (`processes` None) that is when a core is idle
    (`_idle_cores`): on a busy machine the kernel gives a session's processes one share
    together (autogroup), and the second process only added its cost (about 1 s of processor
    time at 100,000 texts) without shortening the run."""
    distinct = list(dict.fromkeys(analysis_texts))
    jieba = _load_jieba()
    if processes is None:
        processes = 2 if _idle_cores() >= 1 else 1
    if processes < 2 or len(distinct) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return dict(zip(distinct, _content_words_of(jieba, distinct)))
    theirs, ours = distinct[0::2], distinct[1::2]
    receiving, sending = multiprocessing.get_context("fork").Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(target=_cut_in_child, args=(jieba, theirs, sending),
                                                        daemon=True)
    try:
        child.start()
    except (AssertionError, OSError):  # a daemonic process may not have children; no process left
        receiving.close()
        sending.close()
        return dict(zip(distinct, _content_words_of(jieba, distinct)))
    sending.close()
    our_tokens = _content_words_of(jieba, ours)
    try:
        their_tokens = marshal.loads(receiving.recv_bytes())
    except (EOFError, OSError, ValueError):  # the child died: cut its half here
        their_tokens = _content_words_of(jieba, theirs)
    finally:
        receiving.close()
        child.join()
    return {**dict(zip(theirs, their_tokens)), **dict(zip(ours, our_tokens))}


def _idle_cores() -> float:
    """Cores this process may use less the runnable tasks (1-minute load average)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores - os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0


def _cut_in_child(jieba, texts: list[str], sending) -> None:
    """`_content_words_of` in a forked child, sent back marshalled (a list of lists of
    strings: several times faster to write and read than pickle)."""
    gc.disable()  # the child makes no cycles; a collection would touch (copy) the parent's pages
    sending.send_bytes(marshal.dumps(_content_words_of(jieba, texts)))
    sending.close()


def _content_words_of(jieba, texts: Iterable[str]) -> list[list[str]]:
    """`tokenise(text, normalised=True)` of each text, each word's test made once."""
    content: dict[str, bool] = {}
    found = []
    for text in texts:
        kept = []
        for word in jieba.lcut(text):
            is_content = content.get(word)
            if is_content is None:
                is_content = content[word] = _is_content_token(word)
            if is_content:
                kept.append(word)
        found.append(kept)
    return found


def tokenise_for_search(text: str, *, normalised: bool = False) -> list[str]:
    """Tokens for a search index: jieba's search mode also yields the short words
    inside long compounds, so "停车位" is found by "停车"."""
    analysis = text if normalised else normalise(text)
    return [t for t in _load_jieba().lcut_for_search(analysis) if _is_content_token(t)]
