"""The workbench's price list (issue 30): the run's rule prices over HTTP, and on the page
beside the rules, whose button runs the relaxed what-if with the row's `--set` strings."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_web_api import follow
from test_web_page import ARGS, CHROMIUM, open_page

playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def base_run(client):
    run_id = client.post("/api/v1/runs", json={"scenario": "linfen"}).json()["id"]
    follow(client, run_id)
    return run_id


def test_a_run_has_its_prices_with_settings(client, base_run):
    rows = client.get(f"/api/v1/runs/{base_run}/prices").json()
    rules = [r for r in rows if r["kind"] == "rule"]
    assert rules and all(r["settings"].startswith("rules.") for r in rules)
    assert all(r["check"] == "ok" for r in rows)
    assert any(r["binds"] == "yes" for r in rows)


@pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason="Debian's chromium is missing")
def test_the_page_lists_prices_beside_the_rules_and_runs_one(server, client, base_run):
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        try:
            open_page(page, server)
            page.evaluate(f"openRun('{base_run}')")
            page.click("#tabs [data-tab='rules']")
            page.click("#prices-go")
            page.wait_for_selector("#prices tbody tr button", timeout=180_000)
            text = page.inner_text("#prices")
            assert "规则代价" in page.inner_text("#prices-panel")
            assert "人岗相适" in text and "需另动" in text
            first = page.locator("#prices tbody tr button").first
            row = first.locator("xpath=ancestor::tr").get_attribute("data-rule")
            before = {r["id"] for r in client.get("/api/v1/runs").json()}
            first.click()
            page.wait_for_function("document.body.dataset.solveSeconds !== undefined",
                                   timeout=180_000)
            runs = [r for r in client.get("/api/v1/runs").json() if r["id"] not in before]
            assert len(runs) == 1
            assert any(s.startswith(f"rules.{row}.") for s in runs[0]["settings"])
        finally:
            browser.close()
