"""The variable container: pairs found by cadre and post, forced in or out, read back.

One team, three posts, three cadres: A sits in P1 (副处) and is a candidate, B
(正科) is a candidate, C is not. No rule is on, so the pairs are A and B on P1
and P2 (A's own post, A sideways, B one rank up); nobody may take the 副科 post
P3 (no demotion) and C gets nothing. Pairs are sorted by post, then cadre:
0 = A→P1, 1 = B→P1, 2 = A→P2, 3 = B→P2.
"""

from __future__ import annotations

import numpy as np
import pytest
from builders import make_dataset
from ortools.sat.python import cp_model
from solving import REF, scenario

from models.variables import Placement
from placement.eligibility.facts import compute_facts
from placement.eligibility.pairs import eligible_pairs

A, B, C = 0, 1, 2
P1, P2, P3 = 0, 1, 2


def _placement(explaining: bool = False) -> Placement:
    data = make_dataset(
        teams=[{"team_id": "T1", "kind": "township"}],  # 副科 … 副处 posts: schema.KIND_RANKS
        posts=[{"post_id": "P1", "team_id": "T1", "incumbent_id": "A"},
               {"post_id": "P2", "team_id": "T1"},
               {"post_id": "P3", "team_id": "T1", "rank": "副科"}],
        cadres=[{"cadre_id": "A", "rank": "副处"}, {"cadre_id": "B"},
                {"cadre_id": "C", "candidate": False}],
        reference_date=REF,
    )
    sc = scenario()
    facts = compute_facts(data, REF)
    pl = Placement(data, sc, facts, eligible_pairs(data, sc, facts), explaining=explaining)
    assert list(zip(pl.pairs.cadre, pl.pairs.post, strict=True)) == [
        (A, P1), (B, P1), (A, P2), (B, P2)]
    return pl


def _solve(pl: Placement) -> tuple[cp_model.CpSolverStatus, np.ndarray]:
    """Each of P1, P2 one holder, each cadre at most one post; the full value vector."""
    for post in (P1, P2):
        pl.model.add_exactly_one([x for _, x in pl.holder(post)])
    for cadre in (A, B):
        pl.model.add_at_most_one([pl.assigned(cadre, post) for post in (P1, P2)])
    solver = cp_model.CpSolver()
    status = solver.solve(pl.model)
    return status, np.array(solver.response_proto.solution, dtype=np.int64)


def test_assigned_finds_the_pair_variable_or_says_there_is_none():
    pl = _placement()
    assert pl.assigned(A, P1) is pl.x[0]
    assert pl.assigned(B, P2) is pl.x[3]
    with pytest.raises(KeyError, match="cadre C on post P1"):
        pl.assigned(C, P1)
    with pytest.raises(KeyError, match="cadre A on post P3"):
        pl.assigned(A, P3)


def test_holder_lists_who_may_hold_a_post_in_pair_order():
    pl = _placement()
    assert pl.holder(P1) == [(A, pl.x[0]), (B, pl.x[1])]
    assert pl.holder(P2) == [(A, pl.x[2]), (B, pl.x[3])]
    assert pl.holder(P3) == []


def test_fix_forces_a_pair_in_and_extract_reads_the_roster_back():
    pl = _placement()
    pl.fix(B, P1, True)
    status, values = _solve(pl)
    assert status == cp_model.OPTIMAL
    # B takes P1, so A (at most one post) must take P2: pairs 1 (B→P1) and 2 (A→P2).
    assert pl.extract(values).tolist() == [1, 2]


def test_fix_out_forces_the_other_candidate():
    pl = _placement()
    pl.fix(A, P2, False)
    status, values = _solve(pl)
    assert status == cp_model.OPTIMAL
    # A is out of P2, so B holds P2 and A (the only one left) P1: pairs 0 and 3.
    assert pl.extract(values).tolist() == [0, 3]


def test_fix_on_a_pair_without_variable():
    pl = _placement()
    before = len(pl.model.proto.constraints)
    pl.fix(C, P1, False)  # already out: nothing to add
    assert len(pl.model.proto.constraints) == before
    pl.fix(C, P1, True)  # cannot hold
    status, _ = _solve(pl)
    assert status == cp_model.INFEASIBLE


def test_fix_in_explanation_mode_is_a_named_lock():
    pl = _placement(explaining=True)
    pl.fix(B, P1, True)
    pl.fix(A, P1, False)
    pl.fix(A, P1, True, "LOCK_KEEP", where="P1")
    assert list(pl.assumptions) == ["LOCK_MUST[B->P1]", "LOCK_FORBID[A->P1]", "LOCK_KEEP[P1]"]


def test_fix_outside_explanation_mode_fixes_the_domain_and_adds_no_row():
    """A lock is the pair's domain, so a model with a lock has the rows and columns of
    the model without it (a warm lock what-if changes a bound in place); fixing one pair
    both ways cannot hold."""
    pl = _placement()
    before = len(pl.model.proto.constraints)
    pl.fix(B, P1, True)
    pl.fix(A, P2, False)
    assert len(pl.model.proto.constraints) == before
    domains = [list(v.domain) for v in pl.model.proto.variables]
    assert domains[int(pl.columns[1])] == [1, 1] and domains[int(pl.columns[2])] == [0, 0]
    pl.fix(B, P1, False)
    status, _ = _solve(pl)
    assert status == cp_model.INFEASIBLE
