"""The sweep's trade-off chart: a self-contained HTML page with an inline SVG.

Why drawn by hand: the page must open on an office machine with no internet and
no extra software, and be mailed as one file. An SVG scatter with the Pareto
front marked and a table of every row needs no JavaScript library at all.

The Pareto front: the runs with a roster that no other run beats on both axes
(at least as good on each, better on one), each axis maximised or minimised
(`[chart]` in the sweep file; fit and women are maximised by default).

In the user's language (`placement.data.words`; `placement sweep --lang`):
headers, figures and settings in words, ids and rule ids as written. Chinese unless
told otherwise, from Python too (`api.sweep(…)`), like every file written for
planners (report.xlsx, report.html, the data workbook).
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd

from placement.data.words import setting, shown
from placement.whatif.sweep.spec import Chart, Sweep

# Sentences of the page: key -> (zh, en).
_TEXT = {
    "none": ("尚无方案得到名单。", "No run has a roster yet."),
    "max": ("越大越好", "higher is better"), "min": ("越小越好", "lower is better"),
    "tip": ("方案 {run}：{name}\n{x} = {vx}，{y} = {vy}\n目标值 {objective}，状态 {status}",
            "run {run}: {name}\n{x} = {vx}, {y} = {vy}\nobjective {objective}, status {status}"),
    "front": ("\n帕累托前沿", "\nPareto front"),
    "intro": ("基准场景 <code>{base}</code>；{done}/{runs} 个方案已完成。红色：{x} 对 {y} 的"
              "帕累托前沿（{front} 个方案）；鼠标悬停可看方案。",
              "Base scenario <code>{base}</code>; {done} of {runs} runs finished. Red: the "
              "Pareto front of {x} against {y} ({front} run(s)); hover a point for its run."),
    "runs": ("各方案", "Runs"), "sweep": ("参数扫描", "sweep"),
}


def _t(key: str, lang: str, **params) -> str:
    return _TEXT[key][0 if lang == "zh" else 1].format(**params)


W, H = 760, 480
LEFT, RIGHT, TOP, BOTTOM = 80, 30, 30, 60


def pareto_front(rows: pd.DataFrame, chart: Chart) -> pd.Series:
    """True for the rows on the Pareto front of `chart.x` against `chart.y`."""
    front = pd.Series(False, index=rows.index)
    if chart.x not in rows or chart.y not in rows or "status" not in rows:
        return front
    ok = rows["status"].isin(["optimal", "feasible"])
    if "check_ok" in rows:
        ok &= rows["check_ok"].eq(True)
    x = pd.to_numeric(rows[chart.x], errors="coerce")
    y = pd.to_numeric(rows[chart.y], errors="coerce")
    ok &= x.notna() & y.notna()
    if not ok.any():
        return front
    xs = x[ok].to_numpy(float) * (1 if chart.sense("x") == "max" else -1)
    ys = y[ok].to_numpy(float) * (1 if chart.sense("y") == "max" else -1)
    # Dominated: another point at least as good on both axes and better on one.
    ge = (xs[None, :] >= xs[:, None]) & (ys[None, :] >= ys[:, None])
    gt = (xs[None, :] > xs[:, None]) | (ys[None, :] > ys[:, None])
    dominated = (ge & gt).any(axis=1)
    front[ok[ok].index] = ~dominated
    return front


def _nice_ticks(lo: float, hi: float, n: int = 6) -> list[float]:
    """Round tick values covering [lo, hi]; the first and last lie on or beyond them."""
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first, last = math.floor(lo / step), math.ceil(hi / step)
    return [round(k * step, 10) for k in range(first, last + 1)]


def _fmt(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float | np.floating):
        return f"{v:,.1f}" if v != int(v) else f"{int(v):,}"
    if isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_):
        return f"{int(v):,}"
    return str(v)


def _svg(rows: pd.DataFrame, chart: Chart, lang: str) -> str:
    ok = rows["status"].isin(["optimal", "feasible"]) if "status" in rows else rows.index < 0
    x = pd.to_numeric(rows.get(chart.x), errors="coerce")
    y = pd.to_numeric(rows.get(chart.y), errors="coerce")
    show = ok & x.notna() & y.notna() if len(rows) else ok
    if not show.any():
        return f"<p>{_t('none', lang)}</p>"
    xs, ys = x[show], y[show]
    xlo, xhi = float(xs.min()), float(xs.max())
    ylo, yhi = float(ys.min()), float(ys.max())
    xt, yt = _nice_ticks(xlo, xhi), _nice_ticks(ylo, yhi)
    xlo, xhi, ylo, yhi = xt[0], xt[-1], yt[0], yt[-1]
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def px(v: float) -> float:
        return LEFT + (v - xlo) / ((xhi - xlo) or 1) * pw

    def py(v: float) -> float:
        return TOP + ph - (v - ylo) / ((yhi - ylo) or 1) * ph

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
           f'viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">',
           f'<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="#fafafa" '
           'stroke="#999"/>']
    for t in xt:
        out.append(f'<line x1="{px(t):.1f}" y1="{TOP}" x2="{px(t):.1f}" y2="{TOP + ph}" '
                   'stroke="#e3e3e3"/>')
        out.append(f'<text x="{px(t):.1f}" y="{TOP + ph + 18}" text-anchor="middle">'
                   f'{_fmt(float(t))}</text>')
    for t in yt:
        out.append(f'<line x1="{LEFT}" y1="{py(t):.1f}" x2="{LEFT + pw}" y2="{py(t):.1f}" '
                   'stroke="#e3e3e3"/>')
        out.append(f'<text x="{LEFT - 8}" y="{py(t) + 4:.1f}" text-anchor="end">'
                   f'{_fmt(float(t))}</text>')
    cx, cy = setting(chart.x, lang), setting(chart.y, lang)
    out.append(f'<text x="{LEFT + pw / 2}" y="{H - 15}" text-anchor="middle" font-size="14">'
               f'{html.escape(cx)} ({_t(chart.sense("x"), lang)})</text>')
    out.append(f'<text transform="translate(18,{TOP + ph / 2}) rotate(-90)" '
               f'text-anchor="middle" font-size="14">{html.escape(cy)} '
               f'({_t(chart.sense("y"), lang)})</text>')
    front = rows["pareto"].eq(True) & show if "pareto" in rows else show & False
    if front.any():
        pts = sorted(zip(x[front], y[front], strict=True))
        path = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="#d62728" '
                   'stroke-width="1.5" stroke-dasharray="5,3"/>')
    points: dict[tuple[float, float], list] = {}  # runs at the same place share a mark
    for i in rows.index[show]:
        points.setdefault((float(x[i]), float(y[i])), []).append(i)
    for (vx, vy), idx in points.items():
        on = bool(front[idx].any())
        tips = []
        for i in idx:
            r = rows.loc[i]
            tips.append(_t("tip", lang, run=r["run"], name=r.get("name", ""), x=cx,
                           vx=_fmt(x[i]), y=cy, vy=_fmt(y[i]),
                           objective=_fmt(r.get("objective")),
                           status=shown(r["status"], lang))
                        + (_t("front", lang) if front[i] else ""))
        label = ", ".join(str(rows.at[i, "run"]) for i in idx)
        color = "#d62728" if on else "#7f7f7f"
        out.append(f'<g><title>{html.escape(chr(10).join(tips))}</title>'
                   f'<circle cx="{px(vx):.1f}" cy="{py(vy):.1f}" r="{6 if on else 4.5}" '
                   f'fill="{color}" fill-opacity="0.85"/>'
                   f'<text x="{px(vx) + 7:.1f}" y="{py(vy) - 6:.1f}" font-size="10" '
                   f'fill="{color}">{html.escape(label)}</text></g>')
    out.append("</svg>")
    return "\n".join(out)


def _table(rows: pd.DataFrame, lang: str) -> str:
    head = "".join(f"<th>{html.escape(setting('name_' if c == 'name' else c, lang))}</th>"
                   for c in rows.columns)
    body = []
    for _, r in rows.iterrows():
        cls = ' class="front"' if bool(r.get("pareto", False)) else ""
        cells = "".join(
            f"<td>{html.escape(_fmt(v))}</td>" if _is_number(v)
            else f'<td class="t">{html.escape(_fmt(shown(v, lang)))}</td>'
            for v in r.to_numpy())
        body.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _is_number(v: object) -> bool:
    return isinstance(v, int | float | np.integer | np.floating) and not isinstance(
        v, bool | np.bool_)


def chart_html(rows: pd.DataFrame, spec: Sweep, lang: str = "zh") -> str:
    """The whole page: heading, the chart, and every row (front rows highlighted)."""
    chart = spec.chart
    title = spec.name or (spec.source.name if spec.source else _t("sweep", lang))
    n_front = int(rows["pareto"].eq(True).sum()) if "pareto" in rows else 0
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: sans-serif; margin: 24px; color: #222; }}
table {{ border-collapse: collapse; font-size: 12px; }}
th, td {{ border: 1px solid #ccc; padding: 3px 6px; text-align: right; white-space: nowrap; }}
th {{ background: #f0f0f0; position: sticky; top: 0; }}
td.t {{ text-align: left; }}
tr.front td {{ background: #fde3e3; }}
.wrap {{ overflow: auto; max-height: 70vh; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p>{_t("intro", lang, base=html.escape(str(spec.base)), done=len(rows), runs=len(spec.runs),
       x=html.escape(setting(chart.x, lang)), y=html.escape(setting(chart.y, lang)),
       front=n_front)}</p>
{_svg(rows, chart, lang)}
<h2>{_t("runs", lang)}</h2>
<div class="wrap">{_table(rows, lang)}</div>
</body></html>
"""
