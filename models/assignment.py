"""Assignment core and pair rules (R-EL1–R-EL9, R-AV2, R-RO1–R-RO4 at pair level).

Pairs removed by a hard pair rule never got a variable (`placement.eligibility.pairs`);
here every post gets exactly one holder, every cadre at most one post, the
locks are applied, and each target-mode pair rule becomes a per-pair penalty.
"""

from __future__ import annotations

import numpy as np

from models.avoidance import kin_sitting_together
from models.variables import PairPenalty, Placement


def add_assignment(pl: Placement) -> None:
    """Every post exactly one holder, but a post left open for another channel
    (`facts.p_open`); every cadre at most one post, and a sitting cadre allowed to stay
    exactly one ("Leaving the roster", docs/rules.md: no release without a cause, unless
    the scenario's `allow_release`; a pair rule, hard or target, that the own pair breaks
    is a cause).

    In post order, as one bulk write per run of posts that have candidates; a post
    nobody may take is named (`NO_CANDIDATE`) in its place, so that the explanation
    can say so. The loop runs over those posts only (none when the pre-checks passed)."""
    posts, idx, starts = pl.group_bounds(pl.pairs.post)
    done = 0
    unheld = np.setdiff1d(np.arange(len(pl.data.posts)), posts)
    for p in unheld[~pl.facts.p_open[unheld]]:
        upto = int(np.searchsorted(posts, p))
        pl.add_groups("exactly_one", idx, starts[done:upto + 1])
        pl.require("NO_CANDIDATE", pl.data.posts["post_id"].iat[p], False)
        done = upto
    pl.add_groups("exactly_one", idx, starts[done:])
    cadres, idx, starts = pl.group_bounds(pl.pairs.cadre)
    sizes = np.diff(starts)
    placed = np.zeros(len(cadres), dtype=bool)
    if not pl.scenario.allow_release:
        # `held`: a target pair rule the own pair breaks is a cause to leave, as a hard
        # one is (the conflict core's hard pair rules, relaxed to priced ones, too).
        placed = pl.held[cadres] & ~kin_sitting_together(pl)[cadres]
    if pl.explaining:  # behind a named literal each, so a conflict can name the cadre
        ids = pl.data.cadres["cadre_id"].to_numpy(dtype=object)
        for g in np.flatnonzero(placed):
            pl.require("NO_RELEASE", str(ids[cadres[g]]),
                       pl.sum_row(idx[starts[g]:starts[g + 1]], lo=1))
    else:
        _groups(pl, "exactly_one", idx, sizes, placed)
    _groups(pl, "at_most_one", idx, sizes, (sizes > 1) & (~placed | pl.explaining))


def _groups(pl: Placement, kind: str, idx: np.ndarray, sizes: np.ndarray,
            chosen: np.ndarray) -> None:
    """One `kind` constraint over each chosen group of `idx` (runs of `sizes`)."""
    pl.add_groups(kind, idx[np.repeat(chosen, sizes)], np.r_[0, np.cumsum(sizes[chosen])])


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
