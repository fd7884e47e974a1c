"""One step of relaxation per rule: what "this rule, a little looser" means, once.

Why one step: a committee can act on "lower the locals from 3 to 2" or "make the
women's every-team tier a target", not on a marginal rate. The price list
(`placement.explain.prices`) prices exactly these steps; the relaxed scenario is the
scenario with the step's `--set` settings, so every price can be re-solved by hand.

- a hard rule becomes a target at its weight (R-TC5: its every-team tier,
  `every_mode`, which is the hard part; the rule's `mode` is tier (b)'s);
- a target with a count (`COUNTS`) has the count lowered by one;
- a target without one (a share, a per-pair or per-cadre target) has no rule-wide
  step short of switching it off: it is priced per place only (`place_step`);
- one place of a team minimum (a team, or a county) is relaxed on its own by lowering
  what it needs by one: that is a change to the model's row of that place, not a
  setting (no `--set` names one place), and the price list says so;
- one instance of a target of one (a cadre's R-RO5 or R-RO7, a county's R-RO8) that
  the proposal leaves short is waived (`instance_step`): its count goes from 1 to 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from placement.data.rule_words import param_words
from placement.data.rules import CATALOGUE
from placement.data.scenario import Scenario
from placement.meaning import team_rules

# The count a target's one step lowers, per rule (the rules whose figure is one number).
COUNTS = {
    "R-TC2": "min_locals",
    "R-TC4": "min_count",
    "R-TC5": "min_women",
    "R-TC6": "min_non_party",
    "R-TC10": "min_bands",
    "R-TC11": "min_count",
}
# The counts that are the right-hand side of each of the rule's rows in the model (each
# place's figure, or the one figure): lowering one lowers every row by one, so the LP's
# duals of those rows estimate the step. R-TC5's `min_women` and R-TC10's `min_bands`
# act through indicator rows, where the dual says nothing of the step.
ROW_COUNTS = ("R-TC2", "R-TC4", "R-TC6", "R-TC11")
# The least each count may fall to: a team spans at least one age band.
_FLOOR = {"R-TC10": 1}


@dataclass(frozen=True)
class Step:
    """One step of relaxation of `rule`: the `--set` strings that make it, and the step
    in words (`zh`, `en`)."""

    rule: str
    settings: tuple[str, ...]
    zh: str
    en: str


def one_step(rule: str, sc: Scenario) -> Step | None:
    """The rule-wide step of `rule` in `sc`, or None when it has none (off, or a target
    without a count: see the module docstring)."""
    r = sc.rules[rule]
    if rule == "R-TC5" and r.mode != "off" and r.every_mode == "hard":
        return Step(rule, (f"rules.{rule}.every_mode=target",),
                    "每个班子至少配备女干部由硬性改为目标",
                    "the every-team women tier made a target")
    if r.mode == "hard" and "target" in _modes(r):
        return Step(rule, (f"rules.{rule}.mode=target",), "由硬性改为目标",
                    "made a target")
    if r.mode == "target" and rule in COUNTS:
        name = COUNTS[rule]
        now = int(getattr(r, name))
        if now > _FLOOR.get(rule, 0):
            # in the planner's words (the rules editor's labels), not the parameter name
            zh, en, unit_zh, unit_en = param_words(rule, name)
            return Step(rule, (f"rules.{rule}.{name}={now - 1}",),
                        f"{zh}{now}{unit_zh}→{now - 1}{unit_zh}",
                        f"{en} {now} → {now - 1} {unit_en}".rstrip())
    return None


def priced(sc: Scenario) -> tuple[str, ...]:
    """The rules the price list prices rule-wide by default: every rule that has a step,
    the team composition rules (the policies a committee weighs) first, then the pair,
    eligibility, rotation and avoidance rules in catalogue order (a hard one made a
    target: a relaxation, since a target still gives its cause to leave, docs/rules.md
    "Leaving the roster"). Per pair, why-not (placement.explain.whynot) answers."""
    rest = tuple(rule for rule in CATALOGUE if rule not in team_rules.TEAM_RULES)
    return tuple(rule for rule in (*team_rules.TEAM_RULES, *rest)
                 if one_step(rule, sc) is not None)


def leaves_eligibility(rule: str) -> bool:
    """A step of `rule` leaves the eligible pairs as they are: eligibility reads the pair
    and eligibility rules, locks, fit weights and the reference date, never a team
    composition rule (tests/test_prices.py holds it to that for every step)."""
    return rule in team_rules.TEAM_RULES


def place_rules(sc: Scenario) -> tuple[str, ...]:
    """The team minimums whose places (teams, or counties) can each be relaxed on their
    own (`team_rules.TEAM_MINIMUMS` that are not off)."""
    return tuple(rule for rule in team_rules.TEAM_MINIMUMS
                 if team_rules.team_mode(rule, sc) != "off")


def place_step(rule: str, where: str) -> tuple[str, str]:
    """The words of one place's step: what it needs, lowered by one (zh, en)."""
    return f"{where} 要求降低1名", f"{where} needs one fewer"


def instance_step(rule: str, where: str) -> tuple[str, str]:
    """The words of waiving one instance of a target of one (a cadre's rotation, a
    county's heads): its count lowered from 1 to 0 (zh, en)."""
    return f"免除 {where} 的该项要求", f"{where} waived"


def _modes(r) -> tuple:
    """The modes the rule's `mode` field allows (R-RS1 is never hard)."""
    return getattr(type(r).model_fields["mode"].annotation, "__args__", ())
