"""任免审批表 (.lrmx): import of hand-made sample files, value readers, and export.

tests/data/lrmx/good holds three forms: C001 (a CPC member, UTF-8, with his
wife among the family members), C002 (his wife, a 民盟 member, GB2312 with
CRLF line ends) and 孙建平.lrmx (named after the person, no education, empty
assessments, an unknown field). tests/data/lrmx/bad adds a malformed birth
date (D001), broken XML (D002) and an old text .lrm (D003) to a good file.
The ID numbers in the samples are fake and start with 999999.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from test_report_xlsx import solve_mini
from typer.testing import CliRunner

from cli import app
from placement.data.errors import InputError
from placement.data.loader import load_dataset
from placement.export.lrmx.import_ import import_folder
from placement.export.lrmx.read import cadre_id_for, read_person
from placement.export.lrmx.values import read_assessments, read_date, read_kin, read_party

SAMPLES = Path(__file__).parent / "data" / "lrmx"
GOOD, BAD = SAMPLES / "good", SAMPLES / "bad"
MINI = Path(__file__).parent / "data" / "mini"
SECRETS = ("99999919", "RkFLRS1QSE9UTy")  # ID numbers and the photo's Base64
NAMED = cadre_id_for(Path("孙建平.lrmx"))


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ds")
    import_folder(GOOD, out)
    return out


# ------------------------------------------------------------------ import


def test_forms_become_cadre_rows(imported):
    cadres = _csv(imported / "cadres.csv").set_index("cadre_id")
    assert list(cadres.index) == ["C001", "C002", NAMED]
    c1, c2 = cadres.loc["C001"], cadres.loc["C002"]
    assert (c1["name"], c1["gender"], c1["birth_date"]) == ("赵文涛", "M", "1975-03-01")
    assert (c1["party"], c1["education"]) == ("cpc", "bachelor")
    assert c1["specialties"] == "经济管理;党建"
    assert (c1["assessments"], c1["assessment_year"]) == ("优秀;称职;优秀", "2025")
    # the non-CPC member: RuDangShiJian holds the democratic party's name
    assert (c2["party"], c2["gender"], c2["birth_date"]) == ("民盟", "F", "1977-08-01")
    assert (c2["education"], c2["assessments"]) == ("postgraduate", "称职;称职;称职")
    # columns no form fills are left for the planner
    assert c1["rank"] == "" and c1["region"] == ""


def test_family_member_who_is_a_cadre_gives_one_relation(imported):
    rel = _csv(imported / "relations.csv")
    assert rel.values.tolist() == [["C001", "C002", "spouse"]]


def test_a_file_named_after_the_person_gets_an_id_without_the_name(imported):
    assert re.fullmatch(r"LRMX-[0-9A-F]{10}", NAMED)
    sources = _csv(imported / "lrmx_sources.csv").set_index("cadre_id")
    assert sources.loc[NAMED, "file"].endswith("孙建平.lrmx")
    assert sources.loc["C002", "encoding"] == "gb18030"


def test_every_unmapped_field_is_reported_per_file(imported):
    report = _csv(imported / "lrmx_import.csv")
    report = report.drop_duplicates(["cadre_id", "field"])  # the first row per field
    named = report[report["cadre_id"] == NAMED].set_index("field")["status"]
    assert named["QuanRiZhiJiaoYu_XueLi"] == "missing"
    assert named["NianDuKaoHeJieGuo"] == "missing"
    assert named["BeiZhu"] == "unknown"
    assert named["XianRenZhiWu"] == "derived"
    c1 = report[report["cadre_id"] == "C001"].set_index("field")["status"]
    assert c1["JianLi"] == "derived" and c1["ShenFenZheng"] == "sensitive"
    assert c1["MinZu"] == "kept"
    assert c1["XingMing"] == "mapped"


def test_missing_fields_are_warnings_that_name_id_and_field():
    person = read_person(GOOD / "孙建平.lrmx")
    assert not person.errors
    codes = {(w.code, w.column) for w in person.warnings}
    assert ("lrmx_missing_optional", "QuanRiZhiJiaoYu_XueLi") in codes
    assert ("lrmx_unknown_field", "BeiZhu") in codes
    # a form is named by its file name, the planner's own input (issue 27: the id it gets
    # sent the planner to lrmx_import.csv to find the file)
    assert all(w.source == "孙建平.lrmx" for w in person.warnings)


def test_bad_files_give_a_clear_error_per_file(tmp_path):
    with pytest.raises(InputError) as err:
        import_folder(BAD, tmp_path / "ds")
    problems = {p.source: p for p in err.value.problems}
    assert set(problems) == {"D001.lrmx", "D002.lrmx", "D003.lrm"}
    date = problems["D001.lrmx"]
    assert (date.code, date.column) == ("lrmx_bad_date", "ChuShengNianYue")
    assert "'1975-13'" in date.render("en") and "YYYYMM" in date.render("en")
    assert "出生年月" in date.render("zh")
    assert problems["D002.lrmx"].code == "lrmx_bad_xml"
    assert "line 6" in problems["D002.lrmx"].render("en")
    assert problems["D003.lrm"].code == "lrmx_lrm_text"
    # nothing imported, only the per-file report
    assert sorted(p.name for p in (tmp_path / "ds").iterdir()) == ["lrmx_import.csv"]


def test_cli_import_shows_ids_only_and_never_secrets(tmp_path):
    res = CliRunner().invoke(app, ["import-lrmx", str(GOOD), "--out", str(tmp_path / "ds"),
                                   "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "3 new cadres" in res.output and "rank" in res.output  # columns to fill in
    assert "0 posts' incumbent filled" in res.output  # a new data set: no posts to link
    # No value read from a form and no name is shown; a form is named by its file name
    # (the planner's own input: 孙建平.lrmx), never by what it holds (issue 27).
    assert "孙建平.lrmx" in res.output
    for text in ("赵文涛", "钱丽华", "孙建平", *SECRETS):
        assert text not in res.output.replace("孙建平.lrmx", "")
    bad = CliRunner().invoke(app, ["import-lrmx", str(BAD), "--out", str(tmp_path / "b"),
                                   "--lang", "zh"])
    assert bad.exit_code == 3 and "D001.lrmx，列 ChuShengNianYue" in bad.output
    assert "Traceback" not in bad.output
    assert "李志国" not in bad.output


def test_no_written_file_holds_an_id_number_or_photo(imported):
    for path in imported.iterdir():
        text = path.read_text("utf-8-sig")
        assert not any(s in text for s in SECRETS), path.name


def test_import_updates_an_existing_data_set(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    forms = tmp_path / "forms"
    forms.mkdir()
    shutil.copy(GOOD / "C002.lrmx", forms / "0002.lrmx")  # 0002 is a woman in the mini set
    before = _csv(data / "cadres.csv").set_index("cadre_id")
    rep = import_folder(forms, data)
    assert (rep.new, rep.updated) == ([], ["0002"])
    after = _csv(data / "cadres.csv").set_index("cadre_id")
    # the planner's columns keep their order; an optional column the form gives a value for
    # (secretary_exp, from 简历) is added after them, empty ("not known") for the others
    added = list(after.columns[len(before.columns):])
    assert list(after.columns[:len(before.columns)]) == list(before.columns)
    assert added == ["secretary_exp"] and list(after.index) == list(before.index)
    assert (after.drop(index="0002")[added] == "").all().all()
    assert after.loc["0002", "party"] == "民盟" and after.loc["0002", "name"] == "钱丽华"
    assert after.loc["0002", "rank"] == before.loc["0002", "rank"]  # not in the form: kept
    assert after.drop(index="0002")[before.columns].equals(before.drop(index="0002"))
    load_dataset(data)  # still a valid data set


# ------------------------------------------------------------------ value readers


@pytest.mark.parametrize("text,iso", [
    ("197503", "1975-03-01"), ("1975.03", "1975-03-01"), ("1975.3", "1975-03-01"),
    ("1975-03-15", "1975-03-15"), ("19750315", "1975-03-15"), ("1975年3月", "1975-03-01"),
    ("1975-13", None), ("197513", None), ("1975.02.30", None), ("七五年", None), ("", None),
])
def test_read_date(text, iso):
    assert read_date(text) == iso


@pytest.mark.parametrize("status,joined,party", [
    ("", "199806", "cpc"), ("", "1998.06", "cpc"), ("", "民盟", "民盟"),
    ("", "中国民主同盟", "民盟"), ("", "九三学社", "九三学社"), ("", "无党派人士", "无党派"),
    ("中共党员", "", "cpc"), ("群众", "", "群众"), ("", "", None), ("", "不详", None),
])
def test_read_party(status, joined, party):
    assert read_party(status, joined) == party


def test_read_assessments_and_kin():
    assert read_assessments("2021年度考核称职；2023年度考核优秀；2022年度考核基本称职。") == (
        ("优秀", "基本称职", "称职"), 2023)
    assert read_assessments("2023年、2024年、2025年年度考核均为合格") == (("称职",) * 3, 2025)
    assert read_assessments("近三年考核情况良好") is None
    assert [read_kin(w) for w in ("妻子", "父亲", "长女", "表哥", "岳母", "邻居")] == [
        "spouse", "parent", "child", "cousin", "in_law", None]


# ------------------------------------------------------------------ export


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A solved mini result, forms for four moving cadres, imported and exported.

    No one leaves the mini roster without a cause (issue 24), so the copy marks 赵磊
    (0007, 副县长 P07) `leaving`: his form is the one with a 拟免 and no 拟任 post."""
    base = tmp_path_factory.mktemp("export")
    result = solve_mini(base, leaving=("0007",))
    moves = _csv(result / "moves.csv")
    moving = moves[(moves["from_post"] != "") & (moves["to_post"] != "")]["cadre_id"].tolist()
    newcomer = moves[moves["from_post"] == ""]["cadre_id"].iat[0]
    released = moves[moves["to_post"] == ""]["cadre_id"].iat[0]
    forms = base / "forms"
    forms.mkdir()
    picks = {moving[0]: "C001.lrmx", moving[1]: "C002.lrmx", newcomer: "孙建平.lrmx",
             released: "C001.lrmx"}
    for cid, sample in picks.items():
        shutil.copy(GOOD / sample, forms / f"{cid}.lrmx")
    shutil.copy(GOOD / "C001.lrmx", forms / "9999.lrmx")  # not a cadre who moves
    import_folder(forms, base / "forms_ds")
    out = base / "out"
    res = CliRunner().invoke(app, ["export-lrmx", str(result), "--out", str(out), "--sources",
                                   str(base / "forms_ds" / "lrmx_sources.csv"), "--lang", "en"])
    assert res.exit_code == 0, res.output
    return {"forms": forms, "out": out, "picks": picks, "output": res.output, "result": result,
            "moves": moves.set_index("cadre_id")}


EXPORT_FIELD = re.compile(
    r"[ \t]*<(NiRenZhiWu|NiMianZhiWu|RenMianLiYou)(\s[^>]*)?(/>|>.*?</\1>)[ \t]*\r?\n?", re.S)


def _field(text: str, name: str) -> str:
    m = re.search(rf"<{name}>(.*?)</{name}>", text, re.S)
    return m.group(1) if m else ""


def test_export_writes_a_form_per_moving_cadre(exported):
    written = sorted(p.stem for p in exported["out"].glob("*.lrmx"))
    assert written == sorted(exported["picks"])  # 9999 does not move: no form
    assert "wrote 4 forms" in exported["output"]
    for secret in SECRETS:
        assert secret not in exported["output"]


def test_export_changes_only_the_proposal_fields(exported):
    for cid in exported["picks"]:
        old_bytes = (exported["forms"] / f"{cid}.lrmx").read_bytes()
        new_bytes = (exported["out"] / f"{cid}.lrmx").read_bytes()
        codec = "gb18030" if b'encoding="gb2312"' in old_bytes else "utf-8"
        old, new = old_bytes.decode(codec), new_bytes.decode(codec)
        assert EXPORT_FIELD.sub("", old) == EXPORT_FIELD.sub("", new), cid
        assert new_bytes[:40] == old_bytes[:40]  # declaration and encoding kept


def test_export_fills_the_fields_from_the_proposal(exported):
    moves, posts = exported["moves"], _csv(MINI / "posts.csv").set_index("post_id")
    teams = _csv(MINI / "teams.csv").set_index("team_id")["name"]

    def shown(post: str) -> str:
        return f"{teams[posts.at[post, 'team_id']]}{posts.at[post, 'title']}" if post else ""

    for cid in exported["picks"]:
        raw = (exported["out"] / f"{cid}.lrmx").read_bytes()
        text = raw.decode("gb18030" if b"gb2312" in raw[:60] else "utf-8")
        move = moves.loc[cid]
        assert _field(text, "NiRenZhiWu") == shown(move["to_post"]), cid
        assert _field(text, "NiMianZhiWu") == shown(move["from_post"]), cid
        reason = _field(text, "RenMianLiYou")
        # the move's own reason in words: no score, formula or rule id ("人岗相适 54",
        # "专业0.50×0.35", "R-TC5" stay in moves.csv's own columns)
        assert reason == move["reason_zh"], cid
        assert not re.search(r"[0-9×]|R-[A-Z]|人岗相适", reason), reason
        assert not move["to_post"] or shown(move["to_post"]) in reason, reason  # the post taken


def test_export_without_sources_exits_3(exported, tmp_path):
    res = CliRunner().invoke(app, ["export-lrmx", str(exported["result"]), "--out",
                                   str(tmp_path / "o"), "--lang", "en"])
    assert res.exit_code == 3 and "lrmx_sources.csv" in res.output
    assert "Traceback" not in res.output
