"""The Python API: everything the CLI does, as plain function calls.

Why it exists: analysts explore what-ifs in notebooks and scripts. They should get
the very rosters, checks and tables `placement solve` writes, as pandas frames,
without shelling out or parsing files. `solve` runs `placement solve` itself, and
the CLI's `diff` and `sweep` commands are thin layers over these functions, so
the two cannot drift apart.

    from placement import api
    sc, data = api.load("scenarios/linfen.toml", ["solver.time_limit=30"])
    a = api.solve(sc, data)
    b = api.solve(api.override(sc, "rules.R-TC5.min_women=3"), data)
    d = api.diff(a, b)          # d.posts, d.moves, d.structure, d.rules (DataFrames)
    a.write("results/a")        # the files `placement solve` writes

`explain` (issue 4) joins this module when it lands.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from placement.data import atomic
from placement.data.dataset import DataSet
from placement.data.errors import InputError, Problem
from placement.data.scenario import Scenario

__all__ = ["Result", "load", "override", "solve", "check", "read_result", "diff", "sweep"]

# Columns of result files that hold numbers; every other column is read as text
# (ids such as "0001" keep their leading zeros, an empty cell stays ""). The files
# are those `placement solve` writes (`run.RESULT_FILES`); a file not named here is
# read as text.
_NUMBER_COLUMNS = {
    "roster": ("fit",),
    "moves": (),
    "teams": None,  # every column but the four below
    "rules": ("required", "achieved", "shortfall", "places", "places_short", "weight",
              "penalty"),
    "shortfalls": ("shortfall",),
    "alternates": ("rank", "fit", "objective", "objective_change", "lines_changed"),
}
_TEAM_TEXT = ("team_id", "team_name", "kind", "region")


@dataclass
class Result:
    """One solve: summary.json and the tables of a result folder, in memory.

    `roster`, `moves`, `teams`, `rules` (and `shortfalls`, where the solve wrote one)
    are DataFrames, None when there is no roster. The same object comes from
    `solve` and from `read_result`, so results compare however they were made."""

    summary: dict
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    roster = property(lambda self: self.frames.get("roster"))
    moves = property(lambda self: self.frames.get("moves"))
    teams = property(lambda self: self.frames.get("teams"))
    rules = property(lambda self: self.frames.get("rules"))
    shortfalls = property(lambda self: self.frames.get("shortfalls"))
    alternates = property(lambda self: self.frames.get("alternates"))

    @property
    def status(self) -> str:
        return self.summary.get("status", "unknown")

    @property
    def objective(self) -> float | None:
        return self.summary.get("objective")

    @property
    def conflicts(self) -> list[dict]:
        return self.summary.get("conflicts", [])

    @property
    def ok(self) -> bool:
        """A roster exists and the independent checker passed it."""
        return bool(self.summary.get("check", {}).get("ok"))

    @property
    def interrupted(self) -> bool:
        return bool(self.summary.get("interrupted"))

    @property
    def exit_code(self) -> int:
        from placement.pipeline.run import EXIT
        from placement.solver.solve import Status

        return EXIT[Status(self.status)]

    def headline(self, lang: str = "en") -> str:
        from placement.pipeline.run import RunResult
        from placement.solver.solve import Status

        return RunResult(Status(self.status), self.summary, self.roster,
                         self.conflicts).headline(lang)

    def tables(self) -> dict[str, pd.DataFrame]:
        return dict(self.frames)

    def write(self, out: Path | str) -> Path:
        """Write the result folder as `placement solve` does, each file atomically;
        result files of an older result that this one lacks are removed."""
        from placement.pipeline.run import _clear_stale

        out = Path(out)
        _clear_stale(out)
        for name, frame in self.frames.items():
            atomic.write_csv(out / f"{name}.csv", frame)
        self.summary["out"] = str(out)
        atomic.write_json(out / "summary.json", self.summary)
        return out


def load(scenario: Path | str, overrides: Sequence[str] = ()) -> tuple[Scenario, DataSet]:
    """Read and validate a scenario (with `--set`-style overrides) and its data set.

    Raises `InputError` listing every problem found."""
    from placement.data.loader import load_dataset
    from placement.data.scenario_io import load_scenario

    sc = load_scenario(Path(scenario), list(overrides))
    return sc, load_dataset(sc.data, reference_date=sc.reference_date)


def override(sc: Scenario, *settings: str) -> Scenario:
    """A copy of `sc` with `dotted.key=value` settings applied and validated again,
    read exactly like `--set` (docs/scenario.md). `sc` itself is not changed.

    Raises `InputError` (source `--set`) for a bad key or value."""
    from pydantic import ValidationError

    from placement.data.scenario_io import (
        OVERRIDE_SOURCE,
        _apply_override,
        _parse_override,
        _problems_from,
        scenario_to_dict,
    )

    problems: list[Problem] = []
    raw = scenario_to_dict(sc)
    origin: dict = {}
    for text in settings:
        item = _parse_override(text, problems)
        if item is not None:
            _apply_override(raw, origin, *item, problems)
    if problems:
        raise InputError(problems)
    try:
        new = Scenario.model_validate(raw)
    except ValidationError as err:
        raise InputError(_problems_from(err, raw, origin, OVERRIDE_SOURCE)) from None
    new.source = sc.source
    return new


def solve(sc: Scenario, data: DataSet, progress: bool = False, **options) -> Result:
    """Propose a roster, check it independently and build the result tables.

    This is `placement solve` itself (`run.run_solve`, into a temporary folder that
    is read back), so the API and the CLI give the same files by construction.
    `options` go to `run_solve` (e.g. `start_from`, a published roster whose every
    changed line costs `weights.change`)."""
    import tempfile

    from placement.pipeline.run import run_solve

    with tempfile.TemporaryDirectory(prefix="placement-") as tmp:
        run_solve(sc, data, Path(tmp), progress=progress, **options)
        result = read_result(tmp)
    result.summary["out"] = ""
    return result


def check(sc: Scenario, data: DataSet, roster: Result | pd.DataFrame | Path | str):
    """The independent checker (`placement check`) on a result, a roster frame or a
    roster file: a `CheckReport` (`.ok`, `.violations`, `.figures`, `.totals`)."""
    from placement.checker import check_roster, read_roster

    if isinstance(roster, Result):
        roster = roster.roster
    elif not isinstance(roster, pd.DataFrame):
        roster = read_roster(Path(roster))
    return check_roster(sc, data, roster)


def read_result(folder: Path | str) -> Result:
    """A result folder written by `placement solve`, `Result.write` or a sweep.

    Raises `InputError` if the folder has no summary.json."""
    folder = Path(folder)
    path = folder / "summary.json"
    if not path.is_file():
        raise InputError([Problem("file_missing", params={"path": str(path)})])
    summary = json.loads(path.read_text(encoding="utf-8"))
    from placement.pipeline.run import RESULT_FILES

    frames = {}
    for file_name in RESULT_FILES:
        file, name = folder / file_name, Path(file_name).stem
        if not file.is_file():
            continue
        frame = pd.read_csv(file, encoding="utf-8-sig", keep_default_na=False, dtype=str)
        numbers = _NUMBER_COLUMNS.get(name, ())
        if numbers is None:
            numbers = [c for c in frame.columns if c not in _TEAM_TEXT]
        for col in numbers:
            if col in frame:
                frame[col] = pd.to_numeric(frame[col].where(frame[col] != ""))
        frames[name] = frame
    return Result(summary, frames)


def diff(a: Result | Path | str, b: Result | Path | str, labels: tuple[str, str] | None = None):
    """What changes from result `a` to result `b` (results or result folders): see
    `placement.whatif.diff.Diff`."""
    from placement.whatif.diff import diff_results

    names = labels or (_label(a, "A"), _label(b, "B"))
    ra = a if isinstance(a, Result) else read_result(a)
    rb = b if isinstance(b, Result) else read_result(b)
    return diff_results(ra, rb, names)


def why_not(sc: Scenario, data: DataSet, cadre: str, post: str):
    """Why is `cadre` not in `post` (`placement why-not`): the excluding rules, or the
    objective change, the lines that change and the targets that move when forced."""
    from placement.pipeline.questions import why_not as explain_why_not

    return explain_why_not(sc, data, cadre, post)


def sweep(spec, out: Path | str | None = None, **options):
    """Solve every scenario of a sweep (a sweep file or a `placement.whatif.sweep.spec.Sweep`)
    and return its `SweepOutcome` (`.rows` is the table). Options: see `run_sweep`."""
    from placement.whatif.sweep.local import run_sweep
    from placement.whatif.sweep.spec import Sweep, read_sweep

    spec = spec if isinstance(spec, Sweep) else read_sweep(Path(spec))
    return run_sweep(spec, Path(out) if out is not None else None, **options)


def _label(x: object, default: str) -> str:
    if isinstance(x, Result):
        return x.summary.get("name") or default
    return str(x)
