"""Build the report's chapters from the results, following the questionnaire.

Order, as in the KBO reports: a summary, an introduction with the response,
then one chapter per top-level group of the questionnaire (so another
questionnaire still gets a sensible report), then appendices: response tables,
respondent characteristics (groups named ``*background*``/``*achtergrond*``),
key figures per subgroup, and the method.

Inside a chapter every question gets the figure its scale asks for
(:mod:`analysis.scales`): a grid of grades -> a bar chart of means and a
table; a grid of agree statements -> "% (helemaal) mee eens" bars, the stacked
distribution and a table; a single grade -> its bar and the spread of grades;
other choice questions -> a table of shares (and a chart when there are four
or more answers); open questions -> a count, followed by the quotes an analyst
chose and anonymised (:mod:`analysis.quotes`), if any. Every cell goes through
:meth:`ChapterBuilder.cell`, which shows a dash for a hidden figure, so
nothing below ``privacy.min_cell_size`` can reach the page.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from analysis import charts, indicator_blocks
from analysis.comparisons import Source
from analysis.document import Block, FigureBlock, Heading, Paragraph, QuoteBlock, TableBlock
from analysis.indicators import Display, display_of
from analysis.metrics import Comparison, Mean, OtherFigure, hidden
from analysis.results import TOTAL, Figure, Results
from analysis.scales import Kind
from analysis.texts import DASH, DOWN, INDICATIVE, REF_DOWN, REF_UP, UP, Texts
from survey.model import Group, Item, Question, Questionnaire
from survey.routing import Compare, Expr, Or

MARKERS = {"previous": (UP, DOWN), "reference": (REF_UP, REF_DOWN)}
"""The significance markers after this round's figure, per comparison: higher, lower."""

_BACKGROUND = ("background", "achtergrond")


@dataclass(frozen=True)
class ReportContext:
    """What the report says about the round besides the figures.

    Attributes:
        title: the survey's title.
        municipality: the municipality, or ``""``.
        year: the round's year, for the cover and the introduction.
        start: the day invitations went out, or ``None``.
        end: the closing day, or ``None``.
        subgroup_name: what a subgroup is called ("deelgebied", "gemeente").
    """

    title: str
    municipality: str = ""
    year: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    subgroup_name: str = ""


def is_background(group: Group) -> bool:
    """Whether a top-level group describes the respondents (it goes to an appendix)."""
    return any(word in group.name.lower() for word in _BACKGROUND)


def describe_condition(expr: Expr | None, questionnaire: Questionnaire, texts: Texts) -> str:
    """A routing condition in words, for the note under a routed figure."""
    if expr is None:
        return ""
    terms = list(expr.terms) if isinstance(expr, Or) else [expr]
    if all(isinstance(t, Compare) and t.op == "=" for t in terms):
        refs = {t.ref for t in terms if isinstance(t, Compare)}
        if len(refs) == 1:
            q = questionnaire.question(refs.pop())
            answers = []
            for t in terms:
                assert isinstance(t, Compare)
                code = str(t.value)
                label = (
                    q.choices.choice(code).label.get(texts.language)
                    if q.choices and code in q.choices.names()
                    else code
                )
                answers.append(label)
            joined = f" {texts('or')} ".join(answers)
            return texts("note_routing", question=q.short_label(texts.language), answers=joined)
    return texts("note_routing_generic")


class ChapterBuilder:
    """Builds chapters, numbering figures and tables through the whole report."""

    def __init__(
        self, results: Results, texts: Texts, image_dir: Path, context: ReportContext
    ) -> None:
        self.r = results
        self.t = texts
        self.k = results.min_cell_size
        self.q = results.dataset.questionnaire
        self.image_dir = image_dir
        self.context = context
        self.figure_no = 0
        self.table_no = 0
        self.hid_any = False
        self.indicative_any = False
        self.none_any = False
        self.dpi = charts.DPI
        self.quotes: Mapping[str, tuple[str, ...]] = {}
        """Question name -> the analyst's quotes to print after its count."""
        self.quoted = 0
        """How many quotes the chapters built so far printed."""

    # ------------------------------------------------------------ cells

    @staticmethod
    def join_title(title: str, what: str) -> str:
        """``title: what``, or ``title – what`` when the title ends in punctuation."""
        return f"{title} – {what}" if title.rstrip()[-1:] in "?!.:" else f"{title}: {what}"

    def label(self, q: Question) -> str:
        return q.short_label(self.t.language)

    def hidden_sentence(self, q: Question) -> Paragraph:
        """The sentence that stands where a figure on too few answers would be."""
        return Paragraph(self.t("hidden_sentence", label=self.label(q), k=self.k))

    def display(self, statistic: str) -> Display:
        indicator = self.r.registry.get(statistic)
        return display_of(indicator, self.r.config) if indicator else Display.PERCENT

    def fmt(self, value: float, statistic: str) -> str:
        """A value as its indicator shows it: 7,4 or 22% or +12."""
        display = self.display(statistic)
        if display is Display.NUMBER:
            return self.t.number(value)
        if display is Display.POINTS:
            return self.t.points(value)
        return self.t.percent(value)

    def difference(self, value: float, statistic: str) -> str:
        """A difference: +0,4 for means, +8 procentpunt for shares, +8 for net scores."""
        display = self.display(statistic)
        if display is Display.NUMBER:
            return self.t.signed(value)
        if display is Display.POINTS:
            return self.t.points(value)
        return self.t("pp", value=self.t.signed(100.0 * value, 0))

    def cell(self, f: Figure | None) -> str:
        """The figure's value (with the indicatief mark), or a dash when hidden or unknown."""
        if f is None or f.hidden:
            self.hid_any = self.hid_any or (f is not None and f.hidden)
            return DASH
        text = self.fmt(f.value, f.statistic)
        if f.indicative:
            self.indicative_any = True
            text += INDICATIVE
        return text

    def margin(self, f: Figure | None) -> str:
        """The margin of a mean (± 0,3), or the interval of a share as a range (58–96%)."""
        if f is None or f.hidden or math.isnan(f.stat.low):
            return DASH
        display = self.display(f.statistic)
        if display is Display.NUMBER:
            return f"± {self.t.number(f.stat.margin)}"
        if display is Display.POINTS:
            return f"{self.t.points(f.stat.low)} {self.t('to')} {self.t.points(f.stat.high)}"
        low, high = self.t.percent(f.stat.low), self.t.percent(f.stat.high)
        return f"{low[:-1]}{DASH}{high}"

    def margin_header(self, statistic: str) -> str:
        return self.t("margin") if self.display(statistic) is Display.NUMBER else self.t("interval")

    def n(self, f: Figure | None) -> str:
        return DASH if f is None or f.hidden else self.t.integer(f.n)

    def marked(self, f: Figure | None, sides: Sequence[str] | None = None) -> str:
        """This round's figure with a marker per comparison it differs from significantly.

        The marker stands next to *this round's* value ("7,4 ▲" = higher than the
        previous round; △ / ▽ for the reference group): an arrow next to the
        previous value reads as if that round scored higher.

        Args:
            f: the figure.
            sides: the comparisons to mark (default: every one the table shows).
        """
        text = self.cell(f)
        if f is None or f.hidden:
            return text
        for side in self.sides() if sides is None else sides:
            _, test = f.side(side)
            if test is not None and test.direction:
                up, down = MARKERS[side]
                text += " " + (up if test.direction > 0 else down)
        return text

    def other(self, f: Figure | None, side: str) -> str:
        """The previous or reference figure (the significance marker is on :meth:`marked`)."""
        if f is None or f.hidden:
            return DASH
        bench, _ = f.side(side)
        if bench is None:
            self.none_any = True
            return self.t.no_figure
        return self.fmt(bench.value, f.statistic)

    def sig_note(self, sides: Sequence[str] | None = None) -> str:
        """The footnote explaining the markers of :meth:`marked` for ``sides`` (default all)."""
        parts = [
            self.t(
                "note_sig_side",
                higher=MARKERS[s][0],
                lower=MARKERS[s][1],
                what=self.side_phrase(s),
            )
            for s in (self.sides() if sides is None else sides)
        ]
        return self.t("note_sig", sides="; ".join(parts)) if parts else ""

    def sides(self) -> list[str]:
        return [s for s, b in (("previous", self.r.previous), ("reference", self.r.reference)) if b]

    def source(self, side: str) -> Source | None:
        return self.r.previous if side == "previous" else self.r.reference

    def side_name(self, side: str) -> str:
        """The column heading of a comparison source: its label (--previous-label)."""
        source = self.source(side)
        return source.label if source and source.label else self.t(side)

    def side_names(self) -> list[str]:
        return [self.side_name(s) for s in self.sides()]

    def compared(self, f: Figure) -> Iterator[tuple[str, OtherFigure, Comparison]]:
        """(side, its figure, the test) for every source the figure was tested against.

        A source without this question, or without enough answers to test, says
        nothing in the sentences, so they skip it here.
        """
        for side in self.sides():
            other, test = f.side(side)
            if other is not None and test is not None:
                yield side, other, test

    @staticmethod
    def verdict_key(prefix: str, test: Comparison) -> str:
        """The text key of a test's outcome: ``PREFIX_higher``, ``PREFIX_lower`` or ``PREFIX_same``."""
        if not test.direction:
            return f"{prefix}_same"
        return f"{prefix}_higher" if test.direction > 0 else f"{prefix}_lower"

    def side_phrase(self, side: str) -> str:
        """The source inside a sentence: "de vorige meting", or its own label."""
        source = self.source(side)
        if source is None or not source.label or source.label == self.t(side):
            return self.t(f"the_{side}")
        return source.label

    def notes(self, *extra: str, margin: bool = True, sig: bool = True) -> tuple[str, ...]:
        """The footnotes of a table: each symbol it uses, explained once."""
        out = [e for e in extra if e]
        if margin:
            out.append(self.t("note_margin"))
        if sig and self.sides():
            out.append(self.sig_note())
        if self.hid_any:
            out.append(self.t("note_hidden", k=self.k))
        if self.indicative_any:
            out.append(self.t("note_indicative", star=INDICATIVE, n=self.r.config.reliable_n))
        if self.none_any:
            out.append(self.t("note_no_figure", none=self.t.no_figure))
        self.hid_any = self.indicative_any = self.none_any = False
        return tuple(out)

    # ------------------------------------------------------------ blocks

    def figure(self, caption: str, draw: object, notes: Sequence[str] = ()) -> FigureBlock:
        self.figure_no += 1
        path = self.image_dir / f"fig{self.figure_no:02d}.png"
        assert callable(draw)
        draw(path)
        return FigureBlock(self.figure_no, caption, path, tuple(n for n in notes if n))

    def table(
        self,
        caption: str,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        notes: Sequence[str] = (),
        bold: Sequence[int] = (),
    ) -> TableBlock:
        self.table_no += 1
        return TableBlock(
            self.table_no,
            caption,
            tuple(header),
            tuple(tuple(r) for r in rows),
            tuple(notes),
            tuple(bold),
        )

    def series(self, figures: Sequence[Figure | None]) -> list[charts.Series]:
        """This round, the previous round and the reference group, as bars."""

        def val(f: Figure | None) -> float | None:
            return None if f is None or f.hidden else f.value

        starred = [f is not None and not f.hidden and f.indicative for f in figures]
        out = [
            charts.Series(self.t("this_round"), [val(f) for f in figures], charts.CURRENT, starred)
        ]
        colours = {"previous": charts.PREVIOUS, "reference": charts.REFERENCE}
        for side in self.sides():
            vals = []
            for f in figures:
                bench = None if f is None or f.hidden else f.side(side)[0]
                vals.append(None if bench is None else bench.value)
            out.append(charts.Series(self.side_name(side), vals, colours[side]))
        return out

    def indicator_table(
        self,
        caption: str,
        questions: Sequence[Question],
        first: str,
        route: str = "",
        extra: Sequence[str] = (),
    ) -> TableBlock:
        """A table of every indicator (one value per question) that applies to the questions.

        The columns follow the registry: ``n``, then the first indicator with its
        margin and its comparisons, then every further indicator.
        """
        keys: list[str] = []
        for q in questions:
            for ind in self.r.indicators(q.name):
                if not ind.per_code and ind.key not in keys:
                    keys.append(ind.key)
        if not keys:
            return self.table(caption, [first], [[self.label(q)] for q in questions], extra)
        main, rest = keys[0], keys[1:]
        registry = self.r.registry
        header = [
            first,
            self.t("n"),
            registry.get(main).name(self.t.language),  # type: ignore[union-attr]
            self.margin_header(main),
            *self.side_names(),
            *[registry.get(k).name(self.t.language) for k in rest],  # type: ignore[union-attr]
        ]
        rows = []
        for q in questions:
            f = self.r.get(q.name, main)
            rows.append(
                [
                    self.label(q),
                    self.n(f),
                    self.marked(f),
                    self.margin(f),
                    *[self.other(f, s) for s in self.sides()],
                    *[self.cell(self.r.get(q.name, k)) for k in rest],
                ]
            )
        return self.table(caption, header, rows, self.notes(route, *extra))

    # ------------------------------------------------------------ units

    def grades(self, questions: Sequence[Question], title: str, route: str) -> Iterator[Block]:
        figs = [self.r.get(q.name, "mean") for q in questions]
        labels = [self.label(q) for q in questions]
        hid = any(f is None or f.hidden for f in figs)
        notes = [route, self.t("note_hidden", k=self.k) if hid else ""]
        if len(questions) == 1:
            fig = self.figure(
                title,
                lambda p: charts.compare_bars(
                    p, self.series(figs), self.t, axis_label=self.t("grade_axis"), dpi=self.dpi
                ),
                notes,
            )
            yield Paragraph(self.t("figures_intro_grade", fig=fig.number, label=labels[0]))
            yield fig
            yield from self.grade_sentences(questions, figs)
            return
        fig = self.figure(
            title,
            lambda p: charts.bar_chart(
                p, labels, self.series(figs), self.t, axis_label=self.t("grade_axis"), dpi=self.dpi
            ),
            notes,
        )
        yield Paragraph(self.t("figures_intro_grades", fig=fig.number))
        yield fig
        yield from self.grade_sentences(questions, figs)
        yield self.indicator_table(title, questions, self.t("item"), route)

    def grade_sentences(
        self, questions: Sequence[Question], figs: Sequence[Figure | None]
    ) -> Iterator[Block]:
        shown = [
            (q, f) for q, f in zip(questions, figs, strict=True) if f is not None and not f.hidden
        ]
        if len(questions) == 1:
            q, f = questions[0], figs[0]
            if f is None or f.hidden:
                yield self.hidden_sentence(q)
                return
            text = self.t(
                "sentence_grade",
                label=self.label(q),
                value=self.t.number(f.value),
                margin=self.t.number(f.stat.margin),
                n=self.t.integer(f.n),
            )
            cmp = self.comparison_sentence(f)
            fail = self.r.get(q.name, "fail")
            if fail is not None and not fail.hidden:
                cmp += " " + self.fail_sentence(fail)
            yield Paragraph(f"{text} {cmp}".strip())
        elif len(shown) >= 2:
            hi = max(shown, key=lambda x: x[1].value)
            lo = min(shown, key=lambda x: x[1].value)
            yield Paragraph(
                self.t(
                    "best_grade",
                    label=self.label(hi[0]),
                    value=self.t.number(hi[1].value),
                    low_label=self.label(lo[0]),
                    low_value=self.t.number(lo[1].value),
                )
            )

    def comparison_sentence(self, f: Figure) -> str:
        """ "That is significantly higher than ...; the difference with ... is not significant."."""
        sig: list[str] = []
        same: list[str] = []
        for side, bench, test in self.compared(f):
            text = self.t(
                self.verdict_key("cmp", test),
                what=self.side_phrase(side),
                other=self.fmt(bench.value, f.statistic),
            )
            (sig if test.direction else same).append(text)
        if sig and same:
            return self.t("cmp_sig_same", sig=self.t.join(sig), same=self.t.join(same))
        if sig:
            return self.t("cmp_sig", sig=self.t.join(sig))
        if same:
            return self.t("cmp_only_same", same=self.t.join(same))
        return ""

    def fail_sentence(self, f: Figure) -> str:
        """ "29% give a fail (reference group 14%, significantly more)."."""
        parts = [
            self.t(
                self.verdict_key("fail", test),
                what=self.side_phrase(side),
                other=self.t.percent(bench.value),
            )
            for side, bench, test in self.compared(f)
        ]
        pct = self.cell(f)
        if not parts:
            return self.t("sentence_fail", pct=pct)
        return self.t("sentence_fail_cmp", pct=pct, cmp="; ".join(parts))

    def code_values(self, q: Question, side: str = "") -> list[float | None] | None:
        """The shares of every code of ``q`` (suppressed ones ``None``), this round or a source's."""
        dist = self.r.distributions.get((q.name, TOTAL))
        if dist is None or hidden(dist.n, self.k):
            return None
        scale = self.r.scales[q.name]
        prefix = "top" if self.r.get(q.name, f"top:{scale.valid[0]}") else "share"
        figs = [self.r.get(q.name, f"{prefix}:{c}") for c in scale.valid]
        if not side:
            return [None if f is None or f.hidden else f.value for f in figs]
        source = self.source(side)
        if source is None:
            return None
        vals = [source.get(q.name, f"{prefix}:{c}") for c in scale.valid]
        if any(v is None for v in vals):
            return None
        return [v.value for v in vals if v is not None]

    def spread(self, q: Question) -> Iterator[Block]:
        shares = self.code_values(q)
        if shares is None:
            return
        prev, ref = self.code_values(q, "previous"), self.code_values(q, "reference")
        notes = [self.t("note_hidden", k=self.k)] if any(v is None for v in shares) else []
        yield self.figure(
            self.join_title(self.t("spread_fig"), self.label(q)),
            lambda p: charts.grade_spread(
                p,
                shares,
                self.t,
                reference=[v or 0.0 for v in ref] if ref else None,
                previous=[v or 0.0 for v in prev] if prev else None,
                names=(self.side_name("previous"), self.side_name("reference")),
                dpi=self.dpi,
            ),
            notes,
        )

    def agree(self, questions: Sequence[Question], title: str, route: str) -> Iterator[Block]:
        """Agree statements: the positively worded ones, then the negative ones apart.

        Agreeing with a negatively worded statement (``polarity`` negative in
        the questionnaire) is a bad sign, so such statements get figures and
        a table of their own, as municipal reports do, and their highest
        "% agree" is named as a point for attention, not as the best score.
        """
        positive = [q for q in questions if not q.negative]
        negative = [q for q in questions if q.negative]
        if positive:
            what = self.t("statements_positive") if negative else ""
            yield from self.agree_block(positive, title, route, what, negative=False)
        if negative:
            yield from self.agree_block(
                negative, title, route, self.t("statements_negative"), negative=True
            )

    def agree_block(
        self,
        questions: Sequence[Question],
        title: str,
        route: str,
        what: str,
        *,
        negative: bool,
    ) -> Iterator[Block]:
        """One block of statements: a bar figure, a stacked figure, a sentence, a table.

        ``what`` ("positief geformuleerde stellingen") is added to the captions
        when a grid's statements are split by polarity.
        """
        figs = [self.r.get(q.name, "agree") for q in questions]
        labels = [self.label(q) for q in questions]
        hid = any(f is None or f.hidden for f in figs)
        extra = (self.t("note_negative"),) if negative else ()
        notes = tuple(
            n for n in (route, *extra, self.t("note_hidden", k=self.k) if hid else "") if n
        )
        agree = self.t("agree") + (f", {what}" if what else "")
        bar = self.figure(
            self.join_title(title, agree),
            lambda p: charts.bar_chart(
                p,
                labels,
                self.series(figs),
                self.t,
                percent=True,
                axis_label=self.t("agree"),
                dpi=self.dpi,
            ),
            notes,
        )
        scale = self.r.scales[questions[0].name]
        cl = questions[0].choices
        cats = (
            [cl.choice(c).label.get(self.t.language) for c in scale.valid]
            if cl
            else list(scale.valid)
        )
        stacks: list[list[float | None] | None] = [self.code_values(q) for q in questions]
        spread = self.t("stacked_fig").split(": ", 1)[-1] + (f", {what}" if what else "")
        stacked = self.figure(
            self.join_title(title, spread),
            lambda p: charts.stacked_chart(p, labels, stacks, cats, self.t, dpi=self.dpi),
            (*notes, self.t("agree_legend_dk")),
        )
        intro = "figures_intro_agree_negative" if negative else "figures_intro_agree"
        yield Paragraph(self.t(intro, fig=bar.number, fig2=stacked.number))
        yield bar
        yield stacked
        shown = [
            (q, f) for q, f in zip(questions, figs, strict=True) if f is not None and not f.hidden
        ]
        if len(shown) >= 2:
            hi = max(shown, key=lambda x: x[1].value)
            key = "highest_agree_negative" if negative else "highest_agree"
            yield Paragraph(self.t(key, label=self.label(hi[0]), value=self.t.percent(hi[1].value)))
        yield self.indicator_table(
            self.join_title(title, agree), questions, self.t("statement"), route, extra
        )

    def single(self, q: Question, route: str, chart: bool = True) -> Iterator[Block]:
        scale = self.r.scales[q.name]
        cl = q.choices
        codes = list(scale.valid)
        figs = [self.r.get(q.name, f"share:{c}") for c in codes]
        labels = [cl.choice(c).label.get(self.t.language) if cl else c for c in codes]
        dist = self.r.distributions.get((q.name, TOTAL))
        base_hidden = dist is None or hidden(dist.n, self.k)
        if chart and len(codes) >= 4 and not base_hidden:
            yield self.figure(
                self.label(q),
                lambda p: charts.bar_chart(
                    p,
                    labels,
                    self.series(figs),
                    self.t,
                    percent=True,
                    xmax=max(
                        0.5,
                        min(
                            1.0,
                            max((f.value for f in figs if f and not f.hidden), default=0.5) * 1.25,
                        ),
                    ),
                    axis_label=self.t("share_axis"),
                    dpi=self.dpi,
                ),
                [route] if route else [],
            )
        header = [self.t("answer"), self.t("share"), *self.side_names()]
        rows = [
            [lab, self.marked(f), *[self.other(f, s) for s in self.sides()]]
            for lab, f in zip(labels, figs, strict=True)
        ]
        rows.append(
            [
                self.t("n"),
                DASH if base_hidden or dist is None else self.t.integer(dist.n),
                *["" for _ in self.sides()],
            ]
        )
        if base_hidden:
            self.hid_any = True
        excluded = ""
        if scale.dont_know and cl:
            names = [f"‘{cl.choice(c).label.get(self.t.language)}’" for c in scale.dont_know]
            excluded = self.t("note_excluded", answers=self.t.join(names))
        notes = self.notes(route, excluded, margin=False)
        yield self.table(self.label(q), header, rows, notes, bold=(len(rows) - 1,))

    def text(self, q: Question) -> Iterator[Block]:
        """An open question: how many answered, then the analyst's quotes, if any.

        No quote is printed for a question with fewer answers than the minimum.
        """
        values = self.r.dataset.data.get(q.name)
        n = 0 if values is None else int(values.dropna().astype(str).str.strip().ne("").sum())
        quotes = self.quotes.get(q.name, ())
        if hidden(n, self.k):
            yield Paragraph(self.t("note_open_hidden", question=self.label(q)))
        elif quotes:
            count = self.t("note_open_quoted", question=self.label(q), n=self.t.integer(n))
            yield Paragraph(f"{count} {self.t('quotes_intro')}")
            yield QuoteBlock(tuple(self.t("quote", text=x) for x in quotes))
            self.quoted += len(quotes)
        else:
            yield Paragraph(self.t("note_open", question=self.label(q), n=self.t.integer(n)))

    def integer(self, q: Question, route: str) -> Iterator[Block]:
        from analysis.metrics import mean_of, numbers

        stat: Mean = mean_of(numbers(self.r.dataset.data[q.name], self.r.scales[q.name]))
        f = Figure(q.name, "mean", TOTAL, stat, hidden(stat.n, self.k))
        yield self.table(
            self.label(q),
            [self.t("item"), self.t("n"), self.t("mean"), self.t("margin")],
            [[self.label(q), self.n(f), self.cell(f), self.margin(f)]],
            self.notes(route),
        )

    # ------------------------------------------------------------ walking the questionnaire

    def items(
        self, items: Sequence[Item], route_from: Expr | None = None, chart: bool = True
    ) -> Iterator[Block]:
        for item in items:
            if isinstance(item, Group) and item.is_grid:
                yield from self.grid(item)
            elif isinstance(item, Group):
                yield Heading(item.label.get(self.t.language))
                yield from self.items(item.items, item.relevant, chart)
            elif item.is_answerable:
                yield from self.question(item, chart)

    def grid(self, group: Group) -> Iterator[Block]:
        questions = [q for q in group.questions() if q.is_answerable]
        route = describe_condition(group.relevant, self.q, self.t)
        title = group.label.get(self.t.language)
        kinds = {self.r.scales[q.name].kind for q in questions}
        if kinds == {Kind.GRADE}:
            yield from self.grades(questions, title, route)
        elif kinds == {Kind.AGREE}:
            yield from self.agree(questions, title, route)
        else:
            for q in questions:
                yield from self.question(q, True, route)

    def question(self, q: Question, chart: bool = True, route: str = "") -> Iterator[Block]:
        route = route or describe_condition(q.relevant, self.q, self.t)
        kind = self.r.scales[q.name].kind
        keys = {i.key for i in self.r.indicators(q.name)}
        if "top" in keys:
            yield from indicator_blocks.top_list(self, q, route)
            return
        if "ces" in keys:
            yield from indicator_blocks.ces_block(self, q)
        if "nps" in keys:
            yield from indicator_blocks.nps_block(self, q)
        if kind is Kind.GRADE:
            yield from self.grades([q], self.label(q), route)
            yield from self.spread(q)
        elif kind is Kind.AGREE and "ces" not in keys:
            yield from self.agree([q], self.label(q), route)
        elif kind in (Kind.SINGLE, Kind.MULTIPLE, Kind.AGREE):
            yield from self.single(q, route, chart)
        elif kind is Kind.INTEGER:
            yield from self.integer(q, route)
        else:
            yield from self.text(q)
