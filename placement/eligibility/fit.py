"""Person–post fit (人岗相适): a 0–100 score per (cadre, post).

Planners' own scores (the `fit` table) win wherever they are given. Elsewhere
the score is computed from four parts, each in [0, 1], weighted by the
scenario's `[fit]` weights and scaled to 0–100 (rounded to a whole number so
that the objective is integral):

- specialty: 1 if the post's required specialty (or, when it has none, the
  team's system) is among the cadre's specialties; 0.5 if the post requires
  nothing and the cadre works in the team's system; else 0;
- experience: 0.5 for township head experience (乡镇党政正职, valued by seeds
  002 and 004) + 0.5 for working in the team's system now;
- assessment: mean of the recorded grades (优秀 1, 称职 0.7, 基本称职 0.3,
  不称职 0); 0.6 when none is recorded;
- approval: the democratic recommendation approval rate; 0.5 when absent.

The same function serves the model and the checker's objective, so both
price a roster alike; it reads only input tables.
"""

from __future__ import annotations

from itertools import chain

import numpy as np
import pandas as pd

from placement.data.dataset import DataSet, has_specialty, list_codes, post_team, same_value_in
from placement.data.scenario import FitWeights

GRADE_POINTS = {"优秀": 1.0, "称职": 0.7, "基本称职": 0.3, "不称职": 0.0}
NO_GRADE = 0.6
NO_APPROVAL = 0.5


def assessment_points(grades: np.ndarray) -> np.ndarray:
    """The mean grade points of each tuple of grades (NO_GRADE for an empty one). One
    `np.mean` over a matrix per number of grades, row by row: the same sums, in numpy's
    order, as one `np.mean` per cadre, which was slow at province size (docs/solver.md,
    "Timings behind the code"; tests/test_build_bulk.py compares). The fit asks it for
    the few distinct tuples of a data set (`list_codes`)."""
    count = np.fromiter(map(len, grades), np.int64, len(grades))
    flat = np.fromiter(chain.from_iterable(grades), object, int(count.sum()))
    points = np.array(list(GRADE_POINTS.values()))[pd.Index(list(GRADE_POINTS)).get_indexer(flat)]
    first = np.cumsum(count) - count
    out = np.full(len(grades), NO_GRADE)
    for k in np.unique(count[count > 0]).tolist():
        rows = np.flatnonzero(count == k)
        out[rows] = points[first[rows, None] + np.arange(k)].mean(axis=1)
    return out


PARTS = ("specialty", "experience", "assessment", "approval")


def fit_parts(data: DataSet, cadre_idx: np.ndarray, post_idx: np.ndarray) -> dict[str, np.ndarray]:
    """The four parts of the computed fit, each in [0, 1], for pairs given as row
    positions into `data.cadres` / `data.posts` (explanations show them one by one)."""
    cadres, posts = data.cadres, data.posts
    team = post_team(data)
    post_spec = posts["specialty"].to_numpy(dtype=object)
    team_sys = data.teams["system"].to_numpy(dtype=object)[team]
    # a join of (cadre, specialty) codes, not a `w in s` per pair (slow at province
    # size); lists hold no empty item (`split_list`), so "" matches nothing
    has_spec = has_specialty(data, cadre_idx, np.where(post_spec != "", post_spec, team_sys),
                             post_idx)
    # coded among every team's system, not only those of teams with posts: the same
    # answer, a value no team has equals nothing either way
    same_system = same_value_in(data, ("cadres", "system"), ("teams", "system"), cadre_idx,
                                team[post_idx])
    no_requirement = (post_spec == "")[post_idx]
    graded, assessments = list_codes(data, "cadres", "assessments")
    approval = cadres["approval"].to_numpy(float)
    return {
        "specialty": np.where(has_spec, 1.0, np.where(no_requirement & same_system, 0.5, 0.0)),
        "experience": 0.5 * cadres["township_head"].to_numpy(bool)[cadre_idx] + 0.5 * same_system,
        "assessment": assessment_points(assessments)[graded][cadre_idx],
        "approval": np.where(np.isnan(approval), NO_APPROVAL, approval)[cadre_idx],
    }


def fit_scores(data: DataSet, weights: FitWeights, cadre_idx: np.ndarray,
               post_idx: np.ndarray) -> np.ndarray:
    """Integer fit 0–100 for pairs given as row positions into `data.cadres` / `data.posts`."""
    parts = fit_parts(data, cadre_idx, post_idx)
    w = np.array([getattr(weights, k) for k in PARTS])
    total = w.sum() or 1.0
    score = np.zeros(len(cadre_idx))  # the weighted parts summed in place, in this order
    for i, k in enumerate(PARTS):
        score += w[i] * parts[k]
    score /= total
    score *= 100
    computed = np.rint(score, out=score).astype(np.int64)
    if data.fit.empty:
        return computed
    given = given_scores(data, cadre_idx, post_idx)
    return np.where(np.isnan(given), computed, np.rint(np.nan_to_num(given))).astype(np.int64)


def given_scores(data: DataSet, cadre_idx: np.ndarray, post_idx: np.ndarray) -> np.ndarray:
    c_pos = pd.Index(data.cadres["cadre_id"]).get_indexer(data.fit["cadre_id"])
    p_pos = pd.Index(data.posts["post_id"]).get_indexer(data.fit["post_id"])
    n_posts = len(data.posts)
    table = pd.Series(data.fit["score"].to_numpy(float), index=c_pos * n_posts + p_pos)
    table = table[~table.index.duplicated(keep="last")]
    return table.reindex(cadre_idx.astype(np.int64) * n_posts + post_idx).to_numpy(float)
