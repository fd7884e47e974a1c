"""`check_roster`: every check in order, then the figures, totals and stability counts."""

from __future__ import annotations

import pandas as pd

from placement.checker.pair_rules import PAIR_RULES, breaks, hard_breaks
from placement.checker.report import CheckReport, FigureTable, Violation, totals_frame
from placement.checker.roster_io import normalise_roster
from placement.checker.structure import availability, lock_violations, roster_lines
from placement.checker.team_rules import TEAM_RULES
from placement.checker.terms import Line, World
from placement.data.dataset import DataSet
from placement.data.rules import CATALOGUE


def check_roster(scenario, data: DataSet, roster: pd.DataFrame) -> CheckReport:
    """Confirm every hard rule of `roster` and recompute every figure (docs/rules.md)."""
    world = World.build(data, scenario.reference_date)
    roster = normalise_roster(roster, strict=False)
    must = {(p.cadre, p.post) for p in scenario.locks.must}
    forbid = {(p.cadre, p.post) for p in scenario.locks.forbid}

    lines, violations = roster_lines(roster, world, must)
    for line in lines:
        violations += availability(line, forbid)
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

    moved, released = _stability(scenario, world, lines, must, forbid)
    frame = table.frame()
    return CheckReport(
        ok=not violations, violations=violations, figures=frame,
        totals=totals_frame(scenario, frame, _scopes(scenario)),
        scenario=scenario, roster_posts=posts, moved=moved, released=released)


def _pair_violation(rid: str, line: Line, why: tuple[str, str]) -> Violation:
    """A hard pair rule broken on one roster line (its figure: required 1, achieved 0)."""
    return Violation(rid, line.post.post_id, "chk_pair_rule",
                     {"cadre": line.cadre.cadre_id, "post": line.post.post_id, "rule": rid,
                      "why": why})


def allowed_to_stay(scenario, world: World, cadre, must, forbid) -> bool:
    """A sitting cadre's own pair exists: not leaving, no `forbid` lock on it and no hard
    pair rule removing it."""
    if not cadre.own_post or cadre.leaving or (cadre.cadre_id, cadre.own_post) in forbid:
        return False
    own = Line(world.posts[cadre.own_post], cadre, (cadre.cadre_id, cadre.own_post) in must)
    return not hard_breaks(scenario, own, world)


def _stability(scenario, world: World, lines: list[Line], must, forbid
               ) -> tuple[list[str], list[str]]:
    """Sitting cadres allowed to stay who do not (moved), and those of them who hold
    no post at all (released)."""
    held = {(ln.cadre.cadre_id, ln.post.post_id) for ln in lines}
    placed = {ln.cadre.cadre_id for ln in lines}
    moved, released = [], []
    for c in world.cadres.values():
        if not allowed_to_stay(scenario, world, c, must, forbid):
            continue
        if (c.cadre_id, c.own_post) not in held:
            moved.append(c.cadre_id)
            if c.cadre_id not in placed:
                released.append(c.cadre_id)
    return moved, released


def _scopes(scenario) -> dict[str, list[str]]:
    """The scope(s) each rule's figures have, for the totals."""
    scopes = {rid: ["team"] for rid in CATALOGUE}
    scopes |= {rid: ["pair"] for rid in PAIR_RULES}
    scopes |= {"R-TC3": ["all"], "R-TC4": ["all"], "R-TC10": ["team", "all"],
               "R-RO5": ["cadre"], "R-RO6": ["cadre"], "R-RO7": ["cadre"],
               "R-RO8": ["county"]}
    scopes["R-TC5"] = ["all"] if scenario.rules["R-TC5"].every_mode == "off" \
        else ["team", "all"]
    if scenario.rules["R-TC2"].per == "county":
        scopes["R-TC2"] = ["county"]
    return scopes
