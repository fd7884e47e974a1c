"""`placement export-lrmx RESULT --out DIR`: the proposal written back into the forms.

For every cadre whose post changes (moves.csv) and whose 任免审批表 was
imported (`lrmx_sources.csv` beside the data set), the original file is
copied to DIR under its own name with three fields replaced: `NiRenZhiWu`
拟任职务 (the new post: team name and title), `NiMianZhiWu` 拟免职务 (the
post left) and `RenMianLiYou` 任免理由 (the move's reason in words: the cause that
required it, the strengths, the targets served and the post taken; no score, formula or
rule id, `content.form_reason`).
A field the proposal says nothing about (拟免 for a newcomer, 拟任 for a
cadre who leaves) is written empty, so no value from an earlier round stays.

The edit is made on the text, not by re-serialising the XML, so every other
byte of the file stays as it was (declaration, encoding, line ends, order,
photo); a check parses both versions and compares every other element
before the file is written. `lrmx_export.csv` in DIR lists what was written
(ids and post titles only).
"""

from __future__ import annotations

import copy
import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd

from placement.data import atomic
from placement.data.errors import InputError, OutputError, Problem
from placement.data.regions import region_names_file
from placement.export.lrmx.draft import draft_form
from placement.export.lrmx.import_ import SOURCES_FILE
from placement.export.lrmx.read import EXPORT_FIELDS, decode, parse
from placement.export.lrmx.titles import places_of
from placement.export.report.content import form_reason
from placement.roster.result_folder import Result, read_csv_text


@dataclass
class ExportReport:
    written: list[str] = field(default_factory=list)
    without_form: list[str] = field(default_factory=list)
    drafted: list[str] = field(default_factory=list)  # drafts written (export_lrmx drafts=True)
    warnings: list[Problem] = field(default_factory=list)


def sources_path(res: Result, given: Path | None = None) -> Path:
    """lrmx_sources.csv: `given`, else in the data set folder (or beside its workbook)."""
    if given is not None:
        return Path(given)
    data = Path(res.scenario.data)
    return (data if data.is_dir() else data.parent) / SOURCES_FILE


def source_files(res: Result, given: Path | None = None) -> list[Path]:
    """The original forms lrmx_sources.csv lists (none when it is missing: the export
    then stops with its own message)."""
    path = sources_path(res, given)
    if not path.is_file():
        return []
    return [Path(f) for f in read_csv_text(path).get("file", [])]


def post_text(res: Result, post_id: str) -> str:
    """How a post reads on the form: team name and title, e.g. 洪洞县人民政府副县长."""
    if not post_id:
        return ""
    posts = res.data.posts.set_index("post_id")
    if post_id not in posts.index:
        return post_id
    teams = res.data.teams.set_index("team_id")["name"]
    return f"{teams.get(posts.at[post_id, 'team_id'], '')}{posts.at[post_id, 'title']}"


def proposal_fields(res: Result, lang: str = "zh") -> pd.DataFrame:
    """Per moving cadre: NiRenZhiWu, NiMianZhiWu and RenMianLiYou."""
    m = res.moves.reset_index(drop=True)
    reasons = form_reason(res, lang)
    return pd.DataFrame({
        "cadre_id": m["cadre_id"],
        "NiRenZhiWu": m["to_post"].map(lambda p: post_text(res, p)),
        "NiMianZhiWu": m["from_post"].map(lambda p: post_text(res, p)),
        "RenMianLiYou": reasons,
    }).drop_duplicates("cadre_id")


def replace_fields(text: str, values: dict[str, str], declared: str = "") -> str:
    """`text` with the content of each top-level element in `values` replaced (or the
    element added before `</Person>`); everything else untouched."""
    for name, value in values.items():
        body = escape(value)
        if declared and declared.lower().replace("-", "") not in ("utf8", "utf16"):
            body = body.encode(declared, "xmlcharrefreplace").decode(declared)
        pattern = re.compile(rf"<{name}(\s[^>]*)?/>|<{name}(\s[^>]*)?>.*?</{name}\s*>", re.S)
        hits = pattern.findall(text)
        if len(hits) > 1:
            raise ValueError(f"{name} appears more than once")
        new = f"<{name}>{body}</{name}>"
        if hits:
            text = pattern.sub(lambda _m, new=new: new, text, count=1)
        else:
            end = text.rfind("</Person>")
            indent = re.search(r"<Person\b[^>]*>[ \t]*\r?\n([ \t]*)<", text)
            line_end = "\r\n" if "\r\n" in text else "\n"
            text = (text[:end] + (indent.group(1) if indent else "") + new + line_end
                    + text[end:])
    return text


def _elements(root: ET.Element, skip: tuple[str, ...]) -> list:
    """Every top-level element but `skip`, serialised (the whitespace between elements,
    which an added element shifts, is left out)."""
    out = []
    for c in root:
        if c.tag in skip:
            continue
        c = copy.copy(c)
        c.tail = None
        out.append(ET.tostring(c))
    return out


def rewrite(data: bytes, values: dict[str, str]) -> bytes:
    """The file's bytes with `values` written in; raises ValueError if anything else
    would change."""
    dec = decode(data)
    new_text = replace_fields(dec.text, values, dec.declared)
    before, after = parse(dec.text), parse(new_text)
    if _elements(before, EXPORT_FIELDS) != _elements(after, EXPORT_FIELDS):
        raise ValueError("the edit would change other fields")
    got = {c.tag: (c.text or "") for c in after if c.tag in values}
    if got != values:
        raise ValueError("the edit did not take")
    return dec.bom + new_text.encode(dec.codec)


def export_lrmx(res: Result, out: Path, sources: Path | None = None,
                lang: str = "zh", drafts: bool = False) -> ExportReport:
    """`drafts`: a moving cadre without an imported form gets a draft (draft.py) named
    `<id>.lrmx`, and lrmx_sources.csv may be absent."""
    src_path = sources_path(res, sources)
    if not src_path.is_file() and not drafts:
        raise InputError([Problem("lrmx_sources_missing", params={"path": str(src_path)})])
    src = (read_csv_text(src_path) if src_path.is_file() else
           pd.DataFrame(columns=["cadre_id", "file", "sha256"], dtype=str))
    src = src.drop_duplicates("cadre_id", keep="last").set_index("cadre_id")
    places = places_of(res.data.teams, region_names_file(src_path.parent)) if drafts else None
    fields = proposal_fields(res, lang)
    report, problems, files = ExportReport(), [], {}
    for _, row in fields.iterrows():
        cid = row["cadre_id"]
        values = {k: row[k] for k in EXPORT_FIELDS}
        if cid not in src.index and drafts:
            text = draft_form(res.data, cid, places=places)
            files[cid] = (f"{cid}.lrmx", rewrite(text.encode("utf-8"), values), values)
            report.drafted.append(cid)
            continue
        if cid not in src.index:
            report.without_form.append(cid)
            continue
        path = Path(src.at[cid, "file"])
        try:
            data = path.read_bytes()
            files[cid] = (path.name, rewrite(data, values), values)
        except (OSError, ValueError, ET.ParseError) as err:
            reason = type(err).__name__ if isinstance(err, OSError) else str(err)[:120]
            problems.append(Problem("lrmx_source_gone", source=str(src_path),
                                    params={"cadre": cid, "reason": reason}))
            continue
        if hashlib.sha256(data).hexdigest() != src.at[cid, "sha256"]:
            report.warnings.append(Problem("lrmx_source_changed", source=str(src_path),
                                           params={"cadre": cid}))
    if problems:
        raise InputError(problems)
    out = Path(out)
    originals = {Path(src.at[cid, "file"]).resolve() for cid in files if cid in src.index}
    clash = [name for name, _, _ in files.values() if (out / name).resolve() in originals]
    if clash:  # an original form is never overwritten
        raise OutputError([Problem("out_in_input", params={"path": str(out),
                                                            "input": str(out / clash[0])})])
    for cid, (name, data, _) in files.items():
        atomic.write_bytes(out / name, data)
        report.written.append(cid)
    listing = pd.DataFrame([{"cadre_id": cid, "file": name, **values}
                            for cid, (name, _, values) in files.items()],
                           columns=["cadre_id", "file", *EXPORT_FIELDS])
    atomic.write_csv(out / "lrmx_export.csv", listing)
    return report
