"""Seeded draws per respondent, so a simulation does not depend on the pseudonyms.

Pseudonyms are random by design, and a store lists respondents by pseudonym.
A simulation that hands out draws in that order gives other people other
answers whenever the pseudonyms change. Here each respondent's draws come from
the seed, a purpose and the respondent's position in the municipality's
address file, so one seed gives the same respondents the same behaviour
whatever their pseudonyms are.
"""

from __future__ import annotations

import random
from enum import IntEnum

import numpy as np

from survey.intake import read_addresses
from survey.project import Project


class Purpose(IntEnum):
    """What a stream of draws is for; each respondent gets one stream per purpose."""

    PAPER_RETURN = 1
    ONLINE = 2


def positions(project: Project) -> dict[str, int]:
    """Pseudonym -> position (0, 1, ...) in the address file last imported.

    Respondents who are no longer in the file (withdrawn) follow, in pseudonym order.
    """
    order = {p: i for i, (p, _) in enumerate(read_addresses(project).values())}
    rest = sorted(p for p in project.store.pseudonyms() if p not in order)
    order.update({p: len(order) + i for i, p in enumerate(rest)})
    return order


def numpy_rng(seed: int, purpose: Purpose, position: int) -> np.random.Generator:
    """The numpy generator of one respondent for one purpose."""
    return np.random.default_rng([seed, int(purpose), position])


def python_rng(seed: int, purpose: Purpose, position: int) -> random.Random:
    """The :class:`random.Random` of one respondent for one purpose."""
    return random.Random(f"{seed}:{int(purpose)}:{position}")
