"""Hostile input and faults (issue 14): every case ends in a clear message and a
documented exit code, never a traceback, and leaves every input byte-identical.

`CASES` is the corpus: (id, class, setup, exit code, words the message must hold).
A setup gets a fresh copy of the mini data set and scenario (`Env`) and returns the
command line; it may break files, hold locks or make folders read-only first.
Classes: csv, xlsx, toml (scenarios and locks), lrmx, out (output paths), fault
(locks, disk full, kill -9, concurrent writers), leak (names and ID numbers), and
formula (cells written to CSV and xlsx). `python tests/test_hostile.py` prints the
table of outcomes (case, exit code, first line) used for the before/after measure.

Issue 27's classes follow the corpus, one section each: internal errors, the
workbench (data loss, injection, silent acceptance over HTTP), leaks, and the smaller
ones (schemathesis over the OpenAPI description, `serve` on a busy port, `report` on
a full disk, a lock left by kill -9), each with a hypothesis property where one fits.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from builders import mini_scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli import app
from placement.data import atomic
from placement.data.errors import InputError, OutputError
from placement.data.loader import _read_csv, build_dataset
from placement.roster.result_folder import lock_folder, read_result

LRMX = Path(__file__).parent / "data" / "lrmx" / "good"
ID_NUMBER = "11010519491231002X"
# The same number as a Chinese input method types it, and with separators (issue 27).
ID_SPELLINGS = ("１１０１０５１９４９１２３１００２Ｘ", "110105 19491231 002X",
                "1101-0519-4912-3100-2X", "110105\u300019491231002x")
ROOT = os.geteuid() == 0


@dataclass
class Env:
    tmp: Path
    scenario: Path
    data: Path
    solved: Path  # a result folder of the mini scenario (copied per case)

    def csv(self, name: str) -> Path:
        return self.data / f"{name}.csv"

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.csv(name)
        text = path.read_text("utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1), "utf-8")

    def scenario_with(self, extra: str) -> Path:
        path = self.tmp / "hostile.toml"
        path.write_text(self.scenario.read_text("utf-8") + extra, "utf-8")
        return path


def _validate(env: Env, scenario: Path | None = None) -> list[str]:
    return ["validate", str(scenario or env.scenario), "--lang", "en"]


def _solve(env: Env, out: Path, scenario: Path | None = None) -> list[str]:
    return ["solve", str(scenario or env.scenario), "--out", str(out), "--lang", "en"]


def _header_only(env: Env, names=("teams", "posts", "cadres", "relations", "fit")) -> list:
    for name in names:
        path = env.csv(name)
        path.write_text(path.read_text("utf-8").splitlines()[0] + "\n", "utf-8")
    return _validate(env)


def _notes_column(env: Env) -> list[str]:
    """teams.csv gains a planner's own column 备注 (notes), like no known column."""
    frame = pd.read_csv(env.csv("teams"), dtype=str, keep_default_na=False)
    frame["备注"] = "待定"
    frame.to_csv(env.csv("teams"), index=False)
    return _validate(env)


def _column(env: Env, table: str, header: str) -> list[str]:
    """`table` gains a last column `header`, empty in every row."""
    path = env.csv(table)
    lines = path.read_text("utf-8").splitlines()
    path.write_text("\n".join([f"{lines[0]},{header}"] + [f"{x}," for x in lines[1:]]) + "\n",
                    "utf-8")
    return _validate(env)


def _workbook(env: Env, change) -> list[str]:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name in ("teams", "posts", "cadres", "relations", "fit"):
        frame = pd.read_csv(env.csv(name), dtype=str, keep_default_na=False)
        ws = book.create_sheet(name)
        ws.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            ws.append(list(row))
    change(book)
    path = env.tmp / "book.xlsx"
    book.save(path)
    return _validate(env, env.tmp / _with_data(env, path))


def _replaced(env: Env, old: str, new: str) -> str:
    """A copy of the scenario with `old` replaced, beside it; its file name."""
    text = env.scenario.read_text("utf-8")
    assert old in text, old
    path = env.tmp / "replaced.toml"
    path.write_text(text.replace(old, new), "utf-8")
    return path.name


def _with_data(env: Env, data: Path) -> str:
    text = env.scenario.read_text("utf-8").replace('data = "data"', f'data = "{data}"')
    path = env.tmp / "book.toml"
    path.write_text(text, "utf-8")
    return path.name


def _xlsx_file(env: Env, payload: bytes) -> list[str]:
    path = env.tmp / "book.xlsx"
    path.write_bytes(payload)
    return _validate(env, env.tmp / _with_data(env, path))


def _zip_bomb(env: Env, monkeypatch) -> list[str]:
    import placement.data.loader as loader

    monkeypatch.setattr(loader, "MAX_UNPACKED_BYTES", 10_000)
    path = env.tmp / "book.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * 200_000)  # 200 kB from ~0.3 kB
    return _validate(env, env.tmp / _with_data(env, path))


def _merged(book) -> None:
    book["cadres"].merge_cells("B2:B3")


def _formula(book) -> None:
    book["cadres"]["V2"] = "=1/3"  # saved by openpyxl without a cached value


def _symlink(env: Env) -> list[str]:
    target = env.tmp / "teams_real.csv"
    shutil.move(env.csv("teams"), target)
    env.csv("teams").symlink_to(target)
    return _validate(env)


def _dangling(env: Env) -> list[str]:
    env.csv("relations").unlink()
    env.csv("relations").symlink_to(env.tmp / "nowhere.csv")
    return _validate(env)


def _folder_table(env: Env) -> list[str]:
    env.csv("fit").unlink()
    env.csv("fit").mkdir()
    return _validate(env)


def _limit(monkeypatch, name: str, value: int) -> None:
    import placement.data.loader as loader

    monkeypatch.setattr(loader, name, value)


def _read_only(path: Path) -> None:
    path.chmod(0o555)


def _result(env: Env, name: str = "result") -> Path:
    folder = env.tmp / name
    shutil.copytree(env.solved, folder)
    return folder


def _mixed(env: Env) -> list[str]:
    folder = _result(env)
    moves = folder / "moves.csv"
    moves.write_bytes(moves.read_bytes() + b"\n")  # a file of another run
    return ["report", str(folder), "--lang", "en"]


def _incomplete(env: Env) -> list[str]:
    folder = _result(env)
    (folder / "rules.csv").unlink()
    return ["report", str(folder), "--lang", "en"]


def _locked(env: Env, out: Path):
    """Hold the lock of `out` from another process for the duration of the command."""
    code = ("import sys, time; sys.path.insert(0, sys.argv[1]);"
            "from placement.roster.result_folder import lock_folder\n"
            "with lock_folder(sys.argv[2]):\n print('held', flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(Path.cwd()), str(out)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    env.holder = proc
    return _solve(env, out)


def _disk_full(env: Env, monkeypatch) -> list[str]:
    """Every file written fails with ENOSPC (a tiny tmpfs needs root to mount)."""
    from placement.roster import result_folder

    monkeypatch.setattr(result_folder, "open", _Full, raising=False)
    return _solve(env, _result(env))


class _Full:
    """A file whose writes fail as on a full disk."""

    def __init__(self, *args):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def write(self, data):
        raise OSError(28, "No space left on device")


def _lrmx_with(env: Env, old: str, new: str, stem: str = "") -> list[str]:
    """A copy of form C001 with `old` replaced; saved as `<stem>.lrmx` when a stem is
    given (a form the planner named)."""
    forms = env.tmp / "forms"
    forms.mkdir()
    text = (LRMX / "C001.lrmx").read_text("utf-8")
    (forms / "C001.lrmx").write_text(text.replace(old, new), "utf-8")
    if stem:
        (forms / "C001.lrmx").rename(forms / f"{stem}.lrmx")
    return ["import-lrmx", str(forms), "--out", str(env.tmp / "imported"), "--lang", "en"]


def _odd_form(env: Env, kind: str) -> list[str]:
    """The good forms and C009.lrmx that is a named pipe or a link to a form."""
    forms = env.tmp / "forms"
    shutil.copytree(LRMX, forms)
    if kind == "fifo":
        os.mkfifo(forms / "C009.lrmx")
    else:
        (forms / "C009.lrmx").symlink_to(LRMX / "C001.lrmx")
    return ["import-lrmx", str(forms), "--out", str(env.tmp / "imported"), "--lang", "en"]


def _gbk_target(env: Env) -> list[str]:
    target = env.tmp / "target"
    target.mkdir()
    (target / "cadres.csv").write_bytes("cadre_id,name\nX1,张三\n".encode("gbk"))
    return ["import-lrmx", str(LRMX), "--out", str(target), "--lang", "en"]


# (id, class, setup(env, monkeypatch) -> argv, exit code, words in the message)
CASES = [
    # --- CSV -------------------------------------------------------------------------
    ("every table header-only", "csv", lambda e, m: _header_only(e), 3, "has headers but no rows"),
    ("cadres header-only", "csv", lambda e, m: _header_only(e, ("cadres",)), 3,
     "table cadres"),
    ("control char in a name", "csv",
     lambda e, m: (e.edit("cadres", "王建国", "王\x07建国"), _validate(e))[1], 3,
     "cadres.csv, row 2, column name: holds a control character U+0007"),
    ("NUL in a team name", "csv",
     lambda e, m: (e.edit("teams", "洪洞县委", "洪洞\x00县委"), _validate(e))[1], 3,
     "control character U+0000"),
    ("misspelt optional header", "csv",
     lambda e, m: (e.edit("cadres", "reserve_rank", "reserve_rnak"), _validate(e))[1], 3,
     "did you mean reserve_rank"),
    ("misspelt required header", "csv",
     lambda e, m: (e.edit("cadres", "birth_date", "brith_date"), _validate(e))[1], 3,
     "did you mean birth_date"),
    ("short row", "csv",
     lambda e, m: (e.edit("teams", "T02,洪洞县人民政府,county_gov,HD,综合,true,false,",
                          "T02,洪洞县人民政府,county_gov"), _validate(e))[1], 3,
     "teams.csv, row 3: has 3 cells but the header has 8 columns"),
    ("long row", "csv",
     lambda e, m: (e.edit("relations", "0003,0015,spouse", "0003,0015,spouse,oops"),
                   _validate(e))[1], 3, "row 2: has 4 cells, more than the 3 columns"),
    ("long row of empty cells is fine", "csv",
     lambda e, m: (e.edit("relations", "0003,0015,spouse", "0003,0015,spouse,,"),
                   _validate(e))[1], 0, "valid"),
    ("unbalanced quote", "csv",
     lambda e, m: (e.edit("relations", "0007,0020,sibling", '0007,0020,"sibling'),
                   _validate(e))[1], 3, "relations.csv, row 3: a quote"),
    ("GBK file", "csv",
     lambda e, m: (e.csv("teams").write_bytes(e.csv("teams").read_text("utf-8")
                                              .encode("gbk")), _validate(e))[1], 3,
     "is not UTF-8"),
    ("UTF-16 file", "csv",
     lambda e, m: (e.csv("fit").write_bytes(e.csv("fit").read_text("utf-8")
                                            .encode("utf-16")), _validate(e))[1], 3,
     "is not UTF-8"),
    ("empty file", "csv", lambda e, m: (e.csv("teams").write_bytes(b""), _validate(e))[1], 3,
     "the file is empty"),
    ("binary garbage", "csv",
     lambda e, m: (e.csv("posts").write_bytes(bytes(range(256)) * 4), _validate(e))[1], 3,
     "posts.csv"),
    ("table is a folder", "csv", lambda e, m: _folder_table(e), 3, "should be a CSV file"),
    ("table is a dangling link", "csv", lambda e, m: _dangling(e), 3, "should be a CSV file"),
    ("table is a symlink", "csv", lambda e, m: _symlink(e), 3, "symbolic link"),
    ("cell too long", "csv",
     lambda e, m: (e.edit("teams", "洪洞县委", "县" * 5000), _validate(e))[1], 3,
     "5000 characters, at most 2000"),
    ("a 50 MB cell", "csv",
     lambda e, m: (e.edit("teams", "洪洞县委", "县" * (50 * 2**20 // 3)), _validate(e))[1], 3,
     "teams.csv, row 2, column name: the cell is too long: 17476266 characters, at most 2000"),
    ("a 50 MB header", "csv", lambda e, m: _column(e, "fit", "县" * (50 * 2**20 // 3)), 0,
     "fit.csv, row 1, column [17476266 characters; not shown]: table fit"),
    ("too many rows", "csv",
     lambda e, m: (_limit(m, "MAX_ROWS", 5), _validate(e))[1], 3, "too many rows"),
    ("file too large", "csv",
     lambda e, m: (_limit(m, "MAX_FILE_BYTES", 100), _validate(e))[1], 3,
     "the file is too large"),
    ("ID number in gender", "csv",
     lambda e, m: (e.edit("cadres", "0001,王建国,M", f"0001,王建国,{ID_NUMBER}"),
                   _validate(e))[1], 3, "looks like an ID number; not shown"),
    ("ID number in birth date", "csv",
     lambda e, m: (e.edit("cadres", "1970-03-01", ID_NUMBER), _validate(e))[1], 3,
     "looks like an ID number; not shown"),
    *[(f"ID number spelt {i} in gender", "csv",
       lambda e, m, n=n: (e.edit("cadres", "0001,王建国,M", f"0001,王建国,{n}"),
                          _validate(e))[1], 3, "looks like an ID number; not shown")
      for i, n in enumerate(ID_SPELLINGS)],
    ("relation given twice, contradicting", "csv",
     lambda e, m: (e.edit("relations", "0007,0020,sibling", "0007,0020,sibling\n0020,0007,spouse"),
                   _validate(e))[1], 3, "related twice or contradictorily"),
    ("relation to itself", "csv",
     lambda e, m: (e.edit("relations", "0007,0020", "0007,0007"), _validate(e))[1], 3,
     "related to itself"),
    # (副科 = level 1 is below a county party team's lowest rank 正科 = level 2.)
    ("副科 post in a county party team", "csv",
     lambda e, m: (e.edit("posts", "县委副书记,deputy,副处", "县委副书记,deputy,副科"),
                   _validate(e))[1], 3,
     "posts.csv, row 3, column rank: rank 副科 does not fit team T01 of kind county_party "
     "(县委); expected 正科 to 副厅"),
    # T02 becomes a township: its 正处 head post P05 (row 6) lies above 副处, its highest.
    ("正处 post in a township team", "csv",
     lambda e, m: (e.edit("teams", "T02,洪洞县人民政府,county_gov", "T02,洪洞县人民政府,township"),
                   _validate(e))[1], 3,
     "posts.csv, row 6, column rank: rank 正处 does not fit team T02 of kind township (乡镇)"),
    ("a column like no known one", "csv", lambda e, m: _notes_column(e), 0,
     "teams.csv, row 1, column 备注: table teams (班子) has no such column; its "
     "values are not read"),
    ("duplicate header", "csv",
     lambda e, m: (e.edit("fit", "cadre_id,post_id,score", "cadre_id,post_id,cadre_id"),
                   _validate(e))[1], 3, "duplicate column"),
    ("integer past 64 bits", "csv",
     lambda e, m: (e.edit("cadres", ",2025,,true,true,0.95", ",99999999999999999999999,,true,"
                   "true,0.95"), _validate(e))[1], 3,
     "cadres.csv, row 2, column assessment_year: whole number 99999999999999999999999 is too "
     "large"),
    ("integer past 2^53", "csv",
     lambda e, m: (e.edit("cadres", ",2025,,true,true,0.95", ",9007199254740993,,true,"
                   "true,0.95"), _validate(e))[1], 3, "is too large"),
    ("birth date of 1800", "csv",
     lambda e, m: (e.edit("cadres", "0001,王建国,M,1970-03-01", "0001,王建国,M,1800-03-01"),
                   _validate(e))[1], 3,
     "cadres.csv, row 2, column birth_date: birth date 1800-03-01 is before 1900"),
    ("a post start before birth", "csv",
     lambda e, m: (e.edit("cadres", "0001,王建国,M,1970-03-01", "0001,王建国,M,2017-03-01"),
                   _validate(e))[1], 3,
     "cadres.csv, row 2, column rank_since: date 2016-06-01 is before the cadre's birth date"),
    ("#REF! as a name", "csv",
     lambda e, m: (e.edit("cadres", "0001,王建国", "0001,#REF!"), _validate(e))[1], 3,
     "cadres.csv, row 2, column name: the cell holds the Excel error #REF!"),
    ("#N/A as a date", "csv",
     lambda e, m: (e.edit("cadres", "1970-03-01", "#N/A"), _validate(e))[1], 3,
     "column birth_date: the cell holds the Excel error #N/A"),
    ("ids that differ only by case", "csv",
     lambda e, m: (e.edit("teams", "T02,洪洞县人民政府", "t01,洪洞县人民政府"), _validate(e))[1],
     3, "teams.csv, row 3, column team_id: duplicate id t01 (first seen in row 2)"),
    ("ids that differ only by width", "csv",
     lambda e, m: (e.edit("teams", "T02,洪洞县人民政府", "Ｔ０１,洪洞县人民政府"), _validate(e))[1],
     3, "teams.csv, row 3, column team_id: duplicate id Ｔ０１ (first seen in row 2)"),
    ("data set is a device", "csv",
     lambda e, m: _validate(e, e.tmp / _with_data(e, Path("/dev/null"))),
     3, "not a regular file"),
    # --- xlsx ------------------------------------------------------------------------
    ("zip bomb workbook", "xlsx", _zip_bomb, 3,
     "a zip bomb"),
    ("workbook that is text", "xlsx", lambda e, m: _xlsx_file(e, b"team_id,name\n"), 3,
     "cannot read the workbook"),
    ("empty workbook file", "xlsx", lambda e, m: _xlsx_file(e, b""), 3,
     "cannot read the workbook"),
    ("merged cells", "xlsx", lambda e, m: _workbook(e, _merged), 3, "cells B2:B3 are merged"),
    ("formula without a value", "xlsx", lambda e, m: _workbook(e, _formula), 3,
     "cell V2 holds a formula without a saved value"),
    ("#N/A error cell in a workbook", "xlsx",
     lambda e, m: _workbook(e, lambda b: b["cadres"].__setitem__("B2", "#N/A")), 3,
     "column name: the cell holds the Excel error #N/A"),
    ("workbook header-only", "xlsx",
     lambda e, m: _workbook(e, lambda b: b["posts"].delete_rows(2, 100)), 3,
     "has headers but no rows"),
    ("workbook too large", "xlsx",
     lambda e, m: (_limit(m, "MAX_FILE_BYTES", 100), _workbook(e, lambda b: None))[1], 3,
     "the file is too large"),
    # --- scenarios and locks ---------------------------------------------------------
    ("seed 2^31", "toml", lambda e, m: _validate(e, e.scenario_with("seed = 2147483648\n")),
     3, "solver.seed: value 2147483648 must be at most 2147483647"),
    ("weight 2^63", "toml",
     lambda e, m: _validate(e, e.scenario_with("[weights]\nfit = 9223372036854775807\n")), 3,
     "weights.fit: value 9223372036854775807 must be at most 1000000000"),
    ("rule weight 1e20", "toml",
     lambda e, m: _validate(e, e.scenario_with("[rules.R-TC5]\nweight = 1e20\n")), 3,
     "rules.R-TC5.weight"),
    ("time limit inf", "toml", lambda e, m: [*_validate(e), "--set", "solver.time_limit=inf"],
     3, "solver.time_limit: expected a number, got inf"),
    ("--set seed huge", "toml",
     lambda e, m: [*_validate(e), "--set", "solver.seed=99999999999"], 3, "solver.seed"),
    ("deeply nested TOML value", "toml",
     lambda e, m: _validate(e, e.scenario_with("x = " + "[" * 5000 + "]" * 5000 + "\n")), 3,
     "hostile.toml: tables or arrays nested more than 16 deep"),
    ("deeply nested --set value", "toml",
     lambda e, m: [*_validate(e), "--set", "x=" + "[" * 5000 + "]" * 5000], 3,
     "--set, column x: tables or arrays nested more than 16 deep"),
    ("reference date past pandas' calendar", "toml",
     lambda e, m: [*_validate(e), "--set", "reference_date=9999-12-31"], 3,
     "--set, column reference_date: date 9999-12-31 has a year outside the supported range"),
    ("reference date past pandas' calendar in solve", "toml",
     lambda e, m: [*_solve(e, e.tmp / "out"), "--set", "reference_date=9999-12-31"], 3,
     "date 9999-12-31 has a year outside"),
    ("reference date as text past the calendar", "toml",
     lambda e, m: _validate(e, e.scenario_with("").parent / _replaced(
         e, '"2026-09-01"', '"1600-01-01"')), 3,
     "column reference_date: date 1600-01-01 has a year outside"),
    ("a TOML date with a time zone", "toml",
     lambda e, m: [*_validate(e), "--set", "reference_date=2026-09-01T00:00:00+08:00"], 3,
     "2026-09-01T00:00:00+08:00 is a date with a time and a time zone; expected a plain date"),
    ("a TOML date-time", "toml",
     lambda e, m: [*_validate(e), "--set", "reference_date=2026-09-01T10:00:00"], 3,
     "2026-09-01T10:00:00 has a time of day"),
    ("min_women = true", "toml",
     lambda e, m: _validate(e, e.scenario_with("[rules.R-TC5]\nmin_women = true\n")), 3,
     "hostile.toml, column rules.R-TC5.min_women: expected a whole number, got true"),
    ('time_limit = "60"', "toml", lambda e, m: [*_validate(e), "--set", 'solver.time_limit="60"'],
     3, "solver.time_limit: expected a number, got '60'"),
    ("log = 1", "toml", lambda e, m: [*_validate(e), "--set", "solver.log=1"],
     3, "solver.log: expected true or false, got 1"),
    ("scenario is a folder", "toml", lambda e, m: _validate(e, e.data), 3,
     "not a regular file"),
    ("scenario missing", "toml", lambda e, m: _validate(e, e.tmp / "nowhere.toml"), 3,
     "not found"),
    ("scenario not UTF-8", "toml",
     lambda e, m: (e.scenario.write_bytes("name = \"临汾\"\n".encode("gbk")),
                   _validate(e))[1], 3, "cannot parse the scenario file"),
    ("lock on an unknown cadre", "toml",
     lambda e, m: _validate(e, e.scenario_with('[[locks.must]]\ncadre = "NOPE"\npost = "P01"\n')),
     3, "locks.must[0].cadre: NOPE does not exist"),
    ("must and forbid one pair", "toml",
     lambda e, m: _validate(e, e.scenario_with(
         '[[locks.must]]\ncadre = "0001"\npost = "P01"\n'
         '[[locks.forbid]]\ncadre = "0001"\npost = "P01"\n')), 3, "both in must and in forbid"),
    ("one cadre must into two posts", "toml",
     lambda e, m: _validate(e, e.scenario_with(
         '[[locks.must]]\ncadre = "0001"\npost = "P01"\n'
         '[[locks.must]]\ncadre = "0001"\npost = "P02"\n')), 3, "into P01, P02 at once"),
    ("the same must twice", "toml",
     lambda e, m: _validate(e, e.scenario_with(
         '[[locks.must]]\ncadre = "0001"\npost = "P01"\n'
         '[[locks.must]]\ncadre = "0001"\npost = "P01"\n')), 0, "merged into one"),
    ("why-not --cadre NOPE", "toml",
     lambda e, m: ["why-not", str(e.scenario), "--cadre", "NOPE", "--post", "P01",
                   "--lang", "en"], 3, "--cadre: NOPE does not exist"),
    ("extends itself", "toml",
     lambda e, m: (e.scenario.write_text(e.scenario.read_text("utf-8").replace(
         'data = "data"', 'extends = "mini.toml"\ndata = "data"'), "utf-8"), _validate(e))[1],
     3, "extends itself"),
    # --- .lrmx -----------------------------------------------------------------------
    ("ID number in 性别 of a form", "lrmx",
     lambda e, m: _lrmx_with(e, "<XingBie>男</XingBie>", f"<XingBie>{ID_NUMBER}</XingBie>"), 3,
     "looks like an ID number; not shown"),
    ("ID number in 出生年月 of a form", "lrmx",
     lambda e, m: _lrmx_with(e, "<ChuShengNianYue>197503</ChuShengNianYue>",
                             f"<ChuShengNianYue>{ID_NUMBER}</ChuShengNianYue>"), 3,
     "looks like an ID number; not shown"),
    ("ID number spelt full-width in 性别 of a form", "lrmx",
     lambda e, m: _lrmx_with(e, "<XingBie>男</XingBie>", f"<XingBie>{ID_SPELLINGS[0]}</XingBie>"),
     3, "looks like an ID number; not shown"),
    ("ID number with spaces in 出生年月 of a form", "lrmx",
     lambda e, m: _lrmx_with(e, "<ChuShengNianYue>197503</ChuShengNianYue>",
                             f"<ChuShengNianYue>{ID_SPELLINGS[1]}</ChuShengNianYue>"), 3,
     "looks like an ID number; not shown"),
    ("a name in 性别 of a form", "lrmx",
     lambda e, m: _lrmx_with(e, "<XingBie>男</XingBie>", "<XingBie>王建国</XingBie>"), 3,
     "C001.lrmx, column XingBie: XingBie (性别): value '…' is not recognised; expected 男/女"),
    ("a name in 出生年月 of a form", "lrmx",
     lambda e, m: _lrmx_with(e, "<ChuShengNianYue>197503</ChuShengNianYue>",
                             "<ChuShengNianYue>王建国</ChuShengNianYue>"), 3,
     "C001.lrmx, column ChuShengNianYue: ChuShengNianYue (出生年月): cannot read date '…'"),
    ("a malformed form saved under a name is named by its file", "lrmx",
     lambda e, m: _lrmx_with(e, "<ChuShengNianYue>197503</ChuShengNianYue>",
                             "<ChuShengNianYue>1975-13</ChuShengNianYue>", "赵磊"), 3,
     "赵磊.lrmx, column ChuShengNianYue: ChuShengNianYue (出生年月): cannot read date"),
    ("a form that is a named pipe", "lrmx", lambda e, m: _odd_form(e, "fifo"), 3,
     "C009.lrmx: is not a regular file (a named pipe"),
    ("a form that is a symbolic link", "lrmx", lambda e, m: _odd_form(e, "link"), 3,
     "C009.lrmx: is not a regular file"),
    ("entity bomb", "lrmx",
     lambda e, m: _lrmx_with(e, "<Person>", '<!DOCTYPE p [<!ENTITY a "aaaa">]><Person>'), 3,
     "DOCTYPE"),
    ("a form's error names its file and field", "lrmx",
     lambda e, m: _lrmx_with(e, "<ChuShengNianYue>197503</ChuShengNianYue>",
                             "<ChuShengNianYue>1975-13</ChuShengNianYue>"), 3,
     "C001.lrmx, column ChuShengNianYue: ChuShengNianYue (出生年月): cannot read date"),
    ("a form saved under an ID number", "lrmx",
     lambda e, m: _lrmx_with(e, "<ChuShengNianYue>197503</ChuShengNianYue>",
                             "<ChuShengNianYue>1975-13</ChuShengNianYue>", ID_NUMBER), 3,
     "[looks like an ID number; not shown].lrmx, column ChuShengNianYue"),  # never the number
    ("import into a GBK cadres.csv", "lrmx", lambda e, m: _gbk_target(e), 3, "cadres.csv"),
    ("import --out a file", "lrmx",
     lambda e, m: ["import-lrmx", str(LRMX), "--out", str(e.scenario), "--lang", "en"], 3,
     "is not a folder"),
    # --- output paths ----------------------------------------------------------------
    ("solve --out an existing file", "out", lambda e, m: _solve(e, e.scenario), 2,
     "is, or is inside, the input"),
    ("solve --out a plain file", "out",
     lambda e, m: ((e.tmp / "f.txt").write_text("x"), _solve(e, e.tmp / "f.txt"))[1], 2,
     "is a file; expected a folder"),
    ("solve --out the data folder", "out", lambda e, m: _solve(e, e.data), 2,
     "is, or is inside, the input"),
    ("solve --out inside the data folder", "out", lambda e, m: _solve(e, e.data / "res"), 2,
     "is, or is inside, the input"),
    ("solve --out a folder of other files", "out", lambda e, m: _solve(e, e.tmp), 2,
     "is, or is inside, the input"),
    ("solve --out a home-like folder", "out",
     lambda e, m: ((e.tmp / "home").mkdir(), (e.tmp / "home" / "notes.txt").write_text("x"),
                   _solve(e, e.tmp / "home"))[2], 2, "not part of a result (e.g. notes.txt)"),
    ("solve --out under a file", "out",
     lambda e, m: ((e.tmp / "f.txt").write_text("x"), _solve(e, e.tmp / "f.txt" / "res"))[1],
     2, "f.txt is a file"),
    ("export-data --out a folder", "out",
     lambda e, m: ["export-data", str(e.scenario), "--out", str(e.tmp), "--lang", "en"], 2,
     "is a folder; expected a file"),
    ("export-data --out its own input", "out",
     lambda e, m: ["export-data", str(e.data), "--out", str(e.csv("teams")), "--lang", "en"],
     2, "overwrite the input"),
    ("export-lrmx --out a file", "out",
     lambda e, m: ["export-lrmx", str(_result(e)), "--out", str(e.scenario), "--lang", "en"],
     2, "is a file; expected a folder"),
    ("diff --out a file", "out",
     lambda e, m: ["diff", str(_result(e, "a")), str(_result(e, "b")), "--out",
                   str(e.scenario), "--lang", "en"], 2, "mini.toml"),
    # --- faults ----------------------------------------------------------------------
    ("a second writer", "fault", lambda e, m: _locked(e, e.tmp / "busy"), 2,
     "is being written by another process"),
    ("disk full", "fault", lambda e, m: _disk_full(e, m), 2,
     "result: the disk is full; free some space"),
    ("mixed result folder", "fault", lambda e, m: _mixed(e), 3,
     "mixes two runs (moves.csv"),
    ("incomplete result folder", "fault", lambda e, m: _incomplete(e), 3, "rules.csv"),
    ("report on a file", "fault",
     lambda e, m: ["report", str(e.scenario), "--lang", "en"], 3, "not found"),
]
if not ROOT:  # root writes anywhere: these faults cannot be made as root
    CASES += [
        ("solve into a read-only folder", "fault",
         lambda e, m: (_read_only(e.tmp / "ro") if (e.tmp / "ro").mkdir() is None else None,
                       _solve(e, e.tmp / "ro" / "res"))[1], 2, "permission denied"),
        ("export-data into a read-only folder", "fault",
         lambda e, m: ((e.tmp / "ro").mkdir(), _read_only(e.tmp / "ro"),
                       ["export-data", str(e.scenario), "--out", str(e.tmp / "ro" / "x.xlsx"),
                        "--lang", "en"])[2], 2, "permission denied"),
    ]


@pytest.fixture(scope="module")
def solved(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("solved")
    scenario = mini_scenario(base)
    res = CliRunner().invoke(app, ["solve", str(scenario), "--out", str(base / "result")])
    assert res.exit_code == 0, res.output
    return base / "result"


def _snapshot(root: Path) -> dict[str, bytes]:
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink() and p.stat().st_mode & 0o400:
            out[str(p)] = p.read_bytes()
    return out


def run_case(case, tmp: Path, solved: Path, monkeypatch):
    """Set the case up, run it; (exit code, output, inputs before, inputs after)."""
    scenario = mini_scenario(tmp)
    env = Env(tmp, scenario, tmp / "data", solved)
    env.holder = None
    argv = case[2](env, monkeypatch)
    before = {**_snapshot(env.data), str(scenario): scenario.read_bytes(), **_snapshot(LRMX)}
    try:
        res = CliRunner().invoke(app, argv)
    finally:
        if env.holder is not None:
            env.holder.kill()
            env.holder.wait()
        for p in tmp.rglob("*"):
            if p.is_dir() and not p.is_symlink():
                p.chmod(0o755)
    after = {**_snapshot(env.data), str(scenario): scenario.read_bytes(), **_snapshot(LRMX)}
    return res, before, after


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hostile_case(case, tmp_path, solved, monkeypatch):
    name, _, _, code, words = case
    res, before, after = run_case(case, tmp_path, solved, monkeypatch)
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert res.exit_code == code, res.output
    assert words in res.output, res.output
    assert "王建国" not in res.output and ID_NUMBER not in res.output  # never a name or ID
    assert not [n for n in ID_SPELLINGS if n in res.output]  # in any spelling
    assert after == before  # inputs are byte-identical


def test_the_corpus_covers_every_class():
    classes = pd.Series([c[1] for c in CASES]).value_counts()
    assert len(CASES) >= 60
    assert set(classes.index) >= {"csv", "xlsx", "toml", "lrmx", "out", "fault"}


# ------------------------------------------------------------ formula-safe output


def test_result_csvs_and_report_hold_no_live_formula(tmp_path):
    scenario = mini_scenario(tmp_path)
    data = tmp_path / "data"
    text = (data / "teams.csv").read_text("utf-8")
    (data / "teams.csv").write_text(text.replace(
        "洪洞县委", '"=HYPERLINK(""http://x"",""y"")"').replace("洪洞县人民政府", "+1+1"), "utf-8")
    text = (data / "posts.csv").read_text("utf-8")
    (data / "posts.csv").write_text(text.replace("县委书记", "@SUM(A1)").replace(
        "县委副书记", "-2+3"), "utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(app, _solve(Env(tmp_path, scenario, data, out), out)
                              ).exit_code == 0
    teams = (out / "teams.csv").read_text("utf-8-sig")
    assert "'=HYPERLINK" in teams and "'+1+1" in teams  # OWASP: a leading quote
    lines = [c for f in out.glob("*.csv") for line in f.read_text("utf-8-sig").splitlines()
             for c in line.split(",")]
    assert not [c for c in lines if c[:1] in ("=", "+", "@")]
    res = read_result(out)  # read back as written before escaping
    assert '=HYPERLINK("http://x","y")' in set(res.teams["team_name"])
    assert CliRunner().invoke(app, ["report", str(out)]).exit_code == 0
    book = openpyxl.load_workbook(out / "report.xlsx")  # formulas as written, not values
    cells = [c for ws in book for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    quoted = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=")]
    assert quoted and all(c.quotePrefix for c in quoted)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "  =x", "'=x",
                                  "a=b", "", "'", "normal"])
def test_formula_escape_round_trips(text):
    escaped = atomic.formula_safe(text)
    assert atomic.unescape_formula(escaped) == text
    assert escaped == text or escaped == "'" + text
    assert (escaped != text) == (text.lstrip("'").lstrip(" ")[:1] in ("=", "+", "-", "@")
                                 or text.lstrip("'")[:1] in ("\t", "\r"))


# ------------------------------------------------------------ faults on the result folder


def test_kill_9_while_writing_leaves_a_whole_folder(solved, tmp_path):
    """A writer killed at random moments: the folder read back is one whole result."""
    out = tmp_path / "out"
    shutil.copytree(solved, out)
    code = ("import sys; sys.path.insert(0, sys.argv[1])\n"
            "from placement.roster.result_folder import read_result\n"
            "res = read_result(sys.argv[2])\n"
            "n = 0\n"
            "while True:\n"
            "    n += 1; res.summary['name'] = f'run {n}'; res.write(sys.argv[3])\n")
    for delay in (0.3, 0.5, 0.7, 0.9):
        proc = subprocess.Popen([sys.executable, "-c", code, str(Path.cwd()), str(solved),
                                 str(out)])
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if out.exists():  # between the two renames it may be absent, never mixed
            read_result(out)
        else:
            assert [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]
    read_result(solved).write(out)  # a later writer cleans up and succeeds
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_concurrent_writers_one_wins_the_other_is_refused(solved, tmp_path):
    out = tmp_path / "out"
    res = read_result(solved)
    with lock_folder(out):
        res.write(out)  # the lock is re-entrant in its own thread
        code = ("import sys; sys.path.insert(0, sys.argv[1])\n"
                "from placement.roster.result_folder import read_result\n"
                "from placement.data.errors import OutputError\n"
                "try:\n    read_result(sys.argv[2]).write(sys.argv[3])\n"
                "except OutputError as e:\n    print(e.render('en')); sys.exit(9)\n")
        other = subprocess.run([sys.executable, "-c", code, str(Path.cwd()), str(solved),
                                str(out)], capture_output=True, text=True)
    assert other.returncode == 9 and "being written by another process" in other.stdout
    read_result(out)


def test_interrupted_before_a_roster_is_not_a_failed_check():
    from placement.roster.result_folder import Result

    res = Result({"status": "unknown", "objective": None, "times": {"solve": 1.0},
                  "counts": {"changed_posts": 0}, "out": "x", "interrupted": True})
    assert "no roster to check" in res.headline() and "FAILED" not in res.headline()


def test_output_errors_name_the_path(tmp_path):
    (tmp_path / "f").write_text("")
    with pytest.raises(OutputError) as info:
        atomic.write_bytes(tmp_path / "f" / "x.csv", b"")
    assert f"cannot write {tmp_path / 'f'}" in info.value.render("en")


# ------------------------------------------------------------ fuzzing the CSV loader

CELLS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELLS, max_size=5), max_size=6),
       st.sampled_from(["teams", "posts", "cadres", "relations", "fit"]))
def test_csv_loader_fuzz_gives_a_clear_error_or_data(rows, table):
    """Any bytes of a CSV file: a clear error or a valid data set, never an exception."""
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    frame, problems = _read_csv(buf.getvalue().encode("utf-8"), f"{table}.csv")
    assert (frame is None) == bool(problems)
    if frame is None:
        return
    try:
        build_dataset({table: frame}, {table: f"{table}.csv"})
    except InputError as err:
        assert err.problems and all(p.render("en") and p.render("zh") for p in err.problems)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_csv_loader_fuzz_on_raw_bytes(data):
    frame, problems = _read_csv(data, "teams.csv")
    assert (frame is None) == bool(problems)


if __name__ == "__main__":  # the before/after table: case, exit code, first line of output
    import tempfile

    solved_dir = Path(tempfile.mkdtemp()) / "s"
    base = solved_dir.parent
    CliRunner().invoke(app, ["solve", str(mini_scenario(base)), "--out", str(solved_dir)])
    mp = pytest.MonkeyPatch()
    for case in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            try:
                res, before, after = run_case(case, Path(tmp), solved_dir, mp)
                crash = "TRACEBACK " + type(res.exception).__name__ if (
                    res.exception and not isinstance(res.exception, SystemExit)) else ""
                first = (res.output.strip().splitlines() or [""])[0][:70]
                changed = "" if after == before else " INPUT CHANGED"
                print(f"{case[1]:6} | {case[0]:38} | {res.exit_code:3} | {crash}{changed} {first}")
            except Exception as err:  # noqa: BLE001 - a measure, not a test
                print(f"{case[1]:6} | {case[0]:38} | ERR | {type(err).__name__}")
            finally:
                mp.undo()


def test_a_rank_against_its_team_kind_is_named_in_chinese_too(tmp_path):
    scenario = mini_scenario(tmp_path)
    posts = tmp_path / "data" / "posts.csv"
    posts.write_text(posts.read_text("utf-8").replace("P04,T01,纪委书记,deputy,副处",
                                                      "P04,T01,纪委书记,deputy,副科"), "utf-8")
    res = CliRunner().invoke(app, ["validate", str(scenario), "--lang", "zh"])
    assert res.exit_code == 3, res.output
    assert ("posts.csv，第5行，列 rank: 职级 副科 与班子 T01 的类型 county_party（县委）不符，"
            "应为 正科 至 副厅") in res.output


def test_a_column_not_read_is_warned_once_by_solve_and_kept_in_the_summary(tmp_path):
    import json

    scenario = mini_scenario(tmp_path)
    env = Env(tmp_path, scenario, tmp_path / "data", tmp_path)
    _notes_column(env)
    res = CliRunner().invoke(app, ["solve", str(scenario), "--out", str(tmp_path / "r"),
                                   "--lang", "zh"])
    assert res.exit_code == 0, res.output
    said = "警告：teams.csv，第1行，列 备注: 表 teams（班子）没有此列，其值未读入（若为备注可忽略）"
    assert res.output.count("没有此列") == 1 and said in res.output.replace(str(env.data) + "/", "")
    summary = json.loads((tmp_path / "r" / "summary.json").read_text("utf-8"))
    (warning,) = summary["input_warnings"]
    assert (warning["code"], warning["column"]) == ("unknown_column_ignored", "备注")
    assert warning["file"].endswith("teams.csv") and "has no such column" in warning["en"]
    res = CliRunner().invoke(app, ["validate", str(scenario), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "warning: " + str(env.data) in res.output
    assert "valid (1 warning above): teams 4" in res.output


def test_a_header_too_long_is_named_by_its_length_in_every_answer(tmp_path):
    """Class: silent acceptance / leaks (a cell too large). A 5,000-character header is
    a cell like any other: the warning, summary.json and the workbench's warnings name
    it by its length, never its text."""
    import json

    scenario = mini_scenario(tmp_path)
    env = Env(tmp_path, scenario, tmp_path / "data", tmp_path)
    _column(env, "teams", "县" * 5000)
    res = CliRunner().invoke(app, _solve(env, tmp_path / "r"))
    assert res.exit_code == 0, res.output
    assert "县" * 50 not in res.output and "[5000 characters; not shown]" in res.output
    summary = json.loads((tmp_path / "r" / "summary.json").read_text("utf-8"))
    assert summary["input_warnings"][0]["column"] == "[5000 characters; not shown]"
    client = _workbench(tmp_path / "ws")
    resp = client.post("/api/v1/validate", json={"scenario": str(scenario)})
    assert resp.status_code == 200 and "县" * 50 not in resp.text, resp.text[:300]
    assert resp.json()["warnings"][0]["column"] == "[5000 characters; not shown]"


# ------------------------------------------------------------ internal errors, by class


@settings(max_examples=200, deadline=None)
@given(st.integers())
def test_a_whole_number_is_read_exactly_or_refused(n):
    """Class: integer past 64 bits. Any whole number: read exactly, or refused when
    beyond ±(2^53 - 1), never an exception nor a rounded value."""
    from placement.data.parsing import MAX_INT, parse_int

    values, bad = parse_int(pd.Series([str(n)], dtype="str"))
    assert bool(bad.iat[0]) == (abs(n) > MAX_INT)
    if not bad.iat[0]:
        assert int(values.iat[0]) == n


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=3000))
def test_any_nesting_is_read_or_refused_in_words(depth):
    """Class: deeply nested TOML value. Any depth: read, or `toml_too_deep`."""
    from placement.data.scenario_io import MAX_DEPTH, parse_override

    try:
        parts, value = parse_override("x=" + "[" * depth + "]" * depth)
    except InputError as err:
        assert depth + 1 > MAX_DEPTH and err.problems[0].code == "toml_too_deep"
    else:
        assert depth + 1 <= MAX_DEPTH and parts == ("x",)


# ------------------------------------------------------------ the workbench, by class

MINI = Path(__file__).parent / "data" / "mini"


def _workbench(workspace: Path):
    """A test client of the workbench over `workspace`, with the session token."""
    from fastapi.testclient import TestClient

    from placement.web.app import create_app

    client = TestClient(create_app(workspace, 8765, bundled=None),
                        base_url="http://127.0.0.1:8765")
    client.headers["X-CSRF-Token"] = client.get("/api/v1/session").json()["token"]
    return client


def _mini_files(**replace: bytes) -> list[dict]:
    import base64

    return [{"name": p.name, "content": base64.b64encode(replace.get(p.stem, p.read_bytes()))
             .decode()} for p in sorted(MINI.glob("*.csv"))]


def _upload(client, name: str, reference_date: str = "2026-09-01", files=None):
    return client.post("/api/v1/datasets", json={"name": name, "reference_date": reference_date,
                                                 "files": files or _mini_files()})


def test_web_a_non_integer_last_event_id_is_400(tmp_path):
    """Class: internal errors. `Last-Event-ID: abc` is a 400 naming the header."""
    client = _workbench(tmp_path)
    run = client.app.state.workspace.new_run("mini", [], {})
    resp = client.get(f"/api/v1/runs/{run.id}/events", headers={"Last-Event-ID": "abc"})
    assert resp.status_code == 400 and "Last-Event-ID" in resp.text
    resp = client.get(f"/api/v1/runs/{run.id}/events", headers={"Last-Event-ID": "3"})
    assert resp.status_code == 200


@pytest.mark.parametrize("name", ["te\x00ams.csv", "teams\x00.csv", "\x00", "a\nb.csv"])
def test_web_a_control_character_in_an_upload_file_name_is_422(tmp_path, name):
    """Class: internal errors. A NUL (or any control character) in a file's name: 422
    showing it escaped, nothing kept."""
    client = _workbench(tmp_path)
    files = _mini_files()
    files[0]["name"] = name
    resp = _upload(client, "nul2", files=files)
    assert resp.status_code == 422, resp.text
    assert "\x00" not in resp.text and "file name" in resp.text
    assert not (tmp_path / "datasets" / "nul2").exists()
    assert not [p for p in (tmp_path / "datasets").iterdir() if p.name.startswith(".nul2")]


def test_web_a_damaged_history_is_moved_aside_and_the_workbench_starts(tmp_path):
    """Class: internal errors. An index.sqlite that is no database: moved aside (its
    bytes kept), a fresh one started, the page warned; runs list and work."""
    junk = b"not a database " * 100
    (tmp_path / "index.sqlite").write_bytes(junk)
    client = _workbench(tmp_path)
    (aside,) = tmp_path.glob("index.sqlite.broken-*")
    assert aside.read_bytes() == junk
    warnings = client.get("/api/v1/session").json()["warnings"]
    assert [w["code"] for w in warnings] == ["history_moved_aside"]
    assert aside.name in warnings[0]["en"] and aside.name in warnings[0]["zh"]
    assert client.get("/api/v1/runs").json() == []
    client.app.state.workspace.new_run("mini", [], {})
    assert len(client.get("/api/v1/runs").json()) == 1


def test_web_a_bad_json_history_row_is_skipped_and_reported(tmp_path):
    """Class: internal errors. One run row with broken JSON: the list skips it (200),
    the run itself is 409, and the page is told which run."""
    import sqlite3

    client = _workbench(tmp_path)
    ws = client.app.state.workspace
    good, bad = ws.new_run("mini", [], {}), ws.new_run("mini", [], {})
    with sqlite3.connect(tmp_path / "index.sqlite") as db:
        db.execute("update runs set settings='[not json' where id=?", (bad.id,))
    resp = client.get("/api/v1/runs")
    assert resp.status_code == 200 and [r["id"] for r in resp.json()] == [good.id]
    assert client.get(f"/api/v1/runs/{bad.id}").status_code == 409
    warned = client.get("/api/v1/session").json()["warnings"]
    assert [(w["code"], bad.id in w["en"]) for w in warned] == [("run_row_skipped", True)]


def test_web_uploads_under_one_name_at_once_keep_one_whole_data_set(tmp_path):
    """Class: data loss. Two uploads under one name at once (a double click), three
    rounds: one 201 and one 409, the kept data set validates, no staging folder left;
    two at once under distinct names: both kept."""
    from concurrent.futures import ThreadPoolExecutor

    from placement.data.scenario_io import load_scenario

    client = _workbench(tmp_path)
    for round_ in range(3):
        name = f"twice-{round_}"
        with ThreadPoolExecutor(2) as pool:
            codes = sorted(r.status_code for r in pool.map(lambda n: _upload(client, n),
                                                           [name, name]))
        assert codes == [201, 409], codes
        sc = load_scenario(tmp_path / "scenarios" / f"{name}.toml")
        res = CliRunner().invoke(app, ["validate", str(sc.source), "--lang", "en"])
        assert res.exit_code == 0, res.output
    with ThreadPoolExecutor(2) as pool:
        codes = [r.status_code for r in pool.map(lambda n: _upload(client, n), ["a1", "a2"])]
    assert codes == [201, 201]
    assert not [p for p in (tmp_path / "datasets").iterdir() if p.name.startswith(".")]
    assert _upload(client, "a1").status_code == 409  # a name taken stays taken


def test_web_a_failed_upload_leaves_no_data_set_and_no_scenario(tmp_path):
    """Class: data loss. A scenario is written only with its data, and only then."""
    client = _workbench(tmp_path)
    resp = _upload(client, "late", reference_date="not a date")
    assert resp.status_code == 422, resp.text
    assert resp.json()["problems"][0]["column"] == "reference_date"
    assert not (tmp_path / "scenarios" / "late.toml").exists()
    assert list((tmp_path / "datasets").iterdir()) == []
    assert _upload(client, "late").status_code == 201


@pytest.mark.parametrize("setting, words", [
    ("reference_date=9999-12-31", "date 9999-12-31 has a year outside the supported range"),
    ("reference_date=1600-01-01", "date 1600-01-01 has a year outside the supported range"),
    ("reference_date=2026-09-01T00:00:00+08:00", "is a date with a time and a time zone"),
    ("solver.time_limit=inf", "expected a number, got inf"),
    ("x=" + "[" * 40 + "]" * 40, "nested more than 16 deep")])
def test_web_questions_over_a_setting_past_the_calendar_are_422(tmp_path, setting, words):
    """Class: internal errors. `/candidates` and `/try` asked with a setting the program
    cannot hold (a reference date past pandas' calendar crashed them): 422 naming
    `--set` and the setting, in both languages."""
    client = _workbench(tmp_path)
    assert _upload(client, "mini").status_code == 201
    for path, params in (("/api/v1/candidates", {"post": "P01"}),
                         ("/api/v1/try", {"post": "P01", "cadre": "0001"})):
        resp = client.get(path, params={"scenario": "mini", "set": setting, **params})
        assert resp.status_code == 422, resp.text
        (problem,) = resp.json()["detail"]["problems"]
        assert problem["file"] == "--set" and words in problem["message_en"]
        assert problem["message_zh"].startswith("--set，列 ")


def test_web_an_upload_dated_past_the_calendar_names_the_field_not_a_staging_path(tmp_path):
    """Class: internal errors. The form's reference date past the calendar: 422 on the
    field `reference_date`, the message free of the private folder the upload was
    built in; nothing kept."""
    client = _workbench(tmp_path)
    resp = _upload(client, "late", reference_date="9999-12-31")
    assert resp.status_code == 422, resp.text
    (problem,) = resp.json()["problems"]
    assert (problem["file"], problem["column"]) == ("", "reference_date")
    assert problem["message_en"] == ("column reference_date: date 9999-12-31 has a year "
                                     "outside the supported range 1678–2261")
    assert str(tmp_path) not in resp.text and ".scenario.toml" not in resp.text
    assert list((tmp_path / "datasets").iterdir()) == []


def test_web_two_files_of_one_name_in_an_upload_are_422(tmp_path):
    """Class: silent acceptance. Two teams.csv in one upload (the last used to win)."""
    client = _workbench(tmp_path)
    resp = _upload(client, "dup", files=_mini_files() + _mini_files()[-1:])
    assert resp.status_code == 422 and "two files named 'teams.csv'" in resp.text


@pytest.mark.parametrize("reference_date", [
    "2026-09-01\n[solver]\nworkers = 64", "2026-09-01\nname = \"x\"", "2026-09-01 # x\n[a]"])
def test_web_a_reference_date_cannot_smuggle_settings(tmp_path, reference_date):
    """Class: injection. The form's reference date is a value, never TOML text."""
    client = _workbench(tmp_path)
    resp = _upload(client, "smuggle", reference_date=reference_date)
    assert resp.status_code == 422, resp.text
    assert resp.json()["problems"][0]["column"] == "reference_date"
    assert not (tmp_path / "scenarios" / "smuggle.toml").exists()


def test_web_the_saved_scenario_holds_the_values_given_and_nothing_else(tmp_path):
    """Class: injection. A title with a newline and a table header stays the title."""
    import tomllib

    client = _workbench(tmp_path)
    assert _upload(client, "base").status_code == 201
    written = tomllib.loads((tmp_path / "scenarios" / "base.toml").read_text("utf-8"))
    assert set(written) == {"name", "data", "reference_date"}
    title = 'x"\n[solver]\nworkers = 64\n'
    resp = client.post("/api/v1/scenarios", json={"name": "child", "base": "base",
                                                  "title": title,
                                                  "set": ["rules.R-TC5.min_women=2"]})
    assert resp.status_code == 201, resp.text
    doc = tomllib.loads((tmp_path / "scenarios" / "child.toml").read_text("utf-8"))
    assert doc["name"] == title and "solver" not in doc
    assert doc["rules"] == {"R-TC5": {"min_women": 2}}


@pytest.mark.parametrize("name", ["mini\n", "mini\r\n", "mini ", "../mini", "mini\x00", ""])
def test_web_a_name_ending_in_a_newline_is_refused(tmp_path, name):
    """Class: injection. `$` matched before a final newline; the name rule is fullmatch."""
    client = _workbench(tmp_path)
    assert _upload(client, name).status_code == 422
    resp = client.post("/api/v1/scenarios", json={"name": name, "base": "x"})
    assert resp.status_code == 422
    assert list((tmp_path / "datasets").iterdir()) == []
    assert list((tmp_path / "scenarios").iterdir()) == []


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=70),
                 st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_\-. 临汾\n]{0,20}", fullmatch=True)))
def test_any_name_is_kept_under_a_safe_file_name_or_refused_in_words(text):
    """Class: injection. Any name typed for a data set or scenario: refused in both
    languages, or kept under a stored name of ASCII letters, digits, `-` and `_` only
    (`0{`, `ab c` and `a临汾` were kept as typed: `NAME.match` took a prefix for the
    whole), the same every time."""
    import re

    from placement.web import names as naming

    try:
        shown, stem = naming.clean(text), naming.stored_name(text)
    except naming.NameError_ as err:
        assert err.zh and err.en
        return
    assert re.fullmatch(r"[A-Za-z0-9_-]+", stem) and len(stem) <= 63, stem
    assert stem == shown or stem.startswith(naming.MAPPED)
    assert naming.stored_name(text) == stem


# ------------------------------------------------------------ leaks, by class

_WIDE = {str(d): chr(0xFF10 + d) for d in range(10)} | {"X": "Ｘ"}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from("0123456789"), min_size=17, max_size=17),
       st.sampled_from("0123456789Xx"),
       st.lists(st.sampled_from(["", "", "", " ", "-", "\u3000", "\u00a0", "－", "—"]),
                min_size=18, max_size=18),
       st.lists(st.booleans(), min_size=18, max_size=18),
       st.sampled_from(["", "身份证 ", "a,", "：", "ID "]), st.sampled_from(["", " 号", "。"]))
def test_an_id_number_in_any_spelling_is_never_shown(digits, last, seps, wide, before, after):
    """Class: leaks. 18 characters of an ID number, each in either width, with any
    separators between them, inside any text: hidden by the one recogniser, in both
    languages, as a value and as a file name."""
    from placement.data.errors import Problem, shown_place, shown_value

    chars = [_WIDE.get(c.upper(), c) if w else c for c, w in zip([*digits, last], wide,
                                                                 strict=True)]
    number = "".join(c + s for c, s in zip(chars, seps[:-1] + [""], strict=True))
    text = before + number + after
    for lang in ("zh", "en"):
        for shown in (str(shown_value(text, lang)), shown_place(text, lang),
                      Problem("bad_int", source=text, params={"value": text}).render(lang)):
            assert number not in shown and "".join(digits[:6]) not in shown.translate(
                {ord(v): k for k, v in _WIDE.items()})


def test_web_a_non_integer_content_length_is_400(tmp_path):
    """Class: internal errors. `Content-Length: abc` on a write: 400, not 500."""
    import httpx

    client = _workbench(tmp_path)
    req = client.build_request("POST", "/api/v1/validate", content=b"{}",
                               headers={"Content-Type": "application/json"})
    req.headers["Content-Length"] = "abc"
    try:
        resp = client.send(req)
    except httpx.HTTPError:  # a client or transport may refuse to send it at all
        return
    assert resp.status_code == 400 and "Content-Length" in resp.text



# ------------------------------------------------------------ the OpenAPI description


def _served(workspace: Path):
    """The workbench served by uvicorn on a free 127.0.0.1 port in a thread, as
    `placement serve` serves it: (its URL, its session token) while in the block."""
    import contextlib
    import socket
    import threading
    import time

    import httpx
    import uvicorn

    from placement.web.app import create_app

    @contextlib.contextmanager
    def served():
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(workspace, port, bundled=None),
                                               host="127.0.0.1", port=port,
                                               log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + 30
            while not server.started:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.05)
            url = f"http://127.0.0.1:{port}"
            yield url, httpx.get(f"{url}/api/v1/session").json()["token"]
        finally:
            server.should_exit = True
            thread.join(30)

    return served()


def test_schemathesis_finds_no_server_error_and_no_nonconformance(tmp_path):
    """Class: smaller (the OpenAPI description missed status codes). Schemathesis with
    the session token and every check, against the workbench served on 127.0.0.1 over
    a workspace holding the mini data set (the questions asked of it get it, see
    tests/schemathesis.toml): no 5xx, every status code a route answers
    listed, every body as described, `Allow` on a 405 naming every method of the path.
    All four phases (examples, coverage, fuzzing, stateful), 10 examples per operation
    and a fixed seed; no network (loopback only). tests/schemathesis.toml says why 422
    counts as an answer to schema-valid data."""
    import re

    import httpx

    pytest.importorskip("schemathesis")
    with _served(tmp_path) as (url, token):
        up = httpx.post(f"{url}/api/v1/datasets", headers={"X-CSRF-Token": token},
                        json={"name": "mini", "reference_date": "2026-09-01",
                              "files": _mini_files()})
        assert up.status_code == 201, up.text
        run = subprocess.run(
            [sys.executable, "-m", "schemathesis.cli", "--config-file",
             str(Path(__file__).parent / "schemathesis.toml"), "--no-color", "run",
             f"{url}/api/v1/openapi.json", "-H", f"X-CSRF-Token: {token}",
             "--checks", "all", "--max-examples", "10", "--seed", "1",
             "--generation-database", "none"],
            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    summary = run.stdout.split("SUMMARY")[-1]
    tail = summary[-3000:] + run.stderr[-2000:]
    assert run.returncode == 0, tail
    selected = re.search(r"Selected: (\d+)/(\d+)", summary)
    counts = re.search(r"(\d+) generated, (\d+) passed", summary)
    assert selected and selected[1] == selected[2] and int(selected[1]) >= 30, tail
    assert counts and counts[1] == counts[2], tail  # every case passed every check
    assert "failure" not in summary.lower(), tail


def test_web_two_uploads_at_once_over_http_keep_one_whole_data_set(tmp_path):
    """Class: data loss, over the wire as a double click sends it: two uploads under
    one name released together (a barrier) to `placement serve`'s server, three
    rounds: one 201 and one 409 each time, and the data set kept validates."""
    import threading

    import httpx

    from placement.data.scenario_io import load_scenario

    with _served(tmp_path) as (url, token):
        for round_ in range(3):
            name, gate, codes = f"click-{round_}", threading.Barrier(2), []

            def send(name=name, gate=gate, codes=codes):
                gate.wait()
                codes.append(httpx.post(f"{url}/api/v1/datasets", timeout=60,
                                        headers={"X-CSRF-Token": token},
                                        json={"name": name, "reference_date": "2026-09-01",
                                              "files": _mini_files()}).status_code)

            pair = [threading.Thread(target=send) for _ in range(2)]
            for t in pair:
                t.start()
            for t in pair:
                t.join()
            assert sorted(codes) == [201, 409], codes
            sc = load_scenario(tmp_path / "scenarios" / f"{name}.toml")
            res = CliRunner().invoke(app, ["validate", str(sc.source), "--lang", "en"])
            assert res.exit_code == 0, res.output
    assert not [p for p in (tmp_path / "datasets").iterdir() if p.name.startswith(".")]


def test_web_a_malformed_form_in_an_upload_is_named_by_its_file(tmp_path):
    """Class: usability of a safety choice. The form the planner saved as 赵磊.lrmx is
    named by that file name (the planner's own input), never by a hash; the value
    read from inside it is shown only as the date it failed to be."""
    import base64

    text = (LRMX / "C001.lrmx").read_text("utf-8").replace(
        "<ChuShengNianYue>197503</ChuShengNianYue>", "<ChuShengNianYue>1975-13</ChuShengNianYue>")
    form = {"name": "赵磊.lrmx", "content": base64.b64encode(text.encode()).decode()}
    resp = _upload(_workbench(tmp_path), "forms", files=_mini_files() + [form])
    assert resp.status_code == 422, resp.text
    (problem,) = resp.json()["problems"]
    assert (problem["file"], problem["column"]) == ("赵磊.lrmx", "ChuShengNianYue")
    assert problem["message_en"].startswith("赵磊.lrmx, column ChuShengNianYue:")
    assert problem["message_zh"].startswith("赵磊.lrmx，列 ChuShengNianYue:")
    assert "LRMX-" not in resp.text


# ------------------------------------------------------------ smaller, by class


@pytest.mark.parametrize("lang, words", [
    ("en", "port {port} is in use (another workbench may be running)"),
    ("zh", "端口 {port} 已被占用")])
def test_serve_on_a_busy_port_says_so_before_any_address(tmp_path, lang, words):
    """Class: smaller. Another server listens on the port: `placement serve` prints no
    URL (it is not serving there), names the port in words, exits 2, no traceback, and
    opens no workspace."""
    import socket

    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        run = subprocess.run([sys.executable, str(Path(__file__).parents[1] / "cli.py"),
                              "serve", "--data-dir", str(tmp_path / "ws"), "--port", str(port),
                              "--no-browser", "--lang", lang],
                             capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stdout + run.stderr
    assert words.format(port=port) in run.stderr
    assert "http://" not in run.stdout + run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "ws").exists()


@pytest.mark.parametrize("full_at", ["report.xlsx", "report.html"])
@pytest.mark.parametrize("earlier", [False, True])
def test_report_on_a_full_disk_leaves_both_files_or_neither(solved, tmp_path, monkeypatch,
                                                            full_at, earlier):
    """Class: smaller. The disk fills while `placement report` writes one of its two
    files: exit 2 saying so, and the folder keeps both files as they were: none (no
    report yet) or the earlier pair byte for byte; no temporary file left."""
    folder = _result(Env(tmp_path, tmp_path, tmp_path, solved))
    for name in ("report.xlsx", "report.html"):
        (folder / name).unlink(missing_ok=True)
    if earlier:
        assert CliRunner().invoke(app, ["report", str(folder)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    stage = atomic._stage

    def full(path, data):
        if path.name == full_at:
            raise OSError(28, "No space left on device")
        return stage(path, data)

    monkeypatch.setattr(atomic, "_stage", full)
    res = CliRunner().invoke(app, ["report", str(folder), "--lang", "en"])
    assert res.exit_code == 2, res.output
    assert f"{folder / full_at}: the disk is full" in res.output and "Traceback" not in res.output
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert ("report.xlsx" in before) == ("report.html" in before) == earlier


@pytest.mark.parametrize("command", ["solve", "report"])
def test_a_lock_left_by_kill_9_does_not_stop_the_next_run(solved, tmp_path, command):
    """Class: smaller. A writer holding a result folder's lock is killed with SIGKILL:
    its `.NAME.lock` file stays behind, but the lock is the kernel's (flock, released
    with the process), so the next `solve` or `report` proceeds, and removes the file
    when it is done."""
    import signal

    env = Env(tmp_path, mini_scenario(tmp_path), tmp_path / "data", solved)
    out = _result(env, "out")
    lock = tmp_path / ".out.lock"
    code = ("import sys, time; sys.path.insert(0, sys.argv[1]);"
            "from placement.roster.result_folder import lock_folder\n"
            "with lock_folder(sys.argv[2]):\n print('held', flush=True); time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(Path.cwd()), str(out)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    busy = CliRunner().invoke(app, ["report", str(out), "--lang", "en"])
    assert busy.exit_code == 2 and "being written by another process" in busy.output
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert holder.returncode == -signal.SIGKILL and lock.exists()  # the file stays
    argv = (_solve(env, out) if command == "solve" else ["report", str(out), "--lang", "en"])
    res = CliRunner().invoke(app, argv)
    assert res.exit_code == 0, res.output
    assert not lock.exists()
    read_result(out)

