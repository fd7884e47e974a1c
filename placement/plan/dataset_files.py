"""A year's data set as the loader's text tables, and back.

Why text: a year's state is handed on as a data set a planner can open and
`placement check` can load on its own. The plan therefore solves every year on the
very tables it writes (`build`), not on frames that were never through the loader, so
the roster the plan reports and the one `placement check DIR/YEAR/scenario.toml`
confirms are checked against the same data. Numbers keep every digit (an approval of
0.6666 stays above a 2/3 threshold only if it is not rounded), lists and grades are
`;`-joined as the loader reads them, cells are written formula-safe by
`placement.data.atomic`, whose escaping the loader undoes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from placement.data import atomic
from placement.data.dataset import DataSet
from placement.data.loader import build_dataset
from placement.data.schema import TABLES


def _cells(kind: str, values: pd.Series) -> np.ndarray:
    """One typed column (`placement.data.dataset`) as the text the loader parses."""
    if kind == "bool":
        return np.where(values.to_numpy(bool), "true", "false").astype(object)
    if kind == "date":
        d = values.to_numpy().astype("datetime64[D]")
        return np.where(np.isnat(d), "", np.datetime_as_string(d, unit="D")).astype(object)
    if kind == "float":
        return np.array(["" if pd.isna(v) else repr(float(v)) for v in values], dtype=object)
    if kind == "int":
        return np.array(["" if pd.isna(v) else str(int(v)) for v in values], dtype=object)
    if kind in ("list", "grades"):
        return np.array([";".join(v) for v in values], dtype=object)
    return values.astype(str).to_numpy(dtype=object)


def as_text(data: DataSet) -> dict[str, pd.DataFrame]:
    """Every table of `data` with rows, in schema columns, as text; an optional table
    without rows is left out (as a data set without that file)."""
    out = {}
    for table in TABLES:
        frame = data.table(table.name)
        if not table.required and frame.empty:
            continue
        out[table.name] = pd.DataFrame(
            {col.name: _cells(col.kind, frame[col.name]) for col in table.columns},
            index=pd.RangeIndex(len(frame)))
    return out


def build(tables: dict[str, pd.DataFrame], reference_date: dt.date) -> DataSet:
    """The text tables read as the loader reads a folder of them (validated again)."""
    return build_dataset(tables, {name: f"{name}.csv" for name in tables},
                         reference_date=reference_date)


def write(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """One CSV per table in `folder`, each written atomically."""
    paths = []
    for name, frame in tables.items():
        path = Path(folder) / f"{name}.csv"
        atomic.write_bytes(path, atomic.csv_bytes(frame))
        paths.append(path)
    return paths
