"""Runs: queue a solve, the history, a run's events, tables and files, and the diff of
two runs."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, Response, StreamingResponse

from placement import api
from placement.data.errors import InputError
from placement.web.context import Context, answers, fail
from placement.web.run_process import problems_json
from placement.web.runner import lock_settings, result_folder
from placement.web.schemas import Note, RunRequest
from placement.web.workspace import FINAL, forms_zip

TABLES = ("roster", "moves", "dismissals", "teams", "rules", "shortfalls", "alternates",
          "prices")
FILES = ("report.xlsx", "report.html", "summary.json", "forms.zip")
# Points per roster line changed against the run a re-solve stays close to. Measured on
# Linfen, base run then R-TC5 min_women=3 (12 lines at the least): the scenario's own
# weights.change (50) moves 25 lines, 200 moves 15 with the target fully met, 500 leaves
# two teams short; the tie-break alone moves 49, a fresh solve 165.
CLOSE_WEIGHT = 200
# Seconds between looks at a run's events while streaming them (a tick each second).
# Why this short: on the warm worker a what-if run takes 1-2 s, and each look at 0.25 s
# added up to a quarter second to its start and its end as the page saw them.
STREAM_POLL = 0.05
log = logging.getLogger("placement.web")


def router(ctx: Context) -> APIRouter:
    r = APIRouter(prefix="/api/v1")
    ws, runner = ctx.ws, ctx.runner

    @r.post("/runs", status_code=201, responses=answers(404, 409, 422, write=True))
    def start_run(req: RunRequest) -> dict:
        """Queue a solve; returns `{"id"}`. The run's settings are the `--set` strings
        plus the locks written as `--set` strings."""
        path = ctx.scenario_path(req.scenario)
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
        rec = ctx.record(run_id)
        folder = result_folder(ws, run_id)
        if folder is None or not (folder / "roster.csv").is_file():
            raise fail(409, f"求解 {run_id} 没有名单，无法在其基础上求解。",
                       f"run {run_id} has no roster to stay close to")
        same = (ctx.read_scenario(path).data
                == ctx.read_scenario(ctx.scenario_path(rec.scenario)).data)
        if not same:
            raise fail(409, f"求解 {run_id} 用的是另一个数据集，不能在其基础上求解。",
                       f"run {run_id} is of another data set")
        return folder / "roster.csv"

    @r.get("/runs", responses=answers())
    def list_runs() -> list[dict]:
        """Every run in the workspace, newest first (the history)."""
        return [ctx.run_view(rec.id) for rec in ws.runs()]

    @r.get("/runs/{run_id}", responses=answers(404, 409))
    def get_run(run_id: str) -> dict:
        """`{"status": queued|running|done|failed|cancelled, "summary": summary.json, …}`."""
        return ctx.run_view(run_id)

    @r.patch("/runs/{run_id}", responses=answers(404, 409, 422, write=True))
    def note_run(run_id: str, req: Note) -> dict:
        """Keep a note with the run (who changed what, and why)."""
        ctx.record(run_id)
        ws.update(run_id, note=req.note)
        return ctx.run_view(run_id)

    @r.delete("/runs/{run_id}", responses=answers(404, 409, 422, write=True))
    def cancel_run(run_id: str, purge: bool = False) -> dict:
        """Cancel a queued or running run (the best roster found is kept); with
        `purge=true`, delete a finished run and its files from the workspace."""
        rec = ctx.record(run_id)
        if purge:
            if rec.status not in FINAL:
                raise fail(409, "请先取消该次求解，再删除。", "cancel the run before deleting it")
            ws.delete(run_id)
            return {"id": run_id, "deleted": True}
        if not runner.cancel(run_id):
            raise fail(409, f"求解 {run_id} 已结束，无法取消。", f"run {run_id} is {rec.status}")
        log.info("run %s cancel asked", run_id)
        return {"id": run_id, "cancelling": True}

    @r.get("/runs/{run_id}/events", response_class=StreamingResponse,
           responses={200: {"content": {"text/event-stream": {}}}} | answers(404, 409, 422))
    async def events(run_id: str, request: Request, after: int = -1) -> StreamingResponse:
        """Server-sent events: one JSON line per stage (`queued`, `started`, `loading`,
        `solving`, `writing`, `finished`/`failed`, `end`), `tick` lines with the elapsed
        time while it runs. Resumes after `Last-Event-ID` (or `after`)."""
        rec = ctx.record(run_id)
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
                if live.started is not None and beat % round(1 / STREAM_POLL) == 0:
                    yield _sse({"stage": "tick",
                                "elapsed": round(time.monotonic() - live.started, 1)}, False)
                await asyncio.sleep(STREAM_POLL)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store"})

    @r.get("/runs/{run_id}/tables/{table}", responses=answers(404, 409, 422))
    def table(run_id: str, table: Literal[TABLES],
              format: Literal["json", "csv"] = "json") -> Response:
        """A result table as JSON records, or the CSV file `placement solve` writes."""
        folder = ctx.finished(run_id)
        path = folder / f"{table}.csv"
        if not path.is_file():
            raise HTTPException(404, f"run {run_id} has no {table} table")
        if format == "csv":
            return Response(path.read_bytes(), media_type="text/csv; charset=utf-8")
        frame = getattr(api.read_result(folder), table)
        return Response(frame.to_json(orient="records", force_ascii=False),
                        media_type="application/json")

    @r.get("/runs/{run_id}/prices", responses=answers(404, 409, 422))
    def prices(run_id: str) -> Response:
        """What each rule costs in the run (prices.csv's rows): the run's own table when
        it has one, else priced now (each team rule one step looser, re-solved on warm
        HiGHS instances and checked: seconds on a city). A row's `settings` are the
        `--set` strings of its step, which the page's button adds to the changes."""
        folder = ctx.finished(run_id)
        try:
            frame = api.prices(folder)
        except InputError as err:
            raise HTTPException(422, {"problems": problems_json(err.problems)}) from None
        return Response(frame.to_json(orient="records", force_ascii=False),
                        media_type="application/json")

    @r.get("/runs/{run_id}/files/{name}", responses=answers(404, 409, 422))
    def file(run_id: str, name: Literal[FILES], lang: Literal["zh", "en"] = "zh"):
        """report.xlsx and report.html (written on first ask by `placement report`'s code),
        summary.json, and forms.zip: a 任免审批表 (.lrmx) for every cadre whose post
        changes, 拟任/拟免/任免理由 filled (`placement export-lrmx --drafts`: the
        uploaded form where there is one, else a draft from the data set), with
        lrmx_export.csv listing them."""
        folder = ctx.finished(run_id)
        try:
            if name.startswith("report.") and not (folder / name).is_file():
                api.report(folder, lang)
            if name == "forms.zip" and not (folder / name).is_file():
                forms_zip(folder)
        except InputError as err:
            raise HTTPException(422, {"problems": problems_json(err.problems)}) from None
        return FileResponse(folder / name, filename=f"{run_id}-{name}")

    @r.get("/diff", responses=answers(404, 409, 422))
    def diff(a: str, b: str) -> dict:
        """What changes from run `a` to run `b` (`placement diff`)."""
        d = api.diff(ctx.finished(a), ctx.finished(b), labels=(a, b))
        return json.loads(json.dumps(d.to_dict(), ensure_ascii=False, default=str))

    return r


def _sse(event: dict, with_id: bool = True) -> str:
    head = f"id: {event['seq']}\n" if with_id and "seq" in event else ""
    return head + "data: " + json.dumps(event, ensure_ascii=False) + "\n\n"
