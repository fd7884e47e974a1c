"""Avoidance rules at team level: R-AV1 (kinship).

R-AV2 (regional avoidance) is a pair rule: `placement.eligibility.pair_rules`.
Kin may not serve in the same team, which also rules out head and deputy of
one team (the direct superior–subordinate case).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.variables import Placement


def kin_places(pl: Placement) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray, np.ndarray]:
    """Every (relation, team) both kin could join, in relation order then team order,
    with the pairs that place either of them in that team: per place g, its relation's
    row and team (`rel[g]`, `team[g]`), and its pairs idx[starts[g]:starts[g + 1]] (the
    first kin's pairs, then the second's, each in pair order).

    Why a join: the relations met the pairs by a scan of every pair per relation,
    0.24 s at province size; a join on (cadre, team) touches each pair once. By
    search in the sorted (cadre, team) runs of the kin's pairs, not a pandas merge of
    every pair's runs: under 1 ms where the merges took 15-20 ms (issue 29)."""
    rel = pl.data.relations
    cpos = pd.Index(pl.data.cadres["cadre_id"])
    a, b = cpos.get_indexer(rel["cadre_a"]), cpos.get_indexer(rel["cadre_b"])
    if (a < 0).any() or (b < 0).any():
        raise KeyError("R-AV1: a relation names a cadre who is not in the data set")
    n_teams = len(pl.data.teams)
    key = pl.pairs.cadre.astype(np.int64) * n_teams + pl.pair_team
    # (cadre, team) keys ascending, of the kin's pairs only (a few hundred of 137k)
    runs, idx, bounds = pl.group_bounds(key, np.isin(pl.pairs.cadre, np.r_[a, b]))
    # Each relation's first kin's runs (one per team, in team order), then the second
    # kin's run in the same team, where there is one.
    run_cadre = runs // n_teams
    lo, hi = np.searchsorted(run_cadre, a), np.searchsorted(run_cadre, a, side="right")
    count = hi - lo
    of = np.repeat(np.arange(len(a)), count)
    a_run = np.arange(int(count.sum())) + np.repeat(lo - np.r_[0, np.cumsum(count)[:-1]],
                                                    count)
    team = runs[a_run] % n_teams
    wanted = b[of].astype(np.int64) * n_teams + team
    b_run = np.minimum(np.searchsorted(runs, wanted), max(len(runs) - 1, 0))
    both = (runs[b_run] == wanted) if len(runs) else np.zeros(0, dtype=bool)
    of, team, a_run, b_run = of[both], team[both], a_run[both], b_run[both]
    a_len, b_len = bounds[a_run + 1] - bounds[a_run], bounds[b_run + 1] - bounds[b_run]
    starts = np.r_[0, np.cumsum(a_len + b_len)]
    # Per place, the positions in `idx` of the first kin's run, then the second's.
    first = np.column_stack([bounds[a_run], bounds[b_run]]).ravel()
    lens = np.column_stack([a_len, b_len]).ravel()
    offset = np.repeat(first - np.r_[0, np.cumsum(lens)[:-1]], lens)
    pos = np.arange(int(lens.sum())) + offset
    return (of, team), idx[pos], starts


def kin_sitting_together(pl: Placement) -> np.ndarray:
    """Bool per cadre: sitting in a team where a relative sits too, with R-AV1 not off.
    One of them has to leave that team (hard), or may stay at the rule's weight (target),
    so R-AV1 is a cause to leave the roster ("Leaving the roster", docs/rules.md):
    neither is held to a post (`add_assignment`); the release of the one who goes is
    priced like any other (`models.objective`)."""
    out = np.zeros(len(pl.data.cadres), dtype=bool)
    rel = pl.data.relations
    if pl.scenario.rules["R-AV1"].mode == "off" or rel.empty:
        return out
    cpos = pd.Index(pl.data.cadres["cadre_id"])
    a, b = cpos.get_indexer(rel["cadre_a"]), cpos.get_indexer(rel["cadre_b"])
    own = pl.facts.c_own_post
    team = np.where(own >= 0, pl.facts.p_team[np.maximum(own, 0)], -1)
    together = (a >= 0) & (b >= 0) & (team[a] >= 0) & (team[a] == team[b])
    out[a[together]] = out[b[together]] = True
    return out


def add_kinship(pl: Placement) -> None:
    """R-AV1: for every relation and every team both could join, at most one of them."""
    rule = pl.scenario.rules["R-AV1"]
    rel = pl.data.relations
    if rel.empty:
        return
    (rels, teams), idx, starts = kin_places(pl)
    team_ids = pl.data.teams["team_id"].to_numpy()
    a_ids, b_ids = rel["cadre_a"].to_numpy(), rel["cadre_b"].to_numpy()
    for g, (r, t) in enumerate(zip(rels.tolist(), teams.tolist(), strict=True)):
        where = f"{team_ids[t]}:{a_ids[r]}~{b_ids[r]}"
        total = pl.total(idx[starts[g]:starts[g + 1]])
        if rule.mode == "hard":
            pl.require("R-AV1", where, total <= 1)
        else:
            v = pl.model.new_bool_var(f"R-AV1[{a_ids[r]}~{b_ids[r]}@{team_ids[t]}]")
            pl.model.linear(total - v <= 1)  # Σ ≤ 1 + v, in the row form the loop wrote
            pl.penalise("R-AV1", where, v)


FAMILY = {"R-AV1": add_kinship}
