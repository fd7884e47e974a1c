"""Re-solving with columns held at 0 (placement/solver/resolve.py): every route gives the optimum
the whole MIP gives, and a held sub-model is the model with those columns fixed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from models.builder import build as build_model
from models.objective import set_objective, weighted
from placement.data.loader import build_dataset
from placement.data.scenario import Scenario
from placement.generate import REFERENCE_DATE, build
from placement.pipeline.propose import propose
from placement.solver.highs import Search, mip_arrays
from placement.solver.resolve import Resolver, held_model


@pytest.fixture(scope="module")
def two_cities():
    data = build_dataset(build("province2", 7).tables, reference_date=REFERENCE_DATE)
    sc = Scenario(data=Path("."), reference_date=REFERENCE_DATE)
    prop = propose(sc, data, explain=False)
    pl = build_model(data, sc, prop.facts, prop.pairs)
    set_objective(pl, weighted(pl))
    column = np.array([x.index for x in pl.x], dtype=np.int64)
    return prop, mip_arrays(pl.model.proto), column


def _resolver(prop, m, column, blocks):
    o = prop.outcome
    return Resolver(m, o.values, o.objective, column, optimal=True, blocks=blocks,
                    time_limit=60, gap=0.0)


def test_held_model_is_the_model_with_columns_fixed(two_cities):
    prop, m, column = two_cities
    base = prop.outcome.values.astype(float)
    rng = np.random.default_rng(1)
    free = np.sort(rng.choice(m.num_vars, size=m.num_vars // 3, replace=False))
    free = np.union1d(free, np.setdiff1d(np.arange(m.num_vars), column))  # auxiliaries free
    sub, holds = held_model(m, free, base)
    assert holds
    held = np.setdiff1d(np.arange(m.num_vars), free)
    fixed = replace(m, lower=np.where(np.isin(np.arange(m.num_vars), held), base, m.lower),
                    upper=np.where(np.isin(np.arange(m.num_vars), held), base, m.upper))
    a, b = Search(sub, 60).run(), Search(fixed, 60).run()
    assert a.status == b.status == "optimal"
    assert a.objective == pytest.approx(b.objective)
    # the proposal is optimal for the whole, so also for the held sub-model
    assert a.objective == pytest.approx(prop.outcome.objective)


def test_every_route_gives_the_whole_optimum(two_cities):
    """A post's holder excluded: the neighbourhood route (when it answers), the block
    route and the whole route agree with a plain whole solve of the same exclusion."""
    prop, m, column = two_cities
    assert prop.outcome.blocks >= 2
    pairs = prop.pairs
    chosen = np.asarray(prop.outcome.chosen)
    changed = prop.roster.index[prop.roster["change"] != "stay"]
    post_ids = prop.data.posts["post_id"].to_numpy()
    by_block, whole = _resolver(prop, m, column, True), _resolver(prop, m, column, False)
    routes = set()
    for row in list(changed[:: max(1, len(changed) // 3)])[:3]:
        post = prop.roster.at[row, "post_id"]
        p = int(np.flatnonzero(post_ids == post)[0])
        excluded = column[chosen[pairs.post[chosen] == p]]
        upper = m.upper.copy()
        upper[excluded] = 0.0
        plain = Search(replace(m, upper=upper), 60).run()
        region = column[pairs.post == p]  # a neighbourhood of the post's own pairs
        for resolver, near in ((by_block, region), (by_block, column[:0]),
                               (whole, column[:0])):
            answer = resolver.without(excluded, near)
            assert answer.status == "optimal"
            assert resolver.objective(answer.values) == pytest.approx(plain.objective)
            assert not answer.values[excluded].any()
            routes.add(answer.route)
    assert {"block", "whole"} <= routes
