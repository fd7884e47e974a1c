"""The same model handed to HiGHS: a MIP read from the CP-SAT model's own proto.

The placement model uses only linear constraints, exactly-one, at-most-one and
clause constraints over booleans and bounded integers, so it has a faithful
MIP reading. Translating the proto (rather than building a second model)
guarantees that both engines solve one model: every rule family is written
once, in `models/`. Solver facts: on this problem's nearly-integral LP, a MIP
engine proves optimality where CP-SAT on 2 cores struggles.

The model reaches HiGHS as numpy arrays through `highspy` (pinned to the HiGHS
release OR-Tools bundles, whose library it shares a process with). Measured on
the Linfen scenario (docs/solver.md): the arrays cost 0.2 s where the
`MPModelProto` route through `pywraplp` cost 1.3 s before HiGHS started, and
`highspy` takes a starting roster (the what-if hint), reports progress and
stops on Ctrl-C, which `pywraplp` could not.
"""

from __future__ import annotations

import array
import ctypes
import hashlib
import os
import sys
import tempfile
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace

import numpy as np
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model_helper

from models.rows import Model
from placement.solver import wire
from placement.solver.status import FOUND, Status, from_highs, proven

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# The most fractional columns of an LP optimum searched as a small MIP with the rest fixed
# (`Search._fixed_rounding`); past it the whole MIP runs.
FIXED_ROUNDING_MAX = 500
# The longest row whose columns `neighbours` frees with a fractional one it holds: a
# post's candidates and a cadre's posts, not a city's age or count rows.
SHORT_ROW = 64
# HiGHS's `simplex_strategy` values: the dual simplex (its default) and the primal.
DUAL, PRIMAL = 1, 4
BASES = 4  # LP bases a search keeps by rows and bounds (`Search.retarget`)
# The LP relaxation of a block (`placement.solver.blocks`): without HiGHS's presolve. The
# scale60 blocks' first LPs took about twice as long with it (one after another: 5.3 s
# against 2.8 s, the province's 2.9 s against 1.5 s, loaded machine; more simplex
# iterations without, far less set-up), a whole scale60 solve 10 % less CPU (one more
# Lagrangian pass, the same optimum); the whole province's LP is faster with it (5.8-7.8 s
# against 10.6-11.5 s), so a whole model keeps it.
BLOCK_LP = {"presolve": "off"}

# Measured on Linfen and the province benchmark (docs/solver.md): HiGHS's feasibility
# jump heuristic finds nothing useful on this model (the root LP's rounding does), and
# the root reduced-cost heuristic costs time on a Linfen what-if and finds nothing
# elsewhere (figures: "Timings behind the code"). Presolve rule 8 (free
# column substitution) would put the objective back on the pair variables (see
# `objective_by_group`).
OPTIONS = {"mip_heuristic_run_feasibility_jump": False,
           "mip_heuristic_run_root_reduced_cost": False, "presolve_rule_off": 1 << 8}


@dataclass(frozen=True)
class MipArrays:
    """A CP-SAT proto as a minimisation MIP: min cost·x + offset subject to
    row_lower ≤ A x ≤ row_upper (A in CSR form: starts, index, value) and
    lower ≤ x ≤ upper, every x integer."""

    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    starts: np.ndarray
    index: np.ndarray
    value: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    offset: float
    scale: float  # the proto's objective scaling: -1 when it maximises
    # Columns of each exactly-one row over plain literals (a post's candidates), each
    # column in the first such row only: the groups `objective_by_group` sums over.
    groups: tuple[np.ndarray, ...] = ()
    model_vars: int = -1  # columns that are the proto's variables (the rest are added)

    @property
    def num_vars(self) -> int:
        return len(self.cost)

    @property
    def entry_rows(self) -> np.ndarray:
        """The row of each nonzero (`index`, `value`), in CSR order."""
        return np.repeat(np.arange(len(self.row_lower)), np.diff(self.starts))

    @property
    def proto_vars(self) -> int:
        return self.num_vars if self.model_vars < 0 else self.model_vars


def same_arrays(a: MipArrays, b: MipArrays) -> bool:
    """Every array and number of the two MIPs equal (the groups too)."""
    for f in fields(MipArrays):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if x is y:  # a block's structure and groups are shared (`blocks.block_model`)
            continue
        if f.name == "groups":  # in two comparisons, not one a group (the province's
            # 24k posts: 0.2 s of a what-if asked again)
            if len(x) != len(y) or (len(x) and not (
                    np.array_equal([len(g) for g in x], [len(g) for g in y])
                    and np.array_equal(np.concatenate(x), np.concatenate(y)))):
                return False
        elif isinstance(x, np.ndarray):
            if not np.array_equal(x, y):
                return False
        elif x != y:
            return False
    return True


def _bounds(values: np.ndarray) -> np.ndarray:
    out = values.astype(float)
    out[values <= INT64_MIN + 1] = -np.inf
    out[values >= INT64_MAX - 1] = np.inf
    return out


def mip_arrays(proto, rows: MipArrays | None = None, splice: tuple | None = None) -> MipArrays:
    """The proto's model as `MipArrays`. A negated literal -(i+1) reads 1 - x_i.
    `proto` may be a `models.rows.Model` (read whole with its rows as kept, when it can).
    `rows`: the arrays of a proto with the same variables and constraints (a copy of
    the model it was read from, another objective set): only the objective is read, when
    the counts of variables and constraints agree (a lexicographic level held adds a
    row: read whole). `splice`: (arrays, their model's `Placement.spans`, this model's
    spans, the rule families whose rows changed) of a model that differs from this one
    in those families only: the rest of its arrays is taken (`_spliced`).

    Read from the proto's bytes as a Python (upb) message, with one pass over the
    constraints that only collects their lists, and numpy for the rest. Why: every field
    read from OR-Tools' C++ proto is a pybind call, and a `numpy.array` per constraint
    costs about 10 µs, which at province size (150k variables, 20k constraints) is most
    of the reading (measured: docs/solver.md, "Timings behind the code"). Same arrays
    (tests/test_build_bulk.py). A whole read (no `rows`, no `splice`) goes straight from
    the bytes to numpy where the model has the placement model's plain shape
    (`placement.solver.wire`; scale60: about half the time), the same arrays
    (tests/test_wire.py)."""
    if isinstance(proto, Model):
        kept = _kept_rows(proto) if rows is None and splice is None else None
        if kept is not None:
            return kept
        proto = proto.proto
    if rows is None and splice is None:
        raw = _serialized(proto)
        read = wire.read(raw)
        if read is not None:
            return _from_wire(*read)
        return _arrays(cp_model_pb2.CpModelProto.FromString(raw))
    return _arrays(_message(proto), rows, splice)


def _kept_rows(model: Model) -> MipArrays | None:
    """`mip_arrays` of a `models.rows.Model` whose rows are still kept as arrays: the
    proto as written so far (its variables, objective and first rows) read from its
    bytes, the kept rows taken as they are; the proto is not written. None where either
    part cannot be read so. Why: at province size writing the rows into the proto and
    reading them back took 0.2-0.3 s of a 1.9 s proposal (issue 29); the same arrays
    (tests/test_build_bulk.py)."""
    kept, raw = model.kept_with(_serialized)
    if kept is None:
        return None
    read = wire.read(raw)
    if read is None:
        return None
    lower, upper, *rows, obj_vars, obj_coeffs, offset, scale = read
    rows = [np.concatenate([a, b]) for a, b in zip(rows, kept, strict=True)]
    return _from_wire(lower, upper, *rows, obj_vars, obj_coeffs, offset, scale)


def shape(source) -> tuple[int, int]:
    """(variables, rows) of a proto, or of a `models.rows.Model` with its kept rows
    counted (and not written)."""
    if isinstance(source, Model):
        return len(source.model_proto.variables), source.rows
    return len(source.variables), len(source.constraints)


def derived(m: MipArrays, freed: np.ndarray, zeroed: np.ndarray, rows: tuple,
            cost: np.ndarray, offset: float, scale: float) -> MipArrays:
    """The arrays `mip_arrays` reads from a model made as a copy of `m`'s with rows
    `freed` (no bounds), columns `zeroed` (fixed at 0), families' rows and columns
    replaced by as many others (`rows`: each (first row, first column, each row's
    length, columns, coefficients, row bounds, column bounds), bounds as int64 with
    INT64_MIN/MAX unbounded), and the objective `cost`, `offset`, `scale`
    (`models.builder.Derivation`, `models.objective.costs`): `m` changed alike.

    Why: reading the changed proto back (write it out, parse it, splice the family's
    rows in) took 0.12 s of a 0.6 s province what-if, for a change the builder knew
    (issue 29); the same arrays (tests/test_warm.py)."""
    lower, upper = m.lower, m.upper
    starts, index, value = m.starts, m.index, m.value
    row_lower, row_upper = m.row_lower, m.row_upper
    if len(zeroed) or rows:
        lower, upper = lower.copy(), upper.copy()
        lower[zeroed] = upper[zeroed] = 0.0
    if len(freed) or rows:
        row_lower, row_upper = row_lower.copy(), row_upper.copy()
    if rows:
        lengths = np.diff(starts)
        pieces, at = [], 0
        for r0, c0, n_of, cols, coefs, lo, hi, c_lo, c_hi in sorted(rows, key=lambda r: r[0]):
            r1, c1 = r0 + len(n_of), c0 + len(c_lo)
            pieces += [(index[starts[at]:starts[r0]], value[starts[at]:starts[r0]]),
                       (np.asarray(cols, dtype=index.dtype), np.asarray(coefs, dtype=float))]
            at = r1
            lengths[r0:r1] = n_of
            row_lower[r0:r1], row_upper[r0:r1] = _bounds(lo), _bounds(hi)
            lower[c0:c1], upper[c0:c1] = _bounds(c_lo), _bounds(c_hi)
        pieces.append((index[starts[at]:], value[starts[at]:]))
        starts = np.zeros(len(lengths) + 1, dtype=starts.dtype)
        np.cumsum(lengths, out=starts[1:])
        index = np.concatenate([i for i, _ in pieces])
        value = np.concatenate([v for _, v in pieces])
    if len(freed):
        row_lower[freed], row_upper[freed] = -np.inf, np.inf
    return replace(m, cost=cost, lower=lower, upper=upper, starts=starts, index=index,
                   value=value, row_lower=row_lower, row_upper=row_upper, offset=offset,
                   scale=scale)


def _from_wire(lower, upper, kinds, lengths, items, coeffs, lin_lo, lin_hi, obj_vars,
               obj_coeffs, offset, scale) -> MipArrays:
    """`MipArrays` of a model read by `placement.solver.wire.read`."""
    n = len(lower)
    starts, index, value, lo, hi, items, plain = _csr(kinds, lengths, items, coeffs,
                                                      lin_lo, lin_hi)
    cost = np.zeros(n)
    np.add.at(cost, obj_vars, obj_coeffs.astype(float))
    groups = [items[starts[r]:starts[r + 1]] for r in plain.tolist()]
    return MipArrays(
        cost=cost, lower=_bounds(lower), upper=_bounds(upper),
        starts=starts.astype(np.int32), index=index.astype(np.int32), value=value,
        row_lower=_bounds(lo), row_upper=_bounds(hi), offset=offset, scale=scale,
        groups=_disjoint(groups, n),
    )


def _arrays(q, rows: MipArrays | None = None, splice: tuple | None = None) -> MipArrays:
    """`mip_arrays` of the proto read as a Python message `q`."""
    n = len(q.variables)
    obj = q.objective
    if rows is not None and rows.num_vars == n and len(rows.row_lower) == len(q.constraints):
        return replace(rows, cost=_cost(obj, n), offset=float(obj.offset),
                       scale=float(obj.scaling_factor or 1.0))
    if splice is not None:
        spliced = _spliced(q, n, *splice)
        if spliced is not None:
            return spliced
    lower = np.fromiter((v.domain[0] for v in q.variables), np.int64, n)
    upper = np.fromiter((v.domain[-1] for v in q.variables), np.int64, n)
    starts, index, value, lo, hi, items, plain = _rows(q.constraints)
    # A post's candidates: an exactly-one row over plain literals.
    groups = [items[starts[r]:starts[r + 1]] for r in plain.tolist()]
    return MipArrays(
        cost=_cost(obj, n),
        lower=_bounds(lower),
        upper=_bounds(upper),
        starts=starts.astype(np.int32),
        index=index.astype(np.int32),
        value=value,
        row_lower=_bounds(lo),
        row_upper=_bounds(hi),
        offset=float(obj.offset),
        scale=float(obj.scaling_factor or 1.0),
        groups=_disjoint(groups, n),
    )


def _rows(constraints) -> tuple:
    """The rows of `constraints` (a proto's, or a run of them): CSR starts, columns,
    coefficients, bounds (int64, unbounded as INT64_MIN/MAX), the raw literals, and the
    rows that are exactly-one over plain literals."""
    kinds, lengths, lin_lo, lin_hi = [], [], [], []
    items, coeffs = array.array("q"), array.array("q")  # no Python list to convert
    for ct in constraints:
        if len(ct.enforcement_literal):
            raise ValueError("enforcement literals have no MIP translation here")
        kind = ct.WhichOneof("constraint")
        if kind == "linear":
            lin = ct.linear
            items.extend(lin.vars)
            coeffs.extend(lin.coeffs)
            lin_lo.append(lin.domain[0])
            lin_hi.append(lin.domain[-1])
            lengths.append(len(lin.vars))
        elif kind in _LITERAL_ROWS:
            literals = getattr(ct, kind).literals
            items.extend(literals)
            lengths.append(len(literals))
        else:
            raise ValueError("constraint kind has no MIP translation here")
        kinds.append(KINDS.index(kind))
    return _csr(np.array(kinds, dtype=np.int64), np.array(lengths, dtype=np.int64),
                np.frombuffer(items, dtype=np.int64), np.frombuffer(coeffs, dtype=np.int64),
                np.array(lin_lo, dtype=np.int64), np.array(lin_hi, dtype=np.int64))


def _csr(kind_of: np.ndarray, lengths: np.ndarray, items: np.ndarray, coeffs: np.ndarray,
         lin_lo: np.ndarray, lin_hi: np.ndarray) -> tuple:
    """`_rows`'s arrays from each row's kind (its index in `KINDS`) and entry count, the
    entries as written (columns, or literals: -(i+1) for not x_i), the linear rows'
    coefficients and bounds."""
    rows = len(kind_of)
    starts = np.zeros(rows + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    linear = kind_of == KINDS.index("linear")
    row_of = np.repeat(np.arange(rows), lengths)
    # Literal rows: a negated literal -(i+1) becomes column i with coefficient -1 and
    # shifts the row's bounds by 1; linear rows keep their columns and coefficients.
    negated = (items < 0) & ~linear[row_of]
    index = np.where(negated, -items - 1, items)
    value = np.where(negated, -1.0, 1.0)
    value[linear[row_of]] = coeffs
    shift = np.bincount(row_of[negated], minlength=rows)
    lo, hi = np.empty(rows, dtype=np.int64), np.empty(rows, dtype=np.int64)
    lo[linear], hi[linear] = lin_lo, lin_hi
    for kind, (low, high) in _LITERAL_ROWS.items():
        lo[kind_of == KINDS.index(kind)], hi[kind_of == KINDS.index(kind)] = low, high
    lo = np.where(lo == INT64_MIN, lo, lo - shift * ~linear)
    hi = np.where(hi == INT64_MAX, hi, hi - shift * ~linear)
    plain = np.flatnonzero((kind_of == KINDS.index("exactly_one")) & (shift == 0))
    return starts, index, value, lo, hi, items, plain


def _spliced(q, n: int, old: MipArrays, before: dict, after: dict,
             changed: frozenset) -> MipArrays | None:
    """The arrays of `q` read as `old`'s (the model `q` differs from in the rule families
    `changed` only) with those families' rows and columns replaced by `q`'s and the
    columns after them renumbered; the rows after the last family (a lexicographic
    level's) and the objective read from `q`. None where the two do not line up (a
    family unchanged by name but not in size, a kept row reading a replaced column, a
    replaced row that is a post's candidates): then `q` is read whole.

    Why: a what-if of one team rule changes that family's rows only, and reading the
    whole of Linfen's model took 0.08-0.1 s of a 0.25 s warm what-if (docs/solver.md)."""
    if list(before) != list(after) or not after:
        return None
    names = list(after)
    # Regions (old rows, new rows, old columns, new columns, replaced): the rows and
    # columns before the first family, each family, the rest.
    first, last = names[0], names[-1]
    regions = [((0, before[first][0]), (0, after[first][0]),
                (0, before[first][2]), (0, after[first][2]), False)]
    for f in names:
        (a0, a1, c0, c1), (b0, b1, d0, d1) = before[f], after[f]
        regions.append(((a0, a1), (b0, b1), (c0, c1), (d0, d1), f in changed))
    regions.append(((before[last][1], len(old.row_lower)), (after[last][1], len(q.constraints)),
                    (before[last][3], old.num_vars), (after[last][3], n), None))
    to_new = np.full(old.num_vars, -1, dtype=np.int64)
    lower, upper = np.empty(n), np.empty(n)
    for _, _, (c0, c1), (d0, d1), replaced in regions:
        if replaced:
            lower[d0:d1] = _bounds(np.array([q.variables[j].domain[0] for j in range(d0, d1)],
                                            dtype=np.int64))
            upper[d0:d1] = _bounds(np.array([q.variables[j].domain[-1] for j in range(d0, d1)],
                                            dtype=np.int64))
            continue
        if c1 - c0 != d1 - d0:
            return None
        to_new[c0:c1] = np.arange(d0, d1)
        lower[d0:d1], upper[d0:d1] = old.lower[c0:c1], old.upper[c0:c1]
    lengths, index, value, row_lower, row_upper = [], [], [], [], []
    for (a0, a1), (b0, b1), _, _, replaced in regions:
        if replaced is False:
            if a1 - a0 != b1 - b0:
                return None
            cols = to_new[old.index[old.starts[a0]:old.starts[a1]]]
            if (cols < 0).any():
                return None
            lengths.append(np.diff(old.starts[a0:a1 + 1]).astype(np.int64))
            index.append(cols)
            value.append(old.value[old.starts[a0]:old.starts[a1]])
            row_lower.append(old.row_lower[a0:a1])
            row_upper.append(old.row_upper[a0:a1])
            continue
        starts, cols, coefs, lo, hi, _, plain = _rows(q.constraints[b0:b1])
        if len(plain):
            return None
        lengths.append(np.diff(starts))
        index.append(cols)
        value.append(coefs)
        row_lower.append(_bounds(lo))
        row_upper.append(_bounds(hi))
    starts = np.zeros(sum(len(x) for x in lengths) + 1, dtype=np.int64)
    np.cumsum(np.concatenate(lengths), out=starts[1:])
    groups = tuple(to_new[g] for g in old.groups)
    if any((g < 0).any() for g in groups):
        return None
    obj = q.objective
    return MipArrays(
        cost=_cost(obj, n),
        lower=lower,
        upper=upper,
        starts=starts.astype(np.int32),
        index=np.concatenate(index).astype(np.int32),
        value=np.concatenate(value).astype(float),
        row_lower=np.concatenate(row_lower),
        row_upper=np.concatenate(row_upper),
        offset=float(obj.offset),
        scale=float(obj.scaling_factor or 1.0),
        groups=groups,
    )


def _cost(obj, n: int) -> np.ndarray:
    """The objective's cost of each of the `n` columns."""
    cost = np.zeros(n)
    np.add.at(cost, np.array(obj.vars, dtype=np.int64), np.array(obj.coeffs, dtype=float))
    return cost


# The constraint kinds read as rows, by their code (`placement.solver.wire` reads the same).
KINDS = ("linear", "exactly_one", "at_most_one", "bool_or")
# The bounds of each literal row kind before its negated literals shift them.
_LITERAL_ROWS = {"exactly_one": (1, 1), "at_most_one": (INT64_MIN, 1),
                 "bool_or": (1, INT64_MAX)}


def _message(proto) -> cp_model_pb2.CpModelProto:
    """The C++ proto as a Python message (`_serialized`)."""
    return cp_model_pb2.CpModelProto.FromString(_serialized(proto))


def _serialized(proto) -> bytes:
    """The C++ proto's bytes, through a temporary file: OR-Tools' Python binding of the
    C++ proto has no in-memory serialisation, and writing and reading the province model
    (5.8 MB) takes 0.03 s."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.pb")
        if not cp_model_helper.CpSatHelper.write_model_to_file(proto, path):
            raise OSError(f"OR-Tools could not write the model to {path}")
        with open(path, "rb") as f:
            return f.read()


def _disjoint(groups: list[np.ndarray], n: int) -> tuple[np.ndarray, ...]:
    taken = np.zeros(n, dtype=bool)
    out = []
    for g in groups:
        g = g[~taken[g]]
        taken[g] = True
        if len(g) > 1:
            out.append(g)
    return tuple(out)


def objective_by_group(m: MipArrays) -> MipArrays:
    """The same MIP with each group's objective terms moved onto one integer column:
    y_g = Σ cost_j x_j (a new row), cost 1 on y_g, 0 on the x_j.

    Why: HiGHS partitions the binary columns that carry an objective into cliques
    before it starts (`HighsObjectiveFunction::setupCliquePartition`), in time that
    grows with the square of their number: most of a province solve (150k pairs). With
    the costs on one column per post, no binary carries one; the LP relaxation is the
    same (a substitution) (measured: docs/solver.md, "Timings behind the code")."""
    if not m.groups:
        return m
    n = m.num_vars
    cost = m.cost.copy()
    cols, lower, upper = [], [], []
    index, value, row_end = [m.index], [m.value], [m.starts]
    end = int(m.starts[-1])
    ends = []
    for g in m.groups:
        g = g[cost[g] != 0]
        if not len(g):
            continue
        c = cost[g]
        y = n + len(cols)
        cols.append(y)
        lower.append(min(0.0, float(c.min())))
        upper.append(max(0.0, float(c.max())))
        index.append(np.append(g, y).astype(np.int32))
        value.append(np.append(c, -1.0))
        end += len(g) + 1
        ends.append(end)
        cost[g] = 0.0
    if not cols:
        return m
    row_end.append(np.array(ends, dtype=np.int32))
    zeros = np.zeros(len(cols))
    return MipArrays(
        cost=np.concatenate([cost, np.ones(len(cols))]),
        lower=np.concatenate([m.lower, lower]),
        upper=np.concatenate([m.upper, upper]),
        starts=np.concatenate(row_end).astype(np.int32),
        index=np.concatenate(index).astype(np.int32),
        value=np.concatenate(value),
        row_lower=np.concatenate([m.row_lower, zeros]),
        row_upper=np.concatenate([m.row_upper, zeros]),
        offset=m.offset,
        scale=m.scale,
        groups=m.groups,
        model_vars=n,
    )


def restricted(m: MipArrays, free: np.ndarray, fixed: np.ndarray) -> MipArrays:
    """The MIP over the columns `free` only, every other column at its value in `fixed`:
    each row's bounds less the fixed columns' part, the rows without a free column left
    out (the caller checks the whole answer against every row, `rows_hold`).

    Why: `Search._fixed_rounding` searched its few fractional columns in a copy of the
    whole model with the rest fixed by their bounds; HiGHS took 0.15-0.2 s on Linfen to
    read and presolve its 25k columns and rows away, the restricted MIP milliseconds.
    The same MIP: the objective differs by the fixed columns' part, added to the offset."""
    is_free = np.zeros(m.num_vars, dtype=bool)
    is_free[free] = True
    rows = m.entry_rows
    on_free = is_free[m.index]
    part = np.bincount(rows[~on_free], weights=m.value[~on_free] * fixed[m.index[~on_free]],
                       minlength=len(m.row_lower))
    kept = np.unique(rows[on_free])
    column = np.full(m.num_vars, -1, dtype=np.int64)
    column[free] = np.arange(len(free))
    counts = np.bincount(np.searchsorted(kept, rows[on_free]), minlength=len(kept))
    dtype = m.starts.dtype
    return MipArrays(
        cost=m.cost[free], lower=m.lower[free], upper=m.upper[free],
        starts=np.concatenate([[0], np.cumsum(counts)]).astype(dtype),
        index=column[m.index[on_free]].astype(m.index.dtype), value=m.value[on_free],
        row_lower=m.row_lower[kept] - part[kept], row_upper=m.row_upper[kept] - part[kept],
        offset=float(m.offset + m.cost[~is_free] @ fixed[~is_free]), scale=m.scale)


def neighbours(m: MipArrays, free: np.ndarray) -> np.ndarray:
    """`free` with every column of the short rows (at most `SHORT_ROW` entries: a post's
    candidates, a cadre's posts, a team's small counts) that hold one of them, sorted."""
    is_free = np.zeros(m.num_vars, dtype=bool)
    is_free[free] = True
    rows = m.entry_rows
    hit = np.zeros(len(m.row_lower), dtype=bool)
    hit[rows[is_free[m.index]]] = True
    hit &= np.diff(m.starts) <= SHORT_ROW
    return np.union1d(free, m.index[hit[rows]])


def fixed_rounding(m: MipArrays, x: np.ndarray, fractional: np.ndarray, bound: float,
                   time_limit: float) -> tuple[np.ndarray | None, np.ndarray | None]:
    """An integral optimum from a fractional LP optimum: the columns the LP left
    integral fixed there, the few fractional ones searched as a small MIP; taken only
    when it reaches the LP's bound (then no roster is better: proven). Failing that,
    once more with their neighbours free too (`neighbours`). None otherwise.

    Why: the LP optimum is often the integer optimum with a tie left split, a few
    pairs at 0.4/0.6 between two rosters of equal value (issue 24's Linfen: 10 of
    31k columns); the small MIP on the ten columns takes a sliver of the full
    MIP's presolve and root (docs/solver.md, "Timings behind the code"). The
    neighbours: an LP started from a kept basis (a warm lock what-if) can end on
    another optimal vertex, whose integral columns hold a post or a cadre where no
    rounding of the fractional ones reaches the bound (Linfen, a must lock: 49
    fractional columns, none of their roundings optimal; with the 1,652 columns of
    their short rows free, the optimum in 0.14 s, where the whole MIP took 3.7 s).
    Also the best rounding found short of the bound (None if none): a roster to start
    from."""
    incumbent = None
    if fractional.sum() > FIXED_ROUNDING_MAX:
        return None, None
    values = np.rint(x)
    free = np.flatnonzero(fractional)
    for widen in (False, True):
        if widen:
            free = neighbours(m, free)
        sub = restricted(m, free, values)
        h = highs_model(sub, {"time_limit": max(time_limit, 0.01),
                              "mip_rel_gap": 0.0})
        with stdout_to_stderr():
            h.run()
        if h.getModelStatus().name == "kOptimal":
            out = values.copy()
            out[free] = np.rint(np.asarray(h.getSolution().col_value))
            if rows_hold(m, out):
                if h.getInfo().objective_function_value <= bound + 1e-6:
                    return out, incumbent
                if incumbent is None or m.cost @ out < m.cost @ incumbent:
                    incumbent = out
    return None, incumbent


def within_gap(m: MipArrays, x: np.ndarray, row_dual: np.ndarray, incumbent: np.ndarray,
               time_limit: float) -> np.ndarray | None:
    """The MIP's optimum from its LP's optimum `x` and row duals and a roster `incumbent`
    close to the LP's bound (the fixed rounding's, short of the bound). The duals give a bound of
    every roster, recomputed here from the model's own arrays (valid for any duals,
    so the LP's tolerances cannot make it wrong): the bound plus, for each column,
    its reduced cost times how far it moves from the LP optimum's bound. A column
    whose reduced cost exceeds the incumbent's gap to that bound stays there in
    every roster at least as good as the incumbent, so the MIP over the other
    columns, the incumbent its start, has the whole MIP's optimum: proven. None
    when that small MIP is not solved to optimality or its answer breaks a row, or
    when the reduced costs fix fewer than half the columns (the small MIP would be
    about the whole one, its time spent twice should it not finish).

    Why: the fixed rounding's roster is often the optimum the LP's bound cannot
    prove (a tie-broken what-if: the price list's R-TC11 step on Linfen, its roster
    1.26 below a bound of 8.7 million, 16 columns fractional); HiGHS's whole MIP
    then spends most of its time solving the root LP again and restarting
    (2.2 s of a 2.8 s what-if), where the reduced costs of the LP just solved fix
    all but a few thousand columns at once (docs/explain.md, "Prices"). No restarts:
    with the gap this small HiGHS's own reduced-cost fixing restarts the small MIP
    again and again (seven times, 1.0 s on that step; 0.23-0.30 s without)."""
    y = np.where(row_dual > 0, np.where(np.isfinite(m.row_lower), row_dual, 0.0),
                 np.where(np.isfinite(m.row_upper), row_dual, 0.0))
    d = m.cost - np.bincount(m.index, weights=m.value * y[m.entry_rows],
                             minlength=m.num_vars)
    side = np.where(d > 0, m.lower, m.upper)
    rows = np.where(y > 0, y * np.where(y > 0, m.row_lower, 0.0),
                    y * np.where(y < 0, m.row_upper, 0.0))
    terms = np.concatenate([rows, d * side])
    if not np.all(np.isfinite(terms)):
        return None
    bound = float(terms.sum()) + m.offset
    error = 1e-9 * float(np.abs(terms).sum()) + 1e-6  # the sums' rounding, and more
    gap = float(m.cost @ incumbent + m.offset) - bound + error
    low = (x <= m.lower + 1e-9) & (d > gap)
    high = (x >= m.upper - 1e-9) & (-d > gap)
    if not (np.all(incumbent[low] == m.lower[low])
            and np.all(incumbent[high] == m.upper[high])):
        return None
    free = np.flatnonzero(~(low | high))
    if len(free) > m.num_vars // 2:  # a gap too wide: the whole MIP searches as well
        return None
    h = highs_model(restricted(m, free, incumbent),
                    OPTIONS | {"time_limit": max(time_limit, 0.01),
                               "mip_rel_gap": 0.0, "mip_allow_restart": False})
    h.setSolution(len(free), np.arange(len(free), dtype=np.int32),
                  incumbent[free].astype(float))
    with stdout_to_stderr():
        h.run()
    if h.getModelStatus().name != "kOptimal":
        return None
    out = incumbent.copy()
    out[free] = np.rint(np.asarray(h.getSolution().col_value))
    return out if rows_hold(m, out) else None


def highs_model(m: MipArrays, options: dict | None = None, integer: bool = True):
    """A silent `highspy.Highs` holding `m` (`integer=False`: its LP relaxation)."""
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for key, val in (options or {}).items():
        h.setOptionValue(key, val)
    n = m.num_vars
    cols = np.arange(n, dtype=np.int32)
    h.addVars(n, m.lower, m.upper)
    h.changeColsCost(n, cols, m.cost)
    h.changeObjectiveOffset(m.offset)
    nrows = len(m.row_lower)
    h.addRows(nrows, m.row_lower, m.row_upper, len(m.index), m.starts[:-1], m.index, m.value)
    if integer:
        h.changeColsIntegrality(n, cols, np.full(n, highspy.HighsVarType.kInteger))
    return h


_stdout_lock = threading.Lock()
_stdout_users = 0
_stdout_saved: int | None = None


@contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """While any search runs, the process's C stdout goes to stderr.

    Why: HiGHS 1.12 prints a debug line ("HighsMipSolverData::
    transformNewIntegerFeasibleSolution tmpSolver.run();") on C stdout when a sub-solver
    finds a roster after a presolve restart, whatever `output_flag` says; it was seen
    once in 368 alternate solves on Linfen. `placement solve --json` prints its summary
    on stdout, which that line would corrupt. Searches run in several threads at once,
    so the first to start redirects and the last to end restores (with a flush of C's
    buffers, which would otherwise empty into the restored stdout later)."""
    global _stdout_users, _stdout_saved
    libc = ctypes.CDLL(None)
    with _stdout_lock:
        if _stdout_users == 0:
            try:
                sys.stdout.flush()
                libc.fflush(None)
                _stdout_saved = os.dup(1)
                os.dup2(2, 1)
            except (OSError, ValueError):  # no fd 1 or 2 to work with: leave them be
                _stdout_saved = None
        _stdout_users += 1
    try:
        yield
    finally:
        with _stdout_lock:
            _stdout_users -= 1
            if _stdout_users == 0 and _stdout_saved is not None:
                libc.fflush(None)
                os.dup2(_stdout_saved, 1)
                os.close(_stdout_saved)
                _stdout_saved = None


@dataclass
class HighsAnswer:
    status: Status
    values: np.ndarray | None
    objective: float | None  # in the proto's sense (scaling applied)
    bound: float | None
    blocks: int = 0  # independent blocks it was solved in (`placement.solver.blocks`); 0: whole
    proven: bool = False  # optimal with no gap left (`placement.solver.status.proven`)


def _same_structure(a: MipArrays, b: MipArrays) -> bool:
    """The same columns and nonzero pattern (what `_change` can move in place)."""
    return (a.num_vars == b.num_vars and a.scale == b.scale
            and len(a.row_lower) == len(b.row_lower)
            and (a.starts is b.starts or np.array_equal(a.starts, b.starts))
            and (a.index is b.index or np.array_equal(a.index, b.index)))


_ROW_FIELDS = ("lower", "upper", "row_lower", "row_upper", "value")


def _rows_key(m: MipArrays) -> bytes:
    """A digest of what an LP basis stays primal feasible under: the bounds and the rows
    (same structure assumed: `retarget`'s)."""
    h = hashlib.blake2b(digest_size=16)
    for f in _ROW_FIELDS:
        h.update(np.ascontiguousarray(getattr(m, f)).tobytes() + b"|")
    return h.digest()


def _costs_only(a: MipArrays, b: MipArrays) -> bool:
    """`a` and `b` (same structure) differ in their costs (and offset) only."""
    return all(getattr(a, f) is getattr(b, f) or np.array_equal(getattr(a, f), getattr(b, f))
               for f in _ROW_FIELDS)


def _loosened(a: MipArrays, b: MipArrays) -> bool:
    """`b` (same structure as `a`) only widens `a`'s column and row bounds, with the
    same coefficients: every point of `a` is one of `b` (a rule switched off frees its
    rows)."""
    return bool(np.all(b.lower <= a.lower) and np.all(b.upper >= a.upper)
                and np.all(b.row_lower <= a.row_lower) and np.all(b.row_upper >= a.row_upper)
                and np.array_equal(a.value, b.value))


def _change(h, old: MipArrays, g: MipArrays) -> None:
    """Make the HiGHS model `h`, holding `old`, hold `g` (same structure): only the
    changed costs, bounds, row bounds, coefficients and offset are handed over."""
    cols = np.flatnonzero((g.lower != old.lower) | (g.upper != old.upper)).astype(np.int32) \
        if g.lower is not old.lower or g.upper is not old.upper else ()
    if len(cols):
        h.changeColsBounds(len(cols), cols, g.lower[cols], g.upper[cols])
    cols = np.flatnonzero(g.cost != old.cost).astype(np.int32)
    if len(cols):
        h.changeColsCost(len(cols), cols, g.cost[cols])
    rows = np.flatnonzero((g.row_lower != old.row_lower) | (g.row_upper != old.row_upper)) \
        if g.row_lower is not old.row_lower or g.row_upper is not old.row_upper \
        else np.array([], dtype=np.int64)
    for r in rows.tolist():
        h.changeRowBounds(r, float(g.row_lower[r]), float(g.row_upper[r]))
    entries = np.flatnonzero(g.value != old.value) if g.value is not old.value \
        else np.array([], dtype=np.int64)
    row_of = np.searchsorted(g.starts, entries, side="right") - 1
    for r, c, v in zip(row_of.tolist(), g.index[entries].tolist(),
                       g.value[entries].tolist(), strict=True):
        h.changeCoeff(r, c, v)
    if g.offset != old.offset:
        h.changeObjectiveOffset(g.offset)


def rows_hold(m: MipArrays, x: np.ndarray, rows: np.ndarray | None = None) -> bool:
    """The `rows` of `m` (every row, and every column bound, when None) hold at `x`."""
    if rows is not None:
        return bool(holding(m, x, rows).all())
    activity = row_activity(m, x)
    return bool(np.all(activity >= m.row_lower - 1e-6) and np.all(activity <= m.row_upper + 1e-6)
                and np.all(x >= m.lower) and np.all(x <= m.upper))


def row_entries(starts: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Positions in the CSR arrays of the entries of `rows`, row by row (numpy only:
    the province has 10⁵ rows, too many for a Python loop on every solve)."""
    lengths = starts[rows + 1] - starts[rows]
    first = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return np.repeat(starts[rows] - first, lengths) + np.arange(int(lengths.sum()))


def holding(m: MipArrays, x: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Per row of `rows`, whether it holds at `x` (`rows_hold`'s test, all rows at once:
    a Python loop over the set-aside rows and the flags' team rows was 0.1-0.3 s of a
    province what-if's Lagrangian passes)."""
    return RowSet(m, np.asarray(rows, dtype=np.int64)).holding(x)


class RowSet:
    """Some rows of `m`, their entries found once: their activity at any x."""

    def __init__(self, m: MipArrays, rows: np.ndarray):
        self.m, self.rows = m, rows
        self._at = row_entries(m.starts, rows)
        lengths = m.starts[rows + 1] - m.starts[rows]
        self._first = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        self._empty = lengths == 0

    def activity(self, x: np.ndarray) -> np.ndarray:
        """A·x on these rows."""
        if not len(self._at):
            return np.zeros(len(self.rows))
        m, at = self.m, self._at
        out = np.add.reduceat(m.value[at] * x[m.index[at]],
                              np.minimum(self._first, len(at) - 1))
        out[self._empty] = 0.0
        return out

    def holding(self, x: np.ndarray) -> np.ndarray:
        """Per row, whether it holds at `x`."""
        act = self.activity(x)
        return (act >= self.m.row_lower[self.rows] - 1e-6) & \
            (act <= self.m.row_upper[self.rows] + 1e-6)


def row_activity(m: MipArrays, x: np.ndarray) -> np.ndarray:
    """A·x, row by row: sums over each row's run of the CSR arrays (no row index per
    entry to build: `rows_hold` runs after every block's LP)."""
    terms = m.value * x[m.index]
    if not len(terms):
        return np.zeros(len(m.row_lower))
    starts = m.starts[:-1]
    out = np.add.reduceat(terms, np.minimum(starts, len(terms) - 1))
    out[starts == m.starts[1:]] = 0.0  # an empty row: reduceat gave its next entry
    return out


def _weak_callback(ref: weakref.ref) -> Callable:
    """The search's callback, holding the search only weakly.

    Why: HiGHS keeps the callback on the C++ side, out of sight of Python's garbage
    collector, so a callback holding its search (which holds the HiGHS model) was a
    cycle nothing freed: every solve leaked its model. Measured on Linfen alternates
    (thousands of searches): peak memory grew from 460 MiB at 10 posts to 708 MiB at
    90 before this."""

    def callback(kind, message, out, into, user) -> None:
        search = ref()
        if search is not None:
            search._callback(kind, message, out, into, user)

    return callback


class Search:
    """One HiGHS MIP run with a starting roster, progress reports and interruption.

    `show(elapsed, objective, bound)` is called on every improving roster; `stop()`
    (Ctrl-C or a cancel, from any thread, before or during `run`) ends the search at
    the next callback, keeping the best roster found.

    `lp_interrupt=False`: the LP relaxation runs without HiGHS's per-iteration callback,
    so a stop ends it only once it is solved (the MIP after it stops at once). Why: the callback
    takes Python's GIL at every simplex iteration, and with two block LPs at once on two
    cores (`placement.solver.blocks`) each iteration of one waited while the other
    thread ran Python: the scale60 blocks' first pass took 5.8 s with it, 2.6 s without
    (docs/solver.md). A block's LP takes a fraction of a second; a whole model's
    (seconds at province size) keeps the callback. `lp_options`: HiGHS options of the LP
    relaxation (`BLOCK_LP`)."""

    def __init__(self, m: MipArrays, time_limit: float, gap: float = 0.0,
                 options: dict | None = None, lp_first: bool = True,
                 lp_interrupt: bool = True, lp_options: dict | None = None):
        self.raw, self.lp_first, self._lp = m, lp_first, None
        self.lp_interrupt, self._lp_options = lp_interrupt, lp_options or {}
        self._incumbent: np.ndarray | None = None  # the fixed rounding's roster, if any
        # The LP's optimal bases by its rows and bounds (`_rows_key`) and costs, the last few.
        self._bases: OrderedDict[tuple, tuple] = OrderedDict()
        self._digest: tuple | None = None  # (arrays, `_rows_key`) last computed
        self.seconds = 0.0  # its last run's, as a caller timed it (`blocks.BlockSearch`)
        self.time_limit = float(time_limit)
        self.gap = float(gap)
        self.stopped = False
        self._show: Callable | None = None
        self._options = OPTIONS | (options or {})
        # The MIP's HiGHS instance and the arrays it holds (`objective_by_group` of `raw`),
        # made and brought up to date only when the MIP is searched (`_mip`), and the
        # starting roster it is to be given then (the last `hint`).
        self._h, self._held, self._hint = None, None, None

    @property
    def m(self) -> MipArrays:
        """The MIP as HiGHS's MIP search holds it (`objective_by_group` of `raw`)."""
        return self._mip()[1]

    @property
    def h(self):
        """The MIP's HiGHS instance, holding `m`."""
        return self._mip()[0]

    def _mip(self):
        """The MIP's HiGHS instance and arrays for `raw`: made on first use, changed in
        place after `retarget` (or made again where the per-post objective columns
        differ), the pending hint handed over.

        Why lazily: most searches end at their LP (`_relaxation`), and the per-post
        objective columns and a second HiGHS model were a third of a province block's
        solve, and of each Lagrangian pass over the blocks (`placement.solver.blocks`)."""
        import highspy

        g = objective_by_group(self.raw) if self._held is None or \
            self._held[0] is not self.raw else self._held[1]
        if self._h is not None and self._held[0] is not self.raw:
            if _same_structure(g, self._held[1]):
                _change(self._h, self._held[1], g)
            else:
                self._h = None
        if self._h is None:
            self._h = highs_model(g, self._options | {
                "time_limit": self.time_limit, "mip_rel_gap": max(self.gap, 1e-9)})
            self._h.setCallback(_weak_callback(weakref.ref(self)), None)
            self._h.startCallback(highspy.cb.HighsCallbackType.kCallbackMipInterrupt)
        self._held = (self.raw, g)
        if self._hint is not None:
            index, vals = self._hint
            if index is None:
                vals = self._completed(vals, g)
                index = np.arange(len(vals), dtype=np.int32)
            self._h.setSolution(len(index), index, vals)
            self._hint = None
        return self._h, g

    def hint(self, values: np.ndarray | dict[int, int]) -> None:
        """A starting roster: every model variable's value, or some of them
        ({variable: value}), which HiGHS completes; a hint that breaks a hard rule is
        dropped by HiGHS, never forced. Handed to the MIP when it is searched."""
        if isinstance(values, dict):
            index = np.fromiter(values.keys(), dtype=np.int32, count=len(values))
            vals = np.fromiter(values.values(), dtype=float, count=len(values))
            self._hint = (index, vals)
        else:
            self._hint = (None, values.astype(float))

    def _completed(self, values: np.ndarray, m: MipArrays) -> np.ndarray:
        """The model variables' values with the added objective columns' values."""
        if m.model_vars < 0:
            return values
        full = np.concatenate([values, np.zeros(m.num_vars - m.model_vars)])
        rows = np.arange(len(m.row_lower) - (m.num_vars - m.model_vars), len(m.row_lower))
        for k, r in enumerate(rows):
            lo, hi = m.starts[r], m.starts[r + 1] - 1  # the last entry is y itself
            full[m.model_vars + k] = m.value[lo:hi] @ values[m.index[lo:hi]]
        return full

    def stop(self) -> None:
        self.stopped = True

    def limit(self, time_limit: float, gap: float | None = None) -> None:
        """The time limit (seconds) and, if given, the relative gap of the next `run`."""
        self.time_limit = float(time_limit)
        if self._h is not None:
            self._h.setOptionValue("time_limit", float(time_limit))
        if self._lp is not None:
            self._lp.setOptionValue("time_limit", float(time_limit))
        if gap is not None:
            self.gap = float(gap)
            if self._h is not None:
                self._h.setOptionValue("mip_rel_gap", max(self.gap, 1e-9))

    def retarget(self, m: MipArrays) -> bool:
        """Make the HiGHS model `m` in place: the same columns and the same nonzero
        pattern, with other costs, bounds, row bounds, coefficients or offset. False, and
        nothing changed, when `m`'s structure differs (the caller builds a new search).

        Why: a what-if that moves a target, a weight or a bound changes a few numbers of
        a model HiGHS already holds; only those are handed over (a Python loop over the
        changed rows and coefficients only, never over every pair)."""
        if not _same_structure(m, self.raw):
            return False
        if self._lp is not None:  # the LP keeps its basis: the next run starts from it
            _change(self._lp, self.raw, m)
            # Costs only (a weight): the kept basis stays primal feasible, so the primal
            # simplex goes on from it; the dual simplex (HiGHS's default) first had to
            # repair the lost dual feasibility. Linfen, weights.move=200 after the
            # proposal: 215 iterations, 0.07 s, against 1,384 and 0.22 s. The same from
            # the optimal basis of an earlier LP with these very rows and bounds (a
            # weight after a target's what-if: the proposal's basis).
            # Other rows or bounds with the costs of an earlier LP on the columns not
            # fixed (a rule made hard after a weight's what-if): that LP's optimal basis
            # is dual feasible for them where the last one's is not, so the dual
            # simplex starts there
            # (Linfen, R-TC5 made hard after weights.move=200: 0 iterations, was 2,151).
            # Bounds only widened (a rule switched off: its rows made free): the last
            # optimum is still a point of the LP, so the primal simplex goes on from its
            # basis (a province city, R-TC8 off: a few iterations, where from scratch
            # about 1,000).
            rows = self._rows_key(m)
            kept = next((basis for (key, _), (basis, _) in reversed(self._bases.items())
                         if key == rows), None)
            wider = kept is None and _loosened(self.raw, m)
            if kept is not None and not _costs_only(self.raw, m):
                self._lp.setBasis(kept)
            elif kept is None and not wider and not np.array_equal(m.cost, self.raw.cost):
                free = m.lower < m.upper  # a fixed column's cost does not matter
                alike = [basis for basis, cost in self._bases.values()
                         if np.array_equal(cost[free], m.cost[free])]
                if alike:
                    self._lp.setBasis(alike[-1])
            self._lp.setOptionValue("simplex_strategy", PRIMAL if kept is not None or wider
                                    or _costs_only(self.raw, m) else DUAL)
        self.raw, self.stopped = m, False  # the MIP's instance follows when searched
        return True

    def _callback(self, kind, message, out, into, user) -> None:
        import highspy

        if kind == highspy.cb.HighsCallbackType.kCallbackMipImprovingSolution and self._show:
            s = self.raw.scale
            self._show(out.running_time, s * out.objective_function_value,
                       s * out.mip_dual_bound)
        if self.stopped:
            into.user_interrupt = True

    def run(self, show: Callable | None = None) -> HighsAnswer:
        import highspy

        if self.lp_first and not self.stopped:
            started = time.perf_counter()
            answer = self._relaxation()
            if answer is not None:
                if show is not None:
                    show(0.0, answer.objective, answer.bound)
                return answer
            if self._incumbent is not None:  # the fixed rounding's: the MIP's start
                self.hint(self._incumbent)
            # The time limit is the whole search's: the LP's time comes off the MIP's.
            spent = time.perf_counter() - started
            self.h.setOptionValue("time_limit", max(self.time_limit - spent, 0.01))
        else:
            self.h.setOptionValue("time_limit", self.time_limit)
        if show is not None:
            self._show = show
            self.h.startCallback(highspy.cb.HighsCallbackType.kCallbackMipImprovingSolution)
        with stdout_to_stderr():
            self.h.run()
        return self._answer()

    def lp_start(self, col_status: np.ndarray, row_status: np.ndarray) -> None:
        """Start the LP relaxation's next solve from these basis statuses (HiGHS's codes;
        `placement.solver.basis.carried`). A basis HiGHS rejects leaves it to start from
        scratch: the start changes the time, never the answer."""
        import highspy

        self._lp_instance()
        basis = highspy.HighsBasis()
        status = [highspy.HighsBasisStatus(k) for k in range(5)]  # kLower … kNonbasic
        basis.col_status = [status[k] for k in col_status.tolist()]
        basis.row_status = [status[k] for k in row_status.tolist()]
        basis.valid = True
        self._lp.setBasis(basis)

    def lp_basis(self):
        """The LP relaxation's last basis (a `highspy.HighsBasis`, read into statuses by
        `placement.solver.basis.statuses`), if it was solved."""
        if self._lp is None:
            return None
        basis = self._lp.getBasis()
        return basis if basis.valid else None

    def _lp_instance(self):
        """The LP relaxation's HiGHS instance, made once; a stop (Ctrl-C, a cancel) ends
        its simplex at the next iteration callback (`lp_interrupt`), as it ends the MIP's
        search."""
        import highspy

        if self._lp is None:
            self._lp = highs_model(self.raw, self._lp_options | {"time_limit": self.time_limit},
                                   integer=False)
            if self.lp_interrupt:
                self._lp.setCallback(_weak_callback(weakref.ref(self)), None)
                self._lp.startCallback(highspy.cb.HighsCallbackType.kCallbackSimplexInterrupt)
        return self._lp

    def relaxation(self, basis=None) -> HighsAnswer | None:
        """The MIP's answer from its LP relaxation alone (`_relaxation`), started from
        `basis` (a `highspy.HighsBasis`, `lp_basis`'s) when given: proven infeasible when
        the LP is, None when the LP does not close the MIP (no search: for a caller that
        has another route then)."""
        if self.stopped:
            return None
        if basis is not None:
            self._lp_instance().setBasis(basis)
        answer = self._relaxation()
        if answer is None and self._lp.getModelStatus().name == "kInfeasible":
            return HighsAnswer(Status.INFEASIBLE, None, None, None, proven=True)
        return answer

    def _relaxation(self) -> HighsAnswer | None:
        """The MIP's answer from its LP relaxation when that LP's optimum is integral,
        else None (the MIP is then searched).

        Why: an integral optimum of the LP relaxation is an optimum of the MIP, proven
        (no roster can beat the LP). With R-TC5's tightened flag rows the Linfen
        proposal's LP is integral: dual simplex on the model as written (not the
        per-post objective columns of `objective_by_group`, whose LP is slower) takes a
        fraction of the MIP's presolve, set-up and root LP (docs/solver.md, "Timings
        behind the code").
        The LP is kept: after `retarget` it restarts from its optimal basis (a what-if
        that moves a weight). A fractional LP optimum is tried by the fixed rounding
        and, when that falls short of the bound, by the LP's reduced costs
        (`_within_gap`). Exact: the rounded values are checked against every row
        (integer coefficients, so the check is exact) before they are taken."""
        m = self.raw
        self._incumbent = None
        self._lp_instance().setOptionValue("time_limit", self.time_limit)
        with stdout_to_stderr():
            self._lp.run()
        if self._lp.getModelStatus().name != "kOptimal":
            return None
        self._keep_basis(m)
        x = np.asarray(self._lp.getSolution().col_value)
        values = np.rint(x)
        fractional = np.abs(x - values) > 1e-9
        if fractional.any():
            bound = self._lp.getInfo().objective_function_value
            values = self._fixed_rounding(x, fractional, bound)
            if values is None and self._incumbent is not None:
                values = self._within_gap(x, self._incumbent)
            if values is None:
                return None
        elif not rows_hold(m, values):
            return None
        objective = m.scale * float(m.cost @ values + m.offset)
        return HighsAnswer(Status.OPTIMAL, values[: m.proto_vars].astype(np.int64),
                           objective, objective, proven=True)

    def _rows_key(self, m: MipArrays) -> bytes:
        """`_rows_key(m)`, computed again only when `m` holds other arrays for its rows and
        bounds than the last one asked (a Lagrangian pass changes only the costs of a
        block, `placement.solver.blocks`: hashing its rows twice a pass was a fifth of
        the pass)."""
        arrays = tuple(getattr(m, f) for f in _ROW_FIELDS)
        if self._digest is None or any(a is not b for a, b in zip(arrays, self._digest[0],
                                                                   strict=True)):
            self._digest = (arrays, _rows_key(m))
        return self._digest[1]

    def _keep_basis(self, m: MipArrays) -> None:
        """Keep the LP's optimal basis for `m`'s rows, bounds and costs (`retarget`)."""
        basis = self._lp.getBasis()
        if basis.valid:
            key = (self._rows_key(m), hashlib.blake2b(m.cost.tobytes(), digest_size=16).digest())
            self._bases[key] = (basis, m.cost)
            self._bases.move_to_end(key)
            while len(self._bases) > BASES:
                self._bases.popitem(last=False)

    def _fixed_rounding(self, x: np.ndarray, fractional: np.ndarray, bound: float
                        ) -> np.ndarray | None:
        """`fixed_rounding` on this search's MIP; a rounding short of the bound is kept
        as the MIP's start (`_incumbent`)."""
        values, self._incumbent = fixed_rounding(self.raw, x, fractional, bound,
                                                 self.time_limit)
        return values

    def _within_gap(self, x: np.ndarray, incumbent: np.ndarray) -> np.ndarray | None:
        """`within_gap` on this search's MIP and its LP's row duals."""
        return within_gap(self.raw, x, np.asarray(self._lp.getSolution().row_dual, dtype=float),
                          incumbent, self.time_limit)

    def _answer(self) -> HighsAnswer:
        info = self.h.getInfo()
        found = info.primal_solution_status == 2  # kSolutionStatusFeasible
        status = from_highs(self.h.getModelStatus().name, found)
        if status not in FOUND:
            return HighsAnswer(status, None, None, None)
        values = np.rint(np.asarray(self.h.getSolution().col_value)).astype(np.int64)
        values = values[: self.m.proto_vars]
        s = self.m.scale
        objective, bound = s * info.objective_function_value, s * info.mip_dual_bound
        return HighsAnswer(status, values, objective, bound,
                           proven=proven(status, self.gap, objective, bound))
