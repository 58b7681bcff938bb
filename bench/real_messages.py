"""The product's clustering on real citizen messages, against plain baselines in the same run.

    .venv/bin/python bench/real_messages.py [--file ../shared/realdata/board_messages.csv]
        [--issues bench/hot_issues_board_messages.json] [--skip-agglomerative]
        [--only-ours] [--explain] [--samples 5 [--sample-share 0.8]]

Reads the real message board export (not in this repository: `../shared/realdata/`, see
its README; without it the bench says so and exits 0). Each method runs in a child process
of its own, from the CSV's text to a cluster per message, so that its time and peak
resident memory are its own:

- ours: `flask synthesis cluster`'s path (`cli_synthesis.cluster_rows`): normalising,
  jieba tokens, clustering, labels;
- jieba + TF-IDF + MiniBatchKMeans (k = one cluster per 25 messages), the plain baseline
  the targets are measured against;
- agglomerative (average linkage, cosine) on character 1-2-gram TF-IDF, a plain baseline
  for quality.

Prints the number of clusters, the share of the largest, the share left unclustered, time
and peak memory, the labels of the 20 largest clusters, and the recovery of the hot issues
marked by reading (`bench/hot_issues_board_messages.json`): an issue is recovered when at
least 80 % of its messages are in one cluster that is at least 80 % about it.

`--explain` adds, for each issue ours misses, where its messages went: each cluster holding
some of them (id, how many of the issue, its size, its label) and how many are in none.
`--samples N` is the check against fitting this file: ours on N random samples of
`--sample-share` of the messages (seeds 0..N-1; vocabulary, idf and clusters learnt on the
sample), each issue scored on its messages in the sample; prints the issues recovered per
sample and their mean.
"""
from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_FILE = ROOT.parent / "shared" / "realdata" / "board_messages.csv"
DEFAULT_ISSUES = ROOT / "bench" / "hot_issues_board_messages.json"
TARGET = 0.8
MESSAGES_PER_BASELINE_CLUSTER = 25
METHODS = ("ours", "kmeans", "agglomerative")


def read_messages(path: Path, sample_seed: int | None = None,
                  sample_share: float = 0.8) -> list[tuple[str, str]]:
    """(id, text) per row; with `sample_seed`, a random `sample_share` of them in file order."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        messages = [(row["id"], row["text"] or "") for row in csv.DictReader(handle)]
    if sample_seed is None:
        return messages
    import numpy as np

    chosen = np.random.RandomState(sample_seed).choice(
        len(messages), int(sample_share * len(messages)), replace=False)
    return [messages[i] for i in sorted(chosen.tolist())]


# --- the methods, each run in a child process -------------------------------------

def run_ours(messages):
    from feedback.cli_synthesis import cluster_rows

    records = cluster_rows([(message_id, text) for message_id, text in messages])
    labels = {r["cluster"]: r["label"] for r in records if r["cluster"] is not None}
    return [r["cluster"] for r in records], labels


def run_kmeans(messages):
    import jieba
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    documents = [" ".join(jieba.lcut(text)) for _, text in messages]
    vectoriser = TfidfVectorizer(token_pattern=r"(?u)\b\w\w+\b", min_df=2, sublinear_tf=True)
    vectors = vectoriser.fit_transform(documents)
    k = max(2, len(messages) // MESSAGES_PER_BASELINE_CLUSTER)
    model = MiniBatchKMeans(k, random_state=0, n_init=3, batch_size=4096).fit(vectors)
    return [int(label) for label in model.labels_], {}


def run_agglomerative(messages):
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectors = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), min_df=2,
                              sublinear_tf=True).fit_transform([text for _, text in messages])
    distances = np.clip(1.0 - (vectors @ vectors.T).toarray(), 0.0, 2.0)
    model = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                    distance_threshold=0.8)
    return [int(label) for label in model.fit_predict(distances)], {}


def child(method: str, path: Path, sample_seed: int | None = None,
          sample_share: float = 0.8) -> None:
    """Run one method and print its result as JSON: labels, seconds, peak RSS (MiB)."""
    messages = read_messages(path, sample_seed, sample_share)
    started, cpu_started = time.perf_counter(), time.process_time()
    labels, names = globals()[f"run_{method}"](messages)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump({"labels": labels, "names": {str(k): v for k, v in names.items()},
               "seconds": seconds, "cpu_seconds": cpu_seconds, "peak_mib": peak}, sys.stdout)


def in_child(method: str, path: Path, sample_seed: int | None = None,
             sample_share: float = 0.8) -> dict:
    sample = [] if sample_seed is None else ["--sample-seed", str(sample_seed),
                                             "--sample-share", str(sample_share)]
    output = subprocess.run([sys.executable, __file__, "--child", method, "--file", str(path),
                             *sample], check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(output)


# --- measures ----------------------------------------------------------------------

def recovery(ids: list[str], labels: list, issue_ids: list[str]) -> tuple[float, float, object]:
    """(share of the issue in its main cluster, purity of that cluster, that cluster);
    messages in no cluster (None) count against the share."""
    label_of = dict(zip(ids, labels))
    present = [i for i in issue_ids if i in label_of]
    counts = Counter(label_of[i] for i in present if label_of[i] is not None)
    if not counts:
        return 0.0, 0.0, None
    label, count = counts.most_common(1)[0]
    size = sum(1 for value in labels if value == label)
    return count / len(present), count / size, label


def summary(name: str, labels: list, result: dict) -> str:
    sizes = Counter(label for label in labels if label is not None)
    unclustered = sum(label is None for label in labels)
    largest = max(sizes.values(), default=0)
    return (f"{name:14}{len(sizes):>9}{largest / len(labels):>10.1%}"
            f"{unclustered / len(labels):>13.1%}"
            f"{result['seconds']:>10.1f}{result['cpu_seconds']:>9.1f}{result['peak_mib']:>11.0f}")


def report(path: Path, issues_path: Path, methods: list[str], explain: bool = False) -> None:
    messages = read_messages(path)
    ids = [message_id for message_id, _ in messages]
    results = {method: in_child(method, path) for method in methods}
    print(f"# {len(messages)} messages from {path.name}\n")
    print(f"{'method':14}{'clusters':>9}{'largest':>10}{'unclustered':>13}"
          f"{'wall s':>10}{'cpu s':>9}{'peak MiB':>11}")
    for method in methods:
        print(summary(method, results[method]["labels"], results[method]))
    ours, base = results["ours"], results.get("kmeans")
    if base:
        print(f"\nours / kmeans baseline: wall time {ours['seconds'] / base['seconds']:.2f}×, "
              f"processor time {ours['cpu_seconds'] / base['cpu_seconds']:.2f}×, "
              f"peak memory {ours['peak_mib'] / base['peak_mib']:.2f}×")
    print_top_labels(ours)
    issues = json.loads(issues_path.read_text("utf-8"))["issues"]
    print_recovery(ids, results, issues)
    if explain:
        print_where_missed_went(ids, ours, issues)


def print_where_missed_went(ids: list[str], ours: dict, issues: list[dict]) -> None:
    """For each issue ours misses: the clusters its messages are in (id, how many of the
    issue, the cluster's size, its label) and how many are in none."""
    labels = ours["labels"]
    label_of = dict(zip(ids, labels))
    sizes = Counter(label for label in labels if label is not None)
    print("\n## where the messages of the missed issues went (ours)\n")
    for issue in issues:
        share, purity, _ = recovery(ids, labels, issue["ids"])
        if share >= TARGET and purity >= TARGET:
            continue
        present = [i for i in issue["ids"] if i in label_of]
        counts = Counter(label_of[i] for i in present if label_of[i] is not None)
        print(f"{issue['issue']} ({len(present)} messages): {share:.2f} in its main cluster, "
              f"which is {purity:.2f} about it")
        for label, count in counts.most_common():
            print(f"    cluster {label}: {count} of its {sizes[label]}  "
                  f"[{ours['names'].get(str(label), '')}]")
        print(f"    in no cluster: {sum(label_of[i] is None for i in present)}")


def report_samples(path: Path, issues_path: Path, count: int, share: float) -> None:
    """Ours on `count` random samples of `share` of the messages (see the module)."""
    issues = json.loads(issues_path.read_text("utf-8"))["issues"]
    found = []
    print(f"# ours on {count} random samples of {share:.0%} of {path.name}\n")
    print(f"{'seed':>4}{'messages':>10}{'clusters':>10}{'largest':>10}{'unclustered':>13}"
          f"{'issues':>8}  missed")
    for seed in range(count):
        ids = [message_id for message_id, _ in read_messages(path, seed, share)]
        result = in_child("ours", path, seed, share)
        labels = result["labels"]
        missed = [issue["issue"] for issue in issues
                  if min(recovery(ids, labels, issue["ids"])[:2]) < TARGET]
        found.append(len(issues) - len(missed))
        sizes = Counter(label for label in labels if label is not None)
        print(f"{seed:>4}{len(ids):>10}{len(sizes):>10}{max(sizes.values()) / len(ids):>10.1%}"
              f"{sum(label is None for label in labels) / len(ids):>13.1%}"
              f"{found[-1]:>8}  {', '.join(missed)}")
    print(f"\nissues recovered per sample: {found}, mean {sum(found) / len(found):.1f} "
          f"of {len(issues)}")


def print_top_labels(ours: dict, top: int = 20) -> None:
    sizes = Counter(label for label in ours["labels"] if label is not None)
    print(f"\n## labels of the {top} largest clusters (ours)\n")
    for label, size in sizes.most_common(top):
        print(f"{size:6}  {ours['names'].get(str(label), '')}")


def print_recovery(ids: list[str], results: dict, issues: list[dict]) -> None:
    methods = list(results)
    print("\n## hot issues marked by reading: "
          "share in main cluster / purity of it (✓ both ≥ 0.8)\n")
    print(f"{'issue':28}{'n':>4}" + "".join(f"{m:>20}" for m in methods))
    met = Counter()
    for issue in issues:
        cells = []
        for method in methods:
            share, purity, _ = recovery(ids, results[method]["labels"], issue["ids"])
            ok = share >= TARGET and purity >= TARGET
            met[method] += ok
            cells.append(f"{share:8.2f}{purity:6.2f} {'✓' if ok else '·'}".rjust(20))
        print(f"{issue['issue']:28}{len(issue['ids']):>4}" + "".join(cells))
    print(f"{'recovered':32}" + "".join(f"{met[m]:>13} of {len(issues):<3}" for m in methods))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--issues", type=Path, default=DEFAULT_ISSUES)
    parser.add_argument("--skip-agglomerative", action="store_true")
    parser.add_argument("--only-ours", action="store_true", help="no baselines (quick iterations)")
    parser.add_argument("--explain", action="store_true",
                        help="where the messages of each issue ours misses went")
    parser.add_argument("--samples", type=int, default=0,
                        help="ours on this many random samples (the check against fitting the file)")
    parser.add_argument("--sample-share", type=float, default=0.8)
    parser.add_argument("--sample-seed", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--child", choices=METHODS, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if not arguments.file.exists():
        print(f"{arguments.file} is absent: the real messages are not in this repository "
              "(see ../shared/realdata/README.md); nothing to measure.")
        return
    if arguments.child:
        child(arguments.child, arguments.file, arguments.sample_seed, arguments.sample_share)
        return
    if arguments.samples:
        report_samples(arguments.file, arguments.issues, arguments.samples, arguments.sample_share)
        return
    methods = ["ours"] if arguments.only_ours else \
        [m for m in METHODS if not (m == "agglomerative" and arguments.skip_agglomerative)]
    report(arguments.file, arguments.issues, methods, arguments.explain)


if __name__ == "__main__":
    main()
