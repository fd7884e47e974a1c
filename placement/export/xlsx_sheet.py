"""One formatted worksheet from a frame: the layout both workbooks share.

`report.xlsx` and the data set export (`export-data`) are opened by planners
in Excel or WPS and by LibreOffice; they all get the same sheet conventions:
a bold header row that stays frozen, a filter on it, columns wide enough for
their text (a Chinese character counts double), dates stored as date cells
with a visible date format (not text, so they sort and filter as dates), and
optional green/red marks for met/unmet targets.

Printing (A4, landscape, one page wide, header row on every page, page
numbers in the footer): a column of long text (a reason, the places a rule
falls short) would otherwise set the width of the whole sheet, and "one page
wide" would then shrink every column to an unreadable size; so a column wider
than `WRAP_AT` is held at `WRAP_WIDTH` and its cells wrap, every cell aligned
to the top. Rows a reader must notice (a changed roster line) get a light fill.

No cell is a live formula: openpyxl would store text beginning with `=` as a
formula, so every text cell that a spreadsheet would read as one (beginning
with `=`, `+`, `-` or `@`, after whitespace, or with a tab or CR; the OWASP
list, `atomic.formula_safe`) is stored as a text cell with Excel's quote
prefix, the workbook form of typing a leading `'`: the value stays exactly the
text, shown and edited as text. Characters XML cannot hold (control
characters) are written as U+FFFD; the loader refuses them in input.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from placement.data import atomic
from placement.data.atomic import formula_safe

DATE_FORMAT = "yyyy-mm-dd"
MAX_WIDTH = 60
HEADER_WIDTH = 6  # a longer header wraps rather than widen a column of short ids
WRAP_AT = 24  # a column wider than this (display width) wraps: at WRAP_AT when its
WRAP_WIDTH = 50  # text fits two such lines, else at WRAP_WIDTH (a reason, a cause)
LINE_HEIGHT = 15  # points per wrapped line (11 pt text)
# Display-width units one wrapped line holds beyond the column's width: a CJK character
# (two units) is narrower than two digits in Excel's and LibreOffice's default fonts;
# measured on the Linfen report in LibreOffice, kept a little short so Excel never clips.
LINE_SLACK = 4
ROW_FILL = "FFF2CC"  # rows to notice: a changed roster line
# What XML 1.0 cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE, without importing openpyxl).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010\013\014\016-\037]")
MARK_STYLE = {"met": ("C6EFCE", "006100"), "unmet": ("FFC7CE", "9C0006")}


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: East Asian characters count two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def cell_value(v):
    """A frame cell as something openpyxl writes natively (None for empty); text
    without the control characters XML cannot hold."""
    if v is None or v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, tuple | list):
        v = ";".join(str(x) for x in v)
    if isinstance(v, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", v)
    return v


def _as_text(cell) -> None:
    """A text cell that would read as a formula: stored as text with the quote prefix."""
    if isinstance(cell.value, str) and formula_safe(cell.value) != cell.value:
        cell.data_type = "s"
        cell.quotePrefix = True


def add_sheet(book, title: str, frame: pd.DataFrame, headers: Sequence[str],
              marks: dict | None = None, filters: bool = True,
              highlight: Sequence[bool] | None = None, footer: str = "",
              right: Sequence[str] = ()):
    """Append a sheet `title` holding `frame` (its columns in order) under `headers`.

    `marks` maps (row index in frame, column key) to "met" or "unmet"; `highlight`
    (one flag per frame row) fills the rows to notice; `footer` is printed at the
    bottom left of every page (the report's title), page numbers at the right; `right`
    names the frame's text columns that hold figures ("≥ 10", "32/34"), right-aligned."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(title)
    ws.append([cell_value(h) for h in headers])
    for cell in ws[1]:
        _as_text(cell)
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font, cell.fill = bold, head_fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    # Long headers wrap (at most HEADER_WIDTH wide) rather than widen a column of numbers;
    # + 3 leaves room for the filter button.
    widths = [min(display_width(str(h)), HEADER_WIDTH) + 3 for h in headers]
    header_lines = max([math.ceil(display_width(str(h)) / HEADER_WIDTH) for h in headers] + [1])
    columns = list(frame.columns)
    for row in frame.itertuples(index=False, name=None):
        values = [cell_value(v) for v in row]
        ws.append(values)
        for j, v in enumerate(values):
            if v is None:
                continue
            if isinstance(v, str):
                _as_text(ws.cell(row=ws.max_row, column=j + 1))
            if isinstance(v, dt.date):
                ws.cell(row=ws.max_row, column=j + 1).number_format = DATE_FORMAT
            widths[j] = max(widths[j], display_width(_shown(v)))
    top, wrapped = Alignment(vertical="top"), Alignment(vertical="top", wrap_text=True)
    lines = np.ones(ws.max_row + 1, dtype=int)  # per sheet row: text lines after wrapping
    for j in range(1, len(headers) + 1):
        wraps = widths[j - 1] > WRAP_AT
        held = WRAP_AT if widths[j - 1] <= 2 * WRAP_AT else WRAP_WIDTH
        ws.column_dimensions[get_column_letter(j)].width = (
            held if wraps else min(widths[j - 1] + 2, MAX_WIDTH))
        for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
            cell.alignment = wrapped if wraps else top
            if wraps and cell.value is not None:
                need = math.ceil(display_width(_shown(cell.value)) / (held + LINE_SLACK))
                lines[cell.row] = max(lines[cell.row], need)
    # Excel and LibreOffice do not grow a row for wrapped text written by a program:
    # the height is set from the lines the longest wrapped cell needs.
    for row in np.flatnonzero(lines > 1):
        ws.row_dimensions[int(row)].height = LINE_HEIGHT * int(lines[row]) + 2
    if header_lines > 1:
        ws.row_dimensions[1].height = LINE_HEIGHT * header_lines + 2
    for j, key in enumerate(columns, start=1):
        if key in right:
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.alignment = Alignment(vertical="top", horizontal="right")
    if highlight is not None:
        fill = PatternFill("solid", fgColor=ROW_FILL)
        for i, flag in enumerate(highlight):
            if flag:
                for cell in ws[i + 2]:
                    cell.fill = fill
    for (i, key), mark in (marks or {}).items():
        if key in columns:
            fill, font = MARK_STYLE[mark]
            cell = ws.cell(row=i + 2, column=columns.index(key) + 1)
            cell.fill = PatternFill("solid", fgColor=fill)
            cell.font = Font(color=font, bold=mark == "unmet")
    ws.freeze_panes = "A2"
    # Printed (or exported to PDF): landscape, one page wide, header on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.gridLines = True
    if footer:
        ws.oddFooter.left.text = footer.replace("&", "&&")
    ws.oddFooter.right.text = "&P / &N"
    if filters and len(headers):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(ws.max_row, 2)}"
    return ws


def _shown(v) -> str:
    if isinstance(v, dt.date):
        return "2000-01-01"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def new_book():
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    return book


def save_book(book, path: Path) -> None:
    """Atomically: a reader sees the old workbook or the whole new one."""
    atomic.write_bytes(Path(path), book_bytes(book))


def book_bytes(book) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
