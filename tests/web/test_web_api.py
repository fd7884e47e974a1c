"""The workbench's HTTP API end to end, over a real server and an HTTP client.

A run on the bundled Linfen scenario is followed through its server-sent events, its
roster is the very file `placement solve` writes, two runs are compared, runs are
cancelled, and the safety rules hold: a foreign Host, a missing or wrong token and an
oversized body are refused, and no CORS header is ever sent.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app as cli_app
from placement.data.rules import CATALOGUE

ROOT = Path(__file__).resolve().parents[2]
LINFEN = ROOT / "scenarios" / "linfen.toml"
MINI = ROOT / "tests" / "data" / "mini"


def follow(client, run_id: str) -> list[dict]:
    """Every event of the run until its end event (the SSE stream closes then)."""
    out = []
    with client.stream("GET", f"/api/v1/runs/{run_id}/events") as resp:
        assert resp.headers["content-type"].startswith("text/event-stream")
        for line in resp.iter_lines():
            if line.startswith("data: "):
                out.append(json.loads(line[6:]))
    return out


@pytest.fixture(scope="module")
def client(server):
    c = server.client()
    yield c
    c.close()


@pytest.fixture(scope="module")
def base_run(client):
    run_id = client.post("/api/v1/runs", json={"scenario": "linfen"}).json()["id"]
    return run_id, follow(client, run_id)


@pytest.fixture(scope="module")
def women_run(client, base_run):
    run_id = client.post("/api/v1/runs", json={
        "scenario": "linfen", "set": ["rules.R-TC5.min_women=3"]}).json()["id"]
    follow(client, run_id)
    return run_id


def test_a_run_reports_its_stages_and_ends_done(client, base_run):
    run_id, events = base_run
    stages = [e["stage"] for e in events if e["stage"] != "tick"]
    assert stages == ["queued", "started", "loading", "solving", "writing", "finished", "end"]
    assert [e["seq"] for e in events if "seq" in e] == list(range(7))
    run = client.get(f"/api/v1/runs/{run_id}").json()
    assert run["status"] == "done"
    # The stored optimum of the bundled scenario (tests/test_bundled.py, README).
    assert (run["summary"]["status"], run["summary"]["objective"]) == ("optimal", 22432.0)
    assert run["summary"]["check"]["ok"] is True


def test_the_roster_equals_placement_solve(client, base_run, tmp_path):
    """Same scenario, same roster: the API's roster.csv is byte for byte the CLI's."""
    run_id, _ = base_run
    out = tmp_path / "cli"
    res = CliRunner().invoke(cli_app, ["solve", str(LINFEN), "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    via_api = client.get(f"/api/v1/runs/{run_id}/tables/roster", params={"format": "csv"})
    assert via_api.content == (out / "roster.csv").read_bytes()
    rows = client.get(f"/api/v1/runs/{run_id}/tables/roster").json()
    assert len(rows) == 449  # every post of the 68 teams (summary counts.posts)
    assert {"post_id", "cadre_id", "change", "reason_zh", "reason_en"} <= set(rows[0])


def test_two_runs_compare(client, base_run, women_run):
    """Three women in most county teams: the README's worked example, through the API."""
    d = client.get("/api/v1/diff", params={"a": base_run[0], "b": women_run}).json()
    figures = {r["figure"]: r for r in d["summary"]}
    assert (figures["women"]["a"], figures["women"]["b"]) == (98, 102)  # +4 women
    assert (figures["fit"]["a"], figures["fit"]["b"]) == (25212.0, 25200.0)  # -12 fit
    assert len(d["posts"]) == 88  # posts that get another holder


def test_history_lists_runs_newest_first_with_notes(client, base_run, women_run):
    assert client.patch(f"/api/v1/runs/{women_run}",
                        json={"note": "三名女干部 / third woman"}).status_code == 200
    runs = client.get("/api/v1/runs").json()
    ids = [r["id"] for r in runs]
    assert ids.index(women_run) < ids.index(base_run[0])
    assert runs[ids.index(women_run)]["note"] == "三名女干部 / third woman"
    assert runs[ids.index(women_run)]["settings"] == ["rules.R-TC5.min_women=3"]


def test_cancel_keeps_the_best_roster_and_a_queued_run_never_starts(client):
    """CP-SAT on Linfen searches for its whole time limit (docs/solver.md), so a cancel
    lands mid-search; the queued run behind it is cancelled before it starts."""
    slow = client.post("/api/v1/runs", json={
        "scenario": "linfen", "set": ["solver.engine=cpsat", "solver.time_limit=120"]}).json()
    queued = client.post("/api/v1/runs", json={"scenario": "linfen"}).json()
    assert client.delete(f"/api/v1/runs/{queued['id']}").json()["cancelling"] is True
    deadline = time.monotonic() + 60
    while client.get(f"/api/v1/runs/{slow['id']}").json()["status"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    time.sleep(8)  # into the search
    asked = time.monotonic()
    assert client.delete(f"/api/v1/runs/{slow['id']}").status_code == 200
    events = follow(client, slow["id"])
    assert time.monotonic() - asked < 60  # stopped long before the 120 s limit
    assert events[-1] == events[-1] | {"stage": "end", "status": "cancelled"}
    run = client.get(f"/api/v1/runs/{slow['id']}").json()
    assert run["status"] == "cancelled" and run["summary"]["interrupted"] is True
    if run["summary"]["status"] == "feasible":  # a roster was found: it is kept
        assert len(client.get(f"/api/v1/runs/{slow['id']}/tables/roster").json()) == 449
    q = client.get(f"/api/v1/runs/{queued['id']}").json()
    assert (q["status"], q["started"], q["summary"]) == ("cancelled", None, None)
    assert client.delete(f"/api/v1/runs/{queued['id']}").status_code == 409  # already over


def test_a_foreign_host_is_refused(server, client):
    """DNS rebinding: a page of evil.example resolved to 127.0.0.1 sends its own Host."""
    resp = client.get("/api/v1/runs", headers={"Host": f"evil.example:{server.port}"})
    assert resp.status_code == 400
    assert client.get("/", headers={"Host": "127.0.0.1:1"}).status_code == 400
    assert client.get("/api/v1/runs", headers={"Host": f"localhost:{server.port}"}).is_success


def test_state_changes_need_the_token(server):
    import httpx

    with httpx.Client(base_url=server.url) as bare:
        body = {"scenario": "linfen"}
        assert bare.post("/api/v1/runs", json=body).status_code == 403
        assert bare.post("/api/v1/runs", json=body,
                         headers={"X-CSRF-Token": "guess"}).status_code == 403
        assert bare.delete("/api/v1/runs/x").status_code == 403
        assert bare.get("/api/v1/runs").status_code == 200  # reading needs no token
        resp = bare.options("/api/v1/runs", headers={
            "Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
        assert not any(h.startswith("access-control-") for h in resp.headers)


def test_bodies_over_the_limit_are_refused(client):
    big = {"scenario": "linfen", "set": ["x" * (1 << 20)]}
    assert client.post("/api/v1/validate", json=big).status_code == 413


def test_validate_gives_the_cli_messages(client):
    bad = client.post("/api/v1/validate", json={
        "scenario": "linfen", "set": ["rules.R-TC5.min_woman=3"],
        "locks": {"must": [{"cadre": "NOBODY", "post": "R01-DW-01"}]}}).json()
    assert bad["ok"] is False
    assert "did you mean min_women or min_women_every?" in bad["problems"][0]["message_en"]
    good = client.post("/api/v1/validate", json={
        "scenario": "linfen", "locks": {"must": [{"cadre": "NOBODY", "post": "R01-DW-01"}]}})
    problem = good.json()["problems"][0]
    assert (problem["code"], problem["column"]) == ("unknown_ref", "locks.must[0].cadre")
    ok = client.post("/api/v1/validate", json={"scenario": "linfen"}).json()
    assert ok["ok"] and ok["counts"]["teams"] == 68 and ok["counts"]["posts"] == 449


def _files(folder: Path, **replace: bytes) -> list[dict]:
    return [{"name": p.name, "content": base64.b64encode(replace.get(p.stem, p.read_bytes()))
             .decode()} for p in sorted(folder.glob("*.csv"))]


def test_an_upload_is_kept_only_when_valid(client, server):
    cadres = (MINI / "cadres.csv").read_text("utf-8").splitlines()
    head, first = cadres[0].split(","), cadres[1].split(",")
    first[head.index("birth_date")] = "not a date"
    broken = "\n".join([cadres[0], ",".join(first), *cadres[2:]]).encode()
    resp = client.post("/api/v1/datasets", json={
        "name": "mini-upload", "reference_date": "2026-09-01",
        "files": _files(MINI, cadres=broken)})
    assert resp.status_code == 422
    p = resp.json()["problems"][0]
    assert (p["file"], p["row"], p["column"]) == ("cadres.csv", 2, "birth_date")
    names = [s["name"] for s in client.get("/api/v1/scenarios").json()]
    assert "mini-upload" not in names  # nothing imported
    resp = client.post("/api/v1/datasets", json={
        "name": "mini-upload", "reference_date": "2026-09-01", "files": _files(MINI)})
    assert resp.status_code == 201, resp.text
    assert "mini-upload" in [s["name"] for s in client.get("/api/v1/scenarios").json()]


def test_search_finds_cadres_and_posts_by_name(client):
    hits = client.get("/api/v1/search", params={"scenario": "linfen", "q": "李才友"}).json()
    assert [c["cadre_id"] for c in hits["cadres"]] == ["LF00001"]
    assert hits["cadres"][0]["post_id"] == "R01-DW-01"  # 区委书记 of 尧都区
    posts = client.get("/api/v1/search", params={"scenario": "linfen", "q": "R01-DW-01"}).json()
    assert [p["post_id"] for p in posts["posts"]] == ["R01-DW-01"]


def test_rule_catalogue_comes_from_the_scenario_model(client):
    rules = {r["id"]: r for r in client.get("/api/v1/rules").json()}
    assert set(rules) == set(CATALOGUE)  # every rule of the catalogue, nothing else
    tc5 = {p["name"]: p for p in rules["R-TC5"]["params"]}
    assert tc5["min_women"]["default"] == 2 and tc5["min_women"]["bounds"] == {"ge": 0}
    assert rules["R-TC5"]["modes"] == ["hard", "target", "off"]
    assert rules["R-RS1"]["modes"] == ["target", "off"]


def test_a_saved_scenario_extends_its_base(client):
    resp = client.post("/api/v1/scenarios", json={
        "name": "women3", "base": "linfen", "set": ["rules.R-TC5.min_women=3"]})
    assert resp.status_code == 201, resp.text
    text = resp.json()["text"]
    assert text.splitlines()[0] == f'extends = "{LINFEN}"'
    assert "[rules.R-TC5]\nmin_women = 3" in text
    got = client.get("/api/v1/scenarios/women3").json()["settings"]["rules"]["R-TC5"]
    assert got["min_women"] == 3


def test_why_not_and_alternates(client, base_run):
    run_id, _ = base_run
    roster = client.get(f"/api/v1/runs/{run_id}/tables/roster").json()
    line = next(r for r in roster if r["change"] == "new")
    alt = client.get(f"/api/v1/runs/{run_id}/alternates",
                     params={"post": line["post_id"], "k": 1}).json()
    assert [a["post_id"] for a in alt] == [line["post_id"]]
    assert alt[0]["cadre_id"] != line["cadre_id"] and alt[0]["objective_change"] <= 0
    why = client.get(f"/api/v1/runs/{run_id}/why-not",
                     params={"cadre": alt[0]["cadre_id"], "post": line["post_id"]}).json()
    assert why["eligible"] is True
    # Forcing the first alternate costs what the alternates table said.
    assert why["objective_after"] - why["objective_before"] == alt[0]["objective_change"]
    assert client.get(f"/api/v1/runs/{run_id}/why-not",
                      params={"cadre": "NOBODY", "post": line["post_id"]}).status_code == 404


def test_report_xlsx_downloads(client, base_run):
    resp = client.get(f"/api/v1/runs/{base_run[0]}/files/report.xlsx")
    assert resp.status_code == 200 and resp.content[:2] == b"PK"  # a zip: an xlsx book


def test_openapi_lists_the_api(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/runs", "/api/v1/runs/{run_id}", "/api/v1/runs/{run_id}/events",
                 "/api/v1/runs/{run_id}/tables/{table}", "/api/v1/diff",
                 "/api/v1/runs/{run_id}/why-not", "/api/v1/runs/{run_id}/alternates",
                 "/api/v1/validate", "/api/v1/session"):
        assert path in paths
