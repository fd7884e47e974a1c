"""The MIP kept warm between solves of one data set: the optimal answers of the models and
blocks solved so far, and a HiGHS instance per model structure.

Why: a planner's next question on the same data set (a one-rule what-if) changes a few
numbers of a model HiGHS already holds. `WarmMip.solve` takes the place of
`placement.solver.blocks.solve_highs` (same arguments, same answer); the whole model
and then each block (`placement.solver.blocks`; Linfen is one block) is
- answered with no search when the same MIP, to its last number, was solved to an
  optimum within the same time limit and gap before (`reused`: a question asked again,
  a what-if that leaves a city's rows as they were; HiGHS is deterministic for a given
  model and limits, so cold finds the same proven optimum; an optimum within a gap
  above 0 is the answer the session gave that question before). Within the gap, not
  only proven: the province's whole-model solves stop at the 0.1 % gap, and were
  searched again each time (docs/solver.md, "Timings behind the code");
- changed in place in a kept HiGHS instance of the same structure (same columns and
  nonzero pattern: a target, a weight or a bound moved; `Search.retarget`) and
  searched from that instance's last roster (`updated`);
- else searched anew, as cold (`rebuilt`: a rule switched off or made hard removes or
  adds rows and columns, eligibility changed the pairs).
MIPs are told apart by a digest of their arrays (and, on a match, compared in full).
Every answer is a full HiGHS answer of the model asked: proven optima equal the cold
solve's objective (tests/test_warm.py compares them and checks each roster with the
independent checker). Each search first solves the LP relaxation (`Search.run`: an
integral LP optimum is the answer, proven), and that LP starts from a kept basis: the
instance's own after an in-place change (or, when its rows and bounds were solved
before, that LP's optimal basis: `Search.retarget`), or, for a whole model searched anew,
the basis of the nearest of the last whole models (`_nearest`) carried over by names and
row content (`placement.solver.basis`).
What it does not do,
measured (docs/solver.md): HiGHS 1.12's MIP solver does not start its root LP from a
kept basis, so a block whose LP is fractional is presolved and its root LP solved from
scratch, about as long as cold.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import fields, replace

import numpy as np

from models.rows import Model
from placement.solver.basis import carried, statuses
from placement.solver.blocks import BlockSearch, split
from placement.solver.highs import (
    BLOCK_LP,
    HighsAnswer,
    MipArrays,
    Search,
    mip_arrays,
    same_arrays,
)
from placement.solver.highs import derived as highs_derived
from placement.solver.highs import shape as highs_shape
from placement.solver.status import Status

# Optimal answers kept (whole models and blocks, each with its arrays for the exact
# comparison), the least recently used dropped first once their arrays pass this many
# bytes. Why bytes, not a count: a province what-if keeps up to 28 answers (27 blocks
# and the whole; 26 MiB measured for the first proposal's 25), a Linfen one 1 (about
# 3 MiB). A count of 64 held only two province what-ifs, so the bench's "asked again",
# six questions later, was searched again (docs/solver.md, "Timings behind the code").
MEMO_BYTES = 256 << 20
CARRIED = 3  # whole models' LP bases kept to carry to a model searched anew
ROWS_KEPT = 4  # models whose arrays are kept for a solve of the same model (`solve`)
INSTANCES = 16  # HiGHS instances kept, one per structure: their memory is the limit
STRUCTURE = ("starts", "index")  # with the number of columns: what `retarget` needs alike


def nbytes(m: MipArrays) -> int:
    """The bytes of the MIP's arrays."""
    return sum(getattr(m, f.name).nbytes for f in fields(MipArrays)
               if isinstance(getattr(m, f.name), np.ndarray)) + sum(g.nbytes for g in m.groups)


# Digests made, by the MIP they were made of (a MIP's arrays are never changed once
# made): a warm solve asks for the same MIP's digest up to five times (its kept answer,
# its instance, its answer kept), 2-5 ms each at Linfen's size.
_DIGESTS: dict[tuple[int, bool], tuple[weakref.ref, bytes]] = {}
DIGESTS_KEPT = 64


def digest(m: MipArrays, structure: bool = False) -> bytes:
    """A digest of the MIP's arrays and numbers (`structure`: of its shape and nonzero
    pattern only)."""
    kept = _DIGESTS.get((id(m), structure))
    if kept is not None and kept[0]() is m:
        return kept[1]
    out = _digest(m, structure)
    if len(_DIGESTS) >= DIGESTS_KEPT:
        for key in [k for k, (ref, _) in _DIGESTS.items() if ref() is None] or \
                list(_DIGESTS)[:DIGESTS_KEPT // 2]:
            _DIGESTS.pop(key, None)
    _DIGESTS[(id(m), structure)] = (weakref.ref(m), out)
    return out


def _hash_groups(h, groups: tuple[np.ndarray, ...]) -> None:
    """The groups into the hash `h`: their lengths and columns in two updates, not one a
    group (a province block's 3,000 posts: 0.3 s of a what-if's passes)."""
    if len(groups):
        h.update(np.array([len(g) for g in groups], dtype=np.int64).tobytes() + b"|")
        h.update(np.concatenate(groups).astype(np.int64).tobytes() + b"|")


def _digest(m: MipArrays, structure: bool) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    h.update(np.array([m.num_vars, len(m.row_lower)], dtype=np.int64).tobytes())
    for f in fields(MipArrays):
        if structure and f.name not in STRUCTURE:
            continue
        x = getattr(m, f.name)
        if f.name == "groups":
            _hash_groups(h, x)
        elif isinstance(x, np.ndarray):
            h.update(np.ascontiguousarray(x).tobytes() + b"|")
        else:
            h.update(repr(x).encode() + b"|")
    return h.digest()


def _bounded_rows(m: MipArrays) -> MipArrays:
    """`m` without its rows that have no bound (a rule switched off in a what-if:
    `models.builder.switched_off`), which hold for any values: the same MIP.

    Why: the model keeps the rows it frees, which HiGHS's dual simplex, changing the
    kept instance in place, took 270-490 iterations to leave from the proposal's basis
    (R-TC8 off on Linfen, 0.1-0.25 s). Without them the model is searched anew from the
    proposal's basis carried over (`placement.solver.basis`), as when it was built
    without the rule."""
    free = np.isneginf(m.row_lower) & np.isposinf(m.row_upper)
    if not free.any():
        return m
    keep = np.flatnonzero(~free)
    lengths = np.diff(m.starts)[keep]
    entries = np.repeat(~free, np.diff(m.starts))
    return replace(m, starts=np.r_[0, np.cumsum(lengths)].astype(m.starts.dtype),
                   index=m.index[entries], value=m.value[entries],
                   row_lower=m.row_lower[keep], row_upper=m.row_upper[keep])


def _names(proto, pairs: tuple[np.ndarray, np.ndarray] | None) -> list[str]:
    """The proto's variables' names; with `pairs` given, those of the other columns only
    (a pair column is matched by its id: `placement.solver.basis.column_keys`), which on
    Linfen are 900 of 26k."""
    if isinstance(proto, Model):
        proto.write_names()  # not its rows
        proto = proto.model_proto
    variables = proto.variables
    if pairs is None:
        return [v.name for v in variables]
    names = [""] * len(variables)
    rest = np.ones(len(variables), dtype=bool)
    rest[pairs[0]] = False
    for j in np.flatnonzero(rest).tolist():
        names[j] = variables[j].name
    return names


def _nearest(kept: list[tuple], m: MipArrays) -> tuple:
    """Of the kept whole models' bases, the one of the model nearest `m` in shape (the
    fewest rows and columns apart), the latest of those."""
    def apart(k):
        old = k[0]
        return abs(len(old.row_lower) - len(m.row_lower)) + abs(old.num_vars - m.num_vars)
    return min(reversed(kept), key=apart)


class _Run:
    """One model's or block's solve as `BlockSearch` and a stop see it (`hint`, `limit`,
    `stop`, `run`, `stopped`): either a kept optimal answer, or a search whose answer is
    then kept."""

    def __init__(self, warm: WarmMip, sub: MipArrays, limits: tuple[float, float],
                 known: HighsAnswer | None = None, search: Search | None = None,
                 prior: np.ndarray | None = None, names: Callable[[], list[str]] | None = None,
                 pairs: tuple[np.ndarray, np.ndarray] | None = None):
        self.warm, self.sub, self.limits, self.known = warm, sub, limits, known
        self.search, self.prior = search, prior  # prior: the instance's last roster
        self.names, self.pairs = names, pairs  # the whole model's names and pair ids
        self.stopped, self.keep = False, True  # keep: its optimal answer (`WarmMip._run`)

    @property
    def seconds(self) -> float:
        """The kept search's last run's time (0 for a kept answer): `BlockSearch`'s order."""
        return 0.0 if self.search is None else self.search.seconds

    @seconds.setter
    def seconds(self, value: float) -> None:
        if self.search is not None:
            self.search.seconds = value

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
        self.warm._done(self.sub, self.search, answer, self.limits, self.names, self.pairs,
                        self.keep)
        return answer


class WarmMip:
    """`solve` as `placement.solver.blocks.solve_highs`, keeping optimal answers and HiGHS
    instances between calls (see the module docstring). `counts`: how many model or
    block solves were reused, updated in place or rebuilt, since the start. One solve
    at a time: a second caller waits (a kept HiGHS instance runs one search at a time)."""

    def __init__(self):
        self._answers: OrderedDict[bytes, tuple[MipArrays, HighsAnswer, tuple]] = \
            OrderedDict()
        self._bytes = 0  # the kept answers' arrays
        self._searches: OrderedDict[bytes, tuple[Search, np.ndarray | None]] = OrderedDict()
        self._lock = threading.Lock()
        self._busy = threading.Lock()
        self.counts = {"reused": 0, "updated": 0, "rebuilt": 0}
        # The last whole models' LP bases (model, names, pair ids, the basis, its
        # statuses read when first needed): where a rebuilt whole model's LP starts
        # (`placement.solver.basis`).
        self._basis: list[tuple] = []
        self._splits: OrderedDict[bytes, object] = OrderedDict()  # `_split`'s
        # `_shape`'s: a block's structure digest by its arrays (kept with it)
        self._digested: tuple | None = None  # `_key`'s: the last model and its digest
        self._shapes: OrderedDict[tuple, tuple] = OrderedDict()
        # The last few solves' models (weakly: `solve`'s `rows_of`) and their arrays.
        self._rows: OrderedDict[int, tuple] = OrderedDict()
        # The price of the last Lagrangian passes that proved a roster
        # (`BlockSearch._priced`): a what-if's passes start there.
        self._price: float | None = None
        # Each block's priced answers in the last passes (`BlockSearch._carried`).
        self._history: dict = {}

    def solve(self, proto: Model | object, time_limit: float, gap: float = 0.0, on_start=None,
              hint: np.ndarray | dict[int, int] | None = None, show=None,
              pairs: tuple[np.ndarray, np.ndarray] | None = None,
              rows_of: object | None = None, like: tuple | None = None,
              derived: tuple | None = None,
              objective: tuple | None = None) -> HighsAnswer:
        """`pairs`: the model's pair columns and an id per pair (its cadre and post),
        by which a whole model searched anew takes the last one's basis
        (`placement.solver.basis.column_keys`). `rows_of`: the model `proto` is a copy
        of, with its objective set (`placement.solver.solve`): when one of the last
        `ROWS_KEPT` solves' was the same model (a what-if of weights only solves the
        proposal's model again), only the objective is read (`mip_arrays`'s `rows`;
        reading Linfen's 25k variables and 1.5k constraints took 0.06-0.08 s of a
        0.25 s what-if). `like`: (a model solved before, its `Placement.spans`, `proto`'s
        spans, the rule families whose rows differ): when that model's arrays are still
        kept, they are taken for the other families' rows (`mip_arrays`'s `splice`).
        `derived`: (a model solved before, and what `rows_of` changed of it: the
        arguments of `highs.derived` before the objective), with `objective` (the cost,
        offset and scale the proto's objective reads as): when that model's arrays are
        kept, they are changed alike and the proto is not read at all, nor for a model
        solved again (issue 29: 0.12 s of a province what-if). With `objective` given,
        the proto's own objective is never read (it may have none)."""
        with self._busy:
            same = self._kept_arrays(rows_of)
            shape = highs_shape(proto)
            full = None
            if objective is not None:
                source = same if same is not None else \
                    None if derived is None else self._kept_arrays(derived[0])
                if source is not None and (source.num_vars, len(source.row_lower)) == shape:
                    full = replace(source, cost=objective[0], offset=objective[1],
                                   scale=objective[2]) if same is not None else \
                        highs_derived(source, *derived[1:], *objective)
            if full is None:
                splice = None
                if same is None and like is not None:
                    earlier = self._rows.get(id(like[0]))
                    if earlier is not None and earlier[0]() is like[0]:
                        splice = (earlier[2], *like[1:])
                full = mip_arrays(proto, same, splice)
                if objective is not None:  # the proto may have none (`solver.solve`)
                    full = replace(full, cost=objective[0], offset=objective[1],
                                   scale=objective[2])
            m = _bounded_rows(full)
            if rows_of is not None:
                self._rows[id(rows_of)] = (weakref.ref(rows_of), m, full)
                self._rows.move_to_end(id(rows_of))
                while len(self._rows) > ROWS_KEPT:
                    self._rows.popitem(last=False)
            return self._solve(m, (float(time_limit), float(gap)),
                               on_start, hint, show, proto, pairs, full)

    def _kept_arrays(self, model) -> MipArrays | None:
        """The whole arrays (free rows kept) `model` was last solved as, while kept (and
        kept longer from now: a session's proposal is the model its what-ifs change)."""
        kept = self._rows.get(id(model)) if model is not None else None
        if kept is None or kept[0]() is not model:
            return None
        self._rows.move_to_end(id(model))
        return kept[2]

    def arrays(self, model) -> MipArrays | None:
        """The arrays the placement model `model` (`solve`'s `rows_of`) was last solved
        as, while they are kept (the last `ROWS_KEPT` models); None otherwise."""
        with self._lock:
            kept = self._rows.get(id(model))
            return kept[1] if kept is not None and kept[0]() is model else None

    def held(self, m: MipArrays, cols: np.ndarray, values: np.ndarray,
             time_limit: float, gap: float = 0.0) -> HighsAnswer | None:
        """The optimum of the MIP `m` (`arrays`'s, of a model solved in blocks) with the
        columns `cols` held at `values`, found block by block on the kept instances;
        None when it cannot be held so (a column's bounds exclude its value) or the
        blocks do not prove an optimum (no whole search: the caller has its own route).

        Why: a lock what-if on the province built the model again (0.3 s), read it into
        arrays (0.2 s) and searched it block by block (0.94 s in all, issue 29). Held
        here, the cities the lock does not touch keep their answers (`_known`) or
        their instances (`retarget`), as any what-if that moves numbers does."""
        lower, upper = m.lower.copy(), m.upper.copy()
        if ((values < lower[cols]) | (values > upper[cols])).any():
            return None
        lower[cols] = upper[cols] = values
        with self._busy:
            answer = self._solve(replace(m, lower=lower, upper=upper),
                                 (float(time_limit), float(gap)), None, None, None, None,
                                 blocks_only=True)
        if answer is None or answer.status is not Status.OPTIMAL or not answer.proven:
            return None
        return answer

    def solved(self, model) -> tuple[MipArrays, object] | None:
        """The arrays the placement model `model` (`solve`'s `rows_of`) was last solved as,
        with its LP relaxation's basis at its end (a `highspy.HighsBasis`), while both are
        kept (the last `ROWS_KEPT` models, the last `CARRIED` whole models' bases); None
        otherwise (or when it was solved in blocks: no whole model's LP).

        Why: a lock what-if re-solves the proposal's LP from its optimal basis
        (`placement.pipeline.locked`), with no build and no `mip_arrays`; asked right
        after the proposal, before another what-if of the same model replaces them."""
        with self._lock:
            kept = self._rows.get(id(model))
            if kept is None or kept[0]() is not model:
                return None
            for sub, _, _, basis, _ in reversed(self._basis):
                if sub is kept[1]:
                    return sub, basis
        return None

    def _solve(self, m: MipArrays, limits: tuple[float, float], on_start, hint,
               show, proto, pairs=None, full: MipArrays | None = None,
               blocks_only: bool = False) -> HighsAnswer | None:
        """`blocks_only`: None where the blocks give no answer (`held`), instead of the
        whole model's search. `full`: `m` with the rows a what-if freed
        (`_bounded_rows`), which the blocks keep: the same MIP, split as before the rule
        was switched off, so each city's kept instance is changed in place (its rows made
        free) and its LP goes on from its last basis by the primal simplex
        (`Search.retarget`), where without them
        the cities whose rows changed were searched anew, their LP from scratch (R-TC8
        or R-TC10 off on the province: 11-16 cities, about 1,000 iterations each)."""
        known = self._known(m, limits)
        if known is not None:
            return known
        time_limit, gap = limits
        whole = m if full is None else full
        parts = self._split(whole)
        if parts is not None:
            blocks = BlockSearch(whole, parts, time_limit, gap,
                                 lambda _, sub, keep=True: self._run(sub, limits, keep=keep),
                                 start_price=self._price, history=self._history)
            if hint is not None:
                blocks.hint(hint)
            if on_start is not None:
                on_start(blocks)
            answer = blocks.run()
            self._price = blocks.price if blocks.price is not None else self._price
            if answer is not None and answer.status is Status.OPTIMAL:
                self._remember(m, answer, limits)
            if answer is not None or any(s.stopped for s in blocks.searches):
                return answer or HighsAnswer(Status.UNKNOWN, None, None, None)
            if blocks_only:
                return None
            if hint is None:
                hint = blocks.incumbent  # a roster of the whole met on the way, if any
        # The names only where the model is searched whole, and read only when a carried
        # basis needs them (reading the province's 150k names from the proto takes
        # 0.07 s, Linfen's 0.02-0.04 s of a what-if changed in place, which needs none),
        # the pairs' not at all when their ids are given (`_names`).
        if blocks_only:
            return None
        run = self._run(m, limits, counted=False,
                        names=functools.cache(lambda: _names(proto, pairs)), pairs=pairs)
        if hint is not None:
            run.hint(hint)
        if on_start is not None:
            on_start(run)
        return run.run(show)

    def _split(self, m: MipArrays):
        """`blocks.split(m)`, made once per structure and groups (what it reads): a what-if
        that moves numbers only splits the model as before (0.007-0.026 s on Linfen)."""
        h = hashlib.blake2b(digest(m, structure=True), digest_size=16)
        _hash_groups(h, m.groups)
        key = h.digest()
        with self._lock:
            if key in self._splits:
                self._splits.move_to_end(key)
                return self._splits[key]
        parts = split(m)
        with self._lock:
            self._splits[key] = parts
            while len(self._splits) > INSTANCES:
                self._splits.popitem(last=False)
        return parts

    def _shape(self, sub: MipArrays) -> bytes:
        """`digest(sub, structure=True)`, read once per structure arrays: a split's
        blocks share them from one what-if and Lagrangian pass to the next
        (`placement.solver.blocks.Split.layout`), and hashing a city's 50k entries in
        every pass took 0.04-0.09 s of a province what-if."""
        key = (id(sub.starts), id(sub.index), sub.num_vars)
        with self._lock:
            kept = self._shapes.get(key)
            if kept is not None and kept[0] is sub.starts and kept[1] is sub.index:
                self._shapes.move_to_end(key)
                return kept[2]
        shape = digest(sub, structure=True)
        with self._lock:
            self._shapes[key] = (sub.starts, sub.index, shape)
            while len(self._shapes) > 4 * INSTANCES:
                self._shapes.popitem(last=False)
        return shape

    def _key(self, m: MipArrays) -> bytes:
        """`digest(m)`, read once for the model being solved (looked for, then kept:
        0.02-0.03 s each at province size)."""
        with self._lock:
            if self._digested is not None and self._digested[0] is m:
                return self._digested[1]
        key = digest(m)
        with self._lock:
            self._digested = (m, key)
        return key

    def _known(self, m: MipArrays, limits: tuple) -> HighsAnswer | None:
        """The optimal answer of this very MIP under these limits, if kept."""
        key = self._key(m)
        with self._lock:
            kept = self._answers.get(key)
            if kept is None or kept[2] != limits or not same_arrays(kept[0], m):
                return None
            self._answers.move_to_end(key)
            self.counts["reused"] += 1
            return kept[1]

    def _run(self, sub: MipArrays, limits: tuple, counted: bool = True,
             names: Callable[[], list[str]] | None = None, pairs=None,
             keep: bool = True) -> _Run:
        """A block's run (or the whole model's, when `counted` is False: its kept answer
        was looked for already; `names`, its variables' names). `keep`: its optimal
        answer is kept (not a Lagrangian pass's priced block, asked once: their answers
        filled `MEMO_BYTES` and pushed out the what-ifs' own)."""
        known = self._known(sub, limits) if counted and keep else None
        if known is not None:
            return _Run(self, sub, limits, known)
        shape = self._shape(sub)
        with self._lock:  # taken out while it runs: one search per instance at a time
            kept = self._searches.pop(shape, None)
        if kept is not None and kept[0].retarget(sub):
            search, prior = kept
            search.limit(*limits)
            what = "updated"
        else:
            # a block's LP as the cold blocks run theirs (`BlockSearch`): no per-iteration
            # callback, no presolve; the whole model's keeps both
            search = Search(sub, *limits) if names is not None else \
                Search(sub, *limits, lp_interrupt=False, lp_options=BLOCK_LP)
            prior, what = None, "rebuilt"
            if names is not None and self._basis:
                old, old_names, old_pairs, _, codes = _nearest(self._basis, sub)
                search.lp_start(*carried(old, old_names(), *codes(), sub, names(),
                                         old_pairs, pairs))
        with self._lock:
            self.counts[what] += 1
        run = _Run(self, sub, limits, search=search, prior=prior, names=names, pairs=pairs)
        run.keep = keep
        return run

    def _done(self, sub: MipArrays, search: Search, answer: HighsAnswer,
              limits: tuple, names: Callable[[], list[str]] | None = None,
              pairs: tuple[np.ndarray, np.ndarray] | None = None, keep: bool = True) -> None:
        basis = search.lp_basis() if names is not None else None
        key = self._shape(sub)
        with self._lock:
            if basis is not None:
                # its statuses read once, when first carried (the proposal's basis is
                # carried to each what-if that changes the model's shape: 0.01 s each)
                self._basis.append((sub, names, pairs, basis,
                                    functools.cache(functools.partial(statuses, basis))))
                del self._basis[:-CARRIED]
            self._searches[key] = (search, answer.values)
            self._searches.move_to_end(key)
            while len(self._searches) > INSTANCES:
                self._searches.popitem(last=False)
        if answer.status is Status.OPTIMAL and keep:
            self._remember(sub, answer, limits)

    def _remember(self, m: MipArrays, answer: HighsAnswer, limits: tuple) -> None:
        key = self._key(m)
        with self._lock:
            if key in self._answers:
                self._bytes -= nbytes(self._answers[key][0])
            self._answers[key] = (m, answer, limits)
            self._answers.move_to_end(key)
            self._bytes += nbytes(m)
            while self._bytes > MEMO_BYTES and len(self._answers) > 1:
                self._bytes -= nbytes(self._answers.popitem(last=False)[1][0])
