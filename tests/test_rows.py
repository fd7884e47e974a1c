"""`models.rows.Model` keeps rows as arrays until its proto is read (issue 29): the proto
it writes is the one the same calls on a plain `CpModel` write, in the same order
whatever reads it; HiGHS reads the kept rows as the proto would read (`mip_arrays`),
without writing them."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest
from ortools.sat.python import cp_model, cp_model_helper

from models.builder import build
from models.rows import AT_MOST_ONE, BOOL_OR, EXACTLY_ONE, INT64_MAX, INT64_MIN, LINEAR, Model
from placement.data.loader import load_dataset
from placement.data.scenario_io import load_scenario
from placement.eligibility.facts import compute_facts
from placement.eligibility.pairs import eligible_pairs
from placement.solver.highs import mip_arrays, shape

ROOT = Path(__file__).resolve().parents[1]


def _both():
    """A `Model` and a plain `CpModel` with the same four boolean variables."""
    kept, plain = Model(), cp_model.CpModel()
    for m in (kept, plain):
        for k in range(4):
            m.new_bool_var(f"x{k}")
    return kept, plain


def _write(proto, kind, variables, coeffs=None, lo=INT64_MIN, hi=INT64_MAX, enforced=None):
    """A row as the families wrote it into the proto before `Model` kept them."""
    ct = proto.constraints.add()
    if enforced is not None:
        ct.enforcement_literal.append(enforced)
    if kind == LINEAR:
        ct.linear.vars.extend(variables)
        ct.linear.coeffs.extend(coeffs)
        ct.linear.domain.extend((lo, hi))
    else:
        getattr(ct, ("linear", "exactly_one", "at_most_one", "bool_or")[kind]).literals.extend(
            variables)


def test_kept_rows_are_written_in_order_before_anything_reads_or_adds():
    kept, plain = _both()
    x = [kept.get_bool_var_from_proto_index(k) for k in range(4)]
    kept.groups(EXACTLY_ONE, np.array([0, 1, 2, 3]), np.array([5, 7, 9]))  # starts shifted
    kept.row(LINEAR, [0, 3], [2, -1], 0, 1)
    assert kept.rows == 3 and len(kept.model_proto.constraints) == 0  # nothing written yet
    kept.add_bool_or([x[0], x[1].Not()])  # OR-Tools' own method: the kept rows go first
    kept.row(BOOL_OR, [-2], enforced_by=3)
    kept.block(np.array([AT_MOST_ONE, LINEAR]), np.array([0, 2, 4]), np.array([1, 2, 0, 1]),
               np.array([1, 1, 5, -3]), np.array([0, -4]), np.array([0, 4]))
    kept.linear(x[0] + x[2] - x[1] <= 1)

    for group in ([0, 1], [2, 3]):
        _write(plain.proto, EXACTLY_ONE, group)
    _write(plain.proto, LINEAR, [0, 3], [2, -1], 0, 1)
    px = [plain.get_bool_var_from_proto_index(k) for k in range(4)]
    plain.add_bool_or([px[0], px[1].Not()])
    _write(plain.proto, BOOL_OR, [-2], enforced=3)
    _write(plain.proto, AT_MOST_ONE, [1, 2])
    _write(plain.proto, LINEAR, [0, 1], [5, -3], -4, 4)
    plain.add(px[0] + px[2] - px[1] <= 1)
    assert kept.rows == 8
    assert str(kept.proto) == str(plain.proto)
    assert kept.rows == len(kept.model_proto.constraints) == 8


@pytest.mark.parametrize("reader", ["str", "clone", "validate", "solve"])
def test_every_reader_sees_the_kept_rows(reader):
    kept, plain = _both()
    kept.groups(EXACTLY_ONE, np.array([0, 1]), np.array([0, 2]))
    kept.row(LINEAR, [0], [1], 1, 1)  # x0 = 1, so x1 = 0
    _write(plain.proto, EXACTLY_ONE, [0, 1])
    _write(plain.proto, LINEAR, [0], [1], 1, 1)
    if reader == "str":
        assert str(kept) == str(plain)
    elif reader == "clone":
        copy = kept.clone()
        assert isinstance(copy, Model) and str(copy.proto) == str(plain.proto)
    elif reader == "validate":
        assert kept.validate() == "" and len(kept.model_proto.constraints) == 2
    else:
        kept.maximize(kept.get_bool_var_from_proto_index(1))
        solver = cp_model.CpSolver()
        assert solver.solve(kept) == cp_model.OPTIMAL
        assert solver.objective_value == 0  # x1 could be 1 without the kept rows


def test_a_constraint_linear_cannot_keep_is_added_at_once():
    kept, plain = _both()
    kept.row(LINEAR, [0, 1], [1, 1], 0, 1)
    kept.linear(cp_model.LinearExpr.sum([]) <= 1)  # a bool once compared: `add` reads it
    kept.linear(kept.get_bool_var_from_proto_index(0) != 1)  # two intervals
    _write(plain.proto, LINEAR, [0, 1], [1, 1], 0, 1)
    plain.add(cp_model.LinearExpr.sum([]) <= 1)
    plain.add(plain.get_bool_var_from_proto_index(0) != 1)
    assert str(kept.proto) == str(plain.proto)


@pytest.mark.parametrize("name", ["nanpiao", "linfen"])
def test_highs_reads_the_kept_rows_as_the_written_proto(name):
    sc = load_scenario(ROOT / "scenarios" / f"{name}.toml")
    data = load_dataset(sc.data, sc.reference_date)
    facts = compute_facts(data, sc.reference_date)
    pl = build(data, sc, facts, eligible_pairs(data, sc, facts))
    assert pl.model.rows > len(pl.model.model_proto.constraints)  # rows are kept
    first = shape(pl.model)
    kept = mip_arrays(pl.model)
    assert pl.model.rows > len(pl.model.model_proto.constraints)  # and still kept
    written = mip_arrays(pl.model.proto)
    assert shape(pl.model.proto) == first
    for f in fields(kept):
        a, b = getattr(kept, f.name), getattr(written, f.name)
        if f.name == "groups":
            assert len(a) == len(b) and all(np.array_equal(u, v) for u, v in zip(a, b, strict=True))
        else:
            assert np.array_equal(a, b) and np.asarray(a).dtype == np.asarray(b).dtype, f.name


def test_a_kept_row_behind_a_literal_makes_highs_read_the_proto():
    # the proto is written and read as before: a row behind a literal has no MIP reading
    kept, _ = _both()
    kept.row(BOOL_OR, [-1, 2])
    kept.row(LINEAR, [0, 1], [1, 1], 1, 2, enforced_by=2)
    assert kept.kept() is None
    with pytest.raises(ValueError, match="enforcement"):
        mip_arrays(kept)
    assert len(kept.model_proto.constraints) == 2


def test_a_clause_over_a_negated_literal_is_read_as_kept():
    kept, plain = _both()
    kept.row(BOOL_OR, [-1, 2])
    _write(plain.proto, BOOL_OR, [-1, 2])
    a, b = mip_arrays(kept), mip_arrays(plain.proto)
    assert len(kept.model_proto.constraints) == 0
    assert np.array_equal(a.value, b.value) and np.array_equal(a.row_lower, b.row_lower)


def _kept_and_written():
    """A `Model` with rows kept of every block kind, and a plain `CpModel` with them
    written."""
    kept, plain = _both()
    kept.groups(AT_MOST_ONE, np.array([0, 1, 2]), np.array([0, 3]))
    kept.row(LINEAR, [0, 3], [2, -1], 0, 1)
    kept.block(np.array([LINEAR, EXACTLY_ONE]), np.array([0, 2, 4]), np.array([1, 2, 0, 3]),
               np.array([4, -1, 1, 1]), np.array([-3, 0]), np.array([3, 0]))
    _write(plain.proto, AT_MOST_ONE, [0, 1, 2])
    _write(plain.proto, LINEAR, [0, 3], [2, -1], 0, 1)
    _write(plain.proto, LINEAR, [1, 2], [4, -1], -3, 3)
    _write(plain.proto, EXACTLY_ONE, [0, 3])
    return kept, plain


def test_a_copy_shares_the_kept_rows_and_each_changes_its_own():
    kept, plain = _kept_and_written()
    copy = kept.copy()
    assert isinstance(copy, Model) and copy.rows == kept.rows == 4
    assert len(copy.model_proto.constraints) == 0  # nothing written to copy it
    # rows read as written, from the kept blocks
    for k in range(4):
        assert kept.read(k) == copy.read(k)
    assert kept.read(2) == (LINEAR, [], [1, 2], [4, -1], [-3, 3])
    assert kept.read(3)[:3] == (EXACTLY_ONE, [], [0, 3])
    kinds, enforced = kept.row_kinds([3, 0, 1])
    assert kinds.tolist() == [EXACTLY_ONE, AT_MOST_ONE, LINEAR] and not enforced.any()
    # a change of the copy's kept rows, and rows added to each after the copy
    copy.set_bounds(1, INT64_MIN, INT64_MAX)
    other = cp_model_helper.ConstraintProto()
    other.linear.vars.extend([3])
    other.linear.coeffs.extend([1])
    other.linear.domain.extend([0, 0])
    copy.set_row(2, other)
    copy.row(LINEAR, [1], [1], 1, 1)
    kept.row(LINEAR, [2], [1], 0, 0)
    assert copy.kept() is None  # changed: read from the proto
    want = cp_model.CpModel()
    want.proto.copy_from(plain.proto)
    domain = want.proto.constraints[1].linear.domain
    domain[0], domain[1] = INT64_MIN, INT64_MAX
    want.proto.constraints[2].copy_from(other)
    _write(want.proto, LINEAR, [1], [1], 1, 1)
    _write(plain.proto, LINEAR, [2], [1], 0, 0)
    assert str(copy.proto) == str(want.proto)
    assert str(kept.proto) == str(plain.proto)  # the original's rows as they were
    # on rows written already, a change is made at once
    copy.set_bounds(0, 0, 0)
    assert list(copy.model_proto.constraints[0].linear.domain) == [0, 0]


@pytest.mark.parametrize("seed", range(3))
def test_a_kept_linear_row_is_the_row_add_writes(seed):
    # random sums of literals and negated literals with coefficients and a constant,
    # compared with a number in four ways: `Model.linear` keeps what `CpModel.add`
    # writes (`!=` is two intervals: added at once)
    rng = np.random.default_rng(seed)
    kept, plain = _both()
    for _ in range(300):
        n, const = int(rng.integers(0, 6)), int(rng.integers(-3, 4))
        picks = list(zip(rng.integers(0, 4, n).tolist(), rng.integers(0, 2, n).tolist(),
                         rng.choice([-2, -1, 1, 3], n).tolist(), strict=True))
        rhs, op = int(rng.integers(-3, 4)), int(rng.integers(0, 4))
        for m in (kept, plain):
            x = [m.get_bool_var_from_proto_index(k) for k in range(4)]
            expr = sum(((x[i] if plain_literal else x[i].Not()) * c
                        for i, plain_literal, c in picks), cp_model.LinearExpr.sum([])) + const
            row = [expr <= rhs, expr >= rhs, expr == rhs, expr != rhs][op]
            if m is kept:
                kept.linear(row)
            else:
                plain.add(row)
    assert kept.rows == len(plain.proto.constraints)
    assert str(kept.proto) == str(plain.proto)


def test_names_are_written_with_the_rows_and_carried_by_a_copy():
    kept, _ = _both()
    kept.new_bool_var("y")  # a name OR-Tools writes at once
    first = len(kept.model_proto.variables)
    kept.model_proto.variables.add().domain.extend([0, 1])
    kept.model_proto.variables.add().domain.extend([0, 3])
    kept.name(first, ["a[1]", "b[2]"])
    assert kept.model_proto.variables[first].name == ""  # not yet
    copy = kept.copy()
    kept.write_names()
    assert [v.name for v in kept.model_proto.variables][-3:] == ["y", "a[1]", "b[2]"]
    assert copy.model_proto.variables[first].name == ""
    assert [v.name for v in copy.proto.variables][-3:] == ["y", "a[1]", "b[2]"]


def test_two_threads_reading_the_proto_write_the_rows_once():
    # a why-not beside a what-if read the session's model at once: the rows are
    # written once (the race is rare; a double write would show as 8 rows)
    import threading
    kept, plain = _kept_and_written()
    kept.name(0, ["n0"])
    plain.proto.variables[0].name = "n0"
    seen = []
    readers = [threading.Thread(target=lambda: seen.append(len(kept.proto.constraints)))
               for _ in range(8)]
    for r in readers:
        r.start()
    for r in readers:
        r.join()
    assert seen == [4] * 8 and str(kept.proto) == str(plain.proto)
