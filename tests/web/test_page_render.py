"""Rendering that escapes by construction (issue 26 item 11): the page writes markup only
through static/html.js's `html` template and `render`. In the browser: the helper
escapes every interpolation that is not itself made by `html`, and data holding markup (a
lock's reason typed on the Locks tab, a cadre's name, an uploaded file's name in a
problem table) shows as its characters and runs nothing."""

from __future__ import annotations

import pytest
from test_web_page import CHROMIUM, chromium_page, open_page

pytestmark = pytest.mark.skipif(not CHROMIUM.is_file(), reason="Debian's chromium is missing")

PAYLOAD = '<img src=x onerror="window.pwned=1">'
QUOTES = "\" onmouseover='window.pwned=2' x=\"&amp;"


@pytest.fixture(scope="module")
def page(server):
    with chromium_page() as page:
        open_page(page, server)
        yield page


def test_the_helper_escapes_every_value_not_made_by_it(page):
    out = page.evaluate("""([payload, quotes]) => {
      const box = document.createElement("div");
      const cell = html`<b>${"x"}</b>`;
      render(box, html`<p title="${quotes}">${payload}</p>${[cell, payload]}${null}${undefined}${0}`
      );
      return {markup: box.innerHTML, title: box.querySelector("p").title,
              text: box.textContent, imgs: box.querySelectorAll("img").length,
              bold: box.querySelectorAll("b").length,
              joined: String(joined([html`<i>1</i>`, "<2>"], html`<br>`)),
              server: String(html`<td>${serverHtml("<svg></svg>")}</td>`)};
    }""", [PAYLOAD, QUOTES])
    # the value stays text, the markup made by html stays markup
    assert out["imgs"] == 0 and out["bold"] == 1
    assert out["title"] == QUOTES  # an attribute keeps its quotes as characters
    assert out["text"] == PAYLOAD + "x" + PAYLOAD + "0"  # null and undefined are nothing
    assert out["joined"] == "<i>1</i><br>&#60;2&#62;"
    assert out["server"] == "<td><svg></svg></td>"


def test_markup_in_data_shows_as_text_on_the_locks_and_plan_tabs(page):
    # A lock's reason as the planner types it, through the page's own form.
    page.click("button[data-tab='locks']")
    page.fill("#search", "R01-DW-01")
    page.click("#hits-posts li[data-post='R01-DW-01']")
    page.select_option("#lock-kind", "keep")
    page.fill("#lock-reason", PAYLOAD)
    page.click("#add-lock")
    page.wait_for_function("document.querySelectorAll('#locks tbody tr').length === 1")
    assert page.locator("#locks tbody td").nth(3).inner_text() == PAYLOAD
    # A cadre's name holding markup (a data set may carry anything) on both lock tables.
    page.evaluate("""(p) => { S.locks.push({kind: "must", cadre: {id: "X1", label: p},
      post: {id: "R01-DW-02", label: p}, reason: p}); renderLocks(); renderPlanLocks(); }""",
                  PAYLOAD)
    cadre = page.locator("#locks tbody tr").nth(1).locator("td").nth(1)
    assert cadre.inner_text().startswith(PAYLOAD)
    assert PAYLOAD in page.locator("#plan-locks tbody").inner_text()
    # An upload's problem naming a file whose name holds markup.
    page.evaluate("""(p) => showError("#problems", new ApiError(422, {problems: [
      {file: p, sheet: p, row: 1, column: p, message_zh: p, message_en: p}]}))""", PAYLOAD)
    assert page.locator("#problems td").first.inner_text() == PAYLOAD
    assert page.locator("main img").count() == 0
    assert page.evaluate("window.pwned") is None
    page.evaluate("S.locks = []; renderLocks()")
