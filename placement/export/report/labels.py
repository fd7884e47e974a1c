"""Every word the planner reports show, in Chinese and English.

Headers, sheet names and value labels (change kinds, move kinds, team kinds)
are kept here, apart from the code that lays them out, so the workbook, the
HTML page and the .lrmx export say the same thing in the same words. Chinese
is the default: the reports go to a Chinese organisation department.
"""

from __future__ import annotations

from placement.data.rules import RULE_NAMES
from placement.data.schema import TEAM_KINDS

# key -> (zh, en)
WORDS: dict[str, tuple[str, str]] = {
    # sheets
    "sheet_roster": ("拟任名单", "Roster"),
    "sheet_moves": ("调整清单", "Moves"),
    "sheet_structure": ("班子结构", "Team structure"),
    "sheet_rules": ("规则达标", "Rules"),
    "sheet_alternates": ("备选人选", "Alternates"),
    "sheet_about": ("说明", "About"),
    "sheet_shortfalls": ("未达标原因", "Shortfalls"),
    # roster
    "team": ("班子", "team"),
    "team_id": ("班子编号", "team id"),
    "post_id": ("职位编号", "post id"),
    "post": ("职务", "post"),
    "post_rank": ("职级", "rank"),
    "proposed_id": ("拟任人员编号", "proposed id"),
    "proposed": ("拟任人选", "proposed holder"),
    "birth": ("出生年月", "born"),
    "current_id": ("现任人员编号", "current id"),
    "current": ("现任人员", "current holder"),
    "change": ("变动", "change"),
    "fit": ("匹配度", "fit"),
    "reason": ("理由", "reason"),
    # moves
    "cadre_id": ("人员编号", "cadre id"),
    "name": ("姓名", "name"),
    "from_team": ("原班子", "from team"),
    "from_post": ("原职务", "from post"),
    "to_team": ("拟任班子", "to team"),
    "to_post": ("拟任职务", "to post"),
    "kind": ("类别", "kind"),
    "required_by": ("依据", "required by"),
    # structure
    "team_kind": ("班子类型", "kind"),
    "region": ("地区", "region"),
    "posts": ("职数", "posts"),
    "size": ("在职人数", "members"),
    "women": ("女干部", "women"),
    "young": ("年轻干部", "young"),
    "locals": ("本地干部", "locals"),
    "exchanged_in": ("系统外交流", "exchanged in"),
    "non_party": ("党外干部", "non-Party"),
    "township_head": ("乡镇党政正职经历", "township head experience"),
    "avg_age": ("平均年龄", "average age"),
    "before": ("调整前", "before"),
    "after": ("调整后", "after"),
    "other_short": ("其他未达标", "other targets short"),
    # rules
    "rule": ("规则", "rule"),
    "rule_name": ("名称", "name"),
    "mode": ("模式", "mode"),
    "scope": ("范围", "scope"),
    "required": ("要求", "target"),
    "achieved": ("实际", "achieved"),
    "shortfall": ("差额", "shortfall"),
    "places": ("考核处数", "places"),
    "places_short": ("未达标处数", "places short"),
    "where": ("未达标处", "where short"),
    "cause": ("原因", "cause"),
    # alternates
    "rank": ("顺位", "rank"),
    "objective_change": ("目标值变化", "objective change"),
    "breaks": ("影响", "breaks"),
    "lines_changed": ("变动职位数", "lines changed"),
    # about
    "item": ("项目", "item"),
    "value": ("内容", "value"),
    "met": ("达标", "met"),
    "unmet": ("未达标", "short"),
}

VALUES: dict[str, tuple[str, str]] = {
    # roster change
    "stay": ("留任", "stays"), "new": ("新任", "new"), "moved_in": ("调入", "moved in"),
    # move kinds
    "promotion": ("晋升", "promotion"), "lateral": ("平级交流", "lateral move"),
    "demotion": ("降级使用", "demotion"), "leaving": ("退出", "leaving"),
    "released": ("免职（另行安排）", "released"), "appointment": ("新任", "appointment"),
    # modes and scopes
    "hard": ("硬性", "hard"), "target": ("目标", "target"), "off": ("关闭", "off"),
    "pair": ("人岗", "pair"), "county": ("县", "county"), "all": ("全部", "all"),
    # status
    "optimal": ("最优", "optimal"), "feasible": ("可行（未证明最优）", "feasible"),
    "infeasible": ("无可行方案", "infeasible"), "unknown": ("未知", "unknown"),
}


def word(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


def value(key: str, lang: str) -> str:
    """A coded value (`stay`, `promotion`, `hard` …) in words; unknown codes as written."""
    pair = VALUES.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]


def team_kind(kind: str, lang: str) -> str:
    return TEAM_KINDS.get(kind, kind) if lang == "zh" else kind.replace("_", " ")


def rule_name(rule: str, lang: str) -> str:
    pair = RULE_NAMES.get(rule)
    if pair is None:
        return ""
    return pair[0] if lang == "zh" else pair[1]


def rules_text(ids: str, lang: str) -> str:
    """`"R-RO1;R-EL7"` -> "R-RO1 正职任职满10年交流；R-EL7 年龄界限"; `leaving` as a word."""
    parts = [p.strip() for p in ids.replace("；", ";").split(";") if p.strip()]
    shown = [value(p, lang) if p in VALUES else f"{p} {rule_name(p, lang)}".strip()
             for p in parts]
    return ("；" if lang == "zh" else "; ").join(shown)
