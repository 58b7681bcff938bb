"""Find and mask personal data in free text: mobile and landline numbers, ID card
numbers, e-mail addresses, bank card numbers, and people's names where the text says
that a name stands there (联系人：王丽, ——汤桂芳, a signature at the very end).

Matching runs on a *folded* copy of the text that has exactly the original's length
(full-width characters folded one by one to half-width), so every position found
refers to the original text, and the masked output keeps the original's characters
except the masked ones.

Numbers are read as *groups* of digits (a digit run not glued to Latin letters or
other digits) chained by one separator (space, hyphen, a closing parenthesis).
Each group is first classified on its own, then the leftover neighbouring groups
are tried together, longest span first; groups of one or two digits never join a
span (dates such as 2026-03-15 do not turn into numbers that way).

Numbers written in Chinese numerals (一三九一二三四五六八三, 幺三九 …) are read as digits
when at least seven of them (or of them and digits) stand together, with single spaces
or hyphens between, and are then masked like digits, in their own characters.

A department's answer is read with `keep_landlines=True`: a fixed-line number there is
the office's own telephone, given so that residents can call it, and stays readable;
mobile numbers, ID and bank card numbers in an answer are masked as anywhere.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .text import read_word_list, to_half_width, to_simplified, word_class

MOBILE = "mobile"
LANDLINE = "landline"
ID_CARD = "id_card"
EMAIL = "email"
BANK_CARD = "bank_card"
NAME = "name"

MASK = "*"

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9][A-Za-z0-9._%+-]*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
)
# A digit run (an ID may end in X) not glued to letters, digits, or a decimal point.
_GROUP = re.compile(r"(?<![0-9A-Za-z])(?<![0-9]\.)[0-9]+[xX]?(?![0-9A-Za-z])")
_JOINER = re.compile(r"[ \-]|[ ]?-[ ]?|\)[ \-]?")
_MOBILE = re.compile(r"(0086|86)?(1[3-9][0-9]{9})")
# Chinese numerals for single digits (lower case, financial upper case, spoken 幺 and 两).
_CHINESE_DIGITS = {numeral: str(digit)
                   for digit, numerals in enumerate(("零〇○", "一幺壹", "二两贰", "三叁", "四肆", "五伍",
                                                      "六陆", "七柒", "八捌", "九玖"))
                   for numeral in numerals}
_NUMERAL = "0-9" + "".join(_CHINESE_DIGITS)
_NUMERAL_RUN = re.compile(f"[{_NUMERAL}](?:[ \\-]?[{_NUMERAL}])*")
_MIN_NUMERALS_IN_A_NUMBER = 7  # the shortest local telephone number
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class PersonalDataMatch:
    kind: str
    start: int  # in the original text
    end: int
    original: str


@dataclass(frozen=True)
class _Found:
    match: PersonalDataMatch
    replacement: str


@dataclass(frozen=True)
class _Group:
    start: int
    end: int
    chars: str  # folded: ASCII digits, maybe a final X


def find_personal_data(text: str) -> list[PersonalDataMatch]:
    """Personal data in `text`, in order of position."""
    return [found.match for found in _find(text)]


def mask_personal_data(text: str, *, keep_landlines: bool = False) -> str:
    """`text` with every piece of personal data masked, e.g. 13800138000 → 138****8000.
    `keep_landlines` for a department's answer: its office telephone stays readable."""
    if not text:
        return text or ""
    pieces, position = [], 0
    for found in _find(text):
        if keep_landlines and found.match.kind == LANDLINE:
            continue
        pieces += [text[position:found.match.start], found.replacement]
        position = found.match.end
    pieces.append(text[position:])
    return "".join(pieces)


def _find(text: str) -> list[_Found]:
    if not text:
        return []
    folded = fold_characters(text)
    emails = _find_emails(text, folded)
    folded = read_chinese_numerals(folded)  # after e-mails: those are Latin anyway
    taken = [(f.match.start, f.match.end) for f in emails]
    numbers = _find_numbers(text, folded, taken)
    return sorted(emails + numbers + _find_names(text, folded), key=lambda f: f.match.start)


def fold_characters(text: str) -> str:
    """Full-width → half-width one character at a time, so the length never changes."""
    out = []
    for ch in text:
        folded = to_half_width(ch) if ord(ch) > 127 else ch
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


def read_chinese_numerals(folded: str) -> str:
    """Runs of seven or more numerals (Chinese or mixed with digits, single spaces or
    hyphens between) with their Chinese numerals turned into digits, one for one."""
    def as_digits(run: re.Match) -> str:
        chars = run.group()
        numerals = sum(ch not in " -" for ch in chars)
        if numerals < _MIN_NUMERALS_IN_A_NUMBER or not any(ch in _CHINESE_DIGITS for ch in chars):
            return chars
        return "".join(_CHINESE_DIGITS.get(ch, ch) for ch in chars)

    return _NUMERAL_RUN.sub(as_digits, folded)


# --- e-mail -----------------------------------------------------------------------

def _find_emails(text: str, folded: str) -> list[_Found]:
    found = []
    for m in _EMAIL.finditer(folded):
        local_start, local_end = m.span(1)
        replacement = text[local_start] + MASK * 3 + text[local_end:m.end()]
        match = PersonalDataMatch(EMAIL, m.start(), m.end(), text[m.start():m.end()])
        found.append(_Found(match, replacement))
    return found


# --- names ------------------------------------------------------------------------

# Where a text says a name stands: after a label (联系人：, 业主：), after 我叫 or 本人, after
# a dash (——汤桂芳), or alone at the very end after the last sentence (…重新选址！周卫东（54号楼）).
_NAME_LABELS = "联系人|姓名|业主|反映人|来信人|留言人|投诉人|举报人|署名|落款|签名|居民|市民"
_AFTER_NAME = r"(?=$|[\s,.!?;:()，。！？；：（）、—\-]|[0-9])"
_SENTENCE_END = "。！!？?；;，,\n "


@lru_cache(maxsize=1)
def _name_patterns() -> tuple[re.Pattern, re.Pattern]:
    """(a name after a label, a dash, 我叫 or 本人; a name alone at the very end).

    A name there is a common surname and one or two more characters. Alone at the end,
    where nothing says it is a name, it must be three characters with one of the hundred
    most common surnames, or be followed by a note in brackets (（54号楼）)."""
    surnames = read_word_list("surnames.txt")
    single = "".join(s for s in surnames if len(s) == 1)
    double = "|".join(s for s in surnames if len(s) == 2)
    any_name = f"(?:{double}|[{single}])[\u4e00-\u9fff]{{1,2}}"
    led = re.compile(f"(?:(?:{_NAME_LABELS})\\s*[:：]|我叫|本人|[—–]{{1,2}})\\s*"
                     f"(?P<name>{any_name}){_AFTER_NAME}")
    common = single[:100]  # the list runs from the most frequent
    note = "[（(][^（()）]{1,15}[）)]"  # （54号楼）
    three_characters = f"[{common}][\u4e00-\u9fff]{{2}}"
    before_a_note = f"{any_name}(?=\\s*{note})"
    alone = re.compile(f"(?:^|(?<=[{_SENTENCE_END}]))(?P<name>{three_characters}|{before_a_note})"
                       f"\\s*(?:{note})?\\s*[。！!.]*\\s*$")
    return led, alone


def _find_names(text: str, folded: str) -> list[_Found]:
    simple = to_simplified(folded)
    if len(simple) != len(folded):  # the conversion changed the length: read the folded text
        simple = folded
    led, alone = _name_patterns()
    found, taken = [], []
    for pattern in (led, alone):
        for m in pattern.finditer(simple):
            start, end = m.span("name")
            is_a_name = _is_a_name(simple[start:end], led=pattern is led)
            if is_a_name and not _overlaps(start, end, taken):
                found.append(_masked_name(text, start, end))
                taken.append((start, end))
    return found


_TITLES = frozenset("先生 女士 小姐 阿姨 师傅 老师 大爷 大妈 阿婆 老伯 同志 书记 主任 经理".split())


# Characters a given name does not end in, but a sentence does: 谢谢了, 谢谢您, 本人曾于2014年.
_NOT_A_NAME_END = frozenset("了啦您你们吗呢吧啊哦的是在于也已就都从向到对把被给")


def _is_a_name(candidate: str, *, led: bool) -> bool:
    """Not a word of the dictionary (谢谢, 周末, 黄浦区), unless the dictionary calls it a
    name, and not a surname with a title (陈女士, 王师傅), which names no one in particular.
    Nor words that end in a particle (谢谢了, 曾于), nor, where nothing says a name stands
    (`led` False), three characters that start with a dictionary word (谢谢您)."""
    if candidate[1:] in _TITLES or candidate[-1] in _NOT_A_NAME_END:
        return False
    head = word_class(candidate[:2])
    if not led and len(candidate) == 3 and head is not None and not head.startswith("nr"):
        return False
    kind = word_class(candidate)
    return kind is None or kind.startswith("nr")


def _masked_name(text: str, start: int, end: int) -> _Found:
    """The surname stays, the given name is masked: 汤桂芳 → 汤**, 欧阳娜娜 → 欧阳**."""
    surname = 2 if end - start == 4 else 1
    replacement = text[start:start + surname] + MASK * (end - start - surname)
    return _Found(PersonalDataMatch(NAME, start, end, text[start:end]), replacement)


# --- numbers ----------------------------------------------------------------------

def _find_numbers(text: str, folded: str, taken: list[tuple[int, int]]) -> list[_Found]:
    groups = [
        _Group(m.start(), m.end(), m.group())
        for m in _GROUP.finditer(folded)
        if not _overlaps(m.start(), m.end(), taken)
    ]
    found = []
    for chain in _chains(groups, folded):
        found += _classify_chain(text, folded, chain)
    return found


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end in spans)


def _chains(groups: list[_Group], folded: str) -> list[list[_Group]]:
    """Split groups into runs where neighbours are joined by one separator."""
    chains: list[list[_Group]] = []
    for group in groups:
        if chains and _JOINER.fullmatch(folded[chains[-1][-1].end:group.start]):
            chains[-1].append(group)
        else:
            chains.append([group])
    return chains


def _classify_chain(text: str, folded: str, chain: list[_Group]) -> list[_Found]:
    """Single groups first (the most reliable reading), then joined spans of the rest."""
    single = {i: _classify_span(text, folded, [g]) for i, g in enumerate(chain)}
    found = [f for f in single.values() if f]
    i = 0
    while i < len(chain):
        if single[i]:
            i += 1
            continue
        end = i + 1
        while end < len(chain) and not single[end]:
            end += 1
        found += _classify_joined(text, folded, chain[i:end])
        i = end
    return found


def _classify_joined(text: str, folded: str, run: list[_Group]) -> list[_Found]:
    found, i = [], 0
    while i < len(run):
        for j in range(len(run), i + 1, -1):  # longest span of two or more groups first
            span = run[i:j]
            if _joinable(span) and (hit := _classify_span(text, folded, span)):
                found.append(hit)
                i = j
                break
        else:
            i += 1
    return found


def _joinable(span: list[_Group]) -> bool:
    """Groups of one or two digits (days, months) join nothing, except a leading 86
    and the short tail of a card written in fours (6222 0212 3456 7890 12)."""
    first, inner, last = span[0], span[1:-1], span[-1]
    first_ok = len(first.chars) >= 3 or first.chars == "86"
    inner_ok = all(len(g.chars) >= 3 for g in inner)
    in_fours = len(span) >= 5 and all(len(g.chars) == 4 for g in span[:-1])
    return first_ok and inner_ok and (len(last.chars) >= 3 or in_fours)


def _classify_span(text: str, folded: str, span: list[_Group]) -> _Found | None:
    positions = [p for g in span for p in range(g.start, g.end)]
    chars = "".join(g.chars for g in span)
    reading = _read_number(chars)
    if reading is None:
        return None
    kind, keep = reading
    start, end = _extend_with_prefix(folded, span[0].start, kind), span[-1].end
    return _Found(
        PersonalDataMatch(kind, start, end, text[start:end]),
        _masked(text, start, end, positions, keep),
    )


def _extend_with_prefix(folded: str, start: int, kind: str) -> int:
    """Take a '+' before a country code and '(' before an area code into the match."""
    if start > 0 and folded[start - 1] == "+" and kind == MOBILE:
        return start - 1
    if start > 0 and folded[start - 1] == "(" and kind == LANDLINE:
        return start - 1
    return start


def _masked(text: str, start: int, end: int, positions: list[int], keep: list[bool]) -> str:
    chars = list(text[start:end])
    for position, kept in zip(positions, keep):
        if not kept:
            chars[position - start] = MASK
    return "".join(chars)


def _read_number(chars: str) -> tuple[str, list[bool]] | None:
    """What a digit string is, and which of its characters stay visible."""
    for reader in (_read_mobile, _read_id_card, _read_bank_card, _read_landline):
        reading = reader(chars)
        if reading is not None:
            return reading
    return None


def _keep_ends(length: int, head: int, tail: int) -> list[bool]:
    return [i < head or i >= length - tail for i in range(length)]


def _read_mobile(chars: str):
    m = _MOBILE.fullmatch(chars)
    if not m:
        return None
    prefix = len(m.group(1) or "")
    return MOBILE, [True] * prefix + _keep_ends(11, 3, 4)


def _read_id_card(chars: str):
    if len(chars) != 18 or not chars[:17].isdigit():
        return None
    if not (id_check_digit_valid(chars) and _plausible_birth_date(chars[6:14])):
        return None
    return ID_CARD, _keep_ends(18, 3, 4)


def id_check_digit_valid(number: str) -> bool:
    """ISO 7064 MOD 11-2 check of an 18-character resident ID number."""
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper()


def _plausible_birth_date(digits: str) -> bool:
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return False
    return 1900 <= born.year <= date.today().year


def _read_bank_card(chars: str):
    if not (16 <= len(chars) <= 19 and chars.isdigit() and chars[0] != "0"):
        return None
    if not luhn_valid(chars):
        return None
    return BANK_CARD, _keep_ends(len(chars), 4, 4)


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _read_landline(chars: str):
    """0 + area code (010, 02x: 3 digits then 8; others: 4 digits then 7–8)."""
    if not chars.isdigit() or len(chars) < 2 or not chars.startswith("0"):
        return None
    area = 3 if chars[1] in "12" else 4
    local = chars[area:]
    valid_length = len(local) == 8 if area == 3 else len(local) in (7, 8)
    if not valid_length or local[0] in "01":
        return None
    return LANDLINE, [True] * area + _keep_ends(len(local), 0, 4)
