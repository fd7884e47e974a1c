"""Alternates (差额人选, issue 4): ranked and priced exactly, every roster checked.

Hand-made cases whose ranking is known by arithmetic; a brute-force check that the
ranking is the one a forced re-solve of every candidate gives; and, on the bundled
Linfen scenario, a sample of posts whose stated objective changes must match a
re-solve with the pair forced (a `must` lock through the whole pipeline).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from builders import make_dataset
from solving import blocks_scenario, scenario, solve_checked

from placement.checker import check_roster
from placement.data.loader import load_dataset
from placement.data.scenario import Pair
from placement.data.scenario_io import load_scenario
from placement.explain.alternates import AlternatesError, find_alternates, posts_in_scope
from placement.pipeline.propose import propose

ROOT = Path(__file__).resolve().parents[1]


def _fit(scores):
    return [{"cadre_id": c, "post_id": p, "score": s} for (c, p), s in scores.items()]


def _one_vacancy(genders=("M", "M", "F", "M")):
    """Team T1: P1 vacant; candidates C1..C4 with fits 90, 70, 60, 50 for it."""
    cadres = [{"cadre_id": f"C{i}", "name": f"c{i}", "gender": g}
              for i, g in enumerate(genders, start=1)]
    fits = {("C1", "P1"): 90, ("C2", "P1"): 70, ("C3", "P1"): 60, ("C4", "P1"): 50}
    return make_dataset(teams=[{"team_id": "T1", "name": "t1"}],
                        posts=[{"post_id": "P1", "team_id": "T1", "title": "副县长"}],
                        cadres=cadres, fit=_fit(fits))


def _checked(prop, alt):
    """Every alternate's roster passes the checker, and the checker's own objective
    equals the objective the alternate states."""
    for (post, rank), roster in alt.rosters.items():
        report = check_roster(prop.scenario, prop.data, roster)
        assert report.ok, report.render("en")
        row = alt.table[(alt.table["post_id"] == post) & (alt.table["rank"] == rank)].iloc[0]
        terms = report.objective_terms(roster.set_index("post_id")["fit"])
        assert terms["objective"] == pytest.approx(row["objective"])
    assert alt.table["checked"].all()


def test_alternates_rank_by_fit_when_no_target_is_at_stake():
    data = _one_vacancy()
    prop = solve_checked(data, scenario())
    alt = find_alternates(prop, 2, "all", keep_rosters=True)
    t = alt.table
    # C1 (90) holds P1; next C2 (70): -20, then C3 (60): -30.
    assert t["cadre_id"].tolist() == ["C2", "C3"]
    assert t["objective_change"].tolist() == [-20, -30]
    assert t["rank"].tolist() == [1, 2] and set(t["holder_id"]) == {"C1"}
    assert (t["lines_changed"] == 1).all() and (t["breaks"] == "").all()
    _checked(prop, alt)


def test_an_alternate_that_breaks_a_target_is_priced_and_named():
    # One-post county team, women target 1 at weight 1000: C3 (a woman, 60) holds P1.
    data = _one_vacancy()
    sc = scenario({"R-TC5": {"mode": "target", "min_women": 1, "kinds": ["county_gov"],
                             "every_mode": "off"}})
    prop = solve_checked(data, sc)
    assert prop.roster["cadre_id"].tolist() == ["C3"]
    alt = find_alternates(prop, 3, "all", keep_rosters=True)
    t = alt.table
    # C1: 90 - 60 - 1000 = -970; C2: 70 - 60 - 1000 = -990; C4: 50 - 60 - 1000 = -1010.
    assert t["cadre_id"].tolist() == ["C1", "C2", "C4"]
    assert t["objective_change"].tolist() == [-970, -990, -1010]
    assert (t["breaks"] == "R-TC5").all()
    assert t["detail"].iat[0] == "R-TC5@all +1"  # tier (b): the one team short
    assert "R-TC5" in t["reason_en"].iat[0] and "女干部" in t["reason_zh"].iat[0]
    _checked(prop, alt)


def test_fewer_alternates_when_the_pool_runs_out():
    data = _one_vacancy()
    prop = solve_checked(data, scenario())
    alt = find_alternates(prop, 10, ["P1"])
    assert alt.table["cadre_id"].tolist() == ["C2", "C3", "C4"]
    # three alternates, and a fourth solve that proves there is no other
    assert alt.solves == 4


def test_scope_and_usage_errors():
    data = _one_vacancy()
    prop = solve_checked(data, scenario())
    assert posts_in_scope(prop.roster, "changed", prop.data) == ["P1"]
    assert posts_in_scope(prop.roster, ["T1"], prop.data) == ["P1"]
    assert posts_in_scope(prop.roster, ["R1"], prop.data) == ["P1"]  # the team's region
    with pytest.raises(AlternatesError, match="NOPE"):
        find_alternates(prop, 1, ["NOPE"])
    with pytest.raises(AlternatesError, match="lexicographic"):
        lexi = prop.scenario.model_copy(update={"objective": "lexicographic"})
        find_alternates(replace(prop, scenario=lexi), 1)


@pytest.fixture(scope="module")
def mini_prop():
    from builders import MINI

    from placement.data.rules import CATALOGUE

    data = load_dataset(MINI, scenario().reference_date)
    rules = {rid: {"mode": "target"} for rid in ("R-TC2", "R-TC5")}
    sc = scenario(all_off=False, on=rules)
    assert set(rules) <= set(CATALOGUE)
    return solve_checked(data, sc)


def test_ranking_equals_forcing_every_candidate(mini_prop):
    """Brute force: force each eligible candidate into the post in turn; the K best
    by forced optimum are the alternates, in that order, at those objectives."""
    prop = mini_prop
    k = 3
    alt = find_alternates(prop, k, "all", keep_rosters=True)
    _checked(prop, alt)
    pairs, data = prop.pairs, prop.data
    post_ids, cadre_ids = data.posts["post_id"].to_numpy(), data.cadres["cadre_id"].to_numpy()
    checked_posts = 0
    stays = set(prop.roster.loc[prop.roster["change"] == "stay", "post_id"])
    assert not stays & set(alt.table["post_id"])  # a kept post has no alternate
    for post in alt.posts:
        p = int(pd.Index(post_ids).get_loc(post))
        holder = prop.roster.set_index("post_id").at[post, "cadre_id"]
        forced = {}
        for c in sorted({cadre_ids[c] for c in pairs.cadre[pairs.post == p]} - {holder}):
            sc = prop.scenario.model_copy(deep=True)
            sc.locks.must = [Pair(cadre=c, post=post)]
            f = propose(sc, data, explain=False)
            if f.outcome is not None and f.outcome.objective is not None:
                forced[c] = f.outcome.objective
        best = sorted(forced.values(), reverse=True)[:k]
        mine = alt.table[alt.table["post_id"] == post]
        assert mine["objective"].tolist() == pytest.approx(best)
        for row in mine.itertuples():
            assert forced[row.cadre_id] == pytest.approx(row.objective)
        checked_posts += 1
    assert checked_posts == len(prop.data.posts) - len(stays)


@pytest.fixture(scope="module")
def linfen():
    sc = load_scenario(ROOT / "scenarios" / "linfen.toml")
    data = load_dataset(sc.data, reference_date=sc.reference_date)
    return propose(sc, data, explain=False)


def test_linfen_sample_matches_a_forced_re_solve(linfen):
    """`--alternates 2` on a sample of Linfen's appointments: each stated objective
    change equals the change a re-solve with the pair forced gives."""
    prop = linfen
    changed = posts_in_scope(prop.roster, "changed", prop.data)
    sample = changed[:: max(1, len(changed) // 4)][:4]
    alt = find_alternates(prop, 2, sample, keep_rosters=True)
    assert len(alt.table) == 2 * len(sample)
    assert (alt.table["status"] == "optimal").all()
    _checked(prop, alt)
    for row in alt.table.itertuples():
        sc = prop.scenario.model_copy(deep=True)
        sc.locks.must = [Pair(cadre=row.cadre_id, post=row.post_id)]
        forced = propose(sc, prop.data, explain=False)
        assert forced.outcome.objective - prop.outcome.objective == pytest.approx(
            row.objective_change), row
        assert row.reason_en and row.reason_zh
    # ranks are in order of loss within each post
    for _, g in alt.table.groupby("post_id"):
        assert g["objective_change"].is_monotonic_decreasing


def test_block_local_alternates_equal_the_whole_re_solve():
    """On two cities (the model splits into blocks, `placement/solver/blocks.py`) an alternate is
    re-solved in its own block only; its objective equals a forced re-solve of the
    whole pipeline, and the whole MIP re-solved without blocks agrees."""
    from placement.data.loader import build_dataset
    from placement.generate import REFERENCE_DATE, build

    data = build_dataset(build("province2", 7).tables, reference_date=REFERENCE_DATE)
    sc = blocks_scenario()
    prop = solve_checked(data, sc)
    assert prop.outcome.blocks >= 2
    changed = posts_in_scope(prop.roster, "changed", prop.data)
    sample = [changed[0], changed[len(changed) // 2]]
    alt = find_alternates(prop, 1, sample, keep_rosters=True)
    _checked(prop, alt)
    whole = find_alternates(replace(prop, outcome=replace(prop.outcome, blocks=0)), 1, sample)
    assert alt.table["objective"].tolist() == pytest.approx(whole.table["objective"].tolist())
    for row in alt.table.itertuples():
        forced_sc = sc.model_copy(deep=True)
        forced_sc.locks.must = [Pair(cadre=row.cadre_id, post=row.post_id)]
        forced = propose(forced_sc, data, explain=False)
        assert forced.outcome.objective == pytest.approx(row.objective), row


def test_ctrl_c_keeps_the_posts_done():
    """A stop (Ctrl-C) before any post starts keeps nothing half-done and says so."""
    data = _one_vacancy()
    prop = solve_checked(data, scenario())
    import placement.explain.alternates as module

    class Stopped(module._Shortlist):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            self.stop()

    original, module._Shortlist = module._Shortlist, Stopped
    try:
        alt = find_alternates(prop, 2, "all")
    finally:
        module._Shortlist = original
    assert alt.interrupted and alt.posts_done == 0 and alt.table.empty
    assert alt.summary()["posts"] == 1 and alt.summary()["posts_done"] == 0
    done = find_alternates(prop, 2, "all")
    assert not done.interrupted and done.posts_done == 1


def test_alternates_of_a_cp_sat_roster_are_priced_by_the_same_model():
    """With `engine = "cpsat"` the proposal comes from CP-SAT; its alternates are the
    same MIP re-solved (by HiGHS), so they rank and price as under the default engine."""
    data = _one_vacancy()
    sc = scenario(solver={"engine": "cpsat", "workers": 8, "time_limit": 30, "seed": 0})
    prop = solve_checked(data, sc)
    alt = find_alternates(prop, 2, "all", keep_rosters=True)
    assert alt.table["cadre_id"].tolist() == ["C2", "C3"]
    assert alt.table["objective_change"].tolist() == [-20, -30]
    _checked(prop, alt)


def test_alternates_of_a_tied_roster_are_its_own(linfen):
    """Rosters of equal objective are many: R01-DW-04's first alternate costs +0, so the
    roster with that alternate in the post is as good as the proposal. Asked of that
    roster (a run's), the alternates are priced against it: its holder heads every row
    and is never his own alternate, and its first alternate costs +0 (the fresh
    optimum's holder is one such). (The workbench priced a fresh solve and listed the
    run's holder, 常群才, as alternate no. 1.)"""
    from placement import api

    prop = linfen
    first = find_alternates(prop, 1, ["R01-DW-04"], keep_rosters=True)
    row = first.table.iloc[0]
    assert row["objective_change"] == 0  # the case: a tie
    tied = first.rosters[("R01-DW-04", 1)][["post_id", "cadre_id"]]
    got = api.alternates(prop.scenario, prop.data, tied, 2, ["R01-DW-04"])
    assert set(got["holder_id"]) == {row["cadre_id"]}
    assert row["cadre_id"] not in set(got["cadre_id"])
    assert got.iloc[0]["objective_change"] == 0


def test_alternates_of_a_run_solved_close_to_another(linfen):
    """The workbench's "close to" run (R-TC5 min_women=3, weights.change=200, from the
    base roster) is not what a fresh solve of its settings gives; its alternates are
    asked with its `start_from` and come back for its own holder."""
    from placement import api

    base = linfen.roster[["post_id", "cadre_id"]]
    sc = api.override(linfen.scenario, "rules.R-TC5.min_women=3", "weights.change=200")
    run = propose(sc, linfen.data, explain=False, start_from=base).roster
    fresh = propose(sc, linfen.data, explain=False).roster
    post = "R01-DW-05"  # R01-DW-04 before issue 30 changed the tie among optimal rosters
    held = run.set_index("post_id")["cadre_id"]
    assert fresh.set_index("post_id").at[post, "cadre_id"] != held[post]  # the case
    got = api.alternates(sc, linfen.data, run[["post_id", "cadre_id"]], 3, [post],
                         start_from=base)
    assert len(got) and set(got["holder_id"]) == {held[post]}
    assert held[post] not in set(got["cadre_id"])


def test_a_roster_its_scenario_does_not_give_back_is_refused(linfen):
    """A roster whose holder of the asked post no optimum has (here: the eligible
    candidate of least fit put in) is no roster to price alternates against: refused,
    naming the post, not answered for another holder."""
    from placement import api
    from placement.explain.alternates import NotReproduced

    pairs, data = linfen.pairs, linfen.data
    p = int(pd.Index(data.posts["post_id"]).get_loc("R01-DW-04"))
    mine = (pairs.post == p).nonzero()[0]
    least = data.cadres["cadre_id"].iat[int(pairs.cadre[mine[pairs.fit[mine].argmin()]])]
    roster = linfen.roster[["post_id", "cadre_id"]].copy()
    roster.loc[roster["post_id"] == "R01-DW-04", "cadre_id"] = least
    with pytest.raises(NotReproduced, match="R01-DW-04") as err:
        api.alternates(linfen.scenario, data, roster, 1, ["R01-DW-04"])
    assert err.value.posts == ["R01-DW-04"]


def test_the_sitting_holder_as_an_alternate_is_labelled():
    """C1 sits in P1 and moves to P2, where he fits better; keeping him in P1 is
    P1's alternate, marked `incumbent` and said as 原任职人留任; C2 is not."""
    fits = {("C1", "P1"): 50, ("C1", "P2"): 90, ("C2", "P1"): 60}
    data = make_dataset(
        teams=[{"team_id": "T1", "name": "t1"}],
        posts=[{"post_id": "P1", "team_id": "T1", "title": "副县长", "incumbent_id": "C1"},
               {"post_id": "P2", "team_id": "T1", "title": "副县长"}],
        cadres=[{"cadre_id": "C1", "name": "c1"}, {"cadre_id": "C2", "name": "c2"}],
        fit=_fit(fits))
    prop = solve_checked(data, scenario())
    assert prop.roster.set_index("post_id")["cadre_id"].to_dict() == {"P1": "C2", "P2": "C1"}
    t = find_alternates(prop, 1, "all").table.set_index("post_id")
    assert t.at["P1", "cadre_id"] == "C1" and bool(t.at["P1", "incumbent"])
    assert t.at["P1", "reason_zh"].startswith("原任职人留任")
    assert "原任职人留任" in t.at["P1", "reason_en"]
    assert t.at["P2", "cadre_id"] == "C2" and not t.at["P2", "incumbent"]
    assert "原任职人留任" not in t.at["P2", "reason_zh"]
