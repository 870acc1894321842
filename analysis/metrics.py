"""Every figure of the report and the exports, defined once.

* **Grade mean** (:func:`grade_mean`): the mean of the valid grades (1-10;
  *don't know* codes left out), with the 95% confidence interval from
  Student's t (``mean ± t(0.975, n-1) · sd / sqrt(n)``); the *margin of
  error* is the half-width of that interval. ``n`` is the number of valid
  grades.
* **Share** (:func:`agree_share`, :func:`fail_share`, :func:`share`): a
  proportion among the valid answers, *don't know* left out: "% (helemaal)
  mee eens" is the share of the agree codes among all answers except *weet
  niet / n.v.t.*; "% onvoldoende" is the share of grades below 6. The 95%
  interval is the Wilson score interval, which behaves at small ``n`` and
  near 0% and 100%; the margin of error is its half-width.
* **Distribution** (:func:`distribution`): the share of each valid code
  (``select_multiple``: the share of respondents choosing each option).
* **Comparison** (:func:`compare`): with the previous round or a reference
  group. Means: Welch's t-test when the other side has a standard deviation
  and ``n``, else a one-sample t-test against its mean. Shares: the
  two-proportion z-test when the other side has ``n``, else a one-sample
  z-test against its share. Significant at 5% (two-sided).
* **Suppression** (:func:`hidden`, :func:`suppress_partition`): a figure
  based on fewer than ``privacy.min_cell_size`` answers is never shown. In a
  table whose groups add up to a shown total, a single hidden cell could be
  worked out from the others, so the smallest other cell is hidden as well.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.scales import Kind, Scale
from analysis.stats import normal_quantile, t_quantile, two_sided_p_t, two_sided_p_z

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
    """A proportion (0-1) of ``count`` in ``n`` with its Wilson interval."""

    n: int
    count: int
    p: float
    low: float
    high: float

    @property
    def value(self) -> float:
        return self.p

    @property
    def margin(self) -> float:
        return (self.high - self.low) / 2.0


@dataclass(frozen=True)
class Distribution:
    """Counts and shares per code; ``n`` is the base (valid answers, or respondents)."""

    n: int
    counts: Mapping[str, int]

    def share(self, code: str) -> Share:
        return proportion(self.counts.get(code, 0), self.n)


@dataclass(frozen=True)
class OtherFigure:
    """A figure of the other side of a comparison (previous round, reference group).

    Attributes:
        value: the mean, or the share (0-1).
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
        difference: current minus other.
        p_value: two-sided p-value, ``nan`` when no test was possible.
        significant: whether ``p_value < ALPHA``.
    """

    difference: float
    p_value: float
    significant: bool

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


def mean_of(x: Sequence[float] | pd.Series, confidence: float = CONFIDENCE) -> Mean:
    """Mean, sd and t-interval of plain numbers."""
    arr = [float(v) for v in x]
    n = len(arr)
    if n == 0:
        return Mean(0, math.nan, math.nan, math.nan, math.nan)
    m = math.fsum(arr) / n
    if n == 1:
        return Mean(1, m, math.nan, math.nan, math.nan)
    sd = math.sqrt(math.fsum((v - m) ** 2 for v in arr) / (n - 1))
    half = t_quantile(0.5 + confidence / 2.0, n - 1) * sd / math.sqrt(n)
    return Mean(n, m, sd, m - half, m + half)


def grade_mean(values: pd.Series, scale: Scale, confidence: float = CONFIDENCE) -> Mean:
    """The mean grade of ``values`` (codes as text)."""
    return mean_of(numbers(values, scale), confidence)


def proportion(count: int, n: int, confidence: float = CONFIDENCE) -> Share:
    """``count`` of ``n`` as a share with its Wilson score interval."""
    if n <= 0:
        return Share(0, 0, math.nan, math.nan, math.nan)
    p = count / n
    z = normal_quantile(0.5 + confidence / 2.0)
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # the interval always holds p itself (rounding can push an end past 0 or 1 otherwise)
    return Share(n, count, p, min(p, max(0.0, centre - half)), max(p, min(1.0, centre + half)))


def share(values: pd.Series, scale: Scale, codes: Sequence[str]) -> Share:
    """The share of ``codes`` among the valid answers."""
    v = valid_codes(values, scale)
    return proportion(int(v.isin(list(codes)).sum()), len(v))


def agree_share(values: pd.Series, scale: Scale) -> Share:
    """% (helemaal) mee eens: the agree codes among the valid answers (weet niet excluded)."""
    return share(values, scale, scale.positive)


def fail_share(values: pd.Series, scale: Scale) -> Share:
    """% onvoldoende: grades below ``scale.fail_below`` among the valid grades."""
    x = numbers(values, scale)
    return proportion(int((x < scale.fail_below).sum()), len(x))


def distribution(values: pd.Series, scale: Scale) -> Distribution:
    """Counts per valid code (``select_multiple``: respondents choosing each option)."""
    v = valid_codes(values, scale)
    if scale.kind is Kind.MULTIPLE:
        chosen = [set(s.split()) for s in v]
        return Distribution(len(v), {c: sum(c in s for s in chosen) for c in scale.valid})
    counts = v.value_counts()
    return Distribution(len(v), {c: int(counts.get(c, 0)) for c in scale.valid})


# ---------------------------------------------------------------- comparison


def compare(current: Mean | Share, other: OtherFigure) -> Comparison:
    """Test ``current`` against ``other`` (see the module docstring for the tests)."""
    diff = current.value - other.value
    if current.n < 2 or math.isnan(current.value) or math.isnan(other.value):
        return Comparison(diff, math.nan, False)
    if isinstance(current, Mean):
        se2 = current.sd**2 / current.n
        df = float(current.n - 1)
        if other.sd is not None and other.n and other.n > 1 and not math.isnan(other.sd):
            other_se2 = other.sd**2 / other.n
            if se2 + other_se2 > 0:
                df = (se2 + other_se2) ** 2 / (
                    se2**2 / (current.n - 1) + other_se2**2 / (other.n - 1)
                )
            se2 += other_se2
        if se2 <= 0:
            return Comparison(diff, math.nan, False)
        p = two_sided_p_t(diff / math.sqrt(se2), df)
    else:
        if other.n:
            pooled = (current.count + other.value * other.n) / (current.n + other.n)
            se2 = pooled * (1 - pooled) * (1 / current.n + 1 / other.n)
        else:
            se2 = other.value * (1 - other.value) / current.n
        if se2 <= 0:
            return Comparison(diff, math.nan, False)
        p = two_sided_p_z(diff / math.sqrt(se2))
    return Comparison(diff, p, p < ALPHA)


def other_figure_of(stat: Mean | Share) -> OtherFigure:
    """A figure of this round as the benchmark of a later comparison."""
    if isinstance(stat, Mean):
        return OtherFigure(stat.mean, stat.n, stat.sd)
    return OtherFigure(stat.p, stat.n)


# ---------------------------------------------------------------- suppression


def hidden(n: int, min_cell_size: int) -> bool:
    """Whether a figure based on ``n`` answers must be suppressed."""
    return n < min_cell_size


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
