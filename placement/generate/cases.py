"""The cases the rules exist for, a handful of each, planted in a generated data set.

- `forced_cases` (before the witness is planned, so that their posts are vacancies):
  heads 10+ years in post (R-RO1), deputies of sensitive systems 10+ years in the
  team (R-RO2), key posts held at home (R-AV2), an incumbent graded 不称职 (R-EL4).
- `rating_cases` (before the witness is planned, too): a democratic evaluation below the
  R-RO9 thresholds (优秀+称职 under ⅔; 不称职 over ⅓) on a handful of sitting deputies, and
  for a few of them the organisational finding that follows (seed 003: 不胜任现职 after
  the first, 不称职 after the second). Votes alone only mark the cadre (a talk, 诫勉谈话,
  may follow instead of a move): the witness keeps them; a finding binds: their posts
  become vacancies with a successor of their own.
- `tenure_cases` (on cadres who stay): deputies 10+ years in post (R-RO3), dispatched
  inspection leaders 5+ years (R-RO4), portfolios held 5+ years (R-RO5).
- `problem_cases` (on alternates only, never on a designated successor): low approval
  (R-EL6), sanction in force (R-EL5), file / personal-matters problems, 基本称职 and 不称职
  (R-EL3/EL4), short time at rank (R-EL2), past the age limits (R-EL7: at the retirement
  age, or past a promotion's age limit), no full-time
  degree (R-EL1), spouse abroad.
- `kin_pairs` (R-AV1): spouses, siblings … including pairs who could land in one team.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from placement.data.rules import default_rules
from placement.generate.common import REF, birth_dates, years_before_ref
from placement.generate.people import day, rank_earliest

FORCED = ("ro1", "ro2", "av2", "el4")
RATING = ("ro9_adjust", "ro9_remove", "ro9_unfit", "ro9_incompetent")
TENURE = ("ro3", "ro4", "ro5")
PROBLEMS = ("low_approval", "no_approval", "sanction", "sanction_expired", "file", "matters",
            "basic_newest", "basic_older", "incompetent", "short_rank", "old", "old_promotion",
            "other_education", "spouse_abroad")


def _choose(rng, pool: np.ndarray, k: int) -> np.ndarray:
    pool = np.flatnonzero(pool)
    return np.sort(rng.choice(pool, size=min(k, len(pool)), replace=False))


def _post_facts(cad: pd.DataFrame, posts: pd.DataFrame, teams: pd.DataFrame) -> dict:
    post = cad["post"].to_numpy()
    held = post >= 0
    p = np.where(held, post, 0)
    team = posts["team"].to_numpy()[p]
    return {
        "held": held,
        "head": held & (posts["grade"].to_numpy(dtype=object)[p] == "head"),
        "key": held & posts["key_post"].to_numpy(bool)[p],
        "portfolio": held & (posts["portfolio"].to_numpy(dtype=object)[p] != ""),
        "dispatched": held & posts["dispatched"].to_numpy(bool)[p],
        "sensitive": held & np.isin(teams["system"].to_numpy(dtype=object)[team],
                                    default_rules()["R-RO2"].systems),
        "region": teams["region"].to_numpy(dtype=object)[team],
    }


def _start(cad: pd.DataFrame, rows: np.ndarray, column: str, low: float, high: float, rng
           ) -> np.ndarray:
    """Set `column` between `low` and `high` years ago and keep the other dates in order:
    rank ≤ post, team ≤ post, portfolio ≥ post."""
    when = years_before_ref(rng, low, high, len(rows))
    cad.loc[rows, column] = when
    post = day(cad, "post_since")[rows]
    if column == "portfolio_since":
        post = np.minimum(post, when)
        cad.loc[rows, "post_since"] = post
    for col in ("team_since", "rank_since"):
        cad.loc[rows, col] = np.minimum(day(cad, col)[rows], post)
    folio = day(cad, "portfolio_since")[rows]
    cad.loc[rows, "portfolio_since"] = np.where(np.isnat(folio), folio, np.maximum(folio, post))
    return when


def forced_cases(rng: np.random.Generator, teams: pd.DataFrame, posts: pd.DataFrame,
                 cad: pd.DataFrame, counts: dict[str, int], keep: np.ndarray | None = None
                 ) -> np.ndarray:
    """Sitting cadres a hard rule moves; returns the rows touched (protected from later
    changes). Most are candidates, so they can move rather than be released. `keep`:
    rows never chosen (the holders of posts filled through another channel)."""
    f = _post_facts(cad, posts, teams)
    age = cad["age"].to_numpy()
    free = f["held"] & ~cad["leaving"].to_numpy(bool)
    if keep is not None:
        free &= ~keep
    touched = np.zeros(len(cad), dtype=bool)
    rows = _choose(rng, free & f["head"] & (age >= 48), counts.get("ro1", 0))
    _start(cad, rows, "post_since", 10.1, 13.0, rng)
    _mark(cad, rows, "ro1", touched)
    rows = _choose(rng, free & ~touched & ~f["head"] & f["sensitive"] & ~f["dispatched"]
                   & (age >= 42), counts.get("ro2", 0))
    cad.loc[rows, "team_since"] = years_before_ref(rng, 10.1, 14.0, len(rows))
    _mark(cad, rows, "ro2", touched)
    rows = _choose(rng, free & ~touched & f["key"], counts.get("av2", 0))
    cad.loc[rows, "home_region"] = f["region"][rows]
    _mark(cad, rows, "av2", touched)
    _mostly_candidates(rng, cad, np.flatnonzero(touched))
    rows = _choose(rng, free & ~touched & ~f["head"], counts.get("el4", 0))
    cad.loc[rows, "assessments"] = "不称职;称职;称职"
    _mark(cad, rows, "el4", touched)
    return touched


def rating_cases(rng: np.random.Generator, posts: pd.DataFrame, cad: pd.DataFrame,
                 protected: np.ndarray, counts: dict[str, int]) -> np.ndarray:
    """R-RO9 cases on sitting deputies of non-key posts who are not leaving and carry no
    other case: `ro9_adjust` (优秀+称职 0.50–0.64; a candidate, so may move laterally) and
    `ro9_remove` (不称职 0.36–0.50); of those, `unfit_post` of the first get the finding
    不胜任现职 (case `ro9_unfit`) and `incompetent` of the second 不称职 (`ro9_incompetent`),
    seed 003's shape: a finding only after a poor evaluation, and not after every one.
    Returns the rows touched (protected from later changes); `succession.forced_out`
    keeps those with a finding out of their posts in the witness."""
    post = cad["post"].to_numpy()
    held = post >= 0
    p = np.where(held, post, 0)
    deputy = held & (posts["grade"].to_numpy(dtype=object)[p] == "deputy")
    free = deputy & ~posts["key_post"].to_numpy(bool)[p] & ~cad["leaving"].to_numpy(bool)
    touched = np.zeros(len(cad), dtype=bool)
    rows = _choose(rng, free & ~protected, counts.get("ro9_adjust", 0))
    cad.loc[rows, "rating_good"] = np.round(0.50 + rng.random(len(rows)) * 0.14, 2)
    cad.loc[rows, "rating_bad"] = np.round(0.05 + rng.random(len(rows)) * 0.15, 2)
    cad.loc[rows, "candidate"] = True
    _mark(cad, rows, "ro9_adjust", touched)
    found = np.sort(rng.permutation(rows)[:counts.get("unfit_post", 0)])
    cad.loc[found, "finding"] = "unfit_post"
    cad.loc[found, "case"] = "ro9_unfit"
    rows = _choose(rng, free & ~protected & ~touched, counts.get("ro9_remove", 0))
    bad = np.round(0.36 + rng.random(len(rows)) * 0.14, 2)
    cad.loc[rows, "rating_bad"] = bad
    cad.loc[rows, "rating_good"] = np.round(np.minimum(0.60, 1.0 - bad), 2)
    _mark(cad, rows, "ro9_remove", touched)
    found = np.sort(rng.permutation(rows)[:counts.get("incompetent", 0)])
    cad.loc[found, "finding"] = "incompetent"
    cad.loc[found, "case"] = "ro9_incompetent"
    return touched


def _mostly_candidates(rng, cad: pd.DataFrame, rows: np.ndarray) -> None:
    """Three in four of the cadres a rotation rule moves may take another post."""
    chosen = rng.permutation(rows)[: math.ceil(0.75 * len(rows))]
    cad.loc[chosen, "candidate"] = True


def _mark(cad: pd.DataFrame, rows: np.ndarray, case: str, touched: np.ndarray) -> None:
    cad.loc[rows, "case"] = case
    touched[rows] = True


def tenure_cases(rng: np.random.Generator, teams: pd.DataFrame, posts: pd.DataFrame,
                 cad: pd.DataFrame, staying: np.ndarray, protected: np.ndarray,
                 counts: dict[str, int]) -> np.ndarray:
    """Target rotation cases on cadres who stay; returns the rows touched."""
    f = _post_facts(cad, posts, teams)
    age = cad["age"].to_numpy()
    pool = staying & ~protected & (age >= 45)
    touched = np.zeros(len(cad), dtype=bool)
    rows = _choose(rng, pool & ~f["head"] & ~f["sensitive"], counts.get("ro3", 0))
    _start(cad, rows, "post_since", 10.1, 12.5, rng)
    _mostly_candidates(rng, cad, rows)
    _mark(cad, rows, "ro3", touched)
    rows = _choose(rng, staying & ~protected & ~touched & f["dispatched"] & (age >= 35),
                   counts.get("ro4", 0))
    _start(cad, rows, "post_since", 5.1, 8.0, rng)
    cad.loc[rows, "team_since"] = day(cad, "post_since")[rows]
    _mark(cad, rows, "ro4", touched)
    rows = _choose(rng, pool & ~touched & f["portfolio"], counts.get("ro5", 0))
    _start(cad, rows, "portfolio_since", 5.1, 7.5, rng)
    _mark(cad, rows, "ro5", touched)
    return touched


def problem_cases(rng: np.random.Generator, alt: pd.DataFrame, counts: dict[str, int]) -> None:
    """Alternates who fail one eligibility rule each (distinct cadres per case)."""
    order = rng.permutation(len(alt))
    at = 0
    for case in PROBLEMS:
        k = counts.get(case, 0)
        rows = np.sort(order[at:at + k])
        at += k
        if len(rows):
            _problem(rng, alt, case, rows)
            alt.loc[rows, "case"] = case


def _problem(rng, alt: pd.DataFrame, case: str, rows: np.ndarray) -> None:
    k = len(rows)
    if case == "low_approval":
        alt.loc[rows, "approval"] = np.round(0.45 + rng.random(k) * 0.2, 2)
    elif case == "no_approval":
        alt.loc[rows, "approval"] = np.nan
    elif case == "sanction":
        alt.loc[rows, "sanction_until"] = REF + rng.integers(60, 700, k).astype("timedelta64[D]")
    elif case == "sanction_expired":
        alt.loc[rows, "sanction_until"] = REF - rng.integers(30, 400, k).astype("timedelta64[D]")
    elif case == "file":
        alt.loc[rows, "file_ok"] = False
    elif case == "matters":
        alt.loc[rows, "matters_ok"] = False
    elif case == "basic_newest":
        alt.loc[rows, "assessments"] = "基本称职;称职;称职"
    elif case == "basic_older":
        alt.loc[rows, "assessments"] = "称职;基本称职;优秀"
    elif case == "incompetent":
        alt.loc[rows, "assessments"] = "不称职;称职;称职"
    elif case == "short_rank":
        alt.loc[rows, "rank_since"] = years_before_ref(rng, 0.5, 2.8, k)
        alt.loc[rows, "post_since"] = np.maximum(day(alt, "post_since")[rows],
                                                 day(alt, "rank_since")[rows])
    elif case in ("old", "old_promotion"):
        # at the retirement age on the reference date (R-EL7: no post at all) or past the
        # promotion limits only
        age = rng.integers(60, 62, k) if case == "old" else rng.integers(51, 55, k)
        alt.loc[rows, "age"] = age
        alt.loc[rows, "birth_date"] = birth_dates(rng, age)
        earliest = rank_earliest(day(alt, "birth_date")[rows], alt["rank"].to_numpy()[rows])
        alt.loc[rows, "rank_since"] = np.maximum(day(alt, "rank_since")[rows], earliest)
    elif case == "other_education":
        alt.loc[rows, "education"] = "other"
    elif case == "spouse_abroad":
        alt.loc[rows, "spouse_abroad"] = True


KIN_NEAR = ("spouse", "sibling", "in_law", "cousin", "spouse", "sibling")
KIN_FAR = ("sibling", "spouse", "uncle_aunt", "in_law")


def kin_pairs(rng: np.random.Generator, cad: pd.DataFrame, near: np.ndarray,
              witness_team: np.ndarray, region: np.ndarray, n_near: int, n_far: int
              ) -> pd.DataFrame:
    """Kin pairs. `near[c]` is a team cadre c could serve in (own team or the team of the
    vacancy they were nominated around), `witness_team[c]` the team they serve in the
    witness roster (-1: none). Near pairs share a `near` team (R-AV1 bites there); far
    pairs work in different teams of one region. No pair serves one witness team."""
    female = cad["gender"].to_numpy(dtype=object) == "F"
    age = cad["age"].to_numpy()
    used = np.zeros(len(cad), dtype=bool)
    rows: list[tuple[int, int, str]] = []

    def partner(a: int, pool: np.ndarray, relation: str) -> int:
        ok = pool & ~used
        ok[a] = False
        if witness_team[a] >= 0:
            ok &= witness_team != witness_team[a]
        if relation == "spouse":
            ok &= (female != female[a]) & (np.abs(age - age[a]) <= 8)
        if relation in ("sibling", "cousin"):
            ok &= np.abs(age - age[a]) <= 12
        idx = np.flatnonzero(ok)
        return int(rng.choice(idx)) if len(idx) else -1

    for a in rng.permutation(np.flatnonzero(near >= 0)):
        if len(rows) >= n_near:
            break
        relation = KIN_NEAR[len(rows) % len(KIN_NEAR)]
        b = partner(int(a), near == near[a], relation)
        if b >= 0 and not used[a]:
            used[[a, b]] = True
            rows.append((int(a), b, relation))
    n_done = len(rows)
    for a in rng.permutation(np.flatnonzero(witness_team >= 0)):
        if len(rows) - n_done >= n_far:
            break
        relation = KIN_FAR[(len(rows) - n_done) % len(KIN_FAR)]
        pool = (region == region[a]) & (witness_team >= 0) & (witness_team != witness_team[a])
        b = partner(int(a), pool, relation)
        if b >= 0 and not used[a]:
            used[[a, b]] = True
            rows.append((int(a), b, relation))
    return pd.DataFrame(rows, columns=["a", "b", "relation"])

