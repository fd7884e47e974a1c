"""One formatted worksheet from a frame: the layout both workbooks share.

`report.xlsx` and the data set export (`export-data`) are opened by planners
in Excel or WPS and by LibreOffice; they all get the same sheet conventions:
a bold header row that stays frozen, a filter on it, columns wide enough for
their text (a Chinese character counts double), dates stored as date cells
with a visible date format (not text, so they sort and filter as dates), and
optional green/red marks for met/unmet targets.

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
HEADER_WIDTH = 14
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
              marks: dict | None = None, filters: bool = True):
    """Append a sheet `title` holding `frame` (its columns in order) under `headers`.

    `marks` maps (row index in frame, column key) to "met" or "unmet"."""
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
    for j in range(1, len(headers) + 1):
        ws.column_dimensions[get_column_letter(j)].width = min(widths[j - 1] + 2, MAX_WIDTH)
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
    buf = io.BytesIO()
    book.save(buf)
    atomic.write_bytes(Path(path), buf.getvalue())
