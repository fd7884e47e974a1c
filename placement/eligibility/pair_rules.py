"""The pair rules, one function per rule id: which (cadre, post) pairs break it.

A pair rule looks at one cadre and one post at a time (docs/rules.md,
"Eligibility", "Avoidance", "Rotation"): R-EL1–R-EL9 judge new placements,
R-AV2 any holder of a key post, R-RO1–R-RO4 a sitting cadre who would stay,
R-EL10 any holder of a Party post, R-EL11 and R-RS2 promotions, R-EL12 staying and
R-RO9 a rated cadre's every line (R-RO5–R-RO7 count per cadre, wherever the cadre
ends up: `models.rotation`). Each
function states its rule once, over whole arrays: it takes a `PairContext` (the
pair arrays and the per-pair columns several rules read, computed once) and
returns the bool mask of the pairs that break the rule. What happens to those
pairs (removed when the rule is hard, priced when it is a target) is
`placement.eligibility.pairs`' job; explanations name the rule from the same mask.

`PAIR_RULES` lists them in one fixed order, which also fixes each rule's bit
in a removed pair's reasons (`pairs.REASON_BIT`): append, never reorder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from placement.data.dataset import DataSet, derived, has_specialty, is_in, same_value_in
from placement.data.rules import share_fraction
from placement.data.scenario import Scenario
from placement.data.schema import ASSESSMENT_LEVEL, EDUCATION_LEVEL, PARTY_CPC
from placement.eligibility.facts import Facts
from placement.meaning.posts import party_post

BAD_GRADES = 1  # level of 基本称职: this or lower breaks R-EL3
EXCELLENT = ASSESSMENT_LEVEL["优秀"]  # R-EL11
RATING_TOLERANCE = 1e-9  # R-RO9: a rating equal to its threshold up to float noise is on it
NO_GRADE = 99  # newest grade of a cadre without assessments: better than any real grade
NO_AGE_LIMIT = 200  # promotion age limit of a rank R-EL7 does not list

# Rules later stages name, spelled here with the rule: R-EL9's rank steps are also a
# structural bound on the pairs (`eligibility.pairs`) and waived by a must lock (破格);
# the team trial names kin in one team (R-AV1) and a home-region post (R-AV2).
RANK_STEPS = "R-EL9"
KIN = "R-AV1"
HOME_REGION = "R-AV2"


@dataclass(frozen=True)
class PairContext:
    """The pairs (aligned arrays, one entry per pair) and the columns shared by rules.

    `cadre` and `post` are row positions in `data.cadres` and `data.posts`; `own`
    marks a sitting cadre's own post (staying), `new` every other pair. Columns
    only one rule reads are taken in that rule with `cadre_col` / `post_col`. A rule
    that reads a text column judges each cadre, post or team once and indexes the
    answer by the pairs (`team_is`, `same_value_in`): comparing the text per pair was
    most of the pair rules' time at scale60 (738k pairs).
    """

    data: DataSet
    rules: dict
    facts: Facts
    cadre: np.ndarray
    post: np.ndarray
    own: np.ndarray
    new: np.ndarray
    step: np.ndarray  # rank steps up from the cadre's rank to the post's (negative: down)
    promo: np.ndarray  # a new placement at least one rank up
    team: np.ndarray  # row of the post's team
    p_head: np.ndarray  # the post is its team's head (正职)
    years_post: np.ndarray  # the cadre's years in their current post

    def cadre_col(self, column: str, dtype=None) -> np.ndarray:
        """A column of `data.cadres`, one value per pair."""
        return self.data.cadres[column].to_numpy(dtype)[self.cadre]

    def post_col(self, column: str, dtype=None) -> np.ndarray:
        """A column of `data.posts`, one value per pair."""
        return self.data.posts[column].to_numpy(dtype)[self.post]

    def team_is(self, column: str, values) -> np.ndarray:
        """Bool per pair: the post's team has its `column` (of `data.teams`) among `values`."""
        return is_in(self.data, "teams", column, values)[self.team]


def pair_context(data: DataSet, sc: Scenario, facts: Facts, cadre: np.ndarray,
                 post: np.ndarray, own: np.ndarray) -> PairContext:
    """The context of the pairs (`cadre`, `post`, `own`: aligned arrays)."""
    posts = data.posts
    step = posts["rank_level"].to_numpy()[post] - data.cadres["rank_level"].to_numpy()[cadre]
    team = facts.p_team[post]
    return PairContext(
        data=data,
        rules=sc.rules,
        facts=facts,
        cadre=cadre,
        post=post,
        own=own,
        new=~own,
        step=step,
        promo=~own & (step >= 1),
        team=team,
        p_head=is_in(data, "posts", "grade", ("head",))[post],
        years_post=facts.c_years_post[cadre],
    )


def newest_grades(facts: Facts, k: int = 1) -> np.ndarray:
    """Per cadre, the levels of the newest `k` assessments, newest first (a matrix of `k`
    columns; NO_GRADE where a cadre has fewer)."""
    out = np.full((len(facts.c_grades), k), NO_GRADE, dtype=np.int64)
    have = facts.c_grades[:, :k]
    out[:, :have.shape[1]] = np.where(have >= 0, have, NO_GRADE)
    return out


def r_el1_education(ctx: PairContext) -> np.ndarray:
    """R-EL1: a post of the listed ranks (county level) needs at least the minimum
    education (全日制大学专科 or above); a new placement below it breaks the rule."""
    rule = ctx.rules["R-EL1"]
    ranks = is_in(ctx.data, "posts", "rank", rule.ranks)
    below = ctx.facts.c_edu < EDUCATION_LEVEL[rule.min_education]
    return ctx.new & ranks[ctx.post] & below[ctx.cadre]


def r_el2_years_at_rank(ctx: PairContext) -> np.ndarray:
    """R-EL2: a promotion needs `min_years` at the current rank (e.g. 任正科级领导职务满3年)."""
    return ctx.promo & (ctx.facts.c_years_rank[ctx.cadre] < ctx.rules["R-EL2"].min_years)


def r_el3_recent_grades(ctx: PairContext) -> np.ndarray:
    """R-EL3: a new placement needs every one of the newest `years` annual assessments
    称职 or better; one 基本称职 or 不称职 among them breaks the rule."""
    bad = (newest_grades(ctx.facts, ctx.rules["R-EL3"].years) <= BAD_GRADES).any(axis=1)
    return ctx.new & bad[ctx.cadre]


def r_el4_assessment_grade(ctx: PairContext) -> np.ndarray:
    """R-EL4: a cadre whose newest grade is 不称职 holds no post, not even their own; one
    graded 基本称职 is not promoted within `basic_no_promotion_years` of that assessment.
    Judged per cadre, then read per pair."""
    newest = newest_grades(ctx.facts)[:, 0]
    year = ctx.data.cadres["assessment_year"].to_numpy(float, na_value=-1e9)
    recent = (ctx.facts.ref.year - year) <= ctx.rules["R-EL4"].basic_no_promotion_years
    return (newest == 0)[ctx.cadre] | (ctx.promo & ((newest == BAD_GRADES) & recent)[ctx.cadre])


def integrity_failed(data: DataSet, facts: Facts) -> np.ndarray:
    """R-EL5's integrity part, per cadre: a sanction in force, or a problem in the personnel
    file or in the reported personal matters (R-EL12 reads it again for staying). Made once
    per data set and reference date: R-EL5, R-EL12 and `barred_everywhere` read it for the
    exchange movers and again for every pair."""
    return derived(data, ("integrity_failed", facts.ref), lambda: _integrity(data, facts))


def _integrity(data: DataSet, facts: Facts) -> np.ndarray:
    cadres = data.cadres
    until = cadres["sanction_until"].to_numpy()
    sanctioned = ~pd.isna(until) & (until > np.datetime64(facts.ref))
    return sanctioned | ~cadres["file_ok"].to_numpy(bool) | ~cadres["matters_ok"].to_numpy(bool)


def _sanctioned_or_file(ctx: PairContext) -> np.ndarray:
    """`integrity_failed`, per pair."""
    return integrity_failed(ctx.data, ctx.facts)[ctx.cadre]


def r_el5_integrity(ctx: PairContext) -> np.ndarray:
    """R-EL5: no new placement for a cadre under a sanction in force, with a problem in the
    personnel file or in the reported personal matters; and none as a head or on a key post
    for a cadre whose spouse lives abroad."""
    abroad = ctx.cadre_col("spouse_abroad", bool) & (ctx.p_head | ctx.post_col("key_post", bool))
    return ctx.new & (_sanctioned_or_file(ctx) | abroad)


def r_el6_popular_veto(ctx: PairContext) -> np.ndarray:
    """R-EL6 (民意否决): an approval rate in the democratic recommendation below `threshold`
    excludes the nominee from new placements; a missing rate blocks a promotion when
    `missing_blocks_promotion`."""
    rule = ctx.rules["R-EL6"]
    approval = ctx.cadre_col("approval", float)
    low = ~np.isnan(approval) & (approval < rule.threshold - 1e-12)
    missing = np.isnan(approval) & ctx.promo & rule.missing_blocks_promotion
    return ctx.new & (low | missing)


def retired(rules: dict, facts: Facts) -> np.ndarray:
    """R-EL7, per cadre: at or over `retirement_age` on the reference date (retires, holds
    no post). Also the cadre-level cause `models.objective` reads for releases."""
    return facts.c_age >= rules["R-EL7"].retirement_age


def r_el7_age_limits(ctx: PairContext) -> np.ndarray:
    """R-EL7: a cadre at or over `retirement_age` on the reference date holds no post, not
    even their own; no promotion above the post rank's `promotion_max_age`; with
    `retiring_in_term`, no new placement of one who reaches the age within `term_years`
    (off by default: no seed says it, 不唯年龄)."""
    rule = ctx.rules["R-EL7"]
    age = ctx.facts.c_age  # per cadre
    ages = rule.promotion_max_age
    limit = derived(ctx.data, ("promotion_max_age", tuple(sorted(ages.items()))), lambda: (
        _per_rank(ctx.data, ages)))
    too_old = ctx.promo & (age[ctx.cadre] > limit[ctx.post])
    in_term = rule.retiring_in_term & (age + rule.term_years > rule.retirement_age)
    return retired(ctx.rules, ctx.facts)[ctx.cadre] | (ctx.new & (too_old | in_term[ctx.cadre]))


def _per_rank(data: DataSet, ages: dict) -> np.ndarray:
    """Per post: its rank's age limit (NO_AGE_LIMIT for a rank not listed), read once per
    distinct rank."""
    codes, ranks = pd.factorize(data.posts["rank"].to_numpy(dtype=object))
    return np.array([ages.get(r, NO_AGE_LIMIT) for r in ranks], dtype=float)[codes]


def barred_everywhere(data: DataSet, rules: dict, facts: Facts) -> np.ndarray:
    """Bool per cadre: a rule (hard, or made a target) bars the cadre from every post,
    their own included, for a reason of their own (not of a post): R-EL7 retirement age,
    R-EL4 newest grade 不称职, R-EL5 integrity (sanction in force, file, personal
    matters). Such a cadre leaves without that being a release ("Leaving the roster",
    docs/rules.md), so the objective charges no release for them (`models.objective`);
    made a target, the rule lets the cadre be placed at its weight, and leaving stays
    free, so the rosters of the hard rule keep their objective (issue 30)."""
    out = np.zeros(len(data.cadres), dtype=bool)
    if rules["R-EL7"].mode != "off":
        out |= retired(rules, facts)
    if rules["R-EL4"].mode != "off":
        out |= newest_grades(facts)[:, 0] == ASSESSMENT_LEVEL["不称职"]
    if rules["R-EL5"].mode != "off":
        out |= integrity_failed(data, facts)
    return out


def r_el8_specialty(ctx: PairContext) -> np.ndarray:
    """R-EL8 (专业对口): a post that names a specialty needs a newcomer who has it."""
    wanted = ctx.data.posts["specialty"].to_numpy(dtype=object)
    out = ctx.new & (wanted != "")[ctx.post]
    out[out] = ~has_specialty(ctx.data, ctx.cadre[out], wanted, ctx.post[out])
    return out


def r_el9_rank_steps(ctx: PairContext) -> np.ndarray:
    """R-EL9: promotion one rank at a time; a new placement more than `max_steps` up
    breaks it (破格 only by a `must` lock, which waives this rule)."""
    return ctx.new & (ctx.step > ctx.rules["R-EL9"].max_steps)


def r_av2_home_region(ctx: PairContext) -> np.ndarray:
    """R-AV2 (地域回避): nobody holds a key post (county party secretary, county head,
    discipline, organisation, court, procuratorate, public security heads) of a team in
    the region they grew up in; staying too."""
    out = ctx.post_col("key_post", bool)
    out[out] = same_value_in(ctx.data, ("cadres", "home_region"), ("teams", "region"),
                             ctx.cadre[out], ctx.team[out])
    return out


def r_ro1_head_tenure(ctx: PairContext) -> np.ndarray:
    """R-RO1: the head of a team of the listed kinds `years` or more in the same post is
    exchanged: staying breaks it."""
    rule = ctx.rules["R-RO1"]
    return ctx.own & ctx.p_head & ctx.team_is("kind", rule.kinds) & (ctx.years_post >= rule.years)


def r_ro2_deputy_team_tenure(ctx: PairContext) -> np.ndarray:
    """R-RO2: a deputy of a team of the listed systems (纪检监察, 组织, 公安, 检察, 法院)
    `years` or more in the same team is exchanged: any post of that team breaks it."""
    rule = ctx.rules["R-RO2"]
    own_post = ctx.facts.c_own_post
    deputy = is_in(ctx.data, "posts", "grade", ("deputy",))
    own_team = np.where(own_post >= 0, ctx.facts.p_team[own_post], -1)
    in_scope = (is_in(ctx.data, "teams", "system", rule.systems)
                & is_in(ctx.data, "teams", "kind", rule.kinds))
    exchanged = (  # per cadre: a deputy long in a team in scope
        (own_post >= 0) & deputy[own_post] & in_scope[own_team]
        & (ctx.facts.c_years_team >= rule.years))
    return exchanged[ctx.cadre] & (ctx.team == own_team[ctx.cadre])


def r_ro3_deputy_post_tenure(ctx: PairContext) -> np.ndarray:
    """R-RO3: any other deputy (team system not among R-RO2's) `years` or more in the
    same post should be exchanged: staying breaks it."""
    rule = ctx.rules["R-RO3"]
    return (
        ctx.own
        & ~ctx.p_head
        & ~ctx.team_is("system", ctx.rules["R-RO2"].systems)
        & ctx.team_is("kind", rule.kinds)
        & (ctx.years_post >= rule.years)
    )


def r_ro4_dispatched_tenure(ctx: PairContext) -> np.ndarray:
    """R-RO4: a dispatched discipline-inspection team leader (派驻纪检监察组组长) `years` or
    more in post is exchanged as planned: staying breaks it."""
    return (
        ctx.own & ctx.post_col("dispatched", bool) & (ctx.years_post >= ctx.rules["R-RO4"].years)
    )


def r_el10_party_member(ctx: PairContext) -> np.ndarray:
    """R-EL10: a Party post (a county party committee's post, or a title naming a Party
    office; `posts.party_post` where given) is held by a CPC member; staying too."""
    member = is_in(ctx.data, "cadres", "party", (PARTY_CPC,))
    return party_post(ctx.data)[ctx.post] & ~member[ctx.cadre]


def r_el11_excellent_before_promotion(ctx: PairContext) -> np.ndarray:
    """R-EL11: a promotion needs a 优秀 among the newest `years` annual assessments."""
    excellent = (newest_grades(ctx.facts, ctx.rules["R-EL11"].years) == EXCELLENT).any(axis=1)
    return ctx.promo & ~excellent[ctx.cadre]


def r_el12_revetting_to_stay(ctx: PairContext) -> np.ndarray:
    """R-EL12: a cadre nominated to stay is vetted like a newcomer: staying breaks it under
    a sanction in force, with a file or personal-matters problem (R-EL5). Not an age rule:
    age is R-EL7 alone (seed 002 names 纪检、信访、综治, not age)."""
    return ctx.own & _sanctioned_or_file(ctx)


def evaluation_marks(data: DataSet, rules: dict) -> tuple[np.ndarray, np.ndarray]:
    """R-RO9's evaluation votes, per cadre: (优秀+称职 below `adjust_below`, 不称职 above
    `remove_above`). They mark a cadre for the committee; only `votes = "act"` acts."""
    rule = rules["R-RO9"]
    good = data.cadres["rating_good"].to_numpy(float)
    bad = data.cadres["rating_bad"].to_numpy(float)
    adjust = ~np.isnan(good) & (good < float(share_fraction(rule.adjust_below)) - RATING_TOLERANCE)
    remove = ~np.isnan(bad) & (bad > float(share_fraction(rule.remove_above)) + RATING_TOLERANCE)
    return adjust, remove


def r_ro9_evaluation(ctx: PairContext) -> np.ndarray:
    """R-RO9 (能上能下) acts on an organisational finding (`finding`): 不胜任现职
    (`unfit_post`) — the cadre does not stay and is not promoted (a lateral move or one rank
    down); 不称职 (`incompetent`) — removed or demoted (no post of the same or a higher
    rank). Evaluation votes only mark the cadre (`evaluation_marks`), unless `votes = "act"`
    reads them as findings: 优秀+称职 below `adjust_below` as unfit, 不称职 above
    `remove_above` as no post at all (the older reading)."""
    unfit = is_in(ctx.data, "cadres", "finding", ("unfit_post",))
    incompetent = is_in(ctx.data, "cadres", "finding", ("incompetent",))
    remove = np.zeros(len(unfit), dtype=bool)
    if ctx.rules["R-RO9"].votes == "act":
        adjust, remove = evaluation_marks(ctx.data, ctx.rules)
        unfit = unfit | adjust
    # judged on the pairs of a cadre with a finding or a mark alone (a handful)
    out = (remove | incompetent | unfit)[ctx.cadre]
    cadre, own, step = ctx.cadre[out], ctx.own[out], ctx.step[out]
    # the pair's rank step from the cadre's own rank: `step` is post rank − cadre rank
    not_down = own | (step >= 0)
    out[out] = (remove[cadre] | (incompetent[cadre] & not_down)
                | (unfit[cadre] & (own | (step >= 1) | (step < -1))))
    return out


def r_rs2_reserve_promotion(ctx: PairContext) -> np.ndarray:
    """R-RS2: a promotion of a cadre outside the reserve pool for the new post's rank
    (`reserve_rank` empty or another rank) breaks it. Data that keep no pool at all (no
    `reserve_rank` given) have no pool to draw from: nothing breaks it there."""
    kept = not is_in(ctx.data, "cadres", "reserve_rank", ("",)).all()
    out = ctx.promo & kept
    out[out] = ~same_value_in(ctx.data, ("cadres", "reserve_rank"), ("posts", "rank"),
                              ctx.cadre[out], ctx.post[out])
    return out


# In this order for good: a rule's position is its bit in a removed pair's reasons.
PAIR_RULES: dict[str, Callable[[PairContext], np.ndarray]] = {
    "R-EL1": r_el1_education,
    "R-EL2": r_el2_years_at_rank,
    "R-EL3": r_el3_recent_grades,
    "R-EL4": r_el4_assessment_grade,
    "R-EL5": r_el5_integrity,
    "R-EL6": r_el6_popular_veto,
    "R-EL7": r_el7_age_limits,
    "R-EL8": r_el8_specialty,
    "R-EL9": r_el9_rank_steps,
    "R-AV2": r_av2_home_region,
    "R-RO1": r_ro1_head_tenure,
    "R-RO2": r_ro2_deputy_team_tenure,
    "R-RO3": r_ro3_deputy_post_tenure,
    "R-RO4": r_ro4_dispatched_tenure,
    "R-EL10": r_el10_party_member,
    "R-EL11": r_el11_excellent_before_promotion,
    "R-EL12": r_el12_revetting_to_stay,
    "R-RO9": r_ro9_evaluation,
    "R-RS2": r_rs2_reserve_promotion,
}
