"""Reading scenario files: TOML, `extends` chains, `--set` overrides, validation.

A scenario names only what it changes; every other setting is its catalogue
default (`placement.data.rules`, `placement.data.scenario`). The format is described
in `docs/scenario.md`.

- `extends = "other.toml"` (relative to the file that says it) starts from
  another scenario. Chains are allowed, cycles are an error. Tables merge key by
  key; an array or a scalar in the extending file replaces the parent's.
- `data` is resolved against the folder of the file that sets it, so a child
  inherits its parent's data set unless it names its own.
- Overrides `dotted.path=value` (the CLI's `--set`) apply last. The value is read
  as a TOML value when it is one (`3`, `0.5`, `true`, `["a", "b"]`, `"text"`,
  `2026-09-01`) and as a bare string otherwise (`hard`, `1/3`).

Every problem found is reported at once as an `InputError`: the source is the
file that set the offending key (or `--set`), the column its dotted key path.

Every number a scenario takes is bounded before the model sees it (`MAX_NUMBER`,
and `MAX_SEED` for the solver's seed, which CP-SAT keeps in 32 bits): a weight of
2^63 or an infinite time limit is a message naming the key, not a crash inside
the solver. Types are strict where TOML has them: a whole-number setting takes a
TOML integer (not `true`, not `"60"`), a yes/no setting `true`/`false`, a date a
plain TOML date (not a date-time, not one with a time zone), and the reference date
lies in the years the data's dates can hold (`MIN_YEAR`–`MAX_YEAR`). A value nested
deeper than `MAX_DEPTH` tables or arrays is refused before it is walked.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import hashlib
import json
import math
import os
import re
import tomllib
import typing
from collections.abc import Sequence
from pathlib import Path

import tomli_w
from pydantic import BaseModel, ValidationError

from placement.data.errors import InputError, Problem
from placement.data.parsing import MAX_YEAR, MIN_YEAR
from placement.data.rules import CATALOGUE, RULE_NAMES, Rule
from placement.data.scenario import Scenario

OVERRIDE_SOURCE = "--set"
_KEY = tuple  # a key path: ("rules", "R-TC5", "min_women")

MAX_NUMBER = 10**9  # any weight, limit, count or threshold
MAX_SEED = 2**31 - 1  # solver.seed: CP-SAT's random_seed is a 32-bit integer
_LIMITS = {("solver", "seed"): MAX_SEED}
MAX_DEPTH = 16  # tables and arrays inside one another (no setting goes past 4)

__all__ = ["load_scenario", "scenario_to_dict", "scenario_checksum", "parse_override",
           "scenario_text", "value_text", "setting_text", "rules_table_markdown"]


# --- public API -------------------------------------------------------------------
def load_scenario(path: Path, overrides: Sequence[str] = ()) -> Scenario:
    """Read, merge, override and validate the scenario at `path`.

    Raises `InputError` with every problem found."""
    path = Path(path)
    problems: list[Problem] = []
    parsed = [_parse_override(text, problems) for text in overrides]
    chain = _read_chain(path, problems)
    if chain is None:
        raise InputError(problems)
    raw, origin = chain
    for item in parsed:
        if item is not None:
            _apply_override(raw, origin, *item, problems)
    if "source" in raw:  # set by the loader, never by a file
        problems.append(_unknown_key(("source",), origin, str(path)))
        del raw["source"]
    problems.extend(_out_of_bounds(raw, origin, str(path)))
    loose = _loose_types(raw, origin, str(path))
    problems.extend(loose)
    try:
        sc = Scenario.model_validate(raw)
    except ValidationError as err:
        problems.extend(_unsaid(_problems_from(err, raw, origin, str(path)), loose))
    if problems:
        raise InputError(problems)
    sc.source = path
    return sc


def scenario_to_dict(sc: Scenario) -> dict:
    """The effective settings as a plain JSON-able dict (every rule, every default)."""
    out = sc.model_dump(mode="json", exclude={"rules", "source"})
    out["data"] = str(sc.data)
    out["rules"] = {rid: sc.rules[rid].model_dump(mode="json") for rid in CATALOGUE}
    return out


def scenario_checksum(sc: Scenario) -> str:
    """SHA-256 of the canonical JSON of `scenario_to_dict` (keys sorted)."""
    text = json.dumps(scenario_to_dict(sc), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def override_scenario(sc: Scenario, settings: Sequence[str]) -> Scenario:
    """A copy of `sc` with `dotted.key=value` settings applied and validated again, read
    exactly like `--set`; `sc` itself is not changed. Raises `InputError` (source `--set`)
    naming every bad key or value."""
    problems: list[Problem] = []
    raw = scenario_to_dict(sc)
    origin: dict = {}
    for text in settings:
        item = _parse_override(text, problems)
        if item is not None:
            _apply_override(raw, origin, *item, problems)
    problems.extend(_out_of_bounds(raw, origin, OVERRIDE_SOURCE))
    problems.extend(_loose_types(raw, origin, OVERRIDE_SOURCE))
    try:  # validated even after a loose value, so every bad key is named at once
        new = Scenario.model_validate(raw)
    except ValidationError as err:
        problems.extend(_unsaid(_problems_from(err, raw, origin, OVERRIDE_SOURCE), problems))
    if problems:
        raise InputError(problems)
    new.source = sc.source
    return new


def scenario_text(doc: dict, header: str = "") -> str:
    """The one writer of every scenario file the program saves: `doc` (plain values,
    dates, nested tables; None values left out) as TOML text by `tomli-w`, `header` as
    comment lines first. Every string is quoted and escaped by the library, so no value
    (a title, a path, a reference date typed into a form) can end its line and add a
    setting of its own."""
    comments = "".join(f"# {line}\n" for line in header.splitlines())
    return comments + tomli_w.dumps(_writable(doc), multiline_strings=False)


def _writable(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _writable(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_writable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def value_text(value: object) -> str:
    """`value` as one line of TOML that `--set key=<text>` reads back, written by the same
    library as `scenario_text` (tomli-w), never by hand. The value is put in a
    nested array, where tomli-w always writes it inline (an inline table stays inline,
    which `--set` needs); its line breaks, which tomli-w puts only between array items
    (strings are written with their breaks escaped), become ", ", and the fixed outer
    brackets are cut off: `["公安", "法院"]`, `{ "正科" = 47, x = [1.5, true] }`."""
    text = tomli_w.dumps({"v": [[_writable(value)]]}, multiline_strings=False, indent=0)
    flat = text.replace(",\n]", "]").replace(",\n", ", ").replace("[\n", "[")
    head, tail = "v = [[", "]]\n"
    assert flat.startswith(head) and flat.endswith(tail), flat  # tomli-w's fixed layout
    return flat[len(head):-len(tail)]


def setting_text(key: str, value: object) -> str:
    """A `--set` setting, `dotted.key=value`, the value by `value_text`."""
    return "=".join((key, value_text(value)))


def parse_override(text: str) -> tuple[_KEY, object]:
    """`"rules.R-TC5.min_women=3"` -> `(("rules", "R-TC5", "min_women"), 3)`.

    Raises `InputError` if `text` is not `dotted.key=value`."""
    problems: list[Problem] = []
    item = _parse_override(text, problems)
    if item is None:
        raise InputError(problems)
    return item[0], item[1]


# --- reading files ----------------------------------------------------------------
_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def _shown(p: Path) -> str:
    return os.path.normpath(p)


def _read_chain(path: Path, problems: list[Problem]) -> tuple[dict, dict] | None:
    """The merged table of `path` and everything it extends, and for each key path
    the file that set it. None (with problems) if a file cannot be read."""
    seen: list[Path] = []
    shown: list[str] = []
    layers: list[tuple[dict, str]] = []
    current, said_by = path, None
    while True:
        label = _shown(current) if said_by else str(current)
        key = current.resolve()
        if key in seen:
            problems.append(Problem("extends_cycle", source=said_by or label, column="extends",
                                    params={"chain": " → ".join([*shown, label])}))
            return None
        seen.append(key)
        shown.append(label)
        if not current.is_file():
            problems.append(Problem("not_a_file" if current.exists() else "file_missing",
                                    source=said_by or "",
                                    column="extends" if said_by else None,
                                    params={"path": label}))
            return None
        doc = _parse_file(current, label, problems)
        if doc is None:
            return None
        parent = doc.pop("extends", None)
        if isinstance(doc.get("data"), str):
            doc["data"] = str((current.parent / doc["data"]).resolve())
        layers.append((doc, label))
        if parent is None:
            break
        if not isinstance(parent, str) or not parent.strip():
            problems.append(Problem("bad_extends", source=label, column="extends",
                                    params={"value": parent}))
            return None
        current, said_by = current.parent / parent, label
    merged: dict = {}
    origin: dict[_KEY, str] = {}
    for doc, label in reversed(layers):
        _merge(merged, doc, origin, label, ())
    return merged, origin


def _parse_file(path: Path, label: str, problems: list[Problem]) -> dict | None:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        problems.append(Problem("bad_toml", source=label, params={"reason": str(err)}))
        return None
    try:
        doc = tomllib.loads(text)
    except RecursionError:
        problems.append(Problem("toml_too_deep", source=label, params={"limit": MAX_DEPTH}))
        return None
    except tomllib.TOMLDecodeError as err:
        msg = str(err)
        at = _TOML_AT.search(msg)
        if at:
            problems.append(Problem("bad_toml_at", source=label, params={
                "line": int(at.group(1)), "col": int(at.group(2)),
                "reason": msg[:at.start()]}))
        else:
            problems.append(Problem("bad_toml", source=label, params={"reason": msg}))
        return None
    deep = _too_deep(doc)
    if deep is not None:
        problems.append(Problem("toml_too_deep", source=label, column=_dotted(deep),
                                params={"limit": MAX_DEPTH}))
        return None
    return doc


def _too_deep(value: object, path: _KEY = ()) -> _KEY | None:
    """The key path of the first value nested past `MAX_DEPTH`, else None."""
    if not isinstance(value, dict | list):
        return None
    if len(path) >= MAX_DEPTH:
        return path
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for k, v in items:
        found = _too_deep(v, (*path, k))
        if found is not None:
            return found
    return None


def _merge(dst: dict, src: dict, origin: dict, label: str, prefix: _KEY) -> None:
    """Deep merge `src` into `dst`: tables key by key, anything else replaces."""
    for k, v in src.items():
        p = (*prefix, k)
        if isinstance(v, dict) and isinstance(dst.get(k), dict):
            origin[p] = label
            _merge(dst[k], v, origin, label, p)
        else:
            dst[k] = copy.deepcopy(v)
            _mark(origin, p, v, label)


def _mark(origin: dict, p: _KEY, value: object, label: str) -> None:
    origin[p] = label
    if isinstance(value, dict):
        for k, v in value.items():
            _mark(origin, (*p, k), v, label)


# --- overrides --------------------------------------------------------------------
_BARE_KEY = re.compile(r"^[^\s\"'=]+$")


def _parse_override(text: str, problems: list[Problem]) -> tuple[_KEY, object, str] | None:
    key, eq, value = text.partition("=")
    parts = tuple(part.strip() for part in key.split("."))
    if not eq or not all(_BARE_KEY.match(part) for part in parts):
        problems.append(Problem("bad_override", source=OVERRIDE_SOURCE, params={"text": text}))
        return None
    if parts[0] == "extends":
        problems.append(Problem("override_extends", source=OVERRIDE_SOURCE, column="extends"))
        return None
    try:
        parsed = _override_value(value.strip())
    except RecursionError:
        parsed = None
    if parsed is None or _too_deep(parsed, parts) is not None:
        problems.append(Problem("toml_too_deep", source=OVERRIDE_SOURCE, column=".".join(parts),
                                params={"limit": MAX_DEPTH}))
        return None
    return parts, parsed, text


def _override_value(text: str) -> object:
    """A TOML value if `text` is one (one value: `1\n[solver]\nworkers = 64` is not),
    else the bare string."""
    try:
        doc = tomllib.loads(f"v = {text}")
    except tomllib.TOMLDecodeError:
        return text
    return doc["v"] if len(doc) == 1 else text


def _apply_override(raw: dict, origin: dict, parts: _KEY, value: object, text: str,
                    problems: list[Problem]) -> None:
    node = raw
    for i, part in enumerate(parts[:-1]):
        nxt = node.setdefault(part, {})
        if not isinstance(nxt, dict):
            where = ".".join(parts[:i + 1])
            problems.append(Problem("override_not_table", source=OVERRIDE_SOURCE, column=where,
                                    params={"text": text, "key": where}))
            return
        node = nxt
    if parts == ("data",) and isinstance(value, str):
        value = str(Path(value).resolve())  # relative to the working folder
    node[parts[-1]] = value
    _mark(origin, parts, value, OVERRIDE_SOURCE)


# --- bounds -----------------------------------------------------------------------
def _out_of_bounds(raw: dict, origin: dict, default: str, prefix: _KEY = ()) -> list[Problem]:
    """Numbers beyond what the model and solvers can take, and NaN or infinity (which
    TOML allows), as problems at their key paths."""
    out: list[Problem] = []
    items = raw.items() if isinstance(raw, dict) else enumerate(raw)
    for key, value in items:
        path = (*prefix, key)
        if isinstance(value, dict | list):
            out += _out_of_bounds(value, origin, default, path)
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        where = {"source": _source_of(path, origin, default), "column": _dotted(path)}
        limit = _LIMITS.get(path, MAX_NUMBER)
        if isinstance(value, float) and not math.isfinite(value):
            out.append(Problem("setting_number", **where, params={"value": value}))
        elif value > limit:
            out.append(Problem("setting_le", **where, params={"value": value, "limit": limit}))
        elif value < -limit:
            out.append(Problem("setting_ge", **where, params={"value": value,
                                                              "limit": -limit}))
    return out


# --- strict types -------------------------------------------------------------------
def _loose_types(raw: dict, origin: dict, default: str) -> list[Problem]:
    """Values pydantic would coerce but a planner did not mean: `true` or `"3"` for a
    whole number, `"60"` for a number, `1` for true/false, a date-time or a time for a
    date; and a reference date outside the years the data's dates can hold."""
    out: list[Problem] = []
    for path, annotation, value in _leaves(Scenario, raw, ()):
        where = {"source": _source_of(path, origin, default), "column": _dotted(path)}
        shown = _plain(value)
        if annotation is int and (isinstance(value, bool) or not isinstance(value, int)):
            if isinstance(value, bool | str):
                out.append(Problem("setting_int", **where, params={"value": shown}))
        elif annotation is float and (isinstance(value, bool) or isinstance(value, str)):
            out.append(Problem("setting_number", **where, params={"value": shown}))
        elif annotation is bool and not isinstance(value, bool):
            out.append(Problem("setting_bool", **where, params={"value": shown}))
        elif annotation is dt.date:
            if isinstance(value, dt.datetime | dt.time):
                zoned = getattr(value, "tzinfo", None) is not None
                code = "setting_date_zone" if zoned else "setting_date_time"
                out.append(Problem(code, **where, params={"value": shown}))
            elif not MIN_YEAR <= _year(value) <= MAX_YEAR:
                out.append(Problem("setting_date_range", **where, params={
                    "value": shown, "low": MIN_YEAR, "high": MAX_YEAR}))
    return out


def _unsaid(problems: list[Problem], said: list[Problem]) -> list[Problem]:
    """`problems` but those at a key `said` already names."""
    keys = {p.column for p in said}
    return [p for p in problems if p.column not in keys]


def _year(value: object) -> int:
    """The year of a date or of ISO date text; MIN_YEAR for anything else (pydantic
    reports what is no date)."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            return MIN_YEAR
    return value.year if isinstance(value, dt.date) else MIN_YEAR


def _leaves(model: type[BaseModel], raw: object, prefix: _KEY):
    """(key path, annotation, value) of the plain values `raw` gives `model`'s fields."""
    if not isinstance(raw, dict):
        return
    for key, value in raw.items():
        path = (*prefix, key)
        if model is Scenario and key == "rules":
            if isinstance(value, dict):
                for rid, table in value.items():
                    if rid in CATALOGUE:
                        yield from _leaves(CATALOGUE[rid], table, (*path, rid))
            continue
        field = model.model_fields.get(key) if isinstance(key, str) else None
        if field is None:
            continue
        annotation = field.annotation
        sub = _model_in(annotation)
        if sub is not None and isinstance(value, dict):
            yield from _leaves(sub, value, path)
        elif typing.get_origin(annotation) is dict and isinstance(value, dict):
            inner = typing.get_args(annotation)[-1]
            for k, v in value.items():
                yield (*path, k), inner, v
        elif annotation in (int, float, bool, dt.date):
            yield path, annotation, value


class _TomlText(str):
    """A value written as TOML writes it, shown without quotes (`got true`)."""

    def __repr__(self) -> str:
        return str(self)


def _plain(value: object) -> object:
    """A value as a message shows it: true/false, dates and times as TOML writes them
    (never a Python repr such as `datetime.datetime(…)`)."""
    if isinstance(value, bool):
        return _TomlText("true" if value else "false")
    if isinstance(value, dt.date | dt.time):
        return _TomlText(value.isoformat())
    return value


# --- validation errors as problems --------------------------------------------------
_BY_TYPE = {
    "int_type": "setting_int", "int_parsing": "setting_int", "int_from_float": "setting_int",
    "int_parsing_size": "setting_int",
    "float_type": "setting_number", "float_parsing": "setting_number",
    "finite_number": "setting_number",
    "bool_type": "setting_bool", "bool_parsing": "setting_bool",
    "string_type": "setting_text",
    "tuple_type": "setting_list", "list_type": "setting_list", "iterable_type": "setting_list",
    "set_type": "setting_list",
    "dict_type": "setting_table", "model_type": "setting_table",
    "model_attributes_type": "setting_table",
    "date_type": "setting_date", "date_parsing": "setting_date",
    "date_from_datetime_parsing": "setting_date",
    "date_from_datetime_inexact": "setting_date", "date_future": "setting_date",
    "path_type": "setting_text",
}
_BOUNDS = {"greater_than_equal": ("setting_ge", "ge"), "greater_than": ("setting_gt", "gt"),
           "less_than_equal": ("setting_le", "le"), "less_than": ("setting_lt", "lt")}


def _dotted(path: _KEY) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _key_path(loc: tuple, raw: dict, etype: str) -> _KEY:
    """The part of pydantic's `loc` that exists in the input (drops union member tags);
    the missing or extra key itself is kept."""
    node: object = raw
    out: list = []
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif (isinstance(node, list | tuple) and isinstance(part, int)
              and 0 <= part < len(node)):
            node = node[part]
        else:
            if etype in ("missing", "extra_forbidden") and isinstance(node, dict):
                out.append(part)
            break
        out.append(part)
    return tuple(out)


def _source_of(path: _KEY, origin: dict, default: str) -> str:
    for n in range(len(path), 0, -1):
        if path[:n] in origin:
            return origin[path[:n]]
    return default


def _problems_from(err: ValidationError, raw: dict, origin: dict, default: str
                   ) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[_KEY] = set()
    for e in err.errors():
        etype = e["type"]
        path = _key_path(tuple(e["loc"]), raw, etype)
        if path in seen:  # e.g. one error per member of a union
            continue
        seen.add(path)
        if etype == "extra_forbidden":
            problems.append(_unknown_key(path, origin, default))
            continue
        source = _source_of(path, origin, default)
        value = _plain(e.get("input"))
        ctx = e.get("ctx") or {}
        column = _dotted(path) or None
        if etype == "missing":
            problems.append(Problem("setting_missing", source=source, column=column))
        elif etype == "literal_error":
            choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
            problems.append(Problem("bad_enum", source=source, column=column, params={
                "value": value, "expected": "/".join(choices) or ctx.get("expected", "")}))
        elif etype in _BOUNDS:
            code, bound = _BOUNDS[etype]
            problems.append(Problem(code, source=source, column=column,
                                    params={"value": value, "limit": ctx.get(bound)}))
        elif etype in _BY_TYPE:
            problems.append(Problem(_BY_TYPE[etype], source=source, column=column,
                                    params={"value": value}))
        else:
            reason = str(ctx["error"]) if etype == "value_error" and "error" in ctx else e["msg"]
            problems.append(Problem("setting_invalid", source=source, column=column,
                                    params={"value": value, "reason": reason}))
    return problems


def _unknown_key(path: _KEY, origin: dict, default: str) -> Problem:
    key = path[-1]
    valid = _valid_keys(path[:-1])
    close = difflib.get_close_matches(str(key), valid, n=2, cutoff=0.6)
    where = {"source": _source_of(path, origin, default), "column": _dotted(path)}
    if len(close) == 2:
        return Problem("unknown_key_hint2", **where,
                       params={"key": key, "first": close[0], "second": close[1]})
    if close:
        return Problem("unknown_key_hint", **where, params={"key": key, "suggestion": close[0]})
    return Problem("unknown_key_choices", **where,
                   params={"key": key, "choices": ", ".join(valid)})


def _valid_keys(parent: _KEY) -> list[str]:
    """The keys a scenario may write in the table at `parent`."""
    if parent == ("rules",):
        return list(CATALOGUE)
    model: type[BaseModel] | None = Scenario
    rest = parent
    if parent[:1] == ("rules",):
        model, rest = CATALOGUE.get(str(parent[1])), parent[2:]
    for part in rest:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(part)
        model = _model_in(field.annotation) if field else None
    if model is None:
        return []
    keys = list(model.model_fields)
    if model is Scenario:
        keys = [k for k in keys if k != "source"] + ["extends"]
    return keys


def _model_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


# --- documentation ------------------------------------------------------------------
def _shown_default(value: object) -> str:
    if isinstance(value, tuple | list):
        return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {v}" for k, v in value.items()) + " }"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def rules_table_markdown() -> str:
    """The table of every rule's parameters and defaults in `docs/scenario.md`."""
    base = set(Rule.model_fields)
    lines = ["| rule | name | mode | weight | priority | parameters (defaults) |",
             "|---|---|---|---|---|---|"]
    for rid, cls in CATALOGUE.items():
        rule = cls()
        params = [f"`{name} = {_shown_default(getattr(rule, name))}`"
                  for name in cls.model_fields if name not in base]
        modes = typing.get_args(cls.model_fields["mode"].annotation)
        mode = f"`{rule.mode}`" + (" (target/off only)" if "hard" not in modes else "")
        zh, en = RULE_NAMES[rid]
        lines.append(f"| {rid} | {zh} ({en}) | {mode} | {rule.weight} | {rule.priority} | "
                     + ("<br>".join(params) or "—") + " |")
    return "\n".join(lines)
