"""Builds the placement model: the rule families in one ordered list.

Order matters only for readability of the model; every family adds its own
constraints and named shortfalls to the shared `Placement`. A family whose
rule is `off` is skipped here, once, rather than inside each function.
"""

from __future__ import annotations

import copy
from dataclasses import MISSING, dataclass, field, fields

import numpy as np
from ortools.sat.python import cp_model, cp_model_helper

from models import avoidance, rotation, team_composition
from models.assignment import add_assignment, add_locks, add_pair_rules
from models.rows import LINEAR
from models.variables import (
    INT64_MAX,
    INT64_MIN,
    PairVars,
    Placement,
    Shortfall,
    _booleans,
)
from placement.data.dataset import DataSet
from placement.data.scenario import Scenario
from placement.eligibility.facts import Facts
from placement.eligibility.pairs import Pairs

RULE_FAMILIES = {**team_composition.FAMILY, **rotation.FAMILY, **avoidance.FAMILY}
_NONE = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class Derivation:
    """What `switched_off`, `made_hard` or `replaced` changed of the model `of` to make
    `model` (`Placement.derived`): rows freed, columns fixed at 0, families' rows and
    columns replaced by as many others (each as `placement.solver.highs.derived` reads
    it). The solve hands it to the HiGHS side, which changes `of`'s kept arrays alike
    instead of reading `model`'s proto back (0.12 s of a province what-if, issue 29);
    `model` is named so that a copy of the placement whose model was changed again is
    not read by it."""

    of: cp_model.CpModel
    model: cp_model.CpModel
    freed: np.ndarray = field(default_factory=lambda: _NONE)
    zeroed: np.ndarray = field(default_factory=lambda: _NONE)
    rows: tuple = ()


def build(data: DataSet, scenario: Scenario, facts: Facts, pairs: Pairs,
          explaining: bool = False) -> Placement:
    """`explaining`: every hard rule instance behind a named literal (see Placement.require).
    Each family's rows and columns are recorded (`Placement.spans`), so that a model that
    differs from another in one team rule's rows can be read as that model's arrays with
    those rows replaced (`placement.solver.highs.mip_arrays`'s `splice`)."""
    pl = Placement(data, scenario, facts, pairs, explaining=explaining)
    add_assignment(pl)
    add_locks(pl)
    add_pair_rules(pl)
    model, variables = pl.model, pl.model.model_proto.variables
    for rule_id, add in RULE_FAMILIES.items():
        rows, columns = model.rows, len(variables)
        if scenario.rules[rule_id].mode != "off":
            add(pl)
        pl.spans[rule_id] = (rows, model.rows, columns, len(variables))
    return pl


def switched_off(pl: Placement, scenario: Scenario, rules: frozenset) -> Placement | None:
    """The model `build` gives for `scenario`, which switches off the team rule
    families `rules` that `pl`'s scenario has on and differs from it nowhere else the
    model reads (`placement.meaning.changes.team_rules_only`), written as `pl`'s model
    with those families' rows free (no bounds) and their columns at 0, their shortfalls
    out of the objective: the same rosters at the same cost, since a free row holds
    for any roster and the columns appear in no other family's row. None where that
    cannot be read so (a family off already, a row that is not linear or is behind a
    literal, explanation mode): then the model is built again. No other family's row
    reads the columns: `build` makes each family's columns in it and builds the others
    the same with it off (tests/test_warm.py solves each rule switched off both ways).

    Why: a warm what-if then needs no build (R-TC8 off on Linfen: the build was 0.06 s
    of a 0.20 s warm what-if, issue 29); the search drops the free rows and starts from
    the proposal's basis (`placement.solver.warm`). `pl` is left as it was."""
    if pl.explaining or not rules or any(
            pl.scenario.rules[r].mode == "off" or scenario.rules[r].mode != "off"
            for r in rules):
        return None
    spans = [pl.spans[r] for r in rules]
    rows = [k for r0, r1, _, _ in spans for k in range(r0, r1)]
    kinds, enforced = pl.model.row_kinds(rows)
    if (kinds != LINEAR).any() or enforced.any():
        return None
    out = _copy(pl, scenario, _columns(spans), set(rows))
    for k in rows:
        out.model.set_bounds(k, INT64_MIN, INT64_MAX)
    out.derived = Derivation(pl.model, out.model, freed=np.array(rows, dtype=np.int64))
    return out


def replaced(pl: Placement, scenario: Scenario, rules: frozenset) -> Placement | None:
    """The model `build` gives for `scenario`, which differs from `pl`'s in the settings
    of the team rule families `rules` only (`placement.meaning.changes.team_rules_only`),
    written as `pl`'s model with those families built again in their places: each
    family is built alone on the same pairs and its rows and columns copied over its
    old ones, its shortfalls and minimum rows in place of the old. None where a family
    does not keep its number of rows and columns (a rule switched off or on, made hard,
    a place gained or lost; `switched_off` reads the first), writes a row behind a
    literal, or in explanation mode: then the model is built whole.

    Why: a warm what-if of a team rule's figure (R-TC5 min_women=3 on Linfen) built the
    whole model, half of its time (0.06-0.14 s), to change one family's rows; the
    solve reads only those rows again (`propose`'s `like`). `pl` is left as it was."""
    if pl.explaining or not rules or pl.columns[0] != 0:
        return None
    scratch = _scratch(pl, scenario)
    made = scratch.model.proto
    spans = [pl.spans[r] for r in rules]
    out = _copy(pl, scenario, _columns(spans),
                {k for r0, r1, _, _ in spans for k in range(r0, r1)})
    out.model.write_names()  # before the family's own are copied over them
    q = out.model.model_proto  # its variables; rows go through `set_row`
    moved, changed = {}, []
    for rule in (r for r in RULE_FAMILIES if r in rules):
        r0, r1, c0, c1 = pl.spans[rule]
        rows, cols = len(made.constraints), len(made.variables)
        if scenario.rules[rule].mode != "off":
            RULE_FAMILIES[rule](scratch)
        scratch.model.flush()  # its rows are read from the proto
        if (len(made.constraints) - rows, len(made.variables) - cols) != (r1 - r0, c1 - c0):
            return None
        shift = c0 - cols
        c_lo, c_hi = [], []
        for j in range(cols, len(made.variables)):
            var = made.variables[j]
            q.variables[j + shift].copy_from(var)
            moved[j] = j + shift
            domain = list(var.domain)  # the C++ proto's [-1] reads its first item
            c_lo.append(domain[0])
            c_hi.append(domain[-1])
        lengths, items, coeffs, lo, hi = [], [], [], [], []
        for k in range(rows, len(made.constraints)):
            ct = made.constraints[k]
            if len(ct.enforcement_literal) or not ct.has_linear():
                return None
            target = cp_model_helper.ConstraintProto()
            target.copy_from(ct)
            row = [v + shift if v >= cols else v for v in ct.linear.vars]
            target.linear.vars.clear()
            target.linear.vars.extend(row)
            out.model.set_row(r0 + k - rows, target)
            lengths.append(len(row))
            items += row
            coeffs += ct.linear.coeffs
            domain = list(ct.linear.domain)
            lo.append(domain[0])
            hi.append(domain[-1])
        changed.append((r0, c0, np.array(lengths, dtype=np.int64),
                        np.array(items, dtype=np.int64), np.array(coeffs, dtype=np.int64),
                        np.array(lo, dtype=np.int64), np.array(hi, dtype=np.int64),
                        np.array(c_lo, dtype=np.int64), np.array(c_hi, dtype=np.int64)))
        out.minimum_rows.update({key: row - rows + r0
                                 for key, row in scratch.minimum_rows.items()
                                 if rows <= row < len(made.constraints)})
    out.shortfalls += [Shortfall(s.rule, s.where, cp_model.IntVar(q, moved[s.var.index]),
                                 s.weight, s.priority) for s in scratch.shortfalls]
    out.derived = Derivation(pl.model, out.model, rows=tuple(changed))
    return out


def made_hard(pl: Placement, scenario: Scenario, rules: frozenset) -> Placement | None:
    """The model `build` gives for `scenario`, which makes the target team rules `rules`
    of `pl`'s scenario hard and changes nothing else of them, written as `pl`'s model
    with those rules' shortfall columns at 0 and out of the objective. Checked, not
    assumed: each family built alone in hard mode must have the rows of `pl`'s, each
    the same row without its shortfall column; None otherwise (or in explanation mode),
    and the model is built whole.

    Why: a target row with its shortfall at 0 is the hard row, so the model keeps its
    rows and columns and a warm what-if changes bounds of the kept HiGHS instance
    (issue 29: R-TC5 made hard built the whole model, 0.06-0.1 s)."""
    if pl.explaining or not rules or pl.columns[0] != 0:
        return None
    for r in rules:
        old, new = pl.scenario.rules[r], scenario.rules[r]
        if (old.mode, new.mode) != ("target", "hard") or \
                old.model_copy(update={"mode": "hard"}) != new:
            return None
    scratch = _scratch(pl, scenario)
    pl.model.write_names()  # columns are matched by name
    made, proto = scratch.model.proto, pl.model.model_proto  # its variables
    dropped: set[int] = set()
    for rule in (r for r in RULE_FAMILIES if r in rules):
        r0, r1, c0, c1 = pl.spans[rule]
        rows, cols = len(made.constraints), len(made.variables)
        RULE_FAMILIES[rule](scratch)
        scratch.model.flush()  # its rows are read from the proto
        if len(made.constraints) - rows != r1 - r0:
            return None
        names = {proto.variables[j].name: j for j in range(c0, c1)}
        kept = {}
        for j in range(cols, len(made.variables)):
            at = names.get(made.variables[j].name)
            if at is None:
                return None
            kept[j] = at
        gone = set(range(c0, c1)) - set(kept.values())
        for k in range(r1 - r0):
            hard = made.constraints[rows + k]
            kind, enforced, variables, coeffs, domain = pl.model.read(r0 + k)
            if not hard.has_linear() or kind != LINEAR or len(hard.enforcement_literal) \
                    or enforced:
                return None
            want = [(kept.get(v, v) if v >= cols else v, c)
                    for v, c in zip(hard.linear.vars, hard.linear.coeffs, strict=True)]
            have = [(v, c) for v, c in zip(variables, coeffs, strict=True) if v not in gone]
            if want != have or list(hard.linear.domain) != domain:
                return None
        dropped |= gone
    out = _copy(pl, scenario, dropped, set())
    for j in sorted(dropped):
        domain = out.model.model_proto.variables[j].domain
        domain.clear()
        domain.extend([0, 0])
    out.derived = Derivation(pl.model, out.model, zeroed=np.array(sorted(dropped), dtype=np.int64))
    return out


def _scratch(pl: Placement, scenario: Scenario) -> Placement:
    """What `Placement(pl.data, scenario, pl.facts, pl.pairs)` makes (the pair variables
    and nothing else, for a family to be built alone), without making it: every field
    at its default, the pair variables merged from `_booleans`' kept blocks, the arrays
    `__post_init__` derives from the data, facts and pairs taken from `pl` (not sorted
    again). Why: making the province's 145k pair variables and their sort took 0.06 s
    of a 0.6 s warm what-if (issue 29). `pl`'s pair columns are its first (the callers
    check)."""
    out = copy.copy(pl)
    for f in fields(Placement):
        if f.name not in ("data", "facts", "pairs", "scenario"):
            setattr(out, f.name, f.default if f.default_factory is MISSING
                    else f.default_factory())
    out.scenario = scenario
    _booleans(out.model.proto, len(pl.pairs))
    out.x = PairVars(out.model, pl.columns)
    return out


def _columns(spans: list[tuple[int, int, int, int]]) -> set[int]:
    """The columns of the families' `spans` (`Placement.spans`' values)."""
    return {j for _, _, c0, c1 in spans for j in range(c0, c1)}


def _copy(pl: Placement, scenario: Scenario, columns: set[int], rows: set[int]) -> Placement:
    """`pl` for `scenario` with a model of its own (a clone, for the caller to change),
    without the shortfalls on `columns` and the minimum rows among `rows`; the other
    shortfalls and the pair variables are those of the new model. What
    `switched_off`, `replaced` and `made_hard` share."""
    out = copy.copy(pl)
    out.scenario = scenario
    out.model = pl.model.copy()  # its rows kept as they are kept in `pl`'s
    proto = out.model.model_proto  # `IntVar` at an index of the same model's: no bounds check
    out.shortfalls = [Shortfall(s.rule, s.where, cp_model.IntVar(proto, j), s.weight,
                                s.priority)
                      for s, j in ((s, s.var.index) for s in pl.shortfalls) if j not in columns]
    out.minimum_rows = {k: row for k, row in pl.minimum_rows.items() if row not in rows}
    out.x = PairVars(out.model, pl.columns)
    out.derived = None
    return out
