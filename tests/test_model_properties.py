"""Property tests on random small instances (hypothesis).

1. Whatever the instance and the rules at their catalogue defaults, every
   roster the solver proposes passes the independent checker (and the solver
   answers: a roster or a proven infeasibility, never a timeout).
2. With every rule off and no stability weight, the problem is a plain
   assignment; the objective must equal scipy's `linear_sum_assignment`
   optimum on a matrix built here from the data-contract semantics alone.
"""

from __future__ import annotations

import numpy as np
import pytest
from builders import make_dataset
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment
from solving import scenario, solve_checked

from placement.data.schema import RANK_LEVEL
from placement.solver.solve import Status

KINDS = ("county_party", "county_gov", "municipal_dept", "district_dept")
RANKS = ("正科", "副处", "正处")


@st.composite
def instances(draw):
    n_teams = draw(st.integers(1, 3))
    teams = [
        {
            "team_id": f"T{t}",
            "name": f"t{t}",
            "kind": draw(st.sampled_from(KINDS)),
            "region": draw(st.sampled_from(["R1", "R2"])),
            "system": draw(st.sampled_from(["政府", "财政", "公安"])),
            "needs_non_party": draw(st.booleans()),
        }
        for t in range(n_teams)
    ]
    posts, cadres = [], []
    n_cadres = draw(st.integers(2, 9))
    for i in range(n_cadres):
        cadres.append(
            {
                "cadre_id": f"C{i}",
                "name": f"c{i}",
                "gender": draw(st.sampled_from("MF")),
                "birth_date": f"{draw(st.integers(1966, 1992))}-0{draw(st.integers(1, 9))}-01",
                "party": draw(st.sampled_from(["cpc", "cpc", "民盟"])),
                "home_region": draw(st.sampled_from(["R1", "R2"])),
                "system": draw(st.sampled_from(["政府", "财政", "公安"])),
                "rank": draw(st.sampled_from(RANKS)),
                "rank_since": f"{draw(st.integers(2010, 2025))}-01-01",
                "candidate": draw(st.booleans()) or i % 2 == 0,
                "leaving": draw(st.integers(0, 9)) == 0,
                "approval": draw(st.sampled_from([0.5, 0.8, 0.95])),
            }
        )
    incumbents = iter(draw(st.permutations(range(n_cadres))))
    for t in range(n_teams):
        for k in range(draw(st.integers(1, 3))):
            rank = draw(st.sampled_from(RANKS))
            inc = ""
            if draw(st.booleans()):
                c = next(incumbents, None)
                if c is not None:
                    inc = f"C{c}"
                    cadres[c]["rank"] = rank
                    cadres[c]["post_since"] = f"{draw(st.integers(2010, 2025))}-01-01"
            posts.append(
                {
                    "post_id": f"P{t}{k}",
                    "team_id": f"T{t}",
                    "title": "职",
                    "grade": "head" if k == 0 else "deputy",
                    "rank": rank,
                    "incumbent_id": inc,
                }
            )
    relations = []
    if n_cadres >= 2 and draw(st.booleans()):
        relations.append({"cadre_a": "C0", "cadre_b": "C1", "relation": "spouse"})
    fit = [
        {"cadre_id": c["cadre_id"], "post_id": p["post_id"], "score": draw(st.integers(0, 100))}
        for c in cadres
        for p in posts
    ]
    return make_dataset(teams=teams, posts=posts, cadres=cadres, relations=relations, fit=fit)


SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


ENGINES = ("highs", "cpsat")


@pytest.mark.parametrize("engine", ENGINES)
@SETTINGS
@given(data=instances())
def test_every_roster_passes_the_checker(engine, data):
    sc = scenario(all_off=False, solver={"engine": engine, "workers": 8, "time_limit": 20,
                                         "seed": 1})
    solve_checked(data, sc, expect=(Status.OPTIMAL, Status.INFEASIBLE))


def _assignment_optimum(data) -> float | None:
    """Max total fit with every post filled, by the contract alone (all rules off):
    a cadre may hold their own post, or, if a candidate, any post not below their rank;
    leaving cadres hold nothing."""
    cadres, posts = data.cadres, data.posts
    own = dict(zip(posts["incumbent_id"], posts["post_id"], strict=True))
    score = {
        (c, p): s
        for c, p, s in zip(
            data.fit["cadre_id"], data.fit["post_id"], data.fit["score"], strict=True
        )
    }
    big = 1e6
    cost = np.full((len(posts), len(cadres)), big)
    for j, c in enumerate(cadres.itertuples()):
        if c.leaving:
            continue
        for i, p in enumerate(posts.itertuples()):
            allowed = own.get(c.cadre_id) == p.post_id or (
                c.candidate and RANK_LEVEL[p.rank] >= RANK_LEVEL[c.rank]
            )
            if allowed:
                cost[i, j] = -score[(c.cadre_id, p.post_id)]
    if len(posts) > len(cadres):
        return None
    rows, cols = linear_sum_assignment(cost)
    if (cost[rows, cols] >= big).any():
        return None
    return -float(cost[rows, cols].sum())


@pytest.mark.parametrize("engine", ENGINES)
@SETTINGS
@given(data=instances())
def test_rules_off_objective_equals_assignment_optimum(engine, data):
    # every rule off, fit weight 1, no stability weight
    sc = scenario(solver={"engine": engine, "workers": 8, "time_limit": 20, "seed": 1})
    expected = _assignment_optimum(data)
    if expected is None:
        solve_checked(data, sc, expect=Status.INFEASIBLE)
        return
    prop = solve_checked(data, sc)
    assert prop.outcome.objective == expected
