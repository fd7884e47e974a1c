"""Reading a data set (CSV folder or xlsx workbook) into a validated `DataSet`.

There is one conversion and validation path, `build_dataset`: the file
readers only turn files into raw frames of text cells (and say which CSV files
hold no cell to strip or refuse, `_clean`, so that their columns are not searched
again), and test builders or the generator hand it Python values. It checks everything
(`placement.data.schema` is the contract) and raises one `InputError` carrying
every problem found, each with the file, spreadsheet row and column as the
user wrote them, so a planner can fix a file in one pass. Input files are
only ever read (as bytes, which are also what the checksums cover).

Nothing is read silently other than as written: a CSV row with fewer cells than
the header (or more, non-empty ones), a quote out of place, a control
character, a header that is a misspelling of a known column, merged cells or a
formula without a saved value in a workbook, a table file that is a folder or a
link, a required table with headers only and a pair of cadres related twice
are all problems naming the file, row and column; a header like no known column
(备注) is the planner's own, not read, and a warning on the `DataSet` (shown by
validate and solve, kept in summary.json). What is read is bounded
(`MAX_*`: file and unpacked workbook size, rows, characters per cell) so a
hostile file fails with a message, not by exhausting memory.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from itertools import repeat
from pathlib import Path

import numpy as np
import pandas as pd

from placement.data import parsing
from placement.data.atomic import unescape_formula
from placement.data.dataset import DataSet
from placement.data.errors import InputError, Problem
from placement.data.schema import (
    KIND_RANKS,
    PARTY_CPC,
    RANK_LEVEL,
    TABLE_ALIASES,
    TABLES,
    TEAM_KINDS,
    Column,
    Table,
    header_aliases,
)

ROW = "_row"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")

# Bounds on what is read (a province's data set is a few MB and some 10^4 rows).
MAX_FILE_BYTES = 256 * 2**20  # one CSV file or workbook as stored
MAX_UNPACKED_BYTES = 1024 * 2**20  # a workbook's parts once unzipped
MAX_ROWS = 1_000_000  # rows of one table
MAX_CELL_CHARS = 2_000  # characters of one cell of a known column
# The csv module stops at a cell over 128 KiB with an error that reads like a quoting
# fault ("unbalanced quote"); a file is bounded by MAX_FILE_BYTES, so a cell up to that
# is read whole and a long one named by its row and column (`cell_too_long`).
csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
# Characters no cell may hold (tab, line feed and carriage return may).
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_CONTROL = re.compile(CONTROL)
# What Excel shows in a cell whose formula failed; saved as text by "Save as CSV" and
# as an error value in a workbook. Never a value (a name `#REF!`, a date `#N/A`).
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                          "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!",
                          "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#EXTERNAL!", "#PYTHON!"})
# The earliest birth date a cadre can have: anything before is a typing slip (1800 for
# 1980), not a person in office (docs/data.md).
MIN_BIRTH_YEAR = 1900


# ---------------------------------------------------------------- reading files


def load_dataset(path: Path, reference_date: dt.date | None = None) -> DataSet:
    """Read a folder of CSV files or one .xlsx workbook; raise `InputError` on any problem."""
    path = Path(path)
    if not path.exists():
        raise InputError([Problem("file_missing", params={"path": str(path)})])
    if path.is_dir():
        read = _read_folder(path)
    elif not path.is_file():
        raise InputError([Problem("not_a_file", params={"path": str(path)})])
    elif path.suffix.lower() in WORKBOOK_SUFFIXES:
        read = _read_workbook(path)
    else:
        raise InputError([Problem("bad_path", source=str(path), params={"path": str(path)})])
    # A required table of headers only would pass every check and leave nothing to solve.
    empty = [Problem("table_empty", source=read.sources[t.name],
                     params={"table": t.name, "zh": t.zh})
             for t in TABLES if t.required and t.name in read.tables
             and not _any_cell(read.tables[t.name])]
    try:
        data = _build(read.tables, read.sources, reference_date, str(path), read.clean)
    except InputError as err:
        # A table that could not be read is reported as such, not also as missing.
        rest = [p for p in err.problems
                if not (p.code == "table_missing" and p.params.get("table") in read.unreadable)]
        raise InputError(read.problems + empty + rest) from None
    if read.problems or empty:
        raise InputError(read.problems + empty)
    return replace(data, checksums=read.checksums)


def read_tables(path: Path) -> tuple[dict[str, pd.DataFrame], dict[str, str], list[Problem]]:
    """The tables of a CSV folder, a workbook or one CSV file (a table named by its stem,
    else the posts) as text, unchecked (`_row`: spreadsheet row),
    with the file or sheet each came from and the problems reading them: for building a
    data set from parts (teams and posts of a workbook, cadres of forms) before
    `load_dataset` checks the whole."""
    path = Path(path)
    if not path.exists():
        return {}, {}, [Problem("file_missing", params={"path": str(path)})]
    if path.is_dir():
        read = _read_folder(path)
    elif path.is_file() and path.suffix.lower() in WORKBOOK_SUFFIXES:
        read = _read_workbook(path)
    elif path.is_file() and path.suffix.lower() == ".csv":  # one table: the posts
        data, problem = _read_bytes(path)
        frame, problems = _read_csv(data, str(path)) if data is not None else (None, [problem])
        name = _table_name(path.stem) or "posts"
        return ({name: frame} if frame is not None else {}, {name: str(path)}, problems)
    else:
        return {}, {}, [Problem("bad_path", source=str(path), params={"path": str(path)})]
    return read.tables, read.sources, read.problems


@dataclass
class _Read:
    tables: dict[str, pd.DataFrame]
    sources: dict[str, str]
    checksums: dict[str, str]
    problems: list[Problem]
    unreadable: set[str]
    # tables read whole as they are in their file, whose cells need no stripping and
    # hold nothing unreadable (`_clean`): converted without looking for either
    clean: set[str] = field(default_factory=set)


def _any_cell(frame: pd.DataFrame) -> bool:
    """Whether a raw frame of text has a cell that is not "" (`_row` aside), looked
    for column by column."""
    return any((frame.iloc[:, i].to_numpy(dtype=object) != "").any()
               for i, c in enumerate(frame.columns) if c != ROW)


def _table_name(stem: str) -> str | None:
    stem = stem.strip().lstrip("\ufeff")
    return TABLE_ALIASES.get(stem) or TABLE_ALIASES.get(stem.lower())


def _add(read: _Read, name: str, source: str, frame: pd.DataFrame | None) -> None:
    """Record a table once; a second file or sheet for the same table is a problem."""
    if name in read.sources:
        read.problems.append(Problem("duplicate_table", source=source, params={
            "table": name, "where": f"{read.sources[name]}, {source}"}))
        return
    read.sources[name] = source
    if frame is None:
        read.unreadable.add(name)
    else:
        read.tables[name] = frame


def _read_folder(folder: Path) -> _Read:
    read = _Read({}, {}, {}, [], set())
    for file in sorted(folder.iterdir()):
        name = _table_name(file.stem) if file.suffix.lower() == ".csv" else None
        if name is None:
            continue
        source = str(file)
        if file.is_symlink() or not file.is_file():
            read.problems.append(Problem("table_not_file", params={"path": source}))
            _add(read, name, source, None)
            continue
        data, problem = _read_bytes(file)
        if data is not None:
            read.checksums[source] = hashlib.sha256(data).hexdigest()
            frame, problems, clean = _read_csv_text(data, source)
        else:
            frame, problems, clean = None, [problem], False
        read.problems.extend(problems)
        if clean and name not in read.sources:
            read.clean.add(name)
        _add(read, name, source, frame)
    return read


def _read_bytes(file: Path) -> tuple[bytes | None, Problem | None]:
    """The bytes of an input file within `MAX_FILE_BYTES`, or the problem."""
    size = file.stat().st_size
    if size > MAX_FILE_BYTES:
        return None, Problem("file_too_large", source=str(file),
                             params={"size": size, "limit": MAX_FILE_BYTES})
    try:
        return file.read_bytes(), None
    except OSError as err:
        return None, Problem("bad_csv", source=str(file),
                             params={"reason": err.strerror or type(err).__name__})


def _read_csv(data: bytes, source: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """`_read_csv_text` without its word on the cells."""
    frame, problems, _ = _read_csv_text(data, source)
    return frame, problems


def _read_csv_text(data: bytes, source: str) -> tuple[pd.DataFrame | None, list[Problem], bool]:
    """All cells as text, header from line 1, blank lines kept so row numbers stay true.

    Read with the csv module (strict quoting) so that a row whose cell count differs
    from the header's, or a stray quote, is reported with its spreadsheet row (the
    record's number, which a quoted line break does not change) instead of being
    padded, cut or shifted. Cells written formula-safe (`atomic.formula_safe`) read
    back as they were. A file without quotes whose rows all have the header's cell
    count (nearly every file) reads the same through pandas' C reader, column by
    column, several times faster (`_plain_lines`); then the third value tells whether
    its cells are `_clean`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [Problem("csv_not_utf8", source=source)], False
    lines = _plain_lines(text)
    if lines is not None:
        if len(lines) > MAX_ROWS + 1:
            return None, [Problem("too_many_rows", source=source,
                                  params={"rows": f"> {MAX_ROWS}", "limit": MAX_ROWS})], False
        grid = _plain_grid(data, lines)
        if grid is not None:
            return _grid_to_frame(_unescaped(grid, text)), [], _clean(text, lines)
        records = [line.split(",") if line else [] for line in lines]
    else:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        records = []
        try:
            for record in reader:
                records.append(record)
                if len(records) > MAX_ROWS + 1:
                    return None, [Problem("too_many_rows", source=source, params={
                        "rows": f"> {MAX_ROWS}", "limit": MAX_ROWS})], False
        except csv.Error as err:
            return None, [Problem("csv_quote", source=source, row=len(records) + 1,
                                  params={"reason": str(err)})], False
    if not records or not any(c.strip() for c in records[0]):
        return None, [Problem("csv_empty", source=source)], False
    width = len(records[0])
    problems = []
    for i, record in enumerate(records[1:], start=2):
        n = len(record)
        if n == width or n == 0 or (n == 1 and not record[0].strip()):
            continue
        if n < width:
            problems.append(Problem("row_short", source=source, row=i,
                                    params={"cells": n, "expected": width}))
        elif any(c.strip() for c in record[width:]):
            problems.append(Problem("row_long", source=source, row=i,
                                    params={"cells": n, "expected": width}))
    if problems:
        return None, problems, False
    grid = pd.DataFrame([(r + [""] * width)[:width] for r in records], dtype=object)
    return _grid_to_frame(_unescaped(grid, text).astype("str")), [], False


def _plain_lines(text: str) -> list[str] | None:
    """The lines of CSV text the csv module would read as plain cells between commas:
    no quote, no NUL (the csv module refuses it), no lone carriage return (a line end
    there) and no second byte order mark (pandas drops one); None for any other text."""
    if '"' in text or "\x00" in text or text.startswith("\ufeff"):
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the last line's end, not an empty record
    return lines


def _plain_grid(data: bytes, lines: list[str]) -> pd.DataFrame | None:
    """Plain lines (`_plain_lines`) as a grid of text, through pandas' C reader, when
    every line has the header's cell count or is empty (the csv module's empty record,
    padded with empty cells): then both readers split the same commas, and the C reader
    builds each column in one piece. None when a line has another count (the caller
    names it) or the header is blank."""
    header = lines[0].split(",") if lines else []
    if not any(c.strip() for c in header):
        return None
    commas = len(header) - 1
    counts = np.fromiter(map(str.count, lines, repeat(",")), dtype=np.int64, count=len(lines))
    if any(lines[i] for i in np.flatnonzero(counts != commas)):
        return None
    try:
        grid = pd.read_csv(io.BytesIO(data.removeprefix(codecs.BOM_UTF8)), header=None,
                           dtype="str", engine="c", sep=",", quoting=csv.QUOTE_NONE,
                           na_filter=False, skip_blank_lines=False, encoding="utf-8")
    except ValueError:  # not expected (pandas' parser and decoding errors are ValueErrors)
        return None  # the csv module reads it instead, and names what is wrong
    if grid.shape != (len(lines), len(header)):
        return None  # not expected either
    return grid


def _clean(text: str, lines: list[str]) -> bool:
    """Whether no cell of plain CSV text (`_plain_lines`) needs stripping or holds a
    control character, an Excel error or more than `MAX_CELL_CHARS` characters: no
    line is that long, no `#` (every Excel error's first character), no `'` (a
    formula-safe cell read back may begin with a space: `' =1`), no space at a cell's
    end, and the rest printable (every other whitespace and control character is not).
    Told once for the file, so that its columns are not searched one by one."""
    if "#" in text or "'" in text or max(map(len, lines), default=0) > MAX_CELL_CHARS:
        return False
    if " " in text and (text.startswith(" ") or text.endswith(" ") or any(
            pair in text for pair in (" ,", ", ", " \n", "\n ", " \r"))):
        return False
    return all(map(str.isprintable, lines))


def _unescaped(grid: pd.DataFrame, text: str) -> pd.DataFrame:
    """`grid` with its formula-safe cells (`'=…`) read back; the columns without a
    cell starting with `'` as they are (a file without `'` is not searched)."""
    if "'" not in text:
        return grid
    for i in range(grid.shape[1]):
        if grid[i].str.startswith("'").any():
            grid[i] = grid[i].map(unescape_formula)
    return grid


def _grid_to_frame(grid: pd.DataFrame) -> pd.DataFrame:
    """First row = headers (kept as written, duplicates too); `_row` = spreadsheet row."""
    headers = [parsing.cell_text(h) for h in grid.iloc[0]] if len(grid) else []
    body = grid.iloc[1:].reset_index(drop=True)
    body.columns = pd.Index(headers, dtype=object)
    body.insert(len(headers), ROW, np.arange(2, len(body) + 2, dtype=np.int64),
                allow_duplicates=True)
    return body


def _read_workbook(path: Path) -> _Read:
    import openpyxl  # imported here: CSV users never pay for it

    read = _Read({}, {}, {}, [], set())
    data, problem = _read_bytes(path)
    if data is None:
        read.problems.append(problem)
        return read
    read.checksums[str(path)] = hashlib.sha256(data).hexdigest()
    problem = _unpacked_size_problem(data, str(path))
    if problem:
        read.problems.append(problem)
        return read
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # any failure to open it is a problem of the user's file
        read.problems.append(Problem("bad_workbook", source=str(path),
                                     params={"reason": type(err).__name__}))
        return read
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as parts:
            for sheet in book.worksheets:
                name = _table_name(sheet.title)
                if name is None or not hasattr(sheet, "iter_rows"):
                    continue
                source = f"{path}#{sheet.title}"
                cells = _unreadable_cells(parts, getattr(sheet, "_worksheet_path", ""), source)
                if cells:
                    read.problems.extend(cells)
                    _add(read, name, source, None)
                    continue
                rows = []
                for row in sheet.iter_rows(min_row=1, min_col=1, values_only=True):
                    rows.append(row)
                    if len(rows) > MAX_ROWS + 1:
                        break
                if len(rows) > MAX_ROWS + 1:
                    read.problems.append(Problem("too_many_rows", source=source, params={
                        "rows": f"> {MAX_ROWS}", "limit": MAX_ROWS}))
                    _add(read, name, source, None)
                    continue
                grid = pd.DataFrame.from_records(rows) if rows else pd.DataFrame([[]])
                grid = grid.map(parsing.cell_text).astype("str")
                _add(read, name, source, _grid_to_frame(grid))
    finally:
        book.close()
    return read


def _unpacked_size_problem(data: bytes, source: str) -> Problem | None:
    """A workbook that is not a zip file is left to openpyxl's message; one that unpacks
    to more than `MAX_UNPACKED_BYTES` (a zip bomb) is refused before it is opened."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as parts:
            size = sum(info.file_size for info in parts.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if size > MAX_UNPACKED_BYTES:
        return Problem("workbook_unpacked", source=source,
                       params={"size": size, "limit": MAX_UNPACKED_BYTES})
    return None


_MERGED = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
_CELL = re.compile(rb'<(?:\w+:)?c\s+r="([A-Z]+[0-9]+)"[^>]*?(?<!/)>(.*?)</(?:\w+:)?c>', re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]+</(?:\w+:)?v>")


def _unreadable_cells(parts: zipfile.ZipFile, part: str, source: str) -> list[Problem]:
    """Merged cells (their value is in the first cell only) and formulas without a saved
    value (openpyxl reads them as empty) of one sheet, found in its XML."""
    try:
        xml = parts.read(part.lstrip("/"))
    except (KeyError, zipfile.BadZipFile, OSError):
        return []
    problems = [Problem("merged_cells", source=source, params={"cells": m.decode()})
                for m in _MERGED.findall(xml)]
    if b"<f" in xml:
        for ref, body in _CELL.findall(xml):
            if re.search(rb"<(?:\w+:)?f[\s>/]", body) and not _VALUE.search(body):
                problems.append(Problem("formula_no_value", source=source,
                                        params={"cell": ref.decode()}))
    return problems


# ------------------------------------------------------- converting and validating


def build_dataset(tables: dict[str, pd.DataFrame], sources: dict[str, str] | None = None,
                  reference_date: dt.date | None = None, *, origin: str = "") -> DataSet:
    """Convert raw frames (text or Python cells, English or Chinese headers) to a DataSet.

    `tables` is keyed by table name or its Chinese alias; `sources` gives each
    table's file for messages; `origin` names where missing tables were looked
    for. A raw frame may carry `_row` (its spreadsheet rows); otherwise row 2
    is its first row. Raises `InputError` with every problem found.
    """
    return _build(tables, sources, reference_date, origin, set())


def _build(tables: dict[str, pd.DataFrame], sources: dict[str, str] | None,
           reference_date: dt.date | None, origin: str, clean: set[str]) -> DataSet:
    """`build_dataset`; the tables named in `clean` as `_read_csv_text` read them."""
    sources = dict(sources or {})
    problems: list[Problem] = []
    raw: dict[str, pd.DataFrame] = {}
    for key, frame in tables.items():
        name = _table_name(str(key))
        if name is None:
            continue
        if name in raw:
            problems.append(Problem("duplicate_table", source=origin, params={
                "table": name, "where": f"{key}"}))
            continue
        raw[name] = frame
        sources.setdefault(name, sources.get(str(key), name))

    built: dict[str, _Built] = {}
    for table in TABLES:
        if table.name in raw:
            built[table.name] = _convert(table, raw[table.name], sources[table.name], problems,
                                         clean=table.name in clean)
        else:
            if table.required:
                problems.append(Problem("table_missing", source=origin,
                                        params={"table": table.name, "zh": table.zh}))
            built[table.name] = _convert(table, _empty_raw(table), table.name, [])
            built[table.name].present = False
    ref = pd.Timestamp(reference_date or dt.date.today())
    for check in (_check_unique, _check_refs, _check_two_posts, _check_post_ranks,
                  _check_fit_pairs, _check_self_relation, _check_relation_pairs):
        problems.extend(check(built))
    problems.extend(_check_future(built, ref))
    problems.extend(_check_birth(built, ref))
    if problems:
        raise InputError(_in_reading_order(problems, built))
    frames = {name: _with_derived(name, b.frame) for name, b in built.items()}
    warnings = tuple(w for b in built.values() for w in b.warnings)
    return DataSet(**frames, sources={n: sources[n] for n in raw}, warnings=warnings)


@dataclass
class _Built:
    """A converted table and what messages about it need."""
    table: Table
    frame: pd.DataFrame
    source: str
    headers: dict[str, str]  # canonical column -> header as written
    present: bool = True
    warnings: list[Problem] = field(default_factory=list)  # read, but worth a word

    def header(self, column: str) -> str:
        return self.headers.get(column, column)

    def problem(self, code: str, row: int | None, column: str | None, **params) -> Problem:
        return Problem(code, source=self.source, row=row,
                       column=self.header(column) if column else None, params=params)


def _empty_raw(table: Table) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series([], dtype="str") for c in table.columns})


def _match_headers(table: Table, frame: pd.DataFrame, built: _Built,
                   problems: list[Problem]) -> dict[str, int]:
    """Canonical column -> position in the raw frame; unknown headers are left out."""
    aliases = header_aliases(table)
    lowered = {k.lower(): v for k, v in aliases.items()}
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for pos, raw_header in enumerate(frame.columns):
        header = parsing.cell_text(raw_header).replace("\ufeff", "").strip()
        name = aliases.get(header) or lowered.get(header.lower())
        if name is None:
            if header:
                unknown.append(header)
            continue
        if name in positions:
            problems.append(Problem("duplicate_column", source=built.source, row=1,
                                    column=header, params={"column": name}))
            continue
        positions[name] = pos
        built.headers[name] = header
    problems.extend(_misspelt(table, unknown, positions, built))
    return positions


def _misspelt(table: Table, unknown: list[str], present: dict[str, int],
              built: _Built) -> list[Problem]:
    """Unknown headers that are close to a known column the file lacks (`spouse_abrod`):
    the user meant that column, whose values would otherwise be dropped without a word,
    so each is a problem. Headers like no known column (备注, notes) are the planner's
    own: their values are not read, and each gets a warning (`built.warnings`) naming
    the file and the header, so nothing is dropped silently."""
    absent = {a: c.name for c in table.columns if c.name not in present
              for a in (c.name, c.zh)}
    out = []
    for header in unknown:
        close = difflib.get_close_matches(header.lower(), list(absent), n=1, cutoff=0.85)
        if close:
            out.append(Problem("unknown_column_hint", source=built.source, row=1,
                               column=header, params={"header": header,
                                                      "suggestion": close[0]}))
        else:
            built.warnings.append(Problem("unknown_column_ignored", source=built.source,
                                          row=1, column=header,
                                          params={"table": table.name, "zh": table.zh}))
    return out


def _convert(table: Table, frame: pd.DataFrame, source: str,
             problems: list[Problem], clean: bool = False) -> _Built:
    """One table to typed columns; every bad cell becomes a problem. The cells of a
    `clean` table are neither stripped nor searched for what cannot be read."""
    built = _Built(table, pd.DataFrame(), source, {})
    row_cols = [i for i, c in enumerate(frame.columns) if c == ROW]
    body = frame.iloc[:, [i for i in range(frame.shape[1]) if i not in row_cols]]
    rows = (pd.to_numeric(frame.iloc[:, row_cols[-1]]).to_numpy(dtype=np.int64) if row_cols
            else np.arange(2, len(frame) + 2, dtype=np.int64))
    positions = _match_headers(table, body, built, problems)
    texts = {name: (body.iloc[:, pos].to_numpy(dtype=object) if clean
                    else parsing.text_cells(body.iloc[:, pos]))
             for name, pos in positions.items()}
    keep = _non_blank(texts, len(body))
    every = bool(keep.all())
    rows = rows[keep]
    if len(rows) > MAX_ROWS:
        problems.append(Problem("too_many_rows", source=source,
                                params={"rows": len(rows), "limit": MAX_ROWS}))
    columns: dict[str, pd.Series] = {}
    for col in table.columns:
        if col.name in texts:
            cells = texts[col.name] if every else texts[col.name][keep]
            columns[col.name] = _parse_column(col, cells, rows, built, problems, clean)
        else:
            if col.required:
                problems.append(Problem("missing_column", source=source, row=1,
                                        column=col.name,
                                        params={"column": col.name, "zh": col.zh}))
            columns[col.name] = _filled(col, len(rows))
    columns[ROW] = pd.Series(rows, dtype="int64")
    built.frame = pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))
    return built


def _non_blank(texts: dict[str, np.ndarray], n: int) -> np.ndarray:
    """Rows with at least one non-empty known cell (blank Excel rows are skipped); the
    columns are looked at until every row has one (the first, its id, nearly always)."""
    keep = np.zeros(n, dtype=bool) if texts else np.ones(n, dtype=bool)
    for cells in texts.values():
        if keep.all():
            break
        keep |= cells != ""
    return keep


def _filled(col: Column, n: int) -> pd.Series:
    """A whole column of the column's default (or its kind's empty value)."""
    kind, default = col.kind, col.default
    if kind == "bool":
        return pd.Series(np.full(n, bool(default)), dtype=bool)
    if kind == "date":
        return pd.Series(np.full(n, np.datetime64("NaT", "ns")), dtype="datetime64[ns]")
    if kind == "int":
        return pd.Series(pd.array([pd.NA] * n, dtype="Int64"))
    if kind == "float":
        return pd.Series(np.full(n, np.nan), dtype="float64")
    if kind in ("list", "grades"):
        cells = np.empty(n, dtype=object)
        cells[:] = [tuple(default or ())] * n
        return pd.Series(cells, dtype=object)
    return pd.Series([str(default or "")] * n, dtype="str")


def _typed_empty(col: Column, empty: np.ndarray, values: pd.Series) -> pd.Series:
    """`values` with the empty (or unreadable) cells set to the column's default."""
    if not empty.any():
        return values
    return values.mask(empty, _filled(col, len(values)).set_axis(values.index))


def _expected(col: Column) -> str:
    """What a cell of this column should hold, in words that read in both languages."""
    if col.kind == "enum":
        # Canonical values, then the first Chinese spelling of each English one
        # (男/女, 正职/副职 …); "other" has many (中专, 高中 …) and gets none.
        zh: dict[str, str] = {}
        for alias, value in col.aliases.items():
            if value.isascii() and value != "other" and not alias.isascii():
                zh.setdefault(value, alias)
        return "/".join([*col.values, *(zh[v] for v in col.values if v in zh)])
    if col.kind in ("int", "float") and col.low is not None:
        return f"{col.low:g}–{col.high:g}"
    return {"date": "YYYY-MM-DD", "bool": "true/false, 1/0, 是/否"}.get(col.kind, "")


BAD_CODE = {"date": "bad_date", "bool": "bad_bool", "int": "bad_int", "float": "bad_number",
            "enum": "bad_enum", "grades": "bad_enum"}


_LONG = re.compile(rf"^[^\n]{{{MAX_CELL_CHARS + 1}}}", re.MULTILINE)


def _unreadable(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Masks of the cells with a control character, longer than `MAX_CELL_CHARS` or
    holding an Excel error (`#REF!`, `#N/A` …: `EXCEL_ERRORS`, never one of the other
    two), or None when there is none. A column with none of the three (nearly every
    one) is told by a few searches of its cells joined by line feeds, not three passes
    over its cells: the plan reads every year's data set through here (docs/plan.md,
    "Run time")."""
    joined = "\n".join(cells)
    apart = joined.count("\n") == max(len(cells) - 1, 0)  # no cell holds a line feed
    long = len(joined) > MAX_CELL_CHARS and (
        _LONG.search(joined) is not None if apart else max(map(len, cells)) > MAX_CELL_CHARS)
    if (not long and not _CONTROL.search(joined)
            and ("#" not in joined or EXCEL_ERRORS.isdisjoint(cells))):
        return None
    text = pd.Series(cells, dtype="str")
    control = text.str.contains(CONTROL, regex=True).to_numpy(dtype=bool)
    long = (text.str.len() > MAX_CELL_CHARS).to_numpy(dtype=bool)
    excel = text.isin(EXCEL_ERRORS).to_numpy(dtype=bool) & ~control & ~long
    return control, long, excel


def _report_unreadable(col: Column, cells: np.ndarray,
                       masks: tuple[np.ndarray, np.ndarray, np.ndarray], rows: np.ndarray,
                       built: _Built, problems: list[Problem]) -> np.ndarray:
    """A problem for each unreadable cell (`_unreadable`), naming the cell, never its
    content (it may be a name); the mask of those cells."""
    control, long, excel = masks
    for i in np.flatnonzero(excel):
        problems.append(built.problem("excel_error", int(rows[i]), col.name, value=cells[i]))
    for i in np.flatnonzero(control):
        at = re.search(CONTROL, cells[i])
        problems.append(built.problem("control_char", int(rows[i]), col.name,
                                      char=f"U+{ord(at.group()):04X}", pos=at.start() + 1))
    for i in np.flatnonzero(long & ~control):
        problems.append(built.problem("cell_too_long", int(rows[i]), col.name,
                                      length=len(cells[i]), limit=MAX_CELL_CHARS))
    return control | long | excel


def _parse_column(col: Column, cells: np.ndarray, rows: np.ndarray, built: _Built,
                  problems: list[Problem], clean: bool = False) -> pd.Series:
    """One column's stripped cells (`parsing.text_cells`) as typed values; every bad
    cell a problem (unreadable, not read, empty where required, out of range, in that
    order for each cell)."""
    if col.kind == "enum" or col.kind in parsing.PARSERS:
        return _parse_distinct(col, cells, rows, built, problems, clean)
    masks = None if clean else _unreadable(cells)
    unreadable = np.zeros(len(cells), dtype=bool)
    if masks is not None:
        unreadable = _report_unreadable(col, cells, masks, rows, built, problems)
        cells = np.where(unreadable, "", cells).astype(object)  # not read again as a value
    empty = cells == ""
    _report_empty(col, empty & ~unreadable, rows, built, problems)
    values = pd.Series(cells, dtype="str")
    return _typed_empty(col, empty, values) if str(col.default or "") else values


def _parse_distinct(col: Column, cells: np.ndarray, rows: np.ndarray, built: _Built,
                    problems: list[Problem], clean: bool) -> pd.Series:
    """A column to parse, factorised first: its distinct cells are checked and parsed
    once each (10^5 cells of dates hold some 10^4 distinct ones, an enum's a handful)
    and the values taken back to the rows. The parsers read each cell alone, so the
    values and problems are those of parsing every cell."""
    n = len(cells)
    codes, distinct = pd.factorize(cells)
    masks = None if clean else _unreadable(distinct)
    unreadable = np.zeros(n, dtype=bool)
    if masks is not None:
        unreadable = _report_unreadable(col, cells, tuple(m[codes] for m in masks), rows,
                                        built, problems)
        # reported; not read again as a value
        distinct = np.where(masks[0] | masks[1] | masks[2], "", distinct).astype(object)
    empty_d = distinct == ""
    empty = empty_d[codes]
    if empty_d.all():  # nothing to read (often a column of defaults)
        _report_empty(col, empty & ~unreadable, rows, built, problems)
        return _filled(col, n)
    text = pd.Series(distinct, dtype="str")
    if col.kind == "enum":
        values, bad_d = parsing.parse_enum(text, col.values, col.aliases)
    else:
        values, bad_d = parsing.PARSERS[col.kind](text)
    bad_d = bad_d.to_numpy(dtype=bool) & ~empty_d
    for i in np.flatnonzero(bad_d[codes]):
        problems.append(_bad_cell(col, distinct[codes[i]], int(rows[i]), built))
    _report_empty(col, empty & ~unreadable, rows, built, problems)
    if col.low is not None or col.high is not None:
        number = pd.Series(values.astype("Float64").to_numpy(dtype="float64", na_value=np.nan))
        low = -np.inf if col.low is None else col.low
        high = np.inf if col.high is None else col.high
        out = (number.notna() & ((number < low) | (number > high))).to_numpy()
        for i in np.flatnonzero(out[codes]):
            problems.append(built.problem("out_of_range", int(rows[i]), col.name,
                                          value=distinct[codes[i]], low=f"{low:g}",
                                          high=f"{high:g}"))
    values = _typed_empty(col, empty_d | bad_d, values)
    return values.take(codes).reset_index(drop=True)


def _report_empty(col: Column, empty: np.ndarray, rows: np.ndarray, built: _Built,
                  problems: list[Problem]) -> None:
    """A problem for each empty cell of a column that must not have one."""
    if col.allow_empty:
        return
    code = "empty_value" if _expected(col) else "empty_required"
    params = {"expected": _expected(col)} if code == "empty_value" else {}
    for i in np.flatnonzero(empty):
        problems.append(built.problem(code, int(rows[i]), col.name, **params))


def _bad_cell(col: Column, value: str, row: int, built: _Built) -> Problem:
    params: dict = {"value": value}
    if col.kind == "date" and parsing.year_outside_range(value):
        return built.problem("date_range", row, col.name, value=value,
                             low=parsing.MIN_YEAR, high=parsing.MAX_YEAR)
    if col.kind == "int" and parsing.int_too_large(value):
        return built.problem("int_too_large", row, col.name, value=value,
                             limit=parsing.MAX_INT)
    if col.kind == "grades":
        params = {"value": parsing.first_bad_grade(value),
                  "expected": "/".join(parsing.ASSESSMENT_LEVEL)}
    elif col.kind == "enum":
        params["expected"] = _expected(col)
    return built.problem(BAD_CODE[col.kind], row, col.name, **params)


# ------------------------------------------------------------- cross-row checks


def _first_rows(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """For each row, the spreadsheet row where its key values first appear (asked only
    when a key is repeated: a grouping of every row)."""
    return frame.groupby(keys, sort=False)[ROW].transform("first")


def _id_key(value: str) -> str:
    return unicodedata.normalize("NFKC", value).casefold()


def _id_keys(values: np.ndarray) -> list[str]:
    """`_id_key` of each id; ASCII ids (NFKC leaves them be, casefold is lower) are
    lower-cased all at once, joined by NUL (no id holds one: a control character)."""
    joined = "\x00".join(values)
    if joined.isascii() and joined.count("\x00") == len(values) - 1:
        return joined.lower().split("\x00")
    return [_id_key(v) for v in values]


def _check_unique(built: dict[str, _Built]) -> list[Problem]:
    out = []
    for b in built.values():
        for col in b.table.columns:
            if not col.unique:
                continue
            # ids that differ only by letter case or character width (ｃ００１, C001)
            # are one id typed twice: compared in NFKC, case-folded
            ids = b.frame[col.name].to_numpy(dtype=object)
            keys = pd.Series(_id_keys(ids), dtype=object)
            dup = np.flatnonzero((ids != "") & keys.duplicated().to_numpy())
            if not len(dup):
                continue
            f = b.frame.assign(_key=keys.to_numpy())
            first = _first_rows(f, ["_key"])
            out += [b.problem("duplicate_id", int(f[ROW].iat[i]), col.name,
                              value=f[col.name].iat[i], first=int(first.iat[i]))
                    for i in dup]
    return out


def _check_refs(built: dict[str, _Built]) -> list[Problem]:
    out = []
    for b in built.values():
        for col in b.table.columns:
            if col.kind != "ref" or col.name not in b.headers:
                continue
            target_table, target_col = col.ref.split(".")
            target = built[target_table]
            if not target.present or target_col not in target.headers:
                continue  # the target table or its key is missing: reported already
            values = b.frame[col.name]
            unknown = (values != "") & ~values.isin(target.frame[target_col])
            where = f"{target.source} ({target.header(target_col)})"
            out += [b.problem("unknown_ref", int(b.frame[ROW].iat[i]), col.name,
                              value=values.iat[i], target=where)
                    for i in np.flatnonzero(unknown.to_numpy())]
    return out


def _check_two_posts(built: dict[str, _Built]) -> list[Problem]:
    """A cadre is the incumbent of at most one post."""
    b = built["posts"]
    f = b.frame
    dup = (f["incumbent_id"] != "") & f.duplicated("incumbent_id")
    if not dup.any():
        return []
    first = _first_rows(f, ["incumbent_id"])
    return [b.problem("two_posts", int(f[ROW].iat[i]), "incumbent_id",
                      value=f["incumbent_id"].iat[i], other=int(first.iat[i]))
            for i in np.flatnonzero(dup.to_numpy())]


def _check_post_ranks(built: dict[str, _Built]) -> list[Problem]:
    """A post's rank lies in its team kind's range (`schema.KIND_RANKS`): a 正处 post in a
    township team would otherwise be solved as written, with 正处 candidates only."""
    posts, teams = built["posts"], built["teams"]
    if not teams.present or "kind" not in teams.headers or "rank" not in posts.headers:
        return []  # reported already as a missing table or column
    f = posts.frame
    kind = f["team_id"].map(teams.frame.drop_duplicates("team_id").set_index("team_id")["kind"])
    kind = kind.fillna("")  # an unknown team: reported by _check_refs
    low = kind.map({k: RANK_LEVEL[lo] for k, (lo, _) in KIND_RANKS.items()})
    high = kind.map({k: RANK_LEVEL[hi] for k, (_, hi) in KIND_RANKS.items()})
    level = f["rank"].map(RANK_LEVEL)  # NaN where the rank itself was unreadable
    wrong = (level.notna() & low.notna() & ((level < low) | (level > high))).to_numpy()
    return [posts.problem("rank_kind", int(f[ROW].iat[i]), "rank", rank=f["rank"].iat[i],
                          team=f["team_id"].iat[i], kind=kind.iat[i],
                          kind_zh=TEAM_KINDS[kind.iat[i]], low=KIND_RANKS[kind.iat[i]][0],
                          high=KIND_RANKS[kind.iat[i]][1])
            for i in np.flatnonzero(wrong)]


def _check_fit_pairs(built: dict[str, _Built]) -> list[Problem]:
    """One score per (cadre, post): a second one would be silently ignored."""
    b = built["fit"]
    f = b.frame
    dup = f.duplicated(["cadre_id", "post_id"])
    if not dup.any():
        return []
    first = _first_rows(f, ["cadre_id", "post_id"])
    return [b.problem("duplicate_pair", int(f[ROW].iat[i]), "cadre_id",
                      cadre=f["cadre_id"].iat[i], post=f["post_id"].iat[i],
                      first=int(first.iat[i]))
            for i in np.flatnonzero(dup.to_numpy())]


def _check_self_relation(built: dict[str, _Built]) -> list[Problem]:
    b = built["relations"]
    f = b.frame
    same = (f["cadre_a"] != "") & (f["cadre_a"] == f["cadre_b"])
    return [b.problem("self_relation", int(f[ROW].iat[i]), "cadre_b", value=f["cadre_a"].iat[i])
            for i in np.flatnonzero(same.to_numpy())]


def _check_relation_pairs(built: dict[str, _Built]) -> list[Problem]:
    """A pair of cadres is related once: a second row for the same two (either order)
    repeats or contradicts the first (spouse and sibling; parent both ways)."""
    b = built["relations"]
    f = b.frame
    a, c = f["cadre_a"], f["cadre_b"]
    swap = (a > c).to_numpy()
    pair = pd.DataFrame({"lo": a.where(~swap, c), "hi": c.where(~swap, a), ROW: f[ROW]})
    dup = pair.duplicated(["lo", "hi"]) & (pair["lo"] != "")
    if not dup.any():
        return []
    first = _first_rows(pair, ["lo", "hi"])
    where = pd.Series(np.arange(len(f)), index=f[ROW].to_numpy())
    out = []
    for i in np.flatnonzero(dup.to_numpy()):
        j = int(where[int(first.iat[i])])
        out.append(b.problem("relation_conflict", int(f[ROW].iat[i]), "cadre_b",
                             a=f["cadre_a"].iat[i], b=f["cadre_b"].iat[i],
                             first=int(first.iat[i]),
                             was=f"{f['cadre_a'].iat[j]}-{f['cadre_b'].iat[j]} "
                                 f"{f['relation'].iat[j]}",
                             now=f"{f['cadre_a'].iat[i]}-{f['cadre_b'].iat[i]} "
                                 f"{f['relation'].iat[i]}"))
    return out


def _check_future(built: dict[str, _Built], ref: pd.Timestamp) -> list[Problem]:
    """Birth dates and `*_since` dates cannot lie after the reference date."""
    out = []
    for b in built.values():
        for col in b.table.columns:
            if col.kind != "date" or not (col.name == "birth_date"
                                          or col.name.endswith("_since")):
                continue
            late = (b.frame[col.name] > ref).to_numpy()
            out += [b.problem("future_date", int(b.frame[ROW].iat[i]), col.name,
                              value=b.frame[col.name].iat[i].date().isoformat(),
                              ref=ref.date().isoformat())
                    for i in np.flatnonzero(late)]
    return out


def _check_birth(built: dict[str, _Built], ref: pd.Timestamp) -> list[Problem]:
    """Birth dates from `MIN_BIRTH_YEAR` on, and no `*_since` date before its cadre's
    birth (a birth date after `ref` is reported by `_check_future` alone)."""
    b = built["cadres"]
    f = b.frame
    if "birth_date" not in f:
        return []
    born = f["birth_date"]
    out = [b.problem("birth_too_early", int(f[ROW].iat[i]), "birth_date",
                     value=born.iat[i].date().isoformat(), low=MIN_BIRTH_YEAR)
           for i in np.flatnonzero((born.dt.year < MIN_BIRTH_YEAR).to_numpy())]
    for col in b.table.columns:
        if col.kind == "date" and col.name.endswith("_since") and col.name in f:
            early = ((f[col.name] < born) & (born <= ref)).to_numpy()
            out += [b.problem("before_birth", int(f[ROW].iat[i]), col.name,
                              value=f[col.name].iat[i].date().isoformat())
                    for i in np.flatnonzero(early)]
    return out


def _in_reading_order(problems: list[Problem], built: dict[str, _Built]) -> list[Problem]:
    """Sorted by table, then row, then column, as a planner walks through the files."""
    order = {b.source: i for i, b in enumerate(built.values())}
    col_order = {(b.source, b.header(c.name)): j
                 for b in built.values() for j, c in enumerate(b.table.columns)}
    return sorted(problems, key=lambda p: (order.get(p.source, -1), p.row or 0,
                                           col_order.get((p.source, p.column), -1)))


def _with_derived(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Append `rank_level` (posts, cadres) and `non_party` (cadres) after `_row`."""
    if name in ("posts", "cadres"):
        at = _RANKS.get_indexer(frame["rank"].to_numpy(dtype=object))  # -1: unread, level 0
        frame = frame.assign(rank_level=np.where(at >= 0, _LEVELS[at], 0).astype("int64"))
    if name == "cadres":
        frame = frame.assign(non_party=frame["party"].to_numpy(dtype=object) != PARTY_CPC)
    return frame


_RANKS = pd.Index(list(RANK_LEVEL), dtype=object)
_LEVELS = np.array(list(RANK_LEVEL.values()), dtype=np.int64)

