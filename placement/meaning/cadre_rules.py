"""Rotation rules counted per cadre, read once for the proposing side: R-RO5, R-RO6,
R-RO7, R-RO10.

docs/rules.md ("Rotation") is the source; the checker keeps its own reading
(`placement.checker.team_rules`). Each rule names the cadres it counts (`scope`) and,
over whole arrays of pairs, the posts that meet it for them (`meets`):

- R-RO5 (应当调整分工): a sitting member `years` or more in charge of the same
  portfolio, in a team of `kinds`, who may stay, is met by another post of the same
  team; left on the own post, moved out of the team or released, one unit short.
- R-RO6 (均留在本县政府班子任职): a nominee who is a sitting township head elected
  this cycle (`township_head_now`) is met by a post of their own county's government
  team (`county_gov`, region = the cadre's region).
- R-RO7 (尽可能在全市范围交流任职): a nominee who is a county pick (`county_pick`) is
  met by a post of a team in another region.
- R-RO10 (term stability, 既保持干部的相对稳定): in a term plan after its first year
  (the reference date past `term_start`), a sitting cadre who may stay and either holds
  a head post of a team of `kinds` or has been in the post fewer than `min_years`
  (moved within them), or took it within the term (`whole_term`), is met by the own
  post or by a promotion (a post of a higher rank); moved sideways, down or released,
  one unit short. Hard mode: the same posts. A cadre moved recently (`moved_recently`)
  who is promoted again costs `promotion_weight` (a second part, scope "promotion").

A nominee is a `candidate` who is not `leaving`: the cadres the round may place new.
Since a cadre in scope who holds no meeting post is short wherever they end up,
not placing them, or taking them out of the team, never gains anything. In hard
mode a cadre in scope must hold a post that `keeps` the rule: for R-RO6 and R-RO7 a
post that meets it; for R-RO5 any post of the cadre's team, the own one included
(the planner then re-divides the portfolios in the team, which the seed's 调整分工
asks; docs/rules.md says why).

`facts` is `placement.eligibility.facts.Facts` (later in the pipeline, not imported):
the arrays `c_own_post`, `c_years_portfolio` and `p_team` are read.
"""

from __future__ import annotations

import numpy as np

from placement.data.dataset import DataSet, same_value_in
from placement.data.scenario import Scenario

CADRE_RULES = ("R-RO5", "R-RO6", "R-RO7", "R-RO10")
# R-RO5 is met inside the team: its shortfall is the planner's action, re-dividing the
# team's portfolios (调整分工), and staying on the portfolio falls due in a plan's year.
PORTFOLIO = "R-RO5"


def nominees(data: DataSet) -> np.ndarray:
    """Bool per cadre: a `candidate` who is not `leaving` (R-RO6, R-RO7)."""
    cadres = data.cadres
    return cadres["candidate"].to_numpy(bool) & ~cadres["leaving"].to_numpy(bool)


def _own_team(data: DataSet, facts) -> np.ndarray:
    """Row of the team of each cadre's own post, -1 for a cadre who holds none."""
    own = facts.c_own_post
    return np.where(own >= 0, facts.p_team[np.maximum(own, 0)], -1)


def scope(rule: str, data: DataSet, sc: Scenario, facts, may_stay: np.ndarray) -> np.ndarray:
    """Bool per cadre: the rule counts this cadre. `may_stay`: bool per cadre, held to
    stay (`eligibility.pairs.held_to_stay`: the own pair exists and no pair rule, hard
    or target, breaks it); R-RO5 and R-RO10 read it, since a cadre a rule moves anyway
    is that rule's case, not a portfolio's nor a forced move against stability."""
    cadres = data.cadres
    if rule == "R-RO10":
        r = sc.rules[rule]
        if r.term_start is None or sc.reference_date <= r.term_start:
            return np.zeros(len(cadres), dtype=bool)
        own = facts.c_own_post
        team = _own_team(data, facts)
        kinds = data.teams["kind"].to_numpy(dtype=object)
        head = (own >= 0) & (data.posts["grade"].to_numpy(dtype=object)[np.maximum(own, 0)]
                             == "head")
        in_kinds = (team >= 0) & np.isin(np.where(team >= 0, kinds[team], ""), list(r.kinds))
        return may_stay & ((head & in_kinds) | moved_recently(data, sc, facts))
    if rule == "R-RO5":
        r = sc.rules[rule]
        own = facts.c_own_post
        portfolio = data.posts["portfolio"].to_numpy(dtype=object)
        kinds = data.teams["kind"].to_numpy(dtype=object)
        has = (own >= 0) & (np.where(own >= 0, portfolio[np.maximum(own, 0)], "") != "")
        team = _own_team(data, facts)
        in_kinds = (team >= 0) & np.isin(np.where(team >= 0, kinds[team], ""), list(r.kinds))
        return may_stay & has & in_kinds & (facts.c_years_portfolio >= r.years)
    if rule == "R-RO6":
        return nominees(data) & cadres["township_head_now"].to_numpy(bool)
    if rule == "R-RO7":
        return nominees(data) & cadres["county_pick"].to_numpy(bool)
    raise KeyError(rule)


def moved_recently(data: DataSet, sc: Scenario, facts) -> np.ndarray:
    """Bool per cadre, R-RO10: a sitting cadre who took the own post fewer than
    `min_years` full years ago, or on or after `term_start` (`whole_term`). In R-RO10's
    scope when allowed to stay; promoting one again costs `promotion_weight`
    (`promotes`), since a successor not moved yet keeps more of the term stable. Read
    within R-RO10's scope only (which is empty before the term's second year)."""
    r = sc.rules["R-RO10"]
    if r.term_start is None:
        return np.zeros(len(data.cadres), dtype=bool)
    dated = data.cadres["post_since"].notna().to_numpy()
    since = data.cadres["post_since"].to_numpy()
    in_term = r.whole_term & dated & (since >= np.datetime64(r.term_start))
    return (facts.c_own_post >= 0) & dated & ((facts.c_years_post < r.min_years) | in_term)


def promotes(data: DataSet, cadre: np.ndarray, post: np.ndarray, own: np.ndarray) -> np.ndarray:
    """Bool per pair: the post is of a higher rank than the cadre's (a promotion)."""
    return ~own & (data.posts["rank_level"].to_numpy()[post]
                   > data.cadres["rank_level"].to_numpy()[cadre])


def meets(rule: str, data: DataSet, facts, cadre: np.ndarray, post: np.ndarray,
          own: np.ndarray) -> np.ndarray:
    """Bool per pair (`cadre`, `post`, `own`: aligned arrays): holding the post meets
    the rule for the cadre (whether the cadre is in scope is `scope`'s answer)."""
    teams = data.teams
    team = facts.p_team[post]
    if rule == "R-RO5":
        return ~own & (team == _own_team(data, facts)[cadre])
    if rule == "R-RO10":
        return own | promotes(data, cadre, post, own)
    home = same_value_in(data, ("cadres", "region"), ("teams", "region"), cadre, team)  # codes
    if rule == "R-RO6":
        return (teams["kind"].to_numpy(dtype=object) == "county_gov")[team] & home
    if rule == "R-RO7":
        return ~home
    raise KeyError(rule)


def keeps(rule: str, data: DataSet, facts, cadre: np.ndarray, post: np.ndarray,
          own: np.ndarray) -> np.ndarray:
    """Bool per pair: in hard mode the pair keeps the rule for a cadre in scope. R-RO5:
    any post of the cadre's team (never moved out or released); R-RO6, R-RO7: `meets`."""
    if rule == "R-RO5":
        return facts.p_team[post] == _own_team(data, facts)[cadre]
    return meets(rule, data, facts, cadre, post, own)
