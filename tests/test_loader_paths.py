"""The loader's fast paths read exactly what its plain paths read.

A CSV file without quotes is read by pandas' C reader instead of the csv module, a
file whose cells need no stripping and hold nothing unreadable is converted without
looking for either (`loader._clean`), a column to parse is parsed once per distinct
cell, and a column is stripped cell by cell only when a search says it must be. Each
is compared here with the reading it stands for, on cells made to be awkward.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from placement.data import loader, parsing
from placement.data.errors import InputError
from placement.data.loader import build_dataset, load_dataset, read_tables
from placement.data.schema import CADRES

DATA = Path(__file__).parent / "data"
SAMPLES = [DATA / "mini", DATA / "mini_zh", Path(__file__).parents[1] / "scenarios" / "data"
           / "linfen", Path(__file__).parents[1] / "scenarios" / "data" / "nanpiao"]

# Characters that change how a file or a cell is read: separators, quotes, line ends,
# whitespace of every kind, control characters, an Excel error's `#`, a formula's `'`.
AWKWARD = [",", '"', "\n", "\r", " ", "\t", "\u3000", "\xa0", "\x00", "\x1f", "\x1c", "#",
           "'", "=", "a", "1", "中", ";", "、", "\ufeff", "\x85", "N/A", "#N/A", "true"]
CELL = st.lists(st.sampled_from(AWKWARD), max_size=4).map("".join)
# Cells the C reader takes (`loader._plain_lines`): no quote, NUL or carriage return.
PLAIN = st.lists(st.sampled_from([c for c in AWKWARD if not set(c) & set('"\x00\r')]),
                 max_size=4).map("".join)


def _problems(problems):
    return [(p.code, p.source, p.row, p.column, p.params) for p in problems]


def _same_frames(a: pd.DataFrame | None, b: pd.DataFrame | None) -> None:
    assert (a is None) == (b is None)
    if a is not None:
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        pd.testing.assert_index_equal(a.columns, b.columns, exact=True)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example([["a", "b"], ["' =1", "x"]], "\n", True, False)  # read back as " =1"
@example([["a", "b"], [" a", "b "]], "\r\n", False, True)
@given(st.one_of(st.lists(st.lists(PLAIN, max_size=4), max_size=6),
                st.lists(st.lists(CELL, max_size=4), max_size=6)),
       st.sampled_from(["\n", "\r\n"]), st.booleans(), st.booleans())
def test_a_plain_file_reads_as_the_csv_module_reads_it(rows, end, last_end, bom):
    text = end.join(",".join(r) for r in rows) + (end if last_end and rows else "")
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    fast, fast_problems, clean = loader._read_csv_text(data, "t.csv")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(loader, "_plain_lines", lambda text: None)  # the csv module's reading
        slow, slow_problems, _ = loader._read_csv_text(data, "t.csv")
    _same_frames(fast, slow)
    assert _problems(fast_problems) == _problems(slow_problems)
    if clean:  # the promise that lets the conversion skip its searches
        for i, column in enumerate(fast.columns):
            if column != loader.ROW:
                for cell in fast.iloc[:, i]:
                    assert cell == cell.strip() and not re.search(loader.CONTROL, cell)
                    assert cell not in loader.EXCEL_ERRORS
                    assert len(cell) <= loader.MAX_CELL_CHARS


@settings(max_examples=300, deadline=None)
@given(st.lists(CELL, max_size=8))
def test_text_cells_strip_as_pandas_does(cells):
    series = pd.Series(cells, dtype="str")
    expected = series.str.strip().tolist()
    got = parsing.text_cells(series)
    assert got.dtype == object and list(got) == expected


# Cells for each kind of column: values read, values refused, blanks and the awkward.
VALUES = {
    "gender": ["M", "f", "男", "女", " Male ", "x", ""],
    "birth_date": ["1980-01-02", "1980-1", "198001", "2023年5月", "1980.1", "1980-02-30",
                   "9999-12-31", "", " 1975-06-07 "],
    "township_head": ["true", "否", "1", "Y", "maybe", ""],
    "assessment_year": ["2025", "2025.0", "2025.5", "1800", "9" * 20, "", "x"],
    "approval": ["0.9", "92%", "１", "1.5", "-0.1", "nan", "inf", ""],
    "specialties": ["党建;文旅", " 卫生 ；、", ";", "", "a,b，c"],
    "assessments": ["优秀;称职", "合格", "优秀;坏", ";", ""],
    "name": ["张三", " 李四 ", "", "王\u3000"],
    "cadre_id": ["C1", "c1", "Ｃ１", ""],
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(VALUES)), st.data())
def test_a_column_parses_as_each_of_its_cells_alone(name, data):
    col = CADRES.column(name)
    cell = st.one_of(st.sampled_from(VALUES[name]), CELL,
                     st.just("x" * (loader.MAX_CELL_CHARS + 1)))
    raw = data.draw(st.lists(cell, min_size=1, max_size=12))
    cells = parsing.text_cells(pd.Series(raw, dtype="str"))
    rows = np.arange(2, len(cells) + 2, dtype=np.int64)

    def parse(at):
        built = loader._Built(CADRES, pd.DataFrame(), "cadres.csv", {})
        problems = []
        values = loader._parse_column(col, cells[at], rows[at], built, problems)
        return values, problems

    whole, whole_problems = parse(slice(None))
    alone = [parse(slice(i, i + 1)) for i in range(len(cells))]
    expected = pd.concat([v for v, _ in alone], ignore_index=True)
    pd.testing.assert_series_equal(whole, expected, check_exact=True)
    if whole.dtype == object:  # tuples stay tuples
        assert [type(v) for v in whole] == [type(v) for v in expected]
    by_row = sorted(_problems(whole_problems), key=lambda p: p[2])  # stable: kept per cell
    assert by_row == [p for _, problems in alone for p in _problems(problems)]


def _outcome(read):
    try:
        return "ok", read()
    except InputError as err:
        return "error", _problems(err.problems)


def _same_outcome(a, b) -> None:
    assert a[0] == b[0]
    if a[0] == "error":
        assert a[1] == b[1]
        return
    for name in ("teams", "posts", "cadres", "relations", "fit"):
        _same_frames(a[1].table(name), b[1].table(name))


def _built_from_tables(path: Path):
    tables, sources, problems = read_tables(path)
    assert not problems
    return build_dataset(tables, sources)


@pytest.mark.parametrize("folder", SAMPLES, ids=lambda p: p.name)
def test_a_bundled_sample_loads_as_its_tables_build(folder):
    _same_outcome(_outcome(lambda: load_dataset(folder)),
                  _outcome(lambda: _built_from_tables(folder)))


@pytest.mark.parametrize("edit", [
    lambda t: t.replace(",男,", ", 男 ,", 1),  # spaces to strip
    lambda t: t.replace(",男,", ",男\x1f,", 1),  # a control character that strip removes
    lambda t: t.replace(",男,", ",男\x01,", 1),  # one it does not
    lambda t: t.replace(",男,", ",#N/A,", 1),  # an Excel error
    lambda t: t.replace(",男,", "," + "男" * (loader.MAX_CELL_CHARS + 1) + ",", 1),
    lambda t: t.replace("\n", "\n\n", 2),  # blank lines
    lambda t: t.replace("\n", "\r\n"),
], ids=["spaces", "unit-separator", "control", "excel-error", "long", "blank-lines", "crlf"])
def test_an_awkward_cell_loads_as_its_tables_build(edit, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA / "mini_zh", folder)
    cadres = folder / "干部.csv"
    cadres.write_text(edit(cadres.read_text("utf-8")), "utf-8")
    _same_outcome(_outcome(lambda: load_dataset(folder)),
                  _outcome(lambda: _built_from_tables(folder)))


LIST_CELL = st.lists(st.sampled_from([";", "；", "、", ",", "，", " ", "\u3000", "\n", "a", "党建",
                                      "优秀", "合格", "x", "\t"]), max_size=6).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(LIST_CELL, max_size=8))
def test_lists_grades_flags_and_enums_read_as_pandas_reads_them_cell_by_cell(cells):
    text = pd.Series(cells, dtype="str")
    expected = [tuple(i.strip() for i in re.split(parsing.LIST_SEPARATORS, c) if i.strip())
                for c in cells]
    got = parsing.split_list(text)
    assert got.dtype == object and list(got) == expected
    assert all(type(v) is tuple for v in got)
    grades, bad = parsing.parse_grades(text)
    canonical = [parsing.canonical_grades(e) for e in expected]
    assert list(grades) == [() if g is None else g for g in canonical]
    assert list(bad) == [g is None for g in canonical]
    flags, bad = parsing.parse_bool(text)
    mapped = text.str.lower().map(parsing.BOOL_WORDS)
    pd.testing.assert_series_equal(flags, mapped.eq(True))  # NaN (not a flag): False
    pd.testing.assert_series_equal(bad, mapped.isna())
    values, bad = parsing.parse_enum(text, CADRES.column("gender").values,
                                     CADRES.column("gender").aliases)
    mapped = text.str.lower().map(parsing.enum_lookup(CADRES.column("gender").values,
                                                      CADRES.column("gender").aliases))
    pd.testing.assert_series_equal(values, mapped.fillna("").astype("str"))
    pd.testing.assert_series_equal(bad, mapped.isna())
