"""Per-cadre and per-post facts on the reference date, as arrays (solver side).

Computed once per scenario and shared by eligibility and the model families
(docs/rules.md, "Terms"). The checker computes its own on purpose.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import chain

import numpy as np
import pandas as pd

from placement.data.dataset import DataSet
from placement.data.schema import ASSESSMENT_LEVEL, EDUCATION_LEVEL
from placement.meaning.posts import filled_by


def _anniversary(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The dates (datetime64[D]) of an anniversary in `year`: 29 February falls on
    28 February in a year that has none (docs/rules.md, "Tenure")."""
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    day = np.where((month == 2) & (day == 29) & ~leap, 28, day)
    months = (year - 1970) * 12 + (month - 1)
    return months.astype("datetime64[M]").astype("datetime64[D]") + (day - 1)


def _full_years(since: pd.Series, ref: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per date: whole anniversaries reached by `ref`, the last and the next anniversary
    (NaT rows: 0 years, and the reference date for both dates)."""
    d = pd.to_datetime(since)
    known = d.notna().to_numpy()
    y = d.dt.year.fillna(ref.year).to_numpy(dtype=np.int64)
    m = d.dt.month.fillna(ref.month).to_numpy(dtype=np.int64)
    dd = d.dt.day.fillna(ref.day).to_numpy(dtype=np.int64)
    r = np.datetime64(ref, "D")
    this_year = _anniversary(np.full(len(y), ref.year), m, dd)
    n = ref.year - y - (this_year > r).astype(np.int64)
    n = np.where(known, np.maximum(n, 0), 0)
    last = np.where(known, _anniversary(y + n, m, dd), r)
    nxt = np.where(known, _anniversary(y + n + 1, m, dd), r)
    return n, last, nxt


def whole_years(born: pd.Series, ref: dt.date) -> np.ndarray:
    """Completed years between each date and `ref` (NaT gives 0): an age, reached on the
    birthday (29 February: on 28 February in a common year)."""
    return _full_years(born, ref)[0]


def years_since(since: pd.Series, ref: dt.date) -> np.ndarray:
    """Tenure in years: whole calendar anniversaries reached by `ref` ("满N年" is met on
    the Nth anniversary, docs/rules.md "Tenure"), plus the elapsed part of the current
    anniversary year, so a threshold such as 2.5 years still reads; NaT gives 0.
    Not days / 365.25: ten years to the day would then fall short by the leap days."""
    n, last, nxt = _full_years(since, ref)
    span = (nxt - last).astype(np.int64)
    done = (np.datetime64(ref, "D") - last).astype(np.int64)
    part = np.divide(done, span, out=np.zeros(len(n)), where=span > 0)
    return n + part


def _grade_table(assessments: np.ndarray) -> np.ndarray:
    """The grade levels of each cadre's assessments (tuples of grades, newest first) as
    one matrix, a row per cadre, -1 past a cadre's last grade. Why: the rules read the
    newest few grades of every cadre, and a tuple per cadre took a Python loop each."""
    count = np.fromiter(map(len, assessments), np.int64, len(assessments))
    grades = np.fromiter(chain.from_iterable(assessments), object, int(count.sum()))
    levels = np.array(list(ASSESSMENT_LEVEL.values()), dtype=np.int64)[
        pd.Index(list(ASSESSMENT_LEVEL)).get_indexer(grades)]
    out = np.full((len(count), int(count.max(initial=0))), -1, dtype=np.int64)
    row = np.repeat(np.arange(len(count)), count)
    out[row, np.arange(len(grades)) - (np.cumsum(count) - count)[row]] = levels
    return out


@dataclass(frozen=True)
class Facts:
    """Arrays aligned with `data.cadres` (c_*) and `data.posts` (p_*)."""

    ref: dt.date
    c_age: np.ndarray
    c_years_rank: np.ndarray
    c_years_post: np.ndarray
    c_years_team: np.ndarray
    c_years_portfolio: np.ndarray
    c_edu: np.ndarray
    c_grades: np.ndarray  # int, one row per cadre: grade levels, newest first, -1 past the last
    c_own_post: np.ndarray  # row of the post held now, -1 if none
    p_team: np.ndarray  # row of the post's team
    p_incumbent: np.ndarray  # row of the incumbent cadre, -1 if vacant
    # Posts filled through another channel (`meaning.posts.filled_by`): the incumbent
    # stays; `p_open`: such a post with no incumbent who stays, left to that channel.
    p_channel: np.ndarray
    p_open: np.ndarray


def compute_facts(data: DataSet, ref: dt.date) -> Facts:
    cadres, posts = data.cadres, data.posts
    cadre_pos = pd.Index(cadres["cadre_id"])
    inc = posts["incumbent_id"].to_numpy(dtype=object)
    p_incumbent = np.where(inc != "", cadre_pos.get_indexer(inc), -1)
    own = np.full(len(cadres), -1, dtype=np.int64)
    held = p_incumbent >= 0
    own[p_incumbent[held]] = np.flatnonzero(held)
    channel = filled_by(data) != "scope"
    stays = held & ~cadres["leaving"].to_numpy(bool)[np.maximum(p_incumbent, 0)]
    return Facts(
        ref=ref,
        c_age=whole_years(cadres["birth_date"], ref),
        c_years_rank=years_since(cadres["rank_since"], ref),
        c_years_post=years_since(cadres["post_since"], ref),
        c_years_team=years_since(cadres["team_since"], ref),
        c_years_portfolio=years_since(cadres["portfolio_since"], ref),
        c_edu=cadres["education"].map(EDUCATION_LEVEL).to_numpy(dtype=np.int64),
        c_grades=_grade_table(cadres["assessments"].to_numpy(dtype=object)),
        c_own_post=own,
        p_team=pd.Index(data.teams["team_id"]).get_indexer(posts["team_id"]),
        p_incumbent=p_incumbent,
        p_channel=channel,
        p_open=channel & ~stays,
    )
