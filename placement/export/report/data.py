"""A result folder read back, with its scenario, data set and checker figures.

Both planner reports (`report_xlsx`, `report_html`) and `export-lrmx` start
from a result folder written by `placement solve`. They need more than the
CSV files: names and titles live in the data set, and the per-team targets
(for highlighting met and unmet figures) come from the independent checker.
So this module reloads the scenario solved (summary.json's effective
settings, or the scenario file it names) and its data set, re-runs the
checker on roster.csv (a fraction of a second) and hands all of it over as
one `Result`, saying whether the scenario or the data changed since. Every
problem (a missing file, a scenario that moved) is an `InputError` naming
the file, never a traceback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from placement.data.dataset import DataSet
from placement.data.errors import InputError, Problem
from placement.data.scenario import Scenario

REQUIRED_FILES = ("summary.json", "roster.csv", "moves.csv", "teams.csv", "rules.csv")


@dataclass
class Result:
    folder: Path
    summary: dict
    roster: pd.DataFrame  # roster.csv, text cells
    moves: pd.DataFrame  # moves.csv, text cells
    teams: pd.DataFrame  # teams.csv, numbers as numbers
    rules: pd.DataFrame  # rules.csv, numbers as numbers
    alternates: pd.DataFrame | None  # alternates.csv when the folder has one
    shortfalls: pd.DataFrame | None  # shortfalls.csv (a cause per shortfall) when present
    scenario: Scenario
    data: DataSet
    figures: pd.DataFrame  # the checker's per-place figures for roster.csv
    scenario_changed: bool  # the scenario's settings differ from those solved
    data_changed: bool = False  # an input file's checksum differs from summary.json's


def read_csv_text(path: Path) -> pd.DataFrame:
    """A result CSV as text cells ("" for empty); an unreadable file is an InputError."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError,
            OSError) as err:
        raise InputError([Problem("bad_csv", source=str(path),
                                  params={"reason": str(err).strip()})]) from None


def _numeric(frame: pd.DataFrame, keep: tuple[str, ...]) -> pd.DataFrame:
    """Columns other than `keep` as numbers where every cell reads as one."""
    out = frame.copy()
    for col in out.columns:
        if col in keep:
            continue
        nums = pd.to_numeric(out[col].replace("", pd.NA), errors="coerce")
        if nums.notna().sum() == (out[col] != "").sum():
            out[col] = nums
    return out


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
    raise InputError([Problem("result_scenario_missing", source=str(folder / "summary.json"),
                              params={"path": str(written)})])


def load_result(folder: Path, scenario: Path | None = None) -> Result:
    """Read the result folder `folder`; `scenario` overrides the one summary.json names."""
    from placement.checker import check_roster
    from placement.checker.roster_io import normalise_roster
    from placement.data.loader import load_dataset

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError([Problem("file_missing", params={"path": str(folder)})])
    missing = [f for f in REQUIRED_FILES if not (folder / f).is_file()]
    if "roster.csv" in missing and "summary.json" not in missing:
        status = _status(folder / "summary.json")
        if status:  # solved, but without a roster (infeasible, or nothing in time)
            raise InputError([Problem("result_no_roster", source=str(folder),
                                      params={"status": status})])
    if missing:
        raise InputError([Problem("result_file_missing", source=str(folder),
                                  params={"file": f}) for f in missing])
    try:
        summary = json.loads((folder / "summary.json").read_text("utf-8"))
    except (ValueError, OSError) as err:
        raise InputError([Problem("result_bad_summary", source=str(folder / "summary.json"),
                                  params={"reason": str(err)})]) from None
    sc, changed = _scenario(folder, summary, scenario)
    data = load_dataset(sc.data, reference_date=sc.reference_date)
    roster = read_csv_text(folder / "roster.csv")
    report = check_roster(sc, data, normalise_roster(roster, str(folder / "roster.csv")))
    alt, short = folder / "alternates.csv", folder / "shortfalls.csv"
    return Result(
        folder=folder, summary=summary, roster=roster,
        moves=read_csv_text(folder / "moves.csv"),
        teams=_numeric(read_csv_text(folder / "teams.csv"),
                       ("team_id", "team_name", "kind", "region")),
        rules=_numeric(read_csv_text(folder / "rules.csv"), ("rule", "mode", "scope", "where")),
        alternates=read_csv_text(alt) if alt.is_file() else None,
        shortfalls=read_csv_text(short) if short.is_file() else None,
        scenario=sc, data=data, figures=report.figures, scenario_changed=changed,
        data_changed=bool(summary.get("input_checksums"))
        and summary["input_checksums"] != dict(sorted(data.checksums.items())),
    )


def _scenario(folder: Path, summary: dict, given: Path | None) -> tuple[Scenario, bool]:
    """The scenario solved: from summary.json's effective settings (which include any
    --set overrides) unless a file is given or the settings no longer validate; and
    whether it differs from the one solved (known by the checksum)."""
    from pydantic import ValidationError

    from placement.data.scenario_io import load_scenario, scenario_checksum

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
