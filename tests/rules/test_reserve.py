"""Reserve pool coverage R-RS1 and promotions from the pool R-RS2.

R-RS1 is a report, never priced. The model side shows that turning
it on (with a large weight) leaves the proposed roster and its objective unchanged; the
checker side shows its shortfall figure move with the roster and with the hard pair rules
that decide who counts as a reserve.

Instance: one team, head post P1 (副处). R1 and R2 are reserves for 副处 (fit 90 and 80),
R3 a 副处 reserve without a college degree (fit 0), A a plain cadre (fit 50). A head post
needs 2 reserves left unplaced.

R-RS2 is a pair rule on probes (rulekit.Probe): a promotion of a cadre whose reserve_rank
is not the post's rank costs its weight. Default posts are 副处, cadres 正科 (a one-step
promotion); each fallback F<i> is a reserve for its post's rank, so it keeps the rule.
"""

from __future__ import annotations

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


def reserves():
    cadres = [{"cadre_id": "R1", "reserve_rank": "副处"}, {"cadre_id": "R2",
                                                          "reserve_rank": "副处"},
              {"cadre_id": "R3", "reserve_rank": "副处", "education": "other"},
              {"cadre_id": "A"}]
    posts = [{"post_id": "P1", "team_id": "T1", "grade": "head"}]
    scores = {("R1", "P1"): 90, ("R2", "P1"): 80, ("A", "P1"): 50}
    return dataset([{"team_id": "T1"}], posts, cadres, scores)


def test_R_RS1_model_report_only_never_changes_the_roster():
    data = reserves()
    off = solve(data)
    # R1 takes P1 (90) although that leaves P1 with one eligible reserve short of 2 (when
    # R-EL1 is hard): a priced R-RS1 at weight 1000 would pick A (50) instead.
    on = solve(data, {"R-RS1": {"mode": "target", "weight": 1000}, "R-EL1": {"mode": "hard"}})
    assert placed(off) == placed(on) == {"P1": "R1"}
    assert off.outcome.objective == on.outcome.objective == 90


def test_R_RS1_checker_coverage_figure():
    data = reserves()
    rs1 = {"R-RS1": {"mode": "target"}}
    # R1 placed: R2 and R3 remain, 2 reserves: P1 covered, 1 post of 1
    assert shortfall(check(data, rs1, {"P1": "R1"}), "R-RS1", "T1") == 0
    # R-EL1 hard: R3 (no college degree) may not take P1, so is no reserve: 1 < 2
    with_el1 = check(data, rs1 | {"R-EL1": {"mode": "hard"}}, {"P1": "R1"})
    assert with_el1.ok and shortfall(with_el1, "R-RS1", "T1") == 1
    assert with_el1.objective_terms()["penalties"].get("R-RS1", 0) == 0  # never priced
    # A placed: R1 and R2 both remain
    assert shortfall(check(data, rs1 | {"R-EL1": {"mode": "hard"}}, {"P1": "A"}),
                     "R-RS1", "T1") == 0


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
