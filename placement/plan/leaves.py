"""`placement plan --leaves FILE`: departures the planner already knows.

A CSV with the columns `cadre_id` and `year` (the calendar year of a plan year, as its
folder is named: 2028), one line per cadre who leaves in that year for a reason the
data set does not hold (a transfer out, a post elsewhere). Read with the loader's own
CSV reader (strict quoting, spreadsheet row numbers), and every problem is collected
with its file, row and column (an unknown cadre, a year outside the plan, a cadre named
twice), so a planner fixes the file in one pass.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from placement.data.dataset import DataSet
from placement.data.errors import InputError, Problem
from placement.data.loader import ROW, _read_bytes, _read_csv
from placement.data.parsing import cell_text

COLUMNS = {"cadre_id": "人员编号", "year": "年度"}


def read_leaves(path: Path | str, data: DataSet, first_year: int, years: int) -> dict[str, int]:
    """cadre id -> the plan year (1 = `first_year`) the cadre leaves in; `InputError`
    with every problem of the file."""
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise InputError([Problem("file_missing", params={"path": source})])
    raw, problem = _read_bytes(path)
    if problem is not None:
        raise InputError([problem])
    frame, problems = _read_csv(raw, source)
    if frame is None:
        raise InputError(problems)
    missing = [Problem("missing_column", source=source, row=1,
                       params={"column": c, "zh": zh})
               for c, zh in COLUMNS.items() if c not in frame.columns]
    if missing:
        raise InputError(missing)
    return _rows(frame, source, data, first_year, years)


def _rows(frame: pd.DataFrame, source: str, data: DataSet, first_year: int,
          years: int) -> dict[str, int]:
    known = set(data.cadres["cadre_id"])
    last = first_year + years - 1
    out: dict[str, int] = {}
    first_row: dict[str, int] = {}
    problems: list[Problem] = []
    for cadre, year, row in zip(frame["cadre_id"].map(cell_text), frame["year"].map(cell_text),
                                frame[ROW], strict=True):
        if not cadre and not year:
            continue  # a blank line
        bad = len(problems)
        if not cadre:
            problems.append(Problem("empty_required", source, int(row), "cadre_id"))
        elif cadre not in known:
            problems.append(Problem("unknown_ref", source, int(row), "cadre_id",
                                    {"value": cadre, "target": "cadres.cadre_id"}))
        elif cadre in first_row:
            problems.append(Problem("duplicate_id", source, int(row), "cadre_id",
                                    {"value": cadre, "first": first_row[cadre]}))
        if not year:
            problems.append(Problem("empty_required", source, int(row), "year"))
        elif not year.isdigit():
            problems.append(Problem("bad_int", source, int(row), "year", {"value": year}))
        elif not first_year <= int(year) <= last:
            problems.append(Problem("out_of_range", source, int(row), "year",
                                    {"value": year, "low": first_year, "high": last}))
        if len(problems) == bad:
            first_row[cadre] = int(row)
            out[cadre] = int(year) - first_year + 1
    if problems:
        raise InputError(problems)
    return out
