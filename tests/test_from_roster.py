"""`--from ROSTER` (issue 5, item 2): a re-solve after one rule changes keeps the published
roster wherever the change does not require otherwise."""

from __future__ import annotations

from builders import make_dataset
from solving import scenario, solve_checked

from placement.checker import check_roster
from placement.pipeline.propose import propose
from placement.pipeline.run import changed_against


def _checked(sc, data, published):
    prop = propose(sc, data, start_from=published)
    assert check_roster(sc, data, prop.roster).ok
    return prop


def _two_teams():
    teams = [{"team_id": f"T{t}", "name": f"t{t}", "kind": "county_gov", "region": "R1"}
             for t in (1, 2)]
    posts = [{"post_id": f"P{t}{k}", "team_id": f"T{t}", "title": "副县长"}
             for t in (1, 2) for k in (1, 2, 3)]
    cadres = ([{"cadre_id": f"M{i}", "name": f"m{i}"} for i in range(1, 8)]
              + [{"cadre_id": "W1", "name": "w1", "gender": "F"}])
    # Every man fits every post equally (many optimal rosters); the woman fits less.
    fit = [{"cadre_id": c["cadre_id"], "post_id": p["post_id"],
            "score": 60 if c["cadre_id"] == "W1" else 80} for c in cadres for p in posts]
    return make_dataset(teams=teams, posts=posts, cadres=cadres, fit=fit)


def test_one_rule_change_changes_only_the_lines_it_requires():
    data = _two_teams()
    published = solve_checked(data, scenario()).roster
    women = {"R-TC5": {"mode": "target", "min_women": 1, "kinds": ["county_gov"],
                       "every_mode": "target"}}
    sc = scenario(women, weights={"fit": 1, "move": 0, "release": 0, "change": 50})
    prop = _checked(sc, data, published)
    changes = changed_against(published, prop.roster)
    # One woman per team, one woman in the pool: she takes one line of one team; every
    # other line stays as published (ties would otherwise reshuffle them).
    assert changes["changed_lines"] == 1
    assert "W1" in set(prop.roster["cadre_id"])


def test_same_scenario_from_its_own_roster_changes_nothing():
    data = _two_teams()
    published = solve_checked(data, scenario()).roster
    sc = scenario(weights={"fit": 1, "move": 0, "release": 0, "change": 5})
    prop = _checked(sc, data, published)
    assert changed_against(published, prop.roster)["changed_lines"] == 0
