"""`placement import-lrmx DIR --out DATASET`: a folder of 任免审批表 into a data set.

Each file gives one `cadres` row (`placement.export.lrmx.read`); family members who are
cadres of the data set (the imported ones or those already in DATASET) give
`relations` rows. DATASET is a folder of CSV files: when it already holds a
cadres table, rows with the same id are updated in the columns the forms
fill (a field the form leaves empty keeps the old value) and new ids are
appended, with headers and the other columns kept as they are; otherwise a
new cadres.csv is written whose columns the forms do not fill (rank, region,
system …) are left for the planner. Next to the tables go
`lrmx_sources.csv` (cadre id → original file, its SHA-256 and encoding: what
`export-lrmx` needs) and `lrmx_import.csv` (per file, every field and what
became of it). When DATASET has a posts table, the post 现任职务 names gets the
cadre as `incumbent_id` if exactly one post of that team has that title and it is
vacant (`_link_posts`); several such posts, a post held by another cadre, or two
forms naming one post are reported per file, never guessed. If any file cannot
be imported nothing but lrmx_import.csv is written and every problem is raised
at once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from placement.data import atomic
from placement.data.errors import InputError, Problem, shown_place, shown_value
from placement.data.i18n import MESSAGES
from placement.data.schema import (
    CADRES,
    POSTS,
    RELATIONS,
    RELATIONS_TABLE,
    TABLE_ALIASES,
    Table,
)
from placement.export.export_data import ENUM_ZH
from placement.export.lrmx.fill import fill, reader_for
from placement.export.lrmx.read import SUFFIXES, Person, read_person
from placement.export.lrmx.titles import norm_title
from placement.export.lrmx.values import read_date, read_kin
from placement.roster.result_folder import read_csv_text

SOURCES_FILE = "lrmx_sources.csv"
REPORT_FILE = "lrmx_import.csv"


@dataclass
class ImportReport:
    out: Path
    files: int = 0
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    relations: int = 0
    warnings: list[Problem] = field(default_factory=list)
    kept: Counter = field(default_factory=Counter)  # field -> files where it was only kept
    to_fill: list[str] = field(default_factory=list)  # required columns left empty in new rows
    incumbents: int = 0  # posts.incumbent_id filled from 现任职务


def lrmx_files(folder: Path) -> list[Path]:
    """The forms in `folder`: regular files named .lrmx or .lrm (not links)."""
    return sorted(p for p in Path(folder).iterdir()
                  if p.is_file() and not p.is_symlink() and p.suffix.lower() in SUFFIXES)


def not_files(folder: Path) -> list[Problem]:
    """A problem for each .lrmx/.lrm name in `folder` that is no regular file (a named
    pipe, a device, a folder) or is a symbolic link, as the CSV loader refuses them:
    reported, never skipped without a word nor followed."""
    return [Problem("lrmx_not_file", source=p.name) for p in sorted(Path(folder).iterdir())
            if p.suffix.lower() in SUFFIXES and (p.is_symlink() or not p.is_file())]


def import_folder(folder: Path, out: Path, assign=None) -> ImportReport:
    """The forms of `folder` into the data set folder `out`. `assign(persons)`, when
    given, sets each form's `cadre_id` (matching it to a cadre already in `out`) and
    returns the problems that stop the import (`placement.export.lrmx.build`)."""
    folder, out = Path(folder), Path(out)
    if not folder.is_dir():
        raise InputError([Problem("file_missing", params={"path": str(folder)})])
    if out.exists() and not out.is_dir():
        raise InputError([Problem("lrmx_out_not_folder", params={"path": str(out)})])
    odd = not_files(folder)
    if odd:
        raise InputError(odd)
    files = lrmx_files(folder)
    if not files:
        raise InputError([Problem("lrmx_no_files", source=str(folder))])
    persons = [read_person(p, folder) for p in files]
    errors = [e for p in persons for e in p.errors]
    if assign is not None and not errors:
        errors = assign(persons)
    errors = _duplicate_ids(persons) + errors
    if errors:
        _write_report(out, persons)
        raise InputError(errors)
    reader = reader_for(out)
    for p in persons:
        fill(p, reader)
    cadres_path = _table_file(out, CADRES)
    existing = _read(cadres_path) if cadres_path else None
    relations_path = _table_file(out, RELATIONS_TABLE)
    if relations_path:  # read before anything is written: an unreadable one stops the import
        _read(relations_path)
    posts_path = _table_file(out, POSTS)
    posts = _read(posts_path) if posts_path else None
    pairs = _link_family(persons, existing)
    report = ImportReport(out, files=len(files))
    report.new, report.updated = _write_cadres(out, cadres_path, existing, persons)
    report.relations = _write_relations(out, pairs)
    if posts_path is not None:
        report.incumbents = _link_posts(posts_path, posts, persons)
    _write_sources(out, persons)
    _write_report(out, persons)
    report.warnings = [w for p in persons for w in p.warnings]
    report.kept = Counter(s[0] for p in persons for s in p.statuses if s[1] == "kept")
    new = [p for p in persons if p.cadre_id in set(report.new)]
    report.to_fill = [c.name for c in CADRES.columns if c.required and not c.allow_empty
                      and any(not (p.row.get(c.name) or p.derived.get(c.name)) for p in new)
                      and c.name != "cadre_id"]
    return report


def _duplicate_ids(persons: list[Person]) -> list[Problem]:
    seen = Counter(p.cadre_id for p in persons)
    return [Problem("lrmx_duplicate_id", source=p.where, params={"id": p.cadre_id})
            for p in persons if seen[p.cadre_id] > 1]


# ------------------------------------------------------------------ family members


def _link_family(persons: list[Person], existing: pd.DataFrame | None
                 ) -> list[tuple[str, str, str]]:
    """(cadre, relative, relation) for family members who are cadres: same name, and the
    same birth month when the form gives one."""
    known: dict[str, str] = {p.cadre_id: p.row.get("birth_date", "")[:7] for p in persons}
    names: dict[str, str] = {p.cadre_id: p.row.get("name", "") for p in persons}
    if existing is not None:
        cols = _columns(CADRES, existing)
        for _, r in existing.iterrows():
            cid = r[cols["cadre_id"]] if "cadre_id" in cols else ""
            if cid and cid not in names:
                names[cid] = r[cols["name"]] if "name" in cols else ""
                born = read_date(r[cols["birth_date"]]) if "birth_date" in cols else None
                known[cid] = (born or "")[:7]
    by_name: dict[str, list[str]] = {}
    for cid, name in names.items():
        if name:
            by_name.setdefault(name, []).append(cid)
    pairs = []
    for p in persons:
        for n, item in enumerate(p.family, start=1):
            hits = [c for c in by_name.get(item.get("XingMing", ""), []) if c != p.cadre_id]
            born = read_date(item.get("ChuShengRiQi", "")) if item.get("ChuShengRiQi") else None
            if born:
                hits = [c for c in hits if known.get(c) in ("", born[:7])]
            if not hits:
                continue
            if len(hits) > 1:
                p.warnings.append(_kin_problem(p, "lrmx_kin_ambiguous", n=n, count=len(hits)))
                continue
            relation = read_kin(item.get("ChengWei", ""))
            if relation is None:
                p.warnings.append(_kin_problem(p, "lrmx_kin_unknown", n=n, other=hits[0]))
                continue
            pairs.append((p.cadre_id, hits[0], relation))
            p.statuses.append((f"JiaTingChengYuan/Item[{n}]", "mapped",
                               f"relations: {hits[0]} {relation}"))
    return pairs


def _kin_problem(p: Person, code: str, **params) -> Problem:
    return Problem(code, source=p.where, column="JiaTingChengYuan", params=params)


# ------------------------------------------------------------------ tables


def _table_file(out: Path, table: Table) -> Path | None:
    if not out.is_dir():
        return None
    for f in sorted(out.glob("*.csv")):
        stem = f.stem.strip().lstrip("\ufeff")
        if (TABLE_ALIASES.get(stem) or TABLE_ALIASES.get(stem.lower())) == table.name:
            return f
    return None


def _read(path: Path) -> pd.DataFrame:
    """A table of DATASET as text; one that is not UTF-8 CSV is an InputError."""
    return read_csv_text(path)


def _columns(table: Table, frame: pd.DataFrame) -> dict[str, str]:
    """Canonical column -> the header the file uses for it."""
    aliases = {c.name.lower(): c.name for c in table.columns} | {c.zh: c.name
                                                                  for c in table.columns}
    out: dict[str, str] = {}
    for header in frame.columns:
        name = aliases.get(str(header).strip().lower()) or aliases.get(str(header).strip())
        if name and name not in out:
            out[name] = header
    return out


def _shown(column: str, value: str, zh: bool) -> str:
    return ENUM_ZH.get(column, {}).get(value, value) if zh else value


def _write_cadres(out: Path, path: Path | None, existing: pd.DataFrame | None,
                  persons: list[Person]) -> tuple[list[str], list[str]]:
    frame = existing if existing is not None else pd.DataFrame(
        columns=[c.name for c in CADRES.columns], dtype=str)
    cols = _columns(CADRES, frame)
    zh = cols.get("cadre_id") == CADRES.column("cadre_id").zh
    for p in persons:
        for column in [*p.row, *p.derived]:
            if column not in cols:
                cols[column] = CADRES.column(column).zh if zh else column
                frame[cols[column]] = ""
    index = {cid: i for i, cid in enumerate(frame[cols["cadre_id"]])}
    new, updated, rows = [], [], []
    for p in persons:
        values = {cols[k]: _shown(k, v, zh) for k, v in p.row.items() if v}
        derived = {cols[k]: _shown(k, v, zh) for k, v in p.derived.items()}
        if p.cadre_id in index:
            i = index[p.cadre_id]
            for header, v in values.items():
                frame.iat[i, frame.columns.get_loc(header)] = v
            for header, v in derived.items():  # a derived value fills an empty cell only
                if frame.iat[i, frame.columns.get_loc(header)] == "":
                    frame.iat[i, frame.columns.get_loc(header)] = v
            updated.append(p.cadre_id)
        else:
            rows.append({**dict.fromkeys(frame.columns, ""), cols["cadre_id"]: p.cadre_id,
                         **derived, **values})
            new.append(p.cadre_id)
    if rows:
        frame = pd.concat([frame, pd.DataFrame(rows, columns=frame.columns, dtype=str)],
                          ignore_index=True)
    _write_csv(path or out / "cadres.csv", frame, path)
    return new, updated


def _write_relations(out: Path, pairs: list[tuple[str, str, str]]) -> int:
    path = _table_file(out, RELATIONS_TABLE)
    frame = _read(path) if path else pd.DataFrame(columns=["cadre_a", "cadre_b", "relation"],
                                                  dtype=str)
    cols = _columns(RELATIONS_TABLE, frame)
    zh = cols.get("relation") == RELATIONS_TABLE.column("relation").zh
    have = {frozenset((a, b)) for a, b in zip(frame[cols["cadre_a"]], frame[cols["cadre_b"]],
                                              strict=True)}
    rows = []
    for a, b, rel in pairs:
        if frozenset((a, b)) not in have:
            have.add(frozenset((a, b)))
            rows.append({cols["cadre_a"]: a, cols["cadre_b"]: b,
                         cols["relation"]: RELATIONS[rel] if zh else rel})
    if rows or path is None:
        frame = pd.concat([frame, pd.DataFrame(rows, columns=frame.columns, dtype=str)],
                          ignore_index=True)
        _write_csv(path or out / "relations.csv", frame, path)
    return len(rows)


def _link_posts(path: Path, frame: pd.DataFrame, persons: list[Person]) -> int:
    """Fill `posts.incumbent_id` of the one vacant post 现任职务 names (team and title);
    report per file what stops it. Returns the number of posts filled."""
    cols = _columns(POSTS, frame)
    if not {"post_id", "team_id", "title", "incumbent_id"} <= set(cols):
        return 0
    teams, ids = frame[cols["team_id"]], frame[cols["post_id"]]
    titles = frame[cols["title"]].map(norm_title)
    holder = frame[cols["incumbent_id"]]
    field_ = "posts.incumbent_id"
    by_title: dict[tuple[str, str], list[int]] = {}
    for i, key in enumerate(zip(teams, titles, strict=True)):
        by_title.setdefault(key, []).append(i)
    claims: dict[int, list[Person]] = {}
    for p in persons:
        team, title = p.post
        if not team:
            continue
        rows = by_title.get((team, norm_title(title)), [])
        mine = [i for i in rows if holder.iat[i] == p.cadre_id]
        vacant = [i for i in rows if holder.iat[i] == ""]
        if mine:
            p.statuses.append((field_, "kept", f"post {ids.iat[mine[0]]} already held", ""))
        elif len(rows) == 1 and not vacant:
            p.statuses.append((field_, "left empty", f"post {ids.iat[rows[0]]} ({title}) is "
                               f"held by {holder.iat[rows[0]]} in the data set", ""))
        elif len(rows) > 1:
            p.statuses.append((field_, "ambiguous", f"{len(rows)} posts of {team} are {title}"
                               f" ({len(vacant)} vacant): incumbent_id left to the planner",
                               ""))
        elif vacant:
            claims.setdefault(vacant[0], []).append(p)
    for i, ps in claims.items():
        if len(ps) > 1:
            for p in ps:
                p.statuses.append((field_, "ambiguous", f"post {ids.iat[i]} is named by "
                                   f"{len(ps)} forms: incumbent_id left to the planner", ""))
            continue
        frame.iat[i, frame.columns.get_loc(cols["incumbent_id"])] = ps[0].cadre_id
        ps[0].statuses.append((field_, "derived", f"post {ids.iat[i]} from 现任职务",
                               ps[0].cadre_id))
    filled = sum(len(ps) == 1 for ps in claims.values())
    if filled:
        _write_csv(path, frame, path)
    return filled


def _write_sources(out: Path, persons: list[Person]) -> None:
    path = out / SOURCES_FILE
    old = _read(path) if path.is_file() else pd.DataFrame(
        columns=["cadre_id", "file", "sha256", "encoding"], dtype=str)
    ids = {p.cadre_id for p in persons}
    new = pd.DataFrame([{"cadre_id": p.cadre_id, "file": str(p.file.resolve()),
                         "sha256": p.sha256, "encoding": p.codec} for p in persons], dtype=str)
    _write_csv(path, pd.concat([old[~old["cadre_id"].isin(ids)], new], ignore_index=True), None)


def _write_report(out: Path, persons: list[Person]) -> None:
    # Details, values and file names quote the form: an ID number in them is not repeated.
    rows = [{"file": shown_place(p.file.name), "cadre_id": p.cadre_id, "field": f, "status": s,
             "value": shown_value("".join(v)), "detail": shown_value(d)}
            for p in persons for f, s, d, *v in p.statuses]
    rows += [{"file": shown_place(p.file.name), "cadre_id": p.cadre_id, "field": e.column or "",
              "status": "error", "detail": MESSAGES[e.code][1].format(
                  **{k: shown_value(v) for k, v in e.params.items()})}
             for p in persons for e in p.errors]
    frame = pd.DataFrame(rows, columns=["file", "cadre_id", "field", "status", "value", "detail"])
    _write_csv(out / REPORT_FILE, frame, None)


def _write_csv(path: Path, frame: pd.DataFrame, original: Path | None) -> None:
    """UTF-8 with a BOM for new files (Excel shows Chinese right); an existing file
    keeps whether it had one."""
    bom = True if original is None else original.read_bytes()[:3] == b"\xef\xbb\xbf"
    atomic.write_bytes(path, atomic.csv_bytes(frame, bom))
