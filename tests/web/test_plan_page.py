"""The Plan tab in a real browser (Playwright driving Debian's chromium, as
tests/web/test_web_page.py): a two-year plan of the bundled Nanpiao scenario, each year
shown as it is solved, the per-county timeline drawn, the plan folder downloaded."""

from __future__ import annotations

import zipfile

import pytest
from test_web_page import CHROMIUM, chromium_page, open_page, shot

pytestmark = pytest.mark.skipif(not CHROMIUM.is_file(), reason="Debian's chromium is missing")


def test_the_plan_tab_runs_a_plan_and_shows_its_timeline(server, tmp_path):
    with chromium_page(accept_downloads=True) as page:
        open_page(page, server)
        page.select_option("#scenario", "nanpiao")
        page.wait_for_function("document.querySelector('#counts').textContent.length > 0")
        page.click("button[data-tab='plan']")
        assert page.locator("#tab-plan h2").inner_text() == "换届规划（逐年）"
        page.fill("#plan-years", "2")
        page.click("#plan-run")
        page.wait_for_selector("#plan-cancel:not([hidden])")
        page.wait_for_function(
            "['done', 'failed', 'cancelled'].includes("
            "document.querySelector('#plan-progress').dataset.stage)", timeout=300_000)
        assert page.locator("#plan-progress").get_attribute("data-stage") == "done"
        assert "规划完成" in page.locator("#plan-progress").inner_text()
        rows = page.locator("#plan-table tr[data-year]")
        assert [rows.nth(i).get_attribute("data-year") for i in range(rows.count())] == [
            "2026", "2027"]
        assert all("通过" in rows.nth(i).inner_text() for i in range(2))
        counties = page.locator("#plan-counties section.plan-county svg")
        assert counties.count() >= 1
        assert "<script" not in page.locator("#plan-counties").inner_html()
        shot(page, "plan17-plan-tab.png")
        with page.expect_download() as got:
            page.click("#plan-zip")
        path = tmp_path / "plan.zip"
        got.value.save_as(path)
        names = zipfile.ZipFile(path).namelist()
        assert any(n.endswith("/plan.csv") for n in names)
        assert any(n.endswith("/2027/roster.csv") for n in names)
