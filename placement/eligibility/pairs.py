"""Which (cadre, post) pairs may appear in a roster, and why the others may not.

Pairs are built vectorised (pandas merges, numpy masks; no per-pair Python
loop except the specialty test on the few posts that require one). First the
structural universe (docs/rules.md, "Availability"): own posts, plus new
placements of candidates within their nomination and at most the allowed rank
steps up. Then every pair rule (R-EL*, R-AV2, R-RO1–R-RO7) is evaluated on
every pair as a mask. A rule in `hard` mode removes its pairs; in `target`
mode its mask stays with the pair so the model can price it and the
explanation can name it. Removed pairs are kept with their reasons, because a
planner asks "why not this person here?".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from placement.data.dataset import DataSet
from placement.data.scenario import Scenario
from placement.data.schema import EDUCATION_LEVEL, RANK_LEVEL
from placement.eligibility.facts import Facts
from placement.eligibility.fit import fit_scores

PAIR_RULES = (
    "R-EL1",
    "R-EL2",
    "R-EL3",
    "R-EL4",
    "R-EL5",
    "R-EL6",
    "R-EL7",
    "R-EL8",
    "R-EL9",
    "R-AV2",
    "R-RO1",
    "R-RO2",
    "R-RO3",
    "R-RO4",
    "R-RO5",
    "R-RO6",
    "R-RO7",
)
# Rules a `must` lock overrides (破格 promotion, demotion by decision): docs/rules.md.
LOCK_EXEMPT = ("R-EL9",)
BAD_GRADES = 1  # level of 基本称职: this or lower breaks R-EL3
# Why a pair was removed, as bits (one per rule; LEAVING only for a must lock on a leaver).
REASON_BIT = {rid: 1 << k for k, rid in enumerate((*PAIR_RULES, "LEAVING"))}


def reasons(bits: int) -> tuple[str, ...]:
    """The rule ids packed in a removed pair's `bits`."""
    return tuple(rid for rid, b in REASON_BIT.items() if int(bits) & b)


@dataclass(frozen=True)
class Pairs:
    """The pairs that get a variable, aligned arrays; plus what was removed and why."""

    cadre: np.ndarray
    post: np.ndarray
    own: np.ndarray
    step: np.ndarray
    must: np.ndarray
    fit: np.ndarray
    breaks: dict[str, np.ndarray]  # target-mode pair rule -> mask over the pairs
    removed: pd.DataFrame  # cadre, post (row positions), own, bits (see `reasons`)
    lock_conflicts: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.cadre)


def structural_pairs(data: DataSet, sc: Scenario, facts: Facts) -> pd.DataFrame:
    """Own posts of staying-capable incumbents, and candidates' possible new posts."""
    cadres, posts, teams = data.cadres, data.posts, data.teams
    el9 = sc.rules["R-EL9"]
    max_step = el9.max_steps if el9.mode == "hard" else max(RANK_LEVEL.values())
    not_leaving = ~cadres["leaving"].to_numpy(bool)

    held = (facts.c_own_post >= 0) & not_leaving
    own = pd.DataFrame({"cadre": np.flatnonzero(held), "post": facts.c_own_post[held]})

    cand = cadres.loc[
        cadres["candidate"].to_numpy(bool) & not_leaving, ["rank_level", "nominated_for"]
    ].copy()
    cand["cadre"] = np.flatnonzero(cadres["candidate"].to_numpy(bool) & not_leaving)
    p = pd.DataFrame(
        {
            "post": np.arange(len(posts)),
            "rank_level": posts["rank_level"].to_numpy(),
            "team_id": posts["team_id"].to_numpy(),
            "region": teams.set_index("team_id").loc[posts["team_id"], "region"].to_numpy(),
        }
    )
    anywhere = cand[cand["nominated_for"].map(len) == 0]
    named = cand[cand["nominated_for"].map(len) > 0].explode("nominated_for")
    parts = []
    for step in range(max_step + 1):
        a = anywhere.assign(rank_level=anywhere["rank_level"] + step)
        parts.append(a[["cadre", "rank_level"]].merge(p[["post", "rank_level"]], on="rank_level"))
        n = named.assign(rank_level=named["rank_level"] + step)
        for key in ("team_id", "region"):
            parts.append(
                n[["cadre", "rank_level", "nominated_for"]].merge(
                    p, left_on=["rank_level", "nominated_for"], right_on=["rank_level", key]
                )
            )
    new = pd.concat([x[["cadre", "post"]] for x in parts], ignore_index=True)
    new = new[facts.c_own_post[new["cadre"].to_numpy()] != new["post"].to_numpy()]
    out = pd.concat([own.assign(own=True), new.assign(own=False)], ignore_index=True)
    return out.drop_duplicates(["cadre", "post"]).sort_values(["post", "cadre"], ignore_index=True)


def pair_rule_masks(
    data: DataSet, sc: Scenario, facts: Facts, cadre: np.ndarray, post: np.ndarray, own: np.ndarray
) -> dict[str, np.ndarray]:
    """For every active pair rule, the pairs that break it (docs/rules.md tables)."""
    cadres, posts, teams = data.cadres, data.posts, data.teams
    r = sc.rules
    ref = facts.ref
    new = ~own
    c_rank = cadres["rank_level"].to_numpy()[cadre]
    p_rank = posts["rank_level"].to_numpy()[post]
    step = p_rank - c_rank
    promo = new & (step >= 1)
    team = facts.p_team[post]
    t_kind = teams["kind"].to_numpy(dtype=object)[team]
    t_system = teams["system"].to_numpy(dtype=object)[team]
    t_region = teams["region"].to_numpy(dtype=object)[team]
    p_head = (posts["grade"].to_numpy(dtype=object) == "head")[post]
    age = facts.c_age[cadre]
    newest = np.array([g[0] if g else 99 for g in facts.c_grades])[cadre]
    masks: dict[str, np.ndarray] = {}

    def on(rid: str) -> bool:
        return r[rid].mode != "off"

    if on("R-EL1"):
        ranks = np.isin(posts["rank"].to_numpy(dtype=object), list(r["R-EL1"].ranks))[post]
        masks["R-EL1"] = (
            new & ranks & (facts.c_edu[cadre] < EDUCATION_LEVEL[r["R-EL1"].min_education])
        )
    if on("R-EL2"):
        masks["R-EL2"] = promo & (facts.c_years_rank[cadre] < r["R-EL2"].min_years)
    if on("R-EL3"):
        k = r["R-EL3"].years
        bad = np.array([any(v <= BAD_GRADES for v in g[:k]) for g in facts.c_grades])
        masks["R-EL3"] = new & bad[cadre]
    if on("R-EL4"):
        year = cadres["assessment_year"].astype("Float64").fillna(-1e9).to_numpy(float)[cadre]
        recent = (ref.year - year) <= r["R-EL4"].basic_no_promotion_years
        masks["R-EL4"] = (newest == 0) | (promo & (newest == BAD_GRADES) & recent)
    if on("R-EL5"):
        until = cadres["sanction_until"].to_numpy()[cadre]
        sanctioned = ~pd.isna(until) & (until > np.datetime64(ref))
        file_bad = (
            ~cadres["file_ok"].to_numpy(bool)[cadre] | ~cadres["matters_ok"].to_numpy(bool)[cadre]
        )
        key = posts["key_post"].to_numpy(bool)[post]
        abroad = cadres["spouse_abroad"].to_numpy(bool)[cadre] & (p_head | key)
        masks["R-EL5"] = new & (sanctioned | file_bad | abroad)
    if on("R-EL6"):
        appr = cadres["approval"].to_numpy(float)[cadre]
        low = ~np.isnan(appr) & (appr < r["R-EL6"].threshold - 1e-12)
        missing = np.isnan(appr) & promo & r["R-EL6"].missing_blocks_promotion
        masks["R-EL6"] = new & (low | missing)
    if on("R-EL7"):
        el7 = r["R-EL7"]
        limit = posts["rank"].map(el7.promotion_max_age).fillna(200).to_numpy(float)[post]
        masks["R-EL7"] = new & (
            (age + el7.term_years > el7.retirement_age) | (promo & (age > limit))
        )
    if on("R-EL8"):
        spec = posts["specialty"].to_numpy(dtype=object)[post]
        need = np.flatnonzero(spec != "")
        specs = cadres["specialties"].to_numpy(dtype=object)[cadre[need]]
        lacks = np.zeros(len(cadre), bool)
        lacks[need] = [s not in have for s, have in zip(spec[need], specs, strict=True)]
        masks["R-EL8"] = new & lacks
    if on("R-EL9"):
        masks["R-EL9"] = new & (step > r["R-EL9"].max_steps)
    if on("R-AV2"):
        home = cadres["home_region"].to_numpy(dtype=object)[cadre]
        masks["R-AV2"] = posts["key_post"].to_numpy(bool)[post] & (home == t_region)
    own_grade = np.where(
        facts.c_own_post >= 0, posts["grade"].to_numpy(dtype=object)[facts.c_own_post], ""
    )[cadre]
    own_team = np.where(facts.c_own_post >= 0, facts.p_team[facts.c_own_post], -1)[cadre]
    ro2_systems = list(r["R-RO2"].systems)
    if on("R-RO1"):
        ro = r["R-RO1"]
        masks["R-RO1"] = (
            own & p_head & np.isin(t_kind, ro.kinds) & (facts.c_years_post[cadre] >= ro.years)
        )
    if on("R-RO2"):
        ro = r["R-RO2"]
        masks["R-RO2"] = (
            (team == own_team)
            & (own_grade == "deputy")
            & np.isin(t_system, ro2_systems)
            & np.isin(t_kind, ro.kinds)
            & (facts.c_years_team[cadre] >= ro.years)
        )
    if on("R-RO3"):
        ro = r["R-RO3"]
        masks["R-RO3"] = (
            own
            & ~p_head
            & ~np.isin(t_system, ro2_systems)
            & np.isin(t_kind, ro.kinds)
            & (facts.c_years_post[cadre] >= ro.years)
        )
    if on("R-RO4"):
        masks["R-RO4"] = (
            own
            & posts["dispatched"].to_numpy(bool)[post]
            & (facts.c_years_post[cadre] >= r["R-RO4"].years)
        )
    if on("R-RO5"):
        ro = r["R-RO5"]
        masks["R-RO5"] = (
            own
            & (posts["portfolio"].to_numpy(dtype=object)[post] != "")
            & np.isin(t_kind, ro.kinds)
            & (facts.c_years_portfolio[cadre] >= ro.years)
        )
    c_region = cadres["region"].to_numpy(dtype=object)[cadre]
    if on("R-RO6"):
        home_gov = (t_kind == "county_gov") & (t_region == c_region)
        masks["R-RO6"] = new & cadres["township_head_now"].to_numpy(bool)[cadre] & ~home_gov
    if on("R-RO7"):
        masks["R-RO7"] = new & cadres["county_pick"].to_numpy(bool)[cadre] & (t_region == c_region)
    return masks


def eligible_pairs(data: DataSet, sc: Scenario, facts: Facts) -> Pairs:
    universe = structural_pairs(data, sc, facts)
    universe = _apply_locks(data, sc, facts, universe)
    cadre = universe["cadre"].to_numpy(np.int64)
    post = universe["post"].to_numpy(np.int64)
    own = universe["own"].to_numpy(bool)
    must = universe["must"].to_numpy(bool)
    masks = pair_rule_masks(data, sc, facts, cadre, post, own)
    # A must lock waives LOCK_EXEMPT rules whatever their mode.
    masks = {rid: (m & ~must if rid in LOCK_EXEMPT else m) for rid, m in masks.items()}
    hard = [rid for rid in masks if sc.rules[rid].mode == "hard"]
    bits = np.where(data.cadres["leaving"].to_numpy(bool)[cadre], REASON_BIT["LEAVING"], 0)
    for rid in hard:
        bits = bits | np.where(masks[rid], REASON_BIT[rid], 0)
    drop = bits != 0
    removed_idx = np.flatnonzero(drop)
    removed = pd.DataFrame(
        {
            "cadre": cadre[removed_idx],
            "post": post[removed_idx],
            "own": own[removed_idx],
            "bits": bits[removed_idx],
        }
    )
    conflicts = [
        (
            data.cadres["cadre_id"].iat[cadre[i]],
            data.posts["post_id"].iat[post[i]],
            reasons(bits[i]),
        )
        for i in removed_idx
        if must[i]
    ]
    keep = ~drop
    step = data.posts["rank_level"].to_numpy()[post] - data.cadres["rank_level"].to_numpy()[cadre]
    targets = {rid: m[keep] for rid, m in masks.items() if sc.rules[rid].mode == "target"}
    return Pairs(
        cadre=cadre[keep],
        post=post[keep],
        own=own[keep],
        step=step[keep],
        must=must[keep],
        fit=fit_scores(data, sc.fit, cadre[keep], post[keep]),
        breaks=targets,
        removed=removed,
        lock_conflicts=conflicts,
    )


def _apply_locks(data: DataSet, sc: Scenario, facts: Facts, universe: pd.DataFrame) -> pd.DataFrame:
    """`forbid` drops pairs; `must` adds them (exempt from availability and R-EL9)."""
    cpos = pd.Index(data.cadres["cadre_id"])
    ppos = pd.Index(data.posts["post_id"])
    universe = universe.assign(must=False)
    if sc.locks.forbid:
        forbidden = pd.MultiIndex.from_tuples(
            [(cpos.get_loc(p.cadre), ppos.get_loc(p.post)) for p in sc.locks.forbid])
        pairs = pd.MultiIndex.from_arrays([universe["cadre"], universe["post"]])
        universe = universe[~pairs.isin(forbidden)]
    if sc.locks.must:
        rows = pd.DataFrame(
            {
                "cadre": [cpos.get_loc(p.cadre) for p in sc.locks.must],
                "post": [ppos.get_loc(p.post) for p in sc.locks.must],
            }
        )
        rows["own"] = facts.c_own_post[rows["cadre"].to_numpy()] == rows["post"].to_numpy()
        rows["must"] = True
        universe = pd.concat(
            [
                universe[
                    ~universe.set_index(["cadre", "post"]).index.isin(
                        rows.set_index(["cadre", "post"]).index
                    )
                ],
                rows,
            ],
            ignore_index=True,
        )
        universe = universe.sort_values(["post", "cadre"], ignore_index=True)
    return universe
