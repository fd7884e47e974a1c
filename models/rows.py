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

import threading

import numpy as np
from ortools.sat.python import cp_model, cp_model_helper

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# Row kinds, numbered as `placement.solver.highs.KINDS` reads them.
LINEAR, EXACTLY_ONE, AT_MOST_ONE, BOOL_OR = 0, 1, 2, 3
_FIELDS = ("linear", "exactly_one", "at_most_one", "bool_or")


class _Block:
    """Rows given as arrays: each row's kind, its entries `variables[starts[r]:starts[r +
    1]]` with their coefficients (1 in a row over literals), its bounds (a linear row's),
    and, where any row has one, each row's enforcement literal (None: none)."""

    def __init__(self, kinds, starts, variables, coeffs, lo, hi, enforced=None):
        self.kinds, self.starts, self.variables = kinds, starts, variables
        self.coeffs, self.lo, self.hi, self.enforced = coeffs, lo, hi, enforced

    def __len__(self) -> int:
        return len(self.kinds)

    def write(self, proto: cp_model_helper.CpModelProto) -> None:
        add = proto.constraints.add
        variables, coeffs = self.variables.tolist(), self.coeffs.tolist()
        enforced = self.enforced or [None] * len(self)
        for kind, a, b, lo, hi, enf in zip(self.kinds.tolist(), self.starts[:-1].tolist(),
                                           self.starts[1:].tolist(), self.lo.tolist(),
                                           self.hi.tolist(), enforced, strict=True):
            ct = add()
            if enf is not None:
                ct.enforcement_literal.append(enf)
            if kind == LINEAR:
                linear = ct.linear  # each read of a proto field is a call into C++
                linear.vars.extend(variables[a:b])
                linear.coeffs.extend(coeffs[a:b])
                linear.domain.extend((lo, hi))
            else:
                getattr(ct, _FIELDS[kind]).literals.extend(variables[a:b])

    def row_kinds(self) -> tuple[np.ndarray, np.ndarray]:
        """Each row's kind, and whether it is behind a literal."""
        if self.enforced is None:
            return self.kinds, np.zeros(len(self), dtype=bool)
        return self.kinds, np.array([e is not None for e in self.enforced], dtype=bool)

    def read(self, i: int) -> tuple:
        a, b = int(self.starts[i]), int(self.starts[i + 1])
        enf = self.enforced[i] if self.enforced else None
        linear = self.kinds[i] == LINEAR
        return (int(self.kinds[i]), [] if enf is None else [enf],
                self.variables[a:b].tolist(), self.coeffs[a:b].tolist(),
                [int(self.lo[i]), int(self.hi[i])] if linear else [INT64_MIN, INT64_MAX])

    def kept(self) -> tuple | None:
        """`Model.kept`'s arrays of these rows; None where one is behind a literal."""
        if self.enforced and any(e is not None for e in self.enforced):
            return None
        linear, lengths = self.kinds == LINEAR, np.diff(self.starts)
        return (self.kinds, lengths, self.variables, self.coeffs[np.repeat(linear, lengths)],
                self.lo[linear], self.hi[linear])


class _Rows:
    """Rows added one by one (`Model.row`): Python lists, read and written as the
    `_Block` they make."""

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

    def block(self) -> _Block:
        def ints(values):
            return np.array(values, dtype=np.int64)
        return _Block(ints(self.kinds), np.r_[0, np.cumsum(ints(self.lengths))],
                      ints(self.vars), ints(self.coeffs), ints(self.lo), ints(self.hi),
                      self.enforced if any(e is not None for e in self.enforced) else None)

    def write(self, proto: cp_model_helper.CpModelProto) -> None:
        self.block().write(proto)

    def row_kinds(self) -> tuple[np.ndarray, np.ndarray]:
        return self.block().row_kinds()

    def read(self, i: int) -> tuple:
        return self.block().read(i)

    def kept(self) -> tuple | None:
        return self.block().kept()


class Model(cp_model.CpModel):
    """A `CpModel` that keeps the rows added by `groups`, `row` and `linear` until its
    proto is read (`proto`, and every OR-Tools method that reads or adds to it, write
    them first). `rows` counts the written and the kept ones: the index the next row
    gets."""

    def __init__(self):
        # before OR-Tools' own, which reads every attribute (`proto` among them)
        self._kept: list = []  # `_Rows` and `_Block`s, in the order added
        self._count = 0  # rows kept
        # Changes of kept rows, in order: (row, ("bounds", lo, hi)) or (row, ("row", a
        # ConstraintProto)), made when they are written (`set_bounds`, `set_row`).
        self._patches: list[tuple[int, tuple]] = []
        self._sealed = False  # the last `_Rows` is shared with a copy: start another
        self._names: list[tuple[int, list[str]]] = []  # (first variable, names) to write
        # Reading the proto writes it: two threads reading a session's model at once
        # (a why-not beside a what-if) write it once.
        self._writing = threading.RLock()
        super().__init__()

    # --- adding rows --------------------------------------------------------------
    @property
    def rows(self) -> int:
        with self._writing:
            return len(self.model_proto.constraints) + self._count

    def groups(self, kind: int, literals: np.ndarray, starts: np.ndarray) -> None:
        """One `kind` row over each group `literals[starts[g]:starts[g + 1]]`."""
        literals = np.asarray(literals, dtype=np.int64)
        n = len(starts) - 1
        self.block(np.full(n, kind, dtype=np.int64),
                   np.asarray(starts, dtype=np.int64) - int(starts[0]), literals,
                   np.ones(len(literals), dtype=np.int64), np.full(n, INT64_MIN),
                   np.full(n, INT64_MAX))

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
        rows = self._kept[-1] if self._kept and isinstance(self._kept[-1], _Rows) and \
            not self._sealed else None
        if rows is None:
            rows = _Rows()
            self._kept.append(rows)
            self._sealed = False
        rows.kinds.append(kind)
        rows.enforced.append(enforced_by)
        rows.vars += variables
        rows.coeffs += coeffs if kind == LINEAR else [1] * len(variables)
        rows.lengths.append(len(variables))
        rows.lo.append(lo)
        rows.hi.append(hi)
        self._count += 1

    def linear(self, constraint: cp_model.BoundedLinearExpression) -> None:
        """`add(constraint)`, kept as the row `add` writes: the expression's variables and
        coefficients as OR-Tools merged and ordered them, its bounds less its constant
        (tests/test_rows.py compares the two on random expressions); added at once where
        the row is not one interval (`!=`) or not a linear expression at all. Why: read
        back from a model of its own, the row cost 35 µs where `add` costs 8."""
        if isinstance(constraint, cp_model.BoundedLinearExpression) and constraint.ok:
            bounds = constraint.bounds.flattened_intervals()
            if len(bounds) == 2:
                lo, hi, offset = bounds[0], bounds[1], constraint.offset
                lo = lo if lo == INT64_MIN else lo - offset
                hi = hi if hi == INT64_MAX else hi - offset
                if INT64_MIN <= lo <= INT64_MAX and INT64_MIN <= hi <= INT64_MAX:
                    self.row(LINEAR, [v.index for v in constraint.vars],
                             list(constraint.coeffs), lo, hi)
                    return
        self.add(constraint)

    def name(self, first: int, names: list[str]) -> None:
        """Name the variables from `first` on `names`, when the proto is read or
        `write_names` is called. Why: a name is two calls into C++, 9 ms for the
        province's 3.9k shortfalls and band flags (issue 29), and only CP-SAT, the
        explanations and a what-if that matches columns by name read them."""
        if names:
            self._names.append((first, names))

    def write_names(self) -> None:
        """Write the names kept by `name` (before variables are read by name or copied)."""
        with self._writing:
            if self._names:
                pending, self._names = self._names, []
                variables = self.model_proto.variables
                for first, names in pending:
                    for j, name in enumerate(names, first):
                        variables[j].name = name

    # --- reading and changing rows ------------------------------------------------
    def copy(self) -> Model:
        """A copy of the model, its kept rows kept (shared: a block is never changed
        once kept; changes are patches of the model's own). Why: a what-if's model is a
        copy of the proposal's with a few rows changed (`models.builder`), and copying
        it with its rows written cost their writing (0.1 s at province size) and a
        10 MB copy (issue 29)."""
        out = Model()
        out.model_proto.copy_from(self.model_proto)
        out.rebuild_constant_map()
        out._kept, out._count = list(self._kept), self._count
        out._patches = list(self._patches)
        out._names = list(self._names)
        self._sealed = out._sealed = True
        return out

    def row_kinds(self, rows: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Each of `rows`' kind and whether it is behind a literal, written or kept."""
        if self._patches:
            self.flush()
        written = len(self.model_proto.constraints)
        kinds, enforced = [], []
        parts = [block.row_kinds() for block in self._kept]
        kept_kinds = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, int)
        kept_enf = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, bool)
        constraints = self.model_proto.constraints
        for k in rows:
            if k < written:
                ct = constraints[k]
                kinds.append(next((i for i, f in enumerate(_FIELDS)
                                   if getattr(ct, f"has_{f}")()), -1))
                enforced.append(len(ct.enforcement_literal) > 0)
            else:
                kinds.append(int(kept_kinds[k - written]))
                enforced.append(bool(kept_enf[k - written]))
        return np.array(kinds, dtype=np.int64), np.array(enforced, dtype=bool)

    def read(self, k: int) -> tuple:
        """Row k as (kind, enforcement literals, variables, coefficients, domain), written
        or kept; a row over literals reads coefficients 1 and an unbounded domain."""
        if self._patches:
            self.flush()
        written = len(self.model_proto.constraints)
        if k < written:
            ct = self.model_proto.constraints[k]
            if ct.has_linear():
                return (LINEAR, list(ct.enforcement_literal), list(ct.linear.vars),
                        list(ct.linear.coeffs), list(ct.linear.domain))
            kind = next(i for i, f in enumerate(_FIELDS) if getattr(ct, f"has_{f}")())
            lits = list(getattr(ct, _FIELDS[kind]).literals)
            return (kind, list(ct.enforcement_literal), lits, [1] * len(lits),
                    [INT64_MIN, INT64_MAX])
        k -= written
        for block in self._kept:
            if k < len(block):
                return block.read(k)
            k -= len(block)
        raise IndexError(k)

    def set_bounds(self, k: int, lo: int, hi: int) -> None:
        """Linear row k's domain made [lo, hi] (on a kept row, when it is written)."""
        if k < len(self.model_proto.constraints):
            _bounded(self.model_proto.constraints[k], lo, hi)
        else:
            self._patches.append((k, ("bounds", lo, hi)))

    def set_row(self, k: int, ct: cp_model_helper.ConstraintProto) -> None:
        """Row k made `ct` (copied; on a kept row, when it is written)."""
        if k < len(self.model_proto.constraints):
            self.model_proto.constraints[k].copy_from(ct)
        else:
            own = cp_model_helper.ConstraintProto()
            own.copy_from(ct)
            self._patches.append((k, ("row", own)))

    # --- writing them -------------------------------------------------------------
    def flush(self) -> None:
        """Write the kept names, the kept rows into the proto, in the order they were
        added, and then the changes made to them."""
        with self._writing:
            self.write_names()
            if self._kept or self._patches:
                proto = self.model_proto
                for block in self._kept:
                    block.write(proto)
                for k, (what, *how) in self._patches:
                    if what == "bounds":
                        _bounded(proto.constraints[k], *how)
                    else:
                        proto.constraints[k].copy_from(how[0])
                self._kept, self._count, self._patches = [], 0, []

    @property
    def proto(self) -> cp_model_helper.CpModelProto:
        self.flush()
        return self.model_proto

    def kept_with(self, read):
        """(`kept()`, `read(self.model_proto)`) at one moment: no rows written between
        them by another thread; `read` is not called where `kept()` is None."""
        with self._writing:
            kept = self.kept()
            return kept, None if kept is None else read(self.model_proto)

    def kept(self) -> tuple | None:
        """The kept rows, after the proto's, as `placement.solver.wire.read` reads rows:
        each row's kind, its entry count, the entries (columns, or literals: -(i+1) for
        not x_i), the linear rows' coefficients and bounds (int64, INT64_MIN/MAX
        unbounded). None when a kept row is behind a literal or was changed (the proto is
        read then)."""
        parts = [block.kept() for block in self._kept]
        if self._patches or any(p is None for p in parts):
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


def _bounded(ct: cp_model_helper.ConstraintProto, lo: int, hi: int) -> None:
    domain = ct.linear.domain
    domain.clear()
    domain.extend([lo, hi])


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

