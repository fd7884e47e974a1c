"""The steps every profile shares, from sitting cadres to the five output tables.

A profile builds its teams, posts and sitting cadres (with `leaving` set), then
hands them to `assemble` with a `Recipe` saying where candidates come from and
how many cases of each kind to plant. `assemble` plants the forced cases, plans
the witness roster (`succession.plan`), makes designated successors and
alternates, marks sitting candidates, plants the other cases and kin pairs, and
returns the text tables together with the witness.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from placement.generate import cases
from placement.generate.common import EVALUATION_YEAR
from placement.generate.output import as_text
from placement.generate.people import approvals, ratings, secretary_experience
from placement.generate.succession import (
    Origins,
    forced_out,
    make_candidates,
    plan,
    retiring,
    stays,
)
from placement.meaning.posts import filled_by_default

# The `system` of an active-duty officer holding a post filled through the military
# (人武部部长): a military one (`placement.meaning.posts.MILITARY_SYSTEM`), so the data
# need no `filled_by` column and validation has nothing to warn about.
MILITARY_SYSTEM = "人武"

Nominate = Callable[[np.random.Generator, pd.DataFrame, np.ndarray], list]
Finish = Callable[[np.random.Generator, pd.DataFrame, pd.DataFrame, pd.DataFrame], None]


@dataclass(frozen=True)
class Recipe:
    prefix: str  # cadre ids: prefix + number
    regions: list[str]  # places a non-local cadre may come from
    systems: list[str]  # lines of work, for a cadre from outside a team's system
    origins: Origins  # where candidates for a vacancy come from (succession.make_candidates)
    nominate_sitting: Nominate  # nominations of sitting cadres who are candidates
    alternates: int = 2  # alternates per vacancy besides the designated successor
    head_alternates: int | None = None  # for head posts, if not `alternates` (sitting
    # deputies who are candidates compete for those too)
    sitting_candidate_share: float = 0.12
    forced: dict[str, int] = field(default_factory=dict)  # cases.forced_cases counts
    tenure: dict[str, int] = field(default_factory=dict)  # cases.tenure_cases counts
    problems: dict[str, int] = field(default_factory=dict)  # cases.problem_cases counts
    ratings: dict[str, int] = field(default_factory=dict)  # cases.rating_cases counts
    kin_near: int = 6
    kin_far: int = 4
    finish: Finish | None = None  # last touches on (teams, posts, cadres), e.g. reserves


@dataclass
class Generated:
    tables: dict[str, pd.DataFrame]
    witness: pd.DataFrame  # post_id, cadre_id: a roster keeping every hard default rule
    cases: dict[str, list[str]]  # planted case (cases.FORCED, RATING, TENURE, PROBLEMS) -> ids


def channel_posts(posts: pd.DataFrame) -> np.ndarray:
    """Bool per post: filled through another channel (a title naming 人武部)."""
    return filled_by_default(posts["title"].to_numpy(dtype=object)) != "scope"


def channel_holders(posts: pd.DataFrame, sitting: pd.DataFrame) -> np.ndarray:
    """Bool per sitting cadre: holds a post filled through another channel."""
    return channel_posts(posts)[sitting["post"].to_numpy()]


def assemble(rng: np.random.Generator, teams: pd.DataFrame, posts: pd.DataFrame,
             sitting: pd.DataFrame, recipe: Recipe) -> Generated:
    posts = posts.copy()
    posts["team"] = pd.Index(teams["team_id"]).get_indexer(posts["team_id"])
    sitting = sitting.reset_index(drop=True)
    holder = np.full(len(posts), -1, dtype=np.int64)
    holder[sitting["post"].to_numpy()] = np.arange(len(sitting))
    posts["holder"] = holder
    sitting["leaving"] |= retiring(sitting["age"])  # R-EL7: at the retirement age
    sitting["rating_good"], sitting["rating_bad"] = ratings(rng, len(sitting))
    sitting["evaluation_year"] = EVALUATION_YEAR
    # Posts filled through another channel (人武部, by title): the officer holding one
    # stays, is no candidate and carries no case; the witness never gives it to anyone.
    channel = channel_holders(posts, sitting)
    sitting.loc[channel, "system"] = MILITARY_SYSTEM

    protected = channel | cases.forced_cases(rng, teams, posts, sitting, recipe.forced,
                                             keep=channel)
    protected |= cases.rating_cases(rng, posts, sitting, protected, recipe.ratings)
    forced = forced_out(sitting, posts, teams)
    req = plan(rng, teams, posts, sitting, forced, protected)
    designated = make_candidates(rng, req, teams, posts, recipe.origins, recipe.regions,
                                 recipe.systems, designated=True)
    head = (posts["grade"].to_numpy(dtype=object) == "head")[req["post"].to_numpy()]
    per_vacancy = np.where(head, recipe.alternates if recipe.head_alternates is None
                           else recipe.head_alternates, recipe.alternates)
    alt_req = req.loc[np.repeat(req.index.to_numpy(), per_vacancy)].reset_index(drop=True)
    alternates = make_candidates(rng, alt_req, teams, posts, recipe.origins, recipe.regions,
                                 recipe.systems, designated=False)
    cases.problem_cases(rng, alternates, recipe.problems)

    staying_post = stays(sitting, posts, forced)
    staying = np.zeros(len(sitting), dtype=bool)
    staying[posts["holder"].to_numpy()[staying_post]] = True
    tenure = cases.tenure_cases(rng, teams, posts, sitting, staying, protected, recipe.tenure)
    extra = (staying & ~tenure & ~channel
             & (rng.random(len(sitting)) < recipe.sitting_candidate_share))
    sitting.loc[extra & ~sitting["leaving"], "candidate"] = True
    cand = np.flatnonzero(sitting["candidate"].to_numpy(bool) & ~sitting["leaving"].to_numpy(bool))
    sitting.loc[cand, "approval"] = approvals(rng, len(cand))
    sitting.loc[cand, "nominated_for"] = [";".join(dict.fromkeys(x)) for x in
                                          recipe.nominate_sitting(rng, sitting, cand)]
    p_team = posts["team"].to_numpy()
    sitting["near"] = p_team[sitting["post"].to_numpy()]

    # Outside candidates in random order, so that ids say nothing about the witness.
    outside = pd.concat([designated, alternates], ignore_index=True)
    outside = outside.iloc[rng.permutation(len(outside))]
    cad = pd.concat([sitting, outside], ignore_index=True)
    cad["cadre_id"] = [f"{recipe.prefix}{i:05d}" for i in range(1, len(cad) + 1)]
    target = cad["target"].to_numpy()
    stay_team = np.where(np.concatenate([staying, np.zeros(len(outside), bool)]),
                         cad["near"].to_numpy(), -1)
    witness_team = np.where(target >= 0, p_team[np.maximum(target, 0)], stay_team)
    kin = cases.kin_pairs(rng, cad, cad["near"].to_numpy(), witness_team,
                          cad["region"].to_numpy(dtype=object), recipe.kin_near, recipe.kin_far)
    cad["secretary_exp"] = secretary_experience(rng, cad["township_head"])
    if recipe.finish is not None:
        recipe.finish(rng, teams, posts, cad)

    ids = cad["cadre_id"].to_numpy(dtype=object)
    posts["incumbent_id"] = np.where(holder >= 0, ids[np.maximum(holder, 0)], "")
    holders = np.where(staying_post, holder, -1)
    designated_rows = np.flatnonzero(target >= 0)
    holders[target[designated_rows]] = designated_rows
    witness = pd.DataFrame({"post_id": posts["post_id"], "cadre_id": ids[holders]})
    relations = pd.DataFrame({"cadre_a": ids[kin["a"].to_numpy(np.int64)],
                              "cadre_b": ids[kin["b"].to_numpy(np.int64)],
                              "relation": kin["relation"].to_numpy()})
    planted = {case: g["cadre_id"].tolist()
               for case, g in cad[cad["case"] != ""].groupby("case", sort=True)}
    tables = {
        "teams": as_text("teams", teams),
        "posts": as_text("posts", posts),
        "cadres": as_text("cadres", cad),
        "relations": as_text("relations", relations),
        "fit": as_text("fit", pd.DataFrame({"cadre_id": [], "post_id": [], "score": []})),
    }
    return Generated(tables, witness, planted)
