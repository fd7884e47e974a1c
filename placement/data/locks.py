"""Locks name cadres, posts and teams of the data set; an unknown id is bad input.

The scenario loader cannot see the data, so this check runs once both are
loaded, before any pair is built, and reports every unknown id at once.
"""

from __future__ import annotations

from placement.data.dataset import DataSet
from placement.data.errors import InputError, Problem
from placement.data.scenario import Scenario


def validate_locks(sc: Scenario, data: DataSet) -> None:
    cadres = set(data.cadres["cadre_id"])
    posts = set(data.posts["post_id"])
    teams = set(data.teams["team_id"])
    source = str(sc.source or "")
    problems = []
    for kind in ("must", "forbid"):
        for i, pair in enumerate(getattr(sc.locks, kind)):
            if pair.cadre not in cadres:
                problems.append(
                    Problem(
                        "unknown_ref",
                        source,
                        None,
                        f"locks.{kind}[{i}].cadre",
                        {"value": pair.cadre, "target": "cadres.cadre_id"},
                    )
                )
            if pair.post not in posts:
                problems.append(
                    Problem(
                        "unknown_ref",
                        source,
                        None,
                        f"locks.{kind}[{i}].post",
                        {"value": pair.post, "target": "posts.post_id"},
                    )
                )
    for i, ident in enumerate(sc.locks.keep):
        if ident not in posts and ident not in teams:
            problems.append(
                Problem(
                    "unknown_ref",
                    source,
                    None,
                    f"locks.keep[{i}]",
                    {"value": ident, "target": "posts.post_id / teams.team_id"},
                )
            )
    if problems:
        raise InputError(problems)
