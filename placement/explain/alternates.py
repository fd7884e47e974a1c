"""Alternates (差额人选): for each filled post, the next-best holders, ranked by what
the roster loses if they take the post instead, each priced exactly.

Why: a competitive nomination (差额推荐、差额考察) brings more candidates than posts.
The planner needs the shortlist ranked by cost to the whole roster, with the exact
objective change and the targets each alternate would break, not a guess from the
candidate's own fit.

Method, exact and with no candidate left unexamined: the best roster in which post
p's proposed holder h does not hold p puts the cheapest alternate c₁ at p, and its
objective is the optimum with c₁ forced into p (forcing any other candidate gives
one of the rosters that solve ranged over, so nothing better). Excluding h and c₁
gives c₂, and so on: K solves per post rank and price the K best alternates. Each
solve is the proposal's own MIP with the excluded pairs' upper bounds at 0, tried
in the post's region first and then in its block or whole (`placement.solver.resolve`);
posts run two at a time in threads (HiGHS releases the GIL), and each post's
solves are independent of the others, so the answer does not depend on the order
they finish in. Every alternate roster is confirmed by the
independent checker, whose figures also name the targets it breaks.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from placement.checker import check_roster
from placement.data.names import Names
from placement.data.rules import RULE_NAMES
from placement.roster.tables import roster_table
from placement.solver.highs import Search
from placement.solver.resolve import kept_resolver

THREADS = 2  # the machine's cores: two HiGHS searches at once (docs/solver.md)
COLUMNS = ["post_id", "team_id", "holder_id", "rank", "cadre_id", "incumbent", "fit", "objective",
           "objective_change", "lines_changed", "breaks", "gains", "detail", "status",
           "route", "checked", "reason_zh", "reason_en"]


class AlternatesError(ValueError):
    """The request cannot be answered as asked (a usage error, not a data error)."""


class NotReproduced(AlternatesError):
    """Alternates or a why-not asked of a run's roster: its holder of these posts is not
    the one the run's scenario gives again (the run stopped before its optimum)."""

    def __init__(self, posts: list[str]):
        super().__init__("the run's holder is not the optimum's at " + ", ".join(posts)
                         + "; solve the run again to its optimum")
        self.posts = posts


@dataclass
class Alternates:
    table: pd.DataFrame  # one row per (post, rank): COLUMNS
    posts: list[str]  # the posts asked about
    solves: int
    seconds: float
    interrupted: bool = False
    rosters: dict[tuple[str, int], pd.DataFrame] = field(default_factory=dict, repr=False)
    posts_done: int = 0  # posts finished (all of them unless interrupted)

    def summary(self) -> dict:
        return {"posts": len(self.posts), "posts_done": self.posts_done,
                "alternates": len(self.table), "solves": self.solves,
                "seconds": round(self.seconds, 3), "interrupted": self.interrupted,
                "routes": {str(k): int(v) for k, v in self.table["route"].value_counts()
                           .sort_index().items()},
                "all_checked": bool(self.table["checked"].all()) if len(self.table) else True}


def posts_in_scope(roster: pd.DataFrame, scope: str | Sequence[str], data) -> list[str]:
    """`"changed"`: posts whose holder changes (the appointments a nomination is about);
    `"all"`: every post; else post, team or region ids (a region: its teams' posts)."""
    if isinstance(scope, str) and scope in ("changed", "all"):
        rows = roster if scope == "all" else roster[roster["change"] != "stay"]
        return rows["post_id"].tolist()
    chosen = {scope} if isinstance(scope, str) else set(scope)
    region = data.teams.set_index("team_id")["region"].reindex(roster["team_id"]).to_numpy()
    mask = (roster["post_id"].isin(chosen) | roster["team_id"].isin(chosen)).to_numpy() \
        | np.isin(region, list(chosen))
    return roster.loc[mask, "post_id"].tolist()


def check_alternates(sc, scope: str | Sequence[str], data) -> None:
    """Before any solve: the scenario's objective is weighted, and a scope that names
    posts, teams or regions names ones of the data set."""
    if sc.objective != "weighted":
        raise AlternatesError("alternates are priced on the weighted objective; "
                              "this scenario is lexicographic")
    if isinstance(scope, str) and scope in ("changed", "all"):
        return
    wanted = [scope] if isinstance(scope, str) else list(scope)
    known = set(data.posts["post_id"]) | set(data.teams["team_id"]) | set(data.teams["region"])
    unknown = [w for w in wanted if w not in known]
    if unknown or not wanted:
        raise AlternatesError("not a post, team or region of the data set: "
                              + (", ".join(unknown) or "(none given)"))


def find_alternates(prop, k: int, scope: str | Sequence[str] = "changed",
                    on_post: Callable[[int, int], None] | None = None,
                    keep_rosters: bool = False, kept: dict | None = None) -> Alternates:
    """Up to `k` alternates for each post in `scope` (see `posts_in_scope`) of the
    proposal `prop` (`run.Proposal` with a roster). `on_post(done, total)` after each
    post; `keep_rosters`: keep each alternate's whole roster (tests check them). Ctrl-C
    stops the remaining posts and keeps those done. `kept`: a dict the caller keeps
    between questions on `prop` (the MIP, the regions and the proposal's checker report
    are set up once: `placement.pipeline.warm.Session`)."""
    if prop.roster is None:
        raise AlternatesError("no roster to find alternates for")
    if prop.placement is None or prop.outcome.values is None:
        # a lock what-if answered on another proposal's MIP (`placement.pipeline.locked`)
        raise AlternatesError("the proposal kept no model to re-solve: propose its "
                              "scenario to ask for alternates")
    check_alternates(prop.scenario, scope, prop.data)
    if k < 1:
        raise AlternatesError("k must be at least 1")
    started = time.perf_counter()
    shortlist = _Shortlist(prop, keep_rosters, kept)
    wanted = posts_in_scope(prop.roster, scope, prop.data)
    if not prop.scenario.allow_release:
        # A post its sitting holder keeps has no alternate: the holder leaves it only for a
        # cause ("Leaving the roster"), and replacing him is the planner's decision, a lock,
        # which why-not prices.
        stays = set(prop.roster.loc[prop.roster["change"] == "stay", "post_id"])
        wanted = [pid for pid in wanted if pid not in stays]
    results: dict[str, tuple[list[dict], dict, int, bool]] = {}
    previous = (signal.signal(signal.SIGINT, lambda *_: shortlist.stop())
                if threading.current_thread() is threading.main_thread() else None)
    try:
        with ThreadPoolExecutor(THREADS) as pool:
            futures = {pool.submit(shortlist.post, pid, k): pid for pid in wanted}
            for done, future in enumerate(futures, start=1):
                results[futures[future]] = future.result()
                if on_post:
                    on_post(done, len(wanted))
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    rows = [r for pid in wanted for r in results[pid][0]]
    rosters = {key: r for pid in wanted for key, r in results[pid][1].items()}
    return Alternates(pd.DataFrame(rows, columns=COLUMNS), wanted,
                      sum(r[2] for r in results.values()), time.perf_counter() - started,
                      shortlist.stopped.is_set(), rosters,
                      sum(r[3] for r in results.values()))


class _Shortlist:
    """The proposal's MIP and roster, shared by the threads that rank each post's
    alternates; `stop()` ends every running search (Ctrl-C)."""

    def __init__(self, prop, keep_rosters: bool, kept: dict | None = None):

        self.prop, self.keep_rosters = prop, keep_rosters
        sc, data, pairs, pl, o = prop.scenario, prop.data, prop.pairs, prop.placement, prop.outcome
        self.column = pl.columns
        self.base_objective = float(o.objective)
        self.resolver, self.regions = kept_resolver(kept, pl, o.values, self.base_objective,
                                                    o.proven, o.blocks > 0)
        chosen = np.asarray(o.chosen)
        self.base_pair = pd.Series(chosen, index=pairs.post[chosen])  # post -> pair
        self.base_holder = pd.Series(pairs.cadre[chosen], index=pairs.post[chosen])
        # The post's sitting holder before the change: as an alternate he is the option
        # of keeping him (原任职人留任), which the planner reads apart from a newcomer.
        self.sitting = prop.roster.set_index("post_id")["previous_holder_id"].fillna("")
        report = kept.get("report") if kept is not None else None
        if report is None:
            report = check_roster(sc, data, prop.roster)
            if kept is not None:
                kept["report"] = report
        self.base_short = _target_shortfalls(report.figures)
        self.base_terms = _terms(report, prop.roster)
        self.position = {p: i for i, p in enumerate(data.posts["post_id"])}
        self.names = Names(data)
        self.stopped = threading.Event()
        self._active: set[Search] = set()
        self._lock = threading.Lock()

    def stop(self) -> None:
        self.stopped.set()
        with self._lock:
            for search in self._active:
                search.stop()

    def post(self, post_id: str, k: int) -> tuple[list[dict], dict, int, bool]:
        """The alternates of one post, best first: each solve excludes the holder and the
        alternates found so far. Rows, rosters (if kept), the number of solves, and
        whether the post was finished (not cut short by Ctrl-C)."""
        p = self.position[post_id]
        excluded = [int(self.base_pair[p])]
        rows, rosters, solves, complete = [], {}, 0, True
        for rank in range(1, k + 1):
            if self.stopped.is_set():
                complete = False
                break
            status, proven, chosen, objective, route = self._solve_without(p, excluded)
            solves += 1
            if chosen is None:
                complete = not self.stopped.is_set()
                break
            pair = int(chosen[self.prop.pairs.post[chosen] == p][0])
            row, roster = self._row(p, rank, pair, chosen, status, proven, objective)
            row["route"] = route
            rows.append(row)
            if self.keep_rosters:
                rosters[(post_id, rank)] = roster
            excluded.append(pair)
            if not proven:  # a later rank would rest on an unproven one
                break
        return rows, rosters, solves, complete

    def _solve_without(self, p: int, excluded: list[int]
                       ) -> tuple[str, bool, np.ndarray | None, float | None, str]:
        searches: list[Search] = []

        def started(search: Search) -> None:
            with self._lock:
                searches.append(search)
                self._active.add(search)
                if self.stopped.is_set():
                    search.stop()

        try:
            answer = self.resolver.without(self.column[excluded], self.regions.around([p]),
                                           started)
        finally:
            with self._lock:
                self._active.difference_update(searches)
        if answer.values is None or self.stopped.is_set():
            return answer.status.value, False, None, None, answer.route
        return (answer.status.value, answer.proven,
                np.flatnonzero(answer.values[self.column] > 0.5),
                self.resolver.objective(answer.values), answer.route)

    def _row(self, p: int, rank: int, pair: int, chosen: np.ndarray, status: str,
             proven: bool, objective: float) -> tuple[dict, pd.DataFrame]:
        """One line of alternates.csv, from the alternate's roster as the independent
        checker reads it."""

        prop, pairs = self.prop, self.prop.pairs
        roster = roster_table(prop.data, prop.facts, pairs, chosen)
        report = check_roster(prop.scenario, prop.data, roster)
        holder = pd.Series(pairs.cadre[chosen], index=pairs.post[chosen])
        changes = _changes(self.base_short, _target_shortfalls(report.figures))
        terms = _terms(report, roster)
        cadre_ids = prop.data.cadres["cadre_id"].to_numpy()
        base = int(self.base_pair[p])
        row = {
            "post_id": prop.data.posts["post_id"].iat[p],
            "team_id": prop.data.posts["team_id"].iat[p],
            "holder_id": cadre_ids[pairs.cadre[base]], "rank": rank,
            "cadre_id": cadre_ids[pairs.cadre[pair]],
            "incumbent": bool(cadre_ids[pairs.cadre[pair]]
                              == self.sitting.get(prop.data.posts["post_id"].iat[p], "")),
            "fit": int(pairs.fit[pair]),
            "objective": objective, "objective_change": objective - self.base_objective,
            "lines_changed": int((holder.reindex(self.base_holder.index)
                                  != self.base_holder).sum()),
            "breaks": ";".join(sorted({r for r, _, d in changes if d > 0})),
            "gains": ";".join(sorted({r for r, _, d in changes if d < 0})),
            "detail": "; ".join(f"{r}@{w} {d:+d}" for r, w, d in changes),
            "status": status, "checked": report.ok,
        }
        row |= _reasons(row, proven, changes, int(pairs.fit[base]),
                        {key: terms[key] - self.base_terms[key] for key in terms}, self.names)
        return row, roster


def _target_shortfalls(figures: pd.DataFrame) -> pd.Series:
    """Shortfall per (rule, place) of the target-mode rules."""
    f = figures[(figures["mode"] == "target") & (figures["shortfall"] > 0)]
    return f.groupby(["rule", "where"])["shortfall"].sum()


def _changes(before: pd.Series, after: pd.Series) -> list[tuple[str, str, int]]:
    """(rule, place, change of shortfall) wherever a target's shortfall differs."""
    both = pd.concat([before.rename("b"), after.rename("a")], axis=1).fillna(0)
    diff = (both["a"] - both["b"]).astype(int)
    diff = diff[diff != 0]
    return [(rule, where, int(d)) for (rule, where), d in diff.items()]


def _terms(report, roster: pd.DataFrame) -> dict[str, float]:
    """The checker's own objective terms of a roster: weighted fit, target penalties,
    moves and releases of sitting cadres."""
    t = report.objective_terms(roster.set_index("post_id")["fit"])
    return {"fit": t["fit"], "penalty": sum(t["penalties"].values()), "moves": t["moves"],
            "releases": t["releases"]}


def _reasons(row: dict, proven: bool, changes: list[tuple[str, str, int]], holder_fit: int,
             delta_terms: dict[str, float], names: Names) -> dict:
    """Why the alternate costs what it costs, from the checker's terms: fit, targets,
    moves; then each target place whose shortfall changes (by id and name)."""
    delta, d = row["objective_change"], delta_terms
    others = row["lines_changed"] - 1
    zh = ["原任职人留任"] if row["incumbent"] else []
    en = ["the post's sitting holder stays (原任职人留任)"] if row["incumbent"] else []
    zh += [f"目标值变化 {delta:+g}（人岗相适度 {row['fit']}，拟任人选 {holder_fit}；"
           f"相适度合计 {d['fit']:+g}，目标扣分 {d['penalty']:+g}，"
           f"调动 {d['moves']:+d}，免职 {d['releases']:+d}）",
           f"另有 {others} 个职位随之调整" if others else "其他职位不变"]
    en += [f"objective change {delta:+g} (fit {row['fit']} against {holder_fit} for the "
           f"proposed holder; total fit {d['fit']:+g}, target penalties {d['penalty']:+g}, "
           f"moves {d['moves']:+d}, releases {d['releases']:+d})",
           f"{others} other line{'s' if others != 1 else ''} change" if others
           else "no other line changes"]
    for rule, where, d in changes:
        name_zh, name_en = RULE_NAMES.get(rule, (rule, rule))
        zh.append(f"{rule} {name_zh} @{names.beside(where, 'zh')} "
                  f"缺口{'增加' if d > 0 else '减少'} {abs(d)}")
        en.append(f"{rule} {name_en} @ {names.beside(where, 'en')} short by {abs(d)} "
                  f"{'more' if d > 0 else 'less'}")
    if not proven:
        zh.append("未证明最优：实际损失不超过此值")
        en.append("not proven optimal: the true loss is at most this")
    return {"reason_zh": "；".join(zh), "reason_en": "; ".join(en)}
