"""Team composition rules R-TC1, R-TC2, R-TC3, R-TC4, R-TC5, R-TC6, R-TC7, R-TC8, R-TC9,
R-TC10, counted on the team after placement.

Each case is a few teams whose posts each have their own candidates (fit on one post
only, 0 elsewhere), so every optimum below is unique and worked out in a comment. Share
targets are probed where ceil() bites (ceil(1/2 x 3) = 2, ceil(1/3 x 3) = 1, so a share
off by 0.02 asks for one more), ages at the boundary (42 and 43 for R-TC3, 39 and 40 for
R-TC4, 49 and 50 for R-TC10's bands) and teams out of the rule's scope next to those in it.
The reference date is 2026-09-01: born 1984-09-01 is 42 on it, 1986-09-02 is 39.
"""

from __future__ import annotations

import functools

import pytest
import rulekit
from rulekit import INFEASIBLE, broken, dataset, placed, shortfall

# Most cases below meet a team figure by replacing a sitting member with a better-fitting
# newcomer: a release without a cause, which only a scenario with `allow_release` proposes
# ("Leaving the roster", docs/rules.md; the default is tested in
# `test_team_minimums_never_release_a_sitting_member_by_default`).
solve = functools.partial(rulekit.solve, allow_release=True)
check = functools.partial(rulekit.check, allow_release=True)


def posts_of(team: str, prefix: str, n: int, **kw) -> list[dict]:
    return [{"post_id": f"{prefix}{i}", "team_id": team, **kw} for i in range(1, n + 1)]


def on_post(cadre: str, post: str, score: int) -> dict:
    return {(cadre, post): score}


# --- R-TC1 --------------------------------------------------------------------------------


def exchange():
    """D1 (municipal_dept, 财政): A1–A3, insiders I1 92 / I2 91 / I3 90 on their post,
    outsiders O1 20 and O2 15 on any A post.
    G1 (county_gov, out of scope): B1, insider J 90, outsider O3 20.
    D2 (district_dept, 财政): C1 held by S (财政, flagged exchanged_in) 90, C2 vacant:
    insider I4 90, outsider O4 20. D3 (municipal_dept, 财政): E1 held by U (农业 but not
    flagged) 90, outsider O5 20."""
    fin = {"system": "财政"}
    teams = [{"team_id": "D1", "kind": "municipal_dept", **fin},
             {"team_id": "G1", "kind": "county_gov"},
             {"team_id": "D2", "kind": "district_dept", **fin},
             {"team_id": "D3", "kind": "municipal_dept", **fin}]
    posts = [*posts_of("D1", "A", 3), {"post_id": "B1", "team_id": "G1"},
             {"post_id": "C1", "team_id": "D2", "incumbent_id": "S"},
             {"post_id": "C2", "team_id": "D2"},
             {"post_id": "E1", "team_id": "D3", "incumbent_id": "U"}]
    cadres = [*({"cadre_id": f"I{i}", **fin} for i in (1, 2, 3, 4)),
              {"cadre_id": "J", "system": "政府"},
              *({"cadre_id": f"O{i}", "system": "农业"} for i in (1, 2, 3, 4, 5)),
              {"cadre_id": "S", "rank": "副处", **fin, "exchanged_in": True},
              {"cadre_id": "U", "rank": "副处", "system": "农业"}]
    scores = {("I1", "A1"): 92, ("I2", "A2"): 91, ("I3", "A3"): 90,
              **{(o, f"A{i}"): s for o, s in (("O1", 20), ("O2", 15)) for i in (1, 2, 3)},
              ("J", "B1"): 90, ("O3", "B1"): 20, ("S", "C1"): 90, ("I4", "C2"): 90,
              ("O4", "C2"): 20, ("U", "E1"): 90, ("O5", "E1"): 20}
    return dataset(teams, posts, cadres, scores)


TC1_OFF = {"A1": "I1", "A2": "I2", "A3": "I3", "B1": "J", "C1": "S", "C2": "I4", "E1": "U"}
# D1: ceil(1/3 x 3) = 1 outsider: O1 (20) replaces I3 (the lowest, 90).
# G1 is out of scope; D2: ceil(1/3 x 2) = 1, met by S's flag; D3: ceil(1/3 x 1) = 1 and
# U stays unflagged, which does not count: O5 replaces U.
TC1_ON = {**TC1_OFF, "A3": "O1", "E1": "O5"}


def test_R_TC1_model_exchange_quota():
    data = exchange()
    assert placed(solve(data)) == TC1_OFF
    assert placed(solve(data, {"R-TC1": {}})) == TC1_ON


def test_R_TC1_checker_exchange_quota():
    data = exchange()
    assert broken(check(data, {"R-TC1": {}}, TC1_OFF)) == {("R-TC1", "D1"), ("R-TC1", "D3")}
    assert check(data, {"R-TC1": {}}, TC1_ON).ok
    # share 2/3: D1 needs ceil(2/3 x 3) = 2, has 1 (O1)
    target = check(data, {"R-TC1": {"mode": "target", "share": "2/3"}}, TC1_ON)
    assert shortfall(target, "R-TC1", "D1") == 1


# --- R-TC2 --------------------------------------------------------------------------------


def locals_case(county: bool):
    """Four posts Q1–Q4, non-local N<i> (home R9) 91 - i on Q<i>, local L<i> 30 on Q<i>.
    county=False: all four in one county_party team TP, plus a municipal_dept team TD
    (M1, M2 non-local 90 on D1, D2; K1, K2 local 30). county=True: Q1, Q2 in a
    county_party team, Q3, Q4 in the county_gov team of the same region."""
    if county:
        teams = [{"team_id": "TP", "kind": "county_party"}, {"team_id": "TG"}]
        posts = [*posts_of("TP", "Q", 2), *({"post_id": f"Q{i}", "team_id": "TG"}
                                            for i in (3, 4))]
    else:
        teams = [{"team_id": "TP", "kind": "county_party"},
                 {"team_id": "TD", "kind": "municipal_dept"}]
        posts = [*posts_of("TP", "Q", 4), *posts_of("TD", "D", 2)]
    cadres = [*({"cadre_id": f"N{i}", "home_region": "R9"} for i in (1, 2, 3, 4)),
              *({"cadre_id": f"L{i}"} for i in (1, 2, 3, 4))]
    scores = {(f"N{i}", f"Q{i}"): 91 - i for i in (1, 2, 3, 4)} | {
        (f"L{i}", f"Q{i}"): 30 for i in (1, 2, 3, 4)}
    if not county:
        cadres += [{"cadre_id": "M1", "home_region": "R9"}, {"cadre_id": "M2",
                                                               "home_region": "R9"},
                   {"cadre_id": "K1"}, {"cadre_id": "K2"}]
        scores |= {("M1", "D1"): 90, ("M2", "D2"): 90, ("K1", "D1"): 30, ("K2", "D2"): 30}
    return dataset(teams, posts, cadres, scores)


NON_LOCAL = {"Q1": "N1", "Q2": "N2", "Q3": "N3", "Q4": "N4"}
# min_locals 3 in TP (4 posts): keep only the best non-local N1 (90). TD is out of scope.
THREE_LOCAL = {"Q1": "N1", "Q2": "L2", "Q3": "L3", "Q4": "L4"}


def test_R_TC2_model_locals_per_team_and_per_county():
    data = locals_case(county=False)
    depts = {"D1": "M1", "D2": "M2"}
    assert placed(solve(data)) == NON_LOCAL | depts
    assert placed(solve(data, {"R-TC2": {"per": "team"}})) == THREE_LOCAL | depts
    two = solve(locals_case(county=True), {"R-TC2": {"min_locals": 1, "per": "team"}})
    # per team, 1 local each: TP keeps N1 (90 > 89), TG keeps N3 (88 > 87)
    assert placed(two) == {"Q1": "N1", "Q2": "L2", "Q3": "N3", "Q4": "L4"}
    county = solve(locals_case(county=True), {"R-TC2": {}})  # the default: per county
    assert placed(county) == THREE_LOCAL  # 3 locals over both teams of R1
    # per team, 3 locals in a 2-post team cannot be
    solve(locals_case(county=True), {"R-TC2": {"per": "team"}}, expect=INFEASIBLE)


def test_R_TC2_checker_locals_per_team_and_per_county():
    data = locals_case(county=False)
    depts = {"D1": "M1", "D2": "M2"}
    per_team = {"R-TC2": {"per": "team"}}
    assert broken(check(data, per_team, NON_LOCAL | depts)) == {("R-TC2", "TP")}
    assert check(data, per_team, THREE_LOCAL | depts).ok
    two_local = {"Q1": "N1", "Q2": "N2", "Q3": "L3", "Q4": "L4"}  # 2 locals < 3 in TP
    assert broken(check(data, per_team, two_local | depts)) == {("R-TC2", "TP")}
    target = check(data, {"R-TC2": {"mode": "target", "per": "team"}}, two_local | depts)
    assert shortfall(target, "R-TC2", "TP") == 1  # 3 - 2
    county = locals_case(county=True)
    per_county = {"R-TC2": {}}  # the default: per county
    assert broken(check(county, per_county, NON_LOCAL)) == {("R-TC2", "R1")}
    assert check(county, per_county, THREE_LOCAL).ok
    target = check(county, {"R-TC2": {"per": "county", "mode": "target"}}, NON_LOCAL)
    assert shortfall(target, "R-TC2", "R1", "county") == 3  # 3 - 0


# --- R-TC3 --------------------------------------------------------------------------------


def young_teams():
    """Department teams D1–D3 (post d<i>) and county_gov G1 (post g1). O1–O3 (46) 90 on
    d<i>, O4 (46) 90 on g1; A43 (43) 60 on d1 and d2; Y1, Y2 (42) 40 on d1, d2; Z (30)
    10 on g1."""
    teams = [{"team_id": f"D{i}", "kind": "municipal_dept"} for i in (1, 2, 3)]
    teams.append({"team_id": "G1"})
    posts = [{"post_id": f"d{i}", "team_id": f"D{i}"} for i in (1, 2, 3)]
    posts.append({"post_id": "g1", "team_id": "G1"})
    cadres = [*({"cadre_id": f"O{i}"} for i in (1, 2, 3, 4)),
              {"cadre_id": "A43", "birth_date": "1983-09-01"},
              {"cadre_id": "Y1", "birth_date": "1984-09-01"},
              {"cadre_id": "Y2", "birth_date": "1984-09-01"},
              {"cadre_id": "Z", "birth_date": "1996-01-01"}]
    scores = {("O1", "d1"): 90, ("O2", "d2"): 90, ("O3", "d3"): 90, ("O4", "g1"): 90,
              ("A43", "d1"): 60, ("A43", "d2"): 60, ("Y1", "d1"): 40, ("Y2", "d2"): 40,
              ("Z", "g1"): 10}
    return dataset(teams, posts, cadres, scores)


OLD = {"d1": "O1", "d2": "O2", "d3": "O3", "g1": "O4"}
# ceil(2/3 x 3) = 2 of the department teams need a member aged <= 42: Y1 + Y2 + O3 = 170
# beats a 42-year-old and Z (fit 0) on d3 (40 + 90 + 0 = 130); A43 (43) does not count;
# G1 is out of scope.
TWO_YOUNG = {**OLD, "d1": "Y1", "d2": "Y2"}


def test_R_TC3_model_share_of_young_teams():
    data = young_teams()
    assert placed(solve(data)) == OLD
    assert placed(solve(data, {"R-TC3": {}})) == TWO_YOUNG


def test_R_TC3_checker_share_of_young_teams():
    data = young_teams()
    report = check(data, {"R-TC3": {}}, OLD)
    assert broken(report) == {("R-TC3", "all")}
    assert shortfall(report, "R-TC3", "all") == 2
    # A43 on d1 with Y2 on d2: 43 > 42, one young team of the 2 needed
    assert broken(check(data, {"R-TC3": {}}, {**OLD, "d1": "A43", "d2": "Y2"})) == {
        ("R-TC3", "all")}
    assert check(data, {"R-TC3": {}}, TWO_YOUNG).ok


# --- R-TC4 --------------------------------------------------------------------------------


def young_appointments():
    """One team: P1 held by S (30, stays, 90); P2, P3 vacant: O1 90 on P2, O2 89 on P3;
    E40 (40 on the day) 70 and Y39 (39) 30 on P2 and P3."""
    posts = [{"post_id": "P1", "team_id": "T1", "incumbent_id": "S"}, *(
        {"post_id": p, "team_id": "T1"} for p in ("P2", "P3"))]
    cadres = [{"cadre_id": "S", "rank": "副处", "birth_date": "1996-01-01"},
              {"cadre_id": "O1"}, {"cadre_id": "O2"},
              {"cadre_id": "E40", "birth_date": "1986-09-01"},
              {"cadre_id": "Y39", "birth_date": "1986-09-02"}]
    scores = {("S", "P1"): 90, ("O1", "P2"): 90, ("O2", "P3"): 89,
              **{(c, p): s for c, s in (("E40", 70), ("Y39", 30)) for p in ("P2", "P3")}}
    return dataset([{"team_id": "T1"}], posts, cadres, scores)


TC4_OFF = {"P1": "S", "P2": "O1", "P3": "O2"}  # 269
# One new appointment under 40: Y39 replaces O2 (90 + 90 + 30 = 210 beats 209 replacing
# O1); S stays, which is not a new appointment; E40 is 40, not under 40.
TC4_ON = {"P1": "S", "P2": "O1", "P3": "Y39"}


def test_R_TC4_model_young_appointments():
    data = young_appointments()
    assert placed(solve(data)) == TC4_OFF
    assert placed(solve(data, {"R-TC4": {"mode": "hard", "min_count": 1}})) == TC4_ON
    # Target: Y39 costs 269 - 210 = 59 fit points. Weight 60 takes him, weight 58 does not
    # (269 - 58 = 211).
    w60 = solve(data, {"R-TC4": {"mode": "target", "min_count": 1, "weight": 60}})
    assert (placed(w60), w60.outcome.objective) == (TC4_ON, 210)
    w58 = solve(data, {"R-TC4": {"mode": "target", "min_count": 1, "weight": 58}})
    assert (placed(w58), w58.outcome.objective) == (TC4_OFF, 211)


def test_R_TC4_checker_young_appointments():
    data = young_appointments()
    hard = {"R-TC4": {"mode": "hard", "min_count": 1}}
    assert broken(check(data, hard, TC4_OFF)) == {("R-TC4", "all")}
    assert broken(check(data, hard, {**TC4_ON, "P3": "E40"})) == {("R-TC4", "all")}
    assert check(data, hard, TC4_ON).ok
    target = check(data, {"R-TC4": {"mode": "target", "min_count": 3}}, TC4_ON)
    assert shortfall(target, "R-TC4", "all") == 2  # 3 - 1 (Y39)


# --- R-TC5 / R-TC8 / R-TC7 / R-TC9: a member attribute in a three-post team ----------------


def attribute_case(kind_in: str, kind_out: str, counted: dict, team_in=None, team_out=None,
                   decoy: dict | None = None):
    """Team TI (kind_in, posts P1–P3): plain cadres C1 90 / C2 89 / C3 88 on their post,
    counted cadres K1–K3 (attributes `counted`) 20 on theirs; team TO (kind_out, post Q1):
    C4 90, K4 20. `decoy`: a cadre G with these attributes, 60 on P2."""
    teams = [{"team_id": "TI", "kind": kind_in, **(team_in or {})},
             {"team_id": "TO", "kind": kind_out, **(team_out or {})}]
    posts = [*posts_of("TI", "P", 3), {"post_id": "Q1", "team_id": "TO"}]
    cadres = [*({"cadre_id": f"C{i}"} for i in (1, 2, 3, 4)),
              *({"cadre_id": f"K{i}", **counted} for i in (1, 2, 3, 4))]
    scores = {("C1", "P1"): 90, ("C2", "P2"): 89, ("C3", "P3"): 88, ("C4", "Q1"): 90,
              **{(f"K{i}", f"P{i}"): 20 for i in (1, 2, 3)}, ("K4", "Q1"): 20}
    if decoy is not None:
        cadres.append({"cadre_id": "G", **decoy})
        scores[("G", "P2")] = 60
    return dataset(teams, posts, cadres, scores)


PLAIN = {"P1": "C1", "P2": "C2", "P3": "C3", "Q1": "C4"}
ONE_COUNTED = {**PLAIN, "P3": "K3"}  # replaces the lowest, C3 (88)
TWO_COUNTED = {**PLAIN, "P2": "K2", "P3": "K3"}  # keeps only C1 (90)


def women_case():
    """Four county_gov teams T1–T4 and one municipal_dept team TO (out of scope), posts
    Pi1–Pi3 each: men Ci1 90 / Ci2 89 / Ci3 88 on their post, women Wi3 20 on Pi3 and
    Wi3 30 on Pi3 and Wi2 20 + i on Pi2. A first woman in Ti costs 88 - 30 = 58 (Wi2 alone
    would cost more, 69 - i); a second 89 - (20 + i) = 69 - i, cheapest in T4, then T3, T2,
    T1."""
    teams = [*({"team_id": f"T{i}", "kind": "county_gov"} for i in range(1, 5)),
             {"team_id": "TO", "kind": "municipal_dept"}]
    posts, cadres, scores = [], [], {}
    for i, t in ((1, "T1"), (2, "T2"), (3, "T3"), (4, "T4"), (5, "TO")):
        posts += posts_of(t, f"P{i}", 3)
        cadres += [*({"cadre_id": f"C{i}{j}", "gender": "M"} for j in (1, 2, 3)),
                   *({"cadre_id": f"W{i}{j}", "gender": "F"} for j in (2, 3))]
        scores |= {(f"C{i}1", f"P{i}1"): 90, (f"C{i}2", f"P{i}2"): 89,
                   (f"C{i}3", f"P{i}3"): 88, (f"W{i}3", f"P{i}3"): 30,
                   (f"W{i}2", f"P{i}2"): 20 + i}
    return dataset(teams, posts, cadres, scores)


MEN = {f"P{i}{j}": f"C{i}{j}" for i in range(1, 6) for j in (1, 2, 3)}
ONE_EACH = {**MEN, **{f"P{i}3": f"W{i}3" for i in range(1, 5)}}  # a woman in T1–T4


def two_in(*teams: int) -> dict[str, str]:
    """ONE_EACH plus a second woman in the given teams."""
    return {**ONE_EACH, **{f"P{i}2": f"W{i}2" for i in teams}}


def test_R_TC5_model_women_in_county_teams():
    data = women_case()
    assert placed(solve(data)) == MEN
    # Per team (the default counts counties: `test_R_TC5_model_tier_b_per_county`): (a)
    # hard, 1 woman in each of T1–T4 (TO out of scope); (b) target, 2 women in more than
    # 1/2 of the 4 teams: floor(4/2) + 1 = 3 teams (not 2, "at least half"),
    # the cheapest second women T4, T3, T2 (65 + 66 + 67 < 1000 each)
    default = solve(data, {"R-TC5": {"per": "team", "mode": "target"}})
    assert placed(default) == two_in(2, 3, 4)
    # fit: MEN 5 x 267 = 1335; - 4 x 58 for the first women; - (67 + 66 + 65) = 905
    assert default.outcome.objective == 1335 - 4 * 58 - (67 + 66 + 65)
    # share_of_teams 1: every team (T1's second woman costs 68 < 1000)
    assert placed(solve(data, {"R-TC5": {"per": "team", "mode": "target", "share_of_teams": 1}})) \
        == two_in(1, 2, 3, 4)
    # share 3/4 of 4 is exactly 3: more than it is 4 teams
    three_quarters = {"per": "team", "mode": "hard", "share_of_teams": "3/4"}
    assert placed(solve(data, {"R-TC5": three_quarters})) == two_in(1, 2, 3, 4)
    # (b) at weight 64: no second woman is worth it (65 > 64), tier (a) still holds
    assert placed(solve(data, {"R-TC5": {"per": "team", "mode": "target", "weight": 64}})) \
        == ONE_EACH
    # tier (a) off: only the 3 teams with 2 women get any; T1 keeps its men
    only_b = solve(data, {"R-TC5": {"per": "team", "mode": "hard", "every_mode": "off"}})
    assert placed(only_b) == {**two_in(2, 3, 4), "P13": "C13"}
    # tier (a) as a target at weight 57 (< 58): no first woman anywhere; at 59 one each
    a_target = solve(data, {"R-TC5": {"per": "team", "mode": "target", "weight": 57,
                                      "every_mode": "target", "min_women": 0}})
    assert placed(a_target) == MEN
    assert placed(solve(data, {"R-TC5": {"per": "team", "mode": "target", "weight": 59,
                                         "every_mode": "target", "min_women": 0}})) == ONE_EACH


def _lp_bound(prop) -> float:
    """The LP relaxation's optimum of the proposal's weighted model (HiGHS, maximising)."""
    from placement.solver.resolve import resolver_for

    o = prop.outcome
    r = resolver_for(prop.placement, o.values, float(o.objective), o.proven, False)
    from placement.solver.highs import highs_model

    lp = highs_model(r.m, integer=False)
    lp.run()
    return r.m.scale * (lp.getInfo().objective_function_value)


def test_R_TC5_model_tier_b_flag_is_tight_where_tier_a_holds():
    """Tier (a) puts one woman in each of T1–T4, so tier (b)'s flag row is written
    `(2 − 1)·w ≤ n − 1`: a team with one woman counts for nothing in the LP relaxation
    too (with `2·w ≤ n` alone it counted as half a team, and the LP could meet tier (b)
    from four half-teams plus one whole one). The LP optimum is then the integer one."""
    data = women_case()
    for on in ({"mode": "target"}, {"mode": "target", "share_of_teams": 1},
               {"mode": "target", "every_mode": "target", "weight": 1000}):
        prop = solve(data, {"R-TC5": on})
        assert _lp_bound(prop) == pytest.approx(prop.outcome.objective), on
    # Rows: one per flag with tier (a) hard, as the proto shows (coefficient 1 on w, the
    # women's pairs at -1, upper bound -1: w - n <= -1).
    prop = solve(data, {"R-TC5": {"per": "team", "mode": "target"}})
    proto = prop.placement.model.proto
    flags = {i for i, v in enumerate(proto.variables) if v.name.startswith("women2[")}
    tight = [c for c in proto.constraints if any(v in flags for v in c.linear.vars)
             and list(c.linear.domain)[-1:] == [-1]]
    assert len(tight) == 4  # T1-T4 (TO is out of scope)


def test_R_TC5_model_shortfall_names_the_teams_short():
    """At weight 64 no second woman is placed (65 > 64): tier (b)'s one figure is 3 short
    and its cause names the four teams with fewer than 2 women, not TO (out of scope)."""
    from placement.explain.shortfalls import shortfall_causes
    from placement.roster.tables import read_members

    data = women_case()
    sc = {"R-TC5": {"per": "team", "mode": "target", "weight": 64}}
    prop = solve(data, sc)
    report = check(data, sc, placed(prop))
    readings = read_members(data, report.scenario, prop.facts, prop.roster)
    causes = shortfall_causes(data, report.scenario, prop.facts, prop.pairs, prop.roster,
                              report.figures, readings)
    row = causes[causes["rule"] == "R-TC5"].set_index("where").loc["all"]
    assert row["shortfall"] == 3
    assert "teams with 2+ women, has 0; short: T1 (T1, 1), T2 (T2, 1), T3 (T3, 1), T4 (T4, 1)" \
        in row["cause_en"]
    assert "TO" not in row["cause_en"] and "未达到的" in row["cause_zh"]


def women_counties():
    """women_case with T1, T2 in county R1, T3 in R2, T4 in R3 (TO out of scope): tier (b)
    counts counties (the seed's unit, 大部分县(市、区)党政班子), more than 1/2 of 3 = 2 of
    them. R1 has 2 women with tier (a)'s one in each of T1, T2; R2 and R3 need a second
    woman in T3 or T4 (66, 65): the cheaper, T4, makes the second county."""
    data = women_case()
    region = {"T1": "R1", "T2": "R1", "T3": "R2", "T4": "R3", "TO": "R1"}
    data.teams["region"] = data.teams["team_id"].map(region)
    return data


def test_R_TC5_model_tier_b_per_county():
    data = women_counties()
    prop = solve(data, {"R-TC5": {"mode": "target"}})
    assert placed(prop) == two_in(4)
    assert prop.outcome.objective == 1335 - 4 * 58 - 65
    # per team the same data need 3 of 4 teams with 2 women: T4, T3, T2
    assert placed(solve(data, {"R-TC5": {"mode": "target", "per": "team"}})) == two_in(2, 3, 4)


def test_R_TC5_checker_women_in_county_teams():
    data = women_case()
    default = {"R-TC5": {"per": "team", "mode": "target"}}
    men = check(data, default, MEN)
    # (a) hard: no woman in T1–T4 (TO out of scope); (b) 0 of the 3 teams needed
    assert broken(men) == {("R-TC5", f"T{i}") for i in range(1, 5)}
    assert shortfall(men, "R-TC5", "all") == 3
    two = check(data, default, two_in(3, 4))
    assert two.ok and shortfall(two, "R-TC5", "all") == 1  # 3 - 2
    assert shortfall(check(data, default, two_in(2, 3, 4)), "R-TC5", "all") == 0
    every = check(data, {"R-TC5": {"per": "team", "mode": "target", "share_of_teams": 1}},
                  two_in(2, 3, 4))
    assert shortfall(every, "R-TC5", "all") == 1  # 4 - 3
    hard_b = check(data, {"R-TC5": {"per": "team", "mode": "hard"}}, two_in(3, 4))
    assert broken(hard_b) == {("R-TC5", "all")}
    assert "T1" in hard_b.violations[0].text("en")
    # tier (a) as a target: a shortfall per team, no violation
    a_target = check(data, {"R-TC5": {"per": "team", "mode": "target",
                                      "every_mode": "target"}}, MEN)
    assert a_target.ok and shortfall(a_target, "R-TC5", "T2", "team") == 1
    totals = a_target.totals.set_index("scope")
    assert list(totals.loc[["team", "all"], "shortfall"]) == [4, 3]
    # min_women_every 2 in hard mode: T1 (one woman) breaks it
    assert broken(check(data, {"R-TC5": {"per": "team", "mode": "target", "min_women_every": 2}},
                        two_in(2, 3, 4))) == {("R-TC5", "T1")}
    # tier (a) off: no team figures
    off = check(data, {"R-TC5": {"per": "team", "mode": "target", "every_mode": "off"}}, MEN)
    assert off.ok and set(off.figures["scope"]) == {"all"}


def test_R_TC5_checker_tier_b_per_county():
    """women_counties: R1 (T1, T2) has 2 women with one in each; R2 (T3) and R3 (T4) one
    each: 1 of the 3 counties, short 1 of the 2 needed; a second woman in T4 meets it."""
    data = women_counties()
    report = check(data, {"R-TC5": {"mode": "target"}}, ONE_EACH)
    assert report.ok and shortfall(report, "R-TC5", "all") == 1
    assert shortfall(check(data, {"R-TC5": {"mode": "target"}}, two_in(4)), "R-TC5", "all") == 0
    per_team = check(data, {"R-TC5": {"mode": "target", "per": "team"}}, two_in(4))
    assert shortfall(per_team, "R-TC5", "all") == 2  # 3 of 4 teams needed, 1 has 2


def test_R_TC6_model_non_party_in_flagged_teams():
    # TI flagged 党外必配, TO (same kind) not
    data = attribute_case("county_gov", "county_gov", {"party": "民盟"},
                          team_in={"needs_non_party": True})
    assert placed(solve(data)) == PLAIN
    # min_fit 0: every non-Party newcomer counts, whatever his fit (K3 20)
    assert placed(solve(data, {"R-TC6": {"min_fit": 0}})) == ONE_COUNTED
    assert placed(solve(data, {"R-TC6": {"min_non_party": 2, "min_fit": 0}})) == TWO_COUNTED


def test_R_TC6_model_never_a_weak_candidate():
    """不降格以求: at the default min_fit 60 the K's (20 on their posts) do not count, so
    the target is not met by them (PLAIN, one short); the decoy G (non-Party, 60 on P2)
    counts and replaces C2 in target mode (89 - 60 = 29 < 500). As a hard rule with no
    candidate at 60 it has no roster."""
    data = attribute_case("county_gov", "county_gov", {"party": "民盟"},
                          team_in={"needs_non_party": True})
    weak = solve(data, {"R-TC6": {"mode": "target"}})
    assert placed(weak) == PLAIN and weak.outcome.objective == 357 - 500
    solve(data, {"R-TC6": {}}, expect=INFEASIBLE)
    fit = attribute_case("county_gov", "county_gov", {"party": "民盟"},
                         team_in={"needs_non_party": True}, decoy={"party": "民盟"})
    assert placed(solve(fit, {"R-TC6": {"mode": "target"}})) == {**PLAIN, "P2": "G"}


def non_party_total():
    """R-TC6 `keep_total`: D (民盟) sits on Q1 of TO (not flagged) and retires (60); C4 90
    and K4 (民盟) 70 on Q1. Before: 1 non-Party cadre in post."""
    teams = [{"team_id": "TO"}]
    posts = [{"post_id": "Q1", "team_id": "TO", "incumbent_id": "D"}]
    cadres = [{"cadre_id": "D", "party": "民盟", "rank": "副处", "birth_date": "1966-01-01"},
              {"cadre_id": "C4"}, {"cadre_id": "K4", "party": "民盟"}]
    return dataset(teams, posts, cadres, {("C4", "Q1"): 90, ("K4", "Q1"): 70})


def test_R_TC6_model_keeps_the_non_party_total():
    data = non_party_total()
    # the total before is 1: K4 (70) keeps it at weight 500 (90 - 70 < 500); at weight 10
    # C4 (90) is worth the shortfall; keep_total off: C4
    assert placed(solve(data, {"R-TC6": {"mode": "target"}, "R-EL7": {}})) == {"Q1": "K4"}
    assert placed(solve(data, {"R-TC6": {"mode": "target", "weight": 10}, "R-EL7": {}})) == \
        {"Q1": "C4"}
    assert placed(solve(data, {"R-TC6": {"mode": "target", "keep_total": False},
                               "R-EL7": {}})) == {"Q1": "C4"}


def test_R_TC6_checker_non_party_in_flagged_teams():
    data = attribute_case("county_gov", "county_gov", {"party": "群众"},
                          team_in={"needs_non_party": True})
    assert broken(check(data, {"R-TC6": {"min_fit": 0, }}, PLAIN)) == {("R-TC6", "TI")}
    assert check(data, {"R-TC6": {"min_fit": 0, }}, ONE_COUNTED).ok
    two = check(data, {"R-TC6": {"min_fit": 0, "mode": "target", "min_non_party": 2}}, ONE_COUNTED)
    assert shortfall(two, "R-TC6", "TI") == 1


FIN = {"system": "财政"}


def professional_case():
    # TI is a flagged professional 财政 department; TO a 财政 department not flagged; the
    # decoy G has a specialty, but not the team's system
    return attribute_case("municipal_dept", "municipal_dept", {"specialties": ("财政",)},
                          team_in={**FIN, "professional": True}, team_out=FIN,
                          decoy={"specialties": ("农业",)})


def test_R_TC7_model_professional_share():
    data = professional_case()
    assert placed(solve(data)) == PLAIN
    # ceil(1/2 x 3) = 2 professionals: K2, K3 (130 with C1) beat G's 60 on P2, which
    # does not count; TO is not flagged
    assert placed(solve(data, {"R-TC7": {"mode": "hard"}})) == TWO_COUNTED
    # target weight 300: short 2 costs 600, more than the 137 fit points given up
    assert placed(solve(data, {"R-TC7": {"mode": "target"}})) == TWO_COUNTED


def test_R_TC7_checker_professional_share():
    data = professional_case()
    hard = {"R-TC7": {"mode": "hard"}}
    assert broken(check(data, hard, ONE_COUNTED)) == {("R-TC7", "TI")}
    assert broken(check(data, hard, {**ONE_COUNTED, "P2": "G"})) == {("R-TC7", "TI")}
    assert check(data, hard, TWO_COUNTED).ok
    assert shortfall(check(data, {"R-TC7": {"mode": "target"}}, PLAIN), "R-TC7", "TI") == 2


def test_R_TC8_model_township_experience_share():
    data = attribute_case("county_gov", "municipal_dept", {"township_head": True})
    assert placed(solve(data)) == PLAIN
    # basis "share" (Wenzhou's 50 %): ceil(1/2 x 3) = 2 in the county_gov team; the
    # department team is out of scope
    share = {"mode": "hard", "basis": "share"}
    assert placed(solve(data, {"R-TC8": share})) == TWO_COUNTED
    # share 1/3: ceil(1/3 x 3) = 1
    assert placed(solve(data, {"R-TC8": {**share, "share": "1/3"}})) == ONE_COUNTED
    # the default basis "before": nobody sits in TI before, so nothing is asked
    assert placed(solve(data, {"R-TC8": {"mode": "hard"}})) == PLAIN
    # secretary_exp given: it counts, not township_head; the decoy G, a township head who
    # was never party secretary (60 on P2), does not count, so K2 and K3 still come in
    secretary = secretary_case()
    assert placed(solve(secretary, {"R-TC8": share})) == TWO_COUNTED


def experience_before():
    """R-TC8 basis "before" (seed 004: 逐步达到): TI (county_gov, R1) P1 held by S1 (a
    former township secretary), P2 by S2 (not), P3 vacant: before, 1 of 2 members, so after
    ceil(1 x 3 / 2) = 2 of 3. Newcomers C3 88 and K3 (township_head) 20 on P3. TG (county_
    party, R1) Q1 vacant, K4 (township_head) 20 and C4 90: per county, R1 before 1 of 2,
    after ceil(1 x 4 / 2) = 2 of 4. K4 fits Q1 30, so per county K4 (90 - 30 = 60) is the
    cheaper second than K3 (88 - 20 = 68)."""
    teams = [{"team_id": "TI", "kind": "county_gov"}, {"team_id": "TG", "kind": "county_party"}]
    posts = [*posts_of("TI", "P", 3), {"post_id": "Q1", "team_id": "TG"}]
    posts[0]["incumbent_id"], posts[1]["incumbent_id"] = "S1", "S2"
    sitting = {"rank": "副处"}
    cadres = [{"cadre_id": "S1", "township_head": True, **sitting}, {"cadre_id": "S2", **sitting},
              {"cadre_id": "C3"}, {"cadre_id": "K3", "township_head": True},
              {"cadre_id": "C4"}, {"cadre_id": "K4", "township_head": True}]
    scores = {("S1", "P1"): 90, ("S2", "P2"): 90, ("C3", "P3"): 88, ("K3", "P3"): 20,
              ("C4", "Q1"): 90, ("K4", "Q1"): 30}
    return dataset(teams, posts, cadres, scores)


def test_R_TC8_model_share_does_not_fall():
    data = experience_before()
    kept = {"P1": "S1", "P2": "S2"}
    # per county (default): R1 needs 2 of 4, S1 and one of K3 (88 - 20 = 68) or K4 (60): K4
    assert placed(solve(data, {"R-TC8": {"mode": "hard"}})) == {**kept, "P3": "C3", "Q1": "K4"}
    # per team: TI needs 2 of 3 (K3); TG had nobody before, asks nothing (C4)
    assert placed(solve(data, {"R-TC8": {"mode": "hard", "per": "team"}})) == \
        {**kept, "P3": "K3", "Q1": "C4"}
    # Wenzhou's 50 % per county: ceil(4 / 2) = 2, the same; per team 2 of 3 and 1 of 1
    assert placed(solve(data, {"R-TC8": {"mode": "hard", "basis": "share", "per": "team"}})) \
        == {**kept, "P3": "K3", "Q1": "K4"}


def test_R_TC8_checker_township_experience_share():
    data = attribute_case("county_gov", "municipal_dept", {"township_head": True})
    hard = {"R-TC8": {"mode": "hard", "basis": "share", "per": "team"}}
    assert broken(check(data, hard, ONE_COUNTED)) == {("R-TC8", "TI")}
    assert check(data, hard, TWO_COUNTED).ok
    share_target = {"R-TC8": {"mode": "target", "basis": "share", "per": "team"}}
    assert shortfall(check(data, share_target, ONE_COUNTED),
                     "R-TC8", "TI") == 1
    secretary = secretary_case()
    assert broken(check(secretary, hard, {**ONE_COUNTED, "P2": "G"})) == {("R-TC8", "TI")}
    assert check(secretary, hard, TWO_COUNTED).ok


def secretary_case():
    """R-TC8 with `secretary_exp`: K1–K3 were township party secretaries (no township_head
    flag); the decoy G was a township head (`township_head`) but never party secretary."""
    return attribute_case("county_gov", "municipal_dept", {"secretary_exp": "是"},
                          decoy={"township_head": True, "secretary_exp": "否"})


def special_needs_case():
    # TI needs 三农; TO (same kind) needs nothing; the decoy G has 农业, not 三农
    return attribute_case("county_gov", "county_gov", {"specialties": ("三农",)},
                          team_in={"needs_specialty": "三农"}, decoy={"specialties": ("农业",)})


def test_R_TC9_model_special_needs():
    data = special_needs_case()
    assert placed(solve(data)) == PLAIN
    # one 三农 member: K3 replaces C3 (88 - 20 = 68 lost, less than any other swap)
    assert placed(solve(data, {"R-TC9": {"mode": "hard"}})) == ONE_COUNTED
    # target weight 67 < 68: not worth it (objective 357 - 67 = 290); 69 > 68 is
    w67 = solve(data, {"R-TC9": {"mode": "target", "weight": 67}})
    assert (placed(w67), w67.outcome.objective) == (PLAIN, 290)
    w69 = solve(data, {"R-TC9": {"mode": "target", "weight": 69}})
    assert (placed(w69), w69.outcome.objective) == (ONE_COUNTED, 90 + 89 + 20 + 90)


def test_R_TC9_checker_special_needs():
    data = special_needs_case()
    hard = {"R-TC9": {"mode": "hard"}}
    assert broken(check(data, hard, PLAIN)) == {("R-TC9", "TI")}
    assert broken(check(data, hard, {**PLAIN, "P2": "G"})) == {("R-TC9", "TI")}
    assert check(data, hard, ONE_COUNTED).ok


# --- R-TC10 -------------------------------------------------------------------------------


def bands_case():
    """All posts vacant (so no average-age part). T1 (county_gov): P1 O1 (55) 90; P2 O2
    (52) 90, A50 (50) 80, A49 (49) 70. T2 (county_gov, one post): Q1 O3 (55) 90.
    T3 (municipal_dept): R1 O4 (55) 90, R2 O5 (52) 90."""
    teams = [{"team_id": "T1"}, {"team_id": "T2"}, {"team_id": "T3", "kind": "municipal_dept"}]
    posts = [*posts_of("T1", "P", 2), {"post_id": "Q1", "team_id": "T2"},
             *posts_of("T3", "R", 2)]
    born = {"O1": "1971-01-01", "O2": "1974-01-01", "A50": "1976-01-01",
            "A49": "1977-06-01", "O3": "1971-01-01", "O4": "1971-01-01",
            "O5": "1974-01-01"}
    cadres = [{"cadre_id": c, "birth_date": b} for c, b in born.items()]
    scores = {("O1", "P1"): 90, ("O2", "P2"): 90, ("A50", "P2"): 80, ("A49", "P2"): 70,
              ("O3", "Q1"): 90, ("O4", "R1"): 90, ("O5", "R2"): 90}
    return dataset(teams, posts, cadres, scores)


BANDS_OFF = {"P1": "O1", "P2": "O2", "Q1": "O3", "R1": "O4", "R2": "O5"}
# T1 needs 2 bands of 10 years: O1 is in band 5, so P2 takes A49 (band 4), not A50 (band
# 5); T2 has one post: min(2, 1) = 1 band; T3 is out of scope (kinds = county_gov).
BANDS_ON = {**BANDS_OFF, "P2": "A49"}
BANDS = {"R-TC10": {"mode": "hard", "kinds": ["county_gov"]}}


def average_case():
    """T1 (county_gov): P1 held by I1 (50) 95, P2 held by I2 (50) 90; N49 (49) 60 and
    N48 (48) 50 on P2. Average before 50."""
    posts = [{"post_id": "P1", "team_id": "T1", "incumbent_id": "I1"},
             {"post_id": "P2", "team_id": "T1", "incumbent_id": "I2"}]
    cadres = [{"cadre_id": "I1", "rank": "副处", "birth_date": "1976-01-01"},
              {"cadre_id": "I2", "rank": "副处", "birth_date": "1976-01-01"},
              {"cadre_id": "N49", "birth_date": "1977-01-01"},
              {"cadre_id": "N48", "birth_date": "1978-01-01"}]
    scores = {("I1", "P1"): 95, ("I2", "P2"): 90, ("N49", "P2"): 60, ("N48", "P2"): 50}
    return dataset([{"team_id": "T1"}], posts, cadres, scores)


KEPT = {"P1": "I1", "P2": "I2"}
AVERAGE = {"mode": "hard", "min_bands": 1}


def test_R_TC10_model_bands_and_average_age():
    bands = bands_case()
    assert placed(solve(bands)) == BANDS_OFF
    assert placed(solve(bands, BANDS)) == BANDS_ON
    avg = average_case()
    assert placed(solve(avg)) == KEPT
    # goal floor((50 - 1) x 2) = 98 member-years: I1 + N48 = 50 + 48 = 98 (exactly);
    # I1 + N49 = 99 is one too many
    assert placed(solve(avg, {"R-TC10": AVERAGE})) == {"P1": "I1", "P2": "N48"}
    # drop 0.5: goal floor(49.5 x 2) = 99, so N49 (60) fits
    half = {"R-TC10": {**AVERAGE, "avg_age_drop": 0.5}}
    assert placed(solve(avg, half)) == {"P1": "I1", "P2": "N49"}
    # target: I1 + I2 is 2 member-years above 98. avg_weight 19: 185 - 38 = 147 beats
    # I1 + N48 = 145; avg_weight 21: 185 - 42 = 143 does not.
    w19 = solve(avg, {"R-TC10": {"mode": "target", "min_bands": 1, "avg_weight": 19}})
    assert (placed(w19), w19.outcome.objective) == (KEPT, 147)
    w21 = solve(avg, {"R-TC10": {"mode": "target", "min_bands": 1, "avg_weight": 21}})
    assert (placed(w21), w21.outcome.objective) == ({"P1": "I1", "P2": "N48"}, 145)


def test_R_TC10_model_average_over_party_and_government_teams_only():
    """The average age falls over the county party and government teams (`avg_kinds`, seed
    002's figure): a department team T2 whose O (58) stays on Q1 is not in it, so the goal
    is still floor((50 - 1) x 2) = 98 and the roster that of average_case; counted in,
    the goal would be floor((158 / 3 - 1) x 3) = 155 < 50 + 48 + 58: no roster."""
    avg = average_case()
    avg.teams.loc[len(avg.teams)] = avg.teams.iloc[0]
    avg.teams.loc[len(avg.teams) - 1, ["team_id", "name", "kind"]] = ["T2", "T2",
                                                                      "municipal_dept"]
    data = dataset(
        avg.teams.drop(columns="_row").to_dict("records"),
        [{"post_id": "P1", "team_id": "T1", "incumbent_id": "I1"},
         {"post_id": "P2", "team_id": "T1", "incumbent_id": "I2"},
         {"post_id": "Q1", "team_id": "T2", "incumbent_id": "O"}],
        [{"cadre_id": "I1", "rank": "副处", "birth_date": "1976-01-01"},
         {"cadre_id": "I2", "rank": "副处", "birth_date": "1976-01-01"},
         {"cadre_id": "O", "rank": "副处", "birth_date": "1968-01-01"},
         {"cadre_id": "N49", "birth_date": "1977-01-01"},
         {"cadre_id": "N48", "birth_date": "1978-01-01"}],
        {("I1", "P1"): 95, ("I2", "P2"): 90, ("N49", "P2"): 60, ("N48", "P2"): 50,
         ("O", "Q1"): 90})
    assert placed(solve(data, {"R-TC10": AVERAGE})) == {"P1": "I1", "P2": "N48", "Q1": "O"}


def test_R_TC10_checker_bands_and_average_age():
    bands = bands_case()
    assert broken(check(bands, BANDS, BANDS_OFF)) == {("R-TC10", "T1")}
    assert broken(check(bands, BANDS, {**BANDS_OFF, "P2": "A50"})) == {("R-TC10", "T1")}
    assert check(bands, BANDS, BANDS_ON).ok
    avg = average_case()
    assert broken(check(avg, {"R-TC10": AVERAGE}, {"P1": "I1", "P2": "N49"})) == {
        ("R-TC10", "all")}
    assert check(avg, {"R-TC10": AVERAGE}, {"P1": "I1", "P2": "N48"}).ok
    target = check(avg, {"R-TC10": {"mode": "target", "min_bands": 1}}, KEPT)
    assert shortfall(target, "R-TC10", "all", "all") == 2  # 100 - 98


# --- R-TC11 -------------------------------------------------------------------------------


def young_heads():
    """R1's county_party head post HP and county_gov head post HG, a deputy post DP of the
    county_gov team, and a municipal_dept head post MP (out of scope), all vacant. O1–O4
    (50) 90 on HP, HG, DP, MP; Y38 (38 on the day, born 1988-09-01) 60 on HG; Y43 (43) 80
    on HP; Y37 (37, born 1988-09-02) 85 on HP; D40 (40) 89 on DP and M40 (40) 89 on MP."""
    teams = [{"team_id": "TP", "kind": "county_party"}, {"team_id": "TG", "kind": "county_gov"},
             {"team_id": "TM", "kind": "municipal_dept"}]
    posts = [{"post_id": "HP", "team_id": "TP", "grade": "head"},
             {"post_id": "HG", "team_id": "TG", "grade": "head"},
             {"post_id": "DP", "team_id": "TG"},
             {"post_id": "MP", "team_id": "TM", "grade": "head"}]
    born = {"O1": "1976-01-01", "O2": "1976-01-01", "O3": "1976-01-01", "O4": "1976-01-01",
            "Y38": "1988-09-01", "Y43": "1983-01-01", "Y37": "1988-09-02",
            "D40": "1986-01-01", "M40": "1986-01-01"}
    cadres = [{"cadre_id": c, "birth_date": b} for c, b in born.items()]
    scores = {("O1", "HP"): 90, ("O2", "HG"): 90, ("O3", "DP"): 90, ("O4", "MP"): 90,
              ("Y38", "HG"): 60, ("Y43", "HP"): 80, ("Y37", "HP"): 85, ("D40", "DP"): 89,
              ("M40", "MP"): 89}
    return dataset(teams, posts, cadres, scores)


OLD_HEADS = {"HP": "O1", "HG": "O2", "DP": "O3", "MP": "O4"}


def test_R_TC11_model_young_heads():
    data = young_heads()
    assert placed(solve(data)) == OLD_HEADS
    # one head post around 40 (38–42) in county party and government teams: only Y38 on HG
    # counts (Y37 is 37, Y43 is 43; D40 holds a deputy post, M40 a department's head post)
    one = solve(data, {"R-TC11": {"min_count": 1}})
    assert placed(one) == {**OLD_HEADS, "HG": "Y38"}
    # target weight 29 (< 90 - 60 = 30) keeps O2; 31 takes Y38
    assert placed(solve(data, {"R-TC11": {"mode": "target", "weight": 29, "min_count": 1}})) \
        == OLD_HEADS
    assert placed(solve(data, {"R-TC11": {"mode": "target", "weight": 31, "min_count": 1}})) \
        == {**OLD_HEADS, "HG": "Y38"}
    # the band widened to 37–43: Y37 (85) on HP counts, cheaper than Y38 (90 - 85 < 30)
    wide = solve(data, {"R-TC11": {"min_count": 1, "min_age": 37, "max_age": 43}})
    assert placed(wide) == {**OLD_HEADS, "HP": "Y37"}
    # the band's ends both count: 38–38 holds Y38 alone (38 = min_age = max_age)
    assert placed(solve(data, {"R-TC11": {"min_count": 1, "min_age": 38, "max_age": 38}})) \
        == {**OLD_HEADS, "HG": "Y38"}
    # two heads around 40: a second 38–42 cadre takes HP though it fits him 0 (D40 or M40)
    two = solve(data, {"R-TC11": {"min_count": 2}})
    ages = {c: a for c, a in zip(data.cadres["cadre_id"], two.facts.c_age, strict=True)}
    heads = placed(two)
    assert heads["HG"] == "Y38" and 38 <= ages[heads["HP"]] <= 42


def test_R_TC11_checker_young_heads():
    data = young_heads()
    one = {"R-TC11": {"min_count": 1}}
    assert broken(check(data, one, OLD_HEADS)) == {("R-TC11", "all")}
    assert check(data, one, {**OLD_HEADS, "HG": "Y38"}).ok
    # Y37 (37) and Y43 (43) are outside 38–42; D40 on a deputy post, M40 on a department's
    # head post do not count
    for roster in ({**OLD_HEADS, "HP": "Y37"}, {**OLD_HEADS, "HP": "Y43"},
                   {**OLD_HEADS, "DP": "D40", "MP": "M40"}):
        assert shortfall(check(data, {"R-TC11": {"mode": "target", "min_count": 1}}, roster),
                         "R-TC11", "all") == 1
    assert check(data, {"R-TC11": {"min_count": 1, "min_age": 37}},
                 {**OLD_HEADS, "HP": "Y37"}).ok


# --- no release without a cause -----------------------------------------------------------


def sitting_men():
    """TI (county_gov): P1–P3 held by the men C1–C3 (90, 89, 88 on their posts, sitting);
    the woman W (20 on P3) is a newcomer; no post is vacant."""
    teams = [{"team_id": "TI", "kind": "county_gov"}]
    posts = posts_of("TI", "P", 3)
    for i, p in enumerate(posts, 1):
        p["incumbent_id"] = f"C{i}"
    cadres = [*({"cadre_id": f"C{i}", "rank": "副处", "gender": "M"} for i in (1, 2, 3)),
              {"cadre_id": "W", "gender": "F"}]
    return dataset(teams, posts, cadres, {("C1", "P1"): 90, ("C2", "P2"): 89, ("C3", "P3"): 88,
                                          ("W", "P3"): 20})


def test_team_minimums_never_release_a_sitting_member_by_default():
    """"Leaving the roster" (docs/rules.md): a team figure is no cause to release a sitting
    member. R-TC5 (a) hard in a team of sitting men with no vacancy has no roster, and the
    conflict names the men the rule would have to release; as a target it is one short;
    only `allow_release` replaces C3 by W."""
    data = sitting_men()
    women = {"R-TC5": {"mode": "target", "min_women": 0}}
    none = rulekit.solve(data, women, expect=INFEASIBLE)
    assert {c["rule"] for c in none.conflicts} == {"NO_RELEASE", "R-TC5"}
    assert {c["where"] for c in none.conflicts if c["rule"] == "NO_RELEASE"} == {"C1", "C2", "C3"}
    kept = rulekit.solve(data, {"R-TC5": {"mode": "target", "every_mode": "target",
                                          "min_women": 0}})
    assert placed(kept) == {"P1": "C1", "P2": "C2", "P3": "C3"}
    assert placed(solve(data, women)) == {"P1": "C1", "P2": "C2", "P3": "W"}


def test_R_TC1_model_district_departments_are_in_scope():
    """R-TC1's default scope holds district departments (区直部门) as well as municipal
    ones: a district department (财政) of two vacant posts takes one outsider (ceil(2/3) =
    1): insiders I1 90 and I2 89, outsider O 20 (农业) on Q2."""
    teams = [{"team_id": "Q", "kind": "district_dept", "system": "财政"}]
    posts = posts_of("Q", "Q", 2)
    cadres = [{"cadre_id": "I1", "system": "财政"}, {"cadre_id": "I2", "system": "财政"},
              {"cadre_id": "O", "system": "农业"}]
    data = dataset(teams, posts, cadres, {("I1", "Q1"): 90, ("I2", "Q2"): 89, ("O", "Q2"): 20})
    assert placed(solve(data)) == {"Q1": "I1", "Q2": "I2"}
    assert placed(solve(data, {"R-TC1": {}})) == {"Q1": "I1", "Q2": "O"}
