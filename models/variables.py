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


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


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
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
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
        n, first = len(self.pairs), len(self.model.proto.variables)
        _booleans(self.model.proto, n)
        # The model variable index of each pair's x: the pair's column in an answer.
        self.columns = np.arange(first, first + n, dtype=np.int64)
        self.x = PairVars(self.model, self.columns)
        # Pairs sorted by (post, cadre) key, to find a pair or a post's pairs by search.
        key = self.pairs.post * len(self.data.cadres) + self.pairs.cadre
        self._by_key = np.argsort(key, kind="stable")
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
            domain = self.model.proto.variables[int(self.columns[i])].domain
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
        low = int(k.min()) if len(k) else 0
        # keys within 65536 of each other sorted as uint16: numpy's stable sort is then a
        # radix sort, 1 ms for 137k pairs where int64 keys took 4.4 ms; the same order
        order = np.argsort((k - low).astype(np.uint16) if len(k) and int(k.max()) - low < 2**16
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
        cols = self.columns[idx[starts[0]:starts[-1]]].tolist()
        bounds = (starts - starts[0]).tolist()
        add = self.model.proto.constraints.add
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
            getattr(add(), kind).literals.extend(cols[lo:hi])

    def new_columns(self, names: list[str], lower: list[int] | None = None,
                    upper: list[int] | None = None) -> int:
        """New model variables named `names`, in order, each [lower[k], upper[k]] (by
        default [0, 1]); returns the first one's index. The proto `new_int_var` writes
        per name, made as `_booleans` and then named, bounds set where not [0, 1]: a
        variable added field by field cost 3 µs, most of the per-place time of rules with
        thousands of places (issue 29)."""
        proto = self.model.proto
        first = len(proto.variables)
        _booleans(proto, len(names))
        variables = proto.variables
        for j, name in enumerate(names, first):
            variables[j].name = name
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
        proto, r = self.model.proto, self.scenario.rules[rule]
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
        add, row = proto.constraints.add, len(proto.constraints)
        out = []
        for k, (own, groups, extra, new) in enumerate(places):
            for flag, group in enumerate(groups, own[0] if own else 0):
                linear = add().linear  # each read of a proto field is a call into C++
                linear.vars.extend([*group, flag])
                linear.coeffs.extend([*[-1] * len(group), 1])
                linear.domain.extend((INT64_MIN, 0))
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
            ct = add()
            row += 1
            if hard and self.explaining:
                lit = self.model.get_bool_var_from_proto_index(extra)
                if new:
                    self.assumptions[f"{rule}[{where}]"] = lit
                if own:
                    ct.enforcement_literal.append(extra)
            if hard and not own:
                ct.bool_or.literals.extend([-extra - 1] if self.explaining else [])
            else:
                linear = ct.linear
                linear.vars.extend(own if hard else [*own, extra])
                linear.coeffs.extend([1] * (len(own) + (not hard)))
                linear.domain.extend((need, INT64_MAX))
            if not hard:
                short = cp_model.IntVar(proto, extra)
                self.shortfalls.append(Shortfall(rule, where, short, r.weight, r.priority))
            out.append(short)
        return out

    def total(self, idx: np.ndarray, coefs: np.ndarray | None = None) -> cp_model.LinearExpr:
        """Σ x[idx] (times `coefs`), built from the columns: the same expression as
        `LinearExpr.weighted_sum` over the handles, without making them."""
        expr = cp_model_helper.LinearExpressionProto()
        idx = np.asarray(idx, dtype=np.int64)
        expr.vars.extend(self.columns[idx].tolist())
        expr.coeffs.extend(np.ones(len(idx), dtype=np.int64).tolist() if coefs is None
                           else np.asarray(coefs, dtype=np.int64).tolist())
        return cp_model_helper.rebuild_from_linear_expression_proto(expr, self.model.proto)

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

    def add_row(self, row: Row, enforced_by=None) -> None:
        """Write `row` as a linear constraint, behind the literal `enforced_by` if given."""
        ct = self.model.proto.constraints.add()
        if enforced_by is not None:
            ct.enforcement_literal.append(enforced_by.index)
        linear = ct.linear  # each read of a proto field is a call into C++
        linear.vars.extend(row.vars)
        linear.coeffs.extend(row.coeffs)
        linear.domain.extend((row.lo, row.hi))

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
            else:
                self.model.add(constraint) if constraint is not False \
                    else self.model.add_bool_or([])
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
