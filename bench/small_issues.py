"""The issue's quality target on generated data: hot issues of 5 to 60 messages in a
corpus of everyday messages.

    .venv/bin/python bench/small_issues.py [--sizes 1000 3000 20000] [--seeds 1 2 3 4 5] [--work-orders]

For each corpus size and seed, the six generated hot issues get 5, 10, 20, 30, 45 and
60 opinions (which issue gets which size turns with the seed), one 20-letter copy
campaign is added, and the rest is background. An issue meets the target when at
least 80% of its opinions are in one cluster that is at least 80% about it. Prints,
per issue size, how many of the runs met the target and the lowest share and purity
seen, then the issues that missed it. With --work-orders, each message is wrapped as a
hotline work order or a message-board post would hold it (`samples.as_work_order`). With
--long, each message is two to four generated messages on its matter run together
(`samples.as_long_messages`), as long as a message-board post; with --long --mixed, each
background message runs together two to four on unrelated matters.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feedback.synthesis.clustering import OpinionDoc, cluster_opinions  # noqa: E402
from feedback.synthesis.samples import (  # noqa: E402
    HOT_ISSUES, as_long_messages, as_work_order, generate_opinions,
)
from feedback.synthesis.text import normalise, tokenise  # noqa: E402

ISSUE_SIZES = [5, 10, 20, 30, 45, 60]
CAMPAIGN_SIZE = 20
TARGET = 0.8


def corpus(size: int, seed: int, work_orders: bool = False, long: bool = False,
           mixed: bool = False):
    topics = list(HOT_ISSUES)
    turn = seed % len(topics)
    hot = dict(zip(topics[turn:] + topics[:turn], ISSUE_SIZES))
    opinions = generate_opinions(hot, background=size - sum(hot.values()) - CAMPAIGN_SIZE,
                                 campaign=CAMPAIGN_SIZE, seed=seed)
    rng = random.Random(seed)
    if long:
        opinions = as_long_messages(opinions, rng, background_on_one_matter=not mixed)
    texts = [as_work_order(o.text, rng) if work_orders else o.text for o in opinions]
    docs = [OpinionDoc(i, tokenise(text), o.stance, None, normalise(text)) for i, (o, text) in enumerate(zip(opinions, texts))]
    return hot, opinions, docs


def share_and_purity(opinions, assignments, topic: str) -> tuple[float, float]:
    ids = [i for i, o in enumerate(opinions) if o.topic == topic]
    cluster, count = Counter(assignments[i] for i in ids).most_common(1)[0]
    if cluster is None:
        return 0.0, 0.0
    members = [i for i, label in assignments.items() if label == cluster]
    return count / len(ids), sum(opinions[i].topic == topic for i in members) / len(members)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 20000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--work-orders", action="store_true", help="wrap each message in work-order formulas")
    parser.add_argument("--long", action="store_true",
                        help="messages two to four times as long, each on one matter")
    parser.add_argument("--mixed", action="store_true",
                        help="with --long: background messages on several matters")
    arguments = parser.parse_args()
    for size in arguments.sizes:
        results: dict[int, list[tuple[float, float]]] = defaultdict(list)
        misses, seconds = [], 0.0
        for seed in arguments.seeds:
            hot, opinions, docs = corpus(size, seed, arguments.work_orders, arguments.long,
                                         arguments.mixed)
            started = time.perf_counter()
            assignments = cluster_opinions(docs).assignments
            seconds += time.perf_counter() - started
            for topic, issue_size in hot.items():
                share, purity = share_and_purity(opinions, assignments, topic)
                results[issue_size].append((share, purity))
                if share < TARGET or purity < TARGET:
                    misses.append(f"seed {seed}: {topic} ({issue_size}) share {share:.2f} purity {purity:.2f}")
        runs = len(arguments.seeds)
        met = sum(s >= TARGET and p >= TARGET for rows in results.values() for s, p in rows)
        print(f"\n## {size} opinions, {runs} seeds: {met} of {runs * len(ISSUE_SIZES)} issues met the target "
              f"(clustering {seconds / runs:.2f} s per run)")
        print(f"{'issue size':>10}{'met':>8}{'lowest share':>14}{'lowest purity':>15}")
        for issue_size in ISSUE_SIZES:
            rows = results[issue_size]
            print(f"{issue_size:>10}{sum(s >= TARGET and p >= TARGET for s, p in rows):>5} / {runs}"
                  f"{min(s for s, _ in rows):>14.2f}{min(p for _, p in rows):>15.2f}")
        for miss in misses:
            print("  missed:", miss)


if __name__ == "__main__":
    main()
