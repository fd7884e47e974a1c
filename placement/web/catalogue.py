"""The rule catalogue and the scenario files, as the page needs them.

Why generated here and not written into the page: the table of rules the planner edits
comes from the pydantic models of `placement.data.rules` (their fields, defaults,
bounds and descriptions), so it cannot drift from what `placement solve` accepts; a
change typed into it is validated by `scenario_io` with the very messages `--set`
prints.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path

from placement.data.errors import InputError, Problem
from placement.data.regions import region_names
from placement.data.rule_basis import basis
from placement.data.rule_words import CHOICES, PRIORITY_LEVELS, SHARES, param_words
from placement.data.rules import CATALOGUE, RULE_NAMES
from placement.data.scenario_io import OVERRIDE_SOURCE, parse_override
from placement.data.schema import RANKS, TEAM_KINDS

COMMON = ("mode", "weight", "priority")
# A saved scenario's or data set's name: use NAME.fullmatch (`$` would let a name end
# in a newline, and the file made of it too).
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,62}")

def _widget(name: str, annotation: object) -> str:
    """How the page asks for the value: a team-kind, rank or system picker, a fraction,
    a table by rank, or the value's own type."""
    if name in ("kinds", "avg_kinds"):
        return "kinds"
    if name == "ranks":
        return "ranks"
    if name == "systems":
        return "systems"
    if name in SHARES:
        return "fraction"
    if name == "term_start":
        return "date"
    return _type(annotation)


def _type(annotation: object) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return "choice"
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation is float:
        return "number"
    if origin in (tuple, list):
        return "list"
    if origin is dict:
        return "table"
    return "text"


def rule_catalogue() -> list[dict]:
    """Every rule: id, names, docstring, the source sentence it stands on (`basis`),
    allowed modes and each parameter with its type, the widget the page asks with, its
    label and unit in both languages, default, bounds and choices (the pickers' words:
    `editor_words`)."""
    out = []
    for rid, cls in CATALOGUE.items():
        default = cls().model_dump(mode="json")
        params = []
        for name, f in cls.model_fields.items():
            bounds = {type(m).__name__.lower(): getattr(m, type(m).__name__.lower())
                      for m in f.metadata if type(m).__name__ in ("Ge", "Le", "Gt", "Lt")}
            choices = (list(typing.get_args(f.annotation))
                       if typing.get_origin(f.annotation) is typing.Literal else None)
            label_zh, label_en, unit_zh, unit_en = param_words(rid, name)
            params.append({"name": name, "type": _type(f.annotation),
                           "widget": _widget(name, f.annotation), "default": default[name],
                           "choices": choices, "bounds": bounds, "label_zh": label_zh,
                           "label_en": label_en, "unit_zh": unit_zh, "unit_en": unit_en,
                           "description": f.description or ""})
        out.append({"id": rid, "name_zh": RULE_NAMES[rid][0], "name_en": RULE_NAMES[rid][1],
                    "doc": " ".join((cls.__doc__ or "").split()), "basis": basis(rid),
                    "modes": params[0]["choices"], "params": params})
    return out


def editor_words() -> dict:
    """What the rules editor's pickers offer, in words: team kinds, ranks, the systems
    rules name by default, choices, and the weight's priority levels."""
    systems = dict.fromkeys(s for cls in CATALOGUE.values() if "systems" in cls.model_fields
                            for s in cls.model_fields["systems"].default)
    return {"kinds": [[k, zh] for k, zh in TEAM_KINDS.items()], "ranks": list(RANKS),
            "systems": list(systems), "choices": {k: list(v) for k, v in CHOICES.items()},
            "priority": [list(x) for x in PRIORITY_LEVELS]}


def scenario_doc(base: Path, title: str, settings: list[str]) -> dict:
    """A scenario document that `extends` `base` and names only the changes (`--set`
    strings), as `docs/scenario.md` describes; written by the program's one scenario
    writer (`scenario_io.scenario_text`, through `workspace.save_scenario`). Raises
    `InputError` for a setting that is not `key=value` or that puts a key inside a plain
    value."""
    doc: dict = {"extends": str(base.resolve())}
    if title:
        doc["name"] = title
    problems = []
    for text in settings:
        parts, value = parse_override(text)
        node = doc
        for i, part in enumerate(parts[:-1]):
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                where = ".".join(parts[:i + 1])
                problems.append(Problem("override_not_table", source=OVERRIDE_SOURCE,
                                        column=where, params={"text": text, "key": where}))
                break
        else:
            node[parts[-1]] = value
    if problems:
        raise InputError(problems)
    return doc


def find(data, text: str, limit: int = 20) -> dict:
    """Cadres and posts whose id, name, title, team or current post contains `text`
    (case-insensitive), for locks by name: `{"cadres": [...], "posts": [...]}`."""
    posts = data.posts.merge(data.teams[["team_id", "name"]].rename(columns={"name": "team"}),
                             on="team_id", how="left")
    holder = posts[posts["incumbent_id"] != ""].set_index("incumbent_id")
    cad = data.cadres[["cadre_id", "name", "gender", "rank", "region"]].copy()
    named = region_names(data)
    cad["region_name"] = cad["region"].map(lambda r: named.get(r, r))
    cad["post_id"] = cad["cadre_id"].map(holder["post_id"]).fillna("")
    cad["title"] = cad["cadre_id"].map(holder["title"]).fillna("")
    cad["team"] = cad["cadre_id"].map(holder["team"]).fillna("")
    hit_c = _contains(cad, ("cadre_id", "name", "title", "team"), text)
    pst = posts[["post_id", "team_id", "team", "title", "rank", "incumbent_id"]]
    hit_p = _contains(pst, ("post_id", "team_id", "team", "title"), text)
    return {"cadres": cad[hit_c].head(limit).to_dict("records"),
            "posts": pst[hit_p].head(limit).to_dict("records")}


def _contains(frame, columns: tuple[str, ...], text: str):
    hit = None
    for col in columns:
        m = frame[col].astype(str).str.contains(text, case=False, regex=False)
        hit = m if hit is None else hit | m
    return hit
