"""`placement import-forms FORMS --posts SOURCE --out DATASET`: a data set from a folder of
任免审批表 and the teams and posts they are placed in.

A planner has forms (one per cadre) and a list of teams and posts, seldom a cadres
table. SOURCE is a workbook (.xlsx, sheets 班子/teams and 职位/posts), one CSV or sheet
of posts whose rows also give their team's columns (`_split_posts`), or a data set (a
CSV folder or workbook: its teams and posts, and its cadres, relations and fit when it
has them). DATASET is a new folder, written whole or not at all (built beside it,
then renamed); SOURCE and the forms are never modified.

Each form is matched to a cadre of SOURCE by name and birth month (the form gives
YYYYMM), never by its file name: one match updates that cadre (`import_.import_folder`
fills the columns the form gives); none adds a new cadre; two cadres with the same
name and birth month, or two forms for one cadre, stop the import naming the files.
A new cadre's id is the file's stem when it reads as an id not taken yet, else
`LRMX-` and a digest (`read.cadre_id_for`): never a name.

What a form does not say and the data contract needs gets a stated default
(`DEFAULTS`), listed in the report with the ids it was given to, for the planner to
confirm; a needed column with no default (rank, region and system when 现任职务 cannot
be placed) is an error naming the form. The report says what was added and, per
updated cadre, which columns changed (ids and column names only: never a name, never
an ID number).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from placement.data import atomic
from placement.data.errors import InputError, Problem
from placement.data.loader import ROW, load_dataset, read_tables
from placement.data.schema import CADRES, POSTS, TEAMS, header_aliases
from placement.export.lrmx.import_ import ImportReport, import_folder
from placement.export.lrmx.read import Person, cadre_id_for
from placement.export.lrmx.values import read_date
from placement.roster.result_folder import read_csv_text


@dataclass(frozen=True)
class Default:
    """A value given to a column no form fills: what, and why (zh, en)."""
    column: str
    value: str  # as written to cadres.csv
    shown_zh: str
    why_zh: str
    why_en: str


DEFAULTS = (
    Default("file_ok", "true", "是", "档案审核：表中无此项，按已通过导入，请核对",
            "personnel file checked: not on the form, taken as passed; please confirm"),
    Default("matters_ok", "true", "是", "个人事项如实报告：表中无此项，按如实报告导入，请核对",
            "personal matters reported: not on the form, taken as truthful; please confirm"),
    Default("candidate", "true", "是", "纳入考察：报送任免审批表即视为考察对象，请核对",
            "candidate this cycle: a submitted form is taken as a candidate; please confirm"),
    Default("leaving", "false", "否", "退出：表中未写退休、辞职或免职，按不退出导入",
            "leaving: the form names no departure, taken as staying"),
    Default("township_head", "false", "否", "乡镇党政正职经历：简历中未读出，按无导入",
            "township head experience: none read from the 简历, taken as none"),
    Default("education", "other", "其他", "全日制学历：表中未写或无法识别，按“其他”导入",
            "full-time education: missing or unreadable, taken as other"),
    Default("home_region", "=region", "同工作地区", "成长地：籍贯、出生地未能对应地区，取工作地区",
            "home region: birthplace not placed, taken as the work region"),
    Default("rank_since", "=post_since", "同任现职时间",
            "任现职级时间：简历中未读出，取任现职时间",
            "rank since: not read from the 简历, taken as the start in the current post"),
)
# Where a required column without a default comes from on the form (for the error).
SOURCE_FIELD = {"rank": "XianRenZhiWu", "region": "XianRenZhiWu", "system": "XianRenZhiWu",
                "party": "ZhengZhiMianMao", "rank_since": "JianLi", "gender": "XingBie"}


@dataclass
class FormsReport:
    out: Path
    files: int = 0
    added: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # id -> columns changed
    unchanged: list[str] = field(default_factory=list)  # matched, nothing new
    defaults: list[tuple[Default, list[str]]] = field(default_factory=list)
    relations: int = 0
    incumbents: int = 0
    warnings: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The report as the workbench shows it (ids and column labels only)."""
        zh = {c.name: c.zh for c in CADRES.columns}
        return {"files": self.files, "added": self.added,
                "changed": [{"cadre": c, "columns": cols,
                             "columns_zh": [zh.get(x, x) for x in cols]}
                            for c, cols in self.changed.items()],
                "unchanged": self.unchanged,
                "defaults": [{"column": d.column, "column_zh": zh[d.column],
                              "value": d.value, "value_zh": d.shown_zh,
                              "why_zh": d.why_zh, "why_en": d.why_en, "cadres": ids}
                             for d, ids in self.defaults],
                "relations": self.relations, "incumbents": self.incumbents,
                "warnings": [{"zh": w.render("zh"), "en": w.render("en")}
                             for w in self.warnings]}


def build_from_forms(forms: Path, source: Path, out: Path) -> FormsReport:
    """The new data set `out` (module docstring); every problem raised at once, named by
    the form, or by SOURCE's file, sheet, row and column, never by the staging folder."""
    forms, source, out = Path(forms), Path(source), Path(out)
    if out.exists():
        raise InputError([Problem("forms_out_exists", params={"path": str(out)})])
    tables, sources, problems = read_tables(source)
    if "teams" not in tables and "posts" in tables and not problems:
        tables, problems = _split_posts(tables, sources["posts"])
        sources["teams"] = sources["posts"]
    problems += [Problem("table_missing", source=str(source),
                         params={"table": t.name, "zh": t.zh})
                 for t in (TEAMS, POSTS) if t.name not in tables and t.name not in sources]
    if problems:
        raise InputError(problems)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        rows = {name: list(frame[ROW]) for name, frame in tables.items()}
        for name, frame in tables.items():
            atomic.write_bytes(stage / f"{name}.csv",
                               atomic.csv_bytes(frame.drop(columns=ROW), True))
        if source.is_dir() and (source / "regions.csv").is_file():
            shutil.copyfile(source / "regions.csv", stage / "regions.csv")
        before = _cadres(stage)
        where: dict[str, str] = {}
        imported = import_folder(forms, stage, lambda ps: _assign(ps, before, where))
        report = _report(imported, before)
        report.out = out
        _fill_defaults(stage, report, where)
        try:
            load_dataset(stage)
        except InputError as err:
            ids = list(_cadres(stage)["cadre_id"])
            raise InputError([_as_given(p, stage, sources, rows, where, ids, report.added)
                              for p in err.problems]) from None
        stage.rename(out)
        return report
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _split_posts(tables: dict[str, pd.DataFrame], source: str
                 ) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """One sheet or CSV of posts whose rows also give their team (班子名称, 班子类型,
    所属地区, 系统 …: the `teams` columns) split into the two tables: a team from the
    first row naming it; a row giving that team another value is a problem naming its
    row and column."""
    posts = tables["posts"]
    names = header_aliases(TEAMS)
    own = set(header_aliases(POSTS))
    team_cols = [h for h in posts.columns
                 if str(h).strip() in names and str(h).strip() not in own]
    key = next((h for h in posts.columns if header_aliases(POSTS).get(str(h).strip())
                == "team_id"), None)
    if not team_cols or key is None:
        return tables, []
    problems = []
    first = posts.drop_duplicates(subset=[key], keep="first")
    for h in team_cols:
        want = posts[key].map(dict(zip(first[key], first[h], strict=True)))
        for i in posts.index[posts[h] != want]:
            problems.append(Problem("posts_team_differs", source=source,
                                    row=int(posts.at[i, ROW]), column=str(h),
                                    params={"team": posts.at[i, key], "column": str(h)}))
    teams = first[[key, *team_cols, ROW]]
    return {**tables, "teams": teams, "posts": posts.drop(columns=team_cols)}, problems


# ------------------------------------------------------------------ matching


def _cadres(folder: Path) -> pd.DataFrame:
    """cadres.csv of `folder` with canonical headers (empty when there is none)."""
    path = folder / "cadres.csv"
    if not path.is_file():
        return pd.DataFrame({c.name: pd.Series([], dtype=str) for c in CADRES.columns})
    frame = read_csv_text(path)
    names = {c.zh: c.name for c in CADRES.columns} | {c.name: c.name for c in CADRES.columns}
    frame.columns = [names.get(str(h).strip(), str(h)) for h in frame.columns]
    return frame


def _month(text: str) -> str:
    born = read_date(text) if text else None
    return (born or "")[:7]


def _assign(persons: list[Person], cadres: pd.DataFrame, where: dict[str, str]
            ) -> list[Problem]:
    """Each form's cadre id: the one cadre with its name and birth month, else a new id;
    an ambiguous match, or two forms for one cadre, is a problem naming the files."""
    index: dict[tuple[str, str], list[str]] = {}
    if {"cadre_id", "name", "birth_date"} <= set(cadres.columns):
        for cid, name, born in zip(cadres["cadre_id"], cadres["name"], cadres["birth_date"],
                                   strict=True):
            index.setdefault((name.strip(), _month(born)), []).append(cid)
    taken = set(cadres.get("cadre_id", ()))
    problems: list[Problem] = []
    claimed: dict[str, Person] = {}
    for p in persons:
        key = (p.row.get("name", ""), p.row.get("birth_date", "")[:7])
        hits = index.get(key, [])
        if len(hits) > 1:
            problems.append(Problem("forms_ambiguous", source=p.where,
                                    params={"ids": "、".join(hits)}))
        elif hits and hits[0] in claimed:
            problems.append(Problem("forms_same_cadre", source=p.where, params={
                "other": claimed[hits[0]].where, "id": hits[0]}))
            p.cadre_id = _new_id(p, taken)
        elif hits:
            p.cadre_id = hits[0]
            claimed[hits[0]] = p
            p.row.pop("birth_date")  # the same month: the data set's day is kept
        else:  # a new cadre: a second form of the same person is the first one's
            p.cadre_id = _new_id(p, taken)
            index[key] = [p.cadre_id]
            claimed[p.cadre_id] = p
        taken.add(p.cadre_id)
        where[p.cadre_id] = p.where
    return problems


def _new_id(p: Person, taken: set[str]) -> str:
    cid = cadre_id_for(p.file)
    if cid in taken:  # an id-like file name another cadre holds: a digest instead
        cid = cadre_id_for(p.file.with_name("~" + p.file.name))
    n = 1
    while cid in taken:
        cid, n = f"{cid[:15]}-{n}", n + 1
    return cid


# ------------------------------------------------------------------ report, defaults


def _report(imported: ImportReport, before: pd.DataFrame) -> FormsReport:
    """Added and changed cadres: a matched cadre's columns compared before and after."""
    report = FormsReport(imported.out, files=imported.files, added=list(imported.new),
                         relations=imported.relations, incumbents=imported.incumbents,
                         warnings=list(imported.warnings))
    after = _cadres(imported.out).set_index("cadre_id", drop=False)
    old = before.set_index("cadre_id", drop=False)
    for cid in imported.updated:
        cols = [c for c in after.columns if c in old.columns
                and str(after.at[cid, c]) != str(old.at[cid, c])]
        cols += [c for c in after.columns if c not in old.columns and after.at[cid, c] != ""]
        if cols:
            report.changed[cid] = cols
        else:
            report.unchanged.append(cid)
    return report


def _fill_defaults(stage: Path, report: FormsReport, where: dict[str, str]) -> None:
    """Stated defaults into the new cadres' empty cells of `DEFAULTS` columns; a required
    column still empty is an error naming the form and the field that should give it."""
    path = stage / "cadres.csv"
    frame = read_csv_text(path)
    canon = {c.zh: c.name for c in CADRES.columns} | {c.name: c.name for c in CADRES.columns}
    header = {canon.get(str(h).strip(), str(h)): h for h in frame.columns}
    zh = header.get("cadre_id") == CADRES.column("cadre_id").zh
    new = frame[header["cadre_id"]].isin(report.added)
    for d in DEFAULTS:
        if d.column not in header:
            frame[d.column] = ""
            header[d.column] = d.column
        col = header[d.column]
        empty = new & (frame[col] == "")
        if not empty.any():
            continue
        if d.value.startswith("="):
            frame.loc[empty, col] = frame.loc[empty, header[d.value[1:]]]
        else:
            frame.loc[empty, col] = d.shown_zh if zh and d.value in ("true", "false") \
                else d.value
        report.defaults.append((d, list(frame.loc[empty, header["cadre_id"]])))
    problems = []
    for c in CADRES.columns:
        if not c.required or c.allow_empty or c.name not in header:
            continue
        for cid in frame.loc[new & (frame[header[c.name]] == ""), header["cadre_id"]]:
            problems.append(Problem("forms_not_read", source=where.get(cid, ""),
                                    column=SOURCE_FIELD.get(c.name), params={
                                        "zh": c.zh, "column": c.name}))
    if problems:
        raise InputError(problems)
    atomic.write_bytes(path, atomic.csv_bytes(frame, path.read_bytes()[:3] == b"\xef\xbb\xbf"))


def _as_given(problem: Problem, stage: Path, sources: dict[str, str],
              rows: dict[str, list[int]], where: dict[str, str], ids: list[str],
              added: list[str]) -> Problem:
    """A problem of the built data set named where the planner can fix it: the workbook's
    sheet or the source file for teams and posts, the form for a cadre it gave."""
    source = problem.source or ""
    m = re.fullmatch(re.escape(str(stage)) + r"/(\w+)\.csv(.*)", source)
    if not m:
        return problem
    row = problem.row
    if m.group(1) == "cadres" and row is not None and 0 <= row - 2 < len(ids) \
            and ids[row - 2] in added:  # a row a form gave: the form
        return replace(problem, source=where[ids[row - 2]], row=None)
    if m.group(1) in sources:
        given = rows.get(m.group(1), [])
        if row is not None and 0 <= row - 2 < len(given):  # the source's own row
            row = int(given[row - 2])
        return replace(problem, source=sources[m.group(1)] + m.group(2), row=row)
    return replace(problem, source=m.group(1) + ".csv" + m.group(2))
