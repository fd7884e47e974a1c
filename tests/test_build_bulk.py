"""The bulk model building (issue 16) writes the same model as the Python loops it
replaced, constraint for constraint: groups by argsort, the pair variables in one
merge, exactly-one / at-most-one per group in one merge, R-AV1 places by a join,
sums by column, agreement by key. Each test builds with the loop (the oracle, written
here as the code was) and with the bulk path, and compares the protos' text.
The team rows written as `Row`s and the proto read for HiGHS (`mip_arrays`) are
compared the same way, on whole models: the bundled data sets and the generated
`province2`, with the rules as shipped, all hard, all target and all off."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from builders import make_dataset
from ortools.sat.python import cp_model
from solving import REF, data_sets_of, every_rule, scenario

from models import builder, rotation, team_composition, variables
from models.assignment import add_assignment
from models.avoidance import add_kinship, kin_sitting_together
from models.builder import build
from models.objective import agreement, set_objective, weighted
from models.variables import Placement, _booleans
from placement.data.loader import load_dataset
from placement.data.scenario_io import load_scenario
from placement.data.schema import RANK_LEVEL
from placement.eligibility.facts import compute_facts
from placement.eligibility.fit import GRADE_POINTS, NO_GRADE, assessment_points, fit_parts
from placement.eligibility.pair_rules import RANK_STEPS
from placement.eligibility.pairs import (
    _channel_pair,
    eligible_pairs,
    exchange_movers,
    exchange_pairs,
    exchange_scope,
    structural_pairs,
)
from placement.meaning import cadre_rules
from placement.meaning import team_rules as meaning
from placement.meaning.posts import TOWNSHIP_KINDS, head_pairs, party_post
from placement.solver.highs import INT64_MAX, INT64_MIN, MipArrays, _bounds, _disjoint, mip_arrays

ROOT = Path(__file__).resolve().parents[1]


def _bundled(name: str, **rules) -> Placement:
    sc = load_scenario(ROOT / "scenarios" / f"{name}.toml")
    for rid, mode in rules.items():
        sc.rules[rid.replace("_", "-")].mode = mode
    data = load_dataset(sc.data, sc.reference_date)
    facts = compute_facts(data, sc.reference_date)
    return Placement(data, sc, facts, eligible_pairs(data, sc, facts))


def _fresh(pl: Placement, explaining: bool = False) -> Placement:
    return Placement(pl.data, pl.scenario, pl.facts, pl.pairs, explaining=explaining)


def _loop_assignment(pl: Placement) -> None:
    """The loop `add_assignment` replaced: a post open for another channel needs no
    holder; a sitting cadre held to stay (the own pair exists and breaks no target pair
    rule, and no kin of another in the team) holds exactly one post, written first, then
    every other cadre at most one."""
    for p in range(len(pl.data.posts)):
        holders = pl.holder(p)
        if not holders:
            if not pl.facts.p_open[p]:
                pl.require("NO_CANDIDATE", pl.data.posts["post_id"].iat[p], False)
            continue
        pl.model.add_exactly_one([x for _, x in holders])
    together = kin_sitting_together(pl)
    placed = [c for c in np.unique(pl.pairs.cadre)
              if pl.stay_pair[c] >= 0 and not together[c] and not pl.scenario.allow_release
              and not any(m[pl.stay_pair[c]] for m in pl.pairs.breaks.values())]
    for c in placed:
        pl.model.add_exactly_one([pl.x[i] for i in np.flatnonzero(pl.pairs.cadre == c)])
    for c in np.unique(pl.pairs.cadre):
        idx = np.flatnonzero(pl.pairs.cadre == c)
        if len(idx) > 1 and c not in placed:
            pl.model.add_at_most_one([pl.x[i] for i in idx])


def _loop_kinship(pl: Placement) -> None:
    """The scan `add_kinship` replaced: every pair per relation."""
    rule = pl.scenario.rules["R-AV1"]
    cpos = pd.Index(pl.data.cadres["cadre_id"])
    team_ids = pl.data.teams["team_id"].to_numpy()
    for a_id, b_id in zip(pl.data.relations["cadre_a"], pl.data.relations["cadre_b"],
                          strict=True):
        a, b = cpos.get_loc(a_id), cpos.get_loc(b_id)
        teams = set(pl.pair_team[pl.pairs.cadre == a]) & set(pl.pair_team[pl.pairs.cadre == b])
        for t in sorted(int(t) for t in teams):
            idx = np.flatnonzero(((pl.pairs.cadre == a) | (pl.pairs.cadre == b))
                                 & (pl.pair_team == t))
            idx = np.r_[idx[pl.pairs.cadre[idx] == a], idx[pl.pairs.cadre[idx] == b]]
            vs = [pl.x[i] for i in idx]
            if rule.mode == "hard":
                pl.require("R-AV1", f"{team_ids[t]}:{a_id}~{b_id}",
                           cp_model.LinearExpr.sum(vs) <= 1)
            else:
                v = pl.model.new_bool_var(f"R-AV1[{a_id}~{b_id}@{team_ids[t]}]")
                pl.model.add(cp_model.LinearExpr.sum(vs) <= 1 + v)
                pl.penalise("R-AV1", f"{team_ids[t]}:{a_id}~{b_id}", v)


@pytest.mark.parametrize("name", ["nanpiao", "linfen"])
def test_assignment_in_bulk_is_the_loop_s_model(name):
    bulk = _bundled(name)
    loop = _fresh(bulk)
    add_assignment(bulk)
    _loop_assignment(loop)
    # nanpiao: 438 posts, each with an exactly-one, plus an at-most-one per cadre with
    # more than one pair; the text compares every literal in order.
    assert len(bulk.model.proto.constraints) > len(bulk.data.posts)
    assert str(bulk.model.proto) == str(loop.model.proto)


@pytest.mark.parametrize("n", [0, 1, 6, 13, 2 * 4096 + 13])
def test_booleans_from_the_kept_blocks_are_the_merged_text_s(n):
    # 13 = 0b1101: three blocks (1, 4, 8) merged; 2·4096 + 13: the largest block twice,
    # then those; after a named variable, as `new_columns` adds them to a model
    text, made = cp_model.CpModel(), cp_model.CpModel()
    for m in (text, made):
        m.new_bool_var("before")
    text.proto.merge_text_format("variables { domain: [0, 1] }\n" * n)
    _booleans(made.proto, n)
    assert len(made.proto.variables) == n + 1
    assert str(made.proto) == str(text.proto)
    # the kept blocks are left as they were made
    assert [len(b.variables) for b in variables._blocks()] == [2**k for k in range(13)]


@pytest.mark.parametrize("explaining", [False, True])
def test_a_post_nobody_may_take_is_named_in_its_place(explaining):
    # P2 (副科) sits between P1 and P3: no demotion, so nobody may take it; in explanation
    # mode its NO_CANDIDATE literal is made between P1's and P3's constraints.
    data = make_dataset(
        teams=[{"team_id": "T1", "kind": "township"}],  # 副科 … 副处 posts: schema.KIND_RANKS
        posts=[{"post_id": "P1", "team_id": "T1"},
               {"post_id": "P2", "team_id": "T1", "rank": "副科"},
               {"post_id": "P3", "team_id": "T1"}],
        cadres=[{"cadre_id": "A"}, {"cadre_id": "B"}], reference_date=REF)
    sc = scenario()
    facts = compute_facts(data, REF)
    bulk = Placement(data, sc, facts, eligible_pairs(data, sc, facts), explaining=explaining)
    loop = _fresh(bulk, explaining)
    add_assignment(bulk)
    _loop_assignment(loop)
    # 2 exactly-ones + NO_CANDIDATE + 2 at-most-ones (A and B each on P1 and P3) = 5
    assert len(bulk.model.proto.constraints) == 5
    assert str(bulk.model.proto) == str(loop.model.proto)


@pytest.mark.parametrize("mode", ["hard", "target"])
@pytest.mark.parametrize("explaining", [False, True])
def test_kinship_by_a_join_is_the_scan_s_model(mode, explaining):
    bulk = _fresh(_bundled("linfen", R_AV1=mode), explaining)
    loop = _fresh(bulk, explaining)
    add_kinship(bulk)
    _loop_kinship(loop)
    assert len(bulk.model.proto.constraints) > 0  # linfen: 12 relations, some share a team
    assert str(bulk.model.proto) == str(loop.model.proto)
    assert [(s.rule, s.where) for s in bulk.shortfalls] == \
        [(s.rule, s.where) for s in loop.shortfalls]
    assert list(bulk.assumptions) == list(loop.assumptions)


@pytest.mark.parametrize(("low", "high"), [(0, 50), (-70_000, -65_000), (-5, 10**6)])
def test_groups_match_a_pandas_groupby(low, high):
    # key ranges under 2^16 are sorted as uint16 (negative keys too), wider ones as given
    pl = _bundled("nanpiao")
    rng = np.random.default_rng(3)
    keys = rng.integers(low, high, len(pl.pairs))
    mask = rng.random(len(pl.pairs)) < 0.3
    idx = np.flatnonzero(mask)
    expected = {int(k): v.to_numpy() for k, v in pd.Series(idx).groupby(keys[idx])}
    got = pl.groups(keys, mask)
    assert list(got) == list(expected)  # keys ascending
    assert all(np.array_equal(got[k], expected[k]) for k in expected)
    assert pl.groups(keys, np.zeros(len(pl.pairs), dtype=bool)) == {}


def test_total_by_column_is_the_weighted_sum_of_the_handles():
    pl = _bundled("nanpiao")
    idx, coefs = np.array([5, 2, 9]), np.array([40, 51, 33])
    a, b = cp_model.CpModel(), cp_model.CpModel()
    a.proto.copy_from(pl.model.proto)
    b.proto.copy_from(pl.model.proto)
    a.add(pl.total(idx, coefs) <= 100)
    b.add(cp_model.LinearExpr.weighted_sum([pl.x[i] for i in idx], coefs.tolist()) <= 100)
    assert str(a.proto) == str(b.proto)
    assert pl.x[5] is pl.x[5]  # one handle per pair, kept
    assert pl.x[5].index == pl.columns[5]


def test_agreement_counts_the_roster_s_lines_by_key():
    pl = _bundled("nanpiao")
    chosen = np.array([0, 7, 30])
    roster = pd.DataFrame({
        "post_id": [*pl.data.posts["post_id"].to_numpy()[pl.pairs.post[chosen]], "NOPE"],
        "cadre_id": [*pl.data.cadres["cadre_id"].to_numpy()[pl.pairs.cadre[chosen]], "X"]})
    # three known lines, one line naming a post and cadre the data set does not have
    assert np.flatnonzero(agreement(pl, roster).coefs).tolist() == [0, 7, 30]


# --- team rows as `Row`s, and the proto read for HiGHS -----------------------------------
def _expr_at_least(pl, rule, mode, where, idx, required):
    """The expression `_at_least` replaced."""
    expr = pl.total(idx)
    if mode == "hard":
        pl.require(rule, where, expr >= required)
        return None
    s = pl.model.new_int_var(0, required, f"{rule}[{where}]")
    pl.model.add(expr + s >= required)
    pl.penalise(rule, where, s)
    return s


def _expr_minimum_of_vars(pl, rule_id, where, flags, required):
    """The expression `_minimum_of_vars` replaced (`flags`: model variable indices)."""
    rule = pl.scenario.rules[rule_id]
    if required <= 0:
        return
    if flags:
        pl.minimum_rows[(rule_id, where)] = len(pl.model.proto.constraints)
    flags = [pl.model.get_bool_var_from_proto_index(f) for f in flags]
    expr = sum(flags) if flags else 0
    if rule.mode == "hard":
        pl.require(rule_id, where, expr >= required if flags else False)
    else:
        s = pl.model.new_int_var(0, required, f"{rule_id}[{where}]")
        pl.model.add(expr + s >= required)
        pl.penalise(rule_id, where, s)


def _expr_team_minimum(pl, rule):
    """The place-by-place `_team_minimum` that `Placement.add_minima` replaced."""
    at = meaning.places(rule, pl.data, pl.scenario, pl.facts)
    key = at.of_team[pl.pair_team]
    groups = pl.groups(key, team_composition._counts(pl, rule) & (key >= 0))
    empty = np.array([], dtype=np.int64)
    mode = meaning.team_mode(rule, pl.scenario)
    written = {}
    for k, name in enumerate(at.names):
        required = int(at.required[k])
        if required > 0 and mode != "off":
            pl.minimum_rows[(rule, name)] = len(pl.model.proto.constraints)
            written[name] = required, _expr_at_least(pl, rule, mode, name,
                                                     groups.get(k, empty), required)
    return written


def _expr_placement_at_least(pl, rule, where, idx, required):
    """The expression `Placement.at_least` wrote before `add_minima`."""
    if required <= 0:
        return
    r = pl.scenario.rules[rule]
    expr = pl.total(idx)
    if len(idx):
        pl.minimum_rows[(rule, where)] = len(pl.model.proto.constraints)
    if r.mode == "hard":
        pl.require(rule, where, expr >= required)
    elif r.mode == "target":
        s = pl.model.new_int_var(0, required, f"{rule}[{where}]")
        pl.model.add(expr + s >= required)
        pl.penalise(rule, where, s)


def _loop_women(pl):
    """R-TC5 as written before `add_minima`: tier (a) and the flags' minimum place by place."""
    every = _expr_team_minimum(pl, "R-TC5")
    names, of_team = meaning.share_places(pl.data, pl.scenario)
    if len(names) == 0:
        return
    key = of_team[pl.pair_team]
    women = pl.groups(key, team_composition._counts(pl, "R-TC5") & (key >= 0))
    each = meaning.most_minimum("R-TC5", pl.scenario)
    by_team = pl.scenario.rules["R-TC5"].per == "team"
    flags = []
    for k, name in enumerate(names):
        idx = women.get(k)
        if idx is None and each > 0:
            continue
        w = pl.model.new_bool_var(f"women{each}[{name}]")
        if each > 0:
            pl.model.add(each * w <= pl.total(idx))
            least, short = every.get(name, (0, None)) if by_team else (0, None)
            if 0 < least < each:
                tight = (each - least) * w <= pl.total(idx) - least + (
                    short if short is not None else 0)
                if short is None:
                    pl.require("R-TC5", name, tight)
                else:
                    pl.model.add(tight)
        flags.append(w.index)
    _expr_minimum_of_vars(pl, "R-TC5", "all", flags,
                          meaning.required_figure("R-TC5", pl.data, pl.scenario))


def _loop_young_teams(pl):
    """The per-team loop of handles and expressions `add_young_teams` replaced."""
    scope = np.flatnonzero(meaning.scope("R-TC3", pl.data, pl.scenario))
    if len(scope) == 0:
        return
    young = pl.groups(pl.pair_team, team_composition._counts(pl, "R-TC3"))
    team_ids = pl.data.teams["team_id"].to_numpy()
    flags = []
    for t in scope:
        idx = young.get(int(t))
        if idx is None:
            continue
        y = pl.model.new_bool_var(f"young[{team_ids[t]}]")
        pl.model.add(y <= pl.total(idx))
        flags.append(y.index)
    _expr_minimum_of_vars(pl, "R-TC3", "all", flags,
                          meaning.required_figure("R-TC3", pl.data, pl.scenario))


def _loop_per_cadre(pl, rule):
    """The per-cadre expressions `rotation._per_cadre` replaced."""
    hard = pl.scenario.rules[rule].mode == "hard"
    scope = cadre_rules.scope(rule, pl.data, pl.scenario, pl.facts, pl.held)
    good = (cadre_rules.keeps if hard else cadre_rules.meets)(
        rule, pl.data, pl.facts, pl.pairs.cadre, pl.pairs.post, pl.pairs.own)
    groups = pl.groups(pl.pairs.cadre, good & scope[pl.pairs.cadre])
    ids = pl.data.cadres["cadre_id"].to_numpy(dtype=object)
    for c in np.flatnonzero(scope):
        where, idx = str(ids[c]), groups.get(int(c))
        if hard:
            pl.require(rule, where, pl.total(idx) >= 1 if idx is not None else False)
            continue
        if idx is None:
            short = pl.model.new_int_var(1, 1, f"{rule}[{where}]")
        else:
            short = pl.model.new_bool_var(f"{rule}[{where}]")
            pl.model.add(pl.total(idx) + short >= 1)
        pl.penalise(rule, where, short)


def _loop_head_pairs(data):
    """The scan of every post per place `posts.head_pairs` replaced."""
    posts, teams = data.posts, data.teams
    team = pd.Index(teams["team_id"]).get_indexer(posts["team_id"])
    kind = teams["kind"].to_numpy(dtype=object)[team]
    region = teams["region"].to_numpy(dtype=object)[team]
    head = posts["grade"].to_numpy(dtype=object) == "head"
    office = party_post(data)
    out = []
    for r in sorted(set(region[head & np.isin(kind, ("county_party", "county_gov"))])):
        party = np.flatnonzero(head & (kind == "county_party") & (region == r))
        gov = np.flatnonzero(head & (kind == "county_gov") & (region == r))
        if len(party) and len(gov):
            out.append((str(r), party.tolist(), gov.tolist()))
    ids = teams["team_id"].to_numpy(dtype=object)
    for t in sorted(set(team[head & np.isin(kind, TOWNSHIP_KINDS)]), key=lambda t: ids[t]):
        party = np.flatnonzero(head & (team == t) & office)
        gov = np.flatnonzero(head & (team == t) & ~office)
        if len(party) and len(gov):
            out.append((str(ids[t]), party.tolist(), gov.tolist()))
    return out


def _loop_age_gradient(pl):
    """The per-team loop (and R-TC10 (b)'s expression) `add_age_gradient` replaced."""
    scope = meaning.scope("R-TC10", pl.data, pl.scenario)
    team_ids = pl.data.teams["team_id"].to_numpy()
    band = meaning.age_band(pl.scenario, pl.facts, pl.pairs.cadre)
    sizes = meaning.sizes(pl.data, pl.facts)
    bands = meaning.required("R-TC10", pl.data, pl.scenario, sizes)
    for t, idx in pl.groups(pl.pair_team, scope[pl.pair_team]).items():
        present = []
        for b in np.unique(band[idx]):
            flag = pl.model.new_bool_var(f"band[{team_ids[t]},{b}]")
            pl.model.add(flag <= pl.total(idx[band[idx] == b]))
            present.append(flag.index)
        _expr_minimum_of_vars(pl, "R-TC10", team_ids[t], present, int(bands[t]))
    rule, goal = pl.scenario.rules["R-TC10"], meaning.age_goal(pl.data, pl.scenario, pl.facts)
    if goal is None:
        return
    scope = meaning.avg_scope(pl.data, pl.scenario)  # (b) counts the teams of `avg_kinds`
    age = pl.facts.c_age[pl.pairs.cadre]
    idx = np.flatnonzero(scope[pl.pair_team])
    total = pl.total(idx, age[idx])
    if rule.mode == "hard":
        pl.require("R-TC10", "avg_age", total <= goal)
        return
    worst = int(age[idx].max()) * int(sizes[scope].sum()) if len(idx) else 0
    s = pl.model.new_int_var(0, max(worst - goal, 0), "R-TC10[avg_age]")
    pl.model.add(total - s <= goal)
    pl.penalise("R-TC10", "avg_age", s, weight=rule.avg_weight)


def _loop_mip_arrays(proto) -> MipArrays:
    """The reading of the C++ proto field by field, one array per row, `mip_arrays` replaced."""
    domains = [(v.domain[0], v.domain[len(v.domain) - 1]) for v in proto.variables]
    bounds = np.array(domains, dtype=np.int64).reshape(-1, 2)
    cost = np.zeros(len(domains))
    obj = proto.objective
    np.add.at(cost, np.array(obj.vars, dtype=np.int64), np.array(obj.coeffs, dtype=float))
    starts, index, value, lo, hi, groups = [0], [], [], [], [], []
    for ct in proto.constraints:
        assert not len(ct.enforcement_literal)
        if ct.has_linear():
            lin = ct.linear
            index.append(np.array(lin.vars, dtype=np.int64))
            value.append(np.array(lin.coeffs, dtype=float))
            lo.append(lin.domain[0])
            hi.append(lin.domain[len(lin.domain) - 1])
        else:
            if ct.has_exactly_one():
                literals, low, high = ct.exactly_one.literals, 1, 1
            elif ct.has_at_most_one():
                literals, low, high = ct.at_most_one.literals, INT64_MIN, 1
            else:
                literals, low, high = ct.bool_or.literals, 1, INT64_MAX
            lits = np.array(literals, dtype=np.int64)
            negated = lits < 0
            if ct.has_exactly_one() and not negated.any():
                groups.append(lits)
            index.append(np.where(negated, -lits - 1, lits))
            value.append(np.where(negated, -1.0, 1.0))
            shift = int(negated.sum())
            lo.append(low if low == INT64_MIN else low - shift)
            hi.append(high if high == INT64_MAX else high - shift)
        starts.append(starts[-1] + len(index[-1]))
    return MipArrays(
        cost=cost, lower=_bounds(bounds[:, 0]), upper=_bounds(bounds[:, 1]),
        starts=np.array(starts, dtype=np.int32),
        index=np.concatenate(index).astype(np.int32) if index else np.zeros(0, np.int32),
        value=np.concatenate(value) if value else np.zeros(0),
        row_lower=_bounds(np.array(lo, dtype=np.int64)),
        row_upper=_bounds(np.array(hi, dtype=np.int64)),
        offset=float(obj.offset), scale=float(obj.scaling_factor or 1.0),
        groups=_disjoint(groups, len(domains)))


@pytest.fixture(scope="module")
def data_sets():
    return data_sets_of({"province2": ("province2", 7)})


CASES = [(name, mode, explaining) for name in ("linfen", "nanpiao", "province2")
         for mode, explaining in (("as is", False), ("as is", True), ("hard", False),
                                  ("hard", True), ("target", False), ("off", False))]


@pytest.mark.parametrize(("name", "mode", "explaining"), CASES)
def test_team_rows_and_the_mip_arrays_are_the_expressions_models(data_sets, monkeypatch,
                                                                  name, mode, explaining):
    sc0, data = data_sets[name]
    sc = every_rule(sc0, mode)
    facts = compute_facts(data, sc.reference_date)
    pairs = eligible_pairs(data, sc, facts)
    bulk = build(data, sc, facts, pairs, explaining=explaining)
    with monkeypatch.context() as m:
        m.setattr(team_composition, "_team_minimum", _expr_team_minimum)
        m.setattr(Placement, "at_least", _expr_placement_at_least)
        m.setitem(builder.RULE_FAMILIES, "R-TC5", _loop_women)
        m.setitem(builder.RULE_FAMILIES, "R-TC10", _loop_age_gradient)
        m.setitem(builder.RULE_FAMILIES, "R-TC3", _loop_young_teams)
        m.setattr(rotation, "_per_cadre", _loop_per_cadre)
        loop = build(data, sc, facts, pairs, explaining=explaining)
    assert str(bulk.model.proto) == str(loop.model.proto)
    assert [(s.rule, s.where, s.var.index, s.weight, s.priority) for s in bulk.shortfalls] == \
        [(s.rule, s.where, s.var.index, s.weight, s.priority) for s in loop.shortfalls]
    assert list(bulk.assumptions) == list(loop.assumptions)
    assert [v.index for v in bulk.assumptions.values()] == \
        [v.index for v in loop.assumptions.values()]
    assert list(bulk.minimum_rows.items()) == list(loop.minimum_rows.items())
    assert bulk.spans == loop.spans
    if mode == "target":  # rows of R-TC10 and of team minima (R-TC6, R-TC9) were written
        assert {"R-TC10", "R-TC6", "R-TC9"} <= {s.rule for s in bulk.shortfalls}
    if explaining:
        return  # enforcement literals: no MIP reading
    set_objective(bulk, weighted(bulk))
    new, old = mip_arrays(bulk.model.proto), _loop_mip_arrays(bulk.model.proto)
    for f in ("cost", "lower", "upper", "starts", "index", "value", "row_lower", "row_upper"):
        a, b = getattr(new, f), getattr(old, f)
        assert a.dtype == b.dtype and np.array_equal(a, b), f
    assert (new.offset, new.scale, new.model_vars) == (old.offset, old.scale, old.model_vars)
    assert len(new.groups) == len(old.groups) > 0
    assert all(np.array_equal(a, b) for a, b in zip(new.groups, old.groups, strict=True))


# --- fit by arrays -------------------------------------------------------------------
def _loop_assessment_points(cadres: pd.DataFrame) -> np.ndarray:
    """The `np.mean` per cadre `assessment_points` replaced."""
    return np.array([float(np.mean([GRADE_POINTS[g] for g in grades])) if grades else NO_GRADE
                     for grades in cadres["assessments"]])


def _loop_has_specialty(data, cadre_idx, post_idx) -> np.ndarray:
    """The `w in s` per pair `fit_parts` replaced."""
    posts = data.posts
    team = data.teams.set_index("team_id").loc[posts["team_id"]]
    post_spec = posts["specialty"].to_numpy(dtype=object)
    wanted = np.where(post_spec != "", post_spec, team["system"].to_numpy(dtype=object))
    specs = data.cadres["specialties"].to_numpy(dtype=object)[cadre_idx]
    return np.array([w in s for w, s in zip(wanted[post_idx], specs, strict=True)], dtype=bool)


def test_assessment_points_are_the_mean_per_cadre_bit_for_bit():
    # 0 to 12 grades a cadre: numpy's sum changes its order from 8 terms on
    rng = np.random.default_rng(5)
    grades = list(GRADE_POINTS)
    cadres = pd.DataFrame({"assessments": [tuple(rng.choice(grades, rng.integers(0, 13)))
                                           for _ in range(3000)]})
    got = assessment_points(cadres["assessments"].to_numpy(dtype=object))
    assert np.array_equal(got, _loop_assessment_points(cadres))
    assert (got == NO_GRADE).any() and len(np.unique(got)) > 50


@pytest.mark.parametrize("name", ["linfen", "nanpiao", "province2"])
def test_fit_by_arrays_is_the_loop_s(data_sets, name):
    sc, data = data_sets[name]
    pairs = eligible_pairs(data, every_rule(sc, "off"), compute_facts(data, sc.reference_date))
    parts = fit_parts(data, pairs.cadre, pairs.post)
    assert np.array_equal(parts["assessment"],
                          _loop_assessment_points(data.cadres)[pairs.cadre])
    has = parts["specialty"] == 1.0
    expected = _loop_has_specialty(data, pairs.cadre, pairs.post)
    assert np.array_equal(has, expected) and 0 < expected.sum() < len(expected)



@pytest.mark.parametrize("name", ["linfen", "nanpiao", "province2"])
def test_head_pairs_by_one_sort_are_the_scan_s(data_sets, name):
    data = data_sets[name][1]
    got = [(h.place, h.party.tolist(), h.gov.tolist()) for h in head_pairs(data)]
    assert got == _loop_head_pairs(data) and got


def _loop_exchange_pairs(data, sc, facts):
    """The per-mover frames and the per-pair scope (a join of the pairs' codes)
    `exchange_pairs` replaced."""
    cad = data.cadres
    movers = np.flatnonzero(exchange_movers(data, sc, facts))
    p_level = data.posts["rank_level"].to_numpy()
    out = pd.DataFrame(
        [(c, p) for c, lv in zip(movers, cad["rank_level"].to_numpy()[movers], strict=True)
         for p in np.flatnonzero((p_level == lv) & ~facts.p_channel)],
        columns=["cadre", "post"], dtype=np.int64)
    cand = cad.loc[cad["candidate"].to_numpy(bool), ["region", "nominated_for"]]
    unlimited = set(cand.loc[cand["nominated_for"].map(len) == 0, "region"])
    named = cand.explode("nominated_for").dropna(subset=["nominated_for"])
    reach = set(zip(named["region"], named["nominated_for"], strict=True))
    work = cad["region"].to_numpy(dtype=object)[out["cadre"].to_numpy()]
    team = facts.p_team[out["post"].to_numpy()]
    t_id = data.teams["team_id"].to_numpy(dtype=object)[team]
    t_region = data.teams["region"].to_numpy(dtype=object)[team]
    nominating = set(cand["region"])
    scope = np.array([w in unlimited or w not in nominating or (w, t) in reach or (w, r) in reach
                      for w, t, r in zip(work, t_id, t_region, strict=True)], dtype=bool)
    out = out[scope]
    out = out[out["post"].to_numpy() != facts.c_own_post[out["cadre"].to_numpy()]]
    return out.reset_index(drop=True)


@pytest.mark.parametrize("name", ["linfen", "nanpiao", "province2"])
def test_exchange_pairs_by_region_and_rank_are_the_per_pair_scope_s(data_sets, name):
    sc, data = data_sets[name]
    facts = compute_facts(data, sc.reference_date)
    got = exchange_pairs(data, sc, facts)
    expected = _loop_exchange_pairs(data, sc, facts)
    assert got[["cadre", "post"]].reset_index(drop=True).equals(expected)
    assert not got["own"].any()
    cadre, post = expected["cadre"].to_numpy(), expected["post"].to_numpy()
    assert exchange_scope(data, facts, cadre, post).all()


def _loop_structural_pairs(data, sc, facts):
    """The joins of frames per rank step, `drop_duplicates` and `sort_values`
    `structural_pairs` replaced."""
    cadres, posts, teams = data.cadres, data.posts, data.teams
    el9 = sc.rules[RANK_STEPS]
    max_step = el9.max_steps if el9.mode == "hard" else max(RANK_LEVEL.values())
    not_leaving = ~cadres["leaving"].to_numpy(bool)
    held = (facts.c_own_post >= 0) & not_leaving
    own = pd.DataFrame({"cadre": np.flatnonzero(held), "post": facts.c_own_post[held]})
    cand = cadres.loc[cadres["candidate"].to_numpy(bool) & not_leaving,
                      ["rank_level", "nominated_for"]].copy()
    cand["cadre"] = np.flatnonzero(cadres["candidate"].to_numpy(bool) & not_leaving)
    p = pd.DataFrame({"post": np.arange(len(posts)), "rank_level": posts["rank_level"].to_numpy(),
                      "team_id": posts["team_id"].to_numpy(),
                      "region": teams.set_index("team_id").loc[posts["team_id"], "region"]
                      .to_numpy()})
    anywhere = cand[cand["nominated_for"].map(len) == 0]
    named = cand[cand["nominated_for"].map(len) > 0].explode("nominated_for")
    parts = []
    for step in range(max_step + 1):
        a = anywhere.assign(rank_level=anywhere["rank_level"] + step)
        parts.append(a[["cadre", "rank_level"]].merge(p[["post", "rank_level"]], on="rank_level"))
        n = named.assign(rank_level=named["rank_level"] + step)
        for key in ("team_id", "region"):
            parts.append(n[["cadre", "rank_level", "nominated_for"]].merge(
                p, left_on=["rank_level", "nominated_for"], right_on=["rank_level", key]))
    new = pd.concat([x[["cadre", "post"]] for x in parts], ignore_index=True)
    new = new[facts.c_own_post[new["cadre"].to_numpy()] != new["post"].to_numpy()]
    new = new[~_channel_pair(facts, new["cadre"].to_numpy(), new["post"].to_numpy())]
    out = pd.concat([own.assign(own=True), new.assign(own=False)], ignore_index=True)
    return out.drop_duplicates(["cadre", "post"]).sort_values(["post", "cadre"],
                                                              ignore_index=True)


@pytest.mark.parametrize("name", ["linfen", "nanpiao", "province2"])
@pytest.mark.parametrize("steps", ["as is", "target"])
def test_structural_pairs_by_one_sort_are_the_joins(data_sets, name, steps):
    sc, data = data_sets[name]
    sc = every_rule(sc, steps)  # R-EL9 a target: every rank step up
    facts = compute_facts(data, sc.reference_date)
    got = structural_pairs(data, sc, facts)
    expected = _loop_structural_pairs(data, sc, facts)
    assert len(expected) > 0 and got.dtypes.to_dict() == expected.dtypes.to_dict()
    assert got.equals(expected)



def _same_placements(bulk: Placement, loop: Placement) -> None:
    """The same proto, shortfalls, assumption literals and minimum rows."""
    assert str(bulk.model.proto) == str(loop.model.proto)
    assert [(s.rule, s.where, s.var.index, s.weight) for s in bulk.shortfalls] == \
        [(s.rule, s.where, s.var.index, s.weight) for s in loop.shortfalls]
    assert {k: v.index for k, v in bulk.assumptions.items()} == \
        {k: v.index for k, v in loop.assumptions.items()}
    assert list(bulk.minimum_rows.items()) == list(loop.minimum_rows.items())


@pytest.mark.parametrize(("mode", "explaining"),
                         [("hard", False), ("hard", True), ("target", False), ("target", True)])
def test_minima_in_one_write_are_the_place_by_place_model(mode, explaining):
    # A repeated place name (one literal when explaining), a place with no terms, one with
    # nothing required, and places of flags (one without any): each as `require`,
    # `new_int_var` and `model.add` wrote them place by place.
    base = _bundled("nanpiao")
    bulk, loop = _fresh(base, explaining), _fresh(base, explaining)
    groups = [np.arange(0, 7), np.array([], dtype=np.int64), np.arange(20, 23), np.arange(30, 33)]
    wheres, required = ["A", "B", "A", "C"], [2, 1, 1, 0]
    bulk.add_minima("R-TC1", mode, wheres, required,
                    [bulk.columns[g].tolist() for g in groups], always=True)
    for where, g, need in zip(wheres, groups, required, strict=True):
        if need > 0:
            loop.minimum_rows[("R-TC1", where)] = len(loop.model.proto.constraints)
            _expr_at_least(loop, "R-TC1", mode, where, g, need)
    flags = [(["f0", "f1"], [[1, 2], [3]]), ([], []), (["f2"], [[5, 6, 7]])]
    bulk.add_minima("R-TC3", mode, ["T1", "T2", "T3"], [1, 1, 0],
                    flags=[(n, [bulk.columns[g].tolist() for g in gs]) for n, gs in flags])
    for where, (names, gs), need in zip(["T1", "T2", "T3"], flags, [1, 1, 0], strict=True):
        made = []
        for name, g in zip(names, gs, strict=True):
            f = loop.model.new_bool_var(name)
            loop.model.add(f <= loop.total(np.array(g)))
            made.append(f.index)
        loop.scenario.rules["R-TC3"].mode, old = mode, loop.scenario.rules["R-TC3"].mode
        _expr_minimum_of_vars(loop, "R-TC3", where, made, need)
        loop.scenario.rules["R-TC3"].mode = old
    _same_placements(bulk, loop)


@pytest.mark.parametrize(("every_mode", "explaining"),
                         [("hard", False), ("hard", True), ("target", False)])
def test_women_rows_per_team_are_the_expressions_model(data_sets, monkeypatch, every_mode,
                                                       explaining):
    # per team, tier (a) one woman and (b) two: the tightened rows `(2 − 1)·w ≤ Σ x − 1
    # (+ tier (a)'s shortfall)` are written, behind tier (a)'s literal when explaining
    sc0, data = data_sets["linfen"]
    sc = sc0.model_copy(deep=True)
    rule = sc.rules["R-TC5"]
    rule.per, rule.min_women, rule.min_women_every, rule.every_mode = "team", 2, 1, every_mode
    facts = compute_facts(data, sc.reference_date)
    pairs = eligible_pairs(data, sc, facts)
    bulk = build(data, sc, facts, pairs, explaining=explaining)
    with monkeypatch.context() as m:
        m.setattr(team_composition, "_team_minimum", _expr_team_minimum)
        m.setitem(builder.RULE_FAMILIES, "R-TC5", _loop_women)
        loop = build(data, sc, facts, pairs, explaining=explaining)
    r0, r1, _, _ = bulk.spans["R-TC5"]
    rows = bulk.model.proto.constraints
    assert sum(rows[k].has_linear() and rows[k].linear.domain[1] == -1 for k in range(r0, r1)) > 10
    assert str(bulk.model.proto) == str(loop.model.proto)
    assert [(s.rule, s.where, s.var.index) for s in bulk.shortfalls] == \
        [(s.rule, s.where, s.var.index) for s in loop.shortfalls]
    assert {k: v.index for k, v in bulk.assumptions.items()} == \
        {k: v.index for k, v in loop.assumptions.items()}


def _random_places(rng, n_places: int, columns: np.ndarray):
    """Places with 0-4 groups of 0-5 pair columns each, some needing nothing."""
    cols, starts, place_groups, names, required = [], [0], [0], [], []
    for _ in range(n_places):
        for _ in range(int(rng.integers(0, 5))):
            size = int(rng.integers(0, 6))
            cols += rng.choice(columns, size=size, replace=False).tolist()
            starts.append(len(cols))
            names.append(f"g{len(names)}")
        place_groups.append(len(starts) - 1)
        required.append(int(rng.integers(-1, 4)))
    return (np.array(cols, dtype=np.int64), np.array(starts), np.array(place_groups),
            names, np.array(required, dtype=np.int64))


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("mode", "explaining"),
                         [("hard", False), ("hard", True), ("target", False), ("target", True)])
def test_minima_given_as_arrays_are_add_minima_s_model(seed, mode, explaining):
    # `add_counted` and `add_flagged` (numpy, one block of rows) against `add_minima`
    # (lists, row by row) on random places: empty places, places needing nothing or
    # more than they have, every option of `add_minima`; the rows are kept
    # (`models.rows.Model`) and written when the proto is read.
    base = _bundled("nanpiao")
    rng = np.random.default_rng(seed)
    bulk, loop = _fresh(base, explaining), _fresh(base, explaining)
    cols, starts, place_groups, names, required = _random_places(rng, 12, base.columns[:60])
    wheres = [f"P{k % 9}" for k in range(len(required))]  # some repeated
    for always, record, fixed in [(True, True, False), (False, False, True),
                                  (False, True, False)]:
        b, e = place_groups.tolist(), starts.tolist()
        terms = [cols[e[k]:e[k + 1]].tolist() for k in range(len(b) - 1)]
        # `add_counted` reads each place's terms as one run of `cols`
        own = np.concatenate([np.array(t, dtype=np.int64) for t in terms]) if terms else cols
        own_starts = np.r_[0, np.cumsum([len(t) for t in terms])]
        shorts = bulk.add_counted("R-TC1", mode, wheres, required, own, own_starts,
                                  always=always, record=record, fixed=fixed)
        want = loop.add_minima("R-TC1", mode, wheres, required.tolist(), terms,
                               always=always, record=record, fixed=fixed)
        assert [s is None for s in shorts] == [s is None for s in want]
    bulk.add_flagged("R-TC10", mode, wheres, required, names, cols, starts, place_groups)
    loop.add_minima("R-TC10", mode, wheres, required.tolist(), flags=[
        (names[b[k]:b[k + 1]], [cols[e[g]:e[g + 1]].tolist() for g in range(b[k], b[k + 1])])
        for k in range(len(wheres))])
    assert bulk.model.rows == loop.model.rows
    _same_placements(bulk, loop)
