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
    n_posts = len(pl.data.posts)
    by_post = pl.groups(pl.pairs.post)
    for p in range(n_posts):
        idx = by_post.get(p)
        if idx is None:  # a post nobody may take: named so that the explanation can say so
            pl.require("NO_CANDIDATE", pl.data.posts["post_id"].iat[p], False)
            continue
        pl.model.add_exactly_one([pl.x[i] for i in idx])
    for idx in pl.groups(pl.pairs.cadre).values():
        if len(idx) > 1:
            pl.model.add_at_most_one([pl.x[i] for i in idx])


def add_locks(pl: Placement) -> None:
    """`must` pairs are chosen; `keep` posts and teams keep their incumbents."""
    for i in np.flatnonzero(pl.pairs.must):
        where = f"{pl.data.cadres['cadre_id'].iat[pl.pairs.cadre[i]]}->" \
                f"{pl.data.posts['post_id'].iat[pl.pairs.post[i]]}"
        pl.require("LOCK_MUST", where, pl.x[int(i)] == 1)
    keep = set(pl.scenario.locks.keep)
    posts = pl.data.posts
    kept = np.flatnonzero(
        posts["post_id"].isin(keep).to_numpy() | posts["team_id"].isin(keep).to_numpy()
    )
    for p in kept:
        holder = pl.facts.p_incumbent[p]
        where = pl.data.posts["post_id"].iat[p]
        if holder >= 0 and pl.stay_pair[holder] >= 0:
            pl.require("LOCK_KEEP", where, pl.x[int(pl.stay_pair[holder])] == 1)
        elif holder >= 0:
            pl.require("LOCK_KEEP", where, False)  # the incumbent may not stay


def add_pair_rules(pl: Placement) -> None:
    """Target-mode pair rules: each chosen pair that breaks one costs its weight."""
    for rule, mask in pl.pairs.breaks.items():
        if mask.any():
            r = pl.scenario.rules[rule]
            pl.pair_penalties.append(PairPenalty(rule, mask, r.weight, r.priority))
