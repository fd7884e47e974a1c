"""The workbench's workspace: a folder of runs, uploaded data sets and saved scenarios,
indexed by one SQLite file.

Why SQLite and not a JSON file: the server's threads (the runner, request handlers)
update run rows while the page lists them; SQLite gives each update as one atomic
transaction, and the index survives a restart of the server. The result folders
themselves are written by `Result.write` (each file atomically), never by this module;
what the workbench writes beside them is written here: the working state (state.json),
saved scenarios, uploaded data sets (staged, then moved into place with one rename) and
a run's forms.zip.

A damaged history never stops the workbench: an index.sqlite SQLite cannot read is
moved aside (`index.sqlite.broken-<time>`) and a fresh one started, and a run row
whose JSON cannot be read is skipped; both are logged (ids and file names only) and
kept in `warnings` for the page.

Layout of `root`:

    index.sqlite        runs (id, status, scenario, settings, locks, note, times, error)
                        and plans (the same, with the years asked and the locks in words)
    runs/<id>/          one result folder per run (the files `placement solve` writes)
    plans/<id>/         one plan folder per plan (the files `placement plan` writes)
    datasets/<name>/    uploaded data sets (written only after they validate)
    scenarios/<n>.toml  saved scenarios (`extends` a base, only the changes)
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import secrets
import shutil
import sqlite3
import tempfile
import threading
import time
import zipfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pandas as pd

from placement import api
from placement.data import atomic
from placement.data.errors import InputError, Problem
from placement.data.scenario_io import parse_override, scenario_text

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
# The Plan tab's history (`placement.web.plans`): a plan's request and its status, kept
# like a run's so that the page lists past plans after a reload or a restart. `locks`
# is the request's (each item with its optional calendar `year`), `lock_words` the same
# in the planner's words, Chinese and English, written when the plan was asked for
# (the data set's names then).
_PLANS = """
create table if not exists plans (
    id text primary key,
    created real not null,
    finished real,
    status text not null,
    scenario text not null,
    settings text not null,   -- JSON list of --set strings
    years integer not null,
    locks text not null,      -- JSON {"must": [...], "forbid": [...], "keep": [...]}
    lock_words text not null, -- JSON [{"zh", "en"}], one per lock
    error text not null default ''
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


@dataclass
class PlanRecord:
    """A plan of the Plan tab as the history keeps it (`_PLANS`)."""
    id: str
    created: float
    status: str
    scenario: str
    years: int
    settings: list[str] = field(default_factory=list)
    locks: dict = field(default_factory=dict)
    lock_words: list[dict] = field(default_factory=list)
    error: str = ""
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

    # --- plans (the Plan tab's history) ---------------------------------------------
    def new_plan(self, scenario: str, settings: list[str], years: int, locks: dict,
                 lock_words: list[dict]) -> PlanRecord:
        rec = PlanRecord(id=time.strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3),
                         created=time.time(), status="queued", scenario=scenario,
                         settings=list(settings), years=years, locks=locks,
                         lock_words=lock_words)
        with self._lock, self._db:
            self._db.execute(
                "insert into plans (id, created, status, scenario, settings, years, locks, "
                "lock_words) values (?, ?, ?, ?, ?, ?, ?, ?)",
                (rec.id, rec.created, rec.status, rec.scenario, json.dumps(rec.settings),
                 rec.years, json.dumps(locks, ensure_ascii=False),
                 json.dumps(lock_words, ensure_ascii=False)))
        return rec

    def update_plan(self, plan_id: str, **values) -> None:
        """Set columns of one plan (status, finished, error)."""
        cols = ", ".join(f"{k}=?" for k in values)
        with self._lock, self._db:
            self._db.execute(f"update plans set {cols} where id=?", (*values.values(), plan_id))

    def plans(self) -> list[PlanRecord]:
        """Every plan whose row can be read, newest first (a damaged row is skipped)."""
        with self._lock:
            rows = self._db.execute("select * from plans order by created desc").fetchall()
        return [rec for rec in map(_plan_record, rows) if rec is not None]

    def get_plan(self, plan_id: str) -> PlanRecord | None:
        with self._lock:
            row = self._db.execute("select * from plans where id=?", (plan_id,)).fetchone()
        return None if row is None else _plan_record(row)

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
            db.execute(_PLANS)
            # A run or plan the previous server left unfinished has no process any more.
            for table in ("runs", "plans"):
                db.execute(f"update {table} set status='failed', error=? where status in "
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


def _plan_record(row: sqlite3.Row) -> PlanRecord | None:
    """The plan of a history row; None (logged, ids only) when its JSON cannot be read."""
    d = dict(row)
    try:
        for key in ("settings", "locks", "lock_words"):
            d[key] = json.loads(d[key])
        if not isinstance(d["settings"], list) or not isinstance(d["locks"], dict):
            raise TypeError("settings or locks of the wrong shape")
    except (ValueError, TypeError) as err:
        log.warning("plan %s: its history row is damaged (%s); skipped", d["id"],
                    type(err).__name__)
        return None
    return PlanRecord(**d)


class Refused(Exception):
    """A request the workspace will not carry out: `status` and `detail` are the HTTP
    answer's (a detail of Chinese and English words where the page shows it)."""

    def __init__(self, status: int, detail: object):
        super().__init__(status, detail)
        self.status, self.detail = status, detail


def refused(status: int, zh: str, en: str) -> Refused:
    return Refused(status, {"message_zh": zh, "message_en": en})


def read_state(root: Path) -> bytes | None:
    """state.json's bytes, or None when there is none or it cannot be read."""
    try:
        return (root / "state.json").read_bytes()
    except OSError:
        return None


def write_state(root: Path, text: str) -> None:
    """state.json written whole: a temporary file, then renamed."""
    state_file = root / "state.json"
    part = state_file.with_name(f".state.{secrets.token_hex(4)}.tmp")
    part.write_text(text, "utf-8")
    part.replace(state_file)


def save_scenario(path: Path, doc: dict) -> str:
    """A scenario document written to `path` by the one writer (`scenario_text`) and read
    back; removed again (and `InputError` raised) when it does not read."""
    text = scenario_text(doc)
    try:
        path.write_text(text, "utf-8")
        api.read_scenario(path)
    except InputError:
        path.unlink(missing_ok=True)
        raise
    return text


def add_dataset(root: Path, stem: str, shown: str, reference_date: str,
                files: list[tuple[str, str]], problems_json) -> tuple[int, dict]:
    """An upload (`files`: name, base64 content) kept as datasets/`stem` with its scenario
    scenarios/`stem`.toml (`name` = `shown`): built in a private folder and moved into
    place with one rename, then its scenario written. Forms (.lrmx) with a workbook, CSV
    tables of teams and posts (and cadres, if any) or one CSV of posts with their teams'
    columns build a new data set
    (`api.import_forms`: forms matched to cadres by name and birth date); the answer then
    holds its `report` (added, changed, defaults to confirm). Returns (201, body), or
    (422, the problems the import and loader found, named as uploaded); raises `Refused`
    (422 a bad file, 409 the name taken meanwhile)."""
    target = root / "datasets" / stem
    sc_path = root / "scenarios" / f"{stem}.toml"
    stage = Path(tempfile.mkdtemp(prefix=f".{stem}.", dir=target.parent))
    built = stage.with_name(stage.name + ".built")
    forms = stage / "lrmx"
    forms.mkdir()
    try:
        for name, content in files:
            try:
                raw = base64.b64decode(content, validate=True)
            except binascii.Error:
                raise refused(422, f"“{name}”的内容无法读取（不是 base64）。",
                              f"{name}: content is not base64") from None
            lrmx = Path(name).suffix.lower() in (".lrmx", ".lrm")
            (forms if lrmx else stage).joinpath(name).write_bytes(raw)
        books = list(stage.glob("*.xlsx"))
        has_forms = any(forms.iterdir())
        csvs = list(stage.glob("*.csv"))
        source = books[0] if len(books) == 1 and not csvs else stage
        if has_forms and len(csvs) == 1 and not books:  # one table of posts (and teams)
            source = csvs[0]
        report, folder = None, stage
        try:
            if has_forms:
                report = api.import_forms(forms, source, built).to_dict()
                # kept with the data set: the defaults are confirmed later, maybe after a reload
                atomic.write_bytes(built / IMPORT_FILE,
                                   json.dumps(report, ensure_ascii=False).encode("utf-8"))
                forms.rename(built / "lrmx")
                # the forms' paths as they will be once moved into place
                _moved_sources(built / "lrmx_sources.csv", stage, target)
                source = folder = built
            else:
                forms.rmdir()
            data = api.read_dataset(source)
            data_ref = f"../datasets/{stem}" + (f"/{source.name}" if source != folder
                                                 else "")
            text = scenario_text({"name": shown, "data": data_ref,
                                  "reference_date": _reference_date(reference_date)})
            check = folder / ".scenario.toml"  # the same text, read against the staged data
            check.write_text(text.replace(f"../datasets/{stem}", ".", 1), "utf-8")
            api.read_scenario(check)
            check.unlink()
        except InputError as err:
            return 422, {"ok": False, "problems": problems_json(
                [_as_uploaded(p, folder) for p in err.problems])}
        try:
            folder.rename(target)  # one rename: the data set is whole or absent
        except OSError:
            raise Refused(409, None) from None
        try:
            atomic.write_bytes(sc_path, text.encode("utf-8"))
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        body = {"ok": True, "scenario": stem, "label": shown,
                "counts": {t: len(data.table(t))
                           for t in ("teams", "posts", "cadres", "relations", "fit")},
                "forms": len(list((target / "lrmx").glob("*"))) if has_forms else 0}
        if report is not None:
            body["report"] = report
        return 201, body
    finally:
        shutil.rmtree(stage, ignore_errors=True)  # gone already when kept
        shutil.rmtree(built, ignore_errors=True)


IMPORT_FILE = "import.json"  # an upload of forms: its report (ids and column names only)
CONFIRMED_FILE = "defaults_confirmed.json"  # the planner confirmed the report's defaults


def _uploaded(root: Path, stem: str) -> Path:
    """The folder of the uploaded data set `stem`; 404 when there is none."""
    folder = root / "datasets" / stem
    if stem.startswith(".") or Path(stem).name != stem or not folder.is_dir():
        raise refused(404, "没有这个上传的数据集。", f"no uploaded data set {stem}")
    return folder


def imported(root: Path, stem: str) -> dict:
    """What an upload of forms reported (`report`, None for an upload without forms) and
    whether its stated defaults were confirmed (`confirmed`: when, and which columns);
    both None for a scenario with no uploaded data set of its name (a sample, a saved
    what-if): nothing was imported."""
    folder = root / "datasets" / stem
    if stem.startswith(".") or Path(stem).name != stem:
        raise refused(404, "没有这个上传的数据集。", f"no uploaded data set {stem}")
    read = lambda name: (json.loads((folder / name).read_text("utf-8"))  # noqa: E731
                         if (folder / name).is_file() else None)
    return {"report": read(IMPORT_FILE), "confirmed": read(CONFIRMED_FILE)}


def confirm_defaults(root: Path, stem: str) -> dict:
    """The planner's confirmation of the defaults an upload of forms gave (档案审核通过 是,
    纳入考察 是 …), recorded in the data set's folder with the time and the columns, so
    the page shows them confirmed after a reload and on another browser. 409 when the
    upload gave no default to confirm."""
    folder = _uploaded(root, stem)
    report = imported(root, stem)["report"]
    if not report or not report.get("defaults"):
        raise refused(409, "此数据集没有需要确认的默认值。", "no defaults to confirm")
    record = {"at": time.strftime("%Y-%m-%d %H:%M", time.localtime()),
              "columns": [d["column"] for d in report["defaults"]]}
    atomic.write_bytes(folder / CONFIRMED_FILE,
                       json.dumps(record, ensure_ascii=False).encode("utf-8"))
    return {"report": report, "confirmed": record}


def forms_zip(folder: Path) -> None:
    """The run's .lrmx forms (`api.export_lrmx`, drafts for cadres without an uploaded
    form) zipped as forms.zip in the result folder, written whole or not at all."""
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        out = Path(tmp) / "forms"
        out.mkdir()
        api.export_lrmx(folder, out, drafts=True)
        part = Path(tmp) / "forms.zip"
        with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(out.iterdir()):
                z.write(f, f.name)
        part.replace(folder / "forms.zip")


def _reference_date(text: str) -> object:
    """The form's reference date as a TOML value (a date when it reads as one; else the
    text, which the scenario's validation then names)."""
    return parse_override("reference_date=" + text)[1]


def _as_uploaded(problem: Problem, stage: Path) -> Problem:
    """`problem` named as the planner uploaded it: a file by its own name, not the
    private staging folder's path; the scenario's (the form's reference date) by its
    field alone."""
    source = problem.source or ""
    if source.startswith(str(stage / ".scenario.toml")) or source == str(stage):
        source = ""
    elif source.startswith(str(stage) + "/"):
        source = source[len(str(stage)) + 1:]
    return replace(problem, source=source)


def _moved_sources(path: Path, stage: Path, target: Path) -> None:
    """lrmx_sources.csv with its forms' paths under `target` instead of `stage`."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    staged = str(stage) + "/"
    frame["file"] = [str(target) + "/" + f[len(staged):] if f.startswith(staged) else f
                     for f in frame["file"]]
    atomic.write_bytes(path, atomic.csv_bytes(frame, path.read_bytes()[:3] == b"\xef\xbb\xbf"))
