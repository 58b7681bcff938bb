"""Benchmark of hot-issue clustering against a plain TF-IDF + MiniBatchKMeans baseline.

    .venv/bin/python bench/synthesis.py [--sizes 10000 100000]
    .venv/bin/python bench/synthesis.py --real ../shared/realdata/board_messages.csv \
        --sizes 100000 --rss

For each size: N generated opinions (a few hot issues, one copy-paste campaign,
diverse background), tokenised once (the app stores tokens), then timed with peak
traced memory: full clustering, assignment of one new opinion (median of 200), and
the baseline on the same texts. Quality: the share of each hot issue in its main
cluster and the purity of that cluster (the target is ≥ 0.8 for both).

With `--real FILE` (a CSV with a `text` column of real messages, not in this repository),
the N texts are made of clauses of the real messages instead (`real_texts`: one to three
consecutive clauses of a message drawn at random), and timed from the text on: both
methods tokenise with jieba, as a new user's run does. The real texts carry no marked
issues, so only time and memory are compared. Without the file, it says so and exits 0.
Each method's processor time (with that of child processes that ended) is printed next to
its wall time: from 20,000 distinct texts on, ours cuts half of them in a forked second
process (`text.tokenise_distinct`) when a core is idle (`--two-processes`: whatever the
load), so on two free cores its wall time falls below its processor time.
`--one-process-too` times ours once more with the texts cut in one process.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import re
import resource
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feedback.synthesis.clustering import OpinionDoc, cluster_opinions  # noqa: E402
from feedback.synthesis.samples import CAMPAIGN, HOT_ISSUES, generate_opinions, hot_issue_opinion  # noqa: E402
from feedback.synthesis.text import normalise, tokenise  # noqa: E402

USE_RSS = False


def _current_rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def sample(size: int, seed: int = 7):
    hot = {topic: max(5, min(60 * size // 10_000, size // 50)) for topic in HOT_ISSUES}
    campaign = max(5, size // 200)
    opinions = generate_opinions(hot, background=size - sum(hot.values()) - campaign, campaign=campaign, seed=seed)
    # the app stores the analysis text and tokens when an opinion arrives, not per run
    docs = [OpinionDoc(i, tokenise(o.text), o.stance, None, normalise(o.text)) for i, o in enumerate(opinions)]
    return opinions, docs


def _processor_seconds() -> float:
    """Processor time of this process and of its children that have ended (user + system):
    on a shared machine the steadier figure, and it counts work done in other processes."""
    spent = os.times()
    return spent.user + spent.system + spent.children_user + spent.children_system


LAST_PROCESSOR_SECONDS = 0.0  # of the last `measured` call


def measured(function):
    """(value, seconds, peak MiB); the processor seconds go to LAST_PROCESSOR_SECONDS.
    With --rss, the peak is the growth of the process's peak resident set (tracemalloc
    slows allocation-heavy Python several times over at 100k); the baseline then runs
    first, so each growth is its own."""
    global LAST_PROCESSOR_SECONDS
    processor = _processor_seconds()
    if USE_RSS:
        before = _current_rss_mib()
        started = time.perf_counter()
        value = function()
        seconds = time.perf_counter() - started
        LAST_PROCESSOR_SECONDS = _processor_seconds() - processor
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before
        return value, seconds, max(0.0, peak)
    tracemalloc.start()
    started = time.perf_counter()
    value = function()
    seconds = time.perf_counter() - started
    LAST_PROCESSOR_SECONDS = _processor_seconds() - processor
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return value, seconds, peak


def baseline(texts: list[str], clusters: int):
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectoriser = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), min_df=2)
    vectors = vectoriser.fit_transform(texts)
    model = MiniBatchKMeans(clusters, random_state=0, n_init=3, batch_size=4096).fit(vectors)
    return vectoriser, model, model.labels_


def hot_issue_quality(opinions, assignment_of) -> dict[str, tuple[float, float]]:
    """{topic: (share of the issue in its main cluster, purity of that cluster)}."""
    members: dict[object, Counter] = {}
    for i, o in enumerate(opinions):
        members.setdefault(assignment_of(i), Counter())[o.topic] += 1
    quality = {}
    for topic in list(HOT_ISSUES) + [CAMPAIGN]:
        ids = [i for i, o in enumerate(opinions) if o.topic == topic]
        label, count = Counter(assignment_of(i) for i in ids).most_common(1)[0]
        purity = 0.0 if label is None else members[label][topic] / sum(members[label].values())
        quality[topic] = (count / len(ids), purity)
    return quality


def median_assign_ms(assign, new_tokens) -> float:
    times = []
    for tokens in new_tokens:
        started = time.perf_counter()
        assign(tokens)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(size: int) -> None:
    opinions, docs = sample(size)
    rng = random.Random(5)
    new_tokens = [tokenise(hot_issue_opinion(rng.choice(list(HOT_ISSUES)), rng).text) for _ in range(200)]

    texts = [o.text for o in opinions]
    if USE_RSS:  # baseline first: the process's peak only grows
        (vectoriser, kmeans, labels), base_s, base_mb = measured(lambda: baseline(texts, BASELINE_K))
        result, ours_s, ours_mb = measured(lambda: cluster_opinions(docs))
        clusters = BASELINE_K
    else:
        result, ours_s, ours_mb = measured(lambda: cluster_opinions(docs))
        clusters = max(2, len(result.clusters))
        (vectoriser, kmeans, labels), base_s, base_mb = measured(lambda: baseline(texts, clusters))
    ours_assign = median_assign_ms(result.model.assign, new_tokens)
    new_texts = ["".join(t) for t in new_tokens]
    base_assign = median_assign_ms(lambda t: kmeans.predict(vectoriser.transform([t])), new_texts)

    ours_q = hot_issue_quality(opinions, lambda i: result.assignments[i])
    base_q = hot_issue_quality(opinions, lambda i: int(labels[i]))
    noise = sum(v is None for v in result.assignments.values())
    print(f"\n## {size} opinions: {len(result.clusters)} clusters ({len(result.campaigns)} campaigns), "
          f"{noise} unclustered; baseline k = {clusters}")
    print(f"{'':28}{'ours':>12}{'baseline':>12}{'ratio':>8}")
    for name, ours, base in [("full clustering (s)", ours_s, base_s), ("peak memory (MiB)", ours_mb, base_mb),
                             ("assign one, median (ms)", ours_assign, base_assign)]:
        print(f"{name:28}{ours:12.2f}{base:12.2f}{ours / base if base else float('nan'):8.2f}")
    print(f"{'hot issue (share, purity)':28}{'ours':>16}{'baseline':>16}")
    for topic in ours_q:
        o, b = ours_q[topic], base_q[topic]
        print(f"{topic:28}{o[0]:8.2f}{o[1]:8.2f}{b[0]:8.2f}{b[1]:8.2f}")


CLAUSE_END = re.compile(r"[，。！？；,!?;\n]+")


def real_texts(path: Path, size: int, seed: int = 7) -> list[str]:
    """`size` short texts, each one to three consecutive clauses (of 4 characters or more)
    of a real message drawn at random: real words and real wording, at any size."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        messages = [row["text"] or "" for row in csv.DictReader(handle)]
    clauses = [[c.strip() for c in CLAUSE_END.split(m) if len(c.strip()) >= 4] for m in messages]
    clauses = [c for c in clauses if c]
    rng = random.Random(seed)
    texts = []
    for _ in range(size):
        message = rng.choice(clauses)
        start = rng.randrange(len(message))
        texts.append("，".join(message[start:start + rng.randint(1, 3)]))
    return texts


def cluster_texts(texts: list[str], processes: int | None = None):
    """The product's run from text on (`flask synthesis cluster`'s path)."""
    from feedback.cli_synthesis import cluster_rows

    return cluster_rows([(i, text) for i, text in enumerate(texts)], processes)


def baseline_from_text(texts: list[str], clusters: int):
    """jieba + TF-IDF + MiniBatchKMeans, from text on."""
    import jieba
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    documents = [" ".join(jieba.lcut(text)) for text in texts]
    vectors = TfidfVectorizer(token_pattern=r"(?u)\b\w\w+\b", min_df=2).fit_transform(documents)
    return MiniBatchKMeans(clusters, random_state=0, n_init=3, batch_size=4096).fit(vectors).labels_


def run_real(path: Path, size: int, one_process_too: bool = False, processes: int | None = None) -> None:
    load_at_start = os.getloadavg()[0]
    texts = real_texts(path, size)
    from feedback.synthesis.text import tokenise as load_jieba_once

    load_jieba_once("加载")  # both methods use a loaded jieba: its start is neither's cost
    if USE_RSS:
        _, base_s, base_mb = measured(lambda: baseline_from_text(texts, BASELINE_K))
        base_cpu = LAST_PROCESSOR_SECONDS
        records, ours_s, ours_mb = measured(lambda: cluster_texts(texts, processes))
        ours_cpu = LAST_PROCESSOR_SECONDS
    else:
        records, ours_s, ours_mb = measured(lambda: cluster_texts(texts, processes))
        ours_cpu = LAST_PROCESSOR_SECONDS
        _, base_s, base_mb = measured(lambda: baseline_from_text(texts, BASELINE_K))
        base_cpu = LAST_PROCESSOR_SECONDS
    rows = [("full run from text (s)", ours_s, base_s), ("processor time (s)", ours_cpu, base_cpu),
            ("peak memory (MiB)", ours_mb, base_mb)]
    if one_process_too:  # the same run with the texts cut in this process only
        _, alone_s, _ = measured(lambda: cluster_texts(texts, processes=1))
        rows[2:2] = [("  in one process (s)", alone_s, base_s),
                     ("  its processor time (s)", LAST_PROCESSOR_SECONDS, base_cpu)]
    found = Counter(r["cluster"] for r in records if r["cluster"] is not None)
    largest = max(found.values(), default=0)
    print(f"\n## {size} texts from clauses of {path.name}: {len(found)} clusters, "
          f"largest {largest}, "
          f"{sum(r['cluster'] is None for r in records)} unclustered; baseline k = {BASELINE_K}; "
          f"load average (1 min) {load_at_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    print(f"{'':28}{'ours':>12}{'baseline':>12}{'ratio':>8}")
    for name, ours, base in rows:
        print(f"{name:28}{ours:12.2f}{base:12.2f}{ours / base if base else float('nan'):8.2f}")


BASELINE_K = 60  # with --rss the baseline runs first and cannot take k from our result


def main() -> None:
    global USE_RSS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--rss", action="store_true", help="peak RSS growth instead of tracemalloc")
    parser.add_argument("--real", type=Path, help="a CSV of real messages (column text)")
    parser.add_argument("--one-process-too", action="store_true",
                        help="with --real: time ours once more with the texts cut in one process")
    parser.add_argument("--two-processes", action="store_true",
                        help="with --real: ours cuts the texts in two processes whatever the load "
                             "(by default only when a core is idle)")
    arguments = parser.parse_args()
    USE_RSS = arguments.rss
    if arguments.real and not arguments.real.exists():
        print(f"{arguments.real} is absent: the real messages are not in this repository; "
              "nothing to measure.")
        return
    for size in arguments.sizes:
        if arguments.real:
            run_real(arguments.real, size, arguments.one_process_too, 2 if arguments.two_processes else None)
        else:
            run(size)


if __name__ == "__main__":
    main()
