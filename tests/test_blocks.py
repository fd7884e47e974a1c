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
from placement.solver.blocks import (
    BlockSearch,
    _components,
    _next_price,
    _predicted,
    lift,
    solve_highs,
    split,
)
from placement.solver.highs import Search, mip_arrays, rows_hold


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


def _placement(data, sc):
    facts = compute_facts(data, sc.reference_date)
    pl = build_model(data, sc, facts, eligible_pairs(data, sc, facts))
    set_objective(pl, weighted(pl))
    return pl


def test_a_broken_hard_global_row_falls_back_to_the_whole(two_cities):
    """R-TC4 (one figure over all teams) made hard asks for more young appointments
    than the blocks make on their own: the stitched roster breaks it and nothing prices
    it, so the whole MIP is solved."""
    sc = override(blocks_scenario(), "rules.R-TC4.min_count=200", 'rules.R-TC4.mode="hard"')
    m = _model(two_cities, sc)
    parts = split(m)
    assert parts is not None
    assert BlockSearch(m, parts, 60, 0.0).run() is None
    answer = solve_highs(_placement(two_cities, sc).model.proto, 60)
    assert answer.status == "optimal"
    assert answer.objective == pytest.approx(Search(m, 60, 0.0).run().objective)


@pytest.mark.parametrize("settings", [
    ("rules.R-TC4.min_count=400", 'rules.R-TC4.mode="target"'),  # a shortfall of 1, R-TC4's
    ("rules.R-TC6.keep_total=true",),  # the catalogue's non-Party total, as on the province
])
def test_a_broken_priced_global_row_is_met_by_lagrangian_passes(two_cities, settings):
    """A set-aside row with a priced shortfall of its own (R-TC4 as a target, R-TC6's
    city total) that the blocks' roster breaks: the blocks are solved again with the
    row's columns priced (`BlockSearch._priced`) until a roster of the whole meets the
    passes' bound, proven; the same optimum as HiGHS on the whole MIP without its LP
    first, and a roster the independent checker accepts."""
    sc = override(blocks_scenario(), *settings)
    m = _model(two_cities, sc)
    parts = split(m)
    assert parts is not None
    blocks = BlockSearch(m, parts, 60, 0.0)
    first = [s.run() for s in blocks.searches]
    x = np.zeros(m.num_vars)
    for cols, a in zip(parts.blocks, first, strict=True):
        x[cols] = a.values
    x[parts.loose] = np.where(m.cost[parts.loose] >= 0, m.lower[parts.loose],
                              m.upper[parts.loose])
    assert not rows_hold(m, lift(m, parts.global_rows, x), parts.global_rows)
    answer = BlockSearch(m, parts, 60, 0.0).run()
    whole = Search(m, 60, 0.0, lp_first=False).run()
    assert answer is not None and answer.proven and answer.status == whole.status == "optimal"
    assert answer.objective == pytest.approx(whole.objective) == pytest.approx(answer.bound)
    assert rows_hold(m, answer.values.astype(float))
    prop = propose(sc, two_cities, explain=False)
    assert prop.outcome.objective == pytest.approx(whole.objective)
    report = check_roster(sc, two_cities, prop.roster)
    assert report.ok, report.render("en")


def test_the_next_price_climbs_then_cuts():
    """`_next_price`: 1, 2, 4, … (or where the last two passes point) while no pass
    reaches the row, then where the lowest of the passes' lines (roster values as
    functions of the price) is highest."""
    short = (0.0, 4.0, {})  # value 0 at price 0, 4 short: rises with the price
    assert _next_price([short], 500.0, {0.0}) == 1.0
    assert _next_price([short], 500.0, {0.0, 1.0, 2.0}) == 4.0
    assert _next_price([short], 3.0, {0.0, 1.0, 2.0}) == 3.0
    over = (10.0, -1.0, {})  # 1 over: falls with the price; the lines cross at 2
    assert _next_price([short, over], 500.0, {0.0, 4.0}) == pytest.approx(2.0)
    # the province's first two passes: 54 short at 0, 42 at 1: where 12 a unit points
    passes = [(0.0, 54.0, {}), (-10.0, 42.0, {})]
    assert _next_price(passes, 500.0, {0.0, 1.0}, [0.0, 1.0]) == pytest.approx(4.5)
    # a warm start above the price: every pass overshoots, so half the lowest, then 0
    assert _next_price([over], 500.0, {3.0, 2.9997}) == pytest.approx(2.9997 / 2)
    assert _next_price([over], 500.0, {0.8}) == 0.0


def test_a_city_optimal_at_both_ends_of_a_price_interval_is_not_searched_within(two_cities):
    """`BlockSearch._between`: a city whose roster is optimal at two prices of the
    Lagrangian passes is optimal at every price between (its optimum is concave in the
    price), so it is answered there without a search: the same optimum as a search; a
    price outside the interval, or an interval whose ends' rosters differ, is searched."""
    sc = override(blocks_scenario(), "rules.R-TC6.keep_total=true")
    m = _model(two_cities, sc)
    blocks = BlockSearch(m, split(m), 60, 0.0)
    assert blocks.run() is not None and blocks.row is not None  # the R-TC6 total, priced
    row, b = blocks.row, blocks.row.touched[0]
    slope = np.zeros(m.num_vars)
    slope[row.cols] = row.sign * row.coef

    def at(y):
        return Search(blocks._sub(b, y), 60, 0.0).run()

    near = [(0.5, at(0.5)), (0.6, at(0.6))]
    mid = blocks._between(b, 0.55, near, slope)
    assert mid is not None and mid.proven
    assert mid.objective == pytest.approx(at(0.55).objective) == pytest.approx(mid.bound)
    assert blocks._between(b, 0.7, near, slope) is None
    far = [(0.0, at(0.0)), (row.top, at(row.top))]
    assert blocks._between(b, row.top / 2, far, slope) is None


def test_a_warm_pass_goes_where_the_last_passes_shortfalls_moved_point():
    """`_predicted`: the last solve's passes (price, shortfall), moved by what this
    what-if's pass found at a price, cross 0 between two of their prices: the next price
    to try is the one of the two on the row's other side; None past the row's top price,
    beyond the passes' prices, or at a price tried."""
    table = ((0.0, 10.0), (1.0, 2.0), (2.0, -10.0))  # 2 short at 1, 10 over at 2
    # 4 over at 1: moved, 4 short at 0 and 4 over at 1: the price short of the row
    assert _predicted(table, 1.0, -4.0, 500.0, set()) == 0.0
    # 4 short at 1: moved, 4 short at 1 and 8 over at 2: the price over the row
    assert _predicted(table, 1.0, 4.0, 500.0, set()) == 2.0
    # 2 short at 1, as the table: crossing between 1 and 2, over at 2
    assert _predicted(table, 1.0, 2.0, 500.0, set()) == 2.0
    assert _predicted(table, 1.0, -30.0, 500.0, set()) is None  # beyond what they saw
    assert _predicted(table, 1.0, -4.0, 500.0, {0.0}) is None
    assert _predicted(table, 1.0, 4.0, 1.2, set()) is None  # above the top price
    assert _predicted(((1.0, 3.0),), 1.0, 4.0, 500.0, set()) is None
