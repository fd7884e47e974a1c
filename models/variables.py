"""The variable container of the placement model.

One boolean `x[i]` per eligible pair i (`placement.eligibility.pairs.Pairs`): cadre
`pairs.cadre[i]` holds post `pairs.post[i]`. Rule families reach them by pair
index (`x`, `groups`, `total`) or by cadre and post (`assigned`, `holder`), add
their constraints through the helpers here, and register every penalised
shortfall under its rule and place (`R-TC5[T0301]`), so that explanations and
the lexicographic objective read the model's own names. Locks and tests force a
pair with `fix`; `extract` reads the chosen pairs back from a solver's answer.

Nothing here loops over pairs in Python (issue 16: at province size, 147k pairs,
such loops made up most of the model's build time). The pair variables are added to
the proto by merging kept blocks of booleans (a `new_bool_var` loop, or OR-Tools
9.15's `new_bool_var_series`, which is the same loop, costs 0.44 s at 147k pairs, a
text-format merge 0.06 s, the blocks 0.02 s: `_booleans`); their `IntVar` handles are
made only when a rule asks for one (`x[i]`), and sums over pairs (`total`) are built
from column indices, never from handles. Groups of pairs (`groups`) come from one
stable argsort, and `add_groups` writes one exactly-one or at-most-one constraint per
group, each from a slice of one column list. The model is the same, constraint for
constraint, as the one the loops built (tests/test_build_bulk.py). Rules with many
places write them family by family (`add_minima`: the variables in one `new_columns`,
then the rows), not one `require` or `model.add` per place (issue 29).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model, cp_model_helper

from models.rows import AT_MOST_ONE, BOOL_OR, EXACTLY_ONE, INT64_MAX, INT64_MIN, LINEAR, Model
from placement.data.dataset import DataSet
from placement.data.scenario import Scenario
from placement.eligibility.facts import Facts
from placement.eligibility.pairs import Pairs, held_to_stay


@dataclass
class Shortfall:
    """A penalised shortfall of a target rule at one place."""

    rule: str
    where: str
    var: cp_model.IntVar
    weight: int
    priority: int



@dataclass(frozen=True)
class Row:
    """`lo ≤ Σ coeffs[k]·v[vars[k]] ≤ hi` over model variable indices, written into the
    proto as it stands (`Placement.add_row`), terms in the order given.

    Why: `model.add(expr <= k)` canonicalises the expression in OR-Tools first; for
    R-TC10's average age (145k terms at province size) that took 0.066 s, and each small
    team row paid about 20 µs for `total` and the comparison (issue 16). The proto is the
    one `model.add` wrote for the same terms, none repeated (tests/test_build_bulk.py)."""

    vars: list[int]
    coeffs: list[int]
    lo: int = INT64_MIN
    hi: int = INT64_MAX


@dataclass
class PairPenalty:
    """A target pair rule: every chosen pair in `mask` costs `weight`."""

    rule: str
    mask: np.ndarray
    weight: int
    priority: int


class PairVars(Sequence):
    """The pair variables `x[i]`, a handle made on first use and kept (so `x[i] is x[i]`).

    Why lazy: making 147k handles costs 0.2–0.4 s, and the build needs only a few
    (locks, R-RO8's head posts); sums go through `Placement.total` by column."""

    def __init__(self, model: cp_model.CpModel, columns: np.ndarray):
        self._model, self._columns, self._made = model, columns, {}

    def __len__(self) -> int:
        return len(self._columns)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = int(i)
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        var = self._made.get(i)
        if var is None:
            var = self._made[i] = self._model.get_bool_var_from_proto_index(
                int(self._columns[i]))
        return var


def _booleans(proto: cp_model_helper.CpModelProto, n: int) -> None:
    """Append `n` boolean variables (domain [0, 1], no name) to `proto` by merging blocks
    of 4096 and then the blocks of n's remaining binary digits, each merge a copy in
    C++. Why: parsing n copies of their text cost 0.064 s at province size (145k
    pairs), a loop of `variables.add()` more; doubling a block per call and merging it
    0.030-0.047 s, as it copied each variable three times; the blocks made once and
    kept (8k variables, under 1 MB) copy each once: 0.02 s (issue 29)."""
    blocks = _blocks()
    big, n = divmod(n, len(blocks[-1].variables))
    for _ in range(big):
        proto.merge_from(blocks[-1])
    k = 0
    while n:
        if n & 1:
            proto.merge_from(blocks[k])
        n >>= 1
        k += 1


def _within(counts: np.ndarray) -> np.ndarray:
    """Each entry's place within its run, for runs of `counts` entries laid end to end."""
    return np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)


@functools.cache
def _blocks() -> tuple[cp_model_helper.CpModelProto, ...]:
    """Protos of 1, 2, 4, … 4096 boolean variables (`_booleans`)."""
    block = cp_model_helper.CpModelProto()
    block.variables.add().domain.extend([0, 1])
    out = [block]
    for _ in range(12):
        block = cp_model_helper.CpModelProto()
        block.merge_from(out[-1])
        block.merge_from(out[-1])
        out.append(block)
    return tuple(out)


@dataclass
class Placement:
    data: DataSet
    scenario: Scenario
    facts: Facts
    pairs: Pairs
    # Its rows are kept as arrays until the proto is read (`models.rows.Model`).
    model: Model = field(default_factory=Model)
    x: list = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    pair_penalties: list[PairPenalty] = field(default_factory=list)
    # Explanation mode: every hard rule instance is enforced by a named literal, which the
    # infeasibility explanation passes to CP-SAT as an assumption (`require`).
    explaining: bool = False
    assumptions: dict = field(default_factory=dict)
    # A published roster to stay close to (`--from`): post_id, cadre_id columns.
    baseline: pd.DataFrame | None = None
    start: pd.DataFrame | None = None  # a starting roster (hint): `--from` or a what-if's
    # (rule, where) -> the proto constraint index of a team minimum's row (`count ≥
    # required`, with the shortfall when a target), so that the price of relaxing one
    # place (`placement.pipeline.prices`) lowers that row alone.
    minimum_rows: dict = field(default_factory=dict)
    # rule family -> (first row, end row, first column, end column) it added, in build
    # order, an empty range when off (`models.builder.build`).
    spans: dict = field(default_factory=dict)
    # What a what-if changed of the model this one's was copied from
    # (`models.builder.Derivation`), for the HiGHS side to change that model's arrays
    # alike; None for a model built whole.
    derived: object | None = None

    def __post_init__(self) -> None:
        n, first = len(self.pairs), len(self.model.model_proto.variables)
        _booleans(self.model.model_proto, n)
        # The model variable index of each pair's x: the pair's column in an answer.
        self.columns = np.arange(first, first + n, dtype=np.int64)
        self.x = PairVars(self.model, self.columns)
        # Pairs sorted by (post, cadre) key, to find a pair or a post's pairs by search.
        key = self.pairs.post * len(self.data.cadres) + self.pairs.cadre
        # (pairs come by post and cadre already: then no sort)
        self._by_key = np.arange(len(key)) if len(key) < 2 or (key[1:] >= key[:-1]).all() \
            else np.argsort(key, kind="stable")
        self._sorted_key = key[self._by_key]
        self.pair_team = self.facts.p_team[self.pairs.post]
        # The pair that keeps each cadre in their own post, -1 if they cannot stay.
        self.stay_pair = np.full(len(self.data.cadres), -1, dtype=np.int64)
        own = np.flatnonzero(self.pairs.own)
        self.stay_pair[self.pairs.cadre[own]] = own
        # Held to stay: no pair rule, hard or target, gives a cause to leave (`held_to_stay`).
        self.held = held_to_stay(self.pairs, len(self.data.cadres))

    # --- pairs by cadre and post ---------------------------------------------------
    def pair_index(self, cadre: int, post: int) -> int:
        """The index of the pair (cadre row, post row), -1 when it has no variable."""
        k = int(post) * len(self.data.cadres) + int(cadre)
        j = int(np.searchsorted(self._sorted_key, k))
        found = j < len(self._sorted_key) and self._sorted_key[j] == k
        return int(self._by_key[j]) if found else -1

    def assigned(self, cadre: int, post: int) -> cp_model.IntVar:
        """The variable "cadre holds post" (rows of `data.cadres`, `data.posts`).

        KeyError when the pair has no variable: outside availability, forbidden by a
        lock, or removed by a hard pair rule (`pairs.removed` says which)."""
        i = self.pair_index(cadre, post)
        if i < 0:
            raise KeyError(f"no variable for cadre {self._cadre_id(cadre)} "
                           f"on post {self._post_id(post)}")
        return self.x[i]

    def holder(self, post: int) -> list[tuple[int, cp_model.IntVar]]:
        """Who may hold the post: (cadre row, variable) for each of its pairs, in pair order.
        Exactly one of the variables is 1 in a roster (`add_assignment`); empty when
        nobody may take the post."""
        n = len(self.data.cadres)
        lo, hi = np.searchsorted(self._sorted_key, [int(post) * n, (int(post) + 1) * n])
        return [(int(self.pairs.cadre[i]), self.x[i]) for i in np.sort(self._by_key[lo:hi])]

    def fix(self, cadre: int, post: int, value: bool, rule: str | None = None,
            where: str | None = None) -> None:
        """Force the pair in (`value` true) or out, as a hard rule instance: for locks and tests.

        Goes through `require`, so in explanation mode the lock is the named literal
        `rule[where]` (rule LOCK_MUST or LOCK_FORBID by default, where "cadre_id->post_id").
        Otherwise the pair's variable is fixed by its domain, not by a row: the model
        keeps the rows and columns of the model without the lock, so a warm lock
        what-if changes a bound of the kept HiGHS instance in place
        (`placement.solver.warm`) instead of searching a new model (issue 29). Fixed
        both ways, or forcing in a pair that has no variable, cannot hold
        (`require(..., False)`); forcing it out holds already."""
        rule = rule or ("LOCK_MUST" if value else "LOCK_FORBID")
        where = where or f"{self._cadre_id(cadre)}->{self._post_id(post)}"
        i = self.pair_index(cadre, post)
        if i >= 0 and not self.explaining:
            domain = self.model.model_proto.variables[int(self.columns[i])].domain
            v, last = int(bool(value)), len(domain) - 1  # the proto's lists index from 0 up
            if domain[0] <= v <= domain[last]:
                domain[0] = domain[last] = v
            else:
                self.require(rule, where, False)
        elif i >= 0:
            self.require(rule, where, self.x[i] == int(bool(value)))
        elif value:
            self.require(rule, where, False)

    def extract(self, values: np.ndarray) -> np.ndarray:
        """The indices of the chosen pairs, from a full assignment of the model's variables
        (`values[v]` for model variable v, as the CP-SAT and HiGHS answers give it)."""
        return np.flatnonzero(values[self.columns])

    def _cadre_id(self, cadre: int) -> str:
        return self.data.cadres["cadre_id"].iat[int(cadre)]

    def _post_id(self, post: int) -> str:
        return self.data.posts["post_id"].iat[int(post)]

    # --- grouping ------------------------------------------------------------
    def groups(self, keys: np.ndarray, mask: np.ndarray | None = None) -> dict[int, np.ndarray]:
        """Pair indices grouped by an integer key per pair (optionally only where `mask`)."""
        keys_of, idx, starts = self.group_bounds(keys, mask)
        if len(idx) == 0:
            return {}
        return dict(zip(keys_of.tolist(), np.split(idx, starts[1:-1]), strict=True))

    def group_bounds(self, keys: np.ndarray, mask: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`groups` as arrays: the keys in ascending order, the pair indices sorted by key
        (pair order within a key) and where each key's run starts (plus the end)."""
        idx = np.arange(len(self.pairs)) if mask is None else np.flatnonzero(mask)
        k = np.asarray(keys)[idx]
        # Pairs come by post, and posts by team and county: most keys are in order
        # already (11 of the province's 17 groupings), and a stable sort of them is no
        # change. Otherwise keys within 65536 of each other are sorted as uint16: numpy's
        # stable sort is then a radix sort, 1 ms for 137k pairs where int64 keys took
        # 4.4 ms; the same order.
        if len(k) > 1 and not (k[1:] >= k[:-1]).all():
            low = int(k.min())
            order = np.argsort((k - low).astype(np.uint16) if int(k.max()) - low < 2**16
                               else k, kind="stable")
            idx, k = idx[order], k[order]
        starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]]) if len(k) else \
            np.array([], dtype=np.int64)
        return k[starts].astype(np.int64), idx, np.r_[starts, len(idx)]

    def add_groups(self, kind: str, idx: np.ndarray, starts: np.ndarray) -> None:
        """One `kind` constraint ("exactly_one" or "at_most_one") over the pairs of each
        group, in group order: group g is idx[starts[g]:starts[g + 1]]. The same
        constraints as `model.add_exactly_one([...])` per group; each group's columns go
        in as one C++ `extend` of a list slice: 0.03 s for the province's 14k groups,
        where one text-format merge of them all took 0.12 s (issue 16)."""
        starts = np.asarray(starts, dtype=np.int64)
        if len(starts) < 2:
            return
        self.model.groups(EXACTLY_ONE if kind == "exactly_one" else AT_MOST_ONE,
                          self.columns[idx[starts[0]:starts[-1]]], starts)

    def new_columns(self, names: list[str], lower: list[int] | None = None,
                    upper: list[int] | None = None) -> int:
        """New model variables named `names`, in order, each [lower[k], upper[k]] (by
        default [0, 1]); returns the first one's index. The proto `new_int_var` writes
        per name, made as `_booleans` and named when the proto is read
        (`models.rows.Model.name`), bounds set where not [0, 1]: a variable added field
        by field cost 3 µs, most of the per-place time of rules with thousands of places
        (issue 29)."""
        proto = self.model.model_proto
        first = len(proto.variables)
        _booleans(proto, len(names))
        self.model.name(first, names)
        variables = proto.variables
        for j, lo, hi in zip(range(first, first + len(names)), lower or (), upper or (),
                             strict=False):
            if (lo, hi) != (0, 1):
                domain = variables[j].domain
                domain[0], domain[1] = lo, hi
        return first

    def add_minima(self, rule: str, mode: str, wheres: list[str], required: list[int],
                   terms: list[list[int]] | None = None,
                   flags: list[tuple[list[str], list[list[int]]]] | None = None,
                   always: bool = False, record: bool = True, fixed: bool = False) -> list:
        """Per place k (named `wheres[k]`): Σ of its terms ≥ `required[k]` in `mode`, hard
        (in explanation mode behind its literal `rule[where]`, as `require`) or with a
        shortfall `rule[where]` in [0, required] penalised at the rule's weight. A place's
        terms are model variable indices `terms[k]`, or new booleans `flags[k]` = (names,
        groups): one flag per name, at most the Σ x over its group of pair columns
        (`flag ≤ Σ x`, written before the place's row), made even where nothing is
        required. A place whose requirement is not positive gets no row. The minimum's
        row index is kept in `minimum_rows` where it has terms (`always`: every place;
        not `record`: none). `fixed`: a target place without terms gets its shortfall
        fixed at the requirement and no row. Returns the shortfall handles (None when
        hard), per place.

        The model `require`, `new_int_var` and `model.add` wrote place by place, written
        family by family: the variables in one `new_columns`, then the rows (issue 29:
        the province's 1.2k team minima and 3.1k age bands cost 0.14 s place by place)."""
        proto, r = self.model.model_proto, self.scenario.rules[rule]
        hard, col = mode == "hard", len(proto.variables)
        names: list[str] = []
        lower: list[int] = []
        upper: list[int] = []
        places = []  # (own terms, flag groups, extra column or -1, literal is new)
        made: dict[str, int] = {}  # hard literals made here, by name
        for k, where in enumerate(wheres):
            groups: list[list[int]] = []
            if flags is not None:
                fnames, groups = flags[k]
                own = list(range(col, col + len(fnames)))
                names += fnames
                lower += [0] * len(fnames)
                upper += [1] * len(fnames)
                col += len(fnames)
            else:
                own = terms[k]
            extra, new = -1, False
            if required[k] > 0 and (not hard or self.explaining):
                key = f"{rule}[{where}]"
                lit = self.assumptions.get(key) if hard else None
                if hard and (lit is not None or key in made):  # one literal per name
                    extra = lit.index if lit is not None else made[key]
                else:
                    extra, new = col, True
                    if hard:
                        made[key] = col
                    names.append(key)
                    upper.append(1 if hard else required[k])
                    lower.append(required[k] if fixed and not own and not hard else 0)
                    col += 1
            places.append((own, groups, extra, new))
        self.new_columns(names, lower, upper)
        keep, row = self.model.row, self.model.rows
        out = []
        for k, (own, groups, extra, new) in enumerate(places):
            for flag, group in enumerate(groups, own[0] if own else 0):
                keep(LINEAR, [*group, flag], [*[-1] * len(group), 1], INT64_MIN, 0)
            row += len(groups)
            need, where, short = required[k], wheres[k], None
            if need <= 0:
                out.append(None)
                continue
            if not hard and fixed and not own:
                short = cp_model.IntVar(proto, extra)
                self.shortfalls.append(Shortfall(rule, where, short, r.weight, r.priority))
                out.append(short)
                continue
            if record and (own or always):
                self.minimum_rows[(rule, where)] = row
            row += 1
            enforced = None
            if hard and self.explaining:
                lit = self.model.get_bool_var_from_proto_index(extra)
                if new:
                    self.assumptions[f"{rule}[{where}]"] = lit
                if own:
                    enforced = extra
            if hard and not own:
                keep(BOOL_OR, [-extra - 1] if self.explaining else [])
            else:
                variables = own if hard else [*own, extra]
                keep(LINEAR, variables, [1] * len(variables), need, INT64_MAX, enforced)
            if not hard:
                short = cp_model.IntVar(proto, extra)
                self.shortfalls.append(Shortfall(rule, where, short, r.weight, r.priority))
            out.append(short)
        return out

    def place_columns(self, keys: np.ndarray, idx: np.ndarray, starts: np.ndarray,
                      places: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The pair columns of each of `places` (ascending keys) from `group_bounds`'
        arrays `keys`, `idx`, `starts`: (columns, where each place's start, plus the end);
        a place with no group has none."""
        places = np.asarray(places, dtype=np.int64)
        pos = np.searchsorted(keys, places)
        found = pos < len(keys)
        found[found] = keys[pos[found]] == places[found]
        lengths = np.zeros(len(places), dtype=np.int64)
        lengths[found] = starts[pos[found] + 1] - starts[pos[found]]
        out = np.r_[0, np.cumsum(lengths)]
        step = _within(lengths)
        src = np.repeat(np.where(found, starts[np.minimum(pos, len(starts) - 1)], 0),
                        lengths) + step
        return self.columns[idx[src]], out

    def add_counted(self, rule: str, mode: str, wheres: list[str], required: np.ndarray,
                    cols: np.ndarray, starts: np.ndarray, always: bool = False,
                    record: bool = True, fixed: bool = False) -> list:
        """`add_minima(rule, mode, wheres, required, terms, always, record, fixed)` with
        place k's terms given as the columns `cols[starts[k]:starts[k + 1]]`: the same
        columns, rows and shortfalls, the rows made by numpy in one block, not one by
        one (the team minima and R-RO's per-cadre rows, thousands of places at scale60,
        issue 29). In explanation mode through `add_minima`."""
        required = np.asarray(required, dtype=np.int64)
        starts = np.asarray(starts, dtype=np.int64) - int(starts[0])
        if self.explaining:
            c, b = np.asarray(cols).tolist(), starts.tolist()
            return self.add_minima(rule, mode, wheres, required.tolist(),
                                   [c[b[k]:b[k + 1]] for k in range(len(wheres))],
                                   always=always, record=record, fixed=fixed)
        r, hard = self.scenario.rules[rule], mode == "hard"
        n_own = np.diff(starts)
        need = required > 0
        extra = need & (not hard)
        # a shortfall fixed at its requirement stands for a target place with no terms
        alone = extra & (n_own == 0) & fixed
        keys = [f"{rule}[{wheres[k]}]" for k in np.flatnonzero(extra).tolist()]
        lower = np.where(alone, required, 0)[extra]
        base = self.new_columns(keys, lower.tolist(), required[extra].tolist())
        extra_col = np.full(len(wheres), -1, dtype=np.int64)
        extra_col[extra] = base + np.arange(len(keys))
        rowed = need & ~alone
        lengths = (n_own + extra)[rowed]
        kinds = np.where(hard & (n_own[rowed] == 0), BOOL_OR, LINEAR).astype(np.int64)
        row_starts = np.r_[0, np.cumsum(lengths)]
        variables = np.empty(row_starts[-1], dtype=np.int64)
        counts = n_own[rowed]
        step = _within(counts)
        variables[np.repeat(row_starts[:-1], counts) + step] = \
            np.asarray(cols, dtype=np.int64)[np.repeat(starts[:-1][rowed], counts) + step]
        with_extra = extra[rowed]
        variables[(row_starts[:-1] + counts)[with_extra]] = extra_col[rowed][with_extra]
        row0 = self.model.rows
        self.model.block(kinds, row_starts, variables,
                         np.ones(len(variables), dtype=np.int64), required[rowed],
                         np.full(len(lengths), INT64_MAX, dtype=np.int64))
        if record:
            at = np.flatnonzero(rowed)
            kept = (n_own[rowed] > 0) | always
            for k, row in zip(at[kept].tolist(), np.flatnonzero(kept).tolist(), strict=True):
                self.minimum_rows[(rule, wheres[k])] = row0 + row
        proto, out = self.model.model_proto, [None] * len(wheres)
        for k, j in zip(np.flatnonzero(extra).tolist(), extra_col[extra].tolist(),
                        strict=True):
            out[k] = cp_model.IntVar(proto, j)
            self.shortfalls.append(Shortfall(rule, wheres[k], out[k], r.weight, r.priority))
        return out

    def add_flagged(self, rule: str, mode: str, wheres: list[str], required: np.ndarray,
                    names: list[str], cols: np.ndarray, group_starts: np.ndarray,
                    place_groups: np.ndarray) -> None:
        """`add_minima(rule, mode, wheres, required, flags=...)` with the flags given as
        arrays: place k's flags are the groups `place_groups[k]` to `place_groups[k + 1]`,
        named `names[g]`, group g's pair columns `cols[group_starts[g]:group_starts[g +
        1]]`. The same columns, rows and shortfalls, the rows made by numpy in one block
        (`models.rows.Model.block`), not one by one: R-TC10's 3.1k band rows and 0.8k
        team minima at province size took 0.04 s one by one (issue 29). In explanation
        mode (hard places behind literals) through `add_minima`."""
        required = np.asarray(required, dtype=np.int64)
        gp = np.asarray(place_groups, dtype=np.int64)
        gs = np.asarray(group_starts, dtype=np.int64) - int(group_starts[0])
        if self.explaining:
            c, s, g = np.asarray(cols).tolist(), gs.tolist(), gp.tolist()
            self.add_minima(rule, mode, wheres, required.tolist(), flags=[
                (names[g[k]:g[k + 1]], [c[s[j]:s[j + 1]] for j in range(g[k], g[k + 1])])
                for k in range(len(wheres))])
            return
        r, hard = self.scenario.rules[rule], mode == "hard"
        places, groups = len(wheres), len(gs) - 1
        n_flags, g_len = np.diff(gp), np.diff(gs)
        need = required > 0
        extra = need & (not hard)
        # columns, place by place: its flags, then its shortfall where it has one
        col_names: list[str] = []
        bounds, shorts = gp.tolist(), extra.tolist()  # numpy's items one by one are slow
        for k in range(places):
            col_names += names[bounds[k]:bounds[k + 1]]
            if shorts[k]:
                col_names.append(f"{rule}[{wheres[k]}]")
        upper = np.ones(len(col_names), dtype=np.int64)
        width = n_flags + extra
        first = np.r_[0, np.cumsum(width)[:-1]]
        upper[(first + n_flags)[extra]] = required[extra]
        base = self.new_columns(col_names, [0] * len(col_names), upper.tolist())
        first += base
        place_of = np.repeat(np.arange(places), n_flags)
        flag_col = first[place_of] + np.arange(groups) - gp[:-1][place_of]
        # rows, place by place: its flags' rows, then its minimum where it needs one
        before = np.r_[0, np.cumsum(need)[:-1]]
        at_flag = np.arange(groups) + before[place_of]
        at_min = (gp[1:] + before)[need]
        rows = groups + int(need.sum())
        kinds = np.full(rows, LINEAR, dtype=np.int64)
        kinds[at_min[(n_flags == 0)[need]]] = BOOL_OR if hard else LINEAR
        lengths = np.zeros(rows, dtype=np.int64)
        lengths[at_flag] = g_len + 1
        lengths[at_min] = (n_flags + extra)[need]
        starts = np.r_[0, np.cumsum(lengths)]
        variables = np.empty(starts[-1], dtype=np.int64)
        coeffs = np.ones(starts[-1], dtype=np.int64)
        at = np.repeat(starts[at_flag] - gs[:-1], g_len) + np.arange(gs[-1])
        variables[at] = cols
        coeffs[at] = -1
        variables[starts[at_flag] + g_len] = flag_col
        counts = n_flags[need]
        step = _within(counts)
        variables[np.repeat(starts[at_min], counts) + step] = \
            np.repeat(first[need], counts) + step
        ends = (starts[at_min] + counts)[extra[need]]
        variables[ends] = (first + n_flags)[extra]
        lo = np.full(rows, INT64_MIN, dtype=np.int64)
        hi = np.zeros(rows, dtype=np.int64)
        lo[at_min], hi[at_min] = required[need], INT64_MAX
        row0 = self.model.rows
        self.model.block(kinds, starts, variables, coeffs, lo, hi)
        for k, row in zip(np.flatnonzero(need & (n_flags > 0)).tolist(),
                          at_min[(n_flags > 0)[need]].tolist(), strict=True):
            self.minimum_rows[(rule, wheres[k])] = row0 + row
        proto = self.model.model_proto
        for k, j in zip(np.flatnonzero(extra).tolist(), (first + n_flags)[extra].tolist(),
                        strict=True):
            self.shortfalls.append(Shortfall(rule, wheres[k], cp_model.IntVar(proto, j),
                                             r.weight, r.priority))

    def total(self, idx: np.ndarray, coefs: np.ndarray | None = None) -> cp_model.LinearExpr:
        """Σ x[idx] (times `coefs`), built from the columns: the same expression as
        `LinearExpr.weighted_sum` over the handles, without making them."""
        expr = cp_model_helper.LinearExpressionProto()
        idx = np.asarray(idx, dtype=np.int64)
        expr.vars.extend(self.columns[idx].tolist())
        expr.coeffs.extend(np.ones(len(idx), dtype=np.int64).tolist() if coefs is None
                           else np.asarray(coefs, dtype=np.int64).tolist())
        return cp_model_helper.rebuild_from_linear_expression_proto(expr,
                                                                    self.model.model_proto)

    def sum_row(self, idx, coefs: np.ndarray | int = 1, lo: int = INT64_MIN,
                hi: int = INT64_MAX, head: tuple = (), tail: tuple = ()) -> Row:
        """The row `lo ≤ Σ coefs·x[idx] ≤ hi` (`coefs` an array or one number), with the
        model variables in `head` before the pairs' and those in `tail` after, each a
        (variable, coefficient) pair. `model.add(flag <= pl.total(idx))` wrote the pairs
        first: `sum_row(idx, -1, hi=0, tail=((flag, 1),))`. Python lists, not numpy:
        most rows are short, and `np.r_` cost 13 µs a row."""
        cols = self.columns[np.asarray(idx, dtype=np.int64)].tolist()
        c = [int(coefs)] * len(cols) if isinstance(coefs, int | np.integer) else \
            np.asarray(coefs, dtype=np.int64).tolist()
        return Row([v.index for v, _ in head] + cols + [v.index for v, _ in tail],
                   [k for _, k in head] + c + [k for _, k in tail], int(lo), int(hi))

    def add_sum(self, idx: np.ndarray, coefs: np.ndarray, hi: int,
                tail: tuple[int, int] | None = None) -> None:
        """The row `Σ coefs·x[idx] (+ c·v for `tail` = (v, c)) ≤ hi` over at least one
        variable, as `add_row` of `sum_row` writes it, kept as arrays: R-TC10's average
        age is one row over every pair in scope (137k at province size), 0.01 s as Python
        lists (issue 29)."""
        variables = self.columns[np.asarray(idx, dtype=np.int64)]
        coeffs = np.asarray(coefs, dtype=np.int64)
        if tail is not None:
            variables, coeffs = np.r_[variables, tail[0]], np.r_[coeffs, tail[1]]
        self.model.block(np.array([LINEAR]), np.array([0, len(variables)]), variables,
                         coeffs, np.array([INT64_MIN]), np.array([int(hi)]))

    def add_row(self, row: Row, enforced_by=None) -> None:
        """Write `row` as a linear constraint, behind the literal `enforced_by` if given."""
        self.model.row(LINEAR, row.vars, row.coeffs, row.lo, row.hi,
                       None if enforced_by is None else enforced_by.index)

    # --- rule helpers ------------------------------------------------------------
    def at_least(self, rule: str, where: str, idx: np.ndarray, required: int) -> None:
        """`Σ x[idx] ≥ required`, hard or as a penalised shortfall per the rule's mode."""
        mode = self.scenario.rules[rule].mode
        if mode in ("hard", "target"):
            self.add_minima(rule, mode, [where], [required],
                            [self.columns[np.asarray(idx, dtype=np.int64)].tolist()])

    def require(self, rule: str, where: str, constraint) -> None:
        """Add a hard rule's constraint; in explanation mode behind the literal `rule[where]`.

        `constraint` is a bounded linear expression, a `Row` or a bool. A row over no
        variables is read as the bool it is, as a sum over no pairs compared with a
        number was (`total` of nothing is 0)."""
        if isinstance(constraint, Row) and not constraint.vars:
            constraint = constraint.lo <= 0 <= constraint.hi
        if not self.explaining:
            if isinstance(constraint, Row):
                self.add_row(constraint)
            elif constraint is False:
                self.model.row(BOOL_OR, [])
            else:
                self.model.linear(constraint)
            return
        key = f"{rule}[{where}]"
        lit = self.assumptions.get(key)
        if lit is None:
            lit = self.assumptions[key] = self.model.new_bool_var(key)
        if constraint is False:
            self.model.add_bool_or([lit.Not()])
        elif isinstance(constraint, Row):
            self.add_row(constraint, lit)
        else:
            self.model.add(constraint).only_enforce_if(lit)

    def penalise(
        self, rule: str, where: str, var: cp_model.IntVar, weight: int | None = None
    ) -> None:
        r = self.scenario.rules[rule]
        self.shortfalls.append(
            Shortfall(rule, where, var, r.weight if weight is None else weight, r.priority)
        )
