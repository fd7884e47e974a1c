"""Runs CP-SAT on a built model: weighted or lexicographic, with progress and Ctrl-C.

Solver parameters (docs/solver.md says why):
- `num_workers` from the scenario (default 8: on 2 cores, 8 workers beat 2 by
  more than ten times, solver facts), `random_seed` from the scenario;
- `interleave_search` with `num_workers`: CP-SAT then runs its workers in
  deterministic batches, so the same model, seed and worker count give the
  same roster whatever the machine's load;
- a wall-clock `max_time_in_seconds` per solve (per level in lexicographic
  mode) and an optional `relative_gap_limit`.
Ctrl-C stops the search and keeps the best roster found so far.
"""

from __future__ import annotations

import enum
import signal
import time
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from models.objective import Level, levels, set_objective, weighted
from models.variables import Placement


class Status(enum.Enum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
    cp_model.MODEL_INVALID: Status.UNKNOWN,
}


@dataclass
class LevelResult:
    name: str
    status: Status
    value: float | None
    bound: float | None
    seconds: float


@dataclass
class SolveOutcome:
    status: Status
    chosen: np.ndarray  # indices of chosen pairs; empty when no roster
    objective: float | None
    bound: float | None
    seconds: float
    interrupted: bool = False
    levels: list[LevelResult] = field(default_factory=list)
    parameters: dict = field(default_factory=dict)

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return abs(self.bound - self.objective) / max(1.0, abs(self.objective))


class _Progress(cp_model.CpSolverSolutionCallback):
    """Reports elapsed time, best objective, bound and gap on each improvement."""

    def __init__(self, show, label: str):
        super().__init__()
        self._show, self._label = show, label

    def on_solution_callback(self) -> None:
        if self._show:
            self._show(self._label, self.wall_time, self.objective_value, self.best_objective_bound)


def parameters(pl: Placement) -> dict:
    s = pl.scenario.solver
    return {
        "num_workers": s.workers,
        "random_seed": s.seed,
        "max_time_in_seconds": s.time_limit,
        "relative_gap_limit": s.relative_gap,
        "interleave_search": s.workers > 1,
        "log_search_progress": s.log,
    }


def _solver(pl: Placement) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    for name, value in parameters(pl).items():
        setattr(solver.parameters, name, value)
    return solver


def solve(pl: Placement, show=None) -> SolveOutcome:
    """Solve by the scenario's objective. `show(label, elapsed, objective, bound)` if given."""
    plan = levels(pl) if pl.scenario.objective == "lexicographic" else [weighted(pl)]
    total = weighted(pl)
    interrupted = False
    solver = _solver(pl)

    def stop(signum, frame):  # noqa: ARG001 - signal handler signature
        nonlocal interrupted
        interrupted = True
        solver.stop_search()

    previous = signal.signal(signal.SIGINT, stop)
    start = time.perf_counter()
    results: list[LevelResult] = []
    chosen = np.array([], dtype=np.int64)
    status = Status.UNKNOWN
    objective = None
    try:
        for k, level in enumerate(plan):
            set_objective(pl, level)
            t0 = time.perf_counter()
            code = solver.solve(pl.model, _Progress(show, level.name))
            st = STATUS[code]
            if st in (Status.OPTIMAL, Status.FEASIBLE):
                chosen = pl.extract(solver)
                value, bound = solver.objective_value, solver.best_objective_bound
                objective = _value(total, pl, solver)
            else:
                value = bound = None
            results.append(LevelResult(level.name, st, value, bound, time.perf_counter() - t0))
            status = _combine(status if k else None, st)
            if st not in (Status.OPTIMAL, Status.FEASIBLE) or interrupted:
                break
            if k + 1 < len(plan):
                _fix_level(pl, level, value, chosen)
    finally:
        signal.signal(signal.SIGINT, previous)
    seconds = time.perf_counter() - start
    if len(chosen) == 0 and status in (Status.OPTIMAL, Status.FEASIBLE):
        status = Status.UNKNOWN
    if status in (Status.INFEASIBLE, Status.UNKNOWN) and len(chosen):
        status = Status.FEASIBLE  # a later lexicographic level failed; keep the earlier roster
    bound = (
        results[-1].bound
        if len(plan) == 1 and results and results[-1].bound is not None
        else objective
        if status is Status.OPTIMAL
        else None
    )
    if interrupted and status is Status.OPTIMAL:
        status = Status.FEASIBLE
    return SolveOutcome(
        status, chosen, objective, bound, seconds, interrupted, results, parameters(pl)
    )


def _combine(before: Status | None, now: Status) -> Status:
    if before is None:
        return now
    if now is Status.OPTIMAL:
        return before
    if now is Status.FEASIBLE:
        return Status.FEASIBLE
    return now


def _fix_level(pl: Placement, level: Level, value: float, chosen: np.ndarray) -> None:
    """Keep this level at least as good as found, and hint the roster to the next level."""
    pl.model.add(level.expr(pl) >= int(round(value)))
    pl.model.clear_hints()
    chosen_set = set(chosen.tolist())
    for i, x in enumerate(pl.x):
        pl.model.add_hint(x, i in chosen_set)


def _value(level: Level, pl: Placement, solver: cp_model.CpSolver) -> float:
    """The weighted objective of the last solution (in lexicographic mode every earlier
    level is held at its optimum by a constraint, so its shortfalls are exact)."""
    return float(solver.value(level.expr(pl)))
