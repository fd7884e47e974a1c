"""Atomic output: a reader sees the old file or the new one, never half of one.

Each file is written to a temporary file in the target folder and moved into
place with `os.replace`, which is atomic on one file system.

Formula-safe CSV (OWASP, "CSV injection"): a text cell that a spreadsheet would
run as a formula, one beginning with `=`, `+`, `-` or `@` (after any
whitespace) or with a tab or carriage return, is written with a single quote
`'` in front. Excel and WPS then show it as text. `unescape_formula` is the
exact inverse (a cell that itself began with `'` before such a character gets
one more `'`), which the loader and the result reader apply, so what is read
back is what was written.
"""

from __future__ import annotations

import errno
import json
import os
import re
import tempfile
from pathlib import Path

import pandas as pd

from placement.data.errors import OutputError, os_problem


def write_bytes(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all; an operating system error (disk full,
    read-only, no permission, a file where a folder should be) is an `OutputError`
    naming the path."""
    write_files({Path(path): data})


def write_files(files: dict[Path, bytes]) -> None:
    """Write several files together (report.xlsx and report.html): each to a temporary
    file beside it first, then all moved into place. A failure while writing (a full
    disk) leaves every one of them as it was, old or absent, never one new and one
    missing; an operating system error is an `OutputError` naming the path."""
    staged: dict[Path, str] = {}
    path = None
    try:
        for path, data in files.items():
            staged[Path(path)] = _stage(Path(path), data)
        for path, tmp in staged.items():
            os.replace(tmp, path)
            staged[path] = ""
    except OSError as err:
        if err.filename is None:
            err.filename = str(path)
        raise OutputError([os_problem(err)]) from None
    finally:
        for tmp in staged.values():
            if tmp:
                Path(tmp).unlink(missing_ok=True)


def _stage(path: Path, data: bytes) -> str:
    """`data` in a temporary file beside `path`, flushed to the disk; its name."""
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would hide results from colleagues
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


# Quotes already in front, then what a spreadsheet reads as the start of a formula.
_FORMULA = re.compile(r"'*(?:[\t\r]|\s*[=+\-@])")


def formula_safe(value: object) -> object:
    """`value` with `'` in front when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def unescape_formula(text: str) -> str:
    """The inverse of `formula_safe` on text read back from a CSV file."""
    if text.startswith("'") and _FORMULA.match(text, 1):
        return text[1:]
    return text


def formula_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells and headers are `formula_safe`."""
    out = frame.copy()
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            out.isetitem(i, column.map(formula_safe))
    out.columns = [formula_safe(c) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame, bom: bool = True) -> bytes:
    """`frame` as formula-safe CSV text, UTF-8 (with a BOM so that Excel opens Chinese
    text correctly, unless `bom` is false)."""
    text = formula_safe_frame(frame).to_csv(index=False, lineterminator="\n")
    return text.encode("utf-8-sig" if bom else "utf-8")


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """Formula-safe, UTF-8 with BOM (`csv_bytes`)."""
    write_bytes(path, csv_bytes(frame))


def write_json(path: Path, obj) -> None:
    write_bytes(path, (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
