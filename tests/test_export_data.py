"""`placement export-data`: the workbook loads back to the same data set, and edits flow back.

A planner exports the data set, edits it in Excel and feeds it back; the
round trip must not change a single value (frames compared with
pandas' assert_frame_equal, dtypes included), in Chinese and in English.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from cli import app
from placement.data.errors import InputError
from placement.data.loader import load_dataset
from placement.data.schema import TABLES
from placement.export.export_data import export_data

DATA = Path(__file__).parent / "data"
REF = dt.date(2026, 9, 1)


@pytest.fixture(scope="module")
def mini():
    return load_dataset(DATA / "mini", reference_date=REF)


def assert_same(a, b) -> None:
    for t in TABLES:
        pd.testing.assert_frame_equal(a.table(t.name), b.table(t.name), obj=t.name)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_round_trip_gives_the_same_data_set(mini, tmp_path, lang):
    book = export_data(mini, tmp_path / "book.xlsx", lang)
    again = load_dataset(book, reference_date=REF)
    assert_same(mini, again)
    sheet = "干部" if lang == "zh" else "cadres"
    assert again.sources["cadres"] == f"{book}#{sheet}"


def test_chinese_workbook_has_typed_cells_and_chinese_values(mini, tmp_path):
    book = openpyxl.load_workbook(export_data(mini, tmp_path / "book.xlsx"))
    # 说明 first, 选项 (the drop-downs' source, hidden) last: neither is a table
    assert book.sheetnames == ["说明", "班子", "职位", "干部", "关系", "匹配度", "选项"]
    assert book["选项"].sheet_state == "hidden"
    ws = book["干部"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["人员编号", "姓名", "性别", "出生年月"]
    first = {h: c for h, c in zip(header, ws[2], strict=True)}
    assert first["人员编号"].value == "0001"  # ids stay text (leading zeros kept)
    assert first["性别"].value == "男" and first["政治面貌"].value == "中共党员"
    assert isinstance(first["出生年月"].value, dt.datetime)
    assert first["出生年月"].number_format == "yyyy-mm-dd"
    assert first["纳入考察"].value in ("是", "否")
    assert isinstance(first["民主推荐得票率"].value, float)
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    assert [c.value for c in book["班子"][2]][2] == "县委"


def test_an_edit_in_the_workbook_is_read_back(mini, tmp_path):
    path = export_data(mini, tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(path)
    ws = book["干部"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("民主推荐得票率") + 1, value="80%")
    ws.cell(row=3, column=header.index("出生年月") + 1, value=dt.datetime(1977, 1, 2))
    book.save(path)
    data = load_dataset(path, reference_date=REF)
    assert data.cadres["approval"].iat[0] == pytest.approx(0.8)
    assert data.cadres["birth_date"].iat[1] == pd.Timestamp("1977-01-02")
    rest = ["approval", "birth_date"]
    pd.testing.assert_frame_equal(data.cadres.drop(columns=rest), mini.cadres.drop(columns=rest))


def test_a_bad_edit_names_sheet_row_and_column(mini, tmp_path):
    path = export_data(mini, tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(path)
    ws = book["干部"]
    col = [c.value for c in ws[1]].index("出生年月") + 1
    ws.cell(row=4, column=col, value="1975-13")
    book.save(path)
    with pytest.raises(InputError) as err:
        load_dataset(path, reference_date=REF)
    (p,) = err.value.problems
    assert (p.source, p.row, p.column) == (f"{path}#干部", 4, "出生年月")


def test_cli_exports_a_scenario_data_set(tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text(f'data = "{DATA / "mini_zh"}"\nreference_date = "2026-09-01"\n', "utf-8")
    out = tmp_path / "out.xlsx"
    res = CliRunner().invoke(app, ["export-data", str(scenario), "--out", str(out),
                                   "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "cadres" in openpyxl.load_workbook(out, read_only=True).sheetnames
    assert_same(load_dataset(DATA / "mini", reference_date=REF),
                load_dataset(out, reference_date=REF))


def test_cli_on_missing_input_exits_3(tmp_path):
    res = CliRunner().invoke(app, ["export-data", str(tmp_path / "nope"), "--out",
                                   str(tmp_path / "b.xlsx"), "--lang", "en"])
    assert res.exit_code == 3 and "not found" in res.output
    assert not (tmp_path / "b.xlsx").exists()


def _validations(ws) -> dict[str, str]:
    """column letter -> the list formula of its drop-down."""
    return {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1
            for dv in ws.data_validations.dataValidation}


def _options(book, formula: str) -> list:
    sheet, cells = formula.split("!")
    start, end = cells.replace("$", "").split(":")
    ws = book[sheet.strip("'")]
    col = start.rstrip("0123456789")
    return [ws[f"{col}{r}"].value for r in range(int(start[len(col):]), int(end[len(col):]) + 1)]


def test_coded_columns_have_drop_down_lists(mini, tmp_path):
    book = openpyxl.load_workbook(export_data(mini, tmp_path / "book.xlsx"))
    ws = book["干部"]
    letter = {c.value: c.column_letter for c in ws[1]}
    lists = _validations(ws)
    assert _options(book, lists[letter["性别"]]) == ["男", "女"]
    assert _options(book, lists[letter["纳入考察"]]) == ["是", "否"]
    assert _options(book, lists[letter["全日制学历"]]) == ["其他", "大专", "本科", "研究生"]
    assert _options(book, lists[letter["现职级"]]) == ["副科", "正科", "副处", "正处", "副厅",
                                                      "正厅"]
    assert "中共党员" in _options(book, lists[letter["政治面貌"]])
    assert letter["姓名"] not in lists  # free text: no list
    posts = book["职位"]
    team_col = next(c.column_letter for c in posts[1] if c.value == "班子编号")
    # a post's team: every team id of the data set (mini has len(teams) of them)
    assert _options(book, _validations(posts)[team_col]) == list(mini.teams["team_id"])
    teams = book["班子"]
    region_col = next(c.column_letter for c in teams[1] if c.value == "所属地区")
    assert _options(book, _validations(teams)[region_col]) == sorted(set(mini.teams["region"]))
    dv = ws.data_validations.dataValidation[0]
    assert dv.errorStyle == "warning"  # an alias the loader reads may still be typed


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_help_sheet_lists_every_column(mini, tmp_path, lang):
    book = openpyxl.load_workbook(export_data(mini, tmp_path / "book.xlsx", lang))
    ws = book["说明" if lang == "zh" else "README"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    cadres = [r for r in rows if r[0] == ("干部" if lang == "zh" else "cadres")]
    from placement.data.schema import CADRES
    assert len(cadres) == len(CADRES.columns)
    gender = next(r for r in cadres if r[1] == ("性别" if lang == "zh" else "gender"))
    assert gender[2] == ("从下拉列表选择" if lang == "zh" else "pick from the list")
