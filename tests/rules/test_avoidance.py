"""Avoidance rules R-AV1 (kin not in one team, staying or new) and R-AV2 (no key post in
the home region, staying too).

R-AV2 is a pair rule tested on probes (rulekit.Probe); R-AV1 has its own case with two
pairs of relatives, one of them both sitting in one team.
"""

from __future__ import annotations

from rulekit import (
    Probe,
    broken,
    check,
    checker_side_pair_rule,
    dataset,
    model_side_pair_rule,
    placed,
    shortfall,
    solve,
)

KEY = {"key_post": True}
AWAY = {"home_region": "R9"}  # fallbacks grew up elsewhere: they may hold any key post
AV2 = [
    Probe("key post in the home region", {}, keeps=False, post=KEY, fallback=AWAY),
    Probe("key post elsewhere", {"home_region": "R2"}, keeps=True, post=KEY, fallback=AWAY),
    Probe("plain post in the home region", {}, keeps=True, fallback=AWAY),
    Probe("staying in a home-region key post", {"rank": "副处"}, keeps=False, post=KEY,
          stays=True, fallback=AWAY),
    Probe("key post of an R2 team, home R1", {}, keeps=True, post=KEY, team={"region": "R2"},
          fallback=AWAY),
]


def test_R_AV2_model_regional_avoidance():
    model_side_pair_rule("R-AV2", AV2)


def test_R_AV2_checker_regional_avoidance():
    checker_side_pair_rule("R-AV2", AV2)


def kin():
    """T1 (P1, P2) and T2 (P3): relatives C1 ~ C2, outsider F. T3 (P4, P5): sitting
    relatives S1 ~ S2, outsider G. Fit: C1 90 at P1, 80 at P3; C2 90 at P2, 70 at P3;
    F 50 at P1, P2, P3; S1 90 at P4, S2 80 at P5; G 30 at P4, P5; every other pair 0."""
    teams = [{"team_id": t} for t in ("T1", "T2", "T3")]
    posts = [{"post_id": "P1", "team_id": "T1"}, {"post_id": "P2", "team_id": "T1"},
             {"post_id": "P3", "team_id": "T2"},
             {"post_id": "P4", "team_id": "T3", "incumbent_id": "S1"},
             {"post_id": "P5", "team_id": "T3", "incumbent_id": "S2"}]
    cadres = [{"cadre_id": c} for c in ("C1", "C2", "F", "G")] + [
        {"cadre_id": s, "rank": "副处"} for s in ("S1", "S2")]
    scores = {("C1", "P1"): 90, ("C1", "P3"): 80, ("C2", "P2"): 90, ("C2", "P3"): 70,
              ("F", "P1"): 50, ("F", "P2"): 50, ("F", "P3"): 50,
              ("S1", "P4"): 90, ("S2", "P5"): 80, ("G", "P4"): 30, ("G", "P5"): 30}
    relations = [{"cadre_a": "C1", "cadre_b": "C2", "relation": "spouse"},
                 {"cadre_a": "S1", "cadre_b": "S2", "relation": "sibling"}]
    return dataset(teams, posts, cadres, scores, relations)


# Off: T1 = C1 + C2, T2 = F (230); T3 = S1 + S2 (170).
TOGETHER = {"P1": "C1", "P2": "C2", "P3": "F", "P4": "S1", "P5": "S2"}
# Hard: C1 to T2 (F 50 + C2 90 + C1 80 = 220 beats C1 90 + F 50 + C2 70 = 210);
# S2 gives way to G (S1 90 + G 30 = 120 beats G 30 + S2 80 = 110).
APART = {"P1": "F", "P2": "C2", "P3": "C1", "P4": "S1", "P5": "G"}


def test_R_AV1_model_kin_apart():
    data = kin()
    assert placed(solve(data)) == TOGETHER
    assert placed(solve(data, {"R-AV1": {}})) == APART
    # Target weight 30 per (relation, team): T1/T2 230 - 30 = 200 < 220 parts C1 and C2;
    # T3 170 - 30 = 140 > 120 keeps S1 and S2. Objective 220 + 140 = 360.
    w30 = solve(data, {"R-AV1": {"mode": "target", "weight": 30}})
    assert placed(w30) == {**APART, "P5": "S2"}
    assert w30.outcome.objective == 360


def test_R_AV1_checker_kin_apart():
    data = kin()
    assert broken(check(data, {"R-AV1": {}}, TOGETHER)) == {("R-AV1", "T1"), ("R-AV1", "T3")}
    assert check(data, {"R-AV1": {}}, APART).ok
    target = check(data, {"R-AV1": {"mode": "target"}}, {**APART, "P5": "S2"})
    assert (shortfall(target, "R-AV1", "T1"), shortfall(target, "R-AV1", "T3")) == (0, 1)
