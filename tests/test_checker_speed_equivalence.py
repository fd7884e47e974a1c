"""The checker's speed-up (issue 16) changed how it computes, never what it says.

`tests/data/checker_reference/` holds the checker package as it was before (copied
verbatim from main at commit bdc9685). This test loads that copy under another package
name and compares its whole report with today's `check_roster` on the bundled Linfen and
Nanpiao proposals and on 20 seeded perturbations of them (holders swapped, lines
dropped, an outsider, a leaving or non-Party cadre placed, a rank jump, empty, unknown
and doubled ids, columns dropped or wrong), half of them under a scenario that turns on
R-EL11, reads R-TC2 per county, R-TC5 tier (a) as a target, R-RO5 as hard and adds
must, forbid and keep locks; and Linfen with every rule off and with an empty roster.
Every field is compared: ok, the violations (code, params
and text in both languages), the figures and totals frames, the posts, moved and
released cadres, the objective terms and the rendered report in zh and en.

The frozen copy guards this refactor only: a change that re-reads a rule on purpose
retires it (this file and `tests/data/checker_reference/`) in the same commit, with the
rule's own model-side and checker-side tests carrying the new reading.
"""

from __future__ import annotations

import random
import sys
import types
from pathlib import Path

import pandas as pd
import pytest

from placement.checker import check_roster
from placement.checker.roster_io import normalise_roster
from placement.data.errors import InputError
from placement.data.loader import load_dataset
from placement.data.rules import CATALOGUE
from placement.data.scenario_io import load_scenario, override_scenario
from placement.pipeline.propose import propose

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "data" / "checker_reference"
# the frozen modules in dependency order (each imports only earlier ones)
MODULES = ("report", "terms", "roster_io", "structure", "pair_rules", "team_rules", "check")


def _reference_checker():
    """The frozen copy as package `checker_reference`: each file is read verbatim and its
    absolute imports of `placement.checker.*` point to the copy, so the old code runs
    beside the new one in this process."""
    if "checker_reference.check" in sys.modules:
        return sys.modules["checker_reference.check"].check_roster
    package = types.ModuleType("checker_reference")
    package.__path__ = [str(REFERENCE)]
    sys.modules["checker_reference"] = package
    for name in MODULES:
        path = REFERENCE / f"{name}.py"
        source = path.read_text("utf-8").replace("placement.checker.", "checker_reference.")
        module = types.ModuleType(f"checker_reference.{name}")
        module.__file__ = str(path)
        sys.modules[module.__name__] = module
        exec(compile(source, str(path), "exec"), module.__dict__)
    return sys.modules["checker_reference.check"].check_roster


@pytest.fixture(scope="module")
def bundled():
    """(scenario, data, proposed roster) for Linfen and Nanpiao."""
    out = {}
    for name in ("linfen", "nanpiao"):
        sc = load_scenario(ROOT / "scenarios" / f"{name}.toml")
        data = load_dataset(sc.data, reference_date=sc.reference_date)
        out[name] = (sc, data, propose(sc, data).roster)
    return out


def _perturbed(rng: random.Random, data, roster: pd.DataFrame) -> pd.DataFrame:
    """`roster` with one to four seeded changes, each of a kind the checker must report
    or recount."""
    out = roster.copy().reset_index(drop=True)
    cadres = data.cadres
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(["swap", "swap", "drop", "outsider", "leaving", "non_party",
                           "jump", "empty", "unknown", "twice", "columns"])
        rows = list(out.index)
        row = rng.choice(rows)
        if kind == "swap":
            other = rng.choice(rows)
            a, b = out.at[row, "cadre_id"], out.at[other, "cadre_id"]
            out.at[row, "cadre_id"], out.at[other, "cadre_id"] = b, a
        elif kind == "drop":
            out = out.drop(index=rng.sample(rows, rng.randint(1, 3))).reset_index(drop=True)
        elif kind == "outsider":
            free = sorted(set(cadres["cadre_id"]) - set(out["cadre_id"]))
            out.at[row, "cadre_id"] = rng.choice(free)
        elif kind == "leaving":
            out.at[row, "cadre_id"] = rng.choice(sorted(cadres.loc[cadres["leaving"],
                                                                   "cadre_id"]))
        elif kind == "non_party":
            party_teams = set(data.teams.loc[data.teams["kind"] == "county_party", "team_id"])
            post = data.posts[data.posts["team_id"].isin(party_teams)]["post_id"]
            at = out.index[out["post_id"] == rng.choice(sorted(post))]
            out.loc[at, "cadre_id"] = rng.choice(sorted(cadres.loc[cadres["non_party"],
                                                                   "cadre_id"]))
        elif kind == "jump":  # a lowest-ranked cadre on a highest-ranked post
            low = cadres.loc[cadres["rank_level"] == cadres["rank_level"].min(), "cadre_id"]
            posts = data.posts.loc[data.posts["rank_level"] == data.posts["rank_level"].max(),
                                   "post_id"]
            at = out.index[out["post_id"] == rng.choice(sorted(posts))]
            out.loc[at, "cadre_id"] = rng.choice(sorted(low))
        elif kind == "empty":
            out.at[row, "cadre_id"] = ""
        elif kind == "unknown":
            column = rng.choice(["cadre_id", "post_id"])
            out.at[row, column] = "NOBODY" if column == "cadre_id" else "NOWHERE"
        elif kind == "twice":
            out.at[row, "cadre_id"] = out.at[rng.choice(rows), "cadre_id"]
        elif kind == "columns":
            if rng.random() < 0.5:
                out = out.drop(columns=[c for c in ("team_id", "change") if c in out.columns])
            elif "team_id" in out.columns:
                out.at[row, "team_id"] = "T-ELSEWHERE"
    return out


def _variant(rng: random.Random, sc, data, roster: pd.DataFrame):
    """`sc` with more rules and readings on, and locks drawn from the roster and data."""
    lines = roster[roster["cadre_id"] != ""].sample(3, random_state=rng.randint(0, 999))
    must, forbid, _ = lines[["cadre_id", "post_id"]].itertuples(index=False)
    team = rng.choice(sorted(data.teams["team_id"]))
    post = rng.choice(sorted(data.posts["post_id"]))
    return override_scenario(sc, [
        "rules.R-EL11.mode=target", "rules.R-TC2.per=county",
        "rules.R-TC5.every_mode=target", "rules.R-RO5.mode=hard",
        f'locks.must=[{{cadre="{must[0]}", post="{must[1]}"}}]',
        f'locks.forbid=[{{cadre="{forbid[0]}", post="{forbid[1]}"}}]',
        f'locks.keep=["{team}", "{post}"]'])


def _cases(bundled):
    """The two proposals, 20 perturbed rosters (14 of Linfen, 6 of Nanpiao), then Linfen's
    proposal with every rule off (no figures) and an empty roster."""
    rng = random.Random(16)
    cases = [(name, sc, data, roster) for name, (sc, data, roster) in bundled.items()]
    for k in range(20):
        name = "linfen" if k < 14 else "nanpiao"
        sc, data, roster = bundled[name]
        if k % 2:
            sc = _variant(rng, sc, data, roster)
        cases.append((f"{name}-{k}", sc, data, _perturbed(rng, data, roster)))
    sc, data, roster = bundled["linfen"]
    off = override_scenario(sc, [f"rules.{rid}.mode=off" for rid in CATALOGUE])
    cases.append(("linfen-off", off, data, roster))
    cases.append(("linfen-empty", sc, data, roster.iloc[:0]))
    return cases


def _content(report, fit: pd.Series) -> dict:
    """Everything a report says, in plain values (frames compared apart)."""
    return {
        "ok": report.ok,
        "violations": [(v.rule, v.where, v.code, v.params, v.text("zh"), v.text("en"),
                        v.render("zh"), v.render("en")) for v in report.violations],
        "roster_posts": report.roster_posts, "moved": report.moved,
        "released": report.released,
        "objective": report.objective_terms(fit), "objective_unscored": report.objective_terms(),
        "render": (report.render("zh"), report.render("en")),
    }


def test_the_checker_reports_exactly_what_the_frozen_reference_reports(bundled):
    reference = _reference_checker()
    cases = _cases(bundled)
    assert len(cases) == 24
    passed = []
    for name, sc, data, roster in cases:
        fit = bundled[name.split("-")[0]][2].set_index("post_id")["fit"]
        old, new = reference(sc, data, roster), check_roster(sc, data, roster)
        pd.testing.assert_frame_equal(new.figures, old.figures, obj=f"{name} figures")
        pd.testing.assert_frame_equal(new.totals, old.totals, obj=f"{name} totals")
        assert _content(new, fit) == _content(old, fit), name
        if new.ok:
            passed.append(name)
    # the two proposals pass, and with every rule off Linfen's; every perturbation breaks
    # something (seed 16), and so does the empty roster (451 posts without a holder)
    assert passed == ["linfen", "nanpiao", "linfen-off"]


def test_rosters_read_exactly_as_the_frozen_reference_reads_them(bundled):
    """`normalise_roster` on the perturbed rosters and on cells of other types (numbers,
    missing values, padded text, the Chinese column names, a display column)."""
    _reference_checker()
    old = sys.modules["checker_reference.roster_io"].normalise_roster
    odd = pd.DataFrame({"职位编号": [" P1 ", "P2", None, 7],
                        "人员编号": ["C1", float("nan"), "C3", 8.5],
                        "变动": ["stay", "new", "", "moved"], "备注": [1, 2, 3, 4]})
    frames = [roster for _, _, _, roster in _cases(bundled)] + [odd]
    for roster in frames:
        pd.testing.assert_frame_equal(normalise_roster(roster, strict=False),
                                      old(roster, strict=False))
    with pytest.raises(InputError) as new_error:
        normalise_roster(odd)
    with pytest.raises(InputError) as old_error:
        old(odd)
    # row 4: an empty post id and an empty change for C3; row 5: the unknown change "moved"
    assert len(new_error.value.problems) == 3
    assert new_error.value.problems == old_error.value.problems
