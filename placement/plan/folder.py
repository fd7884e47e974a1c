"""Writing a plan folder: plan.csv, timeline.csv, plan.json and one folder per year.

Each year's folder (`DIR/2027/`) is that year's result folder, written by the one
writer of result folders (`Result.write`), plus the year's state: `data/` (the data
set as the plan solved it: incumbents as the previous year left them) and
`scenario.toml` (every setting, the year's reference date, `data = "data"`), so that
`placement check DIR/2027/scenario.toml DIR/2027/roster.csv` confirms the year on
its own and `placement solve DIR/2027/scenario.toml` solves it again.

A plan folder is replaced year folder by year folder, not swapped in whole: `out` must
be absent, empty or a plan folder written before (its plan.json names its year
folders), and nothing else is ever removed. A second writer is refused (the result
folders' lock on `out`).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

from placement.data import atomic
from placement.data.errors import OutputError, Problem
from placement.plan import dataset_files
from placement.plan.rolling import Plan
from placement.plan.scenario_file import scenario_toml
from placement.plan.tables import plan_summary, plan_table, timeline
from placement.roster.result_folder import lock_folder

PLAN_FILES = ("plan.csv", "timeline.csv", "plan.json")


def _previous_years(out: Path) -> list[str]:
    """The year folders of the plan folder `out` (none if it is absent or empty);
    `OutputError` if `out` is a file or holds anything a plan did not write."""
    if out.exists() and not out.is_dir():
        raise OutputError([Problem("out_is_file", params={"path": str(out)})])
    if not out.exists():
        return []
    years: list[str] = []
    if (out / "plan.json").is_file():
        try:
            years = [str(y["year"]) for y in json.loads(
                (out / "plan.json").read_text("utf-8"))["years"]]
        except (ValueError, KeyError, TypeError):
            years = []
    stranger = next((p.name for p in sorted(out.iterdir())
                     if p.name not in PLAN_FILES and p.name not in years), None)
    if stranger is not None:
        raise OutputError([Problem("out_not_result", params={"path": str(out),
                                                              "file": stranger})])
    return years


def check_plan_out(out: Path, inputs: list[Path]) -> None:
    """`OutputError` unless `out` may become a plan folder (see the module docstring)
    without touching an input."""
    absolute = Path(out).absolute()
    for given in inputs:
        inp = Path(given).absolute()
        if absolute == inp or inp in absolute.parents or absolute in inp.parents:
            raise OutputError([Problem("out_in_input", params={"path": str(absolute),
                                                                "input": str(inp)})])
    _previous_years(Path(out))


def write_plan(plan: Plan, out: Path | str) -> Path:
    """Write the plan folder `out` (module docstring); returns `out`."""
    out = Path(out)
    with lock_folder(out):
        for old in _previous_years(out):
            shutil.rmtree(out / old)
        for name in PLAN_FILES:
            (out / name).unlink(missing_ok=True)
        for year in plan.years:
            folder = out / year.label
            # The year's input data set lands inside its result folder on purpose; the
            # result writer's guard against writing over an input is for user folders.
            replace(year.result, scenario=None).write(folder)
            dataset_files.write(year.tables, folder / "data")
            header = (f"Year {year.index} of the plan from {plan.scenario.source or '?'}: "
                      "incumbents as the previous year's roster left them.\n"
                      "Written by `placement plan`; check with `placement check "
                      f"{folder}/scenario.toml {folder}/roster.csv`.")
            atomic.write_bytes(folder / "scenario.toml",
                               scenario_toml(year.scenario, "data", header).encode("utf-8"))
        atomic.write_bytes(out / "plan.csv", atomic.csv_bytes(plan_table(plan)))
        atomic.write_bytes(out / "timeline.csv", atomic.csv_bytes(timeline(plan)))
        atomic.write_json(out / "plan.json", plan_summary(plan))
    return out
