"""Property tests on random small instances (hypothesis).

1. Whatever the instance and the rules at their catalogue defaults, every
   roster the solver proposes passes the independent checker, and the solver
   finds one: each instance carries a witness roster built to keep every default
   hard rule (its own local, young, degree-holding, well-rated cadre per post;
   county teams of three posts for R-TC2's three locals, the first a woman for
   R-TC5 (a)), which the checker
   confirms first. An "infeasible" answer, or an optimum below the witness's
   objective, fails.
2. With every rule off and no stability weight, the problem is a plain
   assignment; the objective must equal scipy's `linear_sum_assignment`
   optimum on a matrix built here from the data-contract semantics alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from builders import make_dataset
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment
from solving import scenario, solve_checked

from placement.checker import check_roster
from placement.data.schema import KIND_RANKS, RANK_LEVEL
from placement.solver.solve import Status

KINDS = ("county_party", "county_gov", "municipal_dept", "district_dept")
RANKS = ("正科", "副处", "正处")
# the ranks a post of each kind may carry (the loader refuses the rest: schema.KIND_RANKS)
RANKS_OF = {k: tuple(r for r in RANKS if RANK_LEVEL[KIND_RANKS[k][0]] <= RANK_LEVEL[r]
                     <= RANK_LEVEL[KIND_RANKS[k][1]]) for k in KINDS}


@st.composite
def instances(draw, witness: bool = False):
    """A random instance; with `witness`, also a roster (post -> cadre) that keeps every
    hard rule at its catalogue default, made of one extra cadre W<post> per post."""
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
    for team in teams:  # a county party committee is all Party posts (R-EL10): no 党外必配
        team["needs_non_party"] &= team["kind"] != "county_party"
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
        # R-TC2 (hard) asks 3 locals of a county team: a witness needs 3 posts there
        county = teams[t]["kind"] in ("county_party", "county_gov")
        for k in range(3 if witness and county else draw(st.integers(1, 3))):
            rank = draw(st.sampled_from(RANKS_OF[teams[t]["kind"]]))
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
    roster = {}
    if witness:
        for p in posts:
            team = teams[int(p["team_id"][1:])]
            cid = f"W{p['post_id']}"
            roster[p["post_id"]] = cid
            # R-TC5 (a), hard: one woman in every county team, on its first post (k = 0)
            woman = team["kind"] in ("county_party", "county_gov") and p["post_id"][-1] == "0"
            cadres.append(_witness_cadre(draw, cid, p["rank"], team, woman))
    relations = []
    if n_cadres >= 2 and draw(st.booleans()):
        relations.append({"cadre_a": "C0", "cadre_b": "C1", "relation": "spouse"})
    fit = [
        {"cadre_id": c["cadre_id"], "post_id": p["post_id"], "score": draw(st.integers(0, 100))}
        for c in cadres
        for p in posts
    ]
    data = make_dataset(teams=teams, posts=posts, cadres=cadres, relations=relations, fit=fit)
    return (data, roster) if witness else data


def _witness_cadre(draw, cadre_id: str, post_rank: str, team: dict, woman: bool) -> dict:
    """A new placement on a post of `post_rank` in `team` that keeps every default hard
    rule: aged 35-41 (R-EL7, R-TC3's 42), a lateral move or one step up after 11 years at
    rank (R-EL2, R-EL9), approval >= 0.8 (R-EL6), bachelor (R-EL1), local (R-TC2, and no
    key posts exist for R-AV2), from another system (R-TC1), non-Party where the team
    asks for it (R-TC6) and a CPC member in a county party committee (R-EL10), no
    relation (R-AV1); a woman where the team's one woman is asked of it (R-TC5 (a))."""
    level = RANK_LEVEL[post_rank] - draw(st.integers(0, 1))
    return {
        "cadre_id": cadre_id,
        "name": cadre_id.lower(),
        "gender": "F" if woman else draw(st.sampled_from("MF")),
        "birth_date": f"{draw(st.integers(1985, 1990))}-0{draw(st.integers(1, 9))}-01",
        "party": ("民盟" if team["needs_non_party"] else "cpc" if team["kind"] == "county_party"
                  else draw(st.sampled_from(["cpc", "民盟"]))),
        "home_region": team["region"],
        "region": team["region"],
        "system": "其他",
        "rank": next(r for r, lv in RANK_LEVEL.items() if lv == level),
        "rank_since": "2015-01-01",
        "approval": draw(st.sampled_from([0.8, 0.95])),
    }


SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


ENGINES = ("highs", "cpsat")


@pytest.mark.parametrize("engine", ENGINES)
@SETTINGS
@given(case=instances(witness=True))
def test_every_roster_passes_the_checker(engine, case):
    data, witness = case
    # The witness fills every post with a newcomer, releasing the sitting cadres without a
    # cause: a roster only `allow_release` admits (the no-release default is the rules-off
    # property's, `_assignment_optimum`).
    sc = scenario(all_off=False, solver={"engine": engine, "workers": 8, "time_limit": 20,
                                         "seed": 1}, allow_release=True)
    report = check_roster(sc, data, pd.DataFrame({"post_id": list(witness),
                                                  "cadre_id": list(witness.values())}))
    assert report.ok, report.render("en")  # the witness keeps every hard rule
    prop = solve_checked(data, sc)  # optimal: a roster exists, so "infeasible" fails
    fit = data.fit.set_index(["cadre_id", "post_id"])["score"]
    scores = pd.Series({p: fit[(c, p)] for p, c in witness.items()})
    assert prop.outcome.objective >= report.objective_terms(scores)["objective"] - 1e-6


KEPT = 10_000  # above any total fit of these instances (at most 100 per post)


def _assignment_optimum(data) -> float | None:
    """Max total fit with every post filled, by the contract alone (all rules off):
    a cadre may hold their own post, or, if a candidate, any post not below their rank;
    leaving cadres hold nothing, and a sitting cadre who is not leaving holds a post (no
    release without a cause: every such pair earns `KEPT` more, and a roster that
    leaves one of them out is no roster)."""
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
                cost[i, j] = -score[(c.cadre_id, p.post_id)] - KEPT * (c.cadre_id in own)
    if len(posts) > len(cadres):
        return None
    rows, cols = linear_sum_assignment(cost)
    if (cost[rows, cols] >= big).any():
        return None
    sitting = {j for j, c in enumerate(cadres.itertuples()) if c.cadre_id in own
               and not c.leaving}
    if not sitting <= set(cols.tolist()):
        return None
    return -float(cost[rows, cols].sum()) - KEPT * len(sitting)


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
