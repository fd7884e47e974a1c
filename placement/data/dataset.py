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

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from typing import TypeVar

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
    # What `derived` read from the tables, made once: not part of the data (not compared,
    # not shown, not copied by `dataclasses.replace`: a new data set reads its own).
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)


T = TypeVar("T")


def derived(data: DataSet, key: object, make: Callable[[], T]) -> T:
    """`make()`, made once per data set under `key` and kept in `data.memo`: per-row
    arrays read from the tables that several steps of one proposal need (the pair
    rules read them twice, for the exchange movers and for every pair; the fit, the
    team rules and R-EL8 the cadres' specialties). Why: each such read cost 1-6 ms at
    province size, and the pair rules alone 16 ms a call whatever the number of pairs
    (issue 29). Sound because a data set's tables are never changed in place (inputs
    are never modified; a changed data set is a new one); the arrays are returned
    read-only, so that no reader changes what the next one reads."""
    memo = data.memo
    if key not in memo:
        value = make()
        for a in value if isinstance(value, tuple) else (value,):
            if isinstance(a, np.ndarray):
                a.flags.writeable = False
        memo[key] = value
    return memo[key]


def is_in(data: DataSet, table: str, column: str, values) -> np.ndarray:
    """Bool per row of a table: its `column` is among `values` (text), made once per data
    set and values. Why: the pair rules compare the same text columns for the exchange
    movers and again for every pair (R-EL1's ranks, a head post, R-EL10's party, R-RO9's
    findings, the teams' kinds and systems)."""
    values = tuple(values)
    return derived(data, ("is_in", table, column, values), lambda: np.isin(
        getattr(data, table)[column].to_numpy(dtype=object), list(values)))


def post_team(data: DataSet) -> np.ndarray:
    """The row in `teams` of each post's team, made once per data set (the facts, the fit
    and the Party posts read it)."""
    return derived(data, "post_team", lambda: pd.Index(data.teams["team_id"]).get_indexer(
        data.posts["team_id"]))


def list_codes(data: DataSet, table: str, column: str) -> tuple[np.ndarray, np.ndarray]:
    """A list column (tuples) of a table, each row's list coded among the distinct lists,
    and those lists (`pd.factorize`), made once per data set. Why: 13,613 cadres of the
    province hold 11 distinct assessment tuples; the grade table of the facts and the
    fit's mean grade are made once per distinct tuple, not once per cadre (issue 29)."""
    return derived(data, ("list_codes", table, column), lambda: pd.factorize(
        getattr(data, table)[column].to_numpy(dtype=object)))


def has_specialty(data: DataSet, cadre: np.ndarray, wanted: np.ndarray, of: np.ndarray
                  ) -> np.ndarray:
    """Bool per pair i: `wanted[of[i]]` (a value per post or team row, `of` the pairs'
    rows) is non-empty and among cadre `cadre[i]`'s specialties.

    The specialties a cadre holds are kept once as bits (`_specialties`) and the wanted
    values coded once per row, so the test is one look-up per pair (coding the values
    per pair took most of it at scale60, 738k pairs; an `np.isin` of (cadre, code) keys
    sorted them whenever the pairs were few, 3 ms for R-EL8 on a province's 1,681
    sitting cadres). Read by the fit (the post's specialty) and by R-EL8, R-TC7 / R-TC9
    (the team's system, the specialty it needs): a fact of the data, so it lives with
    the data set, below all."""
    bits, width, vocab = derived(data, "specialties", lambda: _specialties(data))
    codes, distinct = pd.factorize(np.asarray(wanted, dtype=object), use_na_sentinel=False)
    code = np.where(distinct != "", vocab.get_indexer(distinct), -1)[codes]
    at = np.maximum(code, 0)  # per row: the byte of the wanted code, and its bit (none: 0)
    bit = np.where(code >= 0, 1 << (at & 7), 0).astype(np.uint8)
    return (bits[np.asarray(cadre, dtype=np.int64) * width + (at >> 3)[of]] & bit[of]) != 0


def _specialties(data: DataSet) -> tuple[np.ndarray, int, pd.Index]:
    """The specialties each cadre holds as bits (`width` bytes a cadre, flat: bit k of a
    cadre's bytes set for specialty code k), `width`, and the specialties coded (their
    index). Made per distinct list (`list_codes`): a province's 13,613 cadres hold 838."""
    which, lists = list_codes(data, "cadres", "specialties")
    count = np.fromiter(map(len, lists), np.int64, len(lists))
    codes, vocab = pd.factorize(np.fromiter(chain.from_iterable(lists), object, int(count.sum())))
    width = len(vocab) // 8 + 1
    bits = np.zeros((len(lists), width), dtype=np.uint8)
    np.bitwise_or.at(bits, (np.repeat(np.arange(len(lists)), count), codes >> 3),
                     (1 << (codes & 7)).astype(np.uint8))
    return bits[which].ravel(), width, pd.Index(vocab)


def same_value(left: pd.Series, right: pd.Series, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Bool per pair k: `left.iat[i[k]] == right.iat[j[k]]` (two columns of the data,
    `i` and `j` row positions), compared as codes of the values `right` holds (a value
    `right` lacks equals nothing). Why: comparing the text per pair was most of the
    pair rules' and rotation rules' time at scale60 (738k pairs); each row is coded
    once."""
    a, b = _value_codes(left, right)
    return a[i] == b[j]


def same_value_in(data: DataSet, left: tuple[str, str], right: tuple[str, str],
                  i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """`same_value` of two columns of the data set, each (table, column): their codes
    made once per data set (`derived`)."""
    a, b = derived(data, ("same_value", left, right), lambda: _value_codes(
        getattr(data, left[0])[left[1]], getattr(data, right[0])[right[1]]))
    return a[i] == b[j]


def _value_codes(left: pd.Series, right: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each row's value coded among the values `right` holds (-1: none of them). Each
    column is factorized first and its distinct values looked up: half the time of a
    look-up per row for a column of the cadres."""
    right_codes, values = pd.factorize(right.to_numpy(dtype=object), use_na_sentinel=False)
    codes, distinct = pd.factorize(left.to_numpy(dtype=object), use_na_sentinel=False)
    return pd.Index(values).get_indexer(distinct)[codes], right_codes
