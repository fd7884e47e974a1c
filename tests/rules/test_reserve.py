"""Reserve pool coverage R-RS1: a report, never priced, each reserve counted for one post
(a matching, docs/rules.md "Reserve pool"). The model side shows that turning it on (with
a large weight) leaves the proposed roster and its objective unchanged, and that the
proposing side's reading (`placement.meaning.reserve`, through the shortfall explanation)
matches reserves to posts; the checker side shows its shortfall figure move with the
roster, with the hard pair rules that decide who counts as a reserve and with the
matching. The two sides must name the same covered posts.

Instance `reserves`: one team, head post P1 (副处). R1 and R2 are reserves for 副处 (fit
90 and 80), R3 a 副处 reserve without a college degree (fit 0), A a plain cadre (fit 50).
A head post needs 2 reserves left unplaced.

R-RS2 is a pair rule on probes (rulekit.Probe): a promotion of a cadre whose reserve_rank
is not the post's rank costs its weight. Default posts are 副处, cadres 正科 (a one-step
promotion); each fallback F<i> is a reserve for its post's rank, so it keeps the rule.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from rulekit import (
    Probe,
    check,
    checker_side_pair_rule,
    dataset,
    model_side_pair_rule,
    model_side_pair_target,
    placed,
    probe_data,
    probes_all_x,
    shortfall,
    solve,
    total_shortfall,
)
from solving import scenario

from placement.checker import check_roster
from placement.data.loader import load_dataset
from placement.data.scenario_io import load_scenario
from placement.eligibility.facts import compute_facts
from placement.explain.shortfalls import reserve_coverage, shortfall_causes
from placement.pipeline.propose import propose
from placement.roster.tables import read_members

ROOT = Path(__file__).resolve().parents[2]
RS1 = {"R-RS1": {"mode": "target"}}


def reserves():
    cadres = [{"cadre_id": "R1", "reserve_rank": "副处"}, {"cadre_id": "R2",
                                                          "reserve_rank": "副处"},
              {"cadre_id": "R3", "reserve_rank": "副处", "education": "other"},
              {"cadre_id": "A"}]
    posts = [{"post_id": "P1", "team_id": "T1", "grade": "head"}]
    scores = {("R1", "P1"): 90, ("R2", "P1"): 80, ("A", "P1"): 50}
    return dataset([{"team_id": "T1"}], posts, cadres, scores)


def shared():
    """One reserve R for two deputy posts D1, D2 of T1 (both 副处); X and Y hold them; L,
    a 副处 reserve who is leaving, covers nothing. A shared pool (one reserve ≥ 1 per
    deputy post) says both covered; a matching, one."""
    cadres = [{"cadre_id": "R", "reserve_rank": "副处"}, {"cadre_id": "X"},
              {"cadre_id": "Y"}, {"cadre_id": "L", "reserve_rank": "副处", "leaving": True}]
    posts = [{"post_id": "D1", "team_id": "T1"}, {"post_id": "D2", "team_id": "T1"}]
    return dataset([{"team_id": "T1"}], posts, cadres, {("X", "D1"): 90, ("Y", "D2"): 90})


def head_first():
    """Deputy post D1 of T1 listed before head post H1 of T2, both 副处, reserves R1, R2
    (副处); X, Y hold the posts. Head posts are taken first: H1 takes R1 and R2, D1 is
    uncovered (in data order D1 would take one and H1 go short)."""
    cadres = [{"cadre_id": "R1", "reserve_rank": "副处"},
              {"cadre_id": "R2", "reserve_rank": "副处"}, {"cadre_id": "X"}, {"cadre_id": "Y"}]
    posts = [{"post_id": "D1", "team_id": "T1"},
             {"post_id": "H1", "team_id": "T2", "grade": "head"}]
    return dataset([{"team_id": "T1"}, {"team_id": "T2"}], posts, cadres,
                   {("X", "D1"): 90, ("Y", "H1"): 90})


def rematch():
    """T1: deputy posts D1 (no specialty) then D2 (specialty law), reserves RA (law) and
    RB (none); X, Y hold the posts. With R-EL8 hard RB may cover D1 only: a matching gives
    D1 RB and D2 RA (2 covered) where taking the first reserve for D1 would leave D2 none."""
    cadres = [{"cadre_id": "RA", "reserve_rank": "副处", "specialties": "law"},
              {"cadre_id": "RB", "reserve_rank": "副处"}, {"cadre_id": "X"},
              {"cadre_id": "Y", "specialties": "law"}]
    posts = [{"post_id": "D1", "team_id": "T1"},
             {"post_id": "D2", "team_id": "T1", "specialty": "law"}]
    return dataset([{"team_id": "T1"}], posts, cadres, {("X", "D1"): 90, ("Y", "D2"): 90})


def model_covered(data, on: dict, roster: dict[str, str]) -> set[str]:
    """The proposing side's covered posts for a hand-written roster (post -> cadre)."""
    sc = scenario(on)
    frame = pd.DataFrame({"post_id": list(roster), "cadre_id": list(roster.values())})
    cover = reserve_coverage(data, sc, compute_facts(data, sc.reference_date), frame)
    return set(data.posts["post_id"].to_numpy(dtype=object)[cover.covered])


def test_R_RS1_model_report_only_never_changes_the_roster():
    data = reserves()
    off = solve(data)
    # R1 takes P1 (90) although that leaves P1 with one eligible reserve short of 2 (when
    # R-EL1 is hard): a priced R-RS1 at weight 1000 would pick A (50) instead.
    on = solve(data, {"R-RS1": {"mode": "target", "weight": 1000}, "R-EL1": {"mode": "hard"}})
    assert placed(off) == placed(on) == {"P1": "R1"}
    assert off.outcome.objective == on.outcome.objective == 90


def test_R_RS1_model_each_reserve_counts_for_one_post():
    # one reserve R, two deputy posts: R covers D1 (first in data order), D2 is uncovered
    assert model_covered(shared(), RS1, {"D1": "X", "D2": "Y"}) == {"D1"}
    # the reserve placed in the roster covers nothing
    assert model_covered(shared(), RS1, {"D1": "R", "D2": "Y"}) == set()


def test_R_RS1_model_head_posts_first_and_a_matching_not_first_come():
    assert model_covered(head_first(), RS1, {"D1": "X", "H1": "Y"}) == {"H1"}
    # heads = 3: H1 cannot have 3 of 2 reserves, so D1 gets one
    assert model_covered(head_first(), {"R-RS1": {"mode": "target", "heads": 3}},
                         {"D1": "X", "H1": "Y"}) == {"D1"}
    el8 = RS1 | {"R-EL8": {"mode": "hard"}}
    assert model_covered(rematch(), el8, {"D1": "X", "D2": "Y"}) == {"D1", "D2"}
    assert model_covered(reserves(), RS1 | {"R-EL1": {"mode": "hard"}}, {"P1": "R1"}) == set()


def test_R_RS1_model_shortfall_names_the_uncovered_posts():
    data = shared()
    sc = scenario(RS1)
    prop = propose(sc, data)  # X at D1, Y at D2 (90 each), R unplaced
    assert placed(prop) == {"D1": "X", "D2": "Y"}
    report = check_roster(sc, data, prop.roster)
    readings = read_members(data, sc, prop.facts, prop.roster)
    causes = shortfall_causes(data, sc, prop.facts, prop.pairs, prop.roster, report.figures,
                              readings)
    row = causes[causes["rule"] == "R-RS1"].iloc[0]
    # D2 uncovered: 1 of 2 posts, its need (1) missing, and the one reserve it could have
    assert row["where"] == "T1" and row["shortfall"] == 1
    assert "1 of 2 posts lack their reserves" in row["cause_en"]
    assert "1 reserves missing: D2" in row["cause_en"] and "1 eligible;" in row["cause_en"]
    assert "D1" not in row["cause_en"].split("missing:")[1]
    assert "缺后备1名：D2（T1D2）需1名、可任后备1名；" in row["cause_zh"]  # D2 beside its name


def test_R_RS1_checker_coverage_figure():
    data = reserves()
    # R1 placed: R2 and R3 remain, 2 reserves: P1 covered, 1 post of 1
    assert shortfall(check(data, RS1, {"P1": "R1"}), "R-RS1", "T1") == 0
    # R-EL1 hard: R3 (no college degree) may not take P1, so is no reserve: 1 < 2
    with_el1 = check(data, RS1 | {"R-EL1": {"mode": "hard"}}, {"P1": "R1"})
    assert with_el1.ok and shortfall(with_el1, "R-RS1", "T1") == 1
    assert with_el1.objective_terms()["penalties"].get("R-RS1", 0) == 0  # never priced
    # A placed: R1 and R2 both remain
    assert shortfall(check(data, RS1 | {"R-EL1": {"mode": "hard"}}, {"P1": "A"}),
                     "R-RS1", "T1") == 0


def test_R_RS1_checker_each_reserve_counts_for_one_post():
    # a shared pool would say 2 of 2 covered (1 reserve ≥ 1 for each deputy post): 1 of 2
    report = check(shared(), RS1, {"D1": "X", "D2": "Y"})
    assert shortfall(report, "R-RS1", "T1") == 1
    assert shortfall(check(shared(), RS1, {"D1": "R", "D2": "Y"}), "R-RS1", "T1") == 2


def test_R_RS1_checker_head_posts_first_and_a_matching_not_first_come():
    # H1 (T2) takes both reserves although D1 (T1) is listed first
    first = check(head_first(), RS1, {"D1": "X", "H1": "Y"})
    assert (shortfall(first, "R-RS1", "T1"), shortfall(first, "R-RS1", "T2")) == (1, 0)
    el8 = RS1 | {"R-EL8": {"mode": "hard"}}
    assert shortfall(check(rematch(), el8, {"D1": "X", "D2": "Y"}), "R-RS1", "T1") == 0
    # R-EL8 off: both reserves may cover both posts, still 2 of 2
    assert shortfall(check(rematch(), RS1, {"D1": "X", "D2": "Y"}), "R-RS1", "T1") == 0


def covered_per_team(data, sc, roster) -> dict[str, int]:
    facts = compute_facts(data, sc.reference_date)
    cover = reserve_coverage(data, sc, facts, roster)
    _, achieved = cover.per_team(facts.p_team, len(data.teams))
    return dict(zip(data.teams["team_id"], achieved.tolist(), strict=True))


def test_R_RS1_model_and_checker_agree_on_hand_cases():
    for data, on, roster in ((shared(), RS1, {"D1": "X", "D2": "Y"}),
                             (head_first(), RS1, {"D1": "X", "H1": "Y"}),
                             (rematch(), RS1 | {"R-EL8": {"mode": "hard"}},
                              {"D1": "X", "D2": "Y"}),
                             (reserves(), RS1 | {"R-EL1": {"mode": "hard"}}, {"P1": "R1"})):
        frame = pd.DataFrame({"post_id": list(roster), "cadre_id": list(roster.values())})
        report = check(data, on, roster)
        f = report.figures[report.figures["rule"] == "R-RS1"]
        assert covered_per_team(data, scenario(on), frame) == \
            dict(zip(f["where"], f["achieved"], strict=True))


def test_R_RS1_model_and_checker_agree_on_bundled_nanpiao():
    sc = load_scenario(ROOT / "scenarios" / "nanpiao.toml")
    data = load_dataset(sc.data, reference_date=sc.reference_date)
    roster = propose(sc, data).roster
    report = check_roster(sc, data, roster)
    f = report.figures[report.figures["rule"] == "R-RS1"]
    model = covered_per_team(data, sc, roster)
    assert model == dict(zip(f["where"], f["achieved"], strict=True))
    # each reserve once: covered heads × 2 + covered deputies ≤ reserves left unplaced
    facts = compute_facts(data, sc.reference_date)
    cover = reserve_coverage(data, sc, facts, roster)
    head = data.posts["grade"].to_numpy(dtype=object) == "head"
    left = (data.cadres["reserve_rank"] != "") & ~data.cadres["leaving"] \
        & ~data.cadres["cadre_id"].isin(roster["cadre_id"])
    assert 2 * cover.covered[head].sum() + cover.covered[~head].sum() <= left.sum()
    # no reserve counted twice
    counted = np.concatenate(cover.reserves)
    assert len(counted) == len(np.unique(counted))
    assert sum(len(r) for r in cover.reserves) == (cover.need * cover.covered).sum()


def pooled(label, keeps, reserve_rank="", post_rank="副处", **cadre):
    return Probe(label, {"reserve_rank": reserve_rank, **cadre}, keeps=keeps,
                 post={"rank": post_rank}, fallback={"reserve_rank": post_rank})


RS2 = [
    pooled("promoted to 副处, reserve for 副处", True, "副处"),
    pooled("promoted to 副处, reserve for 正科 (own rank)", False, "正科"),
    pooled("promoted to 副处, reserve for 正处", False, "正处"),
    pooled("promoted to 副处, not in the pool", False),
    pooled("promoted to 正处 from 副处, reserve for 正处", True, "正处", post_rank="正处",
           rank="副处"),
    pooled("lateral, not in the pool", True, rank="副处"),
    Probe("staying, not in the pool", {"rank": "副处"}, keeps=True, stays=True,
          fallback={"reserve_rank": "副处"}),
]


def test_R_RS2_model_promotions_from_the_reserve_pool():
    model_side_pair_target("R-RS2", RS2)
    model_side_pair_rule("R-RS2", RS2)


def test_R_RS2_model_no_pool_in_the_data_prices_nothing():
    """No cadre has a reserve_rank: every promotion would pay alike, so none does."""
    probes = [Probe("promoted, no pool kept", {}, keeps=True)]
    data = probe_data(probes)
    prop = solve(data, {"R-RS2": {"mode": "target", "weight": 81}})
    assert placed(prop) == probes_all_x(probes) and prop.outcome.objective == 90


def test_R_RS2_checker_promotions_from_the_reserve_pool():
    checker_side_pair_rule("R-RS2", RS2)
    probes = [Probe("promoted, no pool kept", {}, keeps=True)]
    report = check(probe_data(probes), {"R-RS2": {"mode": "target"}}, probes_all_x(probes))
    assert total_shortfall(report, "R-RS2") == 0
