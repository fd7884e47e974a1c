"""A CP-SAT model's serialized bytes read straight into numpy: its variables' bounds,
its rows and its objective, for `placement.solver.highs.mip_arrays`.

Why: read through protobuf's Python message, scale60's model (765k variables, 118k
constraints, 3.7M entries) took 2.1 s before HiGHS started, most of it one Python call
per variable and per constraint; here it is a few numpy passes over the bytes
(docs/solver.md). Protobuf's own parser still finds where each top-level field starts
and ends (`_split`); only the varints inside them are decoded here.

Exact or nothing: the model is read here only in the shape the placement model has
(no names, no enforcement literals, every variable's domain one interval, every
constraint linear with a one-interval domain, exactly-one, at-most-one or a clause,
all fields where the C++ writer puts them), and every length and tag on the way is
checked against that shape; anything else returns None and the caller reads the
message as before.
"""

from __future__ import annotations

import numpy as np
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from ortools.sat import cp_model_pb2

# Tags (field number << 3 | wire type 2) of what is read here, as varints.
_VARIABLE, _CONSTRAINT, _DOMAIN = 0x12, 0x1A, 0x12
_FIRST, _SECOND, _THIRD = 0x0A, 0x12, 0x1A  # fields 1, 2, 3 of a sub-message
# The constraint kinds read here by their tag in `ConstraintProto`, as
# `placement.solver.highs` numbers them (`KINDS`).
_KIND_TAGS = {
    (cp_model_pb2.ConstraintProto.DESCRIPTOR.fields_by_name[name].number << 3) | 2: code
    for code, name in enumerate(("linear", "exactly_one", "at_most_one", "bool_or"))
}
LINEAR = 0


def _split_class():
    """A message that reads a `CpModelProto`'s variables and constraints as raw bytes
    (each record's, unparsed) and its objective whole, and an objective that reads its
    packed columns and coefficients as raw bytes."""
    f = descriptor_pb2.FieldDescriptorProto
    proto = descriptor_pb2.FileDescriptorProto(name="placement_wire.proto",
                                               package="placement_wire", syntax="proto3")
    model = proto.message_type.add(name="Model")
    for name, number in (("variables", 2), ("constraints", 3)):
        model.field.add(name=name, number=number, type=f.TYPE_BYTES, label=f.LABEL_REPEATED)
    model.field.add(name="objective", number=4, type=f.TYPE_BYTES, label=f.LABEL_OPTIONAL)
    objective = proto.message_type.add(name="Objective")
    for name, number in (("vars", 1), ("coeffs", 4)):
        objective.field.add(name=name, number=number, type=f.TYPE_BYTES,
                            label=f.LABEL_REPEATED)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return (message_factory.GetMessageClass(pool.FindMessageTypeByName("placement_wire.Model")),
            message_factory.GetMessageClass(
                pool.FindMessageTypeByName("placement_wire.Objective")))


_Model, _Objective = _split_class()


CHUNK = 1 << 20  # bytes `varints` reads at a time (its temporaries stay in cache)


def varints(buf: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The varints of `buf` (uint8) read one after another: their values (int64, as
    protobuf's int32 and int64 read them), the byte where each starts and its length in
    bytes (over 10: not a varint; its value is then wrong). A last varint cut off by the
    end of `buf` is dropped.

    Each varint's first eight bytes are read as one little-endian word (an unaligned
    view of the bytes), their 7-bit groups packed with shifts and cut to its length: a
    gather per varint rather than one per byte; a megabyte at a time (measured on
    scale60's 23 MB of rows: a third of the time of one pass over the whole)."""
    n = len(buf)
    padded = np.zeros(n + 16, dtype=np.uint8)
    padded[:n] = buf
    words = np.ndarray((n,), dtype="<u8", buffer=padded, strides=(1,))
    term = buf < 0x80
    total = int(np.count_nonzero(term))
    values = np.empty(total, dtype=np.uint64)
    starts = np.empty(total, dtype=np.int64)
    length = np.empty(total, dtype=np.int64)
    pos = k = 0
    while pos < n:
        ends = np.flatnonzero(term[pos:pos + CHUNK]) + pos
        if not len(ends):  # a varint longer than a chunk: not one (the rest is dropped)
            break
        count = len(ends)
        s, size = starts[k:k + count], length[k:k + count]
        s[0] = pos
        s[1:] = ends[:-1] + 1
        np.subtract(ends, s, out=size)
        size += 1
        w = words[s]
        v = w & np.uint64(0x7F)
        for j in range(1, 8):
            v |= ((w >> np.uint64(8 * j)) & np.uint64(0x7F)) << np.uint64(7 * j)
        bits = np.minimum(size, 8).astype(np.uint64) * np.uint64(7)
        v &= np.where(size < 9, (np.uint64(1) << bits) - np.uint64(1),
                      np.uint64(0xFFFFFFFFFFFFFFFF))
        values[k:k + count] = v
        k += count
        pos = int(ends[-1]) + 1
    values, starts, length = values[:k], starts[:k], length[:k]
    long = np.flatnonzero(length > 8)
    if len(long):
        values[long] |= (padded[starts[long] + 8] & 0x7F).astype(np.uint64) << np.uint64(56)
        ten = long[length[long] > 9]
        values[ten] |= (padded[starts[ten] + 9] & 0x01).astype(np.uint64) << np.uint64(63)
    return values.view(np.int64), starts, length


def _varint_at(buf: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The varint starting at each byte `at` of `buf`: values and lengths in bytes (a
    length of 11: none ends within 10 bytes)."""
    values = np.zeros(len(at), dtype=np.uint64)
    length = np.full(len(at), 11, dtype=np.int64)
    open_ = np.ones(len(at), dtype=bool)
    for k in range(10):
        byte = buf[np.minimum(at + k, len(buf) - 1)]
        values[open_] |= (byte[open_] & 0x7F).astype(np.uint64) << np.uint64(7 * k)
        ends = open_ & (byte < 0x80)
        length[ends] = k + 1
        open_ &= ~ends
    return values.view(np.int64), length


def _size(values: np.ndarray) -> np.ndarray:
    """Bytes of each value's varint (a negative one: 10)."""
    bits = np.zeros(len(values), dtype=np.int64)
    positive = values > 0
    bits[positive] = np.floor(np.log2(values[positive].astype(np.float64))).astype(np.int64) + 1
    out = np.maximum((bits + 6) // 7, 1)
    out[values < 0] = 10
    return out


def read(raw: bytes) -> tuple | None:
    """(variables' lower and upper bounds, kind code of each row, each row's entries'
    count, the entries' columns or literals as written, the linear rows' coefficients,
    the linear rows' lower and upper bounds, the objective's columns and coefficients,
    its offset and scaling factor) of the serialized model `raw`, or None when `raw` is
    not in the shape read here (the module's docstring)."""
    try:
        return _read(raw)
    except (ValueError, IndexError):
        return None


def _read(raw: bytes) -> tuple | None:
    split = _Model.FromString(raw)
    n, m = len(split.variables), len(split.constraints)
    buf = np.frombuffer(raw, dtype=np.uint8)
    variables = _variables(buf, split.variables, n)
    if variables is None:
        return None
    lower, upper, end = variables
    rows = _constraints(buf, end, split.constraints, m)
    if rows is None:
        return None
    objective = _objective(split)
    if objective is None:
        return None
    return (lower, upper, *rows, *objective)


def _variables(buf: np.ndarray, records, n: int) -> tuple | None:
    """Bounds of the `n` variable records that open `buf`, and the byte after them.

    A pair's record (most of them) is `12 04 12 02 lo hi` with one-byte bounds: read as
    six bytes while they keep that shape; then records without a name, `12 L 12 D lo
    hi`, six varints each, while they keep that shape; the rest (a figure's, named) one
    by one from their lengths (`_named`). None when a record has another shape (a
    domain of holes)."""
    whole = min(n, len(buf) // 6)
    rec = buf[: 6 * whole].reshape(whole, 6)
    pair = (rec[:, 0] == _VARIABLE) & (rec[:, 1] == 4) & (rec[:, 2] == _DOMAIN) \
        & (rec[:, 3] == 2) & (rec[:, 4] < 0x80) & (rec[:, 5] < 0x80)
    p = whole if pair.all() else int(np.argmin(pair))
    lower, upper = [rec[:p, 4].astype(np.int64)], [rec[:p, 5].astype(np.int64)]
    begin = 6 * p
    if p < n:
        plain = _plain(buf, begin, n - p)
        lower.append(plain[0])
        upper.append(plain[1])
        p, begin = p + len(plain[0]), plain[2]
    if p < n:
        rest = _named(buf, begin, records[p:])
        if rest is None:
            return None
        lower.append(rest[0])
        upper.append(rest[1])
        begin = rest[2]
    return np.concatenate(lower), np.concatenate(upper), begin


def _plain(buf: np.ndarray, begin: int, n: int) -> tuple:
    """Bounds of the run of records `12 L 12 D lo hi` (six varints each) from byte
    `begin` on, at most `n`, and the byte after them."""
    limit = 8 * n + 1
    while True:
        values, starts, length = varints(buf[begin:begin + limit])
        whole = min(len(values) - 1, 6 * n) // 6  # records whose tokens were all read
        t = values[: 6 * whole].reshape(whole, 6)
        at = starts[: 6 * whole + 1]
        record = at[6::6]  # the byte after each record
        fits = (t[:, 0] == _VARIABLE) & (t[:, 2] == _DOMAIN) \
            & (t[:, 1] == record - at[2:-1:6]) & (t[:, 3] == record - at[4:-1:6]) \
            & (length[: 6 * whole].reshape(whole, 6).max(axis=1) <= 10)
        p = int(np.argmin(fits)) if not fits.all() else whole
        if p < whole or whole == n or begin + limit >= len(buf):
            break
        limit *= 2
    return t[:p, 4].copy(), t[:p, 5].copy(), begin + (int(at[6 * p]) if p else 0)


def _named(buf: np.ndarray, begin: int, records) -> tuple | None:
    """Bounds of the variable records `records` from byte `begin` on, each `12 L
    [0a Ln name] 12 D lo hi`, and the byte after them."""
    length = np.fromiter(map(len, records), dtype=np.int64, count=len(records))
    size = 1 + _size(length) + length
    first = begin + np.concatenate([[0], np.cumsum(size)[:-1]])
    tail = first + size
    if not (np.all(buf[first] == _VARIABLE)):
        return None
    big, big_size = _varint_at(buf, first + 1)
    payload = first + 1 + big_size
    named = buf[payload] == _FIRST
    name, name_size = _varint_at(buf, payload + 1)
    domain = np.where(named, payload + 1 + name_size + name, payload)
    d, d_size = _varint_at(buf, domain + 1)
    lo, lo_size = _varint_at(buf, domain + 1 + d_size)
    hi, hi_size = _varint_at(buf, domain + 1 + d_size + lo_size)
    if not (np.array_equal(big, length) and np.all(buf[domain] == _DOMAIN)
            and np.array_equal(d, lo_size + hi_size)
            and np.array_equal(domain + 1 + d_size + lo_size + hi_size, tail)
            and max(big_size.max(), name_size.max(), d_size.max()) <= 10):
        return None
    return lo, hi, int(tail[-1])


def _constraints(buf: np.ndarray, begin: int, records, m: int) -> tuple | None:
    """Rows of the `m` constraint records that start at byte `begin` (their payload
    lengths from `records`): kind code, entry count, entries, coefficients, bounds."""
    if m == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty, empty, empty
    length = np.fromiter(map(len, records), dtype=np.int64, count=m)
    size = 1 + _size(length) + length
    first = begin + np.concatenate([[0], np.cumsum(size)[:-1]])  # each record's first byte
    end = begin + int(size.sum())
    values, starts, token_length = varints(buf[begin:end])
    if len(values) and token_length.max() > 10:
        return None
    starts += begin
    t = np.searchsorted(starts, first)  # each record's first token
    if not np.array_equal(starts[np.minimum(t, len(starts) - 1)], first):
        return None
    stop = np.append(t[1:], len(values))  # each record's token after its last
    tail = np.append(first[1:], end)  # each record's byte after its last
    count = stop - t
    if count.min() < 4:
        return None
    token_start = np.append(starts, end)

    def at(k):  # the byte where each record's k-th token starts
        return token_start[t + k]

    kinds = np.full(m, -1, dtype=np.int64)
    tag = values[t + 2]
    for code_tag, code in _KIND_TAGS.items():
        kinds[tag == code_tag] = code
    if (kinds < 0).any() or not np.all(values[t] == _CONSTRAINT) \
            or not np.array_equal(values[t + 1], tail - at(2)) \
            or not np.array_equal(values[t + 3], tail - at(4)):
        return None
    linear = kinds == LINEAR
    # Literal rows: `tag L 0a Lv literals…`, or `tag 0` without literals.
    entries = np.where(linear, (count - 12) // 2, np.maximum(count - 6, 0))
    literal = ~linear & (count > 4)
    if not (np.all(values[t[literal] + 4] == _FIRST)
            and np.array_equal(values[t[literal] + 5], tail[literal] - at(6)[literal])):
        return None
    # Linear rows: `62 L 0a Lv vars… 12 Lc coeffs… 1a Ld lo hi`, as many coefficients as
    # columns: 12 tokens besides them, with the record's own tag and length.
    lt, k, ltail = t[linear], entries[linear], tail[linear]
    if len(lt):
        def byte(j):
            return token_start[j]
        if not ((count[linear] - 12) % 2 == 0).all() or k.min() < 1:
            return None
        if not (np.all(values[lt + 4] == _FIRST)
                and np.array_equal(values[lt + 5], byte(lt + 6 + k) - byte(lt + 6))
                and np.all(values[lt + 6 + k] == _SECOND)
                and np.array_equal(values[lt + 7 + k], byte(lt + 8 + 2 * k) - byte(lt + 8 + k))
                and np.all(values[lt + 8 + 2 * k] == _THIRD)
                and np.array_equal(values[lt + 9 + 2 * k], ltail - byte(lt + 10 + 2 * k))):
            return None
    items = values[_runs(t + 6, entries)]
    coeffs = values[_runs(lt + 8 + k, k)]
    return (kinds, entries, items, coeffs, values[lt + 10 + 2 * k], values[lt + 11 + 2 * k])


def _runs(begin: np.ndarray, length: np.ndarray) -> np.ndarray:
    """The positions begin[i], begin[i] + 1, …, for length[i] of each, one run after
    another."""
    length = np.asarray(length, dtype=np.int64)
    total = int(length.sum())
    first = np.concatenate([[0], np.cumsum(length)[:-1]])
    return np.repeat(begin - first, length) + np.arange(total)


def _objective(split) -> tuple | None:
    """The objective's columns, coefficients, offset and scaling factor; None when its
    columns or coefficients are not packed as the C++ writer packs them."""
    whole = cp_model_pb2.CpObjectiveProto.FromString(split.objective)
    packed = _Objective.FromString(split.objective)
    out = []
    for field, count in ((packed.vars, len(whole.vars)), (packed.coeffs, len(whole.coeffs))):
        values, _, length = varints(np.frombuffer(b"".join(field), dtype=np.uint8))
        if len(values) != count or (count and length.max() > 10):
            return None
        out.append(values)
    return (*out, float(whole.offset), float(whole.scaling_factor or 1.0))
