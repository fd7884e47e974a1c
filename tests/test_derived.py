"""What is read from a data set's tables once (`placement.data.dataset.derived`) is the
same as read afresh, cannot be changed by a reader, and belongs to that data set only."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from placement.data.dataset import derived, has_specialty, same_value, same_value_in
from placement.data.loader import load_dataset
from placement.data.scenario_io import load_scenario
from placement.eligibility.facts import compute_facts
from placement.eligibility.pairs import eligible_pairs
from placement.meaning.posts import _party_post, party_post

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def linfen():
    sc = load_scenario(ROOT / "scenarios" / "linfen.toml")
    return sc, load_dataset(sc.data, sc.reference_date)


def test_derived_is_made_once_read_only_and_not_shared_by_a_replaced_data_set(linfen):
    _, data = linfen
    calls = []

    def make():
        calls.append(1)
        return np.arange(3)

    first = derived(data, "test-key", make)
    assert derived(data, "test-key", make) is first and len(calls) == 1
    with pytest.raises(ValueError):
        first[0] = 7  # read-only: no reader changes what the next one reads
    other = replace(data)  # a new data set reads its own
    assert "test-key" not in other.memo
    assert derived(other, "test-key", make) is not first and len(calls) == 2
    assert other == data  # the memo is not part of the data


def test_same_value_in_is_same_value_of_the_columns(linfen):
    _, data = linfen
    rng = np.random.default_rng(5)
    i = rng.integers(0, len(data.cadres), 500)
    j = rng.integers(0, len(data.teams), 500)
    for left, right in ((("cadres", "home_region"), ("teams", "region")),
                        (("cadres", "system"), ("teams", "system")),
                        (("cadres", "region"), ("teams", "region"))):
        want = same_value(data.table(left[0])[left[1]], data.table(right[0])[right[1]], i, j)
        assert np.array_equal(same_value_in(data, left, right, i, j), want)
        assert np.array_equal(same_value_in(data, left, right, i, j), want)  # from the memo
    # a home region equal to some team's region is found: the test compares something
    assert same_value_in(data, ("cadres", "home_region"), ("teams", "region"), i, j).any()


def test_specialties_and_party_posts_from_the_memo_are_read_afresh_s(linfen):
    _, data = linfen
    fresh = replace(data)
    # every cadre against each of their own specialties and the posts' specialties
    lists = data.cadres["specialties"].to_numpy(dtype=object)
    wanted = np.array(sorted({s for spec in lists for s in spec}
                             | set(data.posts["specialty"])), dtype=object)
    cadre = np.repeat(np.arange(len(data.cadres)), len(wanted))
    of = np.tile(np.arange(len(wanted)), len(data.cadres))
    once = has_specialty(data, cadre, wanted, of)
    assert np.array_equal(once, [w != "" and w in lists[c] for c, w in zip(cadre, wanted[of],
                                                                           strict=True)])
    assert once.any()
    assert np.array_equal(has_specialty(data, cadre, wanted, of), once)
    assert np.array_equal(has_specialty(fresh, cadre, wanted, of), once)
    assert np.array_equal(party_post(data), _party_post(fresh)) and party_post(data).any()


def test_pairs_of_a_data_set_read_twice_are_those_read_once(linfen):
    sc, data = linfen
    fresh = replace(data)
    facts = compute_facts(fresh, sc.reference_date)
    first = eligible_pairs(fresh, sc, facts)
    assert fresh.memo  # the second reading comes from the memo
    again = eligible_pairs(fresh, sc, facts)
    for f in ("cadre", "post", "own", "step", "must", "fit"):
        assert np.array_equal(getattr(first, f), getattr(again, f)), f
    assert first.breaks.keys() == again.breaks.keys()
    assert all(np.array_equal(first.breaks[k], again.breaks[k]) for k in first.breaks)
    pd.testing.assert_frame_equal(first.removed, again.removed)
