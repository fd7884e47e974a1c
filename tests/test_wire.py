"""The model's bytes read straight into numpy (`placement.solver.wire`) give the arrays
the protobuf message gives, and any shape it does not read is left to the message."""

from __future__ import annotations

import numpy as np
import pytest
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model

from placement.solver import wire
from placement.solver.highs import _arrays, _message, _serialized, mip_arrays

FIELDS = ("cost", "lower", "upper", "starts", "index", "value", "row_lower", "row_upper")


def _same(a, b) -> None:
    for f in FIELDS:
        x, y = getattr(a, f), getattr(b, f)
        assert x.dtype == y.dtype and np.array_equal(x, y), f
    assert (a.offset, a.scale, a.model_vars) == (b.offset, b.scale, b.model_vars)
    assert len(a.groups) == len(b.groups)
    assert all(np.array_equal(x, y) for x, y in zip(a.groups, b.groups, strict=True))


def _model(seed: int, named: bool = False) -> cp_model.CpModel:
    """Pairs (booleans), named and unnamed figures with wide bounds, every row kind read
    as a MIP, negated literals, coefficients of every size and sign, an objective."""
    rng = np.random.default_rng(seed)
    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in range(300)]
    figures = [model.new_int_var(int(lo), int(lo + rng.integers(1, 10**12)),
                                 f"f{k}" if named and k % 2 else "")
               for k, lo in enumerate(rng.integers(-10**9, 10**9, 40))]
    for _ in range(60):
        picked = rng.choice(300, size=int(rng.integers(1, 12)), replace=False)
        lits = [x[i] if rng.random() < 0.7 else ~x[i] for i in picked]
        kind = rng.integers(3)
        (model.add_exactly_one if kind == 0 else model.add_at_most_one if kind == 1
         else model.add_bool_or)(lits)
    for _ in range(60):
        k = int(rng.integers(1, 20))
        terms = [(x[i], int(c)) for i, c in zip(rng.choice(300, size=k, replace=False),
                                                rng.integers(-2**40, 2**40, k), strict=True)]
        terms.append((figures[int(rng.integers(40))], int(rng.integers(-5, 5)) or 1))
        expr = sum(v * c for v, c in terms)
        bound = int(rng.integers(-10**6, 10**6))
        model.add(expr >= bound) if rng.random() < 0.5 else model.add(expr <= bound)
    model.add_exactly_one(x[:5])  # a post's candidates: a group
    model.minimize(sum(int(c) * v for v, c in zip(x + figures, rng.integers(-100, 100, 340),
                                                   strict=True)) + 7)
    return model


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("named", [False, True])
def test_the_bytes_read_as_the_message_reads_them(seed, named):
    proto = _model(seed, named).proto
    assert wire.read(_serialized(proto)) is not None
    _same(mip_arrays(proto), _arrays(_message(proto)))


def _fallback(model: cp_model.CpModel) -> None:
    proto = model.proto
    assert wire.read(_serialized(proto)) is None
    _same(mip_arrays(proto), _arrays(_message(proto)))


def test_shapes_it_does_not_read_are_left_to_the_message():
    # A constraint with a name.
    model = _model(0)
    model.add_bool_or([model.new_bool_var("")]).with_name("named")
    _fallback(model)
    # A variable whose domain has a hole (its bounds still read as the message reads them).
    model = _model(1)
    model.new_int_var_from_domain(cp_model.Domain.from_intervals([[0, 2], [5, 9]]), "")
    _fallback(model)
    # A linear row whose domain has a hole.
    model = _model(2)
    v = model.new_int_var(0, 10, "")
    model.add_linear_expression_in_domain(2 * v, cp_model.Domain.from_intervals([[0, 2],
                                                                                 [6, 8]]))
    _fallback(model)
    # An enforcement literal: no MIP reading either way.
    model = _model(3)
    b = model.new_bool_var("")
    model.add(model.new_int_var(0, 3, "") >= 1).only_enforce_if(b)
    assert wire.read(_serialized(model.proto)) is None
    with pytest.raises(ValueError, match="enforcement"):
        mip_arrays(model.proto)


def test_no_rows_and_no_objective():
    model = cp_model.CpModel()
    model.new_int_var(-3, 4, "")
    model.new_bool_var("")
    _same(mip_arrays(model.proto), _arrays(_message(model.proto)))


def test_varints_read_every_size_and_sign():
    rng = np.random.default_rng(7)
    values = np.concatenate([rng.integers(-2**63, 2**63 - 1, 3000, dtype=np.int64),
                             rng.integers(-300, 300, 3000), rng.integers(0, 2**40, 3000),
                             [0, 1, -1, 127, 128, 2**63 - 1, -2**63]])
    raw = cp_model_pb2.LinearConstraintProto(coeffs=values.tolist()).SerializeToString()
    read, starts, length = wire.varints(np.frombuffer(raw, dtype=np.uint8))
    assert np.array_equal(read[2:], values)  # after the field's tag and length
    assert length.max() == 10 and starts[0] == 0
