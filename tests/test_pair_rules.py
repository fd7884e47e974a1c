"""Each pair rule's declaration (placement/eligibility/pair_rules.py) on tiny exact cases.

For every rule: a pair that breaks it and one that just does not (the threshold
one step away: a day, a year of age, a grade, 0.0001 of approval), plus the
pairs the rule does not look at (staying versus new, other ranks, other
teams). These test the masks alone; tests/rules/ tests each rule's effect on
the model and the checker. Reference date 2026-09-01 throughout: from
2016-08-31 that is 3653 days = 10.0014 years, from 2016-09-01 3652 days = 9.9986.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from builders import make_dataset
from solving import REF, scenario

from placement.eligibility.facts import compute_facts
from placement.eligibility.pair_rules import (
    PAIR_RULES,
    pair_context,
    r_av2_home_region,
    r_el1_education,
    r_el2_years_at_rank,
    r_el3_recent_grades,
    r_el4_assessment_grade,
    r_el5_integrity,
    r_el6_popular_veto,
    r_el7_age_limits,
    r_el8_specialty,
    r_el9_rank_steps,
    r_ro1_head_tenure,
    r_ro2_deputy_team_tenure,
    r_ro3_deputy_post_tenure,
    r_ro4_dispatched_tenure,
)
from placement.eligibility.pairs import REASON_BIT

TEN_YEARS = "2016-09-01"  # the 10th anniversary falls on REF: 满10年 ("Tenure")
JUST_UNDER_TEN = "2016-09-02"  # a day short
FOUR_YEARS = "2022-09-01"  # 1461 days = 4 × 365.25: exactly 4.0 years
JUST_UNDER_FOUR = "2022-09-02"  # 1460 days = 3.9973 years


def _data(posts, cadres, teams=({"team_id": "T1"},)):
    """A data set; posts without a team_id belong to the first team."""
    posts = [{"team_id": teams[0]["team_id"], **p} for p in posts]
    return make_dataset(teams=teams, posts=posts, cadres=cadres, reference_date=REF)


def _breaks(rule, data, pairs: list[tuple[str, str]], **params) -> list[bool]:
    """`rule`'s mask over (cadre_id, post_id) pairs; the rule on with `params`."""
    rule_id = next(rid for rid, f in PAIR_RULES.items() if f is rule)
    sc = scenario({rule_id: params})
    facts = compute_facts(data, REF)
    cadre = pd.Index(data.cadres["cadre_id"]).get_indexer([c for c, _ in pairs])
    post = pd.Index(data.posts["post_id"]).get_indexer([p for _, p in pairs])
    own = facts.c_own_post[cadre] == post
    mask = rule(pair_context(data, sc, facts, cadre, post, own))
    assert mask.dtype == bool and mask.shape == (len(pairs),)
    return mask.tolist()


def test_registry_order_is_the_reason_bit_order_and_every_rule_names_its_id():
    assert list(PAIR_RULES) == [
        "R-EL1", "R-EL2", "R-EL3", "R-EL4", "R-EL5", "R-EL6", "R-EL7", "R-EL8", "R-EL9",
        "R-AV2", "R-RO1", "R-RO2", "R-RO3", "R-RO4", "R-EL10",
        "R-EL11", "R-EL12", "R-RO9", "R-RS2",
    ]
    # Bit k for the k-th of the first 14 rules (R-EL1 … R-RO4), LEAVING at 14, rules
    # appended since after it (R-RO5–R-RO7 count per cadre since issue 19).
    assert [REASON_BIT[rid] for rid in list(PAIR_RULES)[:14]] == [1 << k for k in range(14)]
    assert REASON_BIT["LEAVING"] == 1 << 14
    assert [REASON_BIT[r] for r in ("R-EL10", "R-EL11", "R-EL12", "R-RO9", "R-RS2")] == [
        1 << 15, 1 << 16, 1 << 17, 1 << 18, 1 << 19]
    for rid, rule in PAIR_RULES.items():
        assert rule.__name__.startswith(rid.lower().replace("-", "_") + "_")
        assert rule.__doc__.startswith(rid)


def test_r_el1_education_below_college_for_county_rank_posts():
    data = _data(
        posts=[{"post_id": "P1", "rank": "副处"}, {"post_id": "P2", "rank": "正科"},
               {"post_id": "P3", "rank": "副处", "incumbent_id": "S"}],
        cadres=[{"cadre_id": "A", "education": "other"},  # level 0 < college 1
                {"cadre_id": "B", "education": "college"},  # level 1: just enough
                {"cadre_id": "S", "education": "other", "rank": "副处"}],
    )
    pairs = [("A", "P1"), ("B", "P1"), ("A", "P2"), ("S", "P3")]
    # P2's rank 正科 is not among `ranks`; S stays in P3 and is not re-examined.
    assert _breaks(r_el1_education, data, pairs, min_education="college") == [
        True, False, False, False]


def test_r_el2_three_years_at_rank_before_promotion():
    data = _data(
        posts=[{"post_id": "UP", "rank": "副处"}, {"post_id": "SAME", "rank": "正科"}],
        cadres=[{"cadre_id": "A", "rank_since": JUST_UNDER_FOUR},
                {"cadre_id": "B", "rank_since": FOUR_YEARS}],  # exactly the minimum: enough
    )
    pairs = [("A", "UP"), ("B", "UP"), ("A", "SAME")]  # A to SAME is no promotion
    assert _breaks(r_el2_years_at_rank, data, pairs, min_years=4) == [True, False, False]


def test_r_el3_a_basic_grade_among_the_newest_years():
    data = _data(
        posts=[{"post_id": "P1"}, {"post_id": "OWN", "incumbent_id": "S"}],
        cadres=[{"cadre_id": "A", "assessments": ("称职", "称职", "基本称职")},
                {"cadre_id": "B"},  # 称职 ×3
                {"cadre_id": "S", "assessments": ("不称职",), "rank": "副处"}],
    )
    pairs = [("A", "P1"), ("B", "P1"), ("S", "OWN")]
    # A's 基本称职 is the third newest: inside 3 years, outside 2.
    assert _breaks(r_el3_recent_grades, data, pairs, years=3) == [True, False, False]
    assert _breaks(r_el3_recent_grades, data, pairs, years=2) == [False, False, False]


def test_r_el4_incompetent_holds_nothing_basic_not_promoted_within_a_year():
    data = _data(
        posts=[{"post_id": "UP", "rank": "副处"}, {"post_id": "SAME", "rank": "正科"},
               {"post_id": "OWN", "rank": "正科", "incumbent_id": "F"}],
        cadres=[{"cadre_id": "F", "assessments": ("不称职", "称职")},
                {"cadre_id": "B", "assessments": ("基本称职", "称职")},  # 2026 - 2025 = 1 ≤ 1
                {"cadre_id": "C", "assessments": ("基本称职", "称职"), "assessment_year": 2024}],
    )
    pairs = [("F", "OWN"), ("F", "SAME"), ("B", "UP"), ("B", "SAME"), ("C", "UP")]
    # F fails staying too; B is not promoted but may move level; C's grade is 2 years old.
    assert _breaks(r_el4_assessment_grade, data, pairs, basic_no_promotion_years=1) == [
        True, True, True, False, False]


def test_r_el5_sanction_file_matters_and_spouse_abroad():
    data = _data(
        posts=[{"post_id": "DEP"}, {"post_id": "HEAD", "grade": "head"},
               {"post_id": "KEY", "key_post": True}, {"post_id": "OWN", "incumbent_id": "A"}],
        cadres=[{"cadre_id": "A", "sanction_until": "2026-09-02", "rank": "副处"},  # ends after REF
                {"cadre_id": "B", "sanction_until": "2026-09-01"},  # ends on REF: over
                {"cadre_id": "C", "file_ok": False},
                {"cadre_id": "D", "matters_ok": False},
                {"cadre_id": "E", "spouse_abroad": True}],
    )
    pairs = [("A", "DEP"), ("A", "OWN"), ("B", "DEP"), ("C", "DEP"), ("D", "DEP"),
             ("E", "DEP"), ("E", "HEAD"), ("E", "KEY")]
    assert _breaks(r_el5_integrity, data, pairs) == [
        True, False, False, True, True, False, True, True]


def test_r_el6_popular_veto_below_two_thirds_and_missing_approval():
    data = _data(
        posts=[{"post_id": "UP", "rank": "副处"}, {"post_id": "SAME", "rank": "正科"},
               {"post_id": "OWN", "incumbent_id": "S"}],
        cadres=[{"cadre_id": "A", "approval": 0.6666},  # < 2/3 = 0.66667
                {"cadre_id": "B", "approval": 0.6667},
                {"cadre_id": "N", "approval": ""},
                {"cadre_id": "S", "approval": 0.5, "rank": "副处"}],
    )
    pairs = [("A", "SAME"), ("B", "UP"), ("N", "UP"), ("N", "SAME"), ("S", "OWN")]
    # N has no rate: blocked from promotion only; S stays and is not re-examined.
    assert _breaks(r_el6_popular_veto, data, pairs, threshold=2 / 3) == [
        True, False, True, False, False]
    assert _breaks(r_el6_popular_veto, data, pairs, threshold=2 / 3,
                   missing_blocks_promotion=False) == [True, False, False, False, False]
    # A rate exactly at the threshold is not below it.
    assert _breaks(r_el6_popular_veto, data, [("A", "SAME")], threshold=0.6666) == [False]


def test_r_el7_retirement_age_and_promotion_age():
    data = _data(
        posts=[{"post_id": "UP", "rank": "副处"}, {"post_id": "SAME", "rank": "正科"},
               {"post_id": "OWN", "incumbent_id": "S"}],
        cadres=[{"cadre_id": "A", "birth_date": "1970-09-01"},  # 56: 56 + 5 = 61 > 60
                {"cadre_id": "B", "birth_date": "1971-09-02"},  # 54 (55 the day after REF)
                {"cadre_id": "C", "birth_date": "1975-09-01"},  # 51 > 50 for 副处
                {"cadre_id": "D", "birth_date": "1975-09-02"},  # 50
                {"cadre_id": "S", "birth_date": "1968-01-01", "rank": "副处"}],  # 58, staying
    )
    pairs = [("A", "SAME"), ("B", "SAME"), ("C", "UP"), ("C", "SAME"), ("D", "UP"), ("S", "OWN")]
    params = {"retirement_age": 60, "term_years": 5, "promotion_max_age": {"副处": 50}}
    # by default reaching 60 within the term bars nothing (A 56 may take SAME): only the
    # promotion age limit (C, 51, to 副处)
    assert _breaks(r_el7_age_limits, data, pairs, **params) == [
        False, False, True, False, False, False]
    # `retiring_in_term`: A (56 + 5 = 61 > 60) may not take a new post; S stays
    assert _breaks(r_el7_age_limits, data, pairs, retiring_in_term=True, **params) == [
        True, False, True, False, False, False]
    # B is 55 on 1971-09-01's birthday: 55 + 5 = 60 is not above 60.
    older = _data(posts=[{"post_id": "SAME", "rank": "正科"}],
                  cadres=[{"cadre_id": "B", "birth_date": "1971-09-01"}])
    assert _breaks(r_el7_age_limits, older, [("B", "SAME")], retiring_in_term=True,
                   **params) == [False]
    # 60 on the day: retires, staying or not
    retired = _data(posts=[{"post_id": "OWN", "incumbent_id": "R"}],
                    cadres=[{"cadre_id": "R", "birth_date": "1966-09-01", "rank": "副处"}])
    assert _breaks(r_el7_age_limits, retired, [("R", "OWN")], **params) == [True]


def test_r_el8_specialty_required_by_the_post():
    data = _data(
        posts=[{"post_id": "ACC", "specialty": "财会"}, {"post_id": "ANY"},
               {"post_id": "OWN", "specialty": "财会", "incumbent_id": "S"}],
        cadres=[{"cadre_id": "A", "specialties": ("法律",)},
                {"cadre_id": "B", "specialties": ("法律", "财会")},
                {"cadre_id": "S", "rank": "副处"}],
    )
    pairs = [("A", "ACC"), ("B", "ACC"), ("A", "ANY"), ("S", "OWN")]
    assert _breaks(r_el8_specialty, data, pairs) == [True, False, False, False]


def test_r_el9_one_rank_at_a_time():
    data = _data(
        posts=[{"post_id": "ONE", "rank": "副处"}, {"post_id": "TWO", "rank": "正处"},
               {"post_id": "OWN", "rank": "正处", "incumbent_id": "S"}],
        # 正科 (level 2): 副处 is 1 step up, 正处 2; S (副科) already holds a 正处 post.
        cadres=[{"cadre_id": "A"}, {"cadre_id": "S", "rank": "副科"}],
    )
    pairs = [("A", "ONE"), ("A", "TWO"), ("S", "OWN")]
    assert _breaks(r_el9_rank_steps, data, pairs, max_steps=1) == [False, True, False]
    assert _breaks(r_el9_rank_steps, data, pairs, max_steps=2) == [False, False, False]


def test_r_av2_no_key_post_in_the_home_region_staying_too():
    data = _data(
        teams=[{"team_id": "T1", "region": "R1"}],
        posts=[{"post_id": "KEY", "key_post": True}, {"post_id": "DEP"},
               {"post_id": "OWN", "key_post": True, "incumbent_id": "S"}],
        cadres=[{"cadre_id": "H", "home_region": "R1"}, {"cadre_id": "O", "home_region": "R2"},
                {"cadre_id": "S", "home_region": "R1", "rank": "副处"}],
    )
    pairs = [("H", "KEY"), ("O", "KEY"), ("H", "DEP"), ("S", "OWN")]
    assert _breaks(r_av2_home_region, data, pairs) == [True, False, False, True]


def test_r_ro1_head_ten_years_in_post_is_exchanged():
    data = _data(
        posts=[{"post_id": "H1", "grade": "head", "incumbent_id": "A"},
               {"post_id": "H2", "grade": "head", "incumbent_id": "B"},
               {"post_id": "D1", "incumbent_id": "C"}],
        cadres=[{"cadre_id": "A", "post_since": TEN_YEARS, "rank": "副处"},
                {"cadre_id": "B", "post_since": JUST_UNDER_TEN, "rank": "副处"},
                {"cadre_id": "C", "post_since": TEN_YEARS, "rank": "副处"}],
    )
    pairs = [("A", "H1"), ("B", "H2"), ("C", "D1"), ("A", "H2")]
    # C is a deputy; A moving to H2 is no longer staying.
    assert _breaks(r_ro1_head_tenure, data, pairs, years=10) == [True, False, False, False]


def test_r_ro2_sensitive_deputy_ten_years_in_team_leaves_the_team():
    data = _data(
        teams=[{"team_id": "POL", "system": "公安"}, {"team_id": "POL2", "system": "公安"},
               {"team_id": "GOV", "system": "政府"}],
        posts=[{"post_id": "P1", "team_id": "POL", "incumbent_id": "A"},
               {"post_id": "P2", "team_id": "POL", "incumbent_id": "B"},
               {"post_id": "P3", "team_id": "POL"},
               {"post_id": "PH", "team_id": "POL", "grade": "head", "incumbent_id": "H"},
               {"post_id": "Q1", "team_id": "POL2"},
               {"post_id": "G1", "team_id": "GOV", "incumbent_id": "C"}],
        cadres=[{"cadre_id": c, "team_since": s, "rank": "副处"}
                for c, s in (("A", TEN_YEARS), ("B", JUST_UNDER_TEN), ("H", TEN_YEARS),
                             ("C", TEN_YEARS))],
    )
    pairs = [("A", "P1"), ("A", "P3"), ("A", "Q1"), ("A", "G1"), ("B", "P2"), ("H", "P3"),
             ("C", "G1")]
    # Any post of A's own 公安 team breaks it, another team (公安 too) does not;
    # H heads the team (R-RO1's); C's team is 政府.
    assert _breaks(r_ro2_deputy_team_tenure, data, pairs, years=10, systems=("公安",)) == [
        True, True, False, False, False, False, False]


def test_r_ro3_other_deputy_ten_years_in_post():
    data = _data(
        teams=[{"team_id": "GOV", "system": "政府"}, {"team_id": "POL", "system": "公安"}],
        posts=[{"post_id": "G1", "team_id": "GOV", "incumbent_id": "A"},
               {"post_id": "G2", "team_id": "GOV", "incumbent_id": "B"},
               {"post_id": "GH", "team_id": "GOV", "grade": "head", "incumbent_id": "H"},
               {"post_id": "P1", "team_id": "POL", "incumbent_id": "C"}],
        cadres=[{"cadre_id": c, "post_since": s, "rank": "副处"}
                for c, s in (("A", TEN_YEARS), ("B", JUST_UNDER_TEN), ("H", TEN_YEARS),
                             ("C", TEN_YEARS))],
    )
    pairs = [("A", "G1"), ("B", "G2"), ("H", "GH"), ("C", "P1"), ("A", "G2")]
    # H is a head (R-RO1's); C's 公安 team is R-RO2's; A moving to G2 is not staying.
    assert _breaks(r_ro3_deputy_post_tenure, data, pairs, years=10) == [
        True, False, False, False, False]


def test_r_ro4_dispatched_leader_years_in_post():
    data = _data(
        posts=[{"post_id": "D1", "dispatched": True, "incumbent_id": "A"},
               {"post_id": "D2", "dispatched": True, "incumbent_id": "B"},
               {"post_id": "N1", "incumbent_id": "C"}],
        cadres=[{"cadre_id": c, "post_since": s, "rank": "副处"}
                for c, s in (("A", FOUR_YEARS), ("B", JUST_UNDER_FOUR), ("C", FOUR_YEARS))],
    )
    pairs = [("A", "D1"), ("B", "D2"), ("C", "N1"), ("A", "D2")]
    assert _breaks(r_ro4_dispatched_tenure, data, pairs, years=4) == [True, False, False, False]


@pytest.mark.parametrize("rule_id", list(PAIR_RULES))
def test_no_pairs_no_breaks(rule_id):
    """Every rule works on an empty pair set (a data set where nobody may move)."""
    data = _data(posts=[{"post_id": "P1"}], cadres=[{"cadre_id": "A"}])
    facts = compute_facts(data, REF)
    empty = np.array([], dtype=np.int64)
    ctx = pair_context(data, scenario({rule_id: {}}), facts, empty, empty, empty.astype(bool))
    assert PAIR_RULES[rule_id](ctx).shape == (0,)


def test_exchange_stays_within_the_nominations_of_the_cadres_region():
    """S1 works in R1, whose candidate is nominated for T2 only: T2's post, not T1's; S2
    in R2, whose candidate is nominated without a limit: anywhere; S3 in R3, with no
    candidate: anywhere."""
    from placement.eligibility.pairs import exchange_scope

    teams = [{"team_id": t, "region": r} for t, r in (("T1", "R1"), ("T2", "R2"),
                                                      ("T3", "R3"))]
    posts = [{"post_id": f"P{k}", "team_id": f"T{k}"} for k in (1, 2, 3)]
    cadres = [{"cadre_id": "S1", "region": "R1", "candidate": False},
              {"cadre_id": "S2", "region": "R2", "candidate": False},
              {"cadre_id": "S3", "region": "R3", "candidate": False},
              {"cadre_id": "C1", "region": "R1", "nominated_for": ("T2",)},
              {"cadre_id": "C2", "region": "R2"}]
    data = make_dataset(teams, posts, cadres, reference_date=REF)
    facts = compute_facts(data, REF)
    cadre, post = np.array([0, 0, 1, 1, 2]), np.array([0, 1, 0, 2, 0])
    assert exchange_scope(data, facts, cadre, post).tolist() == [False, True, True, True,
                                                                 True]
