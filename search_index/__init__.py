"""Full-text search over disclosure items, opinions, answers and decisions.

A pure library (Whoosh + the text analysis of `feedback.synthesis.text`); the app
calls it from its search worker (writes) and its views (queries). Pass the index
directory (or an Index from `open_or_create`) to every function.
"""
from search_index.errors import IndexLocked, SearchIndexError, SearchUnavailable
from search_index.schema import KINDS, InvalidDocument, build_schema, doc_key
from search_index.searching import SearchResult, query, warm
from search_index.storage import is_healthy, open_or_create
from search_index.writing import delete, rebuild, upsert, usable_cores

__all__ = [
    "KINDS",
    "IndexLocked",
    "InvalidDocument",
    "SearchIndexError",
    "SearchResult",
    "SearchUnavailable",
    "build_schema",
    "delete",
    "doc_key",
    "is_healthy",
    "open_or_create",
    "query",
    "rebuild",
    "upsert",
    "usable_cores",
    "warm",
]
