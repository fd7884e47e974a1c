"""The placement model's rows kept as arrays until its proto is read.

`Model` is a `CpModel` whose rule families' rows wait in numpy and Python lists
(`Model.groups`, `Model.row`, `Model.linear`) and are written into the proto, in the
order they were added and with the very calls the families made before, when anything
reads `Model.proto` or adds a constraint by OR-Tools' own methods: CP-SAT, the
explanations and the exports read the same proto as before (tests/test_build_bulk.py).
Variables are written at once: rows refer to them by index, and their handles
(`IntVar`) need them in the proto.

Why: writing rows into OR-Tools' C++ proto is a few Python-to-C++ calls per row, about
0.1 s of the province's 0.18 s build (21.5k rows, issue 29), and a solve by HiGHS reads
the rows back (`placement.solver.highs.mip_arrays`: the proto written out, parsed and
read, 0.1-0.2 s more). A model whose proto nobody reads hands HiGHS its rows as they
are kept (`Model.arrays`), and the proto is never written.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model, cp_model_helper

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# Row kinds, numbered as `placement.solver.highs.KINDS` reads them.
LINEAR, EXACTLY_ONE, AT_MOST_ONE, BOOL_OR = 0, 1, 2, 3
_FIELDS = ("linear", "exactly_one", "at_most_one", "bool_or")


class _Rows:
    """Rows added one by one (`Model.row`): Python lists, sealed into a block when a
    block of groups follows or the rows are written."""

    def __init__(self):
        self.kinds: list[int] = []
        self.enforced: list[int | None] = []
        self.vars: list[int] = []
        self.coeffs: list[int] = []  # one per variable (1 in a row over literals)
        self.lengths: list[int] = []
        self.lo: list[int] = []
        self.hi: list[int] = []

    def __len__(self) -> int:
        return len(self.kinds)

    def write(self, proto: cp_model_helper.CpModelProto) -> None:
        add, at = proto.constraints.add, 0
        for kind, enf, n, lo, hi in zip(self.kinds, self.enforced, self.lengths, self.lo,
                                        self.hi, strict=True):
            ct = add()
            if enf is not None:
                ct.enforcement_literal.append(enf)
            if kind == LINEAR:
                linear = ct.linear  # each read of a proto field is a call into C++
                linear.vars.extend(self.vars[at:at + n])
                linear.coeffs.extend(self.coeffs[at:at + n])
                linear.domain.extend((lo, hi))
            else:
                getattr(ct, _FIELDS[kind]).literals.extend(self.vars[at:at + n])
            at += n

    def kept(self) -> tuple | None:
        """`Model.kept`'s arrays of these rows."""
        if any(e is not None for e in self.enforced):
            return None
        kinds = np.array(self.kinds, dtype=np.int64)
        lengths = np.array(self.lengths, dtype=np.int64)
        linear = kinds == LINEAR
        coeffs = np.array(self.coeffs, dtype=np.int64)[np.repeat(linear, lengths)]
        return (kinds, lengths, np.array(self.vars, dtype=np.int64), coeffs,
                np.array(self.lo, dtype=np.int64)[linear],
                np.array(self.hi, dtype=np.int64)[linear])


class _Groups:
    """Rows of one kind over literals, one per group: `literals[starts[g]:starts[g+1]]`."""

    def __init__(self, kind: int, literals: np.ndarray, starts: np.ndarray):
        self.kind, self.literals, self.starts = kind, literals, starts

    def __len__(self) -> int:
        return len(self.starts) - 1

    def write(self, proto: cp_model_helper.CpModelProto) -> None:
        lits, bounds, name = self.literals.tolist(), self.starts.tolist(), _FIELDS[self.kind]
        add = proto.constraints.add
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
            getattr(add(), name).literals.extend(lits[lo:hi])

    def kept(self) -> tuple:
        """`Model.kept`'s arrays of these rows."""
        none = np.zeros(0, dtype=np.int64)
        return (np.full(len(self), self.kind, dtype=np.int64), np.diff(self.starts),
                self.literals, none, none, none)


class _Block:
    """Rows given as arrays: each row's kind, its entries `variables[starts[r]:starts[r +
    1]]` with their coefficients (1 in a row over literals), its bounds (a linear row's)."""

    def __init__(self, kinds, starts, variables, coeffs, lo, hi):
        self.kinds, self.starts, self.variables = kinds, starts, variables
        self.coeffs, self.lo, self.hi = coeffs, lo, hi

    def __len__(self) -> int:
        return len(self.kinds)

    def write(self, proto: cp_model_helper.CpModelProto) -> None:
        add = proto.constraints.add
        variables, coeffs = self.variables.tolist(), self.coeffs.tolist()
        for kind, a, b, lo, hi in zip(self.kinds.tolist(), self.starts[:-1].tolist(),
                                      self.starts[1:].tolist(), self.lo.tolist(),
                                      self.hi.tolist(), strict=True):
            ct = add()
            if kind == LINEAR:
                linear = ct.linear
                linear.vars.extend(variables[a:b])
                linear.coeffs.extend(coeffs[a:b])
                linear.domain.extend((lo, hi))
            else:
                getattr(ct, _FIELDS[kind]).literals.extend(variables[a:b])

    def kept(self) -> tuple:
        """`Model.kept`'s arrays of these rows."""
        linear = self.kinds == LINEAR
        return (self.kinds, np.diff(self.starts), self.variables,
                self.coeffs[np.repeat(linear, np.diff(self.starts))], self.lo[linear],
                self.hi[linear])


class Model(cp_model.CpModel):
    """A `CpModel` that keeps the rows added by `groups`, `row` and `linear` until its
    proto is read (`proto`, and every OR-Tools method that reads or adds to it, write
    them first). `rows` counts the written and the kept ones: the index the next row
    gets."""

    def __init__(self):
        # before OR-Tools' own, which reads every attribute (`proto` among them)
        self._kept: list = []  # `_Rows` and `_Groups`, in the order added
        self._count = 0  # rows kept
        self._scratch: cp_model.CpModel | None = None  # `linear`'s
        super().__init__()

    # --- adding rows --------------------------------------------------------------
    @property
    def rows(self) -> int:
        return len(self.model_proto.constraints) + self._count

    def groups(self, kind: int, literals: np.ndarray, starts: np.ndarray) -> None:
        """One `kind` row over each group `literals[starts[g]:starts[g + 1]]`."""
        block = _Groups(kind, np.asarray(literals, dtype=np.int64),
                        np.asarray(starts, dtype=np.int64) - int(starts[0]))
        if len(block):
            self._kept.append(block)
            self._count += len(block)

    def block(self, kinds: np.ndarray, starts: np.ndarray, variables: np.ndarray,
              coeffs: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        """Rows given as arrays (int64): row r is of `kinds[r]` over the entries
        `variables[starts[r]:starts[r + 1]]` with `coeffs` (1 for a literal), its bounds
        `lo[r]`, `hi[r]` (read for a linear row only)."""
        if len(kinds):
            self._kept.append(_Block(kinds, starts, variables, coeffs, lo, hi))
            self._count += len(kinds)

    def row(self, kind: int, variables: list[int], coeffs: list[int] | None = None,
            lo: int = INT64_MIN, hi: int = INT64_MAX, enforced_by: int | None = None) -> None:
        """One row: `lo ≤ Σ coeffs·variables ≤ hi` (LINEAR) or a row of `kind` over the
        literals `variables`, behind the literal `enforced_by` when given."""
        rows = self._kept[-1] if self._kept and isinstance(self._kept[-1], _Rows) else None
        if rows is None:
            rows = _Rows()
            self._kept.append(rows)
        rows.kinds.append(kind)
        rows.enforced.append(enforced_by)
        rows.vars += variables
        rows.coeffs += coeffs if kind == LINEAR else [1] * len(variables)
        rows.lengths.append(len(variables))
        rows.lo.append(lo)
        rows.hi.append(hi)
        self._count += 1

    def linear(self, constraint: cp_model.BoundedLinearExpression) -> None:
        """`add(constraint)`, kept as the row `add` writes (its terms merged and ordered
        by OR-Tools, read back from a model of its own); added at once where that row is
        not one interval over the model's variables."""
        if not isinstance(constraint, cp_model.BoundedLinearExpression):
            self.add(constraint)  # a bool, as `add` reads it
            return
        if self._scratch is None:
            self._scratch = cp_model.CpModel()
        scratch = self._scratch
        scratch.add(constraint)
        ct = scratch.model_proto.constraints[0]
        ok = len(scratch.model_proto.variables) == 0 and ct.has_linear() and \
            len(ct.linear.domain) == 2 and not len(ct.enforcement_literal)
        if ok:
            linear = ct.linear
            self.row(LINEAR, list(linear.vars), list(linear.coeffs), *linear.domain)
        scratch.model_proto.constraints.clear()
        scratch.model_proto.variables.clear()
        if not ok:
            self.add(constraint)

    # --- writing them -------------------------------------------------------------
    def flush(self) -> None:
        """Write the kept rows into the proto, in the order they were added."""
        if self._kept:
            kept, self._kept, self._count = self._kept, [], 0
            proto = self.model_proto
            for block in kept:
                block.write(proto)

    @property
    def proto(self) -> cp_model_helper.CpModelProto:
        self.flush()
        return self.model_proto

    def kept(self) -> tuple | None:
        """The kept rows, after the proto's, as `placement.solver.wire.read` reads rows:
        each row's kind, its entry count, the entries (columns, or literals: -(i+1) for
        not x_i), the linear rows' coefficients and bounds (int64, INT64_MIN/MAX
        unbounded). None when a kept row is behind a literal (the proto is read then)."""
        parts = [block.kept() for block in self._kept]
        if any(p is None for p in parts):
            return None
        if not parts:
            return tuple(np.zeros(0, dtype=np.int64) for _ in range(6))
        return tuple(np.concatenate([p[k] for p in parts]) for k in range(6))

    def clone(self) -> Model:
        """A copy, itself a `Model` (with no rows kept)."""
        out = Model()
        out.model_proto.copy_from(self.proto)
        out.rebuild_constant_map()
        return out

    def __copy__(self):
        self.flush()
        return super().__copy__()

    def __deepcopy__(self, memo):
        self.flush()
        return super().__deepcopy__(memo)

    def __str__(self) -> str:
        self.flush()
        return super().__str__()

    def model_stats(self) -> str:
        self.flush()
        return super().model_stats()

    def validate(self) -> str:
        self.flush()
        return super().validate()

    def export_to_file(self, file: str) -> bool:
        self.flush()
        return super().export_to_file(file)


def _flushing(name: str):
    method = getattr(cp_model.CpModel, name)

    def flushed(self, *args, **kwargs):
        self.flush()
        return method(self, *args, **kwargs)

    flushed.__name__ = name
    flushed.__doc__ = f"`CpModel.{name}`, the kept rows written first."
    return flushed


# Every OR-Tools method that adds a constraint goes through one of these.
for _name in [n for n in dir(cp_model.CpModel)
              if n.startswith("_add_") and n != "_add_pre_pep8_methods"] + ["_new_interval_var"]:
    setattr(Model, _name, _flushing(_name))

