"""Reserve pool coverage R-RS1 (后备干部 1:2 and 1:1), a report: which reserve may cover
which post, and which posts the pool covers, each reserve counted for one post only.

docs/rules.md ("R-RS1") is the source; this module is the one place in the proposing
side that spells it out (the checker keeps its own reading). Two parts:

- `arcs(data, placed)`: the (reserve, post) pairs before the hard pair rules: the
  cadre's `reserve_rank` equals the post's rank, the cadre is not leaving and holds no
  post in the proposed roster. The caller removes the arcs a hard pair rule breaks (the
  pair rules come later in the pipeline, `placement.eligibility`), judging each as the
  cadre would hold the post (a new placement unless it is their own post).
- `coverage(data, sc, cadre, post)`: over those arcs, the posts covered. A head post
  needs `heads` reserves (default 2), a deputy post `deputies` (default 1), and a
  reserve counts for one post only: a matching in which a post is a number of slots.

What is maximised. A planner asks how many posts have their full reserves, and a head
post with one of its two is not covered; the most slots matched would count it half. So
the posts are taken in one fixed order, head posts first (the seed's 1:2 is about the
succession to the head, and they are the harder to fill), then deputy posts, each in
the order of posts.csv; a post is covered when it and every post covered before it can
have their reserves at once. Each test is a maximum bipartite matching (Hopcroft–Karp,
`scipy.sparse.csgraph.maximum_bipartite_matching`) of the slots of those posts against
the reserves, full when every slot is matched. The covered set depends on the arcs and
the order only, not on which of several maximum matchings the library returns, so the
same inputs name the same uncovered posts, and the checker, reading the same rule in
the same order, names the same. With deputies only it is a maximum matching (the greedy
of a transversal matroid); with head posts it keeps every head post covered earlier
whole and may cover fewer posts than the best choice of posts in contrived cases.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_bipartite_matching

from placement.data.dataset import DataSet
from placement.data.scenario import Scenario

# The reserve-pool rule this module reads: a report-only figure per team (every team
# short of its reserves would mark every structure column), explained post by post.
RULE = "R-RS1"


def arcs(data: DataSet, placed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(cadre rows, post rows), by post then cadre: the reserves who may cover each post
    before the hard pair rules. `placed`: bool per cadre row, holds a post in the roster."""
    cadres, posts = data.cadres, data.posts
    reserve = cadres["reserve_rank"].to_numpy(dtype=object)
    pool = (reserve != "") & ~cadres["leaving"].to_numpy(bool) & ~np.asarray(placed, bool)
    left = pd.DataFrame({"cadre": np.flatnonzero(pool), "rank": reserve[pool]})
    right = pd.DataFrame({"post": np.arange(len(posts)),
                          "rank": posts["rank"].to_numpy(dtype=object)})
    both = right.merge(left, on="rank").sort_values(["post", "cadre"], kind="stable")
    return both["cadre"].to_numpy(np.int64), both["post"].to_numpy(np.int64)


def need(data: DataSet, sc: Scenario) -> np.ndarray:
    """Reserves each post row needs: `heads` for a head post, `deputies` for a deputy."""
    rule = sc.rules[RULE]
    head = data.posts["grade"].to_numpy(dtype=object) == "head"
    return np.where(head, rule.heads, rule.deputies).astype(np.int64)


@dataclass(frozen=True)
class Coverage:
    """Per post row: `need` reserves, `covered` when it has them, `eligible` reserves
    that may cover it, `reserves` the cadre rows counted for it (empty if uncovered)."""

    need: np.ndarray
    covered: np.ndarray
    eligible: np.ndarray
    reserves: list[np.ndarray]

    def per_team(self, p_team: np.ndarray, n_teams: int) -> tuple[np.ndarray, np.ndarray]:
        """(posts, covered posts) per team row: the figure's required and achieved."""
        return (np.bincount(p_team, minlength=n_teams),
                np.bincount(p_team, weights=self.covered, minlength=n_teams).astype(np.int64))


def _all_matched(slot_arcs: list[np.ndarray], n_cadres: int) -> np.ndarray | None:
    """The cadre matched to each slot when every slot can have its own, else None."""
    indptr = np.cumsum([0, *map(len, slot_arcs)])
    graph = csr_array((np.ones(indptr[-1], dtype=np.int8), np.concatenate(slot_arcs),
                       indptr), shape=(len(slot_arcs), n_cadres))
    match = maximum_bipartite_matching(graph, perm_type="column")
    return match if (match >= 0).all() else None


def coverage(data: DataSet, sc: Scenario, cadre: np.ndarray, post: np.ndarray) -> Coverage:
    """The posts the reserves cover over the arcs (`cadre[i]` may cover `post[i]`, after
    the hard pair rules), each reserve once, taken in the order the module describes."""
    n_posts = len(data.posts)
    needs = need(data, sc)
    cadre, post = np.asarray(cadre, np.int64), np.asarray(post, np.int64)
    by_post = np.split(cadre[np.argsort(post, kind="stable")],
                       np.cumsum(np.bincount(post, minlength=n_posts))[:-1])
    eligible = np.array([len(a) for a in by_post], dtype=np.int64)
    head = data.posts["grade"].to_numpy(dtype=object) == "head"
    order = np.concatenate([np.flatnonzero(head), np.flatnonzero(~head)])
    covered = np.zeros(n_posts, dtype=bool)
    slots: list[np.ndarray] = []  # the arcs of every slot of the posts covered so far
    owner: list[int] = []  # the post of each slot
    match = np.empty(0, dtype=np.int64)
    free = len(np.unique(cadre))
    for p in order:
        k = int(needs[p])
        if k == 0:
            covered[p] = True
            continue
        if eligible[p] < k or free < len(slots) + k:
            continue
        trial = _all_matched([*slots, *[by_post[p]] * k], len(data.cadres))
        if trial is not None:
            covered[p], match = True, trial
            slots += [by_post[p]] * k
            owner += [int(p)] * k
    owner_ = np.asarray(owner, dtype=np.int64)
    reserves = [np.sort(match[owner_ == p]) for p in range(n_posts)]
    return Coverage(needs, covered, eligible, reserves)
