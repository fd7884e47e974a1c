"""Leaving the roster, exchange and posts filled through another channel (docs/rules.md).

A sitting cadre leaves a post only for a cause (a hard rule that bars staying, `leaving`,
a move, a lock); a release without one is proposed only where the scenario has
`allow_release`, and the checker names it (RELEASE). A cadre a rule moves (R-RO1 …) is
moved to another post of the same rank where one suits ("exchange" means a new post),
else released under that rule at the release weight. A post filled through another
channel (人武部, `filled_by`) keeps its incumbent or stays open, never goes to a civilian
(FILLED_BY), and an open one is no member of its team.

The reference date is 2026-09-01; builder defaults: cadres 正科 candidates, posts 副处
deputies of a county_gov team in R1.
"""

from __future__ import annotations

from rulekit import broken, check, dataset, placed, solve

SITTING = {"rank": "副处", "candidate": False}


def sitting_and_newcomer(**sitting):
    """T1: P1 held by S (fit 50), the newcomer N 90 on P1."""
    teams = [{"team_id": "T1"}]
    posts = [{"post_id": "P1", "team_id": "T1", "incumbent_id": "S"}]
    cadres = [{"cadre_id": "S", **SITTING, **sitting}, {"cadre_id": "N"}]
    return dataset(teams, posts, cadres, {("S", "P1"): 50, ("N", "P1"): 90})


def test_RELEASE_model_no_release_without_a_cause():
    data = sitting_and_newcomer()
    assert placed(solve(data)) == {"P1": "S"}  # N fits better: no cause to release S
    assert placed(solve(data, allow_release=True)) == {"P1": "N"}
    # a cause: S reaches 60 on the day (R-EL7), N takes P1 with R-EL7 on
    old = sitting_and_newcomer(birth_date="1966-09-01")
    assert placed(solve(old, {"R-EL7": {}})) == {"P1": "N"}


def test_RELEASE_checker_names_the_cause():
    data = sitting_and_newcomer()
    assert broken(check(data, {}, {"P1": "N"})) == {("RELEASE", "S")}
    allowed = check(data, {}, {"P1": "N"}, allow_release=True)
    assert allowed.ok and list(allowed.departures["cause"]) == ["allowed"]
    old = sitting_and_newcomer(birth_date="1966-09-01")
    retired = check(old, {"R-EL7": {}}, {"P1": "N"})
    assert retired.ok and list(retired.departures["cause"]) == ["R-EL7"]
    gone = sitting_and_newcomer(leaving=True)
    assert list(check(gone, {}, {"P1": "N"}).departures["cause"]) == ["leaving"]


def _exchange_rows():
    teams = [{"team_id": t, "kind": "municipal_dept"} for t in ("T1", "T2")]
    posts = [{"post_id": "P1", "team_id": "T1", "grade": "head", "incumbent_id": "S"},
             {"post_id": "P2", "team_id": "T2", "grade": "head"}]
    cadres = [{"cadre_id": "S", **SITTING, "post_since": "2016-09-01"},
              {"cadre_id": "F"}, {"cadre_id": "N"}]
    return teams, posts, cadres


def exchange_case():
    """S heads T1 (P1) since 2016-09-01 (10 years on the day: R-RO1), no candidate; T2 has
    a vacant head post P2 of S's rank: S 30 on it, F 40; F also 10 on P1, N 90 on P1."""
    return dataset(*_exchange_rows(), {("S", "P2"): 30, ("F", "P2"): 40, ("F", "P1"): 10,
                                       ("N", "P1"): 90})


def test_RELEASE_model_exchange_means_a_new_post():
    """R-RO1 hard: S may not stay, and though no candidate may take P2, a post of the same
    rank ("交流", a new post). At release weight 0, F (40) beats S (30) on P2 and S is
    released under R-RO1; at release weight 20, S on P2 (30) beats F (40 - 20)."""
    data = exchange_case()
    ro1 = {"R-RO1": {"kinds": ["municipal_dept"]}}
    assert placed(solve(data, ro1)) == {"P1": "N", "P2": "F"}
    weights = {"fit": 1, "move": 0, "release": 20}
    moved = solve(data, ro1, weights=weights)
    assert placed(moved) == {"P1": "N", "P2": "S"} and moved.outcome.objective == 120
    # no rule: S stays, nobody is released
    assert placed(solve(data)) == {"P1": "S", "P2": "F"}


def test_RELEASE_model_a_rule_made_a_target_still_gives_its_cause():
    """R-RO1 made a target (docs/rules.md, "Leaving the roster"): S is still due to move,
    so the hard rule's rosters stay open at the same objective. S may take P2 though no
    candidate (an exchange) and the move is not charged (move weight 20: 30 + 90 as under
    the hard rule, not 100); at release weight 0, S leaves under R-RO1 with no release
    without a cause; at a weight below what staying is worth, S stays and pays it."""
    data = exchange_case()
    for weights, roster, objective in (
            ({"fit": 1, "move": 20, "release": 20}, {"P1": "N", "P2": "S"}, 120),
            ({"fit": 1, "move": 20, "release": 0}, {"P1": "N", "P2": "F"}, 130)):
        for mode in ("hard", "target"):
            ro1 = {"R-RO1": {"kinds": ["municipal_dept"], "mode": mode, "weight": 1000}}
            prop = solve(data, ro1, weights=weights)
            assert placed(prop) == roster and prop.outcome.objective == objective, mode
    # S 100 on P1: staying pays at weight 5 (100 - 5 + 40 > 130), not at 1000 (S leaves)
    rich = dataset(*_exchange_rows(), {("S", "P2"): 30, ("F", "P2"): 40, ("F", "P1"): 10,
                                       ("N", "P1"): 90, ("S", "P1"): 100})
    for weight, roster, objective in ((5, {"P1": "S", "P2": "F"}, 135),
                                      (1000, {"P1": "N", "P2": "F"}, 130)):
        prop = solve(rich, {"R-RO1": {"kinds": ["municipal_dept"], "mode": "target",
                                      "weight": weight}})
        assert placed(prop) == roster and prop.outcome.objective == objective, weight


def test_RELEASE_checker_exchange_out_of_scope_is_priced():
    """The release of a cadre R-RO1 moves is a cause, priced at the release weight; one
    barred from every post for a reason of their own (retirement) is not."""
    data = exchange_case()
    ro1 = {"R-RO1": {"kinds": ["municipal_dept"]}}
    weights = {"fit": 1, "move": 0, "release": 20}
    out = check(data, ro1, {"P1": "N", "P2": "F"}, weights=weights)
    assert out.ok and list(out.departures["cause"]) == ["R-RO1"]
    assert out.objective_terms()["releases"] == 1
    old = sitting_and_newcomer(birth_date="1966-09-01")
    retired = check(old, {"R-EL7": {}}, {"P1": "N"}, weights=weights)
    assert retired.objective_terms()["releases"] == 0


def military_case():
    """R1's county party team: M1 县委常委、人武部部长 held by the officer O (system 人武,
    aged 61), M2 人武部政委 vacant, P3 a plain post held by nobody. Civilians C (a woman)
    90 on M1, M2 and P3, D 50 on P3."""
    teams = [{"team_id": "DW", "kind": "county_party"}]
    posts = [{"post_id": "M1", "team_id": "DW", "title": "县委常委、人武部部长",
              "incumbent_id": "O"},
             {"post_id": "M2", "team_id": "DW", "title": "人武部政委"},
             {"post_id": "P3", "team_id": "DW"}]
    cadres = [{"cadre_id": "O", **SITTING, "system": "人武", "birth_date": "1965-01-01"},
              {"cadre_id": "C", "gender": "F"}, {"cadre_id": "D"}]
    return dataset(teams, posts, cadres, {("C", "M1"): 90, ("C", "M2"): 90, ("C", "P3"): 90,
                                          ("D", "P3"): 50, ("O", "M1"): 10})


def test_FILLED_BY_model_a_military_post_keeps_its_officer_or_stays_open():
    """O stays on M1 though 61 (not the department's appointment: no pair rule judges
    him); M2 stays open, never C's; C takes P3. The team counts 2 members: R-TC5 (a) is
    met by C, R-TC1-like shares read that size (`meaning.sizes`)."""
    data = military_case()
    prop = solve(data, {"R-EL7": {}, "R-TC5": {"mode": "target", "min_women": 0}})
    assert placed(prop) == {"M1": "O", "P3": "C"}
    # `filled_by = scope` hands M2 to the proposal: C takes it, D gets P3
    given = military_case()
    given.posts.loc[given.posts["post_id"] == "M2", "filled_by"] = "scope"
    assert placed(solve(given)) == {"M1": "O", "M2": "C", "P3": "D"}


def test_FILLED_BY_checker_a_civilian_on_a_military_post():
    data = military_case()
    assert check(data, {"R-EL7": {}}, {"M1": "O", "P3": "C"}).ok
    assert broken(check(data, {}, {"M1": "O", "M2": "C", "P3": "D"})) == {("FILLED_BY", "M2")}
    assert ("FILLED_BY", "M1") in broken(check(data, {}, {"M1": "C", "P3": "D"}))


def test_RELEASE_model_a_must_lock_on_a_sitting_cadre_s_post_moves_him():
    """A planner locks N into S's post: S may not be released for it, and has nowhere else
    to go (no candidate): no roster, and the conflict names S; a forbid lock on S's own
    pair is the cause that lets S go."""
    data = sitting_and_newcomer()
    must = [{"cadre": "N", "post": "P1"}]
    none = solve(data, expect="infeasible", locks={"must": must})
    assert ("NO_RELEASE", "S") in {(c["rule"], c["where"]) for c in none.conflicts}
    gone = solve(data, locks={"must": must, "forbid": [{"cadre": "S", "post": "P1"}]})
    assert placed(gone) == {"P1": "N"}


def test_RELEASE_checker_a_forbid_lock_on_the_own_post_is_a_cause():
    data = sitting_and_newcomer()
    must = {"must": [{"cadre": "N", "post": "P1"}]}
    assert broken(check(data, {}, {"P1": "N"}, locks=must)) == {("RELEASE", "S")}
    forbid = check(data, {}, {"P1": "N"}, locks={**must,
                                                  "forbid": [{"cadre": "S", "post": "P1"}]})
    assert forbid.ok and list(forbid.departures["cause"]) == ["lock"]
