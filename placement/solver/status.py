"""How a search ended, read exactly from each engine's own status.

Why one module: summary.json's `status` and the exit codes (0 a roster, 4 no roster
exists, 5 none found in time) rest on this reading, so each engine answer has one
meaning here and an answer that is neither a roster, a proof nor a stop is an error
that names its cause: a model CP-SAT rejects (MODEL_INVALID) or one HiGHS calls
unbounded or fails on never reads as "no roster within the time limit".

`Status.OPTIMAL` is what the engine reports when it closed the gap it was asked for
(`solver.relative_gap`); `proven` tells whether that is a proof of the optimum, which
is what a caller reasoning from "nothing better exists" needs (the alternates'
regions, `placement.solver.resolve`).
"""

from __future__ import annotations

import enum

from ortools.sat.python import cp_model


class Status(enum.StrEnum):
    """The values are summary.json's `status` (a StrEnum: they compare equal to them)."""

    OPTIMAL = "optimal"  # the gap asked for is closed (see `proven`)
    FEASIBLE = "feasible"  # a roster, stopped before that (time limit, Ctrl-C, cancel)
    INFEASIBLE = "infeasible"  # proven: no roster keeps every hard rule
    UNKNOWN = "unknown"  # stopped before any roster and before a proof that none exists


FOUND = (Status.OPTIMAL, Status.FEASIBLE)


class SolverError(RuntimeError):
    """An engine ended with neither a roster, a proof nor a stop: the model or the
    engine is at fault, and the message says which and why."""


CPSAT = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
}


def from_cpsat(code, model: cp_model.CpModel) -> Status:
    """CP-SAT's status; MODEL_INVALID raises with CP-SAT's own reason (`validate()`)."""
    if code == cp_model.MODEL_INVALID:
        raise SolverError(f"CP-SAT rejected the model as invalid: {model.validate()}")
    return CPSAT[code]


# HiGHS model statuses (`highspy.HighsModelStatus` member names). A stop keeps the best
# roster found (feasible) or has none (unknown); these limits are the only ones the
# search sets or HiGHS applies (time, Ctrl-C or cancel through the callback) plus the
# ones HiGHS offers as options (nodes, solutions, objective bound or target).
HIGHS_STOPS = frozenset({"kTimeLimit", "kInterrupt", "kHighsInterrupt", "kIterationLimit",
                         "kSolutionLimit", "kObjectiveBound", "kObjectiveTarget"})
HIGHS_ERRORS = {
    "kNotset": "HiGHS did not set a status (the run did not complete)",
    "kLoadError": "HiGHS could not load the model",
    "kModelError": "HiGHS found the model invalid",
    "kPresolveError": "HiGHS failed in presolve",
    "kSolveError": "HiGHS failed while solving",
    "kPostsolveError": "HiGHS failed in postsolve",
    "kModelEmpty": "the model handed to HiGHS has no variables",
    # Every placement variable is bounded, so neither can happen to a sound model.
    "kUnboundedOrInfeasible": "HiGHS found the model unbounded or infeasible, "
                              "without telling which",
    "kUnbounded": "HiGHS found the model unbounded (the objective has no finite optimum)",
    "kUnknown": "HiGHS ended without telling whether a roster exists",
    "kMemoryLimit": "HiGHS ran out of memory",
}


def from_highs(name: str, found: bool) -> Status:
    """HiGHS's model status (`HighsModelStatus` member name) and whether it holds a
    feasible solution, as a Status; an error or unbounded model raises."""
    if name == "kOptimal":
        if not found:
            raise SolverError("HiGHS reported an optimum without a solution")
        return Status.OPTIMAL
    if name == "kInfeasible":
        return Status.INFEASIBLE
    if name in HIGHS_STOPS:
        return Status.FEASIBLE if found else Status.UNKNOWN
    raise SolverError(f"HiGHS ended with {name}: "
                      f"{HIGHS_ERRORS.get(name, 'a status this program does not know')}")


def proven(status: Status, gap_limit: float, objective: float | None,
           bound: float | None) -> bool:
    """Optimal and proven so: the engine was asked for no gap, or its bound meets the
    roster's objective. Optimal within a nonzero `gap_limit` otherwise."""
    if status is not Status.OPTIMAL:
        return False
    if gap_limit == 0:
        return True
    return bound is not None and abs(bound - objective) <= 1e-9 * max(1.0, abs(objective))
