"""The workbench's HTTP API and page: a thin FastAPI layer over `placement.api`.

Why FastAPI: it writes the OpenAPI description (`/api/v1/openapi.json`) from the
handlers themselves, so docs/api.md and the schema other systems call cannot disagree
with the code; handlers declared with `def` run in a thread pool, which keeps the
explanations that re-solve (why-not, alternates, reports) off the event loop, and
solves go further, to worker processes (`placement.web.runner`).

Safety (personnel data stays on the machine):
- the server binds 127.0.0.1 only (`serve.py`), and a request whose `Host` is not the
  bound loopback name and port is refused (DNS rebinding);
- every state-changing request carries the session token as `X-CSRF-Token` (403
  without it): another site open in the same browser can post a form here but cannot
  read the token, since no CORS headers are ever sent;
- request bodies have size limits (`MAX_BODY`, `MAX_UPLOAD`), and an upload goes
  through the loader's validation before anything is kept;
- logs carry run ids, never names or ID numbers.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import secrets
import shutil
import tempfile
import threading
import time
import zipfile
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from placement import api
from placement.data import atomic
from placement.data.errors import InputError, shown_place
from placement.data.loader import load_dataset
from placement.data.locks import validate_locks
from placement.data.regions import region_names
from placement.data.rules import RULE_NAMES
from placement.data.scenario_io import load_scenario, parse_override, scenario_to_dict
from placement.data.scenario_io import scenario_text as write_scenario
from placement.data.schema import RELATIONS
from placement.data.words import VALUES
from placement.web import names as naming
from placement.web.catalogue import find, rule_catalogue, scenario_text
from placement.web.plans import register as register_plans
from placement.web.runner import POLL, Runner, lock_settings, problems_json, result_folder
from placement.web.workspace import FINAL, DamagedRecord, Workspace

STATIC = Path(__file__).parent / "static"
BUNDLED = Path(__file__).resolve().parents[2] / "scenarios"  # a source checkout's samples
MAX_BODY = 1 << 20  # bytes: JSON requests
MAX_UPLOAD = 64 << 20  # bytes: a data set upload (base64 inside JSON)
SAFE = ("GET", "HEAD")
TABLES = ("roster", "moves", "dismissals", "teams", "rules", "shortfalls", "alternates")
FILES = ("report.xlsx", "report.html", "summary.json", "forms.zip")
UPLOAD_SUFFIXES = (".csv", ".xlsx", ".lrmx", ".lrm")
# Points per roster line changed against the run a re-solve stays close to. Measured on
# Linfen, base run then R-TC5 min_women=3 (12 lines at the least): the scenario's own
# weights.change (50) moves 25 lines, 200 moves 15 with the target fully met, 500 leaves
# two teams short; the tie-break alone moves 49, a fresh solve 165.
CLOSE_WEIGHT = 200
log = logging.getLogger("placement.web")


class Pair(BaseModel):
    cadre: str
    post: str
    reason: str = ""


class Locks(BaseModel):
    must: list[Pair] = Field(default_factory=list)
    forbid: list[Pair] = Field(default_factory=list)
    keep: list[str] = Field(default_factory=list, description="post or team ids")
    keep_reasons: dict[str, str] = Field(default_factory=dict,
                                         description="keep id -> the planner's reason")


class RunRequest(BaseModel):
    scenario: str = Field(description="a listed scenario name (GET /scenarios) or a path")
    set: list[str] = Field(default_factory=list, examples=[["rules.R-TC5.min_women=3"]])
    locks: Locks = Field(default_factory=Locks)
    close_to: str | None = Field(
        None, description="a finished run on the same data set to stay close to (a small "
        "re-solve, `placement solve --from`): every roster line that differs from its "
        "roster costs `weights.change`, which is CLOSE_WEIGHT unless `set` gives it")


class ValidateRequest(BaseModel):
    scenario: str | None = None
    set: list[str] = Field(default_factory=list)
    locks: Locks = Field(default_factory=Locks)
    dataset: str | None = Field(None, description="a data set folder or workbook path")


class UploadFile(BaseModel):
    name: str
    content: str = Field(description="the file's bytes, base64")


class DatasetUpload(BaseModel):
    name: str
    reference_date: str
    files: list[UploadFile]


class SaveScenario(BaseModel):
    name: str
    base: str
    title: str = ""
    set: list[str] = Field(default_factory=list)


class Note(BaseModel):
    note: str


class WorkState(BaseModel):
    """The planner's working state, kept in the workspace so that a reload (or another
    browser on the same machine) finds the work where it was left."""
    scenario: str | None = Field(None, description="the chosen data set / scenario")
    changes: dict[str, str] = Field(default_factory=dict,
                                    description="rule edits: --set key -> value as typed")
    locks: list[dict] = Field(default_factory=list,
                              description="the page's locks: kind, cadre, post, reason")
    run: str | None = Field(None, description="the open run")


def create_app(workspace: Path | str, port: int = 8765, bundled: Path | None = BUNDLED,
               parallel: int = 1, ray: str | None = None) -> FastAPI:
    """The app over the workspace folder `workspace`, accepting `Host` 127.0.0.1:`port`
    or localhost:`port`; `bundled`: a folder of sample scenarios listed beside the saved
    ones; `parallel`: runs solved at once; `ray`: solve on Ray at that address."""
    ws = Workspace(workspace)
    runner = Runner(ws, parallel, ray)
    token = secrets.token_urlsafe(32)
    hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}

    @asynccontextmanager
    async def lifespan(_app):
        yield
        runner.close()
        plans.close()

    app = FastAPI(title="placement workbench", version="1", openapi_url="/api/v1/openapi.json",
                  docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.workspace, app.state.runner = ws, runner

    @app.middleware("http")
    async def guard(request: Request, call_next):
        if request.headers.get("host", "") not in hosts:
            return JSONResponse({"detail": "unknown Host"}, status_code=400)
        if request.method not in SAFE:
            if not secrets.compare_digest(request.headers.get("x-csrf-token", ""), token):
                return JSONResponse({"detail": "missing or wrong X-CSRF-Token"}, 403)
            size = request.headers.get("content-length")
            limit = MAX_UPLOAD if request.url.path == "/api/v1/datasets" else MAX_BODY
            if size is None and request.headers.get("transfer-encoding"):
                return JSONResponse({"detail": "Content-Length required"}, 411)
            if size is not None and not size.strip().isdecimal():
                return JSONResponse({"detail": "Content-Length: expected a whole number"}, 400)
            if size is not None and int(size) > limit:
                return JSONResponse({"detail": f"body over {limit} bytes"}, 413)
        return await call_next(request)

    # --- scenarios and data -------------------------------------------------------
    def scenarios() -> dict[str, tuple[Path, str]]:
        found = {}
        if bundled is not None and bundled.is_dir():
            found |= {p.stem: (p, "bundled") for p in sorted(bundled.glob("*.toml"))}
        found |= {p.stem: (p, "saved") for p in sorted((ws.root / "scenarios").glob("*.toml"))
                  if p.stem not in found}
        return found

    def scenario_path(ref: str) -> Path:
        known = scenarios()
        if ref in known:
            return known[ref][0]
        by_label = {naming.label(p): p for p, _ in known.values()}
        if ref in by_label:  # the name the planner typed (a Chinese one is stored mapped)
            return by_label[ref]
        path = Path(ref)
        if path.suffix == ".toml" and path.is_file():
            return path.resolve()
        raise _fail(404, f"没有名为“{ref}”的数据集或方案。", f"no scenario {ref!r}")

    def new_name(typed: str) -> tuple[str, str]:
        """The stored (safe) name and the cleaned typed name of a new data set or
        scenario; 400 with Chinese and English words when it is empty, unsafe or taken."""
        try:
            shown, stem = naming.clean(typed), naming.stored_name(typed)
            known = scenarios()
            if stem in known or shown in {naming.label(p) for p, _ in known.values()}:
                raise naming.taken(shown)
        except naming.NameError_ as err:
            raise HTTPException(400, err.detail()) from None
        return stem, shown

    plans = register_plans(app, ws.root / "plans", scenario_path)  # the Plan tab

    def load(ref: str, settings: list[str]):
        try:
            return _cached_load(str(scenario_path(ref)), tuple(settings))
        except InputError as err:
            raise HTTPException(422, {"problems": problems_json(err.problems)}) from None

    @app.get("/api/v1/session")
    def session() -> dict:
        """The token every state-changing request sends as `X-CSRF-Token`, and the
        `warnings` ({code, zh, en}) the page shows: a damaged run history moved aside,
        history rows skipped."""
        return {"token": token, "warnings": ws.warnings}

    @app.get("/api/v1/scenarios")
    def list_scenarios() -> list[dict]:
        """The bundled samples and the scenarios saved in the workspace."""
        return [{"name": n, "path": str(p), "kind": k, "label": naming.label(p)}
                for n, (p, k) in scenarios().items()]

    @app.get("/api/v1/scenarios/{name}")
    def get_scenario(name: str) -> dict:
        """A scenario's effective settings (every rule, every default)."""
        try:
            sc = load_scenario(scenario_path(name))
        except InputError as err:
            raise HTTPException(422, {"problems": problems_json(err.problems)}) from None
        return {"name": name, "title": sc.name, "settings": scenario_to_dict(sc)}

    @app.post("/api/v1/scenarios", status_code=201)
    def save_scenario(req: SaveScenario) -> dict:
        """Save the changes as a scenario file that `extends` the base."""
        stem, shown = new_name(req.name)
        base = scenario_path(req.base)
        path = ws.root / "scenarios" / f"{stem}.toml"
        try:
            # a Chinese name is kept as the scenario's `name` (the file name is mapped)
            text = scenario_text(base, req.title or (shown if stem != shown else ""), req.set)
            path.write_text(text, "utf-8")
            load_scenario(path)
        except InputError as err:
            path.unlink(missing_ok=True)
            raise HTTPException(422, {"problems": problems_json(err.problems)}) from None
        return {"name": stem, "label": shown, "path": str(path), "text": text}

    state_file = ws.root / "state.json"

    @app.get("/api/v1/state")
    def get_state() -> WorkState:
        """The working state last saved (rule edits, locks with reasons, the open run);
        empty when none was saved or the file is unreadable."""
        try:
            return WorkState.model_validate_json(state_file.read_bytes())
        except (OSError, ValueError):
            return WorkState()

    @app.put("/api/v1/state")
    def put_state(req: WorkState) -> WorkState:
        """Keep the working state (written whole: a temporary file, then renamed)."""
        part = state_file.with_name(f".state.{secrets.token_hex(4)}.tmp")
        part.write_text(req.model_dump_json(), "utf-8")
        part.replace(state_file)
        return req

    @app.get("/api/v1/words")
    def words() -> dict[str, list[str]]:
        """Coded values (statuses, figure names, kinds of change…) in Chinese and English:
        `placement.data.words.VALUES`, the words the CLI and the reports use."""
        return {k: list(v) for k, v in VALUES.items()}

    @app.get("/api/v1/rules")
    def rules() -> list[dict]:
        """The rule catalogue, generated from the scenario model."""
        return rule_catalogue()

    @app.post("/api/v1/validate")
    def validate(req: ValidateRequest) -> dict:
        """Validate a scenario (with `set` and locks) and its data, or a data set alone:
        `{"ok", "problems": [{file, sheet, row, column, message_zh, message_en}], "warnings"
        (the same shape: what the CLI prints as 警告 and summary.json keeps), "counts"}`."""
        try:
            if req.dataset is not None:
                data = load_dataset(Path(req.dataset))
                warned = list(data.warnings)
            elif req.scenario is not None:
                settings = req.set + lock_settings(req.locks.model_dump())
                sc, data = api.load(scenario_path(req.scenario), settings)
                warned = [*data.warnings, *validate_locks(sc, data)]
            else:
                raise _fail(400, "请先选择数据集或方案。", "give a scenario or a dataset")
        except InputError as err:
            return {"ok": False, "problems": problems_json(err.problems), "warnings": [],
                    "counts": {}}
        return {"ok": True, "problems": [], "warnings": problems_json(warned),
                "counts": _counts(data)}

    @app.post("/api/v1/locks/check")
    def check_locks(req: ValidateRequest) -> dict:
        """The 必须任 locks that put a cadre into a post the rules would not give them
        (a lock overrides eligibility): `{"warnings": [{cadre, name, post, title,
        excluded_by: [{code, name_zh, name_en}], why_zh, why_en}]}`, judged on the scenario
        with `set` but without the locks, so that the page asks before solving."""
        if req.scenario is None:
            raise _fail(400, "请先选择数据集或方案。", "give a scenario")
        sc, data = load(req.scenario, req.set)
        names = data.cadres.set_index("cadre_id")["name"]
        titles = data.posts.set_index("post_id")["title"]
        out = []
        for lock in req.locks.must:
            _known(data, lock.cadre, lock.post)
            judged = api.candidates(sc, data, lock.post)
            row = judged[judged["cadre_id"] == lock.cadre].iloc[0]
            if bool(row["eligible"]):
                continue
            out.append({"cadre": lock.cadre, "name": names[lock.cadre], "post": lock.post,
                        "title": titles[lock.post],
                        "excluded_by": [{"code": c, "name_zh": RULE_NAMES.get(c, (c, c))[0],
                                         "name_en": RULE_NAMES.get(c, (c, c))[1]}
                                        for c in row["excluded_by"]],
                        "why_zh": row["why_zh"], "why_en": row["why_en"]})
        return {"warnings": out}

    uploading: set[str] = set()  # names of uploads under way (one at a time per name)
    uploading_lock = threading.Lock()

    @app.post("/api/v1/datasets", status_code=201,
              responses={400: {"description": "a bad name or file"},
                         409: {"description": "the name is taken or being uploaded"},
                         422: {"description": "the problems the import and loader found"}})
    def upload(req: DatasetUpload) -> JSONResponse:
        """A workbook, a folder of CSV files, or CSV files with 任免审批表 (.lrmx / .lrm:
        read into the cadres and relations tables as `placement import-lrmx` does, the
        forms kept for the .lrmx download). Kept (with a scenario of the same name) only
        when the import and the loader find no problem, else 422 with the problems.
        Built in a private folder and moved into place with one rename, then its
        scenario written: a second upload under a name taken or being uploaded is 409,
        and neither loses the other's files. A Chinese (any Unicode) name is kept under a
        safe stored name (`placement.web.names`), the typed one written as the scenario's
        `name`."""
        try:
            shown, stem = naming.clean(req.name), naming.stored_name(req.name)
        except naming.NameError_ as err:
            raise HTTPException(400, err.detail()) from None
        names = _upload_names(req.files)
        target = ws.root / "datasets" / stem
        sc_path = ws.root / "scenarios" / f"{stem}.toml"
        with uploading_lock:
            known = scenarios()
            if (stem in uploading or stem in known or target.exists()
                    or shown in {naming.label(p) for p, _ in known.values()}):
                raise HTTPException(409, naming.taken(shown).detail())
            uploading.add(stem)
        try:
            return _upload(req, names, stem, shown, target, sc_path)
        finally:
            with uploading_lock:
                uploading.discard(stem)

    def _upload(req: DatasetUpload, names: list[str], stem: str, shown: str, target: Path,
                sc_path: Path) -> JSONResponse:
        stage = Path(tempfile.mkdtemp(prefix=f".{stem}.", dir=target.parent))
        forms = stage / "lrmx"
        forms.mkdir()
        try:
            for f, name in zip(req.files, names, strict=True):
                try:
                    content = base64.b64decode(f.content, validate=True)
                except binascii.Error:
                    raise _fail(400, f"“{name}”的内容无法读取（不是 base64）。",
                                f"{name}: content is not base64") from None
                lrmx = Path(name).suffix.lower() in (".lrmx", ".lrm")
                (forms if lrmx else stage).joinpath(name).write_bytes(content)
            books = list(stage.glob("*.xlsx"))
            has_forms = any(forms.iterdir())
            if has_forms and books:
                raise _fail(400, "任免审批表（.lrmx）须与 CSV 表格一起上传，不能与工作簿一起上传。",
                            "forms (.lrmx) go with CSV tables, not a workbook")
            source = books[0] if len(books) == 1 and len(req.files) == 1 else stage
            try:
                if has_forms:
                    api.import_lrmx(forms, stage)
                data = load_dataset(source)
                if has_forms:  # the forms' paths as they will be once moved into place
                    _moved_sources(stage / "lrmx_sources.csv", stage, target)
                else:
                    forms.rmdir()
                data_ref = f"../datasets/{stem}" + (
                    f"/{source.name}" if source != stage else "")
                text = write_scenario({"name": shown, "data": data_ref,
                                       "reference_date": _reference_date(req.reference_date)})
                check = stage / ".scenario.toml"  # the same text, read against the staged data
                check.write_text(text.replace(f"../datasets/{stem}", ".", 1), "utf-8")
                load_scenario(check)
                check.unlink()
            except InputError as err:
                problems = problems_json(err.problems)
                for p in problems:  # named as uploaded (the scenario's by its column)
                    p["file"] = (p["file"].replace(str(stage / ".scenario.toml"), "")
                                 .replace(str(stage) + "/", ""))
                return JSONResponse({"ok": False, "problems": problems}, 422)
            try:
                stage.rename(target)  # one rename: the data set is whole or absent
            except OSError:
                raise HTTPException(409, naming.taken(shown).detail()) from None
            try:
                atomic.write_bytes(sc_path, text.encode("utf-8"))
            except BaseException:
                shutil.rmtree(target, ignore_errors=True)
                raise
            return JSONResponse({"ok": True, "scenario": stem, "label": shown,
                                 "counts": _counts(data),
                                 "forms": len(list((target / "lrmx").glob("*")))
                                 if has_forms else 0}, 201)
        finally:
            shutil.rmtree(stage, ignore_errors=True)  # gone already when kept

    @app.get("/api/v1/search")
    def search(scenario: str, q: str = Query(min_length=1), limit: int = 20) -> dict:
        """Cadres and posts whose id, name, title or team contains `q`."""
        _, data = load(scenario, [])
        return find(data, q, limit)

    @app.get("/api/v1/candidates")
    def candidates(post: str, scenario: str | None = None,
                   settings: Annotated[list[str] | None, Query(alias="set")] = None,
                   run: str | None = None, max_age: int | None = None,
                   min_age: int | None = None, gender: Literal["M", "F"] | None = None,
                   education: Literal["college", "bachelor", "postgraduate"] | None = None,
                   party: Literal["cpc", "non_party"] | None = None,
                   secretary: bool | None = None, rank: str | None = None,
                   min_years_rank: int | None = None, specialty: str | None = None,
                   reserve: bool | None = None, region: str | None = None,
                   eligible_only: bool = False,
                   limit: int = Query(50, ge=1, le=1000)) -> dict:
        """The cadres who meet the conditions for `post` (任职条件: age, gender, party,
        education, rank and years at it, township party-secretary experience, specialty,
        reserve pool, region), ranked by fit with the eligible first, each with why it
        may or may not take the post there (`why_zh`/`why_en`, `excluded_by`, `breaks`).
        `run`: read the scenario and settings of that run, and its roster's holders."""
        if run is not None:
            rec = _record(ws, run)
            scenario, settings = rec.scenario, rec.settings
        if scenario is None:
            raise _fail(400, "请先选择数据集或方案，或打开一次求解结果。",
                        "Pick a data set or scenario, or open a run, first.")
        sc, data = load(scenario, settings or [])
        _known(data, None, post)
        cond = api.Conditions(max_age=max_age, min_age=min_age, gender=gender,
                              education=education, party=party, secretary=secretary,
                              rank=rank, min_years_rank=min_years_rank, specialty=specialty,
                              reserve=reserve, region=region, eligible_only=eligible_only)
        roster = _roster(ws, run) if run is not None else None
        frame = api.candidates(sc, data, post, cond, roster)
        p = data.posts.set_index("post_id").loc[post]
        team = data.teams.set_index("team_id").loc[p["team_id"]]
        frame = frame.assign(years_rank=frame["years_rank"].round(1))
        return {"post": {"post_id": post, "title": p["title"], "team_id": p["team_id"],
                         "team_name": team["name"], "rank": p["rank"],
                         "incumbent_id": p["incumbent_id"]},
                "total": len(frame), "eligible": int(frame["eligible"].sum()),
                "rows": _records(frame.head(limit))}

    @app.get("/api/v1/try")
    def try_member(cadre: str, post: str, scenario: str | None = None,
                   settings: Annotated[list[str] | None, Query(alias="set")] = None,
                   run: str | None = None) -> dict:
        """Drop `cadre` into `post` (of the run's roster, else the incumbents) and see,
        without a solve, the teams touched before and after (size, women, young, locals,
        non-Party, township-head experience, average age, education, age bands) and
        their kin (R-AV1) and home-region (R-AV2) ties before and after; `rule` is what
        the rules say of the pair (as in /candidates)."""
        if run is not None:
            rec = _record(ws, run)
            scenario, settings = rec.scenario, rec.settings
        if scenario is None:
            raise _fail(400, "请先选择数据集或方案，或打开一次求解结果。",
                        "Pick a data set or scenario, or open a run, first.")
        sc, data = load(scenario, settings or [])
        _known(data, cadre, post)
        roster = _roster(ws, run) if run is not None else None
        t = api.try_member(sc, data, cadre, post, roster)
        names = data.cadres.set_index("cadre_id")["name"]
        ids = data.cadres["cadre_id"]
        ties = t.ties.assign(name_a=t.ties["cadre_a"].map(names).fillna(""),
                             name_b=t.ties["cadre_b"].map(names).fillna(""),
                             relation_zh=t.ties["relation"].map(RELATIONS).fillna(""))
        judged = api.candidates(sc, data, post, roster=roster)
        row = judged[judged["cadre_id"] == cadre].iloc[0]
        displaced = ids.iat[t.displaced] if t.displaced >= 0 else ""
        return {"cadre": cadre, "name": names[cadre], "post": post,
                "displaced": displaced, "displaced_name": names.get(displaced, ""),
                "eligible": bool(row["eligible"]), "excluded_by": list(row["excluded_by"]),
                "breaks": list(row["breaks"]), "why_zh": row["why_zh"], "why_en": row["why_en"],
                "teams": _records(t.teams), "ties": _records(ties)}

    # --- runs -----------------------------------------------------------------------
    @app.post("/api/v1/runs", status_code=201)
    def start_run(req: RunRequest) -> dict:
        """Queue a solve; returns `{"id"}`. The run's settings are the `--set` strings
        plus the locks written as `--set` strings."""
        path = scenario_path(req.scenario)
        settings = req.set + lock_settings(req.locks.model_dump())
        close_to = None
        if req.close_to is not None:
            close_to = (str(close_roster(req.close_to, path)), req.close_to)
            if not any(x.split("=", 1)[0].strip() == "weights.change" for x in settings):
                settings.append(f"weights.change={CLOSE_WEIGHT}")
        rec = ws.new_run(req.scenario, settings, req.locks.model_dump())
        runner.submit(rec.id, str(path), settings, req.locks.model_dump(), close_to)
        log.info("run %s queued", rec.id)
        return {"id": rec.id}

    def close_roster(run_id: str, path: Path) -> Path:
        """The roster.csv of the finished run `run_id`, which must be of the same data set
        as the scenario file `path` (else 409, in the planner's words)."""
        rec = _record(ws, run_id)
        folder = result_folder(ws, run_id)
        if folder is None or not (folder / "roster.csv").is_file():
            raise _fail(409, f"求解 {run_id} 没有名单，无法在其基础上求解。",
                        f"run {run_id} has no roster to stay close to")
        try:
            same = load_scenario(path).data == load_scenario(scenario_path(rec.scenario)).data
        except InputError as err:
            raise HTTPException(422, {"problems": problems_json(err.problems)}) from None
        if not same:
            raise _fail(409, f"求解 {run_id} 用的是另一个数据集，不能在其基础上求解。",
                        f"run {run_id} is of another data set")
        return folder / "roster.csv"

    @app.get("/api/v1/runs")
    def list_runs() -> list[dict]:
        """Every run in the workspace, newest first (the history)."""
        return [_run_view(ws, r.id) for r in ws.runs()]

    @app.get("/api/v1/runs/{run_id}")
    def get_run(run_id: str) -> dict:
        """`{"status": queued|running|done|failed|cancelled, "summary": summary.json, …}`."""
        return _run_view(ws, run_id)

    @app.patch("/api/v1/runs/{run_id}")
    def note_run(run_id: str, req: Note) -> dict:
        """Keep a note with the run (who changed what, and why)."""
        _record(ws, run_id)
        ws.update(run_id, note=req.note)
        return _run_view(ws, run_id)

    @app.delete("/api/v1/runs/{run_id}")
    def cancel_run(run_id: str, purge: bool = False) -> dict:
        """Cancel a queued or running run (the best roster found is kept); with
        `purge=true`, delete a finished run and its files from the workspace."""
        rec = _record(ws, run_id)
        if purge:
            if rec.status not in FINAL:
                raise _fail(409, "请先取消该次求解，再删除。", "cancel the run before deleting it")
            ws.delete(run_id)
            return {"id": run_id, "deleted": True}
        if not runner.cancel(run_id):
            raise _fail(409, f"求解 {run_id} 已结束，无法取消。", f"run {run_id} is {rec.status}")
        log.info("run %s cancel asked", run_id)
        return {"id": run_id, "cancelling": True}

    @app.get("/api/v1/runs/{run_id}/events", response_class=StreamingResponse,
             responses={200: {"content": {"text/event-stream": {}}}})
    async def events(run_id: str, request: Request, after: int = -1) -> StreamingResponse:
        """Server-sent events: one JSON line per stage (`queued`, `started`, `loading`,
        `solving`, `writing`, `finished`/`failed`, `end`), `tick` lines with the elapsed
        time while it runs. Resumes after `Last-Event-ID` (or `after`)."""
        rec = _record(ws, run_id)
        given = request.headers.get("last-event-id")
        try:
            start = max(int(given) if given is not None else after, -1) + 1
        except ValueError:
            raise HTTPException(400, "Last-Event-ID: expected a whole number") from None
        live = runner.live.get(run_id)

        async def stream():
            if live is None:  # a run of an earlier server, or its events are gone
                yield _sse({"seq": 0, "stage": "end", "status": rec.status})
                return
            i, beat = start, 0
            while True:
                while i < len(live.events):
                    yield _sse(live.events[i])
                    i += 1
                if live.done or await request.is_disconnected():
                    return
                beat += 1
                if live.started is not None and beat % 4 == 0:
                    yield _sse({"stage": "tick",
                                "elapsed": round(time.monotonic() - live.started, 1)}, False)
                await asyncio.sleep(POLL)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store"})

    @app.get("/api/v1/runs/{run_id}/tables/{table}")
    def table(run_id: str, table: Literal[TABLES],
              format: Literal["json", "csv"] = "json") -> Response:
        """A result table as JSON records, or the CSV file `placement solve` writes."""
        folder = _finished(ws, run_id)
        path = folder / f"{table}.csv"
        if not path.is_file():
            raise HTTPException(404, f"run {run_id} has no {table} table")
        if format == "csv":
            return Response(path.read_bytes(), media_type="text/csv; charset=utf-8")
        frame = getattr(api.read_result(folder), table)
        return Response(frame.to_json(orient="records", force_ascii=False),
                        media_type="application/json")

    @app.get("/api/v1/runs/{run_id}/files/{name}")
    def file(run_id: str, name: Literal[FILES], lang: Literal["zh", "en"] = "zh"):
        """report.xlsx and report.html (written on first ask by `placement report`'s code),
        summary.json, and forms.zip: a 任免审批表 (.lrmx) for every cadre whose post
        changes, 拟任/拟免/任免理由 filled (`placement export-lrmx --drafts`: the
        uploaded form where there is one, else a draft from the data set), with
        lrmx_export.csv listing them."""
        folder = _finished(ws, run_id)
        try:
            if name.startswith("report.") and not (folder / name).is_file():
                api.report(folder, lang)
            if name == "forms.zip" and not (folder / name).is_file():
                _forms_zip(folder)
        except InputError as err:
            raise HTTPException(422, {"problems": problems_json(err.problems)}) from None
        return FileResponse(folder / name, filename=f"{run_id}-{name}")

    @app.get("/api/v1/diff")
    def diff(a: str, b: str) -> dict:
        """What changes from run `a` to run `b` (`placement diff`)."""
        d = api.diff(_finished(ws, a), _finished(ws, b), labels=(a, b))
        return json.loads(json.dumps(d.to_dict(), ensure_ascii=False, default=str))

    @app.get("/api/v1/runs/{run_id}/why-not")
    def why_not(run_id: str, cadre: str, post: str) -> dict:
        """Why is `cadre` not in `post` under this run's scenario (`placement why-not`)."""
        rec = _record(ws, run_id)
        sc, data = load(rec.scenario, rec.settings)
        _known(data, cadre, post)
        w = api.why_not(sc, data, cadre, post)
        return {"cadre": w.cadre, "post": w.post, "eligible": w.eligible,
                "excluded_by": [{"rule": r, "name_zh": RULE_NAMES.get(r, (r, r))[0],
                                 "name_en": RULE_NAMES.get(r, (r, r))[1]}
                                for r in w.excluded_by],
                "objective_before": w.objective_before, "objective_after": w.objective_after,
                "status": w.status, "changed_lines": _records(w.changed_lines),
                "targets": _records(w.targets), "text_zh": w.render("zh"),
                "text_en": w.render("en")}

    @app.get("/api/v1/runs/{run_id}/alternates")
    def alternates(run_id: str, post: str, k: int = Query(2, ge=1, le=5)) -> list[dict]:
        """The `k` next-best holders of `post` (差额人选), each priced exactly."""
        rec = _record(ws, run_id)
        sc, data = load(rec.scenario, rec.settings)
        _known(data, None, post)
        res = api.solve(sc, data, alternates=k, alternates_scope=[post])
        names = data.cadres.set_index("cadre_id")["name"]
        rows = _records(res.alternates)
        for r in rows:  # names beside the ids: the page shows names
            r["name"] = names.get(r["cadre_id"], "")
            r["holder_name"] = names.get(r.get("holder_id", ""), "")
        return rows

    @app.get("/api/v1/runs/{run_id}/structure")
    def structure(run_id: str, region: str | None = None, team: str | None = None,
                  lang: Literal["zh", "en"] = "zh") -> dict:
        """The teams' structure before (the incumbents) and after (the run's roster),
        compared in inline SVG charts (the report's own: no script, no network): by
        county when neither `region` nor `team` is given, by team within `region`, or
        one `team`. Figures: women, young, locals, non-Party, bachelor or above, average
        age; age pyramids of the members shown, before and after."""
        rec = _record(ws, run_id)
        roster = _roster(ws, run_id)
        if roster is None:
            raise HTTPException(409, f"run {run_id} has no roster")
        sc, data = load(rec.scenario, rec.settings)
        before = api.team_profiles(sc, data)
        after = api.team_profiles(sc, data, roster)
        named = region_names(data)
        regions = data.teams["region"].to_numpy()
        if team is not None:
            keep = (data.teams["team_id"] == team).to_numpy()
            if not keep.any():
                raise HTTPException(404, f"no team {team}")
        else:
            keep = regions == region if region is not None else np.ones(len(regions), bool)
            if not keep.any():
                raise HTTPException(404, f"no region {region}")
        by_county = team is None and region is None
        key = regions if by_county else data.teams["team_id"].to_numpy()
        b, a = (_grouped(f[keep], key[keep]) for f in (before, after))
        if by_county:
            labels = [named.get(r, r) for r in b.index]
        else:
            labels = list(data.teams.set_index("team_id").loc[b.index, "name"])
        rows = [{"key": k, "label": label, "before": _plain(b.loc[k]), "after": _plain(a.loc[k])}
                for k, label in zip(b.index, labels, strict=True)]
        level = "team" if team is not None else "region" if region is not None else "county"
        return {"level": level, "rows": rows,
                "charts": api.structure_charts(b, a, labels, lang)}

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


@lru_cache(maxsize=4)
def _cached_load(path: str, settings: tuple[str, ...]):
    """Scenario and data set, read once for the questions asked of a run (search,
    why-not, alternates); a data set is never changed by the pipeline."""
    return api.load(path, list(settings))


def _upload_names(files: list[UploadFile]) -> list[str]:
    """The uploaded files' names (their last part): each a .csv, .xlsx, .lrmx or .lrm
    file, without control characters (a NUL cannot name a file), each given once."""
    names = []
    for f in files:
        name = Path(f.name).name
        shown = shown_place(f.name)
        if (not name or name.startswith(".") or any(ord(c) < 32 or ord(c) == 127 for c in name)
                or Path(name).suffix.lower() not in UPLOAD_SUFFIXES):
            raise HTTPException(400, f"not a .csv, .xlsx, .lrmx or .lrm file name: {shown!r}")
        if name in names:
            raise HTTPException(400, f"two files named {shown!r} in one upload")
        names.append(name)
    return names


def _reference_date(text: str) -> object:
    """The form's reference date as a TOML value (a date when it reads as one; else the
    text, which the scenario's validation then names)."""
    return parse_override("reference_date=" + text)[1]


def _moved_sources(path: Path, stage: Path, target: Path) -> None:
    """lrmx_sources.csv with its forms' paths under `target` instead of `stage`."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    staged = str(stage) + "/"
    frame["file"] = [str(target) + "/" + f[len(staged):] if f.startswith(staged) else f
                     for f in frame["file"]]
    atomic.write_bytes(path, atomic.csv_bytes(frame, path.read_bytes()[:3] == b"\xef\xbb\xbf"))


def _sse(event: dict, with_id: bool = True) -> str:
    head = f"id: {event['seq']}\n" if with_id and "seq" in event else ""
    return head + "data: " + json.dumps(event, ensure_ascii=False) + "\n\n"


def _counts(data) -> dict:
    return {t: len(data.table(t)) for t in ("teams", "posts", "cadres", "relations", "fit")}


def _records(frame) -> list[dict]:
    return [] if frame is None else json.loads(frame.to_json(orient="records",
                                                             force_ascii=False))


def _fail(status: int, zh: str, en: str) -> HTTPException:
    """An error the page shows beside what caused it, in the planner's language."""
    return HTTPException(status, {"message_zh": zh, "message_en": en})


def _record(ws: Workspace, run_id: str):
    try:
        rec = ws.get(run_id)
    except DamagedRecord:
        raise HTTPException(409, f"the history row of run {run_id} is damaged") from None
    if rec is None:
        raise _fail(404, f"没有编号为 {run_id} 的求解记录。", f"no run {run_id}")
    return rec


def _finished(ws: Workspace, run_id: str) -> Path:
    _record(ws, run_id)
    folder = result_folder(ws, run_id)
    if folder is None:
        raise _fail(409, f"求解 {run_id} 还没有结果。", f"run {run_id} has no result yet")
    return folder


def _forms_zip(folder: Path) -> None:
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


def _grouped(profiles, key):
    """Team profiles summed by `key` (county or team), the average age weighted by size."""
    counts = profiles.drop(columns=["team_id", "team_name", "avg_age"])
    ages = (profiles["avg_age"].fillna(0) * profiles["size"]).groupby(key).sum()
    out = counts.groupby(key, sort=False).sum()
    out["avg_age"] = (ages / out["size"].where(out["size"] > 0)).round(1).reindex(out.index)
    return out


def _plain(row) -> dict:
    return {k: (None if v != v else float(v) if k == "avg_age" else int(v))
            for k, v in row.items()}


def _roster(ws: Workspace, run_id: str):
    """The run's roster (post_id, cadre_id …) when it has one, else None."""
    folder = result_folder(ws, run_id)
    if folder is None or not (folder / "roster.csv").is_file():
        return None
    return api.read_result(folder).roster


def _known(data, cadre: str | None, post: str) -> None:
    if cadre is not None and cadre not in set(data.cadres["cadre_id"]):
        raise _fail(404, f"数据中没有干部 {cadre}。", f"no cadre {cadre}")
    if post not in set(data.posts["post_id"]):
        raise _fail(404, f"数据中没有职位 {post}。", f"no post {post}")


def _run_view(ws: Workspace, run_id: str) -> dict:
    rec = _record(ws, run_id)
    out = rec.to_dict()
    out["error"] = json.loads(rec.error) if rec.error else None
    folder = result_folder(ws, run_id)
    out["summary"] = (json.loads((folder / "summary.json").read_text("utf-8"))
                      if folder is not None else None)
    return out
