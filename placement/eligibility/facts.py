"""Per-cadre and per-post facts on the reference date, as arrays (solver side).

Computed once per scenario and shared by eligibility and the model families
(docs/rules.md, "Terms"). The checker computes its own on purpose.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from placement.data.dataset import DataSet
from placement.data.schema import ASSESSMENT_LEVEL, EDUCATION_LEVEL

DAYS_PER_YEAR = 365.25


def whole_years(born: pd.Series, ref: dt.date) -> np.ndarray:
    """Completed years between each date and `ref` (NaT gives 0)."""
    b = pd.to_datetime(born)
    before_birthday = (b.dt.month > ref.month) | ((b.dt.month == ref.month) & (b.dt.day > ref.day))
    years = ref.year - b.dt.year - before_birthday.astype(int)
    return years.fillna(0).to_numpy(dtype=np.int64)


def years_since(since: pd.Series, ref: dt.date) -> np.ndarray:
    days = (pd.Timestamp(ref) - pd.to_datetime(since)).dt.days
    return (days / DAYS_PER_YEAR).fillna(0.0).to_numpy(dtype=float)


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
    c_grades: np.ndarray  # object: tuple of grade levels, newest first
    c_own_post: np.ndarray  # row of the post held now, -1 if none
    p_team: np.ndarray  # row of the post's team
    p_incumbent: np.ndarray  # row of the incumbent cadre, -1 if vacant


def compute_facts(data: DataSet, ref: dt.date) -> Facts:
    cadres, posts = data.cadres, data.posts
    cadre_pos = pd.Index(cadres["cadre_id"])
    inc = posts["incumbent_id"].to_numpy(dtype=object)
    p_incumbent = np.where(inc != "", cadre_pos.get_indexer(inc), -1)
    own = np.full(len(cadres), -1, dtype=np.int64)
    held = p_incumbent >= 0
    own[p_incumbent[held]] = np.flatnonzero(held)
    return Facts(
        ref=ref,
        c_age=whole_years(cadres["birth_date"], ref),
        c_years_rank=years_since(cadres["rank_since"], ref),
        c_years_post=years_since(cadres["post_since"], ref),
        c_years_team=years_since(cadres["team_since"], ref),
        c_years_portfolio=years_since(cadres["portfolio_since"], ref),
        c_edu=cadres["education"].map(EDUCATION_LEVEL).to_numpy(dtype=np.int64),
        c_grades=np.array(
            [tuple(ASSESSMENT_LEVEL[g] for g in gs) for gs in cadres["assessments"]] + [()],
            dtype=object,
        )[:-1],
        c_own_post=own,
        p_team=pd.Index(data.teams["team_id"]).get_indexer(posts["team_id"]),
        p_incumbent=p_incumbent,
    )
