"""The rule catalogue (`../shared/spec/domain.md`): ids, names, defaults, parameters.

Each rule is a pydantic model whose fields are the parameters a scenario may
set under `[rules.<ID>]`. Every rule has a `mode` (`hard`: a roster that breaks
it is not proposed; `target`: met where possible, shortfall penalised and
reported; `off`), a `weight` (penalty per unit of shortfall in the weighted
objective) and a `priority` (1 is most important; the lexicographic objective
solves one priority level at a time). Exact semantics: `docs/rules.md`.

Defaults follow the catalogue; where a number is ours and not the sources',
the field's description says so.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from placement.data.schema import RANKS, TEAM_KINDS

Mode = Literal["hard", "target", "off"]
ALL_KINDS = tuple(TEAM_KINDS)
DEPT_KINDS = ("municipal_dept", "district_dept")
PARTY_GOV = ("county_party", "county_gov")


def share_fraction(value: float | str) -> Fraction:
    """A share as an exact fraction: "2/3", 0.6667 and 0.667 all mean two thirds."""
    return Fraction(value).limit_denominator(100)


def _not_bool(value):
    if isinstance(value, bool):
        raise ValueError("expected a share such as 0.5 or \"1/3\"")
    return value


def _valid_share(value: float | str) -> float | str:
    try:
        f = share_fraction(value)
    except (ValueError, ZeroDivisionError, TypeError):
        raise ValueError(f"expected a share such as 0.5 or \"1/3\", got {value!r}") from None
    if not 0 <= f <= 1:
        raise ValueError(f"a share must lie between 0 and 1, got {value!r}")
    return value


Share = Annotated[float | str, BeforeValidator(_not_bool), AfterValidator(_valid_share)]


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)
    mode: Mode = "hard"
    weight: int = Field(1000, ge=0, description="penalty per unit of shortfall")
    priority: int = Field(1, ge=1, le=9, description="1 is solved first (lexicographic)")


def _known_kinds(v: tuple[str, ...]) -> tuple[str, ...]:
    bad = [k for k in v if k not in TEAM_KINDS]
    if bad:
        raise ValueError(f"unknown team kind(s) {bad}; expected some of {list(TEAM_KINDS)}")
    return tuple(v)


class ScopedRule(Rule):
    kinds: tuple[str, ...] = ALL_KINDS

    @field_validator("kinds")
    @classmethod
    def _kinds(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        """On every subclass too (a field re-declared with another default keeps it)."""
        return _known_kinds(v)


# --- eligibility -----------------------------------------------------------
class EL1(Rule):
    """Full-time college degree or above for county-level posts (seed 002)."""
    min_education: Literal["college", "bachelor", "postgraduate"] = "college"
    ranks: tuple[str, ...] = ("副处", "正处", "副厅", "正厅")


class EL2(Rule):
    """Promotion needs `min_years` at the current rank (seed 002: 任正科级领导职务满3年)."""
    min_years: float = 3.0


class EL3(Rule):
    """The last `years` annual grades are all 称职 or better (seed 002)."""
    years: int = Field(3, ge=1, le=5)


class EL4(Rule):
    """基本称职: no promotion within a year; 不称职: not placeable, removed from post (seed 001)."""
    basic_no_promotion_years: int = Field(1, ge=0)


class EL5(Rule):
    """No sanction in force, file checked, personal matters truthful; a cadre whose spouse
    has emigrated holds no head or key post ([reg])."""


class EL6(Rule):
    """Popular veto: approval below `threshold` excludes a nominee (seeds 001, 003)."""
    threshold: float = Field(2 / 3, ge=0, le=1)
    missing_blocks_promotion: bool = True


class EL7(Rule):
    """Age limits (seed 000, [reg]): a cadre at or over `retirement_age` on the reference
    date holds no post and leaves; promotion only up to `promotion_max_age[rank of the new
    post]` (our defaults). One who reaches the age *within* the term may be nominated and
    retires in the year it falls due; `retiring_in_term = true` also bars new placements of
    those who reach it within `term_years` (no seed states it; 不唯年龄: off by default)."""
    retirement_age: int = 60
    term_years: int = 5
    retiring_in_term: bool = False
    promotion_max_age: dict[str, int] = Field(default_factory=lambda: {
        "副科": 45, "正科": 48, "副处": 50, "正处": 52, "副厅": 55, "正厅": 57})

    @field_validator("promotion_max_age")
    @classmethod
    def _ranks(cls, v: dict[str, int]) -> dict[str, int]:
        bad = [k for k in v if k not in RANKS]
        if bad:
            raise ValueError(f"unknown rank(s) {bad}; expected some of {list(RANKS)}")
        return v


class EL8(Rule):
    """Specialty match: a post with a required specialty gets a holder who has it."""
    mode: Mode = "target"
    weight: int = 300


class EL9(Rule):
    """Promotion one level at a time; 破格 (skipping) only by a `must` lock ([reg])."""
    max_steps: int = Field(1, ge=1, le=5)


class EL10(Rule):
    """Party posts (党内职务) are held by CPC members ([reg]); `posts.party_post` says which
    posts, by default every county party committee post and every Party-office title."""


class EL11(Rule):
    """Promotion only for cadres graded 优秀 at least once in the newest `years` annual
    assessments (seed 001: 凡选拔担任上一级领导职务人选，从考评实绩"优秀"的干部中产生).
    Off by default: one county's practice, which a scenario turns on."""
    mode: Mode = "off"
    years: int = Field(3, ge=1, le=5)


class EL12(Rule):
    """Re-vetting of those nominated to stay (seed 002: 对继续提名人选也全部进行了严格考察):
    a sitting cadre under a sanction in force, with a problem in the file or the personal
    matters (R-EL5) does not
    stay in post. Not an age rule (age is R-EL7 alone): the integrity checks of R-EL5 read
    again for staying. No parameters of its own."""


# --- team composition --------------------------------------------------------
class TC1(ScopedRule):
    """Exchange quota (额位制): at least `share` of a department team exchanged in from
    outside the system (seed 000)."""
    kinds: tuple[str, ...] = DEPT_KINDS
    share: Share = "1/3"


class TC2(ScopedRule):
    """At least `min_locals` local cadres among each county's party and government team
    members (seed 002: 每个县党政班子成员中本地干部不少于3名): `per = "county"` (the default)
    counts the county's teams of `kinds` together; `per = "team"` asks it of each team."""
    kinds: tuple[str, ...] = PARTY_GOV
    min_locals: int = Field(3, ge=0)
    per: Literal["team", "county"] = "county"


class TC3(ScopedRule):
    """At least `share_of_teams` of the teams in scope have a member aged `max_age` or less
    ("around 40", seed 000)."""
    kinds: tuple[str, ...] = DEPT_KINDS
    max_age: int = 42
    share_of_teams: Share = "2/3"


class TC4(Rule):
    """At least `min_count` new appointments of cadres younger than `max_age` in the cycle
    (seeds 000, 002; the count is ours: seed 002 reports 30 under-40 picks for a city)."""
    mode: Mode = "target"
    weight: int = 300
    max_age: int = 40
    min_count: int = Field(10, ge=0)


class TC5(ScopedRule):
    """Women, in two tiers (seed 002, [reg]): (a) at least `min_women_every` in every team
    in scope, in `every_mode` (hard by default: the common requirement); (b) at least
    `min_women` in more than `share_of_teams` of the places, in `mode` (a target: "大部分
    县(市、区)党政班子配备了2名以上的女干部", most, not all; `share_of_teams = 1` asks it of
    every place). A place is a county, its teams of `kinds` together (`per = "county"`,
    the seed's unit), or each team (`per = "team"`). `mode = "off"` switches both off."""
    mode: Mode = "target"
    kinds: tuple[str, ...] = PARTY_GOV
    min_women_every: int = Field(1, ge=0)
    every_mode: Mode = "hard"
    min_women: int = Field(2, ge=0)
    share_of_teams: Share = "1/2"
    per: Literal["team", "county"] = "county"


class TC6(Rule):
    """Non-Party cadres (seed 002: 不硬性配备，不降格以求): a team flagged 党外必配 gets
    `min_non_party` non-Party cadres where a candidate meets the post's conditions and fit:
    a sitting non-Party member counts, a newcomer only with fit ≥ `min_fit` (never a weak
    candidate to fill the count); and with `keep_total` the city's non-Party cadres in post
    do not fall below their number before (seed 002 published 52). A target."""
    mode: Mode = "target"
    weight: int = 500
    min_non_party: int = Field(1, ge=0)
    min_fit: int = Field(60, ge=0, le=100, description="fit a non-Party newcomer needs to count")
    keep_total: bool = True


class TC7(Rule):
    """Professional departments: professional cadres reach `share` of the team (seed 004)."""
    mode: Mode = "target"
    weight: int = 300
    share: Share = "1/2"


class TC8(ScopedRule):
    """Members with township party-secretary experience (`secretary_exp`, falling back to
    `township_head`) among county party and government team members (seed 004: "逐步达到
    50%"). `basis = "before"` (default): the share of each place does not fall below its
    share before; `basis = "share"`: it reaches `share` (Wenzhou's 50 %). A place is a
    county, its teams of `kinds` together (`per = "county"`), or each team."""
    mode: Mode = "target"
    weight: int = 300
    kinds: tuple[str, ...] = PARTY_GOV
    basis: Literal["before", "share"] = "before"
    share: Share = "1/2"
    per: Literal["team", "county"] = "county"


class TC9(Rule):
    """A team flagged with a needed specialty gets a member who has it (seed 002)."""
    mode: Mode = "target"
    weight: int = 500


class TC10(ScopedRule):
    """Age gradient: each team of `kinds` spans at least `min_bands` age bands of
    `band_years`; the average age of the teams of `avg_kinds` (the county party and
    government teams, seed 002's figure) falls by `avg_age_drop` years (seeds 002, 003)."""
    mode: Mode = "target"
    weight: int = 200
    band_years: int = Field(10, ge=1)
    min_bands: int = Field(2, ge=1)
    avg_age_drop: float = 1.0
    avg_weight: int = Field(20, ge=0, description="penalty per member-year above the goal")
    avg_kinds: tuple[str, ...] = PARTY_GOV

    @field_validator("avg_kinds")
    @classmethod
    def _avg_kinds(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _known_kinds(v)


class TC11(ScopedRule):
    """Young heads (seed 002: 40岁左右的县级党政正职3名): at least `min_count` head posts
    (正职) of teams of `kinds` held by cadres aged `min_age`–`max_age` on the reference date
    ("around 40"), across the city."""
    mode: Mode = "target"
    weight: int = 300
    kinds: tuple[str, ...] = PARTY_GOV
    min_age: int = 38
    max_age: int = 42
    min_count: int = Field(3, ge=0)


# --- rotation ----------------------------------------------------------------
class RO1(ScopedRule):
    """A head `years` in the same post must be exchanged (seed 000, [reg])."""
    years: float = 10


class RO2(ScopedRule):
    """Deputies of sensitive systems `years` in the same team must be exchanged (seed 000)."""
    years: float = 10
    systems: tuple[str, ...] = ("纪检监察", "组织", "公安", "检察", "法院")


class RO3(ScopedRule):
    """Other deputies `years` in the same post should be exchanged (seed 000)."""
    mode: Mode = "target"
    weight: int = 200
    years: float = 10


class RO4(Rule):
    """Dispatched discipline-inspection team leaders `years` in post: planned exchange."""
    mode: Mode = "target"
    weight: int = 200
    years: float = 5


class RO5(ScopedRule):
    """A member `years` in charge of the same portfolio gets a new one (seed 000)."""
    mode: Mode = "target"
    weight: int = 100
    years: float = 5


class RO6(Rule):
    """Township heads newly elected are placed in their own county's government team."""
    mode: Mode = "target"
    weight: int = 300


class RO7(Rule):
    """County-level picks are exchanged across counties where possible (seed 002)."""
    mode: Mode = "target"
    weight: int = 100


class RO8(Rule):
    """The party and government heads of one place (a county; a township or street team)
    are not both changed at once ([reg])."""
    mode: Mode = "target"
    weight: int = 300


class RO9(Rule):
    """能上能下 (seeds 003, 001) needs an organisational finding: `finding = unfit_post`
    (不胜任现职) — the cadre does not stay in the post and is not promoted (a lateral move or
    one rank down); `finding = incompetent` (不称职) — removed or demoted (no post of the
    same or a higher rank). Evaluation votes (优秀+称职 `rating_good` below `adjust_below`,
    不称职 `rating_bad` above `remove_above`; seed 001: set `remove_above = "1/2"`) only mark
    the cadre for the committee (`votes = "mark"`, the seed allows a talk, 诫勉谈话,
    instead of a move); `votes = "act"` reads them as findings (the old reading)."""
    adjust_below: Share = "2/3"
    remove_above: Share = "1/3"
    votes: Literal["mark", "act"] = "mark"


class RO10(ScopedRule):
    """Term stability (seed 002 既保持干部的相对稳定; seed 001 任期制; [reg]): in a term plan,
    from the year after `term_start` on, a sitting cadre who may stay (no hard rule forces
    a move) stays or is promoted when he or she holds a head post (正职) of a team of
    `kinds`, or has been in the post fewer than `min_years` (moved within them), or took
    it within this term (`post_since` on or after `term_start`) when `whole_term` (the
    issue's "nobody moved twice"; off: `min_years` alone). `term_start` is the plan's
    first reference date (`placement plan` sets it); without one (a single solve, the
    换届 itself) the rule counts nobody. The weight is above any fit gain (100 a line)
    and any other target's unit (ours). `promotion_weight`: a cadre moved within
    `min_years` or within the term who is promoted again costs this (the promotion is
    allowed, but a successor not moved yet is preferred where one fits nearly as well:
    the issue's "at most 10 cadres placed new in more than one year"); above a line's
    fit (at most 100) and the moves a succession chain adds, below `weight`."""
    mode: Mode = "target"
    weight: int = 2000
    promotion_weight: int = Field(300, ge=0)
    min_years: float = Field(3, ge=0)
    whole_term: bool = True
    term_start: dt.date | None = None


# --- avoidance -----------------------------------------------------------------
class AV1(Rule):
    """Kin may not serve in the same team (which covers head and deputy of one team)."""


class AV2(Rule):
    """No key post (回避职位) in the region where the cadre grew up ([reg])."""


# --- reserve pool -----------------------------------------------------------------
class RS1(Rule):
    """Reserve pool coverage, reported per team: `heads` reserves per head post and
    `deputies` per deputy post among those eligible (seed 003). A report, never hard."""
    mode: Literal["target", "off"] = "target"
    weight: int = 0
    heads: int = 2
    deputies: int = 1


class RS2(Rule):
    """Promotions come from the reserve pool (seed 003: 党政领导班子成员一般应从后备干部中选拔):
    a promotion of a cadre whose `reserve_rank` is not the new post's rank (empty: not in
    the pool) costs `weight` (ours)."""
    mode: Mode = "target"
    weight: int = 100


CATALOGUE: dict[str, type[Rule]] = {
    "R-EL1": EL1, "R-EL2": EL2, "R-EL3": EL3, "R-EL4": EL4, "R-EL5": EL5,
    "R-EL6": EL6, "R-EL7": EL7, "R-EL8": EL8, "R-EL9": EL9,
    "R-EL10": EL10, "R-EL11": EL11, "R-EL12": EL12,
    "R-TC1": TC1, "R-TC2": TC2, "R-TC3": TC3, "R-TC4": TC4, "R-TC5": TC5,
    "R-TC6": TC6, "R-TC7": TC7, "R-TC8": TC8, "R-TC9": TC9, "R-TC10": TC10, "R-TC11": TC11,
    "R-RO1": RO1, "R-RO2": RO2, "R-RO3": RO3, "R-RO4": RO4, "R-RO5": RO5,
    "R-RO6": RO6, "R-RO7": RO7, "R-RO8": RO8, "R-RO9": RO9, "R-RO10": RO10,
    "R-AV1": AV1, "R-AV2": AV2,
    "R-RS1": RS1, "R-RS2": RS2,
}

RULE_NAMES: dict[str, tuple[str, str]] = {
    "R-EL1": ("全日制大专以上学历", "full-time college degree"),
    "R-EL2": ("任现职级满年限", "years at current rank before promotion"),
    "R-EL3": ("近三年考核称职以上", "last three assessments competent or better"),
    "R-EL4": ("基本称职/不称职的使用限制", "basically competent / incompetent grades"),
    "R-EL5": ("无处分、档案无问题、如实报告个人事项", "no sanction, clean file, truthful report"),
    "R-EL6": ("民意否决", "popular veto"),
    "R-EL7": ("年龄界限", "age limits"),
    "R-EL8": ("专业对口", "specialty match"),
    "R-EL9": ("逐级晋升", "promotion one level at a time"),
    "R-EL10": ("党内职务由中共党员担任", "Party posts held by Party members"),
    "R-EL11": ("从考核优秀的干部中选拔", "promotion only after an 优秀 grade"),
    "R-EL12": ("继续提名人选严格考察", "re-vetting of those nominated to stay"),
    "R-TC1": ("系统外交流干部额位", "exchange quota from outside the system"),
    "R-TC2": ("本地干部不少于3名", "local cadres in county teams"),
    "R-TC3": ("配有40岁左右干部的班子比例", "teams with a cadre around 40"),
    "R-TC4": ("每年配备40岁以下年轻干部", "young cadres appointed each cycle"),
    "R-TC5": ("女干部配备", "women in county teams"),
    "R-TC6": ("党外干部配备", "non-Party cadres"),
    "R-TC7": ("专业部门专业干部比例", "professional cadres in professional departments"),
    "R-TC8": ("乡镇党委书记经历比例", "township party-secretary experience in county teams"),
    "R-TC9": ("急需专长", "special needs"),
    "R-TC10": ("年龄梯次", "age gradient"),
    "R-TC11": ("40岁左右的县级党政正职", "young county party and government heads"),
    "R-RO1": ("正职任职满10年交流", "heads exchanged after 10 years"),
    "R-RO2": ("重点部门副职满10年交流", "deputies of sensitive systems after 10 years"),
    "R-RO3": ("其他副职满10年交流", "other deputies after 10 years"),
    "R-RO4": ("派驻纪检监察组组长满5年交流", "dispatched inspection leaders after 5 years"),
    "R-RO5": ("分管工作满5年调整", "new portfolio after 5 years"),
    "R-RO6": ("新当选乡镇党政正职留本县政府班子", "township heads stay in their county"),
    "R-RO7": ("县级初步人选跨县交流", "county picks exchanged across counties"),
    "R-RO8": ("党政正职不同时调整", "party and government heads not both changed"),
    "R-RO9": ("能上能下：经组织考核认定调整", "adjusted on an organisational finding"),
    "R-RO10": ("任期内保持班子稳定", "term stability"),
    "R-AV1": ("亲属回避", "kinship avoidance"),
    "R-AV2": ("地域回避", "regional avoidance"),
    "R-RS1": ("后备干部覆盖", "reserve pool coverage"),
    "R-RS2": ("从后备干部中选拔", "promotions from the reserve pool"),
}


def default_rules() -> dict[str, Rule]:
    """A fresh set of every rule at its catalogue default."""
    return {rid: cls() for rid, cls in CATALOGUE.items()}
