"""The workbench's runs on Ray (`placement serve --ray ADDRESS`), as sweeps run there.

Why: where the planners' IT runs a Ray cluster, province solves go to its nodes instead of
this machine's cores, as `placement sweep --ray` already does. Ray is optional
(`pip install 'placement[ray]'`); nothing imports it unless the server is asked to.

A run goes to the actor of its session (issue 29: the warm worker's sessions, on Ray):
one actor per session key (`warm_worker.session_key`: the data set and the scenario with
its settings), created on first use, which keeps a `warm_worker.Sessions` and calls
`run_process.solve_in_process` on it, as the warm worker does, so a second run of the same
scenario re-solves the kept session and writes the same result folder (the roster
`placement solve` writes). At most `warm_worker.SESSIONS` actors are kept, least recently
used first out: one dropped ends once the run holding it has ended. An actor takes no
CPU of Ray's count while it waits (`num_cpus=0`; its run does use one), so that 8 kept
sessions do not hold 8 CPUs; the runner's `parallel` bounds the runs solved at once.
Why-not and alternates of a run are asked of its session's actor too (`ask`).
A scenario the server cannot read goes to a one-off task calling `solve_in_process`
(cold), which reports its problems as a run's.

Stage and progress events come back on a `ray.util.queue.Queue`; cancel sets a flag held
by a small actor, which the run reads through `is_set` as the solver's cancel watcher
reads an event (`placement.solver.solve._Cancel`): the search stops and the best roster is
kept, as with processes. A run that does not end within `GRACE` seconds of the cancel
(its node is gone, or it is stuck outside the search) is stopped (its session's actor
killed, or a task's `ray.cancel`), and then nothing is written: the run ends `cancelled`
without a roster. An actor that dies (a crash, its node lost) ends its run failed and is
forgotten: the next run of that session creates a new one.

The task writes the result folder and reads the scenario where the server has them: with
a cluster, the nodes need the workspace and the scenario files on a shared path. For a
remote address the packages `placement` and `models` are sent along
(`runtime_env.py_modules`); the nodes need the dependencies installed.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import placement
from placement.data.errors import InputError
from placement.web.warm_worker import SESSIONS, Sessions, answer, session_key, value_of

GRACE = 30.0  # seconds a cancelled task may take to write its best roster
NOT_ASKED = object()  # `RayRuns.ask`: the question is to be answered in the server


class RayNotInstalled(RuntimeError):
    """Ray asked for but not importable. The web layer's own class: it may not import
    `placement.whatif` (import-linter), where the sweep's twin lives."""


class _Flag:
    """A cancel flag a task on another node can read (a Ray actor)."""

    def __init__(self) -> None:
        self.on = False

    def set(self) -> None:
        self.on = True

    def is_set(self) -> bool:
        return self.on


class _SessionActor:
    """(A Ray actor.) One session kept warm: its runs and questions, one at a time."""

    def __init__(self) -> None:
        self.sessions = Sessions()

    def run(self, target, *args) -> dict:
        """`target(*args, session=)` (`solve_in_process`) on the kept session; what it
        found kept (`Sessions.kept`) and which actor this is."""
        import ray

        target(*args, session=self.sessions.session)
        return self.sessions.kept | {"actor": ray.get_runtime_context().get_actor_id(),
                                     "pid": os.getpid()}

    def ask(self, kind: str, args: tuple) -> dict:
        return answer(self.sessions, kind, args)


class RemoteFlag:
    """What the task hands to `api.solve(cancel=)`: `is_set` asks the flag actor."""

    def __init__(self, actor) -> None:
        self.actor = actor

    def is_set(self) -> bool:
        import ray

        return ray.get(self.actor.is_set.remote())


class RayRun:
    """One run's task, its event queue and its cancel flag."""

    def __init__(self, ray, ref, events, flag, actor=None,
                 ended: Callable[[bool], None] = lambda died: None) -> None:
        self.ray, self.ref, self.events, self.flag = ray, ref, events, flag
        self.actor, self.ended = actor, ended  # its session's actor, if it has one
        self.on_actor = actor is not None
        self.kept: dict = {}  # what the actor found kept (`_SessionActor.run`)

    def alive(self) -> bool:
        ready, _ = self.ray.wait([self.ref], timeout=0)
        return not ready

    def cancel(self) -> None:
        self.flag.set.remote()

    def kill(self) -> None:
        if not self.on_actor:
            self.ray.cancel(self.ref, force=True)
        elif self.actor is not None:  # an actor's task cannot be force-cancelled: the
            self.ray.kill(self.actor)  # actor ends, its session with it

    def outcome(self) -> str | None:
        """None when the run returned; else why it did not (killed, worker or actor lost:
        then the actor is forgotten). Called once, when the run has ended."""
        why = None
        try:
            self.kept = self.ray.get(self.ref) or {}
        except Exception as err:  # the task was cancelled or its worker or actor died
            why = f"{type(err).__name__}: {err}"
        # Every hold on the actor let go: one `RayRuns` dropped ends when no run holds it.
        ended, self.ended, self.actor = self.ended, lambda died: None, None
        ended(why is not None)
        return why


class RayRuns:
    """Starts runs on Ray at `address` ('local': a Ray instance on this machine), on
    the actors of their sessions."""

    def __init__(self, address: str) -> None:
        try:
            import ray
            from ray.util.queue import Queue
        except ImportError:
            raise RayNotInstalled(
                "Ray is not installed; install it with: pip install 'placement[ray]'") from None
        self.ray, self._queue = ray, Queue
        self.owned = False
        if not ray.is_initialized():
            if address == "local":
                ray.init(include_dashboard=False, log_to_driver=False)
            else:
                ray.init(address=address, log_to_driver=False, runtime_env={
                    "py_modules": [placement, str(Path(placement.__file__).parents[1] /
                                                  "models")]})
            self.owned = True
        self._flag = ray.remote(num_cpus=0)(_Flag)
        self._session_actor = ray.remote(num_cpus=0, max_restarts=0)(_SessionActor)
        self._actors: OrderedDict[tuple, object] = OrderedDict()
        self._running: dict[tuple, int] = {}  # runs not ended, by session key
        self._lock = threading.Lock()  # the runner's threads and the questions share it

    def actor(self, scenario: str, settings: list[str]):
        """(key, the session's actor), created on first use; (None, None) when the
        scenario cannot be read here (a cold task reports its problems)."""
        try:
            _, key = session_key(scenario, settings)
        except (InputError, OSError):
            return None, None
        with self._lock:
            found = self._actors.get(key)
            if found is None:
                found = self._actors[key] = self._session_actor.remote()
                while len(self._actors) > SESSIONS:
                    self._actors.popitem(last=False)  # ends when no run holds it
            self._actors.move_to_end(key)
        return key, found

    def _ended(self, key: tuple, actor, died: bool) -> None:
        """A run of `actor` has ended; an actor that died is forgotten (the next run of
        its session creates a new one)."""
        with self._lock:
            self._running[key] -= 1
        if died:
            self._forget(key, actor)

    def _forget(self, key: tuple, actor) -> None:
        with self._lock:
            if self._actors.get(key) is actor:
                del self._actors[key]

    def start(self, target, scenario: str, settings: list[str], folder: str,
              locks: dict, close_to: tuple[str, str] | None = None) -> RayRun:
        """`target(scenario, settings, folder, events, cancel, locks, close_to,
        session=)` on the session's actor; a scenario not read here as a task of one CPU
        (the engine's default HiGHS is single-threaded); never retried."""
        events = self._queue(actor_options={"num_cpus": 0})
        flag = self._flag.remote()
        args = (scenario, settings, folder, events, RemoteFlag(flag), locks, close_to)
        key, actor = self.actor(scenario, settings)
        if actor is None:
            ref = self.ray.remote(target).options(num_cpus=1, max_retries=0).remote(*args)
            return RayRun(self.ray, ref, events, flag)
        with self._lock:
            self._running[key] = self._running.get(key, 0) + 1
        return RayRun(self.ray, actor.run.remote(target, *args), events, flag, actor,
                      lambda died: self._ended(key, actor, died))

    def ask(self, kind: str, scenario: str, settings: list[str], *args):
        """A question (`warm_worker.ASKED`) answered by the session's actor, as
        `WarmWorker.ask` answers it (`Missing`, `Failed`). `NOT_ASKED` when it is not
        asked there, to be answered in the server as before: the scenario cannot be
        read here, the actor solves a run (as the busy warm worker), or it died while
        answering (it is forgotten)."""
        key, actor = self.actor(scenario, settings)
        if actor is None or self._running.get(key):
            return NOT_ASKED
        try:
            event = self.ray.get(actor.ask.remote(kind, (scenario, settings, *args)))
        except self.ray.exceptions.RayActorError:
            self._forget(key, actor)
            return NOT_ASKED
        return value_of(event)

    def close(self) -> None:
        if self.owned:
            self.ray.shutdown()
