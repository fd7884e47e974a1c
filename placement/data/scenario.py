"""The scenario's shape: what a TOML scenario file may say, validated by pydantic.

Loading, `extends` merging and `--set` overrides live in `placement.data.scenario_io`;
this module only declares the fields and their defaults so that the model and
the checker read one typed object.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails

from placement.data.rules import CATALOGUE, Rule, default_rules


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Weights(Strict):
    """Objective weights. Targets use each rule's own `weight`."""
    fit: int = Field(1, ge=0, description="per fit point (0-100) of each roster line")
    move: int = Field(20, ge=0, description="per sitting cadre who moves though allowed to stay")
    release: int = Field(200, ge=0, description="extra per sitting cadre left without a post")
    change: int = Field(50, ge=0, description="per roster line that differs from the --from "
                                              "roster (minimal-change re-solve)")


class FitWeights(Strict):
    """Weights of the computed fit score (used where the `fit` table has no score)."""
    specialty: float = Field(0.35, ge=0)
    experience: float = Field(0.25, ge=0)
    assessment: float = Field(0.20, ge=0)
    approval: float = Field(0.20, ge=0)


class Pair(Strict):
    cadre: str
    post: str


class Locks(Strict):
    must: list[Pair] = Field(default_factory=list)
    forbid: list[Pair] = Field(default_factory=list)
    keep: list[str] = Field(default_factory=list, description="post or team ids")


class Solver(Strict):
    # Defaults measured on the 2-core machine: see docs/solver.md.
    engine: Literal["highs", "cpsat"] = Field(
        "highs", description="who searches the model: HiGHS (MIP) or CP-SAT")
    time_limit: float = Field(60.0, gt=0, description="seconds, per solve")
    workers: int = Field(8, ge=1, le=64)
    seed: int = Field(0, ge=0)
    relative_gap: float = Field(0.0, ge=0, le=1)
    log: bool = False


class Scenario(Strict):
    name: str = ""
    data: Path
    reference_date: dt.date
    objective: Literal["weighted", "lexicographic"] = "weighted"
    weights: Weights = Field(default_factory=Weights)
    fit: FitWeights = Field(default_factory=FitWeights)
    rules: dict[str, Rule] = Field(default_factory=default_rules)
    # "Leaving the roster" (docs/rules.md): a sitting cadre allowed to stay leaves only for
    # a cause; `true` lets the proposal release one without a cause, at `weights.release`.
    allow_release: bool = False
    locks: Locks = Field(default_factory=Locks)
    solver: Solver = Field(default_factory=Solver)
    # Where the scenario came from (set by the loader, not by the file).
    source: Path | None = None

    @model_validator(mode="wrap")
    @classmethod
    def _typed_rules(cls, values, handler):
        """Each rule's table is parsed by its own model, starting from the catalogue
        default, so a scenario names only what it changes.

        Errors inside a rule keep their full location (`rules`, rule id, parameter)
        and are reported together with every other error of the scenario."""
        if not isinstance(values, dict):
            return handler(values)
        errors: list[InitErrorDetails] = []
        given = values.get("rules")
        if given is None:
            given = {}
        if not isinstance(given, dict):
            errors.append({"type": "dict_type", "loc": ("rules",), "input": given})
            given = {}
        rules: dict[str, Rule] = {}
        for rid in given:
            if rid not in CATALOGUE:
                errors.append({"type": "extra_forbidden", "loc": ("rules", rid),
                               "input": given[rid]})
        for rid, rule_cls in CATALOGUE.items():
            raw = given.get(rid)
            if raw is None:
                rules[rid] = rule_cls()
            elif isinstance(raw, rule_cls):
                rules[rid] = raw
            else:
                try:
                    rules[rid] = rule_cls.model_validate(_with_table_defaults(rule_cls, raw))
                except ValidationError as err:
                    errors.extend(_relocated(err, ("rules", rid)))
                    rules[rid] = rule_cls()
        values = dict(values)
        values["rules"] = rules
        try:
            model = handler(values)
        except ValidationError as err:
            errors.extend(_relocated(err, ()))
            model = None
        if errors:
            order = {name: i for i, name in enumerate(cls.model_fields)}
            errors.sort(key=lambda e: order.get(e["loc"][0] if e["loc"] else "", len(order)))
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return model

    @field_validator("rules", mode="before")
    @classmethod
    def _complete_rules(cls, given):
        """On assignment (`sc.rules = {...}`): the same reading, errors as one message."""
        if not isinstance(given, dict) or (len(given) == len(CATALOGUE) and all(
                isinstance(given.get(rid), rule_cls) for rid, rule_cls in CATALOGUE.items())):
            return given
        unknown = [k for k in given if k not in CATALOGUE]
        if unknown:
            raise ValueError(f"unknown rule id(s) {unknown}")
        out = {}
        for rid, rule_cls in CATALOGUE.items():
            raw = given.get(rid)
            out[rid] = (rule_cls() if raw is None else raw if isinstance(raw, rule_cls)
                        else rule_cls.model_validate(_with_table_defaults(rule_cls, raw)))
        return out

    def rule(self, rule_id: str) -> Rule:
        return self.rules[rule_id]

    def active(self, rule_id: str) -> bool:
        return self.rules[rule_id].mode != "off"


def _relocated(err: ValidationError, prefix: tuple) -> list[InitErrorDetails]:
    """`err`'s errors as raw details, their locations under `prefix`."""
    out: list[InitErrorDetails] = []
    for e in err.errors():
        detail: InitErrorDetails = {"type": e["type"], "loc": prefix + tuple(e["loc"]),
                                    "input": e.get("input")}
        if "ctx" in e:
            detail["ctx"] = e["ctx"]
        out.append(detail)
    return out


def _with_table_defaults(rule_cls: type[Rule], raw: object) -> object:
    """A table-valued parameter (R-EL7 `promotion_max_age`) merges key by key with its
    default, as tables do across `extends`: naming one rank keeps the others."""
    if not isinstance(raw, dict):
        return raw
    out = dict(raw)
    for name, field in rule_cls.model_fields.items():
        given = out.get(name)
        if isinstance(given, dict) and field.default_factory is not None:
            default = field.default_factory()
            if isinstance(default, dict):
                out[name] = {**default, **given}
    return out
