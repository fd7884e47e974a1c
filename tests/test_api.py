"""The Python API (`placement.api`) gives what the CLI gives, as frames and objects.

`api.solve(...).write(dir)` must write the same files as `placement solve`: a test
solves the mini data set both ways and compares them byte for byte, so the API and
the CLI cannot drift apart. Every roster is confirmed by the independent checker.
"""

from __future__ import annotations

import ast
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
from placement.export.report.data import load_result
from placement.export.report.html import build_report_html

SETTINGS = ["rules.R-TC4.mode=off"]


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("api")
    return mini_scenario(folder)


@pytest.fixture(scope="module")
def solved(scenario_file):
    sc, data = api.load(scenario_file, SETTINGS)
    return sc, data, api.solve(sc, data)


def test_override_returns_a_validated_copy(scenario_file):
    sc, _ = api.load(scenario_file, SETTINGS)
    three = api.override(sc, "rules.R-TC5.min_women=3", "weights.fit=5")
    assert (three.rules["R-TC5"].min_women, three.weights.fit) == (3, 5)
    assert (sc.rules["R-TC5"].min_women, sc.weights.fit) == (2, 1)  # unchanged
    assert three.source == sc.source and three.rules["R-TC4"].mode == "off"
    with pytest.raises(InputError) as err:
        api.override(sc, "rules.R-TC5.min_woman=3", "solver.workers=abc")
    text = err.value.render("en")
    assert "did you mean min_women or min_women_every?" in text
    assert "column solver.workers: expected a whole number" in text


def test_solve_gives_frames_and_a_checked_roster(solved):
    sc, data, res = solved
    assert res.status == "optimal" and res.ok and res.exit_code == 0
    assert isinstance(res.objective, float)
    for frame in (res.roster, res.moves, res.teams, res.rules):
        assert isinstance(frame, pd.DataFrame) and len(frame)
    assert sorted(res.roster["post_id"]) == sorted(data.posts["post_id"])
    assert check_roster(sc, data, res.roster).ok
    assert api.check(sc, data, res).ok and api.check(sc, data, res.roster).ok
    assert "optimal" in res.headline()


def test_written_result_equals_placement_solve(solved, scenario_file, tmp_path):
    sc, data, res = solved
    mine = res.write(tmp_path / "api")
    cli = tmp_path / "cli"
    run = CliRunner().invoke(app, ["solve", str(scenario_file), "--out", str(cli), "--json",
                                   *[f"--set={s}" for s in SETTINGS]])
    assert run.exit_code == 0, run.output
    files = sorted(p.name for p in cli.iterdir())
    assert files == sorted(p.name for p in mine.iterdir())
    assert {"roster.csv", "moves.csv", "teams.csv", "rules.csv", "summary.json"} <= set(files)
    for name in files:
        if name != "summary.json":
            assert (mine / name).read_bytes() == (cli / name).read_bytes(), name
    a = json.loads((mine / "summary.json").read_text("utf-8"))
    b = json.loads((cli / "summary.json").read_text("utf-8"))
    for s in (a, b):  # timings aside
        s.pop("times"), s.pop("out")
        for level in s["levels"]:
            level.pop("seconds")
    assert a == b
    assert check_roster(sc, data, read_roster(mine / "roster.csv")).ok


def test_read_result_round_trips(solved, tmp_path):
    _, _, res = solved
    back = api.read_result(res.write(tmp_path / "r"))
    assert back.status == res.status and back.objective == res.objective and back.ok
    assert set(back.tables()) == set(res.tables()) >= {"roster", "moves", "teams", "rules"}
    for name, frame in res.tables().items():
        pd.testing.assert_frame_equal(back.tables()[name], frame)
    assert back.roster["cadre_id"].str.startswith("00").any()  # ids keep leading zeros
    with pytest.raises(InputError):
        api.read_result(tmp_path / "nothing-here")


def test_infeasible_result_has_conflicts_and_no_tables(scenario_file, tmp_path):
    sc, data = api.load(scenario_file, ["rules.R-TC5.mode=hard", "rules.R-TC5.min_women=9"])
    res = api.solve(sc, data)
    assert res.status == "infeasible" and res.roster is None and res.exit_code == 4
    assert res.conflicts and not res.ok
    out = res.write(tmp_path / "inf")
    assert sorted(p.name for p in out.iterdir()) == ["summary.json"]
    assert api.read_result(out).status == "infeasible"


def test_write_clears_the_files_an_older_result_had(scenario_file, solved, tmp_path):
    """An alternates.csv from an earlier solve must not stay beside a result without one."""
    sc, data, res = solved
    folder = api.solve(sc, data, alternates=1).write(tmp_path / "r")
    assert (folder / "alternates.csv").is_file()
    res.write(folder)
    assert not (folder / "alternates.csv").exists()
    # dismissals.csv (拟免, issue 24) is written with every roster, empty or not
    assert sorted(p.name for p in folder.iterdir()) == [
        "dismissals.csv", "moves.csv", "roster.csv", "rules.csv", "shortfalls.csv",
        "summary.json", "teams.csv"]


def test_a_solved_result_makes_the_same_report_as_its_folder(solved, tmp_path):
    """Reports take the one Result: built in memory (scenario, data set and checker
    figures attached by the solve) or read back with `load_result`, the page is the same."""
    sc, data, res = solved
    assert res.scenario is sc and res.data is data and not res.data_changed
    assert res.figures is not None and (res.figures["shortfall"] >= 0).all()
    back = load_result(res.write(tmp_path / "r"))
    assert not back.scenario_changed and not back.data_changed
    pd.testing.assert_frame_equal(back.figures, res.figures)
    assert build_report_html(back, "en") == build_report_html(res, "en")


def test_nothing_inside_placement_imports_the_api():
    """api.py is the façade on top of the pipeline: a module of `placement` that imported
    it would close a cycle (api -> sweep -> api, as the sweep once did). The web layer
    (`placement.web`) and the commands behind cli.py (`placement.commands`) sit above
    it, and are the exceptions."""
    root = Path(api.__file__).parent
    importers = []
    for path in sorted(root.rglob("*.py")):
        if path == Path(api.__file__) or path.relative_to(root).parts[0] in ("web", "commands"):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [f"{node.module}.{a.name}" for a in node.names]
                     if isinstance(node, ast.ImportFrom) else [])
            if any(n.startswith("placement.api") for n in names):
                importers.append(str(path.relative_to(root)))
    assert importers == []
