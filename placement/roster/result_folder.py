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

A result folder is written whole or not at all: every file goes into a temporary
sibling folder (`.NAME.tmp-*`), summary.json last with the SHA-256 of every table file
(`files`), and that folder then takes the place of the old one by two renames; a
kill -9 leaves the old folder or the new one (or, between the renames, none), never
one of each. An advisory lock (`.NAME.lock` beside the folder while it is held,
`fcntl.flock`, released by the system when a process dies) refuses a second
writer: `placement solve` holds it from before the solve until the folder is in place.
`read_result` checks `files` and refuses a folder whose tables do not match it. A
folder that holds anything but result files (a data set, a home folder) is never
replaced, and neither is an input (`check_out`, run before any solve).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from placement.data import atomic
from placement.data.dataset import DataSet
from placement.data.errors import InputError, OutputError, Problem, os_problem
from placement.data.scenario import Scenario
from placement.data.words import say, value
from placement.solver.status import Status

RESULT_FILES = ("roster.csv", "moves.csv", "dismissals.csv", "teams.csv", "rules.csv",
                "shortfalls.csv", "alternates.csv", "prices.csv")
TABLES = tuple(Path(name).stem for name in RESULT_FILES)
SUMMARY_FILE = "summary.json"
MANIFEST = "files"  # summary.json: table file -> SHA-256 of its bytes
# What a result folder may hold (the reports are written into it by `placement report`);
# a folder holding anything else is not replaced.
FOLDER_FILES = frozenset((*RESULT_FILES, SUMMARY_FILE, "report.xlsx", "report.html"))

# Columns that hold numbers; every other column is text. For teams.csv every column
# but `TEAM_TEXT` is a number.
NUMBER_COLUMNS: dict[str, tuple[str, ...] | None] = {
    "roster": ("fit",),
    "moves": (),
    "dismissals": (),
    "teams": None,
    "rules": ("required", "achieved", "shortfall", "places", "places_short", "weight",
              "penalty"),
    "shortfalls": ("shortfall",),
    "alternates": ("rank", "fit", "objective", "objective_change", "lines_changed"),
    "prices": ("objective", "objective_relaxed", "price", "estimate", "estimate_error", "fit",
               "stayed", "lines_changed", "targets_moved"),
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
    dismissals: pd.DataFrame | None = None  # 拟免: who leaves a post, why, where to
    teams: pd.DataFrame | None = None
    rules: pd.DataFrame | None = None
    shortfalls: pd.DataFrame | None = None
    alternates: pd.DataFrame | None = None
    prices: pd.DataFrame | None = None  # what each rule costs (`--prices`)
    scenario: Scenario | None = None  # the scenario solved
    data: DataSet | None = None  # the data set it was solved on
    figures: pd.DataFrame | None = None  # the independent checker's figures for `roster`
    folder: Path | None = None  # where it was read from or last written to
    scenario_changed: bool = False  # `scenario` differs from the one solved (a report reread it)
    # The solve's facts and eligible pairs, in memory only (a plan reads which targets had
    # fallen due from them instead of building them again); None when read from a folder.
    facts: object | None = None
    pairs: object | None = None

    def __post_init__(self) -> None:
        for name in TABLES:
            frame = getattr(self, name)
            if frame is not None:
                setattr(self, name, typed(name, frame))

    @property
    def status(self) -> Status:
        """How the search ended: optimal, feasible, infeasible or unknown (a `Status`,
        a StrEnum equal to summary.json's text, which stays as written)."""
        return Status(self.summary.get("status", Status.UNKNOWN.value))

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
        return EXIT_CODES[self.status]

    def headline(self, lang: str = "en") -> str:
        """What `placement solve` prints: the figures, or the conflicts and verified
        relaxations of an infeasible scenario; words from `placement.data.words`."""
        s = self.summary
        zh = lang == "zh"
        if self.status is Status.INFEASIBLE and self.conflicts:
            lines = [say("infeasible", lang)]
            for c in self.conflicts:
                lines.append(f"  {value(c['rule'], lang)} @ "
                             f"{c.get('where_' + lang) or _where(c['where'], lang)}: "
                             f"{c.get('detail_zh', c['detail']) if zh else c['detail']}")
                lines += _pool_lines(c, lang)
            relax = s.get("relaxations") or []
            if relax:
                lines.append(say("relaxations", lang))
                lines += ["  " + say("relaxation", lang,
                                     change=r["change_zh"] if zh else r["change"],
                                     status=value(r["status"], lang),
                                     objective=r["objective"]) for r in relax]
            if s.get("explain_cut_short"):
                lines.append(say("explain_cut", lang, seconds=s["explain_cut_short"]["seconds"]))
            return "\n".join(lines)
        gap = s.get("gap")
        check = s.get("check")
        # No roster (stopped before the first one): nothing was checked, nothing failed.
        checked = say("check_none" if check is None else
                      "check_passed" if check.get("ok") else "check_failed", lang)
        against = (say("from_lines", lang, n=s["from"]["changed_lines"], roster=s["from"]["roster"])
                   if s.get("from") else
                   say("previous_lines", lang, n=s["previous"]["changed_lines"])
                   if s.get("previous") else "")
        return say("headline", lang, status=value(s["status"], lang),
                   objective=s.get("objective"),
                   gap="" if gap is None else say("gap", lang, gap=gap),
                   seconds=s["times"]["solve"], checked=checked, engine=_engine(s),
                   changed=s["counts"]["changed_posts"], against=against,
                   alternates=(_alternates_headline(s["alternates"], lang)
                               if s.get("alternates") else "")
                   + (say("prices_headline", lang, rows=s["prices"]["rows"],
                          binding=s["prices"]["binding"]) if s.get("prices") else ""),
                   out=s["out"])

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table the result has, by name, in file order."""
        return {name: getattr(self, name) for name in TABLES if getattr(self, name) is not None}

    def write(self, out: Path | str) -> Path:
        """Write the result folder `out` whole: each table as its formula-safe CSV file,
        then summary.json (whose `out` becomes `out` and `files` the tables' checksums),
        in a temporary sibling folder that then replaces `out` (module docstring).
        Raises `OutputError` if `out` cannot be used (`check_out`), is locked by another
        writer, or cannot be written."""
        out = Path(out)
        inputs = [self.scenario.data] if self.scenario is not None else []
        with lock_folder(out):
            check_out(out, inputs)
            files = {f"{name}.csv": atomic.csv_bytes(frame)
                     for name, frame in self.tables().items()}
            self.summary["out"] = str(out)
            self.summary[MANIFEST] = {name: hashlib.sha256(data).hexdigest()
                                      for name, data in files.items()}
            summary = (json.dumps(self.summary, ensure_ascii=False, indent=2) + "\n")
            _replace_folder(out, files | {SUMMARY_FILE: summary.encode("utf-8")})
        self.folder = out
        return out


def _pool_lines(conflict: dict, lang: str, shown: int = 10) -> list[str]:
    """The per-team pools of a counted conflict (`placement.explain.infeasible`), tightest
    first: the first `shown`, then how many more summary.json holds."""
    pools = conflict.get("pools") or []
    many = conflict.get("many_" + lang, "")
    lines = [say("pool_line", lang, place=p.get("place_" + lang, p["place"]), many=many,
                 pool=p["pool"], required=p["required"], posts=p["posts"])
             for p in pools[:shown]]
    if len(pools) > shown:
        lines.append(say("pool_more", lang, n=len(pools) - shown))
    return lines


def _engine(summary: dict) -> str:
    """The engine that ran, by its own name (issue 16: the CLI says which engine ran)."""
    engine = summary.get("settings", {}).get("solver", {}).get("engine", "")
    return {"highs": "HiGHS", "cpsat": "CP-SAT"}.get(engine, engine)


def _where(where: str, lang: str) -> str:
    """A conflict's place: ids as written, a leading lock word (`must`, `keep`) in words."""
    first, _, rest = where.partition(" ")
    return " ".join(filter(None, (value(first, lang), rest)))


def _alternates_headline(a: dict, lang: str) -> str:
    if a.get("interrupted"):
        return say("alternates_cut", lang, n=a["alternates"], done=a["posts_done"],
                   posts=a["posts"])
    return say("alternates", lang, n=a["alternates"], posts=a["posts"])


# ------------------------------------------------------------ writing a folder whole


def _folder_path(out: Path) -> Path:
    """`out` made absolute without following links (`.` gets a name and a parent)."""
    return Path(os.path.abspath(out))


def check_out(out: Path | str, inputs: Iterable[Path | str] = ()) -> None:
    """Raise `OutputError` unless `out` may become a result folder: not a file, not a
    folder holding anything but result files, not an input nor inside or around one,
    under a folder that exists or can be made and is writable."""
    out = _folder_path(Path(out))
    problems: list[Problem] = []
    for given in inputs:
        inp = _folder_path(Path(given))
        if out == inp or inp in out.parents or out in inp.parents:
            problems.append(Problem("out_in_input", params={"path": str(out),
                                                             "input": str(inp)}))
    if out.exists() and not out.is_dir():
        problems.append(Problem("out_is_file", params={"path": str(out)}))
    elif out.is_dir():
        stranger = next((p.name for p in sorted(out.iterdir())
                         if p.name not in FOLDER_FILES or not p.is_file()), None)
        if stranger is not None:
            problems.append(Problem("out_not_result", params={"path": str(out),
                                                               "file": stranger}))
    base = next(p for p in out.parents if p.exists() or p == p.parent)
    if not base.is_dir():
        problems.append(Problem("out_is_file", params={"path": str(base)}))
    elif not os.access(base, os.W_OK | os.X_OK):
        problems.append(os_problem(PermissionError(13, "Permission denied", str(base))))
    if problems:
        raise OutputError(problems)


_HELD: dict[Path, list] = {}  # lock path -> [fd, depth, thread id]
_HELD_GUARD = threading.Lock()


@contextlib.contextmanager
def lock_folder(out: Path | str) -> Iterator[None]:
    """Hold the writer's lock of result folder `out` (re-entrant in one thread);
    `OutputError` if another process or thread holds it."""
    out = _folder_path(Path(out))
    lock = out.parent / f".{out.name}.lock"
    me = threading.get_ident()
    with _HELD_GUARD:
        held = _HELD.get(lock)
        if held is not None and held[2] != me:
            raise OutputError([Problem("out_locked", params={"path": str(out)})])
        if held is None:
            held = _HELD[lock] = [_take(lock, out), 0, me]
        held[1] += 1
    try:
        yield
    finally:
        with _HELD_GUARD:
            held[1] -= 1
            if held[1] == 0:
                del _HELD[lock]
                lock.unlink(missing_ok=True)  # before the release: no one waits on it then
                os.close(held[0])  # closing the descriptor releases the flock


def _take(lock: Path, out: Path) -> int:
    """The descriptor of lock file `lock`, flocked; `OutputError` if another holds it.
    The lock file is removed on release, so a lock taken on a file that was removed
    meanwhile is given up and taken again on the new one."""
    while True:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as err:
            raise OutputError([os_problem(err)]) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise OutputError([Problem("out_locked", params={"path": str(out)})]) from None
        try:
            if os.stat(lock).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


def _replace_folder(out: Path, files: dict[str, bytes]) -> None:
    """Write `files` into a temporary sibling of `out`, then swap it in; the caller
    holds the lock. Leftovers of a writer that was killed are removed first."""
    out = _folder_path(out)
    parent = out.parent
    for stale in parent.glob(f".{out.name}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in parent.glob(f".{out.name}.old-*"):
        shutil.rmtree(stale, ignore_errors=True)
    tmp = old = None
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp's 0700 would hide results from colleagues
        for name, data in files.items():  # the folder as a whole is what is atomic
            with open(tmp / name, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=parent))
            os.replace(out, old / "previous")
        os.replace(tmp, out)
        tmp = None
        _fsync_folder(parent)
    except OSError as err:
        if old is not None and not out.exists():
            os.replace(old / "previous", out)  # put the previous result back
        err.filename = str(out)  # the folder asked for, not the temporary one
        raise OutputError([os_problem(err)]) from None
    finally:
        for left in (tmp, old):
            if left is not None:
                shutil.rmtree(left, ignore_errors=True)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ------------------------------------------------------------------------ reading


def read_csv_text(path: Path) -> pd.DataFrame:
    """A CSV file as text cells ("" for empty) as they were before `atomic.csv_bytes`
    made them formula-safe; an unreadable file is an InputError."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError,
            OSError) as err:
        reason = (f"{type(err).__name__}: {err.strerror}" if isinstance(err, OSError)
                  else str(err).strip())
        raise InputError([Problem("bad_csv", source=str(path),
                                  params={"reason": reason})]) from None
    frame.columns = [atomic.unescape_formula(str(c)) for c in frame.columns]
    for i in range(frame.shape[1]):
        column = frame.iloc[:, i]
        quoted = column.str.startswith("'")
        if quoted.any():
            frame.isetitem(i, column.where(~quoted, column[quoted].map(
                atomic.unescape_formula)))
    return frame


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
    _check_whole(folder, summary)
    frames = {Path(name).stem: read_csv_text(folder / name)
              for name in RESULT_FILES if (folder / name).is_file()}
    return Result(summary, **frames, folder=folder)


def _check_whole(folder: Path, summary: dict) -> None:
    """The table files are exactly those summary.json's `files` lists, byte for byte
    (a folder written before `files` existed is taken as it is)."""
    listed = summary.get(MANIFEST)
    if listed is None:
        return
    source = str(folder / SUMMARY_FILE)
    if not isinstance(listed, dict):
        raise InputError([Problem("result_bad_summary", source=source,
                                  params={"reason": f"{MANIFEST} is not a table"})])
    problems = []
    for name in RESULT_FILES:
        path = folder / name
        if name not in listed:
            if path.exists():
                problems.append(Problem("result_incomplete", source=source, params={
                    "file": name, "what": "not written by this run"}))
            continue
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            digest = None
        if digest != listed[name]:
            problems.append(Problem("result_incomplete", source=source, params={
                "file": name, "what": "missing" if digest is None else "changed or from "
                                      "another run"}))
    if problems:
        raise InputError(problems)
