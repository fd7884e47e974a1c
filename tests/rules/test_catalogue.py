"""Every rule id of the catalogue (placement.data.rules.CATALOGUE) has a model-side and a
checker-side test in tests/rules/, found by name: `test_R_EL6_model_*` and
`test_R_EL6_checker_*` (the id with "-" as "_"). The test functions are read from the
sources with `ast`, so a renamed or deleted test shows up here, and a name citing an id
that is not in the catalogue is an error too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from placement.data.rules import CATALOGUE

HERE = Path(__file__).parent
NAME = re.compile(r"test_(R_[A-Z]+\d+)_(model|checker)_\w+")


def rule_tests() -> dict[tuple[str, str], list[str]]:
    """(rule id, side) -> the test functions naming them, over tests/rules/test_*.py."""
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted(HERE.glob("test_*.py")):
        for node in ast.parse(path.read_text("utf-8")).body:
            m = NAME.fullmatch(node.name) if isinstance(node, ast.FunctionDef) else None
            if m:
                found.setdefault((m[1].replace("_", "-"), m[2]), []).append(
                    f"{path.name}::{node.name}")
    return found


def test_every_catalogue_rule_has_a_model_and_a_checker_test():
    found = rule_tests()
    missing = [(rid, side) for rid in CATALOGUE for side in ("model", "checker")
               if (rid, side) not in found]
    assert not missing, missing
    unknown = sorted({rid for rid, _ in found} - set(CATALOGUE))
    assert not unknown, unknown
