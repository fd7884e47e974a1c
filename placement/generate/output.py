"""The contract's text forms and the files: CSV folder or one workbook.

Tables leave the generator as all-text frames with the canonical English column
names of `placement.data.schema`, in schema order: dates `YYYY-MM-DD`, booleans
`true`/`false`, lists `;`-joined, empty string for empty. `write_dataset` writes
them as UTF-8 CSV without BOM and with `\\n` line ends (same tables, same bytes),
or as one `data.xlsx`; each file goes to a temporary file in the target folder
first and is moved into place with `os.replace`.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pandas as pd

from placement.data.atomic import write_bytes
from placement.data.schema import TABLE_BY_NAME, TABLES

TABLE_NAMES = tuple(t.name for t in TABLES)


def bool_text(values) -> np.ndarray:
    return np.where(np.asarray(values, dtype=bool), "true", "false").astype(object)


def date_text(values) -> np.ndarray:
    d = np.asarray(values).astype("datetime64[D]")
    text = np.datetime_as_string(d, unit="D").astype(object)
    return np.where(np.isnat(d), "", text)


def float_text(values, digits: int = 2) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    return np.array(["" if np.isnan(x) else f"{x:.{digits}f}" for x in v], dtype=object)


def as_text(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with the table's schema columns, in schema order, every cell text."""
    table = TABLE_BY_NAME[name]
    out = {}
    for col in table.columns:
        if col.name not in frame:
            out[col.name] = np.full(len(frame), "", dtype=object)
            continue
        values = frame[col.name]
        if col.kind == "bool":
            out[col.name] = bool_text(values.to_numpy())
        elif col.kind == "date":
            out[col.name] = date_text(values.to_numpy())
        elif col.kind == "float":
            out[col.name] = float_text(values.to_numpy())
        elif col.kind == "int":
            out[col.name] = np.array(["" if pd.isna(v) else str(int(v)) for v in values],
                                     dtype=object)
        else:
            out[col.name] = np.array([str(v) for v in values], dtype=object)
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def _headers(name: str, frame: pd.DataFrame, zh: bool) -> pd.DataFrame:
    if not zh:
        return frame
    zh_names = {c.name: c.zh for c in TABLE_BY_NAME[name].columns}
    return frame.rename(columns=zh_names)


def _write(path: Path, data: bytes) -> Path:
    """Atomically (temporary file, then `os.replace`), readable like any data file
    (the temporary file is created private)."""
    write_bytes(path, data)
    os.chmod(path, 0o644)
    return path


def csv_bytes(frame: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


def write_dataset(tables: dict[str, pd.DataFrame], out, xlsx: bool = False,
                  zh_headers: bool = False) -> list[Path]:
    """Write the tables into folder `out` (created if needed): one CSV per table
    (`teams.csv` …), or with `xlsx` one workbook `data.xlsx` with a sheet per table
    (named in Chinese with `zh_headers`). Returns the files written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    names = [n for n in TABLE_NAMES if n in tables]
    if not xlsx:
        return [_write(out / f"{name}.csv", csv_bytes(_headers(name, tables[name], zh_headers)))
                for name in names]
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name in names:
        frame = _headers(name, tables[name], zh_headers)
        ws = wb.create_sheet(TABLE_BY_NAME[name].zh if zh_headers else name)
        ws.append(list(frame.columns))
        for row in frame.itertuples(index=False, name=None):
            ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return [_write(out / "data.xlsx", buf.getvalue())]
