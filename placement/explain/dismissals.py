"""The 拟免 table: every sitting cadre who leaves a post, why, and where to.

"Leaving the roster" (docs/rules.md): a sitting cadre leaves a post only for a cause (a
hard rule that bars staying, the data marking them leaving, a move to another post, a
planner's lock), and every leaving line names it and, where known, where the cadre goes.
A committee reads this table beside the 拟任 (the roster): one line per cadre whose post
changes, from moves.csv, with the cause in words (the move's reason) and the destination:
the new post, or for a cadre who holds none, what becomes of them — retirement, removal,
an exchange out of this proposal's scope (交流出本范围，另行安排, R-RO1–R-RO3), or a
release the scenario allowed without a cause.
"""

from __future__ import annotations

import pandas as pd

from placement.data.dataset import DataSet
from placement.meaning import causes

# What becomes of a sitting cadre who holds no post: a rule's fate (`causes.fate`), a
# cause in the data or a lock, or none.
DESTINATION = {
    "retires": ("退休", "retires"),
    "removed": ("免职", "removed from post"),
    "exchanged": ("交流出本范围，另行安排", "exchanged out of this scope, post to be arranged"),
    "leaving": ("本届退出", "leaves this cycle"),
    "lock": ("按锁定调整，另行安排", "moved by a planner's lock, post to be arranged"),
    "none": ("另行安排（未列原因）", "to be arranged (no cause given)"),
}
COLUMNS = ["cadre_id", "cadre_name", "from_post", "from_title", "from_team", "from_team_name",
           "kind", "required_by", "to_post", "to_title", "destination_zh", "destination_en",
           "reason_zh", "reason_en"]


def _fate(required_by: str) -> str:
    """The DESTINATION key of a sitting cadre who holds no post, from `required_by`."""
    rules = [r for r in required_by.split(";") if r]
    if required_by == "leaving":
        return "leaving"
    fate = causes.fate(rules)
    if fate:
        return fate
    if any(r.startswith("LOCK") for r in rules):
        return "lock"
    return "none"


def _post_name(team: str, title: str) -> str:
    """A post as a committee names it: the team, then the title, without saying the body
    twice ("中共洪洞县委员会" + "县委副书记" → "中共洪洞县委员会副书记"; "乡宁县人大常委会" +
    "人大常委会副主任" → "乡宁县人大常委会副主任"; "政协霍州市委员会" + "政协主席" →
    "政协霍州市委员会主席")."""
    for body in ("人大常委会", "县委", "区委", "市委", "政协", "人大"):
        if title.startswith(body) and (team.startswith(body) or team.endswith(body)
                                       or body in ("县委", "区委", "市委")
                                       and team.startswith("中共")):
            return team + title[len(body):]
    return team + title


def dismissals_table(data: DataSet, moves: pd.DataFrame) -> pd.DataFrame:
    """One row per sitting cadre whose post changes (moves.csv lines with a `from_post`),
    with the former post and team by name, the cause (`required_by`, the move's reasons)
    and the destination in words (the new post's team and title, or `DESTINATION`)."""
    title = dict(zip(data.posts["post_id"], data.posts["title"], strict=True))
    team_name = dict(zip(data.teams["team_id"], data.teams["name"], strict=True))
    out = moves.loc[moves["from_post"] != ""].reset_index(drop=True)
    dest_zh, dest_en = [], []
    for to_post, to_team, required_by in zip(out["to_post"], out["to_team"],
                                             out["required_by"], strict=True):
        if to_post:
            place = _post_name(team_name.get(to_team, to_team), title.get(to_post, to_post))
            dest_zh.append(f"任{place}")
            dest_en.append(f"to {place}")
        else:
            zh, en = DESTINATION[_fate(str(required_by))]
            dest_zh.append(zh)
            dest_en.append(en)
    frame = out.assign(
        from_title=out["from_post"].map(title).fillna(""),
        from_team_name=out["from_team"].map(team_name).fillna(""),
        to_title=out["to_post"].map(title).fillna(""),
        destination_zh=dest_zh, destination_en=dest_en)
    for col in ("reason_zh", "reason_en"):
        if col not in frame:
            frame[col] = ""
    return frame[COLUMNS]
