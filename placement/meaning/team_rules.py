"""Team composition R-TC1–R-TC10: scope, who counts and how many, over whole arrays.

docs/rules.md ("Terms", "Team composition") is the source; this module is the
one place in the proposing side that spells it out (the checker keeps its own
reading). Every function takes arrays of rows, so one declaration serves the
model's eligible pairs, the roster's lines and the structural universe alike:

- `scope(rule, data, scenario)`: bool per team, the teams the rule covers;
- `places(rule, data, scenario, sizes)`: where a team minimum is counted, one
  place per team in scope, or per county for R-TC2 with `per = "county"`;
- `counts(rule, data, scenario, facts, cadre, team, own)`: bool per pair, whether
  the member placed by the pair counts (local, a woman, young …);
- `required(rule, data, scenario, sizes)`: int per team, how many must count;
  `required_figure` for the rules with one figure for all teams (R-TC3, R-TC4);
- `LABELS`: what a member brings, in Chinese and English.

`facts` is any object with the reference-date arrays `c_age`, `p_team` and
`p_incumbent` (`placement.eligibility.facts.Facts`, which comes later in the
pipeline and is therefore not imported here).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np

from placement.data.dataset import DataSet, has_specialty, same_value_in
from placement.data.rules import share_fraction
from placement.data.scenario import Scenario
from placement.data.schema import PARTY_CPC

# Per-team minimums: one figure per team in scope (R-TC2 per county: per region), in the
# order reasons list the targets a member fills.
TEAM_MINIMUMS = ("R-TC1", "R-TC2", "R-TC5", "R-TC6", "R-TC7", "R-TC8", "R-TC9")


class TeamFacts(Protocol):
    """The reference-date facts the rules read (`placement.eligibility.facts.Facts`)."""

    c_age: np.ndarray  # whole years per cadre row
    p_team: np.ndarray  # team row per post row
    p_incumbent: np.ndarray  # cadre row per post row, -1 if vacant
    p_open: np.ndarray  # bool per post row: left open for another channel


class Label(NamedTuple):
    """What a member brings to a team minimum: `one_*` names one member ("a woman"),
    `many_*` the pool ("women"), `target_*` the target as a committee names it in a
    reason ("满足洪洞县女干部配备要求"; no figure: the requirement is in rules.csv)."""

    one_zh: str
    one_en: str
    many_zh: str
    many_en: str
    target_zh: str
    target_en: str


LABELS = {
    "R-TC1": Label("系统外交流", "exchanged in from outside the system",
                   "系统外交流干部", "cadres from outside the system",
                   "系统外交流干部", "cadres from outside the system"),
    "R-TC2": Label("本地干部", "a local cadre", "本地干部", "local cadres",
                   "本地干部", "local cadres"),
    "R-TC5": Label("女干部", "a woman", "女干部", "women", "女干部", "women"),
    "R-TC6": Label("党外干部", "a non-Party cadre", "党外干部", "non-Party cadres",
                   "党外干部", "non-Party cadres"),
    "R-TC7": Label("专业干部", "a professional cadre", "专业干部", "professional cadres",
                   "专业干部", "professional cadres"),
    "R-TC8": Label("乡镇党委书记经历", "township party-secretary experience",
                   "有乡镇党委书记经历的干部", "cadres with township party-secretary experience",
                   "乡镇党委书记经历干部", "township party-secretary experience"),
    "R-TC9": Label("急需专长", "the specialty the team needs",
                   "具备急需专长的干部", "cadres with the needed specialty",
                   "急需专长干部", "the specialty it needs"),
}


class Reading(NamedTuple):
    """A member's reading that a table counts: `column` in teams.csv and the report's
    structure (a count per team), `one` a candidate's yes/no column ("" none), `rule` the
    rule whose `counts` it is."""

    column: str
    one: str
    rule: str


# The one column-to-rule map: teams.csv's and the report's structure columns, the
# candidate list's readings (docs/rules.md, "Terms").
READINGS = (
    Reading("women", "woman", "R-TC5"),
    Reading("young", "young", "R-TC3"),
    Reading("locals", "local", "R-TC2"),
    Reading("exchanged_in", "", "R-TC1"),
    Reading("non_party", "non_party", "R-TC6"),
    Reading("township_head", "secretary", "R-TC8"),
)


# --- scope: which teams ---------------------------------------------------------------
def _of_kinds(rule: str, data: DataSet, sc: Scenario) -> np.ndarray:
    return np.isin(data.teams["kind"].to_numpy(dtype=object), list(sc.rules[rule].kinds))


_SCOPE = {
    "R-TC1": _of_kinds,
    "R-TC2": _of_kinds,
    "R-TC3": _of_kinds,
    "R-TC4": lambda rule, data, sc: np.ones(len(data.teams), dtype=bool),  # one figure, all
    "R-TC5": _of_kinds,
    "R-TC6": lambda rule, data, sc: data.teams["needs_non_party"].to_numpy(bool),
    "R-TC7": lambda rule, data, sc: data.teams["professional"].to_numpy(bool),
    "R-TC8": _of_kinds,
    "R-TC9": lambda rule, data, sc: data.teams["needs_specialty"].to_numpy(dtype=object) != "",
    "R-TC10": _of_kinds,
    "R-TC11": _of_kinds,
}


# Every team composition rule, in catalogue order.
TEAM_RULES = tuple(_SCOPE)


def scope(rule: str, data: DataSet, sc: Scenario) -> np.ndarray:
    """Bool per team row: the teams the rule covers (its `kinds`, or the team's flag)."""
    return _SCOPE[rule](rule, data, sc)


def sizes(data: DataSet, facts: TeamFacts) -> np.ndarray:
    """Members per team row after placement: every post has one holder but a post left
    open for another channel (`facts.p_open`)."""
    return np.bincount(facts.p_team[~facts.p_open], minlength=len(data.teams))


# --- counts: whether a member counts ------------------------------------------------
# Each cadre's or team's value is judged once and the answer indexed by the pairs
# (`same_value_in` for two columns): comparing text per pair was most of a count's time.
def _cadre(data: DataSet, column: str, dtype=object) -> np.ndarray:
    """A column of `data.cadres`, one value per cadre row."""
    return data.cadres[column].to_numpy(dtype=dtype)


def _exchanged_in(rule, data, sc, facts, cadre, team, own):
    """R-TC1: stays and flagged `exchanged_in`, or placed new from another system."""
    return np.where(own, _cadre(data, "exchanged_in", bool)[cadre],
                    ~same_value_in(data, ("cadres", "system"), ("teams", "system"), cadre, team))


def _local(rule, data, sc, facts, cadre, team, own):
    """R-TC2: `cadre.home_region == team.region`."""
    return same_value_in(data, ("cadres", "home_region"), ("teams", "region"), cadre, team)


def _young(rule, data, sc, facts, cadre, team, own):
    """R-TC3: aged `max_age` or less."""
    return facts.c_age[cadre] <= sc.rules[rule].max_age


def _young_appointed(rule, data, sc, facts, cadre, team, own):
    """R-TC4: a new placement of a cadre younger than `max_age`."""
    return ~np.asarray(own, dtype=bool) & (facts.c_age[cadre] < sc.rules[rule].max_age)


def _woman(rule, data, sc, facts, cadre, team, own):
    """R-TC5: `gender == "F"` (both tiers)."""
    return (_cadre(data, "gender") == "F")[cadre]


def _non_party(rule, data, sc, facts, cadre, team, own, fit=None):
    """R-TC6: `party != "cpc"`; with the lines' `fit`, a newcomer counts only at `min_fit`
    or above (不降格以求: never a weak candidate to fill the count); without, every
    non-Party member (the plain count of the structure tables)."""
    non_party = (_cadre(data, "party") != PARTY_CPC)[cadre]
    if fit is None:
        return non_party
    return non_party & (own | (np.asarray(fit) >= sc.rules[rule].min_fit))


def _professional(rule, data, sc, facts, cadre, team, own):
    """R-TC7: the team's system is among the cadre's specialties."""
    return has_specialty(data, cadre, data.teams["system"].to_numpy(dtype=object), team)


def _young_head(rule, data, sc, facts, cadre, team, own):
    """R-TC11: aged `min_age`–`max_age` ("around 40"); the head posts are its scope."""
    r = sc.rules[rule]
    return (facts.c_age[cadre] >= r.min_age) & (facts.c_age[cadre] <= r.max_age)


def _township_head(rule, data, sc, facts, cadre, team, own):
    """R-TC8: township party-secretary experience (`secretary_exp`; empty: falls back to
    `township_head`, the only experience flag older data sets have)."""
    given = _cadre(data, "secretary_exp")
    return np.where(given == "", _cadre(data, "township_head", bool), given == "true")[cadre]


def _needed_specialty(rule, data, sc, facts, cadre, team, own):
    """R-TC9: the specialty the team needs is among the cadre's specialties."""
    return has_specialty(data, cadre, data.teams["needs_specialty"].to_numpy(dtype=object), team)


_COUNTS = {
    "R-TC1": _exchanged_in,
    "R-TC2": _local,
    "R-TC3": _young,
    "R-TC4": _young_appointed,
    "R-TC5": _woman,
    "R-TC6": _non_party,
    "R-TC7": _professional,
    "R-TC8": _township_head,
    "R-TC9": _needed_specialty,
    "R-TC11": _young_head,
}


def counts(rule: str, data: DataSet, sc: Scenario, facts: TeamFacts, cadre: np.ndarray,
           team: np.ndarray, own: np.ndarray, fit: np.ndarray | None = None) -> np.ndarray:
    """Bool per pair i: the member placed by (cadre row `cadre[i]`, a post of team row
    `team[i]`) counts for the rule; `own[i]` says the cadre stays in their own post;
    `fit[i]` the line's fit, read by R-TC6 only (see `_non_party`)."""
    cadre = np.asarray(cadre, dtype=np.int64)
    team = np.asarray(team, dtype=np.int64)
    extra = {"fit": fit} if rule == "R-TC6" else {}
    return np.asarray(_COUNTS[rule](rule, data, sc, facts, cadre, team,
                                    np.asarray(own, dtype=bool), **extra), dtype=bool)


def age_band(sc: Scenario, facts: TeamFacts, cadre: np.ndarray) -> np.ndarray:
    """R-TC10 (a): the age band (`age // band_years`) of each cadre row."""
    return facts.c_age[cadre] // sc.rules["R-TC10"].band_years


# --- required: how many -----------------------------------------------------------
def share_target(share: float | str, n: np.ndarray | int) -> np.ndarray:
    """ceil(share × n), exact: the share is read as a fraction ("2/3", 0.667)."""
    f = share_fraction(share)
    return -(-(f.numerator * np.asarray(n, dtype=np.int64)) // f.denominator)


def _each(size: np.ndarray, n) -> np.ndarray:
    return np.full(len(size), n, dtype=np.int64)


_REQUIRED = {
    "R-TC1": lambda rule, data, sc, size: share_target(sc.rules[rule].share, size),
    "R-TC2": lambda rule, data, sc, size: _each(size, sc.rules[rule].min_locals),
    # (a) the every-team tier; tier (b) is `required_figure` over `most_minimum`
    "R-TC5": lambda rule, data, sc, size: _each(size, sc.rules[rule].min_women_every),
    "R-TC6": lambda rule, data, sc, size: _each(size, sc.rules[rule].min_non_party),
    "R-TC7": lambda rule, data, sc, size: share_target(sc.rules[rule].share, size),
    # basis "share"; basis "before" is the share before at each place (`places`)
    "R-TC8": lambda rule, data, sc, size: share_target(sc.rules[rule].share, size),
    "R-TC9": lambda rule, data, sc, size: _each(size, 1),
    # (a) distinct age bands, at most one per member
    "R-TC10": lambda rule, data, sc, size: np.minimum(sc.rules[rule].min_bands, size),
}


def required(rule: str, data: DataSet, sc: Scenario, size: np.ndarray) -> np.ndarray:
    """Int per team row: how many members must count, given each team's size."""
    return np.asarray(_REQUIRED[rule](rule, data, sc, np.asarray(size, dtype=np.int64)),
                      dtype=np.int64)


def more_than_share(share: float | str, n: int) -> int:
    """The fewest of `n` that are more than `share` of them, at most `n`:
    floor(share × n) + 1, exact ("大部分", a majority, is more than 1/2; 1 is all `n`)."""
    f = share_fraction(share)
    return min(int(n), f.numerator * int(n) // f.denominator + 1)


def required_figure(rule: str, data: DataSet, sc: Scenario) -> int:
    """The one figure of R-TC3 (teams with a young member: ceil(share_of_teams × teams in
    scope)), R-TC4 (new placements of under-`max_age` cadres: `min_count`), R-TC5 (b)
    (places with `most_minimum` women: more than `share_of_teams` of the places,
    `share_places`) and R-TC11 (head posts held by cadres around 40: `min_count`)."""
    r = sc.rules[rule]
    if rule == "R-TC3":
        return int(share_target(r.share_of_teams, int(scope(rule, data, sc).sum())))
    if rule in ("R-TC4", "R-TC11"):
        return int(r.min_count)
    if rule == "R-TC5":
        return more_than_share(r.share_of_teams, len(share_places(data, sc)[0]))
    raise KeyError(f"{rule} has no single figure; see required()")


def share_places(data: DataSet, sc: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """R-TC5 (b)'s places: their names (counties by region with `per = "county"`, the
    seed's unit, else team ids) and the place of each team row (-1: out of scope)."""
    return _place_keys("R-TC5", data, sc, sc.rules["R-TC5"].per == "county")


def head_posts(data: DataSet, sc: Scenario, facts: TeamFacts) -> np.ndarray:
    """R-TC11: bool per post row, a head post (正职) of a team of `kinds`."""
    return (data.posts["grade"].to_numpy(dtype=object) == "head") & \
        scope("R-TC11", data, sc)[facts.p_team]


def non_party_before(data: DataSet, facts: TeamFacts) -> int:
    """R-TC6 `keep_total`: non-Party incumbents of all posts on the reference date."""
    held = facts.p_incumbent[facts.p_incumbent >= 0]
    return int((data.cadres["party"].to_numpy(dtype=object)[held] != PARTY_CPC).sum())


def most_minimum(rule: str, sc: Scenario) -> int:
    """R-TC5 (b): the members who must count in a team for it to count towards the
    share-of-teams figure (`min_women`)."""
    if rule != "R-TC5":
        raise KeyError(f"{rule} has no share-of-teams tier")
    return int(sc.rules[rule].min_women)


def has_share_tier(rule: str) -> bool:
    """Whether the rule has a share-of-places tier (R-TC5 (b), `most_minimum` members in
    more than `share_of_teams` of the places) beside its every-team tier (a), whose mode
    is `every_mode`."""
    return rule == "R-TC5"


def team_mode(rule: str, sc: Scenario) -> str:
    """The mode of a team minimum's per-team figures: R-TC5's every-team tier has its own
    (`every_mode`), off with the rule; every other rule has one mode."""
    r = sc.rules[rule]
    if rule == "R-TC5" and r.mode != "off":
        return r.every_mode
    return r.mode


def avg_scope(data: DataSet, sc: Scenario) -> np.ndarray:
    """R-TC10 (b): bool per team row, the teams whose average age falls (`avg_kinds`: the
    county party and government teams of seed 002's figure)."""
    return np.isin(data.teams["kind"].to_numpy(dtype=object), list(sc.rules["R-TC10"].avg_kinds))


def age_goal(data: DataSet, sc: Scenario, facts: TeamFacts) -> int | None:
    """R-TC10 (b): the most total member age the teams of `avg_kinds` may have,
    floor((average age of the current incumbents − avg_age_drop) × members after); None
    when those posts have no incumbent to average."""
    posts = avg_scope(data, sc)[facts.p_team] & ~facts.p_open
    holders = facts.p_incumbent[posts]
    holders = holders[holders >= 0]
    if len(holders) == 0:
        return None
    before = float(facts.c_age[holders].mean())
    return math.floor((before - sc.rules["R-TC10"].avg_age_drop) * int(posts.sum()) + 1e-9)


# --- places: where a team minimum is counted ------------------------------------------
@dataclass(frozen=True)
class Places:
    """The figures of a team minimum: `names[k]` (a team id, or a region for R-TC2 with
    `per = "county"`) needs `required[k]` members who count, over the teams whose
    `of_team` is k (-1: out of scope)."""

    names: np.ndarray
    of_team: np.ndarray
    required: np.ndarray

    def team_place(self) -> np.ndarray:
        """The place name per team row, "" for a team out of scope."""
        out = np.full(len(self.of_team), "", dtype=object)
        held = self.of_team >= 0
        out[held] = self.names[self.of_team[held]]
        return out


# Team minimums whose `per = "county"` counts a county's teams in scope together (R-TC2:
# 每个县党政班子; R-TC8: the county's share). R-TC5's `per` is its tier (b)'s: `share_places`.
BY_COUNTY = ("R-TC2", "R-TC8")


def _place_keys(rule: str, data: DataSet, sc: Scenario, by_county: bool
                ) -> tuple[np.ndarray, np.ndarray]:
    """The names of a rule's places and the place of each team row (-1: out of scope):
    counties by region name, or teams in row order."""
    in_scope = scope(rule, data, sc)
    of_team = np.full(len(data.teams), -1, dtype=np.int64)
    if by_county:
        region = data.teams["region"].to_numpy(dtype=object)
        names, code = np.unique(region[in_scope].astype(str), return_inverse=True)
        of_team[in_scope] = code
        return names.astype(object), of_team
    rows = np.flatnonzero(in_scope)
    of_team[rows] = np.arange(len(rows))
    return data.teams["team_id"].to_numpy(dtype=object)[rows], of_team


def places(rule: str, data: DataSet, sc: Scenario, facts: TeamFacts) -> Places:
    """Where each figure of a team minimum (`TEAM_MINIMUMS`) is counted, in the order
    the model and the checker list them (teams by row, counties by name), and how many
    members must count there, given the members after placement (`sizes`). R-TC8 with
    `basis = "before"`: ceil(members with the experience before × members after /
    incumbents before), the place's share not falling (0 where nobody sits before)."""
    r = sc.rules[rule]
    names, of_team = _place_keys(rule, data, sc, rule in BY_COUNTY and r.per == "county")
    team_size = sizes(data, facts)
    held = of_team >= 0
    size = np.bincount(of_team[held], weights=team_size[held], minlength=len(names))
    size = size.astype(np.int64)
    if rule == "R-TC8" and r.basis == "before":
        post = np.flatnonzero(facts.p_incumbent >= 0)
        cadre, team = facts.p_incumbent[post], facts.p_team[post]
        at = of_team[team]
        has = counts(rule, data, sc, facts, cadre, team, np.ones(len(post), dtype=bool))
        before = np.bincount(at[at >= 0], minlength=len(names))
        good = np.bincount(at[at >= 0], weights=has[at >= 0], minlength=len(names))
        need = np.where(before > 0, -(-(good.astype(np.int64) * size) // np.maximum(before, 1)), 0)
        return Places(names, of_team, need.astype(np.int64))
    if rule in BY_COUNTY and r.per == "county":
        return Places(names, of_team, required(rule, data, sc, size))
    return Places(names, of_team, required(rule, data, sc, team_size)[held])
