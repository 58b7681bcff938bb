#!/usr/bin/env bash
# Refresh the translations: extract the source strings into messages.pot, merge them
# into the zh catalogue (creating it if missing), and compile the .mo files.
# Run from the repository root:  bash feedback/translations/update.sh
# Override the pybabel binary with PYBABEL=/path/to/pybabel.
set -euo pipefail

PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
DIR=feedback/translations
POT="$DIR/messages.pot"
LOCALES=(zh)

if [[ ! -f feedback/babel.cfg ]]; then
    echo "update.sh: run me from the repository root" >&2
    exit 2
fi

"$PYBABEL" extract -F feedback/babel.cfg -k _l -k lazy_gettext -k _noop \
    --no-location --sort-output -o "$POT" .

for locale in "${LOCALES[@]}"; do
    if [[ -f "$DIR/$locale/LC_MESSAGES/messages.po" ]]; then
        "$PYBABEL" update -i "$POT" -d "$DIR" -l "$locale" --no-fuzzy-matching
    else
        "$PYBABEL" init -i "$POT" -d "$DIR" -l "$locale"
    fi
done

"$PYBABEL" compile -d "$DIR" --statistics

# Report what still needs a translator (untranslated or fuzzy entries).
for locale in "${LOCALES[@]}"; do
    po="$DIR/$locale/LC_MESSAGES/messages.po"
    "${PYTHON:-.venv/bin/python}" - "$po" <<'PY'
import sys
from babel.messages.pofile import read_po

path = sys.argv[1]
with open(path, "rb") as handle:
    catalog = read_po(handle)
todo = []
for message in catalog:
    if not message.id:
        continue
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    if message.fuzzy or not all(strings):
        todo.append(message.id if isinstance(message.id, str) else message.id[0])
if todo:
    print(f"{path}: {len(todo)} message(s) to translate:")
    for msgid in todo:
        print(f"  - {msgid!r}")
else:
    print(f"{path}: complete")
PY
done
