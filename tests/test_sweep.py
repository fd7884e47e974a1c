"""Sweeps: the file format, the Pareto front, and a 3×3 sweep of the mini data set
run in this process, in two local processes and on a local Ray instance, giving
the same rows (timing columns aside). Every roster a sweep writes is confirmed
again here by the independent checker, read back from its result folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from builders import mini_scenario
from typer.testing import CliRunner

from cli import app
from placement import api
from placement.checker import check_roster, read_roster
from placement.data.errors import InputError
from placement.data.scenario_io import parse_override, setting_text, value_text
from placement.whatif.sweep.chart import pareto_front
from placement.whatif.sweep.local import compare_rows
from placement.whatif.sweep.spec import Chart, make_sweep, parse_sweep, read_sweep
from placement.whatif.sweep.task import TIMING, Task, run_task

GRID = {"rules.R-TC5.min_women": [2, 3, 4], "weights.fit": [1, 5, 20]}
# R-RS2 off: the known figures below are the mini data's women story, with promotions not
# priced by the reserve pool (R-RS2 moved the four-women run to fit 1039). R-EL12 was off
# too while it removed incumbents reaching 60 within the term; since issue 24 it is no
# age rule and stays at its default.
COMMON = ["rules.R-TC4.mode=off", "rules.R-RS2.mode=off"]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sweep")
    path = mini_scenario(folder)
    (folder / "grid.toml").write_text(
        'name = "mini 3x3"\nbase = "mini.toml"\nset = ["rules.R-TC4.mode=off"]\n'
        '[grid]\nrules.R-TC5.min_women = [2, 3, 4]\n"weights.fit" = [1, 5, 20]\n'
        '[chart]\nx = "fit"\ny = "women"\n', "utf-8")
    return path


@pytest.fixture(scope="module")
def local(base, tmp_path_factory):
    """The 3×3 sweep in two local processes (the parallel default on 2 cores)."""
    out = tmp_path_factory.mktemp("local")
    return api.sweep(make_sweep(base, grid=GRID, common=COMMON), out, processes=2)


def _checked(base: Path, outcome) -> None:
    """Every run's roster, read back from its folder, passes the independent checker."""
    for row in outcome.rows.itertuples():
        sc, data = api.load(base, [*COMMON, f"rules.R-TC5.min_women={row[3]}",
                                   f"weights.fit={row[4]}"])
        report = check_roster(sc, data, read_roster(outcome.out / row.result / "roster.csv"))
        assert report.ok, report.render("en")


# --- the file ----------------------------------------------------------------------
def test_grid_runs_every_combination_first_key_slowest(base):
    spec = read_sweep(base.parent / "grid.toml")
    assert spec.base == base.resolve() and spec.name == "mini 3x3"
    assert [r.name for r in spec.runs[:4]] == [
        "min_women=2, fit=1", "min_women=2, fit=5", "min_women=2, fit=20",
        "min_women=3, fit=1"]
    assert spec.runs[5].params == {"rules.R-TC5.min_women": 3, "weights.fit": 20}
    assert spec.runs[5].overrides == ["rules.R-TC4.mode=off", "rules.R-TC5.min_women=3",
                                      "weights.fit=20"]


def test_runs_list_and_values_written_back_as_toml(base):
    spec = parse_sweep({"base": base.name, "runs": [
        {"name": "hard", "set": ["rules.R-TC5.mode=hard"]},
        {"set": {"rules": {"R-RO2": {"systems": ["公安", "法院"]}}, "rules.R-TC1.share": "1/2"}},
    ]}, base.parent)
    assert [r.index for r in spec.runs] == [0, 1]
    assert spec.runs[0].name == "hard" and spec.runs[0].params == {"rules.R-TC5.mode": "hard"}
    assert spec.runs[1].overrides == ['rules.R-RO2.systems=["公安", "法院"]',
                                      'rules.R-TC1.share="1/2"']
    assert spec.runs[1].params["rules.R-RO2.systems"] == ["公安", "法院"]
    assert value_text({"正科": 47, "x": [1.5, True]}) == '{ "正科" = 47, x = [1.5, true] }'
    for value in ({"正科": 47, "x": [[1.5], {"y": "a,\n]"}]}, [], "行\n,", 2.5e20, True):
        assert parse_override(setting_text("k", value)) == (("k",), value)


def test_bad_sweep_files_name_every_problem(base, tmp_path):
    with pytest.raises(InputError) as err:
        parse_sweep({"grid": {"weights.fit": 3}, "colour": 1, "chart": {"x_sense": "up"},
                     "ray": {"adress": "auto"}})
    text = err.value.render("en")
    for part in ("column base", "column colour", "column grid.weights.fit",
                 "column chart.x_sense", "column ray"):
        assert part in text, part
    bad = make_sweep(base, grid={"rules.R-TC5.min_woman": [1, 2]})
    with pytest.raises(InputError) as err:
        api.sweep(bad)
    text = err.value.render("en")
    assert "(run 0: min_woman=1)" in text and "did you mean min_women or min_women_every?" in text


def test_a_run_that_fails_is_an_error_row():
    row, result = run_task(Task(4, "broken", {"weights.fit": 2}, {"data": "x"}, "", ""), None)
    assert result is None and row["status"] == "error" and row["run"] == 4
    assert row["weights.fit"] == 2 and "reference_date" in row["error"]


def test_pareto_front_both_senses():
    rows = pd.DataFrame({"status": ["optimal"] * 5 + ["infeasible"],
                         "fit": [10, 8, 8, 5, 10, 99], "women": [1, 3, 2, 3, 1, 99]})
    assert list(pareto_front(rows, Chart("fit", "women"))) == [True, True, False, False,
                                                                 True, False]
    assert Chart("fit", "penalty").sense("y") == "min"
    minimise = pareto_front(rows, Chart("fit", "women", y_sense="min"))
    assert list(minimise) == [True, False, False, False, True, False]  # (10, 1) beats all


# --- running it ----------------------------------------------------------------------
def test_local_sweep_rows_files_and_checked_rosters(base, local):
    rows = local.rows
    assert local.exit_code == 0 and not local.interrupted
    assert list(rows["run"]) == list(range(9)) and (rows["status"] == "optimal").all()
    assert rows["check_ok"].all()
    for col in ("objective", "fit", "women", "young", "locals", "exchanged_in", "non_party",
                "township_head", "avg_age", "penalty", "short.R-TC5.team", "short.R-TC5.all",
                "short.R-TC10.all",
                *TIMING):
        assert col in rows, col
    # Known figures: more women cost fit. Since issue 24 R-TC5 (b) counts per county (the
    # seed's unit): the mini data's one county, 洪洞县, has its two teams' 8 places
    # together, and (b) asks min_women of it. Two women it has at the best fit (1010, 6
    # women in all teams); four take a seventh woman at a fit cost (993, as A in
    # tests/test_diff.py), and (b) is met in every run. (Per team, before: 4 women left
    # both teams short, 2, and fit won, 6 women at fit 991.) No sitting cadre is released
    # without a cause now, hence fits below the 1030 of before. Tier (a), one woman in
    # each team, is met in every run.
    by = rows.set_index(["rules.R-TC5.min_women", "weights.fit"])
    figures = ["fit", "women", "short.R-TC5.team", "short.R-TC5.all"]
    assert by.loc[(2, 20), figures].tolist() == [1010, 6, 0, 0]
    assert by.loc[(4, 20), figures].tolist() == [993, 7, 0, 0]
    assert not by.loc[(2, 1), "pareto"] and by.loc[(2, 20), "pareto"]
    files = pd.read_csv(local.out / "rows.csv", encoding="utf-8-sig")
    assert len(files) == 9 and list(files.columns) == list(rows.columns)
    meta = json.loads((local.out / "sweep.json").read_text("utf-8"))
    assert meta["finished"] == 9 and meta["processes"] == 2 and not meta["interrupted"]
    page = (local.out / "chart.html").read_text("utf-8")
    # Chinese unless told otherwise, from Python too (issue 15)
    assert "<svg" in page and "帕累托前沿" in page and "<script" not in page
    _checked(base, local)


def test_one_process_gives_the_same_rows(base, local):
    one = api.sweep(make_sweep(base, grid=GRID, common=COMMON), processes=1)
    a, b = compare_rows(local.rows.drop(columns="result"), one.rows.drop(columns="result"))
    pd.testing.assert_frame_equal(a, b)


def test_ray_sweep_gives_the_same_rows(base, local, tmp_path):
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        on_ray = api.sweep(make_sweep(base, grid=GRID, common=COMMON), tmp_path, ray="local")
    finally:
        ray.shutdown()
    assert on_ray.meta["backend"] == "ray" and on_ray.exit_code == 0
    a, b = compare_rows(local.rows, on_ray.rows)
    pd.testing.assert_frame_equal(a, b)
    _checked(base, on_ray)


def test_interrupted_sweep_keeps_the_finished_rows(base, tmp_path):
    seen = []

    def stop_after_two(row: dict) -> None:
        seen.append(row["run"])
        if len(seen) == 2:
            raise KeyboardInterrupt

    out = api.sweep(make_sweep(base, grid=GRID, common=COMMON), tmp_path, processes=1,
                    on_row=stop_after_two)
    assert out.interrupted and out.exit_code == 130 and list(out.rows["run"]) == [0, 1]
    assert len(pd.read_csv(tmp_path / "rows.csv", encoding="utf-8-sig")) == 2
    assert json.loads((tmp_path / "sweep.json").read_text("utf-8"))["interrupted"]
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["000", "001"]


def test_cli_sweep(base, tmp_path):
    out = tmp_path / "cli"
    run = CliRunner().invoke(app, ["sweep", str(base.parent / "grid.toml"), "--out", str(out),
                                   "--processes", "1", "--set", "rules.R-TC5.mode=off",
                                   "--no-results"])
    assert run.exit_code == 0, run.output
    assert "9 of 9 runs" in run.output
    rows = pd.read_csv(out / "rows.csv", encoding="utf-8-sig")
    # --set applies to every run: R-TC5 off in both tiers, no column of it
    assert len(rows) == 9 and not rows.columns.str.startswith("short.R-TC5").any()
    assert not (out / "runs").exists()
    bad = tmp_path / "bad.toml"
    bad.write_text(f'base = "{base.as_posix()}"\n[grid]\n"weights.fit" = [-1]\n', "utf-8")
    run = CliRunner().invoke(app, ["sweep", str(bad), "--out", str(tmp_path / "bad")])
    assert run.exit_code == 3
    assert "run 0: fit=-1" in run.output
