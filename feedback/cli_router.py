"""flask --app feedback router train|predict|evaluate, and calendar add-day|days."""
from __future__ import annotations

import json
import sys
from datetime import date

import click
from flask import Flask, current_app
from flask.cli import AppGroup

router_group = AppGroup("router", help="Train, use and measure the routing classifier.")
calendar_group = AppGroup("calendar", help="Holidays and make-up working days the library does not know yet.")


def _print_evaluation(name: str, evaluation) -> None:
    from .services.router_training import TARGET_PRECISION

    click.echo(f"{name}: {evaluation.folds}-fold accuracy {evaluation.accuracy:.3f}, "
               f"macro-F1 {evaluation.macro_f1:.3f}, "
               f"precision at 80% coverage {evaluation.precision_at_80:.3f}, "
               f"coverage at {TARGET_PRECISION:.0%} precision {evaluation.coverage_at_target:.0%}"
               + (f" (confidence ≥ {evaluation.threshold_at_target:.2f})"
                  if evaluation.threshold_at_target is not None else ""))


def _board_options(command):
    """Options naming a historical board export whose replies label its messages."""
    for option in reversed([
        click.option("--board-text-column", default="text", show_default=True,
                     help="The board file's message column."),
        click.option("--board-reply-column", default="reply", show_default=True,
                     help="The board file's reply column: the unit that signed the reply (or the message "
                          "was passed to) labels the message."),
        click.option("--board-department-column", default=None,
                     help="If the board file already has a department column, its labels are used as they are."),
        click.option("--unit-table", type=click.Path(exists=True, dir_okay=False),
                     help="CSV of `keyword,department` rows: unit-name keywords → department. Default: the "
                          "departments' own names and the first-level board categories' unit names."),
        click.option("--extra-filter", type=click.Choice(["agree", "all"]), default="agree",
                     show_default=True,
                     help="agree: add only board messages whose unit label the router trained on the "
                          "labelled history also gives; all: add every labelled board message."),
    ]):
        command = option(command)
    return command


def _read_board(path, labels, *, text_column, reply_column, department_column, unit_table, departments=None):
    from .services import router_training
    from .synthesis import answering_unit

    try:
        if unit_table:
            table = answering_unit.read_unit_table(unit_table)
        elif departments:
            table = answering_unit.for_departments(departments)
        else:
            table = answering_unit.DEFAULT_UNIT_KEYWORDS
        board = router_training.read_board(path, answering_unit.UnitLabeller(table), text_column=text_column,
                                           reply_column=reply_column, department_column=department_column)
    except ValueError as problem:
        raise click.UsageError(str(problem)) from problem
    click.echo(f"board {path}: {board.summary()}")
    unknown = sorted(set(board.labels) - set(labels)) if labels else []
    if unknown:
        click.echo(f"  not in the labelled history, left out: {', '.join(unknown)}")
    return board


@router_group.command("train")
@click.option("--csv", "csv_path", type=click.Path(exists=True, dir_okay=False), help="Train from this CSV file.")
@click.option("--text-column", default="text", show_default=True)
@click.option("--department-column", default="department", show_default=True)
@click.option("--folds", default=5, show_default=True, help="Cross-validation folds for the report.")
@click.option("--from-board", "board_path", type=click.Path(exists=True, dir_okay=False),
              help="Also learn from a historical board or hotline export with the departments' replies.")
@_board_options
def train_command(csv_path, text_column, department_column, folds, board_path, board_text_column,
                  board_reply_column, board_department_column, unit_table, extra_filter):
    """Train from the CSV when given, else from the database's answered and transferred
    opinions (an answered opinion is labelled by the department that answered it), plus,
    with --from-board, the answered messages of a historical board labelled by the unit
    that replied; print what it learned and its cross-validated accuracy and macro-F1."""
    from sqlalchemy import select

    from .extensions import db
    from .models import Department
    from .services import router_training

    if csv_path:
        try:
            texts, labels = router_training.read_csv(csv_path, text_column, department_column)
        except ValueError as problem:
            raise click.UsageError(str(problem)) from problem
        source = "csv"
    else:
        texts, labels = router_training.training_examples()
        source = "database"
    if board_path:
        departments = None if csv_path else [(d.key, d.name_zh) for d in db.session.scalars(select(Department))]
        board = _read_board(board_path, labels if len(texts) >= router_training.MIN_EXAMPLES else None,
                            text_column=board_text_column, reply_column=board_reply_column,
                            department_column=board_department_column, unit_table=unit_table,
                            departments=departments)
        if departments:
            keys = {key for key, _ in departments}
            board.texts, board.labels = ([t for t, l in zip(board.texts, board.labels) if l in keys],
                                         [l for l in board.labels if l in keys])
        if len(texts) >= router_training.MIN_EXAMPLES:
            texts, labels, added = router_training.with_extra(texts, labels, board.texts, board.labels,
                                                              extra_filter=extra_filter)
            how = extra_filter
        else:  # nothing to check the units' labels against: take them all
            texts, labels, added = texts + board.texts, labels + board.labels, len(board.texts)
            how = "all: no labelled history to check them against"
        click.echo(f"  {added} board messages added to the training examples ({how})")
        source += "+board"
    classes = sorted(set(labels))
    if len(texts) < router_training.MIN_EXAMPLES or len(classes) < router_training.MIN_CLASSES:
        raise click.ClickException(
            f"too little to learn from: {len(texts)} examples in {len(classes)} departments "
            f"(need {router_training.MIN_EXAMPLES} in {router_training.MIN_CLASSES})")
    model, run, evaluation = router_training.train_and_save(texts, labels, source=source, folds=folds)
    click.echo(f"trained {run.model_version} from {source}: {len(texts)} examples, {len(classes)} departments")
    for label in classes:
        click.echo(f"  {label}: {labels.count(label)} examples, F1 {evaluation.per_class_f1[label]:.3f}")
    _print_evaluation("cross-validated", evaluation)
    click.echo(f"saved to {current_app.config['ROUTER_MODEL_PATH']}")


@router_group.command("predict")
def predict_command():
    """Read one text per line on stdin; write one JSON object per line on stdout."""
    from .services.routing import trained_router

    model = trained_router()
    if model is None:
        raise click.ClickException("no trained router: run `flask --app feedback router train` first")
    lines = [line.rstrip("\n") for line in sys.stdin]
    results = model.predict([line for line in lines if line.strip()]) if any(l.strip() for l in lines) else []
    answers = iter(results)
    for line in lines:
        if not line.strip():
            click.echo(json.dumps({"department": None, "confidence": 0.0}))
            continue
        prediction = next(answers)
        click.echo(json.dumps({"department": prediction.department,
                               "confidence": round(float(prediction.confidence), 4)}, ensure_ascii=False))


@router_group.command("evaluate")
@click.argument("csv_path", type=click.Path(exists=True, dir_okay=False))
@click.option("--text-column", default="text", show_default=True)
@click.option("--department-column", default="department", show_default=True)
@click.option("--folds", default=5, show_default=True)
@click.option("--baseline/--no-baseline", default=True, show_default=True,
              help="Also measure TF-IDF + linear SVM on the same folds (and, with --extra-training, "
                   "the router without the extra data).")
@click.option("--extra-training", "board_path", type=click.Path(exists=True, dir_okay=False),
              help="A historical board export with replies, added to every fold's training part "
                   "(never its near-duplicates of the fold's test messages).")
@_board_options
def evaluate_command(csv_path, text_column, department_column, folds, baseline, board_path,
                     board_text_column, board_reply_column, board_department_column, unit_table, extra_filter):
    """k-fold accuracy, macro-F1 and precision at 80% coverage (the share routed right
    among the 80% most confident), beside the TF-IDF + linear SVM baseline."""
    from .services import router_training

    try:
        texts, labels = router_training.read_csv(csv_path, text_column, department_column)
    except ValueError as problem:
        raise click.UsageError(str(problem)) from problem
    click.echo(f"{len(texts)} examples, {len(set(labels))} departments")
    if board_path:
        board = _read_board(board_path, labels, text_column=board_text_column, reply_column=board_reply_column,
                            department_column=board_department_column, unit_table=unit_table)
        _print_evaluation(f"router + board ({extra_filter})", router_training.cross_validate(
            texts, labels, folds=folds, extra=(board.texts, board.labels), extra_filter=extra_filter,
            report=lambda line: click.echo(f"  {line}")))
        if not baseline:
            return
    _print_evaluation("router", router_training.cross_validate(texts, labels, folds=folds))
    if baseline:
        _print_evaluation("baseline TF-IDF + LinearSVC",
                          router_training.cross_validate(texts, labels, folds=folds,
                                                         train=router_training.BaselineSVM))


@calendar_group.command("add-day")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--holiday", "kind", flag_value="holiday", help="A public holiday (not a working day).")
@click.option("--workday", "kind", flag_value="workday", help="A make-up working day (调休).")
@click.option("--note", default="")
def add_day_command(day, kind, note):
    """Add a holiday or make-up working day for a year the library does not cover."""
    from .extensions import db
    from .models import CalendarDay

    if kind is None:
        raise click.UsageError("say --holiday or --workday")
    row = db.session.get(CalendarDay, day.date()) or CalendarDay(day=day.date())
    row.is_working, row.note = kind == "workday", note
    db.session.add(row)
    db.session.commit()
    click.echo(f"{day.date().isoformat()}: {'working day' if row.is_working else 'holiday'} {note}".rstrip())


@calendar_group.command("days")
@click.option("--year", type=int, default=lambda: date.today().year)
def days_command(year):
    """List the added days of a year."""
    from .services.calendar import calendar_overrides

    for day, working in sorted(calendar_overrides().items()):
        if day.year == year:
            click.echo(f"{day.isoformat()} {'working day' if working else 'holiday'}")


def init_app(app: Flask) -> None:
    app.cli.add_command(router_group)
    app.cli.add_command(calendar_group)
