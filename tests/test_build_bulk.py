"""The bulk model building (issue 16) writes the same model as the Python loops it
replaced, constraint for constraint: groups by argsort, the pair variables in one
merge, exactly-one / at-most-one per group in one merge, R-AV1 places by a join,
sums by column, agreement by key. Each test builds with the loop (the oracle, written
here as the code was) and with the bulk path, and compares the protos' text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from builders import make_dataset
from ortools.sat.python import cp_model
from solving import REF, scenario

from models.assignment import add_assignment
from models.avoidance import add_kinship
from models.objective import agreement
from models.variables import Placement
from placement.data.loader import load_dataset
from placement.data.scenario_io import load_scenario
from placement.eligibility.facts import compute_facts
from placement.eligibility.pairs import eligible_pairs

ROOT = Path(__file__).resolve().parents[1]


def _bundled(name: str, **rules) -> Placement:
    sc = load_scenario(ROOT / "scenarios" / f"{name}.toml")
    for rid, mode in rules.items():
        sc.rules[rid.replace("_", "-")].mode = mode
    data = load_dataset(sc.data, sc.reference_date)
    facts = compute_facts(data, sc.reference_date)
    return Placement(data, sc, facts, eligible_pairs(data, sc, facts))


def _fresh(pl: Placement, explaining: bool = False) -> Placement:
    return Placement(pl.data, pl.scenario, pl.facts, pl.pairs, explaining=explaining)


def _loop_assignment(pl: Placement) -> None:
    """The loop `add_assignment` replaced."""
    for p in range(len(pl.data.posts)):
        holders = pl.holder(p)
        if not holders:
            pl.require("NO_CANDIDATE", pl.data.posts["post_id"].iat[p], False)
            continue
        pl.model.add_exactly_one([x for _, x in holders])
    for c in np.unique(pl.pairs.cadre):
        idx = np.flatnonzero(pl.pairs.cadre == c)
        if len(idx) > 1:
            pl.model.add_at_most_one([pl.x[i] for i in idx])


def _loop_kinship(pl: Placement) -> None:
    """The scan `add_kinship` replaced: every pair per relation."""
    rule = pl.scenario.rules["R-AV1"]
    cpos = pd.Index(pl.data.cadres["cadre_id"])
    team_ids = pl.data.teams["team_id"].to_numpy()
    for a_id, b_id in zip(pl.data.relations["cadre_a"], pl.data.relations["cadre_b"],
                          strict=True):
        a, b = cpos.get_loc(a_id), cpos.get_loc(b_id)
        teams = set(pl.pair_team[pl.pairs.cadre == a]) & set(pl.pair_team[pl.pairs.cadre == b])
        for t in sorted(int(t) for t in teams):
            idx = np.flatnonzero(((pl.pairs.cadre == a) | (pl.pairs.cadre == b))
                                 & (pl.pair_team == t))
            idx = np.r_[idx[pl.pairs.cadre[idx] == a], idx[pl.pairs.cadre[idx] == b]]
            vs = [pl.x[i] for i in idx]
            if rule.mode == "hard":
                pl.require("R-AV1", f"{team_ids[t]}:{a_id}~{b_id}",
                           cp_model.LinearExpr.sum(vs) <= 1)
            else:
                v = pl.model.new_bool_var(f"R-AV1[{a_id}~{b_id}@{team_ids[t]}]")
                pl.model.add(cp_model.LinearExpr.sum(vs) <= 1 + v)
                pl.penalise("R-AV1", f"{team_ids[t]}:{a_id}~{b_id}", v)


@pytest.mark.parametrize("name", ["nanpiao", "linfen"])
def test_assignment_in_bulk_is_the_loop_s_model(name):
    bulk = _bundled(name)
    loop = _fresh(bulk)
    add_assignment(bulk)
    _loop_assignment(loop)
    # nanpiao: 438 posts, each with an exactly-one, plus an at-most-one per cadre with
    # more than one pair; the text compares every literal in order.
    assert len(bulk.model.proto.constraints) > len(bulk.data.posts)
    assert str(bulk.model.proto) == str(loop.model.proto)


@pytest.mark.parametrize("explaining", [False, True])
def test_a_post_nobody_may_take_is_named_in_its_place(explaining):
    # P2 (副科) sits between P1 and P3: no demotion, so nobody may take it; in explanation
    # mode its NO_CANDIDATE literal is made between P1's and P3's constraints.
    data = make_dataset(
        teams=[{"team_id": "T1", "kind": "township"}],  # 副科 … 副处 posts: schema.KIND_RANKS
        posts=[{"post_id": "P1", "team_id": "T1"},
               {"post_id": "P2", "team_id": "T1", "rank": "副科"},
               {"post_id": "P3", "team_id": "T1"}],
        cadres=[{"cadre_id": "A"}, {"cadre_id": "B"}], reference_date=REF)
    sc = scenario()
    facts = compute_facts(data, REF)
    bulk = Placement(data, sc, facts, eligible_pairs(data, sc, facts), explaining=explaining)
    loop = _fresh(bulk, explaining)
    add_assignment(bulk)
    _loop_assignment(loop)
    # 2 exactly-ones + NO_CANDIDATE + 2 at-most-ones (A and B each on P1 and P3) = 5
    assert len(bulk.model.proto.constraints) == 5
    assert str(bulk.model.proto) == str(loop.model.proto)


@pytest.mark.parametrize("mode", ["hard", "target"])
@pytest.mark.parametrize("explaining", [False, True])
def test_kinship_by_a_join_is_the_scan_s_model(mode, explaining):
    bulk = _fresh(_bundled("linfen", R_AV1=mode), explaining)
    loop = _fresh(bulk, explaining)
    add_kinship(bulk)
    _loop_kinship(loop)
    assert len(bulk.model.proto.constraints) > 0  # linfen: 12 relations, some share a team
    assert str(bulk.model.proto) == str(loop.model.proto)
    assert [(s.rule, s.where) for s in bulk.shortfalls] == \
        [(s.rule, s.where) for s in loop.shortfalls]
    assert list(bulk.assumptions) == list(loop.assumptions)


def test_groups_match_a_pandas_groupby():
    pl = _bundled("nanpiao")
    rng = np.random.default_rng(3)
    keys = rng.integers(0, 50, len(pl.pairs))
    mask = rng.random(len(pl.pairs)) < 0.3
    idx = np.flatnonzero(mask)
    expected = {int(k): v.to_numpy() for k, v in pd.Series(idx).groupby(keys[idx])}
    got = pl.groups(keys, mask)
    assert list(got) == list(expected)  # keys ascending
    assert all(np.array_equal(got[k], expected[k]) for k in expected)
    assert pl.groups(keys, np.zeros(len(pl.pairs), dtype=bool)) == {}


def test_total_by_column_is_the_weighted_sum_of_the_handles():
    pl = _bundled("nanpiao")
    idx, coefs = np.array([5, 2, 9]), np.array([40, 51, 33])
    a, b = cp_model.CpModel(), cp_model.CpModel()
    a.proto.copy_from(pl.model.proto)
    b.proto.copy_from(pl.model.proto)
    a.add(pl.total(idx, coefs) <= 100)
    b.add(cp_model.LinearExpr.weighted_sum([pl.x[i] for i in idx], coefs.tolist()) <= 100)
    assert str(a.proto) == str(b.proto)
    assert pl.x[5] is pl.x[5]  # one handle per pair, kept
    assert pl.x[5].index == pl.columns[5]


def test_agreement_counts_the_roster_s_lines_by_key():
    pl = _bundled("nanpiao")
    chosen = np.array([0, 7, 30])
    roster = pd.DataFrame({
        "post_id": [*pl.data.posts["post_id"].to_numpy()[pl.pairs.post[chosen]], "NOPE"],
        "cadre_id": [*pl.data.cadres["cadre_id"].to_numpy()[pl.pairs.cadre[chosen]], "X"]})
    # three known lines, one line naming a post and cadre the data set does not have
    assert np.flatnonzero(agreement(pl, roster).coefs).tolist() == [0, 7, 30]
