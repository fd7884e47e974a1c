"""A result folder read back for a report, with its scenario, data set and checker figures.

Both planner reports (`report_xlsx`, `report_html`) and `export-lrmx` start
from a result folder written by `placement solve`. They need more than the
CSV files (`read_result`): names and titles live in the data set, and the
per-team targets (for highlighting met and unmet figures) come from the
independent checker. So this module reloads the scenario solved (summary.json's
effective settings, or the scenario file it names) and its data set, re-runs
the checker on roster.csv (a fraction of a second) and hands all of it over as
the one `Result` with `scenario`, `data` and `figures` filled in, saying whether
the scenario changed since (`data_changed` says the same of the data). Every
problem (a missing file, a scenario that moved) is an `InputError` naming the
file, never a traceback. The checking stays here, above the checker: the result
folder's reader (`placement.roster.result_folder`) sits below it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from pydantic import ValidationError

from placement.checker import check_roster
from placement.checker.roster_io import normalise_roster
from placement.data.errors import InputError, Problem
from placement.data.loader import load_dataset
from placement.data.scenario import Scenario
from placement.data.scenario_io import load_scenario, scenario_checksum
from placement.roster.result_folder import SUMMARY_FILE, Result, read_result

REQUIRED_FILES = (SUMMARY_FILE, "roster.csv", "moves.csv", "teams.csv", "rules.csv")


def _status(path: Path) -> str:
    try:
        return str(json.loads(path.read_text("utf-8")).get("status") or "")
    except (ValueError, OSError, AttributeError):
        return ""


def find_scenario(folder: Path, summary: dict, given: Path | None) -> Path:
    """The scenario file: `given`, else summary.json's path as written (relative to the
    working directory the solve ran in, or to the result folder's parent)."""
    if given is not None:
        return Path(given)
    written = Path(summary.get("scenario") or "")
    candidates = [written] if written.is_absolute() else [
        Path.cwd() / written, folder.parent / written, folder / written]
    for path in candidates:
        if str(written) not in ("", ".") and path.is_file():
            return path
    raise InputError([Problem("result_scenario_missing", source=str(folder / SUMMARY_FILE),
                              params={"path": str(written)})])


def load_result(folder: Path, scenario: Path | None = None) -> Result:
    """Read the result folder `folder` with its inputs and the checker's figures;
    `scenario` overrides the one summary.json names."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError([Problem("file_missing", params={"path": str(folder)})])
    missing = [f for f in REQUIRED_FILES if not (folder / f).is_file()]
    if "roster.csv" in missing and SUMMARY_FILE not in missing:
        status = _status(folder / SUMMARY_FILE)
        if status:  # solved, but without a roster (infeasible, or nothing in time)
            raise InputError([Problem("result_no_roster", source=str(folder),
                                      params={"status": status})])
    if missing:
        raise InputError([Problem("result_file_missing", source=str(folder),
                                  params={"file": f}) for f in missing])
    res = read_result(folder)
    sc, changed = _scenario(folder, res.summary, scenario)
    data = load_dataset(sc.data, reference_date=sc.reference_date)
    report = check_roster(sc, data, normalise_roster(res.roster, str(folder / "roster.csv")))
    return replace(res, scenario=sc, data=data, figures=report.figures,
                   scenario_changed=changed)


def _scenario(folder: Path, summary: dict, given: Path | None) -> tuple[Scenario, bool]:
    """The scenario solved: from summary.json's effective settings (which include any
    --set overrides) unless a file is given or the settings no longer validate; and
    whether it differs from the one solved (known by the checksum)."""
    settings = summary.get("settings")
    if given is None and isinstance(settings, dict):
        try:
            sc = Scenario.model_validate(settings)
            written = summary.get("scenario") or ""
            sc.source = Path(written) if written else None
            return sc, False
        except (ValidationError, TypeError, ValueError):
            pass  # settings of an older version: read the file instead
    sc = load_scenario(find_scenario(folder, summary, given))
    solved = summary.get("scenario_checksum")
    return sc, bool(solved) and solved != scenario_checksum(sc)
