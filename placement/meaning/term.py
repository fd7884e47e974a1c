"""What each year of a rolling plan asks of the rules that speak of the term (任期).

docs/rules.md (R-RO10, R-TC10) is the source. R-RO10 (term stability) counts from the
term's start, which a scenario may leave open: the plan's first reference date is then
the start. R-TC10 (b)'s drop in average age is the 换届's: from year 2 on it is held
(the teams no older than they were), not asked again of a roster re-based every year.
R-TC4's young appointments are counted over the term: `min_count` is a number a year,
so by year k the plan has made at least k × `min_count`; year k asks what is still
missing of that (none when earlier years made more), rather than each year alone
(a stable plan opens few posts after the 换届, so a year-by-year count fell short every
year after the second while the term's total could still be met).
"""

from __future__ import annotations

import pandas as pd

from placement.data.rules import Rule
from placement.data.scenario import Scenario

TERM_STABILITY = "R-RO10"
AGE_PROFILE = "R-TC10"
YOUNG = "R-TC4"


def young_made(figures: pd.DataFrame | None) -> int:
    """The young appointments a year's roster made, as the independent checker counted
    them (its R-TC4 figure's `achieved`); 0 without one (the rule off, no roster)."""
    if figures is None or not len(figures):
        return 0
    return int(figures.loc[figures["rule"] == YOUNG, "achieved"].sum())


def year_rules(sc: Scenario, index: int, young_so_far: int = 0) -> dict[str, Rule]:
    """`sc`'s rules for year `index` (1 …) of a plan that starts at `sc.reference_date`;
    `sc` is not changed. `young_so_far`: the young appointments years 1 … index-1 made
    (`young_made`); year `index` asks R-TC4 for what the term's count still lacks."""
    rules = dict(sc.rules)
    if rules[TERM_STABILITY].term_start is None:
        rules[TERM_STABILITY] = rules[TERM_STABILITY].model_copy(
            update={"term_start": sc.reference_date})
    if index > 1:
        rules[AGE_PROFILE] = rules[AGE_PROFILE].model_copy(update={"avg_age_drop": 0.0})
        per_year = rules[YOUNG].min_count
        rules[YOUNG] = rules[YOUNG].model_copy(
            update={"min_count": max(0, index * per_year - young_so_far)})
    return rules
