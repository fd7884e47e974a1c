"""Scenarios and data sets: the session, the scenarios known, saving one, the working
state, the words and rule catalogue, validation, uploads and search."""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse

from placement import api
from placement.data.errors import InputError, shown_place
from placement.data.scenario_io import scenario_to_dict
from placement.data.words import VALUES
from placement.web import names as naming
from placement.web import workspace
from placement.web.catalogue import editor_words, find, rule_catalogue, scenario_doc
from placement.web.context import Context, answers, counts, fail
from placement.web.page_words import PAGE_WORDS
from placement.web.run_process import problems_json
from placement.web.runner import lock_settings
from placement.web.schemas import (
    DatasetUpload,
    Refusal,
    Rejected,
    SaveScenario,
    UploadFile,
    ValidateRequest,
    WorkState,
)

UPLOAD_SUFFIXES = (".csv", ".xlsx", ".lrmx", ".lrm")


def router(ctx: Context) -> APIRouter:
    r = APIRouter(prefix="/api/v1")
    ws = ctx.ws

    @r.get("/session", responses=answers())
    def session() -> dict:
        """The token every state-changing request sends as `X-CSRF-Token`, and the
        `warnings` ({code, zh, en}) the page shows: a damaged run history moved aside,
        history rows skipped."""
        return {"token": ctx.token, "warnings": ws.warnings}

    @r.get("/scenarios", responses=answers())
    def list_scenarios() -> list[dict]:
        """The bundled samples and the scenarios saved in the workspace."""
        return [{"name": n, "path": str(p), "kind": k, "label": naming.label(p)}
                for n, (p, k) in ctx.scenarios().items()]

    @r.get("/scenarios/{name}", responses=answers(404, 422))
    def get_scenario(name: str) -> dict:
        """A scenario's effective settings (every rule, every default)."""
        sc = ctx.read_scenario(ctx.scenario_path(name))
        return {"name": name, "title": sc.name, "settings": scenario_to_dict(sc)}

    @r.post("/scenarios", status_code=201, responses=answers(404, 422, write=True))
    def save_scenario(req: SaveScenario) -> dict:
        """Save the changes as a scenario file that `extends` the base."""
        stem, shown = ctx.new_name(req.name)
        base = ctx.scenario_path(req.base)
        path = ws.root / "scenarios" / f"{stem}.toml"
        try:
            # a Chinese name is kept as the scenario's `name` (the file name is mapped)
            doc = scenario_doc(base, req.title or (shown if stem != shown else ""), req.set)
            text = workspace.save_scenario(path, doc)
        except InputError as err:
            raise HTTPException(422, {"problems": problems_json(err.problems)}) from None
        return {"name": stem, "label": shown, "path": str(path), "text": text}

    @r.get("/state", responses=answers())
    def get_state() -> WorkState:
        """The working state last saved (rule edits, locks with reasons, the open run);
        empty when none was saved or the file is unreadable."""
        try:
            return WorkState.model_validate_json(workspace.read_state(ws.root) or b"")
        except ValueError:
            return WorkState()

    @r.put("/state", responses=answers(422, write=True))
    def put_state(req: WorkState) -> WorkState:
        """Keep the working state (written whole: a temporary file, then renamed)."""
        workspace.write_state(ws.root, req.model_dump_json())
        return req

    @r.get("/words", responses=answers())
    def words() -> dict[str, list[str]]:
        """Coded values (statuses, figure names, kinds of change…) in Chinese and English:
        `placement.data.words.VALUES`, the words the CLI and the reports use."""
        return {k: list(v) for k, v in VALUES.items()}

    @r.get("/words/page", responses=answers())
    def page_words() -> dict[str, list[str]]:
        """The page's own words (headings, buttons, hints, messages) in Chinese and
        English: `placement.web.page_words.PAGE_WORDS`, their one home; the page loads
        them once when it starts."""
        return {k: list(v) for k, v in PAGE_WORDS.items()}

    @r.get("/rules", responses=answers())
    def rules() -> list[dict]:
        """The rule catalogue, generated from the scenario model."""
        return rule_catalogue()

    @r.get("/rules/words", responses=answers())
    def rule_words() -> dict:
        """The rules editor's pickers in words: team kinds, ranks, systems, choices and
        the weight's priority levels (label zh, label en, weight)."""
        return editor_words()

    @r.post("/validate", responses=answers(404, 422, write=True))
    def validate(req: ValidateRequest) -> dict:
        """Validate a scenario (with `set` and locks) and its data, or a data set alone:
        `{"ok", "problems": [{file, sheet, row, column, message_zh, message_en}], "warnings"
        (the same shape: what the CLI prints as 警告 and summary.json keeps), "counts"}`."""
        try:
            if req.dataset is not None:
                data = api.read_dataset(req.dataset)
                warned = list(data.warnings)
            elif req.scenario is not None:
                settings = req.set + lock_settings(req.locks.model_dump())
                _, data, warned = api.load_checked(ctx.scenario_path(req.scenario), settings)
            else:
                raise fail(422, "请先选择数据集或方案。", "give a scenario or a dataset")
        except InputError as err:
            return {"ok": False, "problems": problems_json(err.problems), "warnings": [],
                    "counts": {}}
        return {"ok": True, "problems": [], "warnings": problems_json(warned),
                "counts": counts(data)}

    uploading: set[str] = set()  # names of uploads under way (one at a time per name)
    uploading_lock = threading.Lock()

    @r.post("/datasets", status_code=201, responses=answers(409, 422, write=True) | {
        422: {"model": Rejected | Refusal, "description": "the problems the import and the "
              "loader found (`ok`, `problems`); a name or file name refused, a content "
              "that is no base64, or a body that does not fit its schema (`detail`)"}})
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
            raise HTTPException(422, err.detail()) from None
        names = _upload_names(req.files)
        with uploading_lock:
            if (stem in uploading or ctx.taken(stem, shown)
                    or (ws.root / "datasets" / stem).exists()):
                raise HTTPException(409, naming.taken(shown).detail())
            uploading.add(stem)
        try:
            status, body = workspace.add_dataset(
                ws.root, stem, shown, req.reference_date,
                [(name, f.content) for f, name in zip(req.files, names, strict=True)],
                problems_json)
        except workspace.Refused as err:
            raise HTTPException(err.status, err.detail or naming.taken(shown).detail()
                                ) from None
        finally:
            with uploading_lock:
                uploading.discard(stem)
        return JSONResponse(body, status)

    @r.get("/datasets/{name}/import", responses=answers(404))
    def imported(name: str) -> dict:
        """An uploaded data set's import report (`report`: cadres added, changed, the
        stated defaults; None for an upload without forms, or a scenario with no upload
        of its name) and `confirmed` (when the planner confirmed the defaults, and which
        columns; None before)."""
        try:
            return workspace.imported(ws.root, name)
        except workspace.Refused as err:
            raise HTTPException(err.status, err.detail) from None

    @r.post("/datasets/{name}/confirm", responses=answers(404, 409, write=True))
    def confirm(name: str) -> dict:
        """The planner confirms the defaults the upload of forms gave (the button
        确认默认值): recorded in the data set's folder; the answer as `GET …/import`."""
        try:
            return workspace.confirm_defaults(ws.root, name)
        except workspace.Refused as err:
            raise HTTPException(err.status, err.detail) from None

    @r.get("/search", responses=answers(404, 422))
    def search(scenario: str, q: str = Query(min_length=1), limit: int = 20) -> dict:
        """Cadres and posts whose id, name, title or team contains `q`."""
        _, data = ctx.load(scenario, [])
        return find(data, q, limit)

    return r


def _upload_names(files: list[UploadFile]) -> list[str]:
    """The uploaded files' names (their last part): each a .csv, .xlsx, .lrmx or .lrm
    file, without control characters (a NUL cannot name a file), each given once."""
    names = []
    for f in files:
        name = Path(f.name).name
        shown = shown_place(f.name)
        if (not name or name.startswith(".") or any(ord(c) < 32 or ord(c) == 127 for c in name)
                or Path(name).suffix.lower() not in UPLOAD_SUFFIXES):
            raise HTTPException(422, f"not a .csv, .xlsx, .lrmx or .lrm file name: {shown!r}")
        if name in names:
            raise HTTPException(422, f"two files named {shown!r} in one upload")
        names.append(name)
    return names
