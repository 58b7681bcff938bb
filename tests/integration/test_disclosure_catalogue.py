"""The catalogue: headings up to three levels, linked tiers, CSV import/export checked
line by line, nothing half-saved. Runs on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from feedback.models import Heading
from feedback.services import catalogue
from feedback.services.errors import PermissionDenied, ValidationFailed
from tests.sql_counting import statements_during

EXAMPLE = """path,code,name,description
01,01,党的建设,组织建设与党员管理
01/0101,0101,组织建设,
01/0101/010101,010101,换届选举,选举结果公示
01/0102,0102,党员发展,
02,02,重大决策,“三重一大”事项
"""


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


@pytest.fixture
def editor(make):
    return make.user(role="editor")


def _codes(db, organisation_id):
    return {h.code: (h.level, h.parent.code if h.parent else None)
            for h in db.session.query(Heading).filter_by(organisation_id=organisation_id)}


def test_import_builds_the_tree_and_export_gives_the_same_file_back(make, editor, db):
    org = make.organisation()
    result = catalogue.import_csv(user=editor, organisation_id=org.id, text="\ufeff" + EXAMPLE)
    assert (result.created, result.updated) == (5, 0)
    assert _codes(db, org.id) == {"01": (1, None), "0101": (2, "01"), "010101": (3, "0101"),
                                  "0102": (2, "01"), "02": (1, None)}
    exported = catalogue.export_csv(organisation_id=org.id)
    assert exported.splitlines()[0] == "path,code,name,description,name_en"
    again = catalogue.import_csv(user=editor, organisation_id=org.id, text=exported)
    assert (again.created, again.updated) == (0, 5)
    assert catalogue.export_csv(organisation_id=org.id) == exported


@pytest.mark.parametrize("bad_line, message", [
    ("01/0101/010101/01010101,01010101,第四级,", "Line 7: the path “01/0101/010101/01010101” is 4 levels deep"),
    ("0101/01,01x,自己的下级,", "Line 7: the path “0101/01” must end with the heading's own code 01x"),
    ("01/0101/01,01,循环,", "Line 7: the path “01/0101/01” runs in a cycle"),
    ("09/0901,0901,没有上级,", "Line 7: the parent heading 09 is neither in the file nor in the catalogue"),
    ("02/0101,0101,重复,", "Line 7: the code 0101 is already used on line 3"),
    ("03,03,少一列", "Line 7: expected 4 fields, found 3"),
    (",04,没有路径,", "Line 7: the path “” must end with the heading's own code 04"),
    ("05,05,,", "Line 7: Give the heading a name"),
])
def test_a_bad_line_is_named_with_its_number_and_nothing_is_saved(make, editor, db, bad_line, message):
    org = make.organisation()
    with pytest.raises(ValidationFailed) as failure:
        catalogue.import_csv(user=editor, organisation_id=org.id, text=EXAMPLE + bad_line + "\n")
    assert any(str(m).startswith(message) for m in failure.value.errors["file"]), failure.value.errors
    assert db.session.query(Heading).filter_by(organisation_id=org.id).count() == 0


def test_malformed_files_get_a_clear_error(make, editor, db):
    org = make.organisation()
    for text, message in [("", "The file is empty."),
                          ("code,name\n01,党建\n", "Line 1: the header must name the columns"),
                          ("path,code,name,description\n", "The file has no headings.")]:
        with pytest.raises(ValidationFailed) as failure:
            catalogue.import_csv(user=editor, organisation_id=org.id, text=text)
        assert str(failure.value.errors["file"][0]).startswith(message)
    assert db.session.query(Heading).count() == 0


def test_a_path_that_contradicts_its_parent_is_refused(make, editor):
    org = make.organisation()
    text = "path,code,name,description\n01,01,党建,\n02/0101,0101,组织,\n0101/010101,010101,换届,\n"
    with pytest.raises(ValidationFailed) as failure:
        catalogue.import_csv(user=editor, organisation_id=org.id, text=text)
    errors = [str(m) for m in failure.value.errors["file"]]
    assert any(m.startswith("Line 3: the parent heading 02") for m in errors)
    assert any(m.startswith("Line 4: the path “0101/010101” does not match its parent's path “02/0101”") for m in errors)


def test_an_import_of_thousands_of_headings_looks_nothing_up_per_heading(make, editor, db):
    # How long it takes depends on the machine; how many statements it sends does not. At
    # most one per heading: its insert (PostgreSQL batches them; on SQLite the ORM inserts
    # the self-referencing headings one by one). A lookup per heading would double that.
    org = make.organisation()
    lines = ["path,code,name,description"]
    for a in range(10):
        lines.append(f"A{a},A{a},一级{a},")
        for b in range(20):
            lines.append(f"A{a}/A{a}B{b},A{a}B{b},二级{a}-{b},")
            for c in range(15):
                lines.append(f"A{a}/A{a}B{b}/A{a}B{b}C{c},A{a}B{b}C{c},三级{a}-{b}-{c},说明")
    text = "\n".join(lines)
    result, statements = statements_during(
        db, lambda: catalogue.import_csv(user=editor, organisation_id=org.id, text=text))
    assert result.created == 10 + 200 + 3000
    assert statements <= 3210 + 20, f"{statements} statements for 3,210 headings"
    assert db.session.query(Heading).filter_by(organisation_id=org.id, level=3).count() == 3000


def test_moving_a_heading_under_its_own_child_or_too_deep_is_refused(make, editor, db):
    org = make.organisation()
    catalogue.import_csv(user=editor, organisation_id=org.id, text=EXAMPLE)
    by_code = {h.code: h for h in db.session.query(Heading).filter_by(organisation_id=org.id)}
    with pytest.raises(ValidationFailed, match="under itself"):
        catalogue.update_heading(user=editor, heading_id=by_code["01"].id, code="01", name_zh="党的建设",
                                 parent_id=by_code["010101"].id)
    with pytest.raises(ValidationFailed, match="at most 3 levels"):
        catalogue.update_heading(user=editor, heading_id=by_code["01"].id, code="01", name_zh="党的建设",
                                 parent_id=by_code["02"].id)
    with pytest.raises(ValidationFailed, match="at most 3 levels"):
        catalogue.create_heading(user=editor, organisation_id=org.id, code="x", name_zh="第四级",
                                 parent_id=by_code["010101"].id)
    moved = catalogue.update_heading(user=editor, heading_id=by_code["0102"].id, code="0102",
                                     name_zh="党员发展", parent_id=by_code["02"].id)
    assert moved.level == 2 and moved.parent.code == "02"
    db.session.expire_all()
    assert _codes(db, org.id)["01"] == (1, None)


def test_a_lower_tier_catalogue_hangs_under_its_parent_organisations_heading(make, editor):
    district = make.organisation(tier="district")
    street = make.organisation(tier="grassroots", parent_id=district.id)
    stranger = make.organisation(tier="grassroots")
    upper = catalogue.create_heading(user=editor, organisation_id=district.id, code="05", name_zh="基层党务")
    lower = catalogue.create_heading(user=editor, organisation_id=street.id, code="S1", name_zh="街道党工委")
    catalogue.attach_catalogue(user=editor, heading_id=lower.id, under_heading_id=upper.id)
    assert [h.id for h in upper.attached] == [lower.id]
    other = catalogue.create_heading(user=editor, organisation_id=stranger.id, code="X1", name_zh="别处")
    with pytest.raises(ValidationFailed, match="parent organisation"):
        catalogue.attach_catalogue(user=editor, heading_id=other.id, under_heading_id=upper.id)


def test_only_editors_change_the_catalogue(make):
    org = make.organisation()
    with pytest.raises(PermissionDenied):
        catalogue.import_csv(user=make.user(role="department_staff"), organisation_id=org.id, text=EXAMPLE)
    with pytest.raises(PermissionDenied):
        catalogue.create_heading(user=make.user(role="member"), organisation_id=org.id, code="1", name_zh="x")


def test_cli_imports_a_file_and_exports_it_again(app, make, editor, tmp_path, db):
    org = make.organisation(key="qingxi-cli")
    path = tmp_path / "catalogue.csv"
    path.write_text(EXAMPLE, encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["catalogue", "import", "qingxi-cli", str(path), "--user", editor.username])
    assert result.exit_code == 0, result.output
    assert "5 heading(s) created, 0 updated" in result.output
    exported = runner.invoke(args=["catalogue", "export", "qingxi-cli"])
    assert exported.output.splitlines()[3] == "01/0101/010101,010101,换届选举,选举结果公示,"

    path.write_text(EXAMPLE + "01/0101/010101/9,9,太深,\n", encoding="utf-8")
    bad = runner.invoke(args=["catalogue", "import", "qingxi-cli", str(path), "--user", editor.username,
                              "--lang", "en"])
    assert bad.exit_code == 1 and "Line 7: the path “01/0101/010101/9” is 4 levels deep" in bad.output
