"""An optimal LP basis carried from one model to a model of another structure.

Why: a what-if that switches a rule off or makes it hard removes or adds rows and
shortfall columns, so no kept HiGHS instance fits it and its LP relaxation was solved
from scratch (most of such a what-if once the LP answers it: `Search._relaxation`).
Most of the two models is the same: the same pairs, the same rows. Their statuses in
the previous model's optimal basis are a start a few hundred dual simplex iterations
from the new optimum (measured: docs/solver.md, "Timings behind the code").

Columns are matched by the proto's variable name (unnamed ones, the pairs, by their
position, which the build keeps while the pairs do not change, or by their cadre and
post when the caller gives them: a forbid lock drops a pair) and rows by their
content (their columns' keys, coefficients and bounds). A column or row the old model
lacks starts non-basic at a finite bound or basic (a row's slack), and the count of
basic statuses is set right (HiGHS takes only a basis with one per row). A mismatch
only makes the start worse: the simplex solves the new LP to its optimum from any
start, so the answer does not depend on this module.
"""

from __future__ import annotations

import numpy as np

from placement.solver.highs import MipArrays

PRIME = np.int64(1_000_003)
MASK = np.int64((1 << 61) - 1)
NAMED = np.int64(1 << 40)  # named columns' ids start here, past any position
PAIRED = np.int64(1 << 41)  # pair columns' ids (when known) start here, past the named


def statuses(basis) -> tuple[np.ndarray, np.ndarray]:
    """A `highspy.HighsBasis`'s column and row statuses as HiGHS's integer codes (each
    list read from HiGHS once, each status's `value`: a third of `int(s)`'s time)."""
    return tuple(np.array([s.value for s in codes], dtype=np.int64)
                 for codes in (basis.col_status, basis.row_status))


def column_keys(names: list[str], num_vars: int, table: dict[str, int],
                pairs: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """An id per column, shared between models through `table`: its position when the
    variable has no name (a pair: positions stay while the pairs do), else the name's;
    `pairs` (the pair columns, and an id per pair that does not depend on the other
    pairs: its cadre and post): those columns by that id, so that a pair's status is
    carried when pairs were dropped before it (a forbid lock)."""
    keys = np.arange(num_vars, dtype=np.int64)
    named = np.array(names[:num_vars], dtype=object)
    named = np.flatnonzero(named != "")
    keys[named] = NAMED + np.fromiter((table.setdefault(names[j], len(table))
                                       for j in named.tolist()), dtype=np.int64,
                                      count=len(named))
    if pairs is not None:
        keys[pairs[0]] = PAIRED + pairs[1]
    return keys


def row_keys(m: MipArrays, cols: np.ndarray) -> np.ndarray:
    """A hash per row of its columns' keys, coefficients and bounds (rows equal in
    content get the same key)."""
    term = (cols[m.index] * PRIME + np.rint(m.value * 7919).astype(np.int64)) & MASK
    key = np.zeros(len(m.row_lower), dtype=np.int64)
    np.add.at(key, m.entry_rows, term)
    lower = np.nan_to_num(m.row_lower, posinf=1e18, neginf=-1e18)
    upper = np.nan_to_num(m.row_upper, posinf=1e18, neginf=-1e18)
    bounds = (np.rint(lower).astype(np.int64) * 31 + np.rint(upper).astype(np.int64)) & MASK
    return (key * 17 + bounds) & MASK


def carried(old: MipArrays, old_names: list[str], col_status: np.ndarray,
            row_status: np.ndarray, new: MipArrays, new_names: list[str],
            old_pairs: tuple[np.ndarray, np.ndarray] | None = None,
            new_pairs: tuple[np.ndarray, np.ndarray] | None = None
            ) -> tuple[np.ndarray, np.ndarray]:
    """The new model's column and row statuses (HiGHS's `HighsBasisStatus` codes: 0 at
    lower, 1 basic, 2 at upper) from the old model's optimal ones; the pair columns
    matched by their ids when both models' are given (`column_keys`)."""
    lower, basic, upper = 0, 1, 2
    table: dict[str, int] = {}
    both = old_pairs is not None and new_pairs is not None
    old_cols = column_keys(old_names, old.num_vars, table, old_pairs if both else None)
    new_cols = column_keys(new_names, new.num_vars, table, new_pairs if both else None)
    found = _positions(old_cols, new_cols)
    cols = np.where(found >= 0, col_status[np.maximum(found, 0)], lower)
    matched = _positions(row_keys(old, old_cols), row_keys(new, new_cols))
    match = matched >= 0
    rows = np.where(match, row_status[np.maximum(matched, 0)], basic)
    # A column in no row is never basic (a rule's shortfall whose rows were freed).
    cols[(cols == basic) & (np.bincount(new.index, minlength=new.num_vars) == 0)] = lower
    # One basic status per row: drop the surplus from the columns the old model lacked
    # first, then the last ones; or make the slacks of unmatched rows basic first.
    surplus = int((cols == basic).sum() + (rows == basic).sum()) - len(rows)
    if surplus > 0:
        basics = np.flatnonzero(cols == basic)
        order = np.concatenate([basics[found[basics] < 0], basics[found[basics] >= 0][::-1]])
        cols[order[:surplus]] = lower
    elif surplus < 0:
        slack = np.flatnonzero(rows != basic)
        order = np.concatenate([slack[~match[slack]], slack[match[slack]]])
        rows[order[:-surplus]] = basic
    # A non-basic column or row sits at a finite bound.
    cols[(cols == lower) & ~np.isfinite(new.lower)] = upper
    cols[(cols == upper) & ~np.isfinite(new.upper)] = lower
    rows[(rows == lower) & ~np.isfinite(new.row_lower)] = upper
    rows[(rows == upper) & ~np.isfinite(new.row_upper)] = lower
    return cols.astype(np.int64), rows.astype(np.int64)


def _positions(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """For each key of `new`, a position of the same key in `old`, or -1."""
    if len(old) == 0:
        return np.full(len(new), -1, dtype=np.int64)
    order = np.argsort(old, kind="stable")
    pos = np.minimum(np.searchsorted(old[order], new), len(old) - 1)
    return np.where(old[order][pos] == new, order[pos], -1)
