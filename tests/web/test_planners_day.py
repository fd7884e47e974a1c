"""A planner's day in the workbench, in a real browser (issue 26, "Done when"): upload
任免审批表 and a posts workbook under a Chinese name, read what the import added and gave
a default to, solve, change a rule and solve again close to that run, lock
a cadre by name with a reason, solve, ask why-not of a name several people share, adopt
an alternate, solve, compare, download the report; a screenshot of every step, and every
tab scanned for English in Chinese mode.

The forms are drafted by the exporter (placement/export/lrmx/draft.py) for every cadre of
three Linfen counties (尧都区, 曲沃县, 翼城县: 12 teams, 81 posts, 152 cadres, each grown
up in one of them so that the forms' 籍贯 can be placed), the workbook
holds their teams and posts (班子/职位 sheets, 现任人员 given): a data set small enough to
upload and solve four times within the test, with every step's matter in it (吕昌全 for
尧都区委书记, two 张, women in each county).

Screenshots go to $PLACEMENT_SCREENSHOTS, else test-artifacts/planners-day/ at the top of
the checkout (git ignores it): CI keeps them as the run's artefacts.

The measure of item 6: the one-rule what-if R-TC5 min_women=3, started from the page
after the base run (the page's default: stay close to the open run), changes at most the
lines the rule needs plus 5. Per county (R-TC5 (b) since issue 24), half the counties
(2 of 3) must have three women in their party committee and government; on the base
roster only one of the three has (the checker's R-TC5 row: required 2, achieved 1), so
the rule needs at least one line (a woman in place of a man): at most 6 may change.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from test_web_page import ARGS, CHROMIUM, open_page, solve

ROOT = Path(__file__).resolve().parents[2]
LINFEN = ROOT / "scenarios" / "data" / "linfen"
SHOTS = Path(os.environ.get("PLACEMENT_SCREENSHOTS") or ROOT / "test-artifacts" / "planners-day")
TABS = ("data", "rules", "locks", "find", "result", "structure", "compare", "plan", "history")
NEEDED = 1  # lines R-TC5 min_women=3 needs against the base roster (one more county)
# What may read as Latin letters in Chinese mode: ids (LF00001, R01-DW-01, R-TC5, run
# ids; NP00001 and NP-T01-01 of the Nanpiao plans an earlier test of the session left
# in the plan history), file names, the engines' names and the language switch.
ALLOWED = re.compile(  # bounded by ASCII only: \b would not part "English" from "求解"
    r"(?<![A-Za-z0-9])(?:LF\d+|NP\d+|NP-[TD]\d+(?:-\d+)?|R\d+(?:-[A-Z]+(?:-\d+)?)?|R-[A-Z]{2}\d+|u-[\w-]+|[0-9a-f]{6,}[\w-]*|"
    r"[\w-]+\.(?:xlsx|html|csv|zip|lrmx)|HiGHS|CP-SAT|cpsat|highs|English|Ctrl\+Z|CSV|lrmx|xlsx)(?![A-Za-z0-9])")
LATIN = re.compile(r"[A-Za-z]{2,}")

COUNTIES = ("R01", "R02", "R03")

pytestmark = pytest.mark.skipif(not CHROMIUM.is_file(), reason="Debian's chromium is missing")


def english(text: str, files: tuple[str, ...] = ()) -> list[str]:
    """Latin words outside ids and names; `files`: the scenario files' names, listed."""
    for name in sorted(files, key=len, reverse=True):
        text = text.replace(name, " ")
    return LATIN.findall(ALLOWED.sub(" ", text))


def forms_and_posts(folder: Path) -> list[Path]:
    """The counties' forms (one draft per cadre, named by the cadre's id) and posts.xlsx
    (班子 and 职位 sheets with the data contract's columns), written into `folder`."""
    from placement.data.loader import load_dataset
    from placement.export.lrmx.draft import draft_form
    from placement.export.lrmx.titles import places_of

    table = {n: pd.read_csv(LINFEN / f"{n}.csv", dtype=str, keep_default_na=False)
             for n in ("teams", "posts", "cadres")}
    teams = table["teams"][table["teams"]["region"].isin(COUNTIES)]
    posts = table["posts"][table["posts"]["team_id"].isin(teams["team_id"])]
    cadres = table["cadres"][table["cadres"]["region"].isin(COUNTIES)
                             | table["cadres"]["cadre_id"].isin(posts["incumbent_id"])].copy()
    # the workbook names only these counties' places: a 籍贯 elsewhere could not be placed
    # and would default to the work region (R-AV2 then bars a county head at home), so a
    # cadre from elsewhere grew up in the next of the three counties
    away = ~cadres["home_region"].isin(COUNTIES)
    cadres.loc[away, "home_region"] = cadres.loc[away, "region"].map(
        lambda r: COUNTIES[(COUNTIES.index(r) + 1) % len(COUNTIES)] if r in COUNTIES
        else COUNTIES[0])
    small = folder / "counties"
    small.mkdir()
    for name, frame in (("teams", teams), ("posts", posts), ("cadres", cadres)):
        frame.to_csv(small / f"{name}.csv", index=False)
    data = load_dataset(small)
    places = places_of(data.teams)
    files = []
    for cid in data.cadres["cadre_id"]:
        files.append(folder / f"{cid}.lrmx")
        files[-1].write_text(draft_form(data, cid, places=places), "utf-8")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet, frame in (("班子", teams), ("职位", posts)):
        ws = book.create_sheet(sheet)
        ws.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            ws.append(list(row))
    book.save(folder / "posts.xlsx")
    return [folder / "posts.xlsx", *files]


def test_a_planners_day(server, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    SHOTS.mkdir(parents=True, exist_ok=True)
    shots: list[str] = []
    found: dict[str, list[str]] = {}

    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900},
                                      accept_downloads=True)
        page = context.new_page()

        def shot(name: str) -> None:
            path = SHOTS / f"{len(shots) + 1:02d}-{name}.png"
            page.screenshot(path=str(path))
            shots.append(path.name)

        def scan(step: str) -> None:
            """Every tab's text in Chinese mode: English words outside ids and names."""
            for tab in TABS:
                page.click(f"button[data-tab='{tab}']")
                page.wait_for_timeout(150)
                words = english(page.locator("header").inner_text() + "\n"
                                + page.locator(f"#tab-{tab}").inner_text(), files)
                if words:
                    found[f"{step}/{tab}"] = sorted(set(words))

        open_page(page, server)
        files = tuple(page.evaluate("[...document.querySelectorAll('#scenario option')]"
                                    ".map((o) => o.value)"))
        shot("open")

        # 1. Upload the forms and the posts workbook under a Chinese name; the import
        # report lists the cadres added and the defaults given, for confirmation.
        uploads = forms_and_posts(tmp_path)
        page.fill("#up-name", "临汾换届二〇二六")
        page.set_input_files("#up-files", [str(p) for p in uploads])
        page.click("#upload")
        page.wait_for_function("document.querySelector('#scenario').value.startsWith('u-')",
                               timeout=60_000)
        assert "临汾换届二〇二六" in page.locator("#scenario option:checked").inner_text()
        page.wait_for_function("/数据有效: 班子 12, 职位 81/.test("
                               "document.querySelector('#counts').textContent)")
        page.wait_for_selector("#import-report li")
        lines = page.locator("#import-report li").all_inner_texts()
        assert lines[0].startswith(f"新增干部 {len(uploads) - 1}: LF00001, ")
        defaults = [x for x in lines if x.startswith("默认值（请核对） ")]
        assert any(x.startswith("默认值（请核对） 档案审核通过 = 是") for x in defaults)
        assert any(x.startswith("默认值（请核对） 纳入考察 = 是") for x in defaults)
        assert not any("吕昌全" in x for x in lines)  # ids, never names
        shot("uploaded")
        page.click("#confirm-defaults")  # the planner has read the defaults: she confirms
        page.wait_for_function("/默认值已确认/.test(document.querySelector("
                               "'#defaults-confirmed').textContent)")
        shot("defaults-confirmed")

        # 2. The base run.
        solve(page)
        base_id = page.evaluate("S.run.id")
        base = dict(page.evaluate("S.roster.map((r) => [r.post_id, r.cadre_id])"))
        shot("base-run")
        assert page.locator("#roster td.previous").count() == len(base)
        scan("base")

        # 3. Edit a rule in planner's terms and solve again, close to the base run.
        page.click("button[data-tab='rules']")
        page.fill("input[data-key='rules.R-TC5.min_women']", "3")
        page.wait_for_function("document.querySelector('#changes').dataset.set"
                               " === 'rules.R-TC5.min_women=3'")
        assert "女干部不少于 3 名" in page.locator("#changes").inner_text()
        shot("rule-edited")
        assert page.locator("#close-to").is_checked()
        solve(page)
        what_if = dict(page.evaluate("S.roster.map((r) => [r.post_id, r.cadre_id])"))
        changed = sum(base.get(p) != c for p, c in what_if.items())
        print(f"\nR-TC5 min_women=3 from the page, close to {base_id}: {changed} lines change "
              f"(needed {NEEDED}, allowed {NEEDED + 5})")
        assert changed <= NEEDED + 5
        assert base_id in page.locator("#based-on").inner_text()
        shot("what-if")

        # 4. Lock a cadre by name, with a reason; solve.
        page.click("button[data-tab='locks']")
        page.fill("#search", "吕昌全")
        page.wait_for_selector("#hits-cadres li[data-cadre='LF00001']")
        page.focus("#search")
        page.keyboard.press("ArrowDown")  # the hits by keyboard
        page.keyboard.press("Enter")
        assert page.locator("#pick-cadre").inner_text() == "吕昌全"
        page.fill("#search", "R01-DW-01")
        page.click("#hits-posts li[data-post='R01-DW-01']")
        page.fill("#lock-reason", "换届前保持稳定")
        page.click("#add-lock")
        assert "换届前保持稳定" in page.locator("#locks tbody").inner_text()
        shot("locked")
        solve(page)
        row = page.locator("tr[data-post='R01-DW-01']")
        assert "吕昌全" in row.inner_text() and "locked" in row.get_attribute("class")
        shot("locked-run")

        # 5. Why not …? A name several people share asks which one.
        post = "R01-DW-02"
        page.click(f"button[data-why='{post}']")
        page.fill("#ask-name", "张")
        page.keyboard.press("Enter")
        page.wait_for_selector("#ask-hits button[data-why-cadre]")
        choices = page.locator("#ask-hits button[data-why-cadre]")
        assert choices.count() > 1 and "请选择" in page.locator("#ask-hits").inner_text()
        choices.first.click()
        page.wait_for_function(
            "document.querySelector('#ask-text').textContent.length > 3", timeout=120_000)
        shot("why-not")

        # 6. The 差额 of a post whose holder is new, by name and price in words; adopt one.
        post = page.evaluate("S.roster.find((r) => r.change === 'new').post_id")  # R01-DW-03
        page.click(f"button[data-alt='{post}']")
        page.wait_for_function("document.querySelector('#ask button[data-adopt]')"
                               " || document.querySelector('#ask').textContent.length > 3",
                               timeout=120_000)
        assert page.locator("#ask button[data-adopt]").count(), page.locator("#ask").inner_text()
        alt = page.locator("#ask button[data-adopt]").first
        alt_name = alt.get_attribute("data-name")
        holder = page.evaluate("(p) => S.roster.find((r) => r.post_id === p).cadre_id", post)
        assert alt.get_attribute("data-adopt") != holder
        assert alt_name and not alt_name.startswith("LF")
        shot("alternates")
        alt.click()
        assert alt_name in page.locator("#adopted").inner_text()
        solve(page)
        assert alt_name in page.locator(f"tr[data-post='{post}']").inner_text()
        adopted_id = page.evaluate("S.run.id")
        shot("adopted-run")
        # the 拟免 list: cause and destination in the page
        dismissals = page.locator("#dismissals tr[data-cadre]")
        assert dismissals.count() > 0
        assert page.locator("#dismissals-title").inner_text().startswith("拟免名单")

        # 7. Compare the base run with the last.
        page.click("button[data-tab='compare']")
        page.wait_for_function("(id) => [...document.querySelectorAll('#cmp-b option')]"
                               ".some((o) => o.value === id)", arg=adopted_id)
        page.wait_for_timeout(300)  # the run list fetched again as the tab opens
        page.select_option("#cmp-a", base_id)
        page.select_option("#cmp-b", adopted_id)
        page.click("#compare")
        page.wait_for_selector("#diff-posts")
        shot("compare")
        assert int(page.locator("#diff-count").inner_text()) > 0, page.evaluate(
            "[document.querySelector('#cmp-a').value, document.querySelector('#cmp-b').value]")

        # 8. Download the report.
        page.click("button[data-tab='history']")
        page.click(f"button[data-open='{adopted_id}']")
        page.wait_for_selector("#dl-report-html")
        with page.expect_download() as dl:
            page.click("#dl-report-html")
        report = Path(dl.value.path()).read_text("utf-8")
        assert "<html" in report and alt_name in report
        # official outputs in prose: the changes and the locks as sentences, no code
        assert "女干部配备：女干部不少于 2 名 → 3 名" in report
        assert "锁定：吕昌全 任 中共尧都区委员会区委书记，理由：换届前保持稳定" in report
        for code in ("locks.", "{'", "{&#x27;", "min_women", "rules.R-"):
            assert code not in report, code
        # rules by their Chinese names: no rule code in the text a committee reads
        text = re.sub(r"<style.*?</style>|<[^>]*>", " ", report, flags=re.S)
        assert not re.findall(r"R-(?:EL|TC|RO|AV|RS)\d+", text)
        assert "女干部配备" in text
        with page.expect_download() as dl:
            page.click("#dl-forms-zip")
        with zipfile.ZipFile(dl.value.path()) as forms:
            texts = [re.sub(r"<[^>]*>", " ", forms.read(n).decode("utf-8"))  # the text only
                     for n in forms.namelist()]
        assert texts and not [t for t in texts if re.search(r"R-[A-Z]{2}\d|[a-z_]+=", t)]
        shot("report")
        scan("end")
        context.close()
        browser.close()

    print(f"screenshots in {SHOTS}: {', '.join(shots)}")
    assert len(shots) >= 13
    (SHOTS / "english-words.txt").write_text(
        "".join(f"{k}: {' '.join(v)}\n" for k, v in sorted(found.items())), "utf-8")
    assert not found, found

