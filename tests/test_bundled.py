"""The bundled Linfen scenario as a regression test: the README's first command.

It must solve to a proven optimum, pass the independent checker, keep its
stored objective (a change in this number is a change in behaviour that needs
explaining), and the checker's own recomputation of the objective must agree
with the solver's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from placement.checker import check_roster
from placement.data.loader import load_dataset
from placement.data.scenario_io import load_scenario
from placement.pipeline.propose import propose
from placement.solver.solve import Status

ROOT = Path(__file__).resolve().parents[1]
# scenarios/linfen.toml, generator seed 7, HiGHS, proven optimal. 21174 -> 21573 (+399) with
# R-TC5 in two tiers (issue 19): 2 women in more than half of the 34 county teams (18), not
# in all 34, and 1 in every team: fit +59, two moves and two releases fewer (+440), one more
# R-RO5 shortfall (-100); 89 women placed instead of 97. 21573 -> 22568 (+995) with the
# bundled data regenerated (`placement generate --profile linfen --seed 7`, the current
# generator: party_post, secretary_exp, rating columns, and R-TC5 (a) planned in the witness):
# fit 25353 -> 25348 (-5), stability -1880 -> -1080 (+800: 4 releases instead of 8, 14 moves
# both), targets -1900 -> -1700 (+200: one R-RO3 shortfall fewer); -5 + 800 + 200 = 995.
# 22568 -> 19464 (-3104) with the data regenerated for issue 19 items 9/10 (township heads
# just elected as successors of ~54 open government deputy posts, democratic evaluations
# with 6 cadres below R-RO9, cadres retiring within the term leaving, 6 governments needing
# a non-Party cadre instead of 13, older and fewer female candidates): fit 25348 -> 24764
# (-584), stability -1080 -> -3900 (35 moves x 20 + 16 releases x 200, among them the
# R-RO9 and other cadres a hard rule keeps from staying), targets -1700 -> -1400
# (R-TC8 300, R-TC10 200, R-RO3 200, R-RO5 4 x 100, R-RO8 300); 24764 - 3900 - 1400 = 19464.
# 19464 -> 16256 (-3208) with R-RO5-R-RO7 counted per cadre (a nominated township head or
# county pick left out now counts short) and R-EL12/R-RO9/R-RS2 added (issue 19), measured
# on the merged main: fit 24764 -> 24496 (-268); stability -3900 -> -5640 (42 moves x 20 +
# 24 releases x 200); targets -1400 -> -2600 (R-TC8 3 x 300, R-TC10 200, R-RO5 6 x 100,
# R-RO6 300, R-RO7 3 x 100, R-RO8 300); 24496 - 5640 - 2600 = 16256.
# 16256 -> 18732 (+2476) with issue 24's readings and the bundled data regenerated: no
# release without a cause, exchange to a post of the same rank, R-TC2 / R-TC5 (b) / R-TC8
# per county, R-TC6 a target with min_fit and the city total, R-TC11, R-RO9 on a finding,
# 人武部 posts kept by their officers: fit 24412; stability -680 (14 moves x 20 + 2 releases
# x 200, both with a cause: an R-RO9 finding and R-EL4); targets -5000 (R-TC6 7 x 500:
# flagged teams with no non-Party cadre who meets the post; R-TC10 2 x 200, R-RO3 200,
# R-RO5 6 x 100, R-RO7 3 x 100); 24412 - 680 - 5000 = 18732.
# 18732 -> 19032 (+300) with issue 30's reading that a target still gives its cause
# (docs/rules.md, "Leaving the roster"): R-RO3, a target by default, moves 5 deputies no
# longer charged a move (+100: 9 moves x 20 + 2 releases x 200 = -580), and 2 more due
# deputies take posts of their rank as exchanges instead of staying (R-RO3 200 -> 0);
# fit 24412 unchanged; 24412 - 580 - 4800 = 19032.
STORED_OBJECTIVE = 19032.0


@pytest.fixture(scope="module")
def linfen():
    sc = load_scenario(ROOT / "scenarios" / "linfen.toml")
    data = load_dataset(sc.data, reference_date=sc.reference_date)
    return sc, data, propose(sc, data)


def test_linfen_solves_to_the_stored_optimum_and_checks(linfen):
    sc, data, prop = linfen
    assert prop.status is Status.OPTIMAL
    assert prop.outcome.objective == STORED_OBJECTIVE
    report = check_roster(sc, data, prop.roster)
    assert report.ok, report.render("en")
    fit = prop.roster.set_index("post_id")["fit"]
    assert report.objective_terms(fit)["objective"] == pytest.approx(STORED_OBJECTIVE)


def test_linfen_keeps_every_hard_team_rule_with_figures(linfen):
    sc, data, prop = linfen
    totals = check_roster(sc, data, prop.roster).totals.set_index("rule")
    # At least 3 locals in each of the 17 counties' party and government teams (R-TC2).
    assert totals.loc["R-TC2", "places"] == 17 and totals.loc["R-TC2", "shortfall"] == 0
    # R-TC6: the city keeps its non-Party cadres (the "all" figure); 7 flagged teams have
    # no non-Party cadre who meets the post (不降格以求), each a shortfall with its cause
    tc6 = check_roster(sc, data, prop.roster).figures.query("rule == 'R-TC6'")
    assert tc6.loc[tc6["scope"] == "all", "shortfall"].sum() == 0
    assert tc6.loc[tc6["scope"] == "team", "shortfall"].sum() == 7


def test_linfen_every_line_and_every_shortfall_has_a_reason(linfen, tmp_path):
    import pandas as pd

    from placement.pipeline.run import run_solve

    sc, data, _ = linfen
    run_solve(sc, data, tmp_path, progress=False)
    roster = pd.read_csv(tmp_path / "roster.csv", dtype=str, encoding="utf-8-sig")
    moves = pd.read_csv(tmp_path / "moves.csv", dtype=str, encoding="utf-8-sig")
    for table in (roster, moves):
        assert table["reason_zh"].str.len().gt(0).all()
        assert table["reason_en"].str.len().gt(0).all()
    rules = pd.read_csv(tmp_path / "rules.csv", encoding="utf-8-sig")
    causes = pd.read_csv(tmp_path / "shortfalls.csv", encoding="utf-8-sig")
    short_rules = set(rules.loc[(rules["shortfall"] > 0) & (rules["mode"] == "target"), "rule"])
    assert short_rules == set(causes["rule"])
    assert causes["cause_en"].str.len().gt(0).all() and causes["cause_zh"].str.len().gt(0).all()


def test_linfen_with_unmet_targets_explains_every_shortfall(linfen, tmp_path):
    """At the catalogue defaults Linfen meets every women target, so the test above has
    no R-TC5 shortfall to explain; five women in every county team cannot be met, and
    the shortfall's cause names the teams short in both languages."""
    import pandas as pd

    from placement.api import override
    from placement.pipeline.run import run_solve

    sc, data, _ = linfen
    five = override(sc, "rules.R-TC5.min_women=5", "rules.R-TC5.share_of_teams=1",
                    'rules.R-TC5.per="team"')
    run_solve(five, data, tmp_path, progress=False)
    rules = pd.read_csv(tmp_path / "rules.csv", encoding="utf-8-sig")
    causes = pd.read_csv(tmp_path / "shortfalls.csv", encoding="utf-8-sig")
    short = rules[(rules["rule"] == "R-TC5") & (rules["scope"] == "all")].iloc[0]
    assert short["shortfall"] > 0 and short["places_short"] == 1
    women = causes[causes["rule"] == "R-TC5"]
    assert len(women) == 1 and women["where"].iat[0] == "all"
    # every team short is named: 34 teams required, each short one is named
    assert women["cause_en"].iat[0].count("(R") == 34 - short["achieved"]
    assert "个班子配备5名以上女干部" in women["cause_zh"].iat[0]
