"""Rotation rules counted per cadre and per place: R-RO5–R-RO7, R-RO10, R-RO8.

R-RO1–R-RO4 are pair rules (a sitting cadre's own post) and live in
`placement.eligibility.pair_rules`. R-RO5–R-RO7 count one unit per cadre in scope who
holds no post that meets the rule, wherever else the cadre ends up: a pair price could
only punish where they go, so not placing them (R-RO6, R-RO7) or taking them out of the
team (R-RO5) would look free. Who counts and which posts meet the rule is declared in
`placement.meaning.cadre_rules`. R-RO8 looks at two posts at once: the party and the
government head of one place (a county, or a township team) are not both changed in
the same cycle.
"""

from __future__ import annotations

import numpy as np

from models.variables import Placement
from placement.meaning import cadre_rules
from placement.meaning.posts import head_pairs


def _per_cadre(pl: Placement, rule: str) -> None:
    """For each cadre in `rule`'s scope (`cadre_rules.scope`), named `rule[cadre_id]`:
    hard, Σ x over the cadre's pairs that keep the rule ≥ 1; target, a shortfall s with
    s + Σ x over the pairs that meet it ≥ 1 (s is 1 when none of them is chosen, since
    a cadre holds at most one post), penalised at the rule's weight; a cadre with no
    such pair gets a shortfall fixed at 1. Rows over the groups' columns, all the cadres
    in one `add_counted` (thousands of cadres at scale60)."""
    hard = pl.scenario.rules[rule].mode == "hard"
    scope = cadre_rules.scope(rule, pl.data, pl.scenario, pl.facts, pl.held)
    good = (cadre_rules.keeps if hard else cadre_rules.meets)(
        rule, pl.data, pl.facts, pl.pairs.cadre, pl.pairs.post, pl.pairs.own)
    cadres = np.flatnonzero(scope)
    cols, starts = pl.place_columns(
        *pl.group_bounds(pl.pairs.cadre, good & scope[pl.pairs.cadre]), cadres)
    ids = pl.data.cadres["cadre_id"].to_numpy(dtype=object)
    pl.add_counted(rule, pl.scenario.rules[rule].mode, [str(i) for i in ids[cadres]],
                   np.ones(len(cadres), dtype=np.int64), cols, starts, record=False,
                   fixed=True)


def add_portfolio_change(pl: Placement) -> None:
    """R-RO5 (应当调整分工): a member `years` or more in charge of the same portfolio gets
    another post of the same team; in hard mode at least stays in the team."""
    _per_cadre(pl, "R-RO5")


def add_township_heads_home(pl: Placement) -> None:
    """R-RO6 (均留在本县政府班子任职): a nominated sitting township head elected this cycle
    is placed in the government team of their own county."""
    _per_cadre(pl, "R-RO6")


def add_county_picks_elsewhere(pl: Placement) -> None:
    """R-RO7 (尽可能在全市范围交流任职): a nominated county pick is placed in another county."""
    _per_cadre(pl, "R-RO7")


def add_term_stability(pl: Placement) -> None:
    """R-RO10 (既保持干部的相对稳定): in a term plan a head, or a cadre moved within
    `min_years`, whom no hard rule moves stays or is promoted; a move sideways or down,
    or a release, costs the rule's weight (above any fit gain). Its second part: a
    cadre in scope moved recently (`cadre_rules.moved_recently`) who is promoted again
    costs `promotion_weight`, named `R-RO10[cadre_id:promotion]` (a successor not moved
    yet is preferred where one fits nearly as well)."""
    _per_cadre(pl, "R-RO10")
    rule = pl.scenario.rules["R-RO10"]
    if rule.mode != "target" or not rule.promotion_weight:
        return
    scope = cadre_rules.scope("R-RO10", pl.data, pl.scenario, pl.facts, pl.held)
    again = scope & cadre_rules.moved_recently(pl.data, pl.scenario, pl.facts)
    up = cadre_rules.promotes(pl.data, pl.pairs.cadre, pl.pairs.post, pl.pairs.own)
    groups = pl.groups(pl.pairs.cadre, up & again[pl.pairs.cadre])
    ids = pl.data.cadres["cadre_id"].to_numpy(dtype=object)
    for c, idx in groups.items():
        where = f"{ids[c]}:promotion"
        promoted = pl.model.new_bool_var(f"R-RO10[{where}]")
        pl.model.linear(pl.total(idx) <= promoted)
        pl.penalise("R-RO10", where, promoted, weight=rule.promotion_weight)


def _head_change(pl: Placement, post: int):
    """1 when the post's holder changes: a literal, or the constant 1."""
    holder = pl.facts.p_incumbent[post]
    if holder < 0 or pl.stay_pair[holder] < 0:
        return 1
    return pl.x[int(pl.stay_pair[holder])].Not()


def add_heads_not_both_changed(pl: Placement) -> None:
    """R-RO8: at each place (`meaning.head_pairs`: a county's party and government heads,
    a township's party secretary and township head) the two sides do not both change. A
    side changes when any of its head posts does, so "not both" is one inequality per
    (party head post, government head post): any party change with any government change
    breaks one of them, and `both` is forced to 1 by any such pair."""
    rule = pl.scenario.rules["R-RO8"]
    for at in head_pairs(pl.data):
        combos = [(_head_change(pl, int(p)), _head_change(pl, int(g)))
                  for p in at.party for g in at.gov]
        if any(isinstance(a, int) and isinstance(b, int) for a, b in combos):
            if rule.mode == "hard":
                pl.require("R-RO8", at.place, False)
            else:
                both = pl.model.new_int_var(1, 1, f"R-RO8[{at.place}]")
                pl.penalise("R-RO8", at.place, both)
            continue
        if rule.mode == "hard":
            for a, b in combos:
                pl.require("R-RO8", at.place, a + b <= 1)
        else:
            both = pl.model.new_bool_var(f"R-RO8[{at.place}]")
            for a, b in combos:
                pl.model.linear(both >= a + b - 1)
            pl.penalise("R-RO8", at.place, both)


FAMILY = {
    "R-RO5": add_portfolio_change,
    "R-RO6": add_township_heads_home,
    "R-RO7": add_county_picks_elsewhere,
    "R-RO8": add_heads_not_both_changed,
    "R-RO10": add_term_stability,
}
