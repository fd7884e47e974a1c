"""Calibration figures of a generated data set, read back from its text tables.

`summary_figures` reports what the published figures describe (seed 002 and 003):
the sitting leaders (posts with an incumbent), their women, non-Party cadres,
township head experience, average age and age bands, education; the cycle's
vacancies (vacant posts and leaving holders) and candidates; the posts filled through
another channel (人武部) and who holds them; the organisational findings (R-RO9); the
sitting leaders aged 56–59 and how many of them leave; and the number of
possible (cadre, post) pairs after nominations and rank steps (own posts, plus
candidates' new posts at their rank or one step up, where `nominated_for` is empty
or names the post's team or region: the availability rules of docs/rules.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement.data.schema import RANK_LEVEL
from placement.generate.common import REFERENCE_DATE
from placement.meaning.posts import filled_by_default, military_system

AGE_BANDS = (("<36", 0, 35), ("36-40", 36, 40), ("41-45", 41, 45), ("46-50", 46, 50),
             ("51-55", 51, 55), ("56+", 56, 200))


def ages(birth: pd.Series) -> np.ndarray:
    """Completed years on the reference date."""
    b = pd.to_datetime(birth)
    before = (b.dt.month > REFERENCE_DATE.month) | (
        (b.dt.month == REFERENCE_DATE.month) & (b.dt.day > REFERENCE_DATE.day))
    return (REFERENCE_DATE.year - b.dt.year - before.astype(int)).to_numpy()


def _true(s: pd.Series) -> np.ndarray:
    return (s == "true").to_numpy()


def possible_pairs(tables: dict[str, pd.DataFrame]) -> int:
    teams, posts, cadres = tables["teams"], tables["posts"], tables["cadres"]
    leaving = _true(cadres["leaving"])
    inc = posts["incumbent_id"]
    held = cadres["cadre_id"].isin(inc[inc != ""]).to_numpy()
    own = int((held & ~leaving).sum())
    cand = cadres[_true(cadres["candidate"]) & ~leaving]
    p = pd.DataFrame({"post_id": posts["post_id"], "team_id": posts["team_id"],
                      "level": posts["rank"].map(RANK_LEVEL)})
    p["region"] = p["team_id"].map(teams.set_index("team_id")["region"])
    c = pd.DataFrame({"cadre_id": cand["cadre_id"], "level": cand["rank"].map(RANK_LEVEL),
                      "nominated": cand["nominated_for"].str.split(";")})
    anywhere = c[cand["nominated_for"].to_numpy() == ""]
    named = c[cand["nominated_for"].to_numpy() != ""].explode("nominated")
    parts = []
    for step in (0, 1):
        a = anywhere.assign(level=anywhere["level"] + step)
        parts.append(a[["cadre_id", "level"]].merge(p, on="level")[["cadre_id", "post_id"]])
        n = named.assign(level=named["level"] + step)
        for key in ("team_id", "region"):
            parts.append(n.merge(p, left_on=["level", "nominated"], right_on=["level", key])
                         [["cadre_id", "post_id"]])
    new = pd.concat(parts, ignore_index=True).drop_duplicates()
    own_post = pd.Series(inc.to_numpy(), index=posts["post_id"].to_numpy())
    new = new[own_post.reindex(new["post_id"]).to_numpy() != new["cadre_id"].to_numpy()]
    return own + len(new)


def summary_figures(tables: dict[str, pd.DataFrame]) -> dict:
    """The calibration figures of the sitting leaders and of the cycle (see module doc)."""
    teams, posts, cadres = tables["teams"], tables["posts"], tables["cadres"]
    inc_ids = posts["incumbent_id"][posts["incumbent_id"] != ""]
    by_id = cadres.set_index("cadre_id")
    inc = by_id.loc[inc_ids.to_numpy()]
    n = len(inc)
    age = ages(inc["birth_date"])
    leaving = _true(inc["leaving"])
    held = cadres["cadre_id"].isin(inc_ids).to_numpy()
    candidate = _true(cadres["candidate"]) & ~_true(cadres["leaving"])
    vacancies = int((posts["incumbent_id"] == "").sum() + leaving.sum())
    outside = int((candidate & ~held).sum())
    given = posts["filled_by"].to_numpy(dtype=object) if "filled_by" in posts else np.full(
        len(posts), "", dtype=object)
    channel = np.where(given == "", filled_by_default(posts["title"].to_numpy(dtype=object)),
                       given) == "military"
    holder = posts["incumbent_id"].to_numpy(dtype=object)
    system = by_id["system"].reindex(holder).fillna("").to_numpy(dtype=object)
    held_by_civilian = (holder != "") & ~military_system(system)
    return {
        "teams": len(teams),
        "teams_by_kind": {k: int(v) for k, v in teams["kind"].value_counts().sort_index().items()},
        "posts": len(posts),
        "leaders": n,
        "women": int((inc["gender"] == "F").sum()),
        "women_share": round(float((inc["gender"] == "F").mean()), 4) if n else 0.0,
        "non_party": int((inc["party"] != "cpc").sum()),
        "township_head": int(_true(inc["township_head"]).sum()),
        "township_head_share": round(float(_true(inc["township_head"]).mean()), 4) if n else 0.0,
        "average_age": round(float(age.mean()), 2) if n else 0.0,
        "age_bands": {name: int(((age >= lo) & (age <= hi)).sum()) for name, lo, hi in AGE_BANDS},
        "education": {k: int((inc["education"] == k).sum())
                      for k in ("postgraduate", "bachelor", "college", "other")},
        "vacant_posts": int((posts["incumbent_id"] == "").sum()),
        "leaving": int(leaving.sum()),
        "vacancies": vacancies,
        "candidates": outside,
        "sitting_candidates": int((candidate & held).sum()),
        "candidates_per_vacancy": round(outside / vacancies, 2) if vacancies else 0.0,
        "channel_posts": int(channel.sum()),
        "channel_civilians": int((channel & held_by_civilian).sum()),
        "findings": {k: int((inc["finding"] == k).sum()) for k in ("unfit_post", "incompetent")},
        "sitting_56_59": int(((age >= 56) & (age <= 59)).sum()),
        "sitting_56_59_leaving": int(((age >= 56) & (age <= 59) & leaving).sum()),
        "possible_pairs": possible_pairs(tables),
        "relations": len(tables.get("relations", ())),
    }


def format_figures(figures: dict) -> str:
    lines = []
    for key, value in figures.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        lines.append(f"{key:24} {value}")
    return "\n".join(lines)
