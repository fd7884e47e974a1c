"""Targets over a term (docs/plan.md, "Targets over the term"; placement/meaning/term.py).
R-TC4: `min_count` is a number a year; year k of a plan asks what the term's count
(k × `min_count`) still lacks after the young appointments years 1 … k-1 made, as the
independent checker counted them; year 1 is the scenario's own. R-TC8 with a goal share
rises to it along a path. The year's scenario carries the figure, so the model and the
checker read the rule as the plan solved it."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
from solving import scenario

from placement.meaning import term


def _figures(achieved: int) -> pd.DataFrame:
    return pd.DataFrame([
        {"rule": "R-TC4", "mode": "target", "scope": "all", "required": 10,
         "achieved": achieved, "shortfall": max(0, 10 - achieved)},
        {"rule": "R-TC8", "mode": "target", "scope": "county", "required": 5,
         "achieved": 7, "shortfall": 0}])


def test_R_TC4_term_year_k_asks_what_the_count_so_far_lacks():
    sc = scenario({"R-TC4": {"mode": "target", "min_count": 10}})
    assert term.year_rules(sc, 1, young_so_far=99)["R-TC4"].min_count == 10  # the 换届's own
    assert term.year_rules(sc, 2, young_so_far=17)["R-TC4"].min_count == 3  # 20 - 17
    assert term.year_rules(sc, 3, young_so_far=12)["R-TC4"].min_count == 18  # catch up
    assert term.year_rules(sc, 4, young_so_far=45)["R-TC4"].min_count == 0  # ahead
    assert sc.rules["R-TC4"].min_count == 10  # the scenario is not changed


def test_R_TC4_term_the_count_made_is_the_checker_s():
    assert term.young_made(_figures(6)) == 6
    assert term.young_made(_figures(0).iloc[1:]) == 0  # no R-TC4 figure (the rule off)
    assert term.young_made(None) == 0  # a year without a roster


def test_R_TC8_term_a_goal_share_is_reached_along_a_path():
    """basis = "share" (the goal 1/2): from a start of 1/4, a five-year plan asks 3/10,
    7/20, 2/5, 9/20, 1/2 (a fifth of the way more each year); at or above the goal it
    asks the goal; the default basis ("before") is left as it is."""
    goal = scenario({"R-TC8": {"mode": "target", "basis": "share", "share": "1/2"}})
    asked = [term.year_rules(goal, k, years=5, start=Fraction(1, 4))["R-TC8"].share
             for k in range(1, 6)]
    assert [Fraction(a) for a in asked] == [Fraction(3, 10), Fraction(7, 20), Fraction(2, 5),
                                            Fraction(9, 20), Fraction(1, 2)]
    assert term.year_rules(goal, 1, years=5, start=Fraction(3, 5))["R-TC8"].share == "1/2"
    assert term.secretary_path(goal)
    assert not term.secretary_path(scenario({"R-TC8": {"mode": "target"}}))


def test_R_TC8_term_the_plan_writes_the_path_into_each_year():
    """Linfen, R-TC8 at Wenzhou's 50 %: each year's scenario.toml asks the path's step
    from the share before the term (about 29 %), 1/2 in the last year, so the checker
    reads the year as the plan solved it; plan.json reports each year's figure."""
    from placement import api
    from placement.eligibility.facts import compute_facts

    sc, data = api.load("scenarios/linfen.toml")
    sc = sc.model_copy(update={"rules": sc.rules | {"R-TC8": sc.rules["R-TC8"].model_copy(
        update={"basis": "share", "share": "1/2"})}})
    start = term.secretary_start(sc, data, compute_facts(data, sc.reference_date))
    assert Fraction(1, 5) < start < Fraction(1, 2)
    p = api.plan(sc, data, years=3)
    asked = [Fraction(y.scenario.rules["R-TC8"].share) for y in p.years]
    assert asked == [(start + (Fraction(1, 2) - start) * Fraction(k, 3)).limit_denominator(100)
                     for k in (1, 2, 3)]
    assert asked[-1] == Fraction(1, 2) and asked[0] < asked[1] < asked[2]
