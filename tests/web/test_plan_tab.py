"""The workbench's Plan tab over HTTP: a two-year plan of the bundled Nanpiao scenario
run in the background, followed year by year, its timeline and its folder as a zip.
The figures are the ones `placement plan` writes for the same scenario."""

from __future__ import annotations

import io
import json
import time
import zipfile

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


def test_a_plan_with_a_bad_lock_fails_naming_the_item(client):
    """The plan's locks (each for a year or the term) are checked against the data set:
    an unknown cadre fails the plan with the problem at `locks.must[0].cadre`."""
    plan_id = client.post("/api/v1/plans", json={
        "scenario": "nanpiao", "years": 2,
        "locks": {"must": [{"cadre": "NOBODY", "post": "X", "year": 2026}]}}).json()["id"]
    got = wait(client, plan_id)
    assert got["status"] == "failed"
    failed = [e for e in got["events"] if e["stage"] == "failed"][0]
    assert {p["column"] for p in failed["problems"]} >= {"locks.must[0].cadre"}
