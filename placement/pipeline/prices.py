"""The price list of a proposal: each rule one step looser, solved warm and checked.

`price_list(session)` takes a `placement.pipeline.warm.Session` (the proposal and its
kept HiGHS instances) and, for each rule the price list covers
(`placement.meaning.relaxations.priced`), solves the scenario with that rule's one step
(`what_if` with its `--set` settings: the same answer a cold solve of those settings
gives), checks the relaxed roster with the independent checker (against the relaxed
scenario) and compares it with the proposal (`placement.explain.prices`). The steps
the LP prices at 0 or cannot price outside the team rules (the pair, eligibility,
rotation and avoidance rules made targets) are first solved together
(`_jointly_free`): when that gains nothing, none of them does, proven by one solve.
For the team minimums, each team or county that is tight or short is estimated from
the LP's row duals (`placement.solver.duals`), twice `places` of the dearest by that
estimate are each re-solved with that place's row alone needing one fewer (no setting
names one place: the row of the kept model is lowered), checked against the
proposal's scenario, where that place's figure is the only one allowed to fall, and
the `places` dearest by exact price are listed.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from placement.checker import check_roster
from placement.data.names import Names
from placement.explain.prices import EPSILON, Solved, price_row, price_table
from placement.meaning import relaxations
from placement.pipeline.propose import Proposal
from placement.pipeline.warm import Session
from placement.solver.duals import row_duals
from placement.solver.solve import solve


@dataclass
class PriceList:
    """The price list (`table`, `placement.explain.prices.COLUMNS`), the seconds it took,
    and per rule how many of its tight or short places were not re-solved (past the
    `CANDIDATES × places` dearest by the LP estimate, or estimated at 0 and short of
    nothing)."""

    table: pd.DataFrame
    seconds: float
    unpriced: dict = field(default_factory=dict)

    def summary(self) -> dict:
        t = self.table
        binds = int((t["binds"] == "yes").sum()) if len(t) else 0
        return {"rows": len(t), "binding": binds, "seconds": round(self.seconds, 3),
                "places_not_resolved": self.unpriced}


def price_list(session: Session, rules: tuple[str, ...] | None = None, places: int = 3,
               figures: pd.DataFrame | None = None) -> PriceList:
    """The price list of `session.base` (see the module docstring). `rules`: the rules
    to price (default `relaxations.priced`); `places`: how many places of each team
    minimum to list (the dearest of `CANDIDATES` times as many re-solved); `figures`:
    the checker's figures of the proposal, if known."""
    began = time.perf_counter()
    base_prop = session.base
    sc, names = session.sc, Names(session.data)
    base = _solved(base_prop, figures)
    if base.roster is None:
        return PriceList(price_table([]), time.perf_counter() - began)
    pl = base_prop.placement
    duals = row_duals(pl, sc.solver.time_limit)
    targets = {(s.rule, s.where) for s in pl.shortfalls}
    weights = {(s.rule, s.where): s.weight for s in pl.shortfalls}
    kept = base.roster[["post_id", "cadre_id"]]  # ties go to the proposal's lines
    rows, unpriced = [], {}
    steps = {rule: step for rule in (rules if rules is not None else relaxations.priced(sc))
             if (step := relaxations.one_step(rule, sc)) is not None}
    estimates = {rule: _estimate(step, pl, duals, targets) for rule, step in steps.items()}
    alone: dict[str, Proposal] = {}
    pooled = [r for r in steps if _pooled(r, steps[r], estimates[r])]
    free = set(_jointly_free(session, pooled, steps, kept, base, alone))
    for rule, step in steps.items():
        if rule in free:
            rows.append(_free_row(rule, step, base, estimates[rule], names))
            continue
        relaxed = alone.get(rule) or session.what_if(
            *step.settings, keep_close_to=kept, same_pairs=relaxations.leaves_eligibility(rule))
        rows.append(price_row(rule, "rule", "all", (step.zh, step.en), step.settings, base,
                              _solved(relaxed, base=base), estimates[rule], names))
    for rule in relaxations.place_rules(sc):
        if rules is not None and rule not in rules:
            continue
        tight = _tight_places(rule, base.figures, pl.minimum_rows, duals)
        worth = tight[(tight["estimate"] > EPSILON) | (tight["shortfall"] > 0)]
        tried = worth.head(CANDIDATES * places)
        if len(tight) > len(tried):
            unpriced[rule] = int(len(tight) - len(tried))
        found = []
        for f in tried.itertuples(index=False):
            weight = weights.get((rule, f.where))
            short = f.shortfall > 0 and weight is not None
            relaxed = (_short_relaxed(base, weight) if short
                       else _place_relaxed(session, pl, rule, f.where, kept, base))
            zh, en = relaxations.place_step(rule, f.where)
            row = price_row(rule, "place", f.where, (zh, en), (), base, relaxed,
                            f.estimate, names, required=int(f.required))
            found.append(_noted(row, _SHORT) if short else row)
        rows += _dearest(found, places)
    rows += _waived_rows(pl, base_prop.outcome, base, rules, places, unpriced, names)
    return PriceList(price_table(rows), time.perf_counter() - began, unpriced)


# Places of a team minimum re-solved per place listed: the LP estimate ranks them, but
# it is a marginal rate and can under-rate a place; the exact prices of twice as many
# choose the dearest.
CANDIDATES = 2


_SHORT = ("该处未达标：要求降低1名后名单不变，代价即其权重（无需重解）",
          "short there: needing one fewer, the roster stays and the price is the weight "
          "(no re-solve)")


def _short_relaxed(base: Solved, weight: int) -> Solved:
    """A place short in the proposal, needing one fewer: the proposal's roster falls
    short by one less, gaining `weight`, and no roster gains more (needing one fewer
    lowers any roster's shortfall there by at most one, and none beat the proven
    optimum), so that is the price without a solve (tests/test_prices.py solves them
    cold all the same)."""
    return Solved(base.objective + weight, base.status, base.proven, base.roster,
                  base.figures, base.check_ok)


def _noted(row: dict, note: tuple[str, str]) -> dict:
    """`row` with `note` (zh, en) added to its notes."""
    row["note_zh"] = "；".join(filter(None, (row["note_zh"], note[0])))
    row["note_en"] = "; ".join(filter(None, (row["note_en"], note[1])))
    return row


def _dearest(found: list[dict], places: int) -> list[dict]:
    """The `places` dearest of the re-solved places by exact price (a place with no
    price last; among equal prices the estimate's order, in which they were found)."""
    def key(row: dict) -> float:
        price = row.get("price")
        return -float(price) if price is not None and not pd.isna(price) else np.inf
    return sorted(found, key=key)[:places]


def _pooled(rule: str, step: relaxations.Step, estimate: float | None) -> bool:
    """The rule's step is first tried together with the others' (`_jointly_free`): the
    LP prices it at 0, or cannot price it and the step makes a hard rule a target (a
    pair, eligibility, rotation or avoidance rule, whose step adds pairs the proposal's
    model has no column for, or a team rule whose rows the LP does not carry). Such
    steps seldom gain (a target's weight is above any fit gain), so one joint solve
    usually prices them all."""
    if estimate is not None:
        return estimate <= EPSILON
    return not relaxations.leaves_eligibility(rule) or any(
        s.endswith("mode=target") for s in step.settings)


def _jointly_free(session: Session, rules: list[str], steps: dict, kept: pd.DataFrame,
                  base: Solved, alone: dict) -> list[str]:
    """The rules of `rules` whose step gains nothing, proven by solving steps together:
    every step is a relaxation, so the scenario with all of them is one too, of each
    step's scenario as well (a roster of one step keeps the others' stricter rules, at
    no greater cost); when its proven optimum is the proposal's objective, no step alone
    can gain. Otherwise the rules are split in halves and each half tried, down to a
    single rule, whose solve is its price (kept in `alone`). Why: a solve per rule of
    the pair and eligibility rules would cost as much again as the proposal each."""
    if not rules:
        return []
    settings = tuple(s for r in rules for s in steps[r].settings)
    relaxed = session.what_if(*settings, keep_close_to=kept,
                              same_pairs=all(relaxations.leaves_eligibility(r) for r in rules))
    out = relaxed.outcome
    if (out is not None and out.proven and out.objective is not None
            and base.objective is not None and out.objective <= base.objective + EPSILON):
        return list(rules)
    if len(rules) == 1:
        alone[rules[0]] = relaxed
        return []
    half = len(rules) // 2
    return (_jointly_free(session, rules[:half], steps, kept, base, alone)
            + _jointly_free(session, rules[half:], steps, kept, base, alone))


_JOINT = ("与其他规则一并放宽一步亦无收益（联合求解已证明），未单独重解",
          "relaxed one step together with other rules it gains nothing (proven by the joint "
          "solve), so it was not re-solved alone")


def _free_row(rule: str, step: relaxations.Step, base: Solved, estimate: float | None,
              names: Names) -> dict:
    """The line of a rule `_jointly_free` proved gains nothing: the proposal's roster is
    an optimum of its step too (a relaxation keeps every roster at its objective)."""
    return _noted(price_row(rule, "rule", "all", (step.zh, step.en), step.settings, base,
                            base, estimate, names), _JOINT)


def _waived_rows(pl, outcome, base: Solved, rules, places: int, unpriced: dict,
                 names: Names) -> list[dict]:
    """The instances of the other targets (a cadre's rotation, a county's heads …) that
    the proposal leaves wholly short, each waived on its own (`relaxations.instance_step`):
    a target of one (its shortfall at most 1) that is 1 in the proposal. Waiving it
    gains exactly its weight and keeps the roster, without a solve: no roster can gain
    more, since any other loses at least as much against the proven optimum as the
    waiver gives it (tests/test_prices.py solves them cold all the same). The `places`
    first of each rule, by weight then name; the rest are counted in `unpriced`."""
    if outcome.values is None:
        return []
    proto = pl.model.proto
    found: dict[str, list] = {}
    for s in pl.shortfalls:
        if (s.rule, s.where) in pl.minimum_rows or not s.weight:
            continue
        if rules is not None and s.rule not in rules:
            continue
        domain = proto.variables[s.var.index].domain
        upper = domain[len(domain) - 1]  # the proto's repeated field reads no [-1]
        if upper == 1 and int(outcome.values[s.var.index]) == 1:
            found.setdefault(s.rule, []).append(s)
    rows = []
    for rule, short in found.items():
        short.sort(key=lambda s: (-s.weight, s.where))
        if len(short) > places:
            unpriced[rule] = len(short) - places
        for s in short[:places]:
            relaxed = Solved(base.objective + s.weight, base.status, base.proven,
                             base.roster, base.figures, base.check_ok)
            zh, en = relaxations.instance_step(rule, s.where)
            rows.append(_noted(price_row(rule, "instance", s.where, (zh, en), (), base,
                                         relaxed, None, names), _WAIVED))
    return rows


_WAIVED = ("该处完全未达标：免除后名单不变，代价即其权重（无需重解）",
           "wholly short: waived, the roster stays and the price is its weight (no re-solve)")


def _solved(prop: Proposal, figures: pd.DataFrame | None = None,
            allowed: tuple[str, str] | None = None, base: Solved | None = None) -> Solved:
    """What the proposal `prop` scored; its roster checked by the independent checker
    against its own scenario (`allowed`: the one (rule, place) whose figure may fall).
    A relaxed roster that is the proposal's `base`, line for line and at its objective,
    is not checked again: the checker passed it under the stricter rules, and the
    looser ones move no figure of it (a quarter of the price list's time on Linfen)."""
    roster = prop.roster
    outcome = prop.outcome
    if roster is None or outcome is None:
        return Solved(None, prop.status.value, False, None, None, False)
    if base is not None and _same(base, roster, outcome.objective):
        return Solved(outcome.objective, outcome.status.value, bool(outcome.proven),
                      base.roster, base.figures, base.check_ok)
    if figures is None or allowed is not None:
        report = check_roster(prop.scenario, prop.data, roster)
        figures = report.figures
        ok = all((v.rule, v.where) == allowed for v in report.violations) if allowed \
            else report.ok
    else:
        ok = True
    return Solved(outcome.objective, outcome.status.value, bool(outcome.proven),
                  roster[["post_id", "cadre_id", "change", "fit"]], figures, ok)


def _same(base: Solved, roster: pd.DataFrame, objective: float | None) -> bool:
    """`roster` is `base`'s roster, line for line, at `base`'s objective."""
    if objective != base.objective or len(roster) != len(base.roster):
        return False
    a = base.roster.set_index("post_id")["cadre_id"]
    b = roster.set_index("post_id")["cadre_id"].reindex(a.index)
    return bool((a == b).all())


def _estimate(step: relaxations.Step, pl, duals, targets: set) -> float | None:
    """The LP's estimate of a rule-wide step: made a target at weight w, each hard row
    gains its dual less w where that is positive; a count lowered by one
    (`relaxations.ROW_COUNTS`), each of the rule's rows its dual. None where the model's
    rows do not carry the step."""
    if duals is None:
        return None
    rows = {k: i for k, i in pl.minimum_rows.items() if k[0] == step.rule}
    made_target = any(s.endswith("mode=target") for s in step.settings)
    if made_target:
        weight = pl.scenario.rules[step.rule].weight
        hard = [i for k, i in rows.items() if k not in targets]
        return float(sum(max(duals[i] - weight, 0.0) for i in hard)) if hard else None
    if step.rule in relaxations.ROW_COUNTS and rows:
        return float(sum(duals[i] for i in rows.values()))
    return None


def _tight_places(rule: str, figures: pd.DataFrame, minimum_rows: dict, duals
                  ) -> pd.DataFrame:
    """The places of a team minimum whose figure is met exactly or short, with the LP
    estimate of each (the dual of its row), dearest first."""
    f = figures[(figures["rule"] == rule) & (figures["where"] != "all")
                & (figures["required"] > 0) & (figures["achieved"] <= figures["required"])]
    f = f[np.array([(rule, w) in minimum_rows for w in f["where"]], dtype=bool)].copy()
    f["estimate"] = [float(duals[minimum_rows[(rule, w)]]) if duals is not None else 0.0
                     for w in f["where"]]
    return f.sort_values(["estimate", "shortfall", "where"], ascending=[False, False, True],
                         kind="stable")


def _place_relaxed(session: Session, pl, rule: str, where: str, kept: pd.DataFrame,
                   base: Solved) -> Solved:
    """The proposal's model with the row of `rule` at `where` needing one fewer, solved
    on the session's kept HiGHS instances and checked against the proposal's scenario
    (that place's figure alone may fall short)."""
    relaxed = lowered(pl, rule, where)
    relaxed.start = kept
    outcome = solve(relaxed, warm=session.mip)
    prop = Proposal(pl.scenario, pl.data, pl.facts, pl.pairs, outcome, [], {},
                    placement=relaxed)
    return _solved(prop, allowed=(rule, where), base=base)


def waived(pl, rule: str, where: str):
    """A copy of the placement `pl` without the penalty of `rule` at `where` (the
    instance waived; `pl` itself is not changed)."""
    out = copy.copy(pl)
    out.shortfalls = [s for s in pl.shortfalls if (s.rule, s.where) != (rule, where)]
    return out


def lowered(pl, rule: str, where: str):
    """A copy of the placement `pl` whose row for `rule` at `where` needs one fewer
    (`pl` itself is not changed)."""
    out = copy.copy(pl)
    out.model = cp_model.CpModel()
    out.model.proto.copy_from(pl.model.proto)
    domain = out.model.proto.constraints[pl.minimum_rows[(rule, where)]].linear.domain
    domain[0] -= 1
    return out

