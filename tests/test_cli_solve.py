"""`placement solve` and `placement check` end to end on the bundled mini data set.

Every roster produced here goes through `placement check` (the independent
checker) as a separate command, as a planner would run it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from builders import MINI, mini_scenario
from typer.testing import CliRunner

from cli import app


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    return mini_scenario(tmp_path)


def _solve(scenario_file: Path, out: Path, *extra: str):
    return CliRunner().invoke(app, ["solve", str(scenario_file), "--out", str(out), *extra])


def test_solve_writes_every_result_file_and_the_roster_checks(scenario_file, tmp_path):
    before = {p.name: p.read_bytes() for p in (scenario_file.parent / "data").iterdir()}
    out = tmp_path / "out"
    res = _solve(scenario_file, out, "--json")
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["status"] == "optimal"
    assert summary["check"] == {"ok": True, "violations": 0}
    assert set(summary["times"]) >= {"load", "eligibility", "build", "solve", "write"}
    assert len(summary["input_checksums"]) == 5
    for name in ("roster.csv", "moves.csv", "teams.csv", "rules.csv", "summary.json"):
        assert (out / name).exists(), name
    roster = pd.read_csv(out / "roster.csv", dtype=str, encoding="utf-8-sig")
    posts = pd.read_csv(MINI / "posts.csv", dtype=str)
    assert sorted(roster["post_id"]) == sorted(posts["post_id"])
    assert roster["cadre_id"].is_unique
    rules = pd.read_csv(out / "rules.csv", encoding="utf-8-sig")
    assert "R-TC2" in set(rules["rule"]) and "R-EL1" in set(rules["rule"])
    check = CliRunner().invoke(app, ["check", str(scenario_file), str(out / "roster.csv")])
    assert check.exit_code == 0, check.output
    after = {p.name: p.read_bytes() for p in (scenario_file.parent / "data").iterdir()}
    assert after == before  # inputs are never modified


def test_same_scenario_and_seed_give_the_same_roster(scenario_file, tmp_path):
    for name in ("a", "b"):
        assert _solve(scenario_file, tmp_path / name).exit_code == 0
    a = (tmp_path / "a" / "roster.csv").read_bytes()
    b = (tmp_path / "b" / "roster.csv").read_bytes()
    assert a == b


def test_infeasible_is_exit_4_and_names_the_conflict(scenario_file, tmp_path):
    out = tmp_path / "out"
    assert _solve(scenario_file, out).exit_code == 0
    # the mini teams are too few locals for R-TC2 hard counted per team; counted per
    # county (the default since issue 24) 洪洞县's two teams together have enough
    res = _solve(scenario_file, out, "--set", "rules.R-TC2.mode=hard",
                 "--set", "rules.R-TC2.per=team")
    assert res.exit_code == 4, res.output
    assert "infeasible" in res.output
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["status"] == "infeasible" and summary["conflicts"]
    assert not (out / "roster.csv").exists()  # no stale roster beside an infeasible summary


def test_check_fails_a_roster_that_breaks_a_hard_rule(scenario_file, tmp_path):
    out = tmp_path / "out"
    assert _solve(scenario_file, out).exit_code == 0
    roster = pd.read_csv(out / "roster.csv", dtype=str, encoding="utf-8-sig")
    roster.loc[0, "cadre_id"] = roster.loc[1, "cadre_id"]  # one cadre in two posts
    roster.to_csv(tmp_path / "bad.csv", index=False)
    res = CliRunner().invoke(app, ["check", str(scenario_file), str(tmp_path / "bad.csv")])
    assert res.exit_code == 1
    assert "ONE_POST" in res.output or "ONE_HOLDER" in res.output


def test_unknown_lock_id_is_invalid_input(scenario_file, tmp_path):
    res = _solve(scenario_file, tmp_path / "out", "--set", 'locks.keep=["NOPE"]')
    assert res.exit_code == 3
    assert "NOPE" in res.output and "locks.keep[0]" in res.output


def test_alternates_from_the_command_line_and_the_api(scenario_file, tmp_path):
    """`--alternates 2 --json`: alternates.csv next to the roster, a clean JSON summary
    on stdout, the same table through `api.solve`; a scope naming nothing, and a
    lexicographic scenario, are usage errors (exit 2) before any solve."""
    from placement import api

    out = tmp_path / "out"
    res = _solve(scenario_file, out, "--json", "--alternates", "2")
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    alt = pd.read_csv(out / "alternates.csv", encoding="utf-8-sig")
    assert summary["alternates"]["alternates"] == len(alt) > 0
    assert summary["alternates"]["all_checked"] and alt["checked"].all()
    assert set(alt["rank"]) <= {1, 2} and (alt["objective_change"] <= 0).all()
    sc, data = api.load(scenario_file)
    result = api.solve(sc, data, alternates=2)
    pd.testing.assert_frame_equal(result.alternates, api.read_result(out).alternates)
    assert result.alternates["holder_id"].str.startswith("0").all()  # ids stay text
    bad = _solve(scenario_file, tmp_path / "bad", "--alternates", "1",
                 "--alternates-posts", "NO-SUCH-POST")
    assert bad.exit_code == 2 and "NO-SUCH-POST" in bad.output
    assert not (tmp_path / "bad").exists()
    lexi = _solve(scenario_file, tmp_path / "lexi", "--alternates", "1",
                  "--set", "objective=lexicographic")
    assert lexi.exit_code == 2 and "lexicographic" in lexi.output


@pytest.mark.parametrize(("command", "shown"), [("plan", "[locks]"), ("sweep", "placement[ray]")])
def test_help_keeps_a_bracketed_word(command, shown):
    """Typer renders help as rich markup, where "[locks]" reads as a style tag and
    vanishes ("keep as ,"): such words are escaped where they are written."""
    res = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0 and shown in res.output, res.output
