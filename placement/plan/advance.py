"""One year on: the data set as a year's roster leaves it, on the next reference date.

What changes for the next year (docs/plan.md, "A year on"):
- every post's incumbent is its holder in the roster;
- a cadre placed in a post that was not theirs starts counting anew there: `post_since`
  is the year's reference date, `team_since` too when the team changed, and
  `portfolio_since` when the portfolio changed (empty when the post has none); a
  promotion sets `rank` and `rank_since`; the work region becomes the team's; a member
  placed from another system is `exchanged_in` (R-TC1 counts a staying one by that
  flag); the `county_pick` mark of this round is spent;
- holding a township or street head post sets `township_head_now` and
  `township_head`, and `secretary_exp` when the post is a Party post (R-RO6, R-TC8);
- a sitting cadre left without a post (released, 另行安排) and a cadre who left this
  year are `leaving` from then on; a cadre whose age on the next reference date
  reaches R-EL7's `retirement_age` retires then (`leaving`), as does one the plan's
  schedule names for that year.
An evaluation (`rating_good`, `rating_bad`, `evaluation_year`) and a `finding` act once,
in the year they were taken: the next year's state carries neither (R-RO9).
Ages, tenures, sanctions and the assessment year's distance move by themselves: they
are measured on the reference date, which moves on one year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from placement.data.dataset import DataSet
from placement.eligibility.facts import whole_years
from placement.meaning.posts import TOWNSHIP_KINDS, party_post

RETIRED, LEFT, SCHEDULED = "retired", "left", "scheduled"


@dataclass(frozen=True)
class NextYear:
    """The next year's `cadres` and `posts` (typed as in a DataSet), and why each cadre
    who leaves on the next reference date leaves (cadre id -> `RETIRED` or `SCHEDULED`;
    a cadre released this year is `leaving` from then on, counted in this year's moves)."""

    cadres: pd.DataFrame
    posts: pd.DataFrame
    departures: pd.Series


def leave_now(cadres: pd.DataFrame, ref: dt.date, retirement_age: int,
              schedule: Mapping[str, dt.date]) -> pd.Series:
    """Why each cadre not yet `leaving` leaves on `ref` ("" for those who stay): the
    retirement age reached (R-EL7's `retirement_age`) or a departure the schedule dates
    on or before `ref`."""
    due = cadres["cadre_id"].map(schedule)
    scheduled = due.notna() & (pd.to_datetime(due) <= pd.Timestamp(ref))
    retired = whole_years(cadres["birth_date"], ref) >= retirement_age
    cause = np.where(retired, RETIRED, np.where(scheduled, SCHEDULED, ""))
    return pd.Series(np.where(cadres["leaving"].to_numpy(bool), "", cause),
                     index=cadres["cadre_id"].to_numpy(), dtype=object)


def advance(data: DataSet, roster: pd.DataFrame, ref: dt.date, ref_next: dt.date,
            retirement_age: int, schedule: Mapping[str, dt.date] | None = None) -> NextYear:
    """The state after `roster` (the year's roster on `ref`), seen on `ref_next`."""
    cadres, posts = data.cadres.copy(), data.posts.copy()
    ids = cadres["cadre_id"]
    held = posts["incumbent_id"] != ""
    old = ids.map(pd.Series(posts["post_id"][held].to_numpy(),
                            index=posts["incumbent_id"][held].to_numpy())).fillna("")
    new = ids.map(pd.Series(roster["post_id"].to_numpy(),
                            index=roster["cadre_id"].to_numpy())).fillna("")
    by_post = posts.set_index("post_id")
    team = data.teams.set_index("team_id")

    def of_new(series: pd.Series, fill: object = "") -> pd.Series:
        return new.map(series).fillna(fill)

    moved = (new != "") & (new != old)
    when = pd.Timestamp(ref)
    new_team, old_team = of_new(by_post["team_id"]), old.map(by_post["team_id"]).fillna("")
    new_port, old_port = of_new(by_post["portfolio"]), old.map(by_post["portfolio"]).fillna("")
    cadres.loc[moved, "post_since"] = when
    cadres.loc[moved & (new_team != old_team), "team_since"] = when
    cadres.loc[moved & (new_port != old_port), "portfolio_since"] = when
    cadres.loc[moved & (new_port == ""), "portfolio_since"] = pd.NaT
    promoted = moved & (of_new(by_post["rank_level"], 0) > cadres["rank_level"])
    cadres.loc[promoted, "rank"] = of_new(by_post["rank"])[promoted]
    cadres.loc[promoted, "rank_level"] = of_new(by_post["rank_level"], 0)[promoted]
    cadres.loc[promoted, "rank_since"] = when
    cadres.loc[moved, "region"] = new_team.map(team["region"])[moved]
    cadres.loc[moved, "exchanged_in"] = (cadres["system"] != new_team.map(team["system"]))[moved]
    cadres.loc[moved, "county_pick"] = False

    head_of_township = (of_new(by_post["grade"]) == "head") & new_team.map(team["kind"]).isin(
        TOWNSHIP_KINDS)
    party = of_new(pd.Series(party_post(data), index=posts["post_id"].to_numpy()), False)
    sitting = (old != "") | (new != "")
    cadres.loc[sitting, "township_head_now"] = head_of_township[sitting]
    cadres.loc[head_of_township, "township_head"] = True
    cadres.loc[head_of_township & party.astype(bool), "secretary_exp"] = "true"

    # R-RO9: an evaluation and a finding act once, in the year they were taken (the year
    # just solved); the next year's state carries neither.
    cadres["finding"] = ""
    for column in ("rating_good", "rating_bad", "evaluation_year"):  # empty, typed as read
        cadres[column] = pd.Series(np.nan, index=cadres.index).astype(cadres[column].dtype)
    released = ((old != "") & (new == "")).to_numpy()
    going = leave_now(cadres, ref_next, retirement_age, schedule or {})
    cause = going.where(~released, "")
    cadres["leaving"] = cadres["leaving"].to_numpy(bool) | released | (cause != "").to_numpy()
    posts["incumbent_id"] = posts["post_id"].map(
        pd.Series(roster["cadre_id"].to_numpy(), index=roster["post_id"].to_numpy())).fillna("")
    return NextYear(cadres, posts, cause[cause != ""])
