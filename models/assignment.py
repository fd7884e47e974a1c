"""Assignment core and pair rules (R-EL1–R-EL9, R-AV2, R-RO1–R-RO7 at pair level).

Pairs removed by a hard pair rule never got a variable (`placement.eligibility.pairs`);
here every post gets exactly one holder, every cadre at most one post, the
locks are applied, and each target-mode pair rule becomes a per-pair penalty.
"""

from __future__ import annotations

import numpy as np

from models.variables import PairPenalty, Placement


def add_assignment(pl: Placement) -> None:
    """Every post exactly one holder; every cadre at most one post."""
    for p in range(len(pl.data.posts)):
        holders = pl.holder(p)
        if not holders:  # a post nobody may take: named so that the explanation can say so
            pl.require("NO_CANDIDATE", pl.data.posts["post_id"].iat[p], False)
            continue
        pl.model.add_exactly_one([x for _, x in holders])
    for idx in pl.groups(pl.pairs.cadre).values():
        if len(idx) > 1:
            pl.model.add_at_most_one([pl.x[i] for i in idx])


def add_locks(pl: Placement) -> None:
    """`must` pairs are chosen; `keep` posts and teams keep their incumbents.

    (`forbid` pairs never got a variable: `placement.eligibility.pairs`.) A kept post
    whose incumbent may not stay makes the lock one that cannot hold."""
    for i in np.flatnonzero(pl.pairs.must):
        pl.fix(pl.pairs.cadre[i], pl.pairs.post[i], True, "LOCK_MUST")
    keep = set(pl.scenario.locks.keep)
    posts = pl.data.posts
    kept = np.flatnonzero(
        posts["post_id"].isin(keep).to_numpy() | posts["team_id"].isin(keep).to_numpy()
    )
    for p in kept:
        holder = pl.facts.p_incumbent[p]
        if holder >= 0:
            pl.fix(holder, p, True, "LOCK_KEEP", where=posts["post_id"].iat[p])


def add_pair_rules(pl: Placement) -> None:
    """Target-mode pair rules: each chosen pair that breaks one costs its weight."""
    for rule, mask in pl.pairs.breaks.items():
        if mask.any():
            r = pl.scenario.rules[rule]
            pl.pair_penalties.append(PairPenalty(rule, mask, r.weight, r.priority))
