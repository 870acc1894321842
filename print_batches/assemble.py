"""Render one batch: every set's letter and questionnaire into one PDF, plus its manifest.

This is the hot path. Per batch PDF, the static content of every
questionnaire page, of the letter and of the blank back is drawn once as a
form XObject; per respondent only the letter's personal text, the QR codes
and the printed codes are added. The batch runs in a worker process
(:mod:`survey.executors`): :func:`init_renderer` builds the layouts
once per process, :func:`render_batch` renders a job and returns a small
:class:`BatchResult`.

A set is ``letter [+ blank back] [+ questionnaire [+ blank back]]``: every
part starts on a new sheet in duplex, so the questionnaire never shares a
sheet with the letter (see :mod:`print_batches.variants`).
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

from layout import fonts, letter
from print_batches.batches import BatchJob, Recipient
from print_batches.jobticket import BatchSummary
from print_batches.manifest import ManifestRow, write_manifest
from print_batches.painters import LetterPainter, QuestionnairePainter
from print_batches.variants import blanks_after, sheets
from survey import entropy
from survey.project import Project
from survey.units import A4_HEIGHT_PT, A4_WIDTH_PT

log = logging.getLogger("papersurvey.print.assemble")

BLANK_TEXT = {
    "nl": "Deze pagina is bewust leeg gelaten.",
    "en": "This page is intentionally left blank.",
}
RUN_LABEL = {"invitation": "uitnodiging", "reminder": "herinnering"}
MARK_SIZE = 6.5  # the batch/sequence mark on a set's first page, points
# Bottom left, on the letter's left margin, halfway between the lowest body line
# and the sheet edge: clear of the envelope window (top left) and of the edge
# margin printers cannot print in.
MARK_X = letter.LEFT
MARK_Y = letter.BODY_BOTTOM / 2
_BLANK_FORM = "psblank_{}"


@dataclass(frozen=True)
class RenderSpec:
    """What a worker needs to build its renderer (small and picklable).

    Attributes:
        project_dir: the project folder; the worker opens it read-only.
        run: the run name, printed in the batch mark.
        duplex: print on both sides: insert blank backs.
        survey_info: survey id, code, municipality, title, version (job ticket, PDF metadata).
        producer: program and version for the PDF metadata.
        naive: draw every page in full per respondent (the benchmark's baseline).
        fingerprint: a digest of survey.toml and letters/, so a renderer built for
            other settings or templates is never reused.
        invariant: write the PDFs in reportlab's invariant mode (fixed creation
            date and document id), as inside :func:`survey.entropy.seeded`.
    """

    project_dir: Path
    run: str
    duplex: bool
    survey_info: dict[str, str] = field(default_factory=dict)
    producer: str = ""
    naive: bool = False
    fingerprint: str = ""
    invariant: bool = False

    @classmethod
    def for_project(cls, project: Project, *, run: str, naive: bool = False) -> RenderSpec:
        s = project.settings
        q = project.load_questionnaire()
        return cls(
            project_dir=project.paths.root,
            run=run,
            duplex=s.print.duplex,
            survey_info={
                "id": s.survey.id,
                "code": s.survey.code,
                "title": s.survey.title,
                "municipality": s.survey.municipality,
                "form_id": q.form_id,
                "questionnaire_version": q.version,
                "version_hash": q.version_hash,
            },
            producer=f"papersurvey {_version()}",
            naive=naive,
            fingerprint=_fingerprint(project),
            invariant=entropy.is_seeded(),
        )


@dataclass(frozen=True)
class BatchResult:
    """What comes back from a worker: the batch totals and its manifest rows."""

    summary: BatchSummary
    rows: tuple[ManifestRow, ...]


class Renderer:
    """The per-process rendering state: layouts built once, reused for every batch."""

    def __init__(self, spec: RenderSpec) -> None:
        fonts.register_fonts()
        self.spec = spec
        project = Project.open(spec.project_dir)
        self.questionnaires = QuestionnairePainter(project, naive=spec.naive)
        self.letters = LetterPainter(project, naive=spec.naive)

    def prepare(self, recipients: Iterable[Recipient]) -> None:
        """Build every layout ``recipients`` need, so a broken template or layout is
        reported before any page is rendered (and with its own message: an error in a
        pool worker's initialiser only surfaces as a broken pool)."""
        for variant, language in {(r.variant, r.language) for r in recipients}:
            self.letters.layout(variant.letter, language)
            if variant.with_questionnaire:
                self.questionnaires.layout(language)

    def render(self, job: BatchJob) -> BatchResult:
        """Render ``job`` to ``<out_dir>/batch-NNN.pdf`` and its manifest CSV."""
        path = job.out_dir / job.pdf_name
        # The initial font is the canvas's default in every page preamble: with the
        # default (Helvetica) poppler would list an unembedded font.
        canvas = Canvas(
            str(path),
            pagesize=(A4_WIDTH_PT, A4_HEIGHT_PT),
            pageCompression=1,
            initialFontName=fonts.REGULAR,
            invariant=int(self.spec.invariant),
        )
        self._metadata(canvas, job)
        rows: list[ManifestRow] = []
        page = 1
        for seq, r in enumerate(job.recipients, start=1):
            row = self._draw_set(canvas, job, seq, r, page)
            rows.append(row)
            page += row.page_count
        with _binary_streams():
            canvas.save()
        write_manifest(job.out_dir / job.manifest_name, rows)
        summary = BatchSummary(
            batch=job.batch,
            pdf=job.pdf_name,
            manifest=job.manifest_name,
            sets=len(rows),
            pages=page - 1,
            sheets=sum(row.sheet_count for row in rows),
            blank_pages=sum(row.blank_pages for row in rows),
            first_postcode=rows[0].postcode if rows else "",
            last_postcode=rows[-1].postcode if rows else "",
            variants=dict(Counter(row.variant for row in rows)),
        )
        return BatchResult(summary, tuple(rows))

    def _draw_set(
        self, canvas: Canvas, job: BatchJob, seq: int, r: Recipient, first: int
    ) -> ManifestRow:
        """One envelope: mark + letter [+ blank] [+ questionnaire [+ blank]], from page ``first``."""
        self._mark(canvas, job, seq, len(job.recipients))
        n = self.letters.draw(canvas, r)
        canvas.showPage()
        blanks = self._blanks(canvas, n, r.language)
        page = first + n + blanks
        q_first = 0
        if r.variant.with_questionnaire:
            q_first = page
            n = self.questionnaires.draw(canvas, r)
            b = self._blanks(canvas, n, r.language)
            blanks += b
            page += n + b
        pages = page - first
        return ManifestRow(
            batch=job.batch,
            sequence=seq,
            pseudonym=r.pseudonym,
            postcode=r.postcode,
            first_page=first,
            page_count=pages,
            sheet_count=sheets(pages, self.spec.duplex),
            variant=r.variant.value,
            questionnaire_first_page=q_first,
            blank_pages=blanks,
        )

    # --- pieces -------------------------------------------------------------------
    def _metadata(self, canvas: Canvas, job: BatchJob) -> None:
        info = self.spec.survey_info
        canvas.setTitle(
            f"{info.get('title', '')} - {job.run} - batch {job.batch} van {job.batch_count}"
        )
        canvas.setAuthor(info.get("municipality") or "papersurvey")
        canvas.setSubject(
            f"{info.get('code', '')} {job.run} batch {job.batch:03d}: "
            f"{len(job.recipients)} sets in postal order"
        )
        canvas.setCreator(self.spec.producer)
        canvas.setKeywords(["papersurvey", info.get("code", ""), job.run, job.batch_id])

    def _mark(self, canvas: Canvas, job: BatchJob, seq: int, count: int) -> None:
        """The inserting check on a set's first page: run, batch, sequence."""
        kind = job.run.split("-")[0]
        label = RUN_LABEL.get(kind, kind)
        if kind == "reminder":
            label += f" {job.run.split('-')[1]}"
        canvas.setFillGray(0.35)
        canvas.setFont(fonts.REGULAR, MARK_SIZE)
        canvas.drawString(
            MARK_X,
            MARK_Y,
            f"{label} · batch {job.batch:03d}/{job.batch_count:03d} · set {seq:04d}/{count:04d}",
        )
        canvas.setFillGray(0)

    def _blanks(self, canvas: Canvas, pages: int, language: str) -> int:
        """Blank backs after a part of ``pages`` pages; returns how many were added."""
        n = blanks_after(pages, self.spec.duplex)
        lang = language if language in BLANK_TEXT else "nl"
        name = _BLANK_FORM.format(lang)
        for _ in range(n):
            if not canvas.hasForm(name):
                canvas.beginForm(name, 0, 0, A4_WIDTH_PT, A4_HEIGHT_PT)
                canvas.setFillGray(0.45)
                canvas.setFont(fonts.ITALIC, 9)
                canvas.drawCentredString(A4_WIDTH_PT / 2, A4_HEIGHT_PT / 2, BLANK_TEXT[lang])
                canvas.endForm()
            canvas.doForm(name)
            canvas.showPage()
        return n


@contextmanager
def _binary_streams() -> Iterator[None]:
    """Write compressed streams as binary, without reportlab's default ASCII85 layer.

    ASCII85 only keeps a PDF 7-bit clean; it makes the batch files about 15 %
    larger and their writing slower. The setting is read when the canvas is
    saved, so it is switched for the save only.
    """
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


def _fingerprint(project: Project) -> str:
    """SHA-256 over survey.toml and every file in letters/ (names and bytes)."""
    h = hashlib.sha256(project.paths.settings_file.read_bytes())
    letters = project.paths.letters
    for path in sorted(letters.rglob("*")) if letters.is_dir() else ():
        if path.is_file():
            h.update(str(path.relative_to(letters)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _version() -> str:
    try:
        return metadata.version("papersurvey")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


# The last renderer built in this process. The parent builds one to check the
# layouts before rendering (:meth:`Renderer.prepare`); the serial executor's
# ``init`` then reuses it instead of laying everything out again.
_last: tuple[RenderSpec, Renderer] | None = None


def init_renderer(spec: RenderSpec) -> Renderer:
    """Worker initialiser: build the layouts once per process (or reuse the inherited ones)."""
    global _last
    if _last is not None and _last[0] == spec:
        return _last[1]
    renderer = Renderer(spec)
    _last = (spec, renderer)
    return renderer


def render_batch(renderer: Renderer, job: BatchJob) -> BatchResult:
    """Worker task: render one batch."""
    return renderer.render(job)
