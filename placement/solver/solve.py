"""Solves the built placement model: weighted or lexicographic, on CP-SAT or HiGHS.

The model is always the CP-SAT model of `models/` (one module per rule
family). `solver.engine` chooses who searches it:
- `highs` (default): the model's proto read as a MIP by HiGHS (`placement/solver/highs.py`,
  block by block where the model splits: `placement/solver/blocks.py`). Measured on the
  2-core machine (docs/solver.md): on the bundled Linfen scenario HiGHS proves
  the optimum in about 1 s, where CP-SAT with 8 workers has neither a good
  roster nor a useful bound after 60 s, even when hinted with that optimum.
  HiGHS is deterministic for a given model.
- `cpsat`: CP-SAT with `num_workers` (default 8: on 2 cores, 8 workers beat 2
  by more than ten times, solver facts), `random_seed`, and
  `interleave_search` so that its parallel search runs in deterministic
  batches: same model and seed, same roster.
Both honour the time limit (per solve; per level in lexicographic mode) and
the relative gap. Ctrl-C stops the search and keeps the best roster found.
"""

from __future__ import annotations

import enum
import signal
import time
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from models.objective import Level, agreement, levels, set_objective, weighted
from models.variables import Placement
from placement.solver.blocks import solve_highs


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
FOUND = (Status.OPTIMAL, Status.FEASIBLE)


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
    # Every model variable's value (None without a roster), and the independent blocks
    # the single level was solved in (0: whole): what an exact local re-solve needs.
    values: np.ndarray | None = None
    blocks: int = 0

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return abs(self.bound - self.objective) / max(1.0, abs(self.objective))


@dataclass
class _Answer:
    """One engine run: status, every model variable's value, objective and bound."""

    status: Status
    values: np.ndarray | None
    objective: float | None
    bound: float | None
    blocks: int = 0


class _Progress(cp_model.CpSolverSolutionCallback):
    """Reports elapsed time, best objective and bound on each improvement."""

    def __init__(self, show, label: str):
        super().__init__()
        self._show, self._label = show, label

    def on_solution_callback(self) -> None:
        if self._show:
            self._show(self._label, self.wall_time, self.objective_value, self.best_objective_bound)


def parameters(pl: Placement) -> dict:
    s = pl.scenario.solver
    common = {"engine": s.engine, "time_limit": s.time_limit, "relative_gap": s.relative_gap}
    if s.engine == "highs":
        return common
    return common | {
        "num_workers": s.workers,
        "random_seed": s.seed,
        "interleave_search": s.workers > 1,
    }


class _Engine:
    """Runs one level on the chosen engine; `stop()` interrupts it (Ctrl-C)."""

    def __init__(self, pl: Placement, show):
        self.pl, self.show = pl, show
        self.stopped = False
        self._cpsat: cp_model.CpSolver | None = None
        self._mip = None

    def stop(self) -> None:
        self.stopped = True
        if self._cpsat is not None:
            self._cpsat.stop_search()
        if self._mip is not None:
            self._mip.stop()

    def run(self, level: Level, hint: np.ndarray | None) -> _Answer:
        s = self.pl.scenario.solver
        set_objective(self.pl, level)
        if s.engine == "highs":
            label = f"{level.name} (HiGHS)"
            if self.show:
                self.show(label, 0.0, float("nan"), float("nan"))
            ans = solve_highs(
                self.pl.model.proto,
                s.time_limit,
                s.relative_gap,
                on_start=lambda search: setattr(self, "_mip", search),
                hint=hint if hint is not None else roster_hint(self.pl),
                show=(lambda t, obj, bound: self.show(label, t, obj, bound))
                if self.show else None,
            )
            return _Answer(Status(ans.status), ans.values, ans.objective, ans.bound, ans.blocks)
        if hint is not None:  # the previous level's roster
            self.pl.model.clear_hints()
            for x in self.pl.x:
                self.pl.model.add_hint(x, bool(hint[x.index]))
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.num_workers, p.random_seed = s.workers, s.seed
        p.max_time_in_seconds, p.relative_gap_limit = s.time_limit, s.relative_gap
        p.interleave_search = s.workers > 1
        p.log_search_progress = s.log
        self._cpsat = solver
        st = STATUS[solver.solve(self.pl.model, _Progress(self.show, level.name))]
        if st not in FOUND:
            return _Answer(st, None, None, None)
        values = np.array(list(solver.response_proto.solution), dtype=np.int64)
        return _Answer(st, values, solver.objective_value, solver.best_objective_bound)


def solve(pl: Placement, show=None, then: list[Level] = ()) -> SolveOutcome:
    """Solve by the scenario's objective, then by the levels in `then` (each holding the
    previous ones at their optimum: e.g. agreement with an earlier roster).
    `show(label, elapsed, objective, bound)` if given."""
    plan = levels(pl) if pl.scenario.objective == "lexicographic" else [weighted(pl)]
    plan = [*plan, *then]
    total = weighted(pl)
    engine = _Engine(pl, show)
    previous = signal.signal(signal.SIGINT, lambda *_: engine.stop())
    start = time.perf_counter()
    results: list[LevelResult] = []
    best: np.ndarray | None = None
    status = Status.UNKNOWN
    blocks = 0
    try:
        for k, level in enumerate(plan):
            t0 = time.perf_counter()
            ans = engine.run(level, best)
            results.append(
                LevelResult(
                    level.name, ans.status, ans.objective, ans.bound, time.perf_counter() - t0
                )
            )
            if ans.status in FOUND:
                best = ans.values
            blocks = ans.blocks if len(plan) == 1 else 0
            status = ans.status if k == 0 or ans.status is not Status.OPTIMAL else status
            if ans.status not in FOUND or engine.stopped:
                break
            if k + 1 < len(plan):
                pl.model.add(level.expr(pl) >= int(round(_evaluate(level, pl, best))))
    finally:
        signal.signal(signal.SIGINT, previous)
    if best is not None and status not in FOUND:
        status = Status.FEASIBLE  # a later lexicographic level failed: keep the earlier roster
    if engine.stopped and status is Status.OPTIMAL and len(results) < len(plan):
        status = Status.FEASIBLE
    chosen = (
        np.flatnonzero(best[[x.index for x in pl.x]])
        if best is not None
        else np.array([], dtype=np.int64)
    )
    objective = _evaluate(total, pl, best) if best is not None else None
    if len(plan) == 1 and results and results[0].bound is not None:
        bound = results[0].bound
    else:
        bound = objective if status is Status.OPTIMAL else None
    return SolveOutcome(
        status,
        chosen,
        objective,
        bound,
        time.perf_counter() - start,
        engine.stopped,
        results,
        parameters(pl),
        best,
        blocks,
    )


def roster_hint(pl: Placement) -> dict[int, int] | None:
    """The starting roster as a partial assignment {model variable: value}: every pair
    variable, 1 where the roster (`pl.start`: `--from` or the what-if's previous roster)
    has that line; HiGHS completes the rest or drops the hint if it breaks a hard rule."""
    if pl.start is None:
        return None
    chosen = agreement(pl, pl.start).coefs
    return {x.index: int(v) for x, v in zip(pl.x, chosen, strict=True)}


def _evaluate(level: Level, pl: Placement, values: np.ndarray) -> float:
    """A level's value for a full assignment of the model's variables."""
    x = values[[v.index for v in pl.x]]
    short = sum(w * int(values[v.index]) for v, w in level.shortfalls)
    return float(level.coefs @ x - short + level.constant)
