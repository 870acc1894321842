"""What the OMR returns for one scanned page (contract).

omr/ produces one :class:`PageResult` per page image; ingest/ stores it, review/
shows the questions that need a human, analysis/ reads the values. A result is
small and picklable (plain tuples and strings, no arrays, never the image), so
it travels cheaply back from worker processes and Dask workers.

Coordinates follow :mod:`survey.units`: ``*_page`` rectangles are page
coordinates (points, origin top-left, y down) as ``(left, top, right, bottom)``;
``*_image`` rectangles are pixel bounds ``(x0, y0, x1, y1)`` in the scanned
image as given to the OMR (x = column, y = row, ``x1``/``y1`` exclusive, clipped
to the image).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from survey.codes import PageCode

Rect4 = tuple[float, float, float, float]
PixelRect = tuple[int, int, int, int]


class PageStatus(StrEnum):
    """What became of a page as a whole."""

    OK = "ok"  # registered and identified: the answers belong to ``code.pseudonym``
    UNREGISTRABLE = "unregistrable"  # too few registration marks, or an implausible fit
    UNIDENTIFIED = "unidentified"  # registered, but no page code could be read or verified
    FOREIGN = "foreign"  # a verified-looking code of another survey or round, or forged
    BLANK = "blank"  # no print and no writing (an empty back side, a separator sheet)


class BoxState(IntEnum):
    """The state of one checkbox (the convention printed on the questionnaire)."""

    EMPTY = 0
    MARKED = 1  # a cross, tick, dot or scribble: chosen
    FILLED = 2  # completely filled in: a cancelled choice (a correction)


class ReviewReason(StrEnum):
    """Why a question needs a human look. A question with no reason is machine-certain."""

    MULTIPLE_MARKS = "multiple_marks"  # more than one marked box on a single-choice question
    UNCERTAIN_MARK = "uncertain_mark"  # a mark too faint, small or odd to be sure of
    FAINT_MARK = "faint_mark"  # an empty box holding a trace of ink: a thin or light mark?
    PARTLY_FILLED = "partly_filled"  # between a cross and a filled box: chosen or cancelled?
    MARK_OUTSIDE_BOX = "mark_outside_box"  # ink beside the box rather than in it
    STRAY_LINE = "stray_line"  # a line through the box that continues far outside it
    FILLED_WITHOUT_CROSS = "filled_without_cross"  # only filled boxes: cancelled, or the answer?
    UNREADABLE = "unreadable"  # the box area is outside the image, covered or not found
    INK_MAY_BE_LOST = "ink_may_be_lost"  # a 1-bit scan without margin: light ink may be gone
    FAINT_PEN = "faint_pen"  # no mark, but the page's pen barely shows: one may not show at all


@dataclass(frozen=True)
class Quality:
    """Quality figures of the scan, for the batch report and for tuning.

    Attributes:
        marks_found: registration marks detected (0-4).
        rotation_deg: rotation of the page in the image, after removing the
            orientation (the skew), degrees, counter-clockwise positive.
        shear_deg: deviation of the page axes from a right angle, degrees.
        scale: mean scale relative to the scale the dpi estimate implies for an
            unscaled print (1.0 for a 100 % print; 0.97 for "shrink to fit").
        dpi: resolution estimate from the registration marks.
        reprojection_pt: RMS error of the fitted transform at the mark corners, points.
        contrast: paper level minus ink level, 0-255 gray values.
        paper_level: typical paper gray value (0-255).
        refine_pt: median shift the box refinement applied, points.
        registration: how the page was placed: ``marks`` (three or four
            registration marks), ``marks+qr`` (fewer marks plus the page QR
            codes) or ``qr`` (the QR codes alone); ``+outlines`` when the printed
            box outlines refined the fit. Empty for a page that was not placed.
        bilevel: a 1-bit (black and white) scan: where its pen had no margin
            above the threshold its questions go to review (``ink_may_be_lost``),
            so the scan report counts these.
    """

    marks_found: int = 0
    rotation_deg: float = 0.0
    shear_deg: float = 0.0
    scale: float = 0.0
    dpi: float = 0.0
    reprojection_pt: float = 0.0
    contrast: float = 0.0
    paper_level: float = 0.0
    refine_pt: float = 0.0
    registration: str = ""
    bilevel: bool = False


@dataclass(frozen=True)
class QuestionResult:
    """The reading of one question on the page.

    Attributes:
        name: the question name (the data column).
        value: ``select_one``: the chosen choice name or ``None`` (no answer);
            ``select_multiple``: a tuple of choice names (maybe empty). When
            ``review`` is non-empty, ``value`` is the machine's best guess.
        review: why a human must look; empty when the reading is certain.
        confidence: the estimated probability that ``value`` is right, 0-1
            (the reader's raw score mapped through the reliability table fitted
            on the round-trip suite, :mod:`omr.reliability`).
        clip_image: pixel bounds around the question's boxes, for a review clip.
    """

    name: str
    value: str | tuple[str, ...] | None
    review: tuple[ReviewReason, ...] = ()
    confidence: float = 1.0
    clip_image: PixelRect = (0, 0, 0, 0)

    @property
    def needs_review(self) -> bool:
        return bool(self.review)


@dataclass(frozen=True)
class TextResult:
    """An open-text area: where it is and whether anything is written in it.

    Attributes:
        question: the question name.
        has_writing: whether the area holds handwriting (printed lines excluded).
        ink: fraction of the area covered by writing, 0-1.
        rect_page: the area in page coordinates ``(left, top, right, bottom)``, points.
        rect_image: the area's pixel bounds in the image, for the clip ingest saves.
        draft: an optional machine transcription (tesseract), ``""`` when none.
    """

    question: str
    has_writing: bool
    ink: float
    rect_page: Rect4
    rect_image: PixelRect
    draft: str = ""


@dataclass(frozen=True)
class PageResult:
    """Everything the OMR learned from one page image.

    Attributes:
        status: the page status; answers are meaningful for ``OK`` (and are
            kept for ``UNIDENTIFIED`` pages so an operator can assign them).
        reason: a plain-language reason for any status other than ``OK``.
        code: the checked page code, or ``None`` when none was read.
        code_source: where the code came from: ``qr:<corner>``, ``ocr:<corner>`` or ``""``.
        page: the 1-based questionnaire page number (from the code, or from
            matching the box layout when the code is unreadable), 0 if unknown.
        orientation: how the page lay in the image: 0, 90, 180 or 270 degrees
            (counter-clockwise rotation of the upright page).
        homography: 3x3 transform from page coordinates (points, top-left
            origin) to image pixels ``(x, y)``, row-major, or ``()``.
        boxes: ``(question, choice)`` of each box, in form-map order.
        box_states: :class:`BoxState` values, one per box.
        box_confidences: per box, the estimated probability that its state is right, 0-1.
        box_ink: the box's ink score (mean ink darkness of the inner area, 0-1),
            for galleries sorted by score and for tuning.
        questions: one result per select question on the page.
        texts: one result per open-text area on the page.
        quality: scan quality figures.
    """

    status: PageStatus
    reason: str = ""
    code: PageCode | None = None
    code_source: str = ""
    page: int = 0
    orientation: int = 0
    homography: tuple[float, ...] = ()
    boxes: tuple[tuple[str, str], ...] = ()
    box_states: tuple[int, ...] = ()
    box_confidences: tuple[float, ...] = ()
    box_ink: tuple[float, ...] = ()
    questions: tuple[QuestionResult, ...] = ()
    texts: tuple[TextResult, ...] = ()
    quality: Quality = field(default_factory=Quality)

    @property
    def pseudonym(self) -> str:
        """The respondent's pseudonym, ``""`` unless the page is identified."""
        return self.code.pseudonym if self.status is PageStatus.OK and self.code else ""

    @property
    def needs_review(self) -> bool:
        """Whether any question on the page needs a human."""
        return any(q.review for q in self.questions)

    def question(self, name: str) -> QuestionResult:
        """The result of question ``name``; ``KeyError`` when it is not on this page."""
        for q in self.questions:
            if q.name == name:
                return q
        raise KeyError(name)

    def values(self) -> dict[str, str | tuple[str, ...] | None]:
        """Question name -> value, for every select question on the page."""
        return {q.name: q.value for q in self.questions}

    def review_queue(self) -> tuple[QuestionResult, ...]:
        """The questions that need a human, in page order."""
        return tuple(q for q in self.questions if q.review)
