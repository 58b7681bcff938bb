"""Importing another board's export: checked whole before anything is written, stored as
opinions of channel `import` with their original times, then routed and clustered by
the usual jobs; bad files are refused with the line named and nothing half-imported.
(All texts here are made up.)"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from flask_babel import force_locale

from feedback.models import Opinion
from feedback.services import audit
from feedback.services.importing import Columns, ImportRefused, MAX_IMPORTED_CHARS, import_export

LIFT = "{n}号楼的电梯又坏了，老人上下楼太难，希望尽快加装电梯。"
LIGHT = "{n}号路口的路灯坏了好几天，晚上走路看不见，请尽快维修路灯。"
HEADER = "编号,标题,留言时间,留言内容\n"


def export(rows: list[tuple], header: str = HEADER) -> str:
    return header + "".join(",".join(f'"{cell}"' for cell in row) + "\n" for row in rows)


def board(n: int = 6) -> str:
    rows = [(f"m{i}", "", f"2019-03-{i + 1:02d} 09:30:00", LIFT.format(n=i)) for i in range(n)]
    rows += [(f"l{i}", "", f"2019-04-{i + 1:02d} 20:15:00", LIGHT.format(n=i)) for i in range(n)]
    return export(rows)


@pytest.fixture(autouse=True)
def english(app):
    """Messages are asserted in English here; the Chinese ones in the command's test."""
    with force_locale("en"):
        yield


COLUMNS = Columns(text="留言内容", id="编号", time="留言时间", title="标题")


def imported(db) -> list[Opinion]:
    return list(db.session.scalars(db.select(Opinion).order_by(Opinion.id)))


def test_rows_become_opinions_of_channel_import_with_their_original_times_routed_and_clustered(
        app, db, make, run_jobs):
    housing = make.department(routing_keywords="电梯 加装")
    streets = make.department(routing_keywords="路灯 维修")
    report = import_export(board().encode("utf-8"), COLUMNS)
    assert (report.rows, report.imported, report.skipped) == (12, 12, [])
    opinions = imported(db)
    assert {o.channel for o in opinions} == {"import"}
    first = opinions[0].created_at.replace(tzinfo=timezone.utc)
    assert first == datetime(2019, 3, 1, 1, 30, tzinfo=timezone.utc)  # 09:30 in Shanghai
    assert audit.trail("opinion", opinions[0].id)[0].action == "received"
    run_jobs()
    db.session.expire_all()
    assert [o.department_id for o in opinions] == [housing.id] * 6 + [streets.id] * 6
    # how they group is the clustering's own test
    assert None not in {o.cluster_id for o in opinions}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "gbk"])
def test_an_export_with_a_byte_order_mark_or_in_gb18030_reads_the_same(app, db, encoding):
    report = import_export(board(2).encode(encoding), COLUMNS)
    assert report.imported == 4
    expected = [LIFT.format(n=0), LIFT.format(n=1), LIGHT.format(n=0), LIGHT.format(n=1)]
    assert sorted(o.text for o in imported(db)) == sorted(expected)


def test_a_misspelled_column_is_refused_with_the_closest_name_and_nothing_is_imported(app, db):
    with pytest.raises(ImportRefused) as refused:
        import_export(board().encode("utf-8"), Columns(text="留言内融", time="时间"))
    assert "“留言内融”" in refused.value.problems[0] and "“留言内容”" in refused.value.problems[0]
    assert "“时间”" in refused.value.problems[1] and "“留言时间”" in refused.value.problems[1]
    assert imported(db) == []
    with force_locale("zh"), pytest.raises(ImportRefused) as refused:
        import_export(board().encode("utf-8"), Columns(text="留言内融"))
    assert refused.value.problems == ["第 1 行：没有“留言内融”这一列（--text-column）；是不是“留言内容”？"]


def test_a_time_in_another_format_names_its_line_and_nothing_is_imported(app, db):
    rows = [("a1", "", "2019-03-01 09:30", LIFT.format(n=1)),
            ("a2", "", "03/02/2019", LIFT.format(n=2))]
    with pytest.raises(ImportRefused) as refused:
        import_export(export(rows).encode("utf-8"), COLUMNS)
    [problem] = refused.value.problems
    assert "line 3" in problem and "03/02/2019" in problem and "--time-format" in problem
    assert imported(db) == []
    report = import_export(export(rows[1:]).encode("utf-8"), COLUMNS, time_format="%m/%d/%Y")
    assert report.imported == 1 and imported(db)[0].created_at.month == 3


def test_a_4000_character_message_is_kept_whole_and_a_longer_one_than_kept_is_refused(app, db):
    long_letter = "老小区改造的事情一直没有下文，" * 266  # ~4,000 characters
    assert 3900 < len(long_letter) < MAX_IMPORTED_CHARS
    import_export(export([("x1", "", "2019-05-01", long_letter)]).encode("utf-8"), COLUMNS)
    assert imported(db)[0].text == long_letter
    too_long = "很长" * (MAX_IMPORTED_CHARS // 2 + 1)
    with pytest.raises(ImportRefused) as refused:
        rows = [("x2", "", "2019-05-02", LIFT.format(n=1)), ("x3", "", "2019-05-03", too_long)]
        import_export(export(rows).encode("utf-8"), COLUMNS)
    assert "line 3" in refused.value.problems[0] and str(len(too_long)) in refused.value.problems[0]
    assert len(imported(db)) == 1


def test_a_utf8_file_with_a_line_in_another_encoding_names_that_line(app, db):
    raw = (HEADER + '"b1","","2019-01-01","' + LIFT.format(n=1) + '"\n').encode("utf-8")
    raw += ('"b2","","2019-01-02","' + LIGHT.format(n=2) + '"\n').encode("gbk")
    with pytest.raises(ImportRefused) as refused:
        import_export(raw, COLUMNS)
    assert "line 3" in refused.value.problems[0] and "UTF-8" in refused.value.problems[0]
    assert imported(db) == []


def test_empty_rows_rows_without_text_and_rows_imported_before_are_skipped_and_reported(app, db):
    rows = [("c1", "", "2019-02-01", LIFT.format(n=1)), ("", "", "", ""),
            ("c2", "", "2019-02-02", ""), ("c3", "", "2019-02-03", LIGHT.format(n=3)),
            ("c1", "", "2019-02-01", LIFT.format(n=1))]
    report = import_export(export(rows).encode("utf-8"), COLUMNS)
    assert report.imported == 2
    assert report.skipped == [(3, "empty row"), (4, "no text"), (6, "repeats line 2")]
    again = import_export(export(rows).encode("utf-8"), COLUMNS)
    assert again.imported == 0 and (2, "imported before") in again.skipped
    assert len(imported(db)) == 2


def test_a_title_goes_before_the_text_and_a_row_without_id_is_known_by_its_time_and_text(app, db):
    rows = [("", "电梯坏了", "2019-02-01", LIFT.format(n=1))]
    columns = Columns(text="留言内容", time="留言时间", title="标题")
    import_export(export(rows).encode("utf-8"), columns)
    assert imported(db)[0].text == "电梯坏了\n" + LIFT.format(n=1)
    assert import_export(export(rows).encode("utf-8"), columns).skipped == [(2, "imported before")]


def test_the_department_column_hands_the_opinion_to_that_department_and_an_unknown_one_is_refused(
        app, db, make):
    housing = make.department(key="housing", name_zh="区住房和建设管理委员会")
    rows = [("d1", "", "2019-02-01", LIGHT.format(n=1), "区住房和建设管理委员会")]
    header = "编号,标题,留言时间,留言内容,部门\n"
    columns = Columns(text="留言内容", id="编号", time="留言时间", department="部门")
    import_export(export(rows, header).encode("utf-8"), columns)
    opinion = imported(db)[0]
    assert (opinion.status, opinion.department_id) == ("routed", housing.id)
    assert opinion.due_on is not None
    rows = [("d2", "", "2019-02-01", LIGHT.format(n=2), "区住房和建设委员会")]
    with pytest.raises(ImportRefused) as refused:
        import_export(export(rows, header).encode("utf-8"), columns)
    assert "line 2" in refused.value.problems[0] and "区住房和建设管理委员会" in refused.value.problems[0]


def test_the_command_reports_what_it_imported_and_skipped_or_refuses_clearly(app, db, tmp_path):
    path = tmp_path / "board.csv"
    rows = [("e1", "", "2019-02-01", LIFT.format(n=1)), ("", "", "", "")]
    path.write_bytes(export(rows).encode("gb18030"))
    runner = app.test_cli_runner()
    args = ["opinions", "import", str(path), "--text-column", "留言内容", "--id-column", "编号",
            "--time-column", "留言时间"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "imported 1 of 2 rows" in result.output
    assert "skipped 1: empty row (line 3)" in result.output
    result = runner.invoke(args=args[:4] + ["留言内溶"])
    assert result.exit_code != 0 and "did you mean “留言内容”" in result.output
    assert "nothing was imported" in result.output
