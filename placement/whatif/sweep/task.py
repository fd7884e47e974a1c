"""One sweep run: what a worker gets (`Task`), what it does (`run_task`), the row it gives.

Why a module of its own: every backend runs the same function on the same plain
data, in this process, in a local worker process or on a Ray node, so the local
runner (`local.py`) and the Ray backend (`ray_backend.py`) both import it and
neither imports the other's internals.

A run is `pipeline.run.solve_result` (propose + the independent checker +
explanations and tables), the same steps as `placement solve`; its row comes from
the result tables (docs/sweep.md).
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, replace
from pathlib import Path

from placement.data.dataset import DataSet
from placement.data.scenario import Scenario
from placement.pipeline.run import solve_result
from placement.roster.result_folder import Result
from placement.whatif.diff import headline_figures, structure_totals
from placement.whatif.sweep.spec import shown

# The columns of a row besides the run's parameters and shortfalls (docs/sweep.md).
TIMING = ("seconds", "build_seconds", "solve_seconds")
METRICS = ("status", "objective", "bound", "gap", "check_ok", "fit", "changed_posts", "moves",
           "released", "women", "young", "locals", "exchanged_in", "non_party",
           "township_head", "avg_age", "penalty")
TAIL = ("pareto", "scenario_checksum", "result", "error")
RESERVED = ("run", "name", *METRICS, *TAIL, *TIMING)


@dataclass
class Task:
    """What a worker needs for one run: plain, picklable data, no model."""

    index: int
    name: str
    params: dict
    scenario: dict  # scenario_to_dict of the validated run scenario
    source: str
    data_key: str


def run_task(task: Task, data: DataSet) -> tuple[dict, Result | None]:
    """Solve one run and check it: (row, result); a run that raises gives an error
    row and no result."""
    t0 = time.perf_counter()
    try:
        sc = Scenario.model_validate(task.scenario)
        sc.source = Path(task.source)
        result = solve_result(sc, data, progress=False)
    except Exception as err:  # one broken run must not end the sweep
        return error_row(task, err) | {"seconds": round(time.perf_counter() - t0, 3)}, None
    # The caller holds the data set: it does not travel back with every run's result.
    return row_of(task, result, time.perf_counter() - t0), replace(result, data=None)


def row_of(task: Task, result: Result, seconds: float) -> dict:
    """One sweep row: parameters, status, objective, structure totals, shortfalls, time."""
    s = result.summary
    head = headline_figures(result)
    row = base_row(task)
    row |= {k: head[k] for k in ("status", "objective", "check_ok", "fit", "changed_posts",
                                 "moves", "released")}
    row |= {"bound": s.get("bound"), "gap": s.get("gap")}
    totals = structure_totals(result.teams)
    row |= {k: v for k, v in totals.items() if k != "size"}
    row["penalty"] = head["penalty"]
    if result.rules is not None:
        rules = result.rules
        multi = rules["rule"].value_counts()
        for r in rules.itertuples(index=False):
            col = f"short.{r.rule}" + (f".{r.scope}" if multi[r.rule] > 1 else "")
            row[col] = int(r.shortfall)
    times = s.get("times", {})
    row |= {"interrupted": bool(s.get("interrupted")),
            "scenario_checksum": s.get("scenario_checksum", ""), "error": "",
            "seconds": round(seconds, 3), "build_seconds": times.get("build"),
            "solve_seconds": times.get("solve")}
    return row


def base_row(task: Task) -> dict:
    """The run's number, name and parameters (a parameter named like a result column
    is shown as `set.<name>`)."""
    row: dict = {"run": task.index, "name": task.name}
    for key, value in task.params.items():
        row[f"set.{key}" if key in RESERVED else key] = shown(value)
    return row


def error_row(task: Task, err: BaseException) -> dict:
    """The row of a run that failed (it raised, or its worker died)."""
    return base_row(task) | {"status": "error", "error": one_line(err)}


def one_line(err: BaseException) -> str:
    """The exception's last line, on one line."""
    last = traceback.format_exception_only(type(err), err)[-1].strip()
    return last.replace("\n", " ")
