"""Rules counted on the teams after placement, one function per rule.

Each function takes the scenario, the world and the members of every team
(`members[team_id]`: the roster lines of its posts) and returns its figures,
one per place: a team, a county (region), a cadre (R-RO5–R-RO7) or "all".
Semantics: docs/rules.md, "Team composition", R-AV1, "Rotation" (R-RO5–R-RO8) and
R-RS1.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_bipartite_matching

from placement.checker.pair_rules import cause_to_leave, hard_breaks
from placement.checker.report import Figure
from placement.checker.terms import (
    Line,
    Record,
    World,
    is_exchanged_in,
    is_local,
    is_non_party,
    is_party_post,
    is_professional,
    missing,
    share_target,
)
from placement.data.rules import share_fraction

Members = dict[str, list[Line]]


def _in_kinds(rule, world: World) -> list[Record]:
    return [t for t in world.teams.values() if t.kind in rule.kinds]


def _per_team(rid: str, rule, teams: list[Record], members: Members,
              counts: Callable[[Line], bool], required: Callable[[Record], int]) -> list[Figure]:
    """For each team: members for whom `counts` holds ≥ required(team)."""
    return [Figure(rid, rule.mode, "team", t.team_id, required(t),
                   sum(1 for ln in members[t.team_id] if counts(ln)))
            for t in teams]


def tc1(sc, world: World, members: Members) -> list[Figure]:
    """Exchanged-in members ≥ ceil(share × size), teams of `kinds`."""
    rule = sc.rules["R-TC1"]
    return _per_team("R-TC1", rule, _in_kinds(rule, world), members, is_exchanged_in,
                     lambda t: share_target(rule.share, world.size(t.team_id)))


def tc2(sc, world: World, members: Members) -> list[Figure]:
    """Local members ≥ `min_locals` per team; with per = "county", per region over the
    teams in scope of that region together."""
    rule = sc.rules["R-TC2"]
    teams = _in_kinds(rule, world)
    if rule.per == "team":
        return _per_team("R-TC2", rule, teams, members, is_local, lambda t: rule.min_locals)
    out = []
    for region in sorted({t.region for t in teams}):
        locals_ = sum(1 for t in teams if t.region == region
                      for ln in members[t.team_id] if is_local(ln))
        out.append(Figure("R-TC2", rule.mode, "county", region, rule.min_locals, locals_))
    return out


def tc3(sc, world: World, members: Members) -> list[Figure]:
    """Teams (of `kinds`) with a member aged ≤ `max_age` ≥ ceil(share_of_teams × teams)."""
    rule = sc.rules["R-TC3"]
    teams = _in_kinds(rule, world)
    young = sum(1 for t in teams if any(ln.cadre.age <= rule.max_age for ln in members[t.team_id]))
    return [Figure("R-TC3", rule.mode, "all", "all",
                   share_target(rule.share_of_teams, len(teams)), young)]


def tc4(sc, world: World, members: Members) -> list[Figure]:
    """New placements of cadres aged < `max_age` ≥ `min_count`, over all teams."""
    rule = sc.rules["R-TC4"]
    young_new = sum(1 for lines in members.values() for ln in lines
                    if ln.new and ln.cadre.age < rule.max_age)
    return [Figure("R-TC4", rule.mode, "all", "all", rule.min_count, young_new)]


def _places(rule, teams: list[Record]) -> list[tuple[str, list[Record]]]:
    """The places a rule with `per` counts: each county (a region's teams in scope
    together, `per = "county"`) or each team (`per = "team"`), in a stable order."""
    if rule.per == "team":
        return [(t.team_id, [t]) for t in teams]
    return [(region, [t for t in teams if t.region == region])
            for region in sorted({t.region for t in teams})]


def tc5(sc, world: World, members: Members) -> list[Figure]:
    """Two tiers over the teams of `kinds`: (a) per team, women ≥ `min_women_every`, in
    `every_mode` (no figures when it is off); (b) one figure, in the rule's mode: places
    with ≥ `min_women` women ≥ more than `share_of_teams` of the n places, i.e.
    min(n, floor(share × n) + 1). A place is a county (its teams of `kinds` together,
    `per = "county"`, seed 002's 大部分县(市、区)党政班子) or a team (`per = "team"`)."""
    rule = sc.rules["R-TC5"]
    teams = _in_kinds(rule, world)
    women = {t.team_id: sum(1 for ln in members[t.team_id] if ln.cadre.gender == "F")
             for t in teams}
    out = [] if rule.every_mode == "off" else [
        Figure("R-TC5", rule.every_mode, "team", t.team_id, rule.min_women_every,
               women[t.team_id]) for t in teams]
    places = _places(rule, teams)
    n = len(places)
    need = min(n, math.floor(share_fraction(rule.share_of_teams) * n) + 1)
    short = [where for where, here in places
             if sum(women[t.team_id] for t in here) < rule.min_women]
    unit = ("县", "counties") if rule.per == "county" else ("班子", "teams")
    where = (f"有{rule.min_women}名以上女干部的{unit[0]}（未达：{'、'.join(short)}）",
             f"{unit[1]} with {rule.min_women}+ women (short: {', '.join(short)})")
    out.append(Figure("R-TC5", rule.mode, "all", "all", need, n - len(short),
                      detail=("chk_at_least", {"rule": "R-TC5", "where": where,
                                               "required": need,
                                               "achieved": n - len(short)})))
    return out


def tc6(sc, world: World, members: Members) -> list[Figure]:
    """Per team flagged `needs_non_party`: non-Party members who count ≥ `min_non_party`.
    A non-Party member counts when they stay in their own post, or, placed new, when the
    line's fit is ≥ `min_fit` (never a weak candidate to fill the count); a line whose fit
    is unknown (no fit given to the check, none in the roster or the data) counts.
    With `keep_total`, one more figure "city": non-Party holders of all posts after ≥
    non-Party incumbents of all posts before."""
    rule = sc.rules["R-TC6"]
    teams = [t for t in world.teams.values() if t.needs_non_party]

    def counts(ln: Line) -> bool:
        return is_non_party(ln.cadre) and (
            ln.stays or ln.fit is None or ln.fit >= rule.min_fit)

    out = _per_team("R-TC6", rule, teams, members, counts, lambda t: rule.min_non_party)
    if rule.keep_total:
        before = sum(1 for p in world.posts.values()
                     if p.incumbent_id and is_non_party(world.cadres[p.incumbent_id]))
        after = sum(1 for lines in members.values() for ln in lines
                    if is_non_party(ln.cadre))
        out.append(Figure("R-TC6", rule.mode, "all", "city", before, after))
    return out


def tc7(sc, world: World, members: Members) -> list[Figure]:
    """Professional members ≥ ceil(share × size), teams flagged `professional`."""
    rule = sc.rules["R-TC7"]
    teams = [t for t in world.teams.values() if t.professional]
    return _per_team("R-TC7", rule, teams, members, is_professional,
                     lambda t: share_target(rule.share, world.size(t.team_id)))


def has_secretary_exp(cadre: Record) -> bool:
    """Township party-secretary experience: `secretary_exp` where given, else
    `township_head` (the only flag older data sets carry)."""
    if cadre.secretary_exp == "":
        return bool(cadre.township_head)
    return cadre.secretary_exp == "true"


def tc8(sc, world: World, members: Members) -> list[Figure]:
    """Members with township party-secretary experience, per place (a county: its teams
    of `kinds` together, `per = "county"`; or a team). The place's size after is its
    posts held after (posts less open posts of another channel). `basis = "share"`:
    required ceil(share × size after). `basis = "before"`: the share does not fall,
    required ceil(before × size after / size before), counted over the current
    incumbents of the place's posts (size before = their number; none: required 0)."""
    rule = sc.rules["R-TC8"]
    scope = "county" if rule.per == "county" else "team"
    out = []
    for where, teams in _places(rule, _in_kinds(rule, world)):
        size = sum(world.size(t.team_id) for t in teams)
        achieved = sum(1 for t in teams for ln in members[t.team_id]
                       if has_secretary_exp(ln.cadre))
        if rule.basis == "share":
            required = share_target(rule.share, size)
        else:
            incumbents = [world.cadres[world.posts[p].incumbent_id] for t in teams
                          for p in world.team_posts[t.team_id] if world.posts[p].incumbent_id]
            with_exp = sum(1 for c in incumbents if has_secretary_exp(c))
            required = math.ceil(Fraction(with_exp * size, len(incumbents))) \
                if incumbents else 0
        out.append(Figure("R-TC8", rule.mode, scope, where, required, achieved))
    return out


def tc9(sc, world: World, members: Members) -> list[Figure]:
    """A member with the team's `needs_specialty`, teams that name one."""
    rule = sc.rules["R-TC9"]
    teams = [t for t in world.teams.values() if t.needs_specialty]
    return _per_team("R-TC9", rule, teams, members,
                     lambda ln: ln.team.needs_specialty in ln.cadre.specialties, lambda t: 1)


def tc10(sc, world: World, members: Members) -> list[Figure]:
    """(a) per team of `kinds`: distinct age bands ≥ min(min_bands, size);
    (b) one figure over the teams of `avg_kinds` (the county party and government teams,
    seed 002's figure): total member age ≤ floor((average age of the current incumbents
    − avg_age_drop) × posts held after) (no figure without incumbents)."""
    rule = sc.rules["R-TC10"]
    teams = _in_kinds(rule, world)
    out = [Figure("R-TC10", rule.mode, "team", t.team_id,
                  min(rule.min_bands, world.size(t.team_id)),
                  len({ln.cadre.age // rule.band_years for ln in members[t.team_id]}))
           for t in teams]
    avg_teams = [t for t in world.teams.values() if t.kind in rule.avg_kinds]
    posts = [world.posts[p] for t in avg_teams for p in world.team_posts[t.team_id]]
    held = sum(world.size(t.team_id) for t in avg_teams)
    before = [world.cadres[p.incumbent_id].age for p in posts if p.incumbent_id]
    if before:
        average = Fraction(sum(before), len(before))
        goal = math.floor((average - Fraction(str(rule.avg_age_drop))) * held)
        total = sum(ln.cadre.age for t in avg_teams for ln in members[t.team_id])
        out.append(Figure("R-TC10", rule.mode, "all", "all", goal, total, sense="max",
                          detail=("chk_age_total", {"total": total, "goal": goal,
                                                    "before": f"{float(average):.2f}",
                                                    "posts": held})))
    return out


def tc11(sc, world: World, members: Members) -> list[Figure]:
    """One figure "all": head posts (grade head) of teams of `kinds` held after by cadres
    aged `min_age`–`max_age` (inclusive) on the reference date ≥ `min_count`."""
    rule = sc.rules["R-TC11"]
    young = sum(1 for t in _in_kinds(rule, world) for ln in members[t.team_id]
                if ln.post.grade == "head" and rule.min_age <= ln.cadre.age <= rule.max_age)
    return [Figure("R-TC11", rule.mode, "all", "all", rule.min_count, young)]


def av1(sc, world: World, members: Members) -> list[Figure]:
    """Per team: relation rows with both cadres serving in it; at most 0."""
    rule = sc.rules["R-AV1"]
    out = []
    for tid in world.teams:
        serving = {ln.cadre.cadre_id for ln in members[tid]}
        both = [r for r in world.relations if r.cadre_a in serving and r.cadre_b in serving]
        pairs = "; ".join(f"{r.cadre_a}~{r.cadre_b} ({r.relation})" for r in both)
        out.append(Figure("R-AV1", rule.mode, "team", tid, 0, len(both), sense="max",
                          detail=("chk_kin", {"team": tid, "pairs": pairs})))
    return out


def _per_cadre(sc, world: World, members: Members, rid: str, counted: Callable[[Record], bool],
               met: Callable[[Record, Line], bool], what: tuple[str, str]) -> list[Figure]:
    """One figure per cadre for whom `counted` holds, in data order: required 1, achieved
    1 when the cadre's roster line (if any) is `met`; a cadre with no line is short."""
    rule = sc.rules[rid]
    line_of = {ln.cadre.cadre_id: ln for lines in members.values() for ln in lines}
    out = []
    for c in world.cadres.values():
        if not counted(c):
            continue
        ln = line_of.get(c.cadre_id)
        ok = int(ln is not None and met(c, ln))
        where = (f"干部 {c.cadre_id}（{what[0]}）", f"cadre {c.cadre_id} ({what[1]})")
        out.append(Figure(rid, rule.mode, "cadre", c.cadre_id, 1, ok,
                          detail=("chk_at_least", {"rule": rid, "where": where,
                                                   "required": 1, "achieved": ok})))
    return out


def _nominee(c: Record) -> bool:
    """A cadre the round may place new: a candidate who is not leaving."""
    return bool(c.candidate) and not c.leaving


def ro5(sc, world: World, members: Members) -> list[Figure]:
    """A sitting member in charge of the same portfolio `years` or more (own post with a
    portfolio, its team of `kinds`) who may stay (not leaving, no forbid lock on the own
    post, no pair rule, hard or target, against staying) holds another post of that team.
    Hard: holds a post of that team, the own one included (never moved out or released)."""
    rule = sc.rules["R-RO5"]
    must = {(p.cadre, p.post) for p in sc.locks.must}
    forbid = {(p.cadre, p.post) for p in sc.locks.forbid}

    def counted(c: Record) -> bool:
        own = world.own_post(c)
        if own is None or c.leaving or (c.cadre_id, own.post_id) in forbid \
                or not own.portfolio or own.team.kind not in rule.kinds \
                or c.years_portfolio < rule.years:
            return False
        return not cause_to_leave(sc, Line(own, c, (c.cadre_id, own.post_id) in must), world)

    def met(c: Record, ln: Line) -> bool:
        same_team = ln.post.team_id == world.own_post(c).team_id
        return same_team if rule.mode == "hard" else same_team and not ln.stays

    what = ("任班子其他职位，调整分工", "another post of the same team: portfolio re-divided") \
        if rule.mode == "target" else ("留在本班子", "stays in the team")
    return _per_cadre(sc, world, members, "R-RO5", counted, met, what)


def ro6(sc, world: World, members: Members) -> list[Figure]:
    """A nominee who is a township head elected this cycle (`township_head_now`) holds a
    post of a county_gov team of their own region; not placed counts short."""
    return _per_cadre(
        sc, world, members, "R-RO6", lambda c: _nominee(c) and bool(c.township_head_now),
        lambda c, ln: ln.team.kind == "county_gov" and ln.team.region == c.region,
        ("现任乡镇党政正职进本县政府班子", "township head in the own county's government"))


def ro7(sc, world: World, members: Members) -> list[Figure]:
    """A nominee who is a county pick (`county_pick`) holds a post of a team in another
    region; placed at home or not placed counts short."""
    return _per_cadre(
        sc, world, members, "R-RO7", lambda c: _nominee(c) and bool(c.county_pick),
        lambda c, ln: ln.team.region != c.region,
        ("县级初步人选跨县任职", "county pick placed in another county"))


def ro10(sc, world: World, members: Members) -> list[Figure]:
    """Term stability, read from the plan's history as the year's data hold it (the own
    post and the date the cadre took it, `post_since`): only after the plan's first year
    (`term_start` given and the reference date past it). A sitting cadre who may stay (as
    R-RO5 reads it) and holds a head post of a team of `kinds`, or took the post fewer
    than `min_years` full years ago or on or after `term_start` (`whole_term`), keeps
    the own post or is promoted (a post of a
    higher rank); any other line, or none, is one short. Hard: the same."""
    rule = sc.rules["R-RO10"]
    if rule.term_start is None or world.ref <= rule.term_start:
        return []
    must = {(p.cadre, p.post) for p in sc.locks.must}
    forbid = {(p.cadre, p.post) for p in sc.locks.forbid}

    def recent(c: Record) -> bool:
        return not missing(c.post_since) and (
            c.years_post < rule.min_years
            or (rule.whole_term and c.post_since.date() >= rule.term_start))

    def counted(c: Record) -> bool:
        own = world.own_post(c)
        if own is None or c.leaving or (c.cadre_id, own.post_id) in forbid:
            return False
        head = own.grade == "head" and own.team.kind in rule.kinds
        if not (head or recent(c)):
            return False
        return not cause_to_leave(sc, Line(own, c, (c.cadre_id, own.post_id) in must), world)

    def met(c: Record, ln: Line) -> bool:
        return ln.stays or ln.step >= 1

    figures = _per_cadre(sc, world, members, "R-RO10", counted, met,
                         ("任期内留任或提拔", "stays for the term or is promoted"))
    if rule.mode != "target":
        return figures
    # The second part: a cadre moved recently and promoted again, one unit at
    # `promotion_weight` (report.rule_weight), where "cadre_id:promotion".
    line_of = {ln.cadre.cadre_id: ln for lines in members.values() for ln in lines}
    for f in [f for f in figures if f.scope == "cadre"]:
        c, ln = world.cadres[f.where], line_of.get(f.where)
        if not recent(c) or ln is None or ln.stays or ln.step < 1:
            continue
        where = (f"干部 {c.cadre_id}（任期内再次提拔）", f"cadre {c.cadre_id} (promoted again "
                 "within the term)")
        figures.append(Figure("R-RO10", rule.mode, "promotion", f"{c.cadre_id}:promotion", 1, 0,
                              detail=("chk_at_least", {"rule": "R-RO10", "where": where,
                                                       "required": 1, "achieved": 0})))
    return figures


def ro8(sc, world: World, members: Members) -> list[Figure]:
    """At each place the party head and the government head are not both changed (at
    most one side). Places: a region with a county_party and a county_gov team (their
    head posts), then each township or street team with a head post that is a Party post
    (the secretary) and one that is not (the township head). A head post is changed
    unless its incumbent stays; a side is changed when any of its head posts is."""
    rule = sc.rules["R-RO8"]
    stays = {(ln.post.post_id, ln.cadre.cadre_id) for lines in members.values() for ln in lines}

    def changed(p: Record) -> bool:
        return not p.incumbent_id or (p.post_id, p.incumbent_id) not in stays

    def heads(teams: list[Record]) -> list[Record]:
        return [world.posts[p] for t in teams for p in world.team_posts[t.team_id]
                if world.posts[p].grade == "head"]

    places = []
    for region in sorted({t.region for t in world.teams.values()}):
        here = [t for t in world.teams.values() if t.region == region]
        places.append((region, heads([t for t in here if t.kind == "county_party"]),
                       heads([t for t in here if t.kind == "county_gov"])))
    for tid in sorted(t.team_id for t in world.teams.values()
                      if t.kind in ("township", "street")):
        both = heads([world.teams[tid]])
        places.append((tid, [p for p in both if is_party_post(p)],
                       [p for p in both if not is_party_post(p)]))
    out = []
    for place, party, gov in places:
        if not party or not gov:
            continue
        n = int(any(changed(p) for p in party)) + int(any(changed(p) for p in gov))
        out.append(Figure("R-RO8", rule.mode, "county", place, 1, n, sense="max",
                          detail=("chk_heads_changed", {
                              "region": place, "party": ", ".join(p.post_id for p in party),
                              "gov": ", ".join(p.post_id for p in gov)})))
    return out


def _all_have_one(slots: list[np.ndarray], reserves: int) -> bool:
    """Every slot (an array of reserve numbers) can have a reserve of its own: a maximum
    bipartite matching of slots to reserves (Hopcroft–Karp, scipy) leaves none unmatched."""
    sizes = [len(slot) for slot in slots]
    cols = np.concatenate([np.zeros(0, np.int64), *slots])
    starts = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])
    graph = csr_array((np.ones(len(cols)), cols, starts), shape=(len(slots), reserves))
    return bool((maximum_bipartite_matching(graph, perm_type="column") >= 0).all())


def rs1(sc, world: World, members: Members) -> list[Figure]:
    """Per team: posts covered by their reserve cadres (`heads` per head post, `deputies`
    per deputy post), each reserve counted for one post only. A reserve may cover a post
    when its `reserve_rank` equals the post's rank, it is not leaving, holds no post in
    the roster and breaks no hard pair rule there. Posts are taken head posts first, then
    deputy posts, each in data order; a post is covered when it and every post covered
    before it can all have their reserves at once. Figure: covered posts ≥ posts."""
    rule = sc.rules["R-RS1"]
    placed = {ln.cadre.cadre_id for lines in members.values() for ln in lines}
    pool: dict[str, list[Record]] = {}
    for c in world.cadres.values():
        if c.reserve_rank and not c.leaving and c.cadre_id not in placed:
            pool.setdefault(c.reserve_rank, []).append(c)
    number = {c.cadre_id: k for k, c in enumerate(c for cs in pool.values() for c in cs)}
    order = [p for p in world.posts.values() if p.grade == "head"] + \
        [p for p in world.posts.values() if p.grade != "head"]
    slots: list[np.ndarray] = []
    covered = set()
    for p in order:
        need = rule.heads if p.grade == "head" else rule.deputies
        able = np.array([number[c.cadre_id] for c in pool.get(p.rank, [])
                         if not hard_breaks(sc, Line(p, c), world)], dtype=np.int64)
        if len(able) >= need and _all_have_one(slots + [able] * need, len(number)):
            slots += [able] * need
            covered.add(p.post_id)
    return [Figure("R-RS1", rule.mode, "team", tid, len(posts),
                   sum(1 for p in posts if p in covered))
            for tid, posts in world.team_posts.items()]


TEAM_RULES: dict[str, Callable[..., list[Figure]]] = {
    "R-TC1": tc1, "R-TC2": tc2, "R-TC3": tc3, "R-TC4": tc4, "R-TC5": tc5, "R-TC6": tc6,
    "R-TC7": tc7, "R-TC8": tc8, "R-TC9": tc9, "R-TC10": tc10, "R-TC11": tc11,
    "R-AV1": av1, "R-RO5": ro5, "R-RO6": ro6, "R-RO7": ro7, "R-RO8": ro8, "R-RO10": ro10,
    "R-RS1": rs1,
}
