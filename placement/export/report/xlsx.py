"""`report.xlsx`: the result folder as a workbook a planner reads and files.

Sheets (Chinese names and headers by default, English with lang="en"):
拟任名单 the roster by team in post order with the reason for each line;
调整清单 every move; 班子结构 each team before/after with the checker's
targets marked green (met) or red (short); 规则达标 each rule's target,
achievement and where it falls short; 未达标原因 the cause of each
shortfall (only when the result folder has shortfalls.csv); 备选人选
alternates (only when it has alternates.csv); 规则代价 what each rule costs (only
when it has prices.csv, `placement solve --prices`); 说明 the what-if's changes
against its base, scenario, parameters, solver status, gap, times and input
checksums. Changed roster lines and rules short are filled light yellow; every
sheet prints one A4 page wide with the report's title in the footer. A plan folder
(`placement plan`) gets its own workbook, `build_plan_book`, led by the 换届规划
sheet. Layout: `placement.export.xlsx_sheet`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from placement.export.report.content import (
    METRICS,
    PRICE_KEYS,
    RULE_KEYS,
    about_rows,
    alternates_frame,
    dismissals_frame,
    moves_frame,
    prices_frame,
    roster_frame,
    rules_frame,
    shortfalls_frame,
    structure_frame,
)
from placement.export.report.labels import word
from placement.export.report.plan import PlanFolder, head_table, team_table, year_table
from placement.export.report.plan import say as plan_word
from placement.export.report.planner import report_title
from placement.export.xlsx_sheet import add_sheet, new_book, save_book
from placement.roster.result_folder import Result

ROSTER_KEYS = ("team", "post_id", "post", "post_rank", "proposed", "proposed_id", "birth",
               "current", "current_id", "change", "fit", "reason")
MOVES_KEYS = ("cadre_id", "name", "from_team", "from_post", "to_team", "to_post", "kind",
              "required_by", "reason")
HEAD_KEYS = ("county", "team", "post_id", "title", "year", "holder", "holder_id", "cause_words",
             "reason")
LINE_KEYS = ("year", "team_id", "post_id", "title", "holder_name", "holder", "change",
             "cause", "reason", "previous_holder", "holder_from", "required_by", "target_due",
             "departure")
ALT_KEYS = ("team", "post_id", "post", "rank", "cadre_id", "name", "objective_change",
            "lines_changed", "breaks", "reason")


def structure_headers(columns, lang: str) -> list[str]:
    """`women_after` -> 女干部（调整后） / "women after"."""
    out = []
    for col in columns:
        metric, _, when = col.rpartition("_")
        if when in ("before", "after") and metric in METRICS:
            out.append(f"{word(metric, lang)}（{word(when, lang)}）" if lang == "zh"
                       else f"{word(metric, lang)} {word(when, lang)}")
        else:
            out.append(word(col, lang))
    return out


def build_report_book(res: Result, lang: str = "zh"):
    """The report workbook (an openpyxl Workbook), not yet saved."""
    book = new_book()
    title = report_title(res, lang)
    roster = roster_frame(res, lang)[list(ROSTER_KEYS)]
    changed = (res.roster.set_index("post_id")["change"].reindex(roster["post_id"])
               .fillna("stay") != "stay").tolist()
    add_sheet(book, word("sheet_roster", lang), roster, [word(k, lang) for k in ROSTER_KEYS],
              highlight=changed, footer=title)
    moves = moves_frame(res, lang)[list(MOVES_KEYS)]
    add_sheet(book, word("sheet_moves", lang), moves, [word(k, lang) for k in MOVES_KEYS],
              footer=title)
    if res.dismissals is not None:
        leaving = dismissals_frame(res, lang)
        add_sheet(book, word("sheet_dismissals", lang), leaving,
                  [word(k, lang) for k in leaving.columns], footer=title)
    structure, marks = structure_frame(res, lang)
    add_sheet(book, word("sheet_structure", lang), structure,
              structure_headers(structure.columns, lang), marks=marks, footer=title)
    rules = rules_frame(res, lang)
    keys = [*RULE_KEYS, *(["cause"] if "cause" in rules else [])]
    add_sheet(book, word("sheet_rules", lang), rules[keys], [word(k, lang) for k in keys],
              highlight=(rules["verdict"] == word("unmet", lang)).tolist(), footer=title,
              right=("required_text", "achieved_text", "places_met"))
    shortfalls = shortfalls_frame(res, lang)
    if shortfalls is not None:
        add_sheet(book, word("sheet_shortfalls", lang), shortfalls,
                  [word(k, lang) for k in shortfalls.columns], footer=title)
    alternates = alternates_frame(res, lang)
    if alternates is not None:
        add_sheet(book, word("sheet_alternates", lang), alternates[list(ALT_KEYS)],
                  [word(k, lang) for k in ALT_KEYS], footer=title)
    prices = prices_frame(res, lang)
    if prices is not None:
        add_sheet(book, word("sheet_prices", lang), prices[list(PRICE_KEYS)],
                  [word(k, lang) for k in PRICE_KEYS], footer=title,
                  highlight=(prices["price_cost"] < 0).tolist())
    about = pd.DataFrame(about_rows(res, lang), columns=["item", "value"])
    add_sheet(book, word("sheet_about", lang), about, [word("item", lang), word("value", lang)],
              filters=False, footer=title)
    return book


def write_report_xlsx(res: Result, out: Path, lang: str = "zh") -> Path:
    """Write the workbook to `out` atomically; returns `out`."""
    save_book(build_report_book(res, lang), out)
    return Path(out)


def build_plan_book(plan: PlanFolder, lang: str = "zh"):
    """The plan workbook: 换届规划 (per year: the solve, posts changing, forced moves by
    cause), 正职逐年 (who holds each head post each year and why it changed hands),
    班子逐年 (each team's figures each year) and 逐年调整 (plan.csv's lines)."""
    book = new_book()
    years = year_table(plan, lang)
    add_sheet(book, plan_word("sheet_years", lang), years,
              [plan_word(k, lang) for k in years.columns])
    heads = head_table(plan, lang)[list(HEAD_KEYS)]
    add_sheet(book, plan_word("sheet_heads", lang), heads,
              [plan_word(k, lang) for k in HEAD_KEYS])
    teams = team_table(plan)
    add_sheet(book, plan_word("sheet_teams", lang), teams,
              [plan_word(k, lang) for k in teams.columns])
    lines = plan.lines.assign(cause=plan.lines["cause"].map(lambda c: plan_word(c, lang)))
    add_sheet(book, plan_word("sheet_lines", lang), lines[list(LINE_KEYS)],
              [plan_word(k, lang) for k in LINE_KEYS])
    return book


def write_plan_xlsx(plan: PlanFolder, out: Path, lang: str = "zh") -> Path:
    """Write the plan workbook to `out` atomically; returns `out`."""
    save_book(build_plan_book(plan, lang), out)
    return Path(out)
