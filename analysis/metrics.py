"""Every figure of the report and the exports, defined once.

* **Mean** (:func:`mean_of`, :func:`grade_mean`): the mean of the valid
  answers (*don't know* codes left out), with the 95% confidence interval
  from Student's t (``mean ± t(0.975, n-1) · f · sd / sqrt(n)``), where ``f``
  is the finite population correction for ``n`` responses out of the
  round's population (:func:`analysis.stats.fpc`); the *margin of error* is
  the half-width of that interval. ``n`` is the number of valid answers.
* **Share** (:func:`proportion`, :func:`share`): a proportion among the valid
  answers, *don't know* left out, with the Wilson score interval (also
  finite population corrected), which behaves at small ``n`` and near 0% and
  100%. It is not symmetric, so the report prints it as a range.
* **Net score** (:func:`net_score`): the share of one set of codes minus the
  share of another (the NPS: promoters minus detractors), from -1 to 1, with
  a normal interval from its standard error
  ``sqrt((p+ + p- - (p+ - p-)^2) / n)``.
* **Distribution** (:func:`distribution`): the count of each valid code
  (``select_multiple``: the respondents choosing each option).
* **Comparison** (:func:`compare`): with the previous round or a reference
  group. Means: Welch's t-test when the other side has a standard deviation
  and ``n``, else a one-sample t-test against its mean. Shares: the
  chi-squared test of the 2x2 table when the other side has ``n`` (Fisher's
  exact test when an expected count is below 5), else the exact binomial
  test against its share. Net scores: a z-test. Two-sided; significant at 5%
  after Holm's adjustment within the family the caller forms
  (:func:`adjust`), so that many comparisons do not produce chance findings.
* **Suppression** (:func:`hidden`, :func:`suppress_partition`): a figure
  based on fewer than ``privacy.min_cell_size`` answers, and a share whose
  count is between 1 and the minimum, is never shown. In a table whose
  groups add up to a shown total, a single hidden cell could be worked out
  from the others, so the smallest other cell is hidden as well.

The statistics themselves come from scipy (:mod:`analysis.stats`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from analysis import stats
from analysis.scales import Kind, Scale

CONFIDENCE = 0.95
ALPHA = 0.05


@dataclass(frozen=True)
class Mean:
    """A mean with its confidence interval; ``nan`` figures when ``n == 0``."""

    n: int
    mean: float
    sd: float
    low: float
    high: float

    @property
    def value(self) -> float:
        return self.mean

    @property
    def margin(self) -> float:
        return (self.high - self.low) / 2.0


@dataclass(frozen=True)
class Share:
    """A proportion (0-1) of ``count`` in ``n`` with its Wilson interval.

    The interval is computed when first asked for (most shares of a
    distribution are never printed with one).

    Attributes:
        population: the population for the finite population correction, if known.
        confidence: the confidence level of the interval.
    """

    n: int
    count: int
    population: int | None = None
    confidence: float = CONFIDENCE

    @property
    def p(self) -> float:
        return self.count / self.n if self.n > 0 else math.nan

    @property
    def value(self) -> float:
        return self.p

    @property
    def low(self) -> float:
        return stats.wilson_interval(self.count, self.n, self.confidence, self.population)[0]

    @property
    def high(self) -> float:
        return stats.wilson_interval(self.count, self.n, self.confidence, self.population)[1]

    @property
    def margin(self) -> float:
        """The larger distance from ``p`` to an end of the (asymmetric) interval."""
        return max(self.p - self.low, self.high - self.p)


@dataclass(frozen=True)
class Net:
    """A net score: the share of ``plus`` minus the share of ``minus`` among ``n`` (-1 to 1)."""

    n: int
    plus: int
    minus: int
    low: float
    high: float

    @property
    def value(self) -> float:
        return (self.plus - self.minus) / self.n if self.n else math.nan

    @property
    def se(self) -> float:
        """The standard error (without finite population correction)."""
        if self.n <= 0:
            return math.nan
        a, b = self.plus / self.n, self.minus / self.n
        return math.sqrt(max(0.0, a + b - (a - b) ** 2) / self.n)

    @property
    def margin(self) -> float:
        return (self.high - self.low) / 2.0


Stat = Mean | Share | Net
"""Any figure with ``n``, ``value``, ``low``, ``high`` and ``margin``."""


@dataclass(frozen=True)
class Distribution:
    """Counts and shares per code; ``n`` is the base (valid answers, or respondents)."""

    n: int
    counts: Mapping[str, int]
    population: int | None = None

    def share(self, code: str) -> Share:
        return proportion(self.counts.get(code, 0), self.n, population=self.population)


@dataclass(frozen=True)
class OtherFigure:
    """A figure of the other side of a comparison (previous round, reference group).

    Attributes:
        value: the mean, the share (0-1) or the net score (-1 to 1).
        n: its number of answers, when known.
        sd: for a mean, its standard deviation, when known.
    """

    value: float
    n: int | None = None
    sd: float | None = None


@dataclass(frozen=True)
class Comparison:
    """The outcome of :func:`compare`.

    Attributes:
        difference: current minus other (for shares and net scores: a
            fraction, printed as percentage points).
        p_value: two-sided p-value, ``nan`` when no test was possible.
        method: the test (see :class:`analysis.stats.TestResult`).
        adjusted: the Holm-adjusted p-value within its family; ``nan`` until
            :func:`adjust` sets it, the raw p-value then counts.
    """

    difference: float
    p_value: float
    method: str = ""
    adjusted: float = math.nan

    @property
    def decisive(self) -> float:
        """The p-value that decides significance: the adjusted one when known."""
        return self.p_value if math.isnan(self.adjusted) else self.adjusted

    @property
    def significant(self) -> bool:
        return self.decisive < ALPHA

    @property
    def direction(self) -> int:
        """+1 significantly higher, -1 significantly lower, 0 otherwise."""
        if not self.significant:
            return 0
        return 1 if self.difference > 0 else -1


# ---------------------------------------------------------------- values


def valid_codes(values: pd.Series, scale: Scale) -> pd.Series:
    """The answers that count: missing and *don't know* codes dropped."""
    v = values.dropna().astype(str)
    if scale.kind is Kind.MULTIPLE:
        return v[v.str.strip() != ""]
    return v[v.isin(list(scale.valid))] if scale.valid else v


def numbers(values: pd.Series, scale: Scale) -> pd.Series:
    """The valid answers as floats (grades and integers)."""
    return pd.to_numeric(valid_codes(values, scale), errors="coerce").dropna().astype(float)


def mean_of(
    x: Sequence[float] | pd.Series,
    confidence: float = CONFIDENCE,
    population: int | None = None,
) -> Mean:
    """Mean, sd and t-interval of plain numbers (finite population corrected when known)."""
    arr = [float(v) for v in x]
    n = len(arr)
    if n == 0:
        return Mean(0, math.nan, math.nan, math.nan, math.nan)
    m = math.fsum(arr) / n
    if n == 1:
        return Mean(1, m, math.nan, math.nan, math.nan)
    sd = math.sqrt(math.fsum((v - m) ** 2 for v in arr) / (n - 1))
    low, high = stats.mean_interval(m, sd, n, confidence, population)
    return Mean(n, m, sd, low, high)


def grade_mean(
    values: pd.Series, scale: Scale, confidence: float = CONFIDENCE, population: int | None = None
) -> Mean:
    """The mean grade of ``values`` (codes as text)."""
    return mean_of(numbers(values, scale), confidence, population)


def proportion(
    count: int, n: int, confidence: float = CONFIDENCE, population: int | None = None
) -> Share:
    """``count`` of ``n`` as a share with its Wilson score interval."""
    if n <= 0:
        return Share(0, 0)
    return Share(n, count, population, confidence)


def share(
    values: pd.Series, scale: Scale, codes: Sequence[str], population: int | None = None
) -> Share:
    """The share of ``codes`` among the valid answers."""
    v = valid_codes(values, scale)
    return proportion(int(v.isin(list(codes)).sum()), len(v), population=population)


def agree_share(values: pd.Series, scale: Scale, population: int | None = None) -> Share:
    """% (helemaal) mee eens: the agree codes among the valid answers (weet niet excluded)."""
    return share(values, scale, scale.positive, population)


def fail_share(values: pd.Series, scale: Scale, population: int | None = None) -> Share:
    """% onvoldoende: grades below ``scale.fail_below`` among the valid grades."""
    x = numbers(values, scale)
    return proportion(int((x < scale.fail_below).sum()), len(x), population=population)


def net_score(
    values: pd.Series,
    scale: Scale,
    plus: Sequence[str],
    minus: Sequence[str],
    confidence: float = CONFIDENCE,
    population: int | None = None,
) -> Net:
    """The share of ``plus`` codes minus the share of ``minus`` codes among the valid answers."""
    v = valid_codes(values, scale)
    n = len(v)
    a, b = int(v.isin(list(plus)).sum()), int(v.isin(list(minus)).sum())
    if n == 0:
        return Net(0, 0, 0, math.nan, math.nan)
    draft = Net(n, a, b, math.nan, math.nan)
    half = stats.z_value(confidence) * stats.fpc(n, population) * draft.se
    value = draft.value
    return Net(n, a, b, max(-1.0, value - half), min(1.0, value + half))


def distribution(values: pd.Series, scale: Scale, population: int | None = None) -> Distribution:
    """Counts per valid code (``select_multiple``: respondents choosing each option)."""
    v = valid_codes(values, scale)
    if scale.kind is Kind.MULTIPLE:
        chosen = [set(s.split()) for s in v]
        counts = {c: sum(c in s for s in chosen) for c in scale.valid}
        return Distribution(len(v), counts, population)
    vc = v.value_counts()
    return Distribution(len(v), {c: int(vc.get(c, 0)) for c in scale.valid}, population)


# ---------------------------------------------------------------- comparison


def compare(current: Stat, other: OtherFigure) -> Comparison:
    """Test ``current`` against ``other`` (see the module docstring for the tests)."""
    diff = current.value - other.value
    if current.n < 2 or math.isnan(current.value) or math.isnan(other.value):
        return Comparison(diff, math.nan)
    if isinstance(current, Mean):
        if other.sd is not None and other.n and other.n > 1 and not math.isnan(other.sd):
            r = stats.welch(current.mean, current.sd, current.n, other.value, other.sd, other.n)
        else:
            r = stats.one_sample_t(current.mean, current.sd, current.n, other.value)
    elif isinstance(current, Share):
        if other.n:
            count = round(min(1.0, max(0.0, other.value)) * other.n)
            r = stats.two_proportions(current.count, current.n, count, other.n)
        else:
            r = stats.one_proportion(current.count, current.n, other.value)
    else:
        se = current.se
        if other.n:
            se = math.sqrt(se**2 + _net_se(other.value, other.n) ** 2)
        r = stats.normal_test(diff, se)
    return Comparison(diff, r.p_value, r.method)


def _net_se(value: float, n: int) -> float:
    """The largest standard error a net score ``value`` on ``n`` answers can have.

    The other side's promoters and detractors are not known separately; the
    variance ``p+ + p- - v^2`` is largest when nobody is neutral
    (``p+ + p- = 1``), which keeps the test conservative.
    """
    return math.sqrt(max(0.0, 1.0 - value**2) / n)


def adjust(comparisons: Sequence[Comparison | None]) -> list[Comparison | None]:
    """The same comparisons with Holm-adjusted p-values over the family (``None`` kept)."""
    known = [c for c in comparisons if c is not None]
    adjusted = iter(stats.holm([c.p_value for c in known]))
    return [None if c is None else replace(c, adjusted=next(adjusted)) for c in comparisons]


def other_figure_of(stat: Stat) -> OtherFigure:
    """A figure of this round as the other side of a later comparison."""
    if isinstance(stat, Mean):
        return OtherFigure(stat.mean, stat.n, stat.sd)
    return OtherFigure(stat.value, stat.n)


# ---------------------------------------------------------------- suppression


def hidden(n: int, min_cell_size: int) -> bool:
    """Whether a figure based on ``n`` answers must be suppressed."""
    return n < min_cell_size


def hidden_stat(stat: Stat, min_cell_size: int) -> bool:
    """Whether a figure must be suppressed: too few answers, or a share of too few people.

    A share also counts the people behind it: 2 of 40 is 5%, but it tells
    something about 2 people. A share of nobody (0%) tells nothing about a
    person and is shown.
    """
    if hidden(stat.n, min_cell_size):
        return True
    if isinstance(stat, Share):
        return 0 < stat.count < min_cell_size
    return False


def suppress_partition(counts: Sequence[int], min_cell_size: int) -> list[bool]:
    """Which cells of a partition (groups adding up to a shown total) to hide.

    Primary: every cell below ``min_cell_size``. Secondary: when exactly one
    cell is hidden, the smallest other cell is hidden too, so the hidden one
    cannot be worked out from the total.
    """
    hide = [hidden(c, min_cell_size) for c in counts]
    if sum(hide) == 1 and len(counts) > 1:
        rest = [(c, i) for i, c in enumerate(counts) if not hide[i]]
        hide[min(rest)[1]] = True
    return hide


def suppress_shares(counts: Sequence[int], min_cell_size: int) -> list[bool]:
    """Which shares of a distribution with a shown base to hide.

    Primary: every share of 1 to ``min_cell_size - 1`` people. Secondary: when
    exactly one is hidden, the smallest other share of at least one person is
    hidden too, since the base and the other shares would give it away.
    """
    hide = [0 < c < min_cell_size for c in counts]
    if sum(hide) == 1:
        rest = [(c, i) for i, c in enumerate(counts) if not hide[i] and c > 0]
        if rest:
            hide[min(rest)[1]] = True
    return hide


# ---------------------------------------------------------------- response


@dataclass(frozen=True)
class ResponseRow:
    """Response figures of one group of invited respondents."""

    group: str
    invited: int
    responded: int
    paper: int
    online: int

    @property
    def rate(self) -> float:
        return self.responded / self.invited if self.invited else math.nan


def response_rates(population: pd.DataFrame, by: str | None = None) -> list[ResponseRow]:
    """Invited, responded (by mode) and the response rate, in total or per value of ``by``.

    ``population`` is :attr:`analysis.dataset.Dataset.population`.
    """
    if by is None:
        groups = [("Totaal", population)]
    else:
        groups = [(str(k), g) for k, g in population.groupby(by, sort=True)]
    return [
        ResponseRow(
            group=name,
            invited=len(g),
            responded=int(g["responded"].sum()),
            paper=int((g["mode"] == "paper").sum()),
            online=int((g["mode"] == "online").sum()),
        )
        for name, g in groups
    ]
