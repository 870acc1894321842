"""All figures of a round, computed once for the report and the exports.

:func:`compute_results` applies :mod:`analysis.metrics` to every question of
the dataset, for the whole round and per subgroup, attaches the previous
round's and the reference group's figures with their significance tests, and
decides suppression. The report reads :class:`Results`; the export
``metrics.csv`` is :meth:`Results.frame` (hidden figures left empty), so both
always show the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from analysis import metrics
from analysis.comparisons import Source
from analysis.dataset import Dataset
from analysis.scales import Kind, Scale, scales

TOTAL = ""
"""The group key of the whole round."""


@dataclass(frozen=True)
class Figure:
    """One figure of one question for one group, ready to show (or to hide).

    Attributes:
        question: the question name.
        statistic: ``mean``, ``agree``, ``fail`` or ``share:CODE``.
        group: :data:`TOTAL` or a subgroup.
        stat: the figure with its ``n`` and interval.
        hidden: suppressed (too few answers, or to protect a suppressed neighbour).
        previous: the previous round's figure, ``None`` when unknown or hidden.
        previous_test: the test against it.
        reference: the reference group's figure, ``None`` when unknown or hidden.
        reference_test: the test against it.
    """

    question: str
    statistic: str
    group: str
    stat: metrics.Mean | metrics.Share
    hidden: bool
    previous: metrics.OtherFigure | None = None
    previous_test: metrics.Comparison | None = None
    reference: metrics.OtherFigure | None = None
    reference_test: metrics.Comparison | None = None

    @property
    def n(self) -> int:
        return self.stat.n

    @property
    def value(self) -> float:
        return self.stat.value


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
        previous: the previous round's figures, if given.
        reference: the reference group's figures, if given.
    """

    dataset: Dataset
    min_cell_size: int
    scales: Mapping[str, Scale]
    figures: Mapping[tuple[str, str, str], Figure]
    distributions: Mapping[tuple[str, str], metrics.Distribution]
    subgroups: tuple[str, ...]
    previous: Source | None = None
    reference: Source | None = None

    def get(self, question: str, statistic: str, group: str = TOTAL) -> Figure | None:
        return self.figures.get((question, statistic, group))

    def frame(self) -> pd.DataFrame:
        """The metrics table (one row per figure); hidden figures have no values."""
        rows = []
        q = self.dataset.questionnaire
        for (name, statistic, group), f in self.figures.items():
            show = not f.hidden
            low, high = (f.stat.low, f.stat.high) if show else (math.nan, math.nan)
            rows.append(
                {
                    "question": name,
                    "label": q.question(name).label.get(),
                    "kind": self.scales[name].kind.value,
                    "statistic": statistic,
                    "group": group or "Totaal",
                    "n": f.n if show else None,
                    "value": f.value if show else None,
                    "ci_low": low if show else None,
                    "ci_high": high if show else None,
                    "suppressed": f.hidden,
                    "previous": f.previous.value if f.previous and show else None,
                    "previous_p": f.previous_test.p_value if f.previous_test and show else None,
                    "reference": f.reference.value if f.reference and show else None,
                    "reference_p": f.reference_test.p_value if f.reference_test and show else None,
                }
            )
        return pd.DataFrame(rows)


def _statistics(scale: Scale) -> list[str]:
    if scale.kind is Kind.GRADE:
        return ["mean", "fail"]
    if scale.kind is Kind.AGREE:
        return ["agree"]
    return []


def _stat(values: pd.Series, scale: Scale, statistic: str) -> metrics.Mean | metrics.Share:
    if statistic == "mean":
        return metrics.grade_mean(values, scale)
    if statistic == "fail":
        return metrics.fail_share(values, scale)
    if statistic == "agree":
        return metrics.agree_share(values, scale)
    code = statistic.split(":", 1)[1]
    return metrics.distribution(values, scale).share(code)


def _attach(
    figure: Figure, previous: Source | None, reference: Source | None, k: int
) -> Figure:
    def side(b: Source | None) -> tuple[metrics.OtherFigure | None, metrics.Comparison | None]:
        if b is None or figure.hidden:
            return None, None
        other = b.get(figure.question, figure.statistic)
        if other is None or (other.n is not None and metrics.hidden(other.n, k)):
            return None, None
        return other, metrics.compare(figure.stat, other)

    prev, prev_test = side(previous)
    ref, ref_test = side(reference)
    return Figure(
        figure.question, figure.statistic, figure.group, figure.stat, figure.hidden,
        prev, prev_test, ref, ref_test,
    )  # fmt: skip


def compute_results(
    dataset: Dataset,
    min_cell_size: int,
    *,
    previous: Source | None = None,
    reference: Source | None = None,
    by: str = "subgroup",
) -> Results:
    """Every figure of ``dataset`` (see the module docstring)."""
    data = dataset.data
    k = min_cell_size
    all_scales = scales(dataset.questionnaire)
    groups = sorted(g for g in data[by].dropna().unique() if str(g).strip()) if by in data else []
    figures: dict[tuple[str, str, str], Figure] = {}
    distributions: dict[tuple[str, str], metrics.Distribution] = {}
    for name, scale in all_scales.items():
        values = data[name] if name in data else pd.Series(dtype=object)
        if scale.kind in (Kind.GRADE, Kind.AGREE, Kind.SINGLE, Kind.MULTIPLE):
            dist = metrics.distribution(values, scale)
            distributions[(name, TOTAL)] = dist
            for code in scale.valid:
                f = Figure(
                    name, f"share:{code}", TOTAL, dist.share(code), metrics.hidden(dist.n, k)
                )
                figures[(name, f.statistic, TOTAL)] = _attach(f, previous, reference, k)
        for statistic in _statistics(scale):
            stat = _stat(values, scale, statistic)
            f = Figure(name, statistic, TOTAL, stat, metrics.hidden(stat.n, k))
            figures[(name, statistic, TOTAL)] = _attach(f, previous, reference, k)
            if len(groups) < 2:
                continue
            per_group = [_stat(values[data[by] == g], scale, statistic) for g in groups]
            hide = metrics.suppress_partition([s.n for s in per_group], k)
            for g, s, h in zip(groups, per_group, hide, strict=True):
                figures[(name, statistic, str(g))] = Figure(name, statistic, str(g), s, h)
    return Results(
        dataset=dataset,
        min_cell_size=k,
        scales=all_scales,
        figures=figures,
        distributions=distributions,
        subgroups=tuple(str(g) for g in groups),
        previous=previous,
        reference=reference,
    )
