"""R-TC4 over a term (docs/plan.md, "Targets over the term"): `min_count` is a number a
year; year k of a plan asks what the term's count (k × `min_count`) still lacks after
the young appointments years 1 … k-1 made, as the independent checker counted them.
Year 1 is the scenario's own; the year's scenario carries the figure, so the checker
reads the rule as the plan solved it."""

from __future__ import annotations

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
