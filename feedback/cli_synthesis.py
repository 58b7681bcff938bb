"""flask --app feedback synthesis …: cluster a CSV (no database), or re-cluster the stored opinions."""
from __future__ import annotations

import csv
import io
import json
import sys

import click
from flask import Flask
from flask.cli import with_appcontext

synthesis = click.Group("synthesis", help="Cluster opinions: hot issues and campaigns.")


CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # UTF-8 (with or without BOM), else the GBK family


def _decode(path: str) -> str:
    raw = open(path, "rb").read()
    for encoding in CSV_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise click.UsageError(f"{path} is neither UTF-8 nor GB18030/GBK text")


def _read_rows(path: str, text_column: str, id_column: str,
               context_column: str | None = None) -> list[tuple[str, str, str]]:
    """(id, text, context) per row; context is "" without a context column."""
    reader = csv.DictReader(io.StringIO(_decode(path), newline=""))
    missing = {text_column, id_column, *([context_column] if context_column else [])} - set(reader.fieldnames or [])
    if missing:
        raise click.UsageError(f"column(s) not in {path}: {', '.join(sorted(missing))}; "
                               f"the file has: {', '.join(reader.fieldnames or [])}")
    return [(row[id_column], row[text_column] or "", (row[context_column] or "") if context_column else "")
            for row in reader]


def cluster_rows(rows: list[tuple], processes: int | None = None) -> list[dict]:
    """One {"id", "cluster", "label", "campaign"} per input row (id, text[, context]),
    in input order. A context (e.g. the title of the item the message is about) is read
    as in the app: what the message is about, even where it does not say so. `processes`:
    how many may cut the texts (`text.tokenise_distinct`; default: the cores)."""
    from .synthesis.clustering import OpinionDoc, cluster_opinions
    from .synthesis.text import normalise, tokenise, tokenise_distinct

    # A board repeats itself (campaigns, copied complaints, re-posts): each distinct text
    # is normalised and cut by jieba once. The token lists are shared, never changed after this.
    analysis_of = {text: normalise(text) for text in dict.fromkeys(row[1] for row in rows)}
    tokens_of = tokenise_distinct(analysis_of.values(), processes)
    contexts: dict[str, list[str]] = {}
    docs = []
    for index, (_, text, *context) in enumerate(rows):
        analysis = analysis_of[text]
        title = context[0] if context else ""
        if title not in contexts:
            contexts[title] = tokenise(title) if title else []
        docs.append(OpinionDoc(id=index, tokens=tokens_of[analysis], stance=None,
                               created_at=None, text=analysis, context=contexts[title]))
    result = cluster_opinions(docs)
    answer: dict[int, tuple] = {}
    for cluster in result.clusters:
        for member in cluster.members:
            answer[member] = (cluster.id, cluster.label, cluster.is_campaign)
    out = []
    for index, (row_id, *_) in enumerate(rows):
        cluster, label, is_campaign = answer.get(index, (None, None, False))
        out.append({"id": row_id, "cluster": cluster, "label": label, "campaign": is_campaign})
    return out


@synthesis.command("cluster")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--text-column", required=True)
@click.option("--id-column", required=True)
@click.option("--context-column", default=None,
              help="Optional: what each message is about (e.g. the title of the item it comments on).")
def cluster_command(csv_file: str, text_column: str, id_column: str, context_column: str | None):
    """Cluster the texts of CSV_FILE; one JSON object per row on stdout, in input order."""
    rows = _read_rows(csv_file, text_column, id_column, context_column)
    for record in cluster_rows(rows):
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


@synthesis.command("recluster")
@with_appcontext
def recluster_command():
    """Re-cluster every stored opinion now (the workers also do it on a schedule)."""
    from .services.synthesis import recluster

    report = recluster()
    click.echo(f"{report.opinions} opinions → {report.clusters} concerns, {report.campaigns} campaigns "
               f"({report.kept} kept their identity, {report.retired} retired, {report.unclustered} unclustered)")


def init_app(app: Flask) -> None:
    app.cli.add_command(synthesis)
