"""Running a sweep on a Ray cluster (`placement sweep --ray ADDRESS`).

Why Ray: the engine planners' IT already runs a Ray cluster for work one machine
cannot do in time; a province-wide sweep is such work. Ray is optional
(`pip install 'placement[ray]'`); nothing imports it unless a sweep asks for it.

What is shipped: each data set once (`ray.put`), and per run the plain `Task`
(the effective scenario as a dict). The model is built on the worker: CP-SAT
models do not pickle, and a cluster node does not see this machine's files. A
run asks Ray for one CPU (HiGHS) or for as many CPUs as it has CP-SAT workers,
so Ray never puts more search threads on a node than it has cores. A cluster
needs `placement`'s code: for a remote address the packages `placement` and
`models` are sent along (`runtime_env.py_modules`) unless the sweep file's
`[ray]` table gives its own `runtime_env`; the nodes need the dependencies
(ortools, pandas, …) installed.
"""

from __future__ import annotations

import models
import placement
from placement.whatif.sweep.task import Task, error_row, run_task


class RayNotInstalled(RuntimeError):
    pass


class RayBackend:
    def __init__(self, tasks: list[Task], datasets: dict, address: str, threads: int,
                 options: dict):
        try:
            import ray
        except ImportError:
            raise RayNotInstalled(
                "Ray is not installed; install it with: pip install 'placement[ray]'") from None
        self.ray = ray
        self.tasks, self.datasets, self.address = tasks, datasets, address
        self.threads, self.options = threads, dict(options)
        self.owned = False
        self.pending: dict = {}

    def start(self) -> None:
        ray = self.ray
        if not ray.is_initialized():
            if self.address == "local":
                ray.init(include_dashboard=False, log_to_driver=False)
            else:
                ray.init(address=self.address, log_to_driver=False,
                         runtime_env=self.options.get("runtime_env") or _code_env())
            self.owned = True
        refs = {key: ray.put(data) for key, data in self.datasets.items()}
        remote = ray.remote(run_task)
        for task in self.tasks:
            cpus = self.threads if task.scenario["solver"]["engine"] == "cpsat" else 1
            ref = remote.options(num_cpus=cpus, max_retries=0).remote(task, refs[task.data_key])
            self.pending[ref] = task

    def busy(self) -> bool:
        return bool(self.pending)

    def finished(self):
        # A timeout, so that Ctrl-C is seen while nothing finishes.
        ready, _ = self.ray.wait(list(self.pending), num_returns=len(self.pending),
                                 timeout=0.25)
        return [self._get(ref) for ref in ready]

    def _get(self, ref):
        task = self.pending.pop(ref)
        try:
            return task, self.ray.get(ref)
        except Exception as err:  # the worker died or Ray failed: the run is an error row
            return task, (error_row(task, err), None)

    def stop(self):
        """Keep what has finished; cancel the rest (runs in progress are dropped)."""
        done, _ = self.ray.wait(list(self.pending), num_returns=len(self.pending), timeout=0)
        out = [self._get(ref) for ref in done]
        for ref in self.pending:
            self.ray.cancel(ref, force=True)
        self.pending = {}
        return out

    def close(self) -> None:
        for ref in self.pending:
            self.ray.cancel(ref, force=True)
        self.pending = {}
        if self.owned:
            self.ray.shutdown()


def _code_env() -> dict:
    return {"py_modules": [placement, models]}
