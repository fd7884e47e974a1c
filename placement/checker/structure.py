"""Structural checks: the roster's shape, availability and locks.

- every post has exactly one holder (ONE_HOLDER), but a post of another channel
  (`filled_by` military / above) is held by its incumbent or, open, by no one; anyone
  else there, or an incumbent (not leaving) who does not keep it, is FILLED_BY;
- no cadre holds two posts (ONE_POST), every id is known (UNKNOWN_POST,
  UNKNOWN_CADRE);
- the optional `team_id` and `change` columns agree with the data
  (TEAM_MISMATCH, CHANGE_MISMATCH);
- availability (docs/rules.md): a leaving cadre holds nothing (LEAVING); a new
  placement needs `candidate` (NOT_CANDIDATE; a sitting cadre a hard rule moves may
  take a post of the same rank without it: "Exchange"), a matching `nominated_for`
  (NOT_NOMINATED) and a rank step ≥ 0 (DEMOTION), all three waived by a `must`
  lock on the pair; no `forbid` lock is broken (LOCK_FORBID);
- every `must` pair is in the roster (LOCK_MUST) and every post a `keep` lock
  names, by post or team id, keeps its incumbent (LOCK_KEEP).
"""

from __future__ import annotations

from collections import Counter, defaultdict

import pandas as pd

from placement.checker.report import Violation
from placement.checker.terms import Line, World

CHANGES = ("stay", "new", "moved_in")


def roster_lines(roster: pd.DataFrame, world: World, must: set[tuple[str, str]],
                 fit: dict[str, float] | None = None) -> tuple[list[Line], list[Violation]]:
    """The roster's lines with known post and cadre, and the structural violations.

    A line's fit: `fit[post_id]` where given, else the data's `fit` table for the pair,
    else unknown (None)."""
    fit = fit or {}
    out: list[Violation] = []
    lines: list[Line] = []
    holders: dict[str, list[str]] = defaultdict(list)
    posts_of: dict[str, list[str]] = defaultdict(list)
    has_team = "team_id" in roster.columns
    has_change = "change" in roster.columns
    names = list(roster.columns)
    for cells in zip(*(roster[name].tolist() for name in names), strict=True):
        rec = dict(zip(names, cells, strict=True))
        post_id, cadre_id, row = rec["post_id"], rec["cadre_id"], rec["_row"]
        if post_id not in world.posts:
            out.append(Violation("UNKNOWN_POST", post_id, "chk_unknown_post",
                                 {"post": post_id, "row": row}))
            continue
        post = world.posts[post_id]
        if has_team and rec["team_id"] != post.team_id:
            out.append(Violation("TEAM_MISMATCH", post_id, "chk_team_mismatch",
                                 {"post": post_id, "expected": post.team_id,
                                  "given": rec["team_id"]}))
        if not cadre_id:
            continue  # an empty line: the post counts as unfilled
        holders[post_id].append(cadre_id)
        posts_of[cadre_id].append(post_id)
        if cadre_id not in world.cadres:
            out.append(Violation("UNKNOWN_CADRE", post_id, "chk_unknown_cadre",
                                 {"cadre": cadre_id, "post": post_id}))
            continue
        score = fit.get(post_id)
        if score is None:
            score = world.fit.get((cadre_id, post_id))
        line = Line(post, world.cadres[cadre_id], (cadre_id, post_id) in must, row, score)
        if has_change and rec["change"] != line.change:
            out.append(Violation("CHANGE_MISMATCH", post_id, "chk_change_mismatch",
                                 {"post": post_id, "cadre": cadre_id, "expected": line.change,
                                  "given": rec["change"]}))
        lines.append(line)
    for post_id, post in world.posts.items():
        n = len(holders[post_id])
        if post.channel != "scope":
            out += channel_violations(post, holders[post_id], world)
        if n > 1 or (n == 0 and post.channel == "scope"):
            out.append(Violation("ONE_HOLDER", post_id, "chk_one_holder",
                                 {"post": post_id, "n": n,
                                  "cadres": ", ".join(holders[post_id]) or "-"}))
    for cadre_id, count in Counter(c for cs in holders.values() for c in cs).items():
        if count > 1:
            out.append(Violation("ONE_POST", cadre_id, "chk_one_post",
                                 {"cadre": cadre_id, "n": count,
                                  "posts": ", ".join(posts_of[cadre_id])}))
    return lines, out


CHANNEL_NAMES = {"military": ("军事机关", "military"), "above": ("上级", "above")}


def channel_violations(post, holders: list[str], world: World) -> list[Violation]:
    """A post of another channel (`filled_by` military / above) is held by its incumbent
    or left open: anyone else holding it is FILLED_BY, and so is an incumbent who is not
    leaving and does not keep it. An open post (no incumbent, or a leaving one) may have
    no line at all."""
    out = []
    name = CHANNEL_NAMES[post.channel]
    for cadre_id in holders:
        if cadre_id != post.incumbent_id:
            out.append(Violation("FILLED_BY", post.post_id, "chk_filled_by",
                                 {"post": post.post_id, "cadre": cadre_id, "channel": name}))
    if not post.open and post.incumbent_id not in holders:
        out.append(Violation("FILLED_BY", post.post_id, "chk_channel_kept",
                             {"post": post.post_id, "cadre": post.incumbent_id,
                              "channel": name}))
    return out


def availability(line: Line, forbid: set[tuple[str, str]], exchanged: bool = False
                 ) -> list[Violation]:
    """docs/rules.md, "Availability": what makes a pair possible at all. `exchanged`: the
    line is a sitting cadre's exchange to a post of the same rank, which needs no
    `candidate` ("Exchange")."""
    c, p, t = line.cadre, line.post, line.team
    where = p.post_id
    out = []
    if c.leaving:
        out.append(Violation("LEAVING", where, "chk_leaving", {"cadre": c.cadre_id,
                                                               "post": p.post_id}))
    if line.new and not line.must:
        if not c.candidate and not exchanged:
            out.append(Violation("NOT_CANDIDATE", where, "chk_not_candidate",
                                 {"cadre": c.cadre_id, "post": p.post_id}))
        scope = c.nominated_for
        if scope and t.team_id not in scope and t.region not in scope:
            out.append(Violation("NOT_NOMINATED", where, "chk_not_nominated",
                                 {"cadre": c.cadre_id, "post": p.post_id,
                                  "nominated": "; ".join(scope), "team": t.team_id,
                                  "region": t.region}))
        if line.step < 0:
            out.append(Violation("DEMOTION", where, "chk_demotion",
                                 {"cadre": c.cadre_id, "post": p.post_id,
                                  "cadre_rank": c.rank, "post_rank": p.rank}))
    if (c.cadre_id, p.post_id) in forbid:
        out.append(Violation("LOCK_FORBID", where, "chk_lock_forbid",
                             {"cadre": c.cadre_id, "post": p.post_id}))
    return out


def lock_violations(scenario, world: World, lines: list[Line]) -> list[Violation]:
    """`must` pairs present; posts under a `keep` lock held by their incumbent."""
    held = {(ln.cadre.cadre_id, ln.post.post_id) for ln in lines}
    holder = defaultdict(list)
    for ln in lines:
        holder[ln.post.post_id].append(ln.cadre.cadre_id)
    out = []
    for pair in scenario.locks.must:
        if (pair.cadre, pair.post) not in held:
            out.append(Violation("LOCK_MUST", pair.post, "chk_lock_must",
                                 {"cadre": pair.cadre, "post": pair.post,
                                  "holder": ", ".join(holder.get(pair.post, [])) or "-"}))
    for lock in scenario.locks.keep:
        posts = [p for p in world.posts.values() if lock in (p.post_id, p.team_id)]
        if not posts:
            out.append(Violation("LOCK_KEEP", lock, "chk_lock_keep_unknown", {"lock": lock}))
        for p in posts:
            if p.incumbent_id and (p.incumbent_id, p.post_id) not in held:
                out.append(Violation("LOCK_KEEP", p.post_id, "chk_lock_keep",
                                     {"lock": lock, "post": p.post_id, "cadre": p.incumbent_id}))
    return out
