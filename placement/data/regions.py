"""Region names: the place a region's teams are named after (R07 → 洪洞县).

Regions have ids, not names, in the data set. A region's name is the place
its teams are named after ("中共洪洞县委员会", "洪洞县人民政府" … → 洪洞县) when
every team that names a place names the same one (a township team such as
大槐树镇 names none and does not count); `regions.csv` beside the data set
(`region,name`) names regions whose teams do not (R00 → 临汾市, the city whose
municipal organs have no team in a county data set) or overrides a name.

This is the one home of region naming: the reports, the explanations and the
reading of post titles (`placement.export.lrmx.titles`) all ask here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from placement.data.dataset import DataSet

REGIONS_FILE = "regions.csv"

# How a team's name names its place: 中共X委员会, X人民政府, X人大常委会, 政协X委员会.
_TEAM_PLACE = (r"^中共(.+?)委员会$", r"^(.+?)人民政府$", r"^(.+?)人大常委会$",
               r"^政协(.+?)委员会$")


def team_place(team_name: str) -> str | None:
    """The place a team is named after: 中共洪洞县委员会 → 洪洞县."""
    for pattern in _TEAM_PLACE:
        m = re.match(pattern, team_name.strip())
        if m:
            return m.group(1)
    return None


def region_names_file(folder: Path) -> dict[str, str]:
    """`regions.csv` (region, name) in a folder; {} when there is none."""
    path = Path(folder) / REGIONS_FILE
    if not path.is_file():
        return {}
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return {str(r).strip(): str(n).strip() for r, n in zip(frame["region"], frame["name"],
                                                          strict=True)
            if str(r).strip() and str(n).strip()}


def team_region_names(teams: pd.DataFrame, named: dict[str, str] | None = None
                      ) -> tuple[dict[str, str], tuple[str, ...]]:
    """({region: name}, regions left unnamed): the teams' agreed place, then `named`
    (regions.csv) over it."""
    by_region: dict[str, set[str]] = {}
    for region, name in zip(teams["region"], teams["name"], strict=True):
        places = by_region.setdefault(str(region), set())
        place = team_place(str(name))
        if place:
            places.add(place)
    agreed = {r: next(iter(p)) for r, p in by_region.items() if len(p) == 1}
    unnamed = tuple(sorted(r for r in by_region if r not in agreed and r not in (named or {})))
    return agreed | dict(named or {}), unnamed


def data_folder(data: DataSet) -> Path | None:
    """The folder the data set was read from (a CSV folder, or the workbook's folder);
    None for a data set built in memory."""
    source = Path(data.sources.get("teams", "").split("#")[0])
    return source.parent if source.is_file() else None


def region_names(data: DataSet) -> dict[str, str]:
    """{region id: name} of a data set, with `regions.csv` beside it."""
    folder = data_folder(data)
    return team_region_names(data.teams, region_names_file(folder) if folder else None)[0]


def region_id(names: dict[str, str], text: str) -> str:
    """The region a planner means by `text`: its id, its name (洪洞县) or the name without
    its 县/区/市 (洪洞); `text` itself when none matches (no region then filters to
    nothing, as an unknown id does)."""
    text = text.strip()
    if text in names:
        return text
    for region, name in sorted(names.items()):
        if text in (name, re.sub(r"[县区市]$", "", name)):
            return region
    return text
