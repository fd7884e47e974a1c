"""The warm worker: one long-lived process that keeps the workbench's sessions warm.

Why (issue 29): a page action that starts a fresh process imports the engine, reads the
data set, computes eligibility, builds and solves the model from scratch: 15-17 s in
the page for a what-if the command line answers in 2.8 s. The warm worker is spawned
once and keeps, least recently used first out,
- the data sets read (by file, reference date and the files' times and sizes: a data
  set replaced on disk is read again);
- one `api.session` per (data set, scenario with its settings), opened lazily; a new
  one takes from the last proposal of the same data set the stages its settings leave
  (`Session.inherit`: a what-if run's eligibility, and its model when only weights
  changed), solved as cold all the same.
A run is `run_process.solve_in_process` on the worker's session (`api.solve_in`: the very
result of `api.solve`, the roster `placement solve` writes, written whole by
`Result.write`), its events relayed as a fresh process's are; its proposal stays in
the session, so that the run's why-not and alternates (answered in the worker too)
re-solve its kept MIP, set up once.

Isolation: the worker is a process of its own, as the fresh ones are; when it dies (a
crash) the job it was doing ends failed and the next job starts a new worker. Cancel:
the run's cancel is handed to the worker's event (the search stops, the best roster is
kept and written, the run ends cancelled); a worker that does not end the job within
`GRACE` seconds of the cancel is killed, the run ends cancelled, and the next job
starts a new worker.

Memory: at most `SESSIONS` sessions and `DATASETS` data sets are kept; after each job
the worker reads its resident memory and, above `limit_mib`
(`PLACEMENT_WARM_MIB`, default 3072), drops every session but the last used; the
server restarts a worker still above the limit after that (freed memory is not
always handed back to the system).

One job at a time: the runner's threads and the questions take the worker's `lock`;
a second run while one solves goes to a fresh process as before, and a question
asked while the worker is busy is answered in the server as before.
"""

from __future__ import annotations

import gc
import os
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from placement import api
from placement.data.scenario_io import scenario_checksum
from placement.web.run_process import POLL, failed_event, solve_in_process

GRACE = 10.0  # seconds a cancelled run may take in the worker before it is killed
SESSIONS = 8  # sessions kept (each holds a proposal and its re-solve set-up)
DATASETS = 3  # data sets kept
LIMIT_MIB = int(os.environ.get("PLACEMENT_WARM_MIB", "3072"))


def rss_mib() -> float:
    """This process's resident memory now (Linux; 0 where /proc is not there)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def data_files(path: Path) -> tuple:
    """What tells a data set's files apart from an earlier version of them."""
    found = sorted(path.rglob("*")) if path.is_dir() else [path]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                 for p in found if p.is_file())


class Missing(LookupError):
    """A cadre or post id the data set does not have (the page shows a 404)."""

    def __init__(self, kind: str, ident: str):
        super().__init__(kind, ident)
        self.kind, self.ident = kind, ident


def session_key(scenario: str, settings: list[str]) -> tuple:
    """The scenario read with its settings, and the key of its session: (its data set's
    key (path, reference date, `data_files`), the scenario's checksum). The Ray backend
    keys its session actors by it too (`placement.web.ray_runs`)."""
    sc = api.read_scenario(scenario, settings)
    dkey = (str(Path(sc.data).resolve()), sc.reference_date, data_files(Path(sc.data)))
    return sc, (dkey, scenario_checksum(sc))


class Sessions:
    """(In the worker.) The data sets and sessions kept, least recently used first out."""

    def __init__(self, limit_mib: float = LIMIT_MIB):
        self.limit_mib = limit_mib
        self._data: OrderedDict[tuple, object] = OrderedDict()
        self._sessions: OrderedDict[tuple, object] = OrderedDict()
        # What the last job found kept: its data set, its session, the session's proposal,
        # and what a new session took from another's proposal (`Session.inherit`).
        self.kept = {"data": False, "session": False, "proposal": False, "inherited": ""}

    def session(self, scenario: str, settings: list[str]):
        """The session of the scenario file with its settings, opened (lazily) when new."""
        sc, key = session_key(scenario, settings)
        dkey = key[0]
        found = self._sessions.get(key)
        self.kept = {"data": dkey in self._data, "session": found is not None,
                     "proposal": found is not None and found.proposed, "inherited": ""}
        if found is not None:
            self._sessions.move_to_end(key)
            self._data.move_to_end(dkey)
            return found
        data = self._data.get(dkey)
        if data is None:
            data = self._data[dkey] = api.load_data(sc)
            while len(self._data) > DATASETS:
                gone, _ = self._data.popitem(last=False)
                for k in [k for k in self._sessions if k[0] == gone]:
                    del self._sessions[k]
        self._data.move_to_end(dkey)
        s = self._sessions[key] = api.session(sc, data, lazy=True)
        self.kept["inherited"] = s.inherit(
            [o.base for k, o in reversed(self._sessions.items())
             if k[0] == dkey and o is not s and o.proposed])
        while len(self._sessions) > SESSIONS:
            self._sessions.popitem(last=False)
        return s

    def trim(self) -> float:
        """Above the memory limit, drop every session and data set but the last used;
        the resident memory after."""
        if rss_mib() > self.limit_mib:
            while len(self._sessions) > 1:
                self._sessions.popitem(last=False)
            while len(self._data) > 1:
                self._data.popitem(last=False)
            gc.collect()
        return rss_mib()


def _known(s, cadre: str | None, post: str) -> None:
    if cadre is not None and cadre not in set(s.data.cadres["cadre_id"]):
        raise Missing("cadre", cadre)
    if post not in set(s.data.posts["post_id"]):
        raise Missing("post", post)


def holders(roster) -> dict[str, str]:
    """A roster's holder of each post (a vacancy as ""): what tells two rosters apart."""
    return roster.set_index("post_id")["cadre_id"].fillna("").astype(str).to_dict()


def why_not(s, cadre: str, post: str, held: dict[str, str] | None = None):
    """Why is `cadre` not in `post`: the session's `why_nots` (`api.why_not`'s answer).
    `held` (`holders` of a run's roster): None unless the session's proposal is that
    roster (a why-not of an eligible pair is of one roster: its "before" figures)."""
    _known(s, cadre, post)
    answer = s.why_nots([(cadre, post)])[0]
    if held is not None and answer.eligible and holders(s.base.roster) != held:
        return None
    return answer


def alternates(s, k: int, post: str):
    """The `k` alternates of `post`, the table `api.solve(alternates=k,
    alternates_scope=[post])` gives."""
    _known(s, None, post)
    return s.alternates(k, [post]).table


ASKED = {"why_not": why_not, "alternates": alternates}


def answer(sessions: Sessions, kind: str, args: tuple) -> dict:
    """A question `(scenario, settings, *its arguments)` answered on its kept session, as
    the event the asker reads (`WarmWorker.ask`, `ray_runs.RayRuns.ask`): `answer` with
    its value, `missing` for an unknown id, or `failed`."""
    try:
        scenario, settings, *rest = args
        return {"stage": "answer",
                "value": ASKED[kind](sessions.session(scenario, settings), *rest)}
    except Missing as err:
        return {"stage": "missing", "kind": err.kind, "ident": err.ident}
    except Exception as err:  # told to the asker, as a run's failure is
        return failed_event(err)


def value_of(event: dict):
    """The value of `answer`'s event; `Missing` or `Failed` when it has none."""
    if event["stage"] == "missing":
        raise Missing(event["kind"], event["ident"])
    if event["stage"] == "failed":
        raise Failed(event)
    return event["value"]


class _Tagged:
    """The worker's event queue as a run sees it: each event tagged with its job."""

    def __init__(self, events, seq: int):
        self.events, self.seq = events, seq

    def put(self, event: dict) -> None:
        self.events.put((self.seq, event))


def serve(requests, events, cancel, limit_mib: float) -> None:
    """The worker process: jobs `(seq, kind, args)` until None; every job's events
    tagged with its `seq`, the last one `{"stage": "idle", "rss_mib"}`."""
    sessions = Sessions(limit_mib)
    while (job := requests.get()) is not None:
        seq, kind, args = job
        out = _Tagged(events, seq)
        if kind == "run":
            scenario, settings, folder, locks, close_to = args
            solve_in_process(scenario, settings, folder, out, cancel, locks, close_to,
                             session=sessions.session)
        else:
            out.put(answer(sessions, kind, args))
        out.put({"stage": "idle", "rss_mib": round(sessions.trim(), 1),
                 "kept": sessions.kept})


class WorkerDied(RuntimeError):
    """The worker process ended in the middle of a job."""


class Failed(RuntimeError):
    """A question the worker could not answer: its `failed` event."""

    def __init__(self, event: dict):
        super().__init__(event.get("error") or "input problems")
        self.event = event


class WarmWorker:
    """(In the server.) The worker process, started on the first job and again after it
    died, was killed or grew past the memory limit. Hold `lock` around a job."""

    def __init__(self, ctx, limit_mib: float = LIMIT_MIB):
        self._ctx, self.limit_mib = ctx, limit_mib
        self.lock = threading.Lock()
        self._proc = None
        self._seq = 0
        self.rss_mib: float | None = None  # after the last job
        self.kept: dict = {}  # what the last job found kept (`Sessions.kept`)
        self.started = 0  # workers started so far (a restart is one more)
        self.in_run = False  # a run holds `lock`

    def take(self, wait: float) -> bool:
        """Take `lock` for a run: at once, or within `wait` seconds when a question (not
        another run) holds it. The caller releases it."""
        if self.lock.acquire(blocking=False):
            return True
        return not self.in_run and self.lock.acquire(timeout=wait)

    def alive(self) -> bool:
        return self._proc is not None and self._proc.is_alive()

    def start(self) -> None:
        """Start the worker unless it runs (`placement serve` starts it with the server,
        so that the first run does not wait for the engine's imports)."""
        if not self.alive():
            self._requests, self._events = self._ctx.Queue(), self._ctx.Queue()
            self.cancel = self._ctx.Event()
            self._proc = self._ctx.Process(
                target=serve, args=(self._requests, self._events, self.cancel,
                                    self.limit_mib),
                name="placement-warm-worker", daemon=True)
            self._proc.start()
            self.started += 1

    def _send(self, kind: str, args: tuple) -> int:
        self.start()
        self.cancel.clear()
        self._seq += 1
        self._requests.put((self._seq, kind, args))
        return self._seq

    def _until_idle(self, seq: int, on_event: Callable[[dict], None],
                    tick: Callable[[], None]) -> dict | None:
        """The job's events handed to `on_event` until the worker is idle again; the
        last event before that, or None when the worker died or was killed first."""
        last: dict | None = None
        while True:
            tick()
            try:
                got, event = self._events.get(timeout=POLL)
            except queue.Empty:
                if not self.alive():
                    self._proc = None
                    return None
                continue
            if got != seq:
                continue  # a killed job's leftovers
            if event.get("stage") == "idle":
                self.rss_mib, self.kept = event["rss_mib"], event["kept"]
                if self.rss_mib > self.limit_mib:
                    self.stop()
                return last
            last = event
            on_event(event)

    def run(self, args: tuple, on_event: Callable[[dict], None],
            cancelled: Callable[[], bool]) -> dict | None:
        """A run (`solve_in_process`'s arguments after `settings`… as `serve` reads them)
        in the worker; its last event, or None when the worker died or was killed."""
        asked: list[float] = []

        def tick() -> None:
            if cancelled() and not asked:
                self.cancel.set()
                asked.append(time.monotonic())
            elif asked and time.monotonic() - asked[0] > GRACE and self.alive():
                self.stop()

        self.in_run = True
        try:
            return self._until_idle(self._send("run", args), on_event, tick)
        finally:
            self.in_run = False

    def ask(self, kind: str, *args):
        """A question's answer; `Missing` for an unknown id, `Failed` with the worker's
        `failed` event, `WorkerDied` when it ended first."""
        last = self._until_idle(self._send(kind, args), lambda _: None, lambda: None)
        if last is None:
            raise WorkerDied("the warm worker ended while answering")
        return value_of(last)

    def stop(self) -> None:
        """End the worker (the next job starts a new one)."""
        if self._proc is not None:
            if self._proc.is_alive():
                self._requests.put(None)
                self._proc.join(0.5)
            if self._proc.is_alive():
                self._proc.kill()
                self._proc.join(5)
        self._proc = None
