"""What changes between two results: `placement diff A B` and `api.diff`.

Why: a planner who tries a what-if needs to see exactly what it costs or buys:
which posts get another holder, which moves appear or disappear, and how every
structure figure and every rule shortfall moves. Both results are read from
their tables (the files `placement solve` writes), never from a model, so any two
result folders compare, whatever produced them.

Tables (pandas DataFrames, also written as CSV and JSON):
- `summary`: headline figures (status, objective, total fit, changes, penalty).
- `posts`: every post whose holder differs, with both holders.
- `moves`: every cadre whose move differs (only in A, only in B, or changed).
- `structure`: per team and figure (the "after" columns of teams.csv) A, B and
  change, plus team "all": the figures summed over teams (average age weighted).
- `rules`: per rule and scope, A's and B's shortfall and penalty, and changes.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

from placement.data import atomic
from placement.data.rules import CATALOGUE
from placement.data.words import value
from placement.roster.result_folder import Result

FIGURES = ("size", "women", "young", "locals", "exchanged_in", "non_party", "township_head",
           "avg_age")
TABLES = ("summary", "posts", "moves", "structure", "rules")


def structure_totals(teams: pd.DataFrame | None) -> dict[str, float]:
    """Each structure figure after placement summed over all teams; `avg_age` is the
    average over every member (team averages weighted by team size, 0.1 precision)."""
    if teams is None or not len(teams):
        return {f: math.nan for f in FIGURES}
    out = {f: int(teams[f"{f}_after"].sum()) for f in FIGURES if f != "avg_age"}
    size = teams["size_after"].to_numpy(float)
    age = teams["avg_age_after"].to_numpy(float)
    held = size > 0
    out["avg_age"] = (round(float((age[held] * size[held]).sum() / size[held].sum()), 1)
                      if held.any() else math.nan)
    return out


def headline_figures(result: Result) -> dict[str, object]:
    """The figures a planner compares first, for `Diff.summary` and sweep rows."""
    s = result.summary
    roster, moves, rules = result.roster, result.moves, result.rules
    target = rules[rules["mode"] == "target"] if rules is not None else None
    return {
        "status": s.get("status"),
        "objective": s.get("objective"),
        "check_ok": s.get("check", {}).get("ok") if roster is not None else None,
        "fit": float(roster["fit"].sum()) if roster is not None else math.nan,
        "changed_posts": int((roster["change"] != "stay").sum()) if roster is not None
        else math.nan,
        "moves": len(moves) if moves is not None else math.nan,
        "released": int((moves["kind"] == "released").sum()) if moves is not None
        else math.nan,
        "penalty": int(target["penalty"].sum()) if target is not None else math.nan,
    }


@dataclass
class Diff:
    """The differences from result A to result B, as DataFrames."""

    labels: tuple[str, str]
    summary: pd.DataFrame
    posts: pd.DataFrame
    moves: pd.DataFrame
    structure: pd.DataFrame
    rules: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        """Same roster, same moves, same figures and shortfalls."""
        return (not len(self.posts) and not len(self.moves)
                and not self.structure["change"].fillna(0).any()
                and not self.rules["shortfall_change"].fillna(0).any())

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLES}

    def to_dict(self) -> dict:
        """JSON-able: labels, notes and each table as a list of records."""
        out: dict = {"a": self.labels[0], "b": self.labels[1], "notes": self.notes}
        for name, frame in self.tables().items():
            out[name] = json.loads(frame.to_json(orient="records", force_ascii=False))
        return out

    def write(self, out: Path | str) -> Path:
        """summary.csv, posts.csv, moves.csv, structure.csv, rules.csv and diff.json."""
        out = Path(out)
        for name, frame in self.tables().items():
            atomic.write_csv(out / f"{name}.csv", frame)
        atomic.write_json(out / "diff.json", self.to_dict())
        return out

    def render(self, lang: str = "en", limit: int = 40, width: int = 120) -> str:
        """Plain-text tables for the terminal: the headline figures, the posts and moves
        that differ (the first `limit` of each), the structure totals and the teams
        whose figures change, and every rule's shortfall."""
        return _render(self, lang, limit, width)


def diff_results(a: Result, b: Result, labels: tuple[str, str] = ("A", "B")) -> Diff:
    """Compare two results (from `api.solve`, `read_result` or a sweep)."""
    notes = []
    if a.summary.get("input_checksums") != b.summary.get("input_checksums"):
        notes.append("the two results were computed on different data sets")
    if a.summary.get("reference_date") != b.summary.get("reference_date"):
        notes.append("the two results have different reference dates")
    for label, r in zip(labels, (a, b), strict=True):
        if r.roster is None:
            notes.append(f"{label} has no roster (status {r.status})")
    return Diff(labels, _summary(a, b), _posts(a.roster, b.roster), _moves(a.moves, b.moves),
                _structure(a.teams, b.teams), _rules(a.rules, b.rules), notes)


def _change(x: object, y: object) -> object:
    if isinstance(x, bool) or isinstance(y, bool):
        return None
    if isinstance(x, int | float) and isinstance(y, int | float):
        return y - x
    return None


def _summary(a: Result, b: Result) -> pd.DataFrame:
    fa, fb = headline_figures(a), headline_figures(b)
    ta, tb = structure_totals(a.teams), structure_totals(b.teams)
    rows = [(k, fa[k], fb[k]) for k in fa] + [(k, ta[k], tb[k]) for k in FIGURES]
    frame = pd.DataFrame(rows, columns=["figure", "a", "b"], dtype=object)
    frame["change"] = [_change(x, y) for _, x, y in rows]
    return frame


_POST_COLS = ["post_id", "team_id", "team_name", "title"]
_HOLDER_COLS = ["cadre_id", "cadre_name", "change", "fit"]


def _posts(ra: pd.DataFrame | None, rb: pd.DataFrame | None) -> pd.DataFrame:
    cols = _POST_COLS + [f"{c}_{s}" for s in "ab" for c in _HOLDER_COLS]
    if ra is None or rb is None:
        return pd.DataFrame(columns=cols)
    left = ra[_POST_COLS + _HOLDER_COLS]
    right = rb[_POST_COLS + _HOLDER_COLS]
    both = left.merge(right, on="post_id", how="outer", suffixes=("_a", "_b"), sort=True)
    for c in _POST_COLS[1:]:
        both[c] = both[f"{c}_a"].fillna(both[f"{c}_b"])
    differs = both["cadre_id_a"].fillna("") != both["cadre_id_b"].fillna("")
    return _blank(both.loc[differs, cols].reset_index(drop=True))


_MOVE_COLS = ["to_post", "to_team", "kind", "required_by"]


def _moves(ma: pd.DataFrame | None, mb: pd.DataFrame | None) -> pd.DataFrame:
    cols = (["cadre_id", "cadre_name", "from_post", "side"]
            + [f"{c}_{s}" for s in "ab" for c in _MOVE_COLS])
    if ma is None or mb is None:
        return pd.DataFrame(columns=cols)
    keep = ["cadre_id", "cadre_name", "from_post", *_MOVE_COLS]
    both = ma[keep].merge(mb[keep], on="cadre_id", how="outer", suffixes=("_a", "_b"),
                          sort=True, indicator=True)
    for c in ("cadre_name", "from_post"):
        both[c] = both[f"{c}_a"].fillna(both[f"{c}_b"])
    same = pd.Series(both["_merge"] == "both", index=both.index)
    for c in ("to_post", "kind"):
        same &= both[f"{c}_a"].fillna("") == both[f"{c}_b"].fillna("")
    both["side"] = both["_merge"].map({"left_only": "only_a", "right_only": "only_b",
                                     "both": "changed"}).astype(str)
    return _blank(both.loc[~same, cols].reset_index(drop=True))


def _blank(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns of a side that has no such row: "" rather than NaN."""
    for col in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[col]):
            frame[col] = frame[col].fillna("")
    return frame


def _structure(ta: pd.DataFrame | None, tb: pd.DataFrame | None) -> pd.DataFrame:
    cols = ["team_id", "team_name", "figure", "a", "b", "change"]
    if ta is None and tb is None:
        return pd.DataFrame(columns=cols)
    base = ta if ta is not None else tb
    rows = []
    totals = structure_totals(ta), structure_totals(tb)
    for f in FIGURES:
        rows.append(("all", "", f, totals[0][f], totals[1][f]))
    after = {f"{f}_after": f for f in FIGURES}
    ia = ta.set_index("team_id") if ta is not None else None
    ib = tb.set_index("team_id") if tb is not None else None
    for team_id, name in zip(base["team_id"], base["team_name"], strict=True):
        for col, f in after.items():
            va = ia.at[team_id, col] if ia is not None and team_id in ia.index else math.nan
            vb = ib.at[team_id, col] if ib is not None and team_id in ib.index else math.nan
            rows.append((team_id, name, f, va, vb))
    frame = pd.DataFrame(rows, columns=cols[:-1])
    frame["a"] = pd.to_numeric(frame["a"])
    frame["b"] = pd.to_numeric(frame["b"])
    frame["change"] = (frame["b"] - frame["a"]).round(1)
    return frame


def _rules(ra: pd.DataFrame | None, rb: pd.DataFrame | None) -> pd.DataFrame:
    keys = ["rule", "scope"]
    vals = ["mode", "required", "achieved", "shortfall", "penalty"]
    cols = keys + [f"{v}_{s}" for v in vals for s in "ab"] + ["shortfall_change",
                                                               "penalty_change"]
    if ra is None and rb is None:
        return pd.DataFrame(columns=cols)
    empty = pd.DataFrame(columns=keys + vals)
    left = (ra if ra is not None else empty)[keys + vals].assign(_pa=lambda f: range(len(f)))
    right = (rb if rb is not None else empty)[keys + vals].assign(_pb=lambda f: range(len(f)))
    both = left.merge(right, on=keys, how="outer", suffixes=("_a", "_b"))
    both["shortfall_change"] = both["shortfall_b"] - both["shortfall_a"]
    both["penalty_change"] = both["penalty_b"] - both["penalty_a"]
    for c in ("mode_a", "mode_b"):
        both[c] = both[c].fillna("off")
    order = {rid: k for k, rid in enumerate(CATALOGUE)}
    both["_order"] = both["rule"].map(order)
    both = both.sort_values(["_order", "_pa", "_pb"], kind="stable")
    return both[cols].reset_index(drop=True)


# --- terminal rendering -------------------------------------------------------------
_HEAD = {
    "summary": ("总体", "Headline"),
    "posts": ("人选不同的职位 {n} 个", "{n} post(s) with a different holder"),
    "moves": ("不同的调整 {n} 项", "{n} move(s) that differ"),
    "structure": ("班子结构（全部班子合计）", "Team structure (all teams)"),
    "teams": ("结构有变化的班子 {n} 个", "{n} team(s) whose structure changes"),
    "rules": ("各项规则的缺口", "Rule shortfalls"),
    "more": ("……另有 {n} 行（见 --out 输出的 CSV）", "... {n} more (see the CSV files of --out)"),
    "same": ("两个结果相同。", "The two results are the same."),
    # column headers
    "post": ("职位", "post"), "team": ("班子", "team"), "title": ("职务", "title"),
    "cadre": ("人员", "cadre"), "from": ("原职位", "from"),
    "team_changes": ("变化（A → B）", "changes (A → B)"),
    "rule": ("规则", "rule"), "scope": ("范围", "scope"), "mode_a": ("模式 A", "mode A"),
    "mode_b": ("模式 B", "mode B"), "short_a": ("缺口 A", "short A"),
    "short_b": ("缺口 B", "short B"), "penalty_a": ("扣分 A", "penalty A"),
    "penalty_b": ("扣分 B", "penalty B"),
}


def _h(key: str, lang: str, **params) -> str:
    return _HEAD[key][0 if lang == "zh" else 1].format(**params)


def _cell(v: object, lang: str = "en") -> str:
    """A figure as shown: numbers rounded, coded values (`optimal`, `True`) in words."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, bool | str):
        return value(v, lang)
    if isinstance(v, float):
        return f"{v:.1f}" if v != int(v) else f"{int(v)}"
    return str(v)


def _signed(v: object) -> str:
    text = _cell(v) if not isinstance(v, str) else v
    return ("+" + text) if text and not text.startswith("-") and text != "0" else text


def _render(d: Diff, lang: str, limit: int, width: int) -> str:
    buf = io.StringIO()
    con = Console(file=buf, width=width, color_system=None, force_terminal=False,
                  highlight=False)
    a, b = d.labels

    def table(title: str, columns: list[str], rows, total: int | None = None) -> None:
        """`total` given: a long list, cut after `limit` rows."""
        con.print(title)
        if total == 0:
            con.print()
            return
        t = Table(show_edge=False, pad_edge=False)
        for c in columns:
            t.add_column(c, overflow="fold")
        shown = 0
        for row in rows:
            if total is not None and shown == limit:
                break
            t.add_row(*[_cell(v, lang) for v in row])
            shown += 1
        con.print(t)
        if total is not None and total > shown:
            con.print(_h("more", lang, n=total - shown))
        con.print()

    for note in d.notes:
        con.print(f"! {note}")
    con.print(f"A = {a}\nB = {b}\n")
    s = d.summary[~d.summary["figure"].isin(FIGURES)]
    table(_h("summary", lang), ["", "A", "B", "±"],
          [(r.figure, r.a, r.b, _signed(r.change)) for r in s.itertuples()])
    p = d.posts
    table(_h("posts", lang, n=len(p)),
          [_h(k, lang) for k in ("post", "team", "title")] + ["A", "B"],
          [(r.post_id, r.team_name, r.title, _holder(r, "a", lang), _holder(r, "b", lang))
           for r in p.itertuples()], len(p))
    m = d.moves
    table(_h("moves", lang, n=len(m)), [_h("cadre", lang), _h("from", lang), "A", "B"],
          [(f"{r.cadre_id} {r.cadre_name}", r.from_post, _move(r, "a", lang),
            _move(r, "b", lang))
           for r in m.itertuples()], len(m))
    st = d.structure
    total = st[st["team_id"] == "all"]
    table(_h("structure", lang), ["", "A", "B", "±"],
          [(r.figure, r.a, r.b, _signed(r.change)) for r in total.itertuples()])
    teams = st[(st["team_id"] != "all") & (st["change"].fillna(0) != 0)]
    grouped = [(tid, g) for tid, g in teams.groupby("team_id", sort=False)]
    table(_h("teams", lang, n=len(grouped)), [_h("team", lang), _h("team_changes", lang)],
          [(f"{tid} {g['team_name'].iat[0]}",
            ("，" if lang == "zh" else ", ").join(
                f"{value(r.figure, lang)} {_cell(r.a)}→{_cell(r.b)}" for r in g.itertuples()))
           for tid, g in grouped], len(grouped))
    table(_h("rules", lang), [_h(k, lang) for k in ("rule", "scope", "mode_a", "mode_b",
                                                     "short_a", "short_b")]
          + ["±", _h("penalty_a", lang), _h("penalty_b", lang), "±"],
          [(r.rule, r.scope, r.mode_a, r.mode_b, r.shortfall_a, r.shortfall_b,
            _signed(r.shortfall_change), r.penalty_a, r.penalty_b, _signed(r.penalty_change))
           for r in d.rules.itertuples()])
    if d.identical:
        con.print(_h("same", lang))
    return buf.getvalue().rstrip() + "\n"


def _holder(r, s: str, lang: str) -> str:
    cid = getattr(r, f"cadre_id_{s}")
    if not isinstance(cid, str) or not cid:
        return ""
    change = value(getattr(r, f"change_{s}"), lang)
    return f"{cid} {getattr(r, f'cadre_name_{s}')} ({change})"


def _move(r, s: str, lang: str) -> str:
    kind = getattr(r, f"kind_{s}")
    if not isinstance(kind, str) or not kind:
        return "-"
    to = getattr(r, f"to_post_{s}")
    kind = value(kind, lang)
    return f"{kind} → {to}" if isinstance(to, str) and to else kind
