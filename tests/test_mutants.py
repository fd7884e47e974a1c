"""The mutation check's list stays usable: every mutant applies to today's code (its
snippet occurs exactly once, so a moved rule cannot leave a silently dead mutant) and
every rule id of the catalogue has at least one mutant (docs/testing.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "mutation"))
from run import FAMILY_TESTS, ROOT, load_mutants  # noqa: E402

from placement.data.rules import CATALOGUE  # noqa: E402

MUTANTS = load_mutants()


@pytest.mark.parametrize("m", MUTANTS, ids=[f"{m.rule}:{m.what[:40]}" for m in MUTANTS])
def test_mutant_applies_once_and_changes_the_code(m):
    text = (ROOT / m.file).read_text(encoding="utf-8")
    assert text.count(m.find) == 1
    assert m.find != m.replace
    assert (ROOT / m.tests).is_file()


def test_every_rule_has_a_mutant():
    assert set(CATALOGUE) - {m.rule for m in MUTANTS} == set()
    assert {m.rule[:4] for m in MUTANTS} <= set(FAMILY_TESTS)
