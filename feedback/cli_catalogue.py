"""flask --app feedback catalogue import|export: a catalogue as CSV (path, code, name, description)."""
from __future__ import annotations

import sys
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select


def _organisation(key: str):
    from .extensions import db
    from .models import Organisation

    organisation = db.session.scalar(select(Organisation).where(Organisation.key == key))
    if organisation is None:
        raise click.UsageError(f"no organisation with the key {key!r}")
    return organisation


@click.group("catalogue")
def catalogue_group():
    """Import or export an organisation's disclosure catalogue as CSV."""


@catalogue_group.command("import")
@click.argument("organisation_key")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--user", "username", required=True, help="The editor account the import is recorded for.")
@click.option("--lang", "language", default="zh", type=click.Choice(["zh", "en"]), help="Language of the messages.")
@with_appcontext
def import_command(organisation_key: str, csv_file, username: str, language: str):
    """Create or update headings from CSV_FILE; any bad line and nothing is saved."""
    from .extensions import db
    from .models import User
    from .services import catalogue
    from .services.errors import ServiceError

    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.UsageError(f"no user {username!r}")
    started = time.perf_counter()
    # Messages are translated for a request's language: give the command one.
    with current_app.test_request_context(f"/?lang={language}"):
        try:
            result = catalogue.import_csv(user=user, organisation_id=_organisation(organisation_key).id,
                                          text=csv_file.read())
        except ServiceError as error:
            for messages in (error.errors or {"": [error.message]}).values():
                for message in messages:
                    click.echo(str(message), err=True)
            sys.exit(1)
    click.echo(f"{result.created} heading(s) created, {result.updated} updated "
               f"in {time.perf_counter() - started:.2f}s")


@catalogue_group.command("export")
@click.argument("organisation_key")
@with_appcontext
def export_command(organisation_key: str):
    """Write the catalogue as CSV (UTF-8) to standard output."""
    from .services import catalogue

    click.echo(catalogue.export_csv(organisation_id=_organisation(organisation_key).id), nl=False)
