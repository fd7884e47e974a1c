"""Scenario files: defaults, `extends`, `--set`, and errors that name the key."""

from __future__ import annotations

import datetime as dt
import json
import re
import string
from pathlib import Path

import pytest

from placement.data.errors import InputError
from placement.data.i18n import MESSAGES
from placement.data.rules import CATALOGUE, default_rules
from placement.data.scenario import Scenario, Solver, Weights
from placement.data.scenario_io import (
    load_scenario,
    parse_override,
    rules_table_markdown,
    scenario_checksum,
    scenario_to_dict,
)

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = 'data = "data"\nreference_date = 2026-09-01\n'


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path, overrides=()) -> InputError:
    with pytest.raises(InputError) as info:
        load_scenario(path, overrides)
    return info.value


def only(err: InputError, column: str):
    found = [p for p in err.problems if p.column == column]
    assert len(found) == 1, err.render()
    return found[0]


# --- defaults and plain files ---------------------------------------------------------
def test_defaults_equal_the_catalogue(tmp_path):
    sc = load_scenario(write(tmp_path, "s.toml", MINIMAL))
    assert set(sc.rules) == set(CATALOGUE)
    for rid, rule in default_rules().items():
        assert type(sc.rules[rid]) is CATALOGUE[rid]
        assert sc.rules[rid] == rule
    assert sc.solver == Solver() and sc.weights == Weights()
    assert sc.objective == "weighted" and sc.name == ""
    assert sc.reference_date == dt.date(2026, 9, 1)
    assert sc.data == (tmp_path / "data").resolve() and sc.data.is_absolute()
    assert sc.source == tmp_path / "s.toml"


def test_one_rule_parameter(tmp_path):
    sc = load_scenario(write(tmp_path, "s.toml", MINIMAL + "[rules.R-TC5]\nmin_women = 3\n"))
    assert sc.rules["R-TC5"].min_women == 3
    assert sc.rules["R-TC5"].mode == CATALOGUE["R-TC5"]().mode  # the rest stays default
    assert sc.rules["R-TC5"].kinds == CATALOGUE["R-TC5"]().kinds
    assert sc.rules["R-TC2"] == CATALOGUE["R-TC2"]()
    assert sc.rule("R-TC5") is sc.rules["R-TC5"] and sc.active("R-TC5")


def test_reference_date_as_string_and_rule_off(tmp_path):
    sc = load_scenario(write(tmp_path, "s.toml", 'data = "d"\nreference_date = "2026-01-31"\n'
                                                 '[rules.R-EL8]\nmode = "off"\n'))
    assert sc.reference_date == dt.date(2026, 1, 31)
    assert not sc.active("R-EL8")


def test_bundled_scenarios_load():
    sc = load_scenario(ROOT / "scenarios" / "linfen-lexicographic.toml")
    assert sc.objective == "lexicographic"
    assert sc.solver.seed == 7  # from linfen.toml
    assert sc.data == (ROOT / "scenarios" / "data" / "linfen").resolve()


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "s.toml"
    path.write_bytes("\ufeff".encode() + (MINIMAL + 'name = "临汾"\n').encode())
    assert load_scenario(path).name == "临汾"


# --- extends ---------------------------------------------------------------------------
def test_extends_two_levels_deep_merge(tmp_path):
    write(tmp_path, "base/base.toml", MINIMAL + """
name = "base"
[solver]
time_limit = 30
seed = 3
[weights]
move = 40
[rules.R-TC5]
mode = "hard"
min_women = 3
[rules.R-RO2]
systems = ["公安", "法院", "检察"]
[locks]
keep = ["T1", "T2"]
""")
    write(tmp_path, "mid/mid.toml", """
extends = "../base/base.toml"
name = "mid"
[solver]
seed = 5
[rules.R-TC5]
min_women = 4
""")
    child = write(tmp_path, "top/child.toml", """
extends = "../mid/mid.toml"
[solver]
workers = 2
[rules.R-RO2]
systems = ["公安"]
[locks]
keep = ["T3"]
""")
    sc = load_scenario(child)
    assert sc.name == "mid"
    # data comes from base.toml and is resolved against base.toml's folder
    assert sc.data == (tmp_path / "base" / "data").resolve()
    assert sc.reference_date == dt.date(2026, 9, 1)
    # a nested key overridden, the parent's siblings kept
    assert (sc.solver.time_limit, sc.solver.seed, sc.solver.workers) == (30, 5, 2)
    assert sc.rules["R-TC5"].mode == "hard" and sc.rules["R-TC5"].min_women == 4
    assert sc.weights.move == 40 and sc.weights.fit == Weights().fit
    # arrays replace, they are not appended to
    assert sc.rules["R-RO2"].systems == ("公安",)
    assert sc.locks.keep == ["T3"]
    assert sc.source == child


def test_extends_child_sets_its_own_data(tmp_path):
    write(tmp_path, "base/base.toml", MINIMAL)
    child = write(tmp_path, "top/child.toml", 'extends = "../base/base.toml"\ndata = "mine"\n')
    assert load_scenario(child).data == (tmp_path / "top" / "mine").resolve()


def test_extends_cycle_names_the_chain(tmp_path):
    a = write(tmp_path, "a.toml", MINIMAL + 'extends = "b.toml"\n')
    write(tmp_path, "b.toml", 'extends = "./c.toml"\n')
    write(tmp_path, "c.toml", 'extends = "a.toml"\n')
    err = problems(a)
    (p,) = err.problems
    assert p.code == "extends_cycle" and p.column == "extends"
    text = err.render("en")
    assert "a.toml → " in text and "b.toml → " in text and "c.toml → " in text
    assert text.count("a.toml") >= 2


def test_extends_self_and_missing_parent(tmp_path):
    me = write(tmp_path, "me.toml", 'extends = "me.toml"\n')
    assert problems(me).problems[0].code == "extends_cycle"
    orphan = write(tmp_path, "orphan.toml", 'extends = "nope.toml"\n')
    (p,) = problems(orphan).problems
    assert p.code == "file_missing" and p.source == str(orphan) and "nope.toml" in p.render()


# --- overrides -------------------------------------------------------------------------
def test_set_values_of_every_type(tmp_path):
    path = write(tmp_path, "s.toml", MINIMAL + "[rules.R-TC5]\nmode = \"target\"\n")
    sc = load_scenario(path, [
        "rules.R-TC5.min_women=3",                  # int
        "solver.time_limit=10.5",                   # float
        "solver.log=true",                          # bool
        "objective=lexicographic",                  # bare string
        'name="what if: 3 women"',                  # quoted string
        'rules.R-RO2.systems=["公安","法院"]',       # array
        "rules.R-EL8.mode=hard",                    # rule mode
        "rules.R-TC1.share=1/4",                    # bare string, not a number
        "reference_date=2027-01-01",                # TOML date
        "rules.R-EL7.promotion_max_age.副科=46",     # nested, non-ASCII key
    ])
    assert sc.rules["R-TC5"].min_women == 3 and isinstance(sc.rules["R-TC5"].min_women, int)
    assert sc.solver.time_limit == 10.5
    assert sc.solver.log is True
    assert sc.objective == "lexicographic"
    assert sc.name == "what if: 3 women"
    assert sc.rules["R-RO2"].systems == ("公安", "法院")
    assert sc.rules["R-EL8"].mode == "hard"
    assert sc.rules["R-TC1"].share == "1/4"
    assert sc.reference_date == dt.date(2027, 1, 1)
    assert sc.rules["R-EL7"].promotion_max_age["副科"] == 46
    assert sc.rules["R-EL7"].promotion_max_age["正科"] == 48  # the sibling kept


def test_set_data_is_relative_to_the_working_folder(tmp_path, monkeypatch):
    path = write(tmp_path, "sub/s.toml", MINIMAL)
    monkeypatch.chdir(tmp_path)
    assert load_scenario(path, ["data=other"]).data == (tmp_path / "other").resolve()


def test_parse_override():
    assert parse_override("rules.R-TC5.min_women=3") == (("rules", "R-TC5", "min_women"), 3)
    assert parse_override("rules.R-EL8.mode = hard") == (("rules", "R-EL8", "mode"), "hard")
    assert parse_override("solver.seed=") == (("solver", "seed"), "")


@pytest.mark.parametrize("text", ["no-equals", "=3", "rules..x=1", "a b=1"])
def test_malformed_override(tmp_path, text):
    err = problems(write(tmp_path, "s.toml", MINIMAL), [text])
    (p,) = err.problems
    assert p.code == "bad_override" and p.source == "--set"
    assert repr(text) in err.render("en") and repr(text) in err.render("zh")


def test_override_through_a_value_and_of_extends(tmp_path):
    path = write(tmp_path, "s.toml", MINIMAL + 'objective = "weighted"\n')
    err = problems(path, ["objective.x=1", "extends=a.toml"])
    assert sorted(p.code for p in err.problems) == ["override_extends", "override_not_table"]
    assert only(err, "objective").source == "--set"


def test_override_error_points_at_set(tmp_path):
    err = problems(write(tmp_path, "s.toml", MINIMAL), ["solver.workers=abc"])
    p = only(err, "solver.workers")
    assert p.source == "--set" and p.code == "setting_int"


# --- errors ----------------------------------------------------------------------------
def test_unknown_top_level_key(tmp_path):
    path = write(tmp_path, "s.toml", MINIMAL + 'objectiv = "weighted"\nextend = "x.toml"\n')
    err = problems(path)
    p = only(err, "objectiv")
    assert p.source == str(path)
    assert "objectiv" in p.render() and "did you mean objective?" in p.render()
    assert "extends" in only(err, "extend").render()


def test_unknown_solver_key(tmp_path):
    err = problems(write(tmp_path, "s.toml", MINIMAL + "[solver]\ntimelimit = 10\n"))
    assert "did you mean time_limit?" in only(err, "solver.timelimit").render("en")


def test_unknown_rule_parameter(tmp_path):
    err = problems(write(tmp_path, "s.toml", MINIMAL + "[rules.R-TC5]\nmin_woman = 3\n"))
    text = only(err, "rules.R-TC5.min_woman").render("en")
    assert "min_woman" in text and "did you mean min_women or min_women_every?" in text


def test_unknown_rule_id(tmp_path):
    err = problems(write(tmp_path, "s.toml", MINIMAL + "[rules.R-TC12]\nmode = \"off\"\n"))
    text = only(err, "rules.R-TC12").render("en")
    assert "R-TC12" in text and "R-TC1" in text


def test_unknown_key_without_a_close_match_lists_the_choices(tmp_path):
    err = problems(write(tmp_path, "s.toml", MINIMAL + "[solver]\nzzz = 1\n"))
    assert "time_limit" in only(err, "solver.zzz").render("en")


def test_source_is_not_settable(tmp_path):
    err = problems(write(tmp_path, "s.toml", MINIMAL + 'source = "x"\n'))
    assert only(err, "source").code.startswith("unknown_key")


def test_invalid_mode(tmp_path):
    err = problems(write(tmp_path, "s.toml", MINIMAL + '[rules.R-TC5]\nmode = "soft"\n'))
    p = only(err, "rules.R-TC5.mode")
    assert "'soft'" in p.render("en") and "hard/target/off" in p.render("en")
    rs1 = problems(write(tmp_path, "t.toml", MINIMAL + '[rules.R-RS1]\nmode = "hard"\n'))
    assert "target/off" in only(rs1, "rules.R-RS1.mode").render("en")


@pytest.mark.parametrize(("line", "column", "code"), [
    ("[solver]\nworkers = 0", "solver.workers", "setting_ge"),
    ("[solver]\nworkers = 100", "solver.workers", "setting_le"),
    ("[solver]\ntime_limit = 0", "solver.time_limit", "setting_gt"),
    ('[solver]\nseed = "x"', "solver.seed", "setting_int"),
    ('[solver]\nlog = "maybe"', "solver.log", "setting_bool"),
    ("name = 5", "name", "setting_text"),
    ("[rules.R-RO2]\nsystems = 3", "rules.R-RO2.systems", "setting_list"),
    ("rules = 3", "rules", "setting_table"),
    ("[rules]\nR-TC5 = 3", "rules.R-TC5", "setting_table"),
    ('[rules.R-EL6]\nthreshold = "high"', "rules.R-EL6.threshold", "setting_number"),
    ('[rules.R-TC5]\nkinds = ["county_party", "moon"]', "rules.R-TC5.kinds", "setting_invalid"),
    ('[locks]\nmust = [{cadre = "C1"}]', "locks.must[0].post", "setting_missing"),
])
def test_wrong_values(tmp_path, line, column, code):
    err = problems(write(tmp_path, "s.toml", MINIMAL + line + "\n"))
    assert only(err, column).code == code
    err.render("zh")


def test_missing_required_and_bad_date(tmp_path):
    err = problems(write(tmp_path, "s.toml", 'name = "x"\n'))
    assert {p.column for p in err.problems} == {"data", "reference_date"}
    assert all(p.code == "setting_missing" for p in err.problems)
    err = problems(write(tmp_path, "t.toml", 'data = "d"\nreference_date = "2026-13-01"\n'))
    assert only(err, "reference_date").code == "setting_date"


def test_all_problems_at_once_with_their_files(tmp_path):
    base = write(tmp_path, "base.toml", MINIMAL + "[solver]\ntimelimit = 3\n")
    child = write(tmp_path, "child.toml", 'extends = "base.toml"\n[rules.R-TC5]\nmode = "soft"\n')
    err = problems(child, ["solver.workers=x", "bad"])
    assert {(p.source, p.column) for p in err.problems} == {
        (str(base), "solver.timelimit"), (str(child), "rules.R-TC5.mode"),
        ("--set", "solver.workers"), ("--set", None)}


def test_toml_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, "s.toml", MINIMAL + 'name = "x"\n[solver\nseed = 1\n')
    err = problems(path)
    (p,) = err.problems
    assert p.code == "bad_toml_at" and p.params["line"] == 4 and p.source == str(path)
    assert "line 4" in err.render("en") and "第4行" in err.render("zh")


def test_syntax_error_in_an_extended_file(tmp_path):
    write(tmp_path, "base.toml", "x = = 1\n")
    child = write(tmp_path, "child.toml", 'extends = "base.toml"\n')
    (p,) = problems(child).problems
    assert p.code == "bad_toml_at" and p.source.endswith("base.toml")


def test_errors_render_in_zh_and_en(tmp_path):
    err = problems(write(tmp_path, "s.toml", MINIMAL + '[rules.R-TC5]\nmin_woman = 3\n'
                                                      'mode = "soft"\n[solver]\ntimelimit = 1\n'))
    en, zh = err.render("en"), err.render("zh")
    assert "did you mean min_women or min_women_every?" in en
    assert "column rules.R-TC5.min_woman" in en
    assert "是否应为 min_women 或 min_women_every？" in zh and "列 rules.R-TC5.min_woman" in zh
    assert "不在允许范围内" in zh and "hard/target/off" in zh
    assert "是否应为 time_limit？" in zh
    assert len(en.splitlines()) == len(zh.splitlines()) == 3


def test_messages_have_both_languages_with_the_same_parameters():
    fields = string.Formatter()
    for code, (zh, en) in MESSAGES.items():
        assert zh and en, code
        assert ({f[1] for f in fields.parse(zh) if f[1]}
                == {f[1] for f in fields.parse(en) if f[1]}), code


# --- the model built directly, as tests and scripts do ------------------------------------
def test_model_errors_keep_their_locations():
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as info:
        Scenario(data=Path("."), reference_date=dt.date(2026, 9, 1),
                 rules={"R-TC5": {"mode": "soft"}, "R-XX": {}}, solver={"timelimit": 1})
    locs = {tuple(e["loc"]) for e in info.value.errors()}
    assert {("rules", "R-TC5", "mode"), ("rules", "R-XX"), ("solver", "timelimit")} <= locs


def test_rules_assignment_fills_defaults():
    sc = Scenario(data=Path("."), reference_date=dt.date(2026, 9, 1))
    sc.rules = {"R-TC5": {"min_women": 4}}
    assert sc.rules["R-TC5"].min_women == 4 and set(sc.rules) == set(CATALOGUE)


# --- summary dict and checksum ------------------------------------------------------------
def test_scenario_to_dict_and_checksum(tmp_path):
    path = write(tmp_path, "s.toml", MINIMAL)
    sc = load_scenario(path)
    d = scenario_to_dict(sc)
    assert json.loads(json.dumps(d)) == d  # plain JSON
    assert set(d["rules"]) == set(CATALOGUE)
    assert d["rules"]["R-TC5"]["min_women"] == 2 and d["rules"]["R-RO2"]["systems"][0] == "纪检监察"
    assert d["reference_date"] == "2026-09-01" and d["data"] == str(sc.data)
    assert d["solver"]["time_limit"] == Solver().time_limit
    assert "source" not in d
    assert re.fullmatch(r"[0-9a-f]{64}", scenario_checksum(sc))
    assert scenario_checksum(load_scenario(path)) == scenario_checksum(sc)
    changed = load_scenario(path, ["rules.R-TC5.min_women=3"])
    assert scenario_checksum(changed) != scenario_checksum(sc)


# --- the documentation ---------------------------------------------------------------------
DOC = ROOT / "docs" / "scenario.md"


def test_doc_rule_table_is_current():
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- rules-table:start -->\n")[1].split("\n<!-- rules-table:end -->")[0]
    assert table == rules_table_markdown()


def test_doc_worked_example_loads(tmp_path):
    text = DOC.read_text(encoding="utf-8")
    example = text.split("## A worked example")[1].split("```toml\n")[1].split("```")[0]
    linfen = (ROOT / "scenarios" / "linfen.toml").as_posix()
    path = write(tmp_path, "what-if.toml", example.replace('"linfen.toml"', json.dumps(linfen)))
    sc = load_scenario(path, ["rules.R-TC5.min_women=3"])
    assert sc.rules["R-TC5"].mode == "hard" and sc.rules["R-TC5"].min_women == 3
    assert sc.rules["R-RO3"].years == 8 and not sc.active("R-TC10")
    assert sc.weights.move == 50 and sc.locks.keep == ["T001"]
    assert sc.solver.time_limit == 30 and sc.solver.seed == 7
    assert sc.data == (ROOT / "scenarios" / "data" / "linfen").resolve()


@pytest.mark.parametrize(("section", "model"), [
    ("## `[weights]`", Weights), ("## `[fit]`", "fit"), ("## `[solver]`", Solver)])
def test_doc_section_defaults_are_current(section, model):
    from placement.data.scenario import FitWeights

    model = FitWeights if model == "fit" else model
    text = DOC.read_text(encoding="utf-8").split(section)[1].split("\n## ")[0]
    rows = dict(re.findall(r"^\| `(\w+)` \| `([^`]*)` \|", text, flags=re.M))
    assert set(rows) == set(model.model_fields)
    for key, shown in rows.items():
        default = model.model_fields[key].default
        if isinstance(default, bool):
            assert shown == str(default).lower()
        elif isinstance(default, str):
            assert shown == default, key
        else:
            assert float(shown) == default, key
