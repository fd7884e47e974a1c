"""What a change of scenario touches, stage by stage: the proposal's eligibility (facts
and eligible pairs) and its model.

Why: a warm what-if (`placement.pipeline.warm.Session.what_if`) answers from the kept
proposal whatever the change leaves as it was, and which settings each stage reads is
rule-shaped knowledge, whose home is this folder. Read off the two scenarios, not the
`--set` strings, so that any way of making the change (a setting, an edited scenario,
the workbench's rule editor) is judged alike.
"""

from __future__ import annotations

from placement.data.scenario import Scenario
from placement.meaning.relaxations import leaves_eligibility

# How a change touches eligibility (`eligibility`).
SAME = "same"  # the facts and eligible pairs as they were
LOCKS = "locks"  # the same facts; the pairs only with forbid or must locks added
ANEW = "anew"  # computed again

# Scenario fields eligibility never reads: the objective's weights and form, the search,
# release without a cause (the model's), the name and where it came from. Eligibility
# reads the reference date, the fit weights, the pair and eligibility rules and the
# forbid and must locks (placement/eligibility/pairs.py).
_NOT_ELIGIBILITY = ("name", "source", "objective", "weights", "solver", "allow_release")
# Fields that change the objective only: the model's rows and columns are as they were
# (`models.objective.levels` reads the weights when the solve sets the objective).
_OBJECTIVE_ONLY = ("name", "source", "objective", "weights", "solver")


def _differ(old: Scenario, new: Scenario) -> set[str]:
    return {f for f in type(old).model_fields if getattr(old, f) != getattr(new, f)}


def eligibility(old: Scenario, new: Scenario) -> str:
    """How going from `old` to `new` (both with their locks validated) touches
    eligibility: `SAME` when only fields it never reads differ, team composition rules
    (`relaxations.leaves_eligibility`) or keep locks (read by the pre-checks and the
    model); `LOCKS` when, besides those, forbid or must locks were only added;
    `ANEW` for anything else (a pair or eligibility rule's setting, the fit weights,
    the reference date, a lock taken away)."""
    out = SAME
    for f in _differ(old, new) - set(_NOT_ELIGIBILITY):
        if f == "rules":
            if not all(leaves_eligibility(rid) for rid in old.rules
                       if old.rules[rid] != new.rules[rid]):
                return ANEW
        elif f == "locks":
            if not all(set(_keys(getattr(old.locks, kind))) <= set(_keys(getattr(new.locks, kind)))
                       for kind in ("must", "forbid")):
                return ANEW
            if any(_keys(getattr(old.locks, k)) != _keys(getattr(new.locks, k))
                   for k in ("must", "forbid")):
                out = LOCKS
        else:
            return ANEW
    return out


def added_locks(old: Scenario, new: Scenario, kind: str) -> list[tuple[str, str]]:
    """The (cadre, post) locks of `kind` (must, forbid) in `new` and not in `old`."""
    before = set(_keys(getattr(old.locks, kind)))
    return [k for k in _keys(getattr(new.locks, kind)) if k not in before]


def locks_only(old: Scenario, new: Scenario) -> bool:
    """`new` is `old` with forbid or must locks added and nothing else changed (keep
    locks, rules, weights, the search as they were): the model built for `old` with
    those pairs' columns held (`placement.pipeline.locked`)."""
    return (eligibility(old, new) == LOCKS and _differ(old, new) <= {"name", "source", "locks"}
            and old.locks.keep == new.locks.keep)


def objective_only(old: Scenario, new: Scenario) -> bool:
    """`new` differs from `old` in the objective's weights (and the search) only, so the
    model built for `old` is `new`'s with another objective."""
    return _differ(old, new) <= set(_OBJECTIVE_ONLY)


def team_rules_only(old: Scenario, new: Scenario) -> frozenset[str] | None:
    """The team composition rules whose settings differ, when they (and the objective's
    weights, the search) are all that differs: the model's other rows are as they were
    (`models.builder.build` gives each rule family its own rows). None otherwise."""
    differ = _differ(old, new)
    if not differ <= {*_OBJECTIVE_ONLY, "rules"}:
        return None
    rules = frozenset(rid for rid in old.rules if old.rules[rid] != new.rules[rid])
    return rules if all(leaves_eligibility(rid) for rid in rules) else None


def _keys(pairs) -> list[tuple[str, str]]:
    return [(p.cadre, p.post) for p in pairs]
