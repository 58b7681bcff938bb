"""What can go wrong, in terms the app can show or act on."""


class SearchIndexError(Exception):
    """Base of the errors of this package."""


class SearchUnavailable(SearchIndexError):
    """The index is missing or damaged: show "search is unavailable", run `reindex`."""


class IndexLocked(SearchIndexError):
    """Another writer (the search worker or a rebuild) holds the index: retry later."""
