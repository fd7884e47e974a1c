"""Independent blocks of the MIP: solve each city on its own, then check the few
rows that count one figure over everything.

Why: cities rarely exchange cadres, so once the rows that span all teams are set
aside (R-TC3, R-TC4, R-TC5 (b) and R-TC10's average age count one figure over every
team in scope), the constraint graph falls apart into one block per city or department
group. HiGHS's set-up and presolve grow faster than linearly with size, so many
small solves beat one large one, and `highspy` releases the GIL, so two blocks run
at once on two cores. Measured in docs/solver.md.

Exactness: dropping rows relaxes the MIP, so the sum of the blocks' bounds bounds
the whole. When the stitched roster also keeps every set-aside row, it is a roster
of the whole MIP within the same gap; when it does not, the caller solves the
whole MIP instead. Nothing is assumed about the data beyond what is checked.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from placement.solver.highs import HighsAnswer, MipArrays, Search, mip_arrays, rows_hold
from placement.solver.status import Status

# A row over more than this share of the columns counts one figure over everything:
# it is set aside when splitting (the catalogue's global figures; a team's rows span
# at most a few hundred of the 10⁴–10⁶ pair columns).
GLOBAL_ROW_SHARE = 0.05
# Splitting pays only when no block holds nearly all of the model (Linfen's one city is
# one block: it is solved whole). Two cities of a province differ in size: province2's
# larger one holds 51 % of the columns since issue 24's exchange pairs.
MAX_BLOCK_SHARE = 0.75
THREADS = 2  # the machine's cores (docs/solver.md: two blocks at once, not more)


@dataclass
class Split:
    global_rows: np.ndarray  # row indices set aside
    blocks: list[np.ndarray]  # column indices per block (sorted)
    rows: list[np.ndarray]  # per block, the rows it holds (all their columns in it)
    groups: list[list[int]]  # per block, the indices of `MipArrays.groups` inside it
    loose: np.ndarray  # columns in no kept row: set to their cheapest bound


def _entries(starts: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Positions in the CSR arrays of the entries of `rows`, row by row (numpy only:
    the province has 10⁵ rows, too many for a Python loop on every solve)."""
    lengths = starts[rows + 1] - starts[rows]
    first = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return np.repeat(starts[rows] - first, lengths) + np.arange(int(lengths.sum()))


def _components(n: int, starts: np.ndarray, index: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """A component label per column: columns sharing a kept row share a label
    (label propagation with pointer jumping, numpy only)."""
    label = np.arange(n)
    rows = rows[np.diff(starts)[rows] > 0]
    if not len(rows):
        return label
    lengths = np.diff(starts)[rows]
    entries = index[_entries(starts, rows)]
    first = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    while True:
        row_min = np.minimum.reduceat(label[entries], first)
        new = label.copy()
        np.minimum.at(new, entries, np.repeat(row_min, lengths))
        while True:  # pointer jumping: follow labels to their roots
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, label):
            return label
        label = new


def _placing(m: MipArrays) -> np.ndarray:
    """Bool per column: it places someone (it lies in an exactly-one group of
    `MipArrays.groups`); the other columns are figures (flags, shortfalls)."""
    placing = np.zeros(m.num_vars, dtype=bool)
    if m.groups:
        placing[np.concatenate(m.groups)] = True
    return placing


def _figure_rows(m: MipArrays, rows: np.ndarray) -> np.ndarray:
    """Bool per row of `rows`: no column of it places anyone (`_placing`), so it counts
    figures that other rows define per team, such as R-TC3's and R-TC5 (b)'s
    `Σ flag ≥ k`."""
    placing = _placing(m)
    lengths = np.diff(m.starts)[rows]
    hits = np.add.reduceat(placing[m.index[_entries(m.starts, rows)]].astype(np.int64),
                           np.concatenate([[0], np.cumsum(lengths)[:-1]]))
    return hits == 0


def _priced_rows(m: MipArrays, rows: np.ndarray) -> np.ndarray:
    """Bool per row of `rows`: it holds a column no other row holds, a target's shortfall
    (R-TC4's, R-TC11's, R-TC6's city total: one figure over roster lines of every team).
    Like the figure rows, such a row is set aside when it joins blocks (`split`)."""
    once = np.bincount(m.index, minlength=m.num_vars) == 1
    lengths = np.diff(m.starts)[rows]
    hits = np.add.reduceat(once[m.index[_entries(m.starts, rows)]].astype(np.int64),
                           np.concatenate([[0], np.cumsum(lengths)[:-1]]))
    return hits > 0


def split(m: MipArrays) -> Split | None:
    """The blocks of `m`, or None when splitting would not pay.

    Set aside: rows over more than `GLOBAL_ROW_SHARE` of the columns (one figure
    counted on roster lines, R-TC4, R-TC10 (b)), and rows over figure columns only
    (`_figure_rows`) or holding a shortfall of their own (`_priced_rows`) whose columns
    lie in different blocks without them (one figure counted over per-team flags, R-TC3,
    R-TC5 (b); or over the roster lines of every team, R-TC11, R-TC6's city total):
    narrow, yet they join every team."""
    n = m.num_vars
    lengths = np.diff(m.starts)
    wide = lengths > GLOBAL_ROW_SHARE * n
    if n < 1000:
        return None
    narrow = np.flatnonzero(~wide & (lengths > 0))
    figure = _figure_rows(m, narrow) | _priced_rows(m, narrow)
    label = _components(n, m.starts, m.index, narrow[~figure])  # blocks before figures
    spans = narrow[figure]
    # A column in no other row (a shortfall) joins nothing: it counts as its row's own.
    tied = np.zeros(n, dtype=bool)
    tied[m.index[_entries(m.starts, narrow[~figure])]] = True
    cols = m.index[_entries(m.starts, spans)]
    owner = np.repeat(np.arange(len(spans)), lengths[spans])
    entries = np.where(tied[cols], label[cols], -1)
    low = np.full(len(spans), n)
    np.minimum.at(low, owner, np.where(entries >= 0, entries, n))
    joins = (entries >= 0) & (entries != low[owner])
    joins = np.bincount(owner[joins], minlength=len(spans)) > 0
    wide[spans[joins]] = True
    kept = np.setdiff1d(narrow, spans[joins])
    label = _components(n, m.starts, m.index, kept)
    in_row = np.zeros(n, dtype=bool)
    in_row[m.index[_entries(m.starts, kept)]] = True
    roots, sizes = np.unique(label[in_row], return_counts=True)
    if not len(roots) or sizes.max() > MAX_BLOCK_SHARE * n:
        return None
    order = np.argsort(label[in_row], kind="stable")
    cols = np.flatnonzero(in_row)[order]
    blocks = np.split(cols, np.cumsum(sizes)[:-1])
    col_block = np.full(n, -1)
    for b, c in enumerate(blocks):
        col_block[c] = b
    # A kept row lies in one component, so its first column names its block.
    row_block = col_block[m.index[m.starts[kept]]]
    by_block = np.argsort(row_block, kind="stable")
    row_cuts = np.searchsorted(row_block[by_block], np.arange(1, len(blocks)))
    group_block = [int(col_block[g[0]]) for g in m.groups]
    groups: list[list[int]] = [[] for _ in blocks]
    for k, b in enumerate(group_block):
        groups[b].append(k)
    return Split(np.flatnonzero(wide), blocks, np.split(kept[by_block], row_cuts), groups,
                 np.flatnonzero(~in_row))


def block_model(m: MipArrays, parts: Split, b: int) -> MipArrays:
    """The sub-MIP of block `b`: its columns and the rows whose columns all lie in it."""
    cols, rows = parts.blocks[b], parts.rows[b]
    pos = _entries(m.starts, rows)
    return MipArrays(
        cost=m.cost[cols], lower=m.lower[cols], upper=m.upper[cols],
        starts=np.concatenate([[0], np.cumsum(np.diff(m.starts)[rows])]).astype(np.int32),
        index=np.searchsorted(cols, m.index[pos]).astype(np.int32), value=m.value[pos],
        row_lower=m.row_lower[rows], row_upper=m.row_upper[rows],
        offset=0.0, scale=m.scale,
        groups=tuple(np.searchsorted(cols, m.groups[k]) for k in parts.groups[b]),
    )


class BlockSearch:
    """Solves the blocks of a split two at a time; `stop()` stops every block."""

    def __init__(self, m: MipArrays, parts: Split, time_limit: float, gap: float,
                 search_for: Callable[[int, MipArrays], Search] | None = None):
        """`search_for(b, sub)`: the search of block `b`'s sub-MIP (default a new
        `Search`; `placement.solver.warm` hands back a kept one)."""
        self.m, self.parts, self.time_limit = m, parts, time_limit
        make = search_for or (lambda _, sub: Search(sub, time_limit, gap))
        self.searches = [make(b, block_model(m, parts, b)) for b in range(len(parts.blocks))]

    def stop(self) -> None:
        for s in self.searches:
            s.stop()

    def hint(self, values) -> None:
        for cols, s in zip(self.parts.blocks, self.searches, strict=True):
            if isinstance(values, dict):
                where = {int(c): k for k, c in enumerate(cols)}
                s.hint({where[v]: x for v, x in values.items() if v in where})
            else:
                s.hint(values[cols])

    def run(self) -> HighsAnswer | None:
        """The stitched answer, or None when a set-aside row does not hold (or a block
        has no roster): the caller then solves the whole MIP."""
        start = time.perf_counter()

        def run(search: Search) -> HighsAnswer:  # the time limit holds for all blocks
            search.limit(max(self.time_limit - (time.perf_counter() - start), 0.01))
            return search.run()

        with ThreadPoolExecutor(THREADS) as pool:
            answers = list(pool.map(run, self.searches))
        if any(a.status is Status.INFEASIBLE for a in answers):
            return HighsAnswer(Status.INFEASIBLE, None, None, None)
        if any(a.values is None for a in answers):
            return None
        m = self.m
        x = np.where(m.cost >= 0, m.lower, m.upper)  # loose columns at their cheapest
        x = np.where(np.isfinite(x), x, 0.0)
        for cols, a in zip(self.parts.blocks, answers, strict=True):
            x[cols] = a.values
        if not rows_hold(m, lift(m, self.parts.global_rows, x), self.parts.global_rows):
            return None
        s = m.scale
        loose_cost = float(m.cost[self.parts.loose] @ x[self.parts.loose])
        objective = sum(a.objective for a in answers) + s * (m.offset + loose_cost)
        bound = sum(a.bound for a in answers) + s * (m.offset + loose_cost)
        optimal = all(a.status is Status.OPTIMAL for a in answers)
        return HighsAnswer(Status.OPTIMAL if optimal else Status.FEASIBLE,
                           np.rint(x).astype(np.int64), objective, bound,
                           len(self.parts.blocks), all(a.proven for a in answers))


def lift(m: MipArrays, rows: np.ndarray, x: np.ndarray) -> np.ndarray:
    """`x` with the free figure columns (`_placing` false, cost 0) of broken set-aside
    rows moved to help them.

    Why: a block does not see the set-aside row, so a column that costs nothing and
    counts only there (R-TC5 (b)'s flag "this team has two women") is left at 0 even
    where its team's rows allow 1. Moving it changes no cost and keeps every row it is
    in, so the stitched roster and its objective are unchanged; per flag, not per pair."""
    on = m.index[_entries(m.starts, np.arange(len(m.starts) - 1))]
    row_of = m.entry_rows
    on[np.isin(row_of, rows)] = -1  # the set-aside rows are checked after, together
    free = ~_placing(m) & (m.cost == 0)
    for r in rows:
        if rows_hold(m, x, np.array([r])):
            continue
        lo, hi = m.starts[r], m.starts[r + 1]
        below = float(m.value[lo:hi] @ x[m.index[lo:hi]]) < m.row_lower[r]
        cols, coef = m.index[lo:hi], m.value[lo:hi]
        for c, a in zip(cols[free[cols]], coef[free[cols]], strict=True):
            to = m.upper[c] if (a > 0) == below else m.lower[c]
            if not np.isfinite(to) or to == x[c]:
                continue
            was, x[c] = x[c], to
            if not rows_hold(m, x, row_of[on == c]):
                x[c] = was
    return x


def solve_highs(proto, time_limit: float, gap: float = 0.0, on_start=None,
                hint: np.ndarray | dict[int, int] | None = None, show=None) -> HighsAnswer:
    """Solve the proto's model with HiGHS: block by block when it splits into
    independent blocks whose stitched roster keeps the set-aside rows
    (`placement.solver.blocks`), else whole. `on_start(search)` lets the caller keep the search
    to stop it (Ctrl-C, cancel); `hint`, a starting roster over the model variables."""
    started = time.perf_counter()
    m = mip_arrays(proto)
    parts = split(m)
    if parts is not None:
        blocks = BlockSearch(m, parts, time_limit, gap)
        if hint is not None:
            blocks.hint(hint)
        if on_start is not None:
            on_start(blocks)
        answer = blocks.run()
        if answer is not None or any(s.stopped for s in blocks.searches):
            return answer or HighsAnswer(Status.UNKNOWN, None, None, None)
        time_limit = max(time_limit - (time.perf_counter() - started), 0.01)
    search = Search(m, time_limit, gap)
    if hint is not None:
        search.hint(hint)
    if on_start is not None:
        on_start(search)
    return search.run(show)
