"""Questions a planner asks of a scenario that take more than one solve.

The explanation modules say what to try (a trial scenario) and how to read
the answers; the solving happens here, so that explanation code never calls
back into the pipeline.

Why-not for an eligible pair re-solves the proposal's own MIP with every other
candidate of the post held at 0 (`placement.solver.resolve`: the post's and the
cadre's regions first, then the block or the whole), closest to the proposal: the
same optimum as solving the scenario with the cadre locked into the post, then
keeping as many of the proposal's lines as that optimum allows (issue 16: on Linfen
18–24 s became about 5 s, then about 2 s with the columns the LP rules out held, then
0.13 s once R-TC5's tightened rows made the LP integral and the held MIP ran without
presolve, docs/solver.md). The proposal's checker report is made once per session. Several
pairs share the proposal and its MIP and run two at a time (HiGHS releases the GIL).
The locked scenario is still solved cold where the re-solve would not be the same
question: a lexicographic objective, the CP-SAT engine, no proven roster to start
from, or a pair that breaks a target rule a lock waives (`LOCK_EXEMPT`: the lock
would drop its penalty).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from placement.checker import CheckReport, check_roster
from placement.data.dataset import DataSet
from placement.data.locks import validate_locks
from placement.data.names import Names, resolve_pair
from placement.data.scenario import Scenario
from placement.eligibility.facts import Facts, compute_facts
from placement.eligibility.pairs import LOCK_EXEMPT, Pairs, eligible_pairs
from placement.explain.alternates import (
    Alternates,
    AlternatesError,
    NotReproduced,
    find_alternates,
    posts_in_scope,
)
from placement.explain.whynot import WhyNot, compare, excluded_by, forced_trial
from placement.pipeline.propose import Proposal, propose
from placement.roster.tables import roster_table
from placement.solver.resolve import kept_resolver

THREADS = 2  # the machine's cores: two HiGHS searches at once (docs/solver.md)


def why_not(sc: Scenario, data: DataSet, cadre_id: str, post_id: str,
            base: Proposal | None = None) -> WhyNot:
    """Why not cadre C in post P: the rules that exclude the pair, or (when eligible) the
    scenario's roster against the best one with C in P, closest to it. `base`: the
    scenario's proposal when the caller has it (else it is solved here)."""
    return why_nots(sc, data, [(cadre_id, post_id)], base)[0]


def why_nots(sc: Scenario, data: DataSet, asked: Sequence[tuple[str, str]],
             base: Proposal | None = None, kept: dict | None = None) -> list[WhyNot]:
    """`why_not` for each (cadre, post) in `asked`, in that order, on one proposal. Each
    is an id or a name that matches one (`resolve_pair`); the answers carry the names
    of the cadres and posts they mention. `kept`: a dict the caller keeps between
    questions on `base` (the re-solve's MIP is set up once: `placement.pipeline.warm.Session`)."""
    asked = [resolve_pair(data, c, p) for c, p in asked]
    if base is None:
        base = propose(sc, data, explain=False)
    names = Names(data)
    cpos, ppos = pd.Index(data.cadres["cadre_id"]), pd.Index(data.posts["post_id"])
    where = [(cpos.get_loc(c), ppos.get_loc(p)) for c, p in asked]
    nearby = _Nearby(base, kept) if _answers_nearby(base) else None
    # The proposal's report is read only to compare a forced roster with it: made when
    # the first one comes back (a pair no roster can take needs none; 0.15-0.2 s on Linfen).
    report = functools.cache(lambda: _base_report(sc, data, base, kept))

    def one(k: int) -> WhyNot:
        return answer(k).named(names)

    def answer(k: int) -> WhyNot:
        (cadre_id, post_id), (c, p) = asked[k], where[k]
        why = excluded_by(sc, data, base.facts, base.pairs, c, p)
        if why is not None:
            return WhyNot(cadre_id, post_id, False, why)
        if nearby is not None and nearby.applies(c, p):
            roster, objective, status = nearby.forced(c, p)
        else:
            forced = propose(forced_trial(sc, cadre_id, post_id), data, explain=False,
                             keep_close_to=base.roster, start_from=base.baseline)
            roster, status = forced.roster, forced.status.value
            objective = forced.outcome.levels[0].value if forced.outcome else None
        return compare(sc, data, cadre_id, post_id, base.roster,
                       base.outcome.objective if base.outcome else None, roster,
                       objective, status,
                       report() if roster is not None and base.roster is not None else None)

    if len(asked) == 1:
        return [one(0)]
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(one, range(len(asked))))


def alternates_of(sc: Scenario, data: DataSet, roster: pd.DataFrame, k: int,
                  scope: str | Sequence[str] = "changed",
                  start_from: pd.DataFrame | None = None) -> Alternates:
    """The alternates of `roster` (a run's roster: post_id, cadre_id), not of whatever
    roster a fresh solve of `sc` meets. Why: rosters of equal objective are many (on
    Linfen a post's first alternates often cost +0), and a run solved close to another
    (`start_from`, the workbench's "close to") is not the fresh optimum at all; priced
    on a fresh solve, the run's own holder came back as alternate no. 1 (R01-DW-04,
    R-TC5 min_women=3 close to the base run). So the scenario is proposed again as the
    run was (`_proposed_again`), and every post asked about must have the run's holder;
    a post whose holder the re-solve does not give back (a run stopped before its
    optimum) is refused, naming the posts, rather than answered for another holder."""
    base = _proposed_again(sc, data, roster, start_from)
    _refuse_other(roster, base.roster, posts_in_scope(base.roster, scope, data))
    return find_alternates(base, k, scope)


def why_not_of(sc: Scenario, data: DataSet, roster: pd.DataFrame, cadre_id: str,
               post_id: str, start_from: pd.DataFrame | None = None) -> WhyNot:
    """`why_not` of `roster` (a run's roster: post_id, cadre_id): its objective is the
    "before", its holder of the post the one displaced, its lines the ones that change.
    Why: as for `alternates_of`, a fresh solve of `sc` may hold the posts otherwise (a
    tie, or a run solved close to another), and its answer is then of another roster.
    The run's scenario is proposed again as the run was; the whole roster must come
    back (every line is in the "before" figures), else `NotReproduced` names the posts
    that differ. A pair the rules exclude is answered first, without a solve: that
    answer is of no roster."""
    cadre_id, post_id = resolve_pair(data, cadre_id, post_id)
    facts = compute_facts(data, sc.reference_date)
    pairs = eligible_pairs(data, validate_locks(sc, data)[0], facts)
    c = int(pd.Index(data.cadres["cadre_id"]).get_loc(cadre_id))
    why = excluded_by(sc, data, facts, pairs, c,
                      int(pd.Index(data.posts["post_id"]).get_loc(post_id)))
    if why is not None:
        return WhyNot(cadre_id, post_id, False, why).named(Names(data))
    base = _proposed_again(sc, data, roster, start_from, (facts, pairs))
    _refuse_other(roster, base.roster, roster["post_id"].astype(str).tolist())
    return why_nots(sc, data, [(cadre_id, post_id)], base)[0]


def _proposed_again(sc: Scenario, data: DataSet, roster: pd.DataFrame,
                    start_from: pd.DataFrame | None,
                    eligible: tuple[Facts, Pairs] | None = None) -> Proposal:
    """`sc` proposed as a run of it was: with the run's `start_from` (its changes against
    it are in the objective), and among equally good rosters the one closest to the
    run's `roster` (the run's own, when it is an optimum). `eligible`: `sc`'s facts and
    pairs when the caller has them."""
    base = propose(sc, data, explain=False, start_from=start_from,
                   keep_close_to=roster[["post_id", "cadre_id"]], eligible=eligible)
    if base.roster is None:
        raise AlternatesError("the run's scenario has no roster now")
    return base


def _refuse_other(roster: pd.DataFrame, again: pd.DataFrame, posts: Sequence[str]) -> None:
    """`NotReproduced` naming the `posts` whose holder in `again` (the re-solve) is not
    the one in `roster` (the run's; a vacancy reads as "")."""
    ours = roster.set_index("post_id")["cadre_id"].fillna("").astype(str)
    theirs = again.set_index("post_id")["cadre_id"].fillna("").astype(str)
    differ = [p for p in posts if ours.get(p) != theirs.get(p)]
    if differ:
        raise NotReproduced(differ)


def _base_report(sc: Scenario, data: DataSet, base: Proposal, kept: dict | None
                 ) -> CheckReport:
    """The independent checker's report on the proposal, made once per `kept` (shared
    with alternates, which keep the same report of the same roster) or per call: each
    answer then checks its forced roster only."""
    if kept is not None and kept.get("report") is not None:
        return kept["report"]
    report = check_roster(sc, data, base.roster)
    if kept is not None and sc is base.scenario:
        kept["report"] = report
    return report


def _answers_nearby(base: Proposal) -> bool:
    """The re-solve answers the locked scenario's question exactly: a proven weighted
    HiGHS optimum to start from, and its model at hand."""
    o, sc = base.outcome, base.scenario
    return (o is not None and o.values is not None and o.proven
            and base.placement is not None and sc.objective == "weighted"
            and sc.solver.engine == "highs")


class _Nearby:
    """The proposal's MIP, re-solved with one post's other candidates held at 0."""

    def __init__(self, base: Proposal, kept: dict | None = None):
        pl, o = base.placement, base.outcome
        self.base, self.pl = base, pl
        self.resolver, self.regions = kept_resolver(kept, pl, o.values, float(o.objective),
                                                    o.proven, o.blocks > 0)
        chosen = np.asarray(o.chosen)
        self.post_of = np.full(len(base.data.cadres), -1, dtype=np.int64)
        self.post_of[base.pairs.cadre[chosen]] = base.pairs.post[chosen]

    def applies(self, c: int, p: int) -> bool:
        """False for a pair that breaks a target rule a lock waives: locked, it would
        cost less than the re-solve counts."""
        i = self.pl.pair_index(c, p)
        return not any(mask[i] for rid, mask in self.base.pairs.breaks.items()
                       if rid in LOCK_EXEMPT)

    def forced(self, c: int, p: int) -> tuple[pd.DataFrame | None, float | None, str]:
        """The roster with cadre row c in post row p, its objective and status."""
        pairs = self.base.pairs
        others = np.flatnonzero((pairs.post == p) & (pairs.cadre != c))
        near = self.regions.around([p] + ([self.post_of[c]] if self.post_of[c] >= 0 else []))
        answer = self.resolver.without(self.pl.columns[others], near)
        if answer.values is None:
            return None, None, answer.status.value
        chosen = np.flatnonzero(answer.values[self.pl.columns] > 0.5)
        roster = roster_table(self.base.data, self.base.facts, pairs, chosen)
        return roster, self.resolver.objective(answer.values), answer.status.value
