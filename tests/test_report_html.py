"""`report.html`: one self-contained page (nothing fetched), every section, CJK fonts named.

When Debian's chromium is installed, a headless screenshot is taken to show
the page renders offline (the visual check itself is described in
docs/reports.md).
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from test_report_xlsx import solve_mini

from placement.export.report.data import load_result
from placement.export.report.html import build_report_html, write_report_html


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return load_result(solve_mini(tmp_path_factory.mktemp("html")))


@pytest.fixture(scope="module")
def page(result) -> str:
    return build_report_html(result, "zh")


def test_page_is_self_contained(page):
    assert not re.search(r"<script|<link|<iframe|<img|@import|url\(", page, re.I)
    links = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert links <= {"http://www.w3.org/2000/svg"}  # only the SVG namespace name


def test_page_names_cjk_fonts_and_declares_utf8(page):
    assert '<meta charset="utf-8">' in page and 'lang="zh-CN"' in page
    assert '"Noto Sans CJK SC"' in page and '"Microsoft YaHei"' in page


def test_every_section_is_there(page, result):
    for sid in ("summary", "structure", "ages", "rules", "roster"):
        assert f'<section id="{sid}">' in page
    for word in ("女干部", "年轻干部", "本地干部", "系统外交流", "党外干部", "调整前", "调整后"):
        assert word in page
    assert page.count("<svg") == 3  # structure totals and two age pyramids
    roster_rows = page.split('<section id="roster">')[1].count("<tr") - 1
    teams = len(result.data.teams)
    assert roster_rows == len(result.roster) + teams  # one group row per team
    # names appear in the report (never on the terminal): every proposed holder's, e.g.
    # 宋佳 (0022), the newcomer the mini solve makes 大槐树镇镇长 (马超 before issue 24)
    holders = set(result.roster["cadre_name"]) - {""}
    assert "宋佳" in holders and all(name in page.split('<section id="roster">')[1]
                                     for name in holders)


RULE_CODE = re.compile(r"R-(?:EL|TC|RO|AV|RS)\d")


def test_the_chinese_page_names_rules_without_codes(page, result):
    """The 规则达标 table names each rule in Chinese; no rule code anywhere in the text a
    committee reads (the English page keeps the code beside the name)."""
    text = re.sub(r"<style.*?</style>|<[^>]*>", " ", page, flags=re.S)
    assert not RULE_CODE.findall(text)
    rules = page.split('<section id="rules">')[1].split("</section>")[0]
    assert "女干部配备" in rules
    assert "R-TC5" in build_report_html(result, "en").split('<section id="rules">')[1]


def test_english_page(result):
    page = build_report_html(result, "en")
    assert 'lang="en"' in page and "Roster with reasons" in page and "Age pyramid" in page


def test_no_id_numbers_in_the_page(page, result):
    # the data set has no ID numbers; the page only carries what the tables show
    assert not re.search(r"\d{17}[\dXx]", page)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed")
def test_headless_chromium_renders_the_page(result, tmp_path):
    html = write_report_html(result, tmp_path / "report.html")
    png = tmp_path / "shot.png"
    run = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={png}",
         "--window-size=1200,1600", html.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert png.stat().st_size > 20_000


def test_alternates_section_when_the_result_has_them(tmp_path):
    """A result solved with alternates shows the shortlist, one group row per team;
    without alternates there is no such section (the fixture's page)."""
    from builders import mini_scenario

    from placement.data.loader import load_dataset
    from placement.data.scenario_io import load_scenario
    from placement.pipeline.run import run_solve

    sc = load_scenario(mini_scenario(tmp_path))
    data = load_dataset(sc.data, reference_date=sc.reference_date)
    out = tmp_path / "result"
    assert run_solve(sc, data, out, progress=False, alternates=1).exit_code == 0
    res = load_result(out)
    page = build_report_html(res, "zh")
    section = page.split('<section id="alternates">')[1]
    assert "备选人选" in section
    teams = res.alternates["post_id"].map(res.roster.set_index("post_id")["team_id"]).nunique()
    assert section.count("<tr") - 1 == len(res.alternates) + teams


def test_no_alternates_section_without_them(page):
    assert 'id="alternates"' not in page
