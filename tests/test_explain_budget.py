"""Explaining an infeasible scenario is bounded in time (issue 25, the province plan's
second year explained for 36 minutes): past its budget the analysis stops, keeps what
it found and says it was cut short, so a plan year ends with an answer."""

from __future__ import annotations

import time

from builders import make_dataset
from solving import scenario

from placement.eligibility.facts import compute_facts
from placement.explain import infeasible
from placement.pipeline import propose as proposing
from placement.pipeline.run import solve_result
from placement.solver.solve import Status


def _conflict():
    """Three locals for three posts, one a key post R-AV2 keeps locals out of: only the
    assumption core finds it (no pre-check counts it)."""
    teams = [{"team_id": "T1", "name": "某县委", "kind": "county_party", "region": "R1"}]
    posts = [{"post_id": f"P{i}", "team_id": "T1", "title": "常委", "key_post": key}
             for i, key in enumerate((True, False, False), start=1)]
    cadres = ([{"cadre_id": f"L{i}", "name": f"l{i}", "home_region": "R1"} for i in (1, 2, 3)]
              + [{"cadre_id": "O1", "name": "o1", "home_region": "R9"}])
    data = make_dataset(teams=teams, posts=posts, cadres=cadres)
    return data, scenario({"R-TC2": {"min_locals": 3}, "R-AV2": {}})


def test_the_core_stops_at_its_instant_and_says_so():
    data, sc = _conflict()
    facts = compute_facts(data, sc.reference_date)
    whole = infeasible.explain(data, sc, facts)
    assert not whole["cut_short"]
    assert {("R-TC2", "R1"), ("R-AV2", "pairs")} <= {(c["rule"], c["where"])
                                                    for c in whole["conflicts"]}
    cut = infeasible.explain(data, sc, facts, until=time.perf_counter())
    assert cut["cut_short"]
    # what was found by then is kept (a core not shrunk further), never more than the
    # instances the model has
    assert {(c["rule"], c["where"]) for c in whole["conflicts"]} <= {
        (c["rule"], c["where"]) for c in cut["conflicts"]} or not cut["conflicts"]


def test_no_relaxation_is_tried_past_the_budget():
    data, sc = _conflict()
    trials = infeasible.relaxation_trials(sc, ["R-TC2", "R-AV2"])
    done, cut = proposing.verify(data, trials)
    assert {r["rule"] for r in done} == {"R-TC2", "R-AV2"} and not cut
    assert proposing.verify(data, trials, until=time.perf_counter()) == ([], True)


def test_a_result_cut_short_says_so_in_both_languages(monkeypatch):
    data, sc = _conflict()
    whole = solve_result(sc, data, progress=False)
    assert "explain_cut_short" not in whole.summary and whole.summary["relaxations"]
    # the explanation's deadline already passed when it starts: the core search and
    # the relaxations are each handed "now" as their deadline
    verify, core = proposing.verify, proposing.explain_infeasibility
    monkeypatch.setattr(proposing, "verify",
                        lambda data, trials, until: verify(data, trials, time.perf_counter()))
    monkeypatch.setattr(proposing, "explain_infeasibility",
                        lambda data, sc, facts, until: core(data, sc, facts,
                                                            until=time.perf_counter()))
    result = solve_result(sc, data, progress=False)
    assert result.status is Status.INFEASIBLE and result.roster is None
    assert result.summary["explain_cut_short"] == {"seconds": sc.solver.time_limit}
    assert result.summary["relaxations"] == []
    assert result.summary["conflicts"]  # still an answer: what conflicts, as far as found
    assert "无解原因分析到时限（30 秒）即中止" in result.headline("zh")
    assert "stopped at its time limit (30 s)" in result.headline("en")
