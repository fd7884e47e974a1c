"""Test helpers: scenarios with chosen rules on, and a solve that is always checked.

`solve_checked` runs the whole pipeline in memory and then the independent
checker on the roster; a roster the checker rejects fails the test, so no
test can pass on a roster that breaks a hard rule. A status other than
optimal fails too unless the test asks for it: no test passes on a timeout.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import get_args

from placement.checker import check_roster
from placement.data.loader import build_dataset, load_dataset
from placement.data.rules import CATALOGUE
from placement.data.scenario import Scenario
from placement.data.scenario_io import load_scenario
from placement.generate import REFERENCE_DATE
from placement.generate import build as generate
from placement.pipeline.propose import Proposal, propose
from placement.solver.solve import Status

REF = dt.date(2026, 9, 1)
ROOT = Path(__file__).resolve().parents[1]


def data_sets_of(generated: dict[str, tuple[str, int]]) -> dict:
    """Name -> (scenario, data set): the bundled Linfen and Nanpiao scenarios and the
    generated data sets `generated` (name -> profile, seed) under a plain scenario."""
    out = {}
    for name in ("linfen", "nanpiao"):
        sc = load_scenario(ROOT / "scenarios" / f"{name}.toml")
        out[name] = sc, load_dataset(sc.data, sc.reference_date)
    for name, (profile, seed) in generated.items():
        g = generate(profile, seed)
        out[name] = (Scenario(data=Path("."), reference_date=REFERENCE_DATE),
                     build_dataset(g.tables, reference_date=REFERENCE_DATE))
    return out


def every_rule(sc: Scenario, mode: str) -> Scenario:
    """`sc` with every rule that has `mode` in it ("as is": unchanged)."""
    if mode != "as is":
        sc = sc.model_copy(deep=True)
        for rid in CATALOGUE:
            if mode in get_args(type(sc.rules[rid]).model_fields["mode"].annotation):
                sc.rules[rid].mode = mode
    return sc


def scenario(on: dict[str, dict] | None = None, all_off: bool = True, **fields) -> Scenario:
    """A scenario with every rule off except those in `on` (rule id -> parameters)."""
    rules = {rid: {"mode": "off"} for rid in CATALOGUE} if all_off else {}
    for rid, params in (on or {}).items():
        rules[rid] = {"mode": "hard", **params} if all_off else dict(params)
    fields.setdefault("solver", {"workers": 8, "time_limit": 30, "seed": 0})
    fields.setdefault("weights", {"fit": 1, "move": 0, "release": 0})
    return Scenario(data=Path("."), reference_date=REF, rules=rules, **fields)


def solve_checked(data, sc: Scenario, expect: Status | tuple = Status.OPTIMAL) -> Proposal:
    prop = propose(sc, data)
    allowed = expect if isinstance(expect, tuple) else (expect,)
    assert prop.status in allowed, (prop.status, prop.conflicts)
    if prop.roster is not None:
        report = check_roster(sc, data, prop.roster)
        assert report.ok, report.render("en")
        prop.report = report
    return prop


def holder(prop: Proposal, post_id: str) -> str:
    r = prop.roster
    return r.loc[r["post_id"] == post_id, "cadre_id"].item()


def blocks_scenario() -> Scenario:
    """The catalogue's defaults on a generated province (`placement.generate`, reference
    date 2026-09-01), without the two figures counted over every team of the data set:
    R-TC11 (3 young heads) and R-TC6's non-Party total. The block route solves each
    city alone and falls back to the whole model when a stitched roster misses such a
    figure (docs/solver.md); the tests that exercise the blocks keep them apart."""
    from placement.generate import REFERENCE_DATE

    return Scenario(data=Path("."), reference_date=REFERENCE_DATE,
                    rules={"R-TC11": {"mode": "off"}, "R-TC6": {"keep_total": False}})


def what_if_building(session, setting: str, monkeypatch) -> tuple[Proposal, bool]:
    """`session.what_if(setting)` and whether it built a model (`propose`'s `build`
    called): what a warm what-if reuses is told by that."""
    from placement.pipeline import propose as propose_module

    built, real = [], propose_module.build
    monkeypatch.setattr(propose_module, "build", lambda *a, **k: built.append(1) or real(*a, **k))
    try:
        return session.what_if(setting), bool(built)
    finally:
        monkeypatch.setattr(propose_module, "build", real)
