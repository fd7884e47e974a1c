"""A plan's locks (`placement plan --locks FILE`, `api.plan(locks=...)`): must / forbid /
keep, each for one year of the plan or for the whole term.

The shape is the scenario's `[locks]` (docs/scenario.md) with one more key: an item may
name the calendar `year` (as the year folder is named: 2028) it holds in; without one
it holds in every year of the term. The file is TOML, either that table at the top or
under `[locks]`:

    must = [{ cadre = "C0412", post = "P0031", year = 2028 }]
    forbid = [{ cadre = "C0100", post = "P0007" }]
    keep = ["T005", { id = "P0031", year = 2027 }]

The API takes the same as a dict (the workbench's locks, `{"must": [{"cadre", "post"}],
"keep": [...]}`, each item optionally with `year`; the workbench's `reason` and
`keep_reasons` are accepted and not read). Why here and not in the scenario: a
scenario is one year's; the plan's locks say in which of its years a decision holds
(a planned appointment in 2028, a team kept until the next 换届). The scenario's own
locks keep their plan reading (`rolling.year_scenario`: forbid every year, must and
keep in year 1). Every problem is collected with the file (or `locks`) and the item's
path (`locks.must[0].year`): an unknown id, a year outside the plan, an unknown key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from placement.data.dataset import DataSet
from placement.data.errors import InputError, Problem
from placement.data.scenario import Locks, Pair

KINDS = ("must", "forbid", "keep")


@dataclass(frozen=True)
class PlanLock:
    """One lock: `kind` (must, forbid, keep), the cadre and post of a pair or the post or
    team id of a keep (`ident`), and the calendar year it holds in (None: every year)."""

    kind: str
    cadre: str = ""
    post: str = ""
    ident: str = ""
    year: int | None = None


def read_plan_locks(path: Path | str, data: DataSet, first_year: int,
                    years: int) -> list[PlanLock]:
    """The locks of a TOML file (module docstring); `InputError` with every problem."""
    path = Path(path)
    if not path.is_file():
        raise InputError([Problem("file_missing", params={"path": str(path)})])
    try:
        table = tomllib.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise InputError([Problem("bad_toml", str(path), params={"reason": str(err)})]) from None
    return plan_locks(table.get("locks", table), data, first_year, years, str(path))


def plan_locks(table: dict, data: DataSet, first_year: int, years: int,
               source: str = "locks") -> list[PlanLock]:
    """The locks of a `{"must": [...], "forbid": [...], "keep": [...]}` table, checked
    against the data set and the plan's years (`first_year` … + `years` - 1)."""
    if not isinstance(table, dict):
        raise InputError([Problem("bad_setting", source, None, "locks",
                                  {"key": "locks", "reason": "not a table"})])
    known = {"cadre": set(data.cadres["cadre_id"]), "post": set(data.posts["post_id"])}
    places = known["post"] | set(data.teams["team_id"])
    last = first_year + years - 1
    out, problems = [], []
    for key in table:
        if key not in (*KINDS, "keep_reasons"):  # the workbench's reasons: not a lock
            problems.append(Problem("unknown_key_choices", source, None, f"locks.{key}",
                                    {"key": key, "choices": ", ".join(KINDS)}))
    for kind in KINDS:
        items = table.get(kind, [])
        if not isinstance(items, list):
            problems.append(Problem("bad_setting", source, None, f"locks.{kind}",
                                    {"key": kind, "reason": "not a list"}))
            continue
        for i, item in enumerate(items):
            where = f"locks.{kind}[{i}]"
            if kind == "keep" and isinstance(item, str):
                item = {"id": item}
            fields = ("id", "year") if kind == "keep" else ("cadre", "post", "year", "reason")
            if not isinstance(item, dict) or set(item) - set(fields):
                problems.append(Problem("bad_setting", source, None, where, {
                    "key": where, "reason": "expected a table of " + ", ".join(fields)}))
                continue
            bad = len(problems)
            year = item.get("year")
            if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
                problems.append(Problem("bad_int", source, None, f"{where}.year",
                                        {"value": str(year)}))
            elif year is not None and not first_year <= year <= last:
                problems.append(Problem("out_of_range", source, None, f"{where}.year",
                                        {"value": year, "low": first_year, "high": last}))
            if kind == "keep":
                ident = str(item.get("id", ""))
                if ident not in places:
                    problems.append(Problem("unknown_ref", source, None, f"{where}.id", {
                        "value": ident, "target": "posts.post_id / teams.team_id"}))
                elif len(problems) == bad:
                    out.append(PlanLock(kind, ident=ident, year=year))
                continue
            for part in ("cadre", "post"):
                if str(item.get(part, "")) not in known[part]:
                    problems.append(Problem("unknown_ref", source, None, f"{where}.{part}", {
                        "value": str(item.get(part, "")), "target": f"{part}s.{part}_id"}))
            if len(problems) == bad:
                out.append(PlanLock(kind, str(item["cadre"]), str(item["post"]), year=year))
    if problems:
        raise InputError(problems)
    return out


def year_locks(base: Locks, locks: list[PlanLock], year: int) -> Locks:
    """`base` (the year's own reading of the scenario's locks) with the plan's locks that
    hold in calendar `year` (those with that year, and those for the whole term)."""
    here = [lk for lk in locks if lk.year in (None, year)]
    return base.model_copy(update={
        "must": [*base.must, *(Pair(cadre=lk.cadre, post=lk.post) for lk in here
                               if lk.kind == "must")],
        "forbid": [*base.forbid, *(Pair(cadre=lk.cadre, post=lk.post) for lk in here
                                   if lk.kind == "forbid")],
        "keep": [*base.keep, *(lk.ident for lk in here if lk.kind == "keep")]})
