"""What masking finds in real citizen messages and in the departments' replies.

    .venv/bin/python bench/real_masking.py [../shared/realdata/board_messages.csv]

Counts by kind, for the messages (as the public sees them) and for the replies (read as
answers: landlines kept), and the *shapes* of what was masked (digits as 9, Chinese
numerals as 〇, letters as a) so that false hits can be spotted without printing the
messages. `--show N` prints N masked spans with 12 characters around each, for reading
on this machine only (never copy them into the repository). Exits 0 without the data.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT = ROOT.parent / "shared" / "realdata" / "board_messages.csv"


def shape(span: str) -> str:
    from feedback.synthesis.masking import _CHINESE_DIGITS

    span = "".join("〇" if ch in _CHINESE_DIGITS else ch for ch in span)
    return re.sub(r"[A-Za-z]", "a", re.sub(r"[0-9０-９]", "9", span))


def measure(texts: list[str], *, answers: bool, show: int) -> None:
    from feedback.synthesis.masking import LANDLINE, NAME, find_personal_data

    kinds, shapes, shown = Counter(), Counter(), 0
    with_any = 0
    for text in texts:
        found = [m for m in find_personal_data(text) if not (answers and m.kind == LANDLINE)]
        with_any += bool(found)
        for match in found:
            kinds[match.kind] += 1
            if match.kind != NAME:
                shapes[(match.kind, shape(match.original))] += 1
            if shown < show:
                shown += 1
                print("   ", repr(text[max(0, match.start - 12):match.end + 12]), match.kind)
    print(f"  {len(texts)} texts, {with_any} with something masked; "
          f"by kind: {dict(kinds.most_common())}")
    for (kind, form), count in shapes.most_common(12):
        print(f"    {kind:10s} {form:24s} {count}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("csv", nargs="?", default=str(DEFAULT))
    parser.add_argument("--show", type=int, default=0)
    args = parser.parse_args()
    if not Path(args.csv).exists():
        print(f"{args.csv} is not here (real data lives in ../shared/realdata/); nothing measured.")
        return
    with open(args.csv, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    print("messages (text):")
    measure([r["text"] for r in rows], answers=False, show=args.show)
    print("replies, read as answers (landlines kept):")
    measure([r["reply"] for r in rows if r.get("reply")], answers=True, show=args.show)


if __name__ == "__main__":
    main()
