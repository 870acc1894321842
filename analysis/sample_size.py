"""How many responses a round needs, and which way of inviting is likely to get them.

The seeds' rule is 95% reliability with a 5% margin of error for a known,
small population (a municipality's benefit recipients). The responses needed
follow from Cochran's formula with the finite population correction::

    n0 = z² · p (1 - p) / e²          (z = 1.96 for 95%, p = 0.5, e = 0.05: n0 = 384.2)
    n  = n0 / (1 + (n0 - 1) / N)      (N = 1,000: n = 278)

rounded up. ``p = 0.5`` is the most cautious assumption (the widest
interval). Which invitation option reaches ``n`` depends on its expected
response rate: an option reaches it when inviting the whole population is
expected to bring at least ``n`` responses, and then ``n / rate`` invitations
suffice. The options, from cheapest to most expensive, are those of the
seeds: e-mail only, a letter with the login code, and a letter with the paper
questionnaire. Their default rates are rough figures for benefit recipients
(a paper round of the seed report had 22%); give your own from experience.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from analysis import stats
from analysis.texts import Texts
from survey.errors import ValidationError
from survey.store import Store

OPTIONS = ("email", "letter", "paper")
"""The invitation options, cheapest first."""

DEFAULT_RATES: Mapping[str, float] = {"email": 0.10, "letter": 0.15, "paper": 0.22}
"""Rough expected response rates of benefit recipients per option (replace with your own)."""

_NAMES = {
    "nl": {
        "email": "alleen per e-mail",
        "letter": "per brief met inlogcode",
        "paper": "per brief met papieren vragenlijst",
    },
    "en": {
        "email": "by e-mail only",
        "letter": "by letter with a login code",
        "paper": "by letter with the paper questionnaire (paper or online)",
    },
}

_TEXTS = {
    "nl": {
        "needed": "Voor resultaten met {conf} betrouwbaarheid en een foutmarge van {margin} zijn bij een populatie van {population} klanten {needed} ingevulde vragenlijsten nodig ({share} van de populatie).",
        "option_reaches": "Uitnodigen {name} (verwachte respons {rate}): nodig ten minste {invite} klanten uit; dat geeft naar verwachting {expected} antwoorden.",
        "option_short": "Uitnodigen {name} (verwachte respons {rate}): ook als alle {population} klanten worden uitgenodigd, komen er naar verwachting maar {expected} antwoorden; de foutmarge wordt dan {reached}.",
        "advice": "Advies: nodig de klanten uit {name}. Dat is de eenvoudigste manier die naar verwachting genoeg antwoorden oplevert.",
        "advice_none": "Advies: geen van de manieren haalt naar verwachting {needed} antwoorden. Nodig alle klanten uit {name}: dat geeft de hoogste respons. De resultaten zijn dan indicatief (foutmarge {reached}).",
        "assumption": "De verwachte responspercentages zijn schattingen; de werkelijke respons kan hoger of lager uitvallen.",
    },
    "en": {
        "needed": "For results with {conf} confidence and a {margin} margin of error, a population of {population} clients needs {needed} completed questionnaires ({share} of the population).",
        "option_reaches": "Inviting {name} (expected response {rate}): invite at least {invite} clients; that is expected to bring {expected} responses.",
        "option_short": "Inviting {name} (expected response {rate}): even inviting all {population} clients is expected to bring only {expected} responses; the margin of error is then {reached}.",
        "advice": "Advice: invite the clients {name}. It is the simplest way that is expected to bring enough responses.",
        "advice_none": "Advice: none of the options is expected to bring {needed} responses. Invite every client {name}: it has the highest response. The results will then be indicative (margin of error {reached}).",
        "assumption": "The expected response rates are estimates; the actual response may be higher or lower.",
    },
}


@dataclass(frozen=True)
class OptionAdvice:
    """What one way of inviting is expected to bring.

    Attributes:
        option: ``email``, ``letter`` or ``paper``.
        rate: its expected response rate (0-1).
        invitations: how many to invite: enough for the responses needed, at
            most the whole population.
        expected: the responses expected from those invitations.
        reaches: whether ``expected`` reaches the responses needed.
        margin: the margin of error of a 50% share at ``expected`` responses.
    """

    option: str
    rate: float
    invitations: int
    expected: int
    reaches: bool
    margin: float


@dataclass(frozen=True)
class SampleSizeAdvice:
    """The responses needed and the advice per option.

    Attributes:
        population: the population size ``N``.
        margin: the margin of error aimed at (0.05).
        confidence: the confidence level (0.95).
        needed: the responses needed.
        options: per option, cheapest first.
        advised: the cheapest option that reaches ``needed``; else the one with
            the highest response, which does not reach it.
    """

    population: int
    margin: float
    confidence: float
    needed: int
    options: tuple[OptionAdvice, ...]
    advised: OptionAdvice | None

    def lines(self, language: str = "nl") -> list[str]:
        """The advice in words a municipality signs off on (Dutch by default)."""
        t, x, names = Texts(language), _TEXTS[language], _NAMES[language]
        out = [
            x["needed"].format(
                conf=t.percent(self.confidence),
                margin=t.percent(self.margin),
                population=t.integer(self.population),
                needed=t.integer(self.needed),
                share=t.percent(self.needed / self.population),
            )
        ]
        for o in self.options:
            values = {
                "name": names[o.option],
                "rate": t.percent(o.rate),
                "invite": t.integer(o.invitations),
                "expected": t.integer(o.expected),
                "population": t.integer(self.population),
                "reached": t.percent(o.margin, 1),
            }
            out.append(x["option_reaches" if o.reaches else "option_short"].format(**values))
        if self.advised is not None:
            key = "advice" if self.advised.reaches else "advice_none"
            out.append(
                x[key].format(
                    name=names[self.advised.option],
                    needed=t.integer(self.needed),
                    reached=t.percent(self.advised.margin, 1),
                )
            )
        if self.options:
            out.append(x["assumption"])
        return out


def required_responses(
    population: int, margin: float = 0.05, confidence: float = 0.95, p: float = 0.5
) -> int:
    """Cochran's sample size with the finite population correction, rounded up.

    Raises:
        ValueError: a population below 1, or a margin or confidence outside (0, 1).
    """
    if population < 1:
        raise ValueError("the population must hold at least one person")
    if not (0 < margin < 1 and 0 < confidence < 1 and 0 < p < 1):
        raise ValueError("margin, confidence and p must lie strictly between 0 and 1")
    z = stats.z_value(confidence)
    n0 = z * z * p * (1 - p) / (margin * margin)
    n = n0 / (1 + (n0 - 1) / population)
    return min(population, math.ceil(n - 1e-9))


def achieved_margin(
    responses: int, population: int | None, confidence: float = 0.95, p: float = 0.5
) -> float:
    """The margin of error of a share ``p`` at ``responses`` out of ``population``."""
    if responses <= 0:
        return math.nan
    z = stats.z_value(confidence)
    return z * math.sqrt(p * (1 - p) / responses) * stats.fpc(responses, population)


def advise(
    population: int,
    rates: Mapping[str, float] | None = None,
    *,
    margin: float = 0.05,
    confidence: float = 0.95,
) -> SampleSizeAdvice:
    """The responses needed and, per option with a rate, the invitations and the advice.

    Args:
        rates: option -> expected response rate (0-1); the options of
            :data:`OPTIONS` in that order, those left out are not advised on.

    Raises:
        ValueError: an unknown option, or a rate outside (0, 1].
    """
    rates = DEFAULT_RATES if rates is None else rates
    unknown = [o for o in rates if o not in OPTIONS]
    if unknown:
        raise ValueError(f"unknown option {unknown[0]!r}; use {', '.join(OPTIONS)}")
    bad = [o for o, r in rates.items() if not 0 < r <= 1]
    if bad:
        raise ValueError(f"the response rate of {bad[0]} must lie between 0 and 1 (0.15 = 15%)")
    needed = required_responses(population, margin, confidence)
    options = []
    for option in (o for o in OPTIONS if o in rates):
        rate = rates[option]
        invitations = min(population, math.ceil(needed / rate - 1e-9))
        expected = math.floor(invitations * rate + 1e-9)
        options.append(
            OptionAdvice(
                option,
                rate,
                invitations,
                expected,
                expected >= needed,
                achieved_margin(expected, population, confidence),
            )
        )
    reaching = [o for o in options if o.reaches]
    advised = reaching[0] if reaching else max(options, key=lambda o: o.rate, default=None)
    return SampleSizeAdvice(population, margin, confidence, needed, tuple(options), advised)


@dataclass(frozen=True)
class SampleSizeOptions:
    """What ``papersurvey sample-size`` needs.

    Attributes:
        population: the population size; ``None`` to count the round's invited people.
        rates: expected response rate per option (default :data:`DEFAULT_RATES`).
        margin: the margin of error aimed at.
        confidence: the confidence level.
    """

    population: int | None = None
    rates: Mapping[str, float] | None = None
    margin: float = 0.05
    confidence: float = 0.95


def invited(store: Store) -> int:
    """The people of the round's address file who are invited (active, channel not ``none``)."""
    return int(
        store.scalar(
            "SELECT COUNT(*) FROM respondents WHERE channel != 'none' AND status = 'active'"
        )
        or 0
    )


def sample_size(options: SampleSizeOptions, store: Store | None = None) -> SampleSizeAdvice:
    """The advice for a given population, or for the people in the round's store.

    Raises:
        ValidationError: no population given and none imported, or a rate or margin
            out of range.
    """
    population = options.population
    if population is None and store is not None:
        population = invited(store)
    if not population:
        raise ValidationError(
            "No population: give --population N, or import the address file first "
            "(papersurvey import-addresses)."
        )
    try:
        return advise(
            population, options.rates, margin=options.margin, confidence=options.confidence
        )
    except ValueError as exc:
        raise ValidationError(f"{exc}.") from exc
