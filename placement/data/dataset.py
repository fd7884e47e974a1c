"""The validated, typed in-memory data set that every later step reads.

A `DataSet` is only ever built by the loader (`placement.data.loader`) or the
generator after validation, so code that receives one does not re-check it.

Column types in the frames (canonical names from `placement.data.schema`):
    id / ref / text / enum   str ("" where empty)
    bool                     numpy bool
    date                     datetime64[ns] (NaT where empty)
    int                      pandas Int64 (<NA> where empty)
    float                    float64 (NaN where empty)
    list / grades            tuple[str, ...] (grades canonical, newest first)
Every frame also has `_row`: the row number the user sees in the source
(spreadsheet row: the header is row 1, the first data row is row 2).
`posts` and `cadres` carry `rank_level` (1 = 副科 … 6 = 正厅).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class DataSet:
    teams: pd.DataFrame
    posts: pd.DataFrame
    cadres: pd.DataFrame
    relations: pd.DataFrame
    fit: pd.DataFrame
    # table name -> where it was read from ("data/teams.csv" or "book.xlsx#干部")
    sources: dict[str, str] = field(default_factory=dict)
    # source file -> sha256 hex digest, for summary.json
    checksums: dict[str, str] = field(default_factory=dict)
    # what validation let through but a planner should hear about (a column like no
    # known one, whose values are not read): `placement.data.errors.Problem`s, shown
    # by validate and solve and recorded in summary.json
    warnings: tuple = ()

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)


def has_specialty(data: DataSet, cadre: np.ndarray, wanted: np.ndarray, of: np.ndarray
                  ) -> np.ndarray:
    """Bool per pair i: `wanted[of[i]]` (a value per post or team row, `of` the pairs'
    rows) is non-empty and among cadre `cadre[i]`'s specialties.

    The specialty lists are flattened once into (cadre, specialty code) keys and the
    wanted values coded once per row, so the test is one `np.isin` over the pairs
    (coding the values per pair took most of it at scale60, 738k pairs). Read by the
    fit (the post's specialty) and by R-EL8, R-TC7 / R-TC9 (the team's system, the
    specialty it needs): a fact of the data, so it lives with the data set, below all."""
    lists = data.cadres["specialties"].to_numpy(dtype=object)
    count = np.fromiter(map(len, lists), np.int64, len(lists))
    codes, vocab = pd.factorize(np.fromiter(chain.from_iterable(lists), object, int(count.sum())))
    held = np.repeat(np.arange(len(lists), dtype=np.int64), count) * len(vocab) + codes
    wanted = np.asarray(wanted, dtype=object)
    code = np.where(wanted != "", pd.Index(vocab).get_indexer(wanted), -1)[of]
    key = np.asarray(cadre, dtype=np.int64) * len(vocab) + code
    return (code >= 0) & np.isin(key, held)


def same_value(left: pd.Series, right: pd.Series, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Bool per pair k: `left.iat[i[k]] == right.iat[j[k]]` (two columns of the data,
    `i` and `j` row positions), compared as codes of the values `right` holds (a value
    `right` lacks equals nothing). Why: comparing the text per pair was most of the
    pair rules' and rotation rules' time at scale60 (738k pairs); each row is coded
    once."""
    values = pd.Index(pd.unique(right.to_numpy(dtype=object)))
    return values.get_indexer(left.to_numpy(dtype=object))[i] == \
        values.get_indexer(right.to_numpy(dtype=object))[j]

