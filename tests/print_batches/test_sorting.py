"""Postal sorting: postcode, then house number as a number, then addition."""

from __future__ import annotations

import itertools
import random

from hypothesis import given
from hypothesis import strategies as st

from print_batches.sorting import normalize_postcode, postal_key, postal_sort, split_house_number


def test_normalize_postcode() -> None:
    assert normalize_postcode("2261ab") == "2261 AB"
    assert normalize_postcode(" 2261  AB ") == "2261 AB"
    assert normalize_postcode("B-1000") == "B-1000"


def test_split_house_number() -> None:
    assert split_house_number("12") == (12, "")
    assert split_house_number(12, "b") == (12, "B")
    assert split_house_number("12-B") == (12, "B")
    assert split_house_number("12 hs") == (12, "HS")
    assert split_house_number("12a", "2") == (12, "A 2")
    assert split_house_number("") == (0, "")


def test_house_numbers_sort_as_numbers_within_a_postcode() -> None:
    addresses = [
        ("2261 AB", "10", ""),
        ("2261AB", "9", ""),
        ("2261 AB", "9", "A"),
        ("1011 ZZ", "300", ""),
        ("2261 AA", "1", ""),
        ("garbage", "1", ""),
    ]
    ordered = postal_sort(addresses, key=lambda a: postal_key(*a))
    assert ordered == [
        ("1011 ZZ", "300", ""),
        ("2261 AA", "1", ""),
        ("2261AB", "9", ""),
        ("2261 AB", "9", "A"),
        ("2261 AB", "10", ""),
        ("garbage", "1", ""),
    ]


postcodes = st.builds(
    lambda d, a: f"{d} {a}",
    st.integers(1000, 9999),
    st.text(alphabet="ABCDEFGHJKLMNPRSTVWXZ", min_size=2, max_size=2),
)
addresses = st.lists(
    st.tuples(postcodes, st.integers(1, 400), st.sampled_from(["", "A", "B", "1"]), st.uuids()),
    max_size=40,
)


@given(addresses)
def test_order_does_not_depend_on_input_order(items: list) -> None:
    def key(a: tuple) -> tuple:
        return postal_key(a[0], a[1], a[2], str(a[3]))

    shuffled = list(items)
    random.Random(1).shuffle(shuffled)
    assert postal_sort(items, key) == postal_sort(shuffled, key)
    ordered = postal_sort(items, key)
    for a, b in itertools.pairwise(ordered):
        pa, pb = a[0].replace(" ", ""), b[0].replace(" ", "")
        assert pa < pb or (pa == pb and a[1] <= b[1])
