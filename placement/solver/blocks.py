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
of the whole MIP within the same gap. When it breaks one set-aside row that has a
priced shortfall of its own (a target counted over every team: R-TC6's city total),
the blocks are solved again with that row's columns priced (Lagrangian passes,
`BlockSearch._priced`) until a roster of the whole meets their bound; else the caller
solves the whole MIP instead. Nothing is assumed about the data beyond what is checked.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from placement.solver.highs import (
    BLOCK_LP,
    HighsAnswer,
    MipArrays,
    RowSet,
    Search,
    holding,
    mip_arrays,
    row_entries,
    same_arrays,
)
from placement.solver.status import Status

# A row over more than this share of the columns counts one figure over everything:
# it is set aside when splitting (the catalogue's global figures; a team's rows span
# at most a few hundred of the 10⁴–10⁶ pair columns).
GLOBAL_ROW_SHARE = 0.05
# Splitting pays only when no block holds nearly all of the model (Linfen's one city is
# one block: it is solved whole). Two cities of a province differ in size: province2's
# larger one holds 51 % of the columns since issue 24's exchange pairs.
MAX_BLOCK_SHARE = 0.75
# Components smaller than this are solved together, as one block. Why: the province
# has 123 one-column components (R-TC6's shortfall in a flagged team no non-Party cadre
# may join), each a HiGHS set-up of its own (and a kept instance that pushed a city's
# out of `placement.solver.warm`'s 16) in every solve and Lagrangian pass.
SMALL_BLOCK = 1000
THREADS = 2  # the machine's cores (docs/solver.md: two blocks at once, not more)


@dataclass
class Split:
    global_rows: np.ndarray  # row indices set aside
    blocks: list[np.ndarray]  # column indices per block (sorted)
    rows: list[np.ndarray]  # per block, the rows it holds (all their columns in it)
    groups: list[list[int]]  # per block, the indices of `MipArrays.groups` inside it
    loose: np.ndarray  # columns in no kept row: set to their cheapest bound
    # per block, what `block_model` reads from the structure alone, made once: a warm
    # session splits a model of the same structure once (`placement.solver.warm`), and
    # mapping a city's 3,000 post groups took most of its sub-MIP's making
    layout: dict = field(default_factory=dict, repr=False, compare=False)


def _components(n: int, starts: np.ndarray, index: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """A component label per column: columns sharing a kept row share a label, the
    smallest column of their component (a column in no row: its own).

    The components of the graph of columns and rows joined by the rows' entries, by
    scipy's connected components (C); a label propagation in numpy took 0.3-0.8 s at
    scale60 (3.7M entries)."""
    rows = rows[np.diff(starts)[rows] > 0]
    if not len(rows):
        return np.arange(n)
    lengths = np.diff(starts)[rows]
    entries = index[row_entries(starts, rows)].astype(np.int64)
    row_node = n + np.repeat(np.arange(len(rows)), lengths)
    size = n + len(rows)
    graph = coo_matrix((np.ones(len(entries), dtype=np.int8), (entries, row_node)),
                       shape=(size, size)).tocsr()
    _, comp = connected_components(graph, directed=False)
    comp = comp[:n]
    smallest = np.full(comp.max() + 1, n, dtype=np.int64)
    np.minimum.at(smallest, comp, np.arange(n))
    return smallest[comp]


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
    hits = np.add.reduceat(placing[m.index[row_entries(m.starts, rows)]].astype(np.int64),
                           np.concatenate([[0], np.cumsum(lengths)[:-1]]))
    return hits == 0


def _priced_rows(m: MipArrays, rows: np.ndarray) -> np.ndarray:
    """Bool per row of `rows`: it holds a column no other row holds, a target's shortfall
    (R-TC4's, R-TC11's, R-TC6's city total: one figure over roster lines of every team).
    Like the figure rows, such a row is set aside when it joins blocks (`split`)."""
    once = np.bincount(m.index, minlength=m.num_vars) == 1
    lengths = np.diff(m.starts)[rows]
    hits = np.add.reduceat(once[m.index[row_entries(m.starts, rows)]].astype(np.int64),
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
    tied[m.index[row_entries(m.starts, narrow[~figure])]] = True
    cols = m.index[row_entries(m.starts, spans)]
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
    in_row[m.index[row_entries(m.starts, kept)]] = True
    roots, sizes = np.unique(label[in_row], return_counts=True)
    if not len(roots) or sizes.max() > MAX_BLOCK_SHARE * n:
        return None
    order = np.argsort(label[in_row], kind="stable")
    cols = np.flatnonzero(in_row)[order]
    blocks = np.split(cols, np.cumsum(sizes)[:-1])
    small = [c for c in blocks if len(c) < SMALL_BLOCK]
    if len(small) > 1:  # one block of the small ones: still independent of the rest
        blocks = [c for c in blocks if len(c) >= SMALL_BLOCK] + [np.sort(np.concatenate(small))]
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
    if b not in parts.layout:
        pos = row_entries(m.starts, rows)
        parts.layout[b] = (
            pos, np.concatenate([[0], np.cumsum(np.diff(m.starts)[rows])]).astype(np.int32),
            np.searchsorted(cols, m.index[pos]).astype(np.int32),
            tuple(np.searchsorted(cols, m.groups[k]) for k in parts.groups[b]))
    pos, starts, index, groups = parts.layout[b]
    return MipArrays(
        cost=m.cost[cols], lower=m.lower[cols], upper=m.upper[cols],
        starts=starts, index=index, value=m.value[pos],
        row_lower=m.row_lower[rows], row_upper=m.row_upper[rows],
        offset=0.0, scale=m.scale, groups=groups,
    )


class BlockSearch:
    """Solves the blocks of a split two at a time; `stop()` stops every block."""

    def __init__(self, m: MipArrays, parts: Split, time_limit: float, gap: float,
                 search_for: Callable[[int, MipArrays], Search] | None = None,
                 start_price: float | None = None, history: dict | None = None):
        """`search_for(b, sub, keep=True)`: the search of block `b`'s sub-MIP (default a
        new `Search`; `placement.solver.warm` hands back a kept one, and keeps its answer
        unless `keep` is False: a Lagrangian pass's priced block, `_priced`).
        `start_price`: (a priced row's `key`, price, the passes' (price, shortfall)
        pairs) where a warm session's last Lagrangian passes proved a roster (`price`);
        when the model has that row, the first pass prices it there, and the second
        where those passes' shortfalls, moved by the first pass's, point
        (`_predicted`). `history`: a warm session's record of each block's priced
        answers in its last passes, by block (`_carried`), read and brought up to date."""
        self.m, self.parts, self.time_limit, self.gap = m, parts, time_limit, gap
        self._history = history
        self._slopes: np.ndarray | None = None  # `_slope`'s
        self._seen_by_block: dict | None = None  # `_seen`'s
        self._cold = search_for is None
        self._make = search_for or (lambda _, sub, keep=True: Search(
            sub, time_limit, gap, lp_interrupt=False, lp_options=BLOCK_LP))
        self.subs = [block_model(m, parts, b) for b in range(len(parts.blocks))]
        self._rows = _shortfall_rows(m, parts)
        self.row: PricedRow | None = None  # the row the passes price (`_priced`)
        self._y0, self._table = 0.0, ()
        for row in self._rows:
            if start_price is not None and row.key == start_price[0] \
                    and 0 < start_price[1] <= row.top:
                self.row, self._y0 = row, float(start_price[1])
                self._table = start_price[2] if len(start_price) > 2 else ()
        touched = self.row.touched if self._y0 > 0 else ()
        self.searches = [(self._first(b) if b in touched else self._make(b, sub))
                         for b, sub in enumerate(self.subs)]
        self.stopped = False
        self._lift: Lift | None = None  # `_lifted`'s
        # The best roster of the whole model met when the blocks' roster breaks a priced
        # set-aside row (`_priced`), for the whole search to start from.
        self.incumbent: np.ndarray | None = None
        # (its row's `key`, price, the passes' (price, shortfall)) where `_priced` proved
        self.price: tuple | None = None

    def _cost(self, y: float) -> np.ndarray:
        """The columns' costs with the priced row's priced at y (`_priced`)."""
        if y == 0:
            return self.m.cost
        cost = self.m.cost.copy()
        cost[self.row.cols] -= self.row.sign * y * self.row.coef
        return cost

    def _lifted(self, x: np.ndarray) -> np.ndarray:
        """`lift` on the set-aside rows, its reading of them made once."""
        if self._lift is None:
            self._lift = Lift(self.m, self.parts.global_rows)
        return self._lift(x)

    def _sub(self, b: int, y: float, cost: np.ndarray | None = None) -> MipArrays:
        """Block `b`'s sub-MIP with the row priced at y (`cost`: `_cost(y)`, if made)."""
        if y == 0:
            return self.subs[b]
        cost = self._cost(y) if cost is None else cost
        return replace(self.subs[b], cost=cost[self.parts.blocks[b]])

    def stop(self) -> None:
        self.stopped = True
        for s in self.searches:
            s.stop()

    def hint(self, values) -> None:
        for cols, s in zip(self.parts.blocks, self.searches, strict=True):
            if isinstance(values, dict):
                where = {int(c): k for k, c in enumerate(cols)}
                s.hint({where[v]: x for v, x in values.items() if v in where})
            else:
                s.hint(values[cols])

    def _solved(self, blocks: list[int], start: float) -> list[HighsAnswer]:
        """The answers of `self.searches[b]` for `blocks`, two at a time, the longest last
        time first (each search's `seconds`); the time limit holds for all passes
        together. Why that order: a city whose LP is fractional took 0.1-0.3 s of a
        province pass where the others took 5-30 ms each; started last, it alone set the
        pass's end."""
        def run(search: Search) -> HighsAnswer:
            search.limit(max(self.time_limit - (time.perf_counter() - start), 0.01))
            began = time.perf_counter()
            answer = search.run()
            search.seconds = time.perf_counter() - began
            return answer

        # The longest last time first, then the largest (a first pass has no times),
        # so that the two threads end together (each answer is its block's own: the
        # order changes no answer).
        order = sorted(blocks, key=lambda b: (-self.searches[b].seconds,
                                              -len(self.parts.blocks[b])))
        with ThreadPoolExecutor(THREADS) as pool:
            done = dict(zip(order, pool.map(run, [self.searches[b] for b in order]),
                            strict=True))
        return [done[b] for b in blocks]

    def run(self) -> HighsAnswer | None:
        """The stitched answer, or None when a set-aside row does not hold (or a block
        has no roster) and the Lagrangian passes on a priced one (`_priced`) prove no
        roster: the caller then solves the whole MIP."""
        start = time.perf_counter()
        answers = self._solved(list(range(len(self.searches))), start)
        if any(a.status is Status.INFEASIBLE for a in answers):
            return HighsAnswer(Status.INFEASIBLE, None, None, None)
        if any(a.values is None for a in answers):
            return None
        if self._y0 > 0:  # the first pass priced the row already
            return self._priced(answers, start)
        m = self.m
        x = _cheapest(m.cost, m)
        for cols, a in zip(self.parts.blocks, answers, strict=True):
            x[cols] = a.values
        rows = self.parts.global_rows
        if not holding(m, self._lifted(x), rows).all():
            broken = rows[~holding(m, x, rows)].tolist()
            self.row = next((row for row in self._rows if [row.r] == broken), None)
            return None if self.row is None else self._priced(answers, start)
        s = m.scale
        loose_cost = float(m.cost[self.parts.loose] @ x[self.parts.loose])
        objective = sum(a.objective for a in answers) + s * (m.offset + loose_cost)
        bound = sum(a.bound for a in answers) + s * (m.offset + loose_cost)
        optimal = all(a.status is Status.OPTIMAL for a in answers)
        return HighsAnswer(Status.OPTIMAL if optimal else Status.FEASIBLE,
                           np.rint(x).astype(np.int64), objective, bound,
                           len(self.parts.blocks), all(a.proven for a in answers))

    def _priced(self, answers: list[HighsAnswer], start: float) -> HighsAnswer | None:
        """The whole MIP's optimum when the blocks' roster breaks one set-aside row only
        and that row has a shortfall of its own (R-TC6's city total: `Σ a·x + s ≥ b`, s
        priced at w, in no other row), found by Lagrangian passes: the blocks solved
        again with the row's columns priced at y (cost − y·a), for y in [0, w].

        Exact: for any such y, the sum of the blocks' bounds plus y·b bounds every
        roster of the whole (the row relaxed at a price the shortfall makes no cheaper;
        the other set-aside rows dropped), and a roster of the whole is taken only when
        its objective, computed from the model's own arrays with the shortfall the row
        needs and every set-aside row checked, meets the best such bound (rounded up
        where every cost is an integer). The price y is the maximum of that bound (a
        concave function of y), found from the passes' rosters, each a line in y
        (`_next_price`: 1, 2, 4, … until the blocks reach the row, then the cutting-plane
        method); at each pass, blocks whose rosters on either side of b differ are
        mixed to reach b exactly. None otherwise (after `PASSES`).

        Why: the blocks' roster left the province's R-TC6 total 54 short (318 of 372:
        no block sees the row), and the whole MIP was searched (LP 4.2 s, a restricted
        MIP of 35k columns 3.3 s; scale60 159 s); docs/solver.md."""
        m, parts, row = self.m, self.parts, self.row
        r, own, sign, top, cols, coef, rhs, touched = row
        whole = all(float(v).is_integer() for v in (*np.unique(m.cost), m.offset))
        lines: list[tuple[float, float, dict]] = []  # (value at y = 0, slope, block rosters)
        best_bound, best, y, tried, prices = -np.inf, None, self._y0, set(), []
        current = {b: answers[b] for b in touched}
        slope = self._slope()
        seen = self._seen()
        for k in range(PASSES):
            tried.add(y)
            cost = self._cost(y)
            if k > 0:
                current = {b: self._between(b, y, seen[b], slope) for b in touched}
                ask = [b for b in touched if current[b] is None]
                for b in ask:
                    sub = self._sub(b, y, cost)
                    s = self.searches[b]
                    if not (self._cold and s.retarget(sub)):
                        self.searches[b] = s = self._make(b, sub, False)
                    if self.stopped:
                        s.stop()
                current.update(zip(ask, self._solved(ask, start), strict=True))
                if any(a.values is None for a in current.values()) or self.stopped:
                    return None
            for b in touched:
                seen[b].append((y, current[b]))
            x = _cheapest(cost, m)
            for b, a in enumerate(answers):
                x[parts.blocks[b]] = current[b].values if b in current else a.values
            bound = m.scale * sum(current[b].bound if b in current else a.bound
                                  for b, a in enumerate(answers))
            bound += float(cost[parts.loose] @ x[parts.loose]) + sign * y * rhs + m.offset
            best_bound = max(best_bound, np.ceil(bound - 1e-6) if whole else bound)
            act = float(coef @ x[cols]) - float(coef[cols == own][0] * x[own])
            base = float(m.cost @ x) - float(m.cost[own] * x[own]) + m.offset
            lines.append((base, sign * (rhs - act), {b: x[parts.blocks[b]] for b in touched}))
            prices.append(y)
            for roster in self._mixed(lines, x, cols, coef, own, rhs, sign, touched):
                value = self._filled(roster, r, own, cols, coef, rhs, sign, top)
                if value is not None and (best is None or value[0] < best[0]):
                    best = value
            if best is not None and best[0] <= best_bound + 1e-6 * max(1.0, abs(best[0])):
                self.incumbent = best[1]
                self.price = (row.key, y, tuple((p, ln[1]) for p, ln in
                                                zip(prices, lines, strict=True)))
                self._record(seen, slope)
                objective = m.scale * best[0]
                return HighsAnswer(Status.OPTIMAL, np.rint(best[1]).astype(np.int64),
                                   objective, objective, len(parts.blocks), True)
            y = _next_price(lines, top, tried, prices)
            slopes = [ln[1] for ln in lines]
            if self._table and slopes[-1] != 0 and (min(slopes) > 0 or max(slopes) < 0):
                # No pass on the row's other side yet: where the last passes' shortfalls,
                # moved by this pass's, reach the row (while that moves the figure; else
                # a quarter further); after the first pass, failing that, the last price
                # again: its roster on the other side.
                if k == 0 or slopes[-1] != slopes[-2]:
                    y = _predicted(self._table, prices[-1], slopes[-1], top, tried) or \
                        (self._y0 if k == 0 else y)
                else:
                    y = min(top, prices[-1] * (1.25 if slopes[-1] > 0 else 0.8))
            if y in tried:  # the bound's maximum: the rosters just either side of it
                y = next((p for p in (y + _nudge(y, lines[-1][1]), y - _nudge(y, lines[-1][1]))
                          if 0 <= p <= top and p not in tried), None)
            if y is None or time.perf_counter() - start > self.time_limit:
                break
        self.incumbent = None if best is None else best[1]
        self._record(seen, slope)
        return None

    def _first(self, b: int):
        """Block `b`'s search at the first pass's price: its answer there when a warm
        session's last passes found or bound it (`_carried`, `_between`), not searched
        (its kept instance left where it is); else the search."""
        known = self._between(b, self._y0, self._seen()[b], self._slope())
        return _Answered(known) if known is not None else \
            self._make(b, self._sub(b, self._y0), False)

    def _slope(self) -> np.ndarray:
        """How a unit of the priced row's price lowers each column's cost (`_cost`)."""
        if self._slopes is None:
            self._slopes = np.zeros(self.m.num_vars)
            self._slopes[self.row.cols] = self.row.sign * self.row.coef
        return self._slopes

    def _seen(self) -> dict[int, list[tuple[float, HighsAnswer]]]:
        """The priced row's blocks' (price, answer) pairs so far, by block: at first
        those a warm session's last passes carry (`_carried`)."""
        if self._seen_by_block is None:
            self._seen_by_block = {b: self._carried(b, self._slope()) for b in self.row.touched}
        return self._seen_by_block

    def _carried(self, b: int, slope: np.ndarray) -> list[tuple[float, HighsAnswer]]:
        """Block `b`'s (price, answer) pairs from a warm session's last passes
        (`history`), when its sub-MIP and its columns' slope are the ones they were
        found on (the what-if left the city as it was: a lock in another city); else
        none. Exact: each is an answer of this very priced MIP, so `_between` may read
        it as one of this search's (a lock's later passes searched every city again,
        though the lock changed one)."""
        kept = None if self._history is None else self._history.get(b)
        cols = self.parts.blocks[b]
        if kept is None or kept[0] is not cols or not np.array_equal(kept[2], slope[cols]) \
                or not same_arrays(kept[1], self.subs[b]):
            return []
        return list(kept[3])

    def _record(self, seen: dict[int, list[tuple[float, HighsAnswer]]],
                slope: np.ndarray) -> None:
        """Keep each block's proven answers by price in `history` (`_carried`), the
        last `HISTORY` of them."""
        if self._history is None:
            return
        for b, pairs in seen.items():
            cols = self.parts.blocks[b]
            proven = [(y, a) for y, a in pairs if a.status is Status.OPTIMAL and a.proven
                      and a.values is not None]
            self._history[b] = (cols, self.subs[b], slope[cols], proven[-HISTORY:])

    def _between(self, b: int, y: float, seen: list[tuple[float, HighsAnswer]],
                 slope: np.ndarray) -> HighsAnswer | None:
        """Block `b`'s optimum at price y without a search, when its passes at the
        nearest prices below and above y (`seen`) share an optimal roster; else None.
        `slope`: how a unit of price lowers each column's cost (`_cost`).

        Exact: a block's optimum is a concave function of the price (the least of its
        rosters' values, each a line in y), so between two prices it is at least the
        chord of their proven bounds; a roster optimal at both ends lies on that chord,
        so it is optimal all along it. Why: most cities keep their roster from one pass
        to the next (the row moves by a few cadres), and the cutting-plane prices fall
        between earlier ones; a city's LP warm started still took 5-80 ms, and the
        cities whose LP is fractional (fixed rounding, reduced costs) 0.1-0.3 s, every
        pass."""
        at = next((a for p, a in seen if p == y and a.status is Status.OPTIMAL and a.proven
                   and a.values is not None), None)
        if at is not None:  # found at this very price (a warm session's last passes)
            return at
        below = max((p for p in seen if p[0] < y), key=lambda p: p[0], default=None)
        above = min((p for p in seen if p[0] > y), key=lambda p: p[0], default=None)
        if below is None or above is None:
            return None
        (y1, a1), (y2, a2) = below, above
        if not all(a.status is Status.OPTIMAL and a.proven and a.values is not None
                   for a in (a1, a2)):
            return None
        cols = self.parts.blocks[b]
        base, slope = self.m.cost[cols], slope[cols]
        s = self.m.scale  # answers are in the proto's sense; here all is minimised
        v1, v2 = a1.bound / s, a2.bound / s
        for a in (a1, a2):
            x = a.values.astype(float)
            c, g = float(base @ x), float(slope @ x)
            if all(c - yy * g <= v + 1e-6 * max(1.0, abs(v)) for yy, v in ((y1, v1), (y2, v2))):
                value = c - y * g
                chord = v1 + (y - y1) / (y2 - y1) * (v2 - v1)
                return HighsAnswer(Status.OPTIMAL, a.values, s * value, s * min(chord, value),
                                   proven=True)
        return None

    def _mixed(self, lines, x, cols, coef, own, rhs, sign, touched) -> list[np.ndarray]:
        """`x` itself, and, when the passes hold rosters on both sides of the row's `rhs`,
        the last one's with the blocks of the nearest roster on the other side switched in
        where that reaches `rhs` exactly (a subset of blocks by their counts)."""
        out = [x]
        here = lines[-1]
        side = np.sign(here[1])
        others = [ln for ln in lines[:-1] if np.sign(ln[1]) == -side and side != 0]
        if not others:
            return out
        there = min(others, key=lambda ln: abs(ln[1]))
        mine = cols != own
        block = _block_of(self.parts, self.m.num_vars)[cols[mine]]

        def counts(rosters: dict) -> np.ndarray:  # the row's activity in each block
            values = np.zeros(self.m.num_vars)
            for b in touched:
                values[self.parts.blocks[b]] = rosters[b]
            return np.bincount(block[block >= 0], weights=(coef[mine] * values[cols[mine]])
                               [block >= 0], minlength=len(self.parts.blocks))

        moved = counts(there[2]) - counts(here[2])
        diff = {b: float(moved[b]) for b in touched}
        need = sign * (here[1])  # what the row lacks (> 0) or has too much (< 0), signed
        reach = {0.0: ()}
        for b, d in diff.items():
            if d == 0:
                continue
            for total, chosen in list(reach.items()):
                reach.setdefault(total + d, (*chosen, b))
        chosen = reach.get(float(need))
        if chosen is None:
            return out
        mixed = x.copy()
        for b in chosen:
            mixed[self.parts.blocks[b]] = there[2][b]
        return [*out, mixed]

    def _filled(self, x, r, own, cols, coef, rhs, sign, top):
        """(objective, roster) of `x` with the row's shortfall set to what it needs and the
        figure columns lifted, or None when a set-aside row breaks."""
        m = self.m
        x = x.copy()
        a = float(coef[cols == own][0])
        act = float(coef @ x[cols]) - a * x[own]
        need = max(0.0, np.ceil(round(sign * (rhs - act) / (sign * a), 9)))
        if need > m.upper[own]:
            return None
        x[own] = need
        x = self._lifted(x)
        if not holding(m, x, self.parts.global_rows).all():
            return None
        return float(m.cost @ x + m.offset), x


class _Answered:
    """A block's answer known without a search (`BlockSearch._first`), run as a search."""

    def __init__(self, answer: HighsAnswer):
        self.answer, self.seconds, self.stopped = answer, 0.0, False

    def run(self) -> HighsAnswer:
        return self.answer

    def limit(self, *_) -> None:
        pass

    def hint(self, _) -> None:
        pass

    def stop(self) -> None:
        self.stopped = True

    def retarget(self, _) -> bool:
        return False


PASSES = 12  # Lagrangian passes over the blocks at most (`BlockSearch._priced`)
HISTORY = 24  # priced answers a block keeps for a warm session's next passes (`_carried`)


def _cheapest(cost: np.ndarray, m: MipArrays) -> np.ndarray:
    """Every column at its cheapest bound (a finite one): the loose columns' values."""
    x = np.where(cost >= 0, m.lower, m.upper)
    return np.where(np.isfinite(x), x, 0.0)


def _block_of(parts: Split, n: int) -> np.ndarray:
    """The block of each column (-1: loose)."""
    out = np.full(n, -1)
    for b, cols in enumerate(parts.blocks):
        out[cols] = b
    return out


class PricedRow(NamedTuple):
    r: int  # the row
    own: int  # its shortfall column
    sign: int  # +1: `≥ rhs`, -1: `≤ rhs`
    top: float  # the highest price (the shortfall's cost per unit of the row)
    cols: np.ndarray  # the row's columns and coefficients
    coef: np.ndarray
    rhs: float
    touched: tuple[int, ...]  # the blocks holding its columns

    @property
    def key(self) -> tuple:
        """The row told apart from the model's other priced rows across what-ifs (its
        index moves when a rule before it changes)."""
        return len(self.cols), self.rhs, self.top


def _nudge(y: float, slope: float) -> float:
    """A step from price y small enough to cross no other price where rosters tie (they
    differ by whole units of cost and of the row), signed towards the row's other side."""
    return (1e-4 * max(1.0, y)) * (1 if slope > 0 else -1)


def _shortfall_rows(m: MipArrays, parts: Split) -> list[PricedRow]:
    """The set-aside rows with a priced shortfall of their own (`_priced_row`)."""
    out = []
    block = _block_of(parts, m.num_vars)
    # read once for every row (a count over the province's 10⁵ entries per set-aside row
    # was most of a what-if's making of its blocks)
    alone = (np.bincount(m.index, minlength=m.num_vars) == 1) & (block < 0)
    for r in parts.global_rows:
        row = _priced_row(m, alone, r)
        if row is None:
            continue
        r, own, sign, top = row
        lo, hi = m.starts[r], m.starts[r + 1]
        cols, coef = m.index[lo:hi], m.value[lo:hi]
        touched = tuple(np.unique(block[cols][block[cols] >= 0]).tolist())
        out.append(PricedRow(r, own, sign, top, cols, coef,
                             float(m.row_lower[r] if sign > 0 else m.row_upper[r]), touched))
    return out


def _priced_row(m: MipArrays, alone: np.ndarray, r: int) -> tuple | None:
    """(r, its own column, +1 for `≥` or -1 for `≤`, the most y) when set-aside row `r`
    is one-sided and holds a loose column in no other row (`alone`, per column), priced
    in the minimised objective and loosening the row as it grows (a target's shortfall);
    else None."""
    lo, hi = m.starts[r], m.starts[r + 1]
    cols, coef = m.index[lo:hi], m.value[lo:hi]
    if np.isfinite(m.row_lower[r]) == np.isfinite(m.row_upper[r]):
        return None
    sign = 1 if np.isfinite(m.row_lower[r]) else -1
    own = np.flatnonzero(alone[cols] & (sign * coef > 0) & (m.cost[cols] > 0))
    if len(own) != 1:
        return None
    j = int(cols[own[0]])
    if m.lower[j] != 0:
        return None
    return r, j, sign, float(m.cost[j] / (sign * coef[own[0]]))


def _predicted(table: tuple, y0: float, short: float, top: float,
               tried: set[float]) -> float | None:
    """Where the shortfalls of the last passes (`table`: (price, shortfall) pairs, in
    order of price), moved by what the first pass at `y0` found (`short` where the
    table reads another figure), cross 0: of the two passes' prices they cross between,
    the one on the row's other side from `short`. None when they never cross within
    [0, top], or at a price tried.

    Why: a what-if moves the row's shortfall by about the same few cadres at every price
    (R-TC5 min_women=3 on the province: 7 over at the proposal's price 3.74), so the
    last passes' curve, moved, points near the new price (there 2.3-3.0) where halving
    (1.87) and the pass just past the old price cost two passes more. The shortfall is a
    step in the price (rosters change at a few prices), and the last proof's passes
    bracket its step: the price where the line joining them crosses (3.11) still fell on
    `short`'s side in three of the province's five what-ifs, each then a third pass,
    where the bracket's other price crossed, and proved, in all five (docs/solver.md)."""
    if len(table) < 2:
        return None
    price, shortfall = (np.array(v, dtype=float) for v in zip(*sorted(table), strict=True))
    want = float(np.interp(y0, price, shortfall)) - short  # the old curve's figure at the new 0
    for k in range(len(price) - 1):
        (a, b), (fa, fb) = price[k:k + 2], shortfall[k:k + 2] - want
        if fa == fb or (fa > 0) == (fb > 0) and fb != 0:
            continue
        y = float(a if (fa > 0) != (short > 0) else b)
        return y if 0 <= y <= top and y not in tried else None
    return None


def _next_price(lines: list[tuple], top: float, tried: set[float],
                prices: list[float] | None = None) -> float:
    """The price in [0, top] at which the lowest of the passes' lines (each roster's
    Lagrangian value as a function of the price) is highest; a price `tried` already is
    the bound's maximum, reached. While no pass reaches the row: 1, 2, 4, …, or where the
    last two passes' shortfalls (`prices`: each line's price) point, if further; while
    every pass overshoots it (a warm start above the price): half the lowest, then 0."""
    def low(y):
        return min(base + slope * y for base, slope, _ in lines)

    ups = [ln for ln in lines if ln[1] > 0]
    downs = [ln for ln in lines if ln[1] < 0]
    if not downs:  # an integer objective's step first: the province's price is 3 of 500
        step = 2 * max(tried)
        if prices is not None and len(ups) >= 2:
            (y1, s1), (y2, s2) = sorted(zip(prices, (ln[1] for ln in lines),
                                            strict=True))[-2:]
            if y2 > y1 and s1 > s2 > 0:  # the row's shortfall falls as the price rises
                step = max(step, y2 + s2 * (y2 - y1) / (s1 - s2))
        points = [min(top, max(1.0, step))]
    elif not ups:
        lowest = min(tried)
        points = [lowest / 2 if lowest > 1 else 0.0]
    else:
        points = [min(max((d[0] - u[0]) / (u[1] - d[1]), 0.0), top)
                  for u in ups for d in downs]
    return max(points, key=low)


def lift(m: MipArrays, rows: np.ndarray, x: np.ndarray) -> np.ndarray:
    """`x` with the free figure columns of broken set-aside rows moved to help them
    (`Lift`)."""
    return Lift(m, rows)(x)


class Lift:
    """Moves the free figure columns (`_placing` false, cost 0) of broken set-aside rows
    of `m` to help them.

    Why: a block does not see the set-aside row, so a column that costs nothing and
    counts only there (R-TC5 (b)'s flag "this team has two women") is left at 0 even
    where its team's rows allow 1. Moving it changes no cost and keeps every row it is
    in, so the stitched roster and its objective are unchanged; per flag, not per pair.
    The columns and their other rows are read once, at the first roster that needs them:
    the Lagrangian passes lift two rosters a pass (`BlockSearch._filled`), and reading
    them took 0.26 s a call at scale60."""

    def __init__(self, m: MipArrays, rows: np.ndarray):
        self.m, self.rows = m, np.asarray(rows, dtype=np.int64)
        self._aside = RowSet(m, self.rows)
        self._moves: tuple | None = None  # `_read`'s

    def _read(self) -> tuple:
        """The free columns; the movable ones (free, in a set-aside row), sorted, and for
        each the rows it is in and its coefficient there (summed, should it appear twice
        in a row) as flat arrays cut by `cuts`; and the other rows whose activity a move
        needs (those of the movable columns; the set-aside ones are summed first); all
        from one scan of the entries (a scan per column took 0.17 s a call at province
        size)."""
        if self._moves is None:
            m = self.m
            free = ~_placing(m) & (m.cost == 0)
            cols = m.index[row_entries(m.starts, self.rows)]
            movable = np.unique(cols[free[cols]])
            at = np.flatnonzero(np.isin(m.index, movable))
            nrows = len(m.row_lower)
            pairs, inverse = np.unique(m.index[at].astype(np.int64) * nrows + m.entry_rows[at],
                                       return_inverse=True)
            coef = np.bincount(inverse, weights=m.value[at], minlength=len(pairs))
            col, row = np.divmod(pairs, nrows)
            cuts = np.searchsorted(col, np.append(movable, m.num_vars))
            self._moves = (free, movable, cuts, row, coef,
                           RowSet(m, np.setdiff1d(row, self.rows)))
        return self._moves

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """`x`, moved in place where a broken row gains: the broken rows in turn, each
        one's free columns in turn, each moved to the bound that helps its row where
        every other row it is in (not a set-aside one) still holds after the move.

        Row activities are kept up to date move by move (integer values and
        coefficients: exact), not summed again per column; the columns of a row are
        moved at once when no two share a row other than set-aside ones (then no move
        changes what another's check reads: the same as one by one), else one by one."""
        m = self.m
        act = np.zeros(len(m.row_lower))
        act[self.rows] = self._aside.activity(x)
        low, high = m.row_lower - 1e-6, m.row_upper + 1e-6

        def holds(r) -> bool:
            return bool(low[r] <= act[r] <= high[r])

        broken = [r for r in self.rows.tolist() if not holds(r)]
        if not broken:
            return x
        free, movable, cuts, row, coef, needed = self._read()
        act[needed.rows] = needed.activity(x)
        aside = np.zeros(len(m.row_lower), dtype=bool)
        aside[self.rows] = True
        for r in broken:
            if holds(r):
                continue
            lo, hi = m.starts[r], m.starts[r + 1]
            below = act[r] < m.row_lower[r]
            cols, a = m.index[lo:hi], m.value[lo:hi]
            cols, a = cols[free[cols]], a[free[cols]]
            to = np.where((a > 0) == below, m.upper[cols], m.lower[cols])
            keep = np.isfinite(to) & (to != x[cols])
            cols, to = cols[keep], to[keep]
            k = np.searchsorted(movable, cols)
            lengths = cuts[k + 1] - cuts[k]
            at = row_entries(cuts, k)  # each column's (row, coefficient) entries
            rows = row[at]
            other = ~aside[rows]
            if len(np.unique(cols)) == len(cols) and \
                    len(np.unique(rows[other])) == int(other.sum()):
                owner = np.repeat(np.arange(len(cols)), lengths)
                delta = coef[at] * (to - x[cols])[owner]
                after = act[rows] + delta
                bad = other & ((after < low[rows]) | (after > high[rows]))
                ok = np.bincount(owner[bad], minlength=len(cols)) == 0
                x[cols[ok]] = to[ok]
                np.add.at(act, rows[ok[owner]], delta[ok[owner]])
                continue
            for c, t, j in zip(cols.tolist(), to.tolist(), k.tolist(), strict=True):
                if t == x[c]:
                    continue
                rows = row[cuts[j]:cuts[j + 1]]
                after = act[rows] + coef[cuts[j]:cuts[j + 1]] * (t - x[c])
                other = ~aside[rows]
                if np.all((after[other] >= low[rows[other]]) & (after[other] <= high[rows[other]])):
                    x[c] = t
                    act[rows] = after
        return x


def solve_highs(proto, time_limit: float, gap: float = 0.0, on_start=None,
                hint: np.ndarray | dict[int, int] | None = None, show=None,
                objective: tuple | None = None) -> HighsAnswer:
    """Solve the proto's model with HiGHS: block by block when it splits into
    independent blocks whose stitched roster keeps the set-aside rows
    (`placement.solver.blocks`), else whole. `on_start(search)` lets the caller keep the search
    to stop it (Ctrl-C, cancel); `hint`, a starting roster over the model variables.
    `proto` may be a `models.rows.Model` (`mip_arrays`); `objective`: the (cost, offset,
    scale) to minimise instead of the proto's own objective, which may be absent."""
    started = time.perf_counter()
    m = mip_arrays(proto)
    if objective is not None:
        m = replace(m, cost=objective[0], offset=objective[1], scale=objective[2])
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
        if hint is None:
            hint = blocks.incumbent  # a roster of the whole met on the way, if any
    search = Search(m, time_limit, gap)
    if hint is not None:
        search.hint(hint)
    if on_start is not None:
        on_start(search)
    return search.run(show)
