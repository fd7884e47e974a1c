"""placement.meaning.team_rules on one tiny world: scope, counts and required per rule id.

Teams (rows 0–5) and their sizes (posts):
  0 T1 county_party R1 政府 3 | 1 T2 county_gov R1 政府, 党外必配 2 | 2 T3 county_npc R1 1
  3 T4 county_gov R2 1 | 4 D1 municipal_dept 财政, professional, needs 审计 3
  5 D2 district_dept 教育 2
Cadres on the reference date 2026-09-01 (rows 0–4):
  C0 woman, 36, home R1, 政府, exchanged_in, township head, specialties 财政; holds a T1 post
  C1 42 (birthday on the day), home R2, 财政, 民盟, specialties 审计; holds a D1 post
  C2 39 (birthday the next day), home R1, 教育, specialties 教育 审计
  C3 woman, 40, home R1
  C4 43, township head
"""

from __future__ import annotations

import numpy as np
import pytest
from builders import make_dataset
from solving import REF, holder, scenario, solve_checked

from placement.data.schema import TEAM_KINDS
from placement.eligibility.facts import compute_facts
from placement.meaning import team_rules as m

SIZES = [3, 2, 1, 1, 3, 2]


@pytest.fixture(scope="module")
def world():
    teams = [
        {"team_id": "T1", "kind": "county_party", "region": "R1"},
        {"team_id": "T2", "kind": "county_gov", "region": "R1", "needs_non_party": True},
        {"team_id": "T3", "kind": "county_npc", "region": "R1"},
        {"team_id": "T4", "kind": "county_gov", "region": "R2"},
        {"team_id": "D1", "kind": "municipal_dept", "region": "CITY", "system": "财政",
         "professional": True, "needs_specialty": "审计"},
        {"team_id": "D2", "kind": "district_dept", "region": "CITY", "system": "教育"},
    ]
    posts = [{"post_id": f"{t['team_id']}-{i}", "team_id": t["team_id"]}
             for t, n in zip(teams, SIZES, strict=True) for i in range(n)]
    posts[0]["incumbent_id"] = "C0"  # T1-0
    posts[7]["incumbent_id"] = "C1"  # D1-0
    cadres = [
        {"cadre_id": "C0", "gender": "F", "birth_date": "1990-01-01", "home_region": "R1",
         "system": "政府", "exchanged_in": True, "township_head": True,
         "specialties": ("财政",)},
        {"cadre_id": "C1", "birth_date": "1984-09-01", "home_region": "R2", "system": "财政",
         "party": "民盟", "specialties": ("审计",)},
        {"cadre_id": "C2", "birth_date": "1986-09-02", "system": "教育",
         "specialties": ("教育", "审计")},
        {"cadre_id": "C3", "gender": "F", "birth_date": "1986-09-01"},
        {"cadre_id": "C4", "birth_date": "1983-09-01", "township_head": True},
    ]
    data = make_dataset(teams=teams, posts=posts, cadres=cadres, reference_date=REF)
    return data, compute_facts(data, REF)


def _counts(world, rule, cadre, team, own, **params):
    data, facts = world
    sc = scenario(on={rule: params}, all_off=False)
    return m.counts(rule, data, sc, facts, np.array(cadre), np.array(team),
                    np.array(own)).tolist()


def test_facts_and_sizes(world):
    data, facts = world
    assert facts.c_age.tolist() == [36, 42, 39, 40, 43]
    assert m.sizes(data, facts).tolist() == SIZES


@pytest.mark.parametrize(("rule", "params", "teams"), [
    ("R-TC1", {}, [0, 0, 0, 0, 1, 1]),  # department kinds
    ("R-TC2", {}, [1, 1, 0, 1, 0, 0]),  # county party and government
    ("R-TC3", {}, [0, 0, 0, 0, 1, 1]),
    ("R-TC4", {}, [1, 1, 1, 1, 1, 1]),  # one figure over every team
    ("R-TC5", {"kinds": ["county_gov"]}, [0, 1, 0, 1, 0, 0]),
    ("R-TC6", {}, [0, 1, 0, 0, 0, 0]),  # 党外必配
    ("R-TC7", {}, [0, 0, 0, 0, 1, 0]),  # professional
    ("R-TC8", {}, [1, 1, 0, 1, 0, 0]),
    ("R-TC9", {}, [0, 0, 0, 0, 1, 0]),  # names a needed specialty
    ("R-TC10", {}, [1, 1, 1, 1, 1, 1]),  # every kind by default
])
def test_scope(world, rule, params, teams):
    data, _ = world
    assert m.scope(rule, data, scenario(on={rule: params}, all_off=False)).tolist() == \
        [bool(t) for t in teams]


def test_counts_exchanged_in_r_tc1(world):
    # C0 in D1 staying: flagged exchanged_in; placed new: 政府 ≠ 财政. C1 in D1: 财政 = 财政,
    # and staying without the flag. C2 new in D2: 教育 = 教育.
    assert _counts(world, "R-TC1", [0, 0, 1, 1, 2], [4, 4, 4, 4, 5],
                   [True, False, False, True, False]) == [True, True, False, False, False]


def test_counts_local_r_tc2(world):
    # home R1 in T1 (R1); home R2 in T1; home R1 in T4 (R2); home R2 in T4
    assert _counts(world, "R-TC2", [0, 1, 2, 1], [0, 0, 3, 3], [False] * 4) == \
        [True, False, False, True]


def test_counts_young_r_tc3_and_r_tc4(world):
    # R-TC3: age ≤ 42 (36, 42, 39, 40 count; 43 does not), staying or not.
    assert _counts(world, "R-TC3", [0, 1, 2, 3, 4], [0] * 5, [True] * 5) == \
        [True, True, True, True, False]
    # R-TC4: a new placement of a cadre under 40: C0 staying does not count, C0 new (36)
    # and C2 (39) do; C1 (42) and C3 (exactly 40) do not.
    assert _counts(world, "R-TC4", [0, 0, 1, 2, 3], [0] * 5, [True] + [False] * 4) == \
        [False, True, False, True, False]
    assert _counts(world, "R-TC3", [2, 3], [0, 0], [False] * 2, max_age=39) == [True, False]


def test_counts_woman_non_party_township_r_tc5_r_tc6_r_tc8(world):
    every = ([0, 1, 2, 3, 4], [1] * 5, [False] * 5)
    assert _counts(world, "R-TC5", *every) == [True, False, False, True, False]
    assert _counts(world, "R-TC6", *every) == [False, True, False, False, False]  # 民盟
    assert _counts(world, "R-TC8", *every) == [True, False, False, False, True]


def test_counts_specialties_r_tc7_r_tc9(world):
    # R-TC7: the team's system among the specialties: C0 (财政) in D1 yes, in D2 (教育) no;
    # C1 (审计) in D1 no; C2 (教育 审计) in D2 yes; C3 (none) in D1 no; nobody in T1 (政府).
    pairs = ([0, 0, 1, 2, 3, 0], [4, 5, 4, 5, 4, 0], [False] * 6)
    assert _counts(world, "R-TC7", *pairs) == [True, False, False, True, False, False]
    # R-TC9: D1 needs 审计: C1 and C2 have it, C0 not; T1 needs nothing, so nobody counts.
    pairs = ([0, 1, 2, 1], [4, 4, 4, 0], [False] * 4)
    assert _counts(world, "R-TC9", *pairs) == [False, True, True, False]


@pytest.mark.parametrize(("rule", "params", "need"), [
    ("R-TC1", {"share": "2/3"}, [2, 2, 1, 1, 2, 2]),  # ceil(2/3 × [3,2,1,1,3,2])
    ("R-TC1", {"share": 0.667}, [2, 2, 1, 1, 2, 2]),  # 0.667 read as two thirds
    ("R-TC2", {"min_locals": 4}, [4] * 6),
    ("R-TC5", {}, [1] * 6),  # tier (a): min_women_every default 1
    ("R-TC5", {"min_women_every": 2}, [2] * 6),
    ("R-TC6", {}, [1] * 6),
    ("R-TC7", {}, [2, 1, 1, 1, 2, 1]),  # ceil(1/2 × size): 1.5→2, 1, 0.5→1
    ("R-TC8", {"share": 1}, SIZES),
    ("R-TC9", {}, [1] * 6),
    ("R-TC10", {"min_bands": 2}, [2, 2, 1, 1, 2, 2]),  # min(2, size)
])
def test_required_per_team(world, rule, params, need):
    data, _ = world
    sc = scenario(on={rule: params}, all_off=False)
    assert m.required(rule, data, sc, np.array(SIZES)).tolist() == need


def test_required_one_figure_r_tc3_r_tc4_r_tc5(world):
    data, _ = world
    # R-TC3: two department teams in scope, ceil(2/3 × 2) = 2; with share 1/2: 1.
    assert m.required_figure("R-TC3", data, scenario(all_off=False)) == 2
    assert m.required_figure("R-TC3", data, scenario(
        on={"R-TC3": {"share_of_teams": "1/2"}}, all_off=False)) == 1
    assert m.required_figure("R-TC4", data, scenario(
        on={"R-TC4": {"min_count": 7}}, all_off=False)) == 7
    # R-TC5 (b) per county (the default): two counties (R1: T1, T2; R2: T4), more than
    # 1/2 of them: floor(2/2) + 1 = 2; share 0: 1.
    assert m.required_figure("R-TC5", data, scenario(all_off=False)) == 2
    assert m.required_figure("R-TC5", data, scenario(
        on={"R-TC5": {"share_of_teams": 0}}, all_off=False)) == 1
    # per team: three county party and government teams, more than 1/2 of them:
    # floor(3/2) + 1 = 2; share 2/3: floor(2) + 1 = 3; share 1: all 3, not 4.
    for share, teams in (("1/2", 2), ("2/3", 3), (1, 3), (0, 1)):
        assert m.required_figure("R-TC5", data, scenario(
            on={"R-TC5": {"share_of_teams": share, "per": "team"}}, all_off=False)) == teams
    assert m.most_minimum("R-TC5", scenario(on={"R-TC5": {"min_women": 3}},
                                            all_off=False)) == 3
    with pytest.raises(KeyError):
        m.required_figure("R-TC6", data, scenario(all_off=False))


def test_team_mode_r_tc5_tier_a(world):
    modes = {"R-TC5": {"mode": "target", "every_mode": "hard"}}
    assert m.team_mode("R-TC5", scenario(on=modes, all_off=False)) == "hard"
    off = {"R-TC5": {"mode": "off", "every_mode": "hard"}}
    assert m.team_mode("R-TC5", scenario(on=off, all_off=False)) == "off"
    assert m.team_mode("R-TC2", scenario(on={"R-TC2": {"mode": "target"}},
                                         all_off=False)) == "target"


def test_places_per_team_and_per_county_r_tc2(world):
    data, _ = world
    data, facts = world
    sc = scenario(on={"R-TC2": {"min_locals": 3, "per": "team"}}, all_off=False)
    per_team = m.places("R-TC2", data, sc, facts)
    assert per_team.names.tolist() == ["T1", "T2", "T4"]
    assert per_team.of_team.tolist() == [0, 1, -1, 2, -1, -1]
    assert per_team.required.tolist() == [3, 3, 3]
    sc = scenario(on={"R-TC2": {"min_locals": 5, "per": "county"}}, all_off=False)
    county = m.places("R-TC2", data, sc, facts)
    # T1 and T2 count together for R1; T3 (county_npc) is in R1 but out of scope.
    assert county.names.tolist() == ["R1", "R2"]
    assert county.of_team.tolist() == [0, 0, -1, 1, -1, -1]
    assert county.required.tolist() == [5, 5]
    assert county.team_place().tolist() == ["R1", "R1", "", "R2", "", ""]


def test_age_band_and_goal_r_tc10(world):
    data, facts = world
    sc = scenario(on={"R-TC10": {"band_years": 10}}, all_off=False)
    assert m.age_band(sc, facts, np.arange(5)).tolist() == [3, 4, 3, 4, 4]
    # the county party and government teams (avg_kinds, the default): T1, T2, T4, 6 posts,
    # incumbent C0 aged 36: floor((36 − 1) × 6) = 210
    assert m.age_goal(data, sc, facts) == 210
    # every kind: 12 posts, incumbents aged 36 and 42: floor((39 − 1) × 12) = 456
    every = list(TEAM_KINDS)
    sc = scenario(on={"R-TC10": {"avg_kinds": every}}, all_off=False)
    assert m.age_goal(data, sc, facts) == 456
    # departments only: 5 posts, incumbent C1 aged 42: floor((42 − 2.5) × 5) = 197
    sc = scenario(on={"R-TC10": {"avg_kinds": ["municipal_dept", "district_dept"],
                                 "avg_age_drop": 2.5}}, all_off=False)
    assert m.age_goal(data, sc, facts) == 197
    # county_npc only: its one post is vacant, so there is no average to lower
    sc = scenario(on={"R-TC10": {"avg_kinds": ["county_npc"]}}, all_off=False)
    assert m.age_goal(data, sc, facts) is None


def test_labels_cover_every_team_minimum():
    assert tuple(m.LABELS) == m.TEAM_MINIMUMS
    assert m.LABELS["R-TC5"][:4] == ("女干部", "a woman", "女干部", "women")
    assert (m.LABELS["R-TC5"].target_zh, m.LABELS["R-TC5"].target_en) == ("女干部", "women")


def test_model_counts_a_county_over_its_teams_in_scope_only_r_tc2():
    """R-TC2 per county: a local in the county's NPC team (out of scope) does not count.
    The model once counted it, and its objective then disagreed with the checker's."""
    data = make_dataset(
        teams=[{"team_id": "T1", "kind": "county_party", "region": "R1"},
               {"team_id": "T3", "kind": "county_npc", "region": "R1"}],
        posts=[{"post_id": "P1", "team_id": "T1"}, {"post_id": "P3", "team_id": "T3"}],
        cadres=[{"cadre_id": "L", "home_region": "R1"}, {"cadre_id": "N", "home_region": "R9"}],
        fit=[{"cadre_id": c, "post_id": p, "score": s}
             for c, p, s in (("L", "P1", 10), ("L", "P3", 50), ("N", "P1", 10), ("N", "P3", 10))],
        reference_date=REF)
    sc = scenario(on={"R-TC2": {"mode": "target", "per": "county", "min_locals": 1}})
    prop = solve_checked(data, sc)
    # L in T1 and N in T3: fit 10 + 10 = 20, no shortfall; L in T3 would be fit 60 but
    # leave R1 without a local in scope: 60 − 1000.
    assert holder(prop, "P1") == "L"
    assert prop.outcome.objective == 20
    fit = prop.roster.set_index("post_id")["fit"]
    assert prop.report.objective_terms(fit)["objective"] == pytest.approx(20)
