"""The report of a round: ``papersurvey report`` writes ``out/report/rapport.pdf`` and ``.html``.

Stages: load (the project's dataset, the comparison files, the analyst's
quotes from open answers, checked before any page work) -> compute (every
figure once, :mod:`analysis.results`) -> build the document (summary,
introduction, a chapter per questionnaire group, appendices) -> render (PDF
with reportlab, HTML with jinja2; the same charts in both).
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from analysis.benchmarks import Benchmarks, load_benchmarks
from analysis.chapters import ChapterBuilder, ReportContext, is_background
from analysis.dataset import Dataset, build_dataset
from analysis.document import Block, Chapter, Document, Heading, Paragraph
from analysis.metrics import ResponseRow, response_rates, suppress_partition
from analysis.quotes import Quotes, load_quotes
from analysis.results import Results, compute_results
from analysis.scales import Kind
from analysis.texts import DASH, Texts
from survey import entropy
from survey.dates import format_date
from survey.errors import PaperSurveyError, ProjectError
from survey.model import Group, Question

log = logging.getLogger("papersurvey.analysis.report")

FORMATS = ("pdf", "html")


@dataclass(frozen=True)
class ReportOptions:
    """What ``papersurvey report`` needs.

    Attributes:
        formats: ``pdf``, ``html`` or both.
        reference: a reference group file (:mod:`analysis.benchmarks`), or ``None``.
        previous: the previous round's export or figures, or ``None``.
        language: ``nl`` (default) or ``en``.
        out_dir: where to write; ``None`` for the project's ``out/report``.
        previous_label: the name of the previous round in the report.
        reference_label: the name of the reference group in the report.
        dpi: the resolution of the charts.
        quotes: the analyst's chosen, anonymised quotes from open answers
            (:mod:`analysis.quotes`), or ``None`` for none.
        allow_flagged_quotes: accept quotes that look like they hold a phone
            number or an e-mail address.
    """

    formats: tuple[str, ...] = FORMATS
    reference: Path | None = None
    previous: Path | None = None
    language: str = "nl"
    out_dir: Path | None = None
    previous_label: str = ""
    reference_label: str = ""
    dpi: int = 200
    quotes: Path | None = None
    allow_flagged_quotes: bool = False


@dataclass(frozen=True)
class ReportOutput:
    """What :func:`make_report` wrote.

    Attributes:
        quotes: how many quotes from open answers the report prints.
        warnings: what the user should check (quotes not found in the answers...).
    """

    files: tuple[Path, ...]
    figures: int
    tables: int
    respondents: int
    suppressed: int = 0
    notes: tuple[str, ...] = field(default=())
    quotes: int = 0
    warnings: tuple[str, ...] = ()


# ---------------------------------------------------------------- document


def _unit_questions(items: tuple[object, ...]) -> Iterator[Question]:
    for item in items:
        if isinstance(item, Group):
            yield from _unit_questions(item.items)
        elif isinstance(item, Question) and item.is_answerable:
            yield item


def _headline(results: Results) -> list[Question]:
    """The standalone grade questions (not in a grid): the key figures."""
    out: list[Question] = []

    def walk(items: tuple[object, ...]) -> None:
        for item in items:
            if isinstance(item, Group) and not item.is_grid:
                walk(item.items)
            elif (
                isinstance(item, Question)
                and results.scales.get(item.name)
                and results.scales[item.name].kind is Kind.GRADE
            ):
                out.append(item)

    walk(results.dataset.questionnaire.items)
    return out


def _response_blocks(b: ChapterBuilder, dataset: Dataset) -> Iterator[Block]:
    t, k = b.t, b.k
    pop = dataset.population

    def row(name: str, r: ResponseRow, hide: bool = False) -> list[str]:
        if hide:
            b.hid_any = True
            return [name, t.integer(r.invited), DASH, DASH, DASH, DASH]
        modes = [t.integer(r.paper), t.integer(r.online)]
        if name != t("total") and min(r.paper, r.online) < k:
            b.hid_any = True  # a small mode count, and the other one that would give it away
            modes = [DASH, DASH]
        return [name, t.integer(r.invited), t.integer(r.responded), *modes, t.percent(r.rate)]

    header = [t("group"), t("invited"), t("responded"), t("paper"), t("online"), t("rate")]
    total = response_rates(pop)[0]
    by_channel = response_rates(pop, "channel")
    hide = suppress_partition([r.responded for r in by_channel], k)
    rows = [
        row(t(f"channel_{r.group}") if r.group in ("email", "paper", "none") else r.group, r, h)
        for r, h in zip(by_channel, hide, strict=True)
    ]
    rows.append(row(t("total"), total))
    yield b.table(
        t("response_table"), header, rows, b.notes(margin=False, sig=False), bold=(len(rows) - 1,)
    )
    if b.r.subgroups:
        by_group = response_rates(pop, "subgroup")
        hide = suppress_partition([r.responded for r in by_group], k)
        rows = [row(r.group or DASH, r, h) for r, h in zip(by_group, hide, strict=True)]
        rows.append(row(t("total"), total))
        notes = b.notes(margin=False, sig=False)
        if sum(hide) >= 2:
            notes = (*notes, t("note_secondary"))
        yield b.table(
            t("response_subgroup_table", by=b.context.subgroup_name or t("subgroup")),
            header,
            rows,
            notes,
            bold=(len(rows) - 1,),
        )
    sides: list[tuple[str, Benchmarks]] = [(t("previous"), x) for x in [b.r.previous] if x] + [
        (t("reference"), x) for x in [b.r.reference] if x
    ]
    if any(s.respondents for _, s in sides):
        header = [t("group"), t("this_round"), *[name for name, _ in sides]]
        values = [t.integer(s.respondents) if s.respondents else DASH for _, s in sides]
        yield b.table(
            t("response_compare_table"),
            header,
            [[t("respondents"), t.integer(total.responded), *values]],
        )


def _subgroup_blocks(b: ChapterBuilder, questions: list[Question]) -> Iterator[Block]:
    t, r = b.t, b.r
    by = b.context.subgroup_name or t("subgroup")
    yield Paragraph(t("subgroup_intro", by=by, k=b.k))
    header = [t("item"), t("total"), *r.subgroups]
    rows = []
    secondary = False
    for q in questions:
        statistic = "mean" if r.scales[q.name].kind is Kind.GRADE else "agree"
        cells = [b.label(q), b.cell(r.get(q.name, statistic))]
        figs = [r.get(q.name, statistic, g) for g in r.subgroups]
        cells += [b.cell(f) for f in figs]
        primary = sum(1 for f in figs if f is not None and f.n < b.k)
        secondary = secondary or sum(1 for f in figs if f is not None and f.hidden) > primary
        rows.append(cells)
    notes = [t("note_hidden", k=b.k)] if any(DASH in row for row in rows) else []
    if secondary:
        notes.append(t("note_secondary"))
    b.hid_any = False
    yield b.table(t("subgroup_table", by=by), header, rows, notes)


def _method_blocks(b: ChapterBuilder, dataset: Dataset) -> Iterator[Block]:
    t = b.t
    yield Paragraph(t("method_text"))
    dup = dataset.duplicates
    if len(dup):
        yield Paragraph(t("method_duplicates", n=t.integer(dup["pseudonym"].nunique())))
    probs = dataset.problems
    if len(probs):
        routing = int((probs["check"] == "routing").sum())
        value = int((probs["check"] == "value_valid").sum())
        other = len(probs) - routing - value
        details = [
            t("quality_routing", n=routing) if routing else "",
            t("quality_value", n=value) if value else "",
            t("quality_other", n=other) if other else "",
        ]
        yield Paragraph(
            t("method_quality", n=t.integer(len(probs)), details=t.join([d for d in details if d]))
        )
    else:
        yield Paragraph(t("method_quality_none"))
    open_review = int((dataset.data["open_review"] > 0).sum()) if len(dataset.data) else 0
    if open_review:
        yield Paragraph(t("method_review", n=t.integer(open_review)))
    if b.quoted:
        yield Paragraph(t("method_quotes"))
    yield Paragraph(t("method_stats"))
    yield Paragraph(t("note_hidden", k=b.k) + " " + t("note_secondary"))


def _summary(b: ChapterBuilder, headline: list[Question], total: ResponseRow) -> list[Block]:
    t, results = b.t, b.r
    out: list[Block] = [
        Paragraph(
            t(
                "summary_response",
                responded=t.integer(total.responded),
                paper=t.integer(total.paper),
                online=t.integer(total.online),
                rate=t.percent(total.rate),
            )
        )
    ]
    if headline:
        first = results.get(headline[0].name, "mean")
        if first is not None and not first.hidden:
            sentence = t(
                "sentence_grade",
                label=b.label(headline[0]),
                value=t.number(first.value),
                margin=t.number(first.stat.margin),
                n=t.integer(first.n),
            )
            out.append(Paragraph(f"{sentence} {b.comparison_sentence(first)}".strip()))
        out.append(Heading(t("summary_key")))
        header = [t("item"), t("n"), t("mean"), t("margin"), *b.side_names()]
        rows = []
        for q in headline:
            f = results.get(q.name, "mean")
            rows.append(
                [b.label(q), b.n(f), b.cell(f), b.margin(f), *[b.other(f, s) for s in b.sides()]]
            )
        out.append(b.table(t("summary_key"), header, rows, b.notes()))
    if results.previous:
        changed = [
            f
            for f in results.figures.values()
            if not f.group
            and f.statistic in ("mean", "agree")
            and f.previous_test is not None
            and f.previous_test.direction
        ]
        out.append(Heading(t("summary_changes")))
        if changed:
            qn = results.dataset.questionnaire
            header = [t("item"), t("this_round"), t("previous")]
            rows = [
                [b.label(qn.question(f.question)), b.cell(f), b.other(f, "previous")]
                for f in changed
            ]
            out.append(Paragraph(t("summary_changes_intro", table=b.table_no + 1)))
            out.append(b.table(t("summary_changes"), header, rows, (t("note_sig"),)))
        else:
            out.append(Paragraph(t("summary_no_changes")))
    return out


def _introduction(
    b: ChapterBuilder, headline: list[Question], total: ResponseRow, partial: int
) -> list[Block]:
    t, results, context = b.t, b.r, b.context
    municipality = ""
    if context.municipality:
        municipality = (
            f" {'van de gemeente' if t.language == 'nl' else 'of'} {context.municipality}"
        )
    title = context.title[:1].lower() + context.title[1:] if t.language == "nl" else context.title
    out: list[Block] = [
        Paragraph(t("intro_text", title=title, year=context.year, municipality=municipality))
    ]
    if context.start and context.end:
        out.append(
            Paragraph(t("intro_period", start=_date(context.start, t), end=_date(context.end, t)))
        )
    out.append(
        Paragraph(
            t(
                "intro_response",
                invited=t.integer(total.invited),
                responded=t.integer(total.responded),
                paper=t.integer(total.paper),
                online=t.integer(total.online),
                rate=t.percent(total.rate),
            )
        )
    )
    if partial:
        out.append(Paragraph(t("intro_partial", partial=t.integer(partial))))
    if headline:
        f = results.get(headline[0].name, "mean")
        if f is not None and not f.hidden:
            out.append(
                Paragraph(
                    t(
                        "intro_reliability",
                        n=t.integer(f.n),
                        margin=t.number(f.stat.margin),
                        low=t.number(f.stat.low),
                        high=t.number(f.stat.high),
                    )
                )
            )
    sides = [
        t(s)
        for s, x in (("the_previous", results.previous), ("the_reference", results.reference))
        if x
    ]
    if sides:
        out.append(Paragraph(t("intro_compare", what=t.join(sides))))
    out.append(Paragraph(t("intro_reading", k=b.k)))
    return out


def _body(b: ChapterBuilder) -> tuple[list[Chapter], list[Group]]:
    """A chapter per top-level group (from number 2), and the background groups set aside."""
    t = b.t
    chapters: list[Chapter] = []
    background: list[Group] = []
    loose: list[Question] = []
    number = 2
    for item in b.q.items:
        if isinstance(item, Group) and is_background(item):
            background.append(item)
        elif isinstance(item, Group):
            blocks = tuple(b.items(item.items))
            if blocks:
                chapters.append(Chapter(item.label.get(t.language), blocks, str(number)))
                number += 1
        elif isinstance(item, Question) and item.is_answerable:
            loose.append(item)
    if loose:
        blocks = tuple(blk for q in loose for blk in b.question(q))
        chapters.append(Chapter(t("item"), blocks, str(number)))
    return chapters, background


def _appendices(b: ChapterBuilder, background: list[Group]) -> list[Chapter]:
    t, results, ds = b.t, b.r, b.r.dataset
    out: list[Chapter] = []
    letters = iter("ABCDEFGH")
    out.append(Chapter(t("response_appendix"), tuple(_response_blocks(b, ds)), next(letters), True))
    if background:
        blocks: list[Block] = [Paragraph(t("background_intro"))]
        for g in background:
            blocks += list(b.items(g.items, chart=False))
        out.append(Chapter(t("background_appendix"), tuple(blocks), next(letters), True))
    if len(results.subgroups) >= 2:
        key = [
            q
            for q in _unit_questions(b.q.items)
            if results.scales[q.name].kind in (Kind.GRADE, Kind.AGREE)
        ]
        by = b.context.subgroup_name or t("subgroup")
        out.append(
            Chapter(
                t("subgroup_appendix", by=by), tuple(_subgroup_blocks(b, key)), next(letters), True
            )
        )
    out.append(Chapter(t("method_appendix"), tuple(_method_blocks(b, ds)), next(letters), True))
    return out


def build_document(
    results: Results,
    context: ReportContext,
    texts: Texts,
    image_dir: Path,
    *,
    dpi: int = 200,
    quotes: Mapping[str, tuple[str, ...]] | None = None,
) -> Document:
    """The whole report as a :class:`Document` (charts are written to ``image_dir``).

    Chapters are built in reading order, so figures and tables are numbered as they appear.
    ``quotes`` (question name -> quotes, checked by :func:`analysis.quotes.load_quotes`)
    are printed after the count of their open question.
    """
    b = ChapterBuilder(results, texts, image_dir, context)
    b.dpi = dpi
    b.quotes = quotes or {}
    t = texts
    ds = results.dataset
    total = response_rates(ds.population)[0]
    partial = int((ds.data["status"] == "partial").sum()) if len(ds.data) else 0
    headline = _headline(results)
    summary = Chapter(t("summary"), tuple(_summary(b, headline, total)))
    intro = Chapter(t("introduction"), tuple(_introduction(b, headline, total, partial)), "1")
    body, background = _body(b)
    appendices = _appendices(b, background)
    subtitle = " ".join(x for x in (context.municipality, context.year) if x)
    labels = {
        k: t(k)
        for k in ("contents", "page", "of", "figure", "table", "appendix", "appendices", "report")
    }
    return Document(
        context.title,
        subtitle,
        _date(entropy.today(), t),
        t.language,
        (summary, intro, *body, *appendices),
        labels,
    )


def _date(d: dt.date, t: Texts) -> str:
    return format_date(d, t.language)


# ---------------------------------------------------------------- orchestration


def make_report(project: object, options: ReportOptions) -> ReportOutput:
    """Compute the round's figures and write the report files.

    Args:
        project: an open :class:`survey.project.Project`.
        options: formats, comparison files, language, output folder.

    Raises:
        PaperSurveyError: a comparison file or the quotes file is unusable, or a
            format is unknown (:class:`~survey.errors.ValidationError` lists every
            problem of the quotes file).
        ProjectError: the round has no answers yet (a report would be all dashes).
    """
    from survey.project import Project

    assert isinstance(project, Project)
    unknown = [f for f in options.formats if f not in FORMATS]
    if unknown:
        raise PaperSurveyError(f"unknown report format {unknown[0]!r}; use pdf, html or both.")
    if not project.store.counts().responses_total:
        raise ProjectError(
            "this round has no answers yet, so there is nothing to report. Scan the returned "
            "questionnaires ('papersurvey scan') or import the online answers "
            "('papersurvey import-online') first; 'papersurvey status' shows what is in."
        )
    texts = Texts(options.language)
    questionnaire = project.load_questionnaire()
    previous = (
        load_benchmarks(
            options.previous, questionnaire, options.previous_label or texts("previous")
        )
        if options.previous
        else None
    )
    reference = (
        load_benchmarks(
            options.reference, questionnaire, options.reference_label or texts("reference")
        )
        if options.reference
        else None
    )
    dataset = build_dataset(project.store, questionnaire)
    k = project.settings.privacy.min_cell_size
    quotes = (
        load_quotes(
            options.quotes,
            dataset,
            min_cell_size=k,
            allow_flagged=options.allow_flagged_quotes,
        )
        if options.quotes
        else Quotes()
    )
    for warning in quotes.warnings:
        log.warning("%s", warning)
    results = compute_results(dataset, k, previous=previous, reference=reference)
    s = project.settings
    year = str((s.dates.send or s.dates.close or entropy.today()).year)
    context = ReportContext(
        title=s.survey.title,
        municipality=s.survey.municipality,
        year=year,
        start=s.dates.send,
        end=s.dates.close,
    )
    out = options.out_dir or project.paths.out / "report"
    images = out / "img"
    if images.exists():
        shutil.rmtree(images)
    images.mkdir(parents=True)
    document = build_document(
        results, context, texts, images, dpi=options.dpi, quotes=quotes.by_question
    )
    stem = "rapport" if texts.language == "nl" else "report"
    files: list[Path] = []
    if "pdf" in options.formats:
        from analysis.render_pdf import render_pdf

        files.append(render_pdf(document, out / f"{stem}.pdf"))
    if "html" in options.formats:
        from analysis.render_html import render_html

        files.append(render_html(document, out / f"{stem}.html"))
    suppressed = sum(cell == DASH for cell in document.cells())
    log.info(
        "report: %d figures, %d tables, %d suppressed cells",
        len(document.figures()),
        len(document.tables()),
        suppressed,
    )
    return ReportOutput(
        tuple(files),
        len(document.figures()),
        len(document.tables()),
        len(dataset.data),
        suppressed,
        quotes=sum(len(b.items) for b in document.quotes()),
        warnings=quotes.warnings,
    )
