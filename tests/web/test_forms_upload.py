"""Forms uploaded from the page (issue 26, item 3): what the upload added, changed and
gave a default to is listed under the upload button, in Chinese, ids and column labels
only."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_web_page import ARGS, CHROMIUM, open_page

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "mini"
C001 = ROOT / "tests" / "data" / "lrmx" / "good" / "C001.lrmx"


def form(folder: Path, file: str, name: str, born: str) -> Path:
    """C001.lrmx (洪洞县委副书记) made the form of `name` born `born` (YYYYMM)."""
    text = C001.read_text("utf-8").replace("赵文涛", name, 1).replace("197503", born, 1)
    (folder / file).write_text(text, "utf-8")
    return folder / file


@pytest.mark.skipif(not CHROMIUM.is_file(), reason="Debian's chromium is missing")
def test_the_page_lists_what_an_upload_of_forms_added_changed_and_defaulted(server, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    files = [*sorted(MINI.glob("*.csv")), form(tmp_path, "hers.lrmx", "李秀英", "197608"),
             form(tmp_path, "new.lrmx", "王小明", "198802")]
    with playwright.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = b.new_page(viewport={"width": 1400, "height": 900})
        try:
            open_page(page, server)
            page.fill("#up-name", "小样加任免表")
            page.set_input_files("#up-files", [str(f) for f in files])
            page.click("#upload")
            page.wait_for_selector("#import-report li")
            lines = page.locator("#import-report li").all_inner_texts()
        finally:
            b.close()
    assert lines[0] == "新增干部 1: new"  # an id-like file stem not taken is its id
    assert any(x.startswith("更新 0002: ") and "专长" in x for x in lines)
    assert any(x.startswith("默认值（请核对） 档案审核通过 = 是") for x in lines)
    assert not any("王小明" in x or "李秀英" in x for x in lines)


@pytest.mark.skipif(not CHROMIUM.is_file(), reason="Debian's chromium is missing")
def test_the_planner_confirms_the_defaults_and_the_page_remembers(server, tmp_path):
    """确认默认值: the confirmation is recorded with the data set (the API reads it back,
    with the columns confirmed) and a reload shows it confirmed, the button gone."""
    playwright = pytest.importorskip("playwright.sync_api")
    files = [*sorted(MINI.glob("*.csv")), form(tmp_path, "new.lrmx", "王小明", "198802")]
    with playwright.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = b.new_page(viewport={"width": 1400, "height": 900})
        try:
            open_page(page, server)
            page.fill("#up-name", "默认值待确认")
            page.set_input_files("#up-files", [str(f) for f in files])
            page.click("#upload")
            page.wait_for_selector("#import-report li")
            button = page.locator("#confirm-defaults")
            assert button.is_visible() and button.inner_text() == "确认默认值"
            assert page.locator("#defaults-confirmed").inner_text() == ""
            stem = page.evaluate("S.scenario")
            c = server.client()
            before = c.get(f"/api/v1/datasets/{stem}/import").json()
            assert before["confirmed"] is None and before["report"]["defaults"]
            button.click()
            page.wait_for_function("/默认值已确认/.test(document.querySelector("
                                   "'#defaults-confirmed').textContent)")
            assert not button.is_visible()
            page.wait_for_timeout(400)  # the working state saved (the open scenario)
            page.reload()
            page.wait_for_selector("body[data-ready='1']")
            assert page.evaluate("S.scenario") == stem
            page.wait_for_function("/默认值已确认/.test(document.querySelector("
                                   "'#defaults-confirmed').textContent)")
            assert not page.locator("#confirm-defaults").is_visible()
            assert page.locator("#import-report li").count() > 0
        finally:
            b.close()
    try:
        after = c.get(f"/api/v1/datasets/{stem}/import").json()
        assert set(after["confirmed"]["columns"]) == {
            d["column"] for d in before["report"]["defaults"]} >= {"file_ok", "candidate"}
        # a sample has no upload, so nothing to confirm
        assert c.post("/api/v1/datasets/linfen/confirm").status_code == 404
        assert c.get("/api/v1/datasets/linfen/import").json() == {"report": None,
                                                                   "confirmed": None}
    finally:
        c.close()
