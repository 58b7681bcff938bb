"""flask --app feedback opinions import FILE.csv: load another board's export as opinions."""
from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import AppGroup

opinions_group = AppGroup("opinions", help="Opinions in bulk: import another board's export.")


@opinions_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--text-column", required=True, help="The column with the message.")
@click.option("--id-column",
              help="The board's own id: a second import of the file skips what it has.")
@click.option("--time-column", help="When it was written (local time, e.g. 2020-01-08 14:48:39).")
@click.option("--time-format",
              help="strptime format of the time column, for formats not recognised.")
@click.option("--title-column", help="A title, put before the text unless the text starts with it.")
@click.option("--department-column", help="The department that handled it (key or name).")
@click.option("--recluster/--no-recluster", default=True, show_default=True,
              help="Ask for a full clustering after the import (new concerns).")
def import_command(path, text_column, id_column, time_column, time_format, title_column,
                   department_column, recluster):
    """Import a CSV export (UTF-8, UTF-8 with BOM, or GB18030/GBK) as opinions of channel
    `import`, with their original times; they are routed and clustered like any other.
    The whole file is checked first: on any problem nothing is imported."""
    from .services.importing import Columns, ImportRefused, import_export

    columns = Columns(text=text_column, id=id_column, time=time_column, title=title_column,
                      department=department_column)
    started = time.perf_counter()
    with open(path, "rb") as handle:
        raw = handle.read()
    try:
        report = import_export(raw, columns, time_format=time_format, recluster=recluster)
    except ImportRefused as refused:
        for problem in refused.problems:
            click.echo(f"{path}: {problem}", err=True)
        raise click.ClickException(
            "nothing was imported; fix the lines above and run again") from None
    elapsed = time.perf_counter() - started
    click.echo(f"imported {report.imported} of {report.rows} rows in {elapsed:.1f} s")
    for reason, lines in report.skipped_by_reason().items():
        shown = ", ".join(str(n) for n in lines[:10]) + (" …" if len(lines) > 10 else "")
        click.echo(f"skipped {len(lines)}: {reason} (line {shown})")


def init_app(app: Flask) -> None:
    app.cli.add_command(opinions_group)
