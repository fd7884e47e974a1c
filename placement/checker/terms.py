"""The terms of docs/rules.md ("Terms"), computed here on purpose.

The solver has its own (`placement.eligibility.facts`); the checker does not share it, so a
mistake in one shows up as a disagreement with the other. The rules read plain
Python, one record at a time: a cadre, a post or a team is a `SimpleNamespace` with
the DataSet's columns as attributes, plus a few derived ones (age, tenures, the post
held now, the post's team). The records are read column by column and the ages and
tenures computed on whole columns, once per check (issue 16: the check runs once per
alternate roster).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
import pandas as pd

from placement.data.dataset import DataSet
from placement.data.regions import region_names
from placement.data.rules import share_fraction
from placement.data.schema import EDUCATION_LEVEL, PARTY_CPC

WEAK_GRADES = ("基本称职", "不称职")  # R-EL3: a grade "基本称职 or 不称职"
INCOMPETENT = "不称职"
BASIC = "基本称职"

Record = SimpleNamespace


def missing(value: object) -> bool:
    """An empty cell: None, NaT, NA or NaN (never a tuple or a string)."""
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def share_target(share: float | str, size: int) -> int:
    """`ceil(share x size)` with the share read as an exact fraction."""
    return math.ceil(share_fraction(share) * size)


def education_level(cadre: Record) -> int:
    return EDUCATION_LEVEL[cadre.education]


def is_non_party(cadre: Record) -> bool:
    return cadre.party != PARTY_CPC


# R-EL10 (docs/rules.md): the words of a title that name a Party office, and the longer
# words that contain one without being one (书记员 a court clerk, 人大常委会 the congress).
PARTY_OFFICE_WORDS = ("书记", "常委", "党组", "党委委员", "党工委委员", "组织委员", "宣传委员",
                      "纪委", "纪工委")
NOT_PARTY_WORDS = ("书记员", "常委会")


def is_party_post(post: Record) -> bool:
    """R-EL10: `party_post` where the data say so; otherwise every post of a county_party
    team and every post whose title names a Party office."""
    if post.party_post:
        return post.party_post == "true"
    if post.team.kind == "county_party":
        return True
    title = post.title
    for word in NOT_PARTY_WORDS:
        title = title.replace(word, "·")
    return any(word in title for word in PARTY_OFFICE_WORDS)


# Posts filled through another channel (docs/rules.md): an empty `filled_by` is
# `military` where the title names 人武部, else `scope`.
MILITARY_WORD = "人武部"


def channel(post: Record) -> str:
    """Who fills the post: `scope` (the proposal), `military` or `above`."""
    if post.filled_by:
        return post.filled_by
    return "military" if MILITARY_WORD in post.title else "scope"


def newest_grade(cadre: Record) -> str:
    return cadre.assessments[0] if cadre.assessments else ""


def _rows(frame: pd.DataFrame, **derived: pd.Series) -> list[Record]:
    """One record per row, its cells as Python values (as `to_dict` gives them), plus the
    `derived` columns; read column by column, several times faster than row by row."""
    columns = {name: frame[name].tolist() for name in frame.columns}
    columns |= {name: values.tolist() for name, values in derived.items()}
    names = list(columns)
    return [Record(**dict(zip(names, row, strict=True)))
            for row in zip(*columns.values(), strict=True)]


def _records(frame: pd.DataFrame, key: str, **derived: pd.Series) -> dict[str, Record]:
    return {getattr(rec, key): rec for rec in _rows(frame, **derived)}


def _anniversary(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The date (as numpy days) of the anniversary of (month, day) in `year`: 29 February
    falls on 28 February in a year that is not a leap year (docs/rules.md, "Tenure")."""
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    day = np.where((month == 2) & (day == 29) & ~leap, 28, day)
    first = (year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month - 1)
    return first.astype("datetime64[D]") + (day - 1)


def _years(since: pd.Series, ref: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per date: completed anniversary years up to `ref`, days since the last
    anniversary and the length in days of the current anniversary year (an empty date:
    0, 0, 1)."""
    known = since.notna().to_numpy()
    year = since.dt.year.fillna(ref.year).to_numpy(dtype=np.int64)
    month = since.dt.month.fillna(ref.month).to_numpy(dtype=np.int64)
    day = since.dt.day.fillna(ref.day).to_numpy(dtype=np.int64)
    today = np.datetime64(ref, "D")
    years = ref.year - year
    this_year = _anniversary(np.full_like(year, ref.year), month, day)
    years = np.where(this_year > today, years - 1, years)
    last = _anniversary(year + years, month, day)
    following = _anniversary(year + years + 1, month, day)
    elapsed = (today - last).astype(np.int64)
    length = (following - last).astype(np.int64)
    return (np.where(known, years, 0), np.where(known, elapsed, 0),
            np.where(known, length, 1))


def age_on(births: pd.Series, ref: dt.date) -> pd.Series:
    """Whole years completed between each birth date and `ref`, by calendar anniversary
    (a 29 February birthday is reached on 28 February in a common year); an empty date
    gives 0."""
    years, _, _ = _years(births, ref)
    return pd.Series(years, index=births.index, dtype="int64")


def years_since(since: pd.Series, ref: dt.date) -> pd.Series:
    """Tenure in years by calendar anniversary ("满N年" is met on the Nth anniversary):
    the completed anniversary years plus the elapsed share of the current anniversary
    year (days since the last anniversary / days from it to the next). An empty date
    counts as 0 years."""
    years, elapsed, length = _years(since, ref)
    return pd.Series(years + elapsed / length, index=since.index, dtype="float64")


@dataclass
class World:
    """The input tables as records keyed by id, with the derived terms attached."""
    ref: dt.date
    teams: dict[str, Record]
    posts: dict[str, Record]
    cadres: dict[str, Record]
    relations: list[Record]
    team_posts: dict[str, list[str]]  # team id -> its post ids, in data order
    keeps_pool: bool  # R-RS2: some cadre has a `reserve_rank` (reading note 17)
    sizes: dict[str, int] = field(default_factory=dict)  # team id -> posts held after
    fit: dict[tuple[str, str], float] = field(default_factory=dict)  # the data's fit table
    places: dict[str, str] = field(default_factory=dict)  # region id -> its name (洪洞县)

    @classmethod
    def build(cls, data: DataSet, ref: dt.date) -> World:
        teams = _records(data.teams, "team_id")
        posts = _records(data.posts, "post_id")
        frame = data.cadres
        cadres = _records(
            frame, "cadre_id", own_post=pd.Series([""] * len(frame), dtype=object),
            age=age_on(frame["birth_date"], ref),
            years_rank=years_since(frame["rank_since"], ref),
            years_post=years_since(frame["post_since"], ref),
            years_team=years_since(frame["team_since"], ref),
            years_portfolio=years_since(frame["portfolio_since"], ref))
        team_posts: dict[str, list[str]] = {tid: [] for tid in teams}
        for p in posts.values():
            p.team = teams[p.team_id]
            team_posts[p.team_id].append(p.post_id)
        for p in posts.values():
            if p.incumbent_id:
                cadres[p.incumbent_id].own_post = p.post_id
            p.channel = channel(p)
            p.open = p.channel != "scope" and (
                not p.incumbent_id or bool(cadres[p.incumbent_id].leaving))
        relations = _rows(data.relations)
        keeps_pool = any(c.reserve_rank for c in cadres.values())
        sizes = {tid: sum(1 for p in ids if not posts[p].open)
                 for tid, ids in team_posts.items()}
        given = data.fit.dropna(subset=["score"])
        fit = dict(zip(zip(given["cadre_id"].tolist(), given["post_id"].tolist(), strict=True),
                       given["score"].astype(float).tolist(), strict=True))
        return cls(ref, teams, posts, cadres, relations, team_posts, keeps_pool, sizes, fit,
                   region_names(data))

    def own_post(self, cadre: Record) -> Record | None:
        return self.posts[cadre.own_post] if cadre.own_post else None

    def place(self, region: str) -> str:
        """A region as a planner reads it: its name with its id (洪洞县（R05）), the id
        alone where the data name none."""
        name = self.places.get(region, "")
        return f"{name}（{region}）" if name and name != region else region

    def size(self, team_id: str) -> int:
        """A team's size: its posts held after placement, i.e. its posts less the open
        posts of another channel (docs/rules.md, "Posts filled through another channel")."""
        return self.sizes[team_id]


@dataclass(frozen=True, slots=True)
class Line:
    """One roster line whose post and cadre are both known: cadre `cadre` holds `post`.

    Its terms (team, stays, new, step) are computed once, when the line is made: every
    pair rule reads them."""
    post: Record
    cadre: Record
    must: bool = False  # a `must` lock names this pair
    row: int | None = None  # spreadsheet row in the roster file
    fit: float | None = None  # the line's fit score where known (R-TC6)
    team: Record = field(init=False, repr=False, compare=False)
    stays: bool = field(init=False, repr=False, compare=False)  # the cadre holds their own post
    new: bool = field(init=False, repr=False, compare=False)  # not `stays`
    # rank step: post rank level minus cadre rank level (1 is a promotion)
    step: int = field(init=False, repr=False, compare=False)
    # the incumbent of a post of another channel keeps it: no pair rule judges the line
    exempt: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        stays = self.cadre.own_post == self.post.post_id
        for name, value in (("team", self.post.team), ("stays", stays), ("new", not stays),
                            ("step", int(self.post.rank_level) - int(self.cadre.rank_level)),
                            ("exempt", stays and self.post.channel != "scope")):
            object.__setattr__(self, name, value)

    @property
    def change(self) -> str:
        """stay / moved_in (a sitting cadre from another post) / new (held no post)."""
        if self.stays:
            return "stay"
        return "moved_in" if self.cadre.own_post else "new"


# --- member definitions (docs/rules.md, "Terms") -----------------------------------


def is_local(line: Line) -> bool:
    return line.cadre.home_region == line.team.region


def is_exchanged_in(line: Line) -> bool:
    """A member who stays and is flagged `exchanged_in`, or one placed new from another
    system."""
    if line.stays:
        return bool(line.cadre.exchanged_in)
    return line.cadre.system != line.team.system


def is_professional(line: Line) -> bool:
    return line.team.system in line.cadre.specialties
