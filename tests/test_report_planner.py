"""The committee's report (issue 15, item 5): planner's cards, the what-if's changes in the
title and on the first page, rule rows that read one way, report.html's contents and
county pages, report.xlsx's print layout, reasons in words first, the diff report.

One baseline and one what-if (`extends` the baseline, R-TC5 min_women 2 → 1) are solved
per module from tests/data/mini.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import openpyxl
import pytest
from test_report_xlsx import solve_mini

from placement.data.loader import load_dataset
from placement.data.scenario_io import load_scenario
from placement.export.report.content import rules_frame
from placement.export.report.data import load_result
from placement.export.report.diff_report import write_diff_report
from placement.export.report.html import build_report_html
from placement.export.report.labels import rule_name
from placement.export.report.planner import (
    base_changes,
    planner_cards,
    report_title,
    rule_rows,
    unmet_targets,
)
from placement.export.report.xlsx import write_report_xlsx
from placement.export.xlsx_sheet import LINE_HEIGHT, ROW_FILL, WRAP_WIDTH
from placement.pipeline.run import run_solve
from placement.roster.result_folder import read_result
from placement.whatif.diff import diff_results


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    base = tmp_path_factory.mktemp("planner")
    baseline = solve_mini(base)
    whatif = base / "whatif.toml"
    whatif.write_text('extends = "mini.toml"\nname = "一名女干部"\n'
                      "[rules.R-TC5]\nmin_women = 1\n", "utf-8")
    sc = load_scenario(whatif)
    out = base / "whatif"
    assert run_solve(sc, load_dataset(sc.data, reference_date=sc.reference_date), out,
                     progress=False).exit_code == 0
    return baseline, out


@pytest.fixture(scope="module")
def base(folders):
    return load_result(folders[0])


@pytest.fixture(scope="module")
def whatif(folders):
    return load_result(folders[1])


def test_cards_count_in_planner_terms(base):
    cards = dict(planner_cards(base, "zh"))
    kinds = base.moves["kind"].value_counts()
    assert cards["提拔晋升"] == str(int(kinds.get("promotion", 0)))
    assert cards["退出班子"] == str(int(kinds.get("leaving", 0)))
    women = base.teams["women_before"].sum(), base.teams["women_after"].sum()
    assert cards["女干部"] == f"{women[0]} → {women[1]}"
    f = base.figures
    short = int(((f["shortfall"] > 0) & (f["rule"] != "R-RS1") & (f["mode"] != "off")).sum())
    assert cards["未达标目标（处）"] == str(short) == str(unmet_targets(base))
    assert "相对差距" not in cards and "求解状态" not in cards  # solver figures: footnote


def test_baseline_title_is_its_name(base):
    assert base_changes(base) == []
    assert report_title(base, "zh") == "测试方案"


def test_whatif_says_what_changed_against_its_base(whatif):
    # the file it extends has min_women = 2 (catalogue default); the what-if 1
    assert base_changes(whatif) == [("rules.R-TC5.min_women", 2, 1)]
    assert report_title(whatif, "zh") == (
        "一名女干部（假设调整：女干部配备：女干部不少于 2 名 → 1 名）")
    page = build_report_html(whatif, "zh")
    first = page[:page.index('id="structure"')]  # the summary section: the first page
    assert "与基准方案相比的改动" in first
    assert "<li>女干部配备：女干部不少于 2 名 → 1 名</li>" in first  # a sentence, not a setting


def test_rule_rows_read_one_way(base):
    rows = rule_rows(base, "zh").assign(rule=base.rules["rule"].to_numpy(),
                                        places=base.rules["places"].to_numpy(),
                                        short=base.rules["places_short"].to_numpy())
    one = rows[rows["places"] == 1]
    assert one["required_text"].str.match(r"^[≥≤] \d").all()
    many = rows[rows["places"] > 1]
    assert (many["required_text"] == "").all()  # a sum over places is no requirement
    for r in many.itertuples():
        assert r.places_met == f"{r.places - r.short}/{r.places}"
        assert r.verdict == ("仅供参考" if r.rule == "R-RS1" else
                             "未达标" if r.short else "达标")


def test_report_only_rule_is_information(base):
    frame = rules_frame(base, "zh")
    rs1 = frame[frame["rule"] == "R-RS1"].iloc[0]
    raw = base.rules[base.rules["rule"] == "R-RS1"].iloc[0]
    assert rs1["verdict"] == "仅供参考" and rs1["shortfall"] is None and rs1["where"] == ""
    assert rs1["achieved_text"] == f"{raw['achieved']}/{raw['required']}"
    page = build_report_html(base, "zh")
    row = re.search(rf"<tr class=\"info\"><td[^>]*>{rule_name('R-RS1', 'zh')}</td>.*?</tr>", page)
    assert row and "<td>—</td>" in row.group(0)  # no bar, no percentage


def test_page_has_contents_and_a_page_per_county(base):
    page = build_report_html(base, "zh")
    toc = page[page.index('<nav class="toc">'):page.index("</nav>")]
    for sid in ("summary", "structure", "rules", "counties", "roster", "technical"):
        assert f'href="#{sid}"' in toc and f'<section id="{sid}">' in page
    regions = sorted(set(base.data.teams["region"]))  # mini: HD and LF
    assert re.findall(r'<div class="county" id="county-([^"]+)">', page) == \
        list(dict.fromkeys(base.data.teams.set_index("name")["region"].reindex(
            base.roster["team_name"]).dropna()))
    assert len(regions) == 2
    assert ".county{break-before:page" in page
    tech = page[page.index('<section id="technical">'):]
    assert "求解状态" in tech and "相对差距" in tech


def test_workbook_prints_legibly(base, tmp_path):
    book = openpyxl.load_workbook(write_report_xlsx(base, tmp_path / "r.xlsx"))
    ws = book["拟任名单"]
    header = [c.value for c in ws[1]]
    reason = header.index("理由") + 1
    letter = ws.cell(row=1, column=reason).column_letter
    assert ws.column_dimensions[letter].width == WRAP_WIDTH
    assert ws.cell(row=2, column=reason).alignment.wrap_text
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert int(ws.page_setup.paperSize) == 9 and ws.print_title_rows == "$1:$1"
    assert ws.oddFooter.right.text == "&P / &N" and ws.oddFooter.left.text == "测试方案"
    changed = base.roster.set_index("post_id")["change"]
    for row in ws.iter_rows(min_row=2):
        filled = row[0].fill.fgColor.rgb.endswith(ROW_FILL)
        assert filled == (changed[row[1].value] != "stay"), row[1].value
    heights = [ws.row_dimensions[r].height for r in range(2, ws.max_row + 1)]
    assert all(h is None or (h - 2) % LINE_HEIGHT == 0 for h in heights)


def test_reasons_are_words_and_the_numbers_have_their_own_columns(base):
    """A roster reason opens with what the line is (or the rule that moved the holder),
    then the strengths in words; the score and its parts are in fit_detail, never in
    the reason."""
    worded = 0
    for row in base.roster.itertuples():
        parts = [p for p in row.reason_zh.split("；") if "理由：" not in p]  # a lock's reason
        assert not re.search(r"[0-9×]|R-[A-Z]", row.reason_zh), row.reason_zh
        assert not re.search(r"[0-9×]|R-[A-Z]", row.reason_en), row.reason_en
        assert str(row.fit_detail_zh).startswith(f"{row.fit}（"), row.fit_detail_zh
        worded += any(w in parts[1] for w in ("专业对口", "熟悉", "考核", "群众公认度高",
                                              "乡镇")) if len(parts) > 1 else 0
    assert worded > 0  # some lines name their strengths in words


def test_diff_report_writes_workbook_and_page(folders, tmp_path):
    a, b = (read_result(f) for f in folders)
    d = diff_results(a, b, ("base", "whatif"))
    names = dict(zip(a.roster["post_id"], a.roster["team_name"] + a.roster["title"],
                     strict=True))
    xlsx, html = write_diff_report(d, tmp_path, "zh", names,
                                   (a.summary["settings"], b.summary["settings"]))
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["概况", "职位差异", "调整差异", "结构差异", "规则差异"]
    first = list(book["概况"].iter_rows(min_row=2, values_only=True))[0]
    assert first[:3] == ("R-TC5 女干部配备 女干部最少人数", "2", "1")
    assert len(list(book["职位差异"].iter_rows(min_row=2))) == len(d.posts)
    page = html.read_text("utf-8")
    assert "方案比较：base → whatif" in page and 'href="#sheet_diff_posts"' in page


@pytest.mark.skipif(shutil.which("libreoffice") is None or shutil.which("pdftotext") is None,
                    reason="libreoffice or poppler-utils not installed")
def test_printed_workbook_is_one_a4_page_wide(base, tmp_path):
    """LibreOffice prints every sheet landscape A4 and the roster's first page holds its
    first and last columns (one page wide) above the report's title in the footer."""
    book = write_report_xlsx(base, tmp_path / "report.xlsx")
    run = subprocess.run(["libreoffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                          "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    pdf = tmp_path / "report.pdf"
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True,
                          text=True, check=True).stdout
    sizes = set(re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info))
    assert {(round(float(w)), round(float(h))) for w, h in sizes} == {(842, 595)}  # A4 across
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert "班子" in first and "理由" in first and "测试方案" in first  # footer: the title


def test_report_words_exist_in_both_languages():
    from placement.export.report.labels import REPORT_WORDS
    for key, (zh, en) in REPORT_WORDS.items():
        assert zh and en, key
        assert not re.search(r"[A-Za-z]{2,}", zh), (key, zh)  # Chinese: no English word


def test_english_report_reads_in_english(whatif):
    page = build_report_html(whatif, "en")
    assert "(what-if: women in county teams: women at least 2 people → 1 people)" in page
    assert "Contents" in page and "promotions" in page and "Technical note" in page
