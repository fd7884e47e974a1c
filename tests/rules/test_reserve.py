"""Reserve pool coverage R-RS1: a report, never priced. The model side shows that turning
it on (with a large weight) leaves the proposed roster and its objective unchanged; the
checker side shows its shortfall figure move with the roster and with the hard pair rules
that decide who counts as a reserve.

Instance: one team, head post P1 (副处). R1 and R2 are reserves for 副处 (fit 90 and 80),
R3 a 副处 reserve without a college degree (fit 0), A a plain cadre (fit 50). A head post
needs 2 reserves left unplaced.
"""

from __future__ import annotations

from rulekit import check, dataset, placed, shortfall, solve


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
