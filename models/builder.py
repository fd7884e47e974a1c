"""Builds the placement model: the rule families in one ordered list.

Order matters only for readability of the model; every family adds its own
constraints and named shortfalls to the shared `Placement`. A family whose
rule is `off` is skipped here, once, rather than inside each function.
"""

from __future__ import annotations

from models import avoidance, rotation, team_composition
from models.assignment import add_assignment, add_locks, add_pair_rules
from models.variables import Placement
from placement.data.dataset import DataSet
from placement.data.scenario import Scenario
from placement.eligibility.facts import Facts
from placement.eligibility.pairs import Pairs

RULE_FAMILIES = {**team_composition.FAMILY, **rotation.FAMILY, **avoidance.FAMILY}


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
    proto = pl.model.proto
    for rule_id, add in RULE_FAMILIES.items():
        rows, columns = len(proto.constraints), len(proto.variables)
        if scenario.rules[rule_id].mode != "off":
            add(pl)
        pl.spans[rule_id] = (rows, len(proto.constraints), columns, len(proto.variables))
    return pl
