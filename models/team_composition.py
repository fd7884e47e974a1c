"""Team composition rules R-TC1–R-TC10, counted on the team after placement.

Each rule is one function: it picks the teams in scope, the pairs that count
(a member who is local, a woman, …) and the number required, and hands them
to `Placement.at_least`, which makes a hard constraint or a penalised,
named shortfall depending on the rule's mode. Semantics: docs/rules.md.
"""

from __future__ import annotations

import math

import numpy as np

from models.variables import Placement
from placement.data.rules import share_fraction


def _team_col(pl: Placement, column: str) -> np.ndarray:
    return pl.data.teams[column].to_numpy()


def _pair_cadre_col(pl: Placement, column: str) -> np.ndarray:
    return pl.data.cadres[column].to_numpy()[pl.pairs.cadre]


def _in_scope(pl: Placement, rule: str) -> np.ndarray:
    """Teams (bool per team row) whose kind the rule's `kinds` names."""
    return np.isin(_team_col(pl, "kind").astype(object), list(pl.scenario.rules[rule].kinds))


def _sizes(pl: Placement) -> np.ndarray:
    return np.bincount(pl.facts.p_team, minlength=len(pl.data.teams))


def _per_team_minimum(
    pl: Placement, rule: str, teams: np.ndarray, counts: np.ndarray, required: np.ndarray
) -> None:
    """For each team in `teams`: members whose pair is in `counts` ≥ required[team]."""
    groups = pl.groups(pl.pair_team, counts)
    team_ids = _team_col(pl, "team_id")
    empty = np.array([], dtype=np.int64)
    for t in np.flatnonzero(teams):
        pl.at_least(rule, team_ids[t], groups.get(int(t), empty), int(required[t]))


def _share_required(pl: Placement, share) -> np.ndarray:
    f = share_fraction(share)
    return np.array([math.ceil(f * n) for n in _sizes(pl)], dtype=np.int64)


def _age(pl: Placement) -> np.ndarray:
    return pl.facts.c_age[pl.pairs.cadre]


def add_exchange_quota(pl: Placement) -> None:
    """R-TC1: at least a share of a department team exchanged in from outside the system."""
    rule = pl.scenario.rules["R-TC1"]
    t_system = _team_col(pl, "system").astype(object)[pl.pair_team]
    exchanged = np.where(
        pl.pairs.own,
        _pair_cadre_col(pl, "exchanged_in").astype(bool),
        _pair_cadre_col(pl, "system").astype(object) != t_system,
    )
    _per_team_minimum(
        pl, "R-TC1", _in_scope(pl, "R-TC1"), exchanged, _share_required(pl, rule.share)
    )


def add_locals(pl: Placement) -> None:
    """R-TC2: local cadres in county party and government teams (per team or per county)."""
    rule = pl.scenario.rules["R-TC2"]
    region = _team_col(pl, "region").astype(object)
    local = _pair_cadre_col(pl, "home_region").astype(object) == region[pl.pair_team]
    scope = _in_scope(pl, "R-TC2")
    if rule.per == "team":
        _per_team_minimum(pl, "R-TC2", scope, local, np.full(len(scope), rule.min_locals))
        return
    codes = {r: i for i, r in enumerate(sorted(set(region[scope])))}
    key = np.array([codes.get(r, -1) for r in region])[pl.pair_team]
    groups = pl.groups(key, local & (key >= 0))
    for name, code in codes.items():
        pl.at_least("R-TC2", name, groups.get(code, np.array([], dtype=np.int64)), rule.min_locals)


def add_young_teams(pl: Placement) -> None:
    """R-TC3: a share of the teams in scope have a member aged `max_age` or less.

    Written as `y_t ≤ Σ young x in t` and `Σ y ≥ k` without enforcement literals,
    which keeps the LP relaxation tight (solver facts)."""
    rule = pl.scenario.rules["R-TC3"]
    scope = np.flatnonzero(_in_scope(pl, "R-TC3"))
    if len(scope) == 0:
        return
    young = pl.groups(pl.pair_team, _age(pl) <= rule.max_age)
    team_ids = _team_col(pl, "team_id")
    flags = []
    for t in scope:
        idx = young.get(int(t))
        if idx is None:
            continue
        y = pl.model.new_bool_var(f"young[{team_ids[t]}]")
        pl.model.add(y <= pl.total(idx))
        flags.append(y)
    required = math.ceil(share_fraction(rule.share_of_teams) * len(scope))
    _minimum_of_vars(pl, "R-TC3", "all", flags, required)


def add_young_appointments(pl: Placement) -> None:
    """R-TC4: new appointments of under-40 cadres in the cycle."""
    rule = pl.scenario.rules["R-TC4"]
    idx = np.flatnonzero(~pl.pairs.own & (_age(pl) < rule.max_age))
    pl.at_least("R-TC4", "all", idx, rule.min_count)


def add_women(pl: Placement) -> None:
    """R-TC5: women in county party and government teams."""
    rule = pl.scenario.rules["R-TC5"]
    women = _pair_cadre_col(pl, "gender").astype(object) == "F"
    _per_team_minimum(
        pl, "R-TC5", _in_scope(pl, "R-TC5"), women, np.full(len(pl.data.teams), rule.min_women)
    )


def add_non_party(pl: Placement) -> None:
    """R-TC6: teams flagged 党外必配 have a non-Party cadre."""
    rule = pl.scenario.rules["R-TC6"]
    non_party = _pair_cadre_col(pl, "party").astype(object) != "cpc"
    _per_team_minimum(
        pl,
        "R-TC6",
        _team_col(pl, "needs_non_party").astype(bool),
        non_party,
        np.full(len(pl.data.teams), rule.min_non_party),
    )


def _has_specialty(pl: Placement, wanted_per_team: np.ndarray) -> np.ndarray:
    wanted = wanted_per_team[pl.pair_team]
    specs = _pair_cadre_col(pl, "specialties")
    return np.fromiter(
        (w != "" and w in s for w, s in zip(wanted, specs, strict=True)), bool, len(wanted)
    )


def add_professionals(pl: Placement) -> None:
    """R-TC7: professional cadres reach a share of professional departments."""
    rule = pl.scenario.rules["R-TC7"]
    professional = _has_specialty(pl, _team_col(pl, "system").astype(object))
    _per_team_minimum(
        pl,
        "R-TC7",
        _team_col(pl, "professional").astype(bool),
        professional,
        _share_required(pl, rule.share),
    )


def add_township_experience(pl: Placement) -> None:
    """R-TC8: members with township head experience reach a share of county teams."""
    rule = pl.scenario.rules["R-TC8"]
    _per_team_minimum(
        pl,
        "R-TC8",
        _in_scope(pl, "R-TC8"),
        _pair_cadre_col(pl, "township_head").astype(bool),
        _share_required(pl, rule.share),
    )


def add_special_needs(pl: Placement) -> None:
    """R-TC9: a team flagged with a needed specialty gets a member who has it."""
    needs = _team_col(pl, "needs_specialty").astype(object)
    _per_team_minimum(
        pl, "R-TC9", needs != "", _has_specialty(pl, needs), np.ones(len(needs), dtype=np.int64)
    )


def add_age_gradient(pl: Placement) -> None:
    """R-TC10: (a) each team spans `min_bands` age bands; (b) the teams get younger."""
    rule = pl.scenario.rules["R-TC10"]
    scope = _in_scope(pl, "R-TC10")
    team_ids = _team_col(pl, "team_id")
    age = _age(pl)
    band = age // rule.band_years
    sizes = _sizes(pl)
    for t, idx in pl.groups(pl.pair_team, scope[pl.pair_team]).items():
        present = []
        for b in np.unique(band[idx]):
            flag = pl.model.new_bool_var(f"band[{team_ids[t]},{b}]")
            pl.model.add(flag <= pl.total(idx[band[idx] == b]))
            present.append(flag)
        _minimum_of_vars(pl, "R-TC10", team_ids[t], present, min(rule.min_bands, int(sizes[t])))
    _average_age(pl, scope, age)


def _average_age(pl: Placement, scope: np.ndarray, age: np.ndarray) -> None:
    rule = pl.scenario.rules["R-TC10"]
    posts_in_scope = scope[pl.facts.p_team]
    holders = pl.facts.p_incumbent[posts_in_scope]
    holders = holders[holders >= 0]
    if len(holders) == 0:
        return
    before = float(pl.facts.c_age[holders].mean())
    goal = math.floor((before - rule.avg_age_drop) * int(posts_in_scope.sum()) + 1e-9)
    idx = np.flatnonzero(scope[pl.pair_team])
    total = pl.total(idx, age[idx])
    if rule.mode == "hard":
        pl.require("R-TC10", "avg_age", total <= goal)
        return
    worst = int(age[idx].max()) * int(posts_in_scope.sum()) if len(idx) else 0
    s = pl.model.new_int_var(0, max(worst - goal, 0), "R-TC10[avg_age]")
    pl.model.add(total - s <= goal)
    pl.penalise("R-TC10", "avg_age", s, weight=rule.avg_weight)


def _minimum_of_vars(pl: Placement, rule_id: str, where: str, flags: list, required: int) -> None:
    rule = pl.scenario.rules[rule_id]
    if required <= 0:
        return
    expr = sum(flags) if flags else 0
    if rule.mode == "hard":
        pl.require(rule_id, where, expr >= required if flags else False)
    else:
        s = pl.model.new_int_var(0, required, f"{rule_id}[{where}]")
        pl.model.add(expr + s >= required)
        pl.penalise(rule_id, where, s)


FAMILY = {
    "R-TC1": add_exchange_quota,
    "R-TC2": add_locals,
    "R-TC3": add_young_teams,
    "R-TC4": add_young_appointments,
    "R-TC5": add_women,
    "R-TC6": add_non_party,
    "R-TC7": add_professionals,
    "R-TC8": add_township_experience,
    "R-TC9": add_special_needs,
    "R-TC10": add_age_gradient,
}
