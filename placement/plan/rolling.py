"""The plan, year by year: each year's roster is an ordinary solve of that year's state.

Why rolling and not one time-indexed model (docs/plan.md, "Why year by year"): each
year solved by the existing pipeline (`placement.pipeline.run.solve_result`) gets every
rule of the catalogue, the pre-checks, the independent checker and the explanations
exactly as `placement solve` has them, with no second model of the rules to drift
from the first. Year k's input is year k-1's result as a data set (`advance`): the
incumbents as year k-1 left them, one year older and one year longer in post, on a
reference date one year later. A rotation deadline (R-RO1–R-RO5) is therefore met in
the year it falls due, since on that year's reference date the sitting cadre's own pair
breaks the rule, and not earlier unless an earlier move is cheaper on that year's
objective (a sitting cadre allowed to stay costs `weights.move` to move); R-TC4 and
every team target hold on each year's roster. The plan's memory is R-RO10 (term
stability, issue 25): every year's scenario names the term's first reference date
(`term_start`), so from year 2 on a head stays and nobody moved within the term is
moved again unless a hard rule forces it or it is a promotion; an evaluation or a
finding acts once (`advance` clears it); R-TC10's drop is the 换届's, held over the term
(`avg_age_drop` 0 from year 2). What this does not do: trade a year's fit against a
later year's, or pull a later deadline into an earlier year (docs/plan.md, "Foresight:
why still year by year").

Year 1 is the scenario as given, except that a cadre who has reached R-EL7's
`retirement_age` on the reference date, or whom the schedule (`leaves`) dates by
then, leaves. The scenario's locks: `forbid` holds every year; `must` and `keep` name
year 1's roster and hold in year 1 only (kept later, they would forbid a deadline's
move). The plan's own locks (`placement.plan.locks`) name their year or hold all term.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from placement.data.dataset import DataSet
from placement.data.scenario import Scenario
from placement.eligibility.facts import compute_facts
from placement.eligibility.pairs import eligible_pairs, held_to_stay
from placement.eligibility.prechecks import unmatched_posts
from placement.meaning import cadre_rules, causes, term
from placement.pipeline.propose import Proposal
from placement.pipeline.run import solve_result
from placement.plan import dataset_files
from placement.plan.advance import LEFT, advance, leave_now
from placement.plan.locks import PlanLock, year_locks
from placement.roster.result_folder import Result

MAX_YEARS = 10
# Rounds of opening the posts a later year's pool cannot fill (`unfillable`): opening
# one can leave another without a cadre (its only one now kept elsewhere); on the
# province (docs/plan.md) 2027 needed two rounds (9 posts, then 2) and 2030 three
# (10, 5, 1). Each round is one unexplained solve of a few seconds there.
OPEN_ROUNDS = 5
# The conflicts that say only that the pool is short (`unfillable`): a post no cadre may
# take (the pre-checks), and the model's infeasibility itself when not explained.
POOL_SHORT = ("no cadre may take this post", "no roster keeps every hard rule")


def reference(start: dt.date, index: int) -> dt.date:
    """The reference date of year `index` (1 = `start`): whole years on (29 February
    becomes 28 February in a common year)."""
    return (pd.Timestamp(start) + pd.DateOffset(years=index - 1)).date()


@dataclass
class Year:
    """One year of the plan: its scenario and state (the data set as the loader's text
    tables, and as read), the solve's result, and who leaves on its reference date."""

    index: int
    scenario: Scenario
    tables: dict[str, pd.DataFrame]
    data: DataSet
    result: Result
    departures: pd.Series  # cadre id -> advance.RETIRED / LEFT / SCHEDULED
    due: pd.Series  # sitting cadre id -> target rules staying breaks (R-RO3;R-RO5)
    opened: list[str] = field(default_factory=list)  # posts the pool cannot fill
    rounds: int = 0  # the rounds that opened them (`unfillable`)
    # What the plan's tables read of a solved year (plan.csv's lines per language),
    # built once: the progress line, plan.json, plan.csv and the report each read it,
    # and the progress line re-read every year so far after each year
    # (`placement.plan.tables`).
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def label(self) -> str:
        """The year's folder name: the calendar year of its reference date."""
        return str(self.scenario.reference_date.year)


@dataclass
class Plan:
    """The years solved (fewer than `requested` when a year has no roster that passes
    the checker: the plan stops there), with the time taken."""

    scenario: Scenario
    requested: int
    years: list[Year] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Every year requested has a roster and the checker passed each one."""
        return len(self.years) == self.requested and all(y.result.ok for y in self.years)

    @property
    def exit_code(self) -> int:
        """0 when `ok`; else the first failing year's: 1 a checker failure, 4 proven
        infeasible, 5 no roster in the time limit (cli.py's codes)."""
        for y in self.years:
            if y.result.roster is None:
                return y.result.exit_code
            if not y.result.ok:
                return 1
        return 0


def year_scenario(sc: Scenario, index: int,
                  locks_given: list[PlanLock] | None = None, young_so_far: int = 0,
                  years: int = 1, start: Fraction | None = None) -> Scenario:
    """Year `index`'s scenario: the reference date moved on, the data set named relative
    to the plan folder (`YEAR/data`), `must` and `keep` locks in year 1 only; R-RO10's
    `term_start` the plan's first reference date; from year 2 on R-TC10's
    `avg_age_drop` 0 (the average age the 换届 reached, held over the term: no older than
    the same teams a year on, rather than a new drop re-based every year).
    `locks_given`: the plan's own (`placement.plan.locks`), in the years they hold in.
    `young_so_far`: the young appointments the years before made (R-TC4 over the term,
    `term.year_rules`); `years`, `start`: the plan's length and R-TC8's start share,
    for its path to a goal share (`term.year_rules`)."""
    ref = reference(sc.reference_date, index)
    locks = sc.locks if index == 1 else sc.locks.model_copy(update={"must": [], "keep": []})
    locks = year_locks(locks, locks_given or [], ref.year)
    folder = Path(str(ref.year))
    rules = term.year_rules(sc, index, young_so_far, years, start)
    return sc.model_copy(update={"reference_date": ref, "locks": locks, "rules": rules,
                                 "data": folder / "data", "source": folder / "scenario.toml"})


def due_targets(sc: Scenario, data: DataSet, result: Result | None = None) -> pd.Series:
    """Per sitting cadre whose own pair breaks a target-mode pair rule (a rotation
    target such as R-RO3 that has fallen due), or whom target-mode R-RO5 counts (staying
    on the portfolio falls short): those rule ids, `;`-joined.
    A hard rule removes the pair instead, and the moves table names it. The facts and
    pairs are the solve's (`result`) when it kept them, else built here."""
    facts = getattr(result, "facts", None) or compute_facts(data, sc.reference_date)
    pairs = getattr(result, "pairs", None) or eligible_pairs(data, sc, facts)
    own = np.flatnonzero(pairs.own)
    names = pd.Series("", index=data.cadres["cadre_id"].to_numpy()[pairs.cadre[own]],
                      dtype=object)
    for rule, mask in pairs.breaks.items():
        names = names.where(~mask[own], names + ";" + rule)
    portfolio = cadre_rules.PORTFOLIO  # counted per cadre: staying falls short
    if sc.rules[portfolio].mode == "target":
        may_stay = held_to_stay(pairs, len(data.cadres))
        due = cadre_rules.scope(portfolio, data, sc, facts, may_stay)[pairs.cadre[own]]
        names = names.where(~due, names + ";" + portfolio)
    return names[names != ""].str.lstrip(";")


def unfillable(result: Result, prop: Proposal | None = None) -> list[str]:
    """The posts of a year with no roster that its pool cannot fill, when that is all
    that is known against it: every conflict is "no cadre may take this post", too few
    cadres of a rank, or the model's own "no roster keeps every hard rule"; then the
    posts no cadre may take, and those a maximum matching of posts to eligible cadres
    leaves empty (`prechecks.unmatched_posts`, from the year's eligible pairs). Else
    none (a lock that breaks a hard rule, a team minimum the pool cannot reach: the
    planner's answer). Why: the plan carries the data's pool on and adds no one, so
    after the 换届 a post whose holder leaves may have no eligible successor in scope
    (the province, year 2); the plan leaves such a post open that year, to be filled
    from outside the pool (上级调配, `filled_by = above`), instead of stopping the term.
    Year 1 is never opened: there the conflict is the planner's answer, as in
    `placement solve`. `prop`: the proposal behind `result` (`solve_result`'s
    `on_proposal`), whose eligible pairs the matching reads."""
    if result.roster is not None:
        return []
    conflicts = result.summary.get("conflicts") or []
    if not conflicts or any(c.get("detail") not in POOL_SHORT and c.get("rule") != "RANK"
                            for c in conflicts):
        return []
    posts = {c["where"] for c in conflicts if c.get("detail") == POOL_SHORT[0]}
    if prop is not None:
        short = unmatched_posts(prop.data, prop.facts, prop.pairs)
        posts |= set(prop.data.posts["post_id"].to_numpy(dtype=object)[short].tolist())
    return sorted(posts)


def _as_read(state: DataSet, read: DataSet) -> DataSet:
    """A later year's state as the loader would read the tables the plan writes of it
    (`dataset_files.as_text`): the frames as they are, the sources, checksums and
    warnings of year 1's read. Why not read each year's tables again: a year's state is
    year 1's as read, carried on by `advance`, which keeps every column's type, so
    reading its text back gives the same frames (tests/test_plan.py holds every year of
    Linfen's plan to that); reading them cost a fifth of a year's time (docs/plan.md,
    "Run time")."""
    return replace(state, sources=read.sources, checksums=read.checksums,
                   warnings=read.warnings)


def plan(sc: Scenario, data: DataSet, years: int = 5, leaves: Mapping[str, int] | None = None,
         progress: bool = False, cancel: threading.Event | None = None,
         on_year: Callable[[Year], None] | None = None,
         locks: list[PlanLock] | None = None) -> Plan:
    """Solve `years` years from `sc` and `data`. `leaves`: cadre id -> the year (1 …)
    in which the cadre leaves (the data's `leaving` is year 1's). `locks`: the plan's
    locks, each for a year or the term (`placement.plan.locks`). `on_year` is called
    with each year as it is solved. Stops after a year without a roster the checker
    passes."""
    if not 1 <= years <= MAX_YEARS:
        raise ValueError(f"years must be 1 … {MAX_YEARS}, not {years}")
    started = time.perf_counter()
    retirement = causes.retirement_age(sc)
    schedule = {cid: reference(sc.reference_date, y) for cid, y in (leaves or {}).items()}
    going = leave_now(data.cadres, sc.reference_date, retirement, schedule)
    cadres = data.cadres.assign(leaving=data.cadres["leaving"].to_numpy()
                                | (going != "").to_numpy())
    left = pd.Series(LEFT, index=data.cadres["cadre_id"][data.cadres["leaving"]].to_numpy())
    departures = pd.concat([left, going[going != ""]])
    state = replace(data, cadres=cadres)
    out = Plan(sc, years)
    filled_by = data.posts.set_index("post_id")["filled_by"]
    read = None  # year 1's data set as the loader reads its tables: names, no checksums
    young = 0  # young appointments made so far in the term (R-TC4)
    start = (term.secretary_start(sc, data, compute_facts(data, sc.reference_date))
             if term.secretary_path(sc) else None)  # R-TC8's share before the term
    for index in range(1, years + 1):
        sc_k = year_scenario(sc, index, locks, young, years, start)
        tables = dataset_files.as_text(state)
        if read is None:
            data_k = read = dataset_files.build(tables, sc_k.reference_date)
        else:
            data_k = _as_read(state, read)
        # A later year is explained only once no post is left to open (`unfillable`).
        proposals: list[Proposal] = []  # behind each solve: its eligible pairs (`unfillable`)
        result = solve_result(sc_k, data_k, progress=progress, cancel=cancel,
                              explain_none=index == 1, on_proposal=proposals.append)
        opened: list[str] = []
        rounds = 0
        while index > 1 and rounds < OPEN_ROUNDS:
            more = unfillable(result, proposals[-1])  # left open: filled from outside the pool
            if not more:
                break
            rounds += 1
            opened += more
            state = replace(state, posts=state.posts.assign(filled_by=state.posts["filled_by"]
                            .mask(state.posts["post_id"].isin(opened), "above")))
            tables = dataset_files.as_text(state)
            data_k = _as_read(state, read)
            result = solve_result(sc_k, data_k, progress=progress, cancel=cancel,
                                  explain_none=False, on_proposal=proposals.append)
        if result.roster is None and index > 1 and result.summary.get("status") == "infeasible":
            # the year's answer: why it has no roster (bounded by the solve's time limit)
            result = solve_result(sc_k, data_k, progress=progress, cancel=cancel)
        due = (due_targets(sc_k, data_k, result) if result.roster is not None
               else pd.Series(dtype=object))  # no roster, no moves to say why of
        year = Year(index, sc_k, tables, data_k, result, departures, due, opened, rounds)
        out.years.append(year)
        if on_year is not None:
            on_year(year)
        if not result.ok or index == years:
            break
        young += term.young_made(result.figures)
        nxt = advance(data_k, result.roster, sc_k.reference_date,
                      reference(sc.reference_date, index + 1), retirement, schedule)
        posts = nxt.posts.assign(filled_by=nxt.posts["post_id"].map(filled_by).to_numpy())
        state = replace(data_k, cadres=nxt.cadres, posts=posts)
        departures = nxt.departures
    out.seconds = round(time.perf_counter() - started, 3)
    return out
