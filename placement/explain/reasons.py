"""Why this person: a reason for every roster line and every move, in Chinese and English.

A planner defends each line before a standing committee, so a reason names
(1) the fit in words first ("专业对口、考核优秀、群众公认度高", `fit_words`), then the
score and its parts with their weights, (2) every composition target the
person serves in that team where the team needs them — "fills the woman target
of 乡宁县政府 (R-TC5)" — and (3) for a sitting cadre who moves, the rule that
forced the move, or the gain that paid for it. Figures come from the
independent checker's report, so a reason never claims more than the roster
shows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement.data.dataset import DataSet
from placement.data.rules import RULE_NAMES
from placement.data.scenario import Scenario
from placement.eligibility.facts import Facts
from placement.eligibility.fit import PARTS, fit_parts, given_scores
from placement.eligibility.pairs import Pairs, reasons
from placement.meaning import team_rules as meaning

PART_NAMES = {"specialty": ("专业", "specialty"), "experience": ("经历", "experience"),
              "assessment": ("考核", "assessment"), "approval": ("民主推荐", "approval")}
# (part, lowest value that earns the words, zh, en): the parts a committee hears first.
PART_WORDS = (("specialty", 1.0, "专业对口", "specialty matches the post"),
              ("specialty", 0.5, "熟悉本系统工作", "works in the team's system"),
              ("experience", 0.5, "经历相符", "relevant experience"),
              ("assessment", 0.95, "考核优秀", "rated excellent"),
              ("assessment", 0.7, "考核称职", "rated competent"),
              ("approval", 0.8, "群众公认度高", "high democratic approval"))


def fit_words(parts: dict[str, np.ndarray], i: int) -> tuple[list[str], list[str]]:
    """The strengths of line `i` in words, one per part at most (the highest rung it
    reaches in `PART_WORDS`); nothing for a part below every rung."""
    zh, en, said = [], [], set()
    for part, low, z, e in PART_WORDS:
        if part not in said and parts[part][i] >= low - 1e-9:  # a mean of grades: 0.7 as 0.69…
            said.add(part)
            zh.append(z)
            en.append(e)
    return zh, en


def _member_counts(data: DataSet, sc: Scenario, facts: Facts, roster: pd.DataFrame
                   ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per team minimum: whether each roster line's holder counts, and the place (team,
    or county) whose figure the line counts towards ("" out of scope)."""
    cadre = pd.Index(data.cadres["cadre_id"]).get_indexer(roster["cadre_id"])
    team = pd.Index(data.teams["team_id"]).get_indexer(roster["team_id"])
    stay = (roster["change"] == "stay").to_numpy()
    return {rule: (meaning.counts(rule, data, sc, facts, cadre, team, stay),
                   meaning.places(rule, data, sc, facts).team_place()[team])
            for rule in meaning.TEAM_MINIMUMS}


def _tight(figures: pd.DataFrame) -> set[tuple[str, str]]:
    """(rule, place) whose minimum is met with nothing to spare or missed: every member
    who counts there is needed."""
    f = figures[(figures["scope"] != "pair") & (figures.get("sense", "min") == "min")]
    return {(r, w) for r, w, req, ach in zip(f["rule"], f["where"], f["required"],
                                             f["achieved"], strict=True) if ach <= req}


def roster_reasons(data: DataSet, sc: Scenario, facts: Facts, pairs: Pairs,
                   roster: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """`reason_zh` and `reason_en` for every roster line."""
    cpos = pd.Index(data.cadres["cadre_id"]).get_indexer(roster["cadre_id"])
    ppos = pd.Index(data.posts["post_id"]).get_indexer(roster["post_id"])
    parts = fit_parts(data, cpos, ppos)
    planner = (given_scores(data, cpos, ppos) if not data.fit.empty
               else np.full(len(roster), np.nan))
    attrs = _member_counts(data, sc, facts, roster)
    tight = _tight(figures)
    team_names = data.teams.set_index("team_id")["name"]
    forced = _forced_moves(data, pairs)
    zh_all, en_all = [], []
    for i, row in enumerate(roster.itertuples(index=False)):
        zh, en = [], []
        if np.isnan(planner[i]):  # words first; the score and its parts end the reason
            w = {k: getattr(sc.fit, k) for k in PARTS}
            words_zh, words_en = fit_words(parts, i)
            if words_zh:
                zh.append("、".join(words_zh))
                en.append(", ".join(words_en))
            score_zh = f"人岗相适 {row.fit}（" + "，".join(
                f"{PART_NAMES[k][0]}{parts[k][i]:.2f}×{w[k]:g}" for k in PARTS) + "）"
            score_en = f"fit {row.fit} (" + ", ".join(
                f"{PART_NAMES[k][1]} {parts[k][i]:.2f}×{w[k]:g}" for k in PARTS) + ")"
        else:
            score_zh = f"人岗相适 {row.fit}（规划人员评分）"
            score_en = f"fit {row.fit} (planner's score)"
        name = team_names[row.team_id]
        for rule, (has, where) in attrs.items():
            if sc.rules[rule].mode != "off" and has[i] and (rule, where[i]) in tight:
                label = meaning.LABELS[rule]
                zh.append(f"满足{name}{RULE_NAMES[rule][0]}要求：{label.one_zh}（{rule}）")
                en.append(f"fills the {RULE_NAMES[rule][1]} target of {name}: "
                          f"{label.one_en} ({rule})")
        if row.change == "stay":
            zh.append("留任")
            en.append("stays in post")
        elif row.change == "moved_in":
            rules = forced.get(row.cadre_id, ())
            if rules:
                zh.append("原职位须调整：" + "、".join(rules))
                en.append("had to leave the former post: " + ", ".join(rules))
            else:
                zh.append("交流任职，整体方案更优")
                en.append("moved because the whole roster gains by it")
        zh_all.append("；".join([*zh, score_zh]))
        en_all.append("; ".join([*en, score_en]))
    return pd.DataFrame({"reason_zh": zh_all, "reason_en": en_all}, index=roster.index)


def _forced_moves(data: DataSet, pairs: Pairs) -> dict[str, tuple[str, ...]]:
    """Sitting cadres whose own pair a hard rule removed, with those rules."""
    own = pairs.removed[pairs.removed["own"]]
    ids = data.cadres["cadre_id"].to_numpy()
    return {ids[c]: reasons(b) for c, b in zip(own["cadre"], own["bits"], strict=True)}


def move_reasons(data: DataSet, pairs: Pairs, moves: pd.DataFrame) -> pd.DataFrame:
    """`reason_zh` / `reason_en` for every line of moves.csv."""
    forced = _forced_moves(data, pairs)
    zh, en = [], []
    for m in moves.itertuples(index=False):
        rules = forced.get(m.cadre_id, ())
        if m.kind == "leaving":
            zh.append("本届退出（退休或免职）")
            en.append("leaves this cycle (retirement or removal)")
        elif rules:
            names = ", ".join(f"{r} {RULE_NAMES.get(r, (r, r))[1]}" for r in rules)
            zh.append("按规定须调整：" + "、".join(f"{r}{RULE_NAMES.get(r, (r, r))[0]}"
                                               for r in rules))
            en.append("required by " + names)
        elif m.kind == "released":
            zh.append("另行安排：本方案中无更适合的职位")
            en.append("released: no post in this roster suits better")
        elif m.from_post:
            zh.append("非规定调整：整体人岗相适与结构更优")
            en.append("not required: the roster's fit and structure gain by it")
        else:
            zh.append("新任职")
            en.append("newly appointed")
    return pd.DataFrame({"reason_zh": zh, "reason_en": en}, index=moves.index)
