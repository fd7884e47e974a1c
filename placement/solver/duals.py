"""The LP relaxation's row duals of a placement model: the quick estimate of a price.

Why: the price list (`placement.pipeline.prices`) prices each step exactly by a
re-solve; the dual of a rule's row says, from one LP solve, how much the objective
would gain per unit that row's figure is lowered, at the LP's optimum. On this model
the LP is nearly integral (docs/solver.md), so the estimate is often close, but it is
a marginal rate: it misses where the roster must change by whole lines. It also ranks
the places of a rule, so that only the few dearest are re-solved.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from models.objective import set_objective, weighted
from models.variables import Placement
from placement.solver.highs import highs_model, mip_arrays, stdout_to_stderr


def row_duals(pl: Placement, time_limit: float) -> np.ndarray | None:
    """Per proto constraint of `pl.model`: the objective gained per unit its bound is
    relaxed at the LP optimum of the weighted objective (absolute values, in objective
    units); None when the LP did not reach an optimum within `time_limit`."""
    model = cp_model.CpModel()
    model.proto.copy_from(pl.model.proto)
    set_objective(pl, weighted(pl), model)
    m = mip_arrays(model.proto)
    h = highs_model(m, {"time_limit": float(time_limit)}, integer=False)
    with stdout_to_stderr():
        h.run()
    if h.getModelStatus().name != "kOptimal":
        return None
    return np.abs(np.asarray(h.getSolution().row_dual, dtype=float))
