"""`placement plan`: a rotation plan over several years, one checked roster per year.

Tiny builder-made data sets (tests/builders.py) on township teams (no county-team
quotas apply), every rule at its catalogue default except R-TC4 and R-TC10, whose
yearly targets would reward moving someone each year, and the default weights
(a sitting cadre allowed to stay costs 20 to move, 200 more to release). The plan
starts on 2026-09-01 (`solving.REF`), so year 3 is 2028-09-01.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from types import SimpleNamespace

import pandas as pd
import pytest
from builders import make_dataset
from solving import REF, scenario
from typer.testing import CliRunner

from cli import app
from placement import api
from placement.checker import check_roster, read_roster
from placement.data.errors import InputError, OutputError
from placement.data.loader import load_dataset
from placement.data.scenario_io import load_scenario, scenario_to_dict
from placement.meaning import term
from placement.plan import dataset_files
from placement.plan.rolling import reference
from placement.plan.scenario_file import scenario_toml
from placement.plan.tables import plan_summary, plan_table

WEIGHTS = {"fit": 1, "move": 20, "release": 200}


def plan_scenario(rules: dict | None = None, **fields):
    off = {"R-TC4": {"mode": "off"}, "R-TC10": {"mode": "off"}}
    return scenario(off | (rules or {}), all_off=False, weights=WEIGHTS, **fields)


def fit(scores: dict[tuple[str, str], int]) -> list[dict]:
    return [{"cadre_id": c, "post_id": p, "score": s} for (c, p), s in scores.items()]


def deadline_data(scores: dict[tuple[str, str], int]):
    """Head H of township A since 2018-06-01: 8.25 years in post in 2026, 9.25 in
    2027, 10.25 in 2028 (R-RO1: 10 years). X is placed in V, the vacant deputy post
    of township B. Two posts, two cadres: every roster fills both with both."""
    teams = [{"team_id": "A", "kind": "township"}, {"team_id": "B", "kind": "township"}]
    posts = [{"post_id": "AH", "team_id": "A", "grade": "head", "rank": "正科",
              "incumbent_id": "H"},
             {"post_id": "V", "team_id": "B", "rank": "正科"}]
    cadres = [{"cadre_id": "H", "post_since": "2018-06-01", "team_since": "2018-06-01"},
              {"cadre_id": "X"}]
    return make_dataset(teams=teams, posts=posts, cadres=cadres, fit=fit(scores),
                        reference_date=REF)


def holders(p) -> dict[int, dict[str, str]]:
    """year -> post -> holder, from each year's roster."""
    return {int(y.label): dict(zip(y.result.roster["post_id"], y.result.roster["cadre_id"],
                                   strict=True)) for y in p.years}


# Fits where staying is better: H in AH 60 + X in V 50 = 110 against the swap's
# 40 + 40 - 20 (H's move) = 60.
STAY_BETTER = {("H", "AH"): 60, ("X", "V"): 50, ("H", "V"): 40, ("X", "AH"): 40}


def test_head_reaching_ten_years_in_year_3_moves_in_year_3_not_before():
    p = api.plan(plan_scenario(), deadline_data(STAY_BETTER), years=4)
    assert p.ok and [y.label for y in p.years] == ["2026", "2027", "2028", "2029"]
    assert holders(p) == {2026: {"AH": "H", "V": "X"}, 2027: {"AH": "H", "V": "X"},
                          2028: {"AH": "X", "V": "H"}, 2029: {"AH": "X", "V": "H"}}
    lines = plan_table(p)
    assert lines[["year", "post_id", "holder", "change", "reason"]].values.tolist() == [
        [2026, "V", "X", "new", "vacant post"],
        [2028, "AH", "X", "moved_in", "moved to V (required by R-RO1)"],
        [2028, "V", "H", "moved_in", "moved to AH"],
    ]
    assert lines["required_by"].tolist() == ["", "R-RO1", ""]
    assert lines["holder_from"].tolist() == ["", "V", "AH"]
    figures = plan_summary(p)["years"]
    assert [f["moves"]["forced"] for f in figures] == [0, 0, 1, 0]
    assert figures[2]["moves"]["forced_by"] == {"R-RO1": 1}
    # 2028 by cause: AH forced by R-RO1; V chosen, serving AH's succession.
    stable = figures[2]["stability"]
    assert (stable["forced_by"], stable["chosen_serves"]) == ({"R-RO1": 1}, {"succession": 1})
    assert stable["chosen_lines"] == [
        {"post_id": "V", "serves": "succession", "via": "AH", "cause": "R-RO1"}]


def test_a_chosen_change_serves_the_target_due_or_the_succession_it_follows():
    """Along the chain of posts a promoted successor leaves behind: C's holder went to
    B, B's to A, whose holder retired: C and B serve A's succession. E's holder had
    reached R-RO5's deadline: E serves R-RO5, and so does D, whose holder went to E.
    F and G swap with no cause and no target due: F's new holder meets R-TC5 there
    (the roster line's reason cites it), G's nothing: G serves none."""
    from placement.plan.tables import chosen_serves

    # holder_from: the post the new holder came from (who left post X went to the
    # post whose holder_from is X); V was vacant.
    rows = [("A", "R-EL7", "", "retired", "B", "a"), ("B", "", "", "", "C", "b"),
            ("C", "", "", "", "", "c"), ("D", "", "", "", "", "d"),
            ("E", "", "R-RO5", "", "D", "e"), ("F", "", "", "", "G", "f"),
            ("G", "", "", "", "F", "g"), ("V", "", "", "", "", "")]
    lines = pd.DataFrame(rows, columns=["post_id", "required_by", "target_due", "departure",
                                        "holder_from", "previous_holder"])
    served = chosen_serves(lines, {"F": "R-TC5", "G": "", "B": "R-TC8"})
    got = {s["post_id"]: (s["serves"], s["via"], s["cause"]) for s in served}
    assert got == {"B": ("succession", "A", "R-EL7"), "C": ("succession", "A", "R-EL7"),
                   "D": ("R-RO5", "E", "target_due"), "E": ("R-RO5", "E", "target_due"),
                   "F": ("R-TC5", "F", "target_met"), "G": ("none", "", "")}


def test_head_moves_in_year_1_when_that_is_cheaper_and_allowed():
    # Stay: 10 + 10 = 20; swap: H in V 100 + X in AH 90 - 20 (H's move) = 170.
    scores = {("H", "AH"): 10, ("X", "V"): 10, ("H", "V"): 100, ("X", "AH"): 90}
    p = api.plan(plan_scenario(), deadline_data(scores), years=3)
    assert p.ok
    assert holders(p) == {y: {"AH": "X", "V": "H"} for y in (2026, 2027, 2028)}
    assert plan_table(p)[["year", "post_id", "reason"]].values.tolist() == [
        [2026, "AH", "moved to V"], [2026, "V", "vacant post"]]


def test_year_on_restarts_tenure_for_who_moved_and_keeps_it_for_who_stayed():
    scores = {("H", "AH"): 10, ("X", "V"): 10, ("H", "V"): 100, ("X", "AH"): 90}
    p = api.plan(plan_scenario(), deadline_data(scores), years=2)
    cadres = p.years[1].data.cadres.set_index("cadre_id")
    assert p.years[1].scenario.reference_date == dt.date(2027, 9, 1)
    moved = pd.Timestamp(REF)
    assert cadres.loc["H", "post_since"] == moved and cadres.loc["H", "team_since"] == moved
    assert cadres.loc["X", "post_since"] == moved and cadres.loc["X", "region"] == "R1"
    posts = p.years[1].data.posts.set_index("post_id")["incumbent_id"]
    assert posts.to_dict() == {"AH": "X", "V": "H"}


def retirement_data():
    """Township A: head H, deputy R born 1967-03-01 (59 on 2026-09-01, 60 on
    2027-09-01: R-EL7's retirement age), candidate X outside the team. H and R are
    not candidates: they stay or leave."""
    teams = [{"team_id": "A", "kind": "township"}]
    posts = [{"post_id": "AH", "team_id": "A", "grade": "head", "rank": "正科",
              "incumbent_id": "H"},
             {"post_id": "AD", "team_id": "A", "rank": "正科", "incumbent_id": "R"}]
    cadres = [{"cadre_id": "H", "candidate": False, "name": "何海"},
              {"cadre_id": "R", "candidate": False, "birth_date": "1967-03-01"},
              {"cadre_id": "X", "name": "谢欣"}]
    scores = {(c, p): 50 for c in ("H", "R", "X") for p in ("AH", "AD")}
    return make_dataset(teams=teams, posts=posts, cadres=cadres, fit=fit(scores),
                        reference_date=REF)


def test_retirement_in_year_2_opens_a_vacancy_filled_that_year():
    # R-EL12 off: it would not let R (59, reaching 60 within the term) stay even in year 1;
    # this test is about R-EL7's retirement opening the post in year 2.
    p = api.plan(plan_scenario({"R-EL12": {"mode": "off"}}), retirement_data(), years=3)
    assert p.ok
    assert holders(p) == {2026: {"AH": "H", "AD": "R"}, 2027: {"AH": "H", "AD": "X"},
                          2028: {"AH": "H", "AD": "X"}}
    lines = plan_table(p)
    assert lines[["year", "post_id", "holder", "change", "reason", "previous_holder"]
                 ].values.tolist() == [
        [2027, "AD", "X", "new", "retired (R-EL7 retirement age)", "R"]]
    assert [f["moves"]["departures"]["retired"] for f in plan_summary(p)["years"]] == [0, 1, 0]
    assert bool(p.years[1].data.cadres.set_index("cadre_id").loc["R", "leaving"])


def test_a_scheduled_departure_takes_effect_in_its_year():
    # H leaves in year 3 by the schedule: X takes AH then (R is no candidate).
    p = api.plan(plan_scenario(rules={"R-EL7": {"retirement_age": 70}}),
                 retirement_data(), years=3, leaves={"H": 3})
    assert holders(p)[2027] == {"AH": "H", "AD": "R"}
    assert holders(p)[2028] == {"AH": "X", "AD": "R"}
    assert plan_table(p)["reason"].tolist() == ["leaves (plan schedule)"]


def test_every_year_folder_is_confirmed_by_the_checker_on_its_own(tmp_path):
    p = api.plan(plan_scenario(), deadline_data(STAY_BETTER), years=3, out=tmp_path / "plan")
    out = tmp_path / "plan"
    assert sorted(x.name for x in out.iterdir()) == [
        "2026", "2027", "2028", "plan.csv", "plan.json", "timeline.csv"]
    for index, year in enumerate(p.years, 1):
        folder = out / year.label
        sc = load_scenario(folder / "scenario.toml")
        assert sc.reference_date == reference(REF, index)
        data = load_dataset(sc.data, reference_date=sc.reference_date)
        assert check_roster(sc, data, read_roster(folder / "roster.csv")).ok
        res = CliRunner().invoke(app, ["check", str(folder / "scenario.toml"),
                                       str(folder / "roster.csv")])
        assert res.exit_code == 0, res.output
    year3 = load_dataset(out / "2028" / "data", reference_date=dt.date(2028, 9, 1))
    assert year3.posts.set_index("post_id")["incumbent_id"].to_dict() == {"AH": "H", "V": "X"}
    timeline = pd.read_csv(out / "timeline.csv", encoding="utf-8-sig")
    assert timeline[["year", "team_id", "holders", "changed_posts"]].values.tolist() == [
        [2026, "A", "AH=H", 0], [2026, "B", "V=X", 1], [2027, "A", "AH=H", 0],
        [2027, "B", "V=X", 0], [2028, "A", "AH=X", 1], [2028, "B", "V=H", 1]]
    # V is new in 2026 (a vacancy X fills), both posts change in 2028.


def test_year_1_is_the_plain_solve():
    sc, data = plan_scenario(), deadline_data(STAY_BETTER)
    p = api.plan(sc, data, years=1)
    solved = api.solve(sc, data)
    assert p.years[0].result.objective == solved.objective
    assert p.years[0].result.roster["cadre_id"].tolist() == solved.roster["cadre_id"].tolist()


def test_scenario_file_reads_back_to_the_same_settings(tmp_path):
    sc = plan_scenario(locks={"forbid": [{"cadre": "X", "post": "AH"}]},
                       rules={"R-EL7": {"promotion_max_age": {"副处": 49}}})
    (tmp_path / "s.toml").write_text(scenario_toml(sc, "data", "a comment"), "utf-8")
    back = load_scenario(tmp_path / "s.toml")
    want, got = scenario_to_dict(sc), scenario_to_dict(back)
    assert got.pop("data") == str(tmp_path / "data")
    want.pop("data")
    assert got == want


def test_cli_plan_writes_the_folder_and_refuses_a_foreign_one(tmp_path):
    data, sc = deadline_data(STAY_BETTER), plan_scenario()
    dataset_files.write(dataset_files.as_text(data), tmp_path / "data")
    (tmp_path / "s.toml").write_text(scenario_toml(sc, "data"), "utf-8")
    run = CliRunner().invoke(app, ["plan", str(tmp_path / "s.toml"), "--years", "3",
                                   "--out", str(tmp_path / "plan")])
    assert run.exit_code == 0, run.output
    assert "2028: optimal" in run.output and "2 posts change (1 forced" in run.output
    zh = CliRunner().invoke(app, ["plan", str(tmp_path / "s.toml"), "--years", "3",
                                  "--out", str(tmp_path / "plan"), "--lang", "zh"])
    assert zh.exit_code == 0, zh.output
    assert "2028年：最优" in zh.output and "因规定必须调整 1 个" in zh.output
    words = zh.output.replace(str(tmp_path / "plan"), "")
    assert not re.search(r"[A-Za-z]", words), words
    again = CliRunner().invoke(app, ["plan", str(tmp_path / "s.toml"), "--years", "2",
                                     "--out", str(tmp_path / "plan")])
    assert again.exit_code == 0, again.output
    assert sorted(x.name for x in (tmp_path / "plan").iterdir()) == [
        "2026", "2027", "plan.csv", "plan.json", "timeline.csv"]
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    refused = CliRunner().invoke(app, ["plan", str(tmp_path / "s.toml"), "--out",
                                       str(tmp_path / "other")])
    assert refused.exit_code == 2 and (tmp_path / "other" / "notes.txt").exists()


def test_years_out_of_range_are_refused():
    with pytest.raises(ValueError, match="years must be"):
        api.plan(plan_scenario(), deadline_data(STAY_BETTER), years=0)


# ------------------------------------------------------------------ the plan report


def test_plan_report_has_the_plan_sheet_and_a_timeline_per_county(tmp_path):
    from openpyxl import load_workbook

    api.plan(plan_scenario(), deadline_data(STAY_BETTER), years=3, out=tmp_path / "plan")
    xlsx, html = api.report(tmp_path / "plan")
    book = load_workbook(xlsx)
    assert book.sheetnames == ["换届规划", "正职逐年", "班子逐年", "逐年调整"]
    rows = list(book["换届规划"].values)
    head = list(rows[0])
    got = {r[0]: dict(zip(head, r, strict=True)) for r in rows[1:]}
    # 2026: V vacant, X placed; 2027: nothing; 2028: H's R-RO1 deadline moves him out
    # of AH (forced), and X leaves V by choice for AH (not forced): 2 changes, 1 forced.
    assert [(y, got[y]["变动职位"], got[y]["被动调整"], got[y]["R-RO1 正职任职满10年交流"],
             got[y]["空缺补充"], got[y]["择优调整"]) for y in (2026, 2027, 2028)] == [
        (2026, 1, 0, 0, 1, 0), (2027, 0, 0, 0, 0, 0), (2028, 2, 1, 1, 0, 1)]
    heads = [r[4:7] for r in list(book["正职逐年"].values)[1:]]
    assert heads == [(2026, "H", "H"), (2027, "H", "H"), (2028, "X", "X")]  # names are ids
    page = html.read_text("utf-8")
    assert page.count("<svg") == 1 and "<script" not in page and "https://" not in page
    assert 'id="county-R1"' in page and "换届规划" in page
    # The 2028 cell of AH (X, forced out H by R-RO1) is drawn in the deadline colour.
    assert '<rect x="' in page and 'fill="#d9534f"/><text' in page
    _, html_en = api.report(tmp_path / "plan", lang="en")
    assert "Rotation plan" in html_en.read_text("utf-8")


def test_plan_report_refuses_a_plan_file_changed_since_written(tmp_path):
    from placement.data.errors import InputError

    api.plan(plan_scenario(), deadline_data(STAY_BETTER), years=2, out=tmp_path / "plan")
    with open(tmp_path / "plan" / "plan.csv", "a", encoding="utf-8") as f:
        f.write("2027,V,H,moved_in,,B,,,,,,,\n")
    with pytest.raises(InputError) as err:
        api.report(tmp_path / "plan")
    assert err.value.problems[0].params["file"] == "plan.csv"
    run = CliRunner().invoke(app, ["report", str(tmp_path / "plan")])
    assert run.exit_code == 3 and "plan.csv" in run.output


# ---------------------------------------------------- the plan folder, whole or not at all


def test_a_failure_mid_plan_leaves_no_partial_folder_and_the_old_plan_untouched(
        tmp_path, monkeypatch):
    from placement.plan import folder as plan_folder

    out = tmp_path / "plan"
    sc, data = plan_scenario(), deadline_data(STAY_BETTER)
    real = plan_folder.dataset_files.write

    def fail_in_2027(tables, where):
        if where.parent.name == "2027":
            raise OSError(28, "No space left on device", str(where))
        return real(tables, where)

    monkeypatch.setattr(plan_folder.dataset_files, "write", fail_in_2027)
    with pytest.raises(OutputError):
        api.plan(sc, data, years=3, out=out)
    assert sorted(tmp_path.iterdir()) == []  # no folder, no sibling, no lock left

    monkeypatch.setattr(plan_folder.dataset_files, "write", real)
    api.plan(sc, data, years=1, out=out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    monkeypatch.setattr(plan_folder.dataset_files, "write", fail_in_2027)
    with pytest.raises(OutputError):
        api.plan(sc, data, years=3, out=out)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before and sorted(x.name for x in tmp_path.iterdir()) == ["plan"]

    # A failure while solving (before anything is written) leaves it untouched too.
    def boom(*args, **kwargs):
        raise RuntimeError("solver crashed")

    monkeypatch.setattr("placement.plan.rolling.solve_result", boom)
    with pytest.raises(RuntimeError):
        api.plan(sc, data, years=3, out=out)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_plan_json_lists_every_file_with_its_checksum(tmp_path):
    import hashlib
    import json

    api.plan(plan_scenario(), deadline_data(STAY_BETTER), years=2, out=tmp_path / "plan")
    out = tmp_path / "plan"
    files = json.loads((out / "plan.json").read_text("utf-8"))["files"]
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                     if p.is_file() and p.name != "plan.json")
    assert sorted(files) == on_disk and "2027/data/cadres.csv" in files
    assert files["plan.csv"] == hashlib.sha256((out / "plan.csv").read_bytes()).hexdigest()
    summary = json.loads((out / "2027" / "summary.json").read_text("utf-8"))
    assert summary["out"] == str(out.absolute() / "2027")  # not the temporary sibling's


# ------------------------------------------------------------------ --leaves FILE


def leaves_setup(tmp_path):
    sc = plan_scenario(rules={"R-EL7": {"retirement_age": 70}})
    dataset_files.write(dataset_files.as_text(retirement_data()), tmp_path / "data")
    (tmp_path / "s.toml").write_text(scenario_toml(sc, "data"), "utf-8")
    return tmp_path / "s.toml"


def test_cli_plan_leaves_file_schedules_departures_by_calendar_year(tmp_path):
    toml = leaves_setup(tmp_path)
    (tmp_path / "leaves.csv").write_text("cadre_id,year\nH,2028\n", "utf-8")
    run = CliRunner().invoke(app, ["plan", str(toml), "--years", "3", "--leaves",
                                   str(tmp_path / "leaves.csv"), "--out", str(tmp_path / "p"),
                                   "--lang", "en"])
    assert run.exit_code == 0, run.output
    lines = pd.read_csv(tmp_path / "p" / "plan.csv", encoding="utf-8-sig", dtype=str)
    # 2028 is year 3: H leaves then and X takes AH (as with api.plan(leaves={"H": 3})).
    assert lines[["year", "post_id", "holder", "reason", "departure"]].values.tolist() == [
        ["2028", "AH", "X", "leaves (plan schedule)", "scheduled"]]


def test_cli_plan_in_chinese_writes_chinese_files_the_report_reads(tmp_path):
    """--lang zh: plan.csv and timeline.csv with Chinese headers and words, names beside
    the ids; the plan report reads the folder as it reads the English one."""
    toml = leaves_setup(tmp_path)
    (tmp_path / "leaves.csv").write_text("cadre_id,year\nH,2028\n", "utf-8")
    run = CliRunner().invoke(app, ["plan", str(toml), "--years", "3", "--leaves",
                                   str(tmp_path / "leaves.csv"), "--out", str(tmp_path / "p"),
                                   "--lang", "zh"])
    assert run.exit_code == 0, run.output
    lines = pd.read_csv(tmp_path / "p" / "plan.csv", encoding="utf-8-sig", dtype=str,
                        keep_default_na=False)
    assert list(lines.columns)[:5] == ["年度", "职位编号", "任职人编号", "变动", "说明"]
    assert not [c for c in lines.columns if re.search("[A-Za-z]", c)]
    row = lines.iloc[0]
    assert (row["说明"], row["离任"], row["原任人员编号"]) == (
        "离任（规划安排）", "按计划离任", "H")
    assert (row["原任人员"], row["任职人"]) == ("何海", "谢欣")  # names beside the ids
    timeline = pd.read_csv(tmp_path / "p" / "timeline.csv", encoding="utf-8-sig", dtype=str,
                           keep_default_na=False)
    assert "任职人（职位=人员）" in timeline.columns and "班子类型" in timeline.columns
    assert "AH=X（谢欣）" in timeline["任职人（职位=人员）"].iloc[-1]
    xlsx, _ = api.report(tmp_path / "p", lang="zh")
    assert xlsx.is_file()


def test_cli_plan_leaves_file_problems_name_file_row_and_column(tmp_path):
    toml = leaves_setup(tmp_path)
    bad = tmp_path / "leaves.csv"
    bad.write_text("cadre_id,year\nH,2028\nNOBODY,2027\nH,2027\nX,next\nR,2031\n,2027\n",
                   "utf-8")
    run = CliRunner().invoke(app, ["plan", str(toml), "--years", "3", "--leaves", str(bad),
                                   "--out", str(tmp_path / "p"), "--lang", "en"])
    assert run.exit_code == 3 and not (tmp_path / "p").exists()
    out = run.output
    assert f"{bad}, row 3, column cadre_id: NOBODY does not exist in cadres.cadre_id" in out
    assert f"{bad}, row 4, column cadre_id: duplicate id H (first seen in row 2)" in out
    assert f"{bad}, row 5, column year: cannot read whole number 'next'" in out
    # The plan's years are 2026 … 2028 (3 years from 2026-09-01).
    assert f"{bad}, row 6, column year: value 2031 is out of range; expected 2026 to 2028" in out
    assert f"{bad}, row 7, column cadre_id: must not be empty" in out
    (tmp_path / "cols.csv").write_text("cadre,year\nH,2028\n", "utf-8")
    run = CliRunner().invoke(app, ["plan", str(toml), "--leaves", str(tmp_path / "cols.csv"),
                                   "--out", str(tmp_path / "p"), "--lang", "en"])
    assert run.exit_code == 3
    assert "cols.csv, row 1: required column cadre_id (人员编号) is missing" in run.output
    run = CliRunner().invoke(app, ["plan", str(toml), "--leaves", str(tmp_path / "none.csv"),
                                   "--out", str(tmp_path / "p"), "--lang", "en"])
    assert run.exit_code == 3 and "none.csv not found" in run.output


def test_the_plan_sets_the_term_and_holds_the_age_drop_over_it():
    from placement.plan.rolling import year_scenario

    sc = plan_scenario({"R-TC10": {"mode": "target"}})
    one, two = year_scenario(sc, 1), year_scenario(sc, 2)
    assert one.rules["R-RO10"].term_start == two.rules["R-RO10"].term_start == REF
    assert one.rules["R-TC10"].avg_age_drop == sc.rules["R-TC10"].avg_age_drop == 1.0
    assert two.rules["R-TC10"].avg_age_drop == 0.0
    given = plan_scenario({"R-RO10": {"term_start": "2025-09-01"}})
    assert year_scenario(given, 2).rules["R-RO10"].term_start == dt.date(2025, 9, 1)


def test_a_finding_acts_once_in_its_year():
    """H (head of AH) carries an R-RO9 finding 不胜任现职: he may not stay in year 1 and
    swaps with X (V is of his rank). The finding is that year's: in year 2 nothing moves
    him again, though the fits (staying better) would have him back in AH."""
    data = deadline_data(STAY_BETTER)
    data.cadres.loc[data.cadres["cadre_id"] == "H", "finding"] = "unfit_post"
    p = api.plan(plan_scenario(), data, years=3)
    assert p.ok
    assert holders(p) == {y: {"AH": "X", "V": "H"} for y in (2026, 2027, 2028)}
    assert (p.years[1].data.cadres["finding"] == "").all()
    figures = plan_summary(p)["years"]
    assert [f["moves"]["forced"] for f in figures] == [1, 0, 0]
    assert [f["stability"]["posts_changed"] for f in figures] == [2, 0, 0]
    assert figures[0]["stability"] | {"year": 0} == {
        "year": 0, "posts_changed": 2, "forced": 1, "vacant": 1, "chosen": 0, "twice": 0,
        "twice_lateral": 0, "forced_by": {"R-RO9": 1}, "chosen_serves": {},
        "chosen_lines": []}


def test_a_later_year_opens_only_posts_no_cadre_may_take():
    """A year proven infeasible only by posts no cadre may take leaves those posts open
    (the pool is not replenished); any other conflict, or a roster, opens nothing."""
    from placement.plan.rolling import unfillable
    from placement.roster.result_folder import Result

    post = {"rule": "R-EL2", "where": "P2", "detail": "no cadre may take this post"}
    assert unfillable(Result({"status": "infeasible", "conflicts": [
        post, {**post, "where": "P1", "rule": "NO_CANDIDATE"}]})) == ["P1", "P2"]
    lock = {"rule": "R-EL2", "where": "must A->P1", "detail": "the lock breaks a hard rule"}
    assert unfillable(Result({"status": "infeasible", "conflicts": [post, lock]})) == []
    assert unfillable(Result({"status": "infeasible", "conflicts": []})) == []


def test_a_later_year_opens_the_posts_its_pool_cannot_fill_together():
    """Two vacant posts of township A and one cadre who may take either: each post has a
    candidate (the pre-checks pass), but no roster fills both. A maximum matching
    leaves one open; `unfillable` names it when the model's infeasibility (unexplained)
    is all that is known, and nothing when a lock conflict is among the answers."""
    from placement.eligibility.facts import compute_facts
    from placement.eligibility.pairs import eligible_pairs
    from placement.eligibility.prechecks import prechecks, unmatched_posts
    from placement.plan.rolling import unfillable
    from placement.roster.result_folder import Result

    data = make_dataset(teams=[{"team_id": "A", "kind": "township"}],
                        posts=[{"post_id": "P1", "team_id": "A", "rank": "正科"},
                               {"post_id": "P2", "team_id": "A", "rank": "正科"}],
                        cadres=[{"cadre_id": "X"}], reference_date=REF)
    sc = plan_scenario()
    facts = compute_facts(data, REF)
    pairs = eligible_pairs(data, sc, facts)
    assert sorted(set(pairs.post.tolist())) == [0, 1]
    assert [c["rule"] for c in prechecks(data, sc, facts, pairs)] == ["RANK"]
    short = unmatched_posts(data, facts, pairs)
    assert len(short) == 1
    model = {"rule": "hard rules", "where": "model", "detail": "no roster keeps every hard rule"}
    result = Result({"status": "infeasible", "conflicts": [model]}, data=data)
    behind = SimpleNamespace(data=data, facts=facts, pairs=pairs)  # the year's proposal
    assert unfillable(result, behind) == [data.posts["post_id"].iat[short[0]]]
    lock = {"rule": "R-EL2", "where": "must X->P1", "detail": "the lock breaks a hard rule"}
    assert unfillable(replace(result, summary={"status": "infeasible",
                                               "conflicts": [model, lock]}), behind) == []


def test_a_later_year_the_pool_does_not_explain_is_explained_and_stops_the_plan():
    """A keep lock on H in 2028, the year R-RO1 moves him: no post to open fixes that,
    so the plan stops at 2028 (exit 4) with the year explained, as `placement solve`
    would explain it: the lock named, and the relaxation that restores a roster
    verified (the first, unexplained solve has none)."""
    p = api.plan(plan_scenario(), deadline_data(STAY_BETTER), years=4,
                 locks={"keep": [{"id": "AH", "year": 2028}]})
    assert (p.exit_code, [y.label for y in p.years]) == (4, ["2026", "2027", "2028"])
    said = p.years[-1].result.summary
    assert [c["where"] for c in said["conflicts"]] == ["keep AH"]
    assert [(r["rule"], r["verified"]) for r in said["relaxations"]] == [("R-RO1", True)]
    assert p.years[-1].opened == []


def test_plan_locks_hold_in_their_year_or_the_whole_term(tmp_path):
    """H stays in AH while allowed (2026, 2027) and R-RO1 moves him in 2028. A must lock
    for 2027 puts X in AH that year only (2026 as without it); a forbid lock without a
    year holds every year, 2026 included; the year's scenario.toml carries the lock, so
    the checker reads the year as the plan solved it."""
    data, sc = deadline_data(STAY_BETTER), plan_scenario()
    assert holders(api.plan(sc, data, years=3)) == {
        2026: {"AH": "H", "V": "X"}, 2027: {"AH": "H", "V": "X"}, 2028: {"AH": "X", "V": "H"}}
    must = api.plan(sc, data, years=3, out=tmp_path / "p",
                    locks={"must": [{"cadre": "X", "post": "AH", "year": 2027,
                                     "reason": "planned"}], "keep_reasons": {}})
    assert must.ok and holders(must)[2026] == {"AH": "H", "V": "X"}
    assert holders(must)[2027] == {"AH": "X", "V": "H"}
    assert [len(y.scenario.locks.must) for y in must.years] == [0, 1, 0]
    year = load_scenario(tmp_path / "p" / "2027" / "scenario.toml")
    assert [(m.cadre, m.post) for m in year.locks.must] == [("X", "AH")]
    forbid = api.plan(sc, data, years=3, locks={"forbid": [{"cadre": "H", "post": "AH"}]})
    assert all(h == {"AH": "X", "V": "H"} for h in holders(forbid).values())


def test_plan_locks_file_problems_name_the_item(tmp_path):
    data = deadline_data(STAY_BETTER)
    bad = tmp_path / "locks.toml"
    bad.write_text('[locks]\nmust = [{ cadre = "NOBODY", post = "AH", year = 2031 }]\n'
                   'keep = ["A", { id = "Q", year = 2027 }]\nhold = []\n', "utf-8")
    from placement.plan.locks import read_plan_locks
    with pytest.raises(InputError) as err:
        read_plan_locks(bad, data, 2026, 3)
    got = {(p.code, p.column) for p in err.value.problems}
    assert got == {("unknown_key_choices", "locks.hold"), ("out_of_range", "locks.must[0].year"),
                   ("unknown_ref", "locks.must[0].cadre"), ("unknown_ref", "locks.keep[1].id")}
    assert all(p.source == str(bad) for p in err.value.problems)
    good = tmp_path / "good.toml"
    good.write_text('forbid = [{ cadre = "H", post = "AH", year = 2027 }]\n',
                    "utf-8")
    toml = tmp_path / "s.toml"
    dataset_files.write(dataset_files.as_text(data), tmp_path / "data")
    toml.write_text(scenario_toml(plan_scenario(), "data"), "utf-8")
    run = CliRunner().invoke(app, ["plan", str(toml), "--years", "2", "--locks", str(bad),
                                   "--out", str(tmp_path / "p"), "--lang", "en"])
    assert run.exit_code == 3 and not (tmp_path / "p").exists()
    assert "locks.must[0].cadre: NOBODY does not exist in cadres.cadre_id" in run.output
    run = CliRunner().invoke(app, ["plan", str(toml), "--years", "2", "--locks", str(good),
                                   "--out", str(tmp_path / "p"), "--lang", "en"])
    assert run.exit_code == 0, run.output


def _frames(data) -> dict[str, pd.DataFrame]:
    return {name: data.table(name) for name in ("teams", "posts", "cadres", "relations", "fit")}


@pytest.mark.parametrize("source", ["builders", "linfen"])
def test_every_year_is_solved_on_its_tables_as_the_loader_reads_them(source):
    """A later year's data set is the carried-on state itself, not its written tables
    read again (rolling._as_read): the two must be the same frames, column types
    included, for every year, so that `placement check YEAR/...` reads what the plan
    solved. The builders' data carries a finding and an evaluation (cleared after year
    1); Linfen every column the generator fills, over three years."""
    if source == "builders":
        data = deadline_data(STAY_BETTER)
        h = data.cadres["cadre_id"] == "H"
        data.cadres.loc[h, "finding"] = "unfit_post"
        data.cadres.loc[h, ["rating_good", "rating_bad"]] = [0.2, 0.5]
        data.cadres["evaluation_year"] = pd.array([2026, pd.NA], dtype="Int64")
        sc, years = plan_scenario(), 3
    else:
        sc, data = api.load("scenarios/linfen.toml")
        years = 3
    p = api.plan(sc, data, years=years)
    assert len(p.years) == years
    for year in p.years:
        read = dataset_files.build(year.tables, year.scenario.reference_date)
        for name, frame in _frames(read).items():
            pd.testing.assert_frame_equal(_frames(year.data)[name], frame, obj=name)
        assert (year.data.sources, year.data.checksums) == (read.sources, read.checksums)


def test_young_appointments_are_counted_over_the_term_and_reported_each_year(tmp_path):
    """R-TC4 at one a year: year k asks what k appointments lack after the years before
    (meaning/term.py); each year's scenario.toml carries it, so the checker reads the
    rule as the plan solved it, and plan.json reports each target's figure per year."""
    sc = plan_scenario({"R-TC4": {"mode": "target", "min_count": 1}})
    p = api.plan(sc, deadline_data(STAY_BETTER), years=3, out=tmp_path / "plan")
    assert p.ok
    made = [term.young_made(y.result.figures) for y in p.years]
    asked = [y.scenario.rules["R-TC4"].min_count for y in p.years]
    assert asked == [1, max(0, 2 - made[0]), max(0, 3 - made[0] - made[1])]
    figures = plan_summary(p)["years"]
    for year, ask, f in zip(p.years, asked, figures, strict=True):
        assert f["targets"]["R-TC4"]["all"]["required"] == ask
        assert load_scenario(tmp_path / "plan" / year.label / "scenario.toml").rules[
            "R-TC4"].min_count == ask
