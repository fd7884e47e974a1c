"""`check_roster`: every check in order, then the figures, totals and stability counts."""

from __future__ import annotations

import pandas as pd

from placement.checker.pair_rules import PAIR_RULES, breaks, cause_to_leave, ro9_votes
from placement.checker.report import (
    DEPARTURE_COLUMNS,
    MARKED_COLUMNS,
    CheckReport,
    FigureTable,
    Violation,
    totals_frame,
)
from placement.checker.roster_io import normalise_roster
from placement.checker.structure import availability, lock_violations, roster_lines
from placement.checker.team_rules import TEAM_RULES
from placement.checker.terms import INCOMPETENT, Line, World, missing, newest_grade
from placement.data.dataset import DataSet
from placement.data.rules import CATALOGUE


def check_roster(scenario, data: DataSet, roster: pd.DataFrame,
                 fit: pd.Series | None = None) -> CheckReport:
    """Confirm every hard rule of `roster` and recompute every figure (docs/rules.md).

    `fit`: a score per roster line indexed by post_id, as `CheckReport.objective_terms`
    takes it; R-TC6 reads it (a non-Party newcomer counts with fit ≥ `min_fit`). Without
    it the roster's own `fit` column is read where it has one (the proposal writes it),
    then the data's `fit` table for the pair; a line with no known fit counts."""
    world = World.build(data, scenario.reference_date)
    roster = normalise_roster(roster, strict=False)
    scores = _line_fit(roster, fit)
    must = {(p.cadre, p.post) for p in scenario.locks.must}
    forbid = {(p.cadre, p.post) for p in scenario.locks.forbid}

    lines, violations = roster_lines(roster, world, must, scores)
    for line in lines:
        violations += availability(line, forbid, _exchanged(scenario, world, line))
    violations += lock_violations(scenario, world, lines)

    members: dict[str, list[Line]] = {tid: [] for tid in world.teams}
    for line in lines:
        members[line.team.team_id].append(line)
    posts = [line.post.post_id for line in lines]
    table = FigureTable()
    for rid in CATALOGUE:
        mode = scenario.rules[rid].mode
        if mode == "off":
            continue
        if rid in PAIR_RULES:
            whys = [breaks(scenario, line, world, rid) for line in lines]
            table.add_pairs(rid, mode, posts, [not why for why in whys])
            if mode == "hard":
                violations += [_pair_violation(rid, line, why)
                               for line, why in zip(lines, whys, strict=True) if why]
        else:
            figures = TEAM_RULES[rid](scenario, world, members)
            table.add(figures)
            violations += [f.violation() for f in figures
                           if f.mode == "hard" and f.shortfall > 0]

    departures, released_without_cause = _departures(scenario, world, lines, forbid)
    violations += released_without_cause
    moved, released = _stability(scenario, world, lines, must, forbid)
    frame = table.frame()
    return CheckReport(
        ok=not violations, violations=violations, figures=frame,
        totals=totals_frame(scenario, frame, _scopes(scenario)),
        scenario=scenario, roster_posts=posts, moved=moved, released=released,
        departures=departures, marked=_marked(scenario, world))


def _line_fit(roster: pd.DataFrame, fit: pd.Series | None) -> dict[str, float]:
    """Fit per post id: the `fit` given, else the roster's `fit` column (empty cells and
    text that is not a number are unknown)."""
    if fit is None:
        if "fit" not in roster.columns:
            return {}
        fit = pd.Series(pd.to_numeric(roster["fit"], errors="coerce").to_numpy(),
                        index=roster["post_id"].to_numpy())
    fit = fit.dropna()
    return {str(k): float(v) for k, v in fit.items()}


def _departures(scenario, world: World, lines: list[Line], forbid
                ) -> tuple[pd.DataFrame, list[Violation]]:
    """docs/rules.md, "Leaving the roster": every sitting cadre who holds no post in the
    roster, with the cause: `leaving`, `lock` (a forbid lock names the own pair), the
    pair rule that breaks the staying line (`cause_to_leave`: hard first, then target),
    or R-AV1 not off (a relative sat in the same team); none is a release without cause
    (RELEASE), unless the scenario has `allow_release` (cause "allowed"). The incumbent
    of a post of another channel who does not keep it is FILLED_BY's case, not listed
    as a RELEASE."""
    placed = {ln.cadre.cadre_id for ln in lines}
    rows, out = [], []
    for c in world.cadres.values():
        if not c.own_post or c.cadre_id in placed:
            continue
        post = world.posts[c.own_post]
        if c.leaving:
            cause = "leaving"
        elif (c.cadre_id, c.own_post) in forbid:
            cause = "lock"
        else:
            cause = cause_to_leave(scenario, Line(post, c), world) or _kin_in_team(
                scenario, world, c) or ""
        if not cause and scenario.allow_release:
            cause = "allowed"
        rows.append((c.cadre_id, c.own_post, cause))
        if not cause and post.channel == "scope":
            out.append(Violation("RELEASE", c.cadre_id, "chk_release",
                                 {"cadre": c.cadre_id, "post": c.own_post}))
    return pd.DataFrame(rows, columns=DEPARTURE_COLUMNS), out


def _exchanged(scenario, world: World, line: Line) -> bool:
    """docs/rules.md, "Exchange": a sitting cadre whom a pair rule, hard or target, bars
    from staying may take a new post of the same rank though not a candidate (交流: a
    new post)."""
    c = line.cadre
    if c.candidate or not c.own_post or not line.new or line.step != 0:
        return False
    return cause_to_leave(scenario, Line(world.posts[c.own_post], c), world) is not None


def _kin_in_team(scenario, world: World, cadre) -> str:
    """"R-AV1" when R-AV1 is not off and a relative of the cadre sat in the cadre's team
    on the reference date: one of the two has to leave it (hard) or may stay at the
    rule's weight (target), a cause to leave the roster either way."""
    if scenario.rules["R-AV1"].mode == "off":
        return ""
    team = world.posts[cadre.own_post].team_id
    for r in world.relations:
        other = r.cadre_b if r.cadre_a == cadre.cadre_id else (
            r.cadre_a if r.cadre_b == cadre.cadre_id else None)
        kin = world.cadres.get(other) if other else None
        if kin is not None and kin.own_post and world.posts[kin.own_post].team_id == team:
            return "R-AV1"
    return ""


def _marked(scenario, world: World) -> pd.DataFrame:
    """R-RO9 with `votes = "mark"`: cadres whose democratic evaluation is past a
    threshold, marked for the committee (nothing breaks on them)."""
    rule = scenario.rules["R-RO9"]
    rows = []
    if rule.mode != "off" and rule.votes == "mark":
        for c in world.cadres.values():
            adjust, remove = ro9_votes(rule, c)
            if adjust or remove:
                rows.append((c.cadre_id, c.own_post, "remove" if remove else "adjust",
                             c.rating_good, c.rating_bad))
    return pd.DataFrame(rows, columns=MARKED_COLUMNS)


def _pair_violation(rid: str, line: Line, why: tuple[str, str]) -> Violation:
    """A hard pair rule broken on one roster line (its figure: required 1, achieved 0)."""
    return Violation(rid, line.post.post_id, "chk_pair_rule",
                     {"cadre": line.cadre.cadre_id, "post": line.post.post_id, "rule": rid,
                      "why": why})


def allowed_to_stay(scenario, world: World, cadre, must, forbid) -> bool:
    """A sitting cadre is held to stay (a move is charged): not leaving, no `forbid` lock
    on the own pair and no pair rule, hard or target, giving a cause to leave it."""
    if not cadre.own_post or cadre.leaving or (cadre.cadre_id, cadre.own_post) in forbid:
        return False
    own = Line(world.posts[cadre.own_post], cadre, (cadre.cadre_id, cadre.own_post) in must)
    return not cause_to_leave(scenario, own, world)


def barred_everywhere(scenario, cadre) -> bool:
    """A cadre-level cause that bars every post (docs/rules.md, "Objective"): newest grade
    不称职 (R-EL4), an integrity failure (R-EL5: a sanction in force, the file or the
    personal matters), or aged at or over the retirement age (R-EL7); each hard or a
    target (a cause either way: "Leaving the roster")."""
    rules = scenario.rules
    if rules["R-EL4"].mode != "off" and newest_grade(cadre) == INCOMPETENT:
        return True
    if rules["R-EL5"].mode != "off" and (
            not cadre.file_ok or not cadre.matters_ok
            or (not missing(cadre.sanction_until)
                and cadre.sanction_until.date() > scenario.reference_date)):
        return True
    return rules["R-EL7"].mode != "off" and cadre.age >= rules["R-EL7"].retirement_age


def _stability(scenario, world: World, lines: list[Line], must, forbid
               ) -> tuple[list[str], list[str]]:
    """Sitting cadres allowed to stay who do not (moved), and sitting cadres who hold no
    post at all, are not leaving and are not barred from every post (released)."""
    held = {(ln.cadre.cadre_id, ln.post.post_id) for ln in lines}
    placed = {ln.cadre.cadre_id for ln in lines}
    moved, released = [], []
    for c in world.cadres.values():
        if not c.own_post:
            continue
        if allowed_to_stay(scenario, world, c, must, forbid) \
                and (c.cadre_id, c.own_post) not in held:
            moved.append(c.cadre_id)
        if c.cadre_id not in placed and not c.leaving and not barred_everywhere(scenario, c):
            released.append(c.cadre_id)
    return moved, released


def _scopes(scenario) -> dict[str, list[str]]:
    """The scope(s) each rule's figures have, for the totals."""
    scopes = {rid: ["team"] for rid in CATALOGUE}
    scopes |= {rid: ["pair"] for rid in PAIR_RULES}
    scopes |= {"R-TC3": ["all"], "R-TC4": ["all"], "R-TC10": ["team", "all"],
               "R-TC11": ["all"],
               "R-RO5": ["cadre"], "R-RO6": ["cadre"], "R-RO7": ["cadre"],
               "R-RO8": ["county"], "R-RO10": ["cadre", "promotion"]}
    scopes["R-TC5"] = ["all"] if scenario.rules["R-TC5"].every_mode == "off" \
        else ["team", "all"]
    if scenario.rules["R-TC2"].per == "county":
        scopes["R-TC2"] = ["county"]
    if scenario.rules["R-TC6"].keep_total:
        scopes["R-TC6"] = ["team", "all"]
    if scenario.rules["R-TC8"].per == "county":
        scopes["R-TC8"] = ["county"]
    return scopes
