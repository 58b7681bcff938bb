"""The router against the plain TF-IDF + LinearSVC baseline, on the same folds.

    .venv/bin/python bench/router_eval.py                 # the demo district's labelled opinions
    .venv/bin/python bench/router_eval.py FILE.csv --text-column C --department-column C

Without a file it writes the demo district's ~600 labelled opinions to a CSV and runs
`flask --app feedback router evaluate` on it, so real data goes through the same path.
The demo texts are generated from templates: their scores say the pipeline works, not
how it does on real citizen messages (see README "Routing").
"""
from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def demo_csv(path: Path) -> None:
    from feedback.demo_data import build_demo_data

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "department"])
        for spec in build_demo_data().opinions:
            writer.writerow([spec.text_zh, spec.department_key])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("csv", nargs="?")
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--department-column", default="department")
    parser.add_argument("--folds", default="5")
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="bench-router-"))
    path = Path(args.csv) if args.csv else instance / "demo.csv"
    if not args.csv:
        demo_csv(path)
    env = {**os.environ, "FEEDBACK_INSTANCE_DIR": str(instance), "FEEDBACK_JOB_MODE": "inline"}
    subprocess.run([sys.executable, "-m", "flask", "--app", "feedback", "router", "evaluate", str(path),
                    "--text-column", args.text_column, "--department-column", args.department_column,
                    "--folds", args.folds], env=env, cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
