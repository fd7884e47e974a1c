"""Sweep files: a base scenario plus a grid or a list of overrides (docs/sweep.md).

Why a file of its own: a sweep is a question a planner asks more than once ("what
does each extra woman per team cost in fit?"), so it is written down, versioned and
re-run. Each run is the base scenario with `--set`-style overrides, so every run is
exactly what `placement solve BASE --set ...` would solve, and it is validated by
the same code with the same messages before anything is solved.

    base = "../linfen.toml"            # relative to this file
    set = ["solver.time_limit=60"]     # for every run
    [grid]                             # every combination, the first key slowest
    "rules.R-TC5.min_women" = [1, 2, 3]
    "weights.fit" = [1, 2]
    [[runs]]                           # and/or single runs, after the grid's
    name = "women hard"
    set = ["rules.R-TC5.mode=hard"]
"""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from placement.data.errors import InputError, Problem
from placement.data.scenario_io import setting_text, value_text

TOP_KEYS = ("name", "base", "set", "grid", "runs", "processes", "workers", "chart", "ray")
CHART_KEYS = ("x", "y", "x_sense", "y_sense")
# Row columns better small (a chart axis on them is minimised unless told otherwise).
SMALLER_IS_BETTER = ("penalty", "changed_posts", "moves", "released", "avg_age", "seconds")


@dataclass
class Run:
    """One scenario of the sweep: the base with `overrides` (common ones first)."""

    index: int
    name: str
    params: dict[str, object]  # dotted key -> value: what this run sets
    overrides: list[str]


@dataclass
class Chart:
    x: str = "fit"
    y: str = "women"
    x_sense: str = ""  # "max" or "min"; "" = by the column (SMALLER_IS_BETTER)
    y_sense: str = ""

    def sense(self, axis: str) -> str:
        given = self.x_sense if axis == "x" else self.y_sense
        column = self.x if axis == "x" else self.y
        if given:
            return given
        small = column.startswith("short.") or column in SMALLER_IS_BETTER
        return "min" if small else "max"


@dataclass
class Sweep:
    base: Path
    runs: list[Run]
    name: str = ""
    source: Path | None = None
    processes: int | None = None  # local processes; default: the cores
    workers: int | None = None  # CP-SAT workers per run; default: cores // processes
    chart: Chart = field(default_factory=Chart)
    ray: dict = field(default_factory=dict)  # e.g. runtime_env for a remote cluster


def read_sweep(path: Path | str) -> Sweep:
    """Read a sweep file. Raises `InputError` with every problem found."""
    path = Path(path)
    label = str(path)
    if not path.is_file():
        raise InputError([Problem("file_missing", params={"path": label})])
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InputError([Problem("bad_toml", source=label, params={"reason": str(err)})]
                         ) from None
    return parse_sweep(doc, path.parent, label, source=path)


def parse_sweep(doc: dict, folder: Path | str = ".", label: str = "sweep",
                source: Path | None = None) -> Sweep:
    """A sweep from a table shaped like the file (`base` relative to `folder`)."""
    folder = Path(folder)
    problems: list[Problem] = []

    def bad(column: str, reason: str) -> None:
        problems.append(Problem("bad_setting", source=label, column=column,
                                params={"key": column, "reason": reason}))

    for key in doc:
        if key not in TOP_KEYS:
            problems.append(Problem("unknown_key_choices", source=label, column=key,
                                    params={"key": key, "choices": ", ".join(TOP_KEYS)}))
    base = doc.get("base")
    if not isinstance(base, str) or not base:
        bad("base", "the base scenario file is required, e.g. base = \"../linfen.toml\"")
        base = ""
    common = _strings(doc.get("set", []), "set", bad)
    grid = _grid(doc.get("grid", {}), bad)
    runs = _grid_runs(grid, common)
    for k, item in enumerate(doc.get("runs", [])):
        runs += _explicit_run(item, k, common, bad)
    if not runs:
        bad("grid", "a sweep needs a [grid] or [[runs]]")
    runs = [replace(r, index=i) for i, r in enumerate(runs)]
    chart = doc.get("chart", {})
    for key in chart if isinstance(chart, dict) else ["chart"]:
        if key not in CHART_KEYS:
            bad(f"chart.{key}", f"expected one of {', '.join(CHART_KEYS)}")
    chart = Chart(**{k: str(v) for k, v in chart.items() if k in CHART_KEYS}) \
        if isinstance(chart, dict) else Chart()
    for axis in ("x_sense", "y_sense"):
        if getattr(chart, axis) not in ("", "max", "min"):
            bad(f"chart.{axis}", "expected max or min")
    counts = {}
    for key in ("processes", "workers"):
        value = doc.get(key)
        if value is not None and (not isinstance(value, int) or value < 1):
            bad(key, "expected a whole number ≥ 1")
        counts[key] = value if isinstance(value, int) and value >= 1 else None
    ray = doc.get("ray", {})
    if not isinstance(ray, dict) or set(ray) - {"runtime_env"}:
        bad("ray", "expected a table with runtime_env, e.g. [ray] runtime_env = {...}")
    if problems:
        raise InputError(problems)
    return Sweep(base=(folder / base).resolve(), runs=runs, name=str(doc.get("name", "")),
                 source=source, chart=chart, ray=ray, **counts)


def make_sweep(base: Path | str, grid: dict | None = None, runs: list | None = None,
               common: list[str] | tuple = (), **options) -> Sweep:
    """A sweep from Python: `make_sweep("scenarios/linfen.toml", grid={"weights.fit": [1, 2]})`."""
    doc = {"base": str(base), "set": list(common), "grid": grid or {}, "runs": runs or [],
           **options}
    return parse_sweep(doc, Path.cwd(), "make_sweep")


def price_runs(prices) -> list[dict]:
    """The rule-wide lines of a price list (prices.csv, `placement solve --prices`) as
    sweep runs, one per rule one step looser, named by the rule and its step: a sweep
    of them (`make_sweep(base, runs=price_runs(prices))`) solves each relaxed scenario
    on its own and charts them side by side. A place's line has no setting and no run."""
    rows = prices[(prices["kind"] == "rule") & (prices["settings"] != "")]
    return [{"name": f"{r.rule} {r.step_en}", "set": r.settings.split()}
            for r in rows.itertuples(index=False)]


def shown(value: object) -> object:
    """A parameter value as a table cell: numbers and text stay, the rest as TOML."""
    if isinstance(value, bool | int | float | str):
        return value
    return value_text(value)


# --- parts of the file ---------------------------------------------------------------
def _strings(value: object, column: str, bad) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        bad(column, "expected a list of \"dotted.key=value\" texts")
        return []
    return list(value)


def _flatten(table: dict, prefix: tuple = ()) -> list[tuple[str, object]]:
    """Dotted keys, quoted (`"a.b" = …`) or not (`a.b = …`, read by TOML as tables),
    down to the first value that is not a table."""
    out = []
    for k, v in table.items():
        path = (*prefix, *str(k).split("."))
        if isinstance(v, dict):
            out += _flatten(v, path)
        else:
            out.append((".".join(path), v))
    return out


def _grid(table: object, bad) -> list[tuple[str, list]]:
    if not isinstance(table, dict):
        bad("grid", "expected a table of dotted keys, each with a list of values")
        return []
    grid = []
    for key, values in _flatten(table):
        if not isinstance(values, list) or not values:
            bad(f"grid.{key}", "expected a non-empty list of values")
            continue
        grid.append((key, values))
    return grid


def _grid_runs(grid: list[tuple[str, list]], common: list[str]) -> list[Run]:
    if not grid:
        return []
    names = _short_names([k for k, _ in grid])
    runs = []
    for combo in itertools.product(*(values for _, values in grid)):
        params = {k: v for (k, _), v in zip(grid, combo, strict=True)}
        name = ", ".join(f"{names[k]}={_plain(v)}" for k, v in params.items())
        runs.append(Run(0, name, params,
                        common + [setting_text(k, v) for k, v in params.items()]))
    return runs


def _explicit_run(item: object, k: int, common: list[str], bad) -> list[Run]:
    column = f"runs[{k}]"
    if not isinstance(item, dict):
        bad(column, "expected a table with name and set")
        return []
    for key in item:
        if key not in ("name", "set"):
            bad(f"{column}.{key}", "expected name or set")
    sets = item.get("set", [])
    if isinstance(sets, dict):
        texts = [setting_text(key, v) for key, v in _flatten(sets)]
    else:
        texts = _strings(sets, f"{column}.set", bad)
    params = {}
    for text in texts:
        key, _, value = text.partition("=")
        params[key.strip()] = _read_value(value.strip())
    name = str(item.get("name") or ", ".join(texts) or f"run {k + 1}")
    return [Run(0, name, params, common + texts)]


def _read_value(text: str) -> object:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _short_names(keys: list[str]) -> dict[str, str]:
    """The last part of each key, or more of it where two keys end alike."""
    out = {}
    for key in keys:
        parts = key.split(".")
        n = 1
        while n < len(parts) and sum(k.split(".")[-n:] == parts[-n:] for k in keys) > 1:
            n += 1
        out[key] = ".".join(parts[-n:])
    return out


def _plain(value: object) -> str:
    return value if isinstance(value, str) else value_text(value)
