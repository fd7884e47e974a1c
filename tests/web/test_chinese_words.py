"""Chinese in Chinese mode on compare, history, progress and the result's status line,
and a cancelled run marked as such (issue 26, item 9). The words come from the server's
catalogue (`/api/v1/words`, `placement.data.words.VALUES`)."""

from __future__ import annotations

import json
import re
from contextlib import closing

import pytest
from test_web_page import ARGS, CHROMIUM, open_page

LATIN = re.compile(r"[A-Za-z]{2,}")


def finish(c, run_id: str) -> dict:
    with c.stream("GET", f"/api/v1/runs/{run_id}/events") as resp:
        for line in resp.iter_lines():
            if line.startswith("data: ") and json.loads(line[6:])["stage"] == "end":
                break
    return c.get(f"/api/v1/runs/{run_id}").json()


@pytest.fixture(scope="module")
def runs(server):
    """A base run, and a CP-SAT run cancelled mid-search (its best roster kept)."""
    with closing(server.client()) as c:
        base = finish(c, c.post("/api/v1/runs", json={"scenario": "linfen"}).json()["id"])
        slow = c.post("/api/v1/runs", json={"scenario": "linfen", "set": [
            "solver.engine=cpsat", "solver.time_limit=120"]}).json()["id"]
        with c.stream("GET", f"/api/v1/runs/{slow}/events") as resp:
            for line in resp.iter_lines():  # cancelled once the engine has a roster
                if line.startswith("data: ") and json.loads(line[6:]).get("best") is not None:
                    break
        c.delete(f"/api/v1/runs/{slow}")
        cancelled = finish(c, slow)
    assert cancelled["status"] == "cancelled"
    assert cancelled["summary"]["check"]  # its best roster is kept
    return base["id"], cancelled


def test_words_are_served(server):
    with closing(server.client()) as c:
        words = c.get("/api/v1/words").json()
    assert words["optimal"] == ["最优", "optimal"] and words["women"][0] == "女干部"
    with closing(server.client()) as c:
        page = c.get("/api/v1/words/page").json()  # the page's own words, loaded at start
    assert page["solve"] == ["求解", "Solve"] and page["person_name"] == ["姓名", "Name"]


@pytest.mark.skipif(not CHROMIUM.is_file(), reason="Debian's chromium is missing")
def test_compare_history_and_a_cancelled_run_in_chinese(server, runs):
    base, cancelled = runs
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        open_page(page, server)
        page.click("button[data-tab='history']")
        status = page.locator(f"#history tr:has(button[data-open='{cancelled['id']}']) "
                              "td.status-cancelled").inner_text()
        assert status == "已取消（保留当时最好名单）"
        page.click(f"button[data-open='{base}']")
        page.wait_for_selector("#status-line")
        line = page.locator("#status-line").inner_text()
        assert "最优" in line and not LATIN.search(line), line
        assert page.locator("#run-banner").is_hidden()
        # the cancelled run: marked, its kept roster compared in words
        page.click("button[data-tab='history']")
        page.click(f"button[data-open='{cancelled['id']}']")
        page.wait_for_selector("#run-banner:not([hidden])")
        assert "已取消" in page.locator("#run-banner").inner_text()
        assert "已取消" in page.locator("#run-id").inner_text()
        page.click("button[data-tab='compare']")
        page.select_option("#cmp-a", base)
        page.select_option("#cmp-b", cancelled["id"])
        page.click("#compare")
        page.wait_for_selector("#diff-summary tr[data-figure='status']")
        cells = page.locator("#diff-summary tr[data-figure]").all_inner_texts()
        english = [c for c in cells if LATIN.search(c)]
        assert not english, english
        assert "状态" in cells[0] and "最优" in cells[0]
        browser.close()
