"""Turns chosen pairs into the planner's tables: roster, moves and team structure.

`roster.csv` is the contract's roster (post_id, team_id, cadre_id, change) with
display columns; `moves.csv` lists every cadre whose post changes and why;
`teams.csv` gives each team's structure before and after; `rules.csv`'s `where`
("P06:1; T01:2", ids: scripts read it) gets a display column `where_names` with
names beside the ids (`places_named`, issue 15). Target and hard-rule
figures (`rules.csv`) come from the independent checker, so the planner reads
numbers that were not produced by the model that proposed the roster.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from placement.data.dataset import DataSet
from placement.data.names import Names
from placement.data.scenario import Scenario
from placement.eligibility.facts import Facts
from placement.eligibility.pairs import Pairs, reasons, structural_pairs
from placement.meaning import team_rules as meaning

# teams.csv column -> the rule whose reading of a member it counts (`meaning.READINGS`)
COUNTED = {r.column: r.rule for r in meaning.READINGS}


def roster_table(data: DataSet, facts: Facts, pairs: Pairs, chosen: np.ndarray) -> pd.DataFrame:
    posts, cadres, teams = data.posts, data.cadres, data.teams
    post = pairs.post[chosen]
    cadre = pairs.cadre[chosen]
    order = np.argsort(post, kind="stable")
    post, cadre, fit = post[order], cadre[order], pairs.fit[chosen][order]
    own = pairs.own[chosen][order]
    sitting = facts.c_own_post[cadre] >= 0
    change = np.where(own, "stay", np.where(sitting, "moved_in", "new"))
    inc = posts["incumbent_id"].to_numpy(dtype=object)[post]
    team_name = teams.set_index("team_id")["name"]
    return pd.DataFrame(
        {
            "post_id": posts["post_id"].to_numpy()[post],
            "team_id": posts["team_id"].to_numpy()[post],
            "cadre_id": cadres["cadre_id"].to_numpy()[cadre],
            "change": change,
            "team_name": team_name.loc[posts["team_id"].to_numpy()[post]].to_numpy(),
            "title": posts["title"].to_numpy()[post],
            "post_rank": posts["rank"].to_numpy()[post],
            "cadre_name": cadres["name"].to_numpy()[cadre],
            "cadre_rank": cadres["rank"].to_numpy()[cadre],
            "previous_holder_id": inc,
            "fit": fit,
        }
    )


def moves_table(data: DataSet, facts: Facts, pairs: Pairs, chosen: np.ndarray) -> pd.DataFrame:
    """Every cadre whose post changes: sitting cadres who move, are released or leave,
    and newcomers; with the rules that gave a sitting cadre a cause to move, where any
    did (hard, or target ones the own pair breaks)."""
    posts, cadres = data.posts, data.cadres
    new_post = np.full(len(cadres), -1, dtype=np.int64)
    new_post[pairs.cadre[chosen]] = pairs.post[chosen]
    old_post = facts.c_own_post
    changed = np.flatnonzero(old_post != new_post)
    removed = pairs.removed[pairs.removed["own"].to_numpy(bool)]  # a sitting cadre's own
    forced = {int(c): reasons(b) for c, b in zip(removed["cadre"], removed["bits"],
                                                 strict=True)}
    # A target pair rule the own pair breaks is a cause too ("Leaving the roster",
    # docs/rules.md): the cadre it bars may stay at its weight, or move on that cause.
    own = np.flatnonzero(pairs.own)
    for rule, mask in pairs.breaks.items():
        for c in pairs.cadre[own[mask[own]]].tolist():
            forced[c] = (*forced.get(c, ()), rule)
    rows = []
    leaving = cadres["leaving"].to_numpy(bool)
    rank, c_rank = posts["rank_level"].to_numpy(), cadres["rank_level"].to_numpy()
    post_id, team_id = posts["post_id"].to_numpy(), posts["team_id"].to_numpy()
    cadre_id, cadre_name = cadres["cadre_id"].to_numpy(), cadres["name"].to_numpy()
    for c in changed.tolist():
        o, n = int(old_post[c]), int(new_post[c])
        if o >= 0 and n >= 0:
            kind = (
                "promotion"
                if rank[n] > rank[o]
                else "lateral"
                if rank[n] == rank[o]
                else "demotion"
            )
        elif o >= 0:
            kind = "leaving" if leaving[c] else "released"
        else:
            kind = "promotion" if rank[n] > c_rank[c] else "appointment"
        reason = "leaving" if leaving[c] and o >= 0 else ";".join(forced.get(c, ()))
        rows.append(
            {
                "cadre_id": cadre_id[c],
                "cadre_name": cadre_name[c],
                "from_post": post_id[o] if o >= 0 else "",
                "from_team": team_id[o] if o >= 0 else "",
                "to_post": post_id[n] if n >= 0 else "",
                "to_team": team_id[n] if n >= 0 else "",
                "kind": kind,
                "required_by": reason,
            }
        )
    cols = [
        "cadre_id",
        "cadre_name",
        "from_post",
        "from_team",
        "to_post",
        "to_team",
        "kind",
        "required_by",
    ]
    return pd.DataFrame(rows, columns=cols)


def structure_table(data: DataSet, facts: Facts, readings: Readings) -> pd.DataFrame:
    """Per team, before (current incumbents) and after (the roster): size, the counts of
    `COUNTED` (women, young, locals, exchanged-in, non-Party, township-head experience),
    average age, from the members' readings (`read_members`)."""
    teams = data.teams
    rows = {}
    for label, members in (("before", readings.before), ("after", readings.after)):
        frame = pd.DataFrame(
            {"team": members.team, "size": 1, "age": facts.c_age[members.cadre].astype(float)}
            | {col: members.counts[rule] for col, rule in COUNTED.items()}
        )
        agg = frame.groupby("team").agg(
            size=("size", "sum"),
            **{col: (col, "sum") for col in COUNTED},
            avg_age=("age", "mean"),
        )
        agg = agg.reindex(range(len(teams))).fillna({"avg_age": np.nan}).fillna(0)
        agg["avg_age"] = agg["avg_age"].round(1)
        rows[label] = agg
    out = pd.DataFrame(
        {
            "team_id": teams["team_id"],
            "team_name": teams["name"],
            "kind": teams["kind"],
            "region": teams["region"],
            "posts": np.bincount(facts.p_team, minlength=len(teams)),
        }
    )
    for col in ("size", *COUNTED, "avg_age"):
        for label in ("before", "after"):
            values = rows[label][col].to_numpy()
            out[f"{col}_{label}"] = values if col == "avg_age" else values.astype(int)
    return out


@dataclass(frozen=True)
class Members:
    """Members, or would-be members, of teams: the cadre row, post row and team row of
    each, and per rule (`COUNTED`'s, `TEAM_MINIMUMS`) whether the member counts."""

    cadre: np.ndarray
    post: np.ndarray
    team: np.ndarray
    counts: dict[str, np.ndarray]


@dataclass(frozen=True)
class Readings:
    """The team readings of a result, read once (`read_members`) and carried to the
    structure table, the reasons and the shortfall causes, which would otherwise each
    read the same members again: `before` the current incumbents (by post), `after` the
    roster's lines (in its order), `pool` every structural pair (`structural_pairs`: who
    could take which post at all), for the shortfall causes' pools; `place`, per team
    minimum, the place (team, or county) of each team row whose figure it counts
    towards ("" out of scope); `share`, per rule with a share-of-places tier, its
    places' names, each team row's place (-1 out of scope) and the members each place
    must have."""

    before: Members
    after: Members
    pool: Members
    place: dict[str, np.ndarray]
    share: dict[str, tuple[np.ndarray, np.ndarray, int]]

    def lines(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per team minimum: whether each roster line's holder counts, and its place."""
        return {rule: (self.after.counts[rule], where[self.after.team])
                for rule, where in self.place.items()}


def read_members(data: DataSet, sc: Scenario, facts: Facts, roster: pd.DataFrame) -> Readings:
    """The readings of the current incumbents, of `roster`'s lines and of the structural
    pairs (`Readings`)."""
    held = np.flatnonzero(facts.p_incumbent >= 0)
    inc = facts.p_incumbent[held]
    cadre = pd.Index(data.cadres["cadre_id"]).get_indexer(roster["cadre_id"])
    post = pd.Index(data.posts["post_id"]).get_indexer(roster["post_id"])
    universe = structural_pairs(data, sc, facts)
    sides = {"before": (inc, held, facts.c_own_post[inc] == held),
             "after": (cadre, post, (roster["change"] == "stay").to_numpy()),
             "pool": (universe["cadre"].to_numpy(), universe["post"].to_numpy(),
                      universe["own"].to_numpy(bool))}
    rules = dict.fromkeys([*meaning.TEAM_MINIMUMS, *COUNTED.values()])
    members = {side: Members(c, p, facts.p_team[p], {
        rule: meaning.counts(rule, data, sc, facts, c, facts.p_team[p], stay) for rule in rules})
        for side, (c, p, stay) in sides.items()}
    place = {rule: meaning.places(rule, data, sc, facts).team_place()
             for rule in meaning.TEAM_MINIMUMS}
    share = {rule: (*meaning.share_places(data, sc), meaning.most_minimum(rule, sc))
             for rule in meaning.TEAM_MINIMUMS if meaning.has_share_tier(rule)}
    return Readings(members["before"], members["after"], members["pool"], place, share)


def places_named(where: str, names: Names, lang: str = "zh") -> str:
    """rules.csv's "P06:1; T01:2" with names beside the ids, shortfalls as written:
    "P06（洪洞县人民政府常务副县长）:1; T01（洪洞县委）:2"
    (en: "P06 (洪洞县人民政府 常务副县长):1")."""
    out = []
    for part in filter(None, str(where).split("; ")):
        place, colon, short = part.rpartition(":")
        out.append(f"{names.beside(place, lang)}:{short}" if colon else names.beside(part, lang))
    return "; ".join(out)


def rules_display(rules: pd.DataFrame, data: DataSet) -> pd.DataFrame:
    """rules.csv with `where_names` after `where`: one name look-up per rule short (a
    few dozen rows), ids kept in `where` for scripts and outside tests."""
    names = Names(data)
    return rules.assign(where_names=rules["where"].map(lambda w: places_named(w, names)))
