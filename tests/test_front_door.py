"""cli.py is a thin layer: the import-linter contract that says so reads what it should."""

from pathlib import Path

from placement.commands.front_door import imports_of

ROOT = Path(__file__).resolve().parents[1]
MODULES = {"placement.api", "placement.commands.core", "placement.checker",
           "placement.commands.guard"}


def test_imports_are_read_inside_functions_and_from_the_package(tmp_path):
    script = tmp_path / "script.py"
    script.write_text("import json\nfrom placement import api\n\n"
                      "def f():\n    from placement.checker import read_roster\n"
                      "    import models.builder\n", "utf-8")
    found = imports_of(script, {"placement", "models"}, MODULES)
    assert found == {"placement.api": 2, "placement.checker": 5, "models.builder": 6}


def test_cli_imports_the_commands_alone_and_five_modules_at_most():
    found = imports_of(ROOT / "cli.py", {"placement", "models"}, MODULES)
    assert found and len(found) <= 5
    assert all(m == "placement.api" or m.startswith("placement.commands") for m in found), found
