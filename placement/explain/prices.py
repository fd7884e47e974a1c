"""What each rule costs: the price of relaxing it by one step, as a table.

The question a committee asks of an odd roster is "what is this rule costing us?".
The answer here is the roster the rule would allow one step looser
(`placement.meaning.relaxations`: a hard rule made a target, a target's count lowered
by one, one team or county needing one fewer), solved exactly (the pipeline re-solves
it, `placement.pipeline.prices`), checked by the independent checker and compared with
the proposal line by line: the objective gained, the fit and the sitting cadres kept
that it would change, the lines that would change and the targets that would move. The
LP's dual of the rule's rows, where the model has them, sits beside it as the quick
estimate, with how far it missed.

This module only compares rosters: it solves nothing (explain/ never calls the
pipeline).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from placement.data.names import Names
from placement.data.rules import RULE_NAMES
from placement.meaning import team_rules

COLUMNS = ("rule", "kind", "where", "step_zh", "step_en", "settings", "objective",
           "objective_relaxed", "price", "estimate", "estimate_error", "fit", "stayed",
           "lines_changed", "targets_moved", "targets", "status", "check", "binds",
           "note_zh", "note_en", "words_zh", "words_en")
# A price of less than this is no price (objectives are sums of integers).
EPSILON = 1e-6
SHOWN_TARGETS = 5  # targets named in the `targets` column; the count has them all


@dataclass(frozen=True)
class Solved:
    """One roster and what it scored: the objective, status and whether it is proven,
    the roster (post_id, cadre_id, change, fit), the checker's figures and whether the
    checker found it as it should (`check_ok`)."""

    objective: float | None
    status: str
    proven: bool
    roster: pd.DataFrame | None
    figures: pd.DataFrame | None
    check_ok: bool


def price_row(rule: str, kind: str, where: str, step: tuple[str, str],
              settings: tuple[str, ...], base: Solved, relaxed: Solved,
              estimate: float | None, names: Names, required: int | None = None) -> dict:
    """One line of the price list: `relaxed` (the rule one step looser) against `base`
    (the proposal). `kind` is "rule" (the step is `settings`), "place" (one team or
    county of the rule needing one fewer, `where`) or "instance" (one instance of a
    target of one waived); no setting names a place or an instance. `names`: the data
    set's names (one `Names` for the whole list: building it is a third of a line's
    time)."""
    row = {"rule": rule, "kind": kind, "where": where, "step_zh": step[0], "step_en": step[1],
           "settings": " ".join(settings), "objective": base.objective,
           "objective_relaxed": relaxed.objective, "estimate": estimate,
           "status": relaxed.status, "check": "ok" if relaxed.check_ok else "fail"}
    if relaxed.roster is None or relaxed.objective is None or base.roster is None:
        return row | {"binds": "", "note_zh": "放宽后未得到名单", "note_en":
                      "the relaxed scenario gave no roster", "words_zh": "", "words_en": ""}
    price = float(relaxed.objective) - float(base.objective)
    moved = _targets_moved(base.figures, relaxed.figures)
    row |= {"price": price, "fit": _fit(relaxed.roster) - _fit(base.roster),
            "stayed": _stayed(relaxed.roster) - _stayed(base.roster),
            "lines_changed": _lines_changed(base.roster, relaxed.roster),
            "targets_moved": len(moved), "targets": "; ".join(moved[:SHOWN_TARGETS])}
    if estimate is not None:
        row["estimate_error"] = estimate - price
    row["binds"] = "yes" if price > EPSILON else "no"
    notes = []
    if price <= EPSILON and row["lines_changed"] == 0:
        notes.append(("放宽一步不改变名单：该规则此处不起约束作用",
                      "relaxing it by one step changes nothing: the rule does not bind here"))
    elif price <= EPSILON:
        notes.append(("放宽一步目标值不变（另有同样好的名单）",
                      "relaxing it by one step gains nothing (an equally good roster differs)"))
    if not (base.proven and relaxed.proven):
        notes.append(("求解受时限截断，代价为下限估计，未经证明",
                      "the time limit cut a solve short: the price is not proven"))
    if not relaxed.check_ok:
        notes.append(("放宽后的名单未通过独立校验",
                      "the relaxed roster failed the independent check"))
    row["note_zh"] = "；".join(z for z, _ in notes)
    row["note_en"] = "; ".join(e for _, e in notes)
    row["words_zh"], row["words_en"] = _words(row, names, required)
    return row


def price_table(rows: list[dict]) -> pd.DataFrame:
    """The price list: rule-wide steps first, dearest first, then the places of each
    rule (rules in that order, then by name), dearest first."""
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    if not len(frame):
        return frame
    frame["_kind"] = (frame["kind"] != "rule").astype(int)
    frame["_price"] = -pd.to_numeric(frame["price"]).fillna(-np.inf)
    rule_rows = frame[frame["_kind"] == 0].sort_values(["_price", "rule"], kind="stable")
    order = {r: i for i, r in enumerate(rule_rows["rule"])}
    frame["_rule"] = frame["rule"].map(order).fillna(len(order))
    frame = frame.sort_values(["_kind", "_rule", "rule", "_price", "where"], kind="stable")
    return frame.drop(columns=["_kind", "_price", "_rule"]).reset_index(drop=True)


def _fit(roster: pd.DataFrame) -> float:
    return float(pd.to_numeric(roster["fit"]).sum())


def _stayed(roster: pd.DataFrame) -> int:
    return int((roster["change"] == "stay").sum())


def _lines_changed(a: pd.DataFrame, b: pd.DataFrame) -> int:
    before = a.set_index("post_id")["cadre_id"].astype(str)
    after = b.set_index("post_id")["cadre_id"].astype(str).reindex(before.index).fillna("")
    return int((before != after).sum())


def _targets_moved(a: pd.DataFrame | None, b: pd.DataFrame | None) -> list[str]:
    """The target figures (rule, place) whose shortfall differs, as "rule:place a→b"."""
    if a is None or b is None or a is b:  # the proposal's own figures: none moves
        return []
    key = ["rule", "scope", "where"]
    both = a[a["mode"] == "target"].merge(b[b["mode"] == "target"], on=key, how="outer",
                                          suffixes=("_a", "_b"))
    both[["shortfall_a", "shortfall_b"]] = both[["shortfall_a", "shortfall_b"]].fillna(0)
    moved = both[both["shortfall_a"] != both["shortfall_b"]]
    return [f"{r.rule}:{r.where} {r.shortfall_a:g}→{r.shortfall_b:g}"
            for r in moved.itertuples(index=False)]


def _words(row: dict, names: Names, required: int | None) -> tuple[str, str]:
    """The line as a planner reads it: "R05 的第3名本地干部：目标值 −41、人岗相适 −41，需另动
    3 人" (the rule's cost is what relaxing it gains, with the sign turned). The Chinese
    words name the rule, not its id: they go into report.html and the page, which a
    committee reads; the English keep the id beside the name."""
    rule, where = row["rule"], row["where"]
    cost, fit, lines = 0.0 - row["price"], 0.0 - row["fit"], row["lines_changed"]
    zh_name, en_name = RULE_NAMES.get(rule, (rule, rule))
    if row["kind"] == "place" and rule in team_rules.LABELS:
        label = team_rules.LABELS[rule]
        nth = f"第{required}名" if required else ""
        head_zh = f"{names.beside(where, 'zh')}的{nth}{label.one_zh}"  # the rule by its name
        head_en = (f"{names.beside(where, 'en')}: member no. {required} who is {label.one_en} "
                   f"({rule})" if required else f"{names.beside(where, 'en')} ({rule})")
    elif row["kind"] != "rule":
        head_zh = f"{names.beside(where, 'zh')}：{zh_name}（{row['step_zh']}）"
        head_en = f"{names.beside(where, 'en')}: {rule} {en_name} ({row['step_en']})"
    else:
        head_zh = f"{zh_name}（{row['step_zh']}）"
        head_en = f"{rule} {en_name} ({row['step_en']})"
    zh = f"{head_zh}：目标值 {cost:+g}，人岗相适 {fit:+g}，需另动 {lines} 人"
    en = f"{head_en}: objective {cost:+g}, fit {fit:+g}, {lines} other lines would change"
    return zh, en
