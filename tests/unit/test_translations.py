"""The Chinese catalogue is complete, consistent and compiled.

A developer who adds a UI string and does not translate it gets a failure here that
names the string. To fix it, run `bash feedback/translations/update.sh` from the
repository root, fill the new msgstr entries in
feedback/translations/zh/LC_MESSAGES/messages.po, and run update.sh again (it
compiles the .mo).

Plain pytest: no fixtures from conftest.py, only `tmp_path`.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "feedback" / "translations"
PO = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.mo"
HOW_TO_FIX = (
    "run `bash feedback/translations/update.sh`, translate the entries in "
    f"{PO.relative_to(ROOT)}, then run update.sh again to compile"
)

# printf-style named placeholders: %(name)s, %(n)d, %(x)05.2f ...
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*(?:\d+|\*)?(?:\.\d+)?([diouxXeEfFgGcrsa])")


def _catalog():
    with PO.open("rb") as handle:
        return read_po(handle, locale="zh")


def _strings(value) -> list[str]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _name(message) -> str:
    return repr(message.id if isinstance(message.id, str) else message.id[0])


def _placeholders(text: str) -> set[tuple[str, str]]:
    # %s and %d take the same argument and are both fine for a number in Python.
    return {(name, "s" if kind in "sd" else kind) for name, kind in PLACEHOLDER.findall(text or "")}


def test_every_message_is_translated_and_not_fuzzy():
    catalog = _catalog()
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = _strings(message.string)
        if message.fuzzy:
            problems.append(f"{_name(message)} is marked fuzzy")
        if not all(s and s.strip() for s in strings):
            problems.append(f"{_name(message)} has no translation")
        if message.pluralizable and len(strings) != catalog.num_plurals:
            problems.append(f"{_name(message)} has {len(strings)} plural forms, zh has "
                            f"{catalog.num_plurals}")
    if problems:
        pytest.fail(f"{len(problems)} problem(s) in the zh catalogue ({HOW_TO_FIX}):\n"
                    + "\n".join(problems), pytrace=False)


def test_header_declares_one_plural_form():
    catalog = _catalog()
    assert catalog.num_plurals == 1
    assert catalog.plural_expr.strip() == "0"


def test_placeholders_match():
    problems = []
    for message in _catalog():
        if not message.id:
            continue
        ids = _strings(message.id)
        # With one plural form the zh string serves every count, so it must carry the
        # placeholders of the plural msgid (which includes the count).
        expected = _placeholders(ids[-1]) | (_placeholders(ids[0]) if len(ids) == 1 else set())
        for translated in _strings(message.string):
            if not translated:
                continue  # reported by the completeness test
            found = _placeholders(translated)
            if found != expected:
                problems.append(f"{_name(message)}: msgid has {sorted(n for n, _ in expected)}, "
                                f"msgstr {translated!r} has {sorted(n for n, _ in found)}")
                continue
            # The translation must also format without error (no stray "%").
            values = {name: 1 for name, _ in expected}
            try:
                translated % values if values else translated
            except (TypeError, ValueError, KeyError) as error:
                problems.append(f"{_name(message)}: msgstr {translated!r} does not format: {error}")
    if problems:
        pytest.fail("placeholder mismatches:\n" + "\n".join(problems), pytrace=False)


def test_babel_catalog_checks_pass():
    problems = [f"{_name(message)}: {error}"
                for message, errors in _catalog().check() for error in errors]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def _as_dict(catalog) -> dict:
    return {(message.context, message.id if isinstance(message.id, str) else tuple(message.id)):
            tuple(_strings(message.string))
            for message in catalog if message.id}


def test_compiled_mo_matches_the_po():
    assert MO.exists(), f"{MO.relative_to(ROOT)} is missing: {HOW_TO_FIX}"
    fresh = io.BytesIO()
    write_mo(fresh, _catalog(), use_fuzzy=False)
    fresh.seek(0)
    expected = _as_dict(read_mo(fresh))
    with MO.open("rb") as handle:
        committed = _as_dict(read_mo(handle))
    stale = sorted(str(key[1]) for key in expected.keys() | committed.keys()
                   if expected.get(key) != committed.get(key))
    if stale:
        pytest.fail(f"{MO.relative_to(ROOT)} is stale ({HOW_TO_FIX}); differing messages:\n"
                    + "\n".join(stale), pytrace=False)


def test_every_source_string_is_in_the_po(tmp_path, monkeypatch):
    # The same extraction as update.sh, run in-process from the repository root.
    monkeypatch.chdir(ROOT)
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run([
        "pybabel", "--quiet", "extract", "-F", "feedback/babel.cfg", "-k", "_l", "-k", "lazy_gettext",
        "--no-location", "--sort-output", "-o", str(pot), ".",
    ])
    with pot.open("rb") as handle:
        extracted = read_po(handle)
    in_po = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in _catalog() if m.id}
    missing = sorted(m.id if isinstance(m.id, str) else m.id[0] for m in extracted
                     if m.id and (m.context, m.id if isinstance(m.id, str) else m.id[0]) not in in_po)
    assert len(extracted) > 100, "extraction found suspiciously few strings; check feedback/babel.cfg"
    if missing:
        pytest.fail(f"{len(missing)} source string(s) missing from the zh catalogue ({HOW_TO_FIX}):\n"
                    + "\n".join(repr(s) for s in missing), pytrace=False)
