"""A scenario written back as TOML: the file `placement check DIR/YEAR/scenario.toml` reads.

Why every setting is written: a year's scenario must say exactly what that year was
solved with (every rule's mode and parameters, the weights, the solver), not rely on
catalogue defaults that may change after the plan was made. The text is read back by
`placement.data.scenario_io.load_scenario` like any scenario, so a value this writer
got wrong is an input error there, not a silently different rule. Tables become TOML
sections (`[rules.R-TC5]`), deeper tables and lists of tables inline ones. Standard
TOML only (the library reads it with `tomllib`; nothing writes TOML in the standard
library, hence these few lines).
"""

from __future__ import annotations

import json
import math
import re

from placement.data.scenario import Scenario
from placement.data.scenario_io import scenario_to_dict

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _key(k: str) -> str:
    return k if _BARE.fullmatch(k) else json.dumps(str(k), ensure_ascii=False)


def _value(v: object) -> str:
    """A TOML value: JSON's string escapes are TOML's basic-string escapes."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(f"TOML has no value for {v!r}")
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()
                               if x is not None) + "}"
    raise TypeError(f"no TOML value for {type(v).__name__}")


def _section(path: list[str], table: dict) -> list[str]:
    """`[path]` with its plain keys; in a top-level section a table value becomes its own
    section after them (`[rules.R-EL7]`), deeper ones stay inline."""
    lines = ["", "[" + ".".join(_key(p) for p in path) + "]"]
    subs = []
    for k, v in table.items():
        if isinstance(v, dict) and len(path) == 1:
            subs.append((k, v))
        elif v is not None:
            lines.append(f"{_key(k)} = {_value(v)}")
    for k, v in subs:
        lines += _section([*path, k], v)
    return lines


def scenario_toml(sc: Scenario, data: str, header: str = "") -> str:
    """`sc` with every setting as TOML text; `data` is the data set's path as the file
    should name it (relative to the file's folder)."""
    settings = scenario_to_dict(sc) | {"data": data}
    lines = [f"# {line}" for line in header.splitlines()]
    tables = []
    for k, v in settings.items():
        if isinstance(v, dict):
            tables.append((k, v))
        elif v is not None:
            lines.append(f"{_key(k)} = {_value(v)}")
    for k, v in tables:
        lines += _section([k], v)
    return "\n".join(lines) + "\n"
