"""Re-solving the MIP with a few pair columns held at 0, next to a solved roster.

Why: an alternate (`placement.explain.alternates`) is the proposal's MIP with the
excluded pairs of one post at 0, asked hundreds of times per city. A whole solve
costs 1–6 s on Linfen, and most alternates change only a few lines near the post
(docs/explain.md). Two routes, cheapest first, each exact where it answers:

1. Neighbourhood: only the given pair columns (the post's region) may change, the
   rest of the roster stays. Its optimum is a roster of the whole MIP; when it
   reaches the proposal's own optimum it is optimal, proven, since excluding
   columns never gains anything. About three in four Linfen alternates end here,
   in well under 0.1 s.
2. Otherwise the whole MIP, or only the block holding the excluded columns when the
   roster was solved block by block (`placement.solver.blocks`): every other block is still at
   its optimum, so the block's optimum stitched to the rest is optimal whenever the
   set-aside rows still hold on it; else the whole MIP. Solved whole after route 1
   found a roster, the columns the LP's reduced costs rule out for any roster as good
   are held at their bound first (`LpBound`): the same optimum, on fewer columns.
   Before either, the whole MIP's LP on one HiGHS instance kept between questions,
   its bounds changed in place (`_kept`): when that LP closes the MIP (or proves it
   infeasible) it is the answer (Linfen why-not: 0.04-0.19 s, from 0.18-0.7 s).

Both routes maximise the objective and then closeness to the proposal: one point
per proposal line kept, scaled below the objective's smallest step (the objective
is integral), so closeness never buys objective, and an alternate shows the fewest
lines that must change (route 1: the fewest that stay within the region), not
whichever optimum the solver met first. Measured on 31 Linfen posts: at most 4
lines, where a plain objective in route 2 gave up to 83 lines on equal objectives,
for 10 % more time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from models.objective import set_objective, weighted
from models.variables import Placement
from placement.solver.blocks import block_model, lift, split
from placement.solver.highs import (
    MipArrays,
    Search,
    fixed_rounding,
    highs_model,
    mip_arrays,
    rows_hold,
    stdout_to_stderr,
    within_gap,
)
from placement.solver.status import Status

Started = Callable[[Search], None] | None

# The held sub-MIP of route 2 (`Resolver._reduced`) is searched with HiGHS's presolve
# off. Why: the LP has already held every column it can, so presolve finds little to
# remove, yet it re-ran at each of the root's restarts. The whole MIP keeps presolve:
# off, it was no faster (both measured: docs/solver.md, "Timings behind the code").
HELD = {"presolve": "off"}


@dataclass
class Answer:
    status: Status
    values: np.ndarray | None  # every column's value
    route: str = ""  # neighbourhood | block | whole
    proven: bool = False  # optimal with no gap left, not only within `gap`


def held_model(m: MipArrays, free: np.ndarray, fixed: np.ndarray) -> tuple[MipArrays, bool]:
    """The sub-MIP over the `free` columns (sorted), every other column held at its value
    in `fixed` (one per column of `m`): held columns move into the row bounds and the
    objective offset. Also whether the rows left without a free column hold.

    Why: handing HiGHS the whole model with most columns fixed would cost the whole
    model's set-up on every re-solve."""
    n, nrows = m.num_vars, len(m.row_lower)
    where = np.full(n, -1)
    where[free] = np.arange(len(free))
    row_of = m.entry_rows
    is_free = where[m.index] >= 0
    held = ~is_free
    contrib = np.bincount(row_of[held], weights=m.value[held] * fixed[m.index[held]],
                          minlength=nrows)
    lengths = np.bincount(row_of[is_free], minlength=nrows)
    rows = np.flatnonzero(lengths > 0)
    empty = lengths == 0
    holds = bool(np.all((contrib[empty] >= m.row_lower[empty] - 1e-6)
                        & (contrib[empty] <= m.row_upper[empty] + 1e-6)))
    other = np.ones(n, dtype=bool)
    other[free] = False
    sub = MipArrays(
        cost=m.cost[free], lower=m.lower[free], upper=m.upper[free],
        starts=np.concatenate([[0], np.cumsum(lengths[rows])]).astype(np.int32),
        index=where[m.index[is_free]].astype(np.int32), value=m.value[is_free],
        row_lower=m.row_lower[rows] - contrib[rows], row_upper=m.row_upper[rows] - contrib[rows],
        offset=m.offset + float(m.cost[other] @ fixed[other]), scale=m.scale,
        groups=tuple(where[g] for g in m.groups if (where[g] >= 0).all()),
    )
    return sub, holds


class LpBound:
    """The MIP's LP relaxation, solved once and kept with its optimal basis, to tell which
    columns no roster at least as good as a known one can use (reduced-cost fixing).

    Why: route 2 of a why-not or an alternate re-solved the whole MIP where the region
    had found a roster within a few units of the optimum. With a column's excluded
    pairs at 0 the kept LP re-optimises from the proposal's basis in a few dozen dual
    simplex iterations. LP duality then bounds
    every roster: cost·x ≥ L + Σ d_j·(x_j − bound_j) over the columns non-basic at a
    bound (L the LP optimum, d the reduced costs). A column whose reduced cost exceeds
    U − L (U the known roster's cost) is at that bound in every roster costing at most
    U, so in every optimum and every tie; held there, the MIP keeps its optimum and its
    closest optimum (measured: docs/solver.md, "Timings behind the code").
    `basis`: an optimal basis of this LP (`WarmMip.solved`'s), where it starts (no
    simplex iteration) instead of solving it from scratch (0.2-0.3 s on Linfen)."""

    def __init__(self, m: MipArrays, basis=None):
        self.m = m
        self.h = highs_model(m, integer=False)
        if basis is not None:
            self.h.setBasis(basis)
        with stdout_to_stderr():
            self.h.run()
        self.ok = self.h.getModelStatus().name == "kOptimal"
        self.basis = self.h.getBasis() if self.ok else None
        self._lock = threading.Lock()

    def _resolved(self, cols: np.ndarray, values: np.ndarray) -> tuple[str, tuple | None]:
        """The LP with the columns `cols` held at `values`, re-solved from the kept
        optimal basis (dual simplex: the basis stays dual feasible) and put back: HiGHS's
        model status, and at an optimum its value, columns, row duals and reduced costs.

        A column held above its value in the basis (a must lock) is re-solved without the
        dual simplex's cost perturbation: measured on Linfen, the suite's lock 0.15-0.21 s
        of CPU against 0.19-0.21 s, twelve seeded must locks 1.27-1.42 s against
        1.53-1.69 s; forbids (columns held at 0) were slower without it (30 seeded:
        0.76 s against 0.54 s), so they keep it."""
        m, h = self.m, self.h
        raised = bool((np.asarray(values) > 0).any())
        with self._lock:
            h.setOptionValue("dual_simplex_cost_perturbation_multiplier", 0.0 if raised else 1.0)
            h.setBasis(self.basis)
            h.changeColsBounds(len(cols), cols, values, values)
            try:
                with stdout_to_stderr():
                    h.run()
                status = h.getModelStatus().name
                if status != "kOptimal":
                    return status, None
                solution = h.getSolution()
                return status, (h.getInfo().objective_function_value,
                                np.asarray(solution.col_value),
                                np.asarray(solution.row_dual, dtype=float),
                                np.asarray(solution.col_dual))
            finally:
                h.changeColsBounds(len(cols), cols, m.lower[cols], m.upper[cols])

    def held(self, excluded: np.ndarray, incumbent: float
             ) -> tuple[np.ndarray, np.ndarray] | None:
        """With the `excluded` columns at 0 and a roster of cost `incumbent` (HiGHS's
        minimisation, offset included): which columns are held (bool per column) and at
        what value; None when the LP has no optimum to reason from."""
        if not self.ok:
            return None
        m = self.m
        cols = np.asarray(excluded, dtype=np.int32)
        _, optimum = self._resolved(cols, np.zeros(len(cols)))
        if optimum is None:
            return None
        bound, x, _, d = optimum
        tol = 1e-6 * max(1.0, abs(incumbent))  # above HiGHS's 1e-7 dual tolerance
        if bound > incumbent + tol:  # the LP above a roster: numbers not to trust
            return None
        slack = incumbent - bound + tol
        at_lower = np.abs(x - m.lower) <= 1e-9
        at_upper = ~at_lower & (np.abs(x - m.upper) <= 1e-9)
        mask = (at_lower & (d > slack)) | (at_upper & (-d > slack))
        value = np.where(at_upper, m.upper, m.lower)
        mask[cols], value[cols] = True, 0.0
        return mask, np.where(mask, value, 0.0)

    def infeasible(self, excluded: np.ndarray) -> bool:
        """With the `excluded` columns at 0 the LP has no solution, so the MIP has no
        roster (proven: every roster is a solution of the LP).

        Why: a why-not whose pair no roster can take (it displaces a holder held to stay,
        or breaks a hard team rule) found no roster in the region and went on to search
        the whole MIP, its LP solved from scratch first (0.2-0.3 s on Linfen); from the
        kept basis the dual simplex finds the LP infeasible in a few iterations."""
        cols = np.asarray(excluded, dtype=np.int32)
        return self.ok and self._resolved(cols, np.zeros(len(cols)))[0] == "kInfeasible"

    def fixed(self, cols: np.ndarray, values: np.ndarray, time_limit: float
              ) -> np.ndarray | None:
        """Every column's value in an optimum of the MIP with the columns `cols` held at
        `values`, proven: the LP re-solved from the kept optimal basis, taken when its
        optimum is integral, else rounded to one that reaches its bound or proven by its
        duals (`fixed_rounding`, `within_gap`, as a search's own LP is). None when the LP
        has no optimum (no roster, or none found in time) or neither proves one: the
        caller solves the MIP.

        Why: a lock what-if is the proposal's MIP with a pair's column at 0 (a forbid) or
        1 (a must lock); from the proposal's basis the LP is a few hundred iterations
        away, where building and solving the locked model took 0.35-0.45 s on Linfen."""
        if not self.ok:
            return None
        m = self.m
        cols = np.asarray(cols, dtype=np.int32)
        values = np.asarray(values, dtype=float)
        lower, upper = m.lower.copy(), m.upper.copy()
        lower[cols] = upper[cols] = values
        held = replace(m, lower=lower, upper=upper)
        _, optimum = self._resolved(cols, values)
        if optimum is None:
            return None
        bound, x, y, _ = optimum
        out = np.rint(x)
        fractional = np.abs(x - out) > 1e-9
        if not fractional.any():
            return out if rows_hold(held, out) else None
        out, incumbent = fixed_rounding(held, x, fractional, bound, time_limit)
        if out is None and incumbent is not None:
            out = within_gap(held, x, y, incumbent, time_limit)
        return out


class Resolver:
    """Re-solves `m` (the proposal's MIP) with columns held at 0, next to the roster
    `base` (every column's value, with objective `base_objective`). `pairs`: the pair
    columns (the tie-break counts kept lines over them). `optimal`: `base` is proven
    optimal, so reaching its objective proves an answer optimal; `blocks`: it was
    solved block by block (route 2 may stay in one block). `basis`: an optimal basis of
    `m`'s LP relaxation, where its kept LP starts (`lp`)."""

    def __init__(self, m: MipArrays, base: np.ndarray, base_objective: float,
                 pairs: np.ndarray, optimal: bool, blocks: bool,
                 time_limit: float, gap: float, basis=None):
        self.m, self.base, self.base_objective = m, base.astype(float), base_objective
        self.optimal, self.time_limit, self.gap = optimal, time_limit, gap
        self.is_pair = np.zeros(m.num_vars, dtype=bool)
        self.is_pair[pairs] = True
        self.aux = np.flatnonzero(~self.is_pair)
        steps = int(self.is_pair.sum()) + 1
        self.closest = replace(m, cost=m.cost * steps)
        self.closest.cost[pairs[self.base[pairs] > 0.5]] -= 1.0  # HiGHS minimises
        self.parts = split(m) if blocks and optimal else None
        self.block = np.full(m.num_vars, -1)
        for b, cols in enumerate(self.parts.blocks if self.parts else ()):
            self.block[cols] = b
        self._blocks: dict[int, MipArrays] = {}
        self._lp: LpBound | None = None  # made on the first question that needs it
        self._basis = basis
        self._search: Search | None = None  # the whole MIP's, kept (`_kept`)
        self._kept_basis = None  # its LP's last optimal basis
        self._lock = threading.Lock()

    def lp(self) -> LpBound:
        """The MIP's LP relaxation with its optimal basis, made once (from `basis` when
        given)."""
        with self._lock:
            if self._lp is None:
                self._lp = LpBound(self.m, self._basis)
            return self._lp

    def objective(self, values: np.ndarray) -> float:
        return self.m.scale * float(self.m.cost @ values + self.m.offset)

    def without(self, excluded: np.ndarray, neighbourhood: np.ndarray,
                on_start: Started = None) -> Answer:
        """The optimum with the `excluded` columns at 0, closest to the proposal;
        `neighbourhood`: the pair columns route 1 may change besides the excluded."""
        near = self._held(neighbourhood, excluded, on_start)
        if near is not None and self.optimal and \
                abs(self.objective(near) - self.base_objective) < 0.5:
            return Answer(Status.OPTIMAL, near, "neighbourhood", proven=True)
        return self._whole(excluded, near, on_start)

    def _held(self, pair_cols: np.ndarray, excluded: np.ndarray, on_start: Started
              ) -> np.ndarray | None:
        """Route 1: only `pair_cols` and the auxiliary columns may change, every other
        column keeps the proposal's value; None when that leaves no roster."""
        free = np.union1d(np.union1d(pair_cols, excluded), self.aux)
        sub, holds = held_model(self.closest, free, self.base)
        if not holds:
            return None
        upper = sub.upper.copy()
        upper[np.searchsorted(free, excluded)] = 0.0
        answer = self._run(replace(sub, upper=upper), on_start)
        if answer.values is None or answer.status is not Status.OPTIMAL:
            return None
        x = self.base.copy()
        x[free] = answer.values
        return x

    def _whole(self, excluded: np.ndarray, hint: np.ndarray | None, on_start: Started
               ) -> Answer:
        # No roster in the region: the kept LP (when it starts from a known basis) first
        # says whether there is one at all (`LpBound.infeasible`).
        if hint is None and (self._basis is not None or self._lp is not None) \
                and self.lp().infeasible(excluded):
            return Answer(Status.INFEASIBLE, None, "whole", proven=True)
        blocks = set(self.block[excluded].tolist())
        if self.parts is not None and len(blocks) == 1 and -1 not in blocks:
            answer = self._block(blocks.pop(), excluded, hint, on_start)
            if answer is not None:
                return answer
        if self.parts is None and self.optimal:
            answer = self._kept(excluded, on_start)
            if answer is not None:
                return answer
        # Route 2 also where the block route breaks a set-aside row: a province proposal
        # met by Lagrangian passes holds R-TC6's total at its figure, which a city re-solved
        # alone gives up (docs/solver.md: why-not 13 s, alternates 30 s through the whole MIP).
        if hint is not None and self.optimal:
            answer = self._reduced(excluded, hint, on_start)
            if answer is not None:
                return answer
        upper = self.m.upper.copy()
        upper[excluded] = 0.0
        answer = self._run(replace(self.closest, upper=upper), on_start, hint)
        return Answer(answer.status, answer.values, "whole", answer.proven)

    def _kept(self, excluded: np.ndarray, on_start: Started) -> Answer | None:
        """Route 2 by the LP relaxation alone, on one HiGHS instance of the whole MIP
        kept between questions (`Search.retarget`: the excluded columns' bounds changed,
        the LP started from the last question's optimal basis); its answer when the LP
        closes the MIP (`Search.relaxation`: integral, or rounded to its bound, proven;
        or infeasible), else None (the routes below search it).

        Why: a why-not's or an alternate's whole MIP differs from the proposal's in a few
        bounds; a new instance per question cost its set-up (0.07 s on Linfen) and an LP
        from scratch or a held MIP (issue 29: why-not at 0.39 of a cold proposal)."""
        upper = self.m.upper.copy()
        upper[excluded] = 0.0
        target = replace(self.closest, upper=upper)
        with self._lock:  # one question at a time on the kept instance; others make one
            search, self._search = self._search, None
        if search is None or not search.retarget(target):
            search = Search(target, self.time_limit, self.gap)
        if on_start is not None:
            on_start(search)
        # From the last optimal basis (the proposal's at first: the same rows, other
        # costs): a question the LP proves infeasible leaves none.
        answer = search.relaxation(self._kept_basis or self._basis)
        with self._lock:
            if answer is not None and answer.values is not None:
                self._kept_basis = search.lp_basis()
            self._search = self._search or search
        if answer is None:
            return None
        return Answer(answer.status, None if answer.values is None
                      else answer.values.astype(float), "whole", proven=True)

    def _reduced(self, excluded: np.ndarray, near: np.ndarray, on_start: Started
                 ) -> Answer | None:
        """Route 2 on the whole MIP with the columns no roster as good as `near` can use
        held at their LP bound (`LpBound.held`); None when the LP cannot say (the whole
        MIP is then solved as it is). Its answer is the whole route's: the same optimum,
        closest to the proposal (the held columns are in no roster that good)."""
        held = self.lp().held(excluded, float(self.m.cost @ near + self.m.offset))
        if held is None:
            return None
        mask, value = held
        mask &= np.abs(value - near) < 0.5  # never hold a column away from `near`
        free = np.flatnonzero(~mask)
        sub, holds = held_model(self.closest, free, np.where(mask, value, 0.0))
        if not holds:
            return None
        answer = self._run(sub, on_start, near[free], HELD)
        if answer.values is None:
            return None
        x = np.where(mask, value, 0.0)
        x[free] = answer.values
        return Answer(answer.status, x, "whole", answer.proven)

    def _block(self, b: int, excluded: np.ndarray, hint: np.ndarray | None,
               on_start: Started) -> Answer | None:
        cols = self.parts.blocks[b]
        with self._lock:
            if b not in self._blocks:
                self._blocks[b] = block_model(self.closest, self.parts, b)
            sub = self._blocks[b]
        upper = sub.upper.copy()
        upper[np.searchsorted(cols, excluded)] = 0.0
        answer = self._run(replace(sub, upper=upper), on_start,
                           None if hint is None else hint[cols])
        if answer.values is None:  # the block's rows are rows of the whole: so is its answer
            return Answer(answer.status, None, "block", answer.proven)
        x = self.base.copy()
        x[cols] = answer.values
        # The block leaves cost-free figure flags of set-aside rows at 0: lifted as
        # `BlockSearch.run` does before the rows are checked.
        if not rows_hold(self.m, lift(self.m, self.parts.global_rows, x), self.parts.global_rows):
            return None
        return Answer(answer.status, x, "block", answer.proven)

    def _run(self, m: MipArrays, on_start: Started, hint: np.ndarray | None = None,
             options: dict | None = None):
        search = Search(m, self.time_limit, self.gap, options)
        if hint is not None:
            search.hint(np.rint(hint).astype(np.int64))
        if on_start is not None:
            on_start(search)
        return search.run()


def resolver_for(pl: Placement, values: np.ndarray, objective: float, proven: bool,
                 blocks: bool, solved: tuple[MipArrays, object] | None = None) -> Resolver:
    """The Resolver of a solved placement model: its weighted objective set on a copy of
    `pl.model` (the caller's model is left as it was), next to the solve's answer
    (`values`, `objective`; `proven`, `blocks` as `SolveOutcome` says). `solved`: the
    arrays that model was solved as with that objective, and its LP's optimal basis
    (`WarmMip.solved`), taken as they are (no copy, no `mip_arrays`: 0.07-0.17 s on
    Linfen; the LP starts from the basis).

    Why from the solved model: the proposal's own `Placement` is kept on it, so a
    question (alternates, why-not) reuses the built model rather than building it again."""
    s = pl.scenario.solver
    if solved is not None:
        m, basis = solved
    else:
        model = cp_model.CpModel()
        model.proto.copy_from(pl.model.proto)
        set_objective(pl, weighted(pl), model)
        m, basis = mip_arrays(model.proto), None
    return Resolver(m, values, objective, pl.columns, optimal=proven, blocks=blocks,
                    time_limit=s.time_limit, gap=s.relative_gap, basis=basis)


def kept_resolver(kept: dict | None, pl: Placement, values: np.ndarray, objective: float,
                  proven: bool, blocks: bool, solved: tuple[MipArrays, object] | None = None
                  ) -> tuple[Resolver, Regions]:
    """`resolver_for` and `Regions.of` for one solved model, made once per `kept` (a dict
    the caller keeps between questions on the same proposal: why-not, alternates and lock
    what-ifs share them; its "solved", when set, is `resolver_for`'s `solved`); made
    afresh when `kept` is None."""
    if kept is not None and "resolver" in kept:
        return kept["resolver"], kept["regions"]
    if solved is None and kept is not None:
        solved = kept.get("solved")
    made = resolver_for(pl, values, objective, proven, blocks, solved), Regions.of(pl)
    if kept is not None:
        kept["resolver"], kept["regions"] = made
    return made


@dataclass
class Regions:
    """Each region's pair columns, and each post's region: the neighbourhoods route 1
    re-solves in (a post's pairs and every pair of its region's teams)."""

    columns: dict[str, np.ndarray]
    of_post: np.ndarray

    @classmethod
    def of(cls, pl: Placement) -> Regions:
        teams, posts = pl.data.teams, pl.data.posts
        region = teams["region"].to_numpy(dtype=object)[pl.pair_team]
        codes, names = pd.factorize(region, sort=True)
        keys, idx, starts = pl.group_bounds(codes)
        columns = {names[k]: pl.columns[idx[starts[g]:starts[g + 1]]]
                   for g, k in enumerate(keys.tolist())}
        of_post = teams.set_index("team_id")["region"].reindex(posts["team_id"])
        return cls(columns, of_post.to_numpy(dtype=object))

    def around(self, posts) -> np.ndarray:
        """The pair columns of the regions of `posts` (rows of `data.posts`)."""
        empty = np.array([], dtype=np.int64)
        chosen = dict.fromkeys(self.of_post[np.asarray(posts, dtype=np.int64)].tolist())
        if len(chosen) == 1:  # already sorted: a region's columns are in pair order
            return self.columns.get(next(iter(chosen)), empty)
        return np.unique(np.concatenate([self.columns.get(r, empty) for r in chosen]
                                        or [empty]))
