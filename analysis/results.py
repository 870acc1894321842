"""All figures of a round, computed once for the report and the exports.

:func:`compute_results` applies every indicator of the registry
(:mod:`analysis.indicators`) to every question it applies to, for the whole
round and per subgroup, attaches the previous round's and the reference
group's figures with their significance tests, adjusts those tests for
multiple comparisons, and decides suppression and the *indicatief* mark.
The report reads :class:`Results`; the export ``metrics.csv`` is
:meth:`Results.frame` (hidden figures left empty), so both always show the
same numbers.

**Multiple comparisons.** Every comparison is tested at 5%, two-sided, and the
p-values are adjusted with Holm's method within a family: per comparison
source, the indicators of one chapter (a top-level group of the
questionnaire) form one family, and the shares of one question another.
A figure is marked significant when its adjusted p-value is below 5%.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from analysis import metrics
from analysis.comparisons import Source
from analysis.dataset import Dataset
from analysis.indicators import DEFAULT, Config, Indicator, Registry, display_of
from analysis.scales import Scale, scales
from survey.model import Group, Questionnaire

TOTAL = ""
"""The group key of the whole round."""


@dataclass(frozen=True)
class Figure:
    """One figure of one question for one group, ready to show (or to hide).

    Attributes:
        question: the question name.
        statistic: the indicator's key, or ``key:CODE``.
        group: :data:`TOTAL` or a subgroup.
        stat: the figure with its ``n`` and interval.
        hidden: suppressed (too few answers, or to protect a suppressed neighbour).
        previous: the previous round's figure, ``None`` when unknown or hidden.
        previous_test: the test against it.
        reference: the reference group's figure, ``None`` when unknown or hidden.
        reference_test: the test against it.
        indicative: shown, but on fewer answers than ``analysis.reliable_n``.
    """

    question: str
    statistic: str
    group: str
    stat: metrics.Stat
    hidden: bool
    previous: metrics.OtherFigure | None = None
    previous_test: metrics.Comparison | None = None
    reference: metrics.OtherFigure | None = None
    reference_test: metrics.Comparison | None = None
    indicative: bool = False

    @property
    def n(self) -> int:
        return self.stat.n

    @property
    def value(self) -> float:
        return self.stat.value

    @property
    def indicator(self) -> str:
        return self.statistic.split(":", 1)[0]

    def side(self, which: str) -> tuple[metrics.OtherFigure | None, metrics.Comparison | None]:
        """The other figure and its test, for ``previous`` or ``reference``."""
        if which == "previous":
            return self.previous, self.previous_test
        return self.reference, self.reference_test


@dataclass(frozen=True)
class Results:
    """Every figure of a round.

    Attributes:
        dataset: the merged dataset.
        min_cell_size: the suppression threshold (``privacy.min_cell_size``).
        scales: the scale of every question.
        figures: (question, statistic, group) -> figure.
        distributions: (question, group) -> counts per code.
        subgroups: the subgroups with respondents, sorted.
        previous: the previous round's figures, if given (the last of ``rounds``).
        reference: the reference group's figures, if given.
        rounds: every earlier round given, oldest first (the trend).
        registry: the indicators.
        config: the indicator settings (population, reliable n, ...).
    """

    dataset: Dataset
    min_cell_size: int
    scales: Mapping[str, Scale]
    figures: Mapping[tuple[str, str, str], Figure]
    distributions: Mapping[tuple[str, str], metrics.Distribution]
    subgroups: tuple[str, ...]
    previous: Source | None = None
    reference: Source | None = None
    rounds: tuple[Source, ...] = ()
    registry: Registry = DEFAULT
    config: Config = field(default_factory=Config)

    def get(self, question: str, statistic: str, group: str = TOTAL) -> Figure | None:
        return self.figures.get((question, statistic, group))

    def indicators(self, question: str) -> list[Indicator]:
        """The indicators that apply to ``question``, in registry order."""
        q = self.dataset.questionnaire.question(question)
        return self.registry.for_question(q, self.scales[question], self.config)

    def frame(self) -> pd.DataFrame:
        """The metrics table (one row per figure); hidden figures have no values."""
        rows = []
        q = self.dataset.questionnaire
        sources = {"previous": self.previous, "reference": self.reference}
        for (name, statistic, group), f in self.figures.items():
            show = not f.hidden
            indicator = self.registry.get(statistic)
            row: dict[str, object] = {
                "question": name,
                "label": q.question(name).label.get(),
                "kind": self.scales[name].kind.value,
                "statistic": statistic,
                "display": display_of(indicator, self.config).value if indicator else "",
                "group": group or "Totaal",
                "n": f.n if show else None,
                "value": f.value if show else None,
                "ci_low": f.stat.low if show else None,
                "ci_high": f.stat.high if show else None,
                "suppressed": f.hidden,
                "indicative": f.indicative and show,
            }
            for side, source in sources.items():
                other, test = f.side(side)
                known = show and other is not None
                row[f"{side}_source"] = source.label if source and known else None
                row[side] = other.value if known and other else None
                row[f"{side}_difference"] = test.difference if known and test else None
                row[f"{side}_p"] = test.p_value if known and test else None
                row[f"{side}_p_holm"] = test.adjusted if known and test else None
                row[f"{side}_test"] = test.method if known and test else None
            rows.append(row)
        return pd.DataFrame(rows)


def chapter_of(questionnaire: Questionnaire) -> dict[str, str]:
    """Question name -> the name of its top-level group (its chapter); ``""`` for loose ones."""
    out: dict[str, str] = {}
    for item in questionnaire.items:
        if isinstance(item, Group):
            for q in item.questions():
                out[q.name] = item.name
        else:
            out[item.name] = ""
    return out


def _secondary(hide: list[bool], sizes: Sequence[int]) -> list[bool]:
    """When exactly one cell of a partition is hidden, hide the smallest other one too."""
    if sum(hide) == 1 and len(hide) > 1:
        rest = [(s, i) for i, s in enumerate(sizes) if not hide[i]]
        hide = list(hide)
        hide[min(rest)[1]] = True
    return hide


def _attach(figure: Figure, previous: Source | None, reference: Source | None, k: int) -> Figure:
    def side(b: Source | None) -> tuple[metrics.OtherFigure | None, metrics.Comparison | None]:
        if b is None or figure.hidden:
            return None, None
        other = b.get(figure.question, figure.statistic)
        if other is None or (other.n is not None and metrics.hidden(other.n, k)):
            return None, None
        return other, metrics.compare(figure.stat, other)

    prev, prev_test = side(previous)
    ref, ref_test = side(reference)
    return replace(
        figure, previous=prev, previous_test=prev_test, reference=ref, reference_test=ref_test
    )


def _adjust(
    figures: dict[tuple[str, str, str], Figure], questionnaire: Questionnaire, registry: Registry
) -> None:
    """Holm within each family (see the module docstring), in place."""
    chapters = chapter_of(questionnaire)
    for side in ("previous", "reference"):
        families: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
        for key, f in figures.items():
            if f.group or f.side(side)[1] is None:
                continue
            indicator = registry.get(f.statistic)
            family = (
                f.question if indicator and indicator.per_code else chapters.get(f.question, "")
            )
            families[(family, "code" if indicator and indicator.per_code else "ind")].append(key)
        for keys in families.values():
            tests = metrics.adjust([figures[k].side(side)[1] for k in keys])
            for k, test in zip(keys, tests, strict=True):
                if side == "previous":
                    figures[k] = replace(figures[k], previous_test=test)
                else:
                    figures[k] = replace(figures[k], reference_test=test)


def _population_of(dataset: Dataset, config: Config, by: str) -> dict[str, int | None]:
    """The population of each subgroup: its number invited, when the total is the number invited."""
    pop = dataset.population
    if config.population is not None and config.population != len(pop):
        return {}
    if by not in pop:
        return {}
    counts = pop.groupby(by).size()
    return {str(g): int(n) for g, n in counts.items()}


def compute_results(
    dataset: Dataset,
    min_cell_size: int,
    *,
    previous: Source | None = None,
    reference: Source | None = None,
    rounds: Sequence[Source] = (),
    by: str = "subgroup",
    registry: Registry = DEFAULT,
    config: Config | None = None,
) -> Results:
    """Every figure of ``dataset`` (see the module docstring).

    Args:
        previous: the round compared with significance tests; by default the
            last of ``rounds``.
        rounds: earlier rounds for the trend, oldest first.
        config: the indicator settings; by default the population is the
            number of people invited.
    """
    data = dataset.data
    k = min_cell_size
    if config is None:
        config = Config(population=len(dataset.population) or None)
    if previous is None and rounds:
        previous = rounds[-1]
    questionnaire = dataset.questionnaire
    all_scales = scales(questionnaire)
    groups = sorted(g for g in data[by].dropna().unique() if str(g).strip()) if by in data else []
    group_population = _population_of(dataset, config, by)
    figures: dict[tuple[str, str, str], Figure] = {}
    distributions: dict[tuple[str, str], metrics.Distribution] = {}
    for name, scale in all_scales.items():
        question = questionnaire.question(name)
        values = data[name] if name in data else pd.Series(dtype=object)
        if scale.valid:
            distributions[(name, TOTAL)] = metrics.distribution(values, scale, config.population)
        for indicator in registry.for_question(question, scale, config):
            stats = indicator.figures(question, values, scale, config)
            if indicator.per_code:
                base = distributions.get((name, TOTAL))
                base_hidden = base is None or metrics.hidden(base.n, k)
                shares = metrics.suppress_shares([getattr(st, "count", 0) for _, st in stats], k)
                hide = [base_hidden or h for h in shares]
            else:
                hide = [metrics.hidden_stat(st, k) for _, st in stats]
            for (statistic, stat), h in zip(stats, hide, strict=True):
                f = Figure(name, statistic, TOTAL, stat, h, indicative=stat.n < config.reliable_n)
                figures[(name, statistic, TOTAL)] = _attach(f, previous, reference, k)
            if indicator.per_code or not indicator.by_group or len(groups) < 2:
                continue
            per_group = [
                indicator.compute(
                    question,
                    values[data[by] == g],
                    scale,
                    config.for_population(group_population.get(str(g))),
                    "",
                )
                for g in groups
            ]
            primary = [metrics.hidden_stat(s, k) for s in per_group]
            hide = _secondary(primary, [s.n for s in per_group])
            for g, s, h in zip(groups, per_group, hide, strict=True):
                figures[(name, indicator.key, str(g))] = Figure(
                    name, indicator.key, str(g), s, h, indicative=s.n < config.reliable_n
                )
    _adjust(figures, questionnaire, registry)
    return Results(
        dataset=dataset,
        min_cell_size=k,
        scales=all_scales,
        figures=figures,
        distributions=distributions,
        subgroups=tuple(str(g) for g in groups),
        previous=previous,
        reference=reference,
        rounds=tuple(rounds) if rounds else ((previous,) if previous else ()),
        registry=registry,
        config=config,
    )
