"""A consultation spike, measured as users meet it (issue 22): one command for both halves.

    .venv/bin/python bench/load.py              # intake, then pages
    .venv/bin/python bench/load.py intake ...   # only bench/load_intake.py, its own options
    .venv/bin/python bench/load.py pages ...    # only bench/load_pages.py, its own options

- `intake` (bench/load_intake.py): the served product against a bare Flask +
  Flask-SQLAlchemy baseline in the same run, SQLite and PostgreSQL, 8 and 32 clients;
  opinions/s, p50/p95/p99, errors, drain time, commit → routed.
- `pages` (bench/load_pages.py): every page's median server time and SQL statements at
  demo size and with 100,000 more opinions, and `flask synthesis recluster` at that size.

Each half prints its own table and the machine's load average; results are kept in
bench/RESULTS-load.md and bench/RESULTS-pages.md.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PARTS = {"intake": BENCH / "load_intake.py", "pages": BENCH / "load_pages.py"}


def run_part(name: str, args: list[str]) -> int:
    print(f"== {name} (load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})", flush=True)
    return subprocess.call([sys.executable, str(PARTS[name]), *args])


def main(argv: list[str]) -> int:
    if argv and argv[0] in PARTS:
        return run_part(argv[0], argv[1:])
    if argv:
        print(__doc__)
        return 2
    return max(run_part(name, []) for name in PARTS)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
