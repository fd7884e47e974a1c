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

from placement.data.dataset import DataSet, list_codes, post_team
from placement.data.schema import ASSESSMENT_LEVEL, EDUCATION_LEVEL
from placement.meaning.posts import filled_by

_EPOCH = dt.date(1970, 1, 1)
# The dates a cadre's tenures count from (Facts' c_years_rank … c_years_portfolio).
_TENURES = ("rank_since", "post_since", "team_since", "portfolio_since")
# Days before each month in a common year; leap days before 1970 (from year 1).
_BEFORE_MONTH = np.array([0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334])
_LEAP_DAYS_1970 = 1969 // 4 - 1969 // 100 + 1969 // 400


def _civil(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of each day number (days since 1970-01-01, proleptic
    Gregorian), in integer arithmetic (H. Hinnant's `civil_from_days`). Why: numpy's
    casts to months and back cost most of the facts' time at province size (issue 29)."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    month = mp + np.where(mp < 10, 3, -9)
    return yoe + era * 400 + (month <= 2), month, doy - (153 * mp + 2) // 5 + 1


def _anniversary(year, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The day numbers of the anniversary of (`month`, `day`) in `year` (one year, or
    one per date): 29 February falls on 28 February in a year that has none
    (docs/rules.md, "Tenure")."""
    year = np.asarray(year)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    before = year - 1
    jan1 = 365 * (year - 1970) + before // 4 - before // 100 + before // 400 - _LEAP_DAYS_1970
    return (jan1 + _BEFORE_MONTH[month - 1] + day - 1 + ((month > 2) & leap)
            - ((month == 2) & (day == 29) & ~leap))


def _days(dates: pd.Series | pd.DataFrame) -> np.ndarray:
    """Dates (a column, or a frame of datetime columns) as datetime64[D], NaT where
    empty."""
    if isinstance(dates, pd.DataFrame):
        return dates.to_numpy("datetime64[D]")
    return pd.to_datetime(dates).to_numpy("datetime64[D]")


def _full_years(since: np.ndarray, ref: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per date (datetime64[D], any shape): whole anniversaries reached by `ref`, the day
    numbers of the last and the next anniversary (NaT: 0 years, and the reference date
    for both). The anniversaries fall in the reference year or next to it, so they are
    found for three years alone; only a date after `ref` (none reached) needs its own."""
    r = (ref - _EPOCH).days
    known = ~np.isnat(since)
    days = np.where(known, since.astype(np.int64), r)
    y, m, d = _civil(days)
    this = _anniversary(ref.year, m, d)
    after = this > r  # this year's anniversary still to come
    n = ref.year - y - after
    last = np.where(after, _anniversary(ref.year - 1, m, d), this)
    nxt = np.where(after, this, _anniversary(ref.year + 1, m, d))
    later = n < 0  # a date after `ref`: its last "anniversary" is the date itself
    last[later] = days[later]
    nxt[later] = _anniversary(y[later] + 1, m[later], d[later])
    return np.where(known, np.maximum(n, 0), 0), np.where(known, last, r), np.where(known, nxt, r)


def whole_years(born: pd.Series, ref: dt.date) -> np.ndarray:
    """Completed years between each date and `ref` (NaT gives 0): an age, reached on the
    birthday (29 February: on 28 February in a common year)."""
    return _full_years(_days(born), ref)[0]


def years_since(since: pd.Series | pd.DataFrame, ref: dt.date) -> np.ndarray:
    """Tenure in years: whole calendar anniversaries reached by `ref` ("满N年" is met on
    the Nth anniversary, docs/rules.md "Tenure"), plus the elapsed part of the current
    anniversary year, so a threshold such as 2.5 years still reads; NaT gives 0.
    Not days / 365.25: ten years to the day would then fall short by the leap days.
    A frame of datetime columns gives a column of tenures each (one pass for all)."""
    n, last, nxt = _full_years(_days(since), ref)
    span = nxt - last
    done = (ref - _EPOCH).days - last
    part = np.divide(done, span, out=np.zeros(n.shape), where=span > 0)
    return n + part


def _grade_table(assessments: np.ndarray) -> np.ndarray:
    """The grade levels of assessments (tuples of grades, newest first) as one matrix, a
    row per tuple, -1 past a tuple's last grade. Why: the rules read the newest few
    grades of every cadre, and a tuple per cadre took a Python loop each; built for the
    few distinct tuples (`list_codes`) and indexed per cadre."""
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
    # the incumbents coded with the cadre ids (unique): a code below their number is a row
    inc = posts["incumbent_id"].to_numpy(dtype=object)
    code = pd.factorize(np.concatenate([cadres["cadre_id"].to_numpy(dtype=object), inc]))[0]
    found = code[len(cadres):]
    p_incumbent = np.where((inc != "") & (found < len(cadres)), found, -1)
    own = np.full(len(cadres), -1, dtype=np.int64)
    held = p_incumbent >= 0
    own[p_incumbent[held]] = np.flatnonzero(held)
    channel = filled_by(data) != "scope"
    stays = held & ~cadres["leaving"].to_numpy(bool)[np.maximum(p_incumbent, 0)]
    tenure = years_since(cadres[list(_TENURES)], ref).T.copy()  # a row per date column
    edu, education = pd.factorize(cadres["education"].to_numpy(dtype=object))
    grades, assessments = list_codes(data, "cadres", "assessments")
    return Facts(
        ref=ref,
        c_age=whole_years(cadres["birth_date"], ref),
        c_years_rank=tenure[0],
        c_years_post=tenure[1],
        c_years_team=tenure[2],
        c_years_portfolio=tenure[3],
        c_edu=np.array([EDUCATION_LEVEL[e] for e in education], dtype=np.int64)[edu],
        c_grades=_grade_table(assessments)[grades],
        c_own_post=own,
        p_team=post_team(data),
        p_incumbent=p_incumbent,
        p_channel=channel,
        p_open=channel & ~stays,
    )
