"""What each year of a rolling plan asks of the rules that speak of the term (任期).

docs/rules.md (R-RO10, R-TC10) is the source. R-RO10 (term stability) counts from the
term's start, which a scenario may leave open: the plan's first reference date is then
the start. R-TC10 (b)'s drop in average age is the 换届's: from year 2 on it is held
(the teams no older than they were), not asked again of a roster re-based every year.
"""

from __future__ import annotations

from placement.data.rules import Rule
from placement.data.scenario import Scenario

TERM_STABILITY = "R-RO10"
AGE_PROFILE = "R-TC10"


def year_rules(sc: Scenario, index: int) -> dict[str, Rule]:
    """`sc`'s rules for year `index` (1 …) of a plan that starts at `sc.reference_date`;
    `sc` is not changed."""
    rules = dict(sc.rules)
    if rules[TERM_STABILITY].term_start is None:
        rules[TERM_STABILITY] = rules[TERM_STABILITY].model_copy(
            update={"term_start": sc.reference_date})
    if index > 1:
        rules[AGE_PROFILE] = rules[AGE_PROFILE].model_copy(update={"avg_age_drop": 0.0})
    return rules
