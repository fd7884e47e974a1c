"""Inline SVG charts for the HTML report: no JavaScript, no network, no fonts fetched.

The meeting-room report must open from a USB stick on a machine without
internet, so charts are drawn here as SVG text inside the page (a few
kilobytes, instead of a charting library's megabytes of inlined script).
Text in the charts inherits the page's CJK font stack.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from placement.meaning import causes

BEFORE, AFTER = "#9fb3c8", "#1f6fb2"
MEN, WOMEN = "#4a7fb5", "#d0608a"


def _text(x: float, y: float, s: str, anchor: str = "start", size: int = 13,
          weight: str = "normal", fill: str = "#222") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'font-weight="{weight}" fill="{fill}">{escape(str(s))}</text>')


def _rect(x: float, y: float, w: float, h: float, fill: str) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" fill="{fill}"/>'


def paired_bars(labels: list[str], before: list[float], after: list[float],
                legend: tuple[str, str], width: int = 640) -> str:
    """Horizontal bars, one pair (before, after) per label."""
    left, bar, gap = 170, 14, 12
    top = 30
    height = top + len(labels) * (2 * bar + gap) + 10
    scale = (width - left - 60) / max([*before, *after, 1])
    parts = [_rect(left, 8, 12, 12, BEFORE), _text(left + 16, 19, legend[0], size=12),
             _rect(left + 110, 8, 12, 12, AFTER), _text(left + 126, 19, legend[1], size=12)]
    for i, label in enumerate(labels):
        y = top + i * (2 * bar + gap)
        parts.append(_text(left - 8, y + bar + 4, label, anchor="end"))
        for k, (v, color) in enumerate(((before[i], BEFORE), (after[i], AFTER))):
            yy = y + k * bar
            parts.append(_rect(left, yy, v * scale, bar - 2, color))
            parts.append(_text(left + v * scale + 4, yy + bar - 3, f"{v:g}", size=11))
    return _svg(width, height, parts)


def pyramid(bands: pd.DataFrame, title: str, legend: tuple[str, str], vmax: int,
            width: int = 420) -> str:
    """An age pyramid: bands top (oldest) to bottom, men to the left, women to the right."""
    mid, bar, top = width / 2, 22, 34
    rows = bands.iloc[::-1].reset_index(drop=True)
    height = top + len(rows) * (bar + 4) + 10
    half = mid - 50
    scale = half / max(vmax, 1)
    parts = [_text(mid, 16, title, anchor="middle", size=15, weight="bold"),
             _text(mid - 26, 30, legend[0], anchor="end", size=11, fill=MEN),
             _text(mid + 26, 30, legend[1], anchor="start", size=11, fill=WOMEN)]
    for i, r in rows.iterrows():
        y = top + i * (bar + 4)
        men, women = int(r["men"]), int(r["women"])
        parts.append(_rect(mid - 22 - men * scale, y, men * scale, bar, MEN))
        parts.append(_rect(mid + 22, y, women * scale, bar, WOMEN))
        parts.append(_text(mid, y + bar - 6, r["band"], anchor="middle", size=11))
        parts.append(_text(mid - 26 - men * scale, y + bar - 6, str(men), anchor="end", size=11))
        parts.append(_text(mid + 26 + women * scale, y + bar - 6, str(women), size=11))
    return _svg(width, height, parts)


def _svg(width: float, height: float, parts: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0f}" '
            f'viewBox="0 0 {width} {height:.0f}" role="img">' + "".join(parts) + "</svg>")


# Why a post changed hands (`export.report.plan.CAUSES`): deadlines red, departures grey,
# other hard rules orange, chosen moves and vacancies filled blue.
# A rule's colour is the rule's own (`causes.CAUSES`).
CAUSE_COLOURS = {**{r: c.colour for r, c in causes.CAUSES.items() if c.colour},
                 "leaving": "#b0b8c4",
                 "other_rule": "#f0a030", "chosen": "#5b9bd5", "vacant": "#7fb77e"}
STAYS = "#eef2f6"


def timeline(years: list[int], rows: list[tuple[str, list[tuple[str, str]]]],
             counts: list[tuple[str, list[int]]], legend: list[tuple[str, str]],
             width: int = 900, left: int = 190) -> str:
    """A timeline: one row per post (`rows`: label, then per year the holder's name and
    why the post changed hands that year, "" when the holder stayed), one column per
    year; a changed cell is coloured by its cause (`CAUSE_COLOURS`), a kept one pale.
    `counts` rows (label, a number per year) come under it; `legend` is (cause, words);
    `left` is the width kept for the row labels."""
    top, row, foot = 46, 24, 20
    col = (width - left - 10) / max(len(years), 1)
    height = top + len(rows) * row + len(counts) * foot + 34
    parts = [_text(left + i * col + col / 2, top - 8, str(y), anchor="middle", weight="bold")
             for i, y in enumerate(years)]
    x = 10.0
    for cause, words in legend:
        parts += [_rect(x, 6, 12, 12, CAUSE_COLOURS[cause]), _text(x + 16, 17, words, size=11)]
        x += 28 + sum(11 if ord(ch) > 0x2E80 else 6.5 for ch in words)  # CJK glyphs are wider
    for j, (label, cells) in enumerate(rows):
        y = top + j * row
        parts.append(_text(left - 6, y + row - 8, label, anchor="end", size=12))
        for i, (name, cause) in enumerate(cells):
            fill = CAUSE_COLOURS.get(cause, STAYS)
            parts.append(_rect(left + i * col + 1, y + 1, col - 2, row - 2, fill))
            colour = "#fff" if cause else "#222"
            parts.append(_text(left + i * col + col / 2, y + row - 8, name, anchor="middle",
                               size=12, fill=colour))
    base = top + len(rows) * row + 16
    for j, (label, values) in enumerate(counts):
        y = base + j * foot
        parts.append(_text(left - 6, y, label, anchor="end", size=12, weight="bold"))
        parts += [_text(left + i * col + col / 2, y, str(v), anchor="middle", size=12)
                  for i, v in enumerate(values)]
    return _svg(width, height, parts)
