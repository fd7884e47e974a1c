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
R-TC8 "rises gradually" (逐步达到): with `basis = "share"` (a goal such as Wenzhou's
50 %) a plan of n years asks in year k the start share plus k/n of the way to the goal
(the start: the share among the incumbents of the rule's places on the plan's first
reference date, all places together), reaching the goal in the last year, rather than
the goal at once in the 换届; a start at or above the goal asks the goal. The year's
scenario carries the share, so the model and the checker read it as any share.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from placement.data.dataset import DataSet
from placement.data.rules import Rule, share_fraction
from placement.data.scenario import Scenario
from placement.meaning import team_rules

TERM_STABILITY = "R-RO10"
AGE_PROFILE = "R-TC10"
YOUNG = "R-TC4"
SECRETARY = "R-TC8"


def secretary_path(sc: Scenario) -> bool:
    """R-TC8 asks a goal share (`basis = "share"`) that a plan reaches along a path."""
    r = sc.rules[SECRETARY]
    return r.mode != "off" and r.basis == "share"


def secretary_start(sc: Scenario, data: DataSet, facts) -> Fraction:
    """R-TC8's share on `sc`'s reference date: the incumbents of the posts of its
    places (all places together) who count for it, over those incumbents."""
    of_team = team_rules.places(SECRETARY, data, sc, facts).of_team
    post = np.flatnonzero(facts.p_incumbent >= 0)
    team = facts.p_team[post]
    inside = of_team[team] >= 0
    has = team_rules.counts(SECRETARY, data, sc, facts, facts.p_incumbent[post][inside],
                            team[inside], np.ones(int(inside.sum()), dtype=bool))
    return Fraction(int(has.sum()), max(int(inside.sum()), 1))


def young_made(figures: pd.DataFrame | None) -> int:
    """The young appointments a year's roster made, as the independent checker counted
    them (its R-TC4 figure's `achieved`); 0 without one (the rule off, no roster)."""
    if figures is None or not len(figures):
        return 0
    return int(figures.loc[figures["rule"] == YOUNG, "achieved"].sum())


def year_rules(sc: Scenario, index: int, young_so_far: int = 0, years: int = 1,
               start: Fraction | None = None) -> dict[str, Rule]:
    """`sc`'s rules for year `index` (1 …) of a plan of `years` years that starts at
    `sc.reference_date`; `sc` is not changed. `young_so_far`: the young appointments
    years 1 … index-1 made (`young_made`); year `index` asks R-TC4 for what the term's
    count still lacks. `start`: R-TC8's share at the start (`secretary_start`), given
    when the rule asks a goal share (`secretary_path`): year `index` asks its step."""
    rules = dict(sc.rules)
    goal = share_fraction(rules[SECRETARY].share)
    if start is not None and years > 1 and start < goal:
        step = start + (goal - start) * Fraction(index, years)
        rules[SECRETARY] = rules[SECRETARY].model_copy(
            update={"share": str(step.limit_denominator(100))})
    if rules[TERM_STABILITY].term_start is None:
        rules[TERM_STABILITY] = rules[TERM_STABILITY].model_copy(
            update={"term_start": sc.reference_date})
    if index > 1:
        rules[AGE_PROFILE] = rules[AGE_PROFILE].model_copy(update={"avg_age_drop": 0.0})
        per_year = rules[YOUNG].min_count
        rules[YOUNG] = rules[YOUNG].model_copy(
            update={"min_count": max(0, index * per_year - young_so_far)})
    return rules
