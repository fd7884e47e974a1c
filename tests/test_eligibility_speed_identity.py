"""The eligibility's faster readings (issue 29 item 3: a province proposal spent 0.117 s in
`compute_facts` and `eligible_pairs`) give what the code they replaced gave, array for
array and dtype for dtype, so that a proposal is unchanged byte for byte: tenure and age
by day numbers, not by numpy's calendar casts; grades, mean grades and specialties per
distinct tuple, not per cadre; the pairs' union by one sort, not `np.unique`; the posts of
a key counted, not searched; the titles read once each; the locks on arrays, not frames;
pair rules judged per cadre, or only on the pairs their scope holds; text compared once
per data set. Each test keeps the replaced code here as its oracle (as tests/test_build_bulk.py
does) and compares on the bundled data sets and generated ones, several seeds."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from solving import data_sets_of, every_rule

from placement.data.dataset import has_specialty, same_value_in
from placement.data.scenario import Pair, Scenario
from placement.data.schema import EDUCATION_LEVEL, PARTY_CPC
from placement.eligibility.facts import _grade_table, compute_facts, whole_years, years_since
from placement.eligibility.fit import GRADE_POINTS, NO_GRADE, PARTS, fit_parts, fit_scores
from placement.eligibility.pair_rules import (
    BAD_GRADES,
    NO_AGE_LIMIT,
    PAIR_RULES,
    evaluation_marks,
    newest_grades,
    pair_context,
    retired,
)
from placement.eligibility.pairs import (
    _apply_locks,
    _rows_by,
    _union,
    eligible_pairs,
    exchange_pairs,
    structural_pairs,
)
from placement.meaning.posts import (
    MILITARY_TITLE,
    PARTY_TITLE,
    filled_by_default,
    party_post,
    party_post_default,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def data_sets():
    return data_sets_of({f"{p}-{seed}": (p, seed)
                         for p, seed in (("linfen", 3), ("linfen", 11), ("province2", 5))})


NAMES = ["linfen", "nanpiao", "linfen-3", "linfen-11", "province2-5"]


# --- tenure and age: the calendar casts `_full_years` replaced ---------------------------
def _old_anniversary(year, month, day):
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    day = np.where((month == 2) & (day == 29) & ~leap, 28, day)
    months = (year - 1970) * 12 + (month - 1)
    return months.astype("datetime64[M]").astype("datetime64[D]") + (day - 1)


def _old_full_years(since: pd.Series, ref: dt.date):
    d = pd.to_datetime(since)
    known = d.notna().to_numpy()
    y = d.dt.year.fillna(ref.year).to_numpy(dtype=np.int64)
    m = d.dt.month.fillna(ref.month).to_numpy(dtype=np.int64)
    dd = d.dt.day.fillna(ref.day).to_numpy(dtype=np.int64)
    r = np.datetime64(ref, "D")
    this_year = _old_anniversary(np.full(len(y), ref.year), m, dd)
    n = ref.year - y - (this_year > r).astype(np.int64)
    n = np.where(known, np.maximum(n, 0), 0)
    last = np.where(known, _old_anniversary(y + n, m, dd), r)
    nxt = np.where(known, _old_anniversary(y + n + 1, m, dd), r)
    return n, last, nxt


def _old_years_since(since: pd.Series, ref: dt.date) -> np.ndarray:
    n, last, nxt = _old_full_years(since, ref)
    span = (nxt - last).astype(np.int64)
    done = (np.datetime64(ref, "D") - last).astype(np.int64)
    return n + np.divide(done, span, out=np.zeros(len(n)), where=span > 0)


REFS = [dt.date(2024, 2, 29), dt.date(2023, 2, 28), dt.date(2100, 2, 28), dt.date(2000, 2, 29),
        dt.date(2024, 3, 1), dt.date(2026, 9, 1), dt.date(1969, 12, 31), dt.date(1900, 1, 1)]


@pytest.mark.parametrize("ref", REFS + [None])
def test_tenure_and_age_by_day_numbers_are_the_calendar_casts(ref):
    rng = np.random.default_rng(0 if ref is None else ref.toordinal())
    ref = ref or dt.date(2031, 7, 17)
    days = rng.integers(-60000, 60000, 4000)  # 1805 to 2134: before 1970, after `ref`
    feb29 = [dt.date(y, 2, 29) for y in (1904, 1960, 1996, 2000, 2004, 2020, 2024, 2096)]
    days[:400] = [(rng.choice(feb29) - dt.date(1970, 1, 1)).days for _ in range(400)]
    days[400:800] = (ref - dt.date(1970, 1, 1)).days + rng.integers(-3, 4, 400)  # near `ref`
    since = pd.Series(days.astype("datetime64[D]").astype("datetime64[ns]"))
    since[rng.random(len(since)) < 0.1] = pd.NaT
    age, tenure = whole_years(since, ref), years_since(since, ref)
    expected_age = _old_full_years(since, ref)[0]
    expected = _old_years_since(since, ref)
    assert age.dtype == expected_age.dtype and np.array_equal(age, expected_age)
    assert tenure.dtype == expected.dtype and np.array_equal(tenure, expected)
    # a frame of date columns: a column of tenures each, in one pass
    other = since.sample(frac=1, random_state=1).reset_index(drop=True)
    both = years_since(pd.DataFrame({"a": since, "b": other}), ref)
    assert np.array_equal(both[:, 0], expected)
    assert np.array_equal(both[:, 1], _old_years_since(other, ref))
    # the test compares something: dates after `ref`, anniversaries on `ref`, NaT
    assert (since > pd.Timestamp(ref)).any() and (tenure == np.rint(tenure)).sum() > 100


# --- grades, education, mean grades: per distinct tuple ----------------------------------
def _with_random_lists(data, seed: int):
    """`data` with random assessments (0-12 grades) and specialties (0-6 of 30, so a
    cadre's bits take several bytes): more distinct tuples than any sample has."""
    rng = np.random.default_rng(seed)
    vocab = [f"专业{k}" for k in range(30)]
    cadres = data.cadres.copy()
    n = len(cadres)
    cadres["assessments"] = [tuple(rng.choice(list(GRADE_POINTS), rng.integers(0, 13)))
                             for _ in range(n)]
    cadres["specialties"] = [tuple(rng.choice(vocab, rng.integers(0, 7), replace=False))
                             for _ in range(n)]
    posts = data.posts.copy()
    posts["specialty"] = rng.choice(["", *vocab, "无人有"], len(posts))
    return replace(data, cadres=cadres, posts=posts)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("random_lists", [False, True])
def test_grades_education_and_mean_grades_per_distinct_tuple_are_per_cadre(
        data_sets, name, random_lists):
    sc, data = data_sets[name]
    data = _with_random_lists(data, 7) if random_lists else replace(data)
    facts = compute_facts(data, sc.reference_date)
    assessments = data.cadres["assessments"].to_numpy(dtype=object)
    expected = _grade_table(assessments)  # as it was made: a row per cadre
    assert facts.c_grades.dtype == expected.dtype and np.array_equal(facts.c_grades, expected)
    edu = data.cadres["education"].map(EDUCATION_LEVEL).to_numpy(dtype=np.int64)
    assert facts.c_edu.dtype == edu.dtype and np.array_equal(facts.c_edu, edu)
    # the mean grade per cadre, bit for bit (numpy's sum changes its order from 8 terms on)
    cadre = np.arange(len(data.cadres))
    got = fit_parts(data, cadre, np.zeros(len(cadre), dtype=np.int64))["assessment"]
    loop = np.array([float(np.mean([GRADE_POINTS[g] for g in grades])) if grades else NO_GRADE
                     for grades in assessments])
    assert np.array_equal(got, loop)


@pytest.mark.parametrize("name", NAMES)
def test_specialties_as_bits_are_the_lists_membership(data_sets, name):
    _, data = data_sets[name]
    data = _with_random_lists(data, 3)
    lists = data.cadres["specialties"].to_numpy(dtype=object)
    wanted = data.posts["specialty"].to_numpy(dtype=object)
    rng = np.random.default_rng(1)
    cadre = rng.integers(0, len(lists), 20000)
    post = rng.integers(0, len(wanted), 20000)
    got = has_specialty(data, cadre, wanted, post)
    expected = [w != "" and w in lists[c] for c, w in zip(cadre, wanted[post], strict=True)]
    assert np.array_equal(got, expected) and 0 < got.sum() < len(got)


# --- the titles read once each -----------------------------------------------------------
def test_titles_read_once_each_are_the_column_s_contains(data_sets):
    titles = np.concatenate([d.posts["title"].to_numpy(dtype=object)
                             for _, d in data_sets.values()]
                            + [np.array(["书记员", "县委常委、人武部部长", "人大常委会主任",
                                         "人武部政委", "乡党委组织委员", ""], dtype=object)])
    kinds = np.resize(np.array(["county_party", "county_gov", "township"], dtype=object),
                      len(titles))
    by_title = pd.Series(titles, dtype=object).astype(str).str.contains(PARTY_TITLE, regex=True)
    assert np.array_equal(party_post_default(kinds, titles),
                          (kinds == "county_party") | by_title.to_numpy(bool))
    named = pd.Series(titles, dtype=object).astype(str).str.contains(MILITARY_TITLE, regex=False)
    got = filled_by_default(titles)
    assert got.dtype == object
    assert got.tolist() == np.where(named.to_numpy(bool), "military", "scope").tolist()
    assert by_title.any() and named.any()


# --- the pairs' union, the posts of a key ------------------------------------------------
def _old_union(n_cadres, cadre, post, own) -> pd.DataFrame:
    key = post.astype(np.int64) * n_cadres + cadre
    key, first = np.unique(key, return_index=True)
    return pd.DataFrame({"cadre": key % n_cadres, "post": key // n_cadres, "own": own[first]})


def _old_rows_by(key, want):
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    lo = np.searchsorted(ordered, want, "left")
    size = np.where(want >= 0, np.searchsorted(ordered, want, "right") - lo, 0)
    first = np.cumsum(size) - size
    pos = np.repeat(lo - first, size) + np.arange(int(size.sum()))
    return np.repeat(np.arange(len(want)), size), order[pos]


@pytest.mark.parametrize("seed", range(20))
def test_union_by_one_sort_and_rows_by_counting_are_the_replaced_searches(seed):
    rng = np.random.default_rng(seed)
    n_cadres, n_posts = int(rng.integers(1, 300)), int(rng.integers(1, 200))
    # own pairs first, once each; new pairs repeated, never an own pair (as the callers)
    held = rng.choice(n_cadres, int(rng.integers(0, n_cadres + 1)), replace=False)
    own_post = rng.integers(0, n_posts, len(held))
    new_cadre = rng.integers(0, n_cadres, int(rng.integers(0, 3000)))
    new_post = rng.integers(0, n_posts, len(new_cadre))
    mine = pd.Series(own_post, index=held).reindex(new_cadre).to_numpy() == new_post
    cadre = np.concatenate([held, new_cadre[~mine]])
    post = np.concatenate([own_post, new_post[~mine]])
    own = np.arange(len(cadre)) < len(held)
    got = _union(n_cadres, cadre, post, own)
    expected = _old_union(n_cadres, cadre, post, own)
    assert got.dtypes.to_dict() == expected.dtypes.to_dict() and got.equals(expected)

    key = rng.integers(0, int(rng.integers(1, 50)), int(rng.integers(0, 500)))
    want = rng.integers(-3, 60, int(rng.integers(0, 300)))
    for a, b in zip(_rows_by(key, want), _old_rows_by(key, want), strict=True):
        assert a.dtype == b.dtype and np.array_equal(a, b)


# --- the locks on arrays -----------------------------------------------------------------
def _old_apply_locks(data, sc, facts, universe: pd.DataFrame) -> pd.DataFrame:
    cpos = pd.Index(data.cadres["cadre_id"])
    ppos = pd.Index(data.posts["post_id"])
    universe = universe.assign(must=False)
    if sc.locks.forbid:
        forbidden = pd.MultiIndex.from_tuples(
            [(cpos.get_loc(p.cadre), ppos.get_loc(p.post)) for p in sc.locks.forbid])
        pairs = pd.MultiIndex.from_arrays([universe["cadre"], universe["post"]])
        universe = universe[~pairs.isin(forbidden)]
    if sc.locks.must:
        rows = pd.DataFrame({"cadre": [cpos.get_loc(p.cadre) for p in sc.locks.must],
                             "post": [ppos.get_loc(p.post) for p in sc.locks.must]})
        rows["own"] = facts.c_own_post[rows["cadre"].to_numpy()] == rows["post"].to_numpy()
        rows["must"] = True
        universe = pd.concat(
            [universe[~universe.set_index(["cadre", "post"]).index.isin(
                rows.set_index(["cadre", "post"]).index)], rows], ignore_index=True)
        universe = universe.sort_values(["post", "cadre"], ignore_index=True)
    return universe


def _locked(sc: Scenario, data, universe: pd.DataFrame, seed: int, forbid: bool, must: bool):
    """`sc` with forbid locks on some pairs of `universe`, must locks on others and on
    pairs off it (a 破格 pair, a pair a rule removes)."""
    rng = np.random.default_rng(seed)
    cid = data.cadres["cadre_id"].to_numpy(dtype=object)
    pid = data.posts["post_id"].to_numpy(dtype=object)
    rows = rng.choice(len(universe), 8, replace=False)
    picked = [(int(universe["cadre"].iat[r]), int(universe["post"].iat[r])) for r in rows]
    off = [(int(rng.integers(len(cid))), int(rng.integers(len(pid)))) for _ in range(3)]
    musts, seen = [], set()
    for c, p in picked[4:] + off:
        if c not in seen:
            seen.add(c)
            musts.append(Pair(cadre=cid[c], post=pid[p]))
    sc = sc.model_copy(deep=True)
    sc.locks.forbid = [Pair(cadre=cid[c], post=pid[p]) for c, p in picked[:4]] if forbid else []
    sc.locks.must = musts if must else []
    return sc


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(("forbid", "must"), [(False, False), (True, False), (False, True),
                                              (True, True)])
def test_locks_on_arrays_are_the_frames(data_sets, name, forbid, must):
    sc, data = data_sets[name]
    facts = compute_facts(data, sc.reference_date)
    universe = _union(len(data.cadres), *(
        pd.concat([structural_pairs(data, sc, facts), exchange_pairs(data, sc, facts)])[c]
        .to_numpy() for c in ("cadre", "post", "own")))
    sc = _locked(sc, data, universe, len(name), forbid, must)
    expected = _old_apply_locks(data, sc, facts, universe)
    got = _apply_locks(data, sc, facts, *(universe[c].to_numpy() for c in ("cadre", "post",
                                                                            "own")))
    for column, array in zip(("cadre", "post", "own", "must"), got, strict=True):
        want = expected[column].to_numpy()
        assert array.dtype == want.dtype and np.array_equal(array, want), column
    assert expected["must"].sum() == (len(sc.locks.must) if must else 0)


# --- the universe: one union of the structural and the exchange pairs --------------------
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("mode", ["as is", "target", "off"])
def test_eligible_pairs_judge_the_two_unions_universe(data_sets, name, mode):
    sc, data = data_sets[name]
    sc = every_rule(sc, mode)
    facts = compute_facts(data, sc.reference_date)
    parts = pd.concat([structural_pairs(data, sc, facts), exchange_pairs(data, sc, facts)])
    universe = _old_union(len(data.cadres), parts["cadre"].to_numpy(np.int64),
                          parts["post"].to_numpy(np.int64), parts["own"].to_numpy(bool))
    pairs = eligible_pairs(data, sc, facts)
    judged = pd.concat([pd.DataFrame({"cadre": pairs.cadre, "post": pairs.post,
                                      "own": pairs.own}),
                        pairs.removed[["cadre", "post", "own"]]])
    judged = judged.sort_values(["post", "cadre"], ignore_index=True)
    assert judged.equals(universe) and len(pairs) > 0
    assert mode != "as is" or len(pairs.removed) > 0


# --- the pair rules judged on the pairs of their scope, text compared once ---------------
def _old_masks(ctx) -> dict[str, np.ndarray]:
    """The bodies of the pair rules that read text per call or judged every pair, as they
    were (R-EL1, R-EL4, R-EL7, R-EL8, R-AV2, R-RO2, R-RO3, R-EL10, R-RO9, R-RS2)."""
    data, rules = ctx.data, ctx.rules
    posts, teams, cadres = data.posts, data.teams, data.cadres

    def team_is(column, values):
        return np.isin(teams[column].to_numpy(dtype=object), list(values))[ctx.team]

    p_head = (posts["grade"].to_numpy(dtype=object) == "head")[ctx.post]
    out = {}
    ranks = np.isin(posts["rank"].to_numpy(dtype=object), list(rules["R-EL1"].ranks))
    below = ctx.facts.c_edu < EDUCATION_LEVEL[rules["R-EL1"].min_education]
    out["R-EL1"] = ctx.new & ranks[ctx.post] & below[ctx.cadre]
    wanted = posts["specialty"].to_numpy(dtype=object)
    out["R-EL8"] = (ctx.new & (wanted != "")[ctx.post]
                    & ~has_specialty(data, ctx.cadre, wanted, ctx.post))
    home = same_value_in(data, ("cadres", "home_region"), ("teams", "region"), ctx.cadre,
                         ctx.team)
    out["R-AV2"] = posts["key_post"].to_numpy(bool)[ctx.post] & home
    rule = rules["R-RO2"]
    own_post = ctx.facts.c_own_post
    grades = posts["grade"].to_numpy(dtype=object)
    own_team = np.where(own_post >= 0, ctx.facts.p_team[own_post], -1)
    in_scope = (np.isin(teams["system"].to_numpy(dtype=object), list(rule.systems))
                & np.isin(teams["kind"].to_numpy(dtype=object), list(rule.kinds)))
    exchanged = ((own_post >= 0) & (grades[own_post] == "deputy") & in_scope[own_team]
                 & (ctx.facts.c_years_team >= rule.years))
    out["R-RO2"] = exchanged[ctx.cadre] & (ctx.team == own_team[ctx.cadre])
    rule = rules["R-RO3"]
    out["R-RO3"] = (ctx.own & ~p_head & ~team_is("system", rules["R-RO2"].systems)
                    & team_is("kind", rule.kinds) & (ctx.years_post >= rule.years))
    member = cadres["party"].to_numpy(dtype=object) == PARTY_CPC
    out["R-EL10"] = party_post(data)[ctx.post] & ~member[ctx.cadre]
    finding = cadres["finding"].to_numpy(dtype=object)
    unfit, incompetent = finding == "unfit_post", finding == "incompetent"
    remove = np.zeros(len(unfit), dtype=bool)
    if rules["R-RO9"].votes == "act":
        adjust, remove = evaluation_marks(data, rules)
        unfit = unfit | adjust
    not_down = ctx.own | (ctx.step >= 0)
    out["R-RO9"] = (remove[ctx.cadre] | (incompetent[ctx.cadre] & not_down)
                    | (unfit[ctx.cadre] & (ctx.own | (ctx.step >= 1) | (ctx.step < -1))))
    newest = newest_grades(ctx.facts)[ctx.cadre, 0]
    year = cadres["assessment_year"].astype("Float64").fillna(-1e9).to_numpy(float)
    recent = (ctx.facts.ref.year - year[ctx.cadre]) <= rules["R-EL4"].basic_no_promotion_years
    out["R-EL4"] = (newest == 0) | (ctx.promo & (newest == BAD_GRADES) & recent)
    rule = rules["R-EL7"]
    age = ctx.facts.c_age[ctx.cadre]
    limit = posts["rank"].map(rule.promotion_max_age).fillna(NO_AGE_LIMIT).to_numpy(float)
    too_old = ctx.promo & (age > limit[ctx.post])
    in_term = rule.retiring_in_term & (age + rule.term_years > rule.retirement_age)
    out["R-EL7"] = retired(rules, ctx.facts)[ctx.cadre] | (ctx.new & (too_old | in_term))
    kept = (cadres["reserve_rank"] != "").any()
    pool = same_value_in(data, ("cadres", "reserve_rank"), ("posts", "rank"), ctx.cadre,
                         ctx.post)
    out["R-RS2"] = ctx.promo & kept & ~pool
    assert np.array_equal(ctx.p_head, p_head)
    return out


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(("random_lists", "votes", "in_term"), [(False, "mark", False),
                                                                (True, "act", True)])
def test_pair_rules_on_their_scope_are_the_rules_on_every_pair(data_sets, name, random_lists,
                                                               votes, in_term):
    sc, data = data_sets[name]
    data = _with_random_lists(data, 5) if random_lists else replace(data)
    sc = every_rule(sc, "target")  # every rule on, R-EL9 a target: every rank step up
    sc.rules["R-RO9"].votes = votes
    sc.rules["R-EL7"].retiring_in_term = in_term
    facts = compute_facts(data, sc.reference_date)
    universe = structural_pairs(data, sc, facts)
    cadre, post, own = (universe[c].to_numpy() for c in ("cadre", "post", "own"))
    ctx = pair_context(data, sc, facts, cadre, post, own)
    expected = _old_masks(ctx)
    for rid, mask in expected.items():
        got = PAIR_RULES[rid](ctx)
        assert got.dtype == bool and np.array_equal(got, mask), rid
    # read twice (the exchange movers, then every pair): the same from the memo
    again = pair_context(data, sc, facts, cadre, post, own)
    assert all(np.array_equal(PAIR_RULES[rid](again), m) for rid, m in expected.items())
    assert sum(m.any() for m in expected.values()) >= 5



@pytest.mark.parametrize("name", NAMES)
def test_same_value_codes_are_the_text_compared(data_sets, name):
    _, data = data_sets[name]
    rng = np.random.default_rng(2)
    for left, right in ((("cadres", "home_region"), ("teams", "region")),
                        (("cadres", "system"), ("teams", "system")),
                        (("cadres", "reserve_rank"), ("posts", "rank"))):
        a = data.table(left[0])[left[1]].to_numpy(dtype=object)
        b = data.table(right[0])[right[1]].to_numpy(dtype=object)
        i, j = rng.integers(0, len(a), 30000), rng.integers(0, len(b), 30000)
        got = same_value_in(replace(data), left, right, i, j)
        assert np.array_equal(got, a[i] == b[j]), (left, right)
        assert got.any() or left[1] == "reserve_rank"


@pytest.mark.parametrize("name", NAMES)
def test_fit_summed_in_place_is_the_sum_of_the_parts(data_sets, name):
    sc, data = data_sets[name]
    facts = compute_facts(data, sc.reference_date)
    pairs = eligible_pairs(data, every_rule(sc, "off"), facts)
    rng = np.random.default_rng(len(name))
    randomly = [sc.fit.model_copy(update=dict(zip(PARTS, rng.random(4) * 3, strict=True)))
                for _ in range(3)]
    parts = fit_parts(data, pairs.cadre, pairs.post)
    for weights in [sc.fit, *randomly, sc.fit.model_copy(update=dict.fromkeys(PARTS, 0))]:
        w = np.array([getattr(weights, k) for k in PARTS])
        score = sum(w[i] * parts[k] for i, k in enumerate(PARTS)) / (w.sum() or 1.0)
        expected = np.rint(100 * score).astype(np.int64)
        got = fit_scores(data, weights, pairs.cadre, pairs.post)
        assert got.dtype == expected.dtype and np.array_equal(got, expected)
