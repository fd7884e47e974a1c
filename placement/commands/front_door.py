"""An import-linter contract for the front door, `cli.py`: read by `lint-imports` only.

`cli.py` stands at the top of the checkout (the design card keeps it there), outside
every package, and grimp builds graphs of packages alone; so this contract reads the
file's imports itself (every `import` and `from … import`, those inside functions
too) and holds them against `allowed_modules` (a module or a package and all under
it) and `max_modules` (distinct modules of the root packages). pyproject.toml's
[tool.importlinter] names it (`contract_types`) and sets its options.
"""

from __future__ import annotations

import ast
from pathlib import Path

from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class FrontDoorContract(Contract):
    """Options: `script` (a file, from the folder lint-imports runs in), `allowed_modules`,
    `max_modules`."""

    type_name = "front door"
    script = fields.StringField()
    allowed_modules = fields.ListField(subfield=fields.StringField())
    max_modules = fields.IntegerField()

    def check(self, graph, verbose: bool) -> ContractCheck:
        roots = set(self.session_options.get("root_packages")
                    or [self.session_options["root_package"]])
        imported = imports_of(Path(self.script), roots, set(graph.modules))
        outside = {m: line for m, line in imported.items()
                   if not any(m == a or m.startswith(a + ".") for a in self.allowed_modules)}
        kept = not outside and len(imported) <= self.max_modules
        return ContractCheck(kept=kept, metadata={"imported": imported, "outside": outside})

    def render_broken_contract(self, check: ContractCheck) -> None:
        imported, outside = check.metadata["imported"], check.metadata["outside"]
        for module, line in sorted(outside.items()):
            output.print_error(f"{self.script} is not allowed to import {module} (l.{line})")
        if len(imported) > self.max_modules:
            output.print_error(f"{self.script} imports {len(imported)} modules of the package, "
                               f"more than {self.max_modules}: {', '.join(sorted(imported))}")


def imports_of(script: Path, roots: set[str], modules: set[str]) -> dict[str, int]:
    """Each module of the root packages that `script` imports, with its first line."""
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(script.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            # `from placement import api`: the submodule when there is one
            names = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules
                     else node.module for a in node.names]
        else:
            continue
        for name in names:
            if name.split(".")[0] in roots:
                found.setdefault(name, node.lineno)
    return dict(sorted(found.items(), key=lambda kv: kv[1]))
