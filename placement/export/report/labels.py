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
from placement.data.words import VALUES, WORDS, value, word

__all__ = ["VALUES", "WORDS", "rule_name", "rules_text", "team_kind", "value", "word"]


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
