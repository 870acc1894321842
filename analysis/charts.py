"""The report's charts (matplotlib, no pyplot state): PNG files for the PDF and the HTML.

Three shapes, as in the KBO reports municipalities know:

* :func:`bar_chart`: horizontal bars per item, this round next to the
  previous round and the reference group (grades, or "% (helemaal) mee eens",
  or shares of a distribution);
* :func:`stacked_chart`: one 100% bar per statement, split over the answer
  categories of an agree scale;
* :func:`grade_spread`: the distribution of one grade, fails in another colour.

A value of ``None`` is a suppressed (or unknown) figure: no bar is drawn and a
dash is written where it would be. Charts are sized for an A4 text column
(16 cm) and rendered at 200 dpi.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from PIL import Image as PILImage

from analysis.texts import DASH, INDICATIVE, Texts

WIDTH_IN = 6.3
DPI = 200
CURRENT = "#1B4F72"
PREVIOUS = "#7FA7CC"
REFERENCE = "#B3B3B3"
FAIL = "#D98C5F"
AGREE_COLOURS = ("#B03A2E", "#E6A58A", "#D9D9D9", "#86B3D6", "#1B4F72")
TEXT = "#222222"
GRID = "#E5E5E5"


@dataclass(frozen=True)
class Series:
    """One set of bars: a name for the legend, a value per item (``None`` = hidden) and a colour.

    ``starred`` marks values that are *indicatief* (on few answers): their
    label gets the star the tables use and the bar is hatched.
    """

    name: str
    values: Sequence[float | None]
    colour: str
    starred: Sequence[bool] = ()

    def star(self, i: int) -> bool:
        return i < len(self.starred) and self.starred[i]


def _style(fig: Figure) -> None:
    for ax in fig.axes:
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.spines["left"].set_color("#999999")
        ax.spines["bottom"].set_color("#999999")
        ax.tick_params(colors=TEXT, labelsize=8)
        ax.xaxis.grid(True, color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)


def _save(fig: Figure, path: Path, dpi: int = DPI) -> Path:
    FigureCanvasAgg(fig)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, facecolor="white")
    with PILImage.open(path) as im:
        rgb = im.convert("RGB")
    rgb.save(path, optimize=True)
    return path


def _wrap(label: str, width: int = 42) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def bar_chart(
    path: Path,
    labels: Sequence[str],
    series: Sequence[Series],
    texts: Texts,
    *,
    percent: bool = False,
    xmax: float | None = None,
    axis_label: str = "",
    dpi: int = DPI,
) -> Path:
    """Horizontal grouped bars: one group per label, one bar per series (top to bottom)."""
    k = len(series)
    bar_h = 0.8 / k
    rows = [max(1, len(_wrap(lab).splitlines())) for lab in labels]
    group_h = max(0.16 * k + 0.12, 0.15 * max(rows) + 0.1)
    height = 0.7 + group_h * len(labels) + (0.3 if k > 1 else 0.0)
    fig = Figure(figsize=(WIDTH_IN, height))
    ax = fig.add_axes(
        (0.42, (0.45 + (0.3 if k > 1 else 0)) / height, 0.54, (group_h * len(labels)) / height)
    )
    top = xmax if xmax is not None else (1.0 if percent else 10.0)
    for j, s in enumerate(series):
        for i, v in enumerate(s.values):
            y = i + (j - (k - 1) / 2) * bar_h
            if v is None:
                ax.text(top * 0.01, y, DASH, va="center", ha="left", fontsize=7.5, color=TEXT)
                continue
            ax.barh(
                y,
                v,
                height=bar_h * 0.92,
                color=s.colour,
                edgecolor="white",
                linewidth=0.4,
                hatch="///" if s.star(i) else None,
            )
            text = (texts.percent(v) if percent else texts.number(v)) + (
                INDICATIVE if s.star(i) else ""
            )
            ax.text(v + top * 0.012, y, text, va="center", ha="left", fontsize=7.5, color=TEXT)
    ax.set_yticks(range(len(labels)), [_wrap(lab) for lab in labels], fontsize=8)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlim(0, top * 1.1)
    if percent:
        step = 0.2 if top > 0.6 else 0.1
        ticks = [i * step for i in range(round(top / step) + 1)]
        ax.set_xticks(ticks, [texts.percent(t) for t in ticks])
    else:
        ax.set_xticks(range(0, int(top) + 1, 1 if top <= 10 else 2))
    if axis_label:
        ax.set_xlabel(axis_label, fontsize=8, color=TEXT)
    _style(fig)
    ax.tick_params(axis="y", length=0)
    if k > 1:
        handles = [Patch(color=s.colour) for s in series]
        fig.legend(
            handles, [s.name for s in series], loc="lower center", ncol=k, frameon=False, fontsize=8
        )
    return _save(fig, path, dpi)


def compare_bars(
    path: Path,
    series: Sequence[Series],
    texts: Texts,
    *,
    percent: bool = False,
    axis_label: str = "",
    dpi: int = DPI,
) -> Path:
    """One figure, one bar per series (this round, previous, reference), each in its colour."""
    k = len(series)
    height = 0.75 + 0.3 * k
    fig = Figure(figsize=(WIDTH_IN, height))
    ax = fig.add_axes((0.25, 0.5 / height, 0.7, (0.3 * k) / height))
    top = 1.0 if percent else 10.0
    for i, s in enumerate(series):
        v = s.values[0] if s.values else None
        if v is None:
            ax.text(top * 0.01, i, DASH, va="center", ha="left", fontsize=8, color=TEXT)
            continue
        ax.barh(i, v, height=0.7, color=s.colour, hatch="///" if s.star(0) else None)
        ax.text(
            v + top * 0.012,
            i,
            (texts.percent(v) if percent else texts.number(v)) + (INDICATIVE if s.star(0) else ""),
            va="center",
            ha="left",
            fontsize=8,
            color=TEXT,
        )
    ax.set_yticks(range(k), [s.name for s in series], fontsize=8)
    ax.set_ylim(k - 0.5, -0.5)
    ax.set_xlim(0, top * 1.1)
    if percent:
        ticks = [0, 0.2, 0.4, 0.6, 0.8, 1.0]
        ax.set_xticks(ticks, [texts.percent(t) for t in ticks])
    else:
        ax.set_xticks(range(0, 11))
    if axis_label:
        ax.set_xlabel(axis_label, fontsize=8, color=TEXT)
    _style(fig)
    ax.tick_params(axis="y", length=0)
    return _save(fig, path, dpi)


def stacked_chart(
    path: Path,
    labels: Sequence[str],
    shares: Sequence[Sequence[float | None] | None],
    categories: Sequence[str],
    texts: Texts,
    *,
    colours: Sequence[str] = AGREE_COLOURS,
    dpi: int = DPI,
) -> Path:
    """One 100% bar per label split over ``categories``; ``None`` rows are suppressed.

    A ``None`` inside a row is a suppressed share (too few people): the
    suppressed shares of a row are drawn together as one grey, unlabelled
    segment at the end, so no single one can be read off.
    """
    rows = [max(1, len(_wrap(lab).splitlines())) for lab in labels]
    row_h = max(0.36, 0.17 * max(rows) + 0.14)
    legend_rows = max(len(_wrap(c, 20).splitlines()) for c in categories)
    bottom = 0.4 + 0.13 * legend_rows
    height = bottom + 0.2 + row_h * len(labels)
    fig = Figure(figsize=(WIDTH_IN, height))
    ax = fig.add_axes((0.42, bottom / height, 0.54, row_h * len(labels) / height))
    palette = list(colours)[: len(categories)] if len(categories) <= len(colours) else None
    for i, row in enumerate(shares):
        if row is None:
            ax.text(0.01, i, DASH, va="center", ha="left", fontsize=8, color=TEXT)
            continue
        left = 0.0
        for c, v in enumerate(row):
            if v is None:
                continue
            colour = palette[c] if palette else None
            ax.barh(i, v, left=left, height=0.62, color=colour, edgecolor="white", linewidth=0.6)
            if v >= 0.06:
                dark = colour in (colours[0], colours[-1]) if palette else False
                ax.text(
                    left + v / 2,
                    i,
                    texts.percent(v),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if dark else TEXT,
                )
            left += v
        if any(v is None for v in row) and left < 1.0:
            ax.barh(i, 1.0 - left, left=left, height=0.62, color="#EEEEEE", edgecolor="white")
    ax.set_yticks(range(len(labels)), [_wrap(lab) for lab in labels], fontsize=8)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], [texts.percent(t) for t in (0, 0.25, 0.5, 0.75, 1.0)])
    _style(fig)
    ax.tick_params(axis="y", length=0)
    handles = [Patch(color=palette[c] if palette else None) for c in range(len(categories))]
    names = [_wrap(c, 20) for c in categories]
    fig.legend(handles, names, loc="lower center", ncol=len(categories), frameon=False, fontsize=7)
    return _save(fig, path, dpi)


def grade_spread(
    path: Path,
    shares: Sequence[float | None] | None,
    texts: Texts,
    *,
    reference: Sequence[float] | None = None,
    previous: Sequence[float] | None = None,
    names: tuple[str, str] = ("", ""),
    fail_below: int = 6,
    dpi: int = DPI,
) -> Path:
    """Vertical bars: the share of each grade 1-10; fails in orange, passes in blue.

    The previous round and the reference group, when given, stand beside each
    bar; ``names`` are their names in the legend. A ``None`` share is suppressed (too few people): a dash instead of a bar.
    """
    fig = Figure(figsize=(WIDTH_IN, 2.5))
    ax = fig.add_axes((0.09, 0.24, 0.88, 0.68))
    grades = list(range(1, 11))
    others = [(x, c) for x, c in ((previous, PREVIOUS), (reference, REFERENCE)) if x]
    if shares is None:
        ax.text(5.5, 0.5, DASH, ha="center", va="center", fontsize=14, color=TEXT)
        ax.set_ylim(0, 1)
    else:
        width = 0.8 / (1 + len(others))
        offset = -width * len(others) / 2
        colours = [FAIL if g < fail_below else CURRENT for g in grades]
        shown = [0.0 if v is None else v for v in shares]
        ax.bar([g + offset for g in grades], shown, width=width, color=colours)
        for g, v in zip(grades, shares, strict=True):
            label = DASH if v is None else texts.percent(v)
            ax.text(
                g + offset,
                (v or 0.0) + 0.006,
                label,
                ha="center",
                va="bottom",
                fontsize=6.5 if others else 7,
                color=TEXT,
            )
        for j, (values, colour) in enumerate(others, start=1):
            ax.bar([g + offset + j * width for g in grades], values, width=width, color=colour)
        top = max([*shown, *(v for x, _ in others for v in x)], default=0.1)
        ax.set_ylim(0, top * 1.2 + 0.01)
    ax.set_xticks(grades)
    ax.yaxis.set_major_formatter(lambda v, _: texts.percent(v))
    _style(fig)
    ax.xaxis.grid(False)
    ax.yaxis.grid(True, color=GRID, linewidth=0.6)
    handles = [Patch(color=FAIL), Patch(color=CURRENT)]
    labels = [texts("fail"), texts("pass")]
    if previous:
        handles.append(Patch(color=PREVIOUS))
        labels.append(names[0] or texts("previous"))
    if reference:
        handles.append(Patch(color=REFERENCE))
        labels.append(names[1] or texts("reference"))
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False, fontsize=7.5)
    return _save(fig, path, dpi)


def trend_chart(
    path: Path,
    rounds: Sequence[str],
    lines: Sequence[tuple[str, Sequence[float | None]]],
    texts: Texts,
    *,
    percent: bool = False,
    dpi: int = DPI,
) -> Path:
    """One line per item over the rounds (oldest left); ``None`` = no figure that round."""
    legend_rows = sum(len(_wrap(label, 80).splitlines()) for label, _ in lines)
    legend_h = 0.15 * legend_rows + 0.1
    plot_h, bottom = 2.4, legend_h + 0.45
    height = bottom + plot_h + 0.15
    fig = Figure(figsize=(WIDTH_IN, height))
    ax = fig.add_axes((0.1, bottom / height, 0.82, plot_h / height))
    xs = list(range(len(rounds)))
    for label, values in lines:
        pts = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
        if not pts:
            continue
        ax.plot(
            [x for x, _ in pts],
            [v for _, v in pts],
            marker="o",
            linewidth=1.4,
            label=_wrap(label, 80),
        )
        x, v = pts[-1]
        ax.annotate(
            texts.percent(v) if percent else texts.number(v),
            (x, v),
            textcoords="offset points",
            xytext=(6, 0),
            fontsize=7,
            va="center",
        )
    ax.set_xticks(xs, list(rounds), fontsize=8)
    ax.set_xlim(-0.3, len(rounds) - 0.6)
    if percent:
        ax.yaxis.set_major_formatter(lambda v, _: texts.percent(v))
    else:
        ax.yaxis.set_major_formatter(lambda v, _: texts.number(v))
    _style(fig)
    ax.xaxis.grid(False)
    ax.yaxis.grid(True, color=GRID, linewidth=0.6)
    fig.legend(loc="lower left", bbox_to_anchor=(0.08, 0.0), ncol=1, frameon=False, fontsize=7)
    return _save(fig, path, dpi)
