"""Reading one 干部任免审批表 (.lrmx): bytes → fields → a `cadres` row.

A .lrmx file is XML with root `<Person>` and one element per form field
(`XingMing` 姓名 …, `JiaTingChengYuan/Item` family members). `FIELDS` lists
every field we know and what happens to it (docs/lrmx.md): mapped to a
`cadres` column, kept only in the XML (export copies it unchanged), written by
`export-lrmx`, or sensitive (ID number, photo: never copied anywhere, never
shown). Elements not in `FIELDS` are reported as unknown and kept.

Decoding keeps what export needs to write the file back byte for byte: the
encoding (declared, else UTF-8, else GB18030) and whether it had a BOM.
GB2312/GBK files are decoded as GB18030 (a superset, so every byte round
trips). The older text `.lrm` variant is not read: its layout is not
published and guessing field positions could silently swap fields, so an
`.lrm` file is accepted only when it is in fact XML.

Messages name the cadre id and the field, never a name or an ID number.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from placement.data.errors import Problem, looks_like_id_number
from placement.export.lrmx.derive import SOURCE_FIELDS
from placement.export.lrmx.values import (
    GENDERS,
    read_assessments,
    read_date,
    read_education,
    read_list,
    read_party,
)

SUFFIXES = (".lrmx", ".lrm")

# field -> (Chinese label, treatment, cadres columns it fills)
# treatments: mapped | derived (read for values the form implies: derive.py)
#             | kept (only in the XML) | export (written by export-lrmx)
#             | sensitive (never copied, never shown)
FIELDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "XingMing": ("姓名", "mapped", ("name",)),
    "XingBie": ("性别", "mapped", ("gender",)),
    "ChuShengNianYue": ("出生年月", "mapped", ("birth_date",)),
    "MinZu": ("民族", "kept", ()),
    "JiGuan": ("籍贯", "derived", ("home_region",)),
    "ChuShengDi": ("出生地", "derived", ("home_region",)),
    "RuDangShiJian": ("入党时间", "mapped", ("party",)),
    "ZhengZhiMianMao": ("政治面貌", "mapped", ("party",)),
    "CanJiaGongZuoShiJian": ("参加工作时间", "kept", ()),
    "JianKangZhuangKuang": ("健康状况", "kept", ()),
    "ZhuanYeJiShuZhiWu": ("专业技术职务", "kept", ()),
    "ShuXiZhuanYeYouHeZhuanChang": ("熟悉专业有何专长", "mapped", ("specialties",)),
    "QuanRiZhiJiaoYu_XueLi": ("全日制教育学历", "mapped", ("education",)),
    "QuanRiZhiJiaoYu_XueWei": ("全日制教育学位", "kept", ()),
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": ("全日制学历毕业院校系及专业", "kept", ()),
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": ("全日制学位毕业院校系及专业", "kept", ()),
    "ZaiZhiJiaoYu_XueLi": ("在职教育学历", "kept", ()),
    "ZaiZhiJiaoYu_XueWei": ("在职教育学位", "kept", ()),
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": ("在职学历毕业院校系及专业", "kept", ()),
    "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": ("在职学位毕业院校系及专业", "kept", ()),
    "XianRenZhiWu": ("现任职务", "derived", ("region", "rank", "system", "party")),
    "NiRenZhiWu": ("拟任职务", "export", ()),
    "NiMianZhiWu": ("拟免职务", "export", ()),
    "JianLi": ("简历", "derived", ("post_since", "team_since", "rank_since",
                                     "township_head", "secretary_exp")),
    "JiangChengQingKuang": ("奖惩情况", "kept", ()),
    "NianDuKaoHeJieGuo": ("年度考核结果", "mapped", ("assessments", "assessment_year")),
    "RenMianLiYou": ("任免理由", "export", ()),
    "JiaTingChengYuan": ("家庭成员", "mapped", ("relations",)),
    "ChengBaoDanWei": ("呈报单位", "kept", ()),
    "JiSuanNianLingShiJian": ("计算年龄时间", "kept", ()),
    "TianBiaoShiJian": ("填表时间", "kept", ()),
    "TianBiaoRen": ("填表人", "kept", ()),
    "ShenFenZheng": ("身份证号", "sensitive", ()),
    "ZhaoPian": ("照片", "sensitive", ()),
    "Version": ("版本", "kept", ()),
}
REQUIRED = ("XingMing", "XingBie", "ChuShengNianYue")
# Fields whose values may appear in a message (no names, no ID numbers).
SHOWABLE = ("XingBie", "ChuShengNianYue", "RuDangShiJian", "ZhengZhiMianMao",
            "QuanRiZhiJiaoYu_XueLi", "NianDuKaoHeJieGuo")
EXPORT_FIELDS = ("NiRenZhiWu", "NiMianZhiWu", "RenMianLiYou")
TREATMENT_NOTE = {"kept": "kept in the file, not imported",
                  "derived": "read for derived values (rows below)",
                  "export": "written by export-lrmx",
                  "sensitive": "never copied or shown"}


@dataclass
class Decoded:
    text: str  # the whole file as text
    codec: str  # Python codec that decodes and re-encodes it byte for byte
    declared: str  # the declared encoding ("" if none)
    bom: bytes


@dataclass
class Person:
    """One file read: the cadre row it gives, family members, and what was said."""
    file: Path
    cadre_id: str
    sha256: str
    codec: str = ""
    row: dict = field(default_factory=dict)  # cadres column -> text value
    texts: dict = field(default_factory=dict)  # the fields derive.py reads -> text
    derived: dict = field(default_factory=dict)  # cadres column -> value the form implies
    family: list[dict] = field(default_factory=list)  # Item fields, by position
    # field, status, detail (and the value, for a derived one)
    statuses: list[tuple[str, ...]] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    where: str = ""  # the form as messages name it: `where()`
    post: tuple[str, str] = ("", "")  # (team id, post title) 现任职务 names in the data set


_DECL = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["'][^>]*\?>""")
_DECL_ANY = re.compile(r"^\s*<\?xml[^>]*\?>")


def cadre_id_for(path: Path) -> str:
    """A stable id from the file name: the stem when it looks like an id (LF00012),
    else `LRMX-` and a digest of the stem (file names are often personal names,
    which must not become ids shown in logs). Never from the ID number."""
    stem = path.stem.strip()
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}", stem) and not looks_like_id_number(stem):
        return stem
    return "LRMX-" + hashlib.sha256(stem.encode("utf-8")).hexdigest()[:10].upper()


def decode(data: bytes) -> Decoded:
    """Text, codec and BOM of an XML file; raises ValueError when it cannot be decoded."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return Decoded(data[len(bom):].decode(codec), codec, codec, bom)
    m = _DECL.match(data[:200].decode("ascii", "replace"))
    declared = m.group(1) if m else ""
    if declared:
        try:
            codec = codecs.lookup(declared).name
        except LookupError:
            raise ValueError(f"unknown encoding {declared!r}") from None
        if codec in ("gb2312", "gbk", "euc_cn", "gb18030"):
            codec = "gb18030"
        return Decoded(data.decode(codec), codec, declared, b"")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", "", b"")
    except UnicodeDecodeError:
        return Decoded(data.decode("gb18030"), "gb18030", "", b"")


def parse(text: str) -> ET.Element:
    """The XML tree of a decoded file; DTDs and entities are refused (ValueError)."""
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise ValueError("DOCTYPE/ENTITY declarations are not accepted")
    return ET.fromstring(_DECL_ANY.sub("", text, count=1))


# ------------------------------------------------------------------ one file


def where(path: Path, folder: Path | None, cadre_id: str) -> str:
    """The form as messages name it: its path relative to the folder given (the file
    name when read alone), so the planner finds the file at once (`2016/赵磊.lrmx`).
    The file name is the planner's own input; what is never repeated is what the form
    holds (names, ID numbers: `_echo`), and an ID number used as a file name is hidden
    by `Problem.render` (`shown_place`)."""
    path = Path(path)
    shown = path.relative_to(folder) if folder is not None else Path(path.name)
    return shown.as_posix()


def _problem(person: Person, code: str, field_name: str | None = None, **params) -> Problem:
    if field_name is not None:
        params.setdefault("field", field_name)
        params.setdefault("zh", FIELDS.get(field_name, ("",))[0])
    return Problem(code, source=person.where, column=field_name, params=params)


def _looks_like_xml(data: bytes) -> bool:
    head = data[:64].lstrip(codecs.BOM_UTF8).lstrip()
    return head.startswith(b"<") or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def read_person(path: Path, folder: Path | None = None) -> Person:
    """Read and map one file; problems that stop the import go to `errors`, naming the
    file relative to `folder` (the folder the planner gave) and the field."""
    path = Path(path)
    data = path.read_bytes()
    cadre_id = cadre_id_for(path)
    person = Person(path, cadre_id, hashlib.sha256(data).hexdigest(),
                    where=where(path, folder, cadre_id))
    if path.suffix.lower() == ".lrm" and not _looks_like_xml(data):
        person.errors.append(_problem(person, "lrmx_lrm_text"))
        return person
    try:
        decoded = decode(data)
        root = parse(decoded.text)
    except (ValueError, ET.ParseError) as err:  # UnicodeDecodeError is a ValueError
        person.errors.append(_problem(person, "lrmx_bad_xml", reason=_reason(err)))
        return person
    person.codec = decoded.codec
    if root.tag != "Person":
        person.errors.append(_problem(person, "lrmx_not_person", root=root.tag[:40]))
        return person
    values: dict[str, str] = {}
    for child in root:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag not in FIELDS:
            person.warnings.append(_problem(person, "lrmx_unknown_field", tag[:60]))
            person.statuses.append((tag[:60], "unknown", "kept in the file, not imported"))
            continue
        if tag == "JiaTingChengYuan":
            person.family = [{c.tag: (c.text or "").strip() for c in item} for item in child]
            values[tag] = "x" if person.family else ""
            continue
        values.setdefault(tag, (child.text or "").strip())
    _map(person, values)
    person.texts = {k: values[k] for k in SOURCE_FIELDS if values.get(k)}
    return person


def _reason(err: Exception) -> str:
    """A parser's message without any of the file's content."""
    if isinstance(err, ET.ParseError):
        line, col = err.position
        return f"malformed XML at line {line}, column {col}"
    if isinstance(err, UnicodeDecodeError):
        return f"not {err.encoding} text"
    return str(err)[:120]


def _map(person: Person, v: dict[str, str]) -> None:
    row, err = person.row, person.errors
    for name in REQUIRED:
        if not v.get(name):
            err.append(_problem(person, "lrmx_missing", name))
    if v.get("XingMing"):
        row["name"] = v["XingMing"]
    if v.get("XingBie"):
        if v["XingBie"] in GENDERS:
            row["gender"] = GENDERS[v["XingBie"]]
        else:
            err.append(_problem(person, "lrmx_bad_value", "XingBie",
                                value=_echo("XingBie", v["XingBie"]), expected="男/女"))
    if v.get("ChuShengNianYue"):
        born = read_date(v["ChuShengNianYue"])
        if born is None:
            err.append(_problem(person, "lrmx_bad_date", "ChuShengNianYue",
                                value=_echo("ChuShengNianYue", v["ChuShengNianYue"])))
        else:
            row["birth_date"] = born
    status, joined = v.get("ZhengZhiMianMao", ""), v.get("RuDangShiJian", "")
    _optional(person, "RuDangShiJian", "party", status or joined, read_party(status, joined))
    edu = v.get("QuanRiZhiJiaoYu_XueLi", "")
    _optional(person, "QuanRiZhiJiaoYu_XueLi", "education", edu,
              read_education(edu) if edu else None)
    grades = v.get("NianDuKaoHeJieGuo", "")
    read = read_assessments(grades) if grades else None
    _optional(person, "NianDuKaoHeJieGuo", "assessments", grades, read and ";".join(read[0]))
    if read:
        row["assessment_year"] = str(read[1])
    if v.get("ShuXiZhuanYeYouHeZhuanChang"):
        row["specialties"] = ";".join(read_list(v["ShuXiZhuanYeYouHeZhuanChang"]))
    for name, text in v.items():
        _, treatment, columns = FIELDS[name]
        if not text:
            continue
        if treatment != "mapped":
            person.statuses.append((name, treatment, TREATMENT_NOTE[treatment]))
        elif name == "JiaTingChengYuan" or set(columns) & set(row):
            person.statuses.append((name, "mapped", ",".join(columns)))


_DATE_TEXT = re.compile(r"[\d\s.\-/年月日]{1,20}")


def _echo(name: str, text: str) -> str:
    """A field's unreadable text as a message may repeat it: only what cannot be a
    person's name typed into the wrong field (a planner's slip: 王建国 in 性别 or
    出生年月). Dates: digits and date marks only; 性别: one character; the other
    showable fields: text longer than a name (more than 4 characters) or holding a
    digit. Anything else is `…`. An ID number is passed on: `Problem.render` hides it
    in every spelling (`placement.data.errors.ID_NUMBER`)."""
    if looks_like_id_number(text):
        return text
    if name in ("ChuShengNianYue", "RuDangShiJian"):
        return text if _DATE_TEXT.fullmatch(text) else "…"
    if name == "XingBie":
        return text if len(text) <= 1 else "…"
    if name in SHOWABLE and (len(text) > 4 or any(c.isdigit() for c in text)):
        return text[:40]
    return "…"


def _optional(person: Person, name: str, column: str, text: str, value: str | None) -> None:
    """A mapped field the cadre can be imported without: missing or unreadable is a warning."""
    if value:
        person.row[column] = value
    elif not text:
        person.warnings.append(_problem(person, "lrmx_missing_optional", name, column=column))
        person.statuses.append((name, "missing", f"{column} left empty"))
    else:
        shown = _echo(name, text)
        person.warnings.append(_problem(person, "lrmx_unreadable", name, column=column,
                                        value=shown))
        person.statuses.append((name, "unreadable", f"{column} left empty"))
