"""The variable container of the placement model.

One boolean `x[i]` per eligible pair i (`placement.eligibility.pairs.Pairs`): cadre
`pairs.cadre[i]` holds post `pairs.post[i]`. Rule families add their
constraints through the helpers here, and register every penalised shortfall
under its rule and place (`R-TC5[T0301]`), so that explanations and the
lexicographic objective read the model's own names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from placement.data.dataset import DataSet
from placement.data.scenario import Scenario
from placement.eligibility.facts import Facts
from placement.eligibility.pairs import Pairs


@dataclass
class Shortfall:
    """A penalised shortfall of a target rule at one place."""

    rule: str
    where: str
    var: cp_model.IntVar
    weight: int
    priority: int


@dataclass
class PairPenalty:
    """A target pair rule: every chosen pair in `mask` costs `weight`."""

    rule: str
    mask: np.ndarray
    weight: int
    priority: int


@dataclass
class Placement:
    data: DataSet
    scenario: Scenario
    facts: Facts
    pairs: Pairs
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: list = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    pair_penalties: list[PairPenalty] = field(default_factory=list)
    # Explanation mode: every hard rule instance is enforced by a named literal, which the
    # infeasibility explanation passes to CP-SAT as an assumption (`require`).
    explaining: bool = False
    assumptions: dict = field(default_factory=dict)
    # A published roster to stay close to (`--from`): post_id, cadre_id columns.
    baseline: pd.DataFrame | None = None
    start: pd.DataFrame | None = None  # a starting roster (hint): `--from` or a what-if's

    def __post_init__(self) -> None:
        self.x = [self.model.new_bool_var("") for _ in range(len(self.pairs))]
        self.pair_team = self.facts.p_team[self.pairs.post]
        # The pair that keeps each cadre in their own post, -1 if they cannot stay.
        self.stay_pair = np.full(len(self.data.cadres), -1, dtype=np.int64)
        own = np.flatnonzero(self.pairs.own)
        self.stay_pair[self.pairs.cadre[own]] = own

    # --- grouping ------------------------------------------------------------
    def groups(self, keys: np.ndarray, mask: np.ndarray | None = None) -> dict[int, np.ndarray]:
        """Pair indices grouped by an integer key per pair (optionally only where `mask`)."""
        idx = np.arange(len(self.pairs)) if mask is None else np.flatnonzero(mask)
        if len(idx) == 0:
            return {}
        return {int(k): v.to_numpy() for k, v in pd.Series(idx).groupby(keys[idx])}

    def total(self, idx: np.ndarray, coefs: np.ndarray | None = None) -> cp_model.LinearExpr:
        vs = [self.x[i] for i in idx]
        if coefs is None:
            return cp_model.LinearExpr.sum(vs)
        return cp_model.LinearExpr.weighted_sum(vs, [int(c) for c in coefs])

    # --- rule helpers ------------------------------------------------------------
    def at_least(self, rule: str, where: str, idx: np.ndarray, required: int) -> None:
        """`Σ x[idx] ≥ required`, hard or as a penalised shortfall per the rule's mode."""
        if required <= 0:
            return
        r = self.scenario.rules[rule]
        expr = self.total(idx)
        if r.mode == "hard":
            self.require(rule, where, expr >= required)
        elif r.mode == "target":
            s = self.model.new_int_var(0, required, f"{rule}[{where}]")
            self.model.add(expr + s >= required)
            self.shortfalls.append(Shortfall(rule, where, s, r.weight, r.priority))

    def require(self, rule: str, where: str, constraint) -> None:
        """Add a hard rule's constraint; in explanation mode behind the literal `rule[where]`.

        `constraint` is a bounded linear expression or `False` (cannot hold)."""
        if not self.explaining:
            self.model.add(constraint) if constraint is not False else self.model.add_bool_or([])
            return
        key = f"{rule}[{where}]"
        lit = self.assumptions.get(key)
        if lit is None:
            lit = self.assumptions[key] = self.model.new_bool_var(key)
        if constraint is False:
            self.model.add_bool_or([lit.Not()])
        else:
            self.model.add(constraint).only_enforce_if(lit)

    def penalise(
        self, rule: str, where: str, var: cp_model.IntVar, weight: int | None = None
    ) -> None:
        r = self.scenario.rules[rule]
        self.shortfalls.append(
            Shortfall(rule, where, var, r.weight if weight is None else weight, r.priority)
        )
