"""Eligibility pair rules R-EL1, R-EL2, R-EL3, R-EL4, R-EL5, R-EL6, R-EL7, R-EL8, R-EL9,
R-EL10, R-EL11, R-EL12.

Each rule has a list of probes (rulekit.Probe): one line each, at a threshold and one
step across it, out of the rule's scope, and staying (R-EL1–R-EL3, R-EL5–R-EL9 judge new
placements only; R-EL4 and R-EL10 also judge staying). The model side solves the probes with the
rule off (every probe cadre placed) and hard (exactly the probes that keep the rule); the
checker side fails the all-probe roster on exactly the breaking posts.

Reference date 2026-09-01; default cadres are 正科 since 2015-01-01, born 1980-01-01 (46),
bachelor, approval 0.9; default posts are 副处 deputies (a default placement is a promotion
by one step). Tenures are days / 365.25.
"""

from __future__ import annotations

from dataclasses import replace

from rulekit import (
    Probe,
    check,
    checker_side_pair_rule,
    model_side_pair_rule,
    model_side_pair_target,
    placed,
    probe_data,
    solve,
)

from placement.data.rules import default_rules

LATERAL = {"rank": "副处"}  # a 副处 cadre on a 副处 post: step 0, no promotion

EL1 = [
    Probe("college is exactly the minimum", {"education": "college"}, keeps=True),
    Probe("below college on a 副处 post", {"education": "other"}, keeps=False),
    Probe("正科 post is not among ranks", {"education": "other"}, keeps=True,
          post={"rank": "正科"}),
    Probe("staying is not re-examined", {"education": "other", **LATERAL}, keeps=True,
          stays=True),
]


def test_R_EL1_model_education_minimum_and_rank_scope():
    model_side_pair_rule("R-EL1", EL1)


def test_R_EL1_checker_education_minimum_and_rank_scope():
    checker_side_pair_rule("R-EL1", EL1)


EL2 = [
    # "满3年" on the third anniversary (docs/rules.md, "Tenure"): 2023-09-01 is 3 years on
    # 2026-09-01, though 1096 days / 365.25 = 3.0007 and 1095 / 365.25 would fall short.
    Probe("the third anniversary", {"rank_since": "2023-09-01"}, keeps=True),
    Probe("a day short of it", {"rank_since": "2023-09-02"}, keeps=False),
    Probe("lateral move needs no years", {"rank_since": "2026-01-01", **LATERAL}, keeps=True),
    # 29 February: the anniversary falls on 28 February in a common year; 2024-02-29 is
    # 2.5 years on 2026-09-01 less than 3 but 2 whole years and more, so min_years 2.5 reads
    # the elapsed part of the year (185 of 365 days since 2026-02-28: 2.507)
    Probe("29 February start, 2.5 years", {"rank_since": "2024-02-29"}, keeps=False),
]
# A fractional threshold, 2.5 years: the leap-day start is 2 anniversaries + 185/365 = 2.507;
# 2024-03-10 is 2 anniversaries + 175/365 = 2.479.
EL2_HALF = {"min_years": 2.5}
EL2_HALF_PROBES = [
    Probe("29 February start, 2.507 years", {"rank_since": "2024-02-29"}, keeps=True),
    Probe("2.479 years", {"rank_since": "2024-03-10"}, keeps=False),
]


def test_R_EL2_model_years_at_rank():
    model_side_pair_rule("R-EL2", EL2)
    model_side_pair_rule("R-EL2", EL2_HALF_PROBES, EL2_HALF)


def test_R_EL2_checker_years_at_rank():
    checker_side_pair_rule("R-EL2", EL2)
    checker_side_pair_rule("R-EL2", EL2_HALF_PROBES, EL2_HALF)


EL3 = [
    Probe("基本称职 third newest", {"assessments": ("称职", "称职", "基本称职")}, keeps=False),
    Probe("基本称职 fourth newest: outside 3 years",
          {"assessments": ("称职", "称职", "称职", "基本称职")}, keeps=True),
    Probe("不称职 second newest", {"assessments": ("优秀", "不称职")}, keeps=False),
    Probe("all good", {"assessments": ("优秀", "优秀", "称职")}, keeps=True),
    Probe("staying is not re-examined", {"assessments": ("称职", "基本称职"), **LATERAL},
          keeps=True, stays=True),
]


def test_R_EL3_model_last_grades():
    model_side_pair_rule("R-EL3", EL3)
    # years = 2: the third newest 基本称职 (probe 1) no longer counts
    flipped = [replace(EL3[0], keeps=True), *EL3[1:]]
    model_side_pair_rule("R-EL3", flipped, {"years": 2})


def test_R_EL3_checker_last_grades():
    checker_side_pair_rule("R-EL3", EL3)


BASIC = ("基本称职", "称职", "称职")
EL4 = [
    Probe("staying with newest 不称职", {"assessments": ("不称职", "称职"), **LATERAL},
          keeps=False, stays=True),
    Probe("staying with an older 不称职", {"assessments": ("称职", "不称职"), **LATERAL},
          keeps=True, stays=True),
    # 2026 - 2025 = 1 <= 1: too recent for a promotion
    Probe("promotion a year after 基本称职", {"assessments": BASIC, "assessment_year": 2025},
          keeps=False),
    # 2026 - 2024 = 2 > 1
    Probe("promotion two years after 基本称职", {"assessments": BASIC, "assessment_year": 2024},
          keeps=True),
    Probe("lateral after 基本称职", {"assessments": BASIC, "assessment_year": 2025, **LATERAL},
          keeps=True),
    Probe("lateral with newest 不称职", {"assessments": ("不称职",), **LATERAL}, keeps=False),
    # an empty assessment_year: the 基本称职's year is unknown, and an unknown year does not
    # bar a promotion (docs/rules.md, R-EL4: the data give no year to count from)
    Probe("promotion after 基本称职, year empty", {"assessments": BASIC, "assessment_year": ""},
          keeps=True),
    Probe("promotion with no grades at all", {"assessments": (), "assessment_year": ""},
          keeps=True),
    Probe("staying with no grades at all", {"assessments": (), **LATERAL}, keeps=True,
          stays=True),
]


def test_R_EL4_model_weak_grades():
    model_side_pair_rule("R-EL4", EL4)


def test_R_EL4_checker_weak_grades():
    checker_side_pair_rule("R-EL4", EL4)


EL5 = [
    Probe("sanction ends the day after", {"sanction_until": "2026-09-02"}, keeps=False),
    Probe("sanction ends on the reference date", {"sanction_until": "2026-09-01"}, keeps=True),
    Probe("file not cleared", {"file_ok": False}, keeps=False),
    Probe("matters not truthful", {"matters_ok": False}, keeps=False),
    Probe("spouse abroad, plain deputy post", {"spouse_abroad": True}, keeps=True),
    Probe("spouse abroad, head post", {"spouse_abroad": True}, keeps=False,
          post={"grade": "head"}),
    Probe("spouse abroad, key deputy post", {"spouse_abroad": True}, keeps=False,
          post={"key_post": True}),
    Probe("staying is not re-examined", {"file_ok": False, **LATERAL}, keeps=True, stays=True),
]


def test_R_EL5_model_sanction_file_matters_spouse():
    model_side_pair_rule("R-EL5", EL5)


def test_R_EL5_checker_sanction_file_matters_spouse():
    checker_side_pair_rule("R-EL5", EL5)


EL6 = [
    Probe("0.6666 < 2/3", {"approval": 0.6666}, keeps=False),
    Probe("exactly 2/3", {"approval": 2 / 3}, keeps=True),
    # 0.67 is below 2/3 + 0.02: a shifted threshold excludes it
    Probe("0.67 >= 2/3", {"approval": 0.67}, keeps=True),
    Probe("no approval, promotion", {"approval": ""}, keeps=False),
    Probe("no approval, lateral", {"approval": "", **LATERAL}, keeps=True),
    Probe("staying is not re-examined", {"approval": 0.5, **LATERAL}, keeps=True, stays=True),
]
EL6_OWN = [
    Probe("0.79 < 0.8", {"approval": 0.79}, keeps=False),
    Probe("exactly 0.8", {"approval": 0.8}, keeps=True),
    Probe("no approval, promotion allowed", {"approval": ""}, keeps=True),
]
EL6_OWN_PARAMS = {"threshold": 0.8, "missing_blocks_promotion": False}


def test_R_EL6_model_approval_threshold():
    model_side_pair_rule("R-EL6", EL6)
    model_side_pair_rule("R-EL6", EL6_OWN, EL6_OWN_PARAMS)


def test_R_EL6_checker_approval_threshold():
    checker_side_pair_rule("R-EL6", EL6)
    checker_side_pair_rule("R-EL6", EL6_OWN, EL6_OWN_PARAMS)


EL7 = [
    # retirement at 60 on the reference date (the birthday falls on it); reaching 60 within
    # the term is no bar by default (不唯年龄: `retiring_in_term` is off)
    Probe("59, lateral", {"birth_date": "1967-09-01", **LATERAL}, keeps=True),
    Probe("60 on the day, lateral", {"birth_date": "1966-09-01", **LATERAL}, keeps=False),
    Probe("60 tomorrow: still 59", {"birth_date": "1966-09-02", **LATERAL}, keeps=True),
    Probe("56, lateral: reaches 60 within the term", {"birth_date": "1970-09-01", **LATERAL},
          keeps=True),
    # promotion to 副处: limit 50
    Probe("50, promoted to 副处", {"birth_date": "1976-09-01"}, keeps=True),
    Probe("51, promoted to 副处", {"birth_date": "1975-09-01"}, keeps=False),
    # the limit is the new post's rank: 正处 allows 52
    Probe("51, promoted to 正处", {"birth_date": "1975-09-01", "rank": "副处"}, keeps=True,
          post={"rank": "正处"}),
    Probe("staying at 59", {"birth_date": "1967-01-01", **LATERAL}, keeps=True, stays=True),
    Probe("staying at 60 on the day: retires", {"birth_date": "1966-09-01", **LATERAL},
          keeps=False, stays=True),
]
# With `retiring_in_term`: no new post for one who reaches 60 within the 5-year term
# (56 + 5 = 61 > 60; 55 + 5 = 60 is not), staying unchanged.
EL7_IN_TERM = [
    Probe("55, lateral", {"birth_date": "1971-09-01", **LATERAL}, keeps=True),
    Probe("56, lateral", {"birth_date": "1970-09-01", **LATERAL}, keeps=False),
    Probe("staying at 58", {"birth_date": "1968-01-01", **LATERAL}, keeps=True, stays=True),
]


def test_R_EL7_model_age_limits():
    model_side_pair_rule("R-EL7", EL7)
    model_side_pair_rule("R-EL7", EL7_IN_TERM, {"retiring_in_term": True})


def test_R_EL7_checker_age_limits():
    checker_side_pair_rule("R-EL7", EL7)
    checker_side_pair_rule("R-EL7", EL7_IN_TERM, {"retiring_in_term": True})


FINANCE = {"specialties": ("财政",)}
EL8 = [
    Probe("has the specialty", FINANCE, keeps=True, post={"specialty": "财政"}, fallback=FINANCE),
    Probe("another specialty", {"specialties": ("农业",)}, keeps=False,
          post={"specialty": "财政"}, fallback=FINANCE),
    Probe("post requires none", {}, keeps=True),
    Probe("staying is not re-examined", LATERAL, keeps=True, stays=True,
          post={"specialty": "财政"}, fallback=FINANCE),
]


def test_R_EL8_model_specialty_hard_and_target():
    model_side_pair_rule("R-EL8", EL8)
    model_side_pair_target("R-EL8", EL8)


def test_R_EL8_checker_specialty():
    checker_side_pair_rule("R-EL8", EL8)


EL9 = [
    Probe("副科 to 副处: 2 steps", {"rank": "副科"}, keeps=False),
    Probe("正科 to 副处: 1 step", {}, keeps=True),
    Probe("副科 to 正科: 1 step", {"rank": "副科"}, keeps=True, post={"rank": "正科"}),
]
EL9_TWO = [
    Probe("副科 to 副处: 2 steps", {"rank": "副科"}, keeps=True),
    Probe("副科 to 正处: 3 steps", {"rank": "副科"}, keeps=False, post={"rank": "正处"}),
]


def test_R_EL9_model_one_level_at_a_time():
    model_side_pair_rule("R-EL9", EL9)
    model_side_pair_rule("R-EL9", EL9_TWO, {"max_steps": 2})
    # as a target the rank-step universe is open, so the mask alone prices the 2 steps
    model_side_pair_target("R-EL9", EL9)


def test_R_EL9_checker_one_level_at_a_time():
    checker_side_pair_rule("R-EL9", EL9)
    checker_side_pair_rule("R-EL9", EL9_TWO, {"max_steps": 2})


NON_PARTY = {"party": "民盟"}
PARTY_TEAM = {"kind": "county_party"}
EL10 = [
    Probe("non-Party in a county party committee post", NON_PARTY, keeps=False,
          team=PARTY_TEAM),
    Probe("CPC member in a county party committee post", {}, keeps=True, team=PARTY_TEAM),
    Probe("non-Party as a deputy county head", NON_PARTY, keeps=True,
          post={"title": "副县长"}),
    Probe("non-Party, title names a Party group", NON_PARTY, keeps=False,
          post={"title": "党组成员、副局长"}, team={"kind": "municipal_dept"}),
    Probe("non-Party, 人大常委会 is no Party office", NON_PARTY, keeps=True,
          post={"title": "人大常委会副主任"}, team={"kind": "county_npc"}),
    Probe("non-Party, 书记员 is no Party office", NON_PARTY, keeps=True,
          post={"title": "书记员"}),
    Probe("non-Party, township discipline secretary", NON_PARTY, keeps=False,
          post={"title": "纪委书记"}, team={"kind": "township"}),
    Probe("party_post false overrides the county party default", NON_PARTY, keeps=True,
          post={"party_post": "否"}, team=PARTY_TEAM),
    Probe("party_post true on a plain government title", NON_PARTY, keeps=False,
          post={"title": "副县长", "party_post": "是"}),
    Probe("staying non-Party incumbent of a Party post", {**NON_PARTY, **LATERAL},
          keeps=False, team=PARTY_TEAM, stays=True),
]
# One probe per spelling of a Party office in a title (docs/rules.md, R-EL10), each in a
# team that is not a county party committee, so only the title can make the post a Party
# post; each title holds that spelling and no other.
TOWNSHIP = {"kind": "township"}
EL10_TITLES = [
    Probe("书记: 街道工委书记", NON_PARTY, keeps=False, post={"title": "街道工委书记"},
          team={"kind": "street"}),
    Probe("常委: 县委常委、常务副县长 in the government", NON_PARTY, keeps=False,
          post={"title": "县委常委、常务副县长"}),
    Probe("党组: 党组成员", NON_PARTY, keeps=False, post={"title": "党组成员"},
          team={"kind": "municipal_dept"}),
    Probe("党委委员: 党委委员、副镇长", NON_PARTY, keeps=False, post={"title": "党委委员、副镇长"},
          team=TOWNSHIP),
    Probe("党工委委员: 党工委委员、副主任", NON_PARTY, keeps=False,
          post={"title": "党工委委员、副主任"}, team={"kind": "street"}),
    Probe("组织委员", NON_PARTY, keeps=False, post={"title": "组织委员"}, team=TOWNSHIP),
    Probe("宣传委员", NON_PARTY, keeps=False, post={"title": "宣传委员"}, team=TOWNSHIP),
    Probe("纪委: 纪委委员", NON_PARTY, keeps=False, post={"title": "纪委委员"}, team=TOWNSHIP),
    Probe("纪工委: 纪工委委员", NON_PARTY, keeps=False, post={"title": "纪工委委员"},
          team={"kind": "street"}),
    Probe("a plain township title: 副镇长", NON_PARTY, keeps=True, post={"title": "副镇长"},
          team=TOWNSHIP),
]


def test_R_EL10_model_party_posts_held_by_party_members():
    model_side_pair_rule("R-EL10", EL10)
    model_side_pair_target("R-EL10", EL10)
    model_side_pair_rule("R-EL10", EL10_TITLES)


def test_R_EL10_checker_party_posts_held_by_party_members():
    checker_side_pair_rule("R-EL10", EL10)
    checker_side_pair_rule("R-EL10", EL10_TITLES)


GOOD = ("优秀", "称职", "称职")
EXCELLENT_FALLBACK = {"assessments": GOOD}  # F<i> keeps R-EL11
EL11 = [
    Probe("优秀 newest, promoted", {"assessments": GOOD}, keeps=True, fallback=EXCELLENT_FALLBACK),
    Probe("优秀 third newest, promoted", {"assessments": ("称职", "称职", "优秀")}, keeps=True,
          fallback=EXCELLENT_FALLBACK),
    Probe("优秀 fourth newest only: outside 3 years",
          {"assessments": ("称职", "称职", "称职", "优秀")}, keeps=False,
          fallback=EXCELLENT_FALLBACK),
    Probe("no 优秀, promoted", {}, keeps=False, fallback=EXCELLENT_FALLBACK),
    Probe("no assessments, promoted", {"assessments": ()}, keeps=False,
          fallback=EXCELLENT_FALLBACK),
    Probe("no 优秀, lateral", LATERAL, keeps=True, fallback=EXCELLENT_FALLBACK),
    Probe("no 优秀, staying", LATERAL, keeps=True, stays=True, fallback=EXCELLENT_FALLBACK),
]


def test_R_EL11_model_excellent_before_promotion():
    model_side_pair_rule("R-EL11", EL11)
    # years = 2: the third newest 优秀 (probe 2) no longer counts
    model_side_pair_rule("R-EL11", [EL11[0], replace(EL11[1], keeps=False), *EL11[2:]],
                         {"years": 2})
    model_side_pair_target("R-EL11", EL11)


def test_R_EL11_model_off_by_default():
    """A county's own practice (seed 001): a scenario turns it on."""
    assert default_rules()["R-EL11"].mode == "off"


def test_R_EL11_checker_excellent_before_promotion():
    checker_side_pair_rule("R-EL11", EL11)
    checker_side_pair_rule("R-EL11", [EL11[0], replace(EL11[1], keeps=False), *EL11[2:]],
                           {"years": 2})


STAY = {**LATERAL}  # an incumbent of the 副处 post
EL12 = [
    Probe("staying, sanction ends the day after", {**STAY, "sanction_until": "2026-09-02"},
          keeps=False, stays=True),
    Probe("staying, sanction ends on the reference date",
          {**STAY, "sanction_until": "2026-09-01"}, keeps=True, stays=True),
    Probe("staying, file not cleared", {**STAY, "file_ok": False}, keeps=False, stays=True),
    Probe("staying, matters not truthful", {**STAY, "matters_ok": False}, keeps=False,
          stays=True),
    # not an age rule (age is R-EL7's alone): 56–59 stay
    Probe("staying at 56 on the day", {**STAY, "birth_date": "1970-09-01"}, keeps=True,
          stays=True),
    Probe("staying at 59", {**STAY, "birth_date": "1967-01-01"}, keeps=True, stays=True),
    Probe("staying, spouse abroad on a head post: R-EL5's, not re-vetted",
          {**STAY, "spouse_abroad": True}, keeps=True, stays=True, post={"grade": "head"}),
    Probe("new placement at 56 is R-EL7's, not R-EL12's", {**STAY, "birth_date": "1970-09-01"},
          keeps=True),
    Probe("new placement with file not cleared is R-EL5's", {"file_ok": False}, keeps=True),
]


def test_R_EL12_model_revetting_those_nominated_to_stay():
    model_side_pair_rule("R-EL12", EL12)
    model_side_pair_target("R-EL12", EL12)


def test_R_EL12_model_is_not_an_age_rule():
    """R-EL12 hard, R-EL7 off: a sitting 59-year-old and a 56-year-old stay (the old reading
    carried R-EL7's "within the term" and removed both); the file problem still bars."""
    probes = [EL12[2], EL12[4], EL12[5]]
    data = probe_data(probes)
    on = {"R-EL12": {"mode": "hard"}, "R-EL7": {"mode": "off"}}
    assert placed(solve(data, on)) == {"P1": "F1", "P2": "X2", "P3": "X3"}


def test_R_EL12_checker_revetting_those_nominated_to_stay():
    checker_side_pair_rule("R-EL12", EL12)
    data = probe_data([EL12[5]])
    assert check(data, {"R-EL12": {"mode": "hard"}}, {"P1": "X1"}).ok


def test_R_EL10_model_non_party_incumbent_in_a_party_post_is_a_warning():
    """R-EL10 in the data as given: valid input, but validate and solve say so (posts row 3,
    column incumbent_id), in Chinese and English; a Party member there or a non-Party
    cadre in a government post says nothing."""
    from builders import make_dataset

    from placement.meaning.posts import party_post_warnings, with_rule_warnings

    data = make_dataset(
        teams=[{"team_id": "DW", "kind": "county_party"}, {"team_id": "ZF", "kind": "county_gov"}],
        posts=[{"post_id": "P1", "team_id": "DW", "incumbent_id": "A"},
               {"post_id": "P2", "team_id": "DW", "incumbent_id": "B"},
               {"post_id": "P3", "team_id": "ZF", "incumbent_id": "C"}],
        cadres=[{"cadre_id": "A"}, {"cadre_id": "B", "party": "民盟"},
                {"cadre_id": "C", "party": "民盟"}])
    warned = party_post_warnings(data)
    assert [(w.row, w.column, w.params["post"], w.params["cadre"]) for w in warned] == [
        (3, "incumbent_id", "P2", "B")]
    assert "R-EL10" in warned[0].render("en") and "不是中共党员" in warned[0].render("zh")
    assert with_rule_warnings(data).warnings == data.warnings + tuple(warned)
