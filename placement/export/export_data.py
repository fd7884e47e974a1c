"""`placement export-data`: a data set as one workbook a planner edits and feeds back.

The sheets and headers are the loader's own names (Chinese by default:
班子 职位 干部 关系 匹配度 with 班子编号 …; English with lang="en"), so the
edited workbook loads again with `placement solve` / `validate` unchanged:
loading the export gives the same frames as the data set it came from (a
test checks this). Cells are typed: dates are date cells, numbers numbers,
lists `;`-joined; in Chinese, coded values are written in their Chinese
spelling (男/女, 县委, 正职, 本科, 中共党员, 配偶, 是/否), which the loader reads back
as the same codes. Layout (frozen header, filters, widths): `xlsx_sheet`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from placement.data.dataset import DataSet
from placement.data.schema import GRADES, PARTY_CPC, RELATIONS, TABLES, TEAM_KINDS, Column, Table
from placement.export.xlsx_sheet import add_sheet, new_book, save_book

# Column -> canonical code -> Chinese spelling the loader accepts back.
ENUM_ZH: dict[str, dict[str, str]] = {
    "kind": TEAM_KINDS,
    "grade": GRADES,
    "gender": {"M": "男", "F": "女"},
    "party": {PARTY_CPC: "中共党员"},
    "education": {"postgraduate": "研究生", "bachelor": "本科", "college": "大专",
                  "other": "其他"},
    "relation": RELATIONS,
}


def _cells(col: Column, values: pd.Series, zh: bool) -> list:
    if col.kind == "bool":
        return [("是" if v else "否") if zh else bool(v) for v in values]
    if col.kind == "date":
        return [None if pd.isna(v) else pd.Timestamp(v).date() for v in values]
    if col.kind == "int":
        return [None if pd.isna(v) else int(v) for v in values]
    if col.kind == "float":
        return [None if pd.isna(v) else float(v) for v in values]
    if col.kind in ("list", "grades"):
        return [";".join(v) for v in values]
    if col.kind == "enum" and zh and col.name in ENUM_ZH:
        shown = ENUM_ZH[col.name]
        return [shown.get(v, v) for v in values]
    return [str(v) for v in values]


def table_frame(table: Table, frame: pd.DataFrame, zh: bool) -> pd.DataFrame:
    """The schema's columns of `frame`, in schema order, as workbook cells."""
    return pd.DataFrame({c.name: pd.Series(_cells(c, frame[c.name], zh), dtype=object)
                         for c in table.columns}, index=pd.RangeIndex(len(frame)))


def _present(data: DataSet, table: Table) -> bool:
    return table.required or table.name in data.sources or len(data.table(table.name)) > 0


def build_data_book(data: DataSet, lang: str = "zh"):
    zh = lang == "zh"
    book = new_book()
    for table in TABLES:
        if not _present(data, table):
            continue
        frame = table_frame(table, data.table(table.name), zh)
        add_sheet(book, table.zh if zh else table.name, frame,
                  [c.zh if zh else c.name for c in table.columns])
    return book


def export_data(data: DataSet, out: Path, lang: str = "zh") -> Path:
    """Write `data` as a workbook at `out` (atomically); returns `out`."""
    save_book(build_data_book(data, lang), Path(out))
    return Path(out)


# ------------------------------------------------------------------ an incomplete data set

# Problems that mean a table could not be read at all: nothing to write for it.
UNREADABLE = ("file_missing", "bad_path", "csv_not_utf8", "csv_empty", "bad_csv",
              "duplicate_table", "duplicate_column", "bad_workbook")
TO_FILL_SHEET = {"zh": "待填", "en": "to_fill"}  # not a table name: the loader skips it


def _raw_table(path: Path, table: Table) -> pd.DataFrame:
    """A CSV table as written (text cells), with the schema's column names, in schema order;
    a column the file lacks is added empty."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    names = {c.name.lower(): c.name for c in table.columns} | {c.zh: c.name
                                                               for c in table.columns}
    frame.columns = [names.get(str(h).strip().lstrip("\ufeff").lower())
                     or names.get(str(h).strip().lstrip("\ufeff")) or str(h)
                     for h in frame.columns]
    return pd.DataFrame({c.name: frame[c.name] if c.name in frame.columns else ""
                         for c in table.columns}, index=frame.index)


def export_incomplete(folder: Path, problems: list, out: Path, lang: str = "zh") -> int:
    """Write a CSV data set that does not load yet (cells to fill) as the same workbook:
    every table as written, the cells the loader's `problems` name marked red, and a
    sheet 待填 listing them, so the planner finishes it in Excel and `validate` names
    what is left. Returns the number of problems listed. Raises InputError (with
    `problems`) when a table cannot be read at all."""
    from placement.data.errors import InputError
    from placement.data.schema import TABLE_ALIASES

    folder, zh = Path(folder), lang == "zh"
    if not folder.is_dir() or any(p.code in UNREADABLE for p in problems):
        raise InputError(problems)
    book = new_book()
    for table in TABLES:
        files = [f for f in sorted(folder.glob("*.csv"))
                 if (TABLE_ALIASES.get(f.stem.strip().lstrip("\ufeff"))
                     or TABLE_ALIASES.get(f.stem.strip().lower())) == table.name]
        if not files:
            continue
        frame = _raw_table(files[0], table)
        headers = {c.name: c.name for c in table.columns} | {c.zh: c.name
                                                            for c in table.columns}
        marks = {(p.row - 2, headers.get(p.column, p.column)): "unmet" for p in problems
                 if p.source == str(files[0]) and p.row and p.row >= 2 and p.column}
        add_sheet(book, table.zh if zh else table.name, frame,
                  [c.zh if zh else c.name for c in table.columns], marks)
    listing = pd.DataFrame({"where": [p.source for p in problems],
                            "row": [p.row for p in problems],
                            "column": [p.column or "" for p in problems],
                            "problem": [p.render(lang) for p in problems]})
    add_sheet(book, TO_FILL_SHEET[lang if lang in TO_FILL_SHEET else "en"], listing,
              ["文件", "行", "列", "问题"] if zh else list(listing.columns))
    save_book(book, Path(out))
    return len(problems)
