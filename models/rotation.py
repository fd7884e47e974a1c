"""Rotation rules at team level: R-RO8.

R-RO1–R-RO7 are pair rules (a sitting cadre's own post, or where a newcomer
goes) and live in `placement.eligibility.pair_rules`; what remains is R-RO8, which looks
at two posts at once: the party and the government head of one place (a county, or
a township team) are not both changed in the same cycle.
"""

from __future__ import annotations

from models.variables import Placement
from placement.meaning.posts import head_pairs


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
                pl.model.add(both >= a + b - 1)
            pl.penalise("R-RO8", at.place, both)


FAMILY = {"R-RO8": add_heads_not_both_changed}
