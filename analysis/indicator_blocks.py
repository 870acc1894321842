"""The report's blocks for the indicators beyond means and agree shares: top lists, NPS, CES.

Each function takes the :class:`~analysis.chapters.ChapterBuilder` (which
numbers tables and figures and formats cells) and one question, and yields
the paragraphs and tables of that indicator, as the seed reports show them:

* **top list** (:func:`top_list`): the ``analysis.top_n`` answers chosen most,
  sorted, with the previous round and the reference group beside them
  ("Verdeling punten die klanten goed vinden");
* **NPS** (:func:`nps_block`): the score with promoters and detractors;
* **CES** (:func:`ces_block`): the score as ``analysis.ces_definition`` says.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from analysis.document import Block, Paragraph
from analysis.indicators import is_other_choice
from analysis.results import TOTAL, Figure
from survey.model import Question

if TYPE_CHECKING:
    from analysis.chapters import ChapterBuilder


def top_list(b: ChapterBuilder, q: Question, route: str = "") -> Iterator[Block]:
    """The most chosen answers of ``q``, sorted, next to the comparison sources."""
    t, cl = b.t, q.choices
    scale = b.r.scales[q.name]
    figs = [(c, b.r.get(q.name, f"top:{c}")) for c in scale.valid if not is_other_choice(q, c)]
    shown = [(c, f) for c, f in figs if f is not None and not f.hidden]
    dist = b.r.distributions.get((q.name, TOTAL))
    if dist is None or not shown:
        yield b.hidden_sentence(q)
        return
    n = b.r.config.top_n
    top = sorted(shown, key=lambda x: (-x[1].value, scale.valid.index(x[0])))[:n]
    others = [
        cl.choice(c).label.get(t.language) for c in scale.valid if cl and is_other_choice(q, c)
    ]
    against = t("top_against") if b.r.reference else ""
    yield Paragraph(
        f"{t('top_intro', table=b.table_no + 1, n=len(top), against=against)} "
        + t(
            "top_sentence",
            first=cl.choice(top[0][0]).label.get(t.language) if cl else top[0][0],
            pct=b.cell(top[0][1]),
        )
    )
    header = [t("answer"), t("this_round"), *b.side_names()]
    rows = [
        [
            cl.choice(c).label.get(t.language) if cl else c,
            b.marked(f),
            *[b.other(f, s) for s in b.sides()],
        ]
        for c, f in top
    ]
    rows.append([t("n"), t.integer(dist.n), *["" for _ in b.sides()]])
    excluded = t("top_excluded", other=t.join(others)) if others else ""
    yield b.table(
        t("top_caption", n=len(top), label=b.label(q)),
        header,
        rows,
        b.notes(route, excluded, margin=False),
        bold=(len(rows) - 1,),
    )


def nps_block(b: ChapterBuilder, q: Question) -> Iterator[Block]:
    """The Net Promoter Score of ``q`` with its promoters and detractors."""
    t = b.t
    f = b.r.get(q.name, "nps")
    if f is None or f.hidden:
        yield b.hidden_sentence(q)
        return
    stat = f.stat
    promoters = getattr(stat, "plus", 0) / stat.n
    detractors = getattr(stat, "minus", 0) / stat.n
    text = t(
        "nps_sentence",
        label=b.label(q),
        value=b.cell(f),
        promoters=t.percent(promoters),
        detractors=t.percent(detractors),
    )
    extra = [(t("promoters"), t.percent(promoters)), (t("detractors"), t.percent(detractors))]
    yield from _score(b, q, f, text, t("nps"), extra)


def ces_block(b: ChapterBuilder, q: Question) -> Iterator[Block]:
    """The Customer Effort Score of ``q``, as the round defines it."""
    t = b.t
    f = b.r.get(q.name, "ces")
    if f is None or f.hidden:
        yield b.hidden_sentence(q)
        return
    key = f"ces_sentence_{b.r.config.ces_definition}"
    yield from _score(b, q, f, t(key, label=b.label(q), value=b.cell(f)), "CES")


def _score(
    b: ChapterBuilder,
    q: Question,
    f: Figure,
    text: str,
    name: str,
    extra: Sequence[tuple[str, str]] = (),
) -> Iterator[Block]:
    """A score that stands alone (NPS, CES): its sentence and comparison, then a one-row table.

    Args:
        f: the score (``nps`` or ``ces``); its statistic names the table's caption.
        text: the sentence saying the score, before the comparison.
        name: the column heading of the score.
        extra: (heading, cell) of columns between the margin and the comparisons.
    """
    t = b.t
    yield Paragraph(f"{text} {b.comparison_sentence(f)}".strip())
    header = [t("item"), name, t("n"), b.margin_header(f.statistic), *(h for h, _ in extra)]
    row = [b.label(q), b.marked(f), b.n(f), b.margin(f), *(c for _, c in extra)]
    header += b.side_names()
    row += [b.other(f, s) for s in b.sides()]
    caption = t(f"{f.statistic}_caption", label=b.label(q))
    yield b.table(caption, header, [row], b.notes())
