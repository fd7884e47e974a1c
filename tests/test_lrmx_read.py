"""Reading whole 任免审批表 written in different hands: 现任职务 and 简历 into rank, place,
tenure and experience (issue 18).

Each form below is hand-written in one real-world style and imported into a data set
holding Linfen's teams and posts (洪洞县 is R07, its government team R07-ZF) and
regions.csv naming the city (R00 临汾市). Every derived value is asserted.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from cli import app
from placement.data.errors import InputError
from placement.data.loader import load_dataset
from placement.data.schema import CADRES
from placement.export.lrmx.derive import DERIVED_COLUMNS, derive
from placement.export.lrmx.import_ import import_folder
from placement.export.lrmx.resume import read_resume
from placement.export.lrmx.titles import TitleReader, places_of

LINFEN = Path(__file__).parent.parent / "scenarios" / "data" / "linfen"
SECRETARY = any(c.name == "secretary_exp" for c in CADRES.columns)


def _form(**fields: str) -> str:
    base = {"XingMing": "测试", "XingBie": "男", "ChuShengNianYue": "197503"} | fields
    body = "".join(f"  <{k}>{v}</{k}>\n" for k, v in base.items())
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Person>\n{body}</Person>\n'


FORMS = {
    # list style: YYYY.MM--YYYY.MM, an in-service line, 大学, assessments as a list
    "A01": _form(
        JiGuan="山西洪洞", ChuShengDi="山西洪洞", RuDangShiJian="199806",
        QuanRiZhiJiaoYu_XueLi="大学", XianRenZhiWu="洪洞县人民政府副县长",
        NianDuKaoHeJieGuo="2023年度考核优秀；2024年度考核称职；2025年度考核优秀。",
        JianLi="1997.07--2003.05  洪洞县农业局干部\n"
               "2003.05--2008.03  洪洞县大槐树镇副镇长\n"
               "2008.03--2016.08  洪洞县大槐树镇党委书记\n"
               "          （其间：2009.09--2012.07在山西省委党校在职研究生班学习）\n"
               "2016.08--2019.11  洪洞县人民政府副县长（其间：2017.03--2017.07挂职）\n"
               "2019.11--  洪洞县人民政府副县长"),
    # sentence style, YYYYMM-YYYYMM and 年月至今, 研究生, a democratic party in 现任职务
    "B02": _form(
        JiGuan="山西临汾", RuDangShiJian="2001.07", QuanRiZhiJiaoYu_XueLi="研究生",
        XianRenZhiWu="政协洪洞县委员会副主席（民建会员）",
        NianDuKaoHeJieGuo="2023年年度考核称职;2024年年度考核优秀;2025年年度考核称职。",
        JianLi="200008-200803 洪洞县教育局科员\n"
               "200803-201608 洪洞县大槐树镇镇长\n"
               "2016年8月至今 政协洪洞县委员会副主席"),
    # em dash, ～, 至, an open "—", 大学本科, a bureau career ending in the city
    "C03": _form(
        JiGuan="山西省浮山县", QuanRiZhiJiaoYu_XueLi="大学本科", ZhengZhiMianMao="中共党员",
        XianRenZhiWu="临汾市财政局局长", NianDuKaoHeJieGuo="2024年、2025年年度考核均为合格",
        JianLi="2005.7—2010.3 洪洞县财政局副局长\n"
               "2010.03～2015.06 洪洞县财政局局长\n"
               "2015.06至2019.12 临汾市财政局副局长\n"
               "2019.12— 临汾市财政局局长"),
    # 硕士研究生, a wrapped line the reader cannot date, a title no catalogue knows
    "D04": _form(
        JiGuan="河北石家庄", QuanRiZhiJiaoYu_XueLi="硕士研究生", RuDangShiJian="2004.06",
        XianRenZhiWu="洪洞县委组织部副部长",
        JianLi="2006.07--2012.05 洪洞县委组织部干事\n"
               "2012.05-- 洪洞县委组织部副部长\n"
               "    兼县委老干部局局长"),
}


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("forms")
    forms, ds = base / "forms", base / "ds"
    forms.mkdir()
    ds.mkdir()
    for cid, text in FORMS.items():
        (forms / f"{cid}.lrmx").write_text(text, "utf-8")
    shutil.copy(LINFEN / "teams.csv", ds)
    pd.read_csv(LINFEN / "posts.csv", dtype=str, keep_default_na=False).assign(
        incumbent_id="").to_csv(ds / "posts.csv", index=False)
    (ds / "regions.csv").write_text("region,name\nR00,临汾市\n", "utf-8")
    import_folder(forms, ds)
    report = pd.read_csv(ds / "lrmx_import.csv", dtype=str, keep_default_na=False)
    return {"ds": ds, "cadres": pd.read_csv(ds / "cadres.csv", dtype=str,
                                            keep_default_na=False).set_index("cadre_id"),
            "report": report}


def _row(imported, cid: str) -> dict:
    return imported["cadres"].loc[cid].to_dict()


def test_list_style_form_with_in_service_study(imported):
    r = _row(imported, "A01")
    # 副县长 is a post of R07-ZF (洪洞县人民政府) in the data set: 副处
    assert (r["region"], r["rank"], r["system"]) == ("R07", "副处", "政府")
    assert (r["home_region"], r["education"], r["party"]) == ("R07", "bachelor", "cpc")
    # the open line 2019.11-- is the post held; the run of government lines starts 2016.08;
    # the rank run (副处 since 2016.08) is bounded by the 正科 township secretary line
    assert (r["post_since"], r["team_since"], r["rank_since"]) == (
        "2019-11-01", "2016-08-01", "2016-08-01")
    assert r["township_head"] == "true"
    if SECRETARY:
        assert r["secretary_exp"] == "true"
    assert (r["assessments"], r["assessment_year"]) == ("优秀;称职;优秀", "2025")


def test_sentence_style_form_with_a_democratic_party_in_the_post(imported):
    r = _row(imported, "B02")
    assert (r["party"], r["education"]) == ("民建", "postgraduate")  # not the date's cpc
    assert (r["region"], r["rank"], r["system"]) == ("R07", "副处", "政协")
    assert r["home_region"] == "R00"  # 临汾 is the stem of 临汾市 (regions.csv)
    assert (r["post_since"], r["team_since"], r["rank_since"]) == (
        "2016-08-01", "2016-08-01", "2016-08-01")
    # 镇长 is a township head but no party secretary
    assert r["township_head"] == "true"
    if SECRETARY:
        assert r["secretary_exp"] == "false"
    assert (r["assessments"], r["assessment_year"]) == ("称职;优秀;称职", "2025")


def test_dash_styles_and_a_city_bureau(imported):
    r = _row(imported, "C03")
    # 局长 of the city (临汾市 has no county teams) is 正处; the line before is 副处
    assert (r["region"], r["rank"], r["system"]) == ("R00", "正处", "财政")
    assert (r["post_since"], r["rank_since"], r["team_since"]) == ("2019-12-01", "2019-12-01",
                                                                   "")
    assert (r["home_region"], r["education"]) == ("R10", "bachelor")  # 浮山县 is R10
    assert r["township_head"] == "false"  # every line read, none a township head
    assert (r["assessments"], r["assessment_year"]) == ("称职;称职", "2025")


def test_unreadable_lines_and_unknown_titles_are_listed_not_guessed(imported):
    r = _row(imported, "D04")
    assert (r["region"], r["system"], r["education"]) == ("R07", "组织", "postgraduate")
    assert r["rank"] == "" and r["rank_since"] == ""  # 副部长 of a county department: unknown
    assert r["home_region"] == ""  # 石家庄 is no region of the data set
    assert r["post_since"] == "2012-05-01"
    assert r["township_head"] == ""  # line 3 could not be read: no "false" on a guess
    rep = imported["report"][imported["report"]["cadre_id"] == "D04"]
    listed = set(zip(rep["field"], rep["status"], rep["detail"], strict=True))
    assert ("JianLi", "unreadable", "line 3: 兼县委老干部局局长") in listed
    assert ("XianRenZhiWu", "unplaced",
            "no title of the catalogue: rank and team kind left empty") in listed
    assert ("township_head", "left empty", "a 简历 line could not be read or placed") in listed


def test_each_derived_value_names_its_source(imported):
    rep = imported["report"]
    a = rep[(rep["cadre_id"] == "A01") & (rep["status"] == "derived")].set_index("field")
    assert (a.at["rank", "value"], a.at["rank", "detail"]) == (
        "副处", "from 现任职务 (the data set's post)")
    assert (a.at["post_since", "value"], a.at["post_since", "detail"]) == (
        "2019-11-01", "from 简历 line 6")
    assert a.at["township_head", "detail"] == "from 简历 line 3"
    assert a.at["team_kind", "value"] == "county_gov"
    status = "derived" if SECRETARY else "derived, not written"
    assert rep[(rep["cadre_id"] == "A01") & (rep["field"] == "secretary_exp")][
        "status"].tolist() == [status]


def test_export_data_writes_the_incomplete_set_and_validate_names_the_rest(imported,
                                                                           tmp_path):
    out = tmp_path / "book.xlsx"
    res = CliRunner().invoke(app, ["export-data", str(imported["ds"]), "--out", str(out),
                                   "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "incomplete" in res.output
    book = openpyxl.load_workbook(out)
    assert "to_fill" in book.sheetnames
    cadres = book["cadres"]
    headers = [c.value for c in cadres[1]]
    cell = cadres.cell(row=2, column=headers.index("file_ok") + 1)
    assert cell.value is None and cell.fill.fgColor.rgb.endswith("FFC7CE")  # marked
    with pytest.raises(InputError) as err:
        load_dataset(out)
    left = {p.column for p in err.value.problems}
    # four forms: the planner's flags, and what D04's form could not say
    assert left == {"file_ok", "matters_ok", "candidate", "rank", "rank_since",
                    "home_region", "township_head"}  # `leaving` is derived (false)


# ------------------------------------------------------------------ the readers alone


@pytest.mark.parametrize("line,start,end", [
    ("1997.07--2003.05  洪洞县农业局干部", "1997-07-01", "2003-05-01"),
    ("1997.7-2003.5 洪洞县农业局干部", "1997-07-01", "2003-05-01"),
    ("199707-200305  洪洞县农业局干部", "1997-07-01", "2003-05-01"),
    ("1997.07——2003.05 洪洞县农业局干部", "1997-07-01", "2003-05-01"),
    ("1997.07～2003.05 洪洞县农业局干部", "1997-07-01", "2003-05-01"),
    ("1997年7月至2003年5月 洪洞县农业局干部", "1997-07-01", "2003-05-01"),
    ("2016.06--  洪洞县委副书记", "2016-06-01", None),
    ("2016.06至今 洪洞县委副书记", "2016-06-01", None),
])
def test_resume_dates_in_every_style(line, start, end):
    (entry,) = read_resume(line).entries
    assert (entry.start, entry.end, entry.open) == (start, end, end is None)


def test_resume_sets_study_apart_and_reports_bad_lines():
    r = read_resume("2003.05--2010.12 洪洞县大槐树镇副镇长（其间：2005.09--2008.07在职学习）\n"
                    "2010.13--2012.01 洪洞县\n"
                    "2012.01--2010.01 倒序\n"
                    "2012.01--  洪洞县大槐树镇镇长")
    assert [(e.line, e.unit, e.post) for e in r.entries] == [
        (1, "洪洞县大槐树镇", "副镇长"), (4, "洪洞县大槐树镇", "镇长")]
    assert [(s.start, s.end) for s in r.study] == [("2005-09-01", "2008-07-01")]
    assert r.unreadable == [(2, "2010.13--2012.01 洪洞县"), (3, "2012.01--2010.01 倒序")]


@pytest.fixture(scope="module")
def reader() -> TitleReader:
    teams = pd.read_csv(LINFEN / "teams.csv", dtype=str, keep_default_na=False)
    posts = pd.read_csv(LINFEN / "posts.csv", dtype=str, keep_default_na=False)
    return TitleReader(places_of(teams, {"R00": "临汾市"}), teams, posts)


@pytest.mark.parametrize("text,region,kind,grade,rank", [
    ("洪洞县委书记", "R07", "county_party", "head", "正处"),
    ("洪洞县委常委、组织部部长", "R07", "county_party", "deputy", "副处"),
    ("洪洞县人民政府县长", "R07", "county_gov", "head", "正处"),
    ("洪洞县人民政府常务副县长", "R07", "county_gov", "deputy", "副处"),
    ("洪洞县人大常委会主任", "R07", "county_npc", "head", "正处"),
    ("洪洞县大槐树镇镇长", "R07", "township", "head", "正科"),
    ("洪洞县大槐树镇副镇长", "R07", "township", "deputy", "副科"),
    ("洪洞县万安镇党委书记", "R07", "township", "head", "正科"),
    ("洪洞县财政局局长", "R07", "dept", "head", "正科"),
    ("临汾市财政局副局长", "R00", "dept", "deputy", "副处"),
    ("临汾市委书记", "R00", "county_party", "head", "正厅"),  # the city: a prefecture
    ("洪洞县审计局负责人（正科级）", "R07", "", "", "正科"),
    # a street (街道) is the urban township: its heads are 正科 like a township's
    ("尧都区鼓楼街道党工委书记", "R01", "street", "head", "正科"),
    ("尧都区鼓楼街道党工委副书记、办事处主任", "R01", "street", "head", "正科"),
    ("尧都区鼓楼街道办事处副主任", "R01", "street", "deputy", "副科"),
    ("洪洞县大槐树镇党委副书记、镇长", "R07", "township", "head", "正科"),  # the head post
    ("县委宣传部干事", "", "", "", ""),
])
def test_titles(reader, text, region, kind, grade, rank):
    t = reader.read(text)
    assert (t.region, t.kind, t.grade, t.rank) == (region, kind, grade, rank)


@pytest.mark.parametrize("fields,leaving,source", [
    ({}, "false", "no 拟免职务 or 任免理由 names a departure; age is R-EL7's"),
    ({"NiMianZhiWu": "洪洞县人民政府副县长", "RenMianLiYou": "到龄退休"}, "true",
     "from 任免理由"),
    ({"NiMianZhiWu": "洪洞县人民政府副县长（辞职）"}, "true", "from 拟免职务"),
    ({"NiMianZhiWu": "洪洞县人民政府副县长"}, "true", "from 拟免职务 (no 拟任职务)"),
    # a move: 免去 the old post for a new one is no departure
    ({"NiRenZhiWu": "洪洞县委常委", "NiMianZhiWu": "洪洞县人民政府副县长",
      "RenMianLiYou": "平级交流"}, "false",
     "no 拟免职务 or 任免理由 names a departure; age is R-EL7's"),
])
def test_leaving_comes_from_the_proposal_fields(reader, fields, leaving, source):
    d = derive({"XianRenZhiWu": "洪洞县人民政府副县长"} | fields, reader, DERIVED_COLUMNS)
    assert (d.values["leaving"], d.sources["leaving"]) == (leaving, source)


def _import_heads(tmp_path, forms: dict[str, str], incumbents: bool) -> tuple:
    src, ds = tmp_path / "forms", tmp_path / "ds"
    src.mkdir(parents=True)
    ds.mkdir()
    for cid, post in forms.items():
        (src / f"{cid}.lrmx").write_text(_form(XianRenZhiWu=post), "utf-8")
    shutil.copy(LINFEN / "teams.csv", ds)
    posts = pd.read_csv(LINFEN / "posts.csv", dtype=str, keep_default_na=False)
    (posts if incumbents else posts.assign(incumbent_id="")).to_csv(ds / "posts.csv",
                                                                     index=False)
    rep = import_folder(src, ds)
    report = pd.read_csv(ds / "lrmx_import.csv", dtype=str, keep_default_na=False)
    report = report[report["field"] == "posts.incumbent_id"].set_index("cadre_id")
    held = pd.read_csv(ds / "posts.csv", dtype=str, keep_default_na=False).set_index(
        "post_id")["incumbent_id"]
    return rep, report, held


def test_the_current_post_gets_its_incumbent_when_one_vacant_post_matches(tmp_path):
    rep, report, held = _import_heads(tmp_path, {"H01": "洪洞县人民政府县长",
                                                 "H02": "洪洞县人民政府副县长"}, False)
    # R07-ZF has one 县长 (R07-ZF-01) and four posts titled 副县长 (R07-ZF-04 … 07)
    assert rep.incumbents == 1 and held["R07-ZF-01"] == "H01"
    assert (report.at["H01", "status"], report.at["H01", "detail"]) == (
        "derived", "post R07-ZF-01 from 现任职务")
    assert report.at["H02", "status"] == "ambiguous"
    assert report.at["H02", "detail"] == ("4 posts of R07-ZF are 副县长 (4 vacant): "
                                          "incumbent_id left to the planner")
    assert (held[["R07-ZF-04", "R07-ZF-05", "R07-ZF-06", "R07-ZF-07"]] == "").all()


def test_a_held_post_or_two_claims_are_reported_never_guessed(tmp_path):
    rep, report, held = _import_heads(tmp_path / "a", {"H01": "洪洞县人民政府县长"}, True)
    assert rep.incumbents == 0 and held["R07-ZF-01"] == "LF00167"  # unchanged
    assert report.at["H01", "detail"] == ("post R07-ZF-01 (县长) is held by LF00167 in the "
                                          "data set")
    rep, report, held = _import_heads(tmp_path / "b", {"H01": "洪洞县人民政府县长",
                                                       "H03": "洪洞县人民政府县长"}, False)
    assert rep.incumbents == 0 and held["R07-ZF-01"] == ""
    assert report["status"].tolist() == ["ambiguous", "ambiguous"]


def test_street_heads_count_as_township_heads(reader):
    # seed 004 counts "乡镇(街道)党(工)委书记经历": a street's 党工委书记 is a party secretary
    # of the urban township, its 办事处主任 the township head
    resume = ("2010.01--2015.01 尧都区鼓楼街道党工委副书记、办事处主任\n"
              "2015.01--2018.01 尧都区鼓楼街道党工委书记\n"
              "2018.01-- 尧都区财政局局长")
    d = derive({"XianRenZhiWu": "尧都区财政局局长", "JianLi": resume}, reader, DERIVED_COLUMNS)
    assert (d.values["township_head"], d.sources["township_head"]) == ("true",
                                                                       "from 简历 line 1")
    assert (d.values["secretary_exp"], d.sources["secretary_exp"]) == ("true",
                                                                       "from 简历 line 2")
    d = derive({"XianRenZhiWu": "尧都区财政局局长", "JianLi": resume.replace("党工委书记\n",
                "党工委委员\n")}, reader, DERIVED_COLUMNS)
    # line 1 is a head, no secretary; line 2 names a street post no catalogue knows
    assert d.values["township_head"] == "true" and "secretary_exp" not in d.values


def test_a_half_filled_workbook_is_written_again_with_what_is_left(imported, tmp_path):
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    runner = CliRunner()
    assert runner.invoke(app, ["export-data", str(imported["ds"]), "--out", str(first),
                               "--lang", "en"]).exit_code == 0
    book = openpyxl.load_workbook(first)  # the planner fills file_ok and matters_ok
    sheet = book["cadres"]
    headers = [c.value for c in sheet[1]]
    for column in ("file_ok", "matters_ok"):
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row=row, column=headers.index(column) + 1).value = "true"
    book.save(first)
    res = runner.invoke(app, ["export-data", str(first), "--out", str(second), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "incomplete" in res.output
    again = openpyxl.load_workbook(second)
    cells = again["cadres"]
    cell = cells.cell(row=2, column=headers.index("candidate") + 1)
    assert cell.value is None and cell.fill.fgColor.rgb.endswith("FFC7CE")  # still marked
    assert cells.cell(row=2, column=headers.index("file_ok") + 1).value in (True, "true")
    listed = [r[2] for r in again["to_fill"].iter_rows(min_row=2, values_only=True)]
    with pytest.raises(InputError) as err:
        load_dataset(second)
    left = {p.column for p in err.value.problems}
    # what the first export listed, less the two columns filled in Excel
    assert left == set(listed) == {"candidate", "rank", "rank_since", "home_region",
                                   "township_head"}


def test_a_non_party_form_in_a_party_office_is_a_warning_without_the_name(tmp_path):
    src, ds = tmp_path / "forms", tmp_path / "ds"
    src.mkdir()
    ds.mkdir()
    shutil.copy(LINFEN / "teams.csv", ds)
    (src / "王晓明.lrmx").write_text(_form(XingMing="王晓明", ZhengZhiMianMao="民建会员",
                                           XianRenZhiWu="洪洞县大槐树镇党委书记"), "utf-8")
    (src / "E05.lrmx").write_text(_form(RuDangShiJian="民盟",
                                        XianRenZhiWu="洪洞县委常委、统战部部长"), "utf-8")
    (src / "E06.lrmx").write_text(_form(XianRenZhiWu="政协洪洞县委员会副主席（民建会员）"),
                                  "utf-8")
    for lang, text in (("zh", "现任职务为党内职务，但政治面貌不是中共党员（R-EL10）"),
                       ("en", "现任职务 names a Party office but the party read is not CPC")):
        res = CliRunner().invoke(app, ["import-lrmx", str(src), "--out", str(ds),
                                       "--lang", lang])
        assert res.exit_code == 0, res.output
        warned = [line for line in res.output.splitlines() if text in line]
        # 镇党委书记 by its title, 县委常委 by its team; 政协副主席 is no Party office
        assert len(warned) == 2, res.output
        # files in name order, each by its file name (the planner's own input, issue 27);
        # the name read from inside the form is never repeated
        assert warned[0].startswith("E05.lrmx") and warned[1].startswith("王晓明.lrmx")
        assert "王晓明" not in res.output.replace("王晓明.lrmx", "")
    rep = pd.read_csv(ds / "lrmx_import.csv", dtype=str, keep_default_na=False)
    flagged = rep[(rep["field"] == "party") & (rep["status"] == "warning")]
    assert sorted(flagged["cadre_id"].str[:5]) == ["E05", "LRMX-"]
