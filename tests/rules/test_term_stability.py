"""R-RO10 term stability (docs/rules.md "Rotation"), on both sides.

The case is year 2 of a term plan: the reference date 2026-09-01, the term started on
2025-09-01 (`term_start`, which `placement plan` sets). T1 (county_gov R1): P1 (副处,
incumbent B); T2: Q1 (vacant). B holds 副处 and took P1 on 2025-09-01 (moved a year
ago); N is a newcomer (正科). Fits: B P1 50, B Q1 90, N P1 80, N Q1 10, so
B stays: B P1 + N Q1 = 60; B moves: B Q1 + N P1 = 170. R-RO10 prices the move at its
weight: 170 - 100 = 70 beats 60, 170 - 120 = 50 does not.
"""

from __future__ import annotations

from rulekit import broken, check, dataset, placed, shortfall, solve, total_shortfall

START = "2025-09-01"
STAYS = {"P1": "B", "Q1": "N"}
MOVES = {"P1": "N", "Q1": "B"}


def year_two(post_since: str = START, head: bool = False, q1_rank: str = "副处"):
    teams = [{"team_id": "T1"}, {"team_id": "T2", "region": "R2"}]
    posts = [{"post_id": "P1", "team_id": "T1", "incumbent_id": "B",
              **({"grade": "head"} if head else {})},
             {"post_id": "Q1", "team_id": "T2", "rank": q1_rank}]
    cadres = [{"cadre_id": "B", "rank": "副处", "post_since": post_since,
               "team_since": post_since}, {"cadre_id": "N"}]
    scores = {("B", "P1"): 50, ("B", "Q1"): 90, ("N", "P1"): 80, ("N", "Q1"): 10}
    return dataset(teams, posts, cadres, scores)


def ro10(mode: str = "target", **params) -> dict:
    return {"R-RO10": {"mode": mode, "term_start": START, **params}}


def test_R_RO10_model_a_cadre_moved_within_min_years_stays():
    data = year_two()
    assert placed(solve(data)) == MOVES  # off: the better fit wins
    default = solve(data, ro10())  # weight 2000, above any fit gain
    assert placed(default) == STAYS and default.outcome.objective == 60
    w100 = solve(data, ro10(weight=100))
    assert placed(w100) == MOVES and w100.outcome.objective == 70
    assert placed(solve(data, ro10(weight=120))) == STAYS
    assert placed(solve(data, ro10("hard"))) == STAYS
    # no term (a single solve) or the plan's first year: nobody is counted
    assert placed(solve(data, {"R-RO10": {"mode": "target"}})) == MOVES
    assert placed(solve(data, ro10(term_start="2026-09-01"))) == MOVES


def test_R_RO10_model_min_years_by_anniversary():
    # three years on the day: no longer recent; a day short: still recent
    assert placed(solve(year_two("2023-09-01"), ro10())) == MOVES
    assert placed(solve(year_two("2023-09-02"), ro10())) == STAYS
    assert placed(solve(year_two("2024-09-02"), ro10(min_years=2))) == STAYS
    assert placed(solve(year_two("2024-09-01"), ro10(min_years=2))) == MOVES


def test_R_RO10_model_moved_within_the_term():
    """B took P1 on 2023-09-01, three years on the day: past `min_years`, but within a
    term that started on 2022-09-01, so `whole_term` (default) holds B; off, B moves."""
    data = year_two("2023-09-01")
    assert placed(solve(data, ro10(term_start="2022-09-01"))) == STAYS
    assert placed(solve(data, ro10(term_start="2022-09-01", whole_term=False))) == MOVES
    assert placed(solve(data, ro10(term_start="2023-09-01"))) == STAYS  # on its first day
    assert placed(solve(data, ro10(term_start="2023-09-02"))) == MOVES  # moved before it


def test_R_RO10_model_promotion_is_allowed():
    """Q1 of 正处 is a promotion for B (副处): met at any weight, but B was moved a year
    ago, so promoting B again costs `promotion_weight` (default 300): 170 - 300 loses to
    60; at 100, 170 - 100 = 70 wins; at 120, 50 loses. Off (0) and in hard mode, free.
    A head long in post (not moved recently) is promoted at no price."""
    data = year_two(q1_rank="正处")
    assert placed(solve(data, ro10())) == STAYS
    w100 = solve(data, ro10(promotion_weight=100))
    assert placed(w100) == MOVES and w100.outcome.objective == 70
    assert placed(solve(data, ro10(promotion_weight=120))) == STAYS
    assert placed(solve(data, ro10(promotion_weight=0))) == MOVES
    assert placed(solve(data, ro10("hard"))) == MOVES
    head = solve(year_two("2015-09-01", head=True, q1_rank="正处"), ro10())
    assert placed(head) == MOVES and head.outcome.objective == 170


def test_R_RO10_model_a_head_stays_for_the_term():
    """B took the head post P1 long ago (2015): a head stays for the term; out of `kinds`
    it is not counted."""
    data = year_two("2015-09-01", head=True)
    assert placed(solve(data, ro10())) == STAYS
    assert placed(solve(data, ro10(kinds=["county_party"]))) == MOVES
    assert placed(solve(data, ro10(term_start="2026-09-01"))) == MOVES  # the first year
    # a deputy long in post is not counted
    assert placed(solve(year_two("2015-09-01"), ro10())) == MOVES


def test_R_RO10_model_a_hard_rule_forces_the_move():
    """R-RO1 hard (the head 10 years in post on the day) moves B: R-RO10 counts nothing,
    even in hard mode."""
    data = year_two("2016-09-01", head=True)
    ro1 = {"R-RO1": {"kinds": ["county_gov"]}}
    target = solve(data, {**ro1, **ro10()})
    assert placed(target) == MOVES and target.outcome.objective == 170
    assert placed(solve(data, {**ro1, **ro10("hard")})) == MOVES


def test_R_RO10_checker_reads_the_history():
    data = year_two()
    target = ro10()
    assert shortfall(check(data, target, MOVES), "R-RO10", "B", "cadre") == 1
    assert shortfall(check(data, target, STAYS), "R-RO10", "B", "cadre") == 0
    assert broken(check(data, ro10("hard"), MOVES)) == {("R-RO10", "B")}
    assert check(data, ro10("hard"), STAYS).ok
    # no term, the first year, three years on the day: no figure
    assert total_shortfall(check(data, {"R-RO10": {"mode": "target"}}, MOVES), "R-RO10") == 0
    assert total_shortfall(check(data, ro10(term_start="2026-09-01"), MOVES), "R-RO10") == 0
    assert total_shortfall(check(year_two("2023-09-01"), target, MOVES), "R-RO10") == 0
    assert shortfall(check(year_two("2023-09-02"), target, MOVES), "R-RO10", "B") == 1


def test_R_RO10_checker_moved_within_the_term():
    data = year_two("2023-09-01")
    assert shortfall(check(data, ro10(term_start="2022-09-01"), MOVES), "R-RO10", "B") == 1
    off = ro10(term_start="2022-09-01", whole_term=False)
    assert total_shortfall(check(data, off, MOVES), "R-RO10") == 0
    assert total_shortfall(check(data, ro10(term_start="2023-09-02"), MOVES), "R-RO10") == 0


def test_R_RO10_checker_heads_promotions_and_forced_moves():
    assert check(year_two(q1_rank="正处"), ro10("hard"), MOVES).ok
    # target: promoted, so met; moved a year ago, so the promotion part is one short
    promoted = check(year_two(q1_rank="正处"), ro10(), MOVES)
    assert shortfall(promoted, "R-RO10", "B", "cadre") == 0
    assert shortfall(promoted, "R-RO10", "B:promotion", "promotion") == 1
    totals = promoted.totals.set_index(["rule", "scope"])
    assert totals.loc[("R-RO10", "promotion"), "penalty"] == 300
    assert promoted.objective_terms()["penalties"]["R-RO10"] == 300
    assert total_shortfall(check(year_two(q1_rank="正处"), ro10(), STAYS), "R-RO10") == 0
    long_head = check(year_two("2015-09-01", head=True, q1_rank="正处"), ro10(), MOVES)
    assert total_shortfall(long_head, "R-RO10") == 0
    # the main part in the totals: one short at the rule's weight
    moved = check(year_two(), ro10(), MOVES).totals.set_index(["rule", "scope"])
    assert moved.loc[("R-RO10", "cadre"), "penalty"] == 2000
    head = year_two("2015-09-01", head=True)
    assert broken(check(head, ro10("hard"), MOVES)) == {("R-RO10", "B")}
    assert check(head, ro10("hard", kinds=["county_party"]), MOVES).ok
    assert check(year_two("2015-09-01"), ro10("hard"), MOVES).ok
    forced = year_two("2016-09-01", head=True)
    ro1 = {"R-RO1": {"kinds": ["county_gov"]}}
    assert check(forced, {**ro1, **ro10("hard")}, MOVES).ok
    assert total_shortfall(check(forced, {**ro1, **ro10()}, MOVES), "R-RO10") == 0
