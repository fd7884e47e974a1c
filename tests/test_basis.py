"""A kept LP basis carried to a model of another structure (`placement.solver.basis`,
issue 16): a what-if that switches a rule off starts its LP from the previous optimum's
basis. The start may change the time, never the answer."""

from __future__ import annotations

from pathlib import Path

import highspy
import numpy as np
import pytest
from ortools.sat.python import cp_model

from models.objective import set_objective, weighted
from placement.data.loader import load_dataset
from placement.data.scenario_io import load_scenario, override_scenario
from placement.pipeline.propose import propose
from placement.solver.basis import carried, statuses
from placement.solver.highs import MipArrays, highs_model, mip_arrays

ROOT = Path(__file__).resolve().parents[1]
BASIC = 1


def _model(sc, data, pairs: bool = False):
    """The proposal's model with its weighted objective, as arrays, and its names (and
    `pairs`: its pair columns and their ids, as `placement.solver.solve` gives them)."""
    pl = propose(sc, data, explain=False).placement
    model = cp_model.CpModel()
    model.proto.copy_from(pl.model.proto)
    set_objective(pl, weighted(pl), model)
    out = mip_arrays(model.proto), [v.name for v in model.proto.variables]
    ids = pl.pairs.post.astype(np.int64) * len(data.cadres) + pl.pairs.cadre
    return (*out, (pl.columns, ids)) if pairs else out


def _lp(m: MipArrays, start: tuple[np.ndarray, np.ndarray] | None = None):
    h = highs_model(m, integer=False)
    if start is not None:
        basis = highspy.HighsBasis()
        basis.col_status = [highspy.HighsBasisStatus(int(s)) for s in start[0]]
        basis.row_status = [highspy.HighsBasisStatus(int(s)) for s in start[1]]
        basis.valid = True
        assert h.setBasis(basis) == highspy.HighsStatus.kOk
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return (h.getInfo().objective_function_value, h.getInfo().simplex_iteration_count,
            statuses(h.getBasis()))


@pytest.fixture(scope="module")
def nanpiao():
    sc = load_scenario(ROOT / "scenarios" / "nanpiao.toml")
    data = load_dataset(sc.data, sc.reference_date)
    m0, names0 = _model(sc, data)
    return sc, data, m0, names0, _lp(m0)


def test_the_same_model_gets_its_own_basis_back(nanpiao):
    _, _, m0, names0, (value, _, (cols, rows)) = nanpiao
    got = carried(m0, names0, cols, rows, m0, names0)
    assert np.array_equal(got[0], cols) and np.array_equal(got[1], rows)
    again, iterations, _ = _lp(m0, got)
    assert again == pytest.approx(value) and iterations == 0  # already optimal


@pytest.mark.parametrize("setting", ["rules.R-TC10.mode=off", "rules.R-TC1.mode=off",
                                     "rules.R-TC4.mode=hard"])
def test_a_rule_switched_off_or_hard_starts_near_its_optimum(nanpiao, setting):
    """Rows and shortfall columns removed (off) or a shortfall column removed (hard): one
    basic status per row, the cold LP's optimum, in fewer dual simplex iterations."""
    sc, data, m0, names0, (_, _, (cols, rows)) = nanpiao
    m1, names1 = _model(override_scenario(sc, [setting]), data)
    assert (m1.num_vars, len(m1.row_lower)) != (m0.num_vars, len(m0.row_lower))
    start = carried(m0, names0, cols, rows, m1, names1)
    assert (start[0] == BASIC).sum() + (start[1] == BASIC).sum() == len(m1.row_lower)
    cold, cold_iterations, _ = _lp(m1)
    warm, warm_iterations, _ = _lp(m1, start)
    assert warm == pytest.approx(cold)
    assert warm_iterations < cold_iterations, (warm_iterations, cold_iterations)


def test_a_forbid_lock_carries_each_pair_by_its_cadre_and_post(nanpiao):
    """A forbid drops one pair column, and every later pair's position moves: by their
    ids each pair takes its own status, the LP starts nearer its optimum than by
    positions, and reaches the cold LP's."""
    sc, data, _, _, _ = nanpiao
    m0, names0, pairs0 = _model(sc, data, pairs=True)
    _, _, (cols, rows) = _lp(m0)
    base = propose(sc, data, explain=False)
    line = base.roster.query("change != 'stay'").iloc[0]
    forbid = f'locks.forbid=[{{cadre="{line.cadre_id}", post="{line.post_id}"}}]'
    m1, names1, pairs1 = _model(override_scenario(sc, [forbid]), data, pairs=True)
    assert len(pairs1[0]) == len(pairs0[0]) - 1
    by_ids = carried(m0, names0, cols, rows, m1, names1, pairs0, pairs1)
    by_positions = carried(m0, names0, cols, rows, m1, names1)
    old = dict(zip(pairs0[1].tolist(), cols[pairs0[0]].tolist(), strict=True))
    own = np.array([old[k] for k in pairs1[1].tolist()])
    assert (own == by_ids[0][pairs1[0]]).mean() > 0.999  # but a surplus basic status
    cold, cold_iterations, _ = _lp(m1)
    warm, warm_iterations, _ = _lp(m1, by_ids)
    _, position_iterations, _ = _lp(m1, by_positions)
    assert warm == pytest.approx(cold)
    assert warm_iterations < min(cold_iterations, position_iterations), \
        (warm_iterations, cold_iterations, position_iterations)


def test_a_basis_from_an_unrelated_model_changes_nothing_but_the_time(nanpiao):
    """Statuses carried from a model that shares no names or rows: every column starts at
    a bound, every slack basic; the LP still reaches its optimum."""
    _, _, m0, names0, (value, _, _) = nanpiao
    other = MipArrays(cost=np.array([1.0]), lower=np.zeros(1), upper=np.ones(1),
                      starts=np.array([0, 1], dtype=np.int32), index=np.zeros(1, np.int32),
                      value=np.ones(1), row_lower=np.array([0.0]), row_upper=np.array([1.0]),
                      offset=0.0, scale=1.0)
    start = carried(other, ["unrelated"], np.array([BASIC]), np.array([0]), m0,
                    [f"renamed{j}" for j in range(len(names0))])
    assert (start[1] == BASIC).all() and not (start[0] == BASIC).any()
    assert _lp(m0, start)[0] == pytest.approx(value)
