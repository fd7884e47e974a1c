"""The MIP kept warm between solves of one data set: a HiGHS instance per block (or one
for the whole model) with the sub-MIP it last solved and its answer.

Why: a planner's next question on the same data set (a one-rule what-if) changes a few
numbers of a model HiGHS already holds. `WarmMip.solve` takes the place of
`placement.solver.blocks.solve_highs` (same arguments, same answer) and, block by
block (`placement.solver.blocks`; Linfen is one block):
- a sub-MIP equal to one of the last `MEMO` solved there, with a proven optimum, is
  answered with that optimum and no search (`reused`: a what-if that leaves a city's
  rows as they were, or a question asked again; the proposal's own model stays among
  them while the planner tries a few what-ifs);
- a sub-MIP with the same columns and nonzero pattern (a target, weight or bound
  moved) is changed in place in the kept instance (`Search.retarget`) and searched
  from the previous roster (`updated`);
- anything else (a rule switched off or made hard removes or adds rows and columns,
  eligibility changed the pairs, the model split differently) is a new search, as cold,
  still hinted with the previous roster when the columns line up (`rebuilt`).
Every answer is a full HiGHS answer of the model asked: proven optima equal the cold
solve's objective (tests/test_warm.py compares them and checks each roster with the
independent checker). What it does not do, measured (docs/solver.md): HiGHS 1.12's
MIP solver does not start its root LP from a kept basis, so a changed block is
presolved and its root LP solved from scratch, about as long as cold.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, fields

import numpy as np

from placement.solver.blocks import BlockSearch, split
from placement.solver.highs import HighsAnswer, MipArrays, Search, mip_arrays
from placement.solver.status import Status


def same_arrays(a: MipArrays, b: MipArrays) -> bool:
    """Every array and number of the two MIPs equal (the groups too)."""
    for f in fields(MipArrays):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if f.name == "groups":
            if len(x) != len(y) or not all(np.array_equal(p, q) for p, q in zip(x, y, strict=True)):
                return False
        elif isinstance(x, np.ndarray):
            if not np.array_equal(x, y):
                return False
        elif x != y:
            return False
    return True


MEMO = 8  # proven answers kept per block: a handful of what-ifs around one proposal


@dataclass
class _Slot:
    """One block's (or the whole model's) kept HiGHS instance and its last solves
    (sub-MIP, answer, (time limit, gap)), the latest last."""

    search: Search | None = None
    solved: list[tuple[MipArrays, HighsAnswer, tuple[float, float]]] = field(
        default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def known(self, sub: MipArrays, limits: tuple[float, float]) -> HighsAnswer | None:
        """A proven answer of this very sub-MIP under these limits, if kept."""
        for arrays, answer, lim in self.solved:
            if answer.proven and lim == limits and same_arrays(arrays, sub):
                return answer
        return None

    def remember(self, sub: MipArrays, answer: HighsAnswer,
                 limits: tuple[float, float]) -> None:
        with self.lock:
            self.solved = [*self.solved, (sub, answer, limits)][-MEMO:]


class _Run:
    """What a solve of one slot looks like to `BlockSearch` and to a stop: `hint`,
    `limit`, `stop`, `run`, `stopped`. Either the kept answer (no search) or a search,
    whose answer becomes the slot's."""

    def __init__(self, slot: _Slot, sub: MipArrays, search: Search | None,
                 prior: np.ndarray | None, limits: tuple[float, float],
                 known: HighsAnswer | None = None):
        self.slot, self.sub, self.search, self.limits = slot, sub, search, limits
        self.known = known
        self.prior = prior  # the slot's previous roster: the hint unless one is given
        self.stopped = False

    def hint(self, values) -> None:
        if self.search is not None:
            self.search.hint(values)
            self.prior = None

    def limit(self, time_limit: float, gap: float | None = None) -> None:
        if self.search is not None:
            self.search.limit(time_limit, gap)

    def stop(self) -> None:
        self.stopped = True
        if self.search is not None:
            self.search.stop()

    def run(self, show: Callable | None = None) -> HighsAnswer:
        if self.search is None:
            return self.known
        if self.prior is not None:
            self.search.hint(self.prior)
        if self.stopped:
            self.search.stop()
        answer = self.search.run(show)
        self.slot.remember(self.sub, answer, self.limits)
        return answer


class WarmMip:
    """`solve` as `placement.solver.blocks.solve_highs`, keeping each block's HiGHS
    instance between calls (see the module docstring). `counts`: how many block solves
    were reused, updated in place or rebuilt, since the start. One solve at a time:
    a second caller waits (a kept HiGHS instance runs one search at a time)."""

    def __init__(self):
        self._slots: dict[tuple, _Slot] = {}
        self._layout: list[np.ndarray] | None = None
        self._lock = threading.Lock()
        self._busy = threading.Lock()
        self.counts = {"reused": 0, "updated": 0, "rebuilt": 0}

    def solve(self, proto, time_limit: float, gap: float = 0.0, on_start=None,
              hint: np.ndarray | dict[int, int] | None = None, show=None) -> HighsAnswer:
        with self._busy:
            return self._solve(proto, time_limit, gap, on_start, hint, show)

    def _solve(self, proto, time_limit, gap, on_start, hint, show) -> HighsAnswer:
        m = mip_arrays(proto)
        parts = split(m)
        if parts is not None:
            self._keep_layout(parts.blocks)
            blocks = BlockSearch(m, parts, time_limit, gap,
                                 lambda b, sub: self._run(("block", b), sub, time_limit, gap))
            if hint is not None:
                blocks.hint(hint)
            if on_start is not None:
                on_start(blocks)
            answer = blocks.run()
            if answer is not None or any(s.stopped for s in blocks.searches):
                return answer or HighsAnswer(Status.UNKNOWN, None, None, None)
        run = self._run(("whole",), m, time_limit, gap)
        if hint is not None:
            run.hint(hint)
        if on_start is not None:
            on_start(run)
        return run.run(show)

    def _keep_layout(self, blocks: list[np.ndarray]) -> None:
        """Block slots stand for the same columns only while the split stays the same."""
        with self._lock:
            same = self._layout is not None and len(self._layout) == len(blocks) and all(
                np.array_equal(a, b) for a, b in zip(self._layout, blocks, strict=True))
            if not same:
                self._slots = {k: v for k, v in self._slots.items() if k[0] != "block"}
                self._layout = blocks

    def _run(self, key: tuple, sub: MipArrays, time_limit: float, gap: float) -> _Run:
        with self._lock:
            slot = self._slots.setdefault(key, _Slot())
        limits = (float(time_limit), float(gap))
        with slot.lock:
            known = slot.known(sub, limits)
            if known is not None:
                self._count("reused")
                return _Run(slot, sub, None, None, limits, known)
            last = slot.solved[-1][1] if slot.solved else None
            prior = (last.values if last is not None and last.values is not None
                     and len(last.values) == sub.num_vars else None)
            if slot.search is not None and slot.search.retarget(sub):
                slot.search.limit(time_limit, gap)
                self._count("updated")
            else:
                slot.search = Search(sub, time_limit, gap)
                self._count("rebuilt")
            return _Run(slot, sub, slot.search, prior, limits)

    def _count(self, what: str) -> None:
        with self._lock:
            self.counts[what] += 1
