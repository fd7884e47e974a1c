"""Propose a roster from loaded inputs, without writing files.

facts and eligible pairs → pre-checks (`placement.eligibility.prechecks`: a post
nobody may take, a lock that breaks a hard rule, a hard minimum the pool cannot reach:
answered before any solve, naming the post or lock and the rules) → model → solve.
When no roster exists, the explanation's conflicting rule instances, and its
relaxation trials solved here, so that explanation code never calls back into the
pipeline.
"""

from __future__ import annotations

import copy
import math
import threading
import time
from dataclasses import dataclass, field, replace
from functools import cached_property

import pandas as pd

from models.builder import build
from models.variables import Placement
from placement.data.dataset import DataSet
from placement.data.locks import validate_locks
from placement.data.scenario import Scenario
from placement.eligibility.facts import Facts, compute_facts
from placement.eligibility.pairs import Pairs, eligible_pairs
from placement.eligibility.prechecks import prechecks
from placement.explain.infeasible import Relaxation, relaxation_trials
from placement.explain.infeasible import explain as explain_infeasibility
from placement.roster.tables import roster_table
from placement.solver.solve import SolveOutcome, Status, solve
from placement.solver.warm import WarmMip


@dataclass
class Proposal:
    """Everything one solve produced, for the CLI, the tests and scripts."""

    scenario: Scenario
    data: DataSet
    facts: Facts
    pairs: Pairs
    outcome: SolveOutcome | None
    conflicts: list[dict]
    times: dict
    relaxations: list[dict] = field(default_factory=list)
    baseline: pd.DataFrame | None = None  # the `--from` roster the objective prices changes to
    # The model the outcome solved, kept (a solve leaves it as it was) so that questions
    # on the proposal (alternates, why-not) re-solve it without building it again.
    placement: Placement | None = field(default=None, repr=False)
    # Explaining a scenario with no roster stopped at its time budget (`verify`,
    # `placement.explain.infeasible`): the conflicts and relaxations are those found so far.
    explain_cut_short: bool = False

    @property
    def status(self) -> Status:
        return Status.INFEASIBLE if self.outcome is None else self.outcome.status

    @cached_property
    def roster(self) -> pd.DataFrame | None:
        """The proposed roster (built once: callers read it several times)."""
        if self.outcome is None or not len(self.outcome.chosen):
            return None
        return roster_table(self.data, self.facts, self.pairs, self.outcome.chosen)


def propose(sc: Scenario, data: DataSet, show=None, explain: bool = True,
            keep_close_to: pd.DataFrame | None = None,
            start_from: pd.DataFrame | None = None,
            cancel: threading.Event | None = None, warm: WarmMip | None = None,
            eligible: tuple[Facts, Pairs] | None = None,
            built: Placement | None = None,
            like: tuple[Placement, frozenset] | None = None,
            prechecked: bool = False) -> Proposal:
    """Eligibility, pre-checks, model and solve; no files. When no roster exists and
    `explain` is set, the conflicting rule instances and verified relaxations.
    `keep_close_to` (a roster, e.g. the previous result of the same scenario): among
    optimal rosters, the one that changes fewest of its lines (a tie-break below the
    objective's smallest step: `models.objective.tie_broken`). `start_from` (a published
    roster, `--from`): every line changed against it costs `weights.change`. Setting
    `cancel` (from any thread) stops the search as Ctrl-C does (`solver.solve.solve`).
    `warm`: the HiGHS instances of earlier solves on the same data set, re-used where
    the model allows (`placement.solver.warm`; `placement.pipeline.warm.Session`).
    `eligible`: the facts and eligible pairs of an earlier proposal whose scenario
    differs from `sc` only where eligibility does not read (the price list's team-rule
    steps: `placement.pipeline.prices`), taken as they are. `built`: the model of an
    earlier proposal on those facts and pairs whose scenario differs from `sc` in the
    objective's weights only (`placement.meaning.changes.objective_only`), solved with
    `sc`'s objective instead of building it again (it is left as it was). `like`: the
    model of an earlier proposal on those facts and pairs, solved on `warm`, whose
    scenario differs from `sc` in the named team rules only (`changes.team_rules_only`):
    the solve reads only those rules' rows (`solver.solve.solve`'s `like`), `built`
    included (`models.builder.switched_off`). `prechecked`: the caller knows the
    pre-checks find nothing (a what-if of a proposal that had a roster which changes
    weights or switches rules off: neither adds a hard figure), so they are not run."""
    sc, _ = validate_locks(sc, data)  # locks given twice merged, in a copy
    times = {}
    t0 = time.perf_counter()
    if eligible is not None:
        facts, pairs = eligible
    else:
        facts = compute_facts(data, sc.reference_date)
        pairs = eligible_pairs(data, sc, facts)
    times["eligibility"] = round(time.perf_counter() - t0, 3)
    conflicts = [] if prechecked else prechecks(data, sc, facts, pairs)
    if conflicts:
        relax, cut_short = (verify(data, relaxation_trials(sc, [c["rule"] for c in conflicts]),
                                   time.perf_counter() + sc.solver.time_limit)
                             if explain else ([], False))
        return Proposal(sc, data, facts, pairs, None, conflicts,
                        times | {"build": 0.0, "solve": 0.0}, relax, explain_cut_short=cut_short)
    t0 = time.perf_counter()
    if built is not None:  # a copy: the earlier proposal's own stays as it was
        pl = copy.copy(built)
        pl.scenario = sc
    else:
        pl = build(data, sc, facts, pairs)
    pl.baseline = start_from
    pl.start = start_from if start_from is not None else keep_close_to
    times["build"] = round(time.perf_counter() - t0, 3)
    outcome = solve(pl, show=show, cancel=cancel, warm=warm, like=like)
    times["solve"] = round(outcome.seconds, 3)
    relax, cut_short = [], False
    if outcome.status is Status.INFEASIBLE and not len(outcome.chosen):
        conflicts = [{"rule": "hard rules", "where": "model",
                      "detail": "no roster keeps every hard rule",
                      "detail_zh": "没有名单能同时满足全部硬性规定"}]
        if explain:
            t0 = time.perf_counter()
            if show is not None:  # the progress line says what the next seconds do
                show("infeasibility", 0.0, math.nan, math.nan)
            # explaining stops at the solve's own time limit after it starts, for the
            # core and the relaxations together (`placement.explain.infeasible`)
            until = time.perf_counter() + sc.solver.time_limit
            report = explain_infeasibility(data, sc, facts, until=until)
            conflicts = report["conflicts"] or conflicts
            relax, cut = verify(data, report["trials"], until)
            cut_short = report["cut_short"] or cut
            times["explain"] = round(time.perf_counter() - t0, 3)
    return Proposal(sc, data, facts, pairs, outcome, conflicts, times, relax, start_from, pl,
                    explain_cut_short=cut_short)


def verify(data: DataSet, trials: list[Relaxation],
           until: float = float("inf")) -> tuple[list[dict], bool]:
    """The relaxations that restore a roster, each solved (without explaining again),
    and whether some were not tried: none is started after `until` (a
    `time.perf_counter()` instant), and each is given at most the time left."""
    out, cut = [], False
    for trial in trials:
        left = until - time.perf_counter()
        if left <= 0:
            return out, True
        trimmed = left < trial.scenario.solver.time_limit
        if trimmed:
            trial = replace(trial, scenario=trial.scenario.model_copy(update={
                "solver": trial.scenario.solver.model_copy(update={"time_limit": left})}))
        prop = propose(trial.scenario, data, explain=False)
        if prop.roster is not None:
            out.append(trial.verified(prop.status.value, prop.outcome.objective))
        elif trimmed and prop.status is not Status.INFEASIBLE:
            cut = True  # not solved in the time left: untold, not refuted
    return out, cut
