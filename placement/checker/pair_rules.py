"""Pair rules, one function per rule, each read straight off docs/rules.md.

A function gets the rule's parameters, one roster line and the world, and
returns why the line breaks the rule, as a (Chinese, English) pair, or None.
R-EL1–R-EL3, R-EL5, R-EL6, R-EL8 and R-EL9 judge new placements only; R-EL4 judges
staying too (an incumbent graded 不称职 may not stay), and so does R-EL7's retirement
age (its promotion limits and `retiring_in_term` judge new placements); R-AV2 judges every line;
R-RO1–R-RO4 judge a cadre's own post (R-RO2: any post of the cadre's current
team); R-EL10 judges every line (staying too). R-RO5–R-RO7 count per cadre
(`team_rules`). R-EL11 and R-RS2 judge promotions, R-EL12 staying lines, R-RO9 every
line of a cadre with an organisational `finding` (evaluation votes only with
`votes = "act"`). No rule judges the line of an incumbent who keeps a post of another channel.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from placement.checker.terms import (
    BASIC,
    INCOMPETENT,
    WEAK_GRADES,
    Line,
    World,
    education_level,
    is_non_party,
    is_party_post,
    missing,
    newest_grade,
)
from placement.data.rules import share_fraction
from placement.data.schema import EDUCATION_LEVEL

Why = tuple[str, str]  # (Chinese, English)

# A `must` lock exempts its pair from these pair rules (and from availability).
EXEMPT_BY_MUST = ("R-EL9",)
# Approval equal to the threshold up to this much float noise counts as reaching it.
APPROVAL_TOLERANCE = 1e-9
# R-RO9: a rating equal to its threshold up to this much float noise is on the threshold.
RATING_TOLERANCE = 1e-9
EXCELLENT = "优秀"  # R-EL11


def el1(rule, line: Line, world: World) -> Why | None:
    """New placement in a post of a rank in `ranks` needs `min_education` or above."""
    c, p = line.cadre, line.post
    if line.new and p.rank in rule.ranks \
            and education_level(c) < EDUCATION_LEVEL[rule.min_education]:
        return (f"学历 {c.education} 低于 {rule.min_education}",
                f"education {c.education} below {rule.min_education}")
    return None


def el2(rule, line: Line, world: World) -> Why | None:
    """A promotion needs `min_years` at the current rank."""
    years = line.cadre.years_rank
    if line.new and line.step >= 1 and years < rule.min_years:
        return (f"晋升但任现职级 {years:.2f} 年 < {rule.min_years}",
                f"promotion after {years:.2f} years at rank < {rule.min_years}")
    return None


def el3(rule, line: Line, world: World) -> Why | None:
    """None of the newest `years` grades is 基本称职 or 不称职."""
    recent = line.cadre.assessments[:rule.years]
    if line.new and any(g in WEAK_GRADES for g in recent):
        text = "、".join(recent)
        return f"近 {rule.years} 年考核 {text}", f"last {rule.years} grades {text}"
    return None


def el4(rule, line: Line, world: World) -> Why | None:
    """Newest grade 不称职 (staying too); or a promotion soon after a 基本称职."""
    c = line.cadre
    grade = newest_grade(c)
    if grade == INCOMPETENT:
        return "最近一次考核不称职", "newest grade 不称职"
    recent = (not missing(c.assessment_year)
              and world.ref.year - int(c.assessment_year) <= rule.basic_no_promotion_years)
    if line.new and line.step >= 1 and grade == BASIC and recent:
        return (f"{c.assessment_year} 年基本称职后晋升",
                f"promotion after 基本称职 in {c.assessment_year}")
    return None


def el5(rule, line: Line, world: World) -> Why | None:
    """Sanction in force, file or personal matters not clean, or spouse abroad for a
    head or key post."""
    if not line.new:
        return None
    c, p = line.cadre, line.post
    if not missing(c.sanction_until) and c.sanction_until.date() > world.ref:
        return (f"处分影响期至 {c.sanction_until.date()}",
                f"sanction in force until {c.sanction_until.date()}")
    if not c.file_ok:
        return "档案审核未通过", "personnel file not cleared"
    if not c.matters_ok:
        return "个人事项未如实报告", "personal matters not truthfully reported"
    if c.spouse_abroad and (p.grade == "head" or p.key_post):
        return "配偶已移居国（境）外，不任正职或回避职位", "spouse abroad: no head or key post"
    return None


def el6(rule, line: Line, world: World) -> Why | None:
    """Approval below `threshold`; or no approval for a promotion (when that blocks it)."""
    if not line.new:
        return None
    approval = line.cadre.approval
    if not missing(approval) and approval < rule.threshold - APPROVAL_TOLERANCE:
        return (f"得票率 {approval:.4f} 低于 {rule.threshold:.4f}",
                f"approval {approval:.4f} below {rule.threshold:.4f}")
    if missing(approval) and line.step >= 1 and rule.missing_blocks_promotion:
        return "无民主推荐得票率，不能晋升", "no approval rate: no promotion"
    return None


def el7(rule, line: Line, world: World) -> Why | None:
    """At or over `retirement_age` on the reference date: no post at all (staying too);
    a promotion above the rank's age limit; with `retiring_in_term`, a new placement of
    one who reaches `retirement_age` within `term_years`."""
    age, rank = line.cadre.age, line.post.rank
    if age >= rule.retirement_age:
        return (f"年龄 {age} 已达退休年龄 {rule.retirement_age}",
                f"age {age} at or over the retirement age {rule.retirement_age}")
    if not line.new:
        return None
    limit = rule.promotion_max_age.get(rank)
    if line.step >= 1 and limit is not None and age > limit:
        return f"晋升{rank}年龄 {age} > {limit}", f"promotion to {rank} at age {age} > {limit}"
    if rule.retiring_in_term and age + rule.term_years > rule.retirement_age:
        return (f"新任职年龄 {age} + 任期 {rule.term_years} > {rule.retirement_age}",
                f"new post at age {age} + term {rule.term_years} > {rule.retirement_age}")
    return None


def el8(rule, line: Line, world: World) -> Why | None:
    """The post's required specialty is among the cadre's specialties."""
    need = line.post.specialty
    if line.new and need and need not in line.cadre.specialties:
        return f"缺少专业 {need}", f"lacks specialty {need}"
    return None


def el9(rule, line: Line, world: World) -> Why | None:
    """At most `max_steps` ranks up at once."""
    if line.new and line.step > rule.max_steps:
        return (f"跨 {line.step} 级晋升 > {rule.max_steps}",
                f"{line.step} rank steps > {rule.max_steps}")
    return None


def av2(rule, line: Line, world: World) -> Why | None:
    """No key post in the region where the cadre grew up (staying too)."""
    if line.post.key_post and line.team.region == line.cadre.home_region:
        return (f"回避职位位于成长地 {world.place(line.team.region)}",
                f"key post in home region {world.place(line.team.region)}")
    return None


def _kind_in_scope(rule, line: Line) -> bool:
    return line.team.kind in rule.kinds


def ro1(rule, line: Line, world: World) -> Why | None:
    """A head who stays after `years` in post (team kind in `kinds`)."""
    years = line.cadre.years_post
    if line.stays and line.post.grade == "head" and _kind_in_scope(rule, line) \
            and years >= rule.years:
        return f"正职任现职 {years:.2f} 年 ≥ {rule.years}", \
            f"head {years:.2f} years in post >= {rule.years}"
    return None


def ro2(rule, line: Line, world: World) -> Why | None:
    """A deputy of a sensitive system stays in their current team after `years` there."""
    own = world.own_post(line.cadre)
    if own is None or own.team_id != line.post.team_id or own.grade != "deputy":
        return None
    years = line.cadre.years_team
    if line.team.system in rule.systems and _kind_in_scope(rule, line) and years >= rule.years:
        return (f"{line.team.system}副职在本班子 {years:.2f} 年 ≥ {rule.years}",
                f"{line.team.system} deputy {years:.2f} years in team >= {rule.years}")
    return None


def ro3(rule, line: Line, world: World, ro2_systems: tuple[str, ...] = ()) -> Why | None:
    """Another deputy stays after `years` in post (system not among R-RO2's `systems`)."""
    years = line.cadre.years_post
    if line.stays and line.post.grade == "deputy" and line.team.system not in ro2_systems \
            and _kind_in_scope(rule, line) and years >= rule.years:
        return f"副职任现职 {years:.2f} 年 ≥ {rule.years}", \
            f"deputy {years:.2f} years in post >= {rule.years}"
    return None


def ro4(rule, line: Line, world: World) -> Why | None:
    """A dispatched inspection leader stays after `years` in post."""
    years = line.cadre.years_post
    if line.stays and line.post.dispatched and years >= rule.years:
        return f"派驻纪检组长任现职 {years:.2f} 年 ≥ {rule.years}", \
            f"dispatched leader {years:.2f} years in post >= {rule.years}"
    return None


def el10(rule, line: Line, world: World) -> Why | None:
    """A non-Party cadre on a Party post (staying too)."""
    if is_party_post(line.post) and is_non_party(line.cadre):
        return (f"党外干部（{line.cadre.party}）任党内职务 {line.post.title}",
                f"non-Party cadre ({line.cadre.party}) in Party post {line.post.title}")
    return None


def el11(rule, line: Line, world: World) -> Why | None:
    """A promotion needs a 优秀 among the newest `years` grades."""
    grades = line.cadre.assessments[:rule.years]
    if line.new and line.step >= 1 and EXCELLENT not in grades:
        text = "、".join(grades) or "无"
        return (f"晋升但近 {rule.years} 年考核无优秀（{text}）",
                f"promotion without 优秀 in the last {rule.years} grades ({text})")
    return None


def el12(rule, line: Line, world: World) -> Why | None:
    """A cadre who stays is vetted again on R-EL5's integrity checks: sanction in force,
    file or personal matters not clean. Not an age rule (age is R-EL7 alone)."""
    if not line.stays:
        return None
    c = line.cadre
    if not missing(c.sanction_until) and c.sanction_until.date() > world.ref:
        return (f"继续提名人选处分影响期至 {c.sanction_until.date()}",
                f"nominated to stay under a sanction until {c.sanction_until.date()}")
    if not c.file_ok:
        return "继续提名人选档案审核未通过", "nominated to stay: personnel file not cleared"
    if not c.matters_ok:
        return ("继续提名人选个人事项未如实报告",
                "nominated to stay: personal matters not truthfully reported")
    return None


@cache
def _share(value: float | str) -> float:
    """A share parameter as a float, read once per value (the value is the key)."""
    return float(share_fraction(value))


def ro9_finding(line: Line) -> Why | None:
    """An organisational finding binds: `unfit_post` (不胜任现职) neither stays nor is
    promoted and moves at most one rank down; `incompetent` (不称职) holds no post of the
    cadre's rank or above (removed or demoted)."""
    finding = line.cadre.finding
    if finding == "unfit_post":
        if line.stays:
            return "经组织考核认定不胜任现职，不能留任", "found unfit for the post: may not stay"
        if line.step >= 1 or line.step < -1:
            return ("经组织考核认定不胜任现职，只能平职或降一级",
                    f"found unfit for the post: lateral or one rank down only, not "
                    f"{line.step:+d}")
    if finding == "incompetent" and line.step >= 0:
        return ("经组织考核认定不称职，应免职或降职",
                f"found incompetent: removed or demoted, not a {line.post.rank} post")
    return None


def ro9_votes(rule, cadre) -> tuple[bool, bool]:
    """(adjust, remove): the democratic evaluation is past `adjust_below` (优秀+称职) or
    `remove_above` (不称职); an empty rating is not evaluated."""
    good, bad = cadre.rating_good, cadre.rating_bad
    remove = not missing(bad) and bad > _share(rule.remove_above) + RATING_TOLERANCE
    adjust = not missing(good) and good < _share(rule.adjust_below) - RATING_TOLERANCE
    return adjust, remove


def ro9(rule, line: Line, world: World) -> Why | None:
    """能上能下: a `finding` binds (`ro9_finding`). Evaluation votes alone only mark the
    cadre for the committee (`votes = "mark"`, nothing breaks); with `votes = "act"` they
    act as findings: 不称职 share above `remove_above` holds no post, 优秀+称职 share
    below `adjust_below` neither stays nor is promoted (lateral, or one rank down)."""
    why = ro9_finding(line)
    if why or rule.votes != "act":
        return why
    good, bad = line.cadre.rating_good, line.cadre.rating_bad
    adjust, remove = ro9_votes(rule, line.cadre)
    remove_above, adjust_below = _share(rule.remove_above), _share(rule.adjust_below)
    if remove:
        return (f"民主测评不称职率 {bad:.4f} 超过 {remove_above:.4f}，应免职",
                f"rated 不称职 by {bad:.4f} > {remove_above:.4f}: removed from leadership")
    if not adjust:
        return None
    if line.stays:
        return (f"民主测评优秀称职率 {good:.4f} 低于 {adjust_below:.4f}，应调整岗位",
                f"rated 优秀+称职 by {good:.4f} < {adjust_below:.4f}: may not stay")
    if line.step >= 1 or line.step < -1:
        return (f"民主测评优秀称职率 {good:.4f} 低于 {adjust_below:.4f}，只能平职或降一级",
                f"rated 优秀+称职 by {good:.4f} < {adjust_below:.4f}: lateral or one rank "
                f"down only, not {line.step:+d}")
    return None


def rs2(rule, line: Line, world: World) -> Why | None:
    """A promotion of a cadre not in the reserve pool for the post's rank, where the data
    keep a pool (some cadre has a `reserve_rank`)."""
    c, rank = line.cadre, line.post.rank
    if line.new and line.step >= 1 and c.reserve_rank != rank \
            and world.keeps_pool:
        held = c.reserve_rank or "无"
        return (f"晋升{rank}但非该职级后备干部（后备职级：{held}）",
                f"promoted to {rank} from outside its reserve pool (reserve rank: {held})")
    return None


PAIR_RULES: dict[str, Callable] = {
    "R-EL1": el1, "R-EL2": el2, "R-EL3": el3, "R-EL4": el4, "R-EL5": el5, "R-EL6": el6,
    "R-EL7": el7, "R-EL8": el8, "R-EL9": el9, "R-AV2": av2,
    "R-RO1": ro1, "R-RO2": ro2, "R-RO3": ro3, "R-RO4": ro4, "R-EL10": el10,
    "R-EL11": el11, "R-EL12": el12, "R-RO9": ro9, "R-RS2": rs2,
}


def breaks(scenario, line: Line, world: World, rule_id: str) -> Why | None:
    """Why `line` breaks pair rule `rule_id` (whatever its mode), or None.

    A `must` lock exempts its pair from R-EL9; every other rule still applies. The
    incumbent of a post of another channel (`filled_by` military / above) keeps it and no
    pair rule judges that line: the department does not appoint them."""
    if line.exempt or (line.must and rule_id in EXEMPT_BY_MUST):
        return None
    rule = scenario.rules[rule_id]
    if rule_id == "R-RO3":
        return ro3(rule, line, world, ro2_systems=tuple(scenario.rules["R-RO2"].systems))
    return PAIR_RULES[rule_id](rule, line, world)


def hard_breaks(scenario, line: Line, world: World) -> str | None:
    """The first hard pair rule `line` breaks (in `PAIR_RULES` order), or None: callers ask
    only whether there is one, so the other rules are not judged."""
    return next((rid for rid in PAIR_RULES if scenario.rules[rid].mode == "hard"
                 and breaks(scenario, line, world, rid)), None)


def cause_to_leave(scenario, line: Line, world: World) -> str | None:
    """The pair rule that gives the cadre of a staying `line` a cause to leave it: the
    first hard one it breaks, else the first target one (in `PAIR_RULES` order), or None.
    docs/rules.md, "Leaving the roster": a rule made a target still gives the cause (the
    cadre may stay, at its weight, or move or leave as under the hard rule)."""
    return hard_breaks(scenario, line, world) or next(
        (rid for rid in PAIR_RULES if scenario.rules[rid].mode == "target"
         and breaks(scenario, line, world, rid)), None)
