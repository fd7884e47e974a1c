"""Mutation check of the rule meanings: does the rule test suite catch a wrong rule?

    python tests/mutation/run.py [--jobs 2] [--only R-EL6,R-TC5] [--list]

Each mutant in `mutants.toml` names a rule id, a file, one exact snippet of that
file and its replacement: a flipped comparison, a threshold one step off, a
dropped scope. For each mutant the repository is copied to a temporary folder,
the snippet is replaced there (the working tree is never touched), and the rule
tests of that rule's family (`tests/rules/`, or the file a mutant's `tests` key
names) run against the copy; a failing run
kills the mutant. It prints one line per mutant and `killed K of N`, and exits 1
when K/N < 0.95 (docs/testing.md).

Why a list of our own rather than mutmut: mutmut mutates every operator of a
file, most of them outside any rule's meaning (logging, labels, array
book-keeping), so its score says little about the rules and a full run takes
hours; a targeted list names, for every rule id, the mistakes a maintainer could
plausibly make, and runs in minutes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MUTANTS = Path(__file__).with_name("mutants.toml")
FAMILY_TESTS = {"R-EL": "test_eligibility.py", "R-TC": "test_team_composition.py",
                "R-RO": "test_rotation.py", "R-AV": "test_avoidance.py",
                "R-RS": "test_reserve.py",
                # "Leaving the roster" and posts filled through another channel: no rule
                # id of their own (the checker's RELEASE and FILLED_BY)
                "RELE": "test_leaving.py", "FILL": "test_leaving.py"}
SCORE = 0.95
COPY_IGNORE = shutil.ignore_patterns(".git", "__pycache__", "*.egg-info", "results",
                                     ".pytest_cache", ".ruff_cache", "bench-results")


@dataclass(frozen=True)
class Mutant:
    rule: str
    file: str
    find: str
    replace: str
    what: str
    test_file: str = ""  # the mutant's `tests` key: a test file other than the family's

    @property
    def tests(self) -> str:
        return self.test_file or "tests/rules/" + FAMILY_TESTS[self.rule[:4]]


def load_mutants(path: Path = MUTANTS) -> list[Mutant]:
    with path.open("rb") as f:
        rows = tomllib.load(f)["mutant"]
    return [Mutant(r["rule"], r["file"], r["find"], r["replace"], r["what"], r.get("tests", ""))
            for r in rows]


def apply(m: Mutant, root: Path) -> None:
    """Replace the mutant's snippet in `root`; it must occur exactly once (a stale
    mutant is an error, not a silent survivor)."""
    target = root / m.file
    text = target.read_text(encoding="utf-8")
    found = text.count(m.find)
    if found != 1:
        raise ValueError(f"{m.rule} ({m.what}): snippet found {found} times in {m.file}")
    target.write_text(text.replace(m.find, m.replace), encoding="utf-8")


def run_one(m: Mutant, timeout: float) -> tuple[Mutant, bool, float, str]:
    """(mutant, killed, seconds, the first failing test)."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mutant-") as tmp:
        copy = Path(tmp) / "repo"
        shutil.copytree(ROOT, copy, ignore=COPY_IGNORE)
        apply(m, copy)
        env = os.environ | {"PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
        try:
            run = subprocess.run(
                [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                 m.tests], cwd=copy, env=env, capture_output=True, text=True,
                timeout=timeout)
        except subprocess.TimeoutExpired:
            return m, True, time.perf_counter() - started, "timeout"
    failed = next((ln.split(" ")[1] for ln in run.stdout.splitlines()
                   if ln.startswith("FAILED ")), "")
    if run.returncode not in (0, 1):  # collection or usage error: the mutant broke the code
        failed = failed or f"pytest exit {run.returncode}"
    return m, run.returncode != 0, time.perf_counter() - started, failed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", default="", help="comma-separated rule ids")
    ap.add_argument("--list", action="store_true", help="list the mutants and stop")
    ap.add_argument("--timeout", type=float, default=300.0)
    args = ap.parse_args(argv)
    mutants = load_mutants()
    if args.only:
        wanted = set(args.only.split(","))
        mutants = [m for m in mutants if m.rule in wanted]
    if args.list:
        for m in mutants:
            print(f"{m.rule:7} {m.file}: {m.what}")
        return 0
    started = time.perf_counter()
    killed = 0
    with ThreadPoolExecutor(args.jobs) as pool:
        for m, dead, seconds, failed in pool.map(lambda m: run_one(m, args.timeout), mutants):
            killed += dead
            print(f"{'killed ' if dead else 'SURVIVED'} {m.rule:7} {seconds:5.1f}s  {m.what}"
                  + (f"  [{failed}]" if failed else ""), flush=True)
    n = len(mutants)
    print(f"killed {killed} of {n} ({killed / max(n, 1):.1%}) in "
          f"{time.perf_counter() - started:.0f} s")
    return 0 if n and killed / n >= SCORE else 1


if __name__ == "__main__":
    sys.exit(main())
