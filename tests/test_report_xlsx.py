"""`report.xlsx`: sheets, headers, a few cells read back, marks, and `placement report`.

One result folder is solved per module from tests/data/mini (well under a
second); other report tests import `solve_mini` from here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from builders import MINI, mini_scenario
from typer.testing import CliRunner

from cli import app
from placement.data.loader import load_dataset
from placement.data.scenario_io import load_scenario
from placement.export.report.data import load_result
from placement.export.report.xlsx import write_report_xlsx
from placement.pipeline.run import run_solve

ROSTER_HEADERS_ZH = ["班子", "职位编号", "职务", "职级", "拟任人选", "拟任人员编号", "出生年月",
                     "现任人员", "现任人员编号", "变动", "匹配度", "理由"]
ROSTER_HEADERS_EN = ["team", "post id", "post", "rank", "proposed holder", "proposed id", "born",
                     "current holder", "current id", "change", "fit", "reason"]


def solve_mini(base: Path, leaving: tuple[str, ...] = ()) -> Path:
    """Copy the mini data set under `base`, solve it, return the result folder.

    `leaving`: sitting cadres the copy marks `leaving` (a cause to leave the roster:
    since issue 24 no one is released without one, and the mini roster has none)."""
    scenario = mini_scenario(base, name="测试方案")
    if leaving:
        path = base / "data" / "cadres.csv"
        cadres = pd.read_csv(path, dtype=str, keep_default_na=False)
        cadres.loc[cadres["cadre_id"].isin(leaving), "leaving"] = "true"
        cadres.to_csv(path, index=False)
    sc = load_scenario(scenario)
    data = load_dataset(sc.data, reference_date=sc.reference_date)
    out = base / "result"
    result = run_solve(sc, data, out, progress=False)
    assert result.exit_code == 0, result.summary
    assert result.summary["check"]["ok"]  # run_solve ran the independent checker
    return out


@pytest.fixture(scope="module")
def result_dir(tmp_path_factory) -> Path:
    return solve_mini(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def book_zh(result_dir, tmp_path_factory) -> openpyxl.Workbook:
    path = write_report_xlsx(load_result(result_dir), tmp_path_factory.mktemp("x") / "r.xlsx")
    return openpyxl.load_workbook(path)


def _rows(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def test_sheets_and_headers_in_chinese(book_zh, result_dir):
    names = book_zh.sheetnames
    # 拟免名单 (issue 24): the result's dismissals.csv, after the moves
    expected = ["拟任名单", "调整清单", "拟免名单", "班子结构", "规则达标"]
    assert names[:5] == expected and names[-1] == "说明"
    assert "备选人选" not in names  # no alternates.csv in this folder
    if (result_dir / "shortfalls.csv").exists():
        assert "未达标原因" in names
    assert list(_rows(book_zh["拟任名单"])[0]) == ROSTER_HEADERS_ZH
    assert list(_rows(book_zh["调整清单"])[0])[:3] == ["人员编号", "姓名", "原班子"]
    assert list(_rows(book_zh["拟免名单"])[0]) == ["人员编号", "姓名", "原班子", "原任职务",
                                                   "免职原因", "去向", "依据"]
    assert "女干部（调整后）" in _rows(book_zh["班子结构"])[0]
    assert list(_rows(book_zh["规则达标"])[0])[:4] == ["规则", "名称", "模式", "范围"]
    for ws in book_zh.worksheets:
        assert ws.freeze_panes == "A2", ws.title
    assert book_zh["拟任名单"].auto_filter.ref.startswith("A1:L")


def test_roster_cells_read_back(book_zh, result_dir):
    roster = pd.read_csv(result_dir / "roster.csv", dtype=str, keep_default_na=False,
                         encoding="utf-8-sig")
    cadres = pd.read_csv(MINI / "cadres.csv", dtype=str).set_index("cadre_id")
    posts = pd.read_csv(MINI / "posts.csv", dtype=str)
    ws = book_zh["拟任名单"]
    rows = _rows(ws)[1:]
    assert [r[1] for r in rows] == list(posts["post_id"])  # post order of the data set
    first = rows[0]
    holder = roster.set_index("post_id").loc[first[1], "cadre_id"]
    assert first[0] == "洪洞县委" and first[2] == "县委书记"
    assert first[5] == holder and first[4] == cadres.loc[holder, "name"]
    born = ws.cell(row=2, column=7)
    assert isinstance(born.value, dt.datetime) and born.number_format == "yyyy-mm-dd"
    assert born.value.date().isoformat() == cadres.loc[holder, "birth_date"]
    assert all(r[11] for r in rows)  # every line has a reason
    about = dict(_rows(book_zh["说明"])[1:])
    assert about["求解状态"] == "最优" and about["方案名称"] == "测试方案"
    assert about["独立核查"] == "通过"
    assert any(str(k).startswith("输入校验和") for k in about)
    # settings as sentences, file names without the server's folders (issue 26)
    women = about["R-TC5 女干部配备"]
    assert "女干部不少于 2 名" in women and "适用班子 县委、县政府" in women, women
    assert not [v for v in about.values() if re.search(r"[a-z_]+=|\{'|\['|/tmp|/work", str(v))]


def test_rules_sheet_matches_rules_csv(book_zh, result_dir):
    rules = pd.read_csv(result_dir / "rules.csv", encoding="utf-8-sig")
    rows = _rows(book_zh["规则达标"])[1:]
    assert [r[0] for r in rows] == list(rules["rule"])
    # shortfall as rules.csv says, but none for the report-only R-RS1 (information)
    assert [r[6] for r in rows] == [None if rule == "R-RS1" else s for rule, s in
                                    zip(rules["rule"], rules["shortfall"], strict=True)]
    assert dict((r[0], r[1]) for r in rows)["R-TC5"] == "女干部配备"


def test_structure_marks_follow_the_checker(book_zh, result_dir):
    res = load_result(result_dir)
    ws = book_zh["班子结构"]
    header = list(_rows(ws)[0])
    col = header.index("女干部（调整后）") + 1
    teams = [r[0] for r in _rows(ws)[1:]]
    figures = res.figures[(res.figures["rule"] == "R-TC5") & (res.figures["mode"] != "off")
                          & (res.figures["scope"] == "team")]
    assert len(figures)
    for _, f in figures.iterrows():
        cell = ws.cell(row=teams.index(f["where"]) + 2, column=col)
        want = "FFC7CE" if f["shortfall"] > 0 else "C6EFCE"
        assert cell.fill.fgColor.rgb.endswith(want), (f["where"], cell.fill.fgColor.rgb)


def _edited_by_hand(folder: Path) -> None:
    """The folder's tables are edited below: summary.json no longer vouches for them
    (its `files` checksums would refuse the folder as mixed)."""
    path = folder / "summary.json"
    summary = json.loads(path.read_text("utf-8"))
    summary.pop("files", None)
    path.write_text(json.dumps(summary), "utf-8")


def test_english_workbook_and_alternates_sheet(result_dir, tmp_path):
    folder = tmp_path / "result"
    shutil.copytree(result_dir, folder)
    _edited_by_hand(folder)
    roster = pd.read_csv(folder / "roster.csv", dtype=str, encoding="utf-8-sig")
    pd.DataFrame({"post_id": [roster["post_id"].iat[0]], "rank": [1],
                  "cadre_id": ["0013"], "objective_change": [12.0],
                  "breaks": ["R-TC5"]}).to_csv(folder / "alternates.csv", index=False)
    book = openpyxl.load_workbook(write_report_xlsx(load_result(folder), tmp_path / "e.xlsx",
                                                    "en"))
    assert book.sheetnames[:5] == ["Roster", "Moves", "Leaving a post", "Team structure",
                                   "Rules"]
    assert "Alternates" in book.sheetnames and book.sheetnames[-1] == "About"
    assert list(_rows(book["Roster"])[0]) == ROSTER_HEADERS_EN
    alt = _rows(book["Alternates"])
    assert alt[1][4] == "0013" and alt[1][5] == "马超" and "R-TC5" in alt[1][8]


def test_reasons_are_composed_without_an_explanation(result_dir, tmp_path):
    folder = tmp_path / "result"
    shutil.copytree(result_dir, folder)
    _edited_by_hand(folder)
    for name in ("roster.csv", "moves.csv"):
        frame = pd.read_csv(folder / name, dtype=str, keep_default_na=False,
                            encoding="utf-8-sig")
        frame.drop(columns=[c for c in frame if c.startswith("reason")]).to_csv(
            folder / name, index=False)
    book = openpyxl.load_workbook(write_report_xlsx(load_result(folder), tmp_path / "r.xlsx"))
    reasons = [r[11] for r in _rows(book["拟任名单"])[1:]]
    assert "留任" in reasons  # the fit has its own column, never the reason's
    assert any("晋升" in r or "平级交流" in r for r in reasons)
    assert not any(re.search(r"[0-9]|R-[A-Z]", r) for r in reasons)
    moves = {r[0]: r for r in _rows(book["调整清单"])[1:]}
    # moved by the sensitive-system rotation rule: the rule id in its column, words in
    # the reason
    assert "R-RO2" in moves["0004"][7]
    assert moves["0004"][8].startswith("在重点部门班子任副职满十年，按规定"), moves["0004"][8]


def test_cli_report_writes_both_files(result_dir, tmp_path):
    folder = tmp_path / "result"
    shutil.copytree(result_dir, folder)
    res = CliRunner().invoke(app, ["report", str(folder), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert (folder / "report.xlsx").is_file() and (folder / "report.html").is_file()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temp files left
    assert "马超" not in res.output  # ids only on the terminal


def test_cli_report_on_a_folder_without_results_exits_3(tmp_path):
    res = CliRunner().invoke(app, ["report", str(tmp_path), "--lang", "en"])
    assert res.exit_code == 3
    assert "roster.csv" in res.output and "summary.json" in res.output
    assert "Traceback" not in res.output


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="libreoffice not installed")
def test_libreoffice_opens_the_report(result_dir, tmp_path):
    book = write_report_xlsx(load_result(result_dir), tmp_path / "report.xlsx")
    run = subprocess.run(["libreoffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                          "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "report.pdf").stat().st_size > 5000


def test_cli_report_on_an_infeasible_result_says_there_is_no_roster(tmp_path):
    (tmp_path / "summary.json").write_text('{"status": "infeasible"}', "utf-8")
    res = CliRunner().invoke(app, ["report", str(tmp_path), "--lang", "en"])
    assert res.exit_code == 3 and "no roster" in res.output and "infeasible" in res.output
