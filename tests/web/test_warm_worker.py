"""The workbench's warm worker (issue 29), over a real server: a second run is a what-if
on the session the first one left warm in the same worker process, and its roster is
the cold one's (`placement solve` in a fresh process); why-not and alternates are
answered there too; a worker that dies ends only its run, and the next run starts a
new one; a worker past its memory limit is started afresh."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from conftest import Server
from test_web_api import follow
from typer.testing import CliRunner

from cli import app as cli_app

ROOT = Path(__file__).resolve().parents[2]
LINFEN = ROOT / "scenarios" / "linfen.toml"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with Server(tmp_path_factory.mktemp("warm")) as s:
        yield s



def _run(client, settings: list[str]) -> tuple[str, list[dict]]:
    run_id = client.post("/api/v1/runs", json={"scenario": "linfen", "set": settings}
                         ).json()["id"]
    return run_id, follow(client, run_id)


def _cold(settings: list[str], out: Path) -> Path:
    """`placement solve` of Linfen with `settings`, in a fresh process's state."""
    args = [a for s in settings for a in ("--set", s)]
    res = CliRunner().invoke(cli_app, ["solve", str(LINFEN), *args, "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


def test_a_second_run_reuses_the_worker_and_writes_the_cold_result(server, client,
                                                                     tmp_path):
    """What-ifs after a first run: the same worker process, the data set read once, and
    the very result folder `placement solve` writes (roster byte for byte)."""
    warm = server.app.state.runner.warm
    first, _ = _run(client, [])
    assert warm.kept == {"data": False, "session": False, "proposal": False,
                         "inherited": ""}
    roster = client.get(f"/api/v1/runs/{first}/tables/roster").json()
    line = next(r for r in roster if r["change"] != "stay" and r["cadre_id"])
    forbid = f'locks.forbid=[{{cadre="{line["cadre_id"]}", post="{line["post_id"]}"}}]'
    pid = warm._proc.pid
    # what each run takes from the proposal before it (the same model: the cold roster)
    for i, (settings, inherited) in enumerate(((["weights.move=200"], "model"),
                                               (["rules.R-TC8.mode=off"], "eligibility"),
                                               ([forbid], "eligibility"))):
        run_id, events = _run(client, settings)
        assert events[-1]["status"] == "done"
        assert warm._proc.pid == pid and warm.started == 1  # the same worker process
        assert warm.kept == {"data": True, "session": False, "proposal": False,
                             "inherited": inherited}
        cold = _cold(settings, tmp_path / str(i))
        summary = client.get(f"/api/v1/runs/{run_id}").json()["summary"]
        assert summary["check"]["ok"] is True
        assert f'"objective": {summary["objective"]},' in (cold / "summary.json").read_text()
        roster = client.get(f"/api/v1/runs/{run_id}/tables/roster", params={"format": "csv"})
        assert roster.content == (cold / "roster.csv").read_bytes()
        # the whole result folder, as a fresh process writes it
        written = {p.name for p in server.app.state.workspace.folder(run_id).iterdir()}
        assert {p.name for p in cold.iterdir()} <= written
    assert client.get(f"/api/v1/runs/{first}").json()["status"] == "done"


def test_why_not_and_alternates_come_from_the_worker(server, client):
    warm = server.app.state.runner.warm
    run_id, _ = _run(client, [])
    roster = client.get(f"/api/v1/runs/{run_id}/tables/roster").json()
    line = next(r for r in roster if r["change"] == "new")
    started, pid = warm.started, warm._proc.pid
    alt = client.get(f"/api/v1/runs/{run_id}/alternates",
                     params={"post": line["post_id"], "k": 1}).json()
    why = client.get(f"/api/v1/runs/{run_id}/why-not",
                     params={"cadre": alt[0]["cadre_id"], "post": line["post_id"]}).json()
    assert (warm.started, warm._proc.pid) == (started, pid)
    # the run's own proposal, kept by the worker: nothing proposed again
    assert warm.kept == {"data": True, "session": True, "proposal": True, "inherited": ""}
    assert why["objective_after"] - why["objective_before"] == alt[0]["objective_change"]
    missing = client.get(f"/api/v1/runs/{run_id}/why-not",
                         params={"cadre": "NOBODY", "post": line["post_id"]})
    assert missing.status_code == 404 and "NOBODY" in missing.json()["detail"]["message_en"]
    # Without the worker (busy, or none kept) the server answers as before: the same.
    runner = server.app.state.runner
    runner.warm = None
    try:
        here = client.get(f"/api/v1/runs/{run_id}/alternates",
                          params={"post": line["post_id"], "k": 1}).json()
        assert [(a["cadre_id"], a["objective"]) for a in here] == [
            (a["cadre_id"], a["objective"]) for a in alt], (here, alt)
        cold = client.get(f"/api/v1/runs/{run_id}/why-not",
                          params={"cadre": alt[0]["cadre_id"], "post": line["post_id"]})
        assert cold.json()["objective_after"] == why["objective_after"]
        assert client.get(f"/api/v1/runs/{run_id}/why-not", params={
            "cadre": "NOBODY", "post": line["post_id"]}).status_code == 404
    finally:
        runner.warm = warm


def test_a_worker_that_dies_ends_its_run_only(server, client):
    """The worker killed mid-solve (as a crash would): the run ends failed, the server
    answers, and the next run starts a new worker and ends done."""
    warm = server.app.state.runner.warm
    slow = client.post("/api/v1/runs", json={
        "scenario": "linfen", "set": ["solver.engine=cpsat", "solver.time_limit=60"]}
    ).json()["id"]
    deadline = time.monotonic() + 60
    while client.get(f"/api/v1/runs/{slow}").json()["status"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    time.sleep(3)
    before = warm.started
    os.kill(warm._proc.pid, signal.SIGKILL)
    events = follow(client, slow)
    assert events[-1]["status"] == "failed"
    assert "warm worker" in client.get(f"/api/v1/runs/{slow}").json()["error"]
    run_id, events = _run(client, [])
    assert events[-1]["status"] == "done" and warm.started == before + 1


def test_a_worker_past_its_memory_limit_is_started_afresh(server, client, monkeypatch):
    warm = server.app.state.runner.warm
    monkeypatch.setattr(warm, "limit_mib", 1.0)  # every worker is past it
    _run(client, [])
    assert not warm.alive()  # stopped after its job; the next one starts a new worker


def test_a_run_waits_for_a_question_but_not_for_another_run():
    """A run finding the worker answering a question waits for it (a fresh process
    would take longer); one finding it solving another run goes to a fresh process."""
    import multiprocessing as mp
    import threading

    from placement.web.warm_worker import WarmWorker

    warm = WarmWorker(mp.get_context("spawn"))
    warm.lock.acquire()  # a question
    threading.Timer(0.3, warm.lock.release).start()
    assert warm.take(5.0)
    warm.in_run = True  # the same lock, now held by a run
    t0 = time.monotonic()
    assert not warm.take(5.0) and time.monotonic() - t0 < 1.0


def test_the_worker_answers_why_not_of_its_own_proposal_only():
    """A run's why-not is of the run's roster: the worker answers an eligible pair only
    when its session's proposal is that roster (else None, and the server answers of the
    run's roster); an excluded pair's answer is of no roster and comes back either way."""
    from placement import api
    from placement.web.warm_worker import holders, why_not

    s = api.session(*api.load(LINFEN, []), lazy=True)
    roster, pairs = s.base.roster, s.base.pairs
    cadres, posts = s.data.cadres["cadre_id"], s.data.posts["post_id"]
    chosen = set(s.base.outcome.chosen.tolist())
    i = next(i for i in range(len(pairs)) if i not in chosen)
    cadre, post = cadres.iat[int(pairs.cadre[i])], posts.iat[int(pairs.post[i])]
    held = holders(roster)
    assert why_not(s, cadre, post, held).eligible
    other = held | {post: ""}  # another roster: the post left vacant
    assert why_not(s, cadre, post, other) is None
    removed = pairs.removed.iloc[0]
    excluded = why_not(s, cadres.iat[removed["cadre"]], posts.iat[removed["post"]], other)
    assert excluded is not None and not excluded.eligible
