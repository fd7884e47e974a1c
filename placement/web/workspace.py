"""The workbench's workspace: a folder of runs, uploaded data sets and saved scenarios,
indexed by one SQLite file.

Why SQLite and not a JSON file: the server's threads (the runner, request handlers)
update run rows while the page lists them; SQLite gives each update as one atomic
transaction, and the index survives a restart of the server. The result folders
themselves are written by `Result.write` (each file atomically), never by this module.

Layout of `root`:

    index.sqlite        runs (id, status, scenario, settings, locks, note, times, error)
    runs/<id>/          one result folder per run (the files `placement solve` writes)
    datasets/<name>/    uploaded data sets (written only after they validate)
    scenarios/<n>.toml  saved scenarios (`extends` a base, only the changes)
"""

from __future__ import annotations

import json
import secrets
import shutil
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

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


class Workspace:
    """Runs and their metadata on disk; safe to use from several threads."""

    def __init__(self, root: Path | str):
        self.root = Path(root).resolve()
        for sub in ("runs", "datasets", "scenarios"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.root / "index.sqlite", check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        with self._lock, self._db:
            self._db.execute(_SCHEMA)
            # A run the previous server left unfinished has no process any more.
            self._db.execute("update runs set status='failed', error=? where status in "
                             "('queued','running')", (json.dumps("server stopped"),))

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
        with self._lock:
            row = self._db.execute("select * from runs where id=?", (run_id,)).fetchone()
        return None if row is None else _record(row)

    def runs(self) -> list[RunRecord]:
        """Every run, newest first."""
        with self._lock:
            rows = self._db.execute("select * from runs order by created desc").fetchall()
        return [_record(r) for r in rows]

    def delete(self, run_id: str) -> None:
        """Forget a finished run and remove its result folder."""
        with self._lock, self._db:
            self._db.execute("delete from runs where id=?", (run_id,))
        shutil.rmtree(self.folder(run_id), ignore_errors=True)


def _record(row: sqlite3.Row) -> RunRecord:
    d = dict(row)
    d["settings"] = json.loads(d["settings"])
    d["locks"] = json.loads(d["locks"])
    return RunRecord(**d)
