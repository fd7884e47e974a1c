"""The same model handed to HiGHS: a MIP built from the CP-SAT model's own proto.

The placement model uses only linear constraints, exactly-one, at-most-one and
clause constraints over booleans and bounded integers, so it has a faithful
MIP reading. Translating the proto (rather than building a second model)
guarantees that both engines solve one model: every rule family is written
once, in `models/`. Solver facts: on this problem's nearly-integral LP, a MIP
engine proves optimality where CP-SAT on 2 cores struggles.
"""

from __future__ import annotations

import contextlib
import os
import sys

import numpy as np

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _bound(v: int) -> float:
    return -np.inf if v <= INT64_MIN + 1 else np.inf if v >= INT64_MAX - 1 else float(v)


def _literal_terms(literals) -> tuple[list[int], list[float], float]:
    """Literals as (vars, coefs, constant): a negated literal -(i+1) is 1 - x_i."""
    idx, coef, const = [], [], 0.0
    for lit in literals:
        if lit >= 0:
            idx.append(lit)
            coef.append(1.0)
        else:
            idx.append(-lit - 1)
            coef.append(-1.0)
            const += 1.0
    return idx, coef, const


def to_mp_model(proto):
    """An `MPModelProto` (OR-Tools' linear solver format) holding the CP-SAT proto's model
    in its minimisation form."""
    from ortools.linear_solver import linear_solver_pb2 as lp

    mp = lp.MPModelProto()
    cost = np.zeros(len(proto.variables))
    obj = proto.objective
    for var, c in zip(obj.vars, obj.coeffs, strict=True):
        cost[var] += c
    for k, v in enumerate(proto.variables):
        mp.variable.add(
            lower_bound=_bound(v.domain[0]),
            upper_bound=_bound(v.domain[len(v.domain) - 1]),
            objective_coefficient=float(cost[k]),
            is_integer=True,
        )
    mp.objective_offset = float(obj.offset)

    def add(idx, coef, lo, hi):
        mp.constraint.add(var_index=idx, coefficient=coef, lower_bound=lo, upper_bound=hi)

    for ct in proto.constraints:
        if len(ct.enforcement_literal):
            raise ValueError("enforcement literals have no MIP translation here")
        if ct.has_linear():
            lin = ct.linear
            add(
                list(lin.vars),
                [float(c) for c in lin.coeffs],
                _bound(lin.domain[0]),
                _bound(lin.domain[len(lin.domain) - 1]),
            )
        elif ct.has_exactly_one():
            idx, coef, const = _literal_terms(ct.exactly_one.literals)
            add(idx, coef, 1.0 - const, 1.0 - const)
        elif ct.has_at_most_one():
            idx, coef, const = _literal_terms(ct.at_most_one.literals)
            add(idx, coef, -np.inf, 1.0 - const)
        elif ct.has_bool_or():
            idx, coef, const = _literal_terms(ct.bool_or.literals)
            add(idx, coef, 1.0 - const, np.inf)
        else:
            raise ValueError("constraint kind has no MIP translation here")
    return mp


@contextlib.contextmanager
def _quiet_stdout():
    """HiGHS prints a banner on the C-level stdout, which would spoil `--json` and the
    progress line; silence it for the duration of the solve."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def solve_highs(proto, time_limit: float, gap: float = 0.0, on_start=None):
    """Solve with HiGHS; returns (status, values or None, objective, bound) in the CP-SAT
    proto's sense (its scaling factor applied)."""
    with _quiet_stdout():
        return _solve(proto, time_limit, gap, on_start)


def _solve(proto, time_limit, gap, on_start):
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("HIGHS")
    solver.SuppressOutput()  # HiGHS's banner would spoil `--json` on stdout
    err = solver.LoadModelFromProto(to_mp_model(proto))
    if err:
        raise ValueError(err)
    if on_start is not None:
        on_start(solver)  # lets the caller interrupt the solve (Ctrl-C)
    solver.SetTimeLimit(int(time_limit * 1000))
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(params.RELATIVE_MIP_GAP, max(gap, 1e-9))
    code = solver.Solve(params)
    scale = proto.objective.scaling_factor or 1.0
    found = code in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE)
    values = (
        np.rint([v.solution_value() for v in solver.variables()]).astype(np.int64)
        if found
        else None
    )
    objective = scale * solver.Objective().Value() if found else None
    bound = scale * solver.Objective().BestBound() if found else None
    name = {
        pywraplp.Solver.OPTIMAL: "optimal",
        pywraplp.Solver.FEASIBLE: "feasible",
        pywraplp.Solver.INFEASIBLE: "infeasible",
    }.get(code, "unknown")
    return name, values, objective, bound
