"""The objective: targets (by priority and weight) → fit → stability.

Every term is integral. Per pair the coefficient is
    fit_weight × fit − Σ weights of the target pair rules the pair breaks
    + move_weight (own pair) + release_weight (any pair of a sitting cadre)
and the constant subtracts move and release weight for every sitting cadre
who is allowed to stay, so that a roster's objective is exactly
    fit − target penalties − move_weight × moves − release_weight × releases
as docs/rules.md defines it and the checker recomputes it.

`levels()` splits the same objective into the lexicographic levels:
target priority 1, 2, …, then fit, then stability. `tie_broken()` orders the
rosters of equal objective by closeness to the starting roster
(`placement.solver.solve` puts it on the last level).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from models.variables import Placement
from placement.eligibility.pair_rules import barred_everywhere


@dataclass
class Level:
    name: str  # "targets:1", "fit", "stability"
    coefs: np.ndarray  # per pair
    shortfalls: list  # (var, weight) subtracted
    constant: int
    # The level's own value is the solved value // scale (`tie_broken`: the rest is the
    # tie-break, always below one step of the level).
    scale: int = 1

    def value(self, solved: float) -> int:
        """The level's own value from a value solved on it (the engine's objective or
        bound, integral up to noise below 0.5): the tie-break part dropped."""
        return math.floor((solved + 0.5) / self.scale)

    def terms(self, pl: Placement) -> tuple[np.ndarray, np.ndarray]:
        """The level as model variable indices and coefficients (the constant apart), as
        int64 arrays: the pairs' coefficients, minus each shortfall's weight."""
        nz = np.flatnonzero(self.coefs)
        short = np.array([(v.index, -int(w)) for v, w in self.shortfalls],
                         dtype=np.int64).reshape(-1, 2)
        return (np.concatenate([pl.columns[nz], short[:, 0]]),
                np.concatenate([self.coefs[nz].astype(np.int64), short[:, 1]]))


def _stability(pl: Placement) -> tuple[np.ndarray, int]:
    """Moves and releases of sitting cadres; with a baseline (`--from`), also every line
    that differs from it: `change × (posts − lines kept)`.

    A move is charged to a sitting cadre held to stay (`Placement.held`: no pair rule,
    hard or target, breaks the own pair); a release to every sitting cadre left without a
    post who is not `leaving` and not barred from every post for a reason of their own
    (`barred_everywhere`: retirement, 不称职, integrity): so a cadre a rule moves (R-RO1,
    R-RO2, R-EL10, R-AV2, an R-RO9 finding) is moved to another post where one suits,
    and "交流出本范围，另行安排" is never the cheap way to meet the rule. A rule made a
    target charges the same, plus its weight where the cadre stays: a relaxation."""
    w = pl.scenario.weights
    coefs = np.zeros(len(pl.pairs), dtype=np.int64)
    allowed = np.flatnonzero(pl.held)  # sitting cadres held to stay (no cause to move)
    coefs[pl.stay_pair[allowed]] += w.move
    sitting = np.flatnonzero(releasable(pl))
    coefs[np.isin(pl.pairs.cadre, sitting)] += w.release
    constant = -w.move * len(allowed) - w.release * len(sitting)
    if pl.baseline is not None and w.change:
        coefs += w.change * agreement(pl, pl.baseline).coefs
        constant -= w.change * len(pl.data.posts)
    return coefs, constant


def releasable(pl: Placement) -> np.ndarray:
    """Bool per cadre: sitting, not `leaving`, not barred from every post, not holding a
    post filled through another channel: one whose leaving the roster is a release."""
    facts, data = pl.facts, pl.data
    own = facts.c_own_post
    channel = (own >= 0) & facts.p_channel[np.maximum(own, 0)]
    return ((own >= 0) & ~data.cadres["leaving"].to_numpy(bool) & ~channel
            & ~barred_everywhere(data, pl.scenario.rules, facts))


def levels(pl: Placement) -> list[Level]:
    priorities = sorted(
        {p.priority for p in pl.pair_penalties} | {s.priority for s in pl.shortfalls}
    )
    out = []
    for prio in priorities:
        coefs = np.zeros(len(pl.pairs), dtype=np.int64)
        for pen in pl.pair_penalties:
            if pen.priority == prio:
                coefs[pen.mask] -= pen.weight
        sf = [(s.var, s.weight) for s in pl.shortfalls if s.priority == prio and s.weight]
        out.append(Level(f"targets:{prio}", coefs, sf, 0))
    out.append(Level("fit", pl.scenario.weights.fit * pl.pairs.fit.astype(np.int64), [], 0))
    coefs, const = _stability(pl)
    out.append(Level("stability", coefs, [], const))
    return out


def agreement(pl: Placement, roster) -> Level:
    """One point per line kept from an earlier roster (post_id, cadre_id columns)."""
    post = pd.Index(pl.data.posts["post_id"]).get_indexer(roster["post_id"])
    cadre = pd.Index(pl.data.cadres["cadre_id"]).get_indexer(roster["cadre_id"])
    known = (post >= 0) & (cadre >= 0)
    kept = np.unique(post[known] * len(pl.data.cadres) + cadre[known])
    key = pl.pairs.post.astype(np.int64) * len(pl.data.cadres) + pl.pairs.cadre
    return Level("agreement", np.isin(key, kept).astype(np.int64), [], 0)


def tie_broken(pl: Placement, level: Level) -> Level:
    """`level` with closeness to the starting roster (`pl.start`) below its smallest
    step: every coefficient times the scale, plus one point per line of that roster kept.

    Why: many rosters share the optimum (two deputies swapped between equal posts), and
    which one the engine meets first moves with any edit of the model: one sitting cadre
    leaving in the bundled Linfen data re-shuffled 129 of 449 lines across other
    counties. Closeness to the current holders is already in the objective (the
    stability term prices every move and release), so the ties are among the lines no
    holder sits on; the previous roster of the same scenario settles them. Exact: the
    level is integral and a roster holds one line per post, so the points of two rosters
    differ by at most the number of posts, less than the scale: closeness orders
    rosters of equal level value and never buys level value. No starting roster: the
    level as it is."""
    if pl.start is None:
        return level
    scale = len(pl.data.posts) + 1
    return replace(level, coefs=level.coefs * scale + agreement(pl, pl.start).coefs,
                   shortfalls=[(v, w * scale) for v, w in level.shortfalls],
                   constant=level.constant * scale, scale=scale)


def weighted(pl: Placement) -> Level:
    """All levels summed: the weighted objective."""
    ls = levels(pl)
    return Level(
        "weighted",
        sum(lv.coefs for lv in ls),
        [s for lv in ls for s in lv.shortfalls],
        sum(lv.constant for lv in ls),
    )


def set_objective(pl: Placement, level: Level,
                  model: cp_model.CpModel | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Maximise the level in `model`, or in `pl.model` when none is given (a model the
    caller built for this alone: `placement.solver.solve` passes its own copy). Filled
    straight into the proto: `maximize(expr)` over 10⁵ terms costs seconds in Python
    (solver facts), the proto fill milliseconds. Returns the level's `terms`."""
    proto = (pl.model if model is None else model).proto
    proto.clear_objective()
    var_index, coefs = level.terms(pl)
    # CP-SAT minimises; a scaling factor of -1 turns the stored minimisation into max.
    proto.objective.vars.extend(var_index.tolist())
    proto.objective.coeffs.extend((-coefs).tolist())
    proto.objective.offset = -float(level.constant)
    proto.objective.scaling_factor = -1.0
    return var_index, coefs


def costs(level: Level, terms: tuple[np.ndarray, np.ndarray],
          n: int) -> tuple[np.ndarray, float, float]:
    """The objective `set_objective` writes for `level` (its `terms`) into a model of `n`
    variables, as a MIP reads it from the proto (`placement.solver.highs.MipArrays`'
    cost, offset and scale): without reading the proto back (issue 29)."""
    var_index, coefs = terms
    cost = np.bincount(var_index, weights=-coefs, minlength=n).astype(float)
    return cost, -float(level.constant), -1.0


def hold(pl: Placement, level: Level, value: int, model: cp_model.CpModel) -> None:
    """Keep the level at `value` or above in `model` (a lexicographic level held at its
    optimum while the next is maximised): one linear row, filled into the proto."""
    var_index, coefs = level.terms(pl)
    row = model.proto.constraints.add().linear
    row.vars.extend(var_index.tolist())
    row.coeffs.extend(coefs.tolist())
    row.domain.extend([value - level.constant, cp_model.INT_MAX])
