"""Which (cadre, post) pairs may appear in a roster, and why the others may not.

Pairs are built vectorised (the posts counted by key once for every kind of reach,
integer pair keys sorted once, numpy masks; no per-pair Python loop, and text compared
once per row, not per pair: scale60 has 738k pairs). First the structural universe
(docs/rules.md, "Availability"): own posts, plus new placements of candidates within
their nomination and at most the allowed rank steps up. Then every pair rule not `off`
(R-EL*, R-AV2, R-RO1–R-RO4: one function each in `placement.eligibility.pair_rules`) is
evaluated on every pair as a mask. A rule in `hard` mode removes its pairs; in
`target` mode its mask stays with the pair so the model can price it and the
explanation can name it. Removed pairs are kept with their reasons, because a
planner asks "why not this person here?".
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from placement.data.dataset import DataSet, derived
from placement.data.scenario import Scenario
from placement.data.schema import RANK_LEVEL
from placement.eligibility.facts import Facts
from placement.eligibility.fit import fit_scores
from placement.eligibility.pair_rules import (
    PAIR_RULES,
    RANK_STEPS,
    barred_everywhere,
    pair_context,
)

# Rules a `must` lock overrides (破格 promotion, demotion by decision): docs/rules.md.
LOCK_EXEMPT = (RANK_STEPS,)
# Why a pair was removed, as bits (one per rule; LEAVING only for a must lock on a leaver).
# LEAVING takes the bit after the first 14 pair rules (R-EL1 … R-RO4); rules appended
# later (R-EL10 …) follow it. Bits live only in memory (`removed`), never in a file, so
# R-RO5–R-RO7 leaving the pair rules (issue 19) could close the gap they left.
_BEFORE_LEAVING = 14
# FILLED_BY: a post filled through another channel, or its holder, in a pair that is not the
# holder's own post (docs/rules.md, "Posts filled through another channel").
_BIT_ORDER = (*list(PAIR_RULES)[:_BEFORE_LEAVING], "LEAVING", *list(PAIR_RULES)[_BEFORE_LEAVING:],
              "FILLED_BY")
REASON_BIT = {rid: 1 << k for k, rid in enumerate(_BIT_ORDER)}


def reasons(bits: int) -> tuple[str, ...]:
    """The rule ids packed in a removed pair's `bits`."""
    return tuple(rid for rid, b in REASON_BIT.items() if int(bits) & b)


@dataclass(frozen=True)
class Pairs:
    """The pairs that get a variable, aligned arrays; plus what was removed and why."""

    cadre: np.ndarray
    post: np.ndarray
    own: np.ndarray
    step: np.ndarray
    must: np.ndarray
    fit: np.ndarray
    breaks: dict[str, np.ndarray]  # target-mode pair rule -> mask over the pairs
    removed: pd.DataFrame  # cadre, post (row positions), own, bits (see `reasons`)
    lock_conflicts: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.cadre)


def held_to_stay(pairs: Pairs, n_cadres: int) -> np.ndarray:
    """Bool per cadre: the own pair exists and breaks no target pair rule. A pair rule
    the staying line breaks is a cause to leave whatever its mode ("Leaving the roster",
    docs/rules.md): hard, the pair is gone; made a target, the cadre may stay at its
    weight, or move or leave as under the hard rule, so that making a hard rule a target
    only widens the rosters at no greater cost (issue 30). A cadre held to stay is kept
    placed (no release without a cause), and charged a move when moved."""
    caused = np.zeros(len(pairs), dtype=bool)
    for mask in pairs.breaks.values():
        caused |= mask
    out = np.zeros(n_cadres, dtype=bool)
    out[pairs.cadre[pairs.own & ~caused]] = True
    return out


def structural_pairs(data: DataSet, sc: Scenario, facts: Facts) -> pd.DataFrame:
    """Own posts of staying-capable incumbents, and candidates' possible new posts:
    for each step up to R-EL9's (hard), the posts of the rank that many steps up,
    anywhere for a candidate nominated without a limit, else in the teams or regions
    named. Posts are found per (rank) or (team or region named, rank) by one sort of
    the posts (`_rows_by`), not by joins of frames (most of scale60's eligibility)."""
    return _union(len(data.cadres), *_structural(data, sc, facts))


def _structural(data: DataSet, sc: Scenario, facts: Facts
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`structural_pairs` before their union: (cadre, post, own) aligned, own pairs
    first, a new pair possibly repeated (named by its team and by its region, say)."""
    cadres, posts = data.cadres, data.posts
    el9 = sc.rules[RANK_STEPS]
    max_step = el9.max_steps if el9.mode == "hard" else max(RANK_LEVEL.values())
    not_leaving = ~cadres["leaving"].to_numpy(bool)
    held = np.flatnonzero((facts.c_own_post >= 0) & not_leaving)
    cand = cadres["candidate"].to_numpy(bool) & not_leaving
    c_level = cadres["rank_level"].to_numpy(np.int64)
    p_level = posts["rank_level"].to_numpy(np.int64)
    count, names, team_code, region_code = _nominations(data)
    owner = np.repeat(np.arange(len(cadres)), count)
    asks = cand[owner]
    named, wanted = owner[asks], names[asks]  # one row per (candidate, team or region named)
    anywhere = np.flatnonzero(cand & (count == 0))
    # Each post keyed three times by (code, rank): its team's id, its team's region, and
    # `every` (a code no name has) for the candidates nominated anywhere; one query per
    # (candidate, name or anywhere, step).
    every = int(max(team_code.max(initial=-1), region_code.max(initial=-1),
                    names.max(initial=-1))) + 1
    span = int(max(p_level.max(initial=0), c_level.max(initial=0))) + max_step + 1
    team = facts.p_team
    key = np.concatenate([team_code[team], region_code[team], np.full(len(posts), every)]
                         ) * span + np.tile(p_level, 3)
    asker = np.concatenate([named, anywhere])
    base = np.concatenate([wanted, np.full(len(anywhere), every)]) * span + c_level[asker]
    steps = np.arange(max_step + 1)
    hit, row = _rows_by(key, (base[None, :] + steps[:, None]).ravel())
    cadre = np.concatenate([held, np.tile(asker, len(steps))[hit]])
    post = np.concatenate([facts.c_own_post[held], np.tile(np.arange(len(posts)), 3)[row]])
    own = np.arange(len(cadre)) < len(held)
    new = ~own & ((facts.c_own_post[cadre] == post) | _channel_pair(facts, cadre, post))
    return cadre[~new], post[~new], own[~new]


def _nominations(data: DataSet) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every cadre's `nominated_for`, flattened and coded once per data set: the number
    of names per cadre, the names (in cadre order) as codes, and each team row's id and
    region as codes of the same coding (equal values, equal codes). Read by the
    structural pairs and the exchange scope alike."""
    def make():
        noms = data.cadres["nominated_for"].to_numpy(dtype=object)
        count = np.fromiter(map(len, noms), np.int64, len(noms))
        names = np.fromiter(itertools.chain.from_iterable(noms), object, int(count.sum()))
        team_code, region_code, codes = _codes(data.teams["team_id"].to_numpy(dtype=object),
                                               data.teams["region"].to_numpy(dtype=object),
                                               names)
        return count, codes, team_code, region_code
    return derived(data, "nominations", make)


def _codes(*columns: np.ndarray) -> list[np.ndarray]:
    """Each column's values as codes, the columns coded together (equal values, equal
    codes)."""
    codes = pd.factorize(np.concatenate(columns))[0].astype(np.int64)
    bounds = np.cumsum([0, *map(len, columns)]).tolist()
    return [codes[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]


def _rows_by(key: np.ndarray, want: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every row r with `key[r] == want[i]`, for each query i (a negative `want` finds
    none): (the query of each hit, its row), queries in order, rows ascending. Keys
    are small non-negative codes, so the rows of a key are counted (`np.bincount`),
    not searched: a binary search per query took most of the structural pairs' time."""
    order = np.argsort(key, kind="stable")
    count = np.bincount(key, minlength=int(want.max(initial=-1)) + 1)
    at = np.maximum(want, 0)
    size = np.where(want >= 0, count[at], 0)
    first = np.cumsum(size) - size
    pos = np.repeat((np.cumsum(count) - count)[at] - first, size) + np.arange(int(size.sum()))
    return np.repeat(np.arange(len(want)), size), order[pos]


def _union(n_cadres: int, cadre: np.ndarray, post: np.ndarray, own: np.ndarray) -> pd.DataFrame:
    """The pairs (aligned arrays) once each, sorted by (post, cadre), `own` where one of
    its occurrences is (the callers never repeat an own pair as a new one): a frame's
    `drop_duplicates` then `sort_values`."""
    cadre, post, own = _union_arrays(n_cadres, cadre, post, own)
    return pd.DataFrame({"cadre": cadre, "post": post, "own": own})


def _union_arrays(n_cadres: int, cadre: np.ndarray, post: np.ndarray, own: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`_union` as arrays (cadre, post, own): one sort of one integer key per pair, its
    lowest bit 0 for an own pair (`np.unique` with `return_index` took 4-8 times as
    long)."""
    key = np.sort((post.astype(np.int64) * n_cadres + cadre) * 2 + ~np.asarray(own, dtype=bool))
    first = np.ones(len(key), dtype=bool)
    first[1:] = (key[1:] >> 1) != (key[:-1] >> 1)
    key = key[first]
    post, cadre = np.divmod(key >> 1, n_cadres)
    return cadre, post, (key & 1) == 0


def _channel_pair(facts: Facts, cadre: np.ndarray, post: np.ndarray) -> np.ndarray:
    """Bool per new pair: it fills a post filled through another channel, or takes the
    holder of one away from it; neither is this proposal's to make."""
    own = facts.c_own_post
    holds = ((own >= 0) & facts.p_channel[np.maximum(own, 0)])[cadre]
    return facts.p_channel[post] | holds


def pair_rule_masks(
    data: DataSet, sc: Scenario, facts: Facts, cadre: np.ndarray, post: np.ndarray, own: np.ndarray
) -> dict[str, np.ndarray]:
    """For every pair rule not `off`, in `PAIR_RULES` order, the pairs that break it."""
    ctx = pair_context(data, sc, facts, cadre, post, own)
    return {rid: breaks(ctx) for rid, breaks in PAIR_RULES.items() if sc.rules[rid].mode != "off"}


def exchange_movers(data: DataSet, sc: Scenario, facts: Facts) -> np.ndarray:
    """Bool per cadre: sitting, not `leaving`, not a candidate, whom a pair rule, hard or
    target, bars from staying (R-RO1, R-RO2, R-EL10, R-AV2, an R-RO9 finding …: a cause
    to move, `held_to_stay`) and who is not barred from every post for a reason of their
    own (`barred_everywhere`) nor holds a post filled through another channel: the
    cadres `exchange_pairs` gives new posts."""
    cadres = data.cadres
    own = facts.c_own_post
    held = np.flatnonzero((own >= 0) & ~cadres["leaving"].to_numpy(bool)
                          & ~cadres["candidate"].to_numpy(bool))
    held = held[~facts.p_channel[own[held]]]
    masks = pair_rule_masks(data, sc, facts, held, own[held], np.ones(len(held), dtype=bool))
    barred = np.zeros(len(held), dtype=bool)
    for m in masks.values():
        barred |= m
    out = np.zeros(len(cadres), dtype=bool)
    out[held[barred]] = True
    return out & ~barred_everywhere(data, sc.rules, facts)


def exchange_scope(data: DataSet, facts: Facts, cadre: np.ndarray, post: np.ndarray
                   ) -> np.ndarray:
    """Bool per pair: the post lies where this cycle's nominations of the cadre's region
    reach (`_scope_table`)."""
    work, table = _scope_table(data)
    return table[work[cadre], facts.p_team[post]]


def _scope_table(data: DataSet) -> tuple[np.ndarray, np.ndarray]:
    """Where exchange reaches, per region a cadre works in and team: a team or region
    some candidate working in the same region is nominated for, or anywhere when one of
    them is nominated without a limit (or none is). Why: an exchanged cadre has no
    nomination of their own, and a province's data set holds several cities; exchange
    stays within the scope the department nominates for. Returns each cadre's row in
    the table and the table (bool, regions × team rows): read per (region, team), not
    per pair (scale60's exchange pairs were 4.7 million before the scope). Made once
    per data set (`derived`)."""
    return derived(data, "scope_table", lambda: _make_scope_table(data))


def _make_scope_table(data: DataSet) -> tuple[np.ndarray, np.ndarray]:
    """`_scope_table` read from the data (once per data set)."""
    cad = data.cadres
    work, regions = pd.factorize(cad["region"].to_numpy(dtype=object))
    candidate = cad["candidate"].to_numpy(bool)
    count, names, team_code, region_code = _nominations(data)
    table = np.zeros((len(regions), len(data.teams)), dtype=bool)
    nominating = np.zeros(len(regions), dtype=bool)
    nominating[work[candidate]] = True
    table[~nominating] = True
    table[work[candidate & (count == 0)]] = True
    owner = np.repeat(np.arange(len(cad)), count)
    asks = candidate[owner]
    named = work[owner[asks]]  # the region of each (candidate, name)
    for key in (team_code, region_code):
        hit, team = _rows_by(key, names[asks])
        table[named[hit], team] = True
    return work.astype(np.int64), table


def exchange_pairs(data: DataSet, sc: Scenario, facts: Facts) -> pd.DataFrame:
    """New posts for the `exchange_movers`: every post of the same rank within the
    cycle's nominations of their region (`exchange_scope`; a demotion stays a planner's
    decision, by a `must` lock, as for candidates), none filled through another
    channel. Why: "必须交流" means a new post ("Exchange", docs/rules.md); without these
    pairs such a cadre could only be released. In mover order, posts ascending."""
    cadre, post = _exchange(data, sc, facts)
    out = pd.DataFrame({"cadre": cadre, "post": post})
    out = out[out["post"].to_numpy() != facts.c_own_post[cadre]]
    return out.assign(own=False)


def _exchange(data: DataSet, sc: Scenario, facts: Facts) -> tuple[np.ndarray, np.ndarray]:
    """`exchange_pairs` (cadre, post) with the movers' own posts still in. The posts
    are found once per (region, rank) of the movers and repeated for each."""
    movers = np.flatnonzero(exchange_movers(data, sc, facts))
    work, table = _scope_table(data)
    level = data.cadres["rank_level"].to_numpy(np.int64)[movers]
    p_level = data.posts["rank_level"].to_numpy(np.int64)
    span = int(max(level.max(initial=0), p_level.max(initial=0))) + 1
    which, keys = pd.factorize(work[movers] * span + level)  # the movers' (region, rank)
    open_post = np.flatnonzero(~facts.p_channel)
    hit, row = _rows_by(p_level[open_post], keys % span)
    post = open_post[row]
    inside = table[keys[hit] // span, facts.p_team[post]]
    mover, at = _rows_by(hit[inside], which.astype(np.int64))
    return movers[mover], post[inside][at]


def structural_reasons(data: DataSet, sc: Scenario, facts: Facts, cadre: np.ndarray,
                       post: np.ndarray) -> dict[str, np.ndarray]:
    """Why each pair (aligned arrays) is outside the structural universe (docs/rules.md,
    "Availability"), one mask per reason: LEAVING, NOT_CANDIDATE (an exchanged cadre's
    post of the same rank needs none), NOT_NOMINATED, DEMOTION, R-EL9 past its steps
    (hard), FILLED_BY. The one reading `whynot` and `candidates` give a planner; the
    universe itself is built by `structural_pairs` and `exchange_pairs`."""
    cad = data.cadres
    own = facts.c_own_post[cadre] == post
    new = ~own
    step = data.posts["rank_level"].to_numpy()[post] - cad["rank_level"].to_numpy()[cadre]
    exchanged = (exchange_movers(data, sc, facts)[cadre] & (step == 0) & ~facts.p_channel[post]
                 & exchange_scope(data, facts, cadre, post))
    team = facts.p_team[post]
    region = data.teams["region"].to_numpy(dtype=object)[team]
    team_id = data.teams["team_id"].to_numpy(dtype=object)[team]
    noms = cad["nominated_for"].to_numpy(dtype=object)[cadre]
    named = np.array([bool(s) and t not in s and r not in s
                      for s, t, r in zip(noms, team_id, region, strict=True)], dtype=bool)
    el9 = sc.rules[RANK_STEPS]
    return {
        "LEAVING": cad["leaving"].to_numpy(bool)[cadre],
        "NOT_CANDIDATE": new & ~cad["candidate"].to_numpy(bool)[cadre] & ~exchanged,
        "NOT_NOMINATED": new & named & ~exchanged,
        "DEMOTION": new & (step < 0),
        RANK_STEPS: new & (el9.mode == "hard") & (step > el9.max_steps),
        "FILLED_BY": new & _channel_pair(facts, cadre, post),
    }


def eligible_pairs(data: DataSet, sc: Scenario, facts: Facts) -> Pairs:
    cadre, post, own = _structural(data, sc, facts)
    x_cadre, x_post = _exchange(data, sc, facts)
    moves = x_post != facts.c_own_post[x_cadre]
    cadre, post, own = _union_arrays(
        len(data.cadres), np.concatenate([cadre, x_cadre[moves]]),
        np.concatenate([post, x_post[moves]]),
        np.concatenate([own, np.zeros(int(moves.sum()), dtype=bool)]))
    cadre, post, own, must = _apply_locks(data, sc, facts, cadre, post, own)
    masks = pair_rule_masks(data, sc, facts, cadre, post, own)
    # The holder of a post filled through another channel is not this proposal's
    # appointment: no pair rule judges their staying.
    exempt = own & facts.p_channel[post]
    masks = {rid: m & ~exempt for rid, m in masks.items()}
    # A must lock waives LOCK_EXEMPT rules whatever their mode.
    masks = {rid: (m & ~must if rid in LOCK_EXEMPT else m) for rid, m in masks.items()}
    hard = [rid for rid in masks if sc.rules[rid].mode == "hard"]
    bits = np.where(data.cadres["leaving"].to_numpy(bool)[cadre], REASON_BIT["LEAVING"], 0)
    for rid in hard:
        np.bitwise_or(bits, REASON_BIT[rid], out=bits, where=masks[rid])
    np.bitwise_or(bits, REASON_BIT["FILLED_BY"], out=bits,
                  where=~own & _channel_pair(facts, cadre, post))
    drop = bits != 0
    removed_idx = np.flatnonzero(drop)
    removed = pd.DataFrame(
        {
            "cadre": cadre[removed_idx],
            "post": post[removed_idx],
            "own": own[removed_idx],
            "bits": bits[removed_idx],
        }
    )
    conflicts = [  # must locks on removed pairs: a handful, named for the planner
        (
            data.cadres["cadre_id"].iat[cadre[i]],
            data.posts["post_id"].iat[post[i]],
            reasons(bits[i]),
        )
        for i in removed_idx[must[removed_idx]]
    ]
    keep = ~drop
    step = data.posts["rank_level"].to_numpy()[post] - data.cadres["rank_level"].to_numpy()[cadre]
    targets = {rid: m[keep] for rid, m in masks.items() if sc.rules[rid].mode == "target"}
    return Pairs(
        cadre=cadre[keep],
        post=post[keep],
        own=own[keep],
        step=step[keep],
        must=must[keep],
        fit=fit_scores(data, sc.fit, cadre[keep], post[keep]),
        breaks=targets,
        removed=removed,
        lock_conflicts=conflicts,
    )


def _apply_locks(data: DataSet, sc: Scenario, facts: Facts, cadre: np.ndarray,
                 post: np.ndarray, own: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`forbid` drops pairs; `must` adds them (exempt from availability and R-EL9):
    (cadre, post, own, must), sorted by (post, cadre) again when a must lock adds one."""
    n_cadres = len(data.cadres)
    cpos = pd.Index(data.cadres["cadre_id"])
    ppos = pd.Index(data.posts["post_id"])
    must = np.zeros(len(cadre), dtype=bool)
    if sc.locks.forbid:
        keep = ~np.isin(post * n_cadres + cadre,
                        [ppos.get_loc(p.post) * n_cadres + cpos.get_loc(p.cadre)
                         for p in sc.locks.forbid])
        cadre, post, own, must = cadre[keep], post[keep], own[keep], must[keep]
    if sc.locks.must:
        m_cadre = np.array([cpos.get_loc(p.cadre) for p in sc.locks.must], dtype=np.int64)
        m_post = np.array([ppos.get_loc(p.post) for p in sc.locks.must], dtype=np.int64)
        m_key = m_post * n_cadres + m_cadre
        key = post * n_cadres + cadre
        keep = ~np.isin(key, m_key)
        key = np.concatenate([key[keep], m_key])
        own = np.concatenate([own[keep], facts.c_own_post[m_cadre] == m_post])
        must = np.concatenate([must[keep], np.ones(len(m_key), dtype=bool)])
        order = np.argsort(key, kind="stable")
        post, cadre = np.divmod(key[order], n_cadres)
        own, must = own[order], must[order]
    return cadre, post, own, must


def with_locks(pairs: Pairs, data: DataSet, forbid: list[tuple[str, str]],
               must: list[tuple[str, str]]) -> Pairs | None:
    """`pairs` (built by `eligible_pairs` for a scenario) as `eligible_pairs` builds them
    once the (cadre id, post id) locks `forbid` and `must` are added to that scenario's:
    forbidden pairs dropped (from the removed ones too: a forbid drops a pair before any
    rule judges it), must pairs marked and waived from `LOCK_EXEMPT`. None when a must
    pair is not among `pairs` (a 破格 pair, or one a hard rule removed: built anew).

    Why: a lock is a what-if a planner clicks, and building the pairs again is most of
    its set-up (issue 29); a lock drops or forces pairs the scenario already judged.
    The same `Pairs` as built anew (tests/test_warm.py)."""
    cpos, ppos = pd.Index(data.cadres["cadre_id"]), pd.Index(data.posts["post_id"])
    n_cadres = len(data.cadres)

    def keys(locks):
        return np.array([ppos.get_loc(p) * n_cadres + cpos.get_loc(c) for c, p in locks],
                        dtype=np.int64)

    key = pairs.post.astype(np.int64) * n_cadres + pairs.cadre
    forced = keys(must)
    if not np.isin(forced, key).all():
        return None
    keep = ~np.isin(key, keys(forbid))
    removed = pairs.removed
    if forbid:  # must locks alone leave the removed pairs as they are
        gone = np.isin(removed["post"].to_numpy(np.int64) * n_cadres
                       + removed["cadre"].to_numpy(np.int64), keys(forbid))
        removed = removed[~gone].reset_index(drop=True)
    marked = np.isin(key, forced)[keep]
    breaks = {rid: m[keep] & ~marked if rid in LOCK_EXEMPT else m[keep]
              for rid, m in pairs.breaks.items()}
    return Pairs(cadre=pairs.cadre[keep], post=pairs.post[keep], own=pairs.own[keep],
                 step=pairs.step[keep], must=pairs.must[keep] | marked, fit=pairs.fit[keep],
                 breaks=breaks, removed=removed,
                 lock_conflicts=list(pairs.lock_conflicts))
