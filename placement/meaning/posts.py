"""What a post is, read once for the proposing side: "a Party post" (R-EL10) and who
fills it ("Posts filled through another channel").

docs/rules.md ("Terms", R-EL10) is the source. The `party_post` column says it
outright where a planner filled it in; an empty cell (or an absent column) takes
the default of the data contract: every post of a county party committee
(`county_party`), and every post whose title names a Party office. The checker
keeps its own reading of the same text (`placement.checker.terms`).

`filled_by` likewise: `scope` (the proposal fills it), `military` (人武部: an
active-duty officer appointed through the military) or `above` (the level above);
an empty cell takes `military` where the title names 人武部, else `scope`
(docs/data.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from placement.data.dataset import DataSet, derived, post_team
from placement.data.errors import Problem
from placement.data.schema import PARTY_CPC

# Titles naming a Party office (docs/rules.md, R-EL10): 书记 but not 书记员 (a court
# clerk), 常委 but not 常委会 (the people's congress standing committee, 人大常委会),
# Party groups and committee members (党组, 党委委员, 党工委委员, and the township
# committee's 组织委员 / 宣传委员), and the discipline commissions (纪委, 纪工委).
PARTY_TITLE = r"书记(?!员)|常委(?!会)|党组|党委委员|党工委委员|组织委员|宣传委员|纪委|纪工委"


def party_post_default(kind: np.ndarray, title: np.ndarray) -> np.ndarray:
    """Bool per post: the default reading of an empty `party_post` cell, from the team
    kind and the title of each post (the generator asks it before a DataSet exists)."""
    by_title = _titles_contain(title, PARTY_TITLE)
    return (np.asarray(kind, dtype=object) == "county_party") | by_title


def _titles_contain(title: np.ndarray, pattern: str) -> np.ndarray:
    """Bool per title: `pattern` (a regular expression) occurs in it. Each distinct title
    is searched once: a province's 4,922 posts have 70 titles (issue 29)."""
    codes, titles = pd.factorize(np.asarray(title, dtype=object), use_na_sentinel=False)
    found = re.compile(pattern).search
    return np.array([found(str(t)) is not None for t in titles], dtype=bool)[codes]


def party_post(data: DataSet) -> np.ndarray:
    """Bool per post row: the post is a Party office held only by a CPC member. Read
    once per data set (`derived`): R-EL10 reads it for the exchange movers and for
    every pair, R-RO8 for the head pairs."""
    return derived(data, "party_post", lambda: _party_post(data))


def _party_post(data: DataSet) -> np.ndarray:
    posts = data.posts
    given = posts["party_post"].to_numpy(dtype=object)
    kind = data.teams["kind"].to_numpy(dtype=object)[post_team(data)]
    default = party_post_default(kind, posts["title"].to_numpy(dtype=object))
    return np.where(given == "", default, given == "true")


def party_post_warnings(data: DataSet) -> list[Problem]:
    """R-EL10 in the data as given: a Party post whose sitting holder is not a CPC member.
    Valid input (a 民主党派 member may sit there today), but the planner should hear it
    before solving: the roster will move that holder. One warning per post, naming the
    posts file, its row and the `incumbent_id` column."""
    posts = data.posts
    party = data.cadres.set_index("cadre_id")["party"]
    holder = posts["incumbent_id"].to_numpy(dtype=object)
    held = holder != ""
    non_member = np.zeros(len(posts), dtype=bool)
    non_member[held] = party.reindex(holder[held]).to_numpy(dtype=object) != PARTY_CPC
    source = data.sources.get("posts", "posts")
    return [Problem("non_party_in_party_post", source, int(posts["_row"].iat[i]),
                    "incumbent_id", {"post": posts["post_id"].iat[i], "cadre": holder[i]})
            for i in np.flatnonzero(party_post(data) & non_member)]


# Posts filled through another channel (docs/data.md, `filled_by`): a title naming the
# people's armed forces department (县委常委、人武部部长, 人武部政委) is the military's when
# the column leaves it empty.
MILITARY_TITLE = "人武部"
# A cadre's `system` that is a military one: the people's armed forces (人武, 人民武装,
# 武装部), military organs (军事, 军分区) and the army (军队). Any system naming one of these
# words counts; every other system is a civilian's.
MILITARY_SYSTEM = r"人武|武装|军事|军队|军分区"


def filled_by_default(title: np.ndarray) -> np.ndarray:
    """Per post: the reading of an empty `filled_by` cell from the title (`military`
    where it names 人武部, else `scope`); the generator asks it before a DataSet exists."""
    named = _titles_contain(title, re.escape(MILITARY_TITLE))
    return np.where(named, "military", "scope").astype(object)


def filled_by(data: DataSet) -> np.ndarray:
    """Per post row: `scope`, `military` or `above`, the column's value or its default."""
    given = data.posts["filled_by"].to_numpy(dtype=object)
    return np.where(given == "", filled_by_default(data.posts["title"].to_numpy(dtype=object)),
                    given).astype(object)


def military_system(system: np.ndarray) -> np.ndarray:
    """Bool per cadre `system` value: a military line of work (`MILITARY_SYSTEM`)."""
    return pd.Series(system, dtype=object).astype(str).str.contains(
        MILITARY_SYSTEM, regex=True).to_numpy(bool)


def channel_warnings(data: DataSet) -> list[Problem]:
    """Posts filled through another channel in the data as given: a `military` post
    (人武部) whose sitting holder's `system` is not a military one. Valid input, but the
    planner should hear it: the proposal never fills such a post with a civilian. One
    warning per post, naming the posts file, its row, the `incumbent_id` column and the
    ids only (never a name)."""
    posts = data.posts
    holder = posts["incumbent_id"].to_numpy(dtype=object)
    held = holder != ""
    civilian = np.zeros(len(posts), dtype=bool)
    system = data.cadres.set_index("cadre_id")["system"]
    civilian[held] = ~military_system(system.reindex(holder[held]).fillna("").to_numpy(object))
    source = data.sources.get("posts", "posts")
    return [Problem("civilian_in_military_post", source, int(posts["_row"].iat[i]),
                    "incumbent_id", {"post": posts["post_id"].iat[i], "cadre": holder[i]})
            for i in np.flatnonzero((filled_by(data) == "military") & civilian)]


def with_rule_warnings(data: DataSet) -> DataSet:
    """The data set with the warnings the rules' reading of it adds (R-EL10 and the posts
    filled through another channel, above) after the loader's own, so that validate,
    solve, summary.json and the API show them alike."""
    extra = tuple(party_post_warnings(data)) + tuple(channel_warnings(data))
    return replace(data, warnings=data.warnings + extra) if extra else data


# The rule `head_pairs` serves: a place's party and government heads not both changed.
BOTH_HEADS = "R-RO8"
# R-RO8: the teams whose party secretary and government head sit in one team (乡镇党委书记
# and 乡镇长; a street's 党工委书记 and 办事处主任, the township's urban counterpart).
TOWNSHIP_KINDS = ("township", "street")


@dataclass(frozen=True)
class HeadPair:
    """R-RO8: the party heads and government heads of one place (post rows): a county's
    `county_party` and `county_gov` head posts (`place` is the region), or a township
    team's head posts that are Party posts and those that are not (`place` is the team)."""

    place: str
    party: np.ndarray
    gov: np.ndarray


def head_pairs(data: DataSet) -> list[HeadPair]:
    """Every place with both a party head and a government head: counties by region
    name, then townships and streets by team id (the order the figures are listed in)."""
    posts, teams = data.posts, data.teams
    team = pd.Index(teams["team_id"]).get_indexer(posts["team_id"])
    kind = teams["kind"].to_numpy(dtype=object)[team]
    region = teams["region"].to_numpy(dtype=object)[team]
    head = posts["grade"].to_numpy(dtype=object) == "head"
    county = head & np.isin(kind, ("county_party", "county_gov"))
    town = head & np.isin(kind, TOWNSHIP_KINDS)
    ids = teams["team_id"].to_numpy(dtype=object)
    return (_places(region[county], np.flatnonzero(county), (kind == "county_party")[county])
            + _places(ids[team[town]], np.flatnonzero(town), party_post(data)[town]))


def _places(place: np.ndarray, post: np.ndarray, party: np.ndarray) -> list[HeadPair]:
    """The head posts `post` (rows, ascending) grouped by `place` (names, in sorted
    order), each split into its `party` side and the other; a place lacking a side is
    left out. One sort, not a scan of every post per place (R-RO8's places took a
    second at scale60 so)."""
    names, at = np.unique(place, return_inverse=True)
    order = np.argsort(at, kind="stable")
    bounds = np.flatnonzero(np.r_[True, np.diff(at[order]) != 0, True])
    out = []
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        rows, side = post[order[lo:hi]], party[order[lo:hi]]
        if side.any() and not side.all():
            out.append(HeadPair(str(names[at[order[lo]]]), rows[side], rows[~side]))
    return out
