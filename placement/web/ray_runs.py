"""The workbench's runs on Ray (`placement serve --ray ADDRESS`), as sweeps run there.

Why: where the planners' IT runs a Ray cluster, province solves go to its nodes instead of
this machine's cores, as `placement sweep --ray` already does. Ray is optional
(`pip install 'placement[ray]'`); nothing imports it unless the server is asked to.

A run is one Ray task calling `runner.solve_in_process`, the very function of the process
backend, so it writes the same result folder (the roster `placement solve` writes). Its
stage and progress events come back on a `ray.util.queue.Queue`; cancel sets a flag held
by a small actor, which the task reads through `is_set` as the solver's cancel watcher
reads an event (`placement.solver.solve._Cancel`): the search stops and the best roster is
kept, as with processes. A task that does not end within `GRACE` seconds of the cancel
(its node is gone, or it is stuck outside the search) is stopped with `ray.cancel`, and
then nothing is written: the run ends `cancelled` without a roster.

The task writes the result folder and reads the scenario where the server has them: with
a cluster, the nodes need the workspace and the scenario files on a shared path. For a
remote address the packages `placement` and `models` are sent along
(`runtime_env.py_modules`); the nodes need the dependencies installed.
"""

from __future__ import annotations

from pathlib import Path

import placement

GRACE = 30.0  # seconds a cancelled task may take to write its best roster


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


class RemoteFlag:
    """What the task hands to `api.solve(cancel=)`: `is_set` asks the flag actor."""

    def __init__(self, actor) -> None:
        self.actor = actor

    def is_set(self) -> bool:
        import ray

        return ray.get(self.actor.is_set.remote())


class RayRun:
    """One run's task, its event queue and its cancel flag."""

    def __init__(self, ray, ref, events, flag) -> None:
        self.ray, self.ref, self.events, self.flag = ray, ref, events, flag
        self.cancel_asked: float | None = None

    def alive(self) -> bool:
        ready, _ = self.ray.wait([self.ref], timeout=0)
        return not ready

    def cancel(self) -> None:
        self.flag.set.remote()

    def kill(self) -> None:
        self.ray.cancel(self.ref, force=True)

    def outcome(self) -> str | None:
        """None when the task returned; else why it did not (killed, worker lost)."""
        try:
            self.ray.get(self.ref)
        except Exception as err:  # the task was cancelled or its worker died
            return f"{type(err).__name__}: {err}"
        return None


class RayRuns:
    """Starts runs as Ray tasks on `address` ('local': a Ray instance on this machine)."""

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

    def start(self, target, scenario: str, settings: list[str], folder: str,
              locks: dict, close_to: tuple[str, str] | None = None) -> RayRun:
        """`target(scenario, settings, folder, events, cancel, locks, close_to)` as a task
        of one CPU (the engine's default HiGHS is single-threaded), never retried."""
        events = self._queue(actor_options={"num_cpus": 0})
        flag = self._flag.remote()
        ref = self.ray.remote(target).options(num_cpus=1, max_retries=0).remote(
            scenario, settings, folder, events, RemoteFlag(flag), locks, close_to)
        return RayRun(self.ray, ref, events, flag)

    def close(self) -> None:
        if self.owned:
            self.ray.shutdown()
