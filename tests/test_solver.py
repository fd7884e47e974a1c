"""The solver layer (placement/solver/solve.py, status.py): it runs on any thread, a
cancel event stops it, each engine's status reads exactly, and it never changes the
model it is given."""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import highspy
import numpy as np
import pytest
from builders import MINI, mini_scenario
from ortools.sat.python import cp_model
from solving import REF, scenario

from models.builder import build
from models.objective import agreement, set_objective, weighted
from placement import api
from placement.checker import check_roster
from placement.data.loader import load_dataset
from placement.data.scenario_io import load_scenario
from placement.eligibility.facts import compute_facts
from placement.eligibility.pairs import eligible_pairs
from placement.pipeline.propose import propose
from placement.roster.tables import roster_table
from placement.solver.highs import MipArrays, Search, mip_arrays
from placement.solver.solve import solve
from placement.solver.status import (
    HIGHS_ERRORS,
    HIGHS_STOPS,
    SolverError,
    Status,
    from_cpsat,
    from_highs,
    proven,
)

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"R-TC5": {"mode": "target"}, "R-TC2": {"mode": "target"}}


@pytest.fixture(scope="module")
def mini():
    return load_dataset(MINI, REF)


@pytest.fixture(scope="module")
def linfen():
    sc = load_scenario(ROOT / "scenarios" / "linfen.toml")
    return sc, load_dataset(sc.data, reference_date=sc.reference_date)


def _placement(data, sc):
    facts = compute_facts(data, sc.reference_date)
    return build(data, sc, facts, eligible_pairs(data, sc, facts))


def _with(sc, **solver):
    return sc.model_copy(update={"solver": sc.solver.model_copy(update=solver)})


# --- any thread -------------------------------------------------------------------------

def test_api_solve_on_a_worker_thread_gives_the_checked_roster(tmp_path):
    """A web server solves on worker threads, where `signal.signal` raises; the solve
    must neither try nor differ from the same solve on the main thread."""
    sc, data = api.load(mini_scenario(tmp_path))
    here = api.solve(sc, data)
    with ThreadPoolExecutor(1) as pool:
        there = pool.submit(api.solve, sc, data).result()
    assert there.status == "optimal" and there.ok and not there.interrupted
    assert there.objective == here.objective
    assert there.roster.equals(here.roster)
    assert check_roster(sc, data, there.roster).ok


def test_api_solve_takes_a_cancel_event(tmp_path):
    """The API passes `cancel` down to the search: an event set before the call gives no
    roster, status unknown, interrupted (exit 5), and summary.json says so."""
    sc, data = api.load(mini_scenario(tmp_path))
    cancel = threading.Event()
    cancel.set()
    with ThreadPoolExecutor(1) as pool:
        result = pool.submit(api.solve, sc, data, cancel=cancel).result()
    assert result.status == "unknown" and result.interrupted and result.roster is None
    assert result.exit_code == 5 and result.summary["proven"] is False


def test_cpsat_on_a_thread(mini):
    sc = scenario(TARGETS, solver={"engine": "cpsat", "workers": 2, "time_limit": 30})
    result = {}
    worker = threading.Thread(target=lambda: result.update(prop=propose(sc, mini)))
    worker.start()
    worker.join()
    prop = result["prop"]
    assert prop.status is Status.OPTIMAL and prop.outcome.proven
    assert check_roster(sc, mini, prop.roster).ok


# --- cancel -----------------------------------------------------------------------------

def test_cancel_set_before_the_solve_runs_no_search(mini):
    cancel = threading.Event()
    cancel.set()
    prop = propose(scenario(TARGETS), mini, cancel=cancel)
    o = prop.outcome
    assert o.interrupted and o.status is Status.UNKNOWN and not o.proven
    assert o.levels == [] and prop.roster is None and len(o.chosen) == 0


@pytest.mark.parametrize("engine", ["highs", "cpsat"])
def test_cancel_while_solving_stops_a_long_search(linfen, engine):
    """Linfen on CP-SAT runs for tens of seconds (docs/solver.md); HiGHS needs about
    1 s, so there the event is set from the progress report at the level's start and
    the search is stopped as it begins. Both on a worker thread, 60 s limit."""
    sc, data = linfen
    sc = _with(sc, engine=engine, time_limit=60)
    pl = _placement(data, sc)
    cancel = threading.Event()

    def show(label, elapsed, objective, bound):
        if engine == "highs" and not cancel.is_set():
            cancel.set()
            time.sleep(0.3)  # > CANCEL_POLL: the watcher has stopped the engine

    if engine == "cpsat":
        threading.Timer(1.0, cancel.set).start()
    with ThreadPoolExecutor(1) as pool:
        o = pool.submit(solve, pl, show, (), cancel).result()
    assert o.interrupted and o.seconds < 20
    assert o.status in (Status.FEASIBLE, Status.UNKNOWN) and not o.proven
    if len(o.chosen):  # a roster found before the stop is a roster
        assert check_roster(sc, data, roster_table(data, pl.facts, pl.pairs, o.chosen)).ok


def test_ctrl_c_on_the_main_thread_still_stops_the_search(linfen):
    """The main thread keeps Ctrl-C: the solve's own handler stops the engine (CP-SAT's
    search runs for tens of seconds on Linfen) and says so, the caller's handler is
    never called meanwhile and is back afterwards."""
    sc, data = linfen
    pl = _placement(data, _with(sc, engine="cpsat", time_limit=60))
    caught = []

    def callers_handler(*_):
        caught.append(1)

    original = signal.signal(signal.SIGINT, callers_handler)
    try:
        threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()
        o = solve(pl)
        restored = signal.getsignal(signal.SIGINT)
    finally:
        signal.signal(signal.SIGINT, original)
    assert o.interrupted and o.seconds < 20 and not o.proven
    assert caught == [] and restored is callers_handler


# --- status mapping ---------------------------------------------------------------------

def test_cpsat_statuses_map_exactly():
    model = cp_model.CpModel()
    assert {code: from_cpsat(code, model) for code in
            (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE, cp_model.UNKNOWN)} == {
        cp_model.OPTIMAL: Status.OPTIMAL, cp_model.FEASIBLE: Status.FEASIBLE,
        cp_model.INFEASIBLE: Status.INFEASIBLE, cp_model.UNKNOWN: Status.UNKNOWN}


def test_model_invalid_raises_with_cp_sat_reason(mini):
    """A constraint over a variable the model does not have: CP-SAT answers
    MODEL_INVALID, which must not read as "no roster within the time limit"."""
    model = cp_model.CpModel()
    model.new_bool_var("x")
    row = model.proto.constraints.add().linear
    row.vars.append(7)
    row.coeffs.append(1)
    row.domain.extend([0, 1])
    reason = model.validate()
    assert reason
    code = cp_model.CpSolver().solve(model)
    assert code == cp_model.MODEL_INVALID
    with pytest.raises(SolverError, match="CP-SAT rejected the model as invalid") as err:
        from_cpsat(code, model)
    assert reason in str(err.value)
    # The same through `solve`, on a placement model broken the same way.
    pl = _placement(mini, scenario(TARGETS, solver={"engine": "cpsat", "time_limit": 30}))
    bad = pl.model.proto.constraints.add().linear
    bad.vars.append(len(pl.model.proto.variables) + 5)
    bad.coeffs.append(1)
    bad.domain.extend([0, 1])
    with pytest.raises(SolverError, match="CP-SAT rejected the model as invalid"):
        solve(pl)


def test_every_highs_status_is_mapped_exactly():
    names = set(highspy.HighsModelStatus.__members__)
    # Every status HiGHS has is a roster or proof, a stop, or an error named here.
    assert names == {"kOptimal", "kInfeasible"} | HIGHS_STOPS | set(HIGHS_ERRORS)
    assert from_highs("kOptimal", True) is Status.OPTIMAL
    assert from_highs("kInfeasible", False) is Status.INFEASIBLE
    for name in HIGHS_STOPS:
        assert from_highs(name, True) is Status.FEASIBLE
        assert from_highs(name, False) is Status.UNKNOWN
    for name, cause in HIGHS_ERRORS.items():
        for found in (True, False):
            with pytest.raises(SolverError, match=name) as err:
                from_highs(name, found)
            assert cause in str(err.value)
    with pytest.raises(SolverError, match="optimum without a solution"):
        from_highs("kOptimal", False)


def _one_column(cost: float, upper: float, row_lower: float) -> MipArrays:
    """min cost·x, 0 ≤ x ≤ upper integer, x ≥ row_lower."""
    return MipArrays(cost=np.array([cost]), lower=np.zeros(1), upper=np.array([upper]),
                     starts=np.array([0, 1], dtype=np.int32), index=np.zeros(1, np.int32),
                     value=np.ones(1), row_lower=np.array([row_lower]),
                     row_upper=np.array([np.inf]), offset=0.0, scale=1.0)


def _knapsack(capacity: float) -> MipArrays:
    """max 5a + 4b + 3c (HiGHS minimises the negation), 2a + 3b + c ≤ capacity, binary."""
    return MipArrays(cost=np.array([-5.0, -4.0, -3.0]), lower=np.zeros(3), upper=np.ones(3),
                     starts=np.array([0, 3], dtype=np.int32),
                     index=np.arange(3, dtype=np.int32), value=np.array([2.0, 3.0, 1.0]),
                     row_lower=np.array([-np.inf]), row_upper=np.array([capacity]),
                     offset=0.0, scale=1.0)


def test_an_integral_lp_optimum_answers_and_a_fractional_one_falls_back_to_the_mip(
        monkeypatch):
    """Capacity 3: the LP fills c then a (weights 1 + 2 = 3, value 3 + 5 = 8), integral,
    so it is the MIP's optimum, proven, with no search. Capacity 4: the LP adds b = 1/3
    (8 + 4/3); the fixed rounding finds a, c (8; b, c is 7, a with b is over), short of
    the bound, and the reduced costs (a's 7/3, c's 5/3, above the gap of 4/3) keep a
    and c at 1 in any roster as good: the small MIP over b proves it. Without that,
    the MIP is searched and finds the same."""
    integral = Search(_knapsack(3.0), 10)
    assert integral._relaxation() is not None
    within = Search(_knapsack(4.0), 10)._relaxation()
    assert (within.objective, within.proven, list(within.values)) == (-8.0, True, [1, 0, 1])
    monkeypatch.setattr(Search, "_within_gap", lambda *_: None)
    fractional = Search(_knapsack(4.0), 10)
    assert fractional._relaxation() is None
    # The LP's time comes off the MIP's limit when the MIP must search after it.
    fractional.run()
    assert fractional.h.getOptionValue("time_limit")[1] < 10
    for capacity in (3.0, 4.0):
        first = Search(_knapsack(capacity), 10).run()
        plain = Search(_knapsack(capacity), 10, lp_first=False).run()
        assert (first.status, first.objective, first.proven) == (Status.OPTIMAL, -8.0, True)
        assert (plain.objective, list(plain.values)) == (-8.0, [1, 0, 1])
        assert list(first.values) == [1, 0, 1]
    # Retargeted in place (capacity 3 -> 4), the kept LP restarts from its basis and
    # is fractional now: the MIP answers.
    integral.run()
    assert integral.retarget(_knapsack(4.0))
    again = integral.run()
    assert (again.objective, list(again.values)) == (-8.0, [1, 0, 1])
    assert integral._relaxation() is None


def test_a_stop_during_the_lp_ends_it_and_no_search_follows(linfen):
    """A stop that arrives while the LP relaxation runs (here: at its first simplex
    callback) ends the LP there, and the MIP search after it stops at once: no proven
    answer, nothing searched to the end."""
    sc, data = linfen
    pl = _placement(data, sc)
    model = cp_model.CpModel()
    model.proto.copy_from(pl.model.proto)
    set_objective(pl, weighted(pl), model)
    search = Search(mip_arrays(model.proto), 60)
    calls = []
    callback = search._callback

    def stopping(kind, message, out, into, user):
        calls.append(kind)
        search.stopped = True
        callback(kind, message, out, into, user)

    search._callback = stopping
    answer = search.run()
    assert calls[0] == highspy.cb.HighsCallbackType.kCallbackSimplexInterrupt
    assert search._lp.getModelStatus() == highspy.HighsModelStatus.kInterrupt
    assert not answer.proven and answer.status is not Status.OPTIMAL


def test_highs_runs_report_infeasible_and_raise_on_unbounded():
    assert Search(_one_column(1.0, 1.0, 2.0), 10).run().status is Status.INFEASIBLE
    with pytest.raises(SolverError, match="unbounded"):
        Search(_one_column(-1.0, np.inf, 0.0), 10).run()
    # min x, 0 ≤ x ≤ 5, x ≥ 2: optimum 2, proven with no gap asked.
    answer = Search(_one_column(1.0, 5.0, 2.0), 10).run()
    assert (answer.status, answer.objective, answer.proven) == (Status.OPTIMAL, 2.0, True)


def test_proven_tells_a_proof_from_optimal_within_the_gap():
    assert proven(Status.OPTIMAL, 0.0, 100.0, 100.0)
    assert proven(Status.OPTIMAL, 0.0, 100.0, 101.0)  # no gap asked: the engine closed it
    assert proven(Status.OPTIMAL, 0.05, 100.0, 100.0)  # within a gap, but the bound meets it
    assert not proven(Status.OPTIMAL, 0.05, 100.0, 104.0)  # 4 / 100 = 4 % ≤ 5 %: unproven
    assert not proven(Status.FEASIBLE, 0.0, 100.0, 100.0)


def test_solve_with_a_gap_says_whether_it_proved(mini):
    """With a relative gap, `proven` holds exactly when the bound meets the objective."""
    for engine in ("highs", "cpsat"):
        sc = scenario(TARGETS, solver={"engine": engine, "time_limit": 30,
                                       "relative_gap": 0.5})
        o = solve(_placement(mini, sc))
        assert o.status is Status.OPTIMAL
        assert o.proven == (abs(o.bound - o.objective) <= 1e-9 * max(1.0, abs(o.objective)))


# --- the model is not changed -----------------------------------------------------------

def _proto_bytes(pl, path: Path) -> bytes:
    pl.model.export_to_file(str(path))  # binary: the serialised proto
    return path.read_bytes()


@pytest.mark.parametrize("engine", ["highs", "cpsat"])
@pytest.mark.parametrize("objective", ["weighted", "lexicographic", "then"])
def test_solve_leaves_the_model_byte_identical(mini, tmp_path, engine, objective):
    """Objective, levels held at their optimum and hints go on the solve's own copy: the
    caller's proto serialises to the same bytes before and after, and solving it again
    gives the same roster."""
    sc = scenario(TARGETS, solver={"engine": engine, "workers": 2, "time_limit": 30},
                  objective="weighted" if objective == "then" else objective)
    pl = _placement(mini, sc)
    before = _proto_bytes(pl, tmp_path / "before.pb")
    then = []
    if objective == "then":  # keep close to an earlier roster, held at the optimum
        first = propose(sc, mini)
        then = [agreement(pl, first.roster)]
    a = solve(pl, then=then)
    assert _proto_bytes(pl, tmp_path / "after.pb") == before
    b = solve(pl, then=then)
    assert a.status is b.status is Status.OPTIMAL and a.proven
    assert len(a.levels) == {"weighted": 1, "then": 2}.get(objective, len(a.levels))
    np.testing.assert_array_equal(a.chosen, b.chosen)
    assert a.objective == b.objective == pytest.approx(_weighted_value(pl, a))


def _weighted_value(pl, outcome) -> float:
    """The weighted objective of the roster, from the level's coefficients."""
    level = weighted(pl)
    x = np.zeros(len(pl.pairs))
    x[outcome.chosen] = 1
    short = sum(w * int(outcome.values[v.index]) for v, w in level.shortfalls)
    return float(level.coefs @ x - short + level.constant)


def test_two_cpsat_workers_run_the_lp_subsolvers_and_find_the_highs_optimum(mini):
    """Two CP-SAT workers are the two LP-based subsolvers (`TWO_WORKERS`: the default
    pair proved nothing on Linfen in 60 s, docs/solver.md); the optimum is HiGHS's."""
    from placement.solver.solve import TWO_WORKERS, parameters

    sc = scenario(TARGETS, solver={"engine": "cpsat", "workers": 2, "time_limit": 30,
                                   "seed": 0})
    two = propose(sc, mini)
    assert parameters(two.placement)["subsolvers"] == list(TWO_WORKERS)
    assert "subsolvers" not in parameters(propose(_with(sc, workers=8), mini).placement)
    highs = propose(_with(sc, engine="highs"), mini)
    assert two.outcome.proven and highs.outcome.proven
    assert two.outcome.objective == highs.outcome.objective
    assert check_roster(sc, mini, two.roster).ok


def test_the_restricted_mip_is_the_mip_with_the_other_columns_fixed():
    """`restricted` (the fixed rounding's small MIP): seeded random MIPs, a few columns
    free and the rest fixed at a value within their bounds; its optimum, offset
    included, is the optimum of the whole MIP with the others fixed by their bounds, and
    infeasible where that one is."""
    from dataclasses import replace

    from placement.solver.highs import highs_model, restricted

    rng = np.random.default_rng(29)
    seen = set()
    for _ in range(30):
        n, rows = 12, 6
        dense = rng.integers(-2, 3, size=(rows, n)) * (rng.random((rows, n)) < 0.5)
        starts = np.concatenate([[0], np.cumsum((dense != 0).sum(axis=1))]).astype(np.int32)
        index = np.concatenate([np.flatnonzero(r) for r in dense]).astype(np.int32)
        m = MipArrays(cost=rng.integers(-5, 6, n).astype(float), lower=np.zeros(n),
                      upper=np.full(n, 2.0), starts=starts, index=index,
                      value=dense[dense != 0].astype(float),
                      row_lower=rng.integers(-4, 1, rows).astype(float),
                      row_upper=np.where(rng.random(rows) < 0.3, np.inf,
                                         rng.integers(0, 4, rows)).astype(float),
                      offset=3.0, scale=1.0)
        free = np.sort(rng.choice(n, 4, replace=False))
        fixed = rng.integers(0, 3, n).astype(float)
        is_free = np.isin(np.arange(n), free)
        whole = highs_model(replace(m, lower=np.where(is_free, m.lower, fixed),
                                    upper=np.where(is_free, m.upper, fixed)))
        small = highs_model(restricted(m, free, fixed))
        whole.run()
        small.run()
        status = whole.getModelStatus().name
        assert small.getModelStatus().name == status or (
            # rows without a free column are left to the caller's check: the small MIP
            # is optimal where one of those rows breaks
            status == "kInfeasible" and small.getModelStatus().name == "kOptimal")
        if status == "kOptimal":
            assert small.getInfo().objective_function_value == pytest.approx(
                whole.getInfo().objective_function_value)
        seen.add(status)
    assert seen == {"kOptimal", "kInfeasible"}


def test_the_reduced_cost_search_finds_the_mips_own_optimum():
    """`Search._within_gap`: seeded random MIPs whose LP is fractional, each given as
    incumbent a roster found by a plain search (its optimum, or one stopped early);
    wherever the reduced-cost search answers, its roster holds every row and its
    objective is the plain search's proven optimum (it fixes no column an optimum
    needs elsewhere)."""
    from placement.solver.highs import rows_hold

    rng = np.random.default_rng(30)
    answered = 0
    for k in range(40):
        n, rows = 14, 6
        dense = rng.integers(0, 4, size=(rows, n)) * (rng.random((rows, n)) < 0.6)
        starts = np.concatenate([[0], np.cumsum((dense != 0).sum(axis=1))]).astype(np.int32)
        index = np.concatenate([np.flatnonzero(r) for r in dense]).astype(np.int32)
        m = MipArrays(cost=-rng.integers(1, 9, n).astype(float), lower=np.zeros(n),
                      upper=np.where(rng.random(n) < 0.3, 3.0, 1.0), starts=starts,
                      index=index, value=dense[dense != 0].astype(float),
                      row_lower=np.full(rows, -np.inf),
                      row_upper=rng.integers(3, 9, rows).astype(float),
                      offset=2.0, scale=1.0)
        plain = Search(m, 10, lp_first=False).run()
        assert plain.proven
        search = Search(m, 10)
        lp = search._lp_instance()
        lp.run()
        x = np.asarray(lp.getSolution().col_value)
        if np.all(np.abs(x - np.rint(x)) < 1e-9):
            continue
        incumbent = plain.values.astype(float) if k % 2 else np.zeros(n)  # 0 is feasible
        out = search._within_gap(x, incumbent)
        if out is None:
            continue
        answered += 1
        assert rows_hold(m, out)
        assert float(m.cost @ out + m.offset) == pytest.approx(plain.objective)
    assert answered >= 10


def test_neighbours_frees_the_short_rows_of_the_free_columns(monkeypatch):
    """`neighbours` (the fixed rounding's second try): every column of a row no longer
    than `SHORT_ROW` that holds a free column, none of a longer row's other columns."""
    from placement.solver import highs

    monkeypatch.setattr(highs, "SHORT_ROW", 3)
    # rows: {0, 1, 2} short, {2, 3} short, {4, 5, 6, 7} long (4 > 3), {5, 8}
    rows = [[0, 1, 2], [2, 3], [4, 5, 6, 7], [5, 8]]
    m = MipArrays(cost=np.zeros(9), lower=np.zeros(9), upper=np.ones(9),
                  starts=np.array([0, 3, 5, 9, 11], np.int32),
                  index=np.array([c for r in rows for c in r], np.int32), value=np.ones(11),
                  row_lower=np.full(4, -np.inf), row_upper=np.ones(4), offset=0.0, scale=1.0)
    assert highs.neighbours(m, np.array([0])).tolist() == [0, 1, 2]
    assert highs.neighbours(m, np.array([3])).tolist() == [2, 3]
    assert highs.neighbours(m, np.array([4])).tolist() == [4]  # its only row is long
    assert highs.neighbours(m, np.array([2, 6])).tolist() == [0, 1, 2, 3, 6]
    assert highs.neighbours(m, np.array([5])).tolist() == [5, 8]
