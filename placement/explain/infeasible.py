"""Infeasible is an answer: which hard rule instances conflict, and what would fix it.

Three steps, cheapest first:
1. pre-checks before any solve (`placement.eligibility.prechecks`): a team that
   needs more locals, women, non-Party … members than eligible cadres exist for its
   posts; more posts of a rank than cadres who may take them;
2. a core from CP-SAT assumptions: every hard rule instance (R-TC2[R05-ZF],
   R-EL3 as a whole for pair rules, each lock) is enforced by a literal passed
   as an assumption; `sufficient_assumptions_for_infeasibility` names a set
   that cannot hold together, which is then shrunk by deletion while time
   allows;
3. relaxations: for each rule in the conflict, the scenario with that rule as
   a `target` (or without that lock) is solved; only suggestions that restore
   a roster are reported, with the shortfall they leave.
Steps 2 and 3 share one budget (`explain`'s `seconds`, the pipeline gives the solve's
own time limit): past it the core is the one found so far (not shrunk further) and no
further relaxation is tried, and the report says it was cut short. Why: on the
province's second plan year the core's deletion (2 s per instance, hundreds of
instances) and the relaxations (a whole solve each) ran 36 minutes without an
answer (docs/plan.md); an answer that says it stopped early is still an answer.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from models.builder import build
from placement.data.dataset import DataSet
from placement.data.names import Names
from placement.data.rules import RULE_NAMES
from placement.data.scenario import Scenario
from placement.data.words import VALUES, value
from placement.eligibility.facts import Facts
from placement.eligibility.pairs import PAIR_RULES, eligible_pairs
from placement.meaning import team_rules as meaning


def conflict_core(data: DataSet, sc: Scenario, facts: Facts, time_limit: float = 20.0,
                  until: float = float("inf")) -> tuple[list[str], bool]:
    """Names of hard rule instances that cannot hold together (CP-SAT assumptions), and
    whether the search was cut short at `until` (a `time.perf_counter()` instant): then
    the names are the core as far as it was shrunk (none when no core was found)."""
    hard_pair = [r for r in PAIR_RULES if sc.rules[r].mode == "hard"]
    relaxed = sc.model_copy(deep=True)
    for r in hard_pair:
        relaxed.rules[r].mode = "target"
    pairs = eligible_pairs(data, relaxed, facts)
    pl = build(data, relaxed, facts, pairs, explaining=True)
    for r in hard_pair:
        mask = pairs.breaks.get(r)
        if mask is not None and mask.any():
            pl.require(r, "pairs", pl.total(np.flatnonzero(mask)) <= 0)
    pl.model.proto.clear_objective()
    names = list(pl.assumptions)
    lits = [pl.assumptions[n] for n in names]
    deadline = time_limit

    def infeasible(active: list[int], seconds: float) -> tuple[bool, list[int]]:
        pl.model.clear_assumptions()
        pl.model.add_assumptions([lits[i] for i in active])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1  # the core comes from the sequential search
        solver.parameters.max_time_in_seconds = max(seconds, 0.5)
        code = solver.solve(pl.model)
        if code != cp_model.INFEASIBLE:
            return False, []
        index = {lits[i].index: i for i in active}
        core = [index[v] for v in solver.sufficient_assumptions_for_infeasibility()
                if v in index]
        return True, core

    ok, core = infeasible(list(range(len(lits))), min(deadline, until - time.perf_counter()))
    if not ok:
        return [], time.perf_counter() >= until
    core = core or list(range(len(lits)))
    for i in list(core):  # deletion: drop what the conflict does not need
        if len(core) <= 1:
            break
        left = until - time.perf_counter()
        if left <= 0:
            return [names[j] for j in core], True
        rest = [j for j in core if j != i]
        still, smaller = infeasible(rest, min(2.0, left))
        if still:
            core = smaller or rest
    return [names[i] for i in core], False


@dataclass(frozen=True)
class Relaxation:
    """A trial scenario that relaxes one conflicting rule (or drops the locks); the
    pipeline solves it and reports it only when it restores a roster."""

    rule: str
    change: str
    change_zh: str
    scenario: Scenario

    def verified(self, status: str, objective: float | None) -> dict:
        return {"change": self.change, "change_zh": self.change_zh, "rule": self.rule,
                "verified": True, "status": status, "objective": objective,
                "name": RULE_NAMES.get(self.rule, (self.rule, self.rule))[1]}


def relaxation_trials(sc: Scenario, rule_ids: list[str]) -> list[Relaxation]:
    """For each rule, the scenario with it switched to `target` (or without the locks),
    with the time limit capped at 30 s: a suggestion, to be verified by solving."""
    out = []
    for rid in sorted(set(rule_ids)):
        trial = sc.model_copy(deep=True)
        if rid in trial.rules:
            trial.rules[rid].mode = "target"
            if meaning.has_share_tier(rid) and trial.rules[rid].every_mode == "hard":  # tier (a)
                trial.rules[rid].every_mode = "target"
            change_en, change_zh = f"switch {rid} to target", f"将 {rid} 由硬性改为目标"
        elif rid.startswith("LOCK_"):
            trial.locks.must, trial.locks.keep = [], []
            change_en, change_zh = "drop the must/keep locks", "取消必选/保留锁定"
        else:
            continue
        trial.solver.time_limit = min(trial.solver.time_limit, 30.0)
        out.append(Relaxation(rid, change_en, change_zh, trial))
    return out


def explain(data: DataSet, sc: Scenario, facts: Facts,
            until: float = float("inf")) -> dict:
    """The infeasibility report of a model that has no roster although the pre-checks
    (`placement.eligibility.prechecks`, run first by the pipeline) found nothing: the
    conflicting instances of the core and the relaxations to try (`relaxation_trials`;
    the pipeline verifies them by solving), and `cut_short`: the core's search reached
    `until` (a `time.perf_counter()` instant) before it finished."""
    core, cut_short = conflict_core(data, sc, facts, until=until)
    conflicts = [{"rule": n.split("[")[0], "where": n.split("[", 1)[1].rstrip("]"),
                  "detail": "part of a set of hard rule instances that cannot hold together",
                  "detail_zh": "与其他硬性规定无法同时满足"}
                 for n in core]
    rules = [c["rule"] for c in conflicts if c["rule"] not in ("RANK", "NO_CANDIDATE")]
    return {"conflicts": conflicts, "trials": relaxation_trials(sc, rules),
            "cut_short": cut_short}


def named(conflicts: list[dict], data: DataSet) -> list[dict]:
    """Each conflict with `where_zh` and `where_en`: its place as a person reads it, the
    ids with names beside ("keep P1（洪洞县委县委书记）", "R05-ZF（霍州市人民政府）") and
    the lock words in words; `where` keeps the ids for scripts (issue 15)."""
    names = Names(data)

    def place(where: str, lang: str) -> str:
        parts = re.split(r"(\s+|->)", str(where))
        return "".join(value(p, lang) if p in VALUES else
                       p if not p.strip() or p == "->" else names.beside(p, lang)
                       for p in parts)

    def with_names(c: dict) -> dict:
        c = c | {"where_zh": place(c["where"], "zh"), "where_en": place(c["where"], "en")}
        if "pools" in c:
            c["pools"] = [p | {"place_zh": names.beside(p["place"], "zh"),
                               "place_en": names.beside(p["place"], "en")}
                          for p in c["pools"]]
        return c

    return [with_names(c) for c in conflicts]
