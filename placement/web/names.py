"""Names a planner gives data sets and scenarios, and the file names they are kept under.

Why a mapping and not the typed name as the file name: a planner names a data set
"临汾2026年换届" or "尧都区 女干部3名"; such a name, used as a folder or file name, breaks
zip downloads on Windows, shell scripts and the URLs the page builds. A name of ASCII
letters, digits, `-` and `_` (`catalogue.NAME`) is kept as it is; any other name is
stored as `u-<ascii part>-<8 hex of its SHA-256>` and the typed name is written into
the scenario file as its `name`, which the scenario list shows (`label`).

Every refusal carries its words in Chinese and English (`message_zh`, `message_en`),
which the page shows beside the name box.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from pathlib import Path

from placement.web.catalogue import NAME

MAX_CHARS = 60
MAPPED = "u-"  # the prefix of a stored name made from a non-ASCII name


class NameError_(ValueError):
    """A name the workspace cannot take: `zh` and `en` say why."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en

    def detail(self) -> dict:
        return {"message_zh": self.zh, "message_en": self.en}


def clean(name: str) -> str:
    """The typed name, NFC-normalised; refused when empty, padded with spaces or line
    breaks, too long, or holding a control character or a path separator."""
    text = unicodedata.normalize("NFC", name or "")
    if not text.strip():
        raise NameError_("请填写名称。", "Give a name.")
    if text != text.strip():  # refused, never trimmed: a name is taken as typed or not at all
        raise NameError_("名称首尾不能有空格或换行。",
                         "The name may not start or end with a space or a line break.")
    if len(text) > MAX_CHARS:
        raise NameError_(f"名称过长（最多 {MAX_CHARS} 个字）。",
                         f"The name is too long (at most {MAX_CHARS} characters).")
    bad = [c for c in text if unicodedata.category(c).startswith("C") or c in "/\\:*?\"<>|"]
    if bad or text.startswith("."):
        raise NameError_("名称不能含有 / \\ : * ? \" < > | 等符号或控制字符，也不能以“.”开头。",
                         "The name may not hold / \\ : * ? \" < > |, control characters, "
                         "or start with '.'.")
    return text


def stored_name(name: str) -> str:
    """The file name (without suffix) a typed name is kept under: the name itself when it
    is ASCII letters, digits, - and _, else `u-<ascii part>-<hash>`."""
    text = clean(name)
    if NAME.fullmatch(text):
        return text
    ascii_part = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-_")[:24]
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return f"{MAPPED}{ascii_part + '-' if ascii_part else ''}{digest}"


def label(path: Path) -> str:
    """The name a planner typed for the scenario file `path`: its `name` when the file
    name was mapped from it, else the file name."""
    if not path.stem.startswith(MAPPED):
        return path.stem
    try:
        with path.open("rb") as f:
            return str(tomllib.load(f).get("name") or path.stem)
    except (OSError, tomllib.TOMLDecodeError):
        return path.stem


def taken(name: str) -> NameError_:
    """The refusal for a name already used."""
    return NameError_(f"名称“{name}”已被使用，请换一个。",
                      f"The name '{name}' is taken; choose another.")
