"""Filling imported cadres with what their forms imply (`derive`), against the data set.

The titles are read against the data set the forms are imported into (DATASET
of `import-lrmx`): its teams and posts (the catalogue of titles, and the
places the teams are named after), `regions.csv` when present (`region,name`:
names for regions without teams, such as the city R00 → 临汾市), and the
systems its teams and cadres use. A data set without teams still gets ranks
and township experience from the built-in catalogue, but no region ids.

A non-CPC party with a 现任职务 that is a Party office (`meaning.posts.PARTY_TITLE`, or
a county party committee post) is a warning per file (R-EL10): the party or the
title is likely misread, and a solve would not keep the cadre in such a post.

`secretary_exp` is written only when the data contract (`schema.CADRES`) has
that column; otherwise the derived value is only reported in lrmx_import.csv.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from placement.data.errors import Problem
from placement.data.i18n import MESSAGES
from placement.data.regions import region_names_file
from placement.data.schema import CADRES, PARTY_CPC, POSTS, TABLE_ALIASES, TEAMS, Table
from placement.export.lrmx.derive import DERIVED_COLUMNS, derive
from placement.export.lrmx.read import Person
from placement.export.lrmx.titles import TitleReader, places_of
from placement.roster.result_folder import read_csv_text


def _table(out: Path, table: Table) -> pd.DataFrame:
    """A table of the data set with canonical headers; empty (with its columns) if absent."""
    names = {c.name: c.name for c in table.columns} | {c.zh: c.name for c in table.columns}
    for f in sorted(out.glob("*.csv")) if out.is_dir() else []:
        stem = f.stem.strip().lstrip("\ufeff")
        if (TABLE_ALIASES.get(stem) or TABLE_ALIASES.get(stem.lower())) == table.name:
            frame = read_csv_text(f)  # the one CSV reader: encoding errors are input errors
            frame.columns = [names.get(str(h).strip().lstrip("\ufeff"), str(h))
                             for h in frame.columns]
            return frame
    return pd.DataFrame({c.name: pd.Series([], dtype=str) for c in table.columns})


def reader_for(out: Path) -> TitleReader:
    """A title reader for the data set folder `out` (which may not exist yet)."""
    out = Path(out)
    teams, posts, cadres = _table(out, TEAMS), _table(out, POSTS), _table(out, CADRES)
    named = region_names_file(out) if out.is_dir() else {}
    systems = tuple(teams.get("system", pd.Series([], dtype=str))) + tuple(
        cadres.get("system", pd.Series([], dtype=str)))
    return TitleReader(places_of(teams, named), teams, posts, systems)


def writable(column: str) -> bool:
    return any(c.name == column for c in CADRES.columns)


def fill(person: Person, reader: TitleReader) -> None:
    """Derive `person`'s values into `person.derived` and report each in its statuses."""
    d = derive(person.texts, reader, DERIVED_COLUMNS)
    for column, value in d.values.items():
        if column == "party":  # a reading of the form itself: it replaces the date's cpc
            person.row["party"] = value
            person.statuses.append(("party", "derived", d.sources[column], value))
        elif writable(column):
            person.derived[column] = value
            person.statuses.append((column, "derived", d.sources[column], value))
        else:
            person.statuses.append((column, "derived, not written", f"{d.sources[column]}; "
                                    f"the data set has no {column} column", value))
    person.post = d.post
    party = person.row.get("party", "")
    if d.party_post and party and party != PARTY_CPC:  # R-EL10, told before any solve
        person.warnings.append(Problem("lrmx_party_post", source=person.where,
                                       column="XianRenZhiWu"))
        person.statuses.append(("party", "warning", MESSAGES["lrmx_party_post"][1]))
    if d.team_kind:
        person.statuses.append(("team_kind", "derived", "from 现任职务", d.team_kind))
    person.statuses.extend(d.notes)
