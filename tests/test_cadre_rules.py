"""R-RO5–R-RO7's declaration (placement/meaning/cadre_rules.py) on tiny exact cases:
which cadres each rule counts (`scope`), which of their pairs meet it (`meets`) and
which keep it in hard mode (`keeps`). tests/rules/test_rotation.py tests the effect on
the model and the checker. Reference date 2026-09-01: from 2022-09-01 that is 1461 days
= 4.0 years, from 2022-09-02 1460 days = 3.9973 years.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from builders import make_dataset
from solving import REF, scenario

from placement.eligibility.facts import compute_facts
from placement.meaning.cadre_rules import keeps, meets, scope

FOUR_YEARS, JUST_UNDER_FOUR = "2022-09-01", "2022-09-02"


def _pairs(data, pairs: list[tuple[str, str]]):
    facts = compute_facts(data, REF)
    cadre = pd.Index(data.cadres["cadre_id"]).get_indexer([c for c, _ in pairs])
    post = pd.Index(data.posts["post_id"]).get_indexer([p for _, p in pairs])
    return facts, cadre, post, facts.c_own_post[cadre] == post


def _scope(rule, data, may_stay=None, **params) -> list[str]:
    """The ids of the cadres `rule` counts (everyone may stay unless `may_stay` says)."""
    facts = compute_facts(data, REF)
    stay = np.ones(len(data.cadres), bool) if may_stay is None else np.asarray(may_stay)
    mask = scope(rule, data, scenario({rule: params}), facts, stay)
    return data.cadres["cadre_id"][mask].tolist()


def test_r_ro5_counts_a_portfolio_held_years_and_meets_another_post_of_the_team():
    data = make_dataset(
        teams=[{"team_id": "T1"}, {"team_id": "T2"}, {"team_id": "TP", "kind": "county_party"}],
        posts=[{"post_id": "F1", "team_id": "T1", "portfolio": "财政", "incumbent_id": "A"},
               {"post_id": "F2", "team_id": "T1", "portfolio": "教育", "incumbent_id": "B"},
               {"post_id": "N1", "team_id": "T1", "incumbent_id": "C"},
               {"post_id": "Q1", "team_id": "T2"},
               {"post_id": "P1", "team_id": "TP", "portfolio": "宣传", "incumbent_id": "D"}],
        cadres=[{"cadre_id": c, "portfolio_since": s, "rank": "副处"}
                for c, s in (("A", FOUR_YEARS), ("B", JUST_UNDER_FOUR), ("C", FOUR_YEARS),
                             ("D", FOUR_YEARS))] + [{"cadre_id": "E"}],
        reference_date=REF)
    # B is 3.9973 years on it, C's post has no portfolio, E holds no post.
    assert _scope("R-RO5", data, years=4) == ["A", "D"]
    assert _scope("R-RO5", data, years=4, kinds=["county_party"]) == ["D"]
    # A cadre who may not stay (a hard rule or lock removed the own pair) is not counted.
    assert _scope("R-RO5", data, [False, True, True, True, True], years=4) == ["D"]
    facts, cadre, post, own = _pairs(data, [("A", "F1"), ("A", "F2"), ("A", "N1"),
                                            ("A", "Q1")])
    # Another post of T1 meets it; staying does not; Q1 (T2) neither meets nor keeps it.
    assert meets("R-RO5", data, facts, cadre, post, own).tolist() == [False, True, True, False]
    assert keeps("R-RO5", data, facts, cadre, post, own).tolist() == [True, True, True, False]


def test_r_ro6_counts_nominated_township_heads_and_meets_the_own_county_government():
    data = make_dataset(
        teams=[{"team_id": "GOV1", "kind": "county_gov", "region": "R1"},
               {"team_id": "PTY1", "kind": "county_party", "region": "R1"},
               {"team_id": "GOV2", "kind": "county_gov", "region": "R2"}],
        posts=[{"post_id": p, "team_id": p} for p in ("GOV1", "PTY1", "GOV2")],
        cadres=[{"cadre_id": "T", "township_head_now": True},
                {"cadre_id": "O"},
                {"cadre_id": "X", "township_head_now": True, "candidate": False},
                {"cadre_id": "L", "township_head_now": True, "leaving": True}],
        reference_date=REF)
    assert _scope("R-RO6", data) == ["T"]  # X no candidate, L leaving: no nominees
    facts, cadre, post, own = _pairs(data, [("T", "GOV1"), ("T", "PTY1"), ("T", "GOV2")])
    expected = [True, False, False]
    assert meets("R-RO6", data, facts, cadre, post, own).tolist() == expected
    assert keeps("R-RO6", data, facts, cadre, post, own).tolist() == expected


def test_r_ro7_counts_nominated_county_picks_and_meets_another_county():
    data = make_dataset(
        teams=[{"team_id": "T1", "region": "R1"}, {"team_id": "T2", "region": "R2"}],
        posts=[{"post_id": "P1", "team_id": "T1"}, {"post_id": "P2", "team_id": "T2"}],
        cadres=[{"cadre_id": "K", "county_pick": True}, {"cadre_id": "O"},
                {"cadre_id": "X", "county_pick": True, "candidate": False}],
        reference_date=REF)
    assert _scope("R-RO7", data) == ["K"]
    facts, cadre, post, own = _pairs(data, [("K", "P1"), ("K", "P2")])
    assert meets("R-RO7", data, facts, cadre, post, own).tolist() == [False, True]
    assert keeps("R-RO7", data, facts, cadre, post, own).tolist() == [False, True]
