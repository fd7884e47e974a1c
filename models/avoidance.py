"""Avoidance rules at team level: R-AV1 (kinship).

R-AV2 (regional avoidance) is a pair rule: `placement.eligibility.pair_rules`.
Kin may not serve in the same team, which also rules out head and deputy of
one team (the direct superior–subordinate case).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.variables import Placement


def add_kinship(pl: Placement) -> None:
    """R-AV1: for every relation and every team both could join, at most one of them."""
    rule = pl.scenario.rules["R-AV1"]
    rel = pl.data.relations
    if rel.empty:
        return
    cpos = pd.Index(pl.data.cadres["cadre_id"])
    by_cadre_team = pl.groups(pl.pairs.cadre * len(pl.data.teams) + pl.pair_team)
    team_ids = pl.data.teams["team_id"].to_numpy()
    n_teams = len(pl.data.teams)
    for a_id, b_id in zip(rel["cadre_a"], rel["cadre_b"], strict=True):
        a, b = cpos.get_loc(a_id), cpos.get_loc(b_id)
        teams_a = {int(t) for t in pl.pair_team[pl.pairs.cadre == a]}
        teams_b = {int(t) for t in pl.pair_team[pl.pairs.cadre == b]}
        for t in sorted(teams_a & teams_b):
            idx = np.concatenate([by_cadre_team[a * n_teams + t], by_cadre_team[b * n_teams + t]])
            if rule.mode == "hard":
                pl.require("R-AV1", f"{team_ids[t]}:{a_id}~{b_id}", pl.total(idx) <= 1)
            else:
                v = pl.model.new_bool_var(f"R-AV1[{a_id}~{b_id}@{team_ids[t]}]")
                pl.model.add(pl.total(idx) <= 1 + v)
                pl.penalise("R-AV1", f"{team_ids[t]}:{a_id}~{b_id}", v)


FAMILY = {"R-AV1": add_kinship}
