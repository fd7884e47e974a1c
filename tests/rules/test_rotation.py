"""Rotation rules R-RO1, R-RO2, R-RO3, R-RO4, R-RO5, R-RO6, R-RO7, R-RO8, R-RO9.

R-RO1–R-RO4 are pair rules, tested on probes (rulekit.Probe): a staying line one day past
the tenure and one day short of it, lines outside the rule's grade, system, kind or flag
scope. R-RO5–R-RO7 count per cadre (a cadre in scope without a post that meets the rule
is one unit short, placed elsewhere or not at all), each on a small case whose rosters
are worked out in its docstring. R-RO8 (the two county heads not both changed) has its
own three-region case.

Tenures are whole calendar anniversaries to the reference date 2026-09-01 ("满N年" is met
on the Nth anniversary, docs/rules.md "Tenure"): 2016-09-01 is 10 years on the day (3652
days, which / 365.25 would read 9.9986 and miss it), 2016-09-02 a day short; 2021-09-01 is
5 years on the day, 2021-09-02 a day short. The R-RO1 probes add a leap-day start:
2016-02-29 reaches 10 years on 2026-02-28.
"""

from __future__ import annotations

from rulekit import (
    Probe,
    broken,
    check,
    checker_side_pair_rule,
    dataset,
    model_side_pair_rule,
    model_side_pair_target,
    placed,
    shortfall,
    solve,
    total_shortfall,
)

HEAD = {"grade": "head"}
# Cases that replace a sitting cadre by a better-fitting newcomer, which only a scenario
# that allows a release without a cause proposes ("Leaving the roster", docs/rules.md).
RELEASE = {"allow_release": True}
SITTING = {"rank": "副处"}  # incumbents hold the rank of their 副处 post
TEN_PLUS, TEN_MINUS = "2016-09-01", "2016-09-02"  # on the 10th anniversary, a day short
FIVE_PLUS, FIVE_MINUS = "2021-09-01", "2021-09-02"  # on the 5th anniversary, a day short


def staying(label, keeps, since_field, since, post=None, team=None):
    return Probe(label, {**SITTING, since_field: since}, keeps=keeps, post=post or {},
                 team=team or {}, stays=True)


RO1 = [
    staying("head 10 years on the day", False, "post_since", TEN_PLUS, HEAD),
    staying("head a day short of 10 years", True, "post_since", TEN_MINUS, HEAD),
    staying("deputy 10 years on the day", True, "post_since", TEN_PLUS),
    staying("head since 29 February 2016", False, "post_since", "2016-02-29", HEAD),
]
RO1_KINDS = [
    staying("county_gov head, kind out of scope", True, "post_since", TEN_PLUS, HEAD),
    staying("municipal_dept head", False, "post_since", TEN_PLUS, HEAD,
            {"kind": "municipal_dept"}),
]
# a fractional threshold reads the elapsed part of the year: 9.5 years rotates the head a
# day short of 10 years too
RO1_HALF = {"years": 9.5}
RO1_HALF_PROBES = [staying("head a day short of 10 years", False, "post_since", TEN_MINUS, HEAD),
                   staying("head 9.4 years", True, "post_since", "2017-04-01", HEAD)]


# 29 February: the anniversary falls on 28 February in a common year, so 2016-02-29 is
# 10 years + 185/365 = 10.507 on 2026-09-01 (from 2 March it would be 10.501); 2016-03-03
# is 10 + 182/365 = 10.499. `years` 10.505 tells them apart.
RO1_LEAP = {"years": 10.505}
RO1_LEAP_PROBES = [staying("head since 29 February 2016", False, "post_since", "2016-02-29",
                           HEAD),
                   staying("head since 3 March 2016", True, "post_since", "2016-03-03", HEAD)]


def test_R_RO1_model_head_rotation():
    model_side_pair_rule("R-RO1", RO1)
    model_side_pair_rule("R-RO1", RO1_HALF_PROBES, RO1_HALF)
    model_side_pair_rule("R-RO1", RO1_LEAP_PROBES, RO1_LEAP)
    model_side_pair_rule("R-RO1", RO1_KINDS, {"kinds": ["municipal_dept"]})


def test_R_RO1_checker_head_rotation():
    checker_side_pair_rule("R-RO1", RO1)
    checker_side_pair_rule("R-RO1", RO1_HALF_PROBES, RO1_HALF)
    checker_side_pair_rule("R-RO1", RO1_LEAP_PROBES, RO1_LEAP)
    checker_side_pair_rule("R-RO1", RO1_KINDS, {"kinds": ["municipal_dept"]})


POLICE = {"system": "公安"}
RO2 = [
    staying("公安 deputy 10 years on the day in team", False, "team_since", TEN_PLUS, team=POLICE),
    staying("公安 deputy a day short of 10 years in team", True, "team_since", TEN_MINUS,
            team=POLICE),
    staying("财政 deputy: not a sensitive system", True, "team_since", TEN_PLUS,
            team={"system": "财政"}),
    staying("公安 head: not a deputy", True, "team_since", TEN_PLUS, HEAD, POLICE),
    # every one of the five systems (seed 000: 纪检监察、组织、公安、检察、法院)
    *(staying(f"{system} deputy 10 years on the day in team", False, "team_since", TEN_PLUS,
              team={"system": system}) for system in ("纪检监察", "组织", "检察", "法院")),
]


def within_team():
    """X (公安 deputy 10 years on the day in T1) sits in P1; P2 is vacant in T1, P3 in T2.
    Fit: X 90 at P1, 80 at P2, 70 at P3; F<i> 10 at P<i>."""
    teams = [{"team_id": "T1", **POLICE}, {"team_id": "T2", **POLICE}]
    posts = [{"post_id": "P1", "team_id": "T1", "incumbent_id": "X"},
             {"post_id": "P2", "team_id": "T1"}, {"post_id": "P3", "team_id": "T2"}]
    cadres = [{"cadre_id": "X", **SITTING, "team_since": TEN_PLUS},
              *({"cadre_id": f"F{i}"} for i in (1, 2, 3))]
    scores = {("X", "P1"): 90, ("X", "P2"): 80, ("X", "P3"): 70,
              ("F1", "P1"): 10, ("F2", "P2"): 10, ("F3", "P3"): 10}
    return dataset(teams, posts, cadres, scores)


def test_R_RO2_model_sensitive_deputies_leave_the_team():
    model_side_pair_rule("R-RO2", RO2)
    data = within_team()
    assert placed(solve(data)) == {"P1": "X", "P2": "F2", "P3": "F3"}  # 90 + 10 + 10
    # X may hold no post of T1: P3 (70) + F1 + F2 = 90 beats everything else
    assert placed(solve(data, {"R-RO2": {}})) == {"P1": "F1", "P2": "F2", "P3": "X"}


def test_R_RO2_checker_sensitive_deputies_leave_the_team():
    checker_side_pair_rule("R-RO2", RO2)
    data = within_team()
    moved = check(data, {"R-RO2": {}}, {"P1": "F1", "P2": "X", "P3": "F3"})
    assert broken(moved) == {("R-RO2", "P2")}
    assert check(data, {"R-RO2": {}}, {"P1": "F1", "P2": "F2", "P3": "X"}).ok


FINANCE = {"system": "财政"}
RO3 = [
    staying("财政 deputy 10 years on the day", False, "post_since", TEN_PLUS, team=FINANCE),
    staying("财政 deputy a day short of 10 years", True, "post_since", TEN_MINUS, team=FINANCE),
    staying("公安 deputy: R-RO2's systems", True, "post_since", TEN_PLUS, team=POLICE),
    staying("财政 head: not a deputy", True, "post_since", TEN_PLUS, HEAD, FINANCE),
]
RO3_KINDS = [
    staying("county_gov deputy, kind out of scope", True, "post_since", TEN_PLUS),
    staying("municipal_dept deputy", False, "post_since", TEN_PLUS,
            team={"kind": "municipal_dept"}),
]


def test_R_RO3_model_other_deputies_hard_and_target():
    model_side_pair_rule("R-RO3", RO3)
    model_side_pair_target("R-RO3", RO3)
    model_side_pair_rule("R-RO3", RO3_KINDS, {"kinds": ["municipal_dept"]})


def test_R_RO3_checker_other_deputies():
    checker_side_pair_rule("R-RO3", RO3)
    checker_side_pair_rule("R-RO3", RO3_KINDS, {"kinds": ["municipal_dept"]})


DISPATCHED = {"dispatched": True}
RO4 = [
    staying("dispatched 5 years on the day", False, "post_since", FIVE_PLUS, DISPATCHED),
    staying("dispatched a day short of 5 years", True, "post_since", FIVE_MINUS, DISPATCHED),
    staying("not dispatched", True, "post_since", FIVE_PLUS),
]


def test_R_RO4_model_dispatched_leaders_hard_and_target():
    model_side_pair_rule("R-RO4", RO4)
    model_side_pair_target("R-RO4", RO4)


def test_R_RO4_checker_dispatched_leaders():
    checker_side_pair_rule("R-RO4", RO4)


PORTFOLIO = {"portfolio": "财务"}


def portfolio_move():
    """T1 (county_gov R1): P1 (财务, incumbent A, 5 years on the day on it), P2 (教育, vacant);
    T2: Q1 (vacant). Newcomers N, M. Fits below, every other pair 0. Rosters:
    A P1 + N P2 + M Q1 = 90 + 55 + 40 = 185 (A stays), A Q1 + N P1 + M P2 = 63 + 70 + 50
    = 183 (A leaves the team), A P2 + N P1 + M Q1 = 70 + 70 + 40 = 180 (same-team move)."""
    teams = [{"team_id": "T1"}, {"team_id": "T2"}]
    posts = [{"post_id": "P1", "team_id": "T1", "incumbent_id": "A", **PORTFOLIO},
             {"post_id": "P2", "team_id": "T1", "portfolio": "教育"},
             {"post_id": "Q1", "team_id": "T2"}]
    cadres = [{"cadre_id": "A", **SITTING, "portfolio_since": FIVE_PLUS},
              {"cadre_id": "N"}, {"cadre_id": "M"}]
    scores = {("A", "P1"): 90, ("A", "P2"): 70, ("A", "Q1"): 63, ("N", "P1"): 70,
              ("N", "P2"): 55, ("M", "P2"): 50, ("M", "Q1"): 40}
    return dataset(teams, posts, cadres, scores)


STAYS = {"P1": "A", "P2": "N", "Q1": "M"}
SAME_TEAM = {"P1": "N", "P2": "A", "Q1": "M"}
LEAVES_TEAM = {"P1": "N", "P2": "M", "Q1": "A"}


def portfolio_alone():
    """T1: P1 only (财务, incumbent A, 5 years on the day); T2: Q1 (vacant). G and F newcomers.
    Fits: A P1 90, A Q1 80, G Q1 70, G P1 60, F P1 10. A stays: 160; A to Q1: 80 + 60 =
    140; A released: F P1 + G Q1 = 80. No roster gives A another post of T1."""
    teams = [{"team_id": "T1"}, {"team_id": "T2"}]
    posts = [{"post_id": "P1", "team_id": "T1", "incumbent_id": "A", **PORTFOLIO},
             {"post_id": "Q1", "team_id": "T2"}]
    cadres = [{"cadre_id": "A", **SITTING, "portfolio_since": FIVE_PLUS},
              {"cadre_id": "G"}, {"cadre_id": "F"}]
    scores = {("A", "P1"): 90, ("A", "Q1"): 80, ("G", "Q1"): 70, ("G", "P1"): 60,
              ("F", "P1"): 10}
    return dataset(teams, posts, cadres, scores)


def test_R_RO5_model_portfolio_changes_within_the_team():
    data = portfolio_move()
    off = solve(data)
    assert placed(off) == STAYS and off.outcome.objective == 185
    # Target, weight 100: staying 185 - 100 = 85 and leaving the team 183 - 100 = 83 are
    # both short; the same-team move 180 is not. (A pair price on staying would pick 183.)
    move = solve(data, {"R-RO5": {"mode": "target", "weight": 100}})
    assert placed(move) == SAME_TEAM and move.outcome.objective == 180
    # Weight 4: 185 - 4 = 181 > 180 stays; weight 6: 179 < 180 moves.
    w4 = solve(data, {"R-RO5": {"mode": "target", "weight": 4}})
    assert placed(w4) == STAYS and w4.outcome.objective == 181
    assert placed(solve(data, {"R-RO5": {"mode": "target", "weight": 6}})) == SAME_TEAM
    # Hard: A holds a post of T1, the own one included (185 beats 180).
    assert placed(solve(data, {"R-RO5": {}})) == STAYS
    # Exactly `years` (the 5th anniversary, which days / 365.25 would miss) counts: the move.
    exact = {"R-RO5": {"mode": "target", "weight": 100, "years": 5}}
    assert placed(solve(data, exact)) == SAME_TEAM
    # a day short of 5 years, P1 without a portfolio, or a kind out of scope: nothing to count.
    short = portfolio_move()
    short.cadres.loc[short.cadres["cadre_id"] == "A", "portfolio_since"] = FIVE_MINUS
    assert placed(solve(short, {"R-RO5": {"mode": "target", "weight": 100}})) == STAYS
    bare = portfolio_move()
    bare.posts.loc[bare.posts["post_id"] == "P1", "portfolio"] = ""
    assert placed(solve(bare, {"R-RO5": {"mode": "target", "weight": 100}})) == STAYS
    assert placed(solve(data, {"R-RO5": {"mode": "target", "weight": 100,
                                         "kinds": ["county_party"]}})) == STAYS


def test_R_RO5_model_no_other_post_reported_never_released():
    """Target, weight 100: every roster is one short (T1 has no other post), so A stays
    (160 - 100 = 60) rather than moving out (140 - 100) or being released (80 - 100);
    the shortfall is the planner's action, re-dividing T1's portfolios. Hard: A stays in
    T1 (160), where reading hard as "another post of T1" would have no roster."""
    from placement.explain.shortfalls import shortfall_causes
    from placement.roster.tables import read_members

    data = portfolio_alone()
    on = {"R-RO5": {"mode": "target", "weight": 100}}
    prop = solve(data, on)
    assert placed(prop) == {"P1": "A", "Q1": "G"} and prop.outcome.objective == 60
    report = check(data, on, placed(prop))
    readings = read_members(data, report.scenario, prop.facts, prop.roster)
    causes = shortfall_causes(data, report.scenario, prop.facts, prop.pairs, prop.roster,
                              report.figures, readings).set_index(["rule", "where"])
    cause = causes.loc[("R-RO5", "A")]
    assert cause["shortfall"] == 1
    assert cause["cause_en"].startswith("re-divide portfolios in team T1: A stays in post")
    assert "(0 posts that meet it were open)" in cause["cause_en"]
    assert cause["cause_zh"].startswith("调整班子T1分工：A留任原职")
    hard = solve(data, {"R-RO5": {}})
    assert placed(hard) == {"P1": "A", "Q1": "G"} and hard.outcome.objective == 160


def test_R_RO5_model_a_cadre_a_hard_rule_moves_is_not_counted():
    """R-RO3 hard moves A (a deputy 10 years on the day in post): A is that rule's case, so
    R-RO5 hard does not hold A in T1 (A goes to Q1: 80 + 60) and target counts nothing."""
    data = portfolio_alone()
    data.cadres.loc[data.cadres["cadre_id"] == "A", "post_since"] = TEN_PLUS
    ro3 = {"R-RO3": {"kinds": ["county_gov"]}}
    hard = solve(data, {**ro3, "R-RO5": {}})
    assert placed(hard) == {"P1": "G", "Q1": "A"} and hard.outcome.objective == 140
    target = solve(data, {**ro3, "R-RO5": {"mode": "target", "weight": 100}})
    assert target.outcome.objective == 140


def test_R_RO5_checker_portfolio_changes_within_the_team():
    data = portfolio_move()
    target = {"R-RO5": {"mode": "target"}}
    assert shortfall(check(data, target, SAME_TEAM), "R-RO5", "A", "cadre") == 0
    assert shortfall(check(data, target, STAYS), "R-RO5", "A", "cadre") == 1
    assert shortfall(check(data, target, LEAVES_TEAM), "R-RO5", "A", "cadre") == 1
    exact = {"R-RO5": {"mode": "target", "years": 5}}
    assert shortfall(check(data, exact, STAYS), "R-RO5", "A", "cadre") == 1
    # Released: N P1, M P2 and Q1 left to nobody is no roster; in portfolio_alone F takes P1
    # (a release without a cause, read where the scenario allows it).
    alone = portfolio_alone()
    released = check(alone, target, {"P1": "F", "Q1": "G"}, **RELEASE)
    assert shortfall(released, "R-RO5", "A", "cadre") == 1
    assert broken(check(alone, target, {"P1": "F", "Q1": "G"})) == {("RELEASE", "A")}
    # Hard: out of the team (moved or released) breaks it; staying or the move keeps it.
    hard = {"R-RO5": {}}
    assert broken(check(data, hard, LEAVES_TEAM)) == {("R-RO5", "A")}
    assert broken(check(alone, hard, {"P1": "F", "Q1": "G"}, **RELEASE)) == {("R-RO5", "A")}
    assert check(data, hard, STAYS).ok and check(data, hard, SAME_TEAM).ok
    # a day short of 5 years, or the team's kind out of scope: no figure for A.
    short = portfolio_move()
    short.cadres.loc[short.cadres["cadre_id"] == "A", "post_since"] = FIVE_PLUS
    short.cadres.loc[short.cadres["cadre_id"] == "A", "portfolio_since"] = FIVE_MINUS
    assert total_shortfall(check(short, target, STAYS), "R-RO5") == 0
    party = {"R-RO5": {"mode": "target", "kinds": ["county_party"]}}
    assert total_shortfall(check(data, party, STAYS), "R-RO5") == 0
    # A hard pair rule that moves A (R-RO3, 10 years on the day in post) takes A out of scope.
    moved = portfolio_alone()
    moved.cadres.loc[moved.cadres["cadre_id"] == "A", "post_since"] = TEN_PLUS
    ro3 = {"R-RO3": {"kinds": ["county_gov"]}, **hard}
    assert check(moved, ro3, {"P1": "G", "Q1": "A"}).ok


def township_head():
    """H, a sitting township head elected this cycle (R1), a nominee; X one too but not a
    candidate. G1 in R1's county_gov team, Y1 in R1's county_party team; N, M newcomers.
    Fits: N G1 90, H Y1 60, M Y1 55, H G1 50, every other pair 0. Rosters: N G1 + H Y1
    = 150, N G1 + M Y1 = 145 (H not placed), H G1 + M Y1 = 105."""
    teams = [{"team_id": "R1G"}, {"team_id": "R1P", "kind": "county_party"}]
    posts = [{"post_id": "G1", "team_id": "R1G"}, {"post_id": "Y1", "team_id": "R1P"}]
    cadres = [{"cadre_id": "H", "township_head_now": True},
              {"cadre_id": "X", "township_head_now": True, "candidate": False},
              {"cadre_id": "N"}, {"cadre_id": "M"}]
    scores = {("N", "G1"): 90, ("H", "Y1"): 60, ("M", "Y1"): 55, ("H", "G1"): 50}
    return dataset(teams, posts, cadres, scores)


def test_R_RO6_model_township_heads_to_the_own_county_government():
    data = township_head()
    assert placed(solve(data)) == {"G1": "N", "Y1": "H"}
    # Weight 300: H in Y1 (150 - 300) and H not placed (145 - 300) are both short; a pair
    # price would leave H out at 145. H G1 + M Y1 = 105 is the optimum.
    w300 = solve(data, {"R-RO6": {"mode": "target", "weight": 300}})
    assert placed(w300) == {"G1": "H", "Y1": "M"} and w300.outcome.objective == 105
    # Weight 44: 150 - 44 = 106 > 105; weight 46: 104 < 105.
    w44 = solve(data, {"R-RO6": {"mode": "target", "weight": 44}})
    assert placed(w44) == {"G1": "N", "Y1": "H"} and w44.outcome.objective == 106
    assert placed(solve(data, {"R-RO6": {"mode": "target", "weight": 46}})) == \
        {"G1": "H", "Y1": "M"}
    hard = solve(data, {"R-RO6": {}})
    assert placed(hard) == {"G1": "H", "Y1": "M"} and hard.outcome.objective == 105
    # H of R2: G1 is another county's government, so every roster is short and the off
    # roster stays, 150 - 300 = -150.
    r2 = township_head()
    r2.cadres.loc[r2.cadres["cadre_id"] == "H", "region"] = "R2"
    other = solve(r2, {"R-RO6": {"mode": "target", "weight": 300}})
    assert placed(other) == {"G1": "N", "Y1": "H"} and other.outcome.objective == -150


def test_R_RO6_checker_township_heads_to_the_own_county_government():
    data = township_head()
    target = {"R-RO6": {"mode": "target"}}
    placed_home = check(data, target, {"G1": "H", "Y1": "M"})
    assert shortfall(placed_home, "R-RO6", "H", "cadre") == 0
    assert shortfall(check(data, target, {"G1": "N", "Y1": "H"}), "R-RO6", "H", "cadre") == 1
    not_placed = check(data, target, {"G1": "N", "Y1": "M"})
    assert shortfall(not_placed, "R-RO6", "H", "cadre") == 1
    # X is no nominee (candidate false): no figure; only H is counted.
    assert set(not_placed.figures.loc[not_placed.figures["rule"] == "R-RO6", "where"]) == {"H"}
    assert broken(check(data, {"R-RO6": {}}, {"G1": "N", "Y1": "M"})) == {("R-RO6", "H")}
    assert check(data, {"R-RO6": {}}, {"G1": "H", "Y1": "M"}).ok
    # Another county's government team is not the own county's: H of R2 in G1 is short.
    r2 = township_head()
    r2.cadres.loc[r2.cadres["cadre_id"] == "H", "region"] = "R2"
    assert shortfall(check(r2, target, {"G1": "H", "Y1": "M"}), "R-RO6", "H", "cadre") == 1


def county_pick():
    """P, a county pick of R1 and a nominee. A1 in R1's county_gov team, B1 in R2's. N, M
    newcomers. Fits: P A1 90, N A1 80, M B1 50, P B1 40, every other pair 0. Rosters:
    P A1 + M B1 = 140, N A1 + M B1 = 130 (P not placed), N A1 + P B1 = 120."""
    teams = [{"team_id": "R1G"}, {"team_id": "R2G", "region": "R2"}]
    posts = [{"post_id": "A1", "team_id": "R1G"}, {"post_id": "B1", "team_id": "R2G"}]
    cadres = [{"cadre_id": "P", "county_pick": True}, {"cadre_id": "N"}, {"cadre_id": "M"}]
    scores = {("P", "A1"): 90, ("N", "A1"): 80, ("M", "B1"): 50, ("P", "B1"): 40}
    return dataset(teams, posts, cadres, scores)


def test_R_RO7_model_another_county_than_the_one_worked_in():
    """"交流" is away from the county the pick works in (`region`), not the one they grew up
    in: P works in R1 and grew up in R2, so B1 (R2) meets it and A1 (R1) does not; the
    test builder's home_region = region would hide the difference."""
    data = county_pick()
    data.cadres.loc[data.cadres["cadre_id"] == "P", "home_region"] = "R2"
    w100 = solve(data, {"R-RO7": {"mode": "target", "weight": 100}})
    assert placed(w100) == {"A1": "N", "B1": "P"} and w100.outcome.objective == 120


def test_R_RO7_checker_another_county_than_the_one_worked_in():
    data = county_pick()
    data.cadres.loc[data.cadres["cadre_id"] == "P", "home_region"] = "R2"
    target = {"R-RO7": {"mode": "target"}}
    assert shortfall(check(data, target, {"A1": "N", "B1": "P"}), "R-RO7", "P", "cadre") == 0
    assert shortfall(check(data, target, {"A1": "P", "B1": "M"}), "R-RO7", "P", "cadre") == 1


def test_R_RO7_model_county_picks_to_another_county():
    data = county_pick()
    assert placed(solve(data)) == {"A1": "P", "B1": "M"}
    # Weight 100: 140 - 100 and 130 - 100 (P not placed, which a pair price lets off) are
    # short; N A1 + P B1 = 120 is the optimum.
    w100 = solve(data, {"R-RO7": {"mode": "target", "weight": 100}})
    assert placed(w100) == {"A1": "N", "B1": "P"} and w100.outcome.objective == 120
    # Weight 15: 140 - 15 = 125 > 120; weight 25: 115 < 120.
    w15 = solve(data, {"R-RO7": {"mode": "target", "weight": 15}})
    assert placed(w15) == {"A1": "P", "B1": "M"} and w15.outcome.objective == 125
    assert placed(solve(data, {"R-RO7": {"mode": "target", "weight": 25}})) == \
        {"A1": "N", "B1": "P"}
    assert placed(solve(data, {"R-RO7": {}})) == {"A1": "N", "B1": "P"}
    # CP-SAT reads the same per-cadre rows (HiGHS is the default engine).
    cpsat = {"engine": "cpsat", "workers": 1, "time_limit": 10, "seed": 0}
    both = solve(data, {"R-RO7": {"mode": "target", "weight": 100}}, solver=cpsat)
    assert placed(both) == {"A1": "N", "B1": "P"} and both.outcome.objective == 120
    alone = solve(portfolio_alone(), {"R-RO5": {"mode": "target", "weight": 100}},
                  solver=cpsat)
    assert placed(alone) == {"P1": "A", "Q1": "G"} and alone.outcome.objective == 60


def test_R_RO7_checker_county_picks_to_another_county():
    data = county_pick()
    target = {"R-RO7": {"mode": "target"}}
    assert shortfall(check(data, target, {"A1": "N", "B1": "P"}), "R-RO7", "P", "cadre") == 0
    assert shortfall(check(data, target, {"A1": "P", "B1": "M"}), "R-RO7", "P", "cadre") == 1
    assert shortfall(check(data, target, {"A1": "N", "B1": "M"}), "R-RO7", "P", "cadre") == 1
    assert broken(check(data, {"R-RO7": {}}, {"A1": "N", "B1": "M"})) == {("R-RO7", "P")}
    assert check(data, {"R-RO7": {}}, {"A1": "N", "B1": "P"}).ok
    # A leaving pick is no nominee: no figure.
    gone = county_pick()
    gone.cadres.loc[gone.cadres["cadre_id"] == "P", "leaving"] = True
    assert total_shortfall(check(gone, target, {"A1": "N", "B1": "M"}), "R-RO7") == 0


def county_heads():
    """R1: party head PP (incumbent A), government head PG (incumbent B), newcomers C, D.
    R2: party head QP (incumbent E), government head QG vacant, newcomers G, H.
    R3: only a party head RP (incumbent K), newcomer L. Fits below; every other pair 0."""
    teams = [{"team_id": f"{r}{tag}", "kind": kind, "region": r} for r in ("R1", "R2")
             for tag, kind in (("P", "county_party"), ("G", "county_gov"))]
    teams.append({"team_id": "R3P", "kind": "county_party", "region": "R3"})
    posts = [{"post_id": "PP", "team_id": "R1P", "grade": "head", "incumbent_id": "A"},
             {"post_id": "PG", "team_id": "R1G", "grade": "head", "incumbent_id": "B"},
             {"post_id": "QP", "team_id": "R2P", "grade": "head", "incumbent_id": "E"},
             {"post_id": "QG", "team_id": "R2G", "grade": "head"},
             {"post_id": "RP", "team_id": "R3P", "grade": "head", "incumbent_id": "K"}]
    cadres = [{"cadre_id": c, **(SITTING if c in "ABEK" else {})} for c in "ABCDEGHKL"]
    scores = {("A", "PP"): 70, ("B", "PG"): 60, ("C", "PP"): 90, ("C", "PG"): 80,
              ("D", "PP"): 80, ("D", "PG"): 90,
              ("E", "QP"): 50, ("G", "QP"): 90, ("G", "QG"): 85, ("H", "QG"): 80,
              ("K", "RP"): 50, ("L", "RP"): 90}
    return dataset(teams, posts, cadres, scores)


# Off: both heads change in R1 (C, D: 180 against 160 for A + D) and in R2 (G, H: 170
# against 135 for E + G); R3 has no government team, so L (90) replaces K there anyway.
BOTH_CHANGED = {"PP": "C", "PG": "D", "QP": "G", "QG": "H", "RP": "L"}
# Hard: R1 keeps A (A + D = 160 beats B + C = 150); R2's vacant QG always changes, so E
# stays (E + G = 135 beats E + H = 130).
ONE_CHANGED = {"PP": "A", "PG": "D", "QP": "E", "QG": "G", "RP": "L"}


def test_R_RO8_model_heads_not_both_changed():
    data = county_heads()
    assert placed(solve(data, **RELEASE)) == BOTH_CHANGED
    assert placed(solve(data, {"R-RO8": {}}, **RELEASE)) == ONE_CHANGED
    # By default nobody sitting leaves without a cause: every head stays, the vacant QG
    # goes to G (85), and R-RO8 has nothing to say.
    assert placed(solve(data, {"R-RO8": {}})) == {"PP": "A", "PG": "B", "QP": "E", "QG": "G",
                                                   "RP": "K"}
    # Target, weight 21 per region: R1 180 - 21 = 159 < 160 keeps A; R2 170 - 21 = 149 >
    # 135 changes both. Objective 160 + 149 + 90 = 399.
    w21 = solve(data, {"R-RO8": {"mode": "target", "weight": 21}}, **RELEASE)
    assert placed(w21) == {**BOTH_CHANGED, "PP": "A"}
    assert w21.outcome.objective == 399
    # Weight 19: 180 - 19 = 161 > 160; both regions change: 180 + 170 + 90 - 2 x 19 = 402.
    w19 = solve(data, {"R-RO8": {"mode": "target", "weight": 19}}, **RELEASE)
    assert placed(w19) == BOTH_CHANGED
    assert w19.outcome.objective == 402


def test_R_RO8_checker_heads_not_both_changed():
    data = county_heads()
    report = check(data, {"R-RO8": {}}, BOTH_CHANGED, **RELEASE)
    assert broken(report) == {("R-RO8", "R1"), ("R-RO8", "R2")}
    assert check(data, {"R-RO8": {}}, ONE_CHANGED, **RELEASE).ok
    target = check(data, {"R-RO8": {"mode": "target"}}, {**BOTH_CHANGED, "PP": "A"}, **RELEASE)
    assert (shortfall(target, "R-RO8", "R1"), shortfall(target, "R-RO8", "R2")) == (0, 1)


def two_heads_and_a_township():
    """R4: a county party team with two head posts S1 (incumbent A1) and S2 (A2), the
    county government head G4 (B4); newcomers N1, N2. T5: a township team with its party
    secretary TS (党委书记, C1) and township head TH (镇长, C2); newcomers M1, M2."""
    teams = [{"team_id": "R4P", "kind": "county_party", "region": "R4"},
             {"team_id": "R4G", "kind": "county_gov", "region": "R4"},
             {"team_id": "T5", "kind": "township", "region": "R5"}]
    posts = [{"post_id": "S1", "team_id": "R4P", "grade": "head", "incumbent_id": "A1"},
             {"post_id": "S2", "team_id": "R4P", "grade": "head", "incumbent_id": "A2"},
             {"post_id": "G4", "team_id": "R4G", "grade": "head", "incumbent_id": "B4"},
             {"post_id": "TS", "team_id": "T5", "grade": "head", "title": "党委书记",
              "incumbent_id": "C1"},
             {"post_id": "TH", "team_id": "T5", "grade": "head", "title": "镇长",
              "incumbent_id": "C2"}]
    sitting = ("A1", "A2", "B4", "C1", "C2")
    cadres = [{"cadre_id": c, **(SITTING if c in sitting else {})}
              for c in (*sitting, "N1", "N2", "M1", "M2")]
    scores = {("A1", "S1"): 50, ("A2", "S2"): 50, ("B4", "G4"): 50, ("N1", "S2"): 90,
              ("N2", "G4"): 95, ("C1", "TS"): 50, ("C2", "TH"): 60, ("M1", "TS"): 90,
              ("M2", "TH"): 80}
    return dataset(teams, posts, cadres, scores)


# Off: S2 and G4 change in R4 (the second party head post changes: reading only the first
# would miss it), TS and TH both change in T5: 50 + 90 + 95 + 90 + 80 = 405.
TWO_HEADS_CHANGED = {"S1": "A1", "S2": "N1", "G4": "N2", "TS": "M1", "TH": "M2"}
# Hard: R4 keeps A2 (A2 + N2 = 145 beats N1 + B4 = 140); T5 keeps C2 (M1 + C2 = 150
# beats C1 + M2 = 130): 50 + 50 + 95 + 90 + 60 = 345.
TWO_HEADS_ONE_SIDE = {"S1": "A1", "S2": "A2", "G4": "N2", "TS": "M1", "TH": "C2"}


def test_R_RO8_model_every_head_post_and_township_heads():
    data = two_heads_and_a_township()
    off = solve(data, **RELEASE)
    assert placed(off) == TWO_HEADS_CHANGED and off.outcome.objective == 405
    hard = solve(data, {"R-RO8": {}}, **RELEASE)
    assert placed(hard) == TWO_HEADS_ONE_SIDE and hard.outcome.objective == 345


def test_R_RO8_checker_every_head_post_and_township_heads():
    data = two_heads_and_a_township()
    report = check(data, {"R-RO8": {}}, TWO_HEADS_CHANGED, **RELEASE)
    assert broken(report) == {("R-RO8", "R4"), ("R-RO8", "T5")}
    assert check(data, {"R-RO8": {}}, TWO_HEADS_ONE_SIDE, **RELEASE).ok
    # Only the first party head post changes, with the government head: still both sides.
    first_only = {**TWO_HEADS_ONE_SIDE, "S1": "N1", "S2": "A2"}
    assert broken(check(data, {"R-RO8": {}}, first_only, **RELEASE)) == {("R-RO8", "R4")}
    # without `allow_release` the replaced heads are releases without a cause
    assert ("RELEASE", "A2") in broken(check(data, {"R-RO8": {}}, TWO_HEADS_CHANGED))


def street_heads():
    """S1: a street team (街道) with its party secretary SP (党工委书记, incumbent A) and its
    government head SG (办事处主任, B); newcomers C 90 on SP, D 80 on SG; A 50, B 60."""
    teams = [{"team_id": "S1", "kind": "street", "region": "R5"}]
    posts = [{"post_id": "SP", "team_id": "S1", "grade": "head", "title": "党工委书记",
              "incumbent_id": "A"},
             {"post_id": "SG", "team_id": "S1", "grade": "head", "title": "办事处主任",
              "incumbent_id": "B"}]
    cadres = [{"cadre_id": c, **(SITTING if c in "AB" else {})} for c in "ABCD"]
    return dataset(teams, posts, cadres, {("A", "SP"): 50, ("B", "SG"): 60, ("C", "SP"): 90,
                                          ("D", "SG"): 80})


def test_R_RO8_model_street_heads_not_both_changed():
    """A street's party secretary and its office director are one place's two heads, as a
    township's are: off, both change (170); hard, C replaces A and B stays (150 > 130)."""
    data = street_heads()
    assert placed(solve(data, **RELEASE)) == {"SP": "C", "SG": "D"}
    assert placed(solve(data, {"R-RO8": {}}, **RELEASE)) == {"SP": "C", "SG": "B"}


def test_R_RO8_checker_street_heads_not_both_changed():
    data = street_heads()
    assert broken(check(data, {"R-RO8": {}}, {"SP": "C", "SG": "D"}, **RELEASE)) == {
        ("R-RO8", "S1")}
    assert check(data, {"R-RO8": {}}, {"SP": "C", "SG": "B"}, **RELEASE).ok


def rated(label, keeps, good="", bad="", stays=True, **cadre):
    return Probe(label, {**SITTING, "rating_good": good, "rating_bad": bad, **cadre},
                 keeps=keeps, stays=stays)


# The default reading: an organisational finding binds; evaluation votes alone only mark
# the cadre for the committee (seed 003: 经组织考核认定…应当进行诫勉谈话或者组织调整).
RO9 = [
    rated("staying, finding 不胜任现职", False, finding="unfit_post"),
    rated("lateral move, finding 不胜任现职", True, finding="unfit_post", stays=False),
    rated("promotion, finding 不胜任现职", False, finding="unfit_post", stays=False,
          rank="正科"),
    rated("staying, finding 不称职", False, finding="incompetent"),
    rated("lateral move, finding 不称职: removed or demoted", False, finding="incompetent",
          stays=False),
    rated("staying, votes good 0.5 and no finding: marked, stays", True, good=0.5),
    rated("staying, votes bad 0.5 and no finding: marked, stays", True, good=0.9, bad=0.5),
    rated("staying, not evaluated", True),
]
# `votes = "act"`: the older reading, the votes taken as findings.
RO9_VOTES = [
    # adjust below 2/3 of 优秀+称职: 0.6666 < 0.66667 <= 0.6667
    rated("staying, good 0.6666", False, good=0.6666),
    rated("staying, good exactly 2/3", True, good=2 / 3),
    rated("staying, good 0.67", True, good=0.67),
    rated("staying, not evaluated", True),
    rated("lateral move, good 0.5", True, good=0.5, stays=False),
    rated("promotion, good 0.5", False, good=0.5, stays=False, rank="正科"),
    # remove above 1/3 of 不称职: 0.3333 <= 0.33333 < 0.3334
    rated("staying, bad exactly 1/3", True, good=0.9, bad=1 / 3),
    rated("staying, bad 0.3334", False, good=0.9, bad=0.3334),
    rated("lateral move, bad 0.3334: no post at all", False, good=0.9, bad=0.3334,
          stays=False),
    rated("staying, bad 0.3 (good not given)", True, bad=0.3),
]
ACT = {"votes": "act"}
# seed 001's reading: removed above one half; adjusted below 0.6
RO9_SEED_001 = [
    rated("staying, bad 0.5", True, good=0.9, bad=0.5),
    rated("staying, bad 0.51", False, good=0.9, bad=0.51),
    rated("staying, good 0.6", True, good=0.6),
    rated("staying, good 0.59", False, good=0.59),
]
RO9_SEED_001_PARAMS = {"remove_above": "1/2", "adjust_below": 0.6, **ACT}


def test_R_RO9_model_acts_on_a_finding_and_marks_the_votes():
    model_side_pair_rule("R-RO9", RO9)
    model_side_pair_rule("R-RO9", RO9_VOTES, ACT)
    model_side_pair_rule("R-RO9", RO9_SEED_001, RO9_SEED_001_PARAMS)
    model_side_pair_target("R-RO9", RO9)


def demotions():
    """X (正处, found 不胜任现职: adjusted) and Y (正处, no finding); posts one rank down
    (副处, P1) and two down (正科, P2); F fills what X and Y do not."""
    teams = [{"team_id": "T1"}]
    posts = [{"post_id": "P1", "team_id": "T1", "rank": "副处"},
             {"post_id": "P2", "team_id": "T1", "rank": "正科"}]
    cadres = [{"cadre_id": "X", "rank": "正处", "finding": "unfit_post"},
              {"cadre_id": "Y", "rank": "正处"},
              {"cadre_id": "F", "rank": "正科"}, {"cadre_id": "G", "rank": "正科"}]
    return dataset(teams, posts, cadres, {("X", "P2"): 90, ("F", "P1"): 10})


def must(*pairs):
    return {"locks": {"must": [{"cadre": c, "post": p} for c, p in pairs]}}


def test_R_RO9_model_adjusted_cadre_goes_at_most_one_rank_down():
    data = demotions()
    on = {"R-RO9": {"mode": "hard"}}
    # one rank down by a must lock: kept; two ranks down: the lock conflicts with R-RO9
    assert placed(solve(data, on, **must(("X", "P1"))))["P1"] == "X"
    prop = solve(data, on, expect="infeasible", **must(("X", "P2")))
    assert prop.pairs.lock_conflicts == [("X", "P2", ("R-RO9",))]
    # an unrated cadre two ranks down by a lock keeps the rule
    assert placed(solve(data, on, **must(("Y", "P2"))))["P2"] == "Y"


def test_R_RO9_checker_acts_on_a_finding_and_marks_the_votes():
    checker_side_pair_rule("R-RO9", RO9)
    checker_side_pair_rule("R-RO9", RO9_VOTES, ACT)
    checker_side_pair_rule("R-RO9", RO9_SEED_001, RO9_SEED_001_PARAMS)
    data = demotions()
    on = {"R-RO9": {"mode": "hard"}}
    assert check(data, on, {"P1": "X", "P2": "F"}, **must(("X", "P1"))).ok
    two_down = check(data, on, {"P1": "F", "P2": "X"}, **must(("X", "P2")))
    assert broken(two_down) == {("R-RO9", "P2")}
