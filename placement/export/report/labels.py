"""Every word the planner reports show, in Chinese and English.

Headers, sheet names and value labels (change kinds, move kinds) come from the
one catalogue, `placement.data.words`; team kinds and rule names are read here,
apart from the code that lays them out, so the workbook, the
HTML page and the .lrmx export say the same thing in the same words. Chinese
is the default: the reports go to a Chinese organisation department.
"""

from __future__ import annotations

from placement.data.rules import RULE_NAMES
from placement.data.schema import TEAM_KINDS
from placement.data.words import VALUES, WORDS, value
from placement.data.words import word as catalogue_word

__all__ = ["REPORT_WORDS", "VALUES", "WORDS", "rule_name", "rules_text", "team_kind", "value",
           "word"]

# Words only the reports use (cards, the what-if line, rule verdicts, contents, the
# county sheets, diff reports); the shared ones stay in `placement.data.words`.
REPORT_WORDS: dict[str, tuple[str, str]] = {
    "card_promotions": ("提拔晋升", "promotions"),
    "card_across": ("跨县（市、区）交流", "moves across counties"),
    "card_appointments": ("新进班子", "newcomers"),
    "card_leaving": ("退出班子", "leaving"),
    "card_unmet": ("未达标目标（处）", "targets short (places)"),
    "card_check": ("独立核查", "independent check"),
    "passed": ("通过", "passed"), "failed": ("未通过", "FAILED"),
    "tech_note": ("技术说明", "Technical note"),
    "tech_status": ("求解状态", "solver status"), "tech_objective": ("目标值", "objective"),
    "tech_gap": ("相对差距", "gap"), "tech_seconds": ("求解用时（秒）", "solve time (s)"),
    "title_default": ("领导班子配备方案", "Leadership team roster"),
    "whatif": ("假设调整", "what-if"),
    "title_more": ("等，另 {n} 项", " and {n} more"),
    "changes_head": ("与基准方案相比的改动", "Changes against the base scenario"),
    "base_value": ("基准", "base"), "this_value": ("本方案", "this scenario"),
    "setting": ("设置项", "setting"),
    "required_text": ("要求", "target"), "achieved_text": ("实际", "achieved"),
    "places_met": ("达标处数", "places meeting it"), "verdict": ("结论", "verdict"),
    "info": ("仅供参考", "for information"), "not_applicable": ("不适用", "not applicable"),
    "contents": ("目录", "Contents"),
    "county_plans": ("各县（市、区）班子配备方案", "Team plans by county"),
    "county_plan": ("班子配备方案", "team plan"),
    "members": ("班子成员", "members"),
    "diff_title": ("方案比较", "Comparison of two results"),
    "sheet_diff_summary": ("概况", "Summary"), "sheet_diff_posts": ("职位差异", "Posts"),
    "sheet_diff_moves": ("调整差异", "Moves"), "sheet_diff_structure": ("结构差异", "Structure"),
    "sheet_diff_rules": ("规则差异", "Rules"),
    "figure": ("指标", "figure"), "side_a": ("方案A", "A"), "side_b": ("方案B", "B"),
    "difference": ("差值", "difference"), "holder_a": ("A 拟任", "holder in A"),
    "holder_b": ("B 拟任", "holder in B"), "side": ("所在方案", "in"),
}


def word(key: str, lang: str) -> str:
    """A report word (`REPORT_WORDS`) or a catalogue header (`placement.data.words`)."""
    pair = REPORT_WORDS.get(key)
    if pair is None:
        return catalogue_word(key, lang)
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
