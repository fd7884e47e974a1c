"""The terms of docs/rules.md ("Terms"), computed here on purpose.

The solver has its own (`placement.eligibility.facts`); the checker does not share it, so a
mistake in one shows up as a disagreement with the other. Everything is plain
Python on one record at a time: a cadre, a post or a team is a
`SimpleNamespace` with the DataSet's columns as attributes, plus a few
derived ones (age, tenures, the post held now, the post's team).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from types import SimpleNamespace

import pandas as pd

from placement.data.dataset import DataSet
from placement.data.rules import share_fraction
from placement.data.schema import EDUCATION_LEVEL, PARTY_CPC

DAYS_PER_YEAR = 365.25
WEAK_GRADES = ("基本称职", "不称职")  # R-EL3: a grade "基本称职 or 不称职"
INCOMPETENT = "不称职"
BASIC = "基本称职"

Record = SimpleNamespace


def missing(value: object) -> bool:
    """An empty cell: None, NaT, NA or NaN (never a tuple or a string)."""
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def age_on(birth: object, ref: dt.date) -> int:
    """Whole years completed between `birth` and `ref` (an empty date gives 0)."""
    if missing(birth):
        return 0
    had_birthday = (ref.month, ref.day) >= (birth.month, birth.day)
    return ref.year - birth.year - (0 if had_birthday else 1)


def years_since(since: object, ref: dt.date) -> float:
    """`(ref - since).days / 365.25`; an empty date counts as 0 years."""
    if missing(since):
        return 0.0
    return (pd.Timestamp(ref) - pd.Timestamp(since)).days / DAYS_PER_YEAR


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


def newest_grade(cadre: Record) -> str:
    return cadre.assessments[0] if cadre.assessments else ""


def _records(frame: pd.DataFrame, key: str) -> dict[str, Record]:
    return {row[key]: Record(**row) for row in frame.to_dict("records")}


@dataclass
class World:
    """The input tables as records keyed by id, with the derived terms attached."""
    ref: dt.date
    teams: dict[str, Record]
    posts: dict[str, Record]
    cadres: dict[str, Record]
    relations: list[Record]
    team_posts: dict[str, list[str]]  # team id -> its post ids, in data order

    @classmethod
    def build(cls, data: DataSet, ref: dt.date) -> World:
        teams = _records(data.teams, "team_id")
        posts = _records(data.posts, "post_id")
        cadres = _records(data.cadres, "cadre_id")
        team_posts: dict[str, list[str]] = {tid: [] for tid in teams}
        for p in posts.values():
            p.team = teams[p.team_id]
            team_posts[p.team_id].append(p.post_id)
        for c in cadres.values():
            c.own_post = ""
            c.age = age_on(c.birth_date, ref)
            c.years_rank = years_since(c.rank_since, ref)
            c.years_post = years_since(c.post_since, ref)
            c.years_team = years_since(c.team_since, ref)
            c.years_portfolio = years_since(c.portfolio_since, ref)
        for p in posts.values():
            if p.incumbent_id:
                cadres[p.incumbent_id].own_post = p.post_id
        relations = [Record(**row) for row in data.relations.to_dict("records")]
        return cls(ref, teams, posts, cadres, relations, team_posts)

    def own_post(self, cadre: Record) -> Record | None:
        return self.posts[cadre.own_post] if cadre.own_post else None

    def size(self, team_id: str) -> int:
        """A team's size is the number of its posts."""
        return len(self.team_posts[team_id])


@dataclass(frozen=True)
class Line:
    """One roster line whose post and cadre are both known: cadre `cadre` holds `post`."""
    post: Record
    cadre: Record
    must: bool = False  # a `must` lock names this pair
    row: int | None = None  # spreadsheet row in the roster file

    @property
    def team(self) -> Record:
        return self.post.team

    @property
    def stays(self) -> bool:
        """The cadre holds their own post."""
        return self.cadre.own_post == self.post.post_id

    @property
    def new(self) -> bool:
        return not self.stays

    @property
    def step(self) -> int:
        """Rank step: post rank level minus cadre rank level (1 is a promotion)."""
        return int(self.post.rank_level) - int(self.cadre.rank_level)

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
