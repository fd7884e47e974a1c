"""Reading the values of a 任免审批表: dates, gender, party, education, grades, kinship.

The form's fields are free text typed by many hands ("197503", "1975.03",
"大学本科", "2023年度考核优秀；2022年、2021年称职"). Each reader takes one
field's text and returns the data set's code, or None when it cannot read it
with confidence, in which case the importer reports the field instead of
guessing.
"""

from __future__ import annotations

import calendar
import re

from placement.data.parsing import LIST_SEPARATORS
from placement.data.schema import ASSESSMENT_ALIASES, NON_PARTY_VALUES, PARTY_ALIASES, PARTY_CPC


def read_date(text: str) -> str | None:
    """YYYYMM, YYYYMMDD, YYYY.MM, YYYY.M, YYYY-MM(-DD), YYYY年M月(D日) -> ISO; else None."""
    t = text.strip()
    m = (re.fullmatch(r"(\d{4})(\d{2})(\d{2})?", t)
         or re.fullmatch(r"(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*(?:[.\-/月]\s*(\d{1,2})\s*日?|月)?", t))
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
    if not (1900 <= y <= 2100 and 1 <= mo <= 12 and 1 <= d <= calendar.monthrange(y, mo)[1]):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


GENDERS = {"男": "M", "女": "F"}
EDUCATION_WORDS = (("博士", "postgraduate"), ("硕士", "postgraduate"), ("研究生", "postgraduate"),
                   ("中专", "other"), ("中技", "other"), ("高中", "other"), ("初中", "other"),
                   ("大专", "college"), ("专科", "college"), ("本科", "bachelor"),
                   ("大学", "bachelor"))
# Every spelling of a non-Party status, longest first so 中国民主同盟 wins over 民主.
_NON_PARTY = sorted({**{v: v for v in NON_PARTY_VALUES},
                     **{k: v for k, v in PARTY_ALIASES.items() if v != PARTY_CPC}}.items(),
                    key=lambda kv: -len(kv[0]))
_CPC_WORDS = [k for k, v in PARTY_ALIASES.items() if v == PARTY_CPC and not k.isascii()]


def read_education(text: str) -> str | None:
    return next((code for w, code in EDUCATION_WORDS if w in text), None)


def read_party(status: str, joined: str) -> str | None:
    """政治面貌 if given, else 入党时间: a democratic party's name (or 无党派/群众) means
    non-Party; a date alone means a CPC member."""
    for text in (status, joined):
        if not text:
            continue
        hit = next((code for w, code in _NON_PARTY if w in text), None)
        if hit:
            return hit
        if any(w in text for w in _CPC_WORDS) or re.search(r"\d{4}", text):
            return PARTY_CPC
    return None


_GRADE_WORDS = ("基本称职", "不称职", "称职", "优秀", "基本合格", "不合格", "合格")


def read_assessments(text: str) -> tuple[tuple[str, ...], int] | None:
    """"2023年度考核优秀；2022年、2021年称职" -> (("优秀", "称职", "称职"), 2023): the three
    newest grades, newest first, and the newest year. None if no (year, grade) is found."""
    by_year: dict[int, str] = {}
    for clause in re.split(r"[；;。\n]", text):
        years = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", clause)]
        grade = next((g for g in _GRADE_WORDS if g in clause), None)
        if years and grade:
            for y in years:
                by_year[y] = ASSESSMENT_ALIASES.get(grade, grade)
    if not by_year:
        return None
    newest = sorted(by_year, reverse=True)[:3]
    return tuple(by_year[y] for y in newest), newest[0]


def read_list(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(LIST_SEPARATORS + r"|\s+", text) if p.strip())


# 称谓 of a family member -> the `relations` code (schema.RELATIONS). Avoidance
# (R-AV1) treats every relation alike, so the code only has to be right in kind.
KIN: dict[str, str] = {
    **dict.fromkeys(("妻子", "丈夫", "爱人", "配偶", "妻", "夫", "夫妻"), "spouse"),
    **dict.fromkeys(("父亲", "母亲", "父", "母", "继父", "继母", "养父", "养母"), "parent"),
    **dict.fromkeys(("儿子", "女儿", "子", "女", "长子", "次子", "三子", "长女", "次女", "三女",
                     "养子", "养女", "继子", "继女"), "child"),
    **dict.fromkeys(("哥哥", "弟弟", "姐姐", "妹妹", "兄", "弟", "姐", "妹", "兄长", "胞兄",
                     "胞弟", "胞姐", "胞妹"), "sibling"),
    **dict.fromkeys(("岳父", "岳母", "公公", "婆婆", "儿媳", "儿媳妇", "女婿", "嫂子", "弟媳",
                     "姐夫", "妹夫", "连襟", "妯娌"), "in_law"),
    **dict.fromkeys(("祖父", "祖母", "外祖父", "外祖母", "爷爷", "奶奶", "外公", "外婆"),
                    "grandparent"),
    **dict.fromkeys(("孙子", "孙女", "外孙", "外孙女"), "grandchild"),
    **dict.fromkeys(("伯父", "伯母", "叔叔", "叔父", "婶婶", "婶母", "姑姑", "姑母", "姑父",
                     "舅舅", "舅父", "舅妈", "舅母", "姨", "姨妈", "姨母", "姨父"),
                    "uncle_aunt"),
    **dict.fromkeys(("侄子", "侄女", "外甥", "外甥女"), "nephew_niece"),
}


def read_kin(text: str) -> str | None:
    """A 称谓 as a relation code: exact words, then 堂…/表… (cousins); None if unknown."""
    t = text.strip()
    if t in KIN:
        return KIN[t]
    if t[:1] in ("堂", "表") and len(t) >= 2:
        return "cousin"
    return None
