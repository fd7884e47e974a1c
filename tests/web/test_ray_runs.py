"""`placement serve --ray local`: a run solved as a Ray task gives the roster the process
backend gives, and its stages reach the events stream as a process's do."""

from __future__ import annotations

import json
import threading

import pytest
import uvicorn

from placement.web.app import create_app
from tests.builders import mini_scenario
from tests.web.conftest import Server

ray = pytest.importorskip("ray")


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


def test_a_ray_run_gives_the_process_backends_roster(server, tmp_path):
    """About 9 s here (Ray's start included), so not marked slow."""
    scenario = mini_scenario(tmp_path)
    by_process, _ = roster_of(server, scenario)
    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
    try:
        with RayServer(tmp_path / "ray-workspace") as on_ray:
            by_ray, stages = roster_of(on_ray, scenario)
    finally:
        ray.shutdown()
    assert by_ray == by_process
    assert by_ray.count(b"\n") > 1  # a roster, not just its header
    assert [s for s in stages if s not in ("progress", "tick")] == [
        "queued", "started", "loading", "solving", "writing", "finished", "end"]
