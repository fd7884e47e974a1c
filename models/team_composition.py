"""Team composition rules R-TC1–R-TC10, counted on the team after placement.

Each rule is one function. What it counts (the teams in scope, the pairs whose
member counts, the number required) is declared once in
`placement.meaning.team_rules`; here it becomes constraints through
`Placement.at_least`, which makes a hard constraint or a penalised, named
shortfall depending on the rule's mode. Semantics: docs/rules.md.
"""

from __future__ import annotations

import numpy as np

from models.variables import Placement, Row
from placement.meaning import team_rules as meaning


def _counts(pl: Placement, rule: str) -> np.ndarray:
    """Bool per eligible pair: the member it places counts for the rule."""
    return meaning.counts(rule, pl.data, pl.scenario, pl.facts, pl.pairs.cadre, pl.pair_team,
                          pl.pairs.own, pl.pairs.fit)


def _team_minimum(pl: Placement, rule: str) -> dict[str, tuple[int, object]]:
    """For each place of the rule (a team in scope, or a county): members whose pair
    counts ≥ the place's requirement. Returns, per place written, its requirement and
    its shortfall variable (None when hard). Rows over the groups' columns, all the
    places in one `add_counted` (1.2k places at province size: 0.11 s as expressions,
    0.08 s as `Row`s one by one; issue 16, 29)."""
    at = meaning.places(rule, pl.data, pl.scenario, pl.facts)
    mode = meaning.team_mode(rule, pl.scenario)
    places = np.flatnonzero(at.required > 0) if mode != "off" else np.array([], dtype=int)
    key = at.of_team[pl.pair_team]
    cols, starts = pl.place_columns(*pl.group_bounds(key, _counts(pl, rule) & (key >= 0)),
                                    places)
    names = [at.names[k] for k in places.tolist()]
    required = at.required[places].astype(np.int64)
    shorts = pl.add_counted(rule, mode, names, required, cols, starts, always=True)
    return dict(zip(names, zip(required.tolist(), shorts, strict=True), strict=True))


def add_exchange_quota(pl: Placement) -> None:
    """R-TC1: at least a share of a department team exchanged in from outside the system."""
    _team_minimum(pl, "R-TC1")


def add_locals(pl: Placement) -> None:
    """R-TC2: local cadres in county party and government teams (per team or per county)."""
    _team_minimum(pl, "R-TC2")


def add_young_teams(pl: Placement) -> None:
    """R-TC3: a share of the teams in scope have a member aged `max_age` or less.

    Written as `y_t ≤ Σ young x in t` and `Σ y ≥ k` without enforcement literals,
    which keeps the LP relaxation tight (solver facts)."""
    scope = meaning.scope("R-TC3", pl.data, pl.scenario)
    if not scope.any():
        return
    teams, idx, starts = pl.group_bounds(pl.pair_team, _counts(pl, "R-TC3") & scope[pl.pair_team])
    team_ids = pl.data.teams["team_id"].to_numpy()
    cols, starts = pl.columns[idx].tolist(), starts.tolist()
    flags = ([f"young[{team_ids[t]}]" for t in teams.tolist()],
             [cols[lo:hi] for lo, hi in zip(starts[:-1], starts[1:], strict=True)])
    required = meaning.required_figure("R-TC3", pl.data, pl.scenario)
    pl.add_minima("R-TC3", pl.scenario.rules["R-TC3"].mode, ["all"], [required],
                  flags=[flags])


def add_young_appointments(pl: Placement) -> None:
    """R-TC4: new appointments of under-40 cadres in the cycle."""
    idx = np.flatnonzero(_counts(pl, "R-TC4"))
    pl.at_least("R-TC4", "all", idx, meaning.required_figure("R-TC4", pl.data, pl.scenario))


def add_women(pl: Placement) -> None:
    """R-TC5: women in county party and government teams, in two tiers: (a) at least
    `min_women_every` in each team (`every_mode`, hard by default); (b) at least
    `min_women` in more than `share_of_teams` of the places (the rule's mode; a place is a
    county, its teams together, with `per = "county"`, or a team), written like R-TC3:
    `min_women × w_k ≤ Σ women x in k` and `Σ w ≥ k`.

    Where the place is one team and tier (a) already requires a ≥ 1 women in it, the
    flag's row is tightened to
    `(min_women − a)·w_t ≤ Σ women x in t − a (+ tier (a)'s shortfall)`, valid because
    tier (a)'s row holds: the same rosters, a tighter LP. Why: with a = 1 and
    min_women = 2, `2·w ≤ n` let the LP count a team with one woman as half a team,
    and that was the whole of the LP's gap on Linfen (the LP bound 42 above the optimum,
    every pair column integral, 18 flags fractional; docs/solver.md), which kept
    why-not and alternates from proving an answer by the LP."""
    every = _team_minimum(pl, "R-TC5")
    names, of_team = meaning.share_places(pl.data, pl.scenario)
    if len(names) == 0:
        return
    key = of_team[pl.pair_team]
    women = pl.groups(key, _counts(pl, "R-TC5") & (key >= 0))
    each = meaning.most_minimum("R-TC5", pl.scenario)
    by_team = pl.scenario.rules["R-TC5"].per == "team"
    flags = []
    for k, name in enumerate(names):
        idx = women.get(k)
        if idx is None and each > 0:
            continue
        w = pl.model.new_bool_var(f"women{each}[{name}]").index
        if each > 0:
            # rows as `model.add` wrote `each·w ≤ Σ x` (the pairs, then w); 0.1 ms each
            # as expressions (issue 29)
            cols = pl.columns[idx].tolist()
            pl.add_row(Row([*cols, w], [-1] * len(cols) + [each], hi=0))
            least, short = every.get(name, (0, None)) if by_team else (0, None)
            if 0 < least < each:
                s = [] if short is None else [short.index]
                tight = Row([*cols, *s, w], [-1] * (len(cols) + len(s)) + [each - least],
                            hi=-least)
                if short is None:  # behind tier (a)'s own literal when explaining
                    pl.require("R-TC5", name, tight)
                else:
                    pl.add_row(tight)
        flags.append(w)
    required = meaning.required_figure("R-TC5", pl.data, pl.scenario)
    pl.add_minima("R-TC5", pl.scenario.rules["R-TC5"].mode, ["all"], [required], [flags])


def add_non_party(pl: Placement) -> None:
    """R-TC6: teams flagged 党外必配 have a non-Party cadre who meets the post (a newcomer
    at `min_fit` or above, `meaning.counts`), and with `keep_total` the non-Party cadres in
    post do not fall below their number before (place `total`)."""
    _team_minimum(pl, "R-TC6")
    if pl.scenario.rules["R-TC6"].keep_total:
        non_party = meaning.counts("R-TC6", pl.data, pl.scenario, pl.facts, pl.pairs.cadre,
                                   pl.pair_team, pl.pairs.own)  # every non-Party member
        pl.at_least("R-TC6", "total", np.flatnonzero(non_party),
                    meaning.non_party_before(pl.data, pl.facts))


def add_professionals(pl: Placement) -> None:
    """R-TC7: professional cadres reach a share of professional departments."""
    _team_minimum(pl, "R-TC7")


def add_township_experience(pl: Placement) -> None:
    """R-TC8: members with township head experience reach a share of county teams."""
    _team_minimum(pl, "R-TC8")


def add_young_heads(pl: Placement) -> None:
    """R-TC11: head posts of county party and government teams held by cadres around 40
    (seed 002: 40岁左右的县级党政正职3名), `min_count` across the city."""
    heads = meaning.head_posts(pl.data, pl.scenario, pl.facts)[pl.pairs.post]
    idx = np.flatnonzero(heads & _counts(pl, "R-TC11"))
    pl.at_least("R-TC11", "all", idx, meaning.required_figure("R-TC11", pl.data, pl.scenario))


def add_special_needs(pl: Placement) -> None:
    """R-TC9: a team flagged with a needed specialty gets a member who has it."""
    _team_minimum(pl, "R-TC9")


def add_age_gradient(pl: Placement) -> None:
    """R-TC10: (a) each team spans `min_bands` age bands; (b) the teams get younger.

    (a) groups the pairs by (team, band) in one argsort and writes, per team, `flag ≤ Σ x`
    per band and the team's minimum over its flags, all teams in one `add_flagged`: 0.2 s
    at province size as a loop of `np.unique` and expressions per team, 0.07 s as `Row`s
    team by team, 0.04 s as lists in one `add_minima` (issue 16, 29)."""
    scope = meaning.scope("R-TC10", pl.data, pl.scenario)
    team_ids = pl.data.teams["team_id"].to_numpy()
    band = meaning.age_band(pl.scenario, pl.facts, pl.pairs.cadre)
    sizes = meaning.sizes(pl.data, pl.facts)
    bands = meaning.required("R-TC10", pl.data, pl.scenario, sizes)
    width = int(band.max()) + 1 if len(band) else 1
    keys, idx, starts = pl.group_bounds(pl.pair_team * width + band, scope[pl.pair_team])
    team = keys // width
    firsts = np.flatnonzero(np.r_[True, team[1:] != team[:-1]]) if len(keys) else \
        np.zeros(0, dtype=np.int64)
    teams = team[firsts]
    names = [f"band[{tid},{b}]" for tid, b in zip(team_ids[team].tolist(),
                                                  (keys % width).tolist(), strict=True)]
    pl.add_flagged("R-TC10", pl.scenario.rules["R-TC10"].mode, team_ids[teams].tolist(),
                   bands[teams].astype(np.int64), names, pl.columns[idx], starts,
                   np.r_[firsts, len(keys)])
    _average_age(pl, sizes)


def _average_age(pl: Placement, sizes: np.ndarray) -> None:
    """R-TC10 (b): total member age of the teams of `avg_kinds` ≤ the goal, in
    member-years."""
    rule = pl.scenario.rules["R-TC10"]
    goal = meaning.age_goal(pl.data, pl.scenario, pl.facts)
    if goal is None:
        return
    scope = meaning.avg_scope(pl.data, pl.scenario)
    posts = int(sizes[scope].sum())
    age = pl.facts.c_age[pl.pairs.cadre]
    idx = np.flatnonzero(scope[pl.pair_team])
    if rule.mode == "hard":
        if pl.explaining or not len(idx):  # behind its literal; a sum of nothing
            pl.require("R-TC10", "avg_age", pl.sum_row(idx, age[idx], hi=goal))
        else:
            pl.add_sum(idx, age[idx], hi=goal)
        return
    worst = int(age[idx].max()) * posts if len(idx) else 0
    s = pl.model.new_int_var(0, max(worst - goal, 0), "R-TC10[avg_age]")
    pl.add_sum(idx, age[idx], hi=goal, tail=(s.index, -1))
    pl.penalise("R-TC10", "avg_age", s, weight=rule.avg_weight)


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
    "R-TC11": add_young_heads,
}
