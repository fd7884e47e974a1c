"""The words a committee hears for a move's cause and a cadre's strengths, in Chinese and
English (docs/explain.md, "Reasons in a committee's words").

A reason names the binding rule in words ("在原职位任职满十年，按规定交流"), never its id
(R-RO1) and never a number: ids stay in their own column (`required_by`, `rules`) and the
fit score with its parts in `fit_detail_zh` / `fit_detail_en`. Each phrase reads the
cadre's own data, so it never states what the data contradict: "考核优秀" only with an 优秀
grade among the recorded ones, "群众公认度高" never for a cadre whose democratic
evaluation is marked under R-RO9 or who has an organisational finding.

Every phrase is a (zh, en) pair; `strength_words` returns a list of them. A cause's words
are its rule's (`placement.meaning.causes.cause_words`).
"""

from __future__ import annotations

import pandas as pd

from placement.data.scenario import Scenario
from placement.meaning import causes, team_rules
from placement.meaning.causes import Words, cadre_value

# The cadre columns the words read.
READ = ("finding", "secretary_exp", "township_head", "assessments", "approval", "rating_good",
        "rating_bad", "sanction_until", "file_ok", "matters_ok", "spouse_abroad")


def cadre_rows(cadres: pd.DataFrame, rows) -> list[dict]:
    """The columns the words read (`READ`) of cadre rows `rows`, one dict per row: one
    array per column, not one pandas look-up per value (a province has 13k lines)."""
    cols = {k: cadres[k].to_numpy(dtype=object) for k in READ if k in cadres.columns}
    return [{k: v[int(c)] for k, v in cols.items()} for c in rows]


UNCAUSED_RELEASE = ("另行安排（未列原因）", "post to be arranged (no cause given)")


def target_words(rules: list[str], place: str, short: bool) -> Words:
    """The targets a line serves in `place` (a team's or a county's name), one phrase for
    all of them: met with nothing to spare ("满足洪洞县女干部、本地干部配备要求"), or still
    short with this member counted ("充实…（仍有缺口）")."""
    zh = "、".join(team_rules.LABELS[r].target_zh for r in rules)
    en = " and ".join(team_rules.LABELS[r].target_en for r in rules)
    if short:
        return f"充实{place}{zh}配备（仍有缺口）", f"adds to {place}'s {en} (still short)"
    return f"满足{place}{zh}配备要求", f"meets {place}'s target for {en}"


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
    if (approval is not None and approval >= 0.8 and not finding and causes.EVALUATION not in forced
            and not causes.marked(sc, cadre)):
        out.append(("群众公认度高", "high democratic approval"))
    return out
