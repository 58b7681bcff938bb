"""CSV exports never hand a spreadsheet a formula: cells starting with = + - @ tab or CR
get a leading apostrophe in every export (committee review, figures, coverage,
catalogue), and the catalogue import reads its own export back unchanged."""
from __future__ import annotations

import csv
import io

import pytest

from feedback.models import Cluster
from feedback.services import catalogue, spreadsheet
from tests.security.test_login_and_sessions import _login

ATTACKS = ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd",
           "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


def _no_formula(text: str) -> None:
    for cell in _cells(text):
        assert not cell.startswith(spreadsheet.FORMULA_STARTS), cell


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_cell_is_shown_not_run(attack):
    assert spreadsheet.safe(attack) == "'" + attack
    assert spreadsheet.plain(spreadsheet.safe(attack)) == attack
    assert spreadsheet.safe("路灯") == "路灯" and spreadsheet.safe(-3) == -3


def test_the_committee_review_csv_neutralises_labels_and_quotes(client, make, db):
    department = make.department()
    item = make.item(department=department)
    concern = Cluster(label=ATTACKS[0], size=2, department_id=department.id)
    db.session.add(concern)
    db.session.commit()
    for attack in ATTACKS[1:3]:
        make.opinion(disclosure=item, text=attack, stance="oppose", status="routed",
                     department_id=department.id, cluster_id=concern.id)
    _login(client, make.user(username="c", role="committee_member").username)
    text = client.get(f"/committee/review.csv?item={item.id}").get_data(as_text=True)
    assert "'" + ATTACKS[0] in _cells(text)
    _no_formula(text)


def test_the_figures_csv_neutralises_department_names(client, make):
    department = make.department(name_zh=ATTACKS[1], name_en=ATTACKS[1])
    make.opinion(status="routed", department_id=department.id)
    make.user(username="s", role="supervisor")
    _login(client, "s")
    text = client.get("/figures/figures.csv").get_data(as_text=True)
    assert "'" + ATTACKS[1] in _cells(text)
    _no_formula(text)


def test_the_coverage_csv_neutralises_organisation_names(client, make):
    make.organisation(name_zh=ATTACKS[2], name_en=ATTACKS[2])
    make.user(username="s", role="supervisor")
    _login(client, "s")
    text = client.get("/supervision/coverage.csv").get_data(as_text=True)
    assert "'" + ATTACKS[2] in _cells(text)
    _no_formula(text)


def test_the_catalogue_export_is_safe_and_imports_back_unchanged(make, db):
    editor = make.user(role="editor")
    org = make.organisation()
    out = io.StringIO()
    csv.writer(out).writerows([["path", "code", "name", "description", "name_en"],
                               ["01", "01", ATTACKS[0], ATTACKS[3], "@en"]])
    source = out.getvalue()
    catalogue.import_csv(user=editor, organisation_id=org.id, text=source)
    exported = catalogue.export_csv(organisation_id=org.id)
    _no_formula(exported)
    again = catalogue.import_csv(user=editor, organisation_id=org.id, text=exported)
    assert (again.created, again.updated) == (0, 1)
    assert catalogue.export_csv(organisation_id=org.id) == exported
    from feedback.models import Heading
    heading = db.session.query(Heading).filter_by(organisation_id=org.id).one()
    shown = (heading.name_zh, heading.description, heading.name_en)
    assert shown == (ATTACKS[0], ATTACKS[3], "@en")
