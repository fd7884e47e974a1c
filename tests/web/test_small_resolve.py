"""Small re-solves (issue 26, item 5): a run started with `close_to` (the page sends the
open run) stays close to that run's roster, as `placement solve --from` does.

Measured on Linfen: the base run, then R-TC5 min_women=5 (five women in most counties'
party and government teams together: R-TC5 (b) counts per county since issue 24, and
every Linfen county already has three, so min_women=3 changed nothing). That rule needs
12 lines at the least (the same re-solve with the tier made hard and every changed line
priced above everything else, weights.change=100000, changes 12); the re-solve may
change at most those plus 5. A fresh solve of the same what-if changes 142 lines.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

NEEDED = 12  # lines R-TC5 min_women=5 needs against the Linfen base roster, at the least
MINI = Path(__file__).resolve().parents[2] / "tests" / "data" / "mini"


def follow(client, run_id: str) -> dict:
    with client.stream("GET", f"/api/v1/runs/{run_id}/events") as resp:
        for line in resp.iter_lines():
            if line.startswith("data: ") and json.loads(line[6:]).get("stage") == "end":
                break
    return client.get(f"/api/v1/runs/{run_id}").json()


@pytest.fixture(scope="module")
def base(client):
    run = follow(client, client.post("/api/v1/runs", json={"scenario": "linfen"}).json()["id"])
    assert run["status"] == "done"
    return run


def roster(client, run_id: str) -> dict[str, str]:
    rows = client.get(f"/api/v1/runs/{run_id}/tables/roster").json()
    return {r["post_id"]: r["cadre_id"] for r in rows}


def test_a_what_if_close_to_the_base_run_changes_few_lines(client, base):
    run_id = client.post("/api/v1/runs", json={
        "scenario": "linfen", "set": ["rules.R-TC5.min_women=5"],
        "close_to": base["id"]}).json()["id"]
    run = follow(client, run_id)
    assert run["status"] == "done", run["error"]
    assert "weights.change=200" in run["settings"]  # the price of a line, shown in history
    before, after = roster(client, base["id"]), roster(client, run_id)
    changed = sum(before.get(p) != c for p, c in after.items())
    assert run["summary"]["from"]["roster"] == base["id"]
    assert run["summary"]["from"]["changed_lines"] == changed
    rules = client.get(f"/api/v1/runs/{run_id}/tables/rules").json()
    women = [r for r in rules if r["rule"] == "R-TC5"]
    assert all(r["shortfall"] == 0 for r in women)  # the rule is met, not traded away
    print(f"R-TC5 min_women=5 close to the base run: {changed} lines change "
          f"(needed at least {NEEDED}; allowed {NEEDED + 5})")
    # at least NEEDED: a what-if that needs fewer lines (as min_women=3 after issue 24,
    # none) would test nothing here
    assert NEEDED <= changed <= NEEDED + 5


def test_close_to_another_data_set_or_no_roster_is_refused_in_words(client, base):
    files = [{"name": p.name, "content": base64.b64encode(p.read_bytes()).decode()}
             for p in sorted(MINI.glob("*.csv"))]
    assert client.post("/api/v1/datasets", json={
        "name": "mini-close", "reference_date": "2026-09-01", "files": files}).status_code == 201
    r = client.post("/api/v1/runs", json={"scenario": "mini-close", "close_to": base["id"]})
    assert r.status_code == 409 and "另一个数据集" in r.json()["detail"]["message_zh"]
    r = client.post("/api/v1/runs", json={"scenario": "linfen", "close_to": "nope"})
    assert r.status_code == 404 and r.json()["detail"]["message_en"] == "no run nope"


def test_alternates_of_a_close_to_run_are_of_its_own_roster(client, base):
    """The planner's day: R-TC5 min_women=3 close to the base run, then 差额 for
    R01-DW-04. A fresh solve of that what-if holds the post otherwise (and listed the
    run's holder, 常群才, as alternate no. 1); the answer is of the run's roster."""
    run_id = client.post("/api/v1/runs", json={
        "scenario": "linfen", "set": ["rules.R-TC5.min_women=3"],
        "close_to": base["id"]}).json()["id"]
    assert follow(client, run_id)["status"] == "done"
    holder = roster(client, run_id)["R01-DW-04"]
    alt = client.get(f"/api/v1/runs/{run_id}/alternates",
                     params={"post": "R01-DW-04", "k": 2}).json()
    assert len(alt) == 2
    assert {a["holder_id"] for a in alt} == {holder}
    assert holder not in {a["cadre_id"] for a in alt}
    assert all(a["incumbent"] is False for a in alt)


def test_why_not_of_a_close_to_run_is_of_its_own_roster(client, base):
    """The planner's day: R-TC5 min_women=3 close to the base run, then why-not of the
    cadre a fresh solve of that what-if puts in R01-DW-04 (the base run's holder when the
    close-to run moved him). Answered of a fresh solve, the run's holder was not the one
    displaced and nothing changed; of the run's roster, its holder makes way."""
    run_id = client.post("/api/v1/runs", json={
        "scenario": "linfen", "set": ["rules.R-TC5.min_women=3"],
        "close_to": base["id"]}).json()["id"]
    assert follow(client, run_id)["status"] == "done"
    fresh = client.post("/api/v1/runs", json={
        "scenario": "linfen", "set": ["rules.R-TC5.min_women=3", "weights.change=200"]}
    ).json()["id"]
    assert follow(client, fresh)["status"] == "done"
    kept, anew = roster(client, run_id), roster(client, fresh)
    # the case: a post a fresh solve holds otherwise (the first, in post order)
    post = next(p for p in sorted(kept) if kept[p] != anew.get(p) and anew.get(p))
    holder, other = kept[post], anew[post]
    why = client.get(f"/api/v1/runs/{run_id}/why-not",
                     params={"cadre": other, "post": post}).json()
    assert why["eligible"] is True
    summary = client.get(f"/api/v1/runs/{run_id}").json()["summary"]
    assert why["objective_before"] == summary["objective"]
    lines = {r["post_id"]: (r["before"], r["after"]) for r in why["changed_lines"]}
    assert lines[post] == (holder, other)
