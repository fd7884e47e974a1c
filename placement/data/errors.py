"""Problems with user input, collected (never raised one at a time) and shown in
Chinese or English.

A `Problem` says where (file or `workbook#sheet`, spreadsheet row, column) and
what was expected. `InputError` carries all of them so a planner fixes a file
in one pass. Messages never carry names or ID numbers of cadres, only ids:
`render` hides any value that looks like an ID number (a planner may type one
into the wrong cell, 性别 or 出生年月 of a form) and shows control characters
as escapes, so a message cannot garble the terminal. `OutputError` is the
other half: an output path that cannot be written (CLI exit 2).
"""

from __future__ import annotations

import locale
import os
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from placement.data.i18n import MESSAGES

# An 18-character resident ID number (17 digits and a digit or X), checksum or not,
# anywhere in a value; 15-digit first-generation numbers too. In any spelling a planner
# may type: digits of any width (`\d` is every Unicode decimal digit: full-width ０-９,
# what a Chinese input method types), X of either width, and separators between the
# digits (spaces of any kind, hyphens and dashes: `110105 19491231 002X`). The one
# recogniser: every mask (`shown_value`, `shown_place`, `looks_like_id_number`) uses it.
_ID_SEP = r"[\s\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d]*"
_ID_X = "XxＸｘ"
ID_NUMBER = re.compile(rf"(?<!\d)(?:\d(?:{_ID_SEP}\d){{16}}{_ID_SEP}[\d{_ID_X}]"
                       rf"|\d(?:{_ID_SEP}\d){{14}})(?![\d{_ID_X}])")
HIDDEN = {"zh": "［疑似身份证号，已隐去］", "en": "[looks like an ID number; not shown]"}
# A file name or column header longer than this is named by its length alone: a
# header cell is a cell (the loader's MAX_CELL_CHARS), and a 50 MB one is not echoed.
MAX_PLACE_CHARS = 2_000
LONG = {"zh": "［{n} 个字符，未显示］", "en": "[{n} characters; not shown]"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Words(NamedTuple):
    """A message parameter that is itself words, in both languages."""
    zh: str
    en: str


def os_problem(err: OSError, code: str = "os_write") -> Problem:
    """An operating system error as a problem naming its path, with the reason in words
    a planner can act on (disk full, read-only, permission, not a folder)."""
    import errno

    from placement.data.i18n import OS_REASONS

    name = errno.errorcode.get(err.errno or 0, "")
    fallback = err.strerror or type(err).__name__
    reason = Words(*OS_REASONS.get(name, (fallback, fallback)))
    path = err.filename if err.filename is not None else ""
    return Problem(code, params={"path": str(path), "reason": reason})


def looks_like_id_number(text: str) -> bool:
    return bool(ID_NUMBER.search(text))


def shown_value(value: object, lang: str = "en") -> object:
    """A message parameter as it may be shown: ID-number-like text hidden, control
    characters escaped (`\\x07`); other values unchanged."""
    if isinstance(value, Words):
        return value.zh if lang == "zh" else value.en
    if not isinstance(value, str):
        return value
    if looks_like_id_number(value):
        return HIDDEN["zh" if lang == "zh" else "en"]
    if not _CONTROL.search(value):
        return value  # as given (a str subclass keeps its own repr)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)


def shown_place(text: str, lang: str = "en") -> str:
    """A file name or column as it may be shown: any ID number inside it replaced (a form
    saved as `11010519491231002X.lrmx`), control characters escaped; the rest kept so
    the planner can still find the file. One over `MAX_PLACE_CHARS` by its length."""
    if len(text) > MAX_PLACE_CHARS:
        return LONG["zh" if lang == "zh" else "en"].format(n=len(text))
    text = ID_NUMBER.sub(HIDDEN["zh" if lang == "zh" else "en"], text)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@dataclass(frozen=True)
class Problem:
    code: str  # key into placement.data.i18n.MESSAGES
    source: str = ""
    row: int | None = None
    column: str | None = None
    params: dict = field(default_factory=dict)

    def render(self, lang: str = "en") -> str:
        zh, en = MESSAGES[self.code]
        params = {k: shown_value(v, lang) for k, v in self.params.items()}
        text = (zh if lang == "zh" else en).format(**params)
        where = []
        if self.source:
            where.append(shown_place(self.source, lang))
        if self.row is not None:
            where.append(f"第{self.row}行" if lang == "zh" else f"row {self.row}")
        if self.column:
            column = shown_place(self.column, lang)
            where.append(f"列 {column}" if lang == "zh" else f"column {column}")
        sep = "，" if lang == "zh" else ", "
        return (sep.join(where) + (": " if where else "")) + text


class InputError(Exception):
    """Invalid input: the problems found, all of them."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the input")
        self.problems = list(problems)

    def render(self, lang: str = "en") -> str:
        return "\n".join(p.render(lang) for p in self.problems)


class OutputError(Exception):
    """An output path that cannot be used or written: the problems, all of them (the
    CLI prints them and exits 2, before any work when it can tell in advance)."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) with the output")
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
