"""A lock what-if answered on the proposal's own MIP: a forbid is a pair's column held
at 0, a must lock its column held at 1.

Why: a planner clicks a lock and waits for the roster. Built anew, a lock what-if
built the whole model again (the pairs differ: a forbid drops one) and searched it
(0.35-0.45 s warm on Linfen, 0.55 s cold); held on the proposal's MIP it is the LP
re-solved from the proposal's optimal basis (`placement.solver.resolve.LpBound.fixed`),
with no build and no reading of the model into arrays. A proposal solved block by
block (the province) is held on the arrays it was solved as, each city's kept instance
answering for its own columns (`placement.solver.warm.WarmMip.held`).

The same question only where the held MIP is the locked scenario's model with the same
objective: the scenario differs in added forbid and must locks only
(`placement.meaning.changes.locks_only`); the proposal is a proven weighted HiGHS
optimum of its model, with no `--from` roster; no forbid
drops a cadre's own post (the model holds a cadre with an own pair to stay, and prices
their move: `models.variables.Placement.held`); no must pair breaks a rule a lock waives
(`LOCK_EXEMPT`: locked, its penalty goes). A forbid that leaves a post without a
candidate, or a pool short of a hard minimum, is answered by the pre-checks, as cold.
Everything else, and an LP that neither is integral nor rounds to a proven optimum (or
blocks that prove none), is answered by the caller as before (`Session.what_if`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from placement.data.scenario import Scenario
from placement.eligibility.pairs import LOCK_EXEMPT, with_locks
from placement.eligibility.prechecks import prechecks
from placement.pipeline.propose import Proposal
from placement.solver.highs import MipArrays
from placement.solver.resolve import LpBound
from placement.solver.solve import LevelResult, SolveOutcome, parameters_of
from placement.solver.status import Status


def held_here(base: Proposal, blocks: bool = False) -> bool:
    """The proposal's MIP answers its lock what-ifs (see the module docstring): solved
    whole, or (`blocks`) block by block."""
    o, sc = base.outcome, base.scenario
    return (o is not None and o.values is not None and o.proven
            and (o.blocks > 0 if blocks else o.blocks == 0)
            and base.placement is not None and base.baseline is None
            and sc.objective == "weighted" and sc.solver.engine == "highs")


# (columns, values, time limit) -> (the held MIP's optimum, its arrays), or None
Held = Callable[[np.ndarray, np.ndarray, float], tuple[np.ndarray, MipArrays] | None]


def on_lp(lp: Callable[[], LpBound]) -> Held:
    """`locked`'s `held` for a proposal solved whole: its LP relaxation `lp()` with its
    optimal basis, re-solved with the columns held (`LpBound.fixed`)."""
    def held(cols: np.ndarray, values: np.ndarray, time_limit: float):
        values = lp().fixed(cols, values, time_limit)
        return None if values is None else (values, lp().m)
    return held


def locked(sc: Scenario, base: Proposal, forbid: list[tuple[str, str]],
           must: list[tuple[str, str]], held: Held) -> Proposal | None:
    """`sc` (`base`'s scenario with the (cadre id, post id) locks `forbid` and `must`
    added, `held_here(base)`) proposed on `base`'s MIP, `held` its proven optimum with
    columns held (`on_lp`; block by block, `placement.solver.warm.WarmMip.held`); None
    where it is not the same question or `held` does not answer (the caller proposes
    `sc` as before).

    The proposal is the cold one's: its pairs are `with_locks`'s (`propose` builds the
    same), its roster an optimum of the same objective, re-indexed into those pairs.
    Its `placement` is None and its outcome's `values` too: no model was built for
    `sc`, so a why-not asked of this proposal solves the locked scenario as cold
    (`questions.why_nots`), and alternates are refused (`AlternatesError`: they need
    the model; ask them of the scenario proposed)."""
    t0 = time.perf_counter()
    data, pl = base.data, base.placement
    pairs = with_locks(base.pairs, data, forbid, must)
    if pairs is None:
        return None
    cpos, ppos = pd.Index(data.cadres["cadre_id"]), pd.Index(data.posts["post_id"])

    def index(locks):
        return np.array([pl.pair_index(cpos.get_loc(c), ppos.get_loc(p)) for c, p in locks],
                        dtype=np.int64)

    out, into = index(forbid), index(must)
    out = out[out >= 0]  # a forbid of a pair without a column holds already
    waived = np.zeros(len(base.pairs), dtype=bool)
    for rid, mask in base.pairs.breaks.items():
        if rid in LOCK_EXEMPT:
            waived |= mask
    if base.pairs.own[out].any() or waived[into].any() or np.isin(into, out).any():
        return None
    times = {"eligibility": round(time.perf_counter() - t0, 3)}
    # The pre-checks read the pairs' cadres, posts and own flags (and the rules and keep
    # locks, as they were): a must lock changes none of them, so they pass as the
    # proposal's did (it has a roster); a forbid of a pair with a column drops it.
    conflicts = prechecks(data, sc, base.facts, pairs) if len(out) else []
    if conflicts:  # as `propose` answers them, before any solve
        return Proposal(sc, data, base.facts, pairs, None, conflicts,
                        times | {"build": 0.0, "solve": 0.0})
    t0 = time.perf_counter()
    cols = pl.columns[np.concatenate([out, into])]
    answer = held(cols, np.r_[np.zeros(len(out)), np.ones(len(into))], sc.solver.time_limit)
    if answer is None:
        return None
    values, m = answer
    seconds = time.perf_counter() - t0
    objective = float(m.scale * (m.cost @ values + m.offset))
    kept = np.ones(len(base.pairs), dtype=bool)
    kept[out] = False
    chosen = np.flatnonzero(values[pl.columns] > 0.5)
    chosen = (np.cumsum(kept) - 1)[chosen]  # the pairs' order is kept, less the forbidden
    outcome = SolveOutcome(
        Status.OPTIMAL, chosen, objective, objective, seconds,
        levels=[LevelResult("weighted", Status.OPTIMAL, objective, objective, seconds, True)],
        parameters=parameters_of(sc), proven=True)
    return Proposal(sc, data, base.facts, pairs, outcome, [],
                    times | {"build": 0.0, "solve": round(seconds, 3)})
