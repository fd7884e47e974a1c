"""A proposal's structure beside the figures published for the Linfen 2016 cycle.

Seed 002 reports the county-level teams of Linfen after the election: 445
members, 62 women (13.93%), 52 non-Party cadres, 169 with township head
experience (37.8%), 59 young cadres of 42 or less, at least 3 locals in every
county party and government team, the party and government teams 2.9 years
younger on average, 162 promotions (133 from the counties, 49 township heads)
and 99.1% with a college degree or above. The table recomputes each figure
from the data set and a roster (before = current incumbents, proposal = the
roster), so a planner sees how far the synthetic city and the proposal are
from the real one.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from placement.data.dataset import DataSet
from placement.data.schema import COUNTY_KINDS
from placement.data.words import value

PUBLISHED = {  # seed 002 (临汾, 2016)
    "members": 445, "women": 62, "women_share": 0.1393, "non_party": 52,
    "township_head": 169, "township_head_share": 0.378, "young_42": 59,
    "min_locals_party_gov": 3, "avg_age_change_party_gov": -2.9, "promoted": 162,
    "promoted_from_counties": 133, "promoted_township_heads": 49, "college_share": 0.991,
}
COLLEGE_OR_ABOVE = ("college", "bachelor", "postgraduate")


def _age(birth: pd.Series, ref: dt.date) -> np.ndarray:
    b = pd.to_datetime(birth)
    later = (b.dt.month > ref.month) | ((b.dt.month == ref.month) & (b.dt.day > ref.day))
    return (ref.year - b.dt.year - later.astype(int)).to_numpy()


def _figures(data: DataSet, holders: pd.DataFrame, ref: dt.date) -> dict:
    """`holders`: post_id, cadre_id of the filled posts."""
    cadres = data.cadres.set_index("cadre_id")
    posts = data.posts.set_index("post_id")
    teams = data.teams.set_index("team_id")
    h = holders.join(posts[["team_id", "rank_level"]], on="post_id")
    h = h.join(teams[["kind", "region"]], on="team_id")
    c = cadres.loc[h["cadre_id"]]
    age = _age(c["birth_date"], ref)
    n = len(h)
    party_gov = h["kind"].isin(["county_party", "county_gov"]).to_numpy()
    local = (c["home_region"].to_numpy() == h["region"].to_numpy())
    locals_per_team = pd.Series(local[party_gov]).groupby(h["team_id"].to_numpy()[party_gov]).sum()
    own = dict(zip(data.posts["incumbent_id"], data.posts["post_id"], strict=True))
    new = np.array([own.get(cid) != pid for cid, pid in zip(h["cadre_id"], h["post_id"],
                                                             strict=True)])
    promoted = new & (h["rank_level"].to_numpy() > c["rank_level"].to_numpy())
    county_regions = set(data.teams.loc[data.teams["kind"].isin(COUNTY_KINDS), "region"])
    return {
        "members": n,
        "women": int((c["gender"] == "F").sum()),
        "women_share": float((c["gender"] == "F").mean()) if n else 0.0,
        "non_party": int((c["party"] != "cpc").sum()),
        "township_head": int(c["township_head"].sum()),
        "township_head_share": float(c["township_head"].mean()) if n else 0.0,
        "young_42": int((age <= 42).sum()),
        "min_locals_party_gov": int(locals_per_team.min()) if len(locals_per_team) else 0,
        "avg_age_party_gov": float(age[party_gov].mean()) if party_gov.any() else float("nan"),
        "promoted": int(promoted.sum()),
        "promoted_from_counties": int((promoted & c["region"].isin(county_regions)
                                       .to_numpy()).sum()),
        "promoted_township_heads": int((promoted & c["township_head_now"].to_numpy()).sum()),
        "college_share": float(c["education"].isin(COLLEGE_OR_ABOVE).mean()) if n else 0.0,
    }


def calibration_table(data: DataSet, roster: pd.DataFrame, ref: dt.date) -> pd.DataFrame:
    inc = data.posts.loc[data.posts["incumbent_id"] != "", ["post_id", "incumbent_id"]]
    before = _figures(data, inc.rename(columns={"incumbent_id": "cadre_id"}), ref)
    after = _figures(data, roster[["post_id", "cadre_id"]].astype(str), ref)
    rows = []
    for key, published in PUBLISHED.items():
        if key == "avg_age_change_party_gov":
            change = after["avg_age_party_gov"] - before["avg_age_party_gov"]
            rows.append((key, published, None, round(change, 2)))
            continue
        b = before[key] if key not in ("promoted", "promoted_from_counties",
                                       "promoted_township_heads") else None
        rows.append((key, published, b, after[key]))
    out = pd.DataFrame(rows, columns=["figure", "published", "before", "proposal"], dtype=object)
    for col in ("before", "proposal"):
        out[col] = [round(v, 4) if isinstance(v, float) else "" if v is None else v
                    for v in out[col]]
    return out


def render(table: pd.DataFrame, lang: str) -> str:
    """`calibration_table` as `placement calibrate` prints it: headers and figure names in
    the user's language (`placement.data.words`)."""
    shown = table.assign(figure=table["figure"].map(lambda f: value(f, lang)))
    shown.columns = [value(c, lang) for c in table.columns]
    return shown.to_string(index=False)
