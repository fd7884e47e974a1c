"""Assignment core and pair rules (R-EL1–R-EL9, R-AV2, R-RO1–R-RO4 at pair level).

Pairs removed by a hard pair rule never got a variable (`placement.eligibility.pairs`);
here every post gets exactly one holder, every cadre at most one post, the
locks are applied, and each target-mode pair rule becomes a per-pair penalty.
"""

from __future__ import annotations

import numpy as np

from models.variables import PairPenalty, Placement


def add_assignment(pl: Placement) -> None:
    """Every post exactly one holder; every cadre at most one post.

    In post order, as one bulk write per run of posts that have candidates; a post
    nobody may take is named (`NO_CANDIDATE`) in its place, so that the explanation
    can say so. The loop runs over those posts only (none when the pre-checks passed)."""
    posts, idx, starts = pl.group_bounds(pl.pairs.post)
    done = 0
    for p in np.setdiff1d(np.arange(len(pl.data.posts)), posts):
        upto = int(np.searchsorted(posts, p))
        pl.add_groups("exactly_one", idx, starts[done:upto + 1])
        pl.require("NO_CANDIDATE", pl.data.posts["post_id"].iat[p], False)
        done = upto
    pl.add_groups("exactly_one", idx, starts[done:])
    _, idx, starts = pl.group_bounds(pl.pairs.cadre)
    sizes = np.diff(starts)
    several = sizes > 1
    pl.add_groups("at_most_one", idx[np.repeat(several, sizes)],
                  np.r_[0, np.cumsum(sizes[several])])


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
