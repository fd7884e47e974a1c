"""`placement bench --suite interactive --through web`: the planner's questions asked
through the HTTP API of a running `placement serve`, timed as the page waits for them.

Why (issue 29): the page was 3-5x slower than the command line on the same question
(each action a fresh process that imported, read and set up from scratch), and nothing
measured it. Here a `placement serve` is started in a process of its own (127.0.0.1, a
free port, a new workspace, the session token as the page fetches it) on the suite's
generated instance, and each question is timed from the request to the whole answer:
- what-if run: `POST /runs` with one of the suite's what-ifs until its event stream
  ends (solved, checked, the result folder written), each what-if once;
- why-not: `GET /runs/{id}/why-not` on the first run, for pairs not in its roster;
- candidates: `GET /candidates?post=…&run=…` (ranked, with why), for changed posts;
- try: `GET /try?cadre=…&post=…&run=…` (teams before and after);
- alternates: `GET /runs/{id}/alternates?post=…&k=2`, one post each.
The first run (the server's first: the worker starts, imports and reads the data set)
is timed apart. Every run is checked by its summary (status, the checker's ok).
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np

STARTUP = 60.0  # seconds the server may take to answer its first request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """`placement serve` in a process of its own, on a new workspace; a client with
    the session token."""

    def __init__(self, workspace: Path):
        self.port = _free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from cli import app; app()", "serve", "--data-dir",
             str(workspace), "--port", str(self.port), "--no-browser"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=600)
        deadline = time.monotonic() + STARTUP
        while True:
            try:
                token = self.client.get("/api/v1/session").json()["token"]
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.close()
                    raise RuntimeError("placement serve did not start") from None
                time.sleep(0.2)
        self.client.headers["X-CSRF-Token"] = token

    def close(self) -> None:
        self.client.close()
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _run(c: httpx.Client, scenario: str, settings: list[str]) -> tuple[str, dict]:
    """A run queued and followed to its end; its id and its record."""
    resp = c.post("/api/v1/runs", json={"scenario": scenario, "set": settings})
    resp.raise_for_status()
    run_id = resp.json()["id"]
    with c.stream("GET", f"/api/v1/runs/{run_id}/events") as events:
        for line in events.iter_lines():
            if line.startswith("data: ") and json.loads(line[6:]).get("stage") == "end":
                break
    run = c.get(f"/api/v1/runs/{run_id}").json()
    if run["status"] != "done" or not run["summary"]["check"]["ok"]:
        raise RuntimeError(f"run {run_id} ended {run['status']}")
    return run_id, run


def _timed(f: Callable):
    t0 = time.perf_counter()
    out = f()
    return time.perf_counter() - t0, out


def _get(c: httpx.Client, path: str, **params) -> object:
    resp = c.get(path, params=params)
    resp.raise_for_status()
    return resp.json()


def through_web(scenario: Path, what_ifs: tuple[str, ...], seed: int = 7, samples: int = 5,
                on_step: Callable[[str], None] | None = None) -> dict[str, list[float]]:
    """Seconds per question (see the module docstring) on the scenario file `scenario`,
    `samples` of each; what-if runs: each of `what_ifs` once (cycled up to `samples`)."""
    say = on_step or (lambda _: None)
    out: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="placement-web-bench-") as workspace:
        served = Served(Path(workspace))
        try:
            c, sc = served.client, str(scenario)
            t, (base, run) = _timed(lambda: _run(c, sc, []))
            out["first run"] = [t]
            say(f"web: first run {t:.2f} s")
            out["what-if run"] = [
                _timed(lambda s=s: _run(c, sc, [s]))[0]
                for s in (what_ifs * samples)[:samples]]
            say("web: what-if runs")
            roster = _get(c, f"/api/v1/runs/{base}/tables/roster")
            rng = np.random.default_rng(seed)
            changed = [r["post_id"] for r in roster if r["change"] != "stay"]
            posts = rng.choice(changed, min(samples, len(changed)), replace=False).tolist()
            holders = {r["cadre_id"] for r in roster if r["cadre_id"]}
            asked = []
            for post in posts:
                cand = _get(c, "/api/v1/candidates", post=post, run=base, eligible_only=True)
                free = [r["cadre_id"] for r in cand["rows"] if r["cadre_id"] not in holders]
                if free:
                    asked.append((free[0], post))
            out["why-not"] = [_timed(lambda a=a: _get(
                c, f"/api/v1/runs/{base}/why-not", cadre=a[0], post=a[1]))[0] for a in asked]
            say("web: why-not")
            out["candidates"] = [_timed(lambda p=p: _get(
                c, "/api/v1/candidates", post=p, run=base))[0] for p in posts]
            out["try"] = [_timed(lambda a=a: _get(
                c, "/api/v1/try", cadre=a[0], post=a[1], run=base))[0] for a in asked]
            say("web: candidates, try")
            out["alternates"] = [_timed(lambda p=p: _get(
                c, f"/api/v1/runs/{base}/alternates", post=p, k=2))[0] for p in posts]
            say("web: alternates")
        finally:
            served.close()
    return out


def medians(times: dict[str, list[float]]) -> dict[str, float]:
    return {k: statistics.median(v) for k, v in times.items() if v}
