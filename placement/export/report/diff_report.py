"""`diff.xlsx` and `diff.html`: two results compared for the meeting room
(`placement diff A B --report`).

The terminal tables of `placement diff` answer the analyst; a committee that
weighs a what-if against the baseline wants the same comparison on paper: what
settings differ, the headline figures side by side, every post whose holder
differs (names beside ids), every move that differs, the teams whose structure
changes and the rules whose shortfall moves. The frames are the diff's own
(`placement.whatif.diff.Diff`, passed in: export and what-if are sibling
layers); this module only puts words on them and lays them out, the workbook
with `placement.export.xlsx_sheet` (one A4 page wide) and the page as one
self-contained HTML file (no scripts, no links out), like report.html.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

import pandas as pd

from placement.data import atomic
from placement.data.words import value
from placement.export.report.html import CSS, esc
from placement.export.report.labels import rule_name, word
from placement.export.report.planner import change_value, flat, setting_label
from placement.export.xlsx_sheet import add_sheet, new_book, save_book


def settings_changes(a: dict | None, b: dict | None) -> pd.DataFrame:
    """(setting, A, B) for each effective setting (summary.json's `settings`) that
    differs; the name aside. Empty when either side has none recorded."""
    if not a or not b:
        return pd.DataFrame(columns=["setting", "a", "b"])
    fa, fb = flat(a), flat(b)
    keys = [k for k in sorted(set(fa) | set(fb)) if k != "name" and fa.get(k) != fb.get(k)]
    return pd.DataFrame({"setting": keys, "a": [fa.get(k) for k in keys],
                         "b": [fb.get(k) for k in keys]})


def _name(post_names: dict[str, str], post: object) -> str:
    post = "" if not isinstance(post, str) else post
    shown = post_names.get(post, "")
    return f"{post} {shown}".strip()


def diff_frames(d, lang: str, post_names: dict[str, str],
                settings: tuple[dict | None, dict | None] = (None, None)
                ) -> dict[str, tuple[pd.DataFrame, list[str]]]:
    """sheet key -> (frame in the report's language, headers)."""
    a, b = d.labels
    out: dict[str, tuple[pd.DataFrame, list[str]]] = {}
    changes = settings_changes(*settings)
    summary = pd.DataFrame({
        "figure": d.summary["figure"].map(lambda f: value(f, lang)),
        "a": d.summary["a"].map(lambda v: value(v, lang) if isinstance(v, str | bool) else v),
        "b": d.summary["b"].map(lambda v: value(v, lang) if isinstance(v, str | bool) else v),
        "change": d.summary["change"]})
    if len(changes):
        summary = pd.concat([pd.DataFrame({
            "figure": changes["setting"].map(lambda k: setting_label(k, lang)),
            "a": changes["a"].map(lambda v: change_value(v, lang)),
            "b": changes["b"].map(lambda v: change_value(v, lang)), "change": None}),
            summary], ignore_index=True)
    out["sheet_diff_summary"] = (summary, [word("figure", lang), a, b, word("difference", lang)])
    p = d.posts

    def holder(s: str) -> pd.Series:
        return (p[f"cadre_id_{s}"].astype(str) + " " + p[f"cadre_name_{s}"].astype(str) + "（"
                + p[f"change_{s}"].map(lambda c: value(c, lang) if c else "") + "）"
                ).where(p[f"cadre_id_{s}"] != "", "")

    out["sheet_diff_posts"] = (pd.DataFrame({
        "team": p["team_name"], "post_id": p["post_id"], "post": p["title"],
        "a": holder("a") if len(p) else [], "b": holder("b") if len(p) else []}),
        [word("team", lang), word("post_id", lang), word("post", lang),
         f"{word('holder_a', lang)}（{a}）", f"{word('holder_b', lang)}（{b}）"])
    m = d.moves

    def move(s: str) -> pd.Series:
        kind = m[f"kind_{s}"].map(lambda k: value(k, lang) if k else "")
        to = m[f"to_post_{s}"].map(lambda x: _name(post_names, x))
        return (kind + " → " + to).where(to != "", kind)

    out["sheet_diff_moves"] = (pd.DataFrame({
        "cadre_id": m["cadre_id"], "name": m["cadre_name"],
        "from_post": m["from_post"].map(lambda x: _name(post_names, x)),
        "side": m["side"].map(lambda x: value(x, lang)),
        "a": move("a") if len(m) else [], "b": move("b") if len(m) else []}),
        [word("cadre_id", lang), word("name", lang), word("from_post", lang),
         word("side", lang), a, b])
    s = d.structure
    s = s[(s["team_id"] == "all") | (s["change"].fillna(0) != 0)]
    out["sheet_diff_structure"] = (pd.DataFrame({
        "team": s["team_name"].where(s["team_id"] != "all", value("all", lang)),
        "figure": s["figure"].map(lambda f: value(f, lang)), "a": s["a"], "b": s["b"],
        "change": s["change"]}),
        [word("team", lang), word("figure", lang), a, b, word("difference", lang)])
    r = d.rules
    r = r[(r["shortfall_change"].fillna(0) != 0) | (r["mode_a"] != r["mode_b"])
          | (r["penalty_change"].fillna(0) != 0)]
    out["sheet_diff_rules"] = (pd.DataFrame({
        "rule": r["rule"] + " " + r["rule"].map(lambda x: rule_name(x, lang)),
        "scope": r["scope"].map(lambda x: value(x, lang)),
        "mode_a": r["mode_a"].map(lambda x: value(x, lang)),
        "mode_b": r["mode_b"].map(lambda x: value(x, lang)),
        "short_a": r["shortfall_a"], "short_b": r["shortfall_b"],
        "change": r["shortfall_change"]}),
        [word("rule", lang), word("scope", lang), f"{word('mode', lang)} {a}",
         f"{word('mode', lang)} {b}", f"{word('shortfall', lang)} {a}",
         f"{word('shortfall', lang)} {b}", word("difference", lang)])
    return out


def diff_title(d, lang: str) -> str:
    a, b = d.labels
    return f"{word('diff_title', lang)}：{a} → {b}" if lang == "zh" else \
        f"{word('diff_title', lang)}: {a} → {b}"


def write_diff_xlsx(d, out: Path, lang: str, post_names: dict[str, str],
                    settings: tuple[dict | None, dict | None] = (None, None)) -> Path:
    book = new_book()
    title = diff_title(d, lang)
    for key, (frame, headers) in diff_frames(d, lang, post_names, settings).items():
        add_sheet(book, word(key, lang), frame, headers, footer=title)
    save_book(book, out)
    return Path(out)


def build_diff_html(d, lang: str, post_names: dict[str, str],
                    settings: tuple[dict | None, dict | None] = (None, None)) -> str:
    title = diff_title(d, lang)
    sections = []
    for key, (frame, headers) in diff_frames(d, lang, post_names, settings).items():
        head = "".join(f"<th>{esc(h)}</th>" for h in headers)
        rows = "".join("<tr>" + "".join(
            f'<td class="{"n" if isinstance(v, int | float) else ""}">{esc(v)}</td>'
            for v in row) + "</tr>" for row in frame.itertuples(index=False, name=None))
        count = f"（{len(frame)}）" if lang == "zh" else f" ({len(frame)})"
        sections.append((key, word(key, lang) + count, f"<table><tr>{head}</tr>{rows}</table>"))
    notes = "".join(f'<p class="unmet">{esc(n)}</p>' for n in d.notes)
    contents = "".join(f'<li><a href="#{k}">{escape(h)}</a></li>' for k, h, _ in sections)
    body = "".join(f'<section id="{k}"><h2>{escape(h)}</h2>{t}</section>'
                   for k, h, t in sections)
    zh = lang == "zh"
    sub = f"生成于 {dt.date.today()}" if zh else f"generated {dt.date.today()}"
    return (f'<!DOCTYPE html><html lang="{"zh-CN" if zh else "en"}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
            f'<header><h1>{escape(title)}</h1><p class="sub">{escape(sub)}</p></header>{notes}'
            f'<nav class="toc"><h2>{esc(word("contents", lang))}</h2><ol>{contents}</ol></nav>'
            f"{body}</body></html>\n")


def write_diff_report(d, folder: Path, lang: str, post_names: dict[str, str],
                      settings: tuple[dict | None, dict | None] = (None, None)
                      ) -> tuple[Path, Path]:
    """diff.xlsx and diff.html in `folder` (created); returns both paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    xlsx = write_diff_xlsx(d, folder / "diff.xlsx", lang, post_names, settings)
    html = folder / "diff.html"
    atomic.write_bytes(html, build_diff_html(d, lang, post_names, settings).encode("utf-8"))
    return xlsx, html
