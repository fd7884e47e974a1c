"""Find candidates for a post and try one in a team: the façade (`api.candidates`,
`api.try_member`, `api.team_profiles`) agrees with the engine's own readings.

No solve here: the eligibility of every cadre for a post is checked against the pairs
the model gets (`eligible_pairs`) and `why-not`'s reasons for the pairs it removes.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from placement import api
from placement.eligibility.facts import compute_facts
from placement.eligibility.pairs import eligible_pairs
from placement.explain.whynot import excluded_by

LINFEN = Path(__file__).resolve().parents[2] / "scenarios" / "linfen.toml"


@pytest.fixture(scope="module")
def linfen():
    return api.load(LINFEN)


@pytest.mark.parametrize("post", ["R01-DW-01", "R02-ZF-07"])
def test_every_cadre_is_judged_as_why_not_judges_it(linfen, post):
    sc, data = linfen
    facts = compute_facts(data, sc.reference_date)
    pairs = eligible_pairs(data, sc, facts)
    p = int(np.flatnonzero(data.posts["post_id"] == post)[0])
    frame = api.candidates(sc, data, post).set_index("cadre_id")
    ids = data.cadres["cadre_id"].tolist()
    # Outside the structural universe (R-EL9 hard: past its rank steps) no pair exists.
    structural = {"LEAVING", "NOT_CANDIDATE", "NOT_NOMINATED", "DEMOTION", "R-EL9"}
    for c, cid in enumerate(ids):
        want = excluded_by(sc, data, facts, pairs, c, p) or []
        got = frame.at[cid, "excluded_by"]
        if structural.isdisjoint(got):  # in the model's universe: the very same reasons
            assert got == want, cid
        else:  # outside it why-not stops at the structural reasons; the list adds rules
            assert [r for r in got if r in want] == want and got, cid
    assert frame["eligible"].sum() == int((pairs.post == p).sum())  # one pair per eligible


def test_conditions_and_ranking(linfen):
    """农业专长、本科及以上、50岁以下 for 尧都区委书记 (R01-DW-01). On the data regenerated
    for issue 24 no cadre with township party-secretary experience is eligible for the
    post (121 meet 担任过乡镇党委书记、本科及以上、50岁以下, none eligible), so the
    specialty stands in: 79 meet the conditions, 常阳茜 (LF00039, 副市长 of R02) the one
    eligible."""
    sc, data = linfen
    cond = api.Conditions(max_age=50, education="bachelor", specialty="农业")
    frame = api.candidates(sc, data, "R01-DW-01", cond)
    assert len(frame) == 79 and frame["eligible"].sum() == 1
    assert (frame["age"] < 50).all() and frame["specialties"].map(lambda s: "农业" in s).all()
    assert set(frame["education"]) <= {"bachelor", "postgraduate"}
    first = frame.iloc[0]
    assert (first["cadre_id"], first["fit"], first["why_zh"]) == (
        "LF00039", 31, "可任，人岗相适 31")
    rest = frame.iloc[1:]
    assert not rest["eligible"].any()
    # Ineligible rows follow by fewer target rules broken, then fit, high first.
    keys = list(zip(rest["n_breaks"], -rest["fit"], strict=True))
    assert keys == sorted(keys)
    assert frame.iloc[1]["why_zh"].startswith("不可任：")


def test_a_trial_shows_the_team_and_its_ties(linfen):
    """LF00673, spouse of LF00236 (relations row 6, who holds R09-ZX-05), dropped into
    R09-ZX-02: a kin tie in team R09-ZX after, none before; the holder it displaces
    leaves, so the size stays and women change by (newcomer a woman) - (displaced one).
    (Data regenerated for issue 24: the spouse pairs of rows 0 and 4 hold no post now;
    row 6's b, LF00673, holds none, and the tie keeps the row's order, a then b, so the
    cadre tried is its b.)"""
    sc, data = linfen
    facts = compute_facts(data, sc.reference_date)
    rel = data.relations.iloc[6]
    assert (rel["cadre_a"], rel["cadre_b"], rel["relation"]) == ("LF00236", "LF00673", "spouse")
    t = api.try_member(sc, data, "LF00673", "R09-ZX-02")
    kin = t.ties[(t.ties["rule"] == "R-AV1") & (t.ties["team_id"] == "R09-ZX")]
    assert kin[["when", "cadre_a", "cadre_b", "post_a", "post_b"]].values.tolist() == [
        ["after", "LF00236", "LF00673", "R09-ZX-05", "R09-ZX-02"]]
    team = t.teams.set_index("when")
    assert list(t.teams["team_id"]) == ["R09-ZX", "R09-ZX"]  # LF00673 held no post
    before = api.team_profiles(sc, data).set_index("team_id").loc["R09-ZX"]
    assert team.loc["before", "size"] == before["size"] == team.loc["after", "size"]
    gender = data.cadres.set_index("cadre_id")["gender"]
    displaced = data.cadres["cadre_id"].iat[t.displaced]
    assert displaced == data.posts.set_index("post_id").at["R09-ZX-02", "incumbent_id"]
    d = int(gender["LF00673"] == "F") - int(gender[displaced] == "F")
    assert team.loc["after", "women"] == team.loc["before", "women"] + d
    assert facts.p_incumbent[t.post] == t.displaced


def test_a_trial_that_moves_a_cadre_out_ends_a_tie(linfen):
    """LF00246 and LF00240 (in-laws) both serve in R10-DW; LF00246 moved to R02-DW-04
    ends that tie: both teams are shown, R10-DW one member smaller. The regenerated
    relations (12 rows) hold no pair serving in one team, so the in-law row is added here."""
    sc, data = linfen
    kin_row = pd.DataFrame({"cadre_a": ["LF00246"], "cadre_b": ["LF00240"],
                            "relation": ["in_law"]})
    data = replace(data, relations=pd.concat([data.relations, kin_row], ignore_index=True))
    t = api.try_member(sc, data, "LF00246", "R02-DW-04")
    assert list(t.teams["team_id"]) == ["R02-DW", "R10-DW", "R02-DW", "R10-DW"]
    kin = t.ties[t.ties["rule"] == "R-AV1"]
    assert kin[["when", "team_id"]].values.tolist() == [["before", "R10-DW"]]
    r10 = t.teams[t.teams["team_id"] == "R10-DW"].set_index("when")["size"]
    assert r10["after"] == r10["before"] - 1


def test_profiles_add_up(linfen):
    """Every held post counted once: sizes sum to the incumbents (451 posts less the
    vacancies), and the education and age-band columns each sum to the size."""
    sc, data = linfen
    prof = api.team_profiles(sc, data)
    held = int((data.posts["incumbent_id"] != "").sum())
    assert prof["size"].sum() == held
    edu = prof[[c for c in prof if c.startswith("edu_")]].sum(axis=1)
    bands = prof[[c for c in prof if c.startswith("band:")]].sum(axis=1)
    assert (edu == prof["size"]).all() and (bands == prof["size"]).all()
