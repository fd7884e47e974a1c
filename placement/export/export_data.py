"""`placement export-data`: a data set as one workbook a planner edits and feeds back.

The sheets and headers are the loader's own names (Chinese by default:
班子 职位 干部 关系 匹配度 with 班子编号 …; English with lang="en"), so the
edited workbook loads again with `placement solve` / `validate` unchanged:
loading the export gives the same frames as the data set it came from (a
test checks this). Cells are typed: dates are date cells, numbers numbers,
lists `;`-joined; in Chinese, coded values are written in their Chinese
spelling (男/女, 县委, 正职, 本科, 中共党员, 配偶, 是/否), which the loader reads back
as the same codes. Layout (frozen header, filters, widths): `xlsx_sheet`.

Editing help: every coded column (team kind, 正副职, rank, gender, party,
education, relation, the 是/否 columns), every reference (a post's team, its
incumbent, a relation's cadres) and the teams' region (the regions the data set
already has) gets a drop-down list of the spellings the
loader reads, kept on a hidden sheet 选项 (an in-cell list is limited to 255
characters); a value typed outside the list only warns, since the loader also
takes aliases. A first sheet 说明 (zh and en) says what each sheet and column
holds and how to fill it. Neither sheet is a table name, so the loader skips
both.
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


LISTS_SHEET = {"zh": "选项", "en": "lists"}
HELP_SHEET = {"zh": "说明", "en": "README"}
VALIDATED_ROWS = 5000  # rows below the data that keep the drop-downs, for new lines
KIND_HELP = {  # column kind -> how to fill it (zh, en)
    "id": ("编号，本表内唯一", "an id, unique in this sheet"),
    "ref": ("从下拉列表选择（{ref} 中的编号）", "pick from the list (an id of {ref})"),
    "text": ("文字", "text"),
    "enum": ("从下拉列表选择", "pick from the list"),
    "bool": ("从下拉列表选择 是/否", "pick TRUE or FALSE from the list"),
    "date": ("日期，如 1975-03-01", "a date, e.g. 1975-03-01"),
    "int": ("整数", "a whole number"), "float": ("数字", "a number"),
    "list": ("多个值用英文分号 ; 分隔", "several values separated by ;"),
    "grades": ("历年考核等次，用 ; 分隔（优秀;称职）", "yearly grades separated by ; (优秀;称职)"),
}


def choices(col: Column, data: DataSet, zh: bool) -> list[str]:
    """The spellings a drop-down offers for `col` (empty: no drop-down)."""
    if col.kind == "bool":
        return ["是", "否"] if zh else ["TRUE", "FALSE"]
    if col.kind == "enum":
        shown = ENUM_ZH.get(col.name, {}) if zh else {}
        return [shown.get(v, v) for v in col.values]
    if col.kind == "ref" and col.ref:
        table, column = col.ref.split(".")
        return [str(v) for v in data.table(table)[column]]
    if col.name == "region":  # free text, but a new team usually joins a known region
        return sorted({str(v) for v in data.teams["region"]} - {""})
    return []


def _drop_downs(book, ws, table: Table, data: DataSet, zh: bool, lists) -> None:
    """A list validation on every coded or reference column of `ws`, its options on the
    hidden sheet `lists` (one column per list)."""
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    for j, col in enumerate(table.columns, start=1):
        options = choices(col, data, zh)
        if not options:
            continue
        k = lists.max_column + 1 if lists.max_row > 1 or lists["A1"].value else 1
        lists.cell(row=1, column=k, value=f"{ws.title}.{col.zh if zh else col.name}")
        for i, option in enumerate(options, start=2):
            lists.cell(row=i, column=k, value=option)
        letter = get_column_letter(k)
        dv = DataValidation(type="list", allow_blank=True, errorStyle="warning",
                            formula1=f"{quote_sheetname(lists.title)}!${letter}$2:"
                                     f"${letter}${len(options) + 1}",
                            showErrorMessage=True,
                            error=("不在列表中：请确认是否为可识别的写法" if zh else
                                   "not in the list: check the loader accepts it"))
        column = get_column_letter(j)
        dv.add(f"{column}2:{column}{ws.max_row + VALIDATED_ROWS}")
        ws.add_data_validation(dv)


def help_frame(data: DataSet, zh: bool) -> pd.DataFrame:
    """说明: how to use the workbook, then one line per sheet column."""
    lines = [("", "", "本工作簿由 placement export-data 生成，修改后可直接用于 placement "
              "validate / solve。带下拉列表的列请从列表选择；隐藏的“选项”表为下拉列表的来源，"
              "请勿修改。" if zh else
              "Written by placement export-data; after editing it loads with placement "
              "validate / solve. Columns with a drop-down take a value from the list; the "
              "hidden sheet 'lists' feeds the lists: leave it as it is.", "")]
    for table in TABLES:
        if not _present(data, table):
            continue
        for col in table.columns:
            zh_help, en_help = KIND_HELP[col.kind]
            how = (zh_help if zh else en_help).format(ref=col.ref)
            need = ("必填" if zh else "required") if col.required and not col.allow_empty \
                else ("可空" if zh else "may be empty")
            lines.append((table.zh if zh else table.name, col.zh if zh else col.name, how, need))
    return pd.DataFrame(lines, columns=["sheet", "column", "how", "need"])


def build_data_book(data: DataSet, lang: str = "zh"):
    zh = lang == "zh"
    book = new_book()
    help_ws = add_sheet(book, HELP_SHEET[lang if lang in HELP_SHEET else "en"],
                        help_frame(data, zh),
                        ["表", "列", "填写方法", "是否必填"] if zh else
                        ["sheet", "column", "how to fill", "required"], filters=False)
    help_ws.freeze_panes = None
    lists = book.create_sheet(LISTS_SHEET[lang if lang in LISTS_SHEET else "en"])
    lists.sheet_state = "hidden"
    for table in TABLES:
        if not _present(data, table):
            continue
        frame = table_frame(table, data.table(table.name), zh)
        ws = add_sheet(book, table.zh if zh else table.name, frame,
                       [c.zh if zh else c.name for c in table.columns])
        _drop_downs(book, ws, table, data, zh, lists)
    book.move_sheet(lists, offset=len(book.sheetnames) - 1 - book.index(lists))
    book.active = 1
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


def _named(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """A table as written (text cells) with the schema's column names, in schema order;
    a column the file lacks is added empty."""
    names = {c.name.lower(): c.name for c in table.columns} | {c.zh: c.name
                                                               for c in table.columns}
    frame.columns = [names.get(str(h).strip().lstrip("\ufeff").lower())
                     or names.get(str(h).strip().lstrip("\ufeff")) or str(h)
                     for h in frame.columns]
    return pd.DataFrame({c.name: frame[c.name] if c.name in frame.columns else ""
                         for c in table.columns}, index=frame.index)


def _csv_tables(folder: Path) -> dict[str, tuple[str, pd.DataFrame]]:
    """Table name -> (source as the loader names it, text frame) of a CSV folder."""
    from placement.data.schema import TABLE_ALIASES

    out: dict[str, tuple[str, pd.DataFrame]] = {}
    for f in sorted(folder.glob("*.csv")):
        stem = f.stem.strip().lstrip("\ufeff")
        name = TABLE_ALIASES.get(stem) or TABLE_ALIASES.get(stem.lower())
        if name and name not in out:
            out[name] = (str(f), pd.read_csv(f, dtype=str, keep_default_na=False,
                                              encoding="utf-8-sig"))
    return out


def _book_tables(path: Path) -> dict[str, tuple[str, pd.DataFrame]]:
    """The same for a workbook: one sheet per table, its cells as the loader reads them
    (`parsing.cell_text`: dates as ISO text, whole numbers without ".0")."""
    import openpyxl

    from placement.data.parsing import cell_text
    from placement.data.schema import TABLE_ALIASES

    out: dict[str, tuple[str, pd.DataFrame]] = {}
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            title = sheet.title.strip()
            name = TABLE_ALIASES.get(title) or TABLE_ALIASES.get(title.lower())
            rows = [[cell_text(v) for v in r] for r in sheet.iter_rows(values_only=True)]
            if name and name not in out and rows:
                out[name] = (f"{path}#{sheet.title}",
                             pd.DataFrame(rows[1:], columns=rows[0], dtype=str))
    finally:
        book.close()
    return out


def export_incomplete(folder: Path, problems: list, out: Path, lang: str = "zh") -> int:
    """Write a data set that does not load yet (cells to fill), a CSV folder or a
    workbook, as the same workbook: every table as written, the cells the loader's
    `problems` name marked red, and a sheet 待填 listing them, so the planner finishes
    it in Excel and `validate` names what is left. Returns the number of problems
    listed. Raises InputError (with `problems`) when a table cannot be read at all."""
    from placement.data.errors import InputError
    from placement.data.loader import WORKBOOK_SUFFIXES

    folder, zh = Path(folder), lang == "zh"
    book_in = folder.is_file() and folder.suffix.lower() in WORKBOOK_SUFFIXES
    if not (folder.is_dir() or book_in) or any(p.code in UNREADABLE for p in problems):
        raise InputError(problems)
    tables = _book_tables(folder) if book_in else _csv_tables(folder)
    book = new_book()
    for table in TABLES:
        if table.name not in tables:
            continue
        source, raw = tables[table.name]
        frame = _named(raw, table)
        headers = {c.name: c.name for c in table.columns} | {c.zh: c.name
                                                            for c in table.columns}
        marks = {(p.row - 2, headers.get(p.column, p.column)): "unmet" for p in problems
                 if p.source == source and p.row and p.row >= 2 and p.column}
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
