"""Rules that move a sitting cadre, each one record: what becomes of the cadre, whether
it is a tenure exchange or a deadline a plan's year reaches, and its words.

docs/rules.md ("Leaving the roster", "Rotation") and docs/explain.md ("Reasons in a
committee's words") are the source. The explanations (reasons, the 拟免 table), the
report and the rolling plan ask `CAUSES` and the functions below instead of listing
rule ids, so a new rule that moves a cadre is one record here (and its rule in the
model and the checker).

A cause phrase names the fact ("在原职位任职满十年"), never the rule's id or a figure:
ids stay in their own column (`required_by`, `rules`). Each phrase reads the cadre's own
data, so it never states what the data contradict. Every phrase is a (zh, en) pair.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from placement.data.rules import share_fraction
from placement.data.scenario import Scenario

Words = tuple[str, str]

# The rule whose age limit retires a cadre (a plan's "retired" departure is its cause).
RETIREMENT = "R-EL7"
# The democratic-evaluation rule (能上能下): its mark keeps approval words out of a reason.
EVALUATION = "R-RO9"

_DIGITS = "零一二三四五六七八九"


def zh_number(n: float) -> str:
    """A whole number below 100 in Chinese numerals (10 -> 十, 15 -> 十五, 20 -> 二十);
    anything else as "规定" (a reason carries no digits: the figure is in the rules)."""
    if n != int(n) or not 0 < n < 100:
        return "规定"
    n = int(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return (("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else ""))


_EN = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
       "fourteen fifteen sixteen seventeen eighteen nineteen twenty").split()


def _years(n: float) -> Words:
    """("满十年", "ten years") for a rule's `years` parameter, in words."""
    zh = zh_number(n)
    en = _EN[int(n)] if n == int(n) and 0 < n <= 20 else "the set number of"
    return (f"满{zh}年" if zh != "规定" else "满规定年限", f"{en} years")


def cadre_value(cadres: pd.DataFrame | dict, c: int | None, column: str, default=""):
    """Cadre row `c`'s `column` (or `column` of a dict of one cadre's columns, `c` None),
    `default` when the data set has no such column (older data sets lack `finding`,
    `secretary_exp`, the evaluation shares) or it is empty."""
    if isinstance(cadres, dict):
        v = cadres.get(column)
    elif column not in cadres.columns:
        return default
    else:
        v = cadres[column].iat[c]
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT:
        return default
    return v


FINDING_WORDS = {"unfit_post": ("经组织考核认定不胜任现职", "found unfit for the post by the "
                                "organisation's assessment"),
                 "incompetent": ("经组织考核认定不称职", "found incompetent by the "
                                 "organisation's assessment")}


def _integrity(cadres: pd.DataFrame, c: int, ref: dt.date) -> Words:
    """What R-EL5 / R-EL12 found, from the cadre's data."""
    zh, en = [], []
    until = cadre_value(cadres, c, "sanction_until", None)
    if until is not None and pd.Timestamp(until) >= pd.Timestamp(ref):
        zh.append("处分影响期未满")
        en.append("a sanction still in force")
    if not bool(cadre_value(cadres, c, "file_ok", True)):
        zh.append("档案审核未通过")
        en.append("the personnel file not cleared")
    if not bool(cadre_value(cadres, c, "matters_ok", True)):
        zh.append("个人有关事项报告不实")
        en.append("personal matters not truthfully reported")
    if bool(cadre_value(cadres, c, "spouse_abroad", False)):
        zh.append("配偶已移居国（境）外")
        en.append("spouse emigrated")
    if not zh:
        return "考察中发现问题", "the vetting found a problem"
    return "、".join(zh), ", ".join(en)


def _tenure(zh: str, en: str) -> Callable:
    """A tenure rule's fact: `zh`/`en` with its `years` in words."""
    def words(rule, sc, cadres, c):
        y_zh, y_en = _years(sc.rules[rule].years)
        return zh.format(y_zh), en.format(y_en)
    return words


def _said(zh: str, en: str) -> Callable:
    return lambda rule, sc, cadres, c: (zh, en)


def _finding(rule, sc, cadres, c):
    return FINDING_WORDS.get(cadre_value(cadres, c, "finding"),
                             ("民主测评结果未达要求", "democratic evaluation below the bar"))


def _vetting(rule, sc, cadres, c):
    return _integrity(cadres, c, sc.reference_date)


@dataclass(frozen=True)
class Cause:
    """A rule that bars a sitting cadre from staying.

    `fate`: what becomes of the cadre who then holds no post ("retires", "removed",
    "exchanged": out of this scope, post to be arranged; "" released). `exchange`: a
    tenure exchange (R-RO1–R-RO4): moving on is "按规定交流", leaving "交流出本范围".
    `deadline`: a tenure deadline a plan's year reaches, shown as its own cause in the
    plan report, drawn in `colour`. `words(rule, sc, cadres, c)`: the fact, no verdict."""

    fate: str
    words: Callable[[str, Scenario, pd.DataFrame, int], Words]
    exchange: bool = False
    deadline: bool = False
    colour: str = ""


# In the order a plan report lists the deadlines and a cadre's fate is looked for.
CAUSES = {
    "R-RO1": Cause("exchanged", _tenure("在原职位任职{}", "{} in the same post"),
                   exchange=True, deadline=True, colour="#d9534f"),
    "R-RO2": Cause("exchanged", _tenure("在重点部门班子任副职{}",
                                        "a deputy in the same sensitive team for {}"),
                   exchange=True, deadline=True, colour="#d9534f"),
    "R-RO3": Cause("exchanged", _tenure("在原职位任职{}", "{} in the same post"),
                   exchange=True, deadline=True, colour="#e07a5f"),
    "R-RO4": Cause("exchanged", _tenure("任派驻纪检监察组组长{}",
                                        "a dispatched inspection leader for {}"),
                   exchange=True, deadline=True, colour="#d9534f"),
    # R-RO5 is met inside the team (a new portfolio): no words of its own for a move
    "R-RO5": Cause("", lambda rule, sc, cadres, c: None, deadline=True, colour="#e07a5f"),
    EVALUATION: Cause("removed", _finding),
    RETIREMENT: Cause("retires", _said("已到退休年龄", "reached the retirement age"),
                      colour="#8d99ae"),
    "R-EL4": Cause("removed", _said("年度考核不称职",
                                    "graded 不称职 (incompetent) in the annual assessment")),
    "R-EL5": Cause("removed", _vetting),
    "R-EL12": Cause("removed", _vetting),
    "R-EL3": Cause("", _said("近年考核未全部达到称职以上",
                             "not every recent grade competent or better")),
    "R-EL6": Cause("", _said("民主推荐得票率未达要求",
                             "democratic recommendation below the threshold")),
    "R-EL1": Cause("", _said("学历不符合任职条件", "education below the post's requirement")),
    "R-EL10": Cause("exchanged", _said("非中共党员，不担任党内职务",
                                       "not a CPC member, holds no Party office")),
    "R-AV2": Cause("exchanged", _said("在成长地担任回避职位",
                                      "a key post in the place where the cadre grew up")),
    "R-AV1": Cause("", _said("与班子成员有亲属关系", "kin of a team member")),
}
FATES = ("retires", "removed", "exchanged")  # the first that any cause names wins

DEADLINES = tuple(r for r, c in CAUSES.items() if c.deadline)


def is_exchange(rule: str) -> bool:
    """A tenure exchange (R-RO1–R-RO4): the cadre moves on to another post, or out of scope."""
    return rule in CAUSES and CAUSES[rule].exchange


def fate(rules: list[str]) -> str:
    """What becomes of a sitting cadre who holds no post, from the rules that bar staying:
    the first of `FATES` any of them names, else ""."""
    named = {CAUSES[r].fate for r in rules if r in CAUSES}
    return next((f for f in FATES if f in named), "")


def retirement_age(sc: Scenario) -> int:
    """The age at which a cadre retires (R-EL7's `retirement_age`)."""
    return sc.rules[RETIREMENT].retirement_age


def fact_words(rule: str, sc: Scenario, cadres: pd.DataFrame, c: int) -> Words | None:
    """Why cadre row `c` may not stay in the former post under `rule`: the fact, no
    verdict; None for a rule with no words of its own."""
    cause = CAUSES.get(rule)
    return None if cause is None else cause.words(rule, sc, cadres, c)


_MOVE_END = {"exchange": ("按规定交流", "exchanged as required"),
             "other": ("按规定调整", "moved as required")}
_RELEASE_END = {"exchange": ("按规定交流出本范围，另行安排",
                             "exchanged out of scope as required, post to be arranged"),
                RETIREMENT: ("按规定退休", "retires"),
                EVALUATION: ("按规定组织调整", "adjusted by the organisation"),
                "other": ("免去现职", "released from the post")}


def end_words(rule: str, moves_on: bool, finding: str) -> Words:
    """How a cause ends: the cadre moves on to a post in scope ("按规定交流"), or leaves
    ("交流出本范围，另行安排" / "按规定退休" / "免去现职"); an R-RO9 finding of 不称职
    without a new post is a removal."""
    if rule == EVALUATION and finding == "incompetent" and not moves_on:
        return "按规定免职", "removed from the post"
    if rule == RETIREMENT:
        return _RELEASE_END[RETIREMENT]
    exchange = "exchange" if is_exchange(rule) else "other"
    if moves_on:
        return _MOVE_END[exchange]
    return _RELEASE_END[EVALUATION if rule == EVALUATION else exchange]


LEAVES = ("本届退出", "leaves this cycle")


def cause_words(required_by: str, moves_on: bool, sc: Scenario, cadres: pd.DataFrame,
                c: int, age: int | None = None) -> list[Words]:
    """The cause of a sitting cadre's move or release in words, from moves.csv's
    `required_by` (rule ids separated by ';', or "leaving"): one phrase per cause, each
    ending in what follows from it ("按规定交流" when the cadre moves on to a post in
    scope, "交流出本范围，另行安排" / "按规定退休" / "免去现职" when he or she leaves).
    `age`: whole years on the reference date, to tell a retirement from other leaving.
    Empty when `required_by` is."""
    tokens = [t.strip() for t in str(required_by or "").replace("；", ";").split(";")
              if t.strip()]
    out: list[Words] = []
    for t in tokens:
        if t == "leaving":
            if age is not None and age >= retirement_age(sc):
                out.append(("到龄退休", "retires at the age limit"))
            else:
                out.append(LEAVES)
            continue
        what = fact_words(t, sc, cadres, c)
        if what is None:
            out.append(("按组织安排调整", "moved by the organisation's decision"))
            continue
        end = end_words(t, moves_on, cadre_value(cadres, c, "finding"))
        out.append((f"{what[0]}，{end[0]}", f"{what[1]}: {end[1]}"))
    return out


def marked(sc: Scenario, cadre: dict) -> bool:
    """The cadre's democratic evaluation (a dict of the cadre's columns) is marked under
    R-RO9 (优秀+称职 below `adjust_below`, or 不称职 above `remove_above`), whatever the
    rule's mode."""
    rule = sc.rules[EVALUATION]
    good = cadre_value(cadre, None, "rating_good", None)
    bad = cadre_value(cadre, None, "rating_bad", None)
    return ((good is not None and good < float(share_fraction(rule.adjust_below)))
            or (bad is not None and bad > float(share_fraction(rule.remove_above))))
