"""The trend appendix: this round's key figures next to those of several earlier rounds.

``papersurvey report --previous A --previous B ...`` (or a folder of earlier
exports) gives the rounds, oldest first (:func:`analysis.comparisons.load_rounds`).
For every indicator of the registry with one figure per question (mean,
% onvoldoende, % (helemaal) mee eens, NPS, CES, ...), a table holds one row
per question and one column per round; the grade questions that stand alone
(the key figures) also get a line chart. A figure of an earlier round on
fewer answers than the minimum cell size is hidden as this round's are.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from analysis import charts
from analysis.document import Block, Paragraph
from analysis.indicators import Display, display_of
from analysis.metrics import hidden
from analysis.results import TOTAL
from analysis.texts import DASH
from survey.model import Question

if TYPE_CHECKING:
    from analysis.chapters import ChapterBuilder


def trend_blocks(
    b: ChapterBuilder, questions: list[Question], headline: list[Question]
) -> Iterator[Block]:
    """The trend tables (one per indicator) and the chart of the key grades."""
    r, t = b.r, b.t
    rounds = r.rounds
    if not rounds:
        return
    names = [s.label for s in rounds]
    yield Paragraph(t("trend_intro", rounds=t.join(names)))
    header_rounds = [*names, t("this_round")]

    def earlier(question: str, key: str) -> list[float | None]:
        out: list[float | None] = []
        for source in rounds:
            other = source.get(question, key)
            known = other is not None and not (other.n is not None and hidden(other.n, b.k))
            out.append(other.value if known and other else None)
        return out

    lines: list[tuple[str, list[float | None]]] = []
    for indicator in r.registry:
        if indicator.per_code:
            continue
        rows = []
        for q in questions:
            if indicator not in r.indicators(q.name):
                continue
            values = earlier(q.name, indicator.key)
            if all(v is None for v in values):
                continue
            f = r.get(q.name, indicator.key, TOTAL)
            cells = [DASH if v is None else b.fmt(v, indicator.key) for v in values]
            rows.append([b.label(q), *cells, b.cell(f)])
            if q in headline and indicator.key == "mean":
                now = None if f is None or f.hidden else f.value
                lines.append((b.label(q), [*values, now]))
        if not rows:
            continue
        caption = t("trend_caption", indicator=indicator.name(t.language))
        notes = b.notes(margin=False, sig=False)
        if any(DASH in row[1:-1] for row in rows):
            notes = (*notes, t("note_hidden", k=b.k))
        yield b.table(caption, [t("item"), *header_rounds], rows, notes)
    if lines:
        mean = r.registry.get("mean")
        percent = mean is not None and display_of(mean, r.config) is Display.PERCENT
        yield b.figure(
            t("trend_fig"),
            lambda p: charts.trend_chart(p, header_rounds, lines, t, percent=percent, dpi=b.dpi),
        )
