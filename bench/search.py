"""Search benchmark: build an index of N generated Chinese documents with
`search_index.rebuild`, then time ~40 one- and two-word queries through
`search_index.query` and through bare Whoosh on the same index.

    .venv/bin/python bench/search.py [--docs 100000] [--procs N] [--rounds 5]

"bare" is `searcher.search(prebuilt_query, limit=per_page, groupedby=facets)` on
one long-lived searcher, then the total (`len(results)`) and the page's docnums:
the same query (analysed words, visibility filter inside the query), the same
top 20 by BM25F, the same total and the same four facet counts (by Whoosh's own
FieldFacet/Count), so the difference is what `query` does differently (matching.py:
every match found and scored a block of postings at a time with numpy, numpy facet
counts) and what it adds
(analysing the text, resolving the index, reading stored fields, highlights).
"bare, no facets" is the same without groupedby: the floor of matching and
scoring in Whoosh. The rebuild line gives wall and CPU seconds of the process.
"""
from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import search_index  # noqa: E402
from search_index.analysis import query_words  # noqa: E402
from search_index.searching import build_query, facet_map  # noqa: E402
from search_index.storage import live_version, open_live  # noqa: E402

PLACES = ["小区", "街道", "社区", "公园", "学校门口", "医院", "菜市场", "公交站", "地铁站", "停车场",
          "老旧小区", "商业街", "滨江路", "体育中心", "图书馆", "幼儿园", "农贸市场", "十字路口"]
TOPICS = ["停车", "噪音", "垃圾分类", "绿化", "路灯", "电梯", "物业", "供暖", "排水", "道路维修",
          "交通拥堵", "养老服务", "托育", "食品安全", "空气质量", "共享单车", "充电桩", "违章建筑",
          "外卖电动车", "公共厕所", "停车位", "健身器材", "无障碍设施", "自来水", "燃气管道"]
PROBLEMS = ["不足", "太吵", "损坏", "处理不及时", "收费过高", "乱停乱放", "无人管理", "存在安全隐患",
            "排队时间太长", "信息不公开", "标识不清楚", "经常出故障"]
ACTIONS = ["希望增加", "建议尽快修复", "请求相关部门处理", "希望加强管理", "建议延长开放时间",
           "希望公开处理结果", "建议设置", "希望统一规划"]
TIMES = ["晚上", "周末", "早高峰", "每天", "最近一个月", "夏天", "下雨的时候", "节假日"]
PEOPLE = ["老人", "孩子", "居民", "上班族", "残疾人", "外来务工人员", "学生家长", "商户"]
ENGLISH = ["parking", "WiFi", "app", "QR code", "hotline", "bus", "parked cars"]
TEMPLATES = [
    "{time}{place}的{topic}问题{problem}，{people}反映很多次了。",
    "{action}{topic}，方便{people}。",
    "关于{place}{topic}{problem}的情况，{action}。",
    "{people}说{place}{time}{topic}{problem}。",
    "{place}附近的{topic}{problem}，{action}，谢谢！",
    "我是{place}的{people}，{time}{topic}{problem}，{action}。",
    "{topic}的 {english} 服务{problem}。",
]
KINDS = ["opinion"] * 6 + ["item", "answer", "decision"]
STATUSES = ["received", "routed", "answered", "closed"]
QUERIES = [
    "停车", "噪音", "垃圾分类", "绿化", "路灯", "电梯", "物业", "供暖", "排水", "养老服务",
    "充电桩", "公共厕所", "无障碍设施", "停车位", "共享单车", "违章建筑", "食品安全", "空气质量",
    "老人", "孩子", "parking", "hotline",
    "停車", "噪音問題", "垃圾分類", "電梯 損壞",
    "停车 晚上", "噪音 太吵", "电梯 损坏", "路灯 损坏", "物业 收费", "充电桩 不足", "学校 交通拥堵",
    "公园 健身器材", "小区 停车位", "医院 排队", "菜市场 食品安全", "地铁站 共享单车",
    "幼儿园 托育", "燃气管道 安全隐患",
]


def generate_documents(count: int, *, seed: int = 20240601):
    rng = random.Random(seed)
    start = datetime(2023, 1, 1)
    for obj_id in range(1, count + 1):
        yield {
            "kind": rng.choice(KINDS), "obj_id": obj_id, "title": _title(rng), "body": _body(rng),
            "heading_id": rng.randint(1, 60), "heading_path": f"A{rng.randint(1, 9):02d}",
            "department_id": rng.randint(1, 25), "status": rng.choice(STATUSES), "scope": "public",
            "visibility": ["public", "staff"] if rng.random() < 0.85 else ["staff", f"dept:{rng.randint(1, 25)}"],
            "created": start + timedelta(minutes=rng.randint(0, 60 * 24 * 500)),
        }


def _title(rng: random.Random) -> str:
    return f"{rng.choice(PLACES)}{rng.choice(TOPICS)}{rng.choice(PROBLEMS)}"


def _body(rng: random.Random) -> str:
    sentences = rng.randint(3, 9)
    return "".join(rng.choice(TEMPLATES).format(
        time=rng.choice(TIMES), place=rng.choice(PLACES), topic=rng.choice(TOPICS),
        problem=rng.choice(PROBLEMS), action=rng.choice(ACTIONS), people=rng.choice(PEOPLE),
        english=rng.choice(ENGLISH)) for _ in range(sentences))


def build(index_dir: Path, count: int, *, procs: int) -> dict:
    docs = list(generate_documents(count))
    chars = sum(len(d["title"]) + len(d["body"]) for d in docs) / max(count, 1)
    started, cpu = time.perf_counter(), _cpu_seconds()
    search_index.rebuild(index_dir, docs, procs=procs)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    size = sum(f.stat().st_size for f in live_version(index_dir).iterdir())
    return {"seconds": seconds, "cpu": cpu, "megabytes": size / 2**20, "chars_per_doc": chars}


def _cpu_seconds() -> float:
    """CPU of this process and of its finished children (the rebuild's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def time_product(index_dir: Path, text: str) -> float:
    started = time.perf_counter()
    search_index.query(index_dir, text, audiences=["public"])
    return time.perf_counter() - started


def time_bare(searcher, prebuilt, *, facets: bool) -> float:
    started = time.perf_counter()
    results = searcher.search(prebuilt, limit=20, groupedby=facet_map() if facets else None)
    len(results), [hit.docnum for hit in results]
    return time.perf_counter() - started


def measure_queries(index_dir: Path, rounds: int) -> dict[str, list[float]]:
    timings = {"product": [], "bare": [], "bare, no facets": []}
    prebuilt = {text: build_query(query_words(text), audiences=["public"]) for text in QUERIES}
    with open_live(index_dir).searcher() as searcher:
        for text in QUERIES:  # warm caches and the jieba dictionary
            time_product(index_dir, text), time_bare(searcher, prebuilt[text], facets=True)
        for _ in range(rounds):
            for text in QUERIES:
                timings["product"].append(time_product(index_dir, text))
                timings["bare"].append(time_bare(searcher, prebuilt[text], facets=True))
                timings["bare, no facets"].append(time_bare(searcher, prebuilt[text], facets=False))
    return timings


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def report_queries(index_dir: Path, timings: dict[str, list[float]]) -> None:
    totals = [search_index.query(index_dir, t, audiences=["public"]).total for t in QUERIES]
    print(f"queries: {len(QUERIES)} × {len(timings['product']) // len(QUERIES)} rounds; "
          f"matches per query: median {statistics.median(totals):.0f}, max {max(totals)}")
    for name, values in timings.items():
        print(f"  {name:16s} p50 {percentile(values, .5) * 1000:7.2f} ms   p95 {percentile(values, .95) * 1000:7.2f} ms")
    for q in (.5, .95):
        ratio = percentile(timings["product"], q) / percentile(timings["bare"], q)
        print(f"  product / bare at p{int(q * 100)}: {ratio:.2f}×")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--procs", type=int, default=None,
                        help="rebuild processes (default: the usable cores; 1 = serial)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", help="build the index here and keep it")
    args = parser.parse_args(argv)
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="search-bench-"))
    try:
        index_dir = workdir / "search_index"
        built = build(index_dir, args.docs, procs=args.procs)
        print(f"rebuild: {args.docs} docs (~{built['chars_per_doc']:.0f} chars each), procs={args.procs or search_index.usable_cores()}: "
              f"{built['seconds']:.1f} s wall, {built['cpu']:.1f} s CPU (with its worker processes), "
              f"{built['megabytes']:.1f} MB on disk")
        report_queries(index_dir, measure_queries(index_dir, args.rounds))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
