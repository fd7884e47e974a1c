"""Work that lasts (issue 26, item 2): the planner's rule edits, locks with their reasons
and the open run are kept in the workspace (`/api/v1/state`) and come back on a reload
and in another browser."""

from __future__ import annotations

import json
from contextlib import closing

import pytest
from test_web_page import ARGS, CHROMIUM, open_page

pytestmark = pytest.mark.skipif(not CHROMIUM.is_file(), reason="Debian's chromium is missing")


@pytest.fixture(scope="module")
def run_id(server):
    with closing(server.client()) as c:
        rid = c.post("/api/v1/runs", json={"scenario": "linfen"}).json()["id"]
        with c.stream("GET", f"/api/v1/runs/{rid}/events") as resp:
            for line in resp.iter_lines():
                if line.startswith("data: ") and json.loads(line[6:])["stage"] == "end":
                    break
    return rid


def test_state_api_round_trip(server):
    with closing(server.client()) as c:
        assert c.put("/api/v1/state", json={"scenario": "linfen", "changes": {
            "rules.R-TC5.min_women": "3"}}).status_code == 200
        got = c.get("/api/v1/state").json()
        assert got["changes"] == {"rules.R-TC5.min_women": "3"} and got["locks"] == []
        assert c.put("/api/v1/state", json={"changes": {"x": 1.5}}).status_code == 422
        stored = server.app.state.workspace.root / "state.json"
        assert json.loads(stored.read_text("utf-8"))["scenario"] == "linfen"


def test_a_reload_and_another_browser_find_the_work(server, run_id):
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        open_page(page, server)
        # the open run, a rule edit and a lock with its reason
        page.click("button[data-tab='history']")
        page.click(f"button[data-open='{run_id}']")
        page.wait_for_selector("tr[data-post='R01-DW-01']")
        page.click("button[data-tab='rules']")
        page.fill("input[data-key='rules.R-TC5.min_women']", "3")
        page.click("button[data-tab='locks']")
        page.fill("#search", "吕昌全")
        page.click("#hits-cadres li[data-cadre='LF00001']")
        page.fill("#search", "R01-DW-01")
        page.click("#hits-posts li[data-post='R01-DW-01']")
        page.fill("#lock-reason", "换届前保持稳定")
        page.click("#add-lock")
        page.wait_for_timeout(600)  # the state is saved 200 ms after the last edit

        def same_work(p) -> None:
            p.wait_for_selector("body[data-ready='1']")
            assert p.locator("#changes").get_attribute("data-set") == "rules.R-TC5.min_women=3"
            assert p.locator("input[data-key='rules.R-TC5.min_women']").input_value() == "3"
            assert "changed" in p.locator("tr[data-rule='R-TC5']").get_attribute("class")
            row = p.locator("#locks tbody tr")
            assert row.count() == 1 and "换届前保持稳定" in row.inner_text()
            assert "吕昌全" in row.inner_text()
            assert run_id in p.locator("#run-id").inner_text()
            p.click("button[data-tab='result']")
            assert p.locator("tr[data-post='R01-DW-01']").count() == 1

        page.reload()
        same_work(page)
        other = browser.new_context().new_page()  # another browser: no local storage shared
        other.goto(server.url + "/")
        same_work(other)
        browser.close()
