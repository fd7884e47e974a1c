"""Sweeps: many what-ifs solved independently, one row each (`placement sweep`).

Why: the planners' question is rarely one scenario; it is a trade-off ("how much
fit does each extra woman per team cost?"). A sweep solves every scenario of a
grid in parallel and lays the answers side by side, with the Pareto front.

How, and why that way:
- Every run is validated in this process first (`load_scenario` with the run's
  overrides, its data set loaded once per data set): a bad key fails before any
  solve, with the same messages as `--set`.
- Workers get plain data only: the effective scenario as a dict
  (`scenario_to_dict`) and the loaded `DataSet` (pandas frames, shipped once per
  process or once per Ray cluster). CP-SAT models do not pickle, and a Ray node
  need not see this machine's files; each worker builds its own model.
- Each run is `task.run_task`: `pipeline.run.solve_result` (propose + the
  independent checker), the same steps as `placement solve`; its row comes from the
  result tables (docs/sweep.md).
- Rows are written as they finish: `rows.csv` is rewritten atomically after each
  one, with the chart, so an interrupted or killed sweep keeps every finished row.
- Ctrl-C stops scheduling; a run cut short by it is not a finished row and is left
  out. Rows are identical whatever the backend or the order of completion (sorted
  by run; compare them without the timing columns `TIMING`).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import signal
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from placement.data import atomic
from placement.data.dataset import DataSet
from placement.data.errors import InputError, Problem
from placement.data.loader import load_dataset
from placement.data.locks import validate_locks
from placement.data.scenario_io import OVERRIDE_SOURCE, load_scenario, scenario_to_dict
from placement.whatif.sweep.chart import chart_html, pareto_front
from placement.whatif.sweep.ray_backend import RayBackend
from placement.whatif.sweep.spec import Sweep
from placement.whatif.sweep.task import (
    METRICS,
    RESERVED,
    TAIL,
    TIMING,
    Task,
    error_row,
    run_task,
)


@dataclass
class SweepOutcome:
    rows: pd.DataFrame
    out: Path | None
    interrupted: bool
    seconds: float
    meta: dict = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """130 interrupted; 1 a run failed or a roster failed the checker; else 0."""
        if self.interrupted:
            return 130
        rows = self.rows
        failed = bool((rows["status"] == "error").any()) if len(rows) else False
        bad_check = bool(rows["check_ok"].eq(False).any()) if len(rows) else False
        return 1 if failed or bad_check else 0


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def prepare(spec: Sweep, workers: int) -> tuple[list[Task], dict[str, DataSet]]:
    """Validate every run and load each data set once. Raises `InputError` listing
    every problem of every run (the run named in the source)."""
    problems: list[Problem] = []
    scenarios = []
    where = str(spec.source or "sweep")
    for run in spec.runs:
        try:
            sc = load_scenario(spec.base, run.overrides)
        except InputError as err:
            problems += [_relabel(p, f"{where} (run {run.index}: {run.name})")
                         for p in err.problems]
            continue
        if sc.solver.engine == "cpsat":
            sc.solver.workers = workers
        scenarios.append((run, sc))
    datasets: dict[str, DataSet] = {}
    for _, sc in scenarios:
        key = f"{sc.data}@{sc.reference_date}"
        if key not in datasets:
            try:
                datasets[key] = load_dataset(sc.data, reference_date=sc.reference_date)
            except InputError as err:
                problems += err.problems
                datasets[key] = None
    tasks = []
    for run, sc in scenarios:
        key = f"{sc.data}@{sc.reference_date}"
        if datasets[key] is None:
            continue
        try:
            sc, _ = validate_locks(sc, datasets[key])  # duplicates merged, in a copy
        except InputError as err:
            problems += [_relabel(p, f"{where} (run {run.index}: {run.name})", always=True)
                         for p in err.problems]
        tasks.append(Task(run.index, run.name, dict(run.params), scenario_to_dict(sc),
                          str(sc.source), key))
    if problems:
        raise InputError(_unique(problems))
    return tasks, datasets


def run_sweep(spec: Sweep, out: Path | None = None, processes: int | None = None,
              workers: int | None = None, ray: str | None = None, progress: bool = False,
              keep_results: bool = True,
              on_row: Callable[[dict], None] | None = None,
              lang: str = "zh") -> SweepOutcome:
    """Solve every run of `spec`; rows (and, with `out`, files) as they finish.

    processes: parallel local processes (default: the sweep file's, else the cores;
      1 solves in this process). workers: CP-SAT workers per run (engine cpsat only;
      default max(1, cores // processes) so the cores are not oversubscribed).
    ray: "local" (start a Ray instance here), an address ("auto", "host:6379",
      "ray://host:10001"), or None; a Ray instance already started in this process
      is used as it is.
    keep_results: write each run's result folder under out/runs/.
    on_row(row) after each finished row (raising KeyboardInterrupt stops the sweep).
    lang: the language of chart.html (`placement sweep --lang`); Chinese by default, as
      every file written for planners."""
    started = time.perf_counter()
    n = len(spec.runs)
    procs = max(1, min(processes or spec.processes or cores(), n))
    threads = workers or spec.workers or max(1, cores() // procs)
    tasks, datasets = prepare(spec, threads)
    sink = _Sink(spec, out, keep_results, lang)
    meta = {"name": spec.name, "sweep": str(spec.source or ""), "base": str(spec.base),
            "runs": n, "backend": "ray" if ray else "local", "processes": procs,
            "cpsat_workers_per_run": threads, "cores": cores(), "interrupted": False}
    backend = _backend(ray, tasks, datasets, procs, threads, spec)
    interrupted = False
    with _ProgressBar(progress, n) as bar:
        try:
            backend.start()
            while backend.busy():
                for task, (row, result) in backend.finished():
                    if not sink.add(task, row, result):
                        raise KeyboardInterrupt  # the run saw Ctrl-C: stop the sweep
                    bar.advance(row)
                    if on_row is not None:
                        on_row(row)
        except KeyboardInterrupt:
            interrupted = True
            bar.note("stopping: finished rows are kept, runs in progress are dropped")
            try:
                for task, (row, result) in backend.stop():
                    sink.add(task, row, result)
            except KeyboardInterrupt:
                pass
        finally:
            backend.close()
    interrupted = interrupted or sink.dropped > 0
    meta |= {"interrupted": interrupted, "finished": len(sink.rows),
             "dropped_interrupted": sink.dropped,
             "wall_seconds": round(time.perf_counter() - started, 3)}
    rows = sink.close(meta)
    return SweepOutcome(rows, out, interrupted, time.perf_counter() - started, meta)


def compare_rows(a: pd.DataFrame, b: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of two sweeps without the timing columns, for equality tests."""
    drop = [c for c in TIMING if c in a]
    return a.drop(columns=drop).reset_index(drop=True), b.drop(columns=drop).reset_index(drop=True)


# --- where finished rows go ----------------------------------------------------------
class _Sink:
    """Keeps the rows; with an output folder, rewrites rows.csv and chart.html
    atomically after each row and writes the run's result folder."""

    def __init__(self, spec: Sweep, out: Path | None, keep_results: bool, lang: str):
        self.spec, self.out, self.keep = spec, out, keep_results and out is not None
        self.lang = lang  # of chart.html
        self.rows: list[dict] = []
        self.dropped = 0
        self.param_order = list(dict.fromkeys(
            f"set.{k}" if k in RESERVED else k for r in spec.runs for k in r.params))
        if out is not None:
            if (out / "sweep.json").is_file() and (out / "runs").is_dir():
                shutil.rmtree(out / "runs")  # an earlier sweep's run folders
            for name in ("rows.csv", "rows.parquet", "chart.html", "sweep.json"):
                (out / name).unlink(missing_ok=True)

    def add(self, task: Task, row: dict, result) -> bool:
        """Keep a finished row; False (and dropped) if Ctrl-C cut its search short."""
        if row.pop("interrupted", False):
            self.dropped += 1
            return False
        row.setdefault("result", "")
        if self.keep and result is not None:
            folder = Path("runs") / f"{task.index:03d}"
            result.write(self.out / folder)
            row["result"] = folder.as_posix()
        self.rows.append(row)
        if self.out is not None:
            atomic.write_csv(self.out / "rows.csv", self.frame())
            self._chart()
        return True

    def frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.rows)
        if not len(frame):
            return pd.DataFrame(columns=["run", "name", *self.param_order, *METRICS])
        frame = frame.sort_values("run", kind="stable").reset_index(drop=True)
        frame["pareto"] = pareto_front(frame, self.spec.chart)
        short = [c for c in frame.columns if c.startswith("short.")]
        order = ["run", "name", *self.param_order, *METRICS, *short, *TAIL, *TIMING]
        return frame.reindex(columns=[c for c in order if c in frame.columns or c in METRICS])

    def _chart(self) -> None:
        atomic.write_bytes(self.out / "chart.html",
                           chart_html(self.frame(), self.spec, self.lang).encode("utf-8"))

    def close(self, meta: dict) -> pd.DataFrame:
        frame = self.frame()
        if self.out is not None:
            atomic.write_csv(self.out / "rows.csv", frame)
            self._chart()
            if _write_parquet(frame, self.out / "rows.parquet"):
                meta["parquet"] = "rows.parquet"
            atomic.write_json(self.out / "sweep.json", meta)
        return frame


def _write_parquet(frame: pd.DataFrame, path: Path) -> bool:
    """rows.parquet when pyarrow is installed (`pip install placement[parquet]`)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    table = frame.copy()
    for col in table.columns:
        if table[col].dtype == object:  # mixed values ("1/3", 0.5) in one parameter
            table[col] = table[col].map(lambda v: None if v is None else str(v))
    tmp = path.with_name(f".{path.name}.tmp")
    table.to_parquet(tmp, index=False)
    os.replace(tmp, path)
    return True


# --- backends ------------------------------------------------------------------------
def _backend(ray: str | None, tasks, datasets, procs: int, threads: int, spec: Sweep):
    if ray:
        return RayBackend(tasks, datasets, ray, threads, spec.ray)
    if procs == 1:
        return _InProcess(tasks, datasets)
    return _ProcessPool(tasks, datasets, procs)


class _InProcess:
    """One run after the other in this process (`--processes 1`)."""

    def __init__(self, tasks: list[Task], datasets: dict[str, DataSet]):
        self.todo, self.datasets = list(tasks), datasets

    def start(self) -> None:
        pass

    def busy(self) -> bool:
        return bool(self.todo)

    def finished(self):
        task = self.todo.pop(0)
        return [(task, run_task(task, self.datasets[task.data_key]))]

    def stop(self):
        self.todo = []
        return []

    def close(self) -> None:
        pass


_WORKER_DATA: dict[str, DataSet] = {}


def _init_worker(datasets: dict[str, DataSet]) -> None:
    """A pool process ignores Ctrl-C (it reaches the whole terminal's process group):
    the parent decides what stops."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_DATA.update(datasets)


def _pool_task(task: Task):
    return run_task(task, _WORKER_DATA[task.data_key])


class _ProcessPool:
    """Local worker processes, started with `spawn` (a fresh interpreter: no threads
    of OR-Tools forked half-way), each holding the data sets once."""

    def __init__(self, tasks: list[Task], datasets: dict[str, DataSet], procs: int):
        self.tasks, self.datasets, self.procs = tasks, datasets, procs
        self.pool = None
        self.futures: dict = {}

    def start(self) -> None:
        self.pool = ProcessPoolExecutor(self.procs, mp_context=mp.get_context("spawn"),
                                        initializer=_init_worker, initargs=(self.datasets,))
        self.futures = {self.pool.submit(_pool_task, t): t for t in self.tasks}

    def busy(self) -> bool:
        return bool(self.futures)

    def finished(self):
        # With a timeout: Ctrl-C may be delivered to another thread of this process, and
        # then only wakes the main thread when it next runs Python code.
        done, _ = wait(list(self.futures), timeout=0.25, return_when=FIRST_COMPLETED)
        out = []
        for f in sorted(done, key=self._index):
            task = self.futures.pop(f)
            try:
                out.append((task, f.result()))
            except Exception as err:  # the process died (e.g. out of memory)
                out.append((task, (error_row(task, err), None)))
        return out

    def _index(self, fut) -> int:
        return self.futures[fut].index

    def stop(self):
        """Keep the runs that have finished; end the worker processes at once. A HiGHS
        search cannot be interrupted half-way, and waiting for every run in progress
        could take a time limit each, so those runs are dropped."""
        out = [(self.futures[f], f.result()) for f in sorted(self.futures, key=self._index)
               if f.done() and not f.cancelled() and f.exception() is None]
        self._end_workers()
        self.futures = {}
        return out

    def _end_workers(self) -> None:
        for f in self.futures:
            f.cancel()
        # The executor has no public way to end running calls: terminate its processes.
        for proc in list(getattr(self.pool, "_processes", {}).values()):
            proc.terminate()

    def close(self) -> None:
        if self.pool is None:
            return
        if self.futures:  # left early (an error): do not wait for the rest
            self._end_workers()
        self.pool.shutdown(wait=True, cancel_futures=True)


class _ProgressBar:
    """A progress bar on stderr (only on a terminal): runs done, elapsed, time left."""

    def __init__(self, enabled: bool, total: int):
        self.console = Console(stderr=True)
        self.enabled = enabled and self.console.is_terminal
        self.total = total
        self._progress = None

    def __enter__(self) -> _ProgressBar:
        if self.enabled:
            self._progress = Progress(TextColumn("{task.description}"), BarColumn(),
                                      MofNCompleteColumn(), TimeElapsedColumn(),
                                      TimeRemainingColumn(), console=self.console,
                                      transient=False)
            self._progress.__enter__()
            self._task = self._progress.add_task("sweep (Ctrl-C keeps finished rows)",
                                                 total=self.total)
        return self

    def advance(self, row: dict) -> None:
        if self._progress is not None:
            self._progress.update(self._task, advance=1,
                                  description=f"run {row['run']}: {row['status']}")

    def note(self, text: str) -> None:
        if self.enabled:
            self.console.print(text)

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)


def _relabel(p: Problem, source: str, always: bool = False) -> Problem:
    """A run's `--set` problem names the sweep file and the run instead."""
    return replace(p, source=source) if always or p.source == OVERRIDE_SOURCE else p


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        key = p.render("en")
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out

