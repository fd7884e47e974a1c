"""`placement serve --ray local`: a run solved as a Ray task gives the roster the process
backend gives, and its stages reach the events stream as a process's do."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from placement.web.app import create_app
from tests.builders import mini_scenario
from tests.web.conftest import Server

ray = pytest.importorskip("ray")

LINFEN = Path(__file__).resolve().parents[2] / "scenarios" / "linfen.toml"


def follow(client, run_id: str) -> list[dict]:
    """Every event of the run until its end event (the SSE stream closes then)."""
    with client.stream("GET", f"/api/v1/runs/{run_id}/events") as resp:
        return [json.loads(line[6:]) for line in resp.iter_lines() if line.startswith("data: ")]


class RayServer(Server):
    """The test server with its runs on a Ray instance of this machine."""

    def __init__(self, workspace):
        super().__init__(workspace)
        self.app = create_app(workspace, self.port, ray="local")
        self._server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1",
                                                     port=self.port, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)


def roster_of(server: Server, scenario) -> tuple[bytes, list[str]]:
    c = server.client()
    try:
        run_id = c.post("/api/v1/runs", json={"scenario": str(scenario)}).json()["id"]
        stages = [e["stage"] for e in follow(c, run_id)]
        assert c.get(f"/api/v1/runs/{run_id}").json()["status"] == "done", stages
        return c.get(f"/api/v1/runs/{run_id}/tables/roster",
                     params={"format": "csv"}).content, stages
    finally:
        c.close()


@pytest.fixture(scope="module")
def on_ray(tmp_path_factory):
    """A workbench whose runs go to a Ray instance of one CPU on this machine."""
    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
    try:
        with RayServer(tmp_path_factory.mktemp("ray-workspace")) as s:
            yield s
    finally:
        ray.shutdown()


def test_a_ray_run_gives_the_process_backends_roster(server, on_ray, tmp_path):
    """About 9 s here (Ray's start included), so not marked slow."""
    scenario = mini_scenario(tmp_path)
    by_process, _ = roster_of(server, scenario)
    by_ray, stages = roster_of(on_ray, scenario)
    assert by_ray == by_process
    assert by_ray.count(b"\n") > 1  # a roster, not just its header
    assert [s for s in stages if s not in ("progress", "tick")] == [
        "queued", "started", "loading", "solving", "writing", "finished", "end"]


@pytest.mark.slow
def test_a_cancelled_ray_run_keeps_its_best_roster(on_ray):
    """CP-SAT on Linfen searches for its whole time limit (docs/solver.md): the cancel
    reaches the task through its flag actor, the search stops long before 120 s and the
    run ends cancelled with its roster written."""
    c = on_ray.client()
    try:
        run_id = c.post("/api/v1/runs", json={
            "scenario": str(LINFEN),
            "set": ["solver.engine=cpsat", "solver.time_limit=120"]}).json()["id"]
        deadline = time.monotonic() + 90
        while "progress" not in [e["stage"] for e in on_ray.app.state.runner.live[run_id].events]:
            assert time.monotonic() < deadline, "no roster reported"
            time.sleep(0.5)
        asked = time.monotonic()
        assert c.delete(f"/api/v1/runs/{run_id}").json()["cancelling"] is True
        events = follow(c, run_id)
        assert time.monotonic() - asked < 60  # stopped long before the 120 s limit
        assert events[-1] == events[-1] | {"stage": "end", "status": "cancelled"}
        run = c.get(f"/api/v1/runs/{run_id}").json()
        assert run["status"] == "cancelled" and run["summary"]["interrupted"] is True
        assert run["summary"]["status"] == "feasible"  # the best roster found, kept
        # every post of the 68 teams (summary counts.posts), as the finished run has
        assert len(c.get(f"/api/v1/runs/{run_id}/tables/roster").json()) == 451
    finally:
        c.close()
