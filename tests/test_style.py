"""The code base stays `ruff` clean and keeps its layers: both run as part of the test
command, so CI enforces them."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_is_clean():
    ruff = shutil.which("ruff")
    cmd = [ruff] if ruff else [sys.executable, "-m", "ruff"]
    res = subprocess.run([*cmd, "check", "placement", "models", "tests", "cli.py"], cwd=ROOT,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_import_layers_hold():
    """import-linter's contracts in pyproject.toml: a folder imports only from folders
    earlier in the pipeline, and the checker never imports the model, the solvers, the
    pair rules or the rule-meaning module."""
    lint = shutil.which("lint-imports")
    assert lint, "import-linter is part of the test extra"
    res = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def _module_level_cycles() -> list[list[str]]:
    """Cycles among the project's modules through module-level imports (those that run
    when a module is imported), found by a depth-first search over the import graph."""
    files = [*ROOT.joinpath("placement").rglob("*.py"), *ROOT.joinpath("models").rglob("*.py")]
    names = {".".join(f.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): f
             for f in files}
    graph: dict[str, set[str]] = {}
    for mod, path in names.items():
        deps = graph.setdefault(mod, set())
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from pkg import sub` depends on the submodule; other names on pkg itself
                subs = {f"{node.module}.{a.name}" for a in node.names} & names.keys()
                deps.update(subs)
                if len(subs) < len(node.names):
                    deps.add(node.module)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names)
        deps.intersection_update(names)
        deps.discard(mod)
    cycles, state = [], {}

    def visit(mod: str, path: list[str]) -> None:
        state[mod] = 1
        for dep in sorted(graph[mod]):
            if state.get(dep) == 1:
                cycles.append(path[path.index(dep):] + [dep] if dep in path else [mod, dep])
            elif dep not in state:
                visit(dep, [*path, dep])
        state[mod] = 2

    for mod in sorted(graph):
        if mod not in state:
            visit(mod, [mod])
    return cycles


def test_no_module_level_import_cycle():
    assert _module_level_cycles() == []


# Where a rule's id may be spelled as a quoted literal: the rules' homes (the catalogue,
# what each rule means, the pair rules, the model, the independent checker and the
# generator). Anywhere else the code asks `placement.meaning` (docs/architecture.md,
# "Adding a team rule").
# The rule catalogue is data/rules.py with its source sentences (data/rule_basis.py) and
# its parameters' labels (data/rule_words.py): the web layer reads the catalogue through
# the data contract, not meaning/.
RULE_HOMES = ("placement/meaning/", "placement/checker/", "placement/generate/",
              "placement/eligibility/pair_rules.py", "placement/data/rules.py",
              "placement/data/rule_basis.py", "placement/data/rule_words.py", "models/")
RULE_ID = re.compile(r"[\"'](R-(?:EL|TC|RO|AV|RS)\d+)[^\"'\n]*[\"']")
# The few left elsewhere, each for a reason: docstring examples of a format, and the
# page's kin tie (JavaScript cannot ask Python; the trial names the rule it found).
SPELLED_ELSEWHERE = {
    ("placement/data/scenario_io.py", "R-TC5"): 2,  # examples of a key path in a comment
    ("placement/export/report/labels.py", "R-RO1"): 2,  # docstring example of rules_text
    ("placement/export/report/planner.py", "R-TC5"): 1,  # docstring example of a label
    ("placement/web/static/find.js", "R-AV1"): 1,  # the trial's kin tie
}


def test_a_rule_id_is_spelled_only_in_the_rules_homes():
    """A new team rule is written in `meaning/`, `models/`, the checker and the
    catalogue (and tested): no explanation, table, report or page lists rule ids, so
    none needs the new one. Fails on any quoted rule id outside the homes beyond the
    commented few."""
    found: dict[tuple[str, str], int] = {}
    for path in [*ROOT.joinpath("placement").rglob("*"), *ROOT.joinpath("models").rglob("*")]:
        rel = path.relative_to(ROOT).as_posix()
        if path.suffix not in (".py", ".js", ".html") or rel.startswith(RULE_HOMES):
            continue
        for m in RULE_ID.finditer(path.read_text(encoding="utf-8")):
            found[(rel, m.group(1))] = found.get((rel, m.group(1)), 0) + 1
    assert found == SPELLED_ELSEWHERE
