"""Small in-memory data sets for tests, built through the real loader path.

`make_dataset` fills every field a test does not care about with a plain
default and hands the rows to `placement.data.loader.build_dataset`, so a test's
data is converted and validated exactly like a user's files (a bad value in a
test raises `InputError` as it would for a planner).

Rows are dicts with English keys; values may be strings ("2020-01-01",
"true", "是") or Python values (True, 0.9, datetime.date, tuples for lists).

Defaults for omitted fields:

teams      name = team_id, kind "county_gov", region "R1", system "政府",
           needs_non_party False, professional False, needs_specialty ""
posts      title = post_id, grade "deputy", rank "副处", portfolio "", specialty "",
           key_post False, incumbent_id "" (vacant), dispatched False
cadres     name = cadre_id, gender "M", birth_date 1980-01-01, party "cpc",
           education "bachelor", home_region "R1", region "R1", system "综合",
           rank "正科", rank_since 2015-01-01, post_since / team_since /
           portfolio_since empty, township_head False, specialties (),
           assessments ("称职", "称职", "称职"), assessment_year 2025,
           sanction_until empty, file_ok True, matters_ok True, approval 0.9,
           candidate True, leaving False; the optional extension columns
           (exchanged_in, township_head_now, county_pick, spouse_abroad False,
           reserve_rank "", nominated_for ()) take their schema defaults
relations  cadre_a, cadre_b, relation (no defaults)
fit        cadre_id, post_id, score (no defaults)

`reference_date` (default: today) is the date birth and `*_since` dates must
not lie after.

`write_workbook(folder, out)` turns a CSV data set (such as tests/data/mini_zh)
into one .xlsx workbook with the tables' Chinese sheet names and typed cells,
as Excel would keep them: dates as datetimes or as numbers (202301), yes/no as
booleans, numbers as numbers, ids as text (leading zeros kept).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

import openpyxl
import pandas as pd

from placement.data.dataset import DataSet
from placement.data.loader import build_dataset
from placement.data.schema import TABLE_BY_NAME, TABLES

TEAM_DEFAULTS: dict[str, object] = {
    "kind": "county_gov", "region": "R1", "system": "政府",
}
POST_DEFAULTS: dict[str, object] = {
    "grade": "deputy", "rank": "副处", "key_post": False, "incumbent_id": "",
}
CADRE_DEFAULTS: dict[str, object] = {
    "gender": "M", "birth_date": "1980-01-01", "party": "cpc", "education": "bachelor",
    "home_region": "R1", "region": "R1", "system": "综合", "rank": "正科",
    "rank_since": "2015-01-01", "post_since": "", "team_since": "", "portfolio_since": "",
    "township_head": False, "specialties": (), "assessments": ("称职", "称职", "称职"),
    "assessment_year": 2025, "sanction_until": "", "file_ok": True, "matters_ok": True,
    "approval": 0.9, "candidate": True, "leaving": False,
}


def _rows(table: str, rows: Iterable[Mapping], defaults: Mapping,
          id_key: str = "", name_key: str = "") -> pd.DataFrame:
    """One raw table: defaults filled, `name_key` (name/title) defaulting to the id.

    A key that is not a column of the table is an error here, so a typo in a
    test does not silently fall back to a default.
    """
    schema = TABLE_BY_NAME[table]
    known = [c.name for c in schema.columns]
    out = []
    for row in rows:
        unknown = set(row) - set(known)
        if unknown:
            raise KeyError(f"{table}: unknown column(s) {sorted(unknown)}; known: {known}")
        full = dict(defaults) | dict(row)
        if name_key and name_key not in full and id_key in full:
            full[name_key] = full[id_key]
        out.append(full)
    given = {k for r in out for k in r}
    columns = [c.name for c in schema.columns if c.required or c.name in given]
    return pd.DataFrame(out, columns=columns, dtype=object)


def make_dataset(teams: Iterable[Mapping] = (), posts: Iterable[Mapping] = (),
                 cadres: Iterable[Mapping] = (), relations: Iterable[Mapping] = (),
                 fit: Iterable[Mapping] = (),
                 reference_date: dt.date | None = None) -> DataSet:
    """A validated DataSet from lists of row dicts (see the module docstring for defaults)."""
    tables = {
        "teams": _rows("teams", teams, TEAM_DEFAULTS, "team_id", "name"),
        "posts": _rows("posts", posts, POST_DEFAULTS, "post_id", "title"),
        "cadres": _rows("cadres", cadres, CADRE_DEFAULTS, "cadre_id", "name"),
        "relations": _rows("relations", relations, {}),
        "fit": _rows("fit", fit, {}),
    }
    return build_dataset(tables, reference_date=reference_date)


def write_workbook(folder: Path, out: Path) -> Path:
    """The CSV data set in `folder` (English or Chinese file names) as one typed workbook."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for table in TABLES:
        files = [folder / f"{n}.csv" for n in (table.name, table.zh)]
        file = next((f for f in files if f.exists()), None)
        if file is None:
            continue
        frame = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        sheet = book.create_sheet(table.zh)
        sheet.append(list(frame.columns))
        kinds = {c.zh: c.kind for c in table.columns} | {c.name: c.kind for c in table.columns}
        for i, row in enumerate(frame.itertuples(index=False)):
            sheet.append([_excel_cell(kinds.get(h), v, i)
                          for h, v in zip(frame.columns, row, strict=True)])
    book.save(out)
    return out


def _excel_cell(kind: str | None, text: str, i: int) -> object:
    """A CSV cell as the value Excel would hold (alternating int/float for YYYYMM)."""
    if text == "":
        return None
    if kind == "date":
        if len(text) == 6 and text.isdigit():
            return int(text) if i % 2 else float(text)
        if len(text) == 10:
            return dt.datetime.fromisoformat(text)
    if kind == "bool" and text in ("是", "否", "true", "false"):
        return text in ("是", "true")
    if kind == "int":
        return int(text)
    if kind == "float" and not text.endswith("%"):
        return float(text)
    return text


MINI = Path(__file__).parent / "data" / "mini"


def mini_scenario(folder: Path, name: str = "") -> Path:
    """Copy the mini data set into `folder/data` and write `folder/mini.toml` on it.

    The mini data set has too few locals for R-TC2 as a hard rule, so the scenario makes it
    a target; every other rule stays at its catalogue default."""
    shutil.copytree(MINI, folder / "data")
    path = folder / "mini.toml"
    title = f'name = "{name}"\n' if name else ""
    path.write_text(title + 'data = "data"\nreference_date = "2026-09-01"\n'
                    '[rules.R-TC2]\nmode = "target"\n[solver]\ntime_limit = 30\n', "utf-8")
    return path


def posts_workbook(folder: Path) -> openpyxl.Workbook:
    """A posts workbook (sheets 班子 and 职位, docs/data.md) of the data set in `folder`,
    with every post vacant: what a planner brings with a folder of forms."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet, table in (("班子", "teams"), ("职位", "posts")):
        frame = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)
        if table == "posts":
            frame["incumbent_id"] = ""
        ws = book.create_sheet(sheet)
        ws.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            ws.append(list(row))
    return book
