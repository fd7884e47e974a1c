"""One solve's result, and the one reader and writer of a result folder.

Why one class and one reader: `placement solve`, `api.solve`, sweeps, `placement diff`,
the planner reports and `export-lrmx` all hand the same tables around (roster, moves,
teams, rules, shortfalls, alternates) with summary.json. One `Result` and one file
format keep them from drifting: a result built in memory and the same result read back
from its folder have the same frames, column types included (ids stay text, "" for an
empty cell; `NUMBER_COLUMNS` are numbers), so `read_result(r.write(d))` equals `r` and
a diff or a report cannot depend on how a result was made.

A result may also carry what it was computed from: the scenario, the data set and the
independent checker's per-place figures for its roster. The pipeline fills them in
when it solves; a folder read back has none of them (the report reader in
`placement.export.report.data` reloads them and re-runs the checker; this module sits
below the checker and does not).

Writing is atomic per file (`placement.data.atomic`); the result files of an older
result that this one lacks are removed first, so a folder never shows an older roster
beside a new summary.json, which is written last.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from placement.data import atomic
from placement.data.dataset import DataSet
from placement.data.errors import InputError, Problem
from placement.data.scenario import Scenario
from placement.solver.solve import Status

RESULT_FILES = ("roster.csv", "moves.csv", "teams.csv", "rules.csv", "shortfalls.csv",
                "alternates.csv")
TABLES = tuple(Path(name).stem for name in RESULT_FILES)
SUMMARY_FILE = "summary.json"

# Columns that hold numbers; every other column is text. For teams.csv every column
# but `TEAM_TEXT` is a number.
NUMBER_COLUMNS: dict[str, tuple[str, ...] | None] = {
    "roster": ("fit",),
    "moves": (),
    "teams": None,
    "rules": ("required", "achieved", "shortfall", "places", "places_short", "weight",
              "penalty"),
    "shortfalls": ("shortfall",),
    "alternates": ("rank", "fit", "objective", "objective_change", "lines_changed"),
}
TEAM_TEXT = ("team_id", "team_name", "kind", "region")

# The data contract's exit codes of `placement solve` (cli.py).
EXIT_CODES = {Status.OPTIMAL: 0, Status.FEASIBLE: 0, Status.INFEASIBLE: 4, Status.UNKNOWN: 5}


def typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Table `name` with the column types of its file read back: `NUMBER_COLUMNS` as
    numbers (an empty cell is NaN), every other cell as text ("" for an empty one).
    A new frame; `frame` is not changed."""
    numbers = NUMBER_COLUMNS[name]
    if numbers is None:
        numbers = tuple(c for c in frame.columns if c not in TEAM_TEXT)
    out = frame.reset_index(drop=True)
    for col in out.columns:
        cells = out[col]
        if col in numbers:
            out[col] = pd.to_numeric(cells.where(cells != ""))
        else:
            out[col] = cells.where(cells.notna(), "").astype(str)
    return out


@dataclass
class Result:
    """One solve: summary.json and the result tables (None where a table was not made:
    no roster, or no alternates asked for), with what it was computed from when known."""

    summary: dict
    roster: pd.DataFrame | None = None
    moves: pd.DataFrame | None = None
    teams: pd.DataFrame | None = None
    rules: pd.DataFrame | None = None
    shortfalls: pd.DataFrame | None = None
    alternates: pd.DataFrame | None = None
    scenario: Scenario | None = None  # the scenario solved
    data: DataSet | None = None  # the data set it was solved on
    figures: pd.DataFrame | None = None  # the independent checker's figures for `roster`
    folder: Path | None = None  # where it was read from or last written to
    scenario_changed: bool = False  # `scenario` differs from the one solved (a report reread it)

    def __post_init__(self) -> None:
        for name in TABLES:
            frame = getattr(self, name)
            if frame is not None:
                setattr(self, name, typed(name, frame))

    @property
    def status(self) -> str:
        """optimal, feasible, infeasible or unknown."""
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
    def data_changed(self) -> bool:
        """An input file's checksum differs from the one summary.json recorded."""
        solved = self.summary.get("input_checksums")
        return (bool(solved) and self.data is not None
                and solved != dict(sorted(self.data.checksums.items())))

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[Status(self.status)]

    def headline(self, lang: str = "en") -> str:
        """What `placement solve` prints: the figures, or the conflicts and verified
        relaxations of an infeasible scenario."""
        s = self.summary
        if self.status == Status.INFEASIBLE.value and self.conflicts:
            zh = lang == "zh"
            lines = ["无可行名单，冲突：" if zh else "infeasible; conflicts:"]
            lines += [f"  {c['rule']} @ {c['where']}: "
                      f"{c.get('detail_zh', c['detail']) if zh else c['detail']}"
                      for c in self.conflicts]
            relax = s.get("relaxations") or []
            if relax:
                lines.append("可行的放宽办法（已求解验证）：" if zh else
                             "relaxations that restore a roster (verified by solving):")
                lines += [f"  {r['change_zh'] if zh else r['change']}: {r['status']}, "
                          f"objective {r['objective']}" for r in relax]
            return "\n".join(lines)
        gap = s.get("gap")
        gap_text = "" if gap is None else f", gap {gap:.4%}"
        check = s.get("check", {})
        return (
            f"{s['status']}: objective {s.get('objective')}{gap_text}, "
            f"{s['times']['solve']:.1f}s solve; "
            f"check {'passed' if check.get('ok') else 'FAILED'}; "
            f"{s['counts']['changed_posts']} posts change"
            + (f" ({s['from']['changed_lines']} lines differ from {s['from']['roster']})"
               if s.get("from") else "")
            + (_alternates_headline(s["alternates"]) if s.get("alternates") else "")
            + f"; results in {s['out']}"
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table the result has, by name, in file order."""
        return {name: getattr(self, name) for name in TABLES if getattr(self, name) is not None}

    def write(self, out: Path | str) -> Path:
        """Write the result folder `out`: each table as its CSV file, then summary.json
        (whose `out` becomes `out`), each file atomically; result files of an older
        result that this one lacks are removed first."""
        out = Path(out)
        for name in RESULT_FILES:
            (out / name).unlink(missing_ok=True)
        for name, frame in self.tables().items():
            atomic.write_csv(out / f"{name}.csv", frame)
        self.summary["out"] = str(out)
        atomic.write_json(out / SUMMARY_FILE, self.summary)
        self.folder = out
        return out


def _alternates_headline(a: dict) -> str:
    if a.get("interrupted"):
        return (f"; {a['alternates']} alternates for {a['posts_done']} of {a['posts']} posts "
                f"(interrupted)")
    return f"; {a['alternates']} alternates for {a['posts']} posts"


def read_csv_text(path: Path) -> pd.DataFrame:
    """A CSV file as text cells ("" for empty); an unreadable file is an InputError."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError,
            OSError) as err:
        raise InputError([Problem("bad_csv", source=str(path),
                                  params={"reason": str(err).strip()})]) from None


def read_summary(folder: Path) -> dict:
    """summary.json of a result folder; a missing or unreadable one is an InputError."""
    path = Path(folder) / SUMMARY_FILE
    if not path.is_file():
        raise InputError([Problem("file_missing", params={"path": str(path)})])
    try:
        return json.loads(path.read_text("utf-8"))
    except (ValueError, OSError) as err:
        raise InputError([Problem("result_bad_summary", source=str(path),
                                  params={"reason": str(err)})]) from None


def read_result(folder: Path | str) -> Result:
    """The result folder written by `placement solve`, `Result.write` or a sweep.

    Raises `InputError` if summary.json is missing or unreadable, or a table is not
    a readable CSV file."""
    folder = Path(folder)
    summary = read_summary(folder)
    frames = {Path(name).stem: read_csv_text(folder / name)
              for name in RESULT_FILES if (folder / name).is_file()}
    return Result(summary, **frames, folder=folder)
