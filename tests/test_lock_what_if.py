"""A lock what-if answered on the proposal's own MIP (`placement.pipeline.locked`: a
forbid holds the pair's column at 0, a must lock at 1, the LP re-solved from the
proposal's basis) is the cold answer: the same objective, the same pairs, a roster the
independent checker passes with that objective; and where the held MIP is not the
locked scenario's model (a must pair that breaks a rule a lock waives, a forbid of a
cadre's own post) or the LP finds no roster, the what-if is built and solved as before.

On the bundled Nanpiao scenario (one block): forbids of proposed lines, seeded must
locks, forbids that leave a post without a candidate, a must lock no roster keeps; on
the bundled Linfen scenario with R-EL9 a target, a must lock on a 破格 pair."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from solving import what_if_building

from placement.checker import check_roster
from placement.data.loader import load_dataset
from placement.data.scenario_io import load_scenario, override_scenario
from placement.eligibility.pairs import LOCK_EXEMPT
from placement.pipeline.propose import propose
from placement.pipeline.warm import Session
from placement.solver.resolve import resolver_for
from placement.solver.status import Status
from placement.solver.warm import same_arrays

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def session():
    sc = load_scenario(ROOT / "scenarios" / "nanpiao.toml")
    data = load_dataset(sc.data, sc.reference_date)
    return Session(sc, data)


def _lock(kind: str, *pairs: tuple[str, str]) -> str:
    return f"locks.{kind}=[" + ", ".join(f'{{cadre="{c}", post="{p}"}}' for c, p in pairs) + "]"


def _ids(base, i: int) -> tuple[str, str]:
    data = base.data
    return (data.cadres["cadre_id"].iat[int(base.pairs.cadre[i])],
            data.posts["post_id"].iat[int(base.pairs.post[i])])


def _asked(session, setting, monkeypatch):
    """The warm what-if of `setting`, the cold one, and whether the warm one built a model."""
    warm, built = what_if_building(session, setting, monkeypatch)
    cold = propose(override_scenario(session.sc, [setting]), session.data, explain=False)
    assert warm.status is cold.status, setting
    assert warm.conflicts == cold.conflicts, setting
    for f in ("cadre", "post", "own", "must"):
        assert np.array_equal(getattr(warm.pairs, f), getattr(cold.pairs, f)), (setting, f)
    if cold.roster is not None:
        assert warm.outcome.proven and cold.outcome.proven, setting
        assert warm.outcome.objective == cold.outcome.objective, setting
        report = check_roster(warm.scenario, session.data, warm.roster)
        assert report.ok, report.render("en")
        fit = warm.roster.set_index("post_id")["fit"]
        assert report.objective_terms(fit)["objective"] == pytest.approx(warm.outcome.objective)
    return warm, cold, built


def _free(base, kept_holder: bool = False) -> np.ndarray:
    """Eligible pairs the proposal did not choose, on posts whose sitting holder may not
    stay (`kept_holder`: only on posts whose holder stays held to them)."""
    chosen = np.zeros(len(base.pairs), dtype=bool)
    chosen[base.outcome.chosen] = True
    holder = base.facts.p_incumbent[base.pairs.post]
    kept = (holder >= 0) & (base.placement.stay_pair[np.maximum(holder, 0)] >= 0)
    return np.flatnonzero(~chosen & ~base.pairs.own & (kept if kept_holder else ~kept))


def test_the_kept_arrays_are_the_proposal_s_mip(session):
    """The arrays the session takes from the solve (no `mip_arrays` again) are those a
    re-solve reads from the proposal's model."""
    base, solved = session.base, session._kept["solved"]
    o = base.outcome
    assert solved is not None
    assert same_arrays(solved[0], resolver_for(base.placement, o.values, o.objective,
                                               o.proven, False).m)


def test_forbids_and_must_locks_are_held_on_the_proposal_s_mip(session, monkeypatch):
    """Forbids of proposed lines (one, and two at once) and seeded must locks: the cold
    answer, and no model built (the proposal's `placement` None: asked a question, it is
    solved)."""
    base = session.base
    chosen = base.outcome.chosen[~base.pairs.own[base.outcome.chosen]]
    lines = np.random.default_rng(29).choice(chosen, 3, replace=False)
    musts = np.random.default_rng(30).choice(_free(base), 5, replace=False)
    cases = [_lock("forbid", _ids(base, lines[0])),
             _lock("forbid", _ids(base, lines[1]), _ids(base, lines[2])),
             *(_lock("must", _ids(base, i)) for i in musts)]
    for setting in cases:
        warm, cold, built = _asked(session, setting, monkeypatch)
        assert not built and warm.placement is None and warm.outcome.values is None, setting
        assert warm.pairs is not base.pairs and warm.facts is base.facts
    assert session.what_if(cases[0]).outcome.objective <= base.outcome.objective


def test_a_forbid_that_leaves_a_post_without_a_candidate(session, monkeypatch):
    """Every candidate of a post nobody holds forbidden: the pre-checks' answer, as cold."""
    base = session.base
    own_post = np.zeros(len(session.data.posts), dtype=bool)
    own_post[base.pairs.post[base.pairs.own]] = True
    counts = np.bincount(base.pairs.post, minlength=len(own_post))
    open_posts = np.flatnonzero(~own_post & (counts > 0))
    post = open_posts[np.argmin(counts[open_posts])]
    setting = _lock("forbid", *(_ids(base, i) for i in np.flatnonzero(base.pairs.post == post)))
    warm, cold, built = _asked(session, setting, monkeypatch)
    assert warm.outcome is None and warm.conflicts and not built


def test_what_the_held_mip_does_not_answer_is_solved_as_before(session, monkeypatch):
    """A forbid of a cadre's own post (the model then no longer holds them to it), and a
    must lock that displaces a holder held to stay (no roster: the LP says so, and the
    model is built to answer as cold does)."""
    base = session.base
    stays = np.flatnonzero(base.pairs.own[base.outcome.chosen])
    own = base.outcome.chosen[stays[0]]
    blocked = _free(base, kept_holder=True)[0]
    for setting, status in [(_lock("forbid", _ids(base, own)), Status.OPTIMAL),
                            (_lock("must", _ids(base, blocked)), Status.INFEASIBLE)]:
        warm, cold, built = _asked(session, setting, monkeypatch)
        assert built and warm.placement is not None, setting
        assert cold.status is status, setting


def test_a_must_lock_on_a_pair_a_lock_waives_is_built_anew(monkeypatch):
    """Linfen with R-EL9 a target: a must lock on a pair more than one rank up drops that
    pair's penalty (破格 by lock), which the held MIP would still count: built as before.
    A must lock on a pair that breaks no such rule is held."""
    sc = override_scenario(load_scenario(ROOT / "scenarios" / "linfen.toml"),
                           ["rules.R-EL9.mode=target"])
    session = Session(sc, load_dataset(sc.data, sc.reference_date))
    base = session.base
    free = _free(base)
    waived = base.pairs.breaks[LOCK_EXEMPT[0]][free]
    assert waived.any() and (~waived).any()
    rng = np.random.default_rng(31)
    for i, held in [(rng.choice(free[waived]), False), (rng.choice(free[~waived]), True)]:
        warm, cold, built = _asked(session, _lock("must", _ids(base, i)), monkeypatch)
        assert built != held and (warm.placement is None) == held


def test_questions_asked_of_a_held_answer(session):
    """A held answer has no model of its own: a why-not on it solves the locked scenario
    as cold does; alternates are refused, clearly."""
    from placement.explain.alternates import AlternatesError, find_alternates
    from placement.pipeline.questions import why_nots

    base = session.base
    line = base.outcome.chosen[~base.pairs.own[base.outcome.chosen]][0]
    warm = session.what_if(_lock("forbid", _ids(base, line)))
    assert warm.placement is None
    cold = propose(warm.scenario, session.data, explain=False)
    asked = [_ids(cold, i) for i in _free(cold)[:2]]
    on_warm = why_nots(warm.scenario, session.data, asked, warm)
    on_cold = why_nots(warm.scenario, session.data, asked, cold)
    assert [w.objective_after for w in on_warm] == [c.objective_after for c in on_cold]
    assert [w.status for w in on_warm] == [c.status for c in on_cold]
    with pytest.raises(AlternatesError, match="no model"):
        find_alternates(warm, 1, "changed")
