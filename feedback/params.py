"""Reading what a request sends: ids the database can hold, numbers that are numbers,
text without NUL or invalid UTF-8, JSON of bounded depth. Bad input is a clear 400/404
in the reader's language, never a 500 from deep inside the database driver."""
from __future__ import annotations

import json
from urllib.parse import unquote_to_bytes

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from .services.errors import ServiceError

MAX_ID = 2**31 - 1  # PostgreSQL's integer: ids beyond it name nothing
MAX_JSON_DEPTH = 32
FORM_TYPES = ("application/x-www-form-urlencoded",)
MULTIPART = "multipart/form-data"
REPLACEMENT_CHARACTER = "\ufffd"


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` in every route: a number beyond MAX_ID does not match (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def int_arg(name: str, *, default: int | None = None, low: int = 0, high: int = MAX_ID):
    """A whole number from the query string; absent or empty gives `default`."""
    return whole_number(request.args.get(name, ""), name, default=default, low=low, high=high)


def whole_number(raw: str, name: str, *, default: int | None = None, low: int = 0,
                 high: int = MAX_ID):
    """`raw` as a whole number within [low, high]; empty gives `default`; else a 400."""
    raw = raw.strip()
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise ServiceError(_("“%(name)s” must be a whole number from %(low)d to %(high)d.",
                             name=name, low=low, high=high), field=name)
    return int(raw)


def json_depth_exceeds(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when arrays and objects nest deeper than `limit` (brackets in strings ignored)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


class BoundedJSONProvider(DefaultJSONProvider):
    """Request bodies nested deeper than MAX_JSON_DEPTH are bad JSON (400), not a crash."""

    def loads(self, s, **kwargs):
        text = s.decode("utf-8") if isinstance(s, (bytes, bytearray)) else s
        if json_depth_exceeds(text):
            raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH}")
        try:
            return json.loads(text, **kwargs)
        except RecursionError as error:
            raise ValueError("JSON nested too deep") from error


def _has_control_characters(value: str) -> bool:
    return any(ord(c) < 0x20 or c == "\x7f" for c in value)


def _valid_utf8(raw: bytes) -> bool:
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def refuse_unreadable_input():
    """Before every request: the query string must be UTF-8 without control characters,
    and a web form UTF-8 (the services strip control characters from form text)."""
    if not _valid_utf8(request.query_string) or any(
            _has_control_characters(v) for _name, values in request.args.lists() for v in values):
        raise ServiceError(_("The address contains characters that are not allowed."))
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    if request.mimetype in FORM_TYPES and not _valid_utf8(request.get_data(cache=True)):
        raise _unreadable_form()


def refuse_undecodable_multipart():
    """Before a multipart form is used (registered after the per-view size limits, since
    reading the form parses it): its text fields must have been UTF-8."""
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype == MULTIPART \
            and _has_undecodable_field(request.form):
        raise _unreadable_form()


def _has_undecodable_field(form) -> bool:
    """Werkzeug decodes multipart text fields with errors="replace", so bytes that were
    not UTF-8 arrive as U+FFFD: refuse them rather than store mangled text."""
    return any(REPLACEMENT_CHARACTER in value for _name, values in form.lists() for value in values)


def _unreadable_form() -> ServiceError:
    return ServiceError(_("The form contains characters that are not allowed "
                          "(it must be sent as UTF-8 text)."))


def init_app(app: Flask) -> None:
    """Call before blueprints are registered: the converter applies to rules as they are added."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.json = BoundedJSONProvider(app)
    app.before_request(refuse_unreadable_input)
