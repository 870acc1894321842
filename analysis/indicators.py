"""The indicator registry: every kind of figure the report, the tables and the exports show.

An :class:`Indicator` says which questions it applies to, how it is computed
(with its ``n``), how it is shown (a number, a percentage or points), its
name in Dutch and English, and whether it is tested against the previous
round and the reference group. :func:`analysis.results.compute_results`,
the comparison files (:mod:`analysis.comparisons`), the report's tables
(:mod:`analysis.chapters`), ``metrics.csv`` and the Excel export all iterate
over a :class:`Registry`, so an indicator is added in one place:
:data:`DEFAULT` here, or ``DEFAULT.with_indicator(...)`` for a round of
one's own.

The statistic key of a figure is the indicator's ``key``, or ``key:CODE`` for
an indicator with one figure per answer code (``share:3``, ``top:7``).

The default indicators:

=========  =================================  ===============================================
key        applies to                          figure
=========  =================================  ===============================================
``mean``   grades (1-10)                       mean grade, t interval
``fail``   grades                              % onvoldoende (grades below 6), Wilson interval
``agree``  agree scales                        % (helemaal) mee eens, *weet niet* left out
``nps``    0-10 "would you recommend" items    Net Promoter Score: % 9-10 minus % 0-6, points
``ces``    the questions in ``ces_questions``  Customer Effort Score, as ``ces_definition``
``top``    the questions in ``top_questions``  share per answer, shown as a top-N list
``share``  other choice questions              share per answer code (a distribution)
=========  =================================  ===============================================
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

import pandas as pd

from analysis import metrics
from analysis.scales import Kind, Scale
from survey.model import Question
from survey.settings import AnalysisSection

_RECOMMEND = re.compile(r"aanbevel|aanrad|recommend", re.IGNORECASE)
_EASY = re.compile(r"makkelijk|eenvoudig|easy", re.IGNORECASE)
_HARD = re.compile(r"moeilijk|lastig|moeite|difficult|hard|effort", re.IGNORECASE)
_NOT_EASY = re.compile(r"\bniet\b|\bnot\b|moeilijk|lastig|difficult", re.IGNORECASE)
_NOT_HARD = re.compile(r"\bniet\b|\bnot\b|makkelijk|eenvoudig|easy", re.IGNORECASE)
_OTHER = re.compile(r"^\s*(anders|overig|other)\b", re.IGNORECASE)
NPS_SCALE = tuple(str(i) for i in range(11))


class Display(StrEnum):
    """How a figure is printed."""

    NUMBER = "number"
    """a mean, one decimal: 7,4"""
    PERCENT = "percent"
    """a share as a percentage: 22%"""
    POINTS = "points"
    """a net score from -100 to +100: +12"""


@dataclass(frozen=True)
class Config:
    """What the indicators need to know about the round (``[analysis]`` in survey.toml).

    Attributes:
        population: the population size for the finite population correction,
            or ``None`` when unknown.
        reliable_n: figures on fewer answers are *indicatief*.
        top_n: the length of a top list.
        top_questions: the questions shown as a top list.
        nps_questions: the NPS questions; empty: detected from the question text.
        ces_questions: the CES questions.
        ces_definition: ``agree``, ``mean`` or ``net``.
        confidence: the confidence level of the intervals.
    """

    population: int | None = None
    reliable_n: int = 30
    top_n: int = 5
    top_questions: tuple[str, ...] = ()
    nps_questions: tuple[str, ...] = ()
    ces_questions: tuple[str, ...] = ()
    ces_definition: str = "agree"
    confidence: float = metrics.CONFIDENCE

    def for_population(self, population: int | None) -> Config:
        """The same settings with another population (a subgroup's)."""
        return replace(self, population=population)


def config_from(settings: AnalysisSection, invited: int | None) -> Config:
    """The indicator settings of a round: ``[analysis]`` of survey.toml, with its population.

    Args:
        invited: the number of people invited, the population when
            ``analysis.population`` is 0.
    """
    return Config(
        population=settings.population or invited,
        reliable_n=settings.reliable_n,
        top_n=settings.top_n,
        top_questions=settings.top_questions,
        nps_questions=settings.nps_questions,
        ces_questions=settings.ces_questions,
        ces_definition=settings.ces_definition,
    )


Applies = Callable[[Question, Scale, Config], bool]
Stat = metrics.Stat
Compute = Callable[[Question, pd.Series, Scale, Config, str], Stat]
"""question, its values (codes as text), scale, config, code ("" unless per code) -> figure."""
ComputeCodes = Callable[[Question, pd.Series, Scale, Config], Mapping[str, Stat]]
"""For an indicator per code: every code's figure at once (faster than one call per code)."""


@dataclass(frozen=True)
class Indicator:
    """One kind of figure.

    Attributes:
        key: the statistic key (``mean``); per code: the prefix (``share`` -> ``share:3``).
        label: the column heading, by language (``{"nl": ..., "en": ...}``).
        display: how the value is printed.
        applies: whether a question gets this indicator.
        compute: the figure of one question's answers.
        per_code: one figure per valid answer code.
        by_group: also computed per subgroup (the appendix of key figures).
        higher_is_better: for the summary's verdicts; ``None`` when it depends.
        ranked: shown as a top list, sorted by value.
        description: one sentence for the method chapter, by language.
        compute_codes: for an indicator per code, all codes at once (optional).
    """

    key: str
    label: Mapping[str, str]
    display: Display
    applies: Applies
    compute: Compute
    per_code: bool = False
    by_group: bool = True
    higher_is_better: bool | None = True
    ranked: bool = False
    description: Mapping[str, str] = field(default_factory=dict)
    compute_codes: ComputeCodes | None = None

    def name(self, language: str) -> str:
        return self.label.get(language) or next(iter(self.label.values()))

    def statistics(self, scale: Scale, config: Config) -> list[str]:
        """The statistic keys of this indicator for a question with ``scale``."""
        if not self.per_code:
            return [self.key]
        return [f"{self.key}:{c}" for c in scale.valid]

    def figures(
        self, question: Question, values: pd.Series, scale: Scale, config: Config
    ) -> list[tuple[str, Stat]]:
        """(statistic, figure) for every statistic of this indicator on one question."""
        if not self.per_code:
            return [(self.key, self.compute(question, values, scale, config, ""))]
        if self.compute_codes is not None:
            by_code = self.compute_codes(question, values, scale, config)
            return [(f"{self.key}:{c}", by_code[c]) for c in scale.valid]
        return [
            (f"{self.key}:{c}", self.compute(question, values, scale, config, c))
            for c in scale.valid
        ]


@dataclass(frozen=True)
class Registry:
    """The indicators in the order the tables show them."""

    indicators: tuple[Indicator, ...]

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators)

    def get(self, statistic: str) -> Indicator | None:
        """The indicator of a statistic key (``share:3`` -> ``share``)."""
        key = statistic.split(":", 1)[0]
        return next((i for i in self.indicators if i.key == key), None)

    def for_question(self, question: Question, scale: Scale, config: Config) -> list[Indicator]:
        return [i for i in self.indicators if i.applies(question, scale, config)]

    def with_indicator(self, indicator: Indicator, *, before: str | None = None) -> Registry:
        """A registry with ``indicator`` added (before the one keyed ``before``, else last)."""
        items = [i for i in self.indicators if i.key != indicator.key]
        at = next((n for n, i in enumerate(items) if i.key == before), len(items))
        return Registry((*items[:at], indicator, *items[at:]))


# ---------------------------------------------------------------- applicability


def is_grade(question: Question, scale: Scale, config: Config) -> bool:
    """A report grade (1-10): the mean and the share of fails apply to it."""
    return scale.kind is Kind.GRADE


def is_nps(question: Question, scale: Scale, config: Config) -> bool:
    """A 0-10 question named in ``nps_questions``, or (when that is empty) asking to recommend."""
    if scale.valid != NPS_SCALE:
        return False
    if config.nps_questions:
        return question.name in config.nps_questions
    return any(_RECOMMEND.search(text) for _, text in question.label.values)


def is_ces(question: Question, scale: Scale, config: Config) -> bool:
    return question.name in config.ces_questions and bool(scale.valid)


def is_top(question: Question, scale: Scale, config: Config) -> bool:
    return question.name in config.top_questions and scale.kind in (Kind.SINGLE, Kind.MULTIPLE)


def _choice_kinds(question: Question, scale: Scale, config: Config) -> bool:
    return scale.kind in (Kind.GRADE, Kind.AGREE, Kind.SINGLE, Kind.MULTIPLE) and not is_top(
        question, scale, config
    )


def easy_codes(question: Question, scale: Scale) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The codes that say "easy" and "difficult": agree / disagree, or read from the labels."""
    if scale.kind is Kind.AGREE:
        return scale.positive, scale.negative
    cl = question.choices
    if cl is None:
        return (), ()

    def labels(code: str) -> list[str]:
        return [text for _, text in cl.choice(code).label.values]

    # "Niet makkelijk, niet moeilijk" says both and neither: it is neutral
    easy = tuple(
        c
        for c in scale.valid
        if any(_EASY.search(t) and not _NOT_EASY.search(t) for t in labels(c))
    )
    hard = tuple(
        c
        for c in scale.valid
        if any(_HARD.search(t) and not _NOT_HARD.search(t) for t in labels(c))
    )
    return easy, hard


def is_other_choice(question: Question, code: str) -> bool:
    """Whether a choice is the catch-all "Anders" / "Other" (left out of top lists)."""
    cl = question.choices
    if cl is None or code not in cl.names():
        return False
    return any(_OTHER.search(text) for _, text in cl.choice(code).label.values)


# ---------------------------------------------------------------- computations


def _mean(q: Question, values: pd.Series, scale: Scale, config: Config, code: str) -> Stat:
    return metrics.grade_mean(values, scale, config.confidence, config.population)


def _fail(q: Question, values: pd.Series, scale: Scale, config: Config, code: str) -> Stat:
    return metrics.fail_share(values, scale, config.population)


def _agree(q: Question, values: pd.Series, scale: Scale, config: Config, code: str) -> Stat:
    return metrics.agree_share(values, scale, config.population)


def _share(q: Question, values: pd.Series, scale: Scale, config: Config, code: str) -> Stat:
    return metrics.distribution(values, scale, config.population).share(code)


def _shares(q: Question, values: pd.Series, scale: Scale, config: Config) -> dict[str, Stat]:
    dist = metrics.distribution(values, scale, config.population)
    return {c: dist.share(c) for c in scale.valid}


def _nps(q: Question, values: pd.Series, scale: Scale, config: Config, code: str) -> Stat:
    promoters, detractors = ("9", "10"), tuple(str(i) for i in range(7))
    return metrics.net_score(
        values, scale, promoters, detractors, config.confidence, config.population
    )


def _ces(q: Question, values: pd.Series, scale: Scale, config: Config, code: str) -> Stat:
    easy, hard = easy_codes(q, scale)
    if config.ces_definition == "mean":
        return metrics.mean_of(metrics.numbers(values, scale), config.confidence, config.population)
    if config.ces_definition == "net":
        return metrics.net_score(values, scale, easy, hard, config.confidence, config.population)
    return metrics.share(values, scale, easy, config.population)


def share_indicator(
    key: str,
    applies: Applies,
    *,
    higher_is_better: bool | None = True,
    ranked: bool = False,
    description: Mapping[str, str] | None = None,
) -> Indicator:
    """An indicator with the share of every answer code (``key:CODE``), for the total only.

    The top lists and the distributions are the same figure shown two ways,
    so they are computed alike; only where they apply and how they are
    shown differ.
    """
    return Indicator(
        key,
        {"nl": "%", "en": "%"},
        Display.PERCENT,
        applies,
        _share,
        per_code=True,
        by_group=False,
        higher_is_better=higher_is_better,
        ranked=ranked,
        description=description or {},
        compute_codes=_shares,
    )


DEFAULT = Registry(
    (
        Indicator(
            "mean",
            {"nl": "Gemiddelde", "en": "Mean"},
            Display.NUMBER,
            is_grade,
            _mean,
        ),
        Indicator(
            "fail",
            {"nl": "% onvoldoende", "en": "% fail"},
            Display.PERCENT,
            is_grade,
            _fail,
            higher_is_better=False,
            description={
                "nl": "% onvoldoende: het aandeel rapportcijfers lager dan 6.",
                "en": "% fail: the share of grades below 6.",
            },
        ),
        Indicator(
            "agree",
            {"nl": "% (helemaal) mee eens", "en": "% (strongly) agree"},
            Display.PERCENT,
            lambda q, s, c: s.kind is Kind.AGREE and not is_ces(q, s, c),
            _agree,
            higher_is_better=None,
        ),
        Indicator(
            "nps",
            {"nl": "NPS", "en": "NPS"},
            Display.POINTS,
            is_nps,
            _nps,
            description={
                "nl": "Net Promoter Score (NPS): het percentage dat een 9 of 10 geeft (promotors) min het percentage dat 0 tot en met 6 geeft (criticasters), van -100 tot +100.",
                "en": "Net Promoter Score (NPS): the percentage giving 9 or 10 (promoters) minus the percentage giving 0 to 6 (detractors), from -100 to +100.",
            },
        ),
        Indicator(
            "ces",
            {"nl": "CES", "en": "CES"},
            Display.PERCENT,
            is_ces,
            _ces,
            description={
                "nl": "Customer Effort Score (CES): hoe makkelijk klanten hun zaak konden regelen.",
                "en": "Customer Effort Score (CES): how easy clients found it to get things done.",
            },
        ),
        share_indicator(
            "top",
            is_top,
            ranked=True,
            description={
                "nl": "Goede punten en verbeterpunten: het percentage dat een punt koos; de vijf meest gekozen punten staan naast de referentiegroep.",
                "en": "Good points and improvement points: the percentage choosing a point; the most chosen points are shown next to the reference group.",
            },
        ),
        share_indicator("share", _choice_kinds, higher_is_better=None),
    )
)
"""The indicators of every report, in the order of the tables."""


def display_of(indicator: Indicator, config: Config) -> Display:
    """How a figure of ``indicator`` is printed (the CES follows its definition)."""
    if indicator.key == "ces":
        return {"mean": Display.NUMBER, "net": Display.POINTS}.get(
            config.ces_definition, Display.PERCENT
        )
    return indicator.display
