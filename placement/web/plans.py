"""The workbench's Plan tab: a rotation plan (`placement plan`) as a background run.

Why a runner of its own beside `runner.Runner`: a plan is several solves, one per year,
and writes a plan folder, not a result folder; the page wants each year as it is solved
(status, gap, forced moves), then the per-county timeline and the folder as a zip.
As with a solve, the plan runs in a spawned process (`plan_in_process`, which calls
exactly what `placement plan` calls: `api.load`, `api.plan` with the folder, then
`api.report` for the timeline's report), so a long plan never slows the server and
a crash takes only its process. Cancel sets the event `api.plan` hands to each year's
solve: the year being solved keeps its best roster and the plan stops after it.

Plans live in `WORKSPACE/plans/<id>/` (the plan folder, written whole by `api.plan`);
each plan's request (scenario, settings, years, locks and the locks in words) and status
are kept in the workspace's index.sqlite beside the runs' (`Workspace.new_plan`), so the
page lists past plans after a reload or a restart; this server's plans' events are kept
in memory.

The plan's locks (must / forbid / keep, each for one calendar year or the whole term)
are checked when the plan is asked for (`api.plan_locks` against the data set and the
plan's years): a bad one is a 422 naming the item (`locks.must[0].year`), not a plan
that fails later.
"""

from __future__ import annotations

import io
import json
import multiprocessing as mp
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from fastapi import FastAPI, HTTPException
from fastapi.responses import Response
from pydantic import BaseModel, Field

from placement.data.errors import InputError
from placement.web.context import Context, answers
from placement.web.run_process import failed_event, problems_json
from placement.web.runner import Dispatcher
from placement.web.schemas import PlanLocks
from placement.web.workspace import PlanRecord, Workspace

MAX_YEARS = 10


class PlanRequest(BaseModel):
    scenario: str
    set: list[str] = Field(default_factory=list, max_length=200)
    years: int = Field(5, ge=1, le=MAX_YEARS)
    locks: PlanLocks = Field(default_factory=PlanLocks)


# A lock in the planner's words (the history's), Chinese then English.
_KIND_WORDS = {"must": ("必须任", "must hold"), "forbid": ("不得任", "must not hold"),
               "keep": ("保持不变", "keep as is")}


def lock_words(locks: list, data, table: dict) -> list[dict]:
    """Each checked lock (`api.plan_locks`' list, in the table's order: must, forbid,
    keep) in words with the data set's names, its year or the whole term, and the
    planner's reason: `{"zh", "en"}`."""
    cadre = dict(zip(data.cadres["cadre_id"], data.cadres["name"], strict=True))
    team = dict(zip(data.teams["team_id"], data.teams["name"], strict=True))
    post = {p: f"{team.get(t, t)}{title}" for p, t, title in
            zip(data.posts["post_id"], data.posts["team_id"], data.posts["title"], strict=True)}
    reasons = [str(i.get("reason", "")) for k in ("must", "forbid") for i in table.get(k, [])]
    reasons += [str(table.get("keep_reasons", {}).get(lk.ident, "")) for lk in locks
                if lk.kind == "keep"]
    out = []
    for lk, why in zip(locks, reasons, strict=True):
        zh, en = _KIND_WORDS[lk.kind]
        if lk.kind == "keep":
            place = team.get(lk.ident) or post.get(lk.ident, lk.ident)
            words = [f"{zh}：{place}（{lk.ident}）", f"{en}: {place} ({lk.ident})"]
        else:
            who, where = cadre.get(lk.cadre, ""), post.get(lk.post, "")
            words = [f"{who}（{lk.cadre}）{zh} {where}（{lk.post}）",
                     f"{who} ({lk.cadre}) {en} {where} ({lk.post})"]
        words[0] += "，整个任期" if lk.year is None else f"，{lk.year} 年"
        words[1] += ", all term" if lk.year is None else f", in {lk.year}"
        if why:
            words = [words[0] + f"（理由：{why}）", words[1] + f" (reason: {why})"]
        out.append({"zh": words[0], "en": words[1]})
    return out


def plan_in_process(scenario: str, settings: list[str], years: int, folder: str, events,
                    cancel, locks: dict | None = None) -> None:
    """The worker process: load, plan year by year into `folder` (plan.csv and
    timeline.csv in Chinese, as the workbench speaks), write its report (when a year has
    a roster: a first year with none, infeasible under its locks, is the plan's answer);
    a `year` event with plan.json's figures of each year as it is solved. A bad lock fails the plan
    with its problems, each naming the item (`locks.must[0].cadre`)."""
    from placement import api

    try:
        events.put({"stage": "loading"})
        sc, data = api.load(scenario, settings)
        events.put({"stage": "solving", "index": 1})
        seen = []

        def told(year) -> None:
            events.put({"stage": "year"} | api.plan_year(year, seen))
            seen.append(year)
            if year.index < years and year.result.ok:
                events.put({"stage": "solving", "index": year.index + 1})

        result = api.plan(sc, data, years, out=folder, cancel=cancel, on_year=told,
                          locks=locks or None, lang="zh")
        events.put({"stage": "writing"})
        if any(y.result.roster is not None for y in result.years):  # else nothing to draw
            api.report(folder, "zh")
        events.put({"stage": "finished", "ok": result.ok, "exit_code": result.exit_code,
                    "years_solved": len(result.years), "seconds": result.seconds})
    except Exception as err:  # reported to the page; the plan is marked failed
        events.put(failed_event(err))


@dataclass
class LivePlan:
    """A plan this server started: its request, its events so far, how to stop it."""
    id: str
    scenario: str
    years: int
    cancel: object  # a multiprocessing Event
    events: list[dict] = field(default_factory=list)
    status: str = "queued"
    started: float = field(default_factory=time.monotonic)
    process: mp.Process | None = None

    def add(self, event: dict) -> None:
        self.events.append({"seq": len(self.events),
                            "elapsed": round(time.monotonic() - self.started, 2)} | event)

    def view(self) -> dict:
        return {"id": self.id, "scenario": self.scenario, "years_requested": self.years,
                "status": self.status, "events": self.events,
                "years": [e for e in self.events if e["stage"] == "year"]}


class PlanRunner(Dispatcher):
    """Plans, one at a time, each in its own spawned process, on a thread of its own;
    each plan's status kept in the workspace's history as it changes."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.root = ws.root / "plans"
        self.root.mkdir(parents=True, exist_ok=True)
        self._ctx = mp.get_context("spawn")
        self.live: dict[str, LivePlan] = {}
        super().__init__(1, "plans")

    def folder(self, plan_id: str) -> Path:
        if not plan_id.replace("-", "").isalnum():
            raise HTTPException(404, f"no plan {plan_id!r}")
        return self.root / plan_id

    def submit(self, rec: PlanRecord, scenario: Path) -> LivePlan:
        live = LivePlan(rec.id, rec.scenario, rec.years, self._ctx.Event())
        live.add({"stage": "queued"})
        self.live[rec.id] = live
        self._queue.put((live, str(scenario), rec.settings, rec.locks))
        return live

    def close(self) -> None:
        self._stop(self.live.values())

    def _run(self, live: LivePlan, scenario: str, settings: list[str], locks: dict) -> None:
        if live.cancel.is_set():
            return self._end(live, "cancelled")
        live.status = "running"
        self.ws.update_plan(live.id, status="running")
        events = self._ctx.Queue()
        live.process = self._ctx.Process(
            target=plan_in_process, daemon=True, name=f"placement-plan-{live.id}",
            args=(scenario, settings, live.years, str(self.folder(live.id)), events,
                  live.cancel, locks))
        live.process.start()
        last = self._relay(live, live.process.is_alive, events)
        live.process.join()
        if last.get("stage") == "finished":
            self._end(live, "cancelled" if live.cancel.is_set() else "done")
        else:
            self._end(live, "cancelled" if live.cancel.is_set() else "failed")

    def _end(self, live: LivePlan, status: str) -> None:
        failed = next((e for e in reversed(live.events) if e["stage"] == "failed"), None)
        error = "" if failed is None else json.dumps(
            failed.get("problems") or failed.get("error"), ensure_ascii=False)
        self.ws.update_plan(live.id, status=status, finished=time.time(), error=error)
        live.status = status
        live.add({"stage": "end", "status": status})


def _zip(folder: Path) -> bytes:
    """The plan folder as a zip, every file under `PLAN_ID/`."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                z.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return buf.getvalue()


def register(app: FastAPI, ctx: Context) -> PlanRunner:
    """The Plan tab's endpoints on `app`; plans kept under the workspace's plans/, their
    history in its index."""
    from placement import api

    plans = PlanRunner(ctx.ws)

    def record(plan_id: str) -> PlanRecord | None:
        plans.folder(plan_id)  # 404 for an id no plan could have
        return ctx.ws.get_plan(plan_id)

    def finished(plan_id: str) -> Path:
        folder = plans.folder(plan_id)
        rec = record(plan_id)
        if rec is not None and rec.status in ("queued", "running"):
            raise HTTPException(409, f"plan {plan_id} is {rec.status}")
        if not (folder / "plan.json").is_file():
            raise HTTPException(404, f"plan {plan_id} has no plan folder")
        return folder

    def summary(plan_id: str) -> dict | None:
        path = plans.folder(plan_id) / "plan.json"
        return json.loads(path.read_text("utf-8")) if path.is_file() else None

    def listed(rec: PlanRecord) -> dict:
        """A plan as the history lists it: its request, status and years solved."""
        out = rec.to_dict()
        out["years_requested"] = out.pop("years")
        out["error"] = json.loads(rec.error) if rec.error else None
        live = plans.live.get(rec.id)
        done = summary(rec.id) if rec.status in ("done", "cancelled", "failed") else None
        out["years_solved"] = (len(live.view()["years"]) if live is not None and done is None
                               else (done or {}).get("years_solved", 0))
        return out

    @app.post("/api/v1/plans", status_code=201, responses=answers(404, 422, write=True))
    def start_plan(req: PlanRequest) -> dict:
        """Start a rotation plan over `years` years (`placement plan`), with its locks,
        each for one calendar `year` or (without one) the whole term; returns `{"id"}`.
        A lock that names an unknown cadre, post or team, or a year outside the plan, is
        a 422 with the problems, each naming the item (`locks.must[0].year`)."""
        path = ctx.scenario_path(req.scenario)
        sc, data = ctx.load(req.scenario, req.set)
        table = req.locks.model_dump(exclude_none=True)
        try:
            given = api.plan_locks(table, data, sc.reference_date.year, req.years)
        except InputError as err:
            raise HTTPException(422, {"problems": problems_json(err.problems)}) from None
        rec = ctx.ws.new_plan(req.scenario, req.set, req.years, table,
                              lock_words(given, data, table))
        plans.submit(rec, path)
        return {"id": rec.id}

    @app.get("/api/v1/plans", responses=answers())
    def list_plans() -> list[dict]:
        """Every plan asked for in this workspace, newest first (the plan history): its
        scenario, settings, years, locks (and `lock_words`, each lock in Chinese and
        English), status and the years solved."""
        return [listed(rec) for rec in ctx.ws.plans()]

    @app.get("/api/v1/plans/{plan_id}", responses=answers(404, 409, 422))
    def get_plan(plan_id: str) -> dict:
        """`status` (queued, running, done, failed, cancelled), every event so far and
        `years`: each solved year's figures (plan.json's, with its `stability`) as it
        comes; with the history's request (`settings`, `locks`, `lock_words`)."""
        rec = record(plan_id)
        mine = {} if rec is None else {k: v for k, v in listed(rec).items() if k != "status"}
        live = plans.live.get(plan_id)
        if live is not None:
            return mine | live.view()
        done = summary(plan_id)
        if rec is None and done is None:
            raise HTTPException(404, f"no plan {plan_id!r}")
        return mine | {"id": plan_id, "status": rec.status if rec else "done",
                       "years_requested": rec.years if rec else done["years_requested"],
                       "events": [], "years": (done or {}).get("years", [])}

    @app.delete("/api/v1/plans/{plan_id}", responses=answers(409, 422, write=True))
    def cancel_plan(plan_id: str) -> dict:
        """Stop a plan: the year being solved keeps its best roster, later years are not
        solved."""
        live = plans.live.get(plan_id)
        if live is None or live.status not in ("queued", "running"):
            raise HTTPException(409, f"plan {plan_id} is not running")
        live.cancel.set()
        return {"id": plan_id, "cancelling": True}

    @app.get("/api/v1/plans/{plan_id}/view", responses=answers(404, 409, 422))
    def view_plan(plan_id: str, lang: Literal["zh", "en"] = "zh") -> dict:
        """The per-year summary and per county the head posts' timeline (inline SVG) and
        the teams' figures each year (`api.plan_view`)."""
        try:
            return api.plan_view(finished(plan_id), lang)
        except InputError as err:
            raise HTTPException(422, {"problems": problems_json(err.problems)}) from None

    @app.get("/api/v1/plans/{plan_id}/zip", responses=answers(404, 409, 422))
    def zip_plan(plan_id: str) -> Response:
        """The plan folder as a zip (plan.csv, timeline.csv, plan.json, report.xlsx,
        report.html and one folder per year)."""
        folder = finished(plan_id)
        return Response(_zip(folder), media_type="application/zip", headers={
            "Content-Disposition": f'attachment; filename="plan-{plan_id}.zip"'})

    return plans
