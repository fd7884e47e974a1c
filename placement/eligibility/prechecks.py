"""Conflicts visible before any solve, from the facts and the eligible pairs alone.

Infeasible is an answer, and the cheapest answers need no model: a post nobody may take,
a lock that breaks a hard rule (`structural_prechecks`); a hard team minimum whose
eligible pool cannot reach its figure, or more posts of a rank than cadres who may take
them (`count_prechecks`). Each conflict names the rule and the place; the pipeline
answers with them before the model is built (`placement.pipeline.propose`), and the
conflict core and relaxations of `placement.explain.infeasible` come only after.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from placement.data.dataset import DataSet
from placement.data.scenario import Scenario
from placement.eligibility.facts import Facts
from placement.eligibility.pairs import Pairs, reasons
from placement.meaning import team_rules as meaning


def prechecks(data: DataSet, sc: Scenario, facts: Facts, pairs: Pairs) -> list[dict]:
    """Every conflict visible before solving: the structural ones, else the counted ones
    (a post nobody may take already explains a short pool)."""
    return (structural_prechecks(data, sc, facts, pairs)
            or count_prechecks(data, sc, facts, pairs))


def structural_prechecks(data: DataSet, sc: Scenario, facts: Facts, pairs: Pairs) -> list[dict]:
    """Conflicts the eligible pairs show: a post nobody may take (a post left open for
    another channel, `facts.p_open`, needs no holder), a must lock that breaks a hard
    rule, a keep lock on an incumbent who may not stay."""
    out = []
    has_pair = facts.p_open.copy()
    has_pair[pairs.post] = True
    removed = pairs.removed
    for p in np.flatnonzero(~has_pair):
        rules = sorted(
            reasons(np.bitwise_or.reduce(removed.loc[removed["post"] == p, "bits"], initial=0))
        )
        out.append(
            {
                "rule": ",".join(rules) or "NO_CANDIDATE",
                "where": data.posts["post_id"].iat[p],
                "detail": "no cadre may take this post",
                    "detail_zh": "没有人员可任此职位",
            }
        )
    for cadre, post, rules in pairs.lock_conflicts:
        out.append(
            {
                "rule": ",".join(rules),
                "where": f"must {cadre}->{post}",
                "detail": "the lock breaks a hard rule",
                    "detail_zh": "该锁定违反硬性规定",
            }
        )
    keep = set(sc.locks.keep)
    stay_ok = set(pairs.cadre[pairs.own].tolist())
    inc = data.posts["incumbent_id"]
    cpos = pd.Index(data.cadres["cadre_id"])
    for p in np.flatnonzero(
        (data.posts["post_id"].isin(keep) | data.posts["team_id"].isin(keep)).to_numpy()
        & (inc != "").to_numpy()
    ):
        c = cpos.get_loc(inc.iat[p])
        if c not in stay_ok:
            rules = sorted(
                {
                    r
                    for rs in removed.loc[(removed["cadre"] == c) & removed["own"], "bits"].map(
                        reasons
                    )
                    for r in rs
                }
            ) or ["LEAVING"]
            out.append(
                {
                    "rule": ",".join(rules),
                    "where": f"keep {data.posts['post_id'].iat[p]}",
                    "detail": "the incumbent may not stay",
                    "detail_zh": "现任人员不能留任",
                }
            )
    return out


def count_prechecks(data: DataSet, sc: Scenario, facts: Facts, pairs: Pairs) -> list[dict]:
    """Hard minimums that the eligible pool cannot reach, and ranks with too few cadres.

    For each hard team minimum (R-TC5: each hard tier) the pool of every place is
    counted: the distinct cadres who would count there and may take one of its posts.
    A place whose pool (or whose number of posts) is below what it needs is a conflict
    of its own; so is a scope whose places need more in all than the distinct cadres
    who may take any of their posts (one cadre holds one post): "3 women in every
    county team" asks 204 of 183 women. That conflict carries every place's pool
    (`pools`), which the report prints beside the requirement."""
    out = []
    for rule in meaning.TEAM_MINIMUMS:
        # The message speaks of one team's posts: a county figure (R-TC2 per county) is
        # left to the conflict core.
        if rule in meaning.BY_COUNTY and sc.rules[rule].per != "team":
            continue
        tiers = []
        if meaning.team_mode(rule, sc) == "hard":
            tiers.append(None)  # the per-team figure (R-TC5: tier (a))
        if (meaning.has_share_tier(rule) and sc.rules[rule].mode == "hard"
                and sc.rules[rule].per == "team"):
            tiers.append(meaning.most_minimum(rule, sc))  # tier (b): `min_women` each
        for each in tiers:
            out += _pool_conflicts(rule, each, data, sc, facts, pairs)
    rank = data.posts["rank"].to_numpy(dtype=object)
    for r in sorted(set(rank)):
        posts_r = rank == r
        cadres_r = len(set(pairs.cadre[posts_r[pairs.post]].tolist()))
        if cadres_r < posts_r.sum():
            out.append({"rule": "RANK", "where": r,
                        "detail": f"{int(posts_r.sum())} posts at {r}, only {cadres_r} cadres "
                                  f"may take any of them",
                        "detail_zh": f"{r}职位{int(posts_r.sum())}个，可任人选仅{cadres_r}名"})
    return out


def pool_counts(rule: str, data: DataSet, sc: Scenario, facts: Facts, pairs: Pairs,
                each: int | None = None) -> tuple[pd.DataFrame, int]:
    """Per place of a team minimum: `posts`, `required` (`each` where given: R-TC5's
    tier (b)) and `pool`, the distinct cadres who would count there and have an
    eligible pair to one of its posts; and the distinct cadres over all its places."""
    team = facts.p_team[pairs.post]
    size = meaning.sizes(data, facts)
    at = meaning.places(rule, data, sc, facts)
    place = at.of_team[team]
    counted = meaning.counts(rule, data, sc, facts, pairs.cadre, team, pairs.own) & (place >= 0)
    n = len(at.names)
    pool = (pd.Series(pairs.cadre[counted]).groupby(place[counted]).nunique()
            .reindex(range(n), fill_value=0).to_numpy(dtype=np.int64))
    held = at.of_team >= 0
    posts = np.bincount(at.of_team[held], weights=size[held], minlength=n).astype(np.int64)
    required = np.full(n, each, dtype=np.int64) if each is not None else at.required
    table = pd.DataFrame({"place": at.names.astype(str), "posts": posts,
                          "required": required.astype(np.int64), "pool": pool})
    return table, len(np.unique(pairs.cadre[counted]))


def _pool_conflicts(rule: str, each: int | None, data: DataSet, sc: Scenario, facts: Facts,
                    pairs: Pairs) -> list[dict]:
    """The conflicts of one hard tier of a team minimum that counting proves: places
    that cannot reach their figure, and a scope that needs more cadres than it has."""
    table, distinct = pool_counts(rule, data, sc, facts, pairs, each)
    label = meaning.LABELS[rule]
    out = []
    for r in table.itertuples():  # the few places short (a conflict each), not pairs
        if r.posts < r.required:
            out.append({"rule": rule, "where": r.place,
                        "detail": f"needs {r.required} {label.many_en}, but has only "
                                  f"{r.posts} posts",
                        "detail_zh": f"需要{r.required}名{label.many_zh}，但只有{r.posts}个职位"})
        elif r.pool < r.required:
            out.append({"rule": rule, "where": r.place,
                        "detail": f"needs {r.required} {label.many_en}, only {r.pool} eligible "
                                  f"for its posts",
                        "detail_zh": f"需要{r.required}名{label.many_zh}，符合条件可任该班子"
                                     f"职位的仅{r.pool}名"})
    if each is not None:  # tier (b): more than a share of the teams must reach `each`
        teams = meaning.required_figure(rule, data, sc)
        able = int((np.minimum(table["pool"], table["posts"]) >= each).sum())
        if able < teams:
            out.append({"rule": rule, "where": "all",
                        "detail": f"{teams} teams must have {each} {label.many_en} each; only "
                                  f"{able} of the {len(table)} can",
                        "detail_zh": f"须有{teams}个班子各配{each}名{label.many_zh}，"
                                     f"{len(table)}个班子中仅{able}个可能做到"})
        # the `teams` places needing fewest: all of them when every team must
        total = teams * each
    else:
        total = int(table["required"].sum())
    if len(table) > 1 and distinct < total:
        out.append({"rule": rule, "where": "all",
                    "detail": f"the {len(table)} teams need {total} {label.many_en} in all; "
                              f"only {distinct} may take any of their posts",
                    "detail_zh": f"{len(table)}个班子共需{label.many_zh}{total}名，"
                                 f"可任这些班子职位的仅{distinct}名",
                    "many_zh": label.many_zh, "many_en": label.many_en,
                    "pools": table.sort_values(["pool", "place"]).to_dict("records")})
    return out


def unmatched_posts(data: DataSet, facts: Facts, pairs: Pairs) -> np.ndarray:
    """The posts (row positions) that a maximum matching of the posts needing a holder
    (not open for another channel) to the cadres, over the eligible pairs, leaves
    without one: however a roster is chosen, at least that many of the posts competing
    for the same few cadres go unfilled (Hall's condition), the posts nobody may take
    among them. Which of the competing posts are left is the matching's choice (the
    same on the same data). Why: a rolling plan adds no one to the pool, and a later
    year may have fewer cadres who may take a set of posts than those posts (the
    province's 2027: three 正处 head posts), which the pre-checks, post by post, do not
    see and the model proves only as "no roster keeps every hard rule"."""
    need = ~facts.p_open
    keep = need[pairs.post]
    graph = csr_matrix((np.ones(int(keep.sum()), dtype=np.int8),
                        (pairs.post[keep], pairs.cadre[keep])),
                       shape=(len(data.posts), len(data.cadres)))
    holder = maximum_bipartite_matching(graph, perm_type="column")
    return np.flatnonzero((holder < 0) & need)
