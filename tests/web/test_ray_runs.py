"""`placement serve --ray local`: a run solved on Ray gives the roster the process
backend gives, and its stages reach the events stream as a process's do; a second run of
the same scenario is answered by the same session actor, warm; an actor that died ends
its run failed and the next run gets a new one."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner

from cli import app as cli_app
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


def roster_of(server: Server, scenario, status: str = "done") -> tuple[bytes, list[str]]:
    c = server.client()
    try:
        run_id = c.post("/api/v1/runs", json={"scenario": str(scenario)}).json()["id"]
        stages = [e["stage"] for e in follow(c, run_id)]
        assert c.get(f"/api/v1/runs/{run_id}").json()["status"] == status, stages
        if status != "done":
            return b"", stages
        return c.get(f"/api/v1/runs/{run_id}/tables/roster",
                     params={"format": "csv"}).content, stages
    finally:
        c.close()


def last_task(server: Server):
    """The `ray_runs.RayRun` of the server's last run."""
    return list(server.app.state.runner.live.values())[-1].task


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


def test_a_second_ray_run_reuses_its_session_actor(on_ray, tmp_path):
    """Two runs of one scenario: the second is answered by the first one's actor on the
    session it kept, with the roster `placement solve` writes, byte for byte. The actor
    killed (as a crash would), the next run ends failed and the one after gets a new
    actor, cold, with the same roster."""
    scenario = mini_scenario(tmp_path)
    res = CliRunner().invoke(cli_app, ["solve", str(scenario), "--out", str(tmp_path / "cli")])
    assert res.exit_code == 0, res.output
    cold = (tmp_path / "cli" / "roster.csv").read_bytes()
    first, _ = roster_of(on_ray, scenario)
    one = last_task(on_ray)
    assert one.kept["session"] is False
    second, _ = roster_of(on_ray, scenario)
    two = last_task(on_ray)
    assert two.kept["actor"] == one.kept["actor"]
    assert two.kept["session"] is True and two.kept["proposal"] is True  # warm
    assert first == second == cold
    rays = on_ray.app.state.runner.ray
    ray.kill(next(reversed(rays._actors.values())))  # the last used: this session's
    roster_of(on_ray, scenario, status="failed")
    third, _ = roster_of(on_ray, scenario)
    three = last_task(on_ray)
    assert three.kept["actor"] != one.kept["actor"] and three.kept["session"] is False
    assert third == cold


def test_a_session_actor_past_the_bound_ends(on_ray, tmp_path, monkeypatch):
    """At most `SESSIONS` actors kept: the least recently used one, dropped, ends (its
    process gone) once its run has ended."""
    monkeypatch.setattr("placement.web.ray_runs.SESSIONS", 1)
    roster_of(on_ray, mini_scenario(tmp_path / "a"))
    gone = last_task(on_ray).kept["pid"]
    roster_of(on_ray, mini_scenario(tmp_path / "b"))
    assert last_task(on_ray).kept["pid"] != gone
    deadline = time.monotonic() + 30
    while Path(f"/proc/{gone}").exists():
        assert time.monotonic() < deadline, "the dropped actor still runs"
        time.sleep(0.5)


def test_why_not_and_alternates_come_from_the_session_actor(on_ray, tmp_path, monkeypatch):
    """Asked after a run, answered by its session's actor (`RayRuns.ask`), the same as
    the server answers them itself; an unknown id still a 404."""
    from placement.web.ray_runs import NOT_ASKED

    scenario = mini_scenario(tmp_path)
    c = on_ray.client()
    try:
        run_id = c.post("/api/v1/runs", json={"scenario": str(scenario)}).json()["id"]
        follow(c, run_id)
        held = [r for r in c.get(f"/api/v1/runs/{run_id}/tables/roster").json()
                if r["cadre_id"]]
        line = next(r for r in held if c.get(f"/api/v1/runs/{run_id}/alternates", params={
            "post": r["post_id"], "k": 1}).json())  # a post with an alternate
        rays = on_ray.app.state.runner.ray
        ask, told = rays.ask, []
        monkeypatch.setattr(rays, "ask", lambda *a: told.append(ask(*a)) or told[-1])

        def both() -> tuple[list, dict]:
            alt = c.get(f"/api/v1/runs/{run_id}/alternates",
                        params={"post": line["post_id"], "k": 1}).json()
            why = c.get(f"/api/v1/runs/{run_id}/why-not",
                        params={"cadre": alt[0]["cadre_id"], "post": line["post_id"]}).json()
            return [(a["cadre_id"], a["objective"], a["objective_change"]) for a in alt], why

        by_actor = both()
        assert len(told) == 2 and all(t is not NOT_ASKED for t in told)
        assert (by_actor[1]["objective_after"] - by_actor[1]["objective_before"]
                == by_actor[0][0][2])  # the alternate's cost, as the worker's test has
        assert c.get(f"/api/v1/runs/{run_id}/why-not", params={
            "cadre": "NOBODY", "post": line["post_id"]}).status_code == 404
        monkeypatch.setattr(rays, "ask", lambda *a: NOT_ASKED)  # answered in the server
        here = both()
        assert here[0] == by_actor[0]
        assert here[1]["objective_after"] == by_actor[1]["objective_after"]
    finally:
        c.close()


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
