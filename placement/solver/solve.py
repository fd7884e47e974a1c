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
  by more than ten times, solver facts; two workers run the two LP-based subsolvers
  `TWO_WORKERS`, which prove Linfen's optimum where the default two do not), `random_seed`, and
  `interleave_search` so that its parallel search runs in deterministic
  batches: same model and seed, same roster.
Both honour the time limit (per solve; per level in lexicographic mode) and
the relative gap. With a starting roster (`pl.start`: `--from`, or the previous
result of the same scenario), the last level carries a tie-break below its smallest
step (`models.objective.tie_broken`): of the rosters of equal objective, the one
closest to it, so that a re-solve after a one-cell edit changes the lines the edit
needs, not a reshuffle of equal optima elsewhere. Ctrl-C (on the main thread) or a
cancel event (from any thread) stops the search and keeps the best roster found.
How each engine's answer reads as a status, and when "optimal" is a proof:
`placement/solver/status.py`.
"""

from __future__ import annotations

import functools
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from models.objective import (
    Level,
    agreement,
    costs,
    hold,
    levels,
    set_objective,
    tie_broken,
    weighted,
)
from models.rows import Model
from models.variables import Placement
from placement.data.scenario import Scenario
from placement.solver.blocks import solve_highs
from placement.solver.status import FOUND, Status, from_cpsat, proven
from placement.solver.warm import WarmMip

# How often a cancel event is looked at while a search runs (seconds): a search stops
# at most this long after the event is set.
CANCEL_POLL = 0.05
# CP-SAT on two workers: its default portfolio for two runs no worker that leans on the
# LP, and on this model the LP is what closes the gap: the default two workers end
# their time limit far from the bound where these two prove the optimum. With them
# CP-SAT's own presolve is off: on R-TC5's tightened rows it is a large part of the
# time to Linfen's proven optimum (figures: docs/solver.md, "Timings behind the code").
TWO_WORKERS = ("max_lp", "default_lp")


@dataclass
class LevelResult:
    name: str
    status: Status
    value: float | None
    bound: float | None
    seconds: float
    proven: bool = False  # optimal with no gap left, not only within the relative gap


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
    # Optimal and proven so at every level: no roster is better, not only none better
    # by more than `solver.relative_gap` (what "nothing better exists" reasoning needs).
    proven: bool = False

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
    proven: bool = False


class _Progress(cp_model.CpSolverSolutionCallback):
    """Reports elapsed time, best objective and bound on each improvement."""

    def __init__(self, show, label: str):
        super().__init__()
        self._show, self._label = show, label

    def on_solution_callback(self) -> None:
        if self._show:
            self._show(self._label, self.wall_time, self.objective_value, self.best_objective_bound)


def _unscaled(show, level: Level):
    """`show` told the level's own values, the tie-break part dropped (NaN and an
    infinite bound, before HiGHS has one, as they are)."""
    if show is None or level.scale == 1:
        return show

    def told(label, elapsed, objective, bound):
        show(label, elapsed, *(float(level.value(v)) if np.isfinite(v) else v
                               for v in (objective, bound)))
    return told


def _own_values(ans: _Answer, level: Level) -> _Answer:
    """The answer's objective and bound as the level's own values (`Level.value`)."""
    if ans.objective is not None:
        ans.objective = float(level.value(ans.objective))
    if ans.bound is not None and np.isfinite(ans.bound):
        ans.bound = float(level.value(ans.bound))
    return ans


def parameters(pl: Placement) -> dict:
    return parameters_of(pl.scenario)


def parameters_of(sc: Scenario) -> dict:
    """The search's settings a solve of `sc` reports (`SolveOutcome.parameters`)."""
    s = sc.solver
    common = {"engine": s.engine, "time_limit": s.time_limit, "relative_gap": s.relative_gap}
    if s.engine == "highs":
        return common
    return common | {
        "num_workers": s.workers,
        "random_seed": s.seed,
        "interleave_search": s.workers > 1,
    } | ({"subsolvers": list(TWO_WORKERS), "cp_model_presolve": False}
         if s.workers == 2 else {})


class _Engine:
    """Runs one level of `model` (the solve's own copy of the placement model) on the
    chosen engine; `stop()` interrupts it, from any thread or a signal handler, before
    or during a search (a search that starts after it is stopped at once)."""

    def __init__(self, pl: Placement, model: cp_model.CpModel, show, highs=None,
                 objective: bool = False):
        """`objective`: `highs` takes the level's objective as arrays (`WarmMip.solve`'s
        `objective`)."""
        self.pl, self.model, self.show = pl, model, show
        self.highs = highs or solve_highs
        self.objective = objective
        self.stopped = False
        # Reentrant: the SIGINT handler runs on the main thread, possibly while that
        # thread holds the lock in `_started`.
        self._lock = threading.RLock()
        self._cpsat: cp_model.CpSolver | None = None
        self._mip = None

    def stop(self) -> None:
        with self._lock:
            self.stopped = True
            if self._cpsat is not None:
                self._cpsat.stop_search()
            if self._mip is not None:
                self._mip.stop()

    def _started(self, search) -> None:
        """A HiGHS search (whole or by blocks) about to run: stoppable from now on."""
        with self._lock:
            self._mip = search
            if self.stopped:
                search.stop()

    def run(self, level: Level, hint: np.ndarray | None) -> _Answer:
        s = self.pl.scenario.solver
        # A model shared with the placement (`solve`) is not written to: its objective
        # goes to HiGHS as arrays only.
        terms = level.terms(self.pl) if self.model is self.pl.model else \
            set_objective(self.pl, level, self.model)
        if s.engine == "highs":
            label = f"{level.name} (HiGHS)"
            if self.show:
                self.show(label, 0.0, float("nan"), float("nan"))
            extra = {"objective": costs(level, terms, len(self.model.model_proto.variables))} \
                if self.objective else {}
            # The placement's own model is handed over whole, so that its rows kept as
            # arrays are read as they are (`highs.mip_arrays`), not written first.
            ans = self.highs(
                self.model if isinstance(self.model, Model) else self.model.proto,
                s.time_limit,
                s.relative_gap,
                on_start=self._started,
                hint=hint if hint is not None else roster_hint(self.pl),
                show=(lambda t, obj, bound: self.show(label, t, obj, bound))
                if self.show else None,
                **extra,
            )
            return _Answer(ans.status, ans.values, ans.objective, ans.bound, ans.blocks,
                           ans.proven)
        if hint is not None:  # the previous level's roster
            index = self.pl.columns
            self.model.clear_hints()
            self.model.proto.solution_hint.vars.extend(index.tolist())
            self.model.proto.solution_hint.values.extend(hint[index].astype(np.int64).tolist())
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.num_workers, p.random_seed = s.workers, s.seed
        p.max_time_in_seconds, p.relative_gap_limit = s.time_limit, s.relative_gap
        p.interleave_search = s.workers > 1
        if s.workers == 2:
            p.subsolvers.extend(TWO_WORKERS)
            p.cp_model_presolve = False
        p.log_search_progress = s.log
        p.catch_sigint_signal = False  # Ctrl-C is `solve`'s to handle: see `_cpsat_search`
        with self._lock:
            if self.stopped:  # CP-SAT would not see a stop that comes before its search
                return _Answer(Status.UNKNOWN, None, None, None)
            self._cpsat = solver
        code = _cpsat_search(solver, self.model, _Progress(self.show, level.name))
        st = from_cpsat(code, self.model)
        if st not in FOUND:
            return _Answer(st, None, None, None)
        values = np.array(list(solver.response_proto.solution), dtype=np.int64)
        objective, bound = solver.objective_value, solver.best_objective_bound
        return _Answer(st, values, objective, bound,
                       proven=proven(st, s.relative_gap, objective, bound))


def _cpsat_search(solver: cp_model.CpSolver, model: cp_model.CpModel, callback):
    """`solver.solve`, on the main thread by way of a helper thread it waits for.

    Why: CP-SAT's own Ctrl-C catch (`catch_sigint_signal`) stops the search without
    telling anyone, so the outcome read "unknown, not interrupted": no roster within the
    time limit. A Python signal handler runs only when the main thread runs Python,
    which it does not inside `solve`; waiting for a thread is interruptible, so there
    `solve`'s handler runs at once and stops the search, and the outcome says so."""
    if threading.current_thread() is not threading.main_thread():
        return solver.solve(model, callback)
    with ThreadPoolExecutor(1, thread_name_prefix="cpsat") as pool:
        return pool.submit(solver.solve, model, callback).result()


class _Cancel:
    """While a solve runs: Ctrl-C on the main thread (as before) and the caller's
    `cancel` event from any thread both stop the engine.

    Why both: `signal.signal` works on the main thread only, and a web server or a
    notebook solves on worker threads, which must neither install a handler nor
    fail trying; those callers stop a solve with an event. A small thread looks at the
    event every CANCEL_POLL seconds and stops the engine while it is set (again at
    each look, so a search that starts after the first stop is stopped too)."""

    def __init__(self, engine: _Engine, cancel: threading.Event | None):
        self.engine, self.cancel = engine, cancel
        self._previous = None
        self._done = threading.Event()
        self._watcher: threading.Thread | None = None

    def __enter__(self) -> _Cancel:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, lambda *_: self.engine.stop())
        if self.cancel is not None:
            if self.cancel.is_set():
                self.engine.stop()
            self._watcher = threading.Thread(target=self._watch, name="solve-cancel",
                                             daemon=True)
            self._watcher.start()
        return self

    def _watch(self) -> None:
        while not self._done.wait(CANCEL_POLL):
            if self.cancel.is_set():
                self.engine.stop()

    def __exit__(self, *exc) -> None:
        self._done.set()
        if self._watcher is not None:
            self._watcher.join()
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def solve(pl: Placement, show=None, then: list[Level] = (),
          cancel: threading.Event | None = None, warm: WarmMip | None = None,
          like: tuple[Placement, frozenset] | None = None) -> SolveOutcome:
    """Solve by the scenario's objective, then by the levels in `then` (each holding the
    previous ones at their optimum: e.g. agreement with an earlier roster).
    `show(label, elapsed, objective, bound)` if given. Setting `cancel` (from any
    thread) stops the search as Ctrl-C does: the best roster found is kept and the
    outcome says it was interrupted. `warm`: HiGHS instances kept from earlier solves
    of the same data set (`placement.solver.warm`), used and updated by this one.
    `like`: a model built on the same facts and pairs whose scenario differs from
    `pl`'s in the rule families named only, solved on `warm` before: its arrays are
    taken for every other family's rows (`WarmMip.solve`'s `like`).

    `pl.model` is left as it was given: the objective, the levels held at their
    optimum and the hints go on a copy, so a caller can solve one model again. One
    level solved by HiGHS needs no copy: its objective goes to HiGHS as arrays
    (`WarmMip.solve`'s and `solve_highs`' `objective`), the model is read without one
    (copying the province's model took 0.03-0.04 s of a warm what-if, issue 29), and
    rows the model keeps as arrays are read as they are, never written into its proto
    (`models.rows.Model`)."""
    total = weighted(pl)
    plan = levels(pl) if pl.scenario.objective == "lexicographic" else [total]
    plan = [*plan, *then]
    plan[-1] = tie_broken(pl, plan[-1])
    if pl.scenario.solver.engine == "highs" and len(plan) == 1:
        model = pl.model
    else:
        model = cp_model.CpModel()
        model.proto.copy_from(pl.model.proto)
    d = pl.derived if pl.derived is not None and pl.derived.model is pl.model else None
    engine = _Engine(pl, model, show, None if warm is None else functools.partial(
        warm.solve, pairs=(pl.columns, pl.pairs.post.astype(np.int64) * len(pl.data.cadres)
                           + pl.pairs.cadre), rows_of=pl.model,
        like=None if like is None else (like[0].model, like[0].spans, pl.spans, like[1]),
        derived=None if d is None else (d.of, d.freed, d.zeroed, d.rows)),
        objective=model is pl.model)
    start = time.perf_counter()
    results: list[LevelResult] = []
    best: np.ndarray | None = None
    status = Status.UNKNOWN
    blocks = 0
    with _Cancel(engine, cancel):
        for k, level in enumerate(plan):
            if engine.stopped:
                break
            t0 = time.perf_counter()
            engine.show = _unscaled(show, level)
            ans = _own_values(engine.run(level, best), level)
            results.append(
                LevelResult(level.name, ans.status, ans.objective, ans.bound,
                            time.perf_counter() - t0, ans.proven)
            )
            if ans.status in FOUND:
                best = ans.values
            blocks = ans.blocks if len(plan) == 1 else 0
            status = ans.status if k == 0 or ans.status is not Status.OPTIMAL else status
            if ans.status not in FOUND or engine.stopped:
                break
            if k + 1 < len(plan):
                hold(pl, level, int(round(_evaluate(level, pl, best))), model)
    if best is not None and status not in FOUND:
        status = Status.FEASIBLE  # a later lexicographic level failed: keep the earlier roster
    if engine.stopped and status is Status.OPTIMAL and len(results) < len(plan):
        status = Status.FEASIBLE
    chosen = (
        np.flatnonzero(best[pl.columns])
        if best is not None
        else np.array([], dtype=np.int64)
    )
    objective = _evaluate(total, pl, best) if best is not None else None
    closed = status is Status.OPTIMAL and len(results) == len(plan) and \
        all(r.proven for r in results)
    if len(plan) == 1 and results and results[0].bound is not None:
        bound = results[0].bound
    else:  # levels held one after another bound the weighted sum only when each is proven
        bound = objective if closed else None
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
        closed,
    )


def roster_hint(pl: Placement) -> dict[int, int] | None:
    """The starting roster as a partial assignment {model variable: value}: every pair
    variable, 1 where the roster (`pl.start`: `--from` or the what-if's previous roster)
    has that line; HiGHS completes the rest or drops the hint if it breaks a hard rule."""
    if pl.start is None:
        return None
    chosen = agreement(pl, pl.start).coefs
    return dict(zip(pl.columns.tolist(), chosen.tolist(), strict=True))


def _evaluate(level: Level, pl: Placement, values: np.ndarray) -> float:
    """A level's value for a full assignment of the model's variables."""
    x = values[pl.columns]
    short = sum(w * int(values[v.index]) for v, w in level.shortfalls)
    return float(level.coefs @ x - short + level.constant)
