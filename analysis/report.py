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

from analysis.chapters import ChapterBuilder, ReportContext, is_background
from analysis.comparisons import Source, load_comparisons
from analysis.dataset import Dataset, build_dataset
from analysis.document import Block, Chapter, Document, Heading, Paragraph
from analysis.indicators import config_from
from analysis.metrics import ResponseRow, response_rates, suppress_partition
from analysis.quotes import Quotes, load_quotes
from analysis.results import Figure, Results, chapter_of, compute_results
from analysis.sample_size import achieved_margin, required_responses
from analysis.scales import Kind
from analysis.texts import DASH, INDICATIVE, Texts
from analysis.trend import trend_blocks
from survey import entropy
from survey.dates import format_date
from survey.errors import ConflictError, PaperSurveyError, ProjectError
from survey.model import Group, Question

log = logging.getLogger("papersurvey.analysis.report")

FORMATS = ("pdf", "html")


@dataclass(frozen=True)
class ReportOptions:
    """What ``papersurvey report`` needs.

    Attributes:
        formats: ``pdf``, ``html`` or both.
        reference: a reference group file (:mod:`analysis.comparisons`), or ``None``.
        previous: earlier rounds' exports or figures, or folders of exports,
            oldest first; the last is the previous round the significance
            tests compare with, all of them make the trend.
        language: ``nl`` (default) or ``en``.
        out_dir: where to write; ``None`` for the project's ``out/report``.
        previous_label: the names of the earlier rounds in the report, in the
            order of ``previous`` (a round without one is named after its folder).
        reference_label: the name of the reference group in the report.
        dpi: the resolution of the charts.
        quotes: the analyst's chosen, anonymised quotes from open answers
            (:mod:`analysis.quotes`), or ``None`` for none.
        allow_flagged_quotes: accept quotes that look like they hold a phone
            number or an e-mail address.
        allow_open_review: make the report although review items are still open
            (the cover and the method chapter say so).
    """

    formats: tuple[str, ...] = FORMATS
    reference: Path | None = None
    previous: Path | tuple[Path, ...] | None = None
    language: str = "nl"
    out_dir: Path | None = None
    previous_label: str | tuple[str, ...] = ""
    reference_label: str = ""
    dpi: int = 200
    quotes: Path | None = None
    allow_flagged_quotes: bool = False
    allow_open_review: bool = False


@dataclass(frozen=True)
class ReportOutput:
    """What :func:`make_report` wrote.

    Attributes:
        quotes: how many quotes from open answers the report prints.
        warnings: what the user should check (quotes not found in the answers...).
        metrics: ``metrics.csv`` beside the report: every figure with its
            comparisons (values, differences, p-values), as ``export`` writes it.
        open_items: review items still open (a provisional report).
    """

    files: tuple[Path, ...]
    figures: int
    tables: int
    respondents: int
    suppressed: int = 0
    notes: tuple[str, ...] = field(default=())
    quotes: int = 0
    warnings: tuple[str, ...] = ()
    metrics: Path | None = None
    open_items: int = 0


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
    sides: list[tuple[str, Source]] = [
        (b.side_name(side), x) for side in b.sides() if (x := b.source(side)) is not None
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
        statistic = next(
            (i.key for i in r.indicators(q.name) if i.by_group and not i.per_code), "mean"
        )
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


def _method_blocks(b: ChapterBuilder, dataset: Dataset, open_items: int) -> Iterator[Block]:
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
    if open_items:
        yield Paragraph(
            t("method_open_review", n=t.integer(open_items), people=t.integer(open_review))
        )
    if b.quoted:
        yield Paragraph(t("method_quotes"))
    population = b.r.config.population
    yield Paragraph(t("method_stats", population=t.integer(population)))
    descriptions = [
        i.description.get(t.language, "")
        for i in b.r.registry
        if i.description and any(f.indicator == i.key for f in b.r.figures.values())
    ]
    if descriptions:
        yield Paragraph(" ".join(d for d in descriptions if d))
    total = response_rates(dataset.population)[0]
    if population:
        needed = required_responses(population)
        yield Paragraph(
            t(
                "sample_size_method",
                population=t.integer(population),
                needed=t.integer(needed),
                responded=t.integer(total.responded),
                verdict=t("sample_size_met" if total.responded >= needed else "sample_size_short"),
                margin=t.percent(achieved_margin(total.responded, population), 1),
            )
        )
    yield Paragraph(t("note_hidden", k=b.k) + " " + t("note_secondary"))
    yield Paragraph(
        t("note_indicative", star=INDICATIVE, n=b.r.config.reliable_n)
        + " "
        + t("note_no_figure", none=t.no_figure)
    )


def _verdicts(b: ChapterBuilder, f: Figure) -> list[str]:
    """ "hoger dan de vorige meting (7,0)", "gelijk aan de referentiegroep (7,3)"."""
    return [
        f"{b.t(b.verdict_key('verdict', test), what=b.side_phrase(side))}"
        f" ({b.fmt(other.value, f.statistic)})"
        for side, other, test in b.compared(f)
    ]


def _chapter_part(t: Texts, what: str, up: int, down: int, total: int) -> str:
    """ "op 2 van de 7 onderdelen hoger dan de vorige meting en op 1 lager", or shorter."""
    if total == 1:
        key = "verdict_higher" if up else "verdict_lower" if down else "verdict_same"
        return t(key, what=what)
    if not up and not down:
        return t("summary_part_same", total=total, what=what)
    if up and down:
        return t("summary_part_both", up=up, down=down, total=total, what=what)
    if up == total or down == total:
        key = "summary_part_all_higher" if up else "summary_part_all_lower"
        return t(key, total=total, what=what)
    key = "summary_part_higher" if up else "summary_part_lower"
    return t(key, n=up or down, total=total, what=what)


def _chapter_verdicts(b: ChapterBuilder) -> list[Block]:
    """Per chapter: on how many of its items this round is higher or lower than each source."""
    r, t = b.r, b.t
    of_chapter = chapter_of(b.q)
    names = {
        g.name: g.label.get(t.language)
        for g in b.q.items
        if isinstance(g, Group) and not is_background(g)
    }
    out: list[Block] = []
    for group, title in names.items():
        figs = [
            f
            for f in r.figures.values()
            if not f.group
            and of_chapter.get(f.question) == group
            and (ind := r.registry.get(f.statistic)) is not None
            and not ind.per_code
            and ind.higher_is_better is True
            and not f.hidden
        ]
        parts = []
        for side in b.sides():
            tests = [f.side(side)[1] for f in figs if f.side(side)[1] is not None]
            if not tests:
                continue
            up = sum(1 for x in tests if x is not None and x.direction > 0)
            down = sum(1 for x in tests if x is not None and x.direction < 0)
            parts.append(_chapter_part(t, b.side_phrase(side), up, down, len(tests)))
        if parts:
            out.append(Paragraph(t("summary_chapter", chapter=title, parts="; ".join(parts))))
    if out:
        out.insert(0, Heading(t("summary_chapters")))
    return out


def _changed_label(b: ChapterBuilder, q: Question) -> str:
    """A question's name in the changes table; a negative statement says so (higher is worse)."""
    return b.t("negative_mark", label=b.label(q)) if q.negative else b.label(q)


def _response_counts(t: Texts, total: ResponseRow) -> dict[str, str]:
    """The response as the summary and the introduction both word it: how many, by mode, the rate."""
    return {
        "responded": t.integer(total.responded),
        "paper": t.integer(total.paper),
        "online": t.integer(total.online),
        "rate": t.percent(total.rate),
    }


def _summary(b: ChapterBuilder, headline: list[Question], total: ResponseRow) -> list[Block]:
    t, results = b.t, b.r
    out: list[Block] = [Paragraph(t("summary_response", **_response_counts(t, total)))]
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
            verdicts = _verdicts(b, first)
            if verdicts:
                sentence = t(
                    "summary_verdict",
                    label=b.label(headline[0]),
                    value=t.number(first.value),
                    verdicts=t.join(verdicts),
                )
            out.append(Paragraph(sentence))
        out.append(Heading(t("summary_key")))
        out.append(b.indicator_table(t("summary_key"), headline, t("item")))
    out += _chapter_verdicts(b)
    if results.previous:
        changed = [
            f
            for f in results.figures.values()
            if not f.group
            and (ind := results.registry.get(f.statistic)) is not None
            and not ind.per_code
            and f.previous_test is not None
            and f.previous_test.direction
        ]
        out.append(Heading(t("summary_changes")))
        if changed:
            qn = results.dataset.questionnaire
            header = [
                t("item"),
                t("indicator"),
                t("this_round"),
                b.side_name("previous"),
                t("difference"),
            ]
            rows = [
                [
                    _changed_label(b, qn.question(f.question)),
                    ind.name(t.language) if (ind := results.registry.get(f.statistic)) else "",
                    b.marked(f, ["previous"]),
                    b.other(f, "previous"),
                    b.difference(f.previous_test.difference, f.statistic)
                    if f.previous_test
                    else "",
                ]
                for f in changed
            ]
            out.append(Paragraph(t("summary_changes_intro", table=b.table_no + 1)))
            out.append(b.table(t("summary_changes"), header, rows, (b.sig_note(["previous"]),)))
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
            t("intro_response", invited=t.integer(total.invited), **_response_counts(t, total))
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
    sides = [b.side_phrase(side) for side in b.sides()]
    if sides:
        out.append(Paragraph(t("intro_compare", what=t.join(sides))))
    ref = results.reference
    if ref is not None:
        key = "reference_who" if ref.respondents else "reference_who_unknown"
        n = t.integer(ref.respondents) if ref.respondents else ""
        named = "" if b.side_name("reference") == t("reference") else "_named"
        out.append(Paragraph(t(key + named, label=b.side_name("reference"), n=n)))
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


def _appendices(b: ChapterBuilder, background: list[Group], open_items: int) -> list[Chapter]:
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
    if results.rounds:
        trend = tuple(trend_blocks(b, list(_unit_questions(b.q.items)), _headline(results)))
        if trend:
            out.append(Chapter(t("trend_appendix"), trend, next(letters), True))
    out.append(
        Chapter(t("method_appendix"), tuple(_method_blocks(b, ds, open_items)), next(letters), True)
    )
    return out


def build_document(
    results: Results,
    context: ReportContext,
    texts: Texts,
    image_dir: Path,
    *,
    dpi: int = 200,
    quotes: Mapping[str, tuple[str, ...]] | None = None,
    open_items: int = 0,
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
    appendices = _appendices(b, background, open_items)
    subtitle = " ".join(x for x in (context.municipality, context.year) if x)
    labels = {
        k: t(k)
        for k in ("contents", "page", "of", "figure", "table", "appendix", "appendices", "report")
    }
    if context.start and context.end:
        date = t("fieldwork", start=_date(context.start, t), end=_date(context.end, t))
    else:
        date = _date(entropy.today(), t)
    notice = t("open_review_cover", n=t.integer(open_items)) if open_items else ""
    return Document(
        context.title,
        subtitle,
        date,
        t.language,
        (summary, intro, *body, *appendices),
        labels,
        notice,
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
    dataset = build_dataset(project.store, questionnaire)
    open_items = int(dataset.data["open_review"].sum()) if len(dataset.data) else 0
    if open_items and not options.allow_open_review:
        people = int((dataset.data["open_review"] > 0).sum())
        raise ConflictError(
            f"{open_items} review items or open answers are still open for {people} "
            "respondents: their answers would count as the machine read them, and a question "
            "under review drops the answers that depend on it. Finish them with "
            "'papersurvey review', or make a provisional report with --allow-open-review "
            "(the cover and the method chapter then say what is open)."
        )
    config = config_from(project.settings.analysis, len(dataset.population) or None)
    previous = options.previous
    paths = (Path(previous),) if isinstance(previous, Path | str) else tuple(previous or ())
    labels = options.previous_label
    rounds, reference = load_comparisons(
        questionnaire,
        paths,
        (labels,) if isinstance(labels, str) and labels else tuple(labels or ()),
        options.reference,
        options.reference_label,
        config=config,
        names=(texts("previous"), texts("reference")),
    )
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
    results = compute_results(dataset, k, rounds=rounds, reference=reference, config=config)
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
        results,
        context,
        texts,
        images,
        dpi=options.dpi,
        quotes=quotes.by_question,
        open_items=open_items,
    )
    stem = "rapport" if texts.language == "nl" else "report"
    files: list[Path] = []
    if "pdf" in options.formats:
        from analysis.render_pdf import render_pdf

        files.append(render_pdf(document, out / f"{stem}.pdf"))
    if "html" in options.formats:
        from analysis.render_html import render_html

        files.append(render_html(document, out / f"{stem}.html"))
    metrics_csv = out / "metrics.csv"
    results.frame().to_csv(metrics_csv, sep=";", encoding="utf-8-sig", index=False)
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
        metrics=metrics_csv,
        open_items=open_items,
    )
