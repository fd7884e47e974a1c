"""Writing a plan folder: plan.csv, timeline.csv, plan.json and one folder per year.

Each year's folder (`DIR/2027/`) is that year's result folder, written by the one
writer of result folders (`Result.write`), plus the year's state: `data/` (the data
set as the plan solved it: incumbents as the previous year left them) and
`scenario.toml` (every setting, the year's reference date, `data = "data"`), so that
`placement check DIR/2027/scenario.toml DIR/2027/roster.csv` confirms the year on
its own and `placement solve DIR/2027/scenario.toml` solves it again.

A plan folder is written whole or not at all, as a result folder is
(`placement.roster.result_folder`): everything is written into a temporary sibling
(`.NAME.tmp-*`), plan.json last with `files`, the SHA-256 of every file in it, and the
sibling then replaces `out` in one rename; a failure on the way removes the sibling
and leaves `out` as it was (a previous plan folder untouched, or no folder). `out` must
be absent, empty or a plan folder written before (its plan.json names its year
folders), so a folder of the user's is never replaced. A second writer is refused (the
result folders' lock on `out`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from placement.data import atomic
from placement.data.errors import OutputError, Problem, os_problem
from placement.plan import dataset_files
from placement.plan.rolling import Plan
from placement.plan.scenario_file import scenario_toml
from placement.plan.tables import localised, plan_summary, plan_table, timeline
from placement.roster.result_folder import SUMMARY_FILE, lock_folder

PLAN_FILES = ("plan.csv", "timeline.csv", "plan.json", "report.xlsx", "report.html")


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


def _manifest(folder: Path) -> dict[str, str]:
    """Every file under `folder` (relative path, `/`-separated) -> its SHA-256."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _write_into(plan: Plan, folder: Path, out: Path, lang: str) -> None:
    """The plan's files in `folder` (to become `out`), plan.json last; plan.csv and
    timeline.csv in `lang` (Chinese headers and words on "zh")."""
    for year in plan.years:
        year_dir = folder / year.label
        # The year's input data set lands inside its result folder on purpose; the
        # result writer's guard against writing over an input is for user folders.
        replace(year.result, scenario=None).write(year_dir)
        year.result.summary["out"] = str(out / year.label)  # not the sibling's
        atomic.write_json(year_dir / SUMMARY_FILE, year.result.summary)
        year.result.folder = out / year.label
        dataset_files.write(year.tables, year_dir / "data")
        header = (f"Year {year.index} of the plan from {plan.scenario.source or '?'}: "
                  "incumbents as the previous year's roster left them.\n"
                  "Written by `placement plan`; check with `placement check "
                  f"{out / year.label}/scenario.toml {out / year.label}/roster.csv`.")
        atomic.write_bytes(year_dir / "scenario.toml",
                           scenario_toml(year.scenario, "data", header).encode("utf-8"))
    atomic.write_bytes(folder / "plan.csv",
                       atomic.csv_bytes(localised(plan_table(plan, lang), lang)))
    atomic.write_bytes(folder / "timeline.csv",
                       atomic.csv_bytes(localised(timeline(plan, lang), lang)))
    atomic.write_json(folder / "plan.json", plan_summary(plan) | {"files": _manifest(folder)})


def write_plan(plan: Plan, out: Path | str, lang: str = "en") -> Path:
    """Write the plan folder `out` whole (module docstring), plan.csv and timeline.csv in
    `lang`; returns `out`."""
    out = Path(os.path.abspath(out))
    with lock_folder(out):
        _previous_years(out)
        for stale in out.parent.glob(f".{out.name}.tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)
        for stale in out.parent.glob(f".{out.name}.old-*"):
            shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
        old = None
        try:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o777 & ~umask)  # mkdtemp's 0700 would hide the plan
            _write_into(plan, tmp, out, lang)
            if out.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
                os.replace(out, old / "previous")
            os.replace(tmp, out)
        except BaseException as err:
            if old is not None and not out.exists():
                os.replace(old / "previous", out)  # put the previous plan back
            if isinstance(err, OSError):
                err.filename = str(out)  # the folder asked for, not the sibling
                raise OutputError([os_problem(err)]) from None
            raise
        finally:
            for left in (tmp, old):
                if left is not None:
                    shutil.rmtree(left, ignore_errors=True)
    return out
