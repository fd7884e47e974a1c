"""Vacancies, successors and the witness roster that proves a data set solvable.

A generated data set must admit a roster under the default rules. The generator
builds one alongside the data (the *witness*): every sitting cadre who may stay
stays, and every vacancy gets its own *designated successor*, a candidate made to
pass every hard pair rule for that post and to bring what the team still lacks
after the stayers are counted (locals for R-TC2, a non-Party cadre for R-TC6,
someone from outside the system for R-TC1, a young member for R-TC3, women for
R-TC5, a non-local for a key post under R-AV2). The designated successors are ordinary candidates in
the output; the alternates around them give the solver real choices.

Rule parameters are read from `placement.data.rules.default_rules()`, so the witness
follows the catalogue's defaults.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from placement.data.rules import Rule, default_rules, share_fraction
from placement.data.schema import RANK_LEVEL
from placement.generate.common import MIN_AGE_AT_RANK, REF, pick, years_between
from placement.generate.people import approvals, day, people
from placement.meaning.posts import party_post_default

NEEDS = ("need_local", "need_nonlocal", "need_nonparty", "need_young", "need_diff_system",
         "need_female")
NON_PARTY_MIX = ("民盟", "民建", "民进", "农工党", "九三学社", "致公党", "民革", "无党派")
# R-RO9 (能上能下, docs/rules.md) at its default thresholds: a sitting cadre rated 优秀+称职
# below two thirds, or 不称职 above one third, is marked for the committee; only an
# organisational finding (`finding`) moves him or her (or the votes, with `votes = "act"`).
RO9_GOOD_BELOW = 2 / 3
RO9_BAD_ABOVE = 1 / 3


def _on(rule: Rule) -> bool:
    return rule.mode == "hard"


def retiring(age, rules: dict[str, Rule] | None = None) -> np.ndarray:
    """R-EL7: at or over `retirement_age` on the reference date (the cadre retires and
    leaves). Reaching it *within* the term is no cause to leave (不唯年龄): only with
    R-EL7's `retiring_in_term` option does that bar a cadre too. The generator never
    marks a sitting cadre leaving for being 56–59."""
    el7 = (rules or default_rules())["R-EL7"]
    age = np.asarray(age)
    out = age >= el7.retirement_age
    if el7.retiring_in_term:
        out |= age + el7.term_years > el7.retirement_age
    return out


def below_ro9(cad: pd.DataFrame) -> np.ndarray:
    """R-RO9's votes: the democratic evaluation below its thresholds (see RO9_*). Votes
    alone only mark the cadre for the committee (`votes = "mark"`, the default)."""
    good = cad["rating_good"].to_numpy(dtype=float)
    bad = cad["rating_bad"].to_numpy(dtype=float)
    return (good < RO9_GOOD_BELOW) | (bad > RO9_BAD_ABOVE)  # NaN (not rated): False


def found_unfit(cad: pd.DataFrame) -> np.ndarray:
    """R-RO9's organisational finding (`finding`: 不胜任现职 or 不称职): binds."""
    return cad["finding"].to_numpy(dtype=object) != ""


def forced_out(cad: pd.DataFrame, posts: pd.DataFrame, teams: pd.DataFrame,
               rules: dict[str, Rule] | None = None) -> np.ndarray:
    """Sitting cadres whom a hard rule keeps from staying in their own post:
    R-RO1 (head 10 years in post), R-RO2 (deputy of a sensitive system 10 years in the
    team), R-AV2 (key post at home), R-EL4 (newest grade 不称职), R-RO9 (an organisational
    `finding`; the evaluation votes too only where `votes = "act"`) and R-EL7 (at the
    retirement age on the reference date). R-EL12 is no age rule: it re-reads R-EL5
    (sanction, file, personal matters), which generated incumbents never fail."""
    rules = rules or default_rules()
    post = cad["post"].to_numpy()
    inc = np.flatnonzero(post >= 0)
    p = post[inc]
    team = posts["team"].to_numpy()[p]
    kind = teams["kind"].to_numpy(dtype=object)[team]
    system = teams["system"].to_numpy(dtype=object)[team]
    head = posts["grade"].to_numpy(dtype=object)[p] == "head"
    years_post = years_between(day(cad, "post_since")[inc])
    years_team = years_between(day(cad, "team_since")[inc])
    out = np.zeros(len(inc), dtype=bool)
    ro1, ro2 = rules["R-RO1"], rules["R-RO2"]
    if _on(ro1):
        out |= head & np.isin(kind, ro1.kinds) & (years_post >= ro1.years)
    if _on(ro2):
        out |= (~head & np.isin(system, ro2.systems) & np.isin(kind, ro2.kinds)
                & (years_team >= ro2.years))
    if _on(rules["R-AV2"]):
        key = posts["key_post"].to_numpy(bool)[p]
        region = teams["region"].to_numpy(dtype=object)[team]
        out |= key & (cad["home_region"].to_numpy(dtype=object)[inc] == region)
    if _on(rules["R-EL4"]):
        out |= newest_grade(cad)[inc] == "不称职"
    ro9 = rules["R-RO9"]
    if ro9.mode != "off":
        out |= found_unfit(cad)[inc]
        if ro9.votes == "act":
            out |= below_ro9(cad)[inc]
    if _on(rules["R-EL7"]):
        out |= retiring(cad["age"].to_numpy(np.int64)[inc], rules)
    mask = np.zeros(len(cad), dtype=bool)
    mask[inc] = out
    return mask


def stays(cad: pd.DataFrame, posts: pd.DataFrame, forced: np.ndarray) -> np.ndarray:
    """Per post: True where the incumbent stays in the witness roster."""
    holder = posts["holder"].to_numpy()
    held = holder >= 0
    h = np.where(held, holder, 0)
    return held & ~cad["leaving"].to_numpy(bool)[h] & ~forced[h]


@dataclass
class _Team:
    """One team while its successors' needs are planned."""
    index: int
    kind: str
    region: str
    posts: np.ndarray  # post rows of the team
    vacant: np.ndarray  # post rows without a stayer, non-key deputies first
    free: np.ndarray  # the vacant posts that are not key posts
    stayers: np.ndarray  # cadre rows who stay


def plan(rng: np.random.Generator, teams: pd.DataFrame, posts: pd.DataFrame,
         cad: pd.DataFrame, forced: np.ndarray, protected: np.ndarray,
         rules: dict[str, Rule] | None = None) -> pd.DataFrame:
    """What each vacancy's successor must bring so that the witness keeps every hard team
    rule. May make a sitting cadre local (R-TC2), exchanged-in (R-TC1) or leaving (to open
    a seat for a non-Party cadre, R-TC6) when the vacancies alone cannot do it; never
    touches `protected` cadres. Returns one row per vacancy post: its needs (NEEDS) and
    `need_specialty` (the post's required specialty or the team's special need, R-EL8/TC9)."""
    rules = rules or default_rules()
    p_team = posts["team"].to_numpy()
    order = np.argsort(p_team, kind="stable")
    bounds = np.searchsorted(p_team[order], np.arange(len(teams) + 1))
    needs = {n: np.zeros(len(posts), dtype=bool) for n in NEEDS}
    need_specialty = np.where(posts["specialty"].to_numpy(dtype=object) != "",
                              posts["specialty"].to_numpy(dtype=object), "").astype(object)
    teams_young = np.zeros(len(teams), dtype=bool)
    for t in range(len(teams)):
        prow = order[bounds[t]:bounds[t + 1]]
        if _on(rules["R-TC6"]) and teams["needs_non_party"].iat[t]:
            _open_seat_for_non_party(rng, posts, cad, forced, protected, prow)
        tc5 = rules["R-TC5"]
        if tc5.mode != "off" and tc5.every_mode == "hard" and teams["kind"].iat[t] in tc5.kinds:
            _open_seats_for_women(rng, posts, cad, forced, protected, prow, tc5.min_women_every)
        team = _team_view(t, teams, posts, cad, forced, prow)
        needs["need_nonlocal"][team.vacant[posts["key_post"].to_numpy(bool)[team.vacant]]] = True
        if _on(rules["R-TC1"]) and team.kind in rules["R-TC1"].kinds:
            _plan_exchange(rng, cad, protected, team, needs, rules["R-TC1"])
        if _on(rules["R-TC6"]) and teams["needs_non_party"].iat[t] and not (
                cad["party"].to_numpy(dtype=object)[team.stayers] != "cpc").any():
            party = party_post_default(np.full(len(team.free), team.kind, dtype=object),
                                       posts["title"].to_numpy(dtype=object)[team.free])
            needs["need_nonparty"][team.free[~party][0]] = True  # R-EL10: not a Party post
        if _on(rules["R-TC2"]) and team.kind in rules["R-TC2"].kinds:
            _plan_locals(rng, posts, cad, protected, team, needs, rules["R-TC2"])
        if tc5.mode != "off" and team.kind in tc5.kinds:
            short = max(tc5.min_women, tc5.min_women_every) - (
                cad["gender"].to_numpy(dtype=object)[team.stayers] == "F").sum()
            needs["need_female"][team.vacant[:max(short, 0)]] = True
        wanted = teams["needs_specialty"].iat[t]
        have = cad["specialties"].to_numpy(dtype=object)[team.stayers]
        if wanted and len(team.vacant) and not any(wanted in str(s).split(";") for s in have):
            first = team.free if len(team.free) else team.vacant
            need_specialty[first[0]] = need_specialty[first[0]] or wanted
        teams_young[t] = (cad["age"].to_numpy()[team.stayers] <= rules["R-TC3"].max_age).any()
    _plan_young(rng, teams, posts, cad, forced, teams_young, needs["need_young"],
                rules["R-TC3"])
    if rules["R-TC6"].mode != "off" and rules["R-TC6"].keep_total:
        _plan_non_party_total(teams, posts, cad, forced, needs["need_nonparty"])
    vacant = np.flatnonzero(~stays(cad, posts, forced))
    req = pd.DataFrame({"post": vacant, "team": p_team[vacant]})
    for n in NEEDS:
        req[n] = needs[n][vacant]
    req["need_specialty"] = need_specialty[vacant]
    return req


def _plan_non_party_total(teams, posts, cad, forced, need: np.ndarray) -> None:
    """R-TC6 `keep_total` (seed 002: the city's non-Party cadres, 52, do not fall): as many
    vacancies as non-Party holders leave get a non-Party successor, their own posts first,
    then other vacancies that are no Party post (R-EL10), so the witness keeps the total."""
    holder = posts["holder"].to_numpy()
    vacant = ~stays(cad, posts, forced)
    party = cad["party"].to_numpy(dtype=object)
    left = vacant & (holder >= 0) & (party[np.maximum(holder, 0)] != "cpc")
    kind = teams["kind"].to_numpy(dtype=object)[posts["team"].to_numpy()]
    open_ = vacant & ~party_post_default(kind, posts["title"].to_numpy(dtype=object))
    short = int(left.sum()) - int((need & vacant).sum())
    for rows in (np.flatnonzero(left & open_ & ~need), np.flatnonzero(open_ & ~left & ~need)):
        take = rows[:max(short, 0)]
        need[take] = True
        short -= len(take)


def _team_view(t: int, teams, posts, cad, forced, prow: np.ndarray) -> _Team:
    stay = stays(cad, posts.iloc[prow], forced)
    key = posts["key_post"].to_numpy(bool)
    head = posts["grade"].to_numpy(dtype=object) == "head"
    vacant = prow[~stay]
    vacant = vacant[np.lexsort((head[vacant], key[vacant]))]
    return _Team(t, teams["kind"].iat[t], teams["region"].iat[t], prow, vacant,
                 vacant[~key[vacant]], posts["holder"].to_numpy()[prow[stay]])


def _open_seat_for_non_party(rng, posts, cad, forced, protected, prow: np.ndarray) -> None:
    """R-TC6 with no non-Party stayer and no free seat: one sitting deputy leaves."""
    stay = stays(cad, posts.iloc[prow], forced)
    holder = posts["holder"].to_numpy()[prow]
    key = posts["key_post"].to_numpy(bool)[prow]
    if (cad["party"].to_numpy(dtype=object)[holder[stay]] != "cpc").any() or (~stay & ~key).any():
        return
    deputy = posts["grade"].to_numpy(dtype=object)[prow] == "deputy"
    movable = stay & ~key & deputy & ~protected[np.maximum(holder, 0)]
    _flip(rng, cad, "leaving", True, holder[movable], 1)


def _open_seats_for_women(rng, posts, cad, forced, protected, prow: np.ndarray,
                          every: int) -> None:
    """R-TC5 (a), hard: a team whose women stayers and vacancies together fall short of
    `every` has that many more sitting (non-key, unprotected) deputies leave, so that
    their successors can be women (Linfen's R12-ZF had no woman and no vacancy)."""
    stay = stays(cad, posts.iloc[prow], forced)
    holder = posts["holder"].to_numpy()[prow]
    women = (cad["gender"].to_numpy(dtype=object)[holder[stay]] == "F").sum()
    short = every - women - (~stay).sum()
    if short <= 0:
        return
    key = posts["key_post"].to_numpy(bool)[prow]
    deputy = posts["grade"].to_numpy(dtype=object)[prow] == "deputy"
    movable = stay & ~key & deputy & ~protected[np.maximum(holder, 0)]
    _flip(rng, cad, "leaving", True, holder[movable], short)


def _plan_exchange(rng, cad, protected, team: _Team, needs, rule) -> None:
    """R-TC1: successors come from other systems; stayers marked exchanged-in make up
    what the vacancies cannot."""
    needs["need_diff_system"][team.vacant] = True
    exchanged = cad["exchanged_in"].to_numpy(bool)[team.stayers]
    short = (math.ceil(_share(rule.share) * len(team.posts)) - exchanged.sum()
             - len(team.vacant))
    _flip(rng, cad, "exchanged_in", True, team.stayers[~exchanged & ~protected[team.stayers]],
          short)


def _plan_locals(rng, posts, cad, protected, team: _Team, needs, rule) -> None:
    """R-TC2: local successors on non-key posts; stayers made local for the rest."""
    stayers = team.stayers
    local = cad["home_region"].to_numpy(dtype=object)[stayers] == team.region
    short = rule.min_locals - local.sum()
    needs["need_local"][team.free[:max(short, 0)]] = True
    on_key = posts["key_post"].to_numpy(bool)[cad["post"].to_numpy()[stayers]]
    _flip(rng, cad, "home_region", team.region, stayers[~local & ~on_key & ~protected[stayers]],
          short - len(team.free))


def _share(value) -> float:
    return float(share_fraction(value))


def _flip(rng, cad, column: str, value, rows: np.ndarray, k: int) -> None:
    if k <= 0:
        return
    if len(rows) < k:
        raise RuntimeError(f"cannot plan a feasible roster: too few cadres to set {column}")
    cad.loc[rng.choice(rows, size=k, replace=False), column] = value


def _plan_young(rng, teams, posts, cad, forced, teams_young, need_young, tc3) -> None:
    """R-TC3: enough teams in scope get a young member (a young stayer or successor)."""
    if not _on(tc3):
        return
    scope = np.isin(teams["kind"].to_numpy(dtype=object), tc3.kinds)
    if not scope.any():
        return
    required = math.ceil(_share(tc3.share_of_teams) * scope.sum())
    margin = math.ceil(0.08 * scope.sum())
    short = required + margin - (teams_young & scope).sum()
    if short <= 0:
        return
    vac = ~stays(cad, posts, forced)
    p_team = posts["team"].to_numpy()
    open_teams = np.flatnonzero(scope & ~teams_young & np.bincount(
        p_team[vac], minlength=len(teams)).astype(bool))
    if len(open_teams) < short - margin:
        raise RuntimeError("cannot plan a feasible roster: too few teams can get a young member")
    for t in rng.permutation(open_teams)[:short]:
        rows = np.flatnonzero(vac & (p_team == t))
        need_young[rows[0]] = True


# --- successors and alternates ------------------------------------------------------------

Origins = Callable[[np.random.Generator, pd.DataFrame], dict]


def make_candidates(rng: np.random.Generator, req: pd.DataFrame, teams: pd.DataFrame,
                    posts: pd.DataFrame, origins: Origins, regions: list[str],
                    systems: list[str], designated: bool,
                    rules: dict[str, Rule] | None = None) -> pd.DataFrame:
    """One candidate per row of `req` (a vacancy with its needs), clean on every hard
    eligibility rule for that post and nominated for it. `origins` (per profile) says
    where each comes from: rank, age, region, home region, system, nomination, flags.
    With `designated`, the needs are met and `target` records the post."""
    rules = rules or default_rules()
    n = len(req)
    post = req["post"].to_numpy()
    team = req["team"].to_numpy()
    t_region = teams["region"].to_numpy(dtype=object)[team]
    t_system = teams["system"].to_numpy(dtype=object)[team]
    p_rank = posts["rank"].to_numpy(dtype=object)[post]
    o = origins(rng, req.assign(
        p_rank=p_rank, grade=posts["grade"].to_numpy(dtype=object)[post],
        key=posts["key_post"].to_numpy(bool)[post], region=t_region, team_system=t_system,
        kind=teams["kind"].to_numpy(dtype=object)[team],
        team_id=teams["team_id"].to_numpy(dtype=object)[team],
        team_needs=teams["needs_specialty"].to_numpy(dtype=object)[team],
        designated=designated))
    rank = np.asarray(o["rank"], dtype=object)
    step = _levels(p_rank) - _levels(rank)
    if ((step < 0) | (step > rules["R-EL9"].max_steps)).any():
        raise ValueError("origins gave a rank the post cannot take")
    promo = step >= 1
    el7 = rules["R-EL7"]
    needs = {k: (req[k].to_numpy(bool) if designated else np.zeros(n, bool)) for k in NEEDS}
    low = pd.Series(rank).map(MIN_AGE_AT_RANK).to_numpy(np.int64) + 4
    high = np.where(promo, pd.Series(p_rank).map(el7.promotion_max_age).fillna(99)
                    .to_numpy(np.int64), 99)
    high = np.minimum(high, el7.retirement_age - (el7.term_years if el7.retiring_in_term else 1))
    high = np.where(needs["need_young"], np.minimum(high, rules["R-TC3"].max_age), high)
    age = np.clip(np.asarray(o["age"], dtype=np.int64), low, np.maximum(high, low))
    home = np.asarray(o["home_region"], dtype=object).copy()
    home = np.where(needs["need_local"], t_region, home)
    clash = (needs["need_nonlocal"] | posts["key_post"].to_numpy(bool)[post]) & (home == t_region)
    others = _other_than(rng, regions, t_region[clash])
    home[clash] = others
    system = np.asarray(o["system"], dtype=object).copy()
    same = needs["need_diff_system"] & (system == t_system)
    system[same] = _other_than(rng, systems, t_system[same])
    education = np.asarray(o["education"], dtype=object).copy()
    degree_needed = np.isin(p_rank, rules["R-EL1"].ranks)
    education[degree_needed & (education == "other")] = "college"
    female = np.asarray(o["female"], dtype=bool) | needs["need_female"]
    frame = people(rng, rank=rank, age=age, region=o["region"], home_region=home, system=system,
                   female=female, education=education,
                   rank_years=(np.where(promo, rules["R-EL2"].min_years + 0.2, 0.5),
                               np.where(promo, 10.0, 8.0)))
    nonparty = needs["need_nonparty"] | np.asarray(o.get("non_party", np.zeros(n)), dtype=bool)
    if _on(rules["R-EL10"]):  # a Party post's successor is a CPC member
        nonparty &= ~party_post_default(teams["kind"].to_numpy(dtype=object)[team],
                                        posts["title"].to_numpy(dtype=object)[post])
    frame.loc[nonparty, "party"] = pick(rng, NON_PARTY_MIX, int(nonparty.sum()))
    spec = np.asarray(o["specialties"], dtype=object)
    wanted = req["need_specialty"].to_numpy(dtype=object) if designated else np.full(n, "")
    spec = np.where((wanted != "") & ~_contains(spec, wanted),
                    np.where(spec == "", wanted, wanted + ";" + spec), spec)
    frame["specialties"] = spec
    for flag in ("township_head", "township_head_now", "county_pick"):
        if flag in o:
            frame[flag] = np.asarray(o[flag], dtype=bool)
    frame["township_head"] |= frame["township_head_now"]
    frame["post_since"] = np.maximum(day(frame, "rank_since"),
                                     REF - rng.integers(120, 2600, n).astype("timedelta64[D]"))
    frame["candidate"] = True
    frame["approval"] = approvals(rng, n)
    frame["nominated_for"] = _nominations(o["nominated_for"], t_region,
                                          teams["team_id"].to_numpy(dtype=object)[team])
    frame["target"] = np.where(designated, post, -1)
    frame["near"] = team
    return frame


def _levels(ranks: np.ndarray) -> np.ndarray:
    return pd.Series(ranks).map(RANK_LEVEL).to_numpy(np.int64)


def _contains(lists: np.ndarray, items: np.ndarray) -> np.ndarray:
    return np.array([i != "" and i in str(s).split(";") for s, i in zip(lists, items, strict=True)],
                    dtype=bool)


def _other_than(rng, choices: list[str], avoid: np.ndarray) -> np.ndarray:
    """A random value from `choices` different from `avoid` (per row)."""
    arr = np.array(choices, dtype=object)
    out = arr[rng.integers(0, len(arr), len(avoid))]
    bad = out == avoid
    while bad.any():
        out[bad] = arr[rng.integers(0, len(arr), bad.sum())]
        bad = out == avoid
    return out


def _nominations(nominated, region: np.ndarray, team_id: np.ndarray) -> np.ndarray:
    """`;`-joined nominations (duplicates dropped, order kept); each must name the
    vacancy's team or region, or the candidate would not be one for it."""
    out = np.empty(len(nominated), dtype=object)
    out[:] = [";".join(dict.fromkeys(items)) for items in nominated]
    for items, r, t in zip(nominated, region, team_id, strict=True):
        if r not in items and t not in items:
            raise ValueError(f"a candidate for {t} is not nominated for it")
    return out


def newest_grade(cad: pd.DataFrame) -> np.ndarray:
    return np.array([a.split(";")[0] if a else "" for a in cad["assessments"]], dtype=object)
