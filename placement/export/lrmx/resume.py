"""Reading the 简历 of a 任免审批表: one dated line per post held.

The 简历 is free text, one post per line, written in many hands:

    1997.07--2003.05  洪洞县农业局干部
    2003.05——2010.12 洪洞县大槐树镇副镇长
    201012-201606    洪洞县大槐树镇党委书记（其间：2012.09--2015.07在省委党校在职研究生班学习）
    2016年6月至今    洪洞县委副书记
    2016.06--        洪洞县委副书记

Each line gives a start (`YYYY.MM`, `YYYY.M`, `YYYYMM`, `YYYY年M月`, or the
draft placeholder `××××.××` for a date still to be filled), a dash (—— -- —
－ ～ ~ 至 到), an end (the same forms, or nothing / 至今 / 今 / 现在 for a post
still held) and the unit and post. "（其间：…）" notes — in-service study,
training, secondments held alongside the post — are set apart as `study`
entries: they are not posts. A line that does not have this shape (no start
date, an end before its start, month 13 …) is kept in `unreadable` with its
number and text and is not read further: nothing in it is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_DATE = r"(?:\d{4}\s*[.．/年]\s*\d{1,2}\s*月?|\d{6}|[×xX]{4}\s*[.．]\s*[×xX]{2})"
_DASH = r"(?:[—―–\-－~～]+|至|到)"
_OPEN = r"(?:至今|今|现在|迄今)"
_LINE = re.compile(rf"^\s*(?P<start>{_DATE})\s*(?:(?P<dash>{_DASH})\s*"
                   rf"(?P<end>{_DATE}|{_OPEN})?)\s*(?P<text>\S.*?)\s*$")
_STUDY = re.compile(r"[（(]\s*其间\s*[:：]?\s*"
                    r"(?P<body>[^（）()]*(?:[（(][^（）()]*[）)][^（）()]*)*)[）)]")
# Where the unit ends and the post begins: a post word at the end of the first title.
_POST = re.compile(r"(?P<post>(?:党委|党组|党工委)?(?:常务)?副?"
                   r"(?:县长|市长|区长|镇长|乡长|局长|部长|主任|主席|书记|科长|所长|站长|队长|院长|校长|经理|组长|委员|常委|干部|科员|"
                   r"办事员|秘书|调研员|干事|教师|职员))$")


@dataclass(frozen=True)
class Entry:
    """One line of the 简历 (or one "其间" note)."""
    line: int  # 1-based line number in the 简历 text
    start: str | None  # ISO date (day 1); None when written as the placeholder ××××.××
    end: str | None  # ISO date; None when open (至今) or a placeholder
    open: bool  # still held: no end date
    text: str  # unit and post as written, "其间" notes removed
    unit: str
    post: str


@dataclass
class Resume:
    entries: list[Entry] = field(default_factory=list)  # posts, in the text's order
    study: list[Entry] = field(default_factory=list)  # "其间" notes
    unreadable: list[tuple[int, str]] = field(default_factory=list)  # (line, text)


def read_month(text: str) -> str | None:
    """`YYYY.MM`, `YYYY.M`, `YYYYMM`, `YYYY年M月` → `YYYY-MM-01`; None for a placeholder
    or an impossible month (callers tell the two apart)."""
    digits = re.findall(r"\d+", text)
    if len(digits) == 1 and len(digits[0]) == 6:
        digits = [digits[0][:4], digits[0][4:]]
    if len(digits) != 2:
        return None
    y, m = int(digits[0]), int(digits[1])
    if not (1900 <= y <= 2100 and 1 <= m <= 12):
        return None
    return f"{y:04d}-{m:02d}-01"


def _placeholder(text: str | None) -> bool:
    return bool(text) and not re.search(r"\d", text)


def _split(text: str) -> tuple[str, str]:
    """(unit, post): 洪洞县大槐树镇副镇长 → (洪洞县大槐树镇, 副镇长); ("", text) when no post
    word ends the first title."""
    first, sep, rest = re.sub(r"[（(][^（）()]*[）)]", "", text).partition("、")
    m = _POST.search(first)
    if not m or m.start() == 0:
        return "", text
    return first[:m.start()], m.group("post") + sep + rest


def _entry(number: int, line: str) -> Entry | None:
    m = _LINE.match(line)
    if not m:
        return None
    start_text, end_text = m.group("start"), m.group("end")
    start = read_month(start_text)
    if start is None and not _placeholder(start_text):
        return None
    is_open = end_text is None or bool(re.fullmatch(_OPEN, end_text))
    end = None if is_open else read_month(end_text)
    if not is_open and end is None and not _placeholder(end_text):
        return None
    if start and end and end < start:
        return None
    text = m.group("text").strip()
    unit, post = _split(text)
    return Entry(number, start, end, is_open, text, unit, post)


def read_resume(text: str) -> Resume:
    """Every line of a 简历: posts, "其间" notes and the lines that could not be read."""
    out = Resume()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.replace("\u3000", " ").strip()
        if not line:
            continue
        for note in _STUDY.finditer(line):
            study = _entry(number, note.group("body"))
            if study is None:
                out.unreadable.append((number, note.group(0)))
            else:
                out.study.append(study)
        line = _STUDY.sub("", line).strip()
        if not line:
            continue  # a line holding only a "其间" note
        entry = _entry(number, line)
        if entry is None:
            out.unreadable.append((number, raw.strip()))
        else:
            out.entries.append(entry)
    return out
