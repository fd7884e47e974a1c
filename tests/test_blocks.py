"""Block-by-block solving (placement/solver/blocks.py): the same optimum as the whole MIP, a
roster the independent checker accepts, and the whole MIP whenever a set-aside
row (one figure over all teams) does not hold on the stitched roster."""

from __future__ import annotations

import numpy as np
import pytest
from solving import blocks_scenario

from models.builder import build as build_model
from models.objective import set_objective, weighted
from placement.api import override
from placement.checker import check_roster
from placement.data.loader import build_dataset
from placement.eligibility.facts import compute_facts
from placement.eligibility.pairs import eligible_pairs
from placement.generate import REFERENCE_DATE, build
from placement.pipeline.propose import propose
from placement.solver.blocks import BlockSearch, _components, solve_highs, split
from placement.solver.highs import Search, mip_arrays


def test_components_follow_shared_rows():
    # rows {0,1}, {1,2}, {3,4}; column 5 in no row
    starts = np.array([0, 2, 4, 6])
    index = np.array([0, 1, 1, 2, 3, 4])
    label = _components(6, starts, index, np.arange(3))
    assert label[0] == label[1] == label[2]
    assert label[3] == label[4] != label[0]
    assert label[5] == 5


@pytest.fixture(scope="module")
def two_cities():
    g = build("province2", 7)
    return build_dataset(g.tables, reference_date=REFERENCE_DATE)


def _model(data, sc):
    facts = compute_facts(data, sc.reference_date)
    pl = build_model(data, sc, facts, eligible_pairs(data, sc, facts))
    set_objective(pl, weighted(pl))
    return mip_arrays(pl.model.proto)


def test_two_cities_split_and_agree_with_the_whole(two_cities):
    sc = blocks_scenario()
    m = _model(two_cities, sc)
    parts = split(m)
    assert parts is not None and len([b for b in parts.blocks if len(b) > 1000]) >= 2
    by_block = BlockSearch(m, parts, 60, 0.0).run()
    whole = Search(m, 60, 0.0).run()
    assert by_block is not None and by_block.status == whole.status == "optimal"
    assert by_block.objective == pytest.approx(whole.objective)
    assert by_block.bound == pytest.approx(whole.objective)
    prop = propose(sc, two_cities, explain=False)
    assert prop.outcome.objective == pytest.approx(whole.objective)
    report = check_roster(sc, two_cities, prop.roster)
    assert report.ok, report.render("en")


def test_a_broken_global_row_falls_back_to_the_whole(two_cities):
    """R-TC4 (one figure over all teams) asks for more young appointments than the
    blocks make on their own: the stitched roster breaks it, so the whole MIP is
    solved, and its shortfall is priced."""
    sc = override(blocks_scenario(),
                  "rules.R-TC4.min_count=400", 'rules.R-TC4.mode="target"')
    m = _model(two_cities, sc)
    parts = split(m)
    assert parts is not None
    assert BlockSearch(m, parts, 60, 0.0).run() is None
    facts = compute_facts(two_cities, sc.reference_date)
    pl = build_model(two_cities, sc, facts, eligible_pairs(two_cities, sc, facts))
    set_objective(pl, weighted(pl))
    answer = solve_highs(pl.model.proto, 60)
    assert answer.status == "optimal"
    assert answer.objective == pytest.approx(Search(m, 60, 0.0).run().objective)
