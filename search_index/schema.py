"""What a search document is: the Whoosh schema and the dict the app hands in.

A document dict (keys other than these are ignored):

    kind            "item" | "opinion" | "answer" | "decision"      (required)
    obj_id          int, the row id                                  (required)
    visibility      list of audiences allowed to see it, e.g.
                    ["public"], ["staff", "dept:3"]                  (required, non-empty)
    title, body     str (may be empty)
    doc_key         str, defaults to f"{kind}:{obj_id}"
    heading_id, organisation_id, department_id    int or None
    heading_path    "A01/A0102" or ["A01", "A0102"]: indexed with its ancestors,
                    so filtering on "A01" finds everything under it
    status, scope   str or None
    created, updated  datetime (aware ones are converted to UTC); updated
                    defaults to created
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime, timezone

from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.formats import Frequency
from whoosh.system import pack_uint

from search_index.analysis import chinese_english_analyzer

KINDS = ("item", "opinion", "answer", "decision")
NUMERIC_ID_FIELDS = ("heading_id", "organisation_id", "department_id")
LABEL_FIELDS = ("status", "scope")


def build_schema() -> Schema:
    analyzer = chinese_english_analyzer()
    return Schema(
        doc_key=ID(unique=True, stored=True),
        kind=ID(stored=True, sortable=True),
        obj_id=NUMERIC(int, bits=64, stored=True, shift_step=0),  # never range-queried
        title=_frequencies_only(AnalysedText(analyzer=analyzer, stored=True, phrase=False)),
        body=_frequencies_only(AnalysedText(analyzer=analyzer, stored=True, phrase=False)),
        heading_path=KEYWORD(commas=True, stored=True),
        heading_id=ID(stored=True, sortable=True),
        organisation_id=ID(stored=True, sortable=True),
        department_id=ID(stored=True, sortable=True),
        status=ID(stored=True, sortable=True),
        scope=ID(stored=True),
        visibility=KEYWORD(commas=True, stored=True),
        created=DATETIME(stored=True, sortable=True),
        updated=_untiered(DATETIME(stored=True, sortable=True)),
    )


def _untiered(field):
    """One term per value instead of eight: for a date that is sorted on, never
    range-queried (fewer terms make indexing faster)."""
    field.shift_step = 0
    return field


def _frequencies_only(field):
    """No positions or character offsets: queries are AND-ed words, never
    phrases, and highlights re-analyse the stored text of the shown hits."""
    field.format = AnalysedFrequency(field_boost=field.format.field_boost)
    return field


class AnalysedText(TEXT):
    """TEXT that encodes its format's (term, freq, weight, value) list in one pass
    instead of through a generator per term (indexing is the rebuild's largest cost)."""

    def index(self, value, **kwargs):
        if not isinstance(value, str):
            return super().index(value, **kwargs)
        return [(term.encode("utf-8"), freq, weight, packed)
                for term, freq, weight, packed in self.format.word_values(value, self.analyzer, mode="index")]


class AnalysedFrequency(Frequency):
    """Whoosh's Frequency format, fed by the analyser's `terms()` (plain strings)
    instead of a stream of Token objects when the analyser has one."""

    def word_values(self, value, analyzer, **kwargs):
        terms = getattr(analyzer, "terms", None)
        if terms is None or not isinstance(value, str):
            return super().word_values(value, analyzer, **kwargs)
        counts = Counter(terms(value))
        boost = self.field_boost
        return [(term, freq, freq * boost, _packed(freq)) for term, freq in counts.items()]


_PACKED = [pack_uint(n) for n in range(64)]


def _packed(n: int) -> bytes:
    return _PACKED[n] if n < 64 else pack_uint(n)


class InvalidDocument(ValueError):
    """A document dict the index cannot take; the message names the field."""


def document_fields(doc: Mapping) -> dict:
    """The Whoosh field values of one document dict."""
    kind = _required_kind(doc)
    obj_id = _required_int(doc, "obj_id")
    fields = {
        "doc_key": str(doc.get("doc_key") or doc_key(kind, obj_id)),
        "kind": kind,
        "obj_id": obj_id,
        "title": _text(doc.get("title")),
        "body": _text(doc.get("body")),
        "visibility": ",".join(_required_audiences(doc)),
    }
    fields.update(_optional_fields(doc))
    return fields


def doc_key(kind: str, obj_id: int) -> str:
    return f"{kind}:{obj_id}"


def _optional_fields(doc: Mapping) -> dict:
    fields = {}
    for name in NUMERIC_ID_FIELDS:
        if doc.get(name) is not None:
            fields[name] = str(_required_int(doc, name))
    for name in LABEL_FIELDS:
        if doc.get(name):
            fields[name] = str(doc[name])
    if doc.get("heading_path"):
        fields["heading_path"] = ",".join(heading_path_prefixes(doc["heading_path"]))
    created = as_naive_utc(doc.get("created"))
    updated = as_naive_utc(doc.get("updated")) or created
    if created is not None:
        fields["created"] = created
    if updated is not None:
        fields["updated"] = updated
    return fields


def heading_path_prefixes(path) -> list[str]:
    """"A01/A0102" (or ["A01", "A0102"]) → ["A01", "A01/A0102"]."""
    parts = path.split("/") if isinstance(path, str) else [str(p) for p in path]
    parts = [p.strip().replace(",", "") for p in parts if p and p.strip()]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def as_naive_utc(value) -> datetime | None:
    """Whoosh stores naive datetimes: aware ones become UTC, dates become midnight."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raise InvalidDocument(f"expected a datetime, got {value!r}")


def _required_kind(doc: Mapping) -> str:
    kind = doc.get("kind")
    if kind not in KINDS:
        raise InvalidDocument(f"kind: must be one of {', '.join(KINDS)}, got {kind!r}")
    return kind


def _required_int(doc: Mapping, name: str) -> int:
    try:
        return int(doc[name])
    except (KeyError, TypeError, ValueError):
        raise InvalidDocument(f"{name}: must be an integer, got {doc.get(name)!r}") from None


def _required_audiences(doc: Mapping) -> list[str]:
    raw = doc.get("visibility")
    audiences = [raw] if isinstance(raw, str) else list(raw or ())
    audiences = [str(a).strip() for a in audiences if str(a).strip()]
    if not audiences or any("," in a for a in audiences):
        raise InvalidDocument(f"visibility: a non-empty list of audiences without commas, got {raw!r}")
    return audiences


def _text(value) -> str:
    return "" if value is None else str(value)
