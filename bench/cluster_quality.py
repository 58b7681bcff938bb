"""Clustering quality on the demo district: for every hot issue of the demo data, the
share of its opinions in its main cluster (recall) and how much of that cluster is
about the issue (purity). The issue's target is at least 0.8 for both.

    .venv/bin/python bench/cluster_quality.py

The demo opinions are written for this project with varied wording (who speaks, what
they say, their situation, what they ask), traditional characters and full-width forms
mixed in, and one form-letter campaign; `hot_issue` on each opinion is the truth.
"""
from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feedback.demo_data import build_demo_data  # noqa: E402
from feedback.synthesis.clustering import OpinionDoc, cluster_opinions  # noqa: E402
from feedback.synthesis.text import normalise, tokenise  # noqa: E402


def evaluate(truth: dict, assignments: dict) -> dict[str, tuple[int, float, float]]:
    """{issue: (size, recall, purity)} for every issue in `truth` ({id: issue or None})."""
    members: dict = {}
    for doc_id, cluster in assignments.items():
        if cluster is not None:
            members.setdefault(cluster, []).append(doc_id)
    scores = {}
    for issue in sorted({t for t in truth.values() if t}):
        ids = [i for i, t in truth.items() if t == issue]
        clusters = Counter(assignments[i] for i in ids if assignments[i] is not None)
        if not clusters:
            scores[issue] = (len(ids), 0.0, 0.0)
            continue
        main, hits = clusters.most_common(1)[0]
        scores[issue] = (len(ids), hits / len(ids), hits / len(members[main]))
    return scores


def main() -> None:
    data = build_demo_data()
    titles = {item.key: tokenise(item.title_zh) for item in data.items}  # as the app does: the item's title
    docs = [OpinionDoc(n, tokenise(o.text_zh), o.stance, None, normalise(o.text_zh), context=titles.get(o.item_key, []))
            for n, o in enumerate(data.opinions)]
    truth = {n: o.hot_issue for n, o in enumerate(data.opinions)}
    started = time.perf_counter()
    result = cluster_opinions(docs)
    seconds = time.perf_counter() - started
    print(f"{len(docs)} demo opinions, {len(result.clusters)} clusters "
          f"({sum(c.is_campaign for c in result.clusters)} campaigns) in {seconds:.2f} s")
    passed = 0
    for issue, (size, recall, purity) in evaluate(truth, result.assignments).items():
        ok = recall >= 0.8 and purity >= 0.8
        passed += ok
        print(f"  {issue:22} {size:3d} opinions  recall {recall:.2f}  purity {purity:.2f}  {'ok' if ok else 'MISSED'}")
    print(f"{passed} of {len(set(filter(None, truth.values())))} hot issues meet recall and purity >= 0.8")


if __name__ == "__main__":
    main()
