"""A planner's session on one scenario and data set: the proposal, its model and its
HiGHS instances kept warm between questions.

Why: the workbench turns every question into a click (issue 16), so the answer to the
next question is what counts. A `Session` solves the scenario once and then answers
- `what_if(settings)`: the scenario with `--set`-style settings, taking from the
  proposal what the settings leave (`placement.meaning.changes`: its facts and pairs,
  its pairs with added locks applied, its model when only weights changed) and solved
  on the kept HiGHS instances (`placement.solver.warm`: an unchanged block is
  answered without a search, a block whose numbers changed is changed in place, one
  whose structure changed is searched anew);
- `why_nots(asked)` and `alternates(k, scope)`: re-solves of the proposal's kept MIP
  (`placement.pipeline.questions`, `placement.explain.alternates`), their set-up (the
  MIP as arrays, the regions, the proposal's checker report) made once.
- `solve(**options)`: the scenario's whole result (`api.solve`'s: roster checked,
  explained, tables), solved as cold (see `solve`), its proposal kept as the session's
  when it is the scenario's own (no `start_from`, `keep_close_to`, not stopped): the
  workbench's warm worker writes it as a run's result folder, and answers the run's
  why-not and alternates on it. A session opened from another's proposal
  (`inherit`: the worker's sessions of one data set) takes from it what its scenario
  leaves, as `what_if` does, and solves that as cold: the same model, the same roster.
Every answer is the cold path's answer: the same proposal objects, priced exactly
(tests/test_warm.py compares them with cold solves). One question at a time per
session (the kept HiGHS instances run one search at a time).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from models.builder import made_hard, replaced, switched_off
from placement.data.dataset import DataSet
from placement.data.locks import validate_locks
from placement.data.scenario import Scenario
from placement.data.scenario_io import override_scenario
from placement.eligibility.pairs import with_locks
from placement.explain.alternates import Alternates, find_alternates
from placement.explain.whynot import WhyNot
from placement.meaning import changes
from placement.pipeline.locked import held_here, locked, on_lp
from placement.pipeline.propose import Proposal, propose
from placement.pipeline.questions import why_nots
from placement.solver.resolve import LpBound, kept_resolver
from placement.solver.warm import WarmMip


class Session:
    """The scenario `sc` on `data`, proposed once (`base`, or solved here) and kept.
    `lazy`: propose only when a question first needs the proposal (the workbench's
    first question is a `solve`, whose proposal becomes the session's)."""

    def __init__(self, sc: Scenario, data: DataSet, base: Proposal | None = None,
                 cancel: threading.Event | None = None, lazy: bool = False,
                 mip: WarmMip | None = None):
        """`mip`: the HiGHS instances `base` was solved on, when it was solved warm."""
        self.sc, self.data = sc, data
        self.mip = mip if mip is not None else WarmMip()
        self._base = base
        self._kept: dict = {}  # the proposal's re-solve set-up, shared by the questions
        if base is None and not lazy:
            self._propose(cancel)
        self._parent: Proposal | None = None  # another session's proposal (`inherit`)

    def _propose(self, cancel: threading.Event | None = None) -> None:
        """Propose the scenario on the kept HiGHS instances, and take the arrays and LP
        basis it was solved with while they are still kept (`locked` re-solves them; the
        re-solve set-up of why-not and alternates takes them for `resolver_for`'s): only
        from a single weighted solve of the whole model (`held_here`), whose arrays are
        the re-solve's (a lexicographic solve's last arrays hold the earlier levels)."""
        self._base = propose(self.sc, self.data, explain=False, cancel=cancel, warm=self.mip)
        if held_here(self._base):
            self._kept["solved"] = self.mip.solved(self._base.placement.model)
        elif held_here(self._base, blocks=True):  # its lock what-ifs held on them
            self._kept["arrays"] = self.mip.arrays(self._base.placement.model)

    @property
    def base(self) -> Proposal:
        """The scenario's proposal (proposed now when the session was opened `lazy`)."""
        if self._base is None:
            self._propose()
        return self._base

    @property
    def proposed(self) -> bool:
        """The session holds its proposal (a question needs no proposal first)."""
        return self._base is not None

    def adopt(self, proposal: Proposal) -> None:
        """Keep `proposal` (the scenario's own, solved cold by `run.solve_in`) as the
        session's, when the session has none yet."""
        if self._base is None:
            self._base = proposal
        self._parent = None  # taken what it gave: not kept alive by this session

    def inherit(self, others: Sequence[Proposal]) -> str:
        """Take the first of `others` (proposals on the same data set, the likeliest
        first) from which the scenario's own proposal can reuse a stage
        (`placement.meaning.changes`); what it reuses: "model", "eligibility" or "".

        Why: the workbench's what-if run is a session of its own (the run's settings),
        solved as cold; its eligibility and, for a change of weights, its model are
        those of the proposal it was asked from (a run's eligibility and build took
        0.16 s of its 0.9 s on Linfen)."""
        if self._base is not None:
            return ""
        sc, _ = validate_locks(self.sc, self.data)
        for other in others:
            eligible, built = self._reused(sc, other, False)
            if eligible is not None:
                self._parent = other
                return "model" if built is not None else "eligibility"
        return ""

    def inherited(self) -> tuple[tuple | None, object | None]:
        """`propose`'s `eligible` and `built` for the scenario's own proposal: what it
        takes from the proposal `inherit` chose (None, None without one)."""
        if self._parent is None or self._base is not None:
            return None, None
        return self._reused(validate_locks(self.sc, self.data)[0], self._parent, False)

    def what_if(self, *settings: str, show=None, cancel: threading.Event | None = None,
                keep_close_to: pd.DataFrame | None = None,
                same_pairs: bool = False) -> Proposal:
        """The scenario with `settings` (`dotted.key=value`, read as `--set`), proposed
        on the kept HiGHS instances; `keep_close_to` as `propose` reads it (the price
        list keeps to the proposal, so that a price's changed lines are its own).
        What the settings leave as it was is taken from the proposal
        (`placement.meaning.changes`): its facts and eligible pairs when eligibility
        does not read them (team rules, weights; `same_pairs`: the caller knows so),
        its pairs with the locks added applied when only forbid or must locks were
        added (`placement.eligibility.pairs.with_locks`), its model when only the
        objective's weights changed; when only team rules changed, the proposal's model's
        arrays for every other family's rows (`propose`'s `like`), and when they are only
        switched off, its model with their rows free (`models.builder.switched_off`: no
        build). When only forbid or must locks were added, the proposal's MIP with those
        pairs' columns held (`placement.pipeline.locked`: no build, the LP from the
        proposal's basis), where that is the same question. Raises `InputError` for a
        bad key or value."""
        sc, _ = validate_locks(override_scenario(self.sc, settings), self.data)
        base = self.base
        held = None
        if keep_close_to is None and not same_pairs and changes.locks_only(base.scenario, sc):
            held = on_lp(self._lp) if held_here(base) else \
                self._held if self._kept.get("arrays") is not None else None
        if held is not None:
            answer = locked(sc, base, changes.added_locks(base.scenario, sc, "forbid"),
                            changes.added_locks(base.scenario, sc, "must"), held)
            if answer is not None:
                return answer
        eligible, built = self._reused(sc, base, same_pairs)
        rules = changes.team_rules_only(base.scenario, sc)
        like = (None if eligible is None or base.placement is None or not rules
                else (base.placement, rules))
        # Weights alone, or rules switched off, add no hard figure: the proposal's
        # pre-checks (none: it has a roster) stand.
        prechecked = built is not None and base.roster is not None
        if like is not None and built is None:
            built = switched_off(base.placement, sc, rules)
            prechecked = built is not None and base.roster is not None
            built = built or made_hard(base.placement, sc, rules) or \
                replaced(base.placement, sc, rules)
        return propose(sc, self.data, show=show, explain=False, cancel=cancel,
                       warm=self.mip, keep_close_to=keep_close_to, eligible=eligible,
                       built=built, like=like, prechecked=prechecked)

    def _reused(self, sc: Scenario, base: Proposal, same_pairs: bool):
        """The facts and pairs, and the model, of `base` that `sc` leaves as they were
        (None where it does not): see `what_if`."""
        touched = changes.SAME if same_pairs else changes.eligibility(base.scenario, sc)
        if touched == changes.ANEW:
            return None, None
        if touched == changes.LOCKS:
            pairs = with_locks(base.pairs, self.data,
                               changes.added_locks(base.scenario, sc, "forbid"),
                               changes.added_locks(base.scenario, sc, "must"))
            return (None if pairs is None else (base.facts, pairs)), None
        built = (base.placement if base.placement is not None
                 and changes.objective_only(base.scenario, sc) else None)
        return (base.facts, base.pairs), built

    def _held(self, cols: np.ndarray, values: np.ndarray, time_limit: float):
        """`locked`'s `held` for a proposal solved block by block: the arrays it was
        solved as, with the columns held, on the kept city instances."""
        m = self._kept["arrays"]
        answer = self.mip.held(m, cols, values, time_limit)
        return None if answer is None else (answer.values, m)

    def _lp(self) -> LpBound:
        """The proposal's LP relaxation with its optimal basis, kept with the re-solve
        set-up the why-nots and alternates share (from the arrays and basis it was solved
        with when the session proposed it: no `mip_arrays`, no LP from scratch)."""
        o = self.base.outcome
        resolver, _ = kept_resolver(self._kept, self.base.placement, o.values,
                                    float(o.objective), o.proven, o.blocks > 0)
        return resolver.lp()

    def why_nots(self, asked: Sequence[tuple[str, str]]) -> list[WhyNot]:
        """`placement.pipeline.questions.why_nots` on the session's proposal."""
        return why_nots(self.sc, self.data, asked, self.base, self._kept)

    def alternates(self, k: int, scope: str | Sequence[str] = "changed",
                   on_post: Callable[[int, int], None] | None = None,
                   keep_rosters: bool = False) -> Alternates:
        """`placement.explain.alternates.find_alternates` on the session's proposal."""
        return find_alternates(self.base, k, scope, on_post, keep_rosters, self._kept)
