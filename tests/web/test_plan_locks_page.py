"""The Plan tab's locks and history in a real browser (Playwright driving Debian's
chromium, as tests/web/test_plan_page.py; issue 25, items 4 and 5): locks added on the
Locks tab with their reasons go with a two-year plan of the bundled Nanpiao scenario,
one for 2027 only and one for the whole term, chosen on the Plan tab; the plan's
folder shows each lock held in its years; the page's table gives each year's
stability figure as plan.json has it; the plan history survives a reload, opens the
plan again and downloads its zip; and the tab says no English word in Chinese mode.

The pairs: 魏庆武 (NP00301, head of a district department, NP-D26-04) is eligible
for 高桥镇's 党委副书记 (NP-T02-03, 袁晶悦 holds it and keeps it without the lock), the
must lock for 2027 only; 熊浩树 (NP00001), the sitting 党委书记 of 暖池塘镇 (NP-T01-01),
stays in both years without a lock: the must-not lock for the whole term moves him.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
import zipfile

import pytest
from test_planners_day import english
from test_web_page import CHROMIUM, chromium_page, open_page, shot

pytestmark = pytest.mark.skipif(not CHROMIUM.is_file(), reason="Debian's chromium is missing")

MUST = ("NP00301", "NP-T02-03", 2027)  # cadre, post, the one year it holds in
FORBID = ("NP00001", "NP-T01-01")  # for the whole term
NANPIAO_IDS = re.compile(r"NP(?:-[TD]\d+(?:-\d+)?|\d+)?")  # and the region, NP


def add_lock(page, kind: str, cadre: str, post: str, reason: str) -> None:
    """A lock added on the Locks tab as a planner adds it: search, pick, say why."""
    page.click("button[data-tab='locks']")
    page.fill("#search", cadre)
    page.click(f"#hits-cadres li[data-cadre='{cadre}']")
    page.fill("#search", post)
    page.click(f"#hits-posts li[data-post='{post}']")
    page.select_option("#lock-kind", kind)
    page.fill("#lock-reason", reason)
    page.click("#add-lock")
    page.wait_for_function("(why) => document.querySelector('#locks tbody')"
                           ".textContent.includes(why)", arg=reason)


def wait_plan(page) -> None:
    page.wait_for_function(
        "['done', 'failed', 'cancelled'].includes("
        "document.querySelector('#plan-progress').dataset.stage)", timeout=300_000)


def held(folder, year: int) -> dict[str, str]:
    with open(folder / str(year) / "roster.csv", encoding="utf-8-sig") as f:
        return {r["post_id"]: r["cadre_id"] for r in csv.DictReader(f)}


def test_a_plan_with_locks_from_the_page_and_its_history(server, tmp_path):
    with chromium_page(accept_downloads=True) as page:
        open_page(page, server)
        page.select_option("#scenario", "nanpiao")
        page.wait_for_function("document.querySelector('#counts').textContent.length > 0")
        add_lock(page, "must", MUST[0], MUST[1], "换届后到任")
        add_lock(page, "forbid", *FORBID, "不再留任")

        # The Plan tab lists the page's locks, each for the whole term until a year
        # is chosen; the must lock is set to 2027 only.
        page.click("button[data-tab='plan']")
        page.fill("#plan-years", "2")
        rows = page.locator("#plan-locks tbody tr")
        assert rows.count() == 2
        assert "换届后到任" in rows.nth(0).inner_text()
        assert "不再留任" in rows.nth(1).inner_text()
        options = page.locator("#plan-locks select[data-lock-year='0'] option")
        assert options.all_inner_texts() == ["整个任期", "仅 2026 年", "仅 2027 年"]
        page.select_option("#plan-locks select[data-lock-year='0']", str(MUST[2]))
        assert page.locator("#plan-locks select[data-lock-year='1']").input_value() == ""
        page.click("#plan-run")
        wait_plan(page)
        assert page.locator("#plan-progress").get_attribute("data-stage") == "done"
        plan_id = page.locator("#plan-history tbody tr").first.get_attribute("data-plan")
        assert plan_id in page.locator("#plan-progress").inner_text()

        # The plan folder: the must lock held in 2027 and not asked in 2026 (where
        # the post keeps its holder), the must-not lock in both years.
        folder = server.app.state.workspace.root / "plans" / plan_id
        summary = json.loads((folder / "plan.json").read_text("utf-8"))
        assert [y["year"] for y in summary["years"]] == [2026, 2027]
        assert all(y["check_ok"] for y in summary["years"])
        first, second = held(folder, 2026), held(folder, 2027)
        assert second[MUST[1]] == MUST[0] and first[MUST[1]] != MUST[0]
        assert first[FORBID[1]] != FORBID[0] and second[FORBID[1]] != FORBID[0]
        for year, musts in ((2026, []), (2027, [{"cadre": MUST[0], "post": MUST[1]}])):
            locks = tomllib.loads((folder / str(year) / "scenario.toml").read_text(
                "utf-8"))["locks"]
            assert locks["must"] == musts
            assert {"cadre": FORBID[0], "post": FORBID[1]} in locks["forbid"]

        # The page's table: each year's stability figure as plan.json has it.
        for y in summary["years"]:
            row = page.locator(f"#plan-table tr[data-year='{y['year']}']")
            cells = [row.locator(f"td[data-k='{k}']").inner_text()
                     for k in ("changed", "forced", "twice")]
            stable = y["stability"]
            assert cells == [str(stable["posts_changed"]), str(stable["forced"]),
                             str(stable["twice"])]
        head = page.locator("#plan-table tr").first.inner_text()
        assert "其中因规定必须调整" in head and "任期内多次调整（人）" in head

        # The history after a reload: the plan with its locks in words, opened again.
        page.reload()
        page.wait_for_selector("body[data-ready='1']")
        page.click("button[data-tab='plan']")
        row = page.locator(f"#plan-history tr[data-plan='{plan_id}']")
        text = row.inner_text()
        assert "2/2" in text and "规划完成" in text and "无改动" not in text
        assert f"魏庆武（{MUST[0]}）必须任" in text and "2027 年（理由：换届后到任）" in text
        assert f"熊浩树（{FORBID[0]}）不得任" in text and "整个任期（理由：不再留任）" in text
        # the plan open before the reload is shown again, its locks' years kept
        page.wait_for_selector("#plan-table tr[data-year='2027']")
        assert page.locator("#plan-locks select[data-lock-year='0']").input_value() == "2027"
        assert page.locator("#plan-years").input_value() == "2"  # the open plan's
        page.evaluate("document.querySelector('#plan-table').innerHTML = ''")
        row.locator(f"button[data-plan-open='{plan_id}']").click()
        page.wait_for_selector("#plan-table tr[data-year='2027']")
        page.wait_for_selector("#plan-counties section.plan-county svg")
        shot(page, "plan25-plan-history.png")
        with page.expect_download() as got:
            row.locator(f"a[data-plan-zip='{plan_id}']").click()
        path = tmp_path / "plan.zip"
        got.value.save_as(path)
        assert f"{plan_id}/2027/roster.csv" in zipfile.ZipFile(path).namelist()
        roster = zipfile.ZipFile(path).read(f"{plan_id}/2027/roster.csv").decode("utf-8-sig")
        assert {r["post_id"]: r["cadre_id"] for r in
                csv.DictReader(io.StringIO(roster))}[MUST[1]] == MUST[0]

        # No English word in the tab in Chinese mode (ids and file names aside).
        text = NANPIAO_IDS.sub(" ", page.locator("#tab-plan").inner_text())
        assert not english(text), sorted(set(english(text)))
        # and the same table in English
        page.click("#lang")
        page.wait_for_function("document.querySelector('#plan-table tr th:nth-child(6)')"
                               "?.textContent === 'of them forced by a hard rule or leaving'")
