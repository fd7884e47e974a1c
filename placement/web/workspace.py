"""The workbench's workspace: a folder of runs, uploaded data sets and saved scenarios,
indexed by one SQLite file.

Why SQLite and not a JSON file: the server's threads (the runner, request handlers)
update run rows while the page lists them; SQLite gives each update as one atomic
transaction, and the index survives a restart of the server. The result folders
themselves are written by `Result.write` (each file atomically), never by this module.

A damaged history never stops the workbench: an index.sqlite SQLite cannot read is
moved aside (`index.sqlite.broken-<time>`) and a fresh one started, and a run row
whose JSON cannot be read is skipped; both are logged (ids and file names only) and
kept in `warnings` for the page.

Layout of `root`:

    index.sqlite        runs (id, status, scenario, settings, locks, note, times, error)
    runs/<id>/          one result folder per run (the files `placement solve` writes)
    datasets/<name>/    uploaded data sets (written only after they validate)
    scenarios/<n>.toml  saved scenarios (`extends` a base, only the changes)
"""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

log = logging.getLogger("placement.web")

STATES = ("queued", "running", "done", "failed", "cancelled")
FINAL = ("done", "failed", "cancelled")

_SCHEMA = """
create table if not exists runs (
    id text primary key,
    created real not null,
    started real,
    finished real,
    status text not null,
    scenario text not null,
    settings text not null,   -- JSON list of --set strings
    locks text not null,      -- JSON {"must": [...], "forbid": [...], "keep": [...]}
    note text not null default '',
    error text not null default ''   -- JSON list of problems, or a message
)
"""


@dataclass
class RunRecord:
    id: str
    created: float
    status: str
    scenario: str
    settings: list[str] = field(default_factory=list)
    locks: dict = field(default_factory=dict)
    note: str = ""
    error: str = ""
    started: float | None = None
    finished: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


class DamagedRecord(Exception):
    """A run's history row that cannot be read (its JSON is broken)."""


class Workspace:
    """Runs and their metadata on disk; safe to use from several threads."""

    def __init__(self, root: Path | str):
        self.root = Path(root).resolve()
        for sub in ("runs", "datasets", "scenarios"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._warned: dict[str, dict] = {}  # key -> {"code", "zh", "en"}
        path = self.root / "index.sqlite"
        try:
            self._db = _open(path)
        except sqlite3.DatabaseError as err:
            aside = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
            for suffix in ("", "-journal", "-wal", "-shm"):
                part = path.with_name(path.name + suffix)
                if part.exists():
                    part.replace(aside.with_name(aside.name + suffix))
            log.warning("the run history %s could not be read (%s); moved aside as %s and "
                        "a new one started", path.name, type(err).__name__, aside.name)
            self._warn("history_moved_aside",
                       f"运行记录 {path.name} 已损坏，无法读取：已移至 {aside.name}，并新建了"
                       "空的运行记录（结果文件夹 runs/ 未动）",
                       f"the run history {path.name} was damaged and could not be read: "
                       f"moved aside as {aside.name} and a new, empty one started (the "
                       "result folders in runs/ are untouched)")
            self._db = _open(path)

    @property
    def warnings(self) -> list[dict]:
        """What the page should say about the history (moved aside, rows skipped)."""
        with self._lock:
            return list(self._warned.values())

    def _warn(self, key: str, zh: str, en: str) -> None:
        self._warned[key] = {"code": key.split(":")[0], "zh": zh, "en": en}

    def folder(self, run_id: str) -> Path:
        return self.root / "runs" / run_id

    def new_run(self, scenario: str, settings: list[str], locks: dict) -> RunRecord:
        rec = RunRecord(id=time.strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3),
                        created=time.time(), status="queued", scenario=scenario,
                        settings=list(settings), locks=locks)
        with self._lock, self._db:
            self._db.execute(
                "insert into runs (id, created, status, scenario, settings, locks) "
                "values (?, ?, ?, ?, ?, ?)",
                (rec.id, rec.created, rec.status, rec.scenario, json.dumps(rec.settings),
                 json.dumps(rec.locks, ensure_ascii=False)))
        return rec

    def update(self, run_id: str, **values) -> None:
        """Set columns of one run (status, started, finished, note, error)."""
        cols = ", ".join(f"{k}=?" for k in values)
        with self._lock, self._db:
            self._db.execute(f"update runs set {cols} where id=?", (*values.values(), run_id))

    def get(self, run_id: str) -> RunRecord | None:
        """The run, None if there is none; `DamagedRecord` if its row cannot be read."""
        with self._lock:
            row = self._db.execute("select * from runs where id=?", (run_id,)).fetchone()
        if row is None:
            return None
        rec = self._read(row)
        if rec is None:
            raise DamagedRecord(run_id)
        return rec

    def runs(self) -> list[RunRecord]:
        """Every run whose row can be read, newest first (the others skipped, warned)."""
        with self._lock:
            rows = self._db.execute("select * from runs order by created desc").fetchall()
        return [rec for rec in map(self._read, rows) if rec is not None]

    def _read(self, row: sqlite3.Row) -> RunRecord | None:
        try:
            return _record(row)
        except (ValueError, TypeError) as err:  # JSONDecodeError is a ValueError
            run_id = str(row["id"])
            with self._lock:
                new = f"run_row_skipped:{run_id}" not in self._warned
                self._warn(f"run_row_skipped:{run_id}",
                           f"运行 {run_id} 的记录已损坏，已跳过",
                           f"the history row of run {run_id} is damaged; skipped")
            if new:
                log.warning("run %s: its history row is damaged (%s); skipped", run_id,
                            type(err).__name__)
            return None

    def delete(self, run_id: str) -> None:
        """Forget a finished run and remove its result folder."""
        with self._lock, self._db:
            self._db.execute("delete from runs where id=?", (run_id,))
        shutil.rmtree(self.folder(run_id), ignore_errors=True)


def _open(path: Path) -> sqlite3.Connection:
    """The index at `path`, created if absent; `sqlite3.DatabaseError` if it is damaged."""
    db = sqlite3.connect(path, check_same_thread=False)
    try:
        db.row_factory = sqlite3.Row
        if db.execute("pragma quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("quick_check failed")
        with db:
            db.execute(_SCHEMA)
            # A run the previous server left unfinished has no process any more.
            db.execute("update runs set status='failed', error=? where status in "
                       "('queued','running')", (json.dumps("server stopped"),))
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def _record(row: sqlite3.Row) -> RunRecord:
    d = dict(row)
    d["settings"] = json.loads(d["settings"])
    d["locks"] = json.loads(d["locks"])
    if not isinstance(d["settings"], list) or not isinstance(d["locks"], dict):
        raise TypeError("settings or locks of the wrong shape")
    if d["error"]:
        json.loads(d["error"])  # read again by every view of the run
    return RunRecord(**d)
