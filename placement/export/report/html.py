"""`report.html`: one self-contained page for the meeting room.

Summary, per-team structure before/after (women, young, locals, exchanged-in,
non-Party) with the checker's targets marked, the age pyramid before/after,
rule attainment and the roster with reasons. A plan folder (`placement plan`) gets
its own page: the plan year by year and, per county, a timeline of who holds each
head post each year, coloured by why a post changed hands, with the moves and forced
moves per year and the teams' figures each year (`build_plan_html`). Everything is inside the one
file: CSS inline, charts as inline SVG (`placement.export.report.svg`), no scripts,
no web fonts, no links out, so it opens offline on any machine and prints.
Chinese text renders with the CJK fonts the machine has: the font stack
names the common ones (Noto/Source Han on Linux, YaHei on Windows, PingFang
on macOS) and fonts are never downloaded.
"""

from __future__ import annotations

import datetime as dt
import math
from html import escape
from pathlib import Path

import pandas as pd

from placement.data import atomic
from placement.data.names import Names
from placement.export.report.content import (
    RULE_KEYS,
    age_bands,
    alternates_frame,
    notes,
    prices_frame,
    roster_frame,
    rules_frame,
    shortfalls_frame,
    structure_frame,
    team_targets,
)
from placement.export.report.labels import word
from placement.export.report.plan import (
    CAUSES,
    DEADLINES,
    FIGURES,
    PlanFolder,
    counties,
    head_table,
    team_table,
    year_table,
)
from placement.export.report.plan import say as plan_word
from placement.export.report.planner import (
    change_lines,
    planner_cards,
    report_title,
    technical_note,
)
from placement.export.report.svg import paired_bars, pyramid, timeline
from placement.roster.result_folder import Result

FONTS = ('"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
         '"Hiragino Sans GB", "WenQuanYi Micro Hei", "Noto Sans SC", sans-serif')
MAX_CAUSES = 30  # causes listed per rule; the workbook has all of them
HIGHLIGHT = ("women", "young", "locals", "exchanged_in", "non_party")

CSS = """
body{font-family:FONTS;margin:24px 32px;color:#1d2733;background:#fff;font-size:15px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;border-bottom:2px solid #1f6fb2;
padding-bottom:4px;margin-top:32px}.sub{color:#5a6878}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid #d5dde6;border-radius:6px;padding:10px 14px;min-width:130px}
.card b{display:block;font-size:22px}.card span{color:#5a6878;font-size:13px}
table{border-collapse:collapse;width:100%;font-size:13.5px;margin:8px 0}
th,td{border:1px solid #d5dde6;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#eaf1f8}td.n{text-align:right;font-variant-numeric:tabular-nums}
.met{background:#c6efce;color:#006100}.unmet{background:#ffc7ce;color:#9c0006;font-weight:bold}
tr.group td{background:#f3f6f9;font-weight:bold}tr.changed td{background:#fffbe6}
.badge{display:inline-block;padding:0 6px;border-radius:8px;font-size:12px;background:#e4e9ef;
white-space:nowrap}.nw{white-space:nowrap}
.badge.new,.badge.moved_in{background:#ffe7a3}.small{color:#6b7785;font-size:12px}
.bar{background:#e4e9ef;width:120px;height:10px;display:inline-block;vertical-align:middle}
.bar i{display:block;height:10px;background:#2e8b57}.bar.short i{background:#d9534f}
.charts{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
.whatif{border-left:4px solid #d98e04;background:#fff8e6;padding:4px 12px;margin:12px 0}
.whatif h3{font-size:16px;margin:6px 0}.whatif table{width:auto}
tr.info td{color:#5a6878;background:#f6f8fa}tr.short td:first-child{border-left:4px solid #d9534f}
.toc ol{columns:2;margin:4px 0}.toc a{color:#1f6fb2;text-decoration:none}
.county h3{font-size:18px;margin:18px 0 6px}.county table{font-size:13px}
@media print{body{margin:8mm}h2{break-after:avoid}tr{break-inside:avoid}
.county{break-before:page;break-inside:avoid}.county table{font-size:11.5px}
.county td,.county th{padding:2px 4px}#roster,#technical{break-before:page}}
""".replace("FONTS", FONTS)


def esc(v) -> str:
    """A cell's text for HTML: empty for a missing value, floats without trailing zeros,
    escaped (the report's and the diff page's one formatter)."""
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, float):
        return f"{v:g}"
    return escape(str(v))


def _summary(res: Result, lang: str) -> str:
    """Planner's cards, the what-if's changes against its base, and the notes."""
    body = "".join(f'<div class="card"><b>{esc(v)}</b><span>{esc(k)}</span></div>'
                   for k, v in planner_cards(res, lang))
    note = "".join(f'<p class="unmet">{escape(n)}</p>' for n in notes(res, lang))
    lines = change_lines(res, lang)  # in words: "女干部配备：女干部不少于 2 名 → 3 名"
    if lines:
        items = "".join(f"<li>{esc(line)}</li>" for line in lines)
        note += (f'<div class="whatif"><h3>{esc(word("changes_head", lang))}</h3>'
                 f"<ul>{items}</ul></div>")
    return f'<div class="cards">{body}</div>{note}'


def _structure(res: Result, lang: str) -> str:
    frame, marks = structure_frame(res, lang)
    totals_b = [float(frame[f"{m}_before"].sum()) for m in HIGHLIGHT]
    totals_a = [float(frame[f"{m}_after"].sum()) for m in HIGHLIGHT]
    chart = paired_bars([word(m, lang) for m in HIGHLIGHT], totals_b, totals_a,
                        (word("before", lang), word("after", lang)))
    targets = team_targets(res)
    short = targets.assign(short=targets["shortfall"] > 0).groupby("column")["short"].agg(
        ["sum", "count"])
    lines = []
    for col in HIGHLIGHT:
        if col in short.index:
            met = int(short.loc[col, "count"] - short.loc[col, "sum"])
            lines.append(f"{word(col, lang)}: {met}/{int(short.loc[col, 'count'])}")
    head = (f"<tr><th rowspan=2>{word('team', lang)}</th><th rowspan=2>{word('posts', lang)}</th>"
            + "".join(f"<th colspan=2>{word(m, lang)}</th>" for m in (*HIGHLIGHT, "avg_age"))
            + f"<th rowspan=2>{word('other_short', lang)}</th></tr><tr>"
            + f"<th>{word('before', lang)}</th><th>{word('after', lang)}</th>"
            * (len(HIGHLIGHT) + 1) + "</tr>")
    rows = []
    for i, r in frame.iterrows():
        cells = [f"<td>{esc(r['team'])}</td>", f'<td class="n">{esc(r["posts"])}</td>']
        for m in (*HIGHLIGHT, "avg_age"):
            for when in ("before", "after"):
                mark = marks.get((i, f"{m}_{when}"), "")
                cells.append(f'<td class="n {mark}">{esc(r[f"{m}_{when}"])}</td>')
        cells.append(f'<td class="small">{esc(r["other_short"])}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    met_line = ("达标班子数（调整后）：" if lang == "zh" else "teams meeting the target after: ")
    legend = ('<span class="met">&nbsp;达标&nbsp;</span> <span class="unmet">&nbsp;未达标&nbsp;'
              '</span>（目标由独立核查程序计算）' if lang == "zh" else
              '<span class="met">&nbsp;met&nbsp;</span> <span class="unmet">&nbsp;short&nbsp;'
              '</span> (targets computed by the independent checker)')
    return (f'<div class="charts">{chart}<div><p>{met_line}{escape("; ".join(lines))}</p>'
            f'<p>{legend}</p></div></div><table>{head}{"".join(rows)}</table>')


def _ages(res: Result, lang: str) -> str:
    bands = age_bands(res)
    vmax = int(bands[["men", "women"]].to_numpy().max()) if len(bands) else 1
    legend = ("男", "女") if lang == "zh" else ("men", "women")
    charts = [pyramid(bands[bands["when"] == w], word(w, lang), legend, vmax)
              for w in ("before", "after")]
    return f'<div class="charts">{"".join(charts)}</div>'


# Rule table cells: figures right-aligned, names wrap, codes and ids stay on one line.
CELL_CLASS = {k: "n nw" for k in ("required_text", "achieved_text", "shortfall", "places_met")
              } | {"rule_name": ""}


def _rule_keys(keys: tuple[str, ...], lang: str) -> list[str]:
    """The columns a rule table shows: the Chinese page names a rule by its Chinese name
    only (a committee reads 女干部配备, not R-TC5); the English page keeps the code beside
    the name, and report.xlsx's working tables keep it in both."""
    return [k for k in keys if not (k == "rule" and lang == "zh")]


def _rules(res: Result, lang: str) -> str:
    r = rules_frame(res, lang)
    keys = _rule_keys(tuple(k for k in RULE_KEYS if k != "where"), lang)
    head = "".join(f"<th>{word(k, lang)}</th>" for k in keys)
    head += f"<th>{word('met', lang)}</th><th>{word('where', lang)}</th>"
    if "cause" in r:
        head += f"<th>{word('cause', lang)}</th>"
    short = shortfalls_frame(res, lang)
    causes = ({} if short is None else
              short[short["cause"] != ""].groupby("rule")["cause"].agg(list).to_dict())
    info, unmet = word("info", lang), word("unmet", lang)
    rows = []
    for _, x in r.iterrows():
        places = float(x["places"] or 0)
        ok = 1.0 if places == 0 else (places - float(x["places_short"])) / places
        cls = "bar short" if x["places_short"] else "bar"
        cells = "".join(f'<td class="{CELL_CLASS.get(k, "nw")}">{esc(x[k])}</td>'
                        for k in keys)
        if x["verdict"] == info or places == 0:  # nothing to meet: no bar, not a full one
            cells += "<td>—</td>"
        else:
            cells += (f'<td class=nw><span class="{cls}"><i style="width:{ok:.0%}"></i></span> '
                      f"{math.floor(ok * 100)}%</td>")
        where = str(x["where"] or "")  # rules_frame: only where a rule is short
        why = causes.get(x["rule"], []) if x["verdict"] == unmet else []
        if why:
            items = "".join(f"<li>{esc(c)}</li>" for c in why[:MAX_CAUSES])
            more = f"<li>… {len(why) - MAX_CAUSES}</li>" if len(why) > MAX_CAUSES else ""
            where_html = (f"<details><summary>{esc(where[:60])}{'…' if len(where) > 60 else ''}"
                          f"</summary><ul>{items}{more}</ul></details>")
        elif len(where) > 80:
            where_html = f"<details><summary>{esc(where[:60])}…</summary>{esc(where)}</details>"
        else:
            where_html = esc(where)
        cells += f'<td class="small">{where_html}</td>'
        if "cause" in r:
            cells += f'<td class="small">{esc(x["cause"])}</td>'
        cls_row = ' class="info"' if x["verdict"] == info else (
            ' class="short"' if x["verdict"] == unmet else "")
        rows.append(f"<tr{cls_row}>{cells}</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _by_team(frame: pd.DataFrame, keys: tuple[str, ...], lang: str, line, colgroup: str = ""
             ) -> str:
    """A table with a header, one group row where the team changes and `line(x)` (a
    `<tr>…</tr>`) for each row of `frame`."""
    head = "".join(f"<th>{word(k, lang)}</th>" for k in keys)
    rows, team = [], None
    for _, x in frame.iterrows():
        if x["team"] != team:
            team = x["team"]
            rows.append(f'<tr class="group"><td colspan="{len(keys)}">{esc(team)}</td></tr>')
        rows.append(line(x))
    return f"<table>{colgroup}<tr>{head}</tr>{''.join(rows)}</table>"


def _roster(res: Result, lang: str) -> str:
    change_code = res.roster.set_index("post_id")["change"]

    def line(x) -> str:
        code = change_code.get(x["post_id"], "")
        cls = ' class="changed"' if code != "stay" else ""
        return (f"<tr{cls}><td>{esc(x['post'])}</td>"
                f"<td class=nw>{esc(x['proposed'])} <span class=small>{esc(x['proposed_id'])}"
                f"</span></td>"
                f"<td class=nw>{esc(x['current'])} <span class=small>{esc(x['current_id'])}"
                f"</span></td>"
                f'<td><span class="badge {escape(code)}">{esc(x["change"])}</span></td>'
                f"<td>{esc(x['reason'])}</td></tr>")

    cols = ('<colgroup><col style="width:20%"><col style="width:10%"><col style="width:10%">'
            '<col style="width:5%"><col></colgroup>')
    return _by_team(roster_frame(res, lang), ("post", "proposed", "current", "change", "reason"),
                    lang, line, cols)


def _alternates(res: Result, lang: str) -> str:
    """The shortlist per post (差额人选), grouped by team, when the result has one."""

    def line(x) -> str:
        return (f"<tr><td>{esc(x['post'])}</td><td class=n>{esc(x['rank'])}</td>"
                f"<td class=nw>{esc(x['name'])} <span class=small>{esc(x['cadre_id'])}</span></td>"
                f"<td class=n>{esc(x['objective_change'])}</td>"
                f"<td class=n>{esc(x['lines_changed'])}</td>"
                f"<td class=small>{esc(x['reason'])}</td></tr>")

    return _by_team(alternates_frame(res, lang),
                    ("post", "rank", "name", "objective_change", "lines_changed", "reason"),
                    lang, line)


def _prices(res: Result, lang: str) -> str:
    """What each rule costs (prices.csv): a line per rule, then the dearest places of each
    team minimum, each in words, with the LP estimate beside the exact price."""
    frame = prices_frame(res, lang)
    keys = _rule_keys(("rule", "rule_name", "price_where", "price_cost", "price_estimate",
                       "price_fit", "price_lines", "price_words", "price_note"), lang)
    head = "".join(f"<th>{esc(word(k, lang))}</th>" for k in keys)
    numbers = ("price_cost", "price_estimate", "price_fit", "price_lines")

    def cell(k: str, v) -> str:
        if k in numbers:
            return f'<td class="n">{esc(v)}</td>'
        cls = "small" if k in ("price_words", "price_note") else "nw"
        return f'<td class="{cls}">{esc(v)}</td>'

    rows = "".join("<tr>" + "".join(cell(k, x[k]) for k in keys) + "</tr>"
                   for x in frame.to_dict("records"))
    why = ("影响：该规则使目标值、人岗相适减少（负数）或增加多少，即放宽一步（硬性改为目标、"
           "目标数降低1、单个班子或县降低1名、免除单项要求）后重新求解、经独立校验的名单与"
           "本方案之差的相反数；对偶估计为线性松弛的快速估计。"
           if lang == "zh" else
           "effect: what the rule takes from (negative) or adds to the objective and fit, "
           "the proposal against the roster with the rule one step looser (a hard rule made "
           "a target, a count lowered by one, one team or county needing one fewer, one "
           "instance waived), re-solved and checked independently; the dual estimate is the "
           "LP's quick guess.")
    return f'<p class="small">{esc(why)}</p><table class="grid"><tr>{head}</tr>{rows}</table>'


def _counties(res: Result, lang: str) -> str:
    """One printed page per county (市、县、区): its teams, each post's proposed and
    current holder, the change, and the team's women / young / non-Party after."""
    frame = roster_frame(res, lang)
    region_of = res.data.teams.set_index("name")["region"]
    frame["region"] = frame["team"].map(region_of).fillna("")
    names = Names(res.data)
    teams = res.teams.set_index("team_name")
    change_code = res.roster.set_index("post_id")["change"]
    pages = []
    for region, block in frame.groupby("region", sort=False):
        rows = []
        for team, members in block.groupby("team", sort=False):
            t = teams.loc[team] if team in teams.index else None
            figures = "" if t is None else "　".join(
                f"{word(m, lang)} {t[f'{m}_before']}→{t[f'{m}_after']}"
                for m in ("women", "young", "non_party"))
            rows.append(f'<tr class="group"><td colspan="5">{esc(team)}'
                        f'<span class="small" style="float:right">{esc(figures)}</span></td></tr>')
            for _, x in members.iterrows():
                code = change_code.get(x["post_id"], "")
                cls = ' class="changed"' if code != "stay" else ""
                rows.append(f"<tr{cls}><td>{esc(x['post'])}</td><td class=nw>{esc(x['proposed'])}"
                            f"</td><td class=nw>{esc(x['birth'])}</td>"
                            f"<td class=nw>{esc(x['current'])}</td>"
                            f'<td><span class="badge {escape(code)}">{esc(x["change"])}</span>'
                            "</td></tr>")
        head = "".join(f"<th>{word(k, lang)}</th>"
                       for k in ("post", "proposed", "birth", "current", "change"))
        title = f"{names.name(region, lang) or region}{word('county_plan', lang)}"
        pages.append(f'<div class="county" id="county-{escape(str(region))}"><h3>{esc(title)}'
                     f"</h3><table>{'<tr>' + head + '</tr>'}{''.join(rows)}</table></div>")
    return "".join(pages)


def build_report_html(res: Result, lang: str = "zh") -> str:
    zh = lang == "zh"
    title = report_title(res, lang)
    sub = (f"参照日期 {res.scenario.reference_date}　生成于 {dt.date.today()}" if zh else
           f"reference date {res.scenario.reference_date}, generated {dt.date.today()}")
    sections = [
        ("summary", "方案概况" if zh else "Summary", _summary(res, lang)),
        ("structure", "班子结构（调整前后）" if zh else "Team structure before and after",
         _structure(res, lang)),
        ("ages", "年龄结构" if zh else "Age pyramid", _ages(res, lang)),
        ("rules", "规则达标" if zh else "Rule attainment", _rules(res, lang)),
        ("counties", word("county_plans", lang), _counties(res, lang)),
        ("roster", "拟任名单及理由" if zh else "Roster with reasons", _roster(res, lang)),
    ]
    if res.alternates is not None:
        sections.append(("alternates", "备选人选（差额）" if zh else "Alternates",
                         _alternates(res, lang)))
    if res.prices is not None:
        sections.append(("prices", word("sheet_prices", lang), _prices(res, lang)))
    sections.append(("technical", word("tech_note", lang),
                     f'<p class="small">{esc(technical_note(res, lang))}</p>'))
    contents = "".join(f'<li><a href="#{sid}">{escape(h)}</a></li>' for sid, h, _ in sections)
    toc = f'<nav class="toc"><h2>{esc(word("contents", lang))}</h2><ol>{contents}</ol></nav>'
    return _page(title, sub, sections, zh, toc)


def _page(title: str, sub: str, sections: list, zh: bool, toc: str = "") -> str:
    """The one page shell both reports share: title, subtitle, an optional contents
    list, then each (id, heading, html) section."""
    body = "".join(f'<section id="{escape(sid)}"><h2>{escape(h)}</h2>{html}</section>'
                   for sid, h, html in sections)
    return (f'<!DOCTYPE html><html lang="{"zh-CN" if zh else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
            f'<header><h1>{escape(title)}</h1><p class="sub">{escape(sub)}</p></header>'
            f"{toc}{body}</body></html>\n")


def write_report_html(res: Result, out: Path, lang: str = "zh") -> Path:
    """Write the page to `out` atomically (UTF-8); returns `out`."""
    atomic.write_bytes(Path(out), build_report_html(res, lang).encode("utf-8"))
    return Path(out)


# ------------------------------------------------------------------- a plan folder


def _frame_table(frame: pd.DataFrame, keys: list[str], lang: str) -> str:
    """A plain table of `frame[keys]` under the plan report's words."""
    head = "".join(f"<th>{escape(plan_word(k, lang))}</th>" for k in keys)
    rows = "".join("<tr>" + "".join(
        f'<td class="{"n" if isinstance(x[k], int | float) else ""}">{esc(x[k])}</td>'
        for k in keys) + "</tr>" for x in frame[keys].to_dict("records"))
    return f'<table class="grid"><tr>{head}</tr>{rows}</table>'


def plan_years_table(by_year: pd.DataFrame, lang: str) -> str:
    """`year_table`'s rows as the page's table (the solve, posts changing by cause)."""
    return _frame_table(by_year, list(by_year.columns), lang)


def county_section(plan: PlanFolder, region: str, heads: pd.DataFrame, teams: pd.DataFrame,
            lang: str) -> str:
    """One county: the timeline of its head posts with its moves per year, then its
    teams' figures year by year."""
    years = plan.years
    rows = []
    titles = heads.drop_duplicates("post_id")["title"]
    named = titles.duplicated(keep=False).any()  # 局长 in many teams: say whose
    for _, post in heads.groupby("post_id", sort=False):
        cells = {int(y): (n, c) for y, n, c in zip(post["year"], post["holder"], post["cause"],
                                                   strict=True)}
        label = str(post["title"].iloc[0])
        if named:
            label = f"{str(post['team'].iloc[0])[:12]}·{label}"
        rows.append((label, [cells.get(y, ("", "")) for y in years]))
    by_year = year_table(plan, lang, region)
    counts = [(plan_word("changed", lang), by_year["changed"].tolist()),
              (plan_word("forced", lang), by_year["forced"].tolist())]
    legend = [(c, c if c in DEADLINES else plan_word(c, lang)) for c in CAUSES]
    chart = timeline(years, rows, counts, legend, left=330 if named else 190)
    figures = _frame_table(teams[teams["region"] == region],
                           ["team_name", "year", *FIGURES, "changed_posts"], lang)
    return (f'<div class="charts">{chart}</div>'
            f"<details><summary>{escape(plan_word('figures', lang))}</summary>{figures}"
            "</details>")


def build_plan_html(plan: PlanFolder, lang: str = "zh") -> str:
    """The plan report page: the plan year by year, then per county the timeline of
    its head posts and its teams' figures each year (module docstring: one file, inline
    SVG, no script, no network)."""
    zh = lang == "zh"
    s = plan.summary
    title = f"{s.get('name') or ''} {plan_word('plan_title', lang)}".strip()
    sub = (f"{len(plan.years)} 年（{plan.years[0]}–{plan.years[-1]}）　生成于 {dt.date.today()}"
           if zh else f"{len(plan.years)} years ({plan.years[0]}–{plan.years[-1]}), "
           f"generated {dt.date.today()}")
    by_year = year_table(plan, lang)
    cards = [(plan_word("years", lang), f"{s['years_solved']}/{s['years_requested']}"),
             (plan_word("total_s", lang), f"{s['seconds']:.1f}"),
             (plan_word("changed", lang), int(by_year["changed"].sum())),
             (plan_word("forced", lang), int(by_year["forced"].sum())),
             (plan_word("check", lang), plan_word("passed" if s["ok"] else "failed", lang))]
    body = "".join(f'<div class="card"><b>{esc(v)}</b><span>{esc(k)}</span></div>'
                   for k, v in cards)
    sections = [("plan", plan_word("plan_title", lang), f'<div class="cards">{body}</div>'
                 f"{plan_years_table(by_year, lang)}")]
    heads, teams, names = head_table(plan, lang), team_table(plan), counties(plan)
    for region, name in names.items():
        part = county_section(plan, region, heads[heads["region"] == region], teams, lang)
        sections.append((f"county-{region}", f"{name}（{region}）" if zh else f"{name} ({region})",
                         part))
    return _page(title, sub, sections, zh)


def write_plan_html(plan: PlanFolder, out: Path, lang: str = "zh") -> Path:
    """Write the plan page to `out` atomically (UTF-8); returns `out`."""
    atomic.write_bytes(Path(out), build_plan_html(plan, lang).encode("utf-8"))
    return Path(out)
