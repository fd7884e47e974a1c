"""Chinese throughout (issue 15, item 1): what each command prints with `--lang zh` holds
no English word but ids and rule ids, and every sentence of the catalogue
(`placement.data.words`) exists in both languages with the same parameters."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pandas as pd
import pytest
from builders import make_dataset
from solving import scenario

from placement.data.words import TEXTS, VALUES, WORDS, fields, say
from placement.pipeline.progress import _Line
from placement.pipeline.run import run_solve
from placement.roster.result_folder import read_result
from placement.tools.calibration import render
from placement.whatif.diff import diff_results
from placement.whatif.sweep.chart import chart_html
from placement.whatif.sweep.spec import Chart

# Words a Chinese text may hold: engine and file-format names, the result labels A and B,
# command options (after "--"), and HTML/SVG markup is stripped before looking.
ALLOWED = {"HiGHS", "Ctrl", "CSV", "A", "B", "Ray"}
ID = re.compile(r"\b(?:R-[A-Z]{2}\d+|[A-Z]+\d[\w-]*|[A-Z]\d*)\b")


def english(text: str, *paths) -> list[str]:
    """The English words of `text`, ids, rule ids, `paths` and options set aside."""
    for path in paths:
        text = text.replace(str(path), " ")
    text = re.sub(r"<style>.*?</style>", " ", text, flags=re.S)  # the page's style sheet
    text = re.sub(r"<[^>]*>", " ", text)  # markup
    text = re.sub(r"--[a-z-]+", " ", text)  # command options
    text = ID.sub(" ", text)
    return [w for w in re.findall(r"[A-Za-z][A-Za-z_]*", text) if w not in ALLOWED]


def test_english_finds_words_and_spares_ids():
    assert english("最优：objective 21174，R-TC5 @ R01-DW-09，LF00002，HiGHS") == ["objective"]


def test_every_sentence_in_both_languages_with_the_same_parameters():
    for key, (zh, en) in TEXTS.items():
        assert zh and en and fields(zh) == fields(en), key
    for table in (WORDS, VALUES):
        for key, (zh, en) in table.items():
            assert zh and en and not english(zh), key


def _data(women: int = 0, leaving: bool = False):
    teams = [{"team_id": "T1", "name": "某县人民政府", "region": "R1"}]
    posts = [{"post_id": f"P{k}", "team_id": "T1", "title": "副县长"} for k in (1, 2)]
    cadres = [{"cadre_id": f"C{k}", "name": f"张{k}",
               "gender": "F" if k <= women else "M"} for k in (1, 2, 3)]
    cadres[0]["leaving"] = leaving
    posts[0]["incumbent_id"] = "C1"
    fit = [{"cadre_id": f"C{k}", "post_id": p["post_id"], "score": 60 + 10 * k}
           for k in (1, 2, 3) for p in posts]
    return make_dataset(teams=teams, posts=posts, cadres=cadres, fit=fit)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    root = tmp_path_factory.mktemp("zh")
    a = run_solve(scenario(name="甲"), _data(), root / "a", progress=False)
    women = {"R-TC5": {"mode": "target", "min_women": 1, "kinds": ["county_gov"]}}
    b = run_solve(scenario(women, name="乙"), _data(women=1), root / "b", progress=False)
    return root, a, b


def test_solve_headline_in_chinese(results):
    root, a, _ = results
    line = a.headline("zh")
    assert line.startswith("最优：目标值") and not english(line, root / "a"), line
    # the engine that ran is named (issue 16): the default, HiGHS
    assert "HiGHS 求解" in line and "s HiGHS solve;" in a.headline("en")


def test_diff_in_chinese(results):
    root, _, _ = results
    d = diff_results(read_result(root / "a"), read_result(root / "b"),
                     (str(root / "a"), str(root / "b")))
    text = d.render("zh")
    assert "人选不同的职位" in text and not english(text, root / "a", root / "b"), \
        english(text, root / "a", root / "b")


def test_infeasible_headline_in_chinese(tmp_path):
    # Two posts, one cadre who may not stay (leaving) kept by a lock: a pre-check conflict.
    sc = scenario(locks={"keep": ["P1"]})
    result = run_solve(sc, _data(leaving=True), tmp_path / "x", progress=False)
    text = result.headline("zh")
    assert text.startswith("无可行名单") and not english(text), english(text)


def test_calibrate_in_chinese():
    table = pd.DataFrame({"figure": ["members", "promoted"], "label_zh": ["班子成员", "提拔"],
                          "label_en": ["members", "promoted"], "published": [445, 162],
                          "before": [436, "—"], "proposal": [449, 168],
                          "note_zh": ["", "换届变动指标"], "note_en": ["", "a cycle figure"]})
    table.attrs["table"] = "linfen"
    text = render(table, "zh")
    assert "班子成员" in text and not english(text), english(text)


def test_sweep_chart_and_progress_in_chinese():
    rows = pd.DataFrame({"run": [0, 1], "name": ["min_women=1", "min_women=2"],
                         "rules.R-TC5.min_women": [1, 2], "status": ["optimal", "optimal"],
                         "objective": [10.0, 9.0], "check_ok": [True, True],
                         "fit": [100, 90], "women": [1, 2], "short.R-TC5": [0, 0],
                         "pareto": [True, True], "seconds": [1.0, 1.2]})
    spec = SimpleNamespace(name="", source=None, base="base.toml", runs=[0, 1],
                           chart=Chart(x="fit", y="women"))
    page = chart_html(rows, spec, "zh")
    # run names are the planner's own labels (the setting they vary): set aside
    assert "帕累托前沿" in page and not english(page, "min_women=1", "min_women=2", "base.toml")
    line = _Line("zh")
    line.label, line.objective, line.bound = "weighted (HiGHS)", 100.0, 101.0
    assert not english(line.text()), line.text()
    assert not english(say("alternates_progress", "zh", done=1, total=3))


def test_why_not_in_chinese_first_and_english_too(tmp_path):
    """Issue 15: every why-not answer, the reasons outside the pair rules and the forced
    solve's status included, reads in Chinese under zh and in English under en."""
    from placement.explain.whynot import STRUCTURAL, WhyNot

    no = WhyNot("C1", "P1", False, [*STRUCTURAL, "R-EL10"])
    zh, en = no.render("zh"), no.render("en")
    assert zh.startswith("C1 → P1: 不符合条件：本届退出; 未纳入考察") and not english(zh), zh
    assert en.startswith("C1 → P1: not eligible: leaves this cycle; not a candidate"), en
    stuck = WhyNot("C1", "P1", True, status="infeasible")
    assert stuck.render("zh") == "C1 → P1: 锁定后无可行名单（无可行方案）"
    assert stuck.render("en") == "C1 → P1: no roster with this lock (infeasible)"
    lines = pd.DataFrame({"post_id": ["P1"], "before": ["C2"], "after": ["C1"]})
    targets = pd.DataFrame({"rule": ["R-TC5"], "before": [0.0], "after": [1.0], "change": [1.0]})
    # 90 - 100 = -10
    cost = WhyNot("C1", "P1", True, [], 100.0, 90.0, lines, targets).render("zh")
    assert cost.splitlines() == ["C1 → P1: 目标值变化 -10（100 → 90）", "随之变化的职位：1",
                                 "  P1: C2 → C1", "目标缺口变化：", "  R-TC5: 0 → 1"]


def test_lock_warnings_in_chinese(tmp_path):
    from builders import mini_scenario
    from typer.testing import CliRunner

    from cli import app

    scenario = mini_scenario(tmp_path)
    twice = '[[locks.must]]\ncadre = "0001"\npost = "P01"\n' * 2
    scenario.write_text(scenario.read_text("utf-8") + twice, "utf-8")
    res = CliRunner().invoke(app, ["validate", str(scenario), "--lang", "zh"])
    assert res.exit_code == 0, res.output
    warning = next(line for line in res.output.splitlines() if line.startswith("警告"))
    assert warning.endswith("列 locks.must[1]: 锁定 0001 → P01 重复出现（另见 locks.must[0]），"
                            "已合并为一条"), warning
    # the key paths are the file's positions, as a CSV's column names are: set aside
    keys = (scenario, "locks.must[1]", "locks.must[0]")
    assert not english(warning, *keys), english(warning, *keys)
    res = CliRunner().invoke(app, ["validate", str(scenario), "--lang", "en"])
    assert "warning: " in res.output and "merged into one" in res.output


def test_sweep_chart_is_chinese_unless_told_otherwise():
    """Issue 15: chart.html from Python (`chart_html`, `api.sweep` → `run_sweep`) is
    Chinese by default, like report.xlsx and report.html; English when asked."""
    import inspect

    from placement.whatif.sweep.local import run_sweep

    rows = pd.DataFrame({"run": [0], "name": ["基准"], "status": ["optimal"],
                         "objective": [10.0], "check_ok": [True], "fit": [100], "women": [1],
                         "pareto": [True]})
    spec = SimpleNamespace(name="", source=None, base="base.toml", runs=[0],
                           chart=Chart(x="fit", y="women"))
    page = chart_html(rows, spec)
    assert '<html lang="zh">' in page and "帕累托前沿" in page
    assert not english(page, "base.toml"), english(page, "base.toml")
    assert "Pareto front" in chart_html(rows, spec, "en")
    assert inspect.signature(run_sweep).parameters["lang"].default == "zh"


def test_places_short_and_conflicts_show_names_beside_ids(tmp_path):
    """Issue 15: rules.csv keeps `where` as ids (scripts read it) and adds `where_names`;
    an infeasible solve names its conflicts' places, in both languages."""
    import json

    from builders import mini_scenario
    from typer.testing import CliRunner

    from cli import app

    scenario = mini_scenario(tmp_path)
    # R-TC2 per team, where T01 falls short (per county, the default, R1 has its three)
    res = CliRunner().invoke(app, ["solve", str(scenario), "--out", str(tmp_path / "r"),
                                   "--set", 'rules.R-TC2.per="team"'])
    assert res.exit_code == 0, res.output
    rules = pd.read_csv(tmp_path / "r" / "rules.csv", dtype=str, keep_default_na=False)
    assert list(rules.columns[-2:]) == ["where", "where_names"]
    tc2 = rules[rules["rule"] == "R-TC2"].iloc[0]
    assert (tc2["where"], tc2["where_names"]) == (
        "T01:2; T02:1", "T01（洪洞县委）:2; T02（洪洞县人民政府）:1")
    # Five women in every county team of four posts: infeasible, named by team.
    argv = ["solve", str(scenario), "--out", str(tmp_path / "x"),
            "--set", "rules.R-TC5.min_women_every=5"]
    zh = CliRunner().invoke(app, [*argv, "--lang", "zh"])
    assert zh.exit_code == 4 and "R-TC5 @ T01（洪洞县委）" in zh.output, zh.output
    en = CliRunner().invoke(app, [*argv, "--lang", "en"])
    assert "R-TC5 @ T01 (洪洞县委)" in en.output, en.output
    conflict = json.loads((tmp_path / "x" / "summary.json").read_text("utf-8"))["conflicts"][0]
    assert (conflict["where"], conflict["where_zh"]) == ("T01", "T01（洪洞县委）")


def test_lock_places_name_posts_and_keep_their_words():
    from placement.explain.infeasible import named

    data = _data()
    conflicts = named([{"rule": "R-EL5", "where": "must C1->P2"},
                       {"rule": "LEAVING", "where": "keep P1"}], data)
    assert [c["where_zh"] for c in conflicts] == ["必选锁定 C1（张1）->P2（某县人民政府副县长）",
                                                  "保留锁定 P1（某县人民政府副县长）"]
    assert conflicts[1]["where_en"] == "keep P1 (某县人民政府 副县长)"
    assert conflicts[0]["where"] == "must C1->P2"  # ids kept for scripts


def test_hard_women_what_if_counts_each_teams_pool(tmp_path):
    """Issue 15 item 4: "2 women in every team" as a hard rule over two county teams of
    two posts, with three women in all: each team's pool (3) reaches 2, but the teams
    need 2 × 2 = 4 of 3 women. The report says so, gives every team's pool against what
    it needs, in both languages, and the verified relaxation."""
    teams = [{"team_id": t, "name": n, "kind": "county_party"}
             for t, n in (("T1", "甲县委"), ("T2", "乙县委"))]
    posts = [{"post_id": f"P{k}", "team_id": "T1" if k <= 2 else "T2", "title": "常委"}
             for k in (1, 2, 3, 4)]
    cadres = [{"cadre_id": f"C{k}", "name": f"张{k}", "gender": "F" if k <= 3 else "M"}
              for k in range(1, 7)]
    data = make_dataset(teams=teams, posts=posts, cadres=cadres)
    women = {"R-TC5": {"mode": "hard", "kinds": ["county_party"], "min_women": 2,
                       "share_of_teams": 1, "per": "team"}}
    result = run_solve(scenario(women), data, tmp_path / "x", progress=False)
    (total,) = [c for c in result.conflicts if c["where"] == "all"]
    assert total["detail"] == "the 2 teams need 4 women in all; only 3 may take any of their posts"
    assert [(p["place"], p["pool"], p["required"], p["posts"]) for p in total["pools"]] == [
        ("T1", 3, 2, 2), ("T2", 3, 2, 2)]
    zh = result.headline("zh")
    assert "R-TC5 @ 全部: 2个班子共需女干部4名，可任这些班子职位的仅3名" in zh, zh
    assert "    T1（甲县委）：可任女干部 3 名，需 2 名（2 个职位）" in zh, zh
    assert "将 R-TC5 由硬性改为目标：最优" in zh and not english(zh), english(zh)
    en = result.headline("en")
    assert "    T2 (乙县委): 3 women may take its posts, 2 needed (2 posts)" in en, en
    assert "switch R-TC5 to target" in en
