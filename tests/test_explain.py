"""Explanations (issue 4): infeasibility reports name the rule and the place, and every
suggested relaxation is verified by solving; reasons and causes are never empty."""

from __future__ import annotations

from builders import make_dataset
from solving import scenario, solve_checked

from placement.checker import check_roster
from placement.explain.shortfalls import shortfall_causes
from placement.roster.tables import read_members
from placement.solver.solve import Status


def _county_party(posts_key=(False, False, False)):
    teams = [{"team_id": "T1", "name": "某县委", "kind": "county_party", "region": "R1"}]
    posts = [{"post_id": f"P{i}", "team_id": "T1", "title": "常委", "key_post": key}
             for i, key in enumerate(posts_key, start=1)]
    return teams, posts


def test_too_few_locals_names_r_tc2_and_the_team_and_the_relaxation_solves():
    teams, posts = _county_party()
    cadres = ([{"cadre_id": f"L{i}", "name": f"l{i}", "home_region": "R1"} for i in (1, 2)]
              + [{"cadre_id": f"O{i}", "name": f"o{i}", "home_region": "R9"} for i in (1, 2, 3)])
    data = make_dataset(teams=teams, posts=posts, cadres=cadres)
    per_team = {"min_locals": 3, "per": "team"}
    prop = solve_checked(data, scenario({"R-TC2": per_team}), expect=Status.INFEASIBLE)
    assert {"rule": "R-TC2", "where": "T1"}.items() <= prop.conflicts[0].items()
    assert "only 2" in prop.conflicts[0]["detail"]
    assert [r["rule"] for r in prop.relaxations] == ["R-TC2"]
    assert prop.relaxations[0]["verified"] and prop.relaxations[0]["status"] == "optimal"
    relaxed = solve_checked(data, scenario({"R-TC2": {**per_team, "mode": "target"}}))
    assert relaxed.outcome.objective == prop.relaxations[0]["objective"]
    # per county (the default) the conflict core names the county, R1
    county = solve_checked(data, scenario({"R-TC2": {"min_locals": 3}}),
                           expect=Status.INFEASIBLE)
    assert ("R-TC2", "R1") in {(c["rule"], c["where"]) for c in county.conflicts}


def test_conflict_between_rules_is_found_by_the_assumption_core():
    # Three locals for three posts, but P1 is a key post: R-AV2 keeps locals out of it,
    # so R-TC2's three locals cannot all serve. No single count shows it.
    teams, posts = _county_party(posts_key=(True, False, False))
    cadres = ([{"cadre_id": f"L{i}", "name": f"l{i}", "home_region": "R1"} for i in (1, 2, 3)]
              + [{"cadre_id": "O1", "name": "o1", "home_region": "R9"}])
    data = make_dataset(teams=teams, posts=posts, cadres=cadres)
    prop = solve_checked(data, scenario({"R-TC2": {"min_locals": 3}, "R-AV2": {}}),
                         expect=Status.INFEASIBLE)
    named = {(c["rule"], c["where"]) for c in prop.conflicts}
    assert ("R-TC2", "R1") in named and ("R-AV2", "pairs") in named  # R1: T1's county
    assert {r["rule"] for r in prop.relaxations} == {"R-TC2", "R-AV2"}
    assert all(r["verified"] for r in prop.relaxations)


def test_every_shortfall_has_a_cause_naming_the_pool():
    teams, posts = _county_party()
    cadres = ([{"cadre_id": f"M{i}", "name": f"m{i}"} for i in (1, 2, 3)]
              + [{"cadre_id": "W1", "name": "w1", "gender": "F", "sanction_until": "2027-01-01"}])
    data = make_dataset(teams=teams, posts=posts, cadres=cadres)
    sc = scenario({"R-TC5": {"mode": "target", "min_women": 1, "every_mode": "target"},
                   "R-EL5": {}})
    prop = solve_checked(data, sc)
    report = check_roster(sc, data, prop.roster)
    readings = read_members(data, sc, prop.facts, prop.roster)
    causes = shortfall_causes(data, sc, prop.facts, prop.pairs, prop.roster, report.figures,
                              readings)
    row = causes[causes["rule"] == "R-TC5"].iloc[0]
    # The one woman is under sanction: the cause must say so.
    # the excluding rule by its name (a committee reads the cause), not its code
    assert row["where"] == "T1"
    assert "no sanction, clean file, truthful report (1)" in row["cause_en"]
    assert "无处分、档案无问题、如实报告个人事项（1人）" in row["cause_zh"]
    assert "R-EL5" not in row["cause_zh"]


def test_why_not_names_the_excluding_rule_or_prices_the_forced_pair():
    from placement.pipeline.questions import why_not

    teams, posts = _county_party()
    cadres = ([{"cadre_id": f"M{i}", "name": f"m{i}"} for i in (1, 2, 3)]
              + [{"cadre_id": "S1", "name": "s1", "sanction_until": "2027-01-01"},
                 {"cadre_id": "B1", "name": "b1"}])
    fit = [{"cadre_id": c["cadre_id"], "post_id": p["post_id"],
            "score": 20 if c["cadre_id"] == "B1" else 80} for c in cadres for p in posts]
    data = make_dataset(teams=teams, posts=posts, cadres=cadres, fit=fit)
    sc = scenario({"R-EL5": {}})
    excluded = why_not(sc, data, "S1", "P1")
    assert not excluded.eligible and excluded.excluded_by == ["R-EL5"]
    assert "R-EL5" in excluded.render("zh")
    forced = why_not(sc, data, "B1", "P1")
    # 3 x 80 = 240 before; with B1 forced into P1: 20 + 2 x 80 = 180.
    assert (forced.objective_before, forced.objective_after) == (240, 180)
    assert len(forced.changed_lines) == 1  # only P1 changes: the minimal-change roster


def test_api_why_not_matches_the_module():
    from placement import api

    teams, posts = _county_party()
    data = make_dataset(teams=teams, posts=posts,
                        cadres=[{"cadre_id": f"M{i}", "name": f"m{i}"} for i in (1, 2, 3)]
                        + [{"cadre_id": "S1", "name": "s1", "candidate": False}])
    answer = api.why_not(scenario(), data, "S1", "P2")
    assert not answer.eligible and answer.excluded_by == ["NOT_CANDIDATE"]
