"""Drop one cadre into one post and see the team before and after, without a solve.

Why it exists: a planner weighing a name for a post first asks what the team would
look like with it (ages, education, gender, locals, non-Party, women) and whether it
brings kin into the team (R-AV1) or puts someone in a key post of their home region
(R-AV2). That is arithmetic on the members, not an optimisation: the members' readings
are the team table's (`placement.meaning.team_rules.READINGS`),
the home-region tie is the pair rule itself (`pair_rules.r_av2_home_region`), so the
panel and the roster cannot disagree. What forcing the pair costs the whole roster is
`why-not`'s question, asked apart (it solves).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from placement.data.dataset import DataSet
from placement.data.scenario import Scenario
from placement.eligibility.facts import Facts
from placement.eligibility.pair_rules import HOME_REGION, KIN, pair_context, r_av2_home_region
from placement.meaning import team_rules as meaning

# Age bands of the structure charts (the report's bands: docs/report.md).
AGE_BANDS = ((0, 34, "≤34"), (35, 39, "35–39"), (40, 44, "40–44"), (45, 49, "45–49"),
             (50, 54, "50–54"), (55, 59, "55–59"), (60, 200, "≥60"))
EDUCATION = ("postgraduate", "bachelor", "college", "other")


def team_profiles(data: DataSet, sc: Scenario, facts: Facts, holders: np.ndarray) -> pd.DataFrame:
    """Per team, for the members `holders` gives (cadre row per post row, -1 vacant):
    size, the team table's counts (women, young, locals, exchanged_in, non_party,
    township_head), average age, members per education level (`edu_*`) and per age
    band and gender (`band:<label>:M` / `:F`)."""
    held = holders >= 0
    c, p = holders[held], np.flatnonzero(held)
    t = facts.p_team[p]
    stay = facts.c_own_post[c] == p
    age = facts.c_age[c]
    cols = {"team": t, "size": np.ones(len(c), dtype=int), "age": age.astype(float)}
    cols |= {col: meaning.counts(rule, data, sc, facts, c, t, stay).astype(int)
             for col, rule in ((r.column, r.rule) for r in meaning.READINGS)}
    edu = data.cadres["education"].to_numpy(dtype=object)[c]
    cols |= {f"edu_{e}": (edu == e).astype(int) for e in EDUCATION}
    gender = data.cadres["gender"].to_numpy(dtype=object)[c]
    for low, high, label in AGE_BANDS:
        inside = (age >= low) & (age <= high)
        for g in ("M", "F"):
            cols[f"band:{label}:{g}"] = (inside & (gender == g)).astype(int)
    frame = pd.DataFrame(cols)
    agg = frame.drop(columns="age").groupby("team").sum()
    agg["avg_age"] = frame.groupby("team")["age"].mean().round(1)
    agg = agg.reindex(range(len(data.teams)))
    counts = agg.columns.drop("avg_age")
    agg[counts] = agg[counts].fillna(0).astype(int)
    agg.insert(0, "team_name", data.teams["name"].to_numpy())
    agg.insert(0, "team_id", data.teams["team_id"].to_numpy())
    return agg.reset_index(drop=True)


@dataclass
class Trial:
    """Cadre row `cadre` dropped into post row `post` of `holders`: the teams touched
    (the post's team, and the team the cadre leaves if another), before and after;
    the holder it displaces; the kin and home-region ties of those teams, before and
    after."""

    cadre: int
    post: int
    displaced: int  # cadre row of the post's holder before, -1 if vacant or the cadre
    teams: pd.DataFrame  # team profile rows, column `when` = before / after
    ties: pd.DataFrame = field(default_factory=pd.DataFrame)  # rule, when, team_id, cadres …


def try_member(data: DataSet, sc: Scenario, facts: Facts, holders: np.ndarray, cadre: int,
               post: int) -> Trial:
    """The trial: `holders` with `cadre` taken from any post it holds and put in `post`."""
    after = holders.copy()
    after[after == cadre] = -1
    displaced = int(holders[post]) if holders[post] != cadre else -1
    after[post] = cadre
    touched = [int(facts.p_team[post])]
    left = np.flatnonzero(holders == cadre)
    if len(left) and int(facts.p_team[left[0]]) not in touched:
        touched.append(int(facts.p_team[left[0]]))
    rows = [team_profiles(data, sc, facts, h).iloc[touched].assign(when=when)
            for when, h in (("before", holders), ("after", after))]
    ties = pd.concat([_ties(data, sc, facts, h, touched).assign(when=when)
                      for when, h in (("before", holders), ("after", after))],
                     ignore_index=True)
    return Trial(cadre, post, displaced, pd.concat(rows, ignore_index=True), ties)


def _ties(data: DataSet, sc: Scenario, facts: Facts, holders: np.ndarray,
          teams: list[int]) -> pd.DataFrame:
    """R-AV1: relations with both kin in one of `teams`; R-AV2: members holding a key
    post of their home region's team. Ids only (names are added by the caller)."""
    ids = data.cadres["cadre_id"].to_numpy(dtype=object)
    post_ids = data.posts["post_id"].to_numpy(dtype=object)
    team_ids = data.teams["team_id"].to_numpy(dtype=object)
    p = np.flatnonzero((holders >= 0) & np.isin(facts.p_team, teams))
    c = holders[p]
    member = pd.DataFrame({"cadre_id": ids[c], "team_id": team_ids[facts.p_team[p]],
                           "post_id": post_ids[p]})
    rel = data.relations
    kin = (rel.merge(member.rename(columns={"cadre_id": "cadre_a", "post_id": "post_a"}),
                     on="cadre_a")
           .merge(member.rename(columns={"cadre_id": "cadre_b", "post_id": "post_b"}),
                  on=["cadre_b", "team_id"]))
    kin = kin.assign(rule=KIN)[["rule", "team_id", "cadre_a", "cadre_b", "relation",
                                    "post_a", "post_b"]]
    ctx = pair_context(data, sc, facts, c, p, facts.c_own_post[c] == p)
    home = member[r_av2_home_region(ctx)].rename(columns={"cadre_id": "cadre_a",
                                                          "post_id": "post_a"})
    home = home.assign(rule=HOME_REGION, cadre_b="", relation="home_region", post_b="")
    return pd.concat([kin, home[kin.columns]], ignore_index=True)
