"""Vectorised parsers from cell text to typed values, one per schema column kind.

The loader first turns every cell into stripped text (`text_cells`), whatever it
came from (a CSV field, an Excel cell, a Python value given to
`build_dataset`), so CSV, xlsx and in-memory input go through the same
parsers and give the same frames. Each parser takes a text Series whose
empty cells have already been set aside and returns the parsed values plus a
boolean mask of the cells it could not read; the loader turns that mask into
problems. Nothing here raises on bad input and nothing guesses: a value is
either read exactly or reported.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from placement.data.schema import ASSESSMENT_ALIASES, ASSESSMENT_LEVEL, GENDER_ALIASES

# The documented spellings, plus the tick and cross Chinese forms often use.
TRUE_WORDS = ("true", "1", "是", "yes", "y", "真", "√")
FALSE_WORDS = ("false", "0", "否", "no", "n", "假", "×")
BOOL_WORDS: dict[str, bool] = {w: True for w in TRUE_WORDS} | {w: False for w in FALSE_WORDS}

# Separators of `;`-lists: ASCII and full-width semicolon, the enumeration comma
# 、 and ASCII / full-width commas.
LIST_SEPARATORS = r"[;；、,，]"

# YYYY-MM-DD, YYYY-MM, YYYY/MM/DD, YYYY.MM, 2023年5月, each with an optional
# time part (Excel datetimes saved as text); YYYYMM and YYYYMMDD without separators.
# "1980.1" is refused: typed into Excel as a number it may be 1980.10 (October).
MIN_YEAR, MAX_YEAR = 1678, 2261  # the years datetime64[ns] can hold
_DATE = re.compile(
    r"^(?:(?P<y>\d{4})\s*(?P<sep>[-/.年])\s*(?P<m>\d{1,2})"
    r"(?:\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*日?|\s*月)?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"|(?P<y2>\d{4})(?P<m2>\d{2})(?P<d2>\d{2})?)$"
)


def cell_text(value: object) -> str:
    """One cell of any origin as text: "" for empty, ISO dates, 202301.0 -> "202301".

    Used for xlsx cells and for Python values handed to `build_dataset`, so a
    number typed into Excel reads the same as the digits in a CSV file.
    """
    if value is None or value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return "" if np.isnat(value) else pd.Timestamp(value).date().isoformat()
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        f = float(value)
        if math.isnan(f):
            return ""
        return str(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(f)
    if isinstance(value, list | tuple | set | frozenset):
        return ";".join(cell_text(v) for v in value)
    return str(value)


# Any whitespace but the line feed that joins cells in `text_cells` and `split_list`.
_SPACE = re.compile(r"[^\S\n]")


def text_cells(series: pd.Series) -> np.ndarray:
    """A column as stripped text, "" for empty cells: an object array of `str`.

    A column is stripped cell by cell only when its cells joined by line feeds hold
    whitespace other than those line feeds, or a cell holds a line feed itself (one
    search of the joined text): ids, dates and codes, nearly every column, have none."""
    if isinstance(series.dtype, pd.StringDtype) or (
            series.dtype == object and pd.api.types.infer_dtype(series) in ("string", "empty")):
        text = series.astype("str")
        if text.hasnans:
            text = text.fillna("")
    else:
        text = series.map(cell_text).astype("str")
    cells = text.to_numpy(dtype=object)
    joined = "\n".join(cells)
    if _SPACE.search(joined) or joined.count("\n") != max(len(cells) - 1, 0):
        cells = np.array([c.strip() for c in cells], dtype=object)
    return cells


def parse_date(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates as datetime64[ns]; YYYY-MM and YYYYMM mean day 1 of the month.

    Plain YYYY-MM-DD cells take pandas' fast fixed-format path; the rest are
    taken apart by one regular expression and put together with numpy date
    arithmetic (pandas' own flexible parser guesses formats, which we don't want).
    """
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    iso = iso.where(iso.dt.year.between(MIN_YEAR, MAX_YEAR)).astype("datetime64[ns]")
    rest = (iso.isna() & (text != "")).to_numpy()  # an empty cell is NaT, not a bad date
    if not rest.any():
        return iso, pd.Series(False, index=text.index)
    other, bad = _parse_date_slow(text[rest])
    iso[rest] = other
    bad_all = np.zeros(len(text), dtype=bool)
    bad_all[rest] = bad.to_numpy()
    return iso, pd.Series(bad_all, index=text.index)


def _parse_date_slow(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    parts = text.str.extract(_DATE)
    ambiguous = ((parts["sep"] == ".") & (parts["m"].str.len() == 1)).to_numpy()

    def number(a: str, b: str) -> np.ndarray:
        return parts[a].fillna(parts[b]).astype("float64").to_numpy()

    y, m, d = number("y", "y2"), number("m", "m2"), number("d", "d2")
    d = np.where(np.isnan(d), 1.0, d)
    ok = ((y >= MIN_YEAR) & (y <= MAX_YEAR) & (m >= 1) & (m <= 12) & (d >= 1) & ~ambiguous)
    months = np.where(ok, (y - 1970) * 12 + (m - 1), 0).astype("int64").astype("datetime64[M]")
    start = months.astype("datetime64[D]")
    length = ((months + 1).astype("datetime64[D]") - start).astype("int64")
    ok &= d <= length
    days = start + np.where(ok, d - 1, 0).astype("int64").astype("timedelta64[D]")
    stamp = np.where(ok, days.astype("datetime64[ns]"), np.datetime64("NaT", "ns"))
    return pd.Series(stamp, index=text.index, dtype="datetime64[ns]"), pd.Series(
        ~ok, index=text.index)


def year_outside_range(text: str) -> bool:
    """A well-formed date whose year datetime64[ns] cannot hold (e.g. 9999-12-31)."""
    m = _DATE.match(text)
    if m is None:
        return False
    year = int(m["y"] or m["y2"])
    return not MIN_YEAR <= year <= MAX_YEAR


def _looked_up(text: pd.Series, lookup: Mapping[str, object]) -> list:
    """Each cell lower-cased and looked up (None: not found, or not text), cell by cell
    in Python: the loader hands the parsers a column's distinct cells, a handful."""
    return [lookup.get(v.lower()) if isinstance(v, str) else None
            for v in text.to_numpy(dtype=object)]


def parse_bool(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """true/false, 1/0, 是/否, yes/no, y/n, 真/假, √/× in any letter case."""
    mapped = _looked_up(text, BOOL_WORDS)
    bad = pd.Series([m is None for m in mapped], index=text.index, dtype=bool)
    return pd.Series([m is True for m in mapped], index=text.index, dtype=bool), bad


def enum_lookup(values: Iterable[str], aliases: Mapping[str, str]) -> dict[str, str]:
    """Accepted spelling (lower-cased) -> canonical value, canonical values included."""
    out = {a.lower(): c for a, c in aliases.items()}
    out.update({v.lower(): v for v in values})
    return out


def parse_enum(text: pd.Series, values: Iterable[str],
               aliases: Mapping[str, str]) -> tuple[pd.Series, pd.Series]:
    """A closed value set through its aliases; ASCII spellings are case-insensitive."""
    mapped = _looked_up(text, enum_lookup(values, aliases))
    bad = pd.Series([m is None for m in mapped], index=text.index, dtype=bool)
    return pd.Series([m or "" for m in mapped], index=text.index, dtype="str"), bad


def parse_gender(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """M/F, 男/女, male/female."""
    return parse_enum(text, ("M", "F"), GENDER_ALIASES)


def parse_float(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Decimal numbers as float64; a trailing % divides by 100 (得票率 "92%")."""
    pct = text.str.endswith("%") | text.str.endswith("％")
    body = text.where(~pct, text.str[:-1])
    nums = pd.to_numeric(body, errors="coerce").astype("float64")
    nums = nums.where(~pct, nums / 100.0)
    bad = ~np.isfinite(nums.to_numpy())
    nums = nums.where(~bad)
    return nums, pd.Series(bad, index=text.index)


MAX_INT = 2**53 - 1  # whole numbers beyond are not held exactly (and 2^63 overflows Int64)


def int_too_large(text: str) -> bool:
    """A whole number too large to read exactly (for the message)."""
    try:
        return abs(float(text)) > MAX_INT
    except ValueError:
        return False


def parse_int(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers as Int64; "2025.0" is accepted, "2025.5" is not, nor any beyond
    ±2^53 (`MAX_INT`)."""
    nums = pd.to_numeric(text, errors="coerce").astype("float64").to_numpy()
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(nums) | (np.mod(nums, 1) != 0) | (np.abs(nums) > MAX_INT)
    nums = pd.Series(nums, index=text.index)
    ints = nums.where(~bad).round().astype("Int64")
    return ints, pd.Series(bad, index=text.index)


_LIST_SEPARATORS = re.compile(LIST_SEPARATORS)


def split_list(text: pd.Series) -> pd.Series:
    """`a;b；c、d` -> ("a", "b", "c", "d"), items stripped, empty items dropped.

    Cells whose line-feed-joined text holds no separator and no whitespace (one item
    each, as a column of codes mostly is) are not split one by one."""
    cells = text.to_numpy(dtype=object)
    joined = "\n".join(cells) if all(isinstance(c, str) for c in cells) else None
    if (joined is not None and not _LIST_SEPARATORS.search(joined)
            and not _SPACE.search(joined) and joined.count("\n") == max(len(cells) - 1, 0)):
        items = ((c,) if c else () for c in cells)
    else:
        items = map(_items, cells)
    return pd.Series(np.fromiter(items, dtype=object, count=len(text)), index=text.index)


def _items(cell: str) -> tuple[str, ...]:
    """One cell's items (`split_list`); a cell without a separator is one item or none."""
    parts = _LIST_SEPARATORS.split(cell)
    if len(parts) == 1:
        item = cell.strip()
        return (item,) if item else ()
    return tuple(i for i in map(str.strip, parts) if i)


def parse_list(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Free `;`-lists; every text is readable."""
    return split_list(text), pd.Series(False, index=text.index)


GRADE_LOOKUP = enum_lookup(ASSESSMENT_LEVEL, ASSESSMENT_ALIASES)


def canonical_grades(items: tuple[str, ...]) -> tuple[str, ...] | None:
    """Items canonicalised, or None if any is not an assessment grade."""
    out = tuple(GRADE_LOOKUP.get(i.lower()) for i in items)
    return None if None in out else out


def parse_grades(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Assessment grades (优秀/称职/基本称职/不称职 or aliases), order kept: newest first."""
    grades = [canonical_grades(items) for items in split_list(text)]
    bad = pd.Series([g is None for g in grades], index=text.index, dtype=bool)
    kept = np.fromiter((() if g is None else g for g in grades), dtype=object, count=len(grades))
    return pd.Series(kept, index=text.index), bad


def first_bad_grade(text: str) -> str:
    """The first item of a grades cell that is not a grade (for the message)."""
    items = split_list(pd.Series([text], dtype="str")).iat[0]
    return next((i for i in items if i.lower() not in GRADE_LOOKUP), text)


PARSERS = {
    "bool": parse_bool,
    "date": parse_date,
    "int": parse_int,
    "float": parse_float,
    "list": parse_list,
    "grades": parse_grades,
}
