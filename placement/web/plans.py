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
this server's plans are listed from memory, a plan folder of an earlier server from disk.
"""

from __future__ import annotations

import io
import json
import multiprocessing as mp
import secrets
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from fastapi import FastAPI, HTTPException
from fastapi.responses import Response
from pydantic import BaseModel, Field

from placement.data.errors import InputError
from placement.web.context import answers
from placement.web.runner import Dispatcher, failed_event, problems_json

MAX_YEARS = 10


class PlanRequest(BaseModel):
    scenario: str
    set: list[str] = Field(default_factory=list, max_length=200)
    years: int = Field(5, ge=1, le=MAX_YEARS)
    # The plan's locks (`api.plan`): {"must": [{"cadre", "post", "year"?}], "forbid": […],
    # "keep": [id or {"id", "year"?}]}; an item without a year holds all term.
    locks: dict = Field(default_factory=dict)


def plan_in_process(scenario: str, settings: list[str], years: int, folder: str, events,
                    cancel, locks: dict | None = None) -> None:
    """The worker process: load, plan year by year into `folder` (plan.csv and
    timeline.csv in Chinese, as the workbench speaks), write its report; a `year` event
    with plan.json's figures of each year as it is solved. A bad lock fails the plan
    with its problems, each naming the item (`locks.must[0].cadre`)."""
    from placement import api

    try:
        events.put({"stage": "loading"})
        sc, data = api.load(scenario, settings)
        events.put({"stage": "solving", "index": 1})

        def told(year) -> None:
            events.put({"stage": "year"} | api.plan_year(year))
            if year.index < years and year.result.ok:
                events.put({"stage": "solving", "index": year.index + 1})

        result = api.plan(sc, data, years, out=folder, cancel=cancel, on_year=told,
                          locks=locks or None, lang="zh")
        events.put({"stage": "writing"})
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
    """Plans, one at a time, each in its own spawned process, on a thread of its own."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._ctx = mp.get_context("spawn")
        self.live: dict[str, LivePlan] = {}
        super().__init__(1, "plans")

    def folder(self, plan_id: str) -> Path:
        if not plan_id.replace("-", "").isalnum():
            raise HTTPException(404, f"no plan {plan_id!r}")
        return self.root / plan_id

    def submit(self, scenario_ref: str, scenario: Path, settings: list[str],
               years: int, locks: dict | None = None) -> LivePlan:
        plan_id = time.strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)
        live = LivePlan(plan_id, scenario_ref, years, self._ctx.Event())
        live.add({"stage": "queued"})
        self.live[plan_id] = live
        self._queue.put((live, str(scenario), settings, locks or {}))
        return live

    def close(self) -> None:
        self._stop(self.live.values())

    def _run(self, live: LivePlan, scenario: str, settings: list[str], locks: dict) -> None:
        if live.cancel.is_set():
            return self._end(live, "cancelled")
        live.status = "running"
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


def register(app: FastAPI, root: Path, scenario_path: Callable[[str], Path]) -> PlanRunner:
    """The Plan tab's endpoints on `app`; plans kept under `root`."""
    from placement import api

    plans = PlanRunner(root)

    def finished(plan_id: str) -> Path:
        folder = plans.folder(plan_id)
        live = plans.live.get(plan_id)
        if live is not None and live.status not in ("done", "cancelled", "failed"):
            raise HTTPException(409, f"plan {plan_id} is {live.status}")
        if not (folder / "plan.json").is_file():
            raise HTTPException(404, f"plan {plan_id} has no plan folder")
        return folder

    @app.post("/api/v1/plans", status_code=201, responses=answers(404, 422, write=True))
    def start_plan(req: PlanRequest) -> dict:
        """Start a rotation plan over `years` years (`placement plan`), with its locks
        for a year or the whole term; returns `{"id"}`."""
        live = plans.submit(req.scenario, scenario_path(req.scenario), req.set, req.years,
                            req.locks)
        return {"id": live.id}

    @app.get("/api/v1/plans/{plan_id}", responses=answers(404, 409, 422))
    def get_plan(plan_id: str) -> dict:
        """`status` (queued, running, done, failed, cancelled), every event so far and
        `years`: each solved year's figures (plan.json's) as it comes."""
        live = plans.live.get(plan_id)
        if live is not None:
            return live.view()
        folder = finished(plan_id)
        summary = json.loads((folder / "plan.json").read_text("utf-8"))
        return {"id": plan_id, "status": "done", "years_requested": summary["years_requested"],
                "events": [], "years": summary["years"]}

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
