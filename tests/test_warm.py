"""Warm answers equal cold ones (issue 16): a `Session` keeps the proposal, its model and
its HiGHS instances between questions; every what-if, why-not and alternate it answers
must have exactly the objective of the cold path's answer, and its roster must pass the
independent checker, whose own objective equals the one reported.

On the bundled Nanpiao scenario (one block), a seeded random sample of one-rule what-ifs,
the three ways a warm solve goes (changed in place, searched anew after a structural
change, reused), eligible pairs and posts; on two generated cities (four blocks), a
lock in one city and a figure over all teams; on a tiny MIP, `Search.retarget` against
a fresh search."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from solving import blocks_scenario, what_if_building

from placement.checker import check_roster
from placement.data.loader import build_dataset, load_dataset
from placement.data.scenario_io import load_scenario, override_scenario
from placement.eligibility.pairs import eligible_pairs, with_locks
from placement.explain.alternates import find_alternates
from placement.generate import REFERENCE_DATE, build
from placement.meaning import changes
from placement.pipeline.propose import propose
from placement.pipeline.questions import why_nots
from placement.pipeline.warm import Session
from placement.solver.highs import MipArrays, Search
from placement.solver.warm import same_arrays
from placement.tools.interactive import lock_what_ifs

ROOT = Path(__file__).resolve().parents[1]
# One-rule what-ifs that change Nanpiao's model: numbers only (the move weight) or its
# structure (a target rule switched off drops its rows and shortfall columns).
WHAT_IFS = ["weights.move=200", "weights.move=0", "weights.move=50", "rules.R-TC1.mode=off",
            "rules.R-TC10.mode=off", "rules.R-TC10.weight=500", "rules.R-TC1.weight=10"]


@pytest.fixture(scope="module")
def session():
    sc = load_scenario(ROOT / "scenarios" / "nanpiao.toml")
    data = load_dataset(sc.data, sc.reference_date)
    return Session(sc, data)


def _checked(sc, data, prop) -> None:
    report = check_roster(sc, data, prop.roster)
    assert report.ok, report.render("en")
    fit = prop.roster.set_index("post_id")["fit"]
    assert report.objective_terms(fit)["objective"] == pytest.approx(prop.outcome.objective)


def test_warm_what_ifs_equal_cold_ones(session):
    sc, data = session.sc, session.data
    picked = np.random.default_rng(16).choice(WHAT_IFS, 4, replace=False).tolist()
    for setting in picked:
        warm = session.what_if(setting)
        cold = propose(override_scenario(sc, [setting]), data, explain=False)
        assert warm.outcome.proven and cold.outcome.proven, setting
        assert warm.outcome.objective == cold.outcome.objective, setting
        _checked(warm.scenario, data, warm)


def test_each_kind_of_warm_solve(session):
    """In place when only numbers change, anew when the structure changes, no search
    for a model solved before; each answer the cold one."""
    fresh = Session(session.sc, session.data, session.base)  # nothing kept yet
    steps = [("weights.move=30", "rebuilt"),  # the first solve of the session
             ("weights.move=40", "updated"),
             # switched off: no build (`models.builder.switched_off`), but its rows
             # dropped, so searched anew from the proposal's basis
             ("rules.R-TC10.mode=off", "rebuilt"),
             ("rules.R-TC1.mode=target", "rebuilt"),  # shortfall columns added
             ("weights.move=30", "reused")]
    for setting, kind in steps:
        before = dict(fresh.mip.counts)
        warm = fresh.what_if(setting)
        cold = propose(override_scenario(fresh.sc, [setting]), fresh.data, explain=False)
        assert {k: fresh.mip.counts[k] - before[k] for k in before if
                fresh.mip.counts[k] != before[k]} == {kind: 1}, setting
        assert warm.outcome.objective == cold.outcome.objective, setting
        _checked(warm.scenario, fresh.data, warm)


def test_a_what_if_that_changes_nothing_is_answered_without_a_search(session):
    before = session.mip.counts["reused"]
    same = session.what_if(f"weights.move={session.sc.weights.move}")
    assert session.mip.counts["reused"] == before + 1
    assert same.outcome.objective == session.base.outcome.objective


def test_an_optimum_within_the_gap_is_kept_as_a_proven_one(session, monkeypatch):
    """An answer optimal within its gap but not proven (the province's whole-model solves
    stop at the 0.1 % gap) is answered again without a search, as a proven one is; before,
    a what-if asked again on the province searched 34 s anew (docs/solver.md)."""
    fresh = Session(session.sc, session.data, session.base)
    real = Search.run

    def unproven(self, show=None):
        answer = real(self, show)
        answer.proven = False  # as a search stopped by a gap above 0 reports it
        return answer

    monkeypatch.setattr(Search, "run", unproven)
    first = fresh.what_if("weights.move=30")
    before = dict(fresh.mip.counts)
    again = fresh.what_if("weights.move=30")
    assert {k: fresh.mip.counts[k] - before[k] for k in before} == \
        {"reused": 1, "updated": 0, "rebuilt": 0}
    assert again.outcome.objective == first.outcome.objective


def _same_pairs(a, b) -> None:
    """Two `Pairs` alike, field by field."""
    for f in ("cadre", "post", "own", "step", "must", "fit"):
        assert np.array_equal(getattr(a, f), getattr(b, f)), f
    assert a.breaks.keys() == b.breaks.keys()
    for rid in a.breaks:
        assert np.array_equal(a.breaks[rid], b.breaks[rid]), rid
    pd.testing.assert_frame_equal(a.removed, b.removed)
    assert a.lock_conflicts == b.lock_conflicts


def _reuse_case(session, setting, monkeypatch):
    """The warm what-if of `setting`, the cold one, and whether the warm one built its
    model (`build` called)."""
    warm, built = what_if_building(session, setting, monkeypatch)
    cold = propose(override_scenario(session.sc, [setting]), session.data, explain=False)
    assert warm.outcome.proven and cold.outcome.proven, setting
    assert warm.outcome.objective == cold.outcome.objective, setting
    _same_pairs(warm.pairs, cold.pairs)
    _checked(warm.scenario, session.data, warm)
    return warm, cold, built


def test_a_what_if_reuses_the_stages_its_settings_leave(session, monkeypatch):
    """Team rules and weights leave the facts and pairs (taken as they are); weights
    alone, or team rules switched off or made hard, leave the model (not built again), a
    team rule's figures or weight its family only (`models.builder.replaced`); a pair rule's
    setting and a pair rule switched off need the pairs anew. Each answer the cold
    one's, pairs and all."""
    base = session.base
    cases = [("rules.R-TC1.mode=target", True, True),  # team rule: pairs kept, model built
             ("rules.R-TC10.mode=off", True, False),  # switched off: its rows freed
             ("rules.R-TC10.weight=500", True, False),  # its family alone built again
             ("rules.R-TC1.weight=10", True, False),
             ("weights.move=200", True, False),  # weights only: the model kept too
             ("weights.fit=2", True, False),
             ("rules.R-EL1.mode=off", False, True),  # pair rules: eligibility anew
             ("rules.R-EL9.max_steps=2", False, True)]
    for setting, kept, builds in cases:
        warm, cold, built = _reuse_case(session, setting, monkeypatch)
        assert (warm.pairs is base.pairs) == kept, setting
        assert (warm.facts is base.facts) == kept, setting
        assert built == builds, setting
    # the kept model is left as it was: the proposal's own objective again
    again = session.what_if(f"weights.move={session.sc.weights.move}")
    assert again.outcome.objective == base.outcome.objective


def test_a_lock_what_if_drops_or_forces_the_kept_pairs(session, monkeypatch):
    """A forbid of a proposed line, a forbid of a pair no rule allows, a must lock on an
    eligible pair not proposed: the kept pairs with the lock applied, the same as built
    anew, and answered on the proposal's MIP with no build (`placement.pipeline.locked`,
    tests/test_lock_what_if.py); a must lock on a pair outside them is built anew."""
    base, data = session.base, session.data
    cadre_ids, post_ids = data.cadres["cadre_id"].to_numpy(), data.posts["post_id"].to_numpy()
    line = base.roster.query("change != 'stay'").iloc[0]
    gone = base.pairs.removed.iloc[0]
    chosen = np.zeros(len(base.pairs), dtype=bool)
    chosen[base.outcome.chosen] = True
    holder = base.facts.p_incumbent[base.pairs.post]
    free = np.flatnonzero(~chosen & ~base.pairs.own & (holder < 0))
    forced = free[len(free) // 2]

    def lock(kind, cadre, post):
        return f'locks.{kind}=[{{cadre="{cadre}", post="{post}"}}]'

    cases = [lock("forbid", line.cadre_id, line.post_id),
             lock("forbid", cadre_ids[gone.cadre], post_ids[gone.post]),
             lock("must", cadre_ids[base.pairs.cadre[forced]], post_ids[base.pairs.post[forced]])]
    for setting in cases:
        warm, cold, built = _reuse_case(session, setting, monkeypatch)
        assert warm.facts is base.facts and warm.pairs is not base.pairs, setting
        assert not built and warm.placement is None, setting
    outside = lock("must", cadre_ids[gone.cadre], post_ids[gone.post])
    sc = override_scenario(session.sc, [outside])
    assert with_locks(base.pairs, data, [], [(cadre_ids[gone.cadre], post_ids[gone.post])]) \
        is None
    _same_pairs(session.what_if(outside).pairs, eligible_pairs(data, sc, base.facts))


def test_a_change_is_read_stage_by_stage(session):
    """`placement.meaning.changes` on scenarios: what eligibility and the model read."""
    sc = session.sc

    def read(*settings):
        new = override_scenario(sc, list(settings))
        return changes.eligibility(sc, new), changes.objective_only(sc, new)

    assert read("weights.move=1") == (changes.SAME, True)
    assert read("solver.time_limit=5", "weights.release=3") == (changes.SAME, True)
    assert read("rules.R-TC5.min_women=3") == (changes.SAME, False)
    assert read("allow_release=true") == (changes.SAME, False)
    assert read('locks.keep=["x"]') == (changes.SAME, False)
    assert read('locks.forbid=[{cadre="a", post="b"}]') == (changes.LOCKS, False)
    assert read('locks.must=[{cadre="a", post="b"}]', "weights.move=1") == \
        (changes.LOCKS, False)
    assert read("rules.R-EL1.mode=off") == (changes.ANEW, False)
    assert read("rules.R-AV2.mode=off", "rules.R-TC5.min_women=3") == (changes.ANEW, False)
    assert read("fit.specialty=0.5") == (changes.ANEW, False)
    assert read("reference_date=2027-01-01") == (changes.ANEW, False)
    locked = override_scenario(sc, ['locks.forbid=[{cadre="a", post="b"}]'])
    assert changes.eligibility(locked, sc) == changes.ANEW  # a lock taken away


def test_warm_why_nots_equal_cold_ones(session):
    sc, data, base = session.sc, session.data, session.base
    chosen = set(base.outcome.chosen.tolist())
    # on posts no sitting cadre keeps: forcing a pair onto one a sitting holder keeps has no
    # roster where the holder has nowhere else to go (no release without a cause)
    holder = base.facts.p_incumbent[base.pairs.post]
    kept = (holder >= 0) & (base.placement.stay_pair[np.maximum(holder, 0)] >= 0)
    free = [i for i in range(len(base.pairs)) if i not in chosen and not kept[i]]
    picked = np.random.default_rng(161).choice(free, 4, replace=False)
    cadre_ids, post_ids = data.cadres["cadre_id"].to_numpy(), data.posts["post_id"].to_numpy()
    asked = [(cadre_ids[base.pairs.cadre[i]], post_ids[base.pairs.post[i]]) for i in picked]
    warm = session.why_nots(asked)
    again = session.why_nots(asked[:1])  # the kept set-up, used a second time
    cold = why_nots(sc, data, asked)  # the proposal solved again, nothing kept
    for w, c in zip(warm, cold, strict=True):
        assert w.eligible and w.status == c.status == "optimal"
        assert w.objective_after == c.objective_after
    assert again[0].objective_after == warm[0].objective_after


def test_warm_alternates_equal_cold_ones(session):
    base = session.base
    changed = base.roster[base.roster["change"] != "stay"]["post_id"].tolist()
    posts = np.random.default_rng(162).choice(changed, 3, replace=False).tolist()
    warm = session.alternates(2, posts, keep_rosters=True)
    cold = find_alternates(propose(session.sc, session.data, explain=False), 2, posts)
    key = ["post_id", "rank"]
    w, c = warm.table.set_index(key), cold.table.set_index(key)
    assert list(w.index) == list(c.index) and len(w) > 0
    assert (w["objective"] == c["objective"]).all()
    assert w["checked"].all()
    for roster in warm.rosters.values():
        assert check_roster(session.sc, session.data, roster).ok


def test_a_lock_in_one_city_re_solves_that_city_only():
    g = build("province2", 7)
    data = build_dataset(g.tables, reference_date=REFERENCE_DATE)
    sc = blocks_scenario()
    session = Session(sc, data)
    # two cities, one block each (14,007 and 14,493 columns: since issue 24 a cadre a rule
    # moves may take a post of his rank in his city's departments or counties alike, which
    # joins the two blocks per city of issue 19; since issue 30 a cadre a target rotation
    # rule makes due (R-RO3, R-RO4) too), plus one block of the 22 one-column components
    # (`blocks.SMALL_BLOCK`): the shortfall of R-TC6 in a flagged team where no non-Party
    # cadre meets the post (min_fit)
    n = session.base.outcome.blocks
    assert n == 3 and session.mip.counts["rebuilt"] == n
    line = session.base.roster.query("change != 'stay'").iloc[0]
    steps = [
        # forbidding one proposed line holds its column at 0 on the arrays the proposal
        # was solved as (`WarmMip.held`: no build): its block's kept instance is changed
        # in place and re-solved alone; the other two are as solved and the stitched
        # roster keeps every set-aside row (built anew, the forbid dropped the pair's
        # column, and its block was searched anew: rebuilt 1)
        (f'locks.forbid=[{{cadre="{line.cadre_id}", post="{line.post_id}"}}]',
         {"reused": n - 1, "updated": 1}),
        # R-TC4 (one figure over all teams, a target) out of the blocks' reach: each block
        # is as solved, the stitched roster breaks the figure, and the two cities' blocks
        # are solved again in place with its young appointments priced (Lagrangian
        # passes, `BlockSearch._priced`), the whole MIP never searched
        ("rules.R-TC4.min_count=400", {"reused": n, "updated": None})]
    for setting, kinds in steps:
        before = dict(session.mip.counts)
        warm = session.what_if(setting)
        cold = propose(override_scenario(sc, [setting]), data, explain=False)
        moved = {k: session.mip.counts[k] - before[k] for k in before
                 if session.mip.counts[k] != before[k]}
        if kinds.get("updated", 0) is None:  # two blocks a pass, as many passes as it takes
            assert moved["updated"] % 2 == 0
            kinds = kinds | {"updated": moved["updated"]}
        assert moved == kinds, setting
        assert warm.outcome.proven and warm.outcome.objective == cold.outcome.objective
        assert (warm.placement is None) == setting.startswith("locks."), setting  # held
        _checked(warm.scenario, data, warm)
    # A rule switched off frees its rows in every city; the blocks keep them (the same
    # MIP: `WarmMip._solve`'s `full`), so each city's kept instance is changed in place
    # and its LP goes on from its basis, none searched anew (without them, every city
    # whose rows changed was, its LP from scratch).
    before = dict(session.mip.counts)
    warm = session.what_if("rules.R-TC8.mode=off")
    cold = propose(override_scenario(sc, ["rules.R-TC8.mode=off"]), data, explain=False)
    moved = {k: session.mip.counts[k] - before[k] for k in before}
    assert moved["rebuilt"] == 0 and moved["updated"] >= 2, moved
    assert warm.outcome.proven and warm.outcome.objective == cold.outcome.objective
    _checked(warm.scenario, data, warm)


def test_a_city_a_lock_leaves_is_answered_from_the_last_passes():
    """On a proposal proven by Lagrangian passes (R-TC4's figure over both cities
    priced), a forbid in one city is held on the proposal's arrays (no build) and its
    first pass prices the row where the proposal's proof ended: the other city's
    sub-MIP is the one the proposal's passes proved at that price, answered from them
    without a search (`BlockSearch._carried`), and only the forbid's city is searched
    (in place). The answer is the cold one's."""
    g = build("province2", 7)
    data = build_dataset(g.tables, reference_date=REFERENCE_DATE)
    sc = override_scenario(blocks_scenario(), ["rules.R-TC4.min_count=400"])
    session = Session(sc, data)
    assert session.base.outcome.blocks == 3 and session.mip.counts["updated"] > 0  # priced
    line = session.base.roster.query("change != 'stay'").iloc[0]
    setting = f'locks.forbid=[{{cadre="{line.cadre_id}", post="{line.post_id}"}}]'
    before = dict(session.mip.counts)
    warm = session.what_if(setting)
    moved = {k: session.mip.counts[k] - before[k] for k in before}
    # the small block: its kept answer; the city the forbid leaves: not asked; the
    # forbid's city: its kept instance changed in place
    assert moved == {"reused": 1, "updated": 1, "rebuilt": 0}, moved
    assert warm.placement is None  # held: no model built
    cold = propose(override_scenario(sc, [setting]), data, explain=False)
    assert warm.outcome.proven and warm.outcome.objective == cold.outcome.objective
    _checked(warm.scenario, data, warm)
    # a value outside a column's bounds is not held (the what-if is then built anew)
    arrays = session.mip.arrays(session.base.placement.model)
    assert arrays is not None
    assert session.mip.held(arrays, np.array([0]), np.array([arrays.upper[0] + 1]), 60) is None
    # a must lock on a seeded vacant post, held the same way: the cold answer
    must = next(s for s in lock_what_ifs(session.base, 7) if s.startswith("locks.must"))
    warm = session.what_if(must)
    cold = propose(override_scenario(sc, [must]), data, explain=False)
    assert warm.placement is None
    assert warm.outcome.proven and warm.outcome.objective == cold.outcome.objective
    _checked(warm.scenario, data, warm)


def _tiny(cost, upper, row_upper) -> MipArrays:
    """max 5a + 4b + 3c (minimised negated) s.t. a + b + c ≤ row_upper, 2a + b ≤ 2."""
    return MipArrays(cost=np.array(cost, float), lower=np.zeros(3), upper=np.array(upper, float),
                     starts=np.array([0, 3, 5], np.int32),
                     index=np.array([0, 1, 2, 0, 1], np.int32),
                     value=np.array([1.0, 1.0, 1.0, 2.0, 1.0]),
                     row_lower=np.array([-np.inf, -np.inf]),
                     row_upper=np.array([row_upper, 2.0]), offset=0.0, scale=1.0)


def test_retarget_changes_the_kept_model_in_place():
    search = Search(_tiny([-5, -4, -3], [1, 1, 1], 2.0), 10)
    assert search.run().objective == -8  # a and c (5 + 3; b with a breaks 2a + b ≤ 2)
    changed = _tiny([-5, -6, -3], [1, 1, 1], 3.0)
    assert search.retarget(changed)
    # b and c, a would break 2a + b ≤ 2 with b: 6 + 3 = 9; a, c: 8; so b + c = 9.
    assert search.run().objective == -9 == Search(changed, 10).run().objective
    other = _tiny([-5, -6, -3], [1, 1, 1], 3.0)
    other = MipArrays(**{**other.__dict__, "index": np.array([0, 1, 2, 0, 2], np.int32)})
    assert not search.retarget(other)  # another nonzero pattern: not in place


def test_a_change_of_costs_only_goes_on_with_the_primal_simplex():
    """A weight moved, or a row bound only widened (a rule switched off), keeps the LP's
    last optimum feasible: its LP goes on with the primal simplex; a bound tightened goes
    back to the dual, unless an earlier LP had these very bounds and rows (its optimal
    basis is set, then the primal). Each answer a fresh search's."""
    from placement.solver.highs import DUAL, PRIMAL

    search = Search(_tiny([-5, -4, -3], [1, 1, 1], 2.0), 10)
    search.run()
    for model, strategy in ((_tiny([-5, -6, -3], [1, 1, 1], 2.0), PRIMAL),
                            (_tiny([-5, -6, -3], [1, 1, 1], 3.0), PRIMAL),  # widened
                            (_tiny([-1, -6, -3], [1, 1, 1], 3.0), PRIMAL),
                            (_tiny([-1, -6, -3], [1, 0, 1], 3.0), DUAL),
                            (_tiny([-2, -6, -3], [1, 1, 1], 2.0), PRIMAL)):  # the first's
        assert search.retarget(model)
        assert search._lp.getOptionValue("simplex_strategy")[1] == strategy
        assert search.run().objective == Search(model, 10).run().objective


def test_other_bounds_at_an_earlier_lp_s_costs_start_from_that_lp_s_basis():
    """Bounds moved back at the costs an earlier LP was optimal for (a rule made hard
    after a weight's what-if; a fixed column's cost aside): the dual simplex starts
    from that LP's basis, not from the last one's; the answer a fresh search's."""
    search = Search(_tiny([-5, -4, -3], [1, 1, 1], 2.0), 10)
    search.run()
    search.retarget(_tiny([-5, -6, -3], [1, 1, 1], 2.0))  # a weight
    search.run()
    real, set_to = search._lp, []

    class Spy:
        def __getattr__(self, name):
            return getattr(real, name)

        def setBasis(self, basis):
            set_to.append(basis)
            return real.setBasis(basis)

    search._lp = Spy()
    hard = _tiny([-5, -4, 0], [1, 1, 0], 2.0)  # c fixed at 0, its cost dropped
    assert search.retarget(hard)
    assert len(set_to) == 1
    assert search.run().objective == Search(hard, 10).run().objective


def test_kept_answers_are_dropped_by_bytes_least_recently_used_first(monkeypatch):
    """Room for two tiny MIPs' arrays: a third drops the least recently used, and an
    answer looked up again becomes the most recent."""
    from placement.solver import warm

    tiny = [_tiny([-5, -4, -k], [1, 1, 1], 2.0) for k in (1, 2, 3)]
    monkeypatch.setattr(warm, "MEMO_BYTES", 2 * warm.nbytes(tiny[0]))
    mip = warm.WarmMip()
    limits = (10.0, 0.0)
    answers = [Search(m, 10).run() for m in tiny]
    mip._remember(tiny[0], answers[0], limits)
    mip._remember(tiny[1], answers[1], limits)
    assert mip._known(tiny[0], limits) is answers[0]  # now the most recent
    mip._remember(tiny[2], answers[2], limits)
    assert mip._known(tiny[1], limits) is None  # the least recent, dropped
    assert mip._known(tiny[0], limits) is answers[0]
    assert mip._known(tiny[2], limits) is answers[2]
    assert mip._bytes == 2 * warm.nbytes(tiny[0])


def test_the_api_opens_a_session(session):
    from placement import api

    opened = api.session(session.sc, session.data)
    assert isinstance(opened, Session)
    assert opened.base.outcome.objective == session.base.outcome.objective
    assert api.check(session.sc, session.data, opened.what_if("weights.move=50").roster).ok


def test_a_session_inherits_the_stages_another_proposal_leaves(session):
    """A session of the scenario with other settings (the workbench's what-if run),
    opened from the session's proposal, takes its model (weights), its pairs (a team
    rule, a lock added) or nothing (a pair rule), and solves as cold: the very roster
    `api.solve` gives, checked."""
    from placement import api

    base, data = session.base, session.data
    line = base.roster.query("change != 'stay'").iloc[0]
    forbid = f'locks.forbid=[{{cadre="{line.cadre_id}", post="{line.post_id}"}}]'
    for setting, taken in (("weights.move=200", "model"), ("rules.R-TC10.mode=off",
                           "eligibility"), (forbid, "eligibility"),
                           ("rules.R-EL9.max_steps=2", "")):
        sc = override_scenario(session.sc, [setting])
        opened = Session(sc, data, lazy=True)
        assert opened.inherit([base]) == taken, setting
        eligible, _ = opened.inherited()
        assert (eligible is not None and eligible[0] is base.facts) == bool(taken), setting
        warm, cold = api.solve_in(opened), api.solve(sc, data)
        pd.testing.assert_frame_equal(warm.roster, cold.roster)
        assert warm.summary["check"]["ok"], setting
        assert opened.inherited() == (None, None)  # its own proposal now


def test_the_model_solved_again_has_only_its_objective_read(session, monkeypatch):
    """Weights alone solve the proposal's model again (`built`): after the first such
    what-if the proto is not read at all (its objective comes as arrays), the arrays
    equal to those read whole; a model the proposal's arrays cannot be changed into is
    read whole (`mip_arrays`). Each answer the cold one's."""

    read, solved = _spied_arrays(monkeypatch)
    sc, data = session.sc, session.data
    for setting, unread in (("weights.move=7", None), ("weights.fit=3", True),
                            ("weights.move=150", True), ("rules.R-EL9.max_steps=2", False)):
        read.clear()
        solved.clear()
        got = session.what_if(setting)
        assert len(solved) == 1 and same_arrays(solved[0], _read_whole(got)), setting
        if unread is not None:
            assert (not read) is unread, setting
        cold = propose(override_scenario(sc, [setting]), data, explain=False)
        assert got.outcome.objective == cold.outcome.objective, setting


def _spied_arrays(monkeypatch) -> tuple[list, list]:
    """Spies on the warm solver: the calls of `mip_arrays` (the proto read), and the
    whole arrays each search was given."""
    from placement.solver import warm

    read, solved = [], []
    real_read, real_solve = warm.mip_arrays, warm.WarmMip._solve

    def reading(proto, rows=None, splice=None):
        read.append((rows is not None, splice is not None))
        return real_read(proto, rows, splice)

    def solving(self, m, limits, on_start, hint, show, proto, pairs=None, full=None):
        solved.append(full if full is not None else m)
        return real_solve(self, m, limits, on_start, hint, show, proto, pairs, full)

    monkeypatch.setattr(warm, "mip_arrays", reading)
    monkeypatch.setattr(warm.WarmMip, "_solve", solving)
    return read, solved


def _read_whole(prop) -> MipArrays:
    """The arrays of the proposal's model read whole from its proto, with the objective
    its solve sets (`solver.solve`: the weighted level, ties broken) written in a copy."""
    from ortools.sat.python import cp_model

    from models.objective import set_objective, tie_broken, weighted
    from placement.solver.highs import mip_arrays

    pl = prop.placement
    model = cp_model.CpModel()
    model.proto.copy_from(pl.model.proto)
    set_objective(pl, tie_broken(pl, weighted(pl)), model)
    return mip_arrays(model.proto)


# Team rule what-ifs: a rule's figures, its mode (off drops its rows and shortfall
# columns, hard drops the columns), and two at once.
TEAM_WHAT_IFS = [("rules.R-TC5.min_women=3",), ("rules.R-TC8.mode=off",),
                 ("rules.R-TC5.mode=hard",), ("rules.R-TC10.mode=off",),
                 ("rules.R-TC1.mode=off", "rules.R-TC10.weight=500"),
                 ("rules.R-TC5.min_women=3", "weights.move=200")]


def test_a_team_rule_what_if_is_the_proposal_s_arrays_changed_alike(session, monkeypatch):
    """A team rule switched off, made hard or its figures changed, alone or beside
    weights: the proposal's arrays changed as the model was (`models.builder.Derivation`,
    `highs.derived`), with no read of the proto, are the arrays read whole; the
    objective is the cold one's and the roster passes the checker. A rule switched off
    beside another's weight is built whole and read whole, the same."""
    read, solved = _spied_arrays(monkeypatch)
    sc, data = session.sc, session.data
    session.what_if()
    for settings in TEAM_WHAT_IFS:
        read.clear()
        solved.clear()
        got = session.what_if(*settings)
        whole = settings == ("rules.R-TC1.mode=off", "rules.R-TC10.weight=500")
        assert (got.placement.derived is None) == whole, settings
        assert len(solved) == 1 and same_arrays(solved[0], _read_whole(got)), settings
        assert bool(read) == whole, settings
        cold = propose(override_scenario(sc, list(settings)), data, explain=False)
        assert got.outcome.objective == cold.outcome.objective, settings
        _checked(got.scenario, data, got)


def test_linfen_what_ifs_of_every_kind_are_searched_as_their_models_read_whole(
        monkeypatch):
    """On Linfen (36 blocks): a rule's figure (its family built again), a rule switched
    off, made hard, weights only, and a rule switched off beside a weight (built whole,
    the fallback): each search's arrays are those its model's proto reads whole with the
    solve's objective, and only the fallback reads the proto; each roster passes the
    checker."""
    sc = load_scenario(ROOT / "scenarios" / "linfen.toml")
    session = Session(sc, load_dataset(sc.data, sc.reference_date))
    read, solved = _spied_arrays(monkeypatch)
    for settings, whole in [(("rules.R-TC5.min_women=3",), False),
                            (("rules.R-TC8.mode=off",), False),
                            (("rules.R-TC5.mode=hard",), False),
                            (("weights.move=200",), False),
                            (("rules.R-TC5.min_women=3", "weights.move=200"), False),
                            (("rules.R-TC8.mode=off", "rules.R-TC10.weight=500"), True)]:
        read.clear()
        solved.clear()
        got = session.what_if(*settings)
        assert len(solved) == 1 and same_arrays(solved[0], _read_whole(got)), settings
        assert bool(read) == whole, settings
        _checked(got.scenario, session.data, got)


def test_a_team_rule_what_if_built_whole_reads_only_that_rule_s_rows(session, monkeypatch):
    """Built whole (the builder's copies declined), the proposal's arrays with the
    changed families' rows read from the new model (`highs._spliced`) are the arrays
    read whole, column for column; and the what-if's objective is the cold one's."""
    from placement.pipeline import warm as warm_module
    from placement.solver import highs

    real, taken = highs._spliced, []

    def spy(q, n, old, before, after, changed):
        m = real(q, n, old, before, after, changed)
        taken.append(m is not None)
        if m is not None:
            whole = highs._arrays(q)
            assert warm.same_arrays(m, whole), changed
        return m

    from placement.solver import warm
    monkeypatch.setattr(highs, "_spliced", spy)
    for name in ("switched_off", "made_hard", "replaced"):
        monkeypatch.setattr(warm_module, name, lambda *a: None)
    sc, data = session.sc, session.data
    session.what_if()  # the proposal's model is the last one read
    for settings in TEAM_WHAT_IFS:
        taken.clear()
        got = session.what_if(*settings)
        session.what_if()
        assert taken and all(taken), settings
        cold = propose(override_scenario(sc, list(settings)), data, explain=False)
        assert got.outcome.objective == cold.outcome.objective, settings
        _checked(got.scenario, data, got)


def test_a_model_searched_anew_starts_from_the_nearest_kept_basis():
    """Of the whole models' bases kept, the one of the model nearest in rows and columns,
    the latest of equals (a forbid after a rule switched off starts from the basis of
    the proposal's shape, not the last one's)."""
    from placement.solver.warm import _nearest

    same = _tiny([-5, -4, -3], [1, 1, 1], 2.0)
    fewer = MipArrays(**{**same.__dict__, "starts": np.array([0, 3], np.int32),
                         "row_lower": np.array([-np.inf]), "row_upper": np.array([2.0])})
    kept = [(same, "a"), (same, "b"), (fewer, "c")]
    assert _nearest(kept, same)[1] == "b"
    assert _nearest(kept, fewer)[1] == "c"


def test_a_team_rule_switched_off_is_the_kept_model_with_its_rows_free(session, monkeypatch):
    """Every team rule Nanpiao has on, switched off: the proposal's model with that
    family's rows freed (`models.builder.switched_off`, no build), which the search
    drops; the objective, pairs and checked roster of the cold
    what-if, which builds the model without the family. Switched off beside another
    change of the same family or another team rule, the model is built again."""
    from models.builder import switched_off

    on = [rid for rid, r in session.sc.rules.items()
          if rid.startswith("R-TC") and r.mode != "off"]
    assert len(on) >= 8
    for rid in on:
        warm, cold, built = _reuse_case(session, f"rules.{rid}.mode=off", monkeypatch)
        assert not built, rid
        assert {s.rule for s in warm.placement.shortfalls} == \
            {s.rule for s in cold.placement.shortfalls}, rid
        assert len(warm.placement.model.proto.constraints) == \
            len(session.base.placement.model.proto.constraints), rid
    base = session.base.placement
    mixed = override_scenario(session.sc, ["rules.R-TC8.mode=off", "rules.R-TC10.weight=500"])
    assert switched_off(base, mixed, frozenset({"R-TC8", "R-TC10"})) is None
    assert switched_off(base, session.sc, frozenset({"R-TC8"})) is None  # not off
    again = override_scenario(session.sc, ["rules.R-TC10.mode=off"])
    once = switched_off(base, again, frozenset({"R-TC10"}))
    assert switched_off(once, again, frozenset({"R-TC10"})) is None  # off already
    r0, r1, _, _ = base.spans["R-TC10"]
    assert r1 > r0
    for k in range(r0, r1):  # the family's rows hold for any roster; the proposal's not
        assert list(once.model.proto.constraints[k].linear.domain) == [-(2**63), 2**63 - 1]
        assert list(base.model.proto.constraints[k].linear.domain) != [-(2**63), 2**63 - 1]


def test_a_team_rule_s_family_built_again_alone_is_the_model_built_whole(session):
    """`models.builder.replaced`: the proposal's model with the changed families built
    alone and copied over their old rows and columns is the model `build` makes for
    the new scenario, constraint for constraint and name for name, with the same
    shortfalls and minimum rows; None where a family changes its size."""
    from models.builder import build, replaced

    base = session.base
    before = str(base.placement.model.proto)
    for settings in [("rules.R-TC4.min_count=3",), ("rules.R-TC10.weight=500",),
                     ("rules.R-TC6.weight=7", "rules.R-TC11.min_count=1")]:
        sc = override_scenario(session.sc, list(settings))
        rules = changes.team_rules_only(base.scenario, sc)
        got = replaced(base.placement, sc, rules)
        assert got is not None, settings
        whole = build(session.data, sc, base.facts, base.pairs)
        assert str(got.model.proto) == str(whole.model.proto), settings
        assert sorted((s.rule, s.where, s.var.index, s.weight) for s in got.shortfalls) == \
            sorted((s.rule, s.where, s.var.index, s.weight) for s in whole.shortfalls)
        assert got.minimum_rows == whole.minimum_rows
        assert str(base.placement.model.proto) == before  # left as it was
        if settings != ("rules.R-TC10.weight=500",):  # a weight is in the objective only
            assert str(got.model.proto) != before  # its rows' figures changed
    sc = override_scenario(session.sc, ["rules.R-TC4.mode=hard"])  # a column fewer
    assert replaced(base.placement, sc, frozenset({"R-TC4"})) is None


def test_what_ifs_that_add_no_hard_figure_skip_the_pre_checks(session, monkeypatch):
    """Weights alone or a rule switched off add no hard figure: the proposal's pre-checks
    (none) stand and are not run again; a figure raised is pre-checked, as cold."""
    from placement.pipeline import propose as propose_module

    calls = []
    real = propose_module.prechecks
    monkeypatch.setattr(propose_module, "prechecks",
                        lambda *a: calls.append(1) or real(*a))
    for setting in ("weights.move=77", "rules.R-TC10.mode=off"):
        calls.clear()
        warm = session.what_if(setting)
        assert not calls and warm.roster is not None, setting
    calls.clear()
    setting = 'rules.R-TC1.share="1/1"'  # every member of a department team exchanged
    warm = session.what_if(setting)
    cold = propose(override_scenario(session.sc, [setting]), session.data, explain=False)
    assert calls and warm.conflicts == cold.conflicts and warm.status == cold.status


def test_a_target_rule_made_hard_is_the_kept_model_with_its_shortfalls_at_0(session):
    """`models.builder.made_hard`: each team rule Nanpiao has as a target, made hard, is
    the proposal's model with the rule's shortfall columns at 0 and out of the
    objective, checked row by row against the family built hard alone; the what-if's
    status and objective are the cold one's (infeasible ones included). Made hard
    beside another change of the rule, it is built whole."""
    from models.builder import made_hard

    base = session.base
    targets = [rid for rid, r in session.sc.rules.items()
               if rid.startswith("R-TC") and r.mode == "target"]
    assert len(targets) >= 6
    made = 0
    for rid in targets:
        sc = override_scenario(session.sc, [f"rules.{rid}.mode=hard"])
        got = made_hard(base.placement, sc, frozenset({rid}))
        made += got is not None
        if got is not None:
            assert not any(s.rule == rid for s in got.shortfalls), rid
            assert len(got.model.proto.variables) == len(base.placement.model.proto.variables)
        warm = session.what_if(f"rules.{rid}.mode=hard")
        cold = propose(sc, session.data, explain=False)
        assert warm.status == cold.status, rid
        assert (warm.outcome is None) == (cold.outcome is None), rid
        if cold.roster is not None:
            assert warm.outcome.objective == cold.outcome.objective, rid
            _checked(sc, session.data, warm)
    assert made >= 6
    both = override_scenario(session.sc, ["rules.R-TC4.mode=hard", "rules.R-TC4.weight=7"])
    assert made_hard(base.placement, both, frozenset({"R-TC4"})) is None


def test_a_why_not_no_roster_can_take_is_told_by_the_kept_lp(session, monkeypatch):
    """Pairs that displace a holder held to stay: no roster, found by the proposal's LP
    re-solved from its kept basis (`LpBound.infeasible`), as the cold route says."""
    from placement.solver.resolve import LpBound

    sc, data, base = session.sc, session.data, session.base
    holder = base.facts.p_incumbent[base.pairs.post]
    kept = (holder >= 0) & (base.placement.stay_pair[np.maximum(holder, 0)] >= 0)
    chosen = np.zeros(len(base.pairs), dtype=bool)
    chosen[base.outcome.chosen] = True
    picked = np.random.default_rng(163).choice(np.flatnonzero(kept & ~chosen & ~base.pairs.own),
                                               3, replace=False)
    cadre_ids, post_ids = data.cadres["cadre_id"].to_numpy(), data.posts["post_id"].to_numpy()
    asked = [(cadre_ids[base.pairs.cadre[i]], post_ids[base.pairs.post[i]]) for i in picked]
    told = []
    real = LpBound.infeasible
    monkeypatch.setattr(LpBound, "infeasible", lambda self, x: told.append(real(self, x))
                        or told[-1])
    warm = session.why_nots(asked)
    cold = why_nots(sc, data, asked)
    assert [w.status for w in warm] == [c.status for c in cold] == ["infeasible"] * 3
    assert told and all(told)
