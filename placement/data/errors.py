"""Problems with user input, collected (never raised one at a time) and shown in
Chinese or English.

A `Problem` says where (file or `workbook#sheet`, spreadsheet row, column) and
what was expected. `InputError` carries all of them so a planner fixes a file
in one pass. Messages never carry names or ID numbers of cadres, only ids.
"""

from __future__ import annotations

import locale
import os
from dataclasses import dataclass, field

from placement.data.i18n import MESSAGES


@dataclass(frozen=True)
class Problem:
    code: str  # key into placement.data.i18n.MESSAGES
    source: str = ""
    row: int | None = None
    column: str | None = None
    params: dict = field(default_factory=dict)

    def render(self, lang: str = "en") -> str:
        zh, en = MESSAGES[self.code]
        text = (zh if lang == "zh" else en).format(**self.params)
        where = []
        if self.source:
            where.append(self.source)
        if self.row is not None:
            where.append(f"第{self.row}行" if lang == "zh" else f"row {self.row}")
        if self.column:
            where.append(f"列 {self.column}" if lang == "zh" else f"column {self.column}")
        sep = "，" if lang == "zh" else ", "
        return (sep.join(where) + (": " if where else "")) + text


class InputError(Exception):
    """Invalid input: the problems found, all of them."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the input")
        self.problems = list(problems)

    def render(self, lang: str = "en") -> str:
        return "\n".join(p.render(lang) for p in self.problems)


def choose_language(flag: str | None = None) -> str:
    """`--lang` wins; otherwise PLACEMENT_LANG, then the locale (zh_* gives Chinese)."""
    if flag:
        return "zh" if flag.lower().startswith("zh") else "en"
    env = os.environ.get("PLACEMENT_LANG") or os.environ.get("LC_ALL") or os.environ.get("LANG")
    if not env:
        env = (locale.getlocale()[0] or "")
    return "zh" if env.lower().startswith("zh") else "en"
