"""The independent checker on tiny hand-made rosters.

For each rule family: a roster that keeps the rule and one that breaks it;
a hard rule's violation must name the rule and the place, a target's figure
must give the exact shortfall (arithmetic in the comments). Plus the
structural checks, availability, locks, modes, the objective, reading
roster.csv and the rendered report.

Unless a test says otherwise every rule is off, cadres are 正科 born
1980-01-01 (46 on the reference date 2026-09-01), home region R1, and posts
are 副处 deputies of a county_gov team in R1 (see tests/builders.py), so a
default new placement is a one-step promotion.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from builders import make_dataset

from placement.checker import CheckReport, check_roster, read_roster
from placement.data.errors import InputError
from placement.data.i18n import MESSAGES
from placement.data.rules import CATALOGUE
from placement.data.scenario import Scenario

REF = dt.date(2026, 9, 1)


# --- helpers -----------------------------------------------------------------------


def scenario(rules: dict | None = None, **fields) -> Scenario:
    """Every rule off except those in `rules` (rule id -> table)."""
    tables = {rid: {"mode": "off"} for rid in CATALOGUE} | (rules or {})
    return Scenario(data=Path("."), reference_date=REF, rules=tables, **fields)


def check(data, sc: Scenario, pairs: dict[str, str], **columns) -> CheckReport:
    """Check the roster post -> cadre given as a dict (extra columns as lists)."""
    roster = pd.DataFrame({"post_id": list(pairs), "cadre_id": list(pairs.values()), **columns})
    return check_roster(sc, data, roster)


def broken(report: CheckReport) -> set[tuple[str, str]]:
    return {(v.rule, v.where) for v in report.violations}


def figure(report: CheckReport, rule: str, where: str, scope: str | None = None) -> dict:
    f = report.figures
    rows = f[(f["rule"] == rule) & (f["where"] == where)
             & ((f["scope"] == scope) if scope else True)]
    assert len(rows) == 1, rows
    return rows.iloc[0].to_dict()


def shortfall(report: CheckReport, rule: str, where: str, scope: str | None = None) -> int:
    return int(figure(report, rule, where, scope)["shortfall"])


def team(tid="T1", **kw) -> dict:
    return {"team_id": tid, **kw}


def post(pid, tid="T1", **kw) -> dict:
    return {"post_id": pid, "team_id": tid, **kw}


def cadre(cid, **kw) -> dict:
    return {"cadre_id": cid, **kw}


def one_line(cadre_kw=None, post_kw=None, team_kw=None, stays=False, reference_date=REF):
    """One team T1, one post P1, one cadre X (the incumbent when `stays`)."""
    p = post("P1", **(post_kw or {}))
    if stays:
        p["incumbent_id"] = "X"
    return make_dataset(teams=[team(**(team_kw or {}))], posts=[p],
                        cadres=[cadre("X", **(cadre_kw or {}))], reference_date=reference_date)


# --- structure -------------------------------------------------------------------------


def three_posts():
    return make_dataset(
        teams=[team()],
        posts=[post("P1", incumbent_id="A"), post("P2"), post("P3")],
        cadres=[cadre("A", rank="副处"), cadre("B", rank="副处"), cadre("C", rank="副处"),
                cadre("D", rank="副处")],
        reference_date=REF)


def test_a_clean_roster_passes_and_rules_off_give_no_rows():
    report = check(three_posts(), scenario(), {"P1": "A", "P2": "B", "P3": "C"})
    assert report.ok, report.render("en")
    assert report.violations == []
    assert report.figures.empty and report.totals.empty  # every rule off: no row at all


def test_a_post_without_holder_is_one_holder():
    report = check(three_posts(), scenario(), {"P1": "A", "P2": "B"})
    assert not report.ok
    assert broken(report) == {("ONE_HOLDER", "P3")}


def test_an_empty_cadre_cell_leaves_the_post_unfilled():
    report = check(three_posts(), scenario(), {"P1": "A", "P2": "B", "P3": ""})
    assert broken(report) == {("ONE_HOLDER", "P3")}


def test_two_holders_of_one_post():
    roster = pd.DataFrame({"post_id": ["P1", "P2", "P3", "P3"],
                           "cadre_id": ["A", "B", "C", "D"]})
    report = check_roster(scenario(), three_posts(), roster)
    assert broken(report) == {("ONE_HOLDER", "P3")}


def test_one_cadre_in_two_posts():
    report = check(three_posts(), scenario(), {"P1": "A", "P2": "B", "P3": "B"})
    assert broken(report) == {("ONE_POST", "B")}


def test_unknown_ids():
    roster = pd.DataFrame({"post_id": ["P1", "P2", "P3", "P9"],
                           "cadre_id": ["A", "B", "Z", "C"]})
    report = check_roster(scenario(), three_posts(), roster)
    assert ("UNKNOWN_POST", "P9") in broken(report)
    assert ("UNKNOWN_CADRE", "P3") in broken(report)


def test_team_and_change_columns_must_agree_with_the_data():
    data = three_posts()
    good = check(data, scenario(), {"P1": "A", "P2": "B", "P3": "C"},
                 team_id=["T1"] * 3, change=["stay", "new", "new"])
    assert good.ok, good.render("en")
    bad = check(data, scenario(), {"P1": "A", "P2": "B", "P3": "C"},
                team_id=["T1", "T2", "T1"], change=["stay", "moved_in", "new"])
    assert broken(bad) == {("TEAM_MISMATCH", "P2"), ("CHANGE_MISMATCH", "P2")}


def test_moved_in_is_a_sitting_cadre_from_another_post():
    data = make_dataset(teams=[team()], posts=[post("P1", incumbent_id="A"),
                                               post("P2", incumbent_id="B")],
                        cadres=[cadre("A", rank="副处"), cadre("B", rank="副处")],
                        reference_date=REF)
    report = check(data, scenario(), {"P1": "B", "P2": "A"}, change=["moved_in", "moved_in"])
    assert report.ok, report.render("en")


def test_a_leaving_cadre_holds_nothing():
    data = make_dataset(teams=[team()], posts=[post("P1", incumbent_id="A")],
                        cadres=[cadre("A", rank="副处", leaving=True), cadre("B", rank="副处")],
                        reference_date=REF)
    assert broken(check(data, scenario(), {"P1": "A"})) == {("LEAVING", "P1")}
    assert check(data, scenario(), {"P1": "B"}).ok


# --- availability and locks ----------------------------------------------------------------


def test_a_new_placement_needs_a_candidate_but_staying_does_not():
    stay = one_line({"rank": "副处", "candidate": False}, stays=True)
    assert check(stay, scenario(), {"P1": "X"}).ok
    new = one_line({"rank": "副处", "candidate": False})
    assert broken(check(new, scenario(), {"P1": "X"})) == {("NOT_CANDIDATE", "P1")}


@pytest.mark.parametrize("nominated, ok", [(("T1",), True), (("R1",), True),
                                           (("T2", "R2"), False), ((), True)])
def test_nominated_for_names_the_team_or_its_region(nominated, ok):
    data = one_line({"rank": "副处", "nominated_for": nominated})
    report = check(data, scenario(), {"P1": "X"})
    assert report.ok is ok
    if not ok:
        assert broken(report) == {("NOT_NOMINATED", "P1")}


def test_no_demotion_in_a_new_placement():
    data = one_line({"rank": "正处"})  # 正处 (4) -> 副处 (3): step -1
    assert broken(check(data, scenario(), {"P1": "X"})) == {("DEMOTION", "P1")}


def test_a_must_lock_waives_candidate_nomination_demotion_and_r_el9():
    data = one_line({"rank": "副科", "candidate": False, "nominated_for": ("T9",)},
                    post_kw={"rank": "正处"})  # 副科 (1) -> 正处 (4): 3 steps > max_steps 1
    sc = scenario({"R-EL9": {"mode": "hard"}})
    assert broken(check(data, sc, {"P1": "X"})) == {
        ("NOT_CANDIDATE", "P1"), ("NOT_NOMINATED", "P1"), ("R-EL9", "P1")}
    locked = scenario({"R-EL9": {"mode": "hard"}},
                      locks={"must": [{"cadre": "X", "post": "P1"}]})
    assert check(data, locked, {"P1": "X"}).ok
    demoted = one_line({"rank": "正处", "candidate": False})
    assert check(demoted, locked, {"P1": "X"}).ok


def test_a_must_lock_does_not_waive_other_rules_or_leaving():
    data = one_line({"education": "other", "leaving": True})
    locked = scenario({"R-EL1": {"mode": "hard"}}, locks={"must": [{"cadre": "X",
                                                                    "post": "P1"}]})
    assert broken(check(data, locked, {"P1": "X"})) == {("LEAVING", "P1"), ("R-EL1", "P1")}


def test_lock_must_forbid_and_keep():
    data = three_posts()
    roster = {"P1": "A", "P2": "B", "P3": "C"}
    must = scenario(locks={"must": [{"cadre": "D", "post": "P2"}]})
    assert broken(check(data, must, roster)) == {("LOCK_MUST", "P2")}
    assert check(data, must, {"P1": "A", "P2": "D", "P3": "C"}).ok
    forbid = scenario(locks={"forbid": [{"cadre": "B", "post": "P2"}]})
    assert broken(check(data, forbid, roster)) == {("LOCK_FORBID", "P2")}
    for lock in ("P1", "T1"):  # a post id or a team id
        keep = scenario(locks={"keep": [lock]})
        assert check(data, keep, roster).ok
        # A, not kept, holds no post and nothing removes them: a release without cause
        assert broken(check(data, keep, {"P1": "D", "P2": "B", "P3": "C"})) == {
            ("LOCK_KEEP", "P1"), ("RELEASE", "A")}


# --- pair rules --------------------------------------------------------------------------
# (rule, parameters, cadre, post, team, stays, breaks)
PAIR_CASES = [  # R-RO5–R-RO7 count per cadre: tests/rules/test_rotation.py
    # R-EL1: 副处 is among the ranks; education "other" < college.
    ("R-EL1", {}, {"education": "other"}, {}, {}, False, True),
    ("R-EL1", {}, {"education": "college"}, {}, {}, False, False),
    ("R-EL1", {}, {"education": "other"}, {}, {}, True, False),  # staying: not re-examined
    ("R-EL1", {}, {"education": "other", "rank": "正科"}, {"rank": "正科"}, {}, False, False),
    # R-EL2: promotion 正科 -> 副处 after 2025-01-01..2026-09-01 = 1.67 years < 3.
    ("R-EL2", {}, {"rank_since": "2025-01-01"}, {}, {}, False, True),
    ("R-EL2", {}, {"rank_since": "2023-01-01"}, {}, {}, False, False),  # 3.67 years
    ("R-EL2", {}, {"rank_since": "2025-01-01", "rank": "副处"}, {}, {}, False, False),  # lateral
    # R-EL3: a 基本称职 among the newest 3 grades; with years = 1 only the newest counts.
    ("R-EL3", {}, {"assessments": ("称职", "基本称职", "称职")}, {}, {}, False, True),
    ("R-EL3", {"years": 1}, {"assessments": ("称职", "基本称职", "称职")}, {}, {}, False, False),
    ("R-EL3", {}, {"assessments": ("称职", "不称职")}, {}, {}, True, False),  # staying
    # R-EL4: newest 不称职 may not stay; 基本称职 in 2026 blocks a promotion (2026-2026 <= 1).
    ("R-EL4", {}, {"assessments": ("不称职", "称职", "称职")}, {}, {}, True, True),
    ("R-EL4", {}, {"assessments": ("基本称职", "称职"), "assessment_year": 2026}, {}, {},
     False, True),
    ("R-EL4", {}, {"assessments": ("基本称职", "称职"), "assessment_year": 2024}, {}, {},
     False, False),  # 2026 - 2024 = 2 > 1
    ("R-EL4", {}, {"assessments": ("基本称职", "称职"), "assessment_year": 2026, "rank": "副处"},
     {}, {}, False, False),  # lateral
    # R-EL5
    ("R-EL5", {}, {"sanction_until": "2027-01-01"}, {}, {}, False, True),
    ("R-EL5", {}, {"sanction_until": "2026-01-01"}, {}, {}, False, False),
    ("R-EL5", {}, {"file_ok": False}, {}, {}, False, True),
    ("R-EL5", {}, {"matters_ok": False}, {}, {}, False, True),
    ("R-EL5", {}, {"spouse_abroad": True}, {"grade": "head"}, {}, False, True),
    ("R-EL5", {}, {"spouse_abroad": True}, {"key_post": True}, {"region": "R2"}, False, True),
    ("R-EL5", {}, {"spouse_abroad": True}, {}, {}, False, False),
    # R-EL6: threshold 2/3.
    ("R-EL6", {}, {"approval": 0.6}, {}, {}, False, True),
    ("R-EL6", {}, {"approval": 0.6667}, {}, {}, False, False),
    ("R-EL6", {}, {"approval": ""}, {}, {}, False, True),  # no approval, promotion
    ("R-EL6", {}, {"approval": "", "rank": "副处"}, {}, {}, False, False),  # lateral
    ("R-EL6", {"missing_blocks_promotion": False}, {"approval": ""}, {}, {}, False, False),
    # R-EL7: born 1966-06-01 is 60 (the retirement age: no post, staying too); born
    # 1975-01-01 is 51 > 50 (副处 limit). Born 1966-09-02 is 59: may stay and, with
    # retiring_in_term off (the default), may take a new post too (59 + 5 > 60 does not
    # matter); tests/test_checker_readings.py has the boundaries.
    ("R-EL7", {}, {"birth_date": "1966-06-01", "rank": "副处"}, {}, {}, False, True),
    ("R-EL7", {}, {"birth_date": "1975-01-01"}, {}, {}, False, True),
    ("R-EL7", {}, {"birth_date": "1975-01-01", "rank": "副处"}, {}, {}, False, False),
    ("R-EL7", {}, {"birth_date": "1966-06-01"}, {}, {}, True, True),  # staying at 60
    ("R-EL7", {}, {"birth_date": "1966-09-02"}, {}, {}, True, False),  # staying at 59
    ("R-EL7", {}, {"birth_date": "1966-09-02", "rank": "副处"}, {}, {}, False, False),
    ("R-EL7", {"retiring_in_term": True}, {"birth_date": "1966-09-02", "rank": "副处"}, {},
     {}, False, True),
    # R-EL8
    ("R-EL8", {"mode": "hard"}, {}, {"specialty": "财政"}, {}, False, True),
    ("R-EL8", {"mode": "hard"}, {"specialties": ("财政",)}, {"specialty": "财政"}, {}, False,
     False),
    # R-EL9: 副科 (1) -> 副处 (3) is 2 steps.
    ("R-EL9", {}, {"rank": "副科"}, {}, {}, False, True),
    ("R-EL9", {"max_steps": 2}, {"rank": "副科"}, {}, {}, False, False),
    # R-AV2: a key post in the home region, staying too.
    ("R-AV2", {}, {}, {"key_post": True}, {}, True, True),
    ("R-AV2", {}, {"home_region": "R2"}, {"key_post": True}, {}, True, False),
    # R-RO1: a head staying 2016-01-01..2026-09-01 = 10.67 years >= 10.
    ("R-RO1", {}, {"post_since": "2016-01-01"}, {"grade": "head"}, {}, True, True),
    ("R-RO1", {}, {"post_since": "2017-01-01"}, {"grade": "head"}, {}, True, False),  # 9.67
    ("R-RO1", {"kinds": ["municipal_dept"]}, {"post_since": "2016-01-01"}, {"grade": "head"},
     {}, True, False),
    ("R-RO1", {}, {"post_since": "2016-01-01"}, {"grade": "head"}, {}, False, False),  # new
    # R-RO2: a 公安 deputy 11.67 years in the team may not stay.
    ("R-RO2", {}, {"team_since": "2015-01-01"}, {}, {"system": "公安"}, True, True),
    ("R-RO2", {}, {"team_since": "2015-01-01"}, {}, {"system": "财政"}, True, False),
    # R-RO3: another deputy 11.67 years in post; 公安 belongs to R-RO2.
    ("R-RO3", {"mode": "hard"}, {"post_since": "2015-01-01"}, {}, {"system": "财政"}, True,
     True),
    ("R-RO3", {"mode": "hard"}, {"post_since": "2015-01-01"}, {}, {"system": "公安"}, True,
     False),
    # R-RO4: a dispatched leader 2020-01-01..: 6.67 years >= 5.
    ("R-RO4", {"mode": "hard"}, {"post_since": "2020-01-01"}, {"dispatched": True}, {}, True,
     True),
    ("R-RO4", {"mode": "hard"}, {"post_since": "2020-01-01"}, {}, {}, True, False),
]


@pytest.mark.parametrize("rule, params, cadre_kw, post_kw, team_kw, stays, breaks", PAIR_CASES)
def test_pair_rule_hard(rule, params, cadre_kw, post_kw, team_kw, stays, breaks):
    data = one_line(cadre_kw, post_kw, team_kw, stays)
    report = check(data, scenario({rule: {**params, "mode": "hard"}}), {"P1": "X"})
    assert broken(report) == ({(rule, "P1")} if breaks else set()), report.render("en")
    assert shortfall(report, rule, "P1") == int(breaks)


@pytest.mark.parametrize("rule, params, cadre_kw, post_kw, team_kw, stays, breaks", PAIR_CASES)
def test_pair_rule_target_counts_one_unit_per_line(rule, params, cadre_kw, post_kw, team_kw,
                                                   stays, breaks):
    data = one_line(cadre_kw, post_kw, team_kw, stays)
    report = check(data, scenario({rule: {**params, "mode": "target"}}), {"P1": "X"})
    assert report.ok
    total = report.totals.set_index("rule").loc[rule]
    # one line: required 1, achieved 0 or 1, shortfall = lines breaking it
    assert (total["required"], total["shortfall"]) == (1, int(breaks))


def test_r_ro2_also_blocks_moving_within_the_team():
    data = make_dataset(
        teams=[team(system="公安"), team("T2", system="公安")],
        posts=[post("P1", incumbent_id="X"), post("P2"), post("P3", "T2")],
        cadres=[cadre("X", rank="副处", team_since="2015-01-01"), cadre("Y", rank="副处"),
                cadre("Z", rank="副处")],
        reference_date=REF)
    sc = scenario({"R-RO2": {"mode": "hard"}})
    assert broken(check(data, sc, {"P1": "Y", "P2": "X", "P3": "Z"})) == {("R-RO2", "P2")}
    assert check(data, sc, {"P1": "Y", "P2": "Z", "P3": "X"}).ok  # to another team


# --- team composition ---------------------------------------------------------------------


def team_of_three(members: list[dict], **team_kw):
    """Team T1 with posts P1..P3, held by the three given cadres (all new placements)."""
    return make_dataset(teams=[team(**team_kw)],
                        posts=[post(f"P{i}") for i in (1, 2, 3)],
                        cadres=[cadre(f"C{i}", **kw) for i, kw in enumerate(members, 1)],
                        reference_date=REF)


ROSTER3 = {"P1": "C1", "P2": "C2", "P3": "C3"}


def test_r_tc1_exchange_quota():
    dept = {"kind": "municipal_dept", "system": "财政"}
    inside = team_of_three([{"system": "财政"}] * 3, **dept)
    report = check(inside, scenario({"R-TC1": {}}), ROSTER3)
    # ceil(1/3 x 3) = 1 required, 0 from outside the system
    assert broken(report) == {("R-TC1", "T1")}
    one_out = team_of_three([{"system": "财政"}] * 2 + [{"system": "农业"}], **dept)
    assert check(one_out, scenario({"R-TC1": {}}), ROSTER3).ok
    target = check(inside, scenario({"R-TC1": {"mode": "target", "share": "2/3"}}), ROSTER3)
    assert target.ok and shortfall(target, "R-TC1", "T1") == 2  # ceil(2/3 x 3) = 2 - 0


def test_r_tc1_a_staying_member_counts_by_the_flag_only():
    data = make_dataset(
        teams=[team(kind="municipal_dept", system="财政")],
        posts=[post("P1", incumbent_id="A"), post("P2", incumbent_id="B")],
        cadres=[cadre("A", rank="副处", system="农业"),
                cadre("B", rank="副处", system="财政", exchanged_in=True)],
        reference_date=REF)
    report = check(data, scenario({"R-TC1": {"mode": "target", "share": 1}}),
                   {"P1": "A", "P2": "B"})
    # both stay: A is from another system but not flagged, B is flagged: 2 - 1 = 1
    assert shortfall(report, "R-TC1", "T1") == 1


def test_r_tc2_locals_per_team_and_per_county():
    teams = [team("T1", kind="county_party"), team("T2", kind="county_gov")]
    posts = [post("P1", "T1"), post("P2", "T1"), post("P3", "T2"), post("P4", "T2")]
    cadres = [cadre("A"), cadre("B"), cadre("C"), cadre("D", home_region="R9")]
    data = make_dataset(teams=teams, posts=posts, cadres=cadres, reference_date=REF)
    roster = {"P1": "A", "P2": "B", "P3": "C", "P4": "D"}
    per_team = check(data, scenario({"R-TC2": {"min_locals": 2, "per": "team"}}), roster)
    assert broken(per_team) == {("R-TC2", "T2")}  # T1 has 2 locals, T2 has 1 < 2
    per_county = check(data, scenario({"R-TC2": {"min_locals": 3}}), roster)
    assert per_county.ok  # per county, the default: R1 has 2 + 1 = 3 locals over both teams
    four = check(data, scenario({"R-TC2": {"mode": "target", "min_locals": 4,
                                           "per": "county"}}), roster)
    assert shortfall(four, "R-TC2", "R1", "county") == 1  # 4 - 3


def test_r_tc3_share_of_teams_with_a_young_member():
    data = make_dataset(
        teams=[team(f"T{i}", kind="municipal_dept") for i in (1, 2, 3)],
        posts=[post(f"P{i}", f"T{i}") for i in (1, 2, 3)],
        cadres=[cadre("Y", birth_date="1984-01-01"), cadre("O1"), cadre("O2"),
                cadre("Y2", birth_date="1984-09-01")],
        reference_date=REF)
    # Y is 42 (<= 42), Y2 turns 42 on the reference date, O1/O2 are 46.
    # ceil(2/3 x 3) = 2 teams needed.
    report = check(data, scenario({"R-TC3": {}}), {"P1": "Y", "P2": "O1", "P3": "O2"})
    assert broken(report) == {("R-TC3", "all")}
    assert figure(report, "R-TC3", "all")["achieved"] == 1
    assert check(data, scenario({"R-TC3": {}}), {"P1": "Y", "P2": "Y2", "P3": "O2"}).ok


def test_r_tc4_counts_new_placements_under_max_age():
    data = make_dataset(
        teams=[team()],
        posts=[post("P1", incumbent_id="S"), post("P2"), post("P3")],
        cadres=[cadre("S", rank="副处", birth_date="1990-01-01"),  # 36, stays: not counted
                cadre("N", birth_date="1990-01-01"),  # 36, new: counted
                cadre("E", birth_date="1986-09-01")],  # turns 40 on the date: not under 40
        reference_date=REF)
    report = check(data, scenario({"R-TC4": {"mode": "hard", "min_count": 2}}),
                   {"P1": "S", "P2": "N", "P3": "E"})
    assert broken(report) == {("R-TC4", "all")}
    target = check(data, scenario({"R-TC4": {"mode": "target", "min_count": 3}}),
                   {"P1": "S", "P2": "N", "P3": "E"})
    assert shortfall(target, "R-TC4", "all") == 2  # 3 - 1


def test_r_tc5_women():
    data = team_of_three([{"gender": "F"}, {}, {}])
    # tier (b) target: one team in scope, more than half of 1 is 1 team with 2 women
    report = check(data, scenario({"R-TC5": {"mode": "target"}}), ROSTER3)
    assert report.ok and shortfall(report, "R-TC5", "all") == 1  # 1 team - 0
    assert shortfall(report, "R-TC5", "T1") == 0  # tier (a): 1 woman, 1 required
    hard = check(data, scenario({"R-TC5": {"mode": "hard", "min_women": 1}}), ROSTER3)
    assert hard.ok
    none = team_of_three([{}, {}, {}])
    assert broken(check(none, scenario({"R-TC5": {"mode": "target"}}), ROSTER3)) \
        == {("R-TC5", "T1")}
    out_of_scope = check(data, scenario({"R-TC5": {"kinds": ["township"]}}), ROSTER3)
    # no team of that kind: no team row, and tier (b) asks 0 of 0 teams
    assert out_of_scope.figures[["scope", "required"]].values.tolist() == [["all", 0]]


def test_r_tc6_non_party():
    # hard mode (a target by default since issue 24); the city total: 0 before, 0 after
    cpc = team_of_three([{}, {}, {}], needs_non_party=True)
    assert broken(check(cpc, scenario({"R-TC6": {"mode": "hard"}}), ROSTER3)) == {("R-TC6", "T1")}
    one = team_of_three([{"party": "民盟"}, {}, {}], needs_non_party=True)
    assert check(one, scenario({"R-TC6": {"mode": "hard"}}), ROSTER3).ok
    unflagged = team_of_three([{}, {}, {}])
    assert check(unflagged, scenario({"R-TC6": {"mode": "hard"}}), ROSTER3).ok


def test_r_tc7_professional_share():
    data = team_of_three([{"specialties": ("财政",)}, {}, {}], professional=True,
                         system="财政")
    report = check(data, scenario({"R-TC7": {}}), ROSTER3)
    assert shortfall(report, "R-TC7", "T1") == 1  # ceil(1/2 x 3) = 2, has 1
    hard = check(data, scenario({"R-TC7": {"mode": "hard"}}), ROSTER3)
    assert broken(hard) == {("R-TC7", "T1")}


def test_r_tc8_township_share_read_as_an_exact_fraction():
    data = team_of_three([{"township_head": True}, {}, {}])
    for share in ("2/3", 0.667, 0.6667):
        report = check(data, scenario({"R-TC8": {"share": share, "basis": "share",
                                                  "per": "team"}}), ROSTER3)
        # ceil(2/3 x 3) = 2 (not ceil(2.001) = 3), has 1
        assert shortfall(report, "R-TC8", "T1") == 1


def test_r_tc9_special_needs():
    data = team_of_three([{}, {}, {}], needs_specialty="三农")
    assert shortfall(check(data, scenario({"R-TC9": {}}), ROSTER3), "R-TC9", "T1") == 1
    ok = team_of_three([{"specialties": ("三农", "财政")}, {}, {}], needs_specialty="三农")
    assert shortfall(check(ok, scenario({"R-TC9": {}}), ROSTER3), "R-TC9", "T1") == 0


def age_data():
    """T1: P1 held by A (born 1970: 56), P2 by B (46); C is 50; T2: one post, vacant."""
    return make_dataset(
        teams=[team(), team("T2")],
        posts=[post("P1", incumbent_id="A"), post("P2", incumbent_id="B"), post("P3", "T2")],
        cadres=[cadre("A", rank="副处", birth_date="1970-01-01"),
                cadre("B", rank="副处", birth_date="1980-01-01"),
                cadre("C", rank="副处", birth_date="1976-01-01"),
                cadre("D", rank="副处", birth_date="1990-01-01")],
        reference_date=REF)


def test_r_tc10_bands_and_average_age():
    report = check(age_data(), scenario({"R-TC10": {}}), {"P1": "A", "P2": "C", "P3": "B"})
    # (a) T1: ages 56, 50 -> one band (5); needs min(2, 2) = 2: short 1.
    #     T2: one post -> needs min(2, 1) = 1, has 1.
    assert shortfall(report, "R-TC10", "T1", "team") == 1
    assert shortfall(report, "R-TC10", "T2", "team") == 0
    # (b) before: incumbents A 56, B 46 -> average 51; 3 posts;
    #     goal floor((51 - 1) x 3) = 150; after 56 + 50 + 46 = 152: 2 member-years above.
    avg = figure(report, "R-TC10", "all", "all")
    assert (avg["required"], avg["achieved"], avg["shortfall"]) == (150, 152, 2)
    # penalty: weight 200 x 1 band + avg_weight 20 x 2 member-years = 240
    assert report.objective_terms()["penalties"]["R-TC10"] == 240
    hard = check(age_data(), scenario({"R-TC10": {"mode": "hard"}}),
                 {"P1": "A", "P2": "C", "P3": "B"})
    assert broken(hard) == {("R-TC10", "T1"), ("R-TC10", "all")}
    young = check(age_data(), scenario({"R-TC10": {"mode": "hard"}}),
                  {"P1": "A", "P2": "D", "P3": "B"})
    assert young.ok  # 56 + 36 + 46 = 138 <= 150; T1 bands 5 and 3


def test_r_tc10_average_drop_as_a_fraction():
    sc = scenario({"R-TC10": {"avg_age_drop": 0.5, "min_bands": 1}})
    report = check(age_data(), sc, {"P1": "A", "P2": "C", "P3": "B"})
    # goal floor((51 - 0.5) x 3) = floor(151.5) = 151; 152 - 151 = 1
    avg = figure(report, "R-TC10", "all", "all")
    assert (avg["required"], avg["shortfall"]) == (151, 1)


# --- avoidance and rotation at team level ----------------------------------------------------


def test_r_av1_relatives_in_one_team():
    data = make_dataset(
        teams=[team(), team("T2")],
        posts=[post("P1"), post("P2"), post("P3", "T2")],
        cadres=[cadre("A"), cadre("B"), cadre("C")],
        relations=[{"cadre_a": "A", "cadre_b": "B", "relation": "spouse"}],
        reference_date=REF)
    report = check(data, scenario({"R-AV1": {}}), {"P1": "A", "P2": "B", "P3": "C"})
    assert broken(report) == {("R-AV1", "T1")}
    assert check(data, scenario({"R-AV1": {}}), {"P1": "A", "P2": "C", "P3": "B"}).ok
    target = check(data, scenario({"R-AV1": {"mode": "target"}}),
                   {"P1": "A", "P2": "B", "P3": "C"})
    assert target.ok and shortfall(target, "R-AV1", "T1") == 1


def county_heads():
    return make_dataset(
        teams=[team("T1", kind="county_party"), team("T2", kind="county_gov")],
        posts=[post("P1", "T1", grade="head", incumbent_id="A"),
               post("P2", "T2", grade="head", incumbent_id="B")],
        cadres=[cadre("A", rank="副处"), cadre("B", rank="副处"), cadre("C", rank="副处"),
                cadre("D", rank="副处")],
        reference_date=REF)


def test_r_ro8_heads_not_both_changed():
    sc = scenario({"R-RO8": {"mode": "hard"}}, allow_release=True)
    assert check(county_heads(), sc, {"P1": "A", "P2": "C"}).ok
    report = check(county_heads(), sc, {"P1": "C", "P2": "D"})
    assert broken(report) == {("R-RO8", "R1")}
    swapped = check(county_heads(), scenario({"R-RO8": {}}, allow_release=True),
                    {"P1": "B", "P2": "A"})
    assert shortfall(swapped, "R-RO8", "R1", "county") == 1  # both incumbents left their post


def test_r_ro8_a_vacant_head_post_counts_as_changed():
    data = make_dataset(
        teams=[team("T1", kind="county_party"), team("T2", kind="county_gov")],
        posts=[post("P1", "T1", grade="head", incumbent_id="A"),
               post("P2", "T2", grade="head")],
        cadres=[cadre("A", rank="副处"), cadre("C", rank="副处"), cadre("D", rank="副处")],
        reference_date=REF)
    sc = scenario({"R-RO8": {"mode": "hard"}}, allow_release=True)
    assert check(data, sc, {"P1": "A", "P2": "C"}).ok
    assert broken(check(data, sc, {"P1": "D", "P2": "C"})) == {("R-RO8", "R1")}


# --- reserve pool (report only) ---------------------------------------------------------------


def test_r_rs1_counts_eligible_unplaced_reserves():
    data = make_dataset(
        teams=[team()],
        posts=[post("P1", grade="head"), post("P2")],
        cadres=[cadre("A", rank="副处"), cadre("B", rank="副处"),
                cadre("R1", reserve_rank="副处"), cadre("R2", reserve_rank="副处"),
                cadre("R3", reserve_rank="副处", education="other"),
                cadre("R4", reserve_rank="正处")],
        reference_date=REF)
    sc = scenario({"R-RS1": {"mode": "target"}, "R-EL1": {"mode": "hard"}})
    report = check(data, sc, {"P1": "A", "P2": "B"})
    # P1 (head, taken first) needs 2 reserves of rank 副处: R1, R2 (R3 fails R-EL1, R4 is for
    # 正处): covered. P2 (deputy) needs 1, and each reserve counts once: none left. 1 of 2.
    assert (figure(report, "R-RS1", "T1")["achieved"], shortfall(report, "R-RS1", "T1")) == (1, 1)
    placed = check(data, sc, {"P1": "A", "P2": "R1"})
    # R1 is placed: P1 has only R2 left (1 < 2), P2 takes R2: 1 post uncovered.
    assert shortfall(placed, "R-RS1", "T1") == 1
    assert placed.ok and placed.objective_terms()["penalties"].get("R-RS1", 0) == 0


# --- modes, objective, report ------------------------------------------------------------------


def test_every_active_rule_has_a_totals_row_and_off_rules_none():
    sc = scenario({"R-TC5": {}, "R-EL8": {}, "R-TC10": {}, "R-RO8": {}})
    report = check(three_posts(), sc, {"P1": "A", "P2": "B", "P3": "C"})
    assert set(report.totals["rule"]) == {"R-TC5", "R-EL8", "R-TC10", "R-RO8"}
    assert list(report.totals.loc[report.totals["rule"] == "R-TC10", "scope"]) == ["team", "all"]
    assert set(report.figures["rule"]) == {"R-TC5", "R-EL8", "R-TC10"}  # no county: no R-RO8 row


def test_the_default_scenario_reports_every_rule_but_the_one_off_by_default():
    sc = Scenario(data=Path("."), reference_date=REF)
    report = check(three_posts(), sc, {"P1": "A", "P2": "B", "P3": "C"})
    # R-EL11 (优秀 before promotion) is one county's practice, off unless a scenario says so
    assert set(report.totals["rule"]) == set(CATALOGUE) - {"R-EL11"}


def test_objective_terms():
    data = make_dataset(
        teams=[team(kind="county_party")],
        posts=[post("P1", incumbent_id="A"), post("P2", incumbent_id="B"),
               post("P3", incumbent_id="C")],
        cadres=[cadre("A", rank="副处"), cadre("B", rank="副处"), cadre("C", rank="副处"),
                cadre("N", rank="副处", gender="F")],
        reference_date=REF)
    sc = scenario({"R-TC5": {"weight": 100, "priority": 2}},
                  weights={"fit": 2, "move": 20, "release": 200},
                  locks={"forbid": [{"cadre": "C", "post": "P3"}]})
    report = check(data, sc, {"P1": "B", "P2": "N", "P3": "A"})
    terms = report.objective_terms(pd.Series({"P1": 70, "P2": 80, "P3": 60}))
    # fit 2 x (70 + 80 + 60) = 420; R-TC5: 100 x (2 - 1 woman) = 100;
    # A and B move (20 each); C was not allowed to stay (forbid lock): no move, but C holds
    # no post, is not leaving and nothing bars C from every post: a release (issue 24:
    # the release is charged whatever took the own post away).
    assert report.ok  # the forbid lock is C's cause
    assert report.departures.values.tolist() == [["C", "P3", "lock"]]
    assert terms["fit"] == 420
    assert terms["penalties"] == {"R-TC5": 100}
    assert (terms["moves"], terms["releases"]) == (2, 1)
    assert terms["objective"] == 420 - 100 - 2 * 20 - 200
    assert terms["levels"] == {"targets:2": -100, "fit": 420, "stability": -240}
    # without the lock C is released without cause (allowed here): one more move
    free = check(data, scenario({"R-TC5": {"weight": 100}}, allow_release=True,
                                weights={"fit": 2, "move": 20, "release": 200}),
                 {"P1": "B", "P2": "N", "P3": "A"})
    assert free.ok and free.departures.values.tolist() == [["C", "P3", "allowed"]]
    terms = free.objective_terms()
    assert (terms["moves"], terms["releases"], terms["objective"]) == (3, 1, -100 - 60 - 200)


def test_a_hard_rule_on_the_own_post_means_not_allowed_to_stay():
    data = make_dataset(
        teams=[team()], posts=[post("P1", grade="head", incumbent_id="X")],
        cadres=[cadre("X", rank="副处", post_since="2010-01-01"), cadre("Y", rank="副处")],
        reference_date=REF)
    sc = scenario({"R-RO1": {}}, weights={"fit": 1, "move": 20, "release": 200})
    report = check(data, sc, {"P1": "Y"})
    assert report.ok
    assert report.departures.values.tolist() == [["X", "P1", "R-RO1"]]
    # X must rotate (16.67 years as head): leaving the post is not a move, but exchange
    # means a new post, so holding none at all is a release (issue 24)
    terms = report.objective_terms()
    assert (terms["moves"], terms["releases"], terms["objective"]) == (0, 1, -200)


def test_render_names_the_violations_in_both_languages():
    report = check(three_posts(), scenario({"R-TC5": {"mode": "hard"}}), {"P1": "A", "P2": "B"})
    en, zh = report.render("en"), report.render("zh")
    # ONE_HOLDER, R-TC5 (a) at T1 and R-TC5 (b) over the teams, naming T1 short
    assert en.startswith("check FAILED: 3")
    assert "counties with 2+ women (short: R1)" in en and "未达：R1" in zh
    assert "[ONE_HOLDER] P3" in en and "[R-TC5] T1" in en and "R-TC5" in zh
    assert zh.startswith("检查未通过")
    assert check(three_posts(), scenario(), {"P1": "A", "P2": "B", "P3": "C"}) \
        .render("en").startswith("check passed")


def test_checker_messages_exist_in_both_languages():
    import string

    for code, (zh, en) in MESSAGES.items():
        if code.startswith("chk_"):
            def fields(text):
                return {f for _, f, _, _ in string.Formatter().parse(text) if f}
            assert fields(zh) == fields(en), code


# --- reading roster.csv -------------------------------------------------------------------------


def test_read_roster_with_bom_chinese_headers_and_display_columns(tmp_path):
    path = tmp_path / "roster.csv"
    text = "\ufeff职位编号,班子编号,人员编号,变动,姓名\nP1,T1,A,stay,某\nP2,T1, B ,new,某\n"
    path.write_text(text, encoding="utf-8")
    roster = read_roster(path)
    assert list(roster.columns) == ["post_id", "team_id", "cadre_id", "change", "_row"]
    assert roster["cadre_id"].tolist() == ["A", "B"]
    assert roster["_row"].tolist() == [2, 3]


def test_read_roster_problems_name_file_row_and_column(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("post_id,team_id\nP1,T1\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_roster(path)
    assert [p.code for p in err.value.problems] == ["missing_column"]
    assert "cadre_id" in err.value.render("en")
    path.write_text("post_id,cadre_id,change\n,A,new\nP2,B,promoted\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_roster(path)
    got = [(p.code, p.row, p.column) for p in err.value.problems]
    assert got == [("empty_value", 2, "post_id"), ("bad_enum", 3, "change")]
    with pytest.raises(InputError) as err:
        read_roster(tmp_path / "none.csv")
    assert err.value.problems[0].code == "file_missing"


def test_read_roster_then_check(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("post_id,cadre_id\nP1,A\nP2,B\nP3,\n", encoding="utf-8")
    report = check_roster(scenario(), three_posts(), read_roster(path))
    assert broken(report) == {("ONE_HOLDER", "P3")}
