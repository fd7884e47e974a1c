"""The workbench's Plan tab over HTTP: a two-year plan of the bundled Nanpiao scenario
run in the background, followed year by year, its timeline and its folder as a zip.
The figures are the ones `placement plan` writes for the same scenario."""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from contextlib import closing

import pytest


def wait(client, plan_id: str, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        got = client.get(f"/api/v1/plans/{plan_id}").json()
        if got["status"] in ("done", "failed", "cancelled"):
            return got
        assert time.monotonic() < deadline, got
        time.sleep(0.3)


@pytest.fixture(scope="module")
def nanpiao_plan(client):
    plan_id = client.post("/api/v1/plans", json={"scenario": "nanpiao", "years": 2}).json()["id"]
    return plan_id, wait(client, plan_id)


def test_a_plan_reports_each_year_as_it_is_solved(nanpiao_plan):
    plan_id, got = nanpiao_plan
    assert got["status"] == "done", got["events"][-3:]
    stages = [e["stage"] for e in got["events"]]
    # solving year 1, year 1 done, solving year 2, year 2 done, then the report.
    assert stages == ["queued", "loading", "solving", "year", "solving", "year", "writing",
                      "finished", "end"]
    assert [e["index"] for e in got["events"] if e["stage"] == "solving"] == [1, 2]
    years = got["years"]
    assert [y["year"] for y in years] == [2026, 2027]
    assert all(y["check_ok"] and y["status"] == "optimal" for y in years)
    assert all(set(y["moves"]) >= {"forced", "forced_by", "target_due", "departures"}
               for y in years)


def test_the_view_and_the_zip_say_what_the_plan_folder_says(client, nanpiao_plan, server):
    plan_id, got = nanpiao_plan
    view = client.get(f"/api/v1/plans/{plan_id}/view").json()
    assert [y["year"] for y in view["years"]] == [2026, 2027]
    # The view's counts are plan.csv's lines per year, and its forced moves the sum of
    # the causes other than a chosen move or a vacancy.
    folder = server.app.state.workspace.root / "plans" / plan_id
    lines = [ln.split(",")[0] for ln in
             (folder / "plan.csv").read_text("utf-8-sig").splitlines()[1:]]
    assert [y["changed"] for y in view["years"]] == [lines.count("2026"), lines.count("2027")]
    for y in view["years"]:
        assert y["forced"] == y["changed"] - y["chosen"] - y["vacant"]
    assert view["counties"] and all("<svg" in c["html"] and "<script" not in c["html"]
                                    for c in view["counties"])
    en = client.get(f"/api/v1/plans/{plan_id}/view", params={"lang": "en"}).json()
    assert "posts changing" in en["counties"][0]["html"]
    resp = client.get(f"/api/v1/plans/{plan_id}/zip")
    assert resp.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(resp.content)).namelist()
    assert {f"{plan_id}/{n}" for n in ("plan.csv", "plan.json", "timeline.csv", "report.xlsx",
                                       "report.html", "2027/roster.csv",
                                       "2027/scenario.toml")} <= set(names)
    summary = json.loads(zipfile.ZipFile(io.BytesIO(resp.content)).read(f"{plan_id}/plan.json"))
    assert summary["ok"] and summary["years_solved"] == 2
    # plan.json's stability figure per year, in the view and the report, in Chinese
    stable = [y["stability"] for y in summary["years"]]
    assert [(y["changed"], y["forced_hard"], y["twice"]) for y in view["years"]] == [
        (s["posts_changed"], s["forced"], s["twice"]) for s in stable]
    assert [y["status"] for y in view["years"]] == ["最优", "最优"]
    report = zipfile.ZipFile(io.BytesIO(resp.content)).read(f"{plan_id}/report.html").decode()
    assert "其中因规定必须调整" in report and "任期内多次调整（人）" in report


def test_plan_requests_are_checked(client):
    assert client.post("/api/v1/plans", json={"scenario": "nanpiao", "years": 11}
                       ).status_code == 422
    assert client.post("/api/v1/plans", json={"scenario": "nowhere"}).status_code == 404
    assert client.get("/api/v1/plans/20990101-000000-abcdef").status_code == 404
    assert client.delete("/api/v1/plans/20990101-000000-abcdef").status_code == 409


def test_a_plan_stops_when_cancelled(client):
    plan_id = client.post("/api/v1/plans", json={"scenario": "linfen", "years": 5}).json()["id"]
    deadline = time.monotonic() + 120
    while not any(e["stage"] == "solving"
                  for e in client.get(f"/api/v1/plans/{plan_id}").json()["events"]):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert client.delete(f"/api/v1/plans/{plan_id}").json() == {"id": plan_id,
                                                                "cancelling": True}
    got = wait(client, plan_id)
    assert got["status"] == "cancelled"
    # Year 1 stops with what it has; no later year is started.
    assert [e["index"] for e in got["events"] if e["stage"] == "solving"] == [1]
    assert len(got["years"]) <= 1
    assert client.delete(f"/api/v1/plans/{plan_id}").status_code == 409


def test_a_bad_lock_is_refused_naming_the_item(client):
    """The plan's locks (each for a year or the term) are checked against the data set
    and the plan's years when the plan is asked for: an unknown cadre and a year outside
    the plan are a 422 with each problem at its item, and no plan is kept."""
    before = len(client.get("/api/v1/plans").json())
    resp = client.post("/api/v1/plans", json={
        "scenario": "nanpiao", "years": 2,
        "locks": {"must": [{"cadre": "NOBODY", "post": "NP-T01-01", "year": 2026}],
                  "forbid": [{"cadre": "NP00001", "post": "NP-T01-01", "year": 2031}]}})
    assert resp.status_code == 422
    problems = resp.json()["detail"]["problems"]
    assert {p["column"] for p in problems} == {"locks.must[0].cadre", "locks.forbid[0].year"}
    year = next(p for p in problems if p["column"] == "locks.forbid[0].year")
    assert "2031" in year["message_zh"] and "2027" in year["message_zh"]
    assert len(client.get("/api/v1/plans").json()) == before


def test_the_history_keeps_each_plan_with_its_locks_in_words(client, nanpiao_plan):
    """GET /plans lists every plan, newest first, with its request and its locks in
    Chinese and English; each year of a plan carries its stability figure."""
    plan_id = client.post("/api/v1/plans", json={
        "scenario": "nanpiao", "years": 2, "set": ["solver.time_limit=30"],
        "locks": {"forbid": [{"cadre": "NP00001", "post": "NP-T01-01", "reason": "试"}],
                  "keep": [{"id": "NP-T02", "year": 2027}]}}).json()["id"]
    got = wait(client, plan_id)
    assert got["status"] == "done"
    history = client.get("/api/v1/plans").json()
    assert history[0]["id"] == plan_id and nanpiao_plan[0] in [p["id"] for p in history]
    mine = history[0]
    assert mine["years_requested"] == 2 and mine["years_solved"] == 2
    assert mine["settings"] == ["solver.time_limit=30"] and mine["status"] == "done"
    assert mine["lock_words"] == [
        {"zh": "熊浩树（NP00001）不得任 暖池塘镇党委书记（NP-T01-01），整个任期（理由：试）",
         "en": "熊浩树 (NP00001) must not hold 暖池塘镇党委书记 (NP-T01-01), all term "
               "(reason: 试)"},
        {"zh": "保持不变：高桥镇（NP-T02），2027 年", "en": "keep as is: 高桥镇 (NP-T02), in 2027"}]
    for y in got["years"]:
        assert set(y["stability"]) >= {"posts_changed", "forced", "twice"}
    # the must-not pair (the sitting holder, who stays without the lock) in neither year
    folder = client.get(f"/api/v1/plans/{plan_id}/zip")
    names = zipfile.ZipFile(io.BytesIO(folder.content))
    for year in (2026, 2027):
        roster = csv.DictReader(io.StringIO(
            names.read(f"{plan_id}/{year}/roster.csv").decode("utf-8-sig")))
        held = {r["post_id"]: r["cadre_id"] for r in roster}
        assert held["NP-T01-01"] not in ("", "NP00001")


def test_the_plan_history_outlives_the_server(tmp_path):
    """The history is the workspace's (index.sqlite): a server started afresh on the
    same workspace lists the plan with its locks and status and serves its years and
    zip; a plan a stopped server left queued is listed as failed."""
    from conftest import Server

    with Server(tmp_path) as first, closing(first.client()) as c:
        plan_id = c.post("/api/v1/plans", json={
            "scenario": "nanpiao", "years": 1,
            "locks": {"keep": [{"id": "NP-T02-03", "year": 2026}]}}).json()["id"]
        got = wait(c, plan_id)
        assert got["status"] == "done", got["events"][-3:]
        # a lock the year cannot keep (a team kept whole while a member retires): the
        # year is infeasible, the plan's answer, not a failed plan
        stuck = c.post("/api/v1/plans", json={
            "scenario": "nanpiao", "years": 1,
            "locks": {"keep": [{"id": "NP-T02", "year": 2026}]}}).json()["id"]
        got = wait(c, stuck)
        assert got["status"] == "done" and got["years"][0]["status"] == "infeasible"
        assert c.get(f"/api/v1/plans/{stuck}/zip").status_code == 200
        first.app.state.workspace.new_plan("nanpiao", [], 2, {}, [])  # never started
    with Server(tmp_path) as second, closing(second.client()) as c:
        history = c.get("/api/v1/plans").json()
        assert [p["status"] for p in history] == ["failed", "done", "done"]
        assert history[2]["id"] == plan_id
        words = history[2]["lock_words"][0]["zh"]
        assert words == "保持不变：高桥镇党委副书记（NP-T02-03），2026 年"
        got = c.get(f"/api/v1/plans/{plan_id}").json()
        assert got["status"] == "done" and [y["year"] for y in got["years"]] == [2026]
        assert got["years"][0]["stability"]["posts_changed"] >= 0
        assert c.get(f"/api/v1/plans/{plan_id}/zip").status_code == 200
