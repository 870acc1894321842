"""Secrets come from the OS, except inside the demo's seeded block."""

from __future__ import annotations

import datetime as dt

from survey import entropy
from survey.codes import new_round_key
from survey.pseudonym import is_valid, new_pseudonyms

INSTANT = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)


def test_seeded_draws_repeat_for_one_seed_and_differ_for_another() -> None:
    def draws(seed: int) -> tuple[bytes, list[str]]:
        with entropy.seeded(seed, INSTANT):
            return new_round_key(), new_pseudonyms(5)

    assert draws(7) == draws(7)
    assert draws(7) != draws(8)
    assert all(is_valid(p) for p in draws(7)[1])


def test_a_generator_continues_one_sequence_across_blocks() -> None:
    rng = entropy.seeded_generator(3)
    with entropy.seeded(rng, INSTANT):
        first = new_pseudonyms(2)
    with entropy.seeded(rng, INSTANT):
        second = new_pseudonyms(2)
    with entropy.seeded(3, INSTANT):
        together = new_pseudonyms(4)
    assert first + second == together


def test_outside_the_block_secrets_are_random_and_the_clock_runs() -> None:
    with entropy.seeded(7, INSTANT):
        assert entropy.is_seeded()
        assert entropy.now() == INSTANT and entropy.today() == INSTANT.date()
        seeded = new_pseudonyms(3)
    assert not entropy.is_seeded()
    assert new_pseudonyms(3) != seeded
    assert new_round_key() != new_round_key()
    assert entropy.now().year >= 2025 and entropy.now() != INSTANT
