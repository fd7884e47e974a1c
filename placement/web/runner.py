"""Runs solves off the web server: a queue, a dispatcher thread, one worker process per run.

Why processes: a province solve holds a core for minutes and parts of the pipeline hold
the GIL (pandas, the checker); in a process of its own it cannot slow the server's event
loop, and a run that crashes takes only its process with it. Processes are spawned
(not forked: the server has threads) and run `solve_in_process`, which calls exactly
what `placement solve` calls (`api.load`, `api.solve`, `Result.write`), so a run's
result folder holds the roster `placement solve` writes for the same scenario.

Cancel: the parent sets a multiprocessing event the child hands to `api.solve(cancel=)`
(it is read with `is_set`/`wait`, as a `threading.Event` is); the search stops, the
best roster found is kept and written, and the run ends as `cancelled`. A queued run is
cancelled before it starts.

Progress: the child reports its stages (loading, solving, writing, finished) on a
queue, and while it solves a `progress` event whenever the engine reports (the very
reports behind the terminal's progress line, `placement.pipeline.progress`): the level
being solved, its elapsed time, the best objective, the bound and the gap. CP-SAT
reports each improving roster with its bound; HiGHS each improving roster with the
bound it has then. Between reports the page moves the elapsed time on its own (`tick`).

The warm worker (`placement.web.warm_worker`, issue 29): a run is first offered to one
long-lived worker process that keeps the data sets and the sessions read before, so a
what-if does not import, read and set up from scratch; `solve_in_process` runs there on
the kept session (the same result folder). A run that finds the warm worker busy with
another run (`parallel` above 1), or with questions for `RUN_WAIT` seconds, gets a
fresh process as above.

Ray (`placement serve --ray ADDRESS`): the same `solve_in_process` runs on Ray instead
of in a spawned process (`ray_runs.py`): on an actor per session that keeps it warm, as
the warm worker does, with the same stages, progress and cancel.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from placement.data.scenario_io import setting_text
from placement.web.run_process import POLL, solve_in_process
from placement.web.workspace import Workspace

# Seconds a run waits for the warm worker busy with a question (one takes about a
# second) before it gets a fresh process, which takes several to import and read; a
# run finding the worker busy with another run does not wait.
RUN_WAIT = 5.0


def lock_settings(locks: dict) -> list[str]:
    """Locks from the page (`{"must": [{"cadre", "post", "reason"}], "forbid": [...],
    "keep": [ids], "keep_reasons": {id: reason}}`) as `--set` strings, so a run's
    scenario is reproducible with the CLI:
    `placement solve SCENARIO --set 'locks.must=[{cadre = "C", post = "P"}]'`."""
    out = []
    for kind in ("must", "forbid"):
        pairs = locks.get(kind) or []
        if pairs:
            out.append(setting_text(f"locks.{kind}", [{"cadre": str(p["cadre"]),
                                                       "post": str(p["post"])} for p in pairs]))
    keep = locks.get("keep") or []
    if keep:
        out.append(setting_text("locks.keep", [str(k) for k in keep]))
    return out


@dataclass
class LiveRun:
    """A run this server queued: its events so far and how to stop it."""
    id: str
    cancel: object  # a multiprocessing Event
    events: list[dict] = field(default_factory=list)
    started: float | None = None
    done: bool = False
    process: mp.Process | None = None
    task: object = None  # a ray_runs.RayRun on the Ray backend

    def add(self, event: dict) -> None:
        elapsed = 0.0 if self.started is None else time.monotonic() - self.started
        self.events.append({"seq": len(self.events), "elapsed": round(elapsed, 2)} | event)


class Dispatcher:
    """A queue of jobs worked by daemon threads, each job handed to `_run(*item)`; the
    runs' and the plans' runners share it. A subclass sets its own state first, then
    calls `__init__` (the threads start there)."""

    def __init__(self, threads: int, name: str):
        self._queue: queue.Queue[tuple | None] = queue.Queue()
        self._threads = [threading.Thread(target=self._loop, name=f"{name}-{i}", daemon=True)
                         for i in range(threads)]
        for t in self._threads:
            t.start()

    def _run(self, *item) -> None:
        raise NotImplementedError

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            self._run(*item)

    @staticmethod
    def _relay(live, alive: Callable[[], bool], events, tick: Callable[[], None] = lambda: None
               ) -> dict:
        """Hand a worker's events to its live job until the worker has ended and its
        queue is drained; `tick` runs on every poll. Returns the last event."""
        last: dict = {}
        while alive() or not events.empty():
            tick()
            try:
                last = events.get(timeout=POLL)
            except queue.Empty:
                continue
            live.add(last)
        return last

    def _stop(self, lives) -> None:
        """Cancel every live job, let the threads end, and stop the processes still
        running (the server is shutting down)."""
        for live in lives:
            live.cancel.set()
        for _ in self._threads:
            self._queue.put(None)
        for live in lives:
            if live.process is not None and live.process.is_alive():
                live.process.join(5)
                if live.process.is_alive():
                    live.process.terminate()


class Runner(Dispatcher):
    """Queues runs and solves them, `parallel` at a time, each in its own process (or
    the warm worker), or on Ray when `ray` is an address ('local' or a cluster's)."""

    def __init__(self, workspace: Workspace, parallel: int = 1, ray: str | None = None,
                 warm: bool = True):
        self.ws = workspace
        self._ctx = mp.get_context("spawn")
        self.ray = None  # the Ray backend (`placement.web.ray_runs.RayRuns`), when asked
        self.warm = None  # the warm worker (`placement.web.warm_worker`), when kept
        if ray is not None:
            from placement.web.ray_runs import RayRuns

            self.ray = RayRuns(ray)
        elif warm:
            from placement.web.warm_worker import WarmWorker

            self.warm = WarmWorker(self._ctx)
        self.live: dict[str, LiveRun] = {}
        super().__init__(parallel, "runner")

    def submit(self, run_id: str, scenario: str, settings: list[str],
               locks: dict | None = None, close_to: tuple[str, str] | None = None) -> None:
        """Queue a run; `close_to`: (roster.csv, run id) to stay close to."""
        live = LiveRun(run_id, threading.Event() if self.ray else self._ctx.Event())
        live.add({"stage": "queued"})
        self.live[run_id] = live
        self._queue.put((run_id, scenario, settings, locks or {}, close_to))

    def cancel(self, run_id: str) -> bool:
        """Stop a queued or running run; False when it is not one of this server's live runs."""
        live = self.live.get(run_id)
        if live is None or live.done:
            return False
        live.cancel.set()
        return True

    def close(self) -> None:
        """Stop every live run (the server is shutting down)."""
        self._stop(self.live.values())
        for live in self.live.values():
            if live.task is not None and not live.done:
                live.task.kill()
        if self.ray is not None:
            self.ray.close()
        if self.warm is not None:
            self.warm.stop()

    def _run(self, run_id: str, scenario: str, settings: list[str], locks: dict,
             close_to: tuple[str, str] | None = None) -> None:
        live = self.live[run_id]
        if live.cancel.is_set():
            self._finish(live, "cancelled")
            return
        live.started = time.monotonic()
        self.ws.update(run_id, status="running", started=time.time())
        live.add({"stage": "started"})
        folder = self.ws.folder(run_id)
        if self.ray is not None:
            self._run_on_ray(live, scenario, settings, str(folder), locks, close_to)
            return
        if self.warm is not None and self.warm.take(RUN_WAIT):
            try:  # the warm worker is free: the run reuses its sessions
                last = self.warm.run((scenario, settings, str(folder), locks, close_to),
                                     live.add, live.cancel.is_set)
            finally:
                self.warm.lock.release()
            self._conclude(live, last or {}, "the warm worker process ended")
            return
        events = self._ctx.Queue()
        live.process = self._ctx.Process(
            target=solve_in_process,
            args=(scenario, settings, str(folder), events, live.cancel, locks, close_to),
            name=f"placement-run-{run_id}", daemon=True)
        live.process.start()
        last = self._relay(live, live.process.is_alive, events)
        live.process.join()
        self._conclude(live, last, f"worker process ended with code {live.process.exitcode}")

    def _run_on_ray(self, live: LiveRun, scenario: str, settings: list[str], folder: str,
                    locks: dict, close_to: tuple[str, str] | None = None) -> None:
        """The run on Ray (its session's actor): its events relayed as a process's are, a
        cancel handed to the run's flag, and the run killed when it outlives the grace
        after that."""
        from placement.web.ray_runs import GRACE

        task = live.task = self.ray.start(solve_in_process, scenario, settings, folder,
                                           locks, close_to)
        asked: list[float] = []  # when the cancel was handed on

        def tick() -> None:
            if live.cancel.is_set() and not asked:
                task.cancel()
                asked.append(time.monotonic())
            elif asked and time.monotonic() - asked[0] > GRACE and task.alive():
                task.kill()

        last = self._relay(live, task.alive, task.events, tick)
        self._conclude(live, last, f"Ray run ended: {task.outcome()}")

    def _conclude(self, live: LiveRun, last: dict, died: str) -> None:
        """The run's status from its last event: done (or cancelled, the best roster
        kept), failed with the worker's problems, or failed with how the worker died."""
        if last.get("stage") == "finished":
            self._finish(live, "cancelled" if live.cancel.is_set() else "done")
        elif last.get("stage") == "failed":
            self._finish(live, "failed",
                         json.dumps(last.get("problems") or last.get("error"),
                                    ensure_ascii=False))
        elif live.cancel.is_set():
            self._finish(live, "cancelled")
        else:
            self._finish(live, "failed", json.dumps(died))

    def _finish(self, live: LiveRun, status: str, error: str = "") -> None:
        self.ws.update(live.id, status=status, finished=time.time(), error=error)
        live.add({"stage": "end", "status": status})
        live.done = True


def result_folder(ws: Workspace, run_id: str) -> Path | None:
    """The run's result folder when it holds a summary (a roster or a documented failure)."""
    folder = ws.folder(run_id)
    return folder if (folder / "summary.json").is_file() else None
