"""Rotation rules at team level: R-RO8.

R-RO1–R-RO7 are pair rules (a sitting cadre's own post, or where a newcomer
goes) and live in `placement.eligibility.pair_rules`; what remains is R-RO8, which looks
at two posts at once: the party and the government head of one county are not
both changed in the same cycle.
"""

from __future__ import annotations

import numpy as np

from models.variables import Placement


def _head_change(pl: Placement, post: int):
    """1 when the post's holder changes: a literal, or the constant 1."""
    holder = pl.facts.p_incumbent[post]
    if holder < 0 or pl.stay_pair[holder] < 0:
        return 1
    return pl.x[int(pl.stay_pair[holder])].Not()


def add_heads_not_both_changed(pl: Placement) -> None:
    """R-RO8: per region, the county_party and county_gov head posts do not both change."""
    rule = pl.scenario.rules["R-RO8"]
    teams, posts = pl.data.teams, pl.data.posts
    heads = posts["grade"].to_numpy(dtype=object) == "head"
    kind = teams["kind"].to_numpy(dtype=object)[pl.facts.p_team]
    region = teams["region"].to_numpy(dtype=object)[pl.facts.p_team]
    for r in sorted(set(region[heads])):
        party = np.flatnonzero(heads & (kind == "county_party") & (region == r))
        gov = np.flatnonzero(heads & (kind == "county_gov") & (region == r))
        if len(party) == 0 or len(gov) == 0:
            continue
        a, b = _head_change(pl, int(party[0])), _head_change(pl, int(gov[0]))
        if isinstance(a, int) and isinstance(b, int):
            if rule.mode == "hard":
                pl.require("R-RO8", r, False)
            else:
                both = pl.model.new_int_var(1, 1, f"R-RO8[{r}]")
                pl.penalise("R-RO8", r, both)
            continue
        if rule.mode == "hard":
            pl.require("R-RO8", r, a + b <= 1)
        else:
            both = pl.model.new_bool_var(f"R-RO8[{r}]")
            pl.model.add(both >= a + b - 1)
            pl.penalise("R-RO8", r, both)


FAMILY = {"R-RO8": add_heads_not_both_changed}
