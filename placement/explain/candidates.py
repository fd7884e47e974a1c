"""Who could fill this post: every cadre against one post, with the conditions a
planner sets and why each is eligible there or not.

Why it exists: organisation departments' cadre platforms let a planner set conditions
for a vacancy ("担任过乡镇党委书记、本科、40岁以下") and get the fitting cadres in
seconds. Here the same list also says, for each cadre, what the rules say about that
very post: the structural reasons (leaving, not a candidate, not nominated there, a
demotion, too many rank steps: as `why-not` names them) and every pair rule that
breaks on the pair (`placement.eligibility.pair_rules`, the masks the model uses), hard
ones excluding it, target ones priced. The members' readings (a woman, young, a local,
non-Party, township party-secretary experience) are `placement.meaning`'s, relative to
the post's team. One post against every cadre is one vectorised pass: no solve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from placement.data.dataset import DataSet
from placement.data.rules import RULE_NAMES
from placement.data.scenario import Scenario
from placement.data.schema import EDUCATION_LEVEL
from placement.data.words import say
from placement.eligibility.facts import Facts
from placement.eligibility.fit import fit_scores
from placement.eligibility.pairs import pair_rule_masks, structural_reasons
from placement.explain.whynot import STRUCTURAL
from placement.meaning import team_rules as meaning

# Member readings of the post's team, by column: the rule whose reading it is.
READINGS = {r.one: r.rule for r in meaning.READINGS if r.one}


@dataclass(frozen=True)
class Conditions:
    """What the planner asks for; None leaves a condition out.

    `max_age`: younger than (40岁以下 = 40); `min_age`: at least; `education`: at least
    this level (`college`, `bachelor`, `postgraduate`); `party`: "cpc" or "non_party";
    `secretary`: township party-secretary experience (R-TC8's reading); `rank`: the
    current rank (正处 …); `min_years_rank`: whole years at it; `specialty`: among the
    cadre's specialties; `reserve`: in a reserve pool; `region`: works in this region;
    `eligible_only`: drop cadres a hard rule or a structural reason keeps out."""

    max_age: int | None = None
    min_age: int | None = None
    gender: str | None = None
    education: str | None = None
    party: str | None = None
    secretary: bool | None = None
    rank: str | None = None
    min_years_rank: int | None = None
    specialty: str | None = None
    reserve: bool | None = None
    region: str | None = None
    eligible_only: bool = False


def candidates(data: DataSet, sc: Scenario, facts: Facts, post: int) -> pd.DataFrame:
    """Every cadre against post row `post`, ranked: eligible first, then fewer target
    rules broken, then fit (high first), then id. `excluded_by`: structural reasons and
    hard rules (empty: eligible); `breaks`: target rules the pair breaks."""
    cad = data.cadres
    n = len(cad)
    cadre = np.arange(n, dtype=np.int64)
    posts = np.full(n, post, dtype=np.int64)
    own = facts.c_own_post == post
    team = facts.p_team[posts]
    masks = pair_rule_masks(data, sc, facts, cadre, posts, own)
    hard = [r for r in masks if sc.rules[r].mode == "hard"]
    target = [r for r in masks if sc.rules[r].mode == "target"]
    why = _structural(data, sc, facts, post)
    excluded = [[*s, *(r for r in hard if masks[r][i] and r not in s)]
                for i, s in enumerate(why)]
    breaks = [[r for r in target if masks[r][i]] for i in range(n)]
    held = np.where(facts.c_own_post >= 0, facts.c_own_post, 0)
    now = data.posts["post_id"].to_numpy(dtype=object)[held]
    out = pd.DataFrame({
        "cadre_id": cad["cadre_id"], "name": cad["name"], "gender": cad["gender"],
        "age": facts.c_age, "party": cad["party"], "education": cad["education"],
        "rank": cad["rank"], "years_rank": facts.c_years_rank,
        "specialties": cad["specialties"].map("、".join), "reserve_rank": cad["reserve_rank"],
        "region": cad["region"], "home_region": cad["home_region"],
        "post_now": np.where(facts.c_own_post >= 0, now, ""), "own": own,
        "candidate": cad["candidate"].to_numpy(bool), "leaving": cad["leaving"].to_numpy(bool),
    })
    for col, rule in READINGS.items():
        out[col] = meaning.counts(rule, data, sc, facts, cadre, team, own)
    out["fit"] = fit_scores(data, sc.fit, cadre, posts)
    out["excluded_by"] = excluded
    out["breaks"] = breaks
    out["eligible"] = out["excluded_by"].map(len) == 0
    out["n_breaks"] = out["breaks"].map(len)
    for k, lang in enumerate(("zh", "en")):
        out[f"why_{lang}"] = [why_text(e, b, f, k) for e, b, f in
                              zip(excluded, breaks, out["fit"].tolist(), strict=True)]
    return out.sort_values(["eligible", "n_breaks", "fit", "cadre_id"],
                           ascending=[False, True, False, True], ignore_index=True)


def why_text(excluded: list[str], breaks: list[str], fit: int, k: int) -> str:
    """Why a cadre may or may not take the post, in Chinese (`k` 0) or English (1):
    every excluding reason, else the fit and the target rules the pair would break."""
    def name(rid: str) -> str:
        return (say(f"whynot_{rid}", ("zh", "en")[k]) if rid in STRUCTURAL
                else f"{rid} {RULE_NAMES[rid][k]}")
    sep = "；" if k == 0 else "; "
    if excluded:
        return ("不可任：", "not eligible: ")[k] + sep.join(name(r) for r in excluded)
    text = (f"可任，人岗相适 {fit}", f"eligible, fit {fit}")[k]
    if breaks:
        text += ("；将未达目标：", "; would miss targets: ")[k] + sep.join(name(r) for r in breaks)
    return text


def select(frame: pd.DataFrame, cond: Conditions) -> pd.DataFrame:
    """The rows of a `candidates` frame that meet every condition given, order kept."""
    keep = np.ones(len(frame), dtype=bool)
    if cond.max_age is not None:
        keep &= frame["age"].to_numpy() < cond.max_age
    if cond.min_age is not None:
        keep &= frame["age"].to_numpy() >= cond.min_age
    if cond.gender:
        keep &= frame["gender"].to_numpy() == cond.gender
    if cond.education:
        level = frame["education"].map(EDUCATION_LEVEL).to_numpy()
        keep &= level >= EDUCATION_LEVEL[cond.education]
    if cond.party:
        keep &= frame["non_party"].to_numpy() == (cond.party == "non_party")
    if cond.secretary is not None:
        keep &= frame["secretary"].to_numpy() == cond.secretary
    if cond.rank:
        keep &= frame["rank"].to_numpy() == cond.rank
    if cond.min_years_rank is not None:
        keep &= frame["years_rank"].to_numpy() >= cond.min_years_rank
    if cond.specialty:
        keep &= frame["specialties"].str.split("、").map(lambda s: cond.specialty in s)
    if cond.reserve is not None:
        keep &= (frame["reserve_rank"].to_numpy() != "") == cond.reserve
    if cond.region:
        keep &= frame["region"].to_numpy() == cond.region
    if cond.eligible_only:
        keep &= frame["eligible"].to_numpy()
    return frame[keep].reset_index(drop=True)


def _structural(data: DataSet, sc: Scenario, facts: Facts, post: int) -> list[list[str]]:
    """The structural reasons (`structural_reasons`) for every cadre at once against one
    post."""
    n = len(data.cadres)
    flags = structural_reasons(data, sc, facts, np.arange(n), np.full(n, post))
    hit = np.column_stack(list(flags.values()))
    names = np.array(list(flags), dtype=object)
    return [list(names[row]) for row in hit]
