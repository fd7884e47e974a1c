"""A data set built from a folder of 任免审批表 and a teams/posts workbook or data set
(`api.import_forms`, `placement import-lrmx --posts`; issue 26 item 3).

The forms are made from tests/data/lrmx/good/C001.lrmx (洪洞县委副书记, a full 简历) with
the name and birth month replaced; the data set is tests/data/mini, where 0002 is
李秀英 born 1976-08-15 and 0003 is 张伟 born 1978-11-01.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from cli import app
from placement import api
from placement.data.errors import InputError
from placement.data.loader import load_dataset
from tests.builders import posts_workbook

ROOT = Path(__file__).parent / "data"
MINI, TEMPLATE = ROOT / "mini", ROOT / "lrmx" / "good" / "C001.lrmx"


def form(folder: Path, file: str, name: str, born: str) -> Path:
    """A form for `name` born `born` (YYYYMM) saved as `file` in `folder`."""
    text = TEMPLATE.read_text("utf-8").replace("<XingMing>赵文涛</XingMing>",
                                               f"<XingMing>{name}</XingMing>", 1)
    text = text.replace("<ChuShengNianYue>197503</ChuShengNianYue>",
                        f"<ChuShengNianYue>{born}</ChuShengNianYue>", 1)
    folder.mkdir(exist_ok=True)
    (folder / file).write_text(text, "utf-8")
    return folder / file


def cadres(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "cadres.csv", dtype=str, keep_default_na=False,
                       encoding="utf-8-sig").set_index("cadre_id")


def checksums(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def with_cadre(tmp_path: Path, cadre_id: str, name: str, born: str) -> Path:
    """The mini data set with one more cadre (a copy of 0003 with another id, name, birth)."""
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    frame = pd.read_csv(data / "cadres.csv", dtype=str, keep_default_na=False)
    row = frame[frame["cadre_id"] == "0003"].copy()
    row[["cadre_id", "name", "birth_date"]] = [cadre_id, name, born]
    pd.concat([frame, row]).to_csv(data / "cadres.csv", index=False)
    return data


def test_a_form_is_matched_by_name_and_birth_month_not_its_file_name(tmp_path):
    forms = tmp_path / "forms"
    form(forms, "0007.lrmx", "李秀英", "197608")  # named after another cadre's id
    before = checksums(MINI)
    rep = api.import_forms(forms, MINI, tmp_path / "ds")
    assert rep.added == [] and list(rep.changed) == ["0002"]
    assert "specialties" in rep.changed["0002"] and "name" not in rep.changed["0002"]
    after, old = cadres(tmp_path / "ds"), cadres(MINI)
    assert list(after.index) == list(old.index)  # nobody added
    assert after.loc["0002", "specialties"] == "经济管理;党建"  # from the form
    # the form's 197608 is her month: the data set's exact day is kept, not changed
    assert after.loc["0002", "birth_date"] == "1976-08-15"
    assert "birth_date" not in rep.changed["0002"]
    assert after.loc["0007", old.columns].equals(old.loc["0007"])  # the file's namesake
    assert checksums(MINI) == before  # the source is never modified
    load_dataset(tmp_path / "ds")


def test_two_people_of_one_name_are_told_apart_by_birth_month(tmp_path):
    data = with_cadre(tmp_path, "0099", "张伟", "1985-04-01")
    forms = tmp_path / "forms"
    form(forms, "a.lrmx", "张伟", "198504")
    form(forms, "b.lrmx", "张伟", "197811")
    rep = api.import_forms(forms, data, tmp_path / "ds")
    assert rep.added == [] and sorted(rep.changed) == ["0003", "0099"]
    sources = pd.read_csv(tmp_path / "ds" / "lrmx_sources.csv", dtype=str)
    assert dict(zip(sources["cadre_id"], sources["file"].map(lambda f: Path(f).name),
                    strict=True)) == {"0099": "a.lrmx", "0003": "b.lrmx"}


def test_an_ambiguous_match_is_an_error_naming_the_file(tmp_path):
    data = with_cadre(tmp_path, "0099", "张伟", "1978-11-20")  # same name, same month
    forms = tmp_path / "forms"
    form(forms, "张伟.lrmx", "张伟", "197811")
    with pytest.raises(InputError) as err:
        api.import_forms(forms, data, tmp_path / "ds")
    (p,) = err.value.problems
    assert p.code == "forms_ambiguous" and p.source == "张伟.lrmx"
    text = err.value.render("zh")
    assert "0003" in text and "0099" in text
    assert not (tmp_path / "ds").exists()
    assert [q.name for q in tmp_path.iterdir() if q.name.startswith(".")] == []


def test_two_forms_of_one_cadre_are_an_error_naming_both(tmp_path):
    forms = tmp_path / "forms"
    form(forms, "x.lrmx", "李秀英", "197608")
    form(forms, "y.lrmx", "李秀英", "1976.08")
    with pytest.raises(InputError) as err:
        api.import_forms(forms, MINI, tmp_path / "ds")
    (p,) = err.value.problems
    assert (p.code, p.source, p.params["other"]) == ("forms_same_cadre", "y.lrmx", "x.lrmx")
    assert not (tmp_path / "ds").exists()
    # the same for a person the data set does not hold yet: one new cadre, not two
    form(forms, "x.lrmx", "王小明", "198802")
    form(forms, "y.lrmx", "王小明", "198802")
    with pytest.raises(InputError) as err:
        api.import_forms(forms, MINI, tmp_path / "ds")
    (p,) = err.value.problems
    assert (p.code, p.source, p.params["other"]) == ("forms_same_cadre", "y.lrmx", "x.lrmx")


def test_new_cadres_get_stated_defaults_listed_for_confirmation(tmp_path):
    forms = tmp_path / "forms"
    form(forms, "新人.lrmx", "王小明", "198802")
    rep = api.import_forms(forms, MINI, tmp_path / "ds")
    (new,) = rep.added
    assert new.startswith("LRMX-") and rep.changed == {}
    given = {d.column: ids for d, ids in rep.defaults}
    assert {"file_ok", "matters_ok", "candidate"} <= set(given)
    assert given["candidate"] == [new]
    row = cadres(tmp_path / "ds").loc[new]
    assert (row["file_ok"], row["matters_ok"], row["candidate"]) == ("true",) * 3
    shown = rep.to_dict()
    d = next(d for d in shown["defaults"] if d["column"] == "file_ok")
    assert d["column_zh"] == "档案审核通过" and d["value_zh"] == "是" and "请核对" in d["why_zh"]
    assert "王小明" not in str(shown)
    load_dataset(tmp_path / "ds")


def test_a_posts_workbook_and_forms_build_a_data_set(tmp_path):
    book = posts_workbook(MINI)
    book.save(tmp_path / "posts.xlsx")
    forms = tmp_path / "forms"
    form(forms, "a.lrmx", "王小明", "198802")
    res = CliRunner().invoke(app, ["import-lrmx", str(forms), "--posts",
                                   str(tmp_path / "posts.xlsx"), "--out",
                                   str(tmp_path / "ds"), "--lang", "zh"])
    assert res.exit_code == 0, res.output
    assert "新增干部 1 名" in res.output and "默认值（请核对）file_ok" in res.output
    assert "王小明" not in res.output
    data = load_dataset(tmp_path / "ds")
    assert (len(data.table("teams")), len(data.table("cadres"))) == (4, 1)
    # the one vacant 洪洞县委副书记 post gets the cadre the form names as its holder
    assert rep_incumbent(tmp_path / "ds") == {"P02"}


def rep_incumbent(folder: Path) -> set[str]:
    posts = pd.read_csv(folder / "posts.csv", dtype=str, keep_default_na=False)
    return set(posts.loc[posts["incumbent_id"] != "", "post_id"])


def test_bad_input_names_the_file_sheet_row_and_column(tmp_path):
    forms = tmp_path / "forms"
    form(forms, "a.lrmx", "王小明", "198802")
    book = openpyxl.Workbook()
    book.active.title = "班子"
    book.active.append(["team_id"])
    book.save(tmp_path / "teams_only.xlsx")
    with pytest.raises(InputError) as err:
        api.import_forms(forms, tmp_path / "teams_only.xlsx", tmp_path / "ds")
    assert [p.params.get("table") for p in err.value.problems] == ["posts"]
    # a bad cell of the posts table: named by the source's file, row and column
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    posts = (data / "posts.csv").read_text("utf-8").replace("P02,T01,县委副书记,deputy",
                                                            "P02,T01,县委副书记,vice", 1)
    (data / "posts.csv").write_text(posts, "utf-8")
    with pytest.raises(InputError) as err:
        api.import_forms(forms, data, tmp_path / "ds")
    (p,) = err.value.problems
    assert (p.source, p.row, p.column) == (str(data / "posts.csv"), 3, "grade")
    # a form whose 现任职务 cannot be placed: no rank, region or system, named by the form
    text = (forms / "a.lrmx").read_text("utf-8").replace("洪洞县委副书记", "某某公司经理")
    (forms / "a.lrmx").write_text(text, "utf-8")
    with pytest.raises(InputError) as err:
        api.import_forms(forms, MINI, tmp_path / "ds")
    assert {(p.code, p.source) for p in err.value.problems} == {("forms_not_read", "a.lrmx")}
    assert {p.params["column"] for p in err.value.problems} >= {"rank", "region"}
    assert "王小明" not in err.value.render("zh")
    # an existing output folder is refused before anything is read
    (tmp_path / "ds").mkdir()
    with pytest.raises(InputError) as err:
        api.import_forms(forms, MINI, tmp_path / "ds")
    assert err.value.problems[0].code == "forms_out_exists"


def test_one_posts_table_with_team_columns_builds_a_data_set(tmp_path):
    """A single CSV, one row per post with its team's columns (班子名称, 班子类型 …), as a
    planner keeps it in Excel: split into teams and posts; a team's rows that disagree
    are named by row and column."""
    teams = pd.read_csv(MINI / "teams.csv", dtype=str, keep_default_na=False)
    posts = pd.read_csv(MINI / "posts.csv", dtype=str, keep_default_na=False)
    posts["incumbent_id"] = ""
    one = posts.merge(teams, on="team_id")
    zh = {"team_id": "班子编号", "name": "班子名称", "kind": "班子类型", "region": "所属地区",
          "system": "系统", "post_id": "职位编号", "title": "职务", "grade": "正副职",
          "rank": "职级"}
    one.rename(columns=zh).to_csv(tmp_path / "职位表.csv", index=False)
    forms = tmp_path / "forms"
    form(forms, "a.lrmx", "王小明", "198802")
    rep = api.import_forms(forms, tmp_path / "职位表.csv", tmp_path / "ds")
    data = load_dataset(tmp_path / "ds")
    assert (len(data.table("teams")), len(data.table("posts"))) == (4, 14)
    held = data.posts.loc[data.posts["incumbent_id"] != "", "post_id"]
    assert set(held) == {"P02"} and len(rep.added) == 1
    one.loc[3, "region"] = "LF"  # a post of T01 (rows 2-4 of the file) in another region
    assert one.loc[3, "team_id"] == one.loc[0, "team_id"]
    one.rename(columns=zh).to_csv(tmp_path / "职位表.csv", index=False)
    with pytest.raises(InputError) as err:
        api.import_forms(forms, tmp_path / "职位表.csv", tmp_path / "ds2")
    (p,) = err.value.problems
    assert (p.code, Path(p.source).name, p.row, p.column) == (
        "posts_team_differs", "职位表.csv", 5, "所属地区")
