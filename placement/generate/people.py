"""Cadres as a typed working frame, built column by column with numpy.

The working frame holds one row per cadre with typed values (dates as
datetime64[D], NaT where empty; booleans; approval as float, NaN where empty)
plus working columns that never reach the output:
    age     completed years on the reference date (the birth date is drawn to match)
    post    row of the post held now in the posts frame, -1 for none
    target  row of the post this cadre fills in the generator's witness roster, -1 for none
    near    row of a team the cadre could serve in (own team, or the team of the vacancy a
            candidate was made for), -1 for none
    case    the rule case planted on this cadre (`placement.generate.cases`), "" for none
`placement.generate.output.cadres_text` turns it into the contract's text forms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement.generate.common import (
    ASSESSMENT_YEAR,
    DAYS_PER_YEAR,
    MIN_AGE_AT_RANK,
    REF,
    SPECIALTIES,
    add_years,
    birth_dates,
    names,
    pick,
    years_before_ref,
    years_between,
)

NAT = np.datetime64("NaT", "D")
EDUCATION = ("postgraduate", "bachelor", "college", "other")


def people(rng: np.random.Generator, *, rank, age, region, home_region, system,
           female=None, p_female: float = 0.2, education=None,
           education_p=(0.12, 0.58, 0.29, 0.01), rank_years=(1.0, 10.0)) -> pd.DataFrame:
    """A block of cadres: the given columns plus clean defaults for everything else.

    `rank_years` bounds the years at the current rank (low, high; scalars or arrays);
    the date is never earlier than the youngest plausible age at that rank."""
    rank = np.asarray(rank, dtype=object)
    n = len(rank)
    age = np.asarray(age, dtype=np.int64)
    if female is None:
        female = rng.random(n) < p_female
    female = np.asarray(female, dtype=bool)
    birth = birth_dates(rng, age)
    if education is None:
        education = pick(rng, EDUCATION, n, p=np.asarray(education_p) / np.sum(education_p))
    earliest = rank_earliest(birth, rank)
    rank_since = np.maximum(years_before_ref(rng, rank_years[0], rank_years[1], n), earliest)
    frame = pd.DataFrame({
        "cadre_id": "", "name": names(rng, female), "gender": np.where(female, "F", "M"),
        "birth_date": birth, "age": age, "party": "cpc",
        "education": np.asarray(education, dtype=object),
        "home_region": _broadcast(home_region, n), "region": _broadcast(region, n),
        "system": _broadcast(system, n), "rank": rank, "rank_since": np.minimum(rank_since, REF),
        "post_since": NAT, "team_since": NAT, "portfolio_since": NAT, "township_head": False,
        "specialties": "", "assessments": clean_grades(rng, n), "assessment_year": ASSESSMENT_YEAR,
        "sanction_until": NAT, "file_ok": True, "matters_ok": True, "approval": np.nan,
        "candidate": False, "leaving": False, "exchanged_in": False, "township_head_now": False,
        "county_pick": False, "spouse_abroad": False, "reserve_rank": "", "nominated_for": "",
        "rating_good": np.nan, "rating_bad": np.nan, "finding": "", "evaluation_year": np.nan,
        "post": -1, "target": -1, "near": -1, "case": "",
    }, index=pd.RangeIndex(n))
    return frame


def rank_earliest(birth: np.ndarray, rank) -> np.ndarray:
    """The earliest date a cadre born on `birth` plausibly reached `rank` (a few days past
    the birthday of MIN_AGE_AT_RANK, so whole-year ages never round below it)."""
    return add_years(birth, pd.Series(np.asarray(rank, dtype=object)).map(MIN_AGE_AT_RANK)
                     .to_numpy(float) + 0.02)


def day(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A date column as datetime64[D] (NaT where empty)."""
    return frame[column].to_numpy().astype("datetime64[D]")


def _broadcast(value, n: int) -> np.ndarray:
    if isinstance(value, str):
        return np.full(n, value, dtype=object)
    return np.asarray(value, dtype=object)


def clean_grades(rng: np.random.Generator, n: int) -> np.ndarray:
    """Three annual grades, newest first, all 称职 or 优秀."""
    best = rng.random((n, 3)) < 0.25
    g = np.where(best, "优秀", "称职").astype(object)
    return g[:, 0] + ";" + g[:, 1] + ";" + g[:, 2] if n else np.array([], dtype=object)


def specialties(rng: np.random.Generator, primary, p_second: float = 0.5) -> np.ndarray:
    """`primary` (may be "") and, with probability `p_second`, one more specialty."""
    primary = np.asarray(primary, dtype=object)
    n = len(primary)
    extra = pick(rng, SPECIALTIES, n)
    add = (rng.random(n) < p_second) & (extra != primary)
    both = np.where(primary == "", extra, primary + ";" + extra)
    return np.where(add, both, primary)


def approvals(rng: np.random.Generator, n: int, low: float = 0.72, high: float = 0.98
              ) -> np.ndarray:
    """Democratic recommendation approval rates, two decimals, clear of the 2/3 veto."""
    return np.round(low + rng.random(n) * (high - low), 2)


def ratings(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Democratic-evaluation shares of sitting cadres (民主测评, R-RO9), two decimals:
    优秀+称职 between 0.78 and 0.99 and 不称职 at most 0.06 (never more than the rest),
    clear of both R-RO9 thresholds (⅔ good, ⅓ bad); `cases.rating_cases` plants the few
    below them."""
    good = np.round(0.78 + rng.random(n) * 0.21, 2)
    bad = np.round(np.minimum(rng.random(n) * 0.06, 1.0 - good), 2)
    return good, bad


def secretary_experience(rng: np.random.Generator, township_head) -> np.ndarray:
    """`secretary_exp` (R-TC8) as the contract's flag text: of the cadres who have been a
    township party or government head, about three in five were the party secretary."""
    head = np.asarray(township_head, dtype=bool)
    return np.where(head & (rng.random(len(head)) < 0.6), "true", "false").astype(object)


def tenure(rng: np.random.Generator, frame: pd.DataFrame, rows: np.ndarray,
           max_years: float = 9.5, p_same_team: float = 0.7, max_portfolio: float = 4.8,
           has_portfolio=None) -> None:
    """Post, team and portfolio start dates for sitting cadres (in place).

    Post and team tenure below `max_years` (rotation cases are set apart); the post
    starts on or after the rank was reached; team ≤ post; portfolio ≥ post and below
    `max_portfolio` years."""
    n = len(rows)
    years_rank = years_between(day(frame, "rank_since")[rows])
    # Most were appointed to this post on promotion; the others moved in later.
    promoted_here = rng.random(n) < 0.55
    cap = np.minimum(years_rank, max_years)
    post_years = np.where(promoted_here, cap, 0.2 + rng.random(n) * np.maximum(cap - 0.2, 0))
    post_since = REF - np.rint(post_years * DAYS_PER_YEAR).astype(np.int64)
    team_years = np.where(rng.random(n) < p_same_team, post_years,
                          np.minimum(post_years + rng.random(n) * 4, max_years))
    team_since = REF - np.rint(np.maximum(team_years, post_years) * DAYS_PER_YEAR).astype(np.int64)
    frame.loc[rows, "post_since"] = post_since
    frame.loc[rows, "team_since"] = team_since
    if has_portfolio is None:
        return
    has = np.asarray(has_portfolio, dtype=bool)
    late = years_before_ref(rng, 0.3, max_portfolio, n)
    frame.loc[rows, "portfolio_since"] = np.where(has, np.maximum(post_since, late), NAT)
