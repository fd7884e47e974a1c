"""`placement calibrate`: the published table a data set is shaped like, every figure of
it recomputed before and after, and a reason wherever a figure cannot be computed."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest
from builders import make_dataset
from typer.testing import CliRunner

from cli import app
from placement.data.loader import load_dataset
from placement.data.scenario_io import load_scenario
from placement.tools.calibration import (
    NOT_SHOWN,
    TABLES,
    TableChoiceError,
    calibration_table,
    choose_table,
    render,
)

ROOT = Path(__file__).resolve().parent.parent
REF = dt.date(2026, 9, 1)


def _bundled(name: str):
    sc = load_scenario(ROOT / "scenarios" / f"{name}.toml")
    return sc, load_dataset(sc.data, reference_date=sc.reference_date)


def _sitting(data) -> pd.DataFrame:
    """The roster of today's incumbents (every post, vacant ones empty)."""
    return data.posts[["post_id", "incumbent_id"]].rename(columns={"incumbent_id": "cadre_id"})


@pytest.mark.parametrize("name", ["linfen", "nanpiao"])
def test_bundled_scenario_gets_its_own_table_and_no_nan(name):
    sc, data = _bundled(name)
    assert choose_table(data).name == name
    table = calibration_table(data, _sitting(data), sc.reference_date)
    assert table["figure"].tolist() == [f.key for f in TABLES[name].figures]
    for col in ("before", "proposal"):
        cells = table[col].tolist()
        assert not any(isinstance(v, float) and math.isnan(v) for v in cells), (col, cells)
        missing = table[col] == NOT_SHOWN
        # every figure not shown says why, in both languages
        assert (table.loc[missing, "note_zh"] != "").all()
        assert (table.loc[missing, "note_en"] != "").all()
    # the sitting roster as a proposal: no cycle figure moves (nobody promoted, age unchanged)
    after = table.set_index("figure")["proposal"]
    if name == "linfen":
        assert after["promoted"] == 0 and after["avg_age_change_party_gov"] == 0.0
        assert (table.set_index("figure").loc["promoted", "before"]) == NOT_SHOWN
    else:
        assert after["postgraduate"] == NOT_SHOWN  # the data hold full-time education only
    assert render(table, "zh").startswith("对照公布数据")


def _county_and_township(kinds):
    teams = [{"team_id": f"T{i}", "kind": k, "region": "R1"} for i, k in enumerate(kinds)]
    posts = [{"post_id": f"P{i}", "team_id": f"T{i}", "grade": "head", "rank": "副处"}
             for i in range(len(kinds))]
    return make_dataset(teams, posts, [{"cadre_id": "C1"}], reference_date=REF)


def test_mixed_or_unknown_shape_is_an_error_not_a_guess():
    mixed = _county_and_township(["county_gov", "township"])
    with pytest.raises(TableChoiceError, match="--table"):
        choose_table(mixed)
    with pytest.raises(TableChoiceError, match="--table"):
        choose_table(_county_and_township(["municipal_dept"]))
    assert choose_table(mixed, "nanpiao").name == "nanpiao"
    with pytest.raises(TableChoiceError, match="unknown table"):
        choose_table(mixed, "zhengzhou")


def test_linfen_figures_on_a_small_case():
    # One county (R1): a party team and a government team, two posts each.
    # Before: P1 A (party head, 50), P2 B (woman, 41), P3 C (gov head, 55), P4 vacant.
    # Proposal: P3 D (正科 township head now, 40, promoted), P4 C moved (same rank, not a
    # promotion), P1 A and P2 B stay.
    teams = [{"team_id": "DW", "kind": "county_party"}, {"team_id": "ZF", "kind": "county_gov"}]
    posts = [{"post_id": "P1", "team_id": "DW", "grade": "head", "rank": "正处",
              "incumbent_id": "A"},
             {"post_id": "P2", "team_id": "DW", "incumbent_id": "B"},
             {"post_id": "P3", "team_id": "ZF", "grade": "head", "rank": "正处",
              "incumbent_id": "C"},
             {"post_id": "P4", "team_id": "ZF"}]
    cadres = [{"cadre_id": "A", "rank": "正处", "birth_date": "1976-01-01"},
              {"cadre_id": "B", "rank": "副处", "gender": "F", "birth_date": "1985-01-01",
               "party": "民盟"},
              {"cadre_id": "C", "rank": "正处", "birth_date": "1971-01-01",
               "township_head": True},
              {"cadre_id": "D", "rank": "正科", "birth_date": "1986-01-01",
               "township_head": True, "township_head_now": True}]
    data = make_dataset(teams, posts, cadres, reference_date=REF)
    roster = pd.DataFrame({"post_id": ["P1", "P2", "P3", "P4"],
                           "cadre_id": ["A", "B", "D", "C"]})
    t = calibration_table(data, roster, REF).set_index("figure")
    assert t.loc["promoted", "proposal"] == 1  # D: 正科 -> 正处 post; C moves at 正处
    assert t.loc["promoted_township_heads", "proposal"] == 1
    assert t.loc["promoted_from_counties_share", "proposal"] == 1.0  # D works in R1
    assert t.loc["members", "before"] == 3 and t.loc["members", "proposal"] == 4
    assert t.loc["heads_around_40", "proposal"] == 1  # D, 40, heads ZF
    assert t.loc["heads_around_40", "before"] == 0  # heads 50 and 55
    assert t.loc["heads_township_head", "proposal"] == 1  # D; C is no longer a head
    assert t.loc["non_party_county_gov", "proposal"] == 0  # B is in the party team
    # one county, one woman (B) over its party and government teams: 0 of 1 county
    assert t.loc["counties_two_women_share", "proposal"] == 0.0
    # a county's locals over its two teams together: every default cadre is local (R1)
    assert t.loc["min_locals_party_gov", "proposal"] == 4
    # party/gov average age: before (50+41+55)/3 = 48.67, after (50+41+40+55)/4 = 46.5
    assert t.loc["avg_age_change_party_gov", "proposal"] == round(46.5 - 146 / 3, 2)
    assert t.loc["youngest", "proposal"] == 40 and t.loc["around_40", "proposal"] == 2


def test_calibrate_command_prints_the_nanpiao_table(tmp_path):
    sc, data = _bundled("nanpiao")
    roster = tmp_path / "roster.csv"
    _sitting(data).to_csv(roster, index=False)
    out = CliRunner().invoke(app, ["calibrate", str(ROOT / "scenarios/nanpiao.toml"),
                                   str(roster), "--lang", "en"])
    assert out.exit_code == 0, out.output
    assert "Nanpiao" in out.output and "seed 003" in out.output and "NaN" not in out.output
    forced = CliRunner().invoke(app, ["calibrate", str(ROOT / "scenarios/nanpiao.toml"),
                                      str(roster), "--lang", "en", "--table", "linfen"])
    assert forced.exit_code == 0 and "Linfen" in forced.output  # no county team: "—"
    bad = CliRunner().invoke(app, ["calibrate", str(ROOT / "scenarios/nanpiao.toml"),
                                   str(roster), "--table", "x"])
    assert bad.exit_code == 2
