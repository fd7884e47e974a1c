"""Names beside ids where a person reads, and names accepted where a person types
(issue 15, item 2): regions named after their teams' place, why-not answers, shortfall
causes, alternates' reasons and the reports' 未达标处 column; `why-not --cadre 王建国`."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from builders import MINI, make_dataset, mini_scenario
from solving import scenario, solve_checked
from typer.testing import CliRunner

from placement.checker import check_roster
from placement.data.errors import InputError
from placement.data.loader import load_dataset
from placement.data.names import Names, resolve_pair
from placement.data.regions import data_folder, region_names, team_region_names
from placement.explain.alternates import _reasons
from placement.explain.shortfalls import shortfall_causes
from placement.explain.whynot import WhyNot
from placement.export.lrmx.titles import places_of
from placement.export.report.content import _places_short
from placement.roster.tables import read_members


@pytest.fixture(scope="module")
def mini():
    return load_dataset(MINI)


def test_a_region_is_named_after_the_place_its_teams_name(mini, tmp_path):
    # HD: 洪洞县人民政府 names 洪洞县; 洪洞县委 and 大槐树镇 name no place and do not count.
    # LF: 临汾市财政局 names none, so only regions.csv names it.
    assert region_names(mini) == {"HD": "洪洞县"}
    shutil.copytree(MINI, tmp_path / "data")
    (tmp_path / "data" / "regions.csv").write_text("region,name\nLF,临汾市\nHD,洪洞\n", "utf-8")
    assert region_names(load_dataset(tmp_path / "data")) == {"HD": "洪洞", "LF": "临汾市"}


def test_teams_naming_two_places_leave_the_region_unnamed_and_titles_read_the_same_names():
    teams = pd.DataFrame({"team_id": ["A", "B", "C"], "region": ["R1", "R1", "R2"],
                          "kind": ["county_party", "county_gov", "county_gov"],
                          "name": ["中共尧都区委员会", "侯马市人民政府", "霍州市人民政府"]})
    assert team_region_names(teams) == ({"R2": "霍州市"}, ("R1",))
    # The title reader's places come from the same naming (stem 霍州 too).
    assert places_of(teams, {"R0": "临汾市"}).names == {"霍州市": "R2", "霍州": "R2",
                                                       "临汾市": "R0", "临汾": "R0"}


def test_names_beside_ids_in_both_languages(mini):
    n = Names(mini)
    assert n.beside("P07", "zh") == "P07（洪洞县人民政府副县长）"
    assert n.beside("P07", "en") == "P07 (洪洞县人民政府 副县长)"
    assert n.beside("T01", "zh") == "T01（洪洞县委）"
    assert n.beside("HD", "en") == "HD (洪洞县)"
    assert n.beside("0001", "zh") == "0001（王建国）"
    assert n.beside("LF", "zh") == "LF"  # no name: the bare id
    assert n.beside("model", "en") == "model"


def test_why_not_shows_cadre_and_post_names(mini):
    no = WhyNot("0001", "P05", False, ["LEAVING", "R-EL5"]).named(Names(mini))
    assert no.render("en") == ("0001 (王建国) → P05 (洪洞县人民政府 县长): not eligible: "
                               "leaves this cycle; R-EL5 " + _rule_en("R-EL5"))
    assert no.render("zh") == ("0001（王建国） → P05（洪洞县人民政府县长）: 不符合条件：本届退出; "
                               "R-EL5 " + _rule_zh("R-EL5"))
    lines = pd.DataFrame({"post_id": ["P05"], "before": ["0005"], "after": ["0001"]})
    targets = pd.DataFrame({"rule": ["R-TC5"], "before": [0.0], "after": [0.0],
                            "change": [0.0]})
    yes = WhyNot("0001", "P05", True, [], 100.0, 90.0, lines, targets).named(Names(mini))
    assert yes.render("zh").splitlines()[2] == ("  P05（洪洞县人民政府县长）: "
                                                "0005（陈静） → 0001（王建国）")
    assert yes.render("en").splitlines()[2] == ("  P05 (洪洞县人民政府 县长): "
                                                "0005 (陈静) → 0001 (王建国)")


def _rule_en(rule: str) -> str:
    from placement.data.rules import RULE_NAMES
    return RULE_NAMES[rule][1]


def test_a_question_takes_ids_or_unambiguous_names(mini):
    assert resolve_pair(mini, "0001", "P05") == ("0001", "P05")
    assert resolve_pair(mini, "王建国", "县长") == ("0001", "P05")
    assert resolve_pair(mini, "陈静", "洪洞县人民政府常务副县长") == ("0005", "P06")


def test_an_ambiguous_name_asks_which_one(mini):
    with pytest.raises(InputError) as err:
        resolve_pair(mini, "王建国", "副县长")
    assert err.value.render("en") == ("--post: 副县长 names 2 posts; which one? Give the id:"
                                      "\n  P07 洪洞县人民政府副县长\n  P08 洪洞县人民政府副县长")
    assert err.value.render("zh") == ("--post: “副县长”对应2个职位，是哪一个？请改用编号："
                                      "\n  P07 洪洞县人民政府副县长\n  P08 洪洞县人民政府副县长")
    teams = [{"team_id": "T1", "name": "中共洪洞县委员会", "kind": "county_party"}]
    posts = [{"post_id": "P1", "team_id": "T1", "title": "常委", "incumbent_id": "C1"}]
    twins = [{"cadre_id": "C1", "name": "卢广"}, {"cadre_id": "C2", "name": "卢广"}]
    data = make_dataset(teams=teams, posts=posts, cadres=twins)
    with pytest.raises(InputError) as err:
        resolve_pair(data, "卢广", "P1")
    assert err.value.render("zh") == ("--cadre: “卢广”对应2名干部，是哪一位？请改用编号："
                                      "\n  C1 卢广 P1 中共洪洞县委员会常委\n  C2 卢广")


def test_why_not_command_by_name_and_which_one(tmp_path):
    path = mini_scenario(tmp_path)
    run = CliRunner().invoke
    from cli import app
    asked = run(app, ["why-not", str(path), "--cadre", "王建国", "--post", "副县长",
                      "--lang", "en"])
    assert asked.exit_code == 3
    assert "which one?" in asked.output and "\n  P08 洪洞县人民政府副县长" in asked.output
    unknown = run(app, ["why-not", str(path), "--cadre", "无此人", "--post", "P05",
                        "--lang", "en"])
    assert unknown.exit_code == 3 and "--cadre: 无此人 does not exist" in unknown.output
    answer = run(app, ["why-not", str(path), "--cadre", "王建国", "--post", "县长",
                       "--lang", "zh"])
    assert answer.exit_code == 0, answer.output
    assert answer.output.startswith("0001（王建国） → P05（洪洞县人民政府县长）: ")


def test_a_shortfall_cause_names_the_team_the_cadres_went_to():
    # One woman, two teams needing one each: she goes to T1 (fit 90 against 50), so T2's
    # cause says she was placed in T1, by id and name.
    teams = [{"team_id": "T1", "name": "中共洪洞县委员会", "kind": "county_party"},
             {"team_id": "T2", "name": "洪洞县人民政府", "kind": "county_gov"}]
    posts = [{"post_id": "P1", "team_id": "T1", "title": "常委"},
             {"post_id": "P2", "team_id": "T2", "title": "副县长"}]
    cadres = [{"cadre_id": "W1", "name": "李秀英", "gender": "F"},
              {"cadre_id": "M1", "name": "张伟"}, {"cadre_id": "M2", "name": "刘洋"}]
    fit = [{"cadre_id": c["cadre_id"], "post_id": p["post_id"],
            "score": 90 if (c["cadre_id"], p["post_id"]) == ("W1", "P1") else 50}
           for c in cadres for p in posts]
    data = make_dataset(teams=teams, posts=posts, cadres=cadres, fit=fit)
    # R-TC5 tier (a), one woman in every team, as a target so that T2 may fall short
    sc = scenario({"R-TC5": {"mode": "target", "min_women": 1, "min_women_every": 1,
                             "every_mode": "target"}})
    prop = solve_checked(data, sc)
    report = check_roster(sc, data, prop.roster)
    readings = read_members(data, sc, prop.facts, prop.roster)
    causes = shortfall_causes(data, sc, prop.facts, prop.pairs, prop.roster, report.figures,
                              readings)
    row = causes.set_index("where").loc["T2"]
    assert row["cause_en"].endswith("(0 placed here, 1 placed in other teams: 1 in "
                                    "T1 (中共洪洞县委员会)); moving them here would cost more "
                                    "elsewhere (other targets or fit)")
    assert "配入其他班子1名：T1（中共洪洞县委员会）1名）" in row["cause_zh"]


def test_alternate_reasons_and_report_places_carry_names(mini):
    names = Names(mini)
    terms = {"fit": -10.0, "penalty": 5.0, "moves": 1, "releases": 0}
    row = {"objective_change": -15.0, "fit": 40, "lines_changed": 1, "incumbent": False}
    out = _reasons(row, True, [("R-TC5", "T02", 1)], 50, terms, names)
    assert out["reason_zh"].split("；")[-1] == (f"R-TC5 {_rule_zh('R-TC5')} "
                                               f"@T02（洪洞县人民政府） 缺口增加 1")
    assert out["reason_en"].split("; ")[-1] == (f"R-TC5 {_rule_en('R-TC5')} @ "
                                                f"T02 (洪洞县人民政府) short by 1 more")
    # rules.csv's where column, "place:shortfall; …", in the report.
    assert _places_short("P07:1; HD:2", names, "zh") == \
        "P07（洪洞县人民政府副县长）:1；HD（洪洞县）:2"
    assert _places_short("P07:1; HD:2", names, "en") == \
        "P07 (洪洞县人民政府 副县长):1; HD (洪洞县):2"


def _rule_zh(rule: str) -> str:
    from placement.data.rules import RULE_NAMES
    return RULE_NAMES[rule][0]


def test_regions_csv_is_looked_for_only_beside_a_data_set_read_from_files(mini):
    # A data set built in memory has no folder: no regions.csv from the working directory.
    assert data_folder(mini) == MINI
    assert data_folder(make_dataset(teams=[{"team_id": "T1"}])) is None
