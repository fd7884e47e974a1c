"""Each rule family on tiny hand-made cases whose right answer is known.

Every case is solved by `solve_checked`, which also runs the independent
checker on the roster. Most cases solve twice, with the rule on and off, to
show that the rule changes the answer.
"""

from __future__ import annotations

from builders import make_dataset
from solving import holder, scenario, solve_checked

from placement.solver.solve import Status


def _cands(n, **common):
    return [{"cadre_id": f"C{i}", "name": f"c{i}", **common} for i in range(1, n + 1)]


def _fit(scores: dict[tuple[str, str], float]):
    return [{"cadre_id": c, "post_id": p, "score": s} for (c, p), s in scores.items()]


def test_assignment_takes_the_best_fit():
    data = make_dataset(
        teams=[{"team_id": "T1", "name": "t1"}],
        posts=[
            {"post_id": "P1", "team_id": "T1", "title": "副县长"},
            {"post_id": "P2", "team_id": "T1", "title": "副县长"},
        ],
        cadres=_cands(3),
        fit=_fit(
            {
                ("C1", "P1"): 90,
                ("C1", "P2"): 80,
                ("C2", "P1"): 85,
                ("C2", "P2"): 40,
                ("C3", "P1"): 10,
                ("C3", "P2"): 70,
            }
        ),
    )
    prop = solve_checked(data, scenario())
    # C1->P2 (80) + C2->P1 (85) = 165 beats C1->P1 + C3->P2 = 160 and C2->P1 + C3->P2 = 155.
    assert (holder(prop, "P1"), holder(prop, "P2")) == ("C2", "C1")
    assert prop.outcome.objective == 165


def _three_seat_team(kind="county_gov", **team):
    return (
        [{"team_id": "T1", "name": "t1", "kind": kind, "region": "R1", **team}],
        [{"post_id": f"P{i}", "team_id": "T1", "title": "副职"} for i in (1, 2, 3)],
    )


def test_women_target_r_tc5_changes_the_roster():
    teams, posts = _three_seat_team()
    cadres = _cands(3) + [
        {"cadre_id": "W1", "name": "w1", "gender": "F"},
        {"cadre_id": "W2", "name": "w2", "gender": "F"},
    ]
    fit = {
        (c["cadre_id"], p["post_id"]): (90 if c["cadre_id"].startswith("C") else 50)
        for c in cadres
        for p in posts
    }
    data = make_dataset(teams=teams, posts=posts, cadres=cadres, fit=_fit(fit))
    off = solve_checked(data, scenario())
    assert set(off.roster["cadre_id"]) == {"C1", "C2", "C3"}
    on = solve_checked(data, scenario({"R-TC5": {"mode": "target", "min_women": 2}}))
    assert {"W1", "W2"} <= set(on.roster["cadre_id"])
    # 2 women at 50 + 1 man at 90 = 190: shortfall 0 beats 270 - 2 x 1000.
    assert on.outcome.objective == 190


def test_locals_r_tc2_hard_and_infeasible_when_too_few():
    teams, posts = _three_seat_team(kind="county_party")
    cadres = _cands(3, home_region="R9") + [
        {"cadre_id": f"L{i}", "name": f"l{i}", "home_region": "R1"} for i in (1, 2)
    ]
    fit = {
        (c["cadre_id"], p["post_id"]): (90 if c["home_region"] == "R9" else 30)
        for c in cadres
        for p in posts
    }
    data = make_dataset(teams=teams, posts=posts, cadres=cadres, fit=_fit(fit))
    two = solve_checked(data, scenario({"R-TC2": {"min_locals": 2}}))
    assert {"L1", "L2"} <= set(two.roster["cadre_id"])
    three = solve_checked(data, scenario({"R-TC2": {"min_locals": 3}}), expect=Status.INFEASIBLE)
    assert three.roster is None


def test_exchange_quota_r_tc1():
    teams, posts = _three_seat_team(kind="municipal_dept", system="财政")
    cadres = _cands(3, system="财政") + [{"cadre_id": "X1", "name": "x1", "system": "农业"}]
    fit = {
        (c["cadre_id"], p["post_id"]): (90 if c["system"] == "财政" else 20)
        for c in cadres
        for p in posts
    }
    data = make_dataset(teams=teams, posts=posts, cadres=cadres, fit=_fit(fit))
    assert "X1" not in set(solve_checked(data, scenario()).roster["cadre_id"])
    # ceil(1/3 x 3) = 1 member from outside the system.
    assert "X1" in set(solve_checked(data, scenario({"R-TC1": {}})).roster["cadre_id"])


def test_non_party_r_tc6():
    teams, posts = _three_seat_team(needs_non_party=True)
    cadres = _cands(3) + [{"cadre_id": "N1", "name": "n1", "party": "民盟"}]
    fit = {
        (c["cadre_id"], p["post_id"]): (10 if c["cadre_id"] == "N1" else 90)
        for c in cadres
        for p in posts
    }
    data = make_dataset(teams=teams, posts=posts, cadres=cadres, fit=_fit(fit))
    assert "N1" not in set(solve_checked(data, scenario()).roster["cadre_id"])
    assert "N1" in set(solve_checked(data, scenario({"R-TC6": {}})).roster["cadre_id"])


def test_young_teams_r_tc3_two_thirds_of_teams():
    teams = [{"team_id": f"T{i}", "name": f"t{i}", "kind": "municipal_dept"} for i in (1, 2, 3)]
    posts = [{"post_id": f"P{i}", "team_id": f"T{i}", "title": "副局长"} for i in (1, 2, 3)]
    old = _cands(3, birth_date="1970-01-01")
    young = [{"cadre_id": f"Y{i}", "name": f"y{i}", "birth_date": "1988-01-01"} for i in (1, 2, 3)]
    fit = {
        (c["cadre_id"], p["post_id"]): (90 if c["cadre_id"].startswith("C") else 40)
        for c in old + young
        for p in posts
    }
    data = make_dataset(teams=teams, posts=posts, cadres=old + young, fit=_fit(fit))
    on = solve_checked(data, scenario({"R-TC3": {}}))
    # ceil(2/3 x 3) = 2 teams need a member aged 42 or less.
    assert on.roster["cadre_id"].str.startswith("Y").sum() == 2


def test_young_appointments_r_tc4():
    teams, posts = _three_seat_team()
    cadres = _cands(3, birth_date="1975-01-01") + [
        {"cadre_id": "Y1", "name": "y1", "birth_date": "1990-05-01"}
    ]
    fit = {
        (c["cadre_id"], p["post_id"]): (30 if c["cadre_id"] == "Y1" else 90)
        for c in cadres
        for p in posts
    }
    data = make_dataset(teams=teams, posts=posts, cadres=cadres, fit=_fit(fit))
    on = solve_checked(data, scenario({"R-TC4": {"mode": "target", "min_count": 1}}))
    assert "Y1" in set(on.roster["cadre_id"])


def test_township_experience_r_tc8_and_special_needs_r_tc9():
    teams, posts = _three_seat_team(kind="county_gov", needs_specialty="三农")
    cadres = _cands(3) + [
        {"cadre_id": "S1", "name": "s1", "township_head": True},
        {"cadre_id": "S2", "name": "s2", "township_head": True},
        {"cadre_id": "A1", "name": "a1", "specialties": ("三农",)},
    ]
    fit = {
        (c["cadre_id"], p["post_id"]): (90 if c["cadre_id"].startswith("C") else 20)
        for c in cadres
        for p in posts
    }
    data = make_dataset(teams=teams, posts=posts, cadres=cadres, fit=_fit(fit))
    tc8 = solve_checked(data, scenario({"R-TC8": {"mode": "hard"}}))
    assert {"S1", "S2"} <= set(tc8.roster["cadre_id"])  # ceil(1/2 x 3) = 2
    tc9 = solve_checked(data, scenario({"R-TC9": {"mode": "hard"}}))
    assert "A1" in set(tc9.roster["cadre_id"])


def test_age_bands_r_tc10():
    teams, posts = _three_seat_team()
    cadres = _cands(3, birth_date="1972-01-01") + [
        {"cadre_id": "Y1", "name": "y1", "birth_date": "1987-01-01"}
    ]
    fit = {
        (c["cadre_id"], p["post_id"]): (20 if c["cadre_id"] == "Y1" else 90)
        for c in cadres
        for p in posts
    }
    data = make_dataset(teams=teams, posts=posts, cadres=cadres, fit=_fit(fit))
    on = solve_checked(data, scenario({"R-TC10": {"mode": "hard", "avg_age_drop": -100}}))
    assert "Y1" in set(on.roster["cadre_id"])  # ages 54 (band 5) and 39 (band 3)


def _rotation_case(years_in_post: int, grade="head", system="政府", kind="county_gov"):
    teams = [
        {"team_id": "T1", "name": "t1", "kind": kind, "system": system},
        {"team_id": "T2", "name": "t2", "kind": kind, "system": system},
    ]
    posts = [
        {
            "post_id": "P1",
            "team_id": "T1",
            "title": "正职",
            "grade": grade,
            "rank": "正处",
            "incumbent_id": "I1",
        },
        {"post_id": "P2", "team_id": "T2", "title": "正职", "grade": grade, "rank": "正处"},
    ]
    since = f"{2026 - years_in_post}-01-01"
    cadres = [
        {
            "cadre_id": "I1",
            "name": "i1",
            "rank": "正处",
            "rank_since": "2010-01-01",
            "post_since": since,
            "team_since": since,
        },
        {"cadre_id": "C1", "name": "c1", "rank": "正处", "rank_since": "2015-01-01"},
    ]
    fit = {("I1", "P1"): 95, ("I1", "P2"): 60, ("C1", "P1"): 60, ("C1", "P2"): 80}
    return make_dataset(teams=teams, posts=posts, cadres=cadres, fit=_fit(fit))


def test_head_rotation_r_ro1():
    data = _rotation_case(11)
    assert holder(solve_checked(data, scenario()), "P1") == "I1"
    on = solve_checked(data, scenario({"R-RO1": {}}))
    assert (holder(on, "P1"), holder(on, "P2")) == ("C1", "I1")
    short = solve_checked(_rotation_case(9), scenario({"R-RO1": {}}))
    assert holder(short, "P1") == "I1"  # 9 years: no rotation due


def test_sensitive_deputy_rotation_r_ro2():
    data = _rotation_case(11, grade="deputy", system="公安", kind="municipal_dept")
    on = solve_checked(data, scenario({"R-RO2": {}}))
    assert holder(on, "P1") == "C1"


def test_kinship_r_av1():
    teams, posts = _three_seat_team()
    cadres = _cands(4)
    fit = {
        (c["cadre_id"], p["post_id"]): (90 if c["cadre_id"] in ("C1", "C2") else 50)
        for c in cadres
        for p in posts
    }
    data = make_dataset(
        teams=teams,
        posts=posts,
        cadres=cadres,
        fit=_fit(fit),
        relations=[{"cadre_a": "C1", "cadre_b": "C2", "relation": "spouse"}],
    )
    assert {"C1", "C2"} <= set(solve_checked(data, scenario()).roster["cadre_id"])
    on = set(solve_checked(data, scenario({"R-AV1": {}})).roster["cadre_id"])
    assert len({"C1", "C2"} & on) == 1


def test_regional_avoidance_r_av2():
    teams = [{"team_id": "T1", "name": "t1", "region": "R1"}]
    posts = [
        {
            "post_id": "P1",
            "team_id": "T1",
            "title": "县长",
            "grade": "head",
            "rank": "正处",
            "key_post": True,
        }
    ]
    cadres = [
        {"cadre_id": "H1", "name": "h1", "rank": "副处", "home_region": "R1"},
        {"cadre_id": "O1", "name": "o1", "rank": "副处", "home_region": "R2"},
    ]
    data = make_dataset(
        teams=teams, posts=posts, cadres=cadres, fit=_fit({("H1", "P1"): 90, ("O1", "P1"): 40})
    )
    assert holder(solve_checked(data, scenario()), "P1") == "H1"
    assert holder(solve_checked(data, scenario({"R-AV2": {}})), "P1") == "O1"


def test_heads_not_both_changed_r_ro8():
    teams = [
        {"team_id": "TP", "name": "县委", "kind": "county_party", "region": "R1"},
        {"team_id": "TG", "name": "县政府", "kind": "county_gov", "region": "R1"},
    ]
    posts = [
        {
            "post_id": "PP",
            "team_id": "TP",
            "title": "县委书记",
            "grade": "head",
            "rank": "正处",
            "incumbent_id": "A",
        },
        {
            "post_id": "PG",
            "team_id": "TG",
            "title": "县长",
            "grade": "head",
            "rank": "正处",
            "incumbent_id": "B",
        },
    ]
    cadres = [{"cadre_id": x, "name": x.lower(), "rank": "正处"} for x in ("A", "B", "C", "D")]
    # Newcomers C and D fit better than both heads: without R-RO8 both heads change.
    fit = {(c, p): (90 if c in ("C", "D") else 60) for c in "ABCD" for p in ("PP", "PG")}
    data = make_dataset(teams=teams, posts=posts, cadres=cadres, fit=_fit(fit))
    off = solve_checked(data, scenario())
    assert set(off.roster["cadre_id"]) == {"C", "D"}
    on = solve_checked(data, scenario({"R-RO8": {"mode": "target", "weight": 100}}))
    assert len({"A", "B"} & set(on.roster["cadre_id"])) == 1  # 150 - 0 beats 180 - 100


def test_stability_weight_keeps_sitting_cadres():
    data = _rotation_case(3)
    # I1 stays (95) + C1 in P2 (80) = 175 is the best anyway; make moving tempting:
    sc = scenario(weights={"fit": 1, "move": 50, "release": 0})
    assert holder(solve_checked(data, sc), "P1") == "I1"


def test_lexicographic_never_trades_a_woman_for_fit():
    teams, posts = _three_seat_team()
    cadres = _cands(3) + [{"cadre_id": "W1", "name": "w1", "gender": "F"}]
    fit = {
        (c["cadre_id"], p["post_id"]): (10 if c["cadre_id"] == "W1" else 99)
        for c in cadres
        for p in posts
    }
    data = make_dataset(teams=teams, posts=posts, cadres=cadres, fit=_fit(fit))
    # Tier (b) only (tier (a) off, else the hard woman per team decides it): one woman in
    # more than half of the 1 team = min(1, floor(1/2 x 1) + 1) = 1 team. Weighted with a
    # small weight: 3 x 99 - 1 team x 50 = 247 beats 99 x 2 + 10 = 208 - 0, so the woman
    # is traded away for fit points.
    women = {"R-TC5": {"mode": "target", "every_mode": "off", "min_women": 1, "weight": 50}}
    weighted = solve_checked(data, scenario(women))
    assert "W1" not in set(weighted.roster["cadre_id"])
    lex = solve_checked(data, scenario(women, objective="lexicographic"))
    assert "W1" in set(lex.roster["cadre_id"])


def test_locks_must_forbid_keep_change_the_roster_as_asked():
    data = _rotation_case(3)  # I1 sits in P1 (fit 95), C1 fits P2 best (80)
    base = solve_checked(data, scenario())
    assert (holder(base, "P1"), holder(base, "P2")) == ("I1", "C1")
    must = solve_checked(data, scenario(locks={"must": [{"cadre": "C1", "post": "P1"}]}))
    assert holder(must, "P1") == "C1"
    forbid = solve_checked(data, scenario(locks={"forbid": [{"cadre": "I1", "post": "P1"}]}))
    assert holder(forbid, "P1") == "C1" and holder(forbid, "P2") == "I1"
    keep = solve_checked(data, scenario(locks={"keep": ["P1"], "must": [
        {"cadre": "C1", "post": "P2"}]}))
    assert (holder(keep, "P1"), holder(keep, "P2")) == ("I1", "C1")
    # 11 years in post: R-RO1 forces I1 out, so keeping P1 breaks a hard rule; the report
    # names the lock and the rule instead of dropping the lock.
    clash = solve_checked(_rotation_case(11), scenario({"R-RO1": {}}, locks={"keep": ["P1"]}),
                          expect=Status.INFEASIBLE)
    assert any(c["rule"] == "R-RO1" and "keep P1" in c["where"] for c in clash.conflicts)
