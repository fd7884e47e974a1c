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
from placement.data.rules import CATALOGUE, RULE_NAMES
from placement.data.scenario_io import OVERRIDE_SOURCE, parse_override

COMMON = ("mode", "weight", "priority")
# A saved scenario's or data set's name: use NAME.fullmatch (`$` would let a name end
# in a newline, and the file made of it too).
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,62}")

# Units of parameters, by the end of their name (docs/rules.md).
_UNITS = (("years", ("年", "years")), ("age", ("岁", "years of age")),
          ("share", ("比例", "share")), ("threshold", ("比例", "share")),
          ("weight", ("分/单位缺口", "points per unit short")))


def _unit(name: str) -> tuple[str, str]:
    for end, unit in _UNITS:
        if name.endswith(end) or name.startswith(end):
            return unit
    if name.startswith("min_") or name in ("heads", "deputies", "min_bands", "max_steps"):
        return ("人/个", "count")
    return ("", "")


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
    """Every rule: id, names, docstring, allowed modes and each parameter with its type,
    default, bounds, choices and unit."""
    out = []
    for rid, cls in CATALOGUE.items():
        default = cls().model_dump(mode="json")
        params = []
        for name, f in cls.model_fields.items():
            bounds = {type(m).__name__.lower(): getattr(m, type(m).__name__.lower())
                      for m in f.metadata if type(m).__name__ in ("Ge", "Le", "Gt", "Lt")}
            choices = (list(typing.get_args(f.annotation))
                       if typing.get_origin(f.annotation) is typing.Literal else None)
            zh, en = _unit(name)
            params.append({"name": name, "type": _type(f.annotation), "default": default[name],
                           "choices": choices, "bounds": bounds, "unit_zh": zh, "unit_en": en,
                           "description": f.description or ""})
        out.append({"id": rid, "name_zh": RULE_NAMES[rid][0], "name_en": RULE_NAMES[rid][1],
                    "doc": " ".join((cls.__doc__ or "").split()),
                    "modes": params[0]["choices"], "params": params})
    return out


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
