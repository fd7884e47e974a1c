"""The words a committee hears for a move's cause and a cadre's strengths, in Chinese and
English (docs/explain.md, "Reasons in a committee's words").

A reason names the binding rule in words ("在原职位任职满十年，按规定交流"), never its id
(R-RO1) and never a number: ids stay in their own column (`required_by`, `rules`) and the
fit score with its parts in `fit_detail_zh` / `fit_detail_en`. Each phrase reads the
cadre's own data, so it never states what the data contradict: "考核优秀" only with an 优秀
grade among the recorded ones, "群众公认度高" never for a cadre whose democratic
evaluation is marked under R-RO9 or who has an organisational finding.

Every phrase is a (zh, en) pair; `cause_words` and `strength_words` return lists of them.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from placement.data.rules import share_fraction
from placement.data.scenario import Scenario

Words = tuple[str, str]

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


def _years(n: float) -> tuple[str, str]:
    """("满十年", "ten years") for a rule's `years` parameter, in words."""
    zh = zh_number(n)
    en = _EN[int(n)] if n == int(n) and 0 < n <= 20 else "the set number of"
    return (f"满{zh}年" if zh != "规定" else "满规定年限", f"{en} years")


# The cadre columns the words read.
READ = ("finding", "secretary_exp", "township_head", "assessments", "approval", "rating_good",
        "rating_bad", "sanction_until", "file_ok", "matters_ok", "spouse_abroad")


def cadre_rows(cadres: pd.DataFrame, rows) -> list[dict]:
    """The columns the words read (`READ`) of cadre rows `rows`, one dict per row: one
    array per column, not one pandas look-up per value (a province has 13k lines)."""
    cols = {k: cadres[k].to_numpy(dtype=object) for k in READ if k in cadres.columns}
    return [{k: v[int(c)] for k, v in cols.items()} for c in rows]


def cadre_value(cadres: pd.DataFrame | dict, c: int | None, column: str, default=""):
    """Cadre row `c`'s `column` (or `column` of a `cadre_rows` dict, `c` None), `default`
    when the data set has no such column (older data sets lack `finding`,
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


def _cause(rule: str, sc: Scenario, cadres: pd.DataFrame, c: int) -> Words | None:
    """Why the cadre may not stay in the former post under `rule`: the fact, no verdict."""
    rules = sc.rules
    if rule in ("R-RO1", "R-RO3"):
        zh, en = _years(rules[rule].years)
        return f"在原职位任职{zh}", f"{en} in the same post"
    if rule == "R-RO2":
        zh, en = _years(rules[rule].years)
        return f"在重点部门班子任副职{zh}", f"a deputy in the same sensitive team for {en}"
    if rule == "R-RO4":
        zh, en = _years(rules[rule].years)
        return f"任派驻纪检监察组组长{zh}", f"a dispatched inspection leader for {en}"
    if rule == "R-RO9":
        finding = cadre_value(cadres, c, "finding")
        return FINDING_WORDS.get(finding, ("民主测评结果未达要求",
                                           "democratic evaluation below the bar"))
    if rule == "R-EL7":
        return "已到退休年龄", "reached the retirement age"
    if rule == "R-EL4":
        return "年度考核不称职", "graded 不称职 (incompetent) in the annual assessment"
    if rule in ("R-EL5", "R-EL12"):
        return _integrity(cadres, c, sc.reference_date)
    if rule == "R-EL3":
        return "近年考核未全部达到称职以上", "not every recent grade competent or better"
    if rule == "R-EL6":
        return "民主推荐得票率未达要求", "democratic recommendation below the threshold"
    if rule == "R-EL1":
        return "学历不符合任职条件", "education below the post's requirement"
    if rule == "R-EL10":
        return "非中共党员，不担任党内职务", "not a CPC member, holds no Party office"
    if rule == "R-AV2":
        return "在成长地担任回避职位", "a key post in the place where the cadre grew up"
    if rule == "R-AV1":
        return "与班子成员有亲属关系", "kin of a team member"
    return None


# How a cause ends: the cadre moves to another post in scope, or leaves the roster.
_EXCHANGE = ("R-RO1", "R-RO2", "R-RO3", "R-RO4")
_MOVE_END = {"exchange": ("按规定交流", "exchanged as required"),
             "other": ("按规定调整", "moved as required")}
_RELEASE_END = {"exchange": ("按规定交流出本范围，另行安排",
                             "exchanged out of scope as required, post to be arranged"),
                "R-EL7": ("按规定退休", "retires"),
                "R-RO9": ("按规定组织调整", "adjusted by the organisation"),
                "other": ("免去现职", "released from the post")}


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
            if age is not None and age >= sc.rules["R-EL7"].retirement_age:
                out.append(("到龄退休", "retires at the age limit"))
            else:
                out.append(LEAVES)
            continue
        what = _cause(t, sc, cadres, c)
        if what is None:
            out.append(("按组织安排调整", "moved by the organisation's decision"))
            continue
        if t == "R-RO9" and cadre_value(cadres, c, "finding") == "incompetent" and not moves_on:
            end = ("按规定免职", "removed from the post")
        elif t == "R-EL7":
            end = _RELEASE_END["R-EL7"]
        elif moves_on:
            end = _MOVE_END["exchange" if t in _EXCHANGE else "other"]
        else:
            end = _RELEASE_END["exchange" if t in _EXCHANGE else
                               "R-RO9" if t == "R-RO9" else "other"]
        out.append((f"{what[0]}，{end[0]}", f"{what[1]}: {end[1]}"))
    return out


LEAVES = ("本届退出", "leaves this cycle")
UNCAUSED_RELEASE = ("另行安排（未列原因）", "post to be arranged (no cause given)")


# What a team minimum counts, as a committee names the target (no figure: the
# requirement is in rules.csv).
TARGET_NOUNS = {"R-TC1": ("系统外交流干部", "cadres from outside the system"),
                "R-TC2": ("本地干部", "local cadres"),
                "R-TC5": ("女干部", "women"),
                "R-TC6": ("党外干部", "non-Party cadres"),
                "R-TC7": ("专业干部", "professional cadres"),
                "R-TC8": ("乡镇党委书记经历干部", "township party-secretary experience"),
                "R-TC9": ("急需专长干部", "the specialty it needs")}


def target_words(rules: list[str], place: str, short: bool) -> Words:
    """The targets a line serves in `place` (a team's or a county's name), one phrase for
    all of them: met with nothing to spare ("满足洪洞县女干部、本地干部配备要求"), or still
    short with this member counted ("充实…（仍有缺口）")."""
    zh = "、".join(TARGET_NOUNS[r][0] for r in rules)
    en = " and ".join(TARGET_NOUNS[r][1] for r in rules)
    if short:
        return f"充实{place}{zh}配备（仍有缺口）", f"adds to {place}'s {en} (still short)"
    return f"满足{place}{zh}配备要求", f"meets {place}'s target for {en}"


def marked(sc: Scenario, cadre: dict) -> bool:
    """The cadre's democratic evaluation (a `cadre_rows` dict) is marked under R-RO9
    (优秀+称职 below `adjust_below`, or 不称职 above `remove_above`), whatever the rule's
    mode."""
    rule = sc.rules["R-RO9"]
    good = cadre_value(cadre, None, "rating_good", None)
    bad = cadre_value(cadre, None, "rating_bad", None)
    return ((good is not None and good < float(share_fraction(rule.adjust_below)))
            or (bad is not None and bad > float(share_fraction(rule.remove_above))))


def strength_words(cadre: dict, sc: Scenario, *, specialty: float,
                   post_specialty: str, same_system: bool, team_system: str,
                   approval: float | None, forced: tuple[str, ...] = ()) -> list[Words]:
    """The strengths of a cadre (a `cadre_rows` dict) for one post, in the order a
    committee hears them: specialty, system, township experience, assessment, approval.
    `specialty`: the fit part (1:
    the post's specialty, or the team's system, is among the cadre's). Nothing the data
    contradict: no assessment words with an organisational finding, no approval words
    with a marked evaluation, a finding, or a move forced by R-RO9."""
    out: list[Words] = []
    if specialty >= 1 - 1e-9:
        out.append((f"专业对口（{post_specialty}）", f"specialty matches ({post_specialty})")
                   if post_specialty else ("专业对口", "specialty matches the post"))
    if same_system and team_system:
        out.append((f"熟悉{team_system}工作", f"knows the work of {team_system}"))
    secretary = str(cadre_value(cadre, None, "secretary_exp"))
    if secretary == "true":
        out.append(("有乡镇党委书记经历", "has been a township party secretary"))
    elif bool(cadre_value(cadre, None, "township_head", False)):
        out.append(("有乡镇党政正职经历", "has headed a township"))
    finding = str(cadre_value(cadre, None, "finding"))
    grades = tuple(cadre_value(cadre, None, "assessments", ()) or ())
    if not finding and grades:
        if grades[0] == "优秀":
            out.append(("考核优秀", "rated excellent (优秀) in the latest assessment"))
        elif "优秀" in grades:
            out.append(("近年考核曾获优秀", "rated excellent (优秀) in a recent year"))
        elif all(g in ("优秀", "称职") for g in grades):
            out.append(("历年考核称职", "rated competent every year"))
    if (approval is not None and approval >= 0.8 and not finding and "R-RO9" not in forced
            and not marked(sc, cadre)):
        out.append(("群众公认度高", "high democratic approval"))
    return out
