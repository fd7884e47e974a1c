"""Shared kit of the per-rule tests (tests/rules/): tiny instances, a solve that is
always re-checked, and the checker's verdicts as plain sets and numbers.

Every roster the model proposes comes from the real pipeline
(`placement.pipeline.propose.propose`) and goes through the independent checker
(`placement.checker.check_roster`): a proposed roster the checker rejects fails the test.

Pair-rule probes (`Probe`, `probe_data`): each probe gets its own team T<i> with one
post P<i>, a probe cadre X<i> and a fallback cadre F<i>. Fit: X<i> at P<i> 90, F<i> at
P<i> 10, every other pair 0. So with the rule off every P<i> goes to X<i> (90 each), and
with the rule hard P<i> goes to X<i> exactly when the probe keeps the rule, else to
F<i> (10 beats any 0): the optimum is unique, and one solve reads every probe at once.
A probe with `stays` makes X<i> the incumbent of P<i> (a staying line).

The reference date is 2026-09-01 (`solving.REF`). Builder defaults (tests/builders.py):
cadres 正科 since 2015-01-01, born 1980-01-01 (46), bachelor, approval 0.9, home and
region R1; posts 副处 deputies of a county_gov team in R1, system 政府. A default new
placement is therefore a one-step promotion.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd
from builders import make_dataset
from solving import REF, scenario

from placement.checker import CheckReport, check_roster
from placement.pipeline.propose import Proposal, propose

OPTIMAL = "optimal"
INFEASIBLE = "infeasible"


# --- instances --------------------------------------------------------------------------


def full_fit(cadres: Iterable[Mapping], posts: Iterable[Mapping],
             scores: Mapping[tuple[str, str], int]) -> list[dict]:
    """A fit row for every (cadre, post): the given scores, 0 elsewhere (so no pair falls
    back to the computed fit and every optimum below is worked out by hand)."""
    return [{"cadre_id": c["cadre_id"], "post_id": p["post_id"],
             "score": scores.get((c["cadre_id"], p["post_id"]), 0)}
            for c in cadres for p in posts]


def dataset(teams, posts, cadres, scores, relations=()):
    return make_dataset(teams=teams, posts=posts, cadres=cadres, relations=relations,
                        fit=full_fit(cadres, posts, scores), reference_date=REF)


@dataclass(frozen=True)
class Probe:
    """One (cadre, post) line to test a pair rule on; `keeps`: the line keeps the rule."""
    label: str
    cadre: dict
    keeps: bool
    post: dict = field(default_factory=dict)
    team: dict = field(default_factory=dict)
    stays: bool = False
    fallback: dict = field(default_factory=dict)


def probe_data(probes: list[Probe]):
    teams, posts, cadres, scores = [], [], [], {}
    for i, pr in enumerate(probes, 1):
        teams.append({"team_id": f"T{i}", **pr.team})
        post = {"post_id": f"P{i}", "team_id": f"T{i}", **pr.post}
        if pr.stays:
            post["incumbent_id"] = f"X{i}"
        posts.append(post)
        cadres += [{"cadre_id": f"X{i}", **pr.cadre}, {"cadre_id": f"F{i}", **pr.fallback}]
        scores |= {(f"X{i}", f"P{i}"): 90, (f"F{i}", f"P{i}"): 10}
    return dataset(teams, posts, cadres, scores)


def probes_all_x(probes: list[Probe]) -> dict[str, str]:
    """The roster with the rule off: every probe cadre on its post."""
    return {f"P{i}": f"X{i}" for i in range(1, len(probes) + 1)}


def probes_expected(probes: list[Probe]) -> dict[str, str]:
    """The roster with the rule hard: X<i> where the probe keeps the rule, else F<i>."""
    return {f"P{i}": (f"X{i}" if pr.keeps else f"F{i}") for i, pr in enumerate(probes, 1)}


def probes_breaking(probes: list[Probe]) -> set[str]:
    return {f"P{i}" for i, pr in enumerate(probes, 1) if not pr.keeps}


# --- solving and checking ------------------------------------------------------------------


def solve(data, on: dict[str, dict] | None = None, expect: str = OPTIMAL, **fields) -> Proposal:
    """Solve with every rule off except `on` (hard unless a mode is given) through the real
    pipeline; the status must be `expect`, and a roster must pass the independent checker."""
    sc = scenario(on, **fields)
    prop = propose(sc, data)
    assert prop.status.value == expect, (prop.status, prop.conflicts)
    if prop.roster is not None:
        report = check_roster(sc, data, prop.roster)
        assert report.ok, report.render("en")
    return prop


def placed(prop: Proposal) -> dict[str, str]:
    """The proposed roster as post -> cadre."""
    r = prop.roster
    return dict(zip(r["post_id"], r["cadre_id"], strict=True))


def check(data, on: dict[str, dict] | None, roster: Mapping[str, str], **fields) -> CheckReport:
    """The checker on a hand-written roster (post -> cadre), every rule off but `on`."""
    frame = pd.DataFrame({"post_id": list(roster), "cadre_id": list(roster.values())})
    return check_roster(scenario(on, **fields), data, frame)


def broken(report: CheckReport) -> set[tuple[str, str]]:
    return {(v.rule, v.where) for v in report.violations}


def shortfall(report: CheckReport, rule: str, where: str, scope: str | None = None) -> int:
    f = report.figures
    rows = f[(f["rule"] == rule) & (f["where"] == where)
             & ((f["scope"] == scope) if scope else True)]
    assert len(rows) == 1, rows
    return int(rows["shortfall"].iat[0])


def total_shortfall(report: CheckReport, rule: str) -> int:
    t = report.totals
    return int(t.loc[t["rule"] == rule, "shortfall"].sum())


# --- the two sides of a pair rule on its probes ------------------------------------------------


def model_side_pair_rule(rule: str, probes: list[Probe], params: dict | None = None) -> None:
    """Off: every X<i> placed. Hard: exactly the predicted X<i>/F<i> roster."""
    data = probe_data(probes)
    assert placed(solve(data)) == probes_all_x(probes)
    on = placed(solve(data, {rule: {"mode": "hard", **(params or {})}}))
    expected = probes_expected(probes)
    wrong = {pr.label: (on[p], expected[p]) for p, pr in zip(expected, probes, strict=True)
             if on[p] != expected[p]}
    assert not wrong, f"{rule}: probe -> (placed, expected): {wrong}"


def model_side_pair_target(rule: str, probes: list[Probe], params: dict | None = None) -> None:
    """Target mode prices each breaking line at `weight`: X<i> on a breaking line is worth
    90 - weight against F<i>'s 10, so weight 81 (9 < 10) gives the hard roster and weight
    79 (11 > 10) keeps every X<i>, the objective paying 79 per breaking line. A sitting
    probe (`stays`) breaking the rule leaves at weight 81 as under the hard rule: a rule
    made a target still gives a cause to leave the roster ("Leaving the roster",
    docs/rules.md), so its release is no release without a cause (the tests' release
    weight is 0)."""
    data = probe_data(probes)
    n, bad = len(probes), len(probes_breaking(probes))
    high = solve(data, {rule: {"mode": "target", "weight": 81, **(params or {})}})
    assert placed(high) == probes_expected(probes)
    assert high.outcome.objective == 90 * (n - bad) + 10 * bad
    low = solve(data, {rule: {"mode": "target", "weight": 79, **(params or {})}})
    assert placed(low) == probes_all_x(probes)
    assert low.outcome.objective == 90 * n - 79 * bad


def checker_side_pair_rule(rule: str, probes: list[Probe], params: dict | None = None) -> None:
    """The all-X roster fails exactly on the breaking probes' posts; the expected roster
    passes; in target mode the shortfall is one unit per breaking line."""
    data = probe_data(probes)
    hard = {rule: {"mode": "hard", **(params or {})}}
    bad = probes_breaking(probes)
    assert bad and len(bad) < len(probes), "probes must both keep and break the rule"
    all_x = check(data, hard, probes_all_x(probes))
    assert broken(all_x) == {(rule, p) for p in bad}, all_x.render("en")
    good = check(data, hard, probes_expected(probes))
    assert good.ok, good.render("en")
    target = {rule: {**hard[rule], "mode": "target"}}
    assert total_shortfall(check(data, target, probes_all_x(probes)), rule) == len(bad)
    assert total_shortfall(check(data, target, probes_expected(probes)), rule) == 0
