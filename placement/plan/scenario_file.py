"""A scenario written back as TOML: the file `placement check DIR/YEAR/scenario.toml` reads.

Why every setting is written: a year's scenario must say exactly what that year was
solved with (every rule's mode and parameters, the weights, the solver), not rely on
catalogue defaults that may change after the plan was made. The text is read back by
`placement.data.scenario_io.load_scenario` like any scenario, so a value the writer
got wrong is an input error there, not a silently different rule. The text comes from
the program's one scenario writer (`scenario_io.scenario_text`, `tomli-w`).
"""

from __future__ import annotations

from placement.data.scenario import Scenario
from placement.data.scenario_io import scenario_text, scenario_to_dict


def scenario_toml(sc: Scenario, data: str, header: str = "") -> str:
    """`sc` with every setting as TOML text; `data` is the data set's path as the file
    should name it (relative to the file's folder)."""
    return scenario_text(scenario_to_dict(sc) | {"data": data}, header)
