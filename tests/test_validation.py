"""Every kind of bad input is reported with its file, spreadsheet row and column.

Each case copies the valid mini data set (English or Chinese headers) to a
temporary folder, breaks one cell and checks that loading raises one
`InputError` whose rendered message, in English and in Chinese, names the file,
the row as a spreadsheet shows it and the column as the user wrote it. The
CLI must exit 3 without a traceback, and no input file may change.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from builders import make_dataset, write_workbook

from placement.data.errors import InputError, Problem
from placement.data.i18n import MESSAGES
from placement.data.loader import load_dataset
from placement.data.schema import TABLE_BY_NAME

DATA = Path(__file__).parent / "data"
REF = dt.date(2026, 9, 1)


# ------------------------------------------------------------------ helpers


def copy_mini(tmp_path: Path, zh: bool = False) -> Path:
    folder = tmp_path / ("mini_zh" if zh else "mini")
    shutil.copytree(DATA / folder.name, folder)
    return folder


def table_file(folder: Path, table: str, zh: bool) -> Path:
    return folder / f"{TABLE_BY_NAME[table].zh if zh else table}.csv"


def header_of(table: str, column: str, zh: bool) -> str:
    return TABLE_BY_NAME[table].column(column).zh if zh else column


def _rewrite(file: Path, change) -> None:
    """Edit a CSV file as a grid of text cells, keeping its BOM (or lack of one)."""
    raw = file.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    rows = list(csv.reader(raw.decode(encoding).splitlines()))
    change(rows)
    with open(file, "w", newline="", encoding=encoding) as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def set_cell(file: Path, row: int, header: str, value: str) -> None:
    """Set the cell at spreadsheet `row` (header = row 1) in the column headed `header`."""
    def change(rows):
        rows[row - 1][rows[0].index(header)] = value
    _rewrite(file, change)


def drop_column(file: Path, header: str) -> None:
    def change(rows):
        i = rows[0].index(header)
        for r in rows:
            del r[i]
    _rewrite(file, change)


def load_error(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_dataset(path, reference_date=REF)
    return info.value


def find(err: InputError, code: str, row: int | None = None,
         column: str | None = None) -> Problem:
    hits = [p for p in err.problems
            if p.code == code and (row is None or p.row == row)
            and (column is None or p.column == column)]
    assert hits, f"no {code} at row {row} column {column} in:\n{err.render('en')}"
    return hits[0]


def assert_located(err: InputError, problem: Problem, source: str, row: int | None,
                   column: str | None) -> None:
    """The message names the file, row and column in both languages."""
    en, zh = problem.render("en"), problem.render("zh")
    assert en.startswith(source) and zh.startswith(source)
    if row is not None:
        assert f"row {row}" in en and f"第{row}行" in zh
    if column is not None:
        assert f"column {column}" in en and f"列 {column}" in zh
    assert en in err.render("en") and zh in err.render("zh")


# ---------------------------------------------------------- one bad cell each

# (table, spreadsheet row, column, bad value, expected problem code, text in the message)
CELL_CASES = [
    pytest.param("cadres", 3, "name", "", "empty_required", "must not be empty", id="empty-text"),
    pytest.param("cadres", 4, "birth_date", "", "empty_value", "YYYY-MM-DD", id="empty-date"),
    pytest.param("teams", 3, "kind", "", "empty_value", "county_party", id="empty-enum"),
    pytest.param("posts", 3, "team_id", "", "empty_required", "must not be empty",
                 id="empty-ref"),
    pytest.param("cadres", 5, "file_ok", "", "empty_value", "true/false", id="empty-bool"),
    pytest.param("posts", 3, "post_id", "P01", "duplicate_id", "first seen in row 2",
                 id="duplicate-post"),
    pytest.param("cadres", 26, "cadre_id", "0024", "duplicate_id", "first seen in row 25",
                 id="duplicate-cadre"),
    pytest.param("teams", 5, "team_id", "T01", "duplicate_id", "first seen in row 2",
                 id="duplicate-team"),
    pytest.param("posts", 2, "team_id", "T99", "unknown_ref", "T99 does not exist",
                 id="ref-post-team"),
    pytest.param("posts", 9, "incumbent_id", "9999", "unknown_ref", "9999 does not exist",
                 id="ref-post-incumbent"),
    pytest.param("relations", 2, "cadre_a", "9999", "unknown_ref", "9999 does not exist",
                 id="ref-relation-a"),
    pytest.param("relations", 3, "cadre_b", "8888", "unknown_ref", "8888 does not exist",
                 id="ref-relation-b"),
    pytest.param("fit", 2, "cadre_id", "9999", "unknown_ref", "9999 does not exist",
                 id="ref-fit-cadre"),
    pytest.param("fit", 3, "post_id", "P99", "unknown_ref", "P99 does not exist",
                 id="ref-fit-post"),
    pytest.param("cadres", 2, "birth_date", "1970-13", "bad_date", "'1970-13'", id="bad-date"),
    pytest.param("cadres", 8, "rank_since", "soon", "bad_date", "YYYYMM", id="bad-date-since"),
    pytest.param("cadres", 21, "sanction_until", "9999-12-31", "date_range", "1678–2261",
                 id="date-beyond-range"),
    pytest.param("cadres", 5, "approval", "abc", "bad_number", "'abc'", id="bad-float"),
    pytest.param("fit", 4, "score", "high", "bad_number", "'high'", id="bad-float-fit"),
    pytest.param("cadres", 6, "assessment_year", "2025.5", "bad_int", "'2025.5'", id="bad-int"),
    pytest.param("cadres", 7, "file_ok", "maybe", "bad_bool", "'maybe'", id="bad-bool"),
    pytest.param("teams", 2, "needs_non_party", "perhaps", "bad_bool", "'perhaps'",
                 id="bad-bool-team"),
    pytest.param("cadres", 9, "gender", "X", "bad_enum", "M/F", id="enum-gender"),
    pytest.param("posts", 4, "grade", "middle", "bad_enum", "head/deputy", id="enum-grade"),
    pytest.param("posts", 5, "rank", "正部", "bad_enum", "副科/正科", id="enum-rank-post"),
    pytest.param("cadres", 10, "rank", "处级", "bad_enum", "'处级'", id="enum-rank-cadre"),
    pytest.param("cadres", 11, "party", "共青团", "bad_enum", "cpc/民革", id="enum-party"),
    pytest.param("cadres", 12, "education", "小学", "bad_enum", "postgraduate", id="enum-edu"),
    pytest.param("teams", 4, "kind", "province", "bad_enum", "county_party", id="enum-kind"),
    pytest.param("relations", 2, "relation", "friend", "bad_enum", "spouse", id="enum-relation"),
    pytest.param("cadres", 13, "reserve_rank", "正部", "bad_enum", "'正部'", id="enum-reserve"),
    pytest.param("cadres", 14, "assessments", "优秀;良好;称职", "bad_enum", "'良好'",
                 id="enum-assessment"),
    pytest.param("cadres", 15, "approval", "1.5", "out_of_range", "0 to 1", id="range-approval"),
    pytest.param("fit", 5, "score", "120", "out_of_range", "0 to 100", id="range-score"),
    pytest.param("cadres", 16, "assessment_year", "1800", "out_of_range", "1950 to 2100",
                 id="range-year"),
    pytest.param("posts", 3, "incumbent_id", "0001", "two_posts", "see also row 2",
                 id="two-posts"),
    pytest.param("cadres", 17, "birth_date", "2030-01-01", "future_date", "2026-09-01",
                 id="future-birth"),
    pytest.param("cadres", 18, "post_since", "2027-01", "future_date", "2027-01-01",
                 id="future-post-since"),
    pytest.param("cadres", 19, "rank_since", "202701", "future_date", "2027-01-01",
                 id="future-rank-since"),
    pytest.param("cadres", 20, "team_since", "2026-09-02", "future_date", "2026-09-02",
                 id="future-team-since"),
    pytest.param("relations", 2, "cadre_b", "0003", "self_relation", "related to itself",
                 id="self-relation"),
    pytest.param("fit", 3, "cadre_id", "0013", "duplicate_pair", "first seen in row 2",
                 id="duplicate-fit"),
]


@pytest.mark.parametrize("zh", [False, True], ids=["en", "zh"])
@pytest.mark.parametrize("table, row, column, value, code, text", CELL_CASES)
def test_bad_cell_is_reported_with_file_row_and_column(tmp_path, zh, table, row, column,
                                                       value, code, text):
    folder = copy_mini(tmp_path, zh)
    file = table_file(folder, table, zh)
    header = header_of(table, column, zh)
    set_cell(file, row, header, value)
    err = load_error(folder)
    problem = find(err, code, row, header)
    assert problem.source == str(file)
    assert_located(err, problem, str(file), row, header)
    assert text in problem.render("en")


def test_missing_required_column_names_file_and_header_row(tmp_path):
    for zh in (False, True):
        folder = copy_mini(tmp_path, zh)
        file = table_file(folder, "cadres", zh)
        drop_column(file, header_of("cadres", "birth_date", zh))
        err = load_error(folder)
        problem = find(err, "missing_column", 1, "birth_date")
        assert_located(err, problem, str(file), 1, "birth_date")
        assert "出生年月" in problem.render("zh") and "出生年月" in problem.render("en")
        assert len(err.problems) == 1  # no per-cell noise for the missing column


@pytest.mark.parametrize("table", ["teams", "posts", "cadres"])
def test_missing_required_table(tmp_path, table):
    folder = copy_mini(tmp_path)
    table_file(folder, table, False).unlink()
    err = load_error(folder)
    problem = find(err, "table_missing")
    assert problem.params["table"] == table
    assert problem.render("en").startswith(str(folder))
    assert f"required table {table} ({TABLE_BY_NAME[table].zh}) is missing" in err.render("en")
    assert f"缺少必需的表 {table}" in err.render("zh")


def test_every_problem_is_collected_in_one_error(tmp_path):
    folder = copy_mini(tmp_path)
    set_cell(folder / "cadres.csv", 3, "gender", "X")
    set_cell(folder / "cadres.csv", 5, "birth_date", "someday")
    set_cell(folder / "posts.csv", 4, "incumbent_id", "0001")
    set_cell(folder / "teams.csv", 2, "kind", "")
    err = load_error(folder)
    assert [(Path(p.source).name, p.row, p.code) for p in err.problems] == [
        ("teams.csv", 2, "empty_value"), ("posts.csv", 4, "two_posts"),
        ("cadres.csv", 3, "bad_enum"), ("cadres.csv", 5, "bad_date")]


def test_workbook_problems_name_the_sheet(tmp_path):
    folder = copy_mini(tmp_path, zh=True)
    set_cell(folder / "干部.csv", 4, "性别", "未知")
    book = write_workbook(folder, tmp_path / "book.xlsx")
    err = load_error(book)
    problem = find(err, "bad_enum", 4, "性别")
    assert_located(err, problem, f"{book}#干部", 4, "性别")


def test_blank_lines_count_as_rows(tmp_path):
    folder = copy_mini(tmp_path)
    file = folder / "posts.csv"
    lines = file.read_text(encoding="utf-8").splitlines()
    lines.insert(1, "")
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    set_cell(file, 5, "grade", "middle")  # P03, one row lower than in mini
    find(load_error(folder), "bad_enum", 5, "grade")


def test_unreadable_files(tmp_path):
    folder = copy_mini(tmp_path)
    (folder / "teams.csv").write_bytes("team_id,name\nT01,洪洞县委\n".encode("gb18030"))
    (folder / "posts.csv").write_bytes(b"")
    shutil.copy(folder / "fit.csv", folder / "匹配度.csv")
    with open(folder / "relations.csv", "a", encoding="utf-8") as f:
        f.write("0001,0002,spouse,extra\n")
    err = load_error(folder)
    find(err, "csv_not_utf8")
    find(err, "csv_empty")
    find(err, "duplicate_table")
    find(err, "row_long", row=4)  # the spreadsheet row, not the parser's line
    assert not [p for p in err.problems if p.code == "table_missing"]


def test_missing_path_and_wrong_kind_of_file(tmp_path):
    assert find(load_error(tmp_path / "nowhere"), "file_missing")
    other = tmp_path / "data.txt"
    other.write_text("x")
    assert find(load_error(other), "bad_path")


def test_builders_validate_too():
    with pytest.raises(InputError) as info:
        make_dataset(teams=[{"team_id": "T1"}], posts=[{"post_id": "P1", "team_id": "T2"}],
                     cadres=[{"cadre_id": "C1", "birth_date": "2030-01-01"}],
                     reference_date=REF)
    assert {p.code for p in info.value.problems} == {"unknown_ref", "future_date"}
    assert "posts, row 2, column team_id" in info.value.render("en")


def test_new_message_codes_have_both_languages():
    import string

    for code, (zh, en) in MESSAGES.items():
        fields = [{f for _, f, _, _ in string.Formatter().parse(t) if f} for t in (zh, en)]
        assert fields[0] == fields[1], code


# ------------------------------------------------------ files and the CLI


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_input_files_are_never_modified(tmp_path):
    good = copy_mini(tmp_path / "good", zh=True)
    bad = copy_mini(tmp_path / "bad")
    set_cell(bad / "cadres.csv", 2, "gender", "X")
    book = write_workbook(good, tmp_path / "book.xlsx")
    before = _snapshot(tmp_path)
    load_dataset(good, reference_date=REF)
    load_dataset(book, reference_date=REF)
    load_error(bad)
    assert _snapshot(tmp_path) == before


def _scenario(tmp_path: Path, data: Path) -> Path:
    toml = tmp_path / "scenario.toml"
    toml.write_text(f"data = {json.dumps(str(data))}\nreference_date = \"2026-09-01\"\n",
                    encoding="utf-8")
    return toml


def _validate(tmp_path: Path, data: Path, lang: str):
    from typer.testing import CliRunner

    from cli import app

    return CliRunner().invoke(app, ["validate", str(_scenario(tmp_path, data)), "--lang", lang])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cli_validate_exits_3_without_traceback(tmp_path, lang):
    folder = copy_mini(tmp_path)
    set_cell(folder / "cadres.csv", 7, "birth_date", "1980-02-30")
    before = _snapshot(folder)
    result = _validate(tmp_path, folder, lang)
    assert result.exit_code == 3, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    where = "row 7, column birth_date" if lang == "en" else "第7行，列 birth_date"
    assert f"{folder / 'cadres.csv'}" in result.stderr and where in result.stderr
    assert _snapshot(folder) == before


def test_cli_validate_accepts_the_mini_data_set(tmp_path):
    result = _validate(tmp_path, copy_mini(tmp_path, zh=True), "en")
    assert result.exit_code == 0, result.output
    assert "valid: teams 4, posts 14, cadres 25, relations 2, fit 4" in result.output
