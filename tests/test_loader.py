"""Loading the same data set from English CSV, Chinese CSV and an xlsx workbook.

The three inputs in `tests/data/mini`, `tests/data/mini_zh` and a workbook
written here (typed Excel cells, Chinese sheet names) must give equal frames
with exactly the dtypes `placement.data.dataset` promises. Value formats (dates,
booleans, gender) are checked cell by cell through `build_dataset`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from builders import make_dataset, write_workbook

from placement.data.dataset import DataSet
from placement.data.loader import build_dataset, load_dataset
from placement.data.schema import RANK_LEVEL, TABLE_BY_NAME, TABLES

DATA = Path(__file__).parent / "data"
MINI, MINI_ZH = DATA / "mini", DATA / "mini_zh"
REF = dt.date(2026, 9, 1)
NAMES = [t.name for t in TABLES]


def assert_same(a: DataSet, b: DataSet) -> None:
    for name in NAMES:
        pd.testing.assert_frame_equal(a.table(name), b.table(name), obj=name)


@pytest.fixture(scope="module")
def mini() -> DataSet:
    return load_dataset(MINI, reference_date=REF)


def test_english_and_chinese_headers_give_equal_datasets(mini):
    assert_same(mini, load_dataset(MINI_ZH, reference_date=REF))


def test_xlsx_workbook_gives_the_same_dataset(mini, tmp_path):
    book = write_workbook(MINI_ZH, tmp_path / "book.xlsx")
    data = load_dataset(book, reference_date=REF)
    assert_same(mini, data)
    assert data.sources["cadres"] == f"{book}#干部"
    assert data.checksums == {str(book): hashlib.sha256(book.read_bytes()).hexdigest()}


def test_sources_and_checksums_name_every_file(mini):
    assert mini.sources == {n: str(MINI / f"{n}.csv") for n in NAMES}
    assert mini.checksums == {str(MINI / f"{n}.csv"):
                              hashlib.sha256((MINI / f"{n}.csv").read_bytes()).hexdigest()
                              for n in NAMES}


def test_frames_have_the_promised_dtypes_and_column_order(mini):
    for table in TABLES:
        frame = mini.table(table.name)
        derived = ["_row"] + (["rank_level"] if table.name in ("posts", "cadres") else []) + (
            ["non_party"] if table.name == "cadres" else [])
        assert list(frame.columns) == [c.name for c in table.columns] + derived
        assert frame["_row"].dtype == np.int64
        for col in table.columns:
            s = frame[col.name]
            if col.kind in ("id", "ref", "text", "enum"):
                assert s.dtype == "str" and not s.isna().any(), col.name
            elif col.kind == "bool":
                assert s.dtype == np.bool_, col.name
            elif col.kind == "date":
                assert s.dtype == "datetime64[ns]", col.name
            elif col.kind == "int":
                assert s.dtype == "Int64", col.name
            elif col.kind == "float":
                assert s.dtype == np.float64, col.name
            else:
                assert s.map(lambda v: isinstance(v, tuple)).all(), col.name


def test_values_are_read_as_written(mini):
    c = mini.cadres.set_index("cadre_id")
    assert c.index[0] == "0001"  # leading zeros kept
    assert c.at["0002", "birth_date"] == pd.Timestamp("1976-08-15")
    assert c.at["0001", "birth_date"] == pd.Timestamp("1970-03-01")
    assert c.at["0002", "specialties"] == ("党建", "组织")
    assert c.at["0011", "assessments"] == ("称职", "称职", "基本称职")
    assert c.at["0019", "approval"] == pytest.approx(0.92)
    assert np.isnan(c.at["0015", "approval"])
    assert pd.isna(c.at["0001", "portfolio_since"])
    assert c.at["0019", "sanction_until"] == pd.Timestamp("2026-12-01")
    assert c.at["0022", "reserve_rank"] == "" and c.at["0001", "reserve_rank"] == "副厅"
    assert list(c.loc[["0007", "0010", "0001"], "non_party"]) == [True, True, False]
    assert (mini.cadres["rank_level"] == mini.cadres["rank"].map(RANK_LEVEL)).all()
    p = mini.posts.set_index("post_id")
    assert p.at["P08", "incumbent_id"] == "" and not p["dispatched"].any()  # absent: default
    assert list(mini.posts["_row"]) == list(range(2, 16))
    assert mini.fit["score"].tolist() == [85.0, 70.0, 90.0, 75.5]


def test_optional_tables_may_be_absent(tmp_path):
    for f in ("teams", "posts", "cadres"):
        shutil.copy(MINI / f"{f}.csv", tmp_path)
    data = load_dataset(tmp_path, reference_date=REF)
    for name in ("relations", "fit"):
        frame = data.table(name)
        assert frame.empty
        assert list(frame.columns) == [c.name for c in TABLE_BY_NAME[name].columns] + ["_row"]
    assert data.fit["score"].dtype == np.float64
    assert set(data.sources) == {"teams", "posts", "cadres"}


def test_extra_columns_blank_rows_and_header_spaces(tmp_path):
    for f in MINI.iterdir():
        shutil.copy(f, tmp_path)
    teams = tmp_path / "teams.csv"
    lines = teams.read_text(encoding="utf-8").splitlines()
    lines[0] = " " + lines[0].replace("name", " name ") + ",备注"
    lines[1] += ",a note"
    lines[2:] = [line + "," for line in lines[2:]]  # every row as wide as the header
    lines.insert(2, "")  # a blank line is skipped but still counts as a row
    lines.insert(3, ",,,,,,,,")
    teams.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = load_dataset(tmp_path, reference_date=REF)
    assert "备注" not in data.teams.columns
    assert data.teams["team_id"].tolist() == ["T01", "T02", "T03", "T04"]
    assert data.teams["_row"].tolist() == [2, 5, 6, 7]


def _cadre_with(**fields) -> pd.Series:
    data = make_dataset(teams=[{"team_id": "T1"}], cadres=[{"cadre_id": "C1", **fields}],
                        reference_date=REF)
    return data.cadres.iloc[0]


@pytest.mark.parametrize("text, expected", [
    ("1980-05-03", "1980-05-03"), ("1980-05", "1980-05-01"), ("198005", "1980-05-01"),
    ("1980-5", "1980-05-01"), ("1980/05/03", "1980-05-03"), ("19800503", "1980-05-03"),
    ("1980.05", "1980-05-01"), ("1980年5月", "1980-05-01"), (" 1980-05-03 ", "1980-05-03"),
    ("1980-05-03 00:00:00", "1980-05-03"), (dt.date(1980, 5, 3), "1980-05-03"),
    (dt.datetime(1980, 5, 3, 12, 30), "1980-05-03"), (198005, "1980-05-01"),
    (198005.0, "1980-05-01"), (pd.Timestamp("1980-05-03"), "1980-05-03"),
])
def test_date_formats(text, expected):
    assert _cadre_with(birth_date=text)["birth_date"] == pd.Timestamp(expected)


@pytest.mark.parametrize("text, expected", [
    ("true", True), ("FALSE", False), ("1", True), ("0", False), ("是", True), ("否", False),
    ("yes", True), ("No", False), ("Y", True), ("n", False), ("真", True), ("假", False),
    (True, True), (False, False), (1, True), (0.0, False),
])
def test_boolean_formats(text, expected):
    assert _cadre_with(file_ok=text)["file_ok"] == expected


@pytest.mark.parametrize("text, expected", [
    ("M", "M"), ("f", "F"), ("男", "M"), ("女", "F"), ("Male", "M"), ("FEMALE", "F"),
])
def test_gender_formats(text, expected):
    assert _cadre_with(gender=text)["gender"] == expected


@pytest.mark.parametrize("field, text, expected", [
    ("assessments", "优秀；合格、excellent,称职", ("优秀", "称职", "优秀", "称职")),
    ("assessments", ("Competent", "基本合格"), ("称职", "基本称职")),
    ("assessments", "", ()),
    ("specialties", " 财会 ; 审计;;", ("财会", "审计")),
    ("approval", "92%", 0.92), ("approval", "0.5", 0.5), ("approval", 1, 1.0),
    ("assessment_year", "2024", 2024), ("assessment_year", 2024.0, 2024),
    ("rank", "副县级", "副处"), ("party", "中共党员", "cpc"), ("party", "CPC", "cpc"),
    ("education", "大学本科", "bachelor"), ("reserve_rank", "正处级", "正处"),
])
def test_list_number_and_alias_formats(field, text, expected):
    value = _cadre_with(**{field: text})[field]
    assert value == (pytest.approx(expected) if isinstance(expected, float) else expected)


def test_build_dataset_accepts_chinese_table_and_column_names():
    teams = pd.DataFrame({"班子编号": ["T1"], "班子名称": ["t"], "班子类型": ["县政府"],
                          "所属地区": ["R1"], "系统": ["政府"]})
    posts = pd.DataFrame({"职位编号": ["P1"], "班子编号": ["T1"], "职务": ["县长"],
                          "正副职": ["正职"], "职级": ["正处"]})
    base = make_dataset(teams=[{"team_id": "C0"}], cadres=[{"cadre_id": "C1"}])
    data = build_dataset({"班子": teams, "职位": posts, "干部": base.cadres.drop(
        columns=["_row", "rank_level", "non_party"])}, reference_date=REF)
    assert data.teams["kind"].tolist() == ["county_gov"]
    assert data.posts[["grade", "incumbent_id"]].values.tolist() == [["head", ""]]
    assert data.posts["key_post"].tolist() == [False]
    pd.testing.assert_frame_equal(data.cadres, base.cadres)


def test_builders_fill_documented_defaults():
    data = make_dataset(teams=[{"team_id": "T1"}],
                        posts=[{"post_id": "P1", "team_id": "T1"}],
                        cadres=[{"cadre_id": "C1"}])
    t, p, c = data.teams.iloc[0], data.posts.iloc[0], data.cadres.iloc[0]
    assert (t["name"], t["kind"], t["region"], t["system"]) == ("T1", "county_gov", "R1", "政府")
    assert (p["title"], p["grade"], p["rank"], p["key_post"], p["incumbent_id"]) == (
        "P1", "deputy", "副处", False, "")
    assert (c["gender"], c["party"], c["education"], c["rank"], c["system"]) == (
        "M", "cpc", "bachelor", "正科", "综合")
    assert c["birth_date"] == pd.Timestamp("1980-01-01")
    assert c["assessments"] == ("称职", "称职", "称职") and c["specialties"] == ()
    assert (c["approval"], c["candidate"], c["leaving"], c["file_ok"]) == (0.9, True, False, True)
    assert c["assessment_year"] == 2025 and not c["non_party"]
    with pytest.raises(KeyError, match="gendre"):
        make_dataset(cadres=[{"cadre_id": "C1", "gendre": "F"}])


def test_typed_frames_round_trip_through_build_dataset(mini):
    """A DataSet's own frames (Timestamps, numpy bools, Int64, tuples) are valid raw input."""
    raw = {n: mini.table(n).drop(columns=["rank_level", "non_party"], errors="ignore")
           for n in NAMES}
    assert_same(mini, build_dataset(raw, reference_date=REF))


# --- posts filled through another channel, organisational findings (issue 24) -----------

def _post_with(**fields) -> pd.Series:
    data = make_dataset(teams=[{"team_id": "T1"}], posts=[{"post_id": "P1", "team_id": "T1",
                                                            **fields}], reference_date=REF)
    return data.posts.iloc[0]


@pytest.mark.parametrize("text, expected", [
    ("scope", "scope"), ("military", "military"), ("above", "above"), ("", ""),
    ("本范围", "scope"), ("组织部门", "scope"), ("军事机关", "military"), ("军队", "military"),
    ("人武", "military"), ("上级", "above"), ("上级任命", "above"), (" Military ", "military"),
])
def test_filled_by_values_and_aliases(text, expected):
    assert _post_with(filled_by=text)["filled_by"] == expected


@pytest.mark.parametrize("field, text, expected", [
    ("finding", "unfit_post", "unfit_post"), ("finding", "incompetent", "incompetent"),
    ("finding", "不胜任现职", "unfit_post"), ("finding", "不胜任", "unfit_post"),
    ("finding", "不胜任现职岗位", "unfit_post"), ("finding", "不称职", "incompetent"),
    ("finding", "", ""), ("evaluation_year", "2025", 2025), ("evaluation_year", 2026.0, 2026),
])
def test_finding_and_evaluation_year_values_and_aliases(field, text, expected):
    assert _cadre_with(**{field: text})[field] == expected


def test_absent_channel_and_finding_columns_read_as_their_defaults(mini):
    # tests/data/mini has none of the three columns: empty, i.e. the documented defaults
    assert (mini.posts["filled_by"] == "").all() and (mini.cadres["finding"] == "").all()
    assert mini.cadres["evaluation_year"].isna().all()
    assert str(mini.cadres["evaluation_year"].dtype) == "Int64"


def test_chinese_headers_of_channel_finding_and_evaluation_year(tmp_path):
    for f in MINI.iterdir():
        shutil.copy(f, tmp_path)
    posts = pd.read_csv(tmp_path / "posts.csv", dtype=str, keep_default_na=False)
    posts["任命渠道"] = ["军事机关"] + [""] * (len(posts) - 1)
    posts.to_csv(tmp_path / "posts.csv", index=False)
    cadres = pd.read_csv(tmp_path / "cadres.csv", dtype=str, keep_default_na=False)
    cadres["组织考核认定"] = ["不胜任现职", "不称职"] + [""] * (len(cadres) - 2)
    cadres["民主测评年度"] = ["2026"] * len(cadres)
    cadres.to_csv(tmp_path / "cadres.csv", index=False)
    data = load_dataset(tmp_path, reference_date=REF)
    assert data.posts["filled_by"].tolist()[:2] == ["military", ""]
    assert data.cadres["finding"].tolist()[:3] == ["unfit_post", "incompetent", ""]
    assert (data.cadres["evaluation_year"] == 2026).all()


@pytest.mark.parametrize("table, column, zh, value, expected", [
    ("posts", "filled_by", "任命渠道", "army", "scope/military/above"),
    ("cadres", "finding", "组织考核认定", "诫勉", "unfit_post/incompetent"),
    ("cadres", "evaluation_year", "民主测评年度", "去年", None),
    ("cadres", "evaluation_year", "民主测评年度", "1900", "1950 to 2100"),
])
def test_bad_channel_finding_or_evaluation_year_names_file_row_and_column(
        tmp_path, table, column, zh, value, expected):
    from placement.data.errors import InputError

    for f in MINI.iterdir():
        shutil.copy(f, tmp_path)
    file = tmp_path / f"{table}.csv"
    frame = pd.read_csv(file, dtype=str, keep_default_na=False)
    frame[zh] = [""] * len(frame)
    frame.loc[2, zh] = value  # spreadsheet row 4
    frame.to_csv(file, index=False)
    with pytest.raises(InputError) as info:
        load_dataset(tmp_path, reference_date=REF)
    [problem] = info.value.problems
    assert (problem.source, problem.row, problem.column) == (str(file), 4, zh)
    en, zh_text = problem.render("en"), problem.render("zh")
    assert repr(value) in en or value in en
    assert "row 4" in en and "第4行" in zh_text and zh in en
    if expected:
        assert expected in en


def test_civilian_on_a_military_post_is_a_warning_naming_ids_only():
    """A post filled through the military (`filled_by` military, or empty with a title
    naming 人武部) whose holder's system is not a military one (人武, 武装, 军事, 军队,
    军分区): a warning on the posts file, its row and column `incumbent_id`, with the post
    and cadre ids and never a name. An officer there, a civilian on a post the level above
    fills, or a vacant 人武部 post say nothing."""
    from placement.meaning.posts import channel_warnings, filled_by, with_rule_warnings

    data = make_dataset(
        teams=[{"team_id": "DW", "kind": "county_party"}],
        posts=[{"post_id": "P1", "team_id": "DW", "title": "县委常委、人武部部长",
                "incumbent_id": "A"},
               {"post_id": "P2", "team_id": "DW", "title": "县委常委、人武部部长",
                "incumbent_id": "B"},
               {"post_id": "P3", "team_id": "DW", "title": "县委常委", "filled_by": "军队",
                "incumbent_id": "C"},
               {"post_id": "P4", "team_id": "DW", "title": "县委常委", "filled_by": "above",
                "incumbent_id": "D"},
               {"post_id": "P5", "team_id": "DW", "title": "人武部政委"},
               {"post_id": "P6", "team_id": "DW", "title": "县委常委、人武部部长",
                "filled_by": "scope", "incumbent_id": "E"},
               {"post_id": "P7", "team_id": "DW", "title": "县委常委、宣传部部长",
                "incumbent_id": "F"}],
        cadres=[{"cadre_id": "A", "name": "张三", "system": "人武"},
                {"cadre_id": "B", "name": "李四", "system": "审计"},
                {"cadre_id": "C", "name": "王五", "system": "党委"},
                {"cadre_id": "D", "name": "赵六", "system": "党委"},
                {"cadre_id": "E", "name": "钱七", "system": "党委"},
                {"cadre_id": "F", "name": "孙八", "system": "军分区"}],
        reference_date=REF)
    assert filled_by(data).tolist() == ["military", "military", "military", "above",
                                        "military", "scope", "scope"]
    warned = channel_warnings(data)
    assert [(w.code, w.row, w.column, w.params) for w in warned] == [
        ("civilian_in_military_post", 3, "incumbent_id", {"post": "P2", "cadre": "B"}),
        ("civilian_in_military_post", 4, "incumbent_id", {"post": "P3", "cadre": "C"})]
    for w in warned:
        for lang in ("en", "zh"):
            text = w.render(lang)
            assert w.params["post"] in text and w.params["cadre"] in text
            assert not any(name in text for name in ("张三", "李四", "王五", "赵六"))
    assert "人武部" in warned[0].render("zh") and "military" in warned[0].render("en")
    assert with_rule_warnings(data).warnings[-len(warned):] == tuple(warned)


@pytest.mark.parametrize("system", ["人武", "人民武装", "县人武部", "武装部", "军事", "军队",
                                    "军分区"])
def test_military_systems(system):
    from placement.meaning.posts import military_system

    assert military_system(np.array([system, "党委", "公安", "武术协会"], dtype=object)).tolist() \
        == [True, False, False, False]
