"""The checker's own reading of issue 24's corrected rules, on tiny hand-made rosters,
at their boundaries (docs/rules.md; the model side has its own tests in tests/rules/).

Unless a test says otherwise every rule is off, the reference date is 2026-09-01,
cadres are 正科 born 1980-01-01 (46), home region R1, and posts are 副处 deputies of a
county_gov team in R1 (tests/builders.py): a default new placement is a one-step
promotion.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from builders import make_dataset

from placement.checker import CheckReport, check_roster, read_roster
from placement.checker.terms import age_on, years_since
from placement.data.rules import CATALOGUE
from placement.data.scenario import Scenario

REF = dt.date(2026, 9, 1)


def scenario(rules: dict | None = None, ref: dt.date = REF, **fields) -> Scenario:
    """Every rule off except those in `rules` (rule id -> table)."""
    tables = {rid: {"mode": "off"} for rid in CATALOGUE} | (rules or {})
    return Scenario(data=Path("."), reference_date=ref, rules=tables, **fields)


def check(data, sc: Scenario, pairs: dict[str, str], fit=None, **columns) -> CheckReport:
    roster = pd.DataFrame({"post_id": list(pairs), "cadre_id": list(pairs.values()),
                           **columns})
    return check_roster(sc, data, roster, fit=fit)


def broken(report: CheckReport) -> set[tuple[str, str]]:
    return {(v.rule, v.where) for v in report.violations}


def figure(report: CheckReport, rule: str, where: str, scope: str | None = None) -> tuple:
    f = report.figures
    rows = f[(f["rule"] == rule) & (f["where"] == where)
             & ((f["scope"] == scope) if scope else True)]
    assert len(rows) == 1, rows
    row = rows.iloc[0]
    return int(row["required"]), int(row["achieved"]), int(row["shortfall"])


def one_line(cadre_kw=None, post_kw=None, team_kw=None, stays=False, ref=REF):
    """One team T1, one post P1, one cadre X (the incumbent when `stays`)."""
    post = {"post_id": "P1", "team_id": "T1", **(post_kw or {})}
    if stays:
        post["incumbent_id"] = "X"
    return make_dataset(teams=[{"team_id": "T1", **(team_kw or {})}], posts=[post],
                        cadres=[{"cadre_id": "X", **(cadre_kw or {})}], reference_date=ref)


# --- tenure and age by calendar anniversary ------------------------------------------------


def test_years_and_ages_by_anniversary():
    dates = pd.Series(pd.to_datetime(["2016-09-01", "2016-09-02", "2016-02-29", None]))
    assert years_since(dates, REF).tolist()[:2] == [10.0, pytest.approx(9 + 364 / 365)]
    assert years_since(dates, REF).tolist()[3] == 0.0  # unknown: 0 years
    # 29 February: the anniversary in a common year is 28 February
    feb = years_since(dates, dt.date(2026, 2, 28)).tolist()
    assert feb[2] == 10.0 and feb[0] < 10
    assert years_since(dates, dt.date(2026, 2, 27)).tolist()[2] < 10
    # the fraction: days since the last anniversary / days from it to the next
    # 2016-02-29 -> last 2026-02-28, next 2027-02-28 (365 days); 185 days elapsed
    assert years_since(dates, REF).tolist()[2] == pytest.approx(10 + 185 / 365)
    # a 29 February birthday is reached on 28 February in a common year (2025), on the
    # 29th in a leap year (2024)
    births = pd.Series(pd.to_datetime(["1964-02-29", "1966-09-01", "1966-09-02"]))
    assert age_on(births, dt.date(2025, 2, 28)).tolist() == [61, 58, 58]
    assert age_on(births, dt.date(2025, 2, 27)).tolist() == [60, 58, 58]
    assert age_on(births, dt.date(2024, 2, 28)).tolist() == [59, 57, 57]
    assert age_on(births, dt.date(2024, 2, 29)).tolist() == [60, 57, 57]
    assert age_on(births, REF).tolist() == [62, 60, 59]


@pytest.mark.parametrize("since, ref, due", [
    ("2016-09-01", REF, True),  # exactly ten years on the tenth anniversary
    ("2016-09-02", REF, False),  # one day short
    ("2016-02-29", dt.date(2026, 2, 28), True),  # 29 Feb: due on 28 Feb of a common year
    ("2016-02-29", dt.date(2026, 2, 27), False),
    ("2016-03-01", dt.date(2026, 2, 28), False),  # 1 March is not moved
])
def test_r_ro1_ten_years_on_the_anniversary(since, ref, due):
    data = one_line({"rank": "副处", "post_since": since}, {"grade": "head"}, stays=True,
                    ref=ref)
    report = check(data, scenario({"R-RO1": {"mode": "hard"}}, ref=ref,
                                  allow_release=True), {"P1": "X"})
    assert broken(report) == ({("R-RO1", "P1")} if due else set())


@pytest.mark.parametrize("since, breaks", [("2024-03-01", False), ("2024-03-04", True)])
def test_r_el2_a_fractional_threshold_counts_the_share_of_the_anniversary_year(since, breaks):
    # 2024-03-01 -> 2026-09-01: 2 years + 184/365 = 2.504 >= 2.5; 2024-03-04: 2 + 181/365
    data = one_line({"rank_since": since})
    report = check(data, scenario({"R-EL2": {"mode": "hard", "min_years": 2.5}}), {"P1": "X"})
    assert broken(report) == ({("R-EL2", "P1")} if breaks else set())


# --- R-EL7 and R-EL12 ------------------------------------------------------------------------


@pytest.mark.parametrize("birth, stays, params, breaks", [
    ("1966-09-01", True, {}, True),  # 60 on the reference date: holds no post
    ("1966-09-02", True, {}, False),  # 59: stays
    ("1966-09-01", False, {}, True),  # 60: no new post either
    ("1966-09-02", False, {}, False),  # 59: retiring within the term is not a bar by default
    ("1966-09-02", False, {"retiring_in_term": True}, True),  # 59 + 5 > 60
    ("1966-09-02", True, {"retiring_in_term": True}, False),  # staying: the option is new-only
    ("1971-09-02", False, {"retiring_in_term": True}, False),  # 54 + 5 < 60
    ("1971-09-01", False, {"retiring_in_term": True}, False),  # 55 + 5 = 60, not above
    ("1970-09-01", False, {"retiring_in_term": True}, True),  # 56 + 5 > 60
])
def test_r_el7_retirement_on_the_reference_date(birth, stays, params, breaks):
    # lateral (副处 -> 副处), so the promotion age limit is not in play
    data = one_line({"birth_date": birth, "rank": "副处"}, stays=stays)
    report = check(data, scenario({"R-EL7": {"mode": "hard", **params}},
                                  allow_release=True), {"P1": "X"})
    assert broken(report) == ({("R-EL7", "P1")} if breaks else set())


def test_r_el7_a_29_february_birthday_is_reached_on_28_february():
    # born 1964-02-29: 61 on 2025-02-28 (a common year), 60 the day before; the 60th
    # birthday of one born on 29 February falls in a leap year, so the common-year case
    # is read with a retirement age of 61
    rule = {"R-EL7": {"mode": "hard", "retirement_age": 61}}
    for ref, breaks in ((dt.date(2025, 2, 28), True), (dt.date(2025, 2, 27), False)):
        data = one_line({"birth_date": "1964-02-29", "rank": "副处"}, stays=True, ref=ref)
        report = check(data, scenario(rule, ref=ref), {"P1": "X"})
        assert broken(report) == ({("R-EL7", "P1")} if breaks else set())


@pytest.mark.parametrize("cadre_kw, breaks", [
    ({"birth_date": "1966-09-01"}, False),  # 60: not R-EL12's business (age is R-EL7)
    ({"birth_date": "1962-01-01"}, False),
    ({"sanction_until": "2027-01-01"}, True),
    ({"file_ok": False}, True),
    ({"matters_ok": False}, True),
])
def test_r_el12_revets_integrity_only(cadre_kw, breaks):
    data = one_line({"rank": "副处", **cadre_kw}, stays=True)
    report = check(data, scenario({"R-EL12": {"mode": "hard"}}), {"P1": "X"})
    assert broken(report) == ({("R-EL12", "P1")} if breaks else set())


# --- R-TC5 (b) and R-TC8 per county ------------------------------------------------------------


def two_counties(women: dict[str, int], secretaries: tuple[str, ...] = ()):
    """Counties R1 and R2, each a county_party (P) and a county_gov (G) team of two posts;
    `women[team]` of each team's two (new) holders are women."""
    teams, posts, cadres, roster = [], [], [], {}
    for region in ("R1", "R2"):
        for kind, tag in (("county_party", "P"), ("county_gov", "G")):
            tid = f"{region}{tag}"
            teams.append({"team_id": tid, "kind": kind, "region": region})
            for i in (1, 2):
                pid, cid = f"{tid}-{i}", f"C{tid}-{i}"
                posts.append({"post_id": pid, "team_id": tid})
                cadres.append({"cadre_id": cid, "gender": "F" if i <= women.get(tid, 0) else "M",
                               "township_head": cid in secretaries})
                roster[pid] = cid
    return make_dataset(teams=teams, posts=posts, cadres=cadres, reference_date=REF), roster


def test_r_tc5_b_counts_counties_by_default_and_teams_as_an_option():
    # R1: one woman in each team (2 in the county); R2: two in the government, none in
    # the party committee (2 in the county).
    data, roster = two_counties({"R1P": 1, "R1G": 1, "R2G": 2})
    county = check(data, scenario({"R-TC5": {"every_mode": "off"}}), roster)
    # 2 counties, more than half: min(2, floor(1/2 x 2) + 1) = 2; both have 2 women
    assert figure(county, "R-TC5", "all") == (2, 2, 0)
    team = check(data, scenario({"R-TC5": {"every_mode": "off", "per": "team"}}), roster)
    # 4 teams: min(4, 2 + 1) = 3 needed; only R2G has 2 women
    assert figure(team, "R-TC5", "all") == (3, 1, 2)
    short = check(*two_counties({"R1P": 1})[:1],
                  scenario({"R-TC5": {"every_mode": "off", "mode": "hard"}}), roster)
    assert broken(short) == {("R-TC5", "all")}
    assert "R1、R2" in short.violations[0].text("zh")


def test_r_tc8_basis_share_per_county_and_per_team():
    data, roster = two_counties({}, secretaries=("CR1P-1", "CR1P-2", "CR2G-1"))
    sc = scenario({"R-TC8": {"basis": "share"}})
    report = check(data, sc, roster)
    # per county: ceil(1/2 x 4) = 2; R1 has 2, R2 has 1
    assert figure(report, "R-TC8", "R1", "county") == (2, 2, 0)
    assert figure(report, "R-TC8", "R2", "county") == (2, 1, 1)
    per_team = check(data, scenario({"R-TC8": {"basis": "share", "per": "team"}}), roster)
    # per team: ceil(1/2 x 2) = 1 each; R1G and R2P have none
    assert [figure(per_team, "R-TC8", t, "team")[2] for t in ("R1P", "R1G", "R2P", "R2G")] \
        == [0, 1, 1, 0]


def county_before(incumbent_exp: tuple[bool, ...], channel_post: bool = False):
    """County R1: a county_party team with posts P1..P3 held now by A1..A3 (`incumbent_exp`
    says who has secretary experience; a False for a missing incumbent is "vacant"), a
    county_gov team with post G1 (vacant) and, with `channel_post`, a vacant 人武部部长."""
    posts = [{"post_id": f"P{i}", "team_id": "TP",
              **({"incumbent_id": f"A{i}"} if i <= len(incumbent_exp) else {})}
             for i in (1, 2, 3)] + [{"post_id": "G1", "team_id": "TG"}]
    if channel_post:
        posts.append({"post_id": "M1", "team_id": "TP", "title": "人武部部长"})
    cadres = [{"cadre_id": f"A{i}", "rank": "副处", "secretary_exp": exp}
              for i, exp in enumerate(incumbent_exp, 1)]
    cadres += [{"cadre_id": f"N{i}", "rank": "副处", "secretary_exp": False} for i in (1, 2, 3, 4)]
    teams = [{"team_id": "TP", "kind": "county_party"}, {"team_id": "TG", "kind": "county_gov"}]
    return make_dataset(teams=teams, posts=posts, cadres=cadres, reference_date=REF)


def test_r_tc8_basis_before_keeps_the_county_share():
    data = county_before((True, False, False))
    roster = {"P1": "A1", "P2": "A2", "P3": "A3", "G1": "N1"}
    report = check(data, scenario({"R-TC8": {}}), roster)
    # 1 of 3 incumbents before; 4 posts after: ceil(1 x 4 / 3) = 2; A1 alone has it
    assert figure(report, "R-TC8", "R1", "county") == (2, 1, 1)
    # an open channel post is not held after: 2 of 3 before, size 4 (not 5):
    # ceil(2 x 4 / 3) = 3 (with 5: ceil(10 / 3) = 4)
    with_channel = check(county_before((True, True, False), channel_post=True),
                         scenario({"R-TC8": {}}), roster)
    assert figure(with_channel, "R-TC8", "R1", "county") == (3, 2, 1)
    # no incumbent with it (0 of 3): required 0
    none = check(county_before((False, False, False)), scenario({"R-TC8": {}}), roster)
    assert figure(none, "R-TC8", "R1", "county") == (0, 0, 0)
    # two incumbents before, both with it: ceil(2 x 4 / 2) = 4
    both = check(county_before((True, True)), scenario({"R-TC8": {}}, allow_release=True),
                 {"P1": "A1", "P2": "A2", "P3": "N2", "G1": "N1"})
    assert figure(both, "R-TC8", "R1", "county") == (4, 2, 2)


def test_r_tc8_an_explicit_secretary_flag_wins_over_township_head():
    data = make_dataset(
        teams=[{"team_id": "TP", "kind": "county_party"}],
        posts=[{"post_id": "P1", "team_id": "TP"}, {"post_id": "P2", "team_id": "TP"}],
        cadres=[{"cadre_id": "H", "township_head": True, "secretary_exp": False},  # a 乡长
                {"cadre_id": "S", "township_head": True, "secretary_exp": ""}],  # falls back
        reference_date=REF)
    sc = scenario({"R-TC8": {"basis": "share", "share": 1}})
    assert figure(check(data, sc, {"P1": "H", "P2": "S"}), "R-TC8", "R1") == (2, 1, 1)


def test_r_tc8_no_incumbent_at_all_requires_nothing():
    data = make_dataset(teams=[{"team_id": "TP", "kind": "county_party"}],
                        posts=[{"post_id": "P1", "team_id": "TP"}],
                        cadres=[{"cadre_id": "N1", "rank": "副处"}], reference_date=REF)
    assert figure(check(data, scenario({"R-TC8": {}}), {"P1": "N1"}), "R-TC8", "R1") \
        == (0, 0, 0)


# --- R-TC6 -----------------------------------------------------------------------------------


def non_party_team():
    """T1 flagged needs_non_party: P1 held now by S (non-Party), P2 vacant; newcomer M
    (non-Party) and Q (CPC)."""
    return make_dataset(
        teams=[{"team_id": "T1", "needs_non_party": True}],
        posts=[{"post_id": "P1", "team_id": "T1", "incumbent_id": "S"},
               {"post_id": "P2", "team_id": "T1"}],
        cadres=[{"cadre_id": "S", "rank": "副处", "party": "民盟"},
                {"cadre_id": "M", "party": "无党派"}, {"cadre_id": "Q"}],
        fit=[{"cadre_id": "M", "post_id": "P2", "score": 59}], reference_date=REF)


@pytest.mark.parametrize("score, counts", [(60, True), (59, False), (None, True)])
def test_r_tc6_a_newcomer_counts_from_min_fit(score, counts):
    data = non_party_team()
    sc = scenario({"R-TC6": {"keep_total": False}}, allow_release=True)
    fit = None if score is None else pd.Series({"P1": 0.0, "P2": float(score)})
    # S released, M new on P2: M counts with fit >= 60 (the given fit wins over the
    # data's 59); without a given fit the data's 59 is read
    report = check(data, sc, {"P1": "Q", "P2": "M"}, fit=fit)
    expected = int(counts) if score is not None else 0
    assert figure(report, "R-TC6", "T1") == (1, expected, 1 - expected)


def test_r_tc6_fit_from_the_roster_column_and_unknown_fit():
    data = make_dataset(
        teams=[{"team_id": "T1", "needs_non_party": True}],
        posts=[{"post_id": "P1", "team_id": "T1"}],
        cadres=[{"cadre_id": "M", "party": "无党派"}], reference_date=REF)
    sc = scenario({"R-TC6": {"keep_total": False}})
    # no fit given, none in the roster or the data: the line counts
    assert figure(check(data, sc, {"P1": "M"}), "R-TC6", "T1") == (1, 1, 0)
    column = check_roster(sc, data, pd.DataFrame({"post_id": ["P1"], "cadre_id": ["M"],
                                                  "fit": ["42"]}))
    assert figure(column, "R-TC6", "T1") == (1, 0, 1)
    empty = check_roster(sc, data, pd.DataFrame({"post_id": ["P1"], "cadre_id": ["M"],
                                                 "fit": [""]}))
    assert figure(empty, "R-TC6", "T1") == (1, 1, 0)


def test_r_tc6_reads_the_fit_column_of_roster_csv(tmp_path):
    data = make_dataset(
        teams=[{"team_id": "T1", "needs_non_party": True}],
        posts=[{"post_id": "P1", "team_id": "T1"}],
        cadres=[{"cadre_id": "M", "party": "无党派"}], reference_date=REF)
    path = tmp_path / "roster.csv"
    path.write_text("职位编号,人员编号,匹配度,姓名\nP1,M,59,某\n", encoding="utf-8")
    roster = read_roster(path)
    assert roster["fit"].tolist() == ["59"]
    report = check_roster(scenario({"R-TC6": {"keep_total": False}}), data, roster)
    assert figure(report, "R-TC6", "T1") == (1, 0, 1)  # 59 < min_fit 60


def test_r_tc6_a_non_party_stayer_counts_whatever_the_fit():
    data = non_party_team()
    sc = scenario({"R-TC6": {}})
    report = check(data, sc, {"P1": "S", "P2": "Q"}, fit=pd.Series({"P1": 0.0, "P2": 0.0}))
    assert figure(report, "R-TC6", "T1", "team") == (1, 1, 0)
    # the city: 1 non-Party incumbent before, 1 after
    assert figure(report, "R-TC6", "city", "all") == (1, 1, 0)
    assert report.ok  # a target by default


def test_r_tc6_the_city_total_does_not_fall():
    data = non_party_team()
    sc = scenario({"R-TC6": {}}, allow_release=True)
    report = check(data, sc, {"P1": "Q", "P2": "M"}, fit=pd.Series({"P2": 10.0}))
    # team: M is weak (10 < 60), S left: 0 of 1; city: 1 before, M holds a post: 1 after
    assert figure(report, "R-TC6", "T1", "team") == (1, 0, 1)
    assert figure(report, "R-TC6", "city", "all") == (1, 1, 0)
    fewer = check(data, sc, {"P1": "Q", "P2": "S"})  # S moves to P2, M not placed
    assert figure(fewer, "R-TC6", "city", "all") == (1, 1, 0)
    dropped = check(make_dataset(
        teams=[{"team_id": "T1"}],
        posts=[{"post_id": "P1", "team_id": "T1", "incumbent_id": "S"}],
        cadres=[{"cadre_id": "S", "rank": "副处", "party": "民盟"}, {"cadre_id": "Q"}],
        reference_date=REF), scenario({"R-TC6": {"mode": "hard"}}, allow_release=True),
        {"P1": "Q"})
    assert broken(dropped) == {("R-TC6", "city")}
    totals = dropped.totals.set_index(["rule", "scope"])
    assert totals.loc[("R-TC6", "all"), "shortfall"] == 1


# --- R-TC10 (b) and R-TC11 -------------------------------------------------------------------


def test_r_tc10_average_over_party_and_government_teams_only():
    data = make_dataset(
        teams=[{"team_id": "TG", "kind": "county_gov"}, {"team_id": "TN", "kind": "county_npc"}],
        posts=[{"post_id": "G1", "team_id": "TG", "incumbent_id": "A"},
               {"post_id": "N1", "team_id": "TN", "incumbent_id": "B"}],
        cadres=[{"cadre_id": "A", "rank": "副处", "birth_date": "1976-01-01"},  # 50
                {"cadre_id": "B", "rank": "副处", "birth_date": "1966-09-02"},  # 59
                {"cadre_id": "Y", "rank": "副处", "birth_date": "1986-01-01"}],  # 40
        reference_date=REF)
    report = check(data, scenario({"R-TC10": {}}), {"G1": "A", "N1": "B"})
    # (b) over county_gov only: before 50, goal floor((50 - 1) x 1) = 49, after 50: 1 above
    assert figure(report, "R-TC10", "all", "all") == (49, 50, 1)
    # (a) still over every kind of `kinds`: both teams have a band figure
    assert figure(report, "R-TC10", "TN", "team") == (1, 1, 0)
    all_kinds = check(data, scenario({"R-TC10": {"avg_kinds": ["county_gov", "county_npc"]}}),
                      {"G1": "A", "N1": "B"})
    # before (50 + 59) / 2 = 54.5: goal floor(53.5 x 2) = 107, after 109
    assert figure(all_kinds, "R-TC10", "all", "all") == (107, 109, 2)


def test_r_tc11_young_heads_aged_38_to_42():
    teams = [{"team_id": f"T{i}", "kind": "county_party"} for i in range(1, 6)] + [
        {"team_id": "TN", "kind": "county_npc"}]
    posts = [{"post_id": f"H{i}", "team_id": f"T{i}", "grade": "head"} for i in range(1, 6)]
    posts += [{"post_id": "D1", "team_id": "T1"}, {"post_id": "HN", "team_id": "TN",
                                                   "grade": "head"}]
    births = {"A38": "1988-09-01", "A42": "1983-09-02", "A37": "1988-09-02",
              "A43": "1983-09-01", "B40": "1986-01-01", "D40": "1986-01-01",
              "N40": "1986-01-01"}
    data = make_dataset(teams=teams, posts=posts,
                        cadres=[{"cadre_id": c, "birth_date": b} for c, b in births.items()],
                        reference_date=REF)
    roster = {"H1": "A38", "H2": "A42", "H3": "A37", "H4": "A43", "H5": "B40", "D1": "D40",
              "HN": "N40"}
    report = check(data, scenario({"R-TC11": {}}), roster)
    # heads of county_party teams aged 38..42: A38, A42, B40 (A37, A43 out of the band;
    # D40 is a deputy, N40 heads a county_npc team)
    assert figure(report, "R-TC11", "all", "all") == (3, 3, 0)
    hard = check(data, scenario({"R-TC11": {"mode": "hard", "min_count": 4}}), roster)
    assert broken(hard) == {("R-TC11", "all")}


# --- R-RO9 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("finding, cadre_rank, post_rank, stays, breaks", [
    ("unfit_post", "副处", "副处", True, True),  # may not stay
    ("unfit_post", "副处", "副处", False, False),  # lateral
    ("unfit_post", "正处", "副处", False, False),  # one rank down
    ("unfit_post", "正处", "正科", False, True),  # two down
    ("unfit_post", "正科", "副处", False, True),  # promotion
    ("incompetent", "副处", "副处", True, True),
    ("incompetent", "副处", "副处", False, True),  # same rank
    ("incompetent", "正科", "副处", False, True),  # higher
    ("incompetent", "正处", "副处", False, False),  # demoted
    ("", "副处", "副处", True, False),
])
def test_r_ro9_a_finding_binds(finding, cadre_rank, post_rank, stays, breaks):
    data = one_line({"rank": cadre_rank, "finding": finding}, {"rank": post_rank}, stays=stays)
    locks = {"must": [{"cadre": "X", "post": "P1"}]}  # a demotion needs a must lock
    report = check(data, scenario({"R-RO9": {"mode": "hard"}}, locks=locks), {"P1": "X"})
    assert broken(report) == ({("R-RO9", "P1")} if breaks else set())


def test_r_ro9_votes_mark_by_default_and_act_as_an_option():
    data = make_dataset(
        teams=[{"team_id": "T1"}],
        posts=[{"post_id": "P1", "team_id": "T1", "incumbent_id": "X"},
               {"post_id": "P2", "team_id": "T1", "incumbent_id": "Y"}],
        cadres=[{"cadre_id": "X", "rank": "副处", "rating_good": 0.6},
                {"cadre_id": "Y", "rank": "副处", "rating_bad": 0.4},
                # on the thresholds up to float noise: not marked
                {"cadre_id": "Z", "rank": "副处", "rating_good": 0.6666666667},
                {"cadre_id": "W", "rank": "副处", "rating_bad": 0.3333333333}],
        reference_date=REF)
    roster = {"P1": "X", "P2": "Y"}
    mark = check(data, scenario({"R-RO9": {"mode": "hard"}}), roster)
    assert mark.ok
    assert mark.marked[["cadre_id", "post_id", "vote"]].values.tolist() == [
        ["X", "P1", "adjust"], ["Y", "P2", "remove"]]
    act = check(data, scenario({"R-RO9": {"mode": "hard", "votes": "act"}}), roster)
    assert broken(act) == {("R-RO9", "P1"), ("R-RO9", "P2")}
    assert act.marked.empty


# --- posts filled through another channel ----------------------------------------------------


def county_with_military(incumbent: bool = True, **post_kw):
    """A county_party team: P1 (a civilian post, held by A) and M1 人武部部长 (held now by
    officer O when `incumbent`); N is a civilian candidate."""
    m1 = {"post_id": "M1", "team_id": "T1", "title": "人武部部长", **post_kw}
    if incumbent:
        m1["incumbent_id"] = "O"
    return make_dataset(
        teams=[{"team_id": "T1", "kind": "county_party"}],
        posts=[{"post_id": "P1", "team_id": "T1", "incumbent_id": "A"}, m1],
        cadres=[{"cadre_id": "A", "rank": "副处"},
                {"cadre_id": "O", "rank": "副处", "birth_date": "1960-01-01", "party": "cpc"},
                {"cadre_id": "N", "rank": "副处", "gender": "F"}],
        reference_date=REF)


def test_a_military_post_is_not_filled_by_a_civilian():
    data = county_with_military(incumbent=False)
    report = check(data, scenario(), {"P1": "A", "M1": "N"})
    assert broken(report) == {("FILLED_BY", "M1")}
    assert "人武部" not in report.violations[0].text("en")  # the message names the channel
    assert "military" in report.violations[0].text("en")
    # left open: no line, or an empty cadre cell
    assert check(data, scenario(), {"P1": "A"}).ok
    assert check(data, scenario(), {"P1": "A", "M1": ""}).ok
    # filled_by = scope overrides the title: then it is an ordinary post
    scope = county_with_military(incumbent=False, filled_by="scope")
    assert check(scope, scenario(), {"P1": "A", "M1": "N"}).ok
    assert broken(check(scope, scenario(), {"P1": "A"})) == {("ONE_HOLDER", "M1")}


def test_a_post_filled_above_keeps_its_incumbent_exempt_from_pair_rules():
    data = make_dataset(
        teams=[{"team_id": "T1"}],
        posts=[{"post_id": "P1", "team_id": "T1", "incumbent_id": "U", "filled_by": "above",
                "key_post": True}],
        cadres=[{"cadre_id": "U", "rank": "副处", "birth_date": "1960-01-01"},
                {"cadre_id": "N", "rank": "副处", "home_region": "R2"}], reference_date=REF)
    # U is 66 and the post is a key post in the home region: R-EL7 and R-AV2 would break
    # the line, but the department does not appoint U
    hard = scenario({"R-EL7": {"mode": "hard"}, "R-AV2": {"mode": "hard"}})
    assert check(data, hard, {"P1": "U"}).ok
    # U not leaving must keep it: moving U out, or putting N in, is FILLED_BY
    assert broken(check(data, hard, {"P1": "N"})) == {("FILLED_BY", "P1")}
    assert {v.code for v in check(data, hard, {"P1": "N"}).violations} == {
        "chk_filled_by", "chk_channel_kept"}
    assert broken(check(data, hard, {})) == {("FILLED_BY", "P1")}


def test_an_open_channel_post_is_not_counted_in_team_sizes():
    data = county_with_military(incumbent=False)
    # R-TC1 (share 1/3 of size): size is 1 (P1), not 2 -> ceil(1/3 x 1) = 1
    sc = scenario({"R-TC1": {"kinds": ["county_party"], "mode": "target", "share": "1/2"}})
    report = check(data, sc, {"P1": "A"})
    assert figure(report, "R-TC1", "T1") == (1, 0, 1)
    held = check(county_with_military(incumbent=True), sc, {"P1": "A", "M1": "O"})
    assert figure(held, "R-TC1", "T1") == (1, 0, 1)  # ceil(1/2 x 2) = 1
    three = scenario({"R-TC1": {"kinds": ["county_party"], "mode": "target", "share": 1}})
    assert figure(check(data, three, {"P1": "A"}), "R-TC1", "T1")[0] == 1
    assert figure(check(county_with_military(True), three, {"P1": "A", "M1": "O"}),
                  "R-TC1", "T1")[0] == 2


def test_a_leaving_channel_incumbent_leaves_the_post_open():
    data = make_dataset(
        teams=[{"team_id": "T1", "kind": "county_party"}],
        posts=[{"post_id": "M1", "team_id": "T1", "title": "县人武部部长",
                "incumbent_id": "O"}],
        cadres=[{"cadre_id": "O", "rank": "副处", "leaving": True}], reference_date=REF)
    report = check(data, scenario(), {})
    assert report.ok
    assert report.departures.values.tolist() == [["O", "M1", "leaving"]]


# --- leaving the roster ----------------------------------------------------------------------


def sitting(**cadre_kw):
    """T1: P1 held now by A (with `cadre_kw`), P2 vacant; B a candidate."""
    return make_dataset(
        teams=[{"team_id": "T1"}],
        posts=[{"post_id": "P1", "team_id": "T1", "incumbent_id": "A"},
               {"post_id": "P2", "team_id": "T1"}],
        cadres=[{"cadre_id": "A", "rank": "副处", **cadre_kw},
                {"cadre_id": "B", "rank": "副处"}, {"cadre_id": "C", "rank": "副处"}],
        reference_date=REF)


def test_a_release_without_cause_is_a_violation():
    report = check(sitting(), scenario(), {"P1": "B", "P2": "C"})
    assert broken(report) == {("RELEASE", "A")}
    assert report.departures.values.tolist() == [["A", "P1", ""]]
    assert "release without cause" in report.violations[0].text("en")
    # moved to another post is not a release
    assert check(sitting(), scenario(), {"P1": "B", "P2": "A"}).ok
    allowed = check(sitting(), scenario(allow_release=True), {"P1": "B", "P2": "C"})
    assert allowed.ok and allowed.departures.values.tolist() == [["A", "P1", "allowed"]]


@pytest.mark.parametrize("cadre_kw, rules, locks, cause", [
    ({"leaving": True}, {}, {}, "leaving"),
    ({}, {}, {"forbid": [{"cadre": "A", "post": "P1"}]}, "lock"),
    ({"birth_date": "1966-09-01"}, {"R-EL7": {"mode": "hard"}}, {}, "R-EL7"),
    ({"assessments": ("不称职", "称职", "称职")}, {"R-EL4": {"mode": "hard"}}, {}, "R-EL4"),
    ({"finding": "unfit_post"}, {"R-RO9": {"mode": "hard"}}, {}, "R-RO9"),
    ({"sanction_until": "2027-01-01"}, {"R-EL12": {"mode": "hard"}}, {}, "R-EL12"),
])
def test_a_release_with_a_cause_names_it(cadre_kw, rules, locks, cause):
    report = check(sitting(**cadre_kw), scenario(rules, locks=locks), {"P1": "B", "P2": "C"})
    assert report.ok, report.render("en")
    assert report.departures.values.tolist() == [["A", "P1", cause]]


@pytest.mark.parametrize("cadre_kw, rules, moves, releases", [
    ({}, {}, 1, 1),  # allowed to stay: a move and a release
    ({"leaving": True}, {}, 0, 0),
    ({"birth_date": "1966-09-01"}, {"R-EL7": {"mode": "hard"}}, 0, 0),  # 60: barred
    ({"birth_date": "1966-09-02"}, {"R-EL7": {"mode": "hard"}}, 1, 1),  # 59: may stay
    ({"assessments": ("不称职",)}, {"R-EL4": {"mode": "hard"}}, 0, 0),
    ({"file_ok": False}, {"R-EL5": {"mode": "hard"}, "R-EL12": {"mode": "hard"}}, 0, 0),
    ({"file_ok": False}, {"R-EL12": {"mode": "hard"}}, 0, 1),  # R-EL5 off: not barred
    ({"post_since": "2010-01-01"}, {"R-RO3": {"mode": "hard"}}, 0, 1),  # exchange: new post
])
def test_the_objective_charges_releases_not_barred_from_every_post(cadre_kw, rules, moves,
                                                                     releases):
    sc = scenario(rules, allow_release=True, weights={"fit": 1, "move": 20, "release": 200})
    terms = check(sitting(**cadre_kw), sc, {"P1": "B", "P2": "C"}).objective_terms()
    assert terms["releases"] == releases
    assert terms["moves"] == moves
    assert terms["objective"] == -20 * moves - 200 * releases


def test_r_av2_names_the_home_region_by_its_place():
    """The R-AV2 line a planner reads names the region as its teams do (洪洞县（R2）),
    not by its id alone."""
    data = one_line(cadre_kw={"home_region": "R2", "rank": "副处"},
                    post_kw={"key_post": True},
                    team_kw={"region": "R2", "name": "中共洪洞县委员会"})
    report = check(data, scenario({"R-AV2": {"mode": "hard"}}), {"P1": "X"})
    assert broken(report) == {("R-AV2", "P1")}
    (v,) = report.violations
    assert "洪洞县（R2）" in v.text("zh") and "洪洞县（R2）" in v.text("en")


# A rule made a target still gives its cause (docs/rules.md, "Leaving the roster"): the
# cadre it bars may stay at its weight, or move or leave as under the hard rule, the move
# uncharged; the hard rule's rosters keep their objective (issue 30).
TARGET_CAUSES = [
    ({"post_since": "2010-01-01"}, "R-RO3", {}),  # R-RO3 is a target by default
    ({"finding": "unfit_post"}, "R-RO9", {}),
    ({"assessments": ("不称职", "称职", "称职")}, "R-EL4", {}),
    ({"birth_date": "1966-09-01"}, "R-EL7", {}),
    ({"sanction_until": "2027-01-01"}, "R-EL12", {}),
]


@pytest.mark.parametrize("cadre_kw, rule, params", TARGET_CAUSES)
def test_a_target_rule_the_staying_line_breaks_is_a_cause(cadre_kw, rule, params):
    hard = scenario({rule: {"mode": "hard", **params}})
    target = scenario({rule: {"mode": "target", **params}})
    released = {"P1": "B", "P2": "C"}
    for sc in (hard, target):
        report = check(sitting(**cadre_kw), sc, released)
        assert report.ok, report.render("en")  # no RELEASE: the rule is the cause
        assert report.departures.values.tolist() == [["A", "P1", rule]]
    # staying breaks the target (one unit short), and moving is no charged move
    stays = check(sitting(**cadre_kw), target, {"P1": "A", "P2": "B"})
    assert stays.ok and int(stays.totals.set_index("rule").loc[rule, "shortfall"]) == 1
    moved = check(sitting(**cadre_kw), target, {"P1": "B", "P2": "A"})
    assert moved.moved == []


@pytest.mark.parametrize("cadre_kw, rule, params", TARGET_CAUSES)
def test_a_hard_rule_s_roster_costs_the_same_once_the_rule_is_a_target(cadre_kw, rule,
                                                                        params):
    weights = {"fit": 1, "move": 20, "release": 200}
    kept = 0
    for roster in ({"P1": "B", "P2": "C"}, {"P1": "B", "P2": "A"}):
        hard, target = (check(sitting(**cadre_kw), scenario({rule: {"mode": mode, **params}},
                                                            weights=weights), roster)
                        for mode in ("hard", "target"))
        if not hard.ok:  # A moved where the hard rule bars every post: not its roster
            continue
        kept += 1
        assert target.ok, target.render("en")
        terms = [r.objective_terms() for r in (hard, target)]
        for key in ("objective", "moves", "releases"):
            assert terms[1][key] == terms[0][key], (rule, roster, key)
        assert terms[1]["moves"] == 0
    assert kept


def test_r_av1_as_a_target_is_a_cause_for_kin_in_one_team():
    data = make_dataset(
        teams=[{"team_id": "T1"}],
        posts=[{"post_id": "P1", "team_id": "T1", "incumbent_id": "A"},
               {"post_id": "P2", "team_id": "T1", "incumbent_id": "K"}],
        cadres=[{"cadre_id": "A", "rank": "副处"}, {"cadre_id": "K", "rank": "副处"},
                {"cadre_id": "B", "rank": "副处"}],
        relations=[{"cadre_a": "A", "cadre_b": "K", "relation": "spouse"}],
        reference_date=REF)
    for mode in ("hard", "target"):
        report = check(data, scenario({"R-AV1": {"mode": mode}}), {"P1": "B", "P2": "K"})
        assert report.ok and report.departures.values.tolist() == [["A", "P1", "R-AV1"]]
    off = check(data, scenario(), {"P1": "B", "P2": "K"})
    assert broken(off) == {("RELEASE", "A")}
