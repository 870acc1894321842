"""OMR settings with their documented defaults.

One frozen :class:`OmrParams` travels with every call, so a worker process
reads pages exactly as the parent asked. The defaults are tuned on the scan
simulator's round-trip suite (``benchmarks/accuracy.py``); ``docs/omr.md``
explains each one. Lengths are in points (1/72 inch) or millimetres as named.

The box thresholds here are the *safe defaults* a batch starts from; a batch
large enough to say more about its own pens and scanner gets a fitted
:class:`omr.calibration.Calibration` instead (see ``calibration.py``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OmrParams:
    """Settings of the OMR, grouped by stage.

    Attributes:
        blank_max_ink: a page whose share of dark pixels is below this is blank.
        mark_window_mm: side of the square searched for a registration mark in
            each image corner. Larger than the 36 mm the layout keeps free so
            shifts of 10 mm and skew of 5 degrees still leave the mark inside.
        mark_search_dpi: the corner windows are scaled to this resolution
            before the ArUco search (speed; 8 mm marks are 24 px at 75 dpi).
        min_marks: registration marks needed (3: affine, 4: homography).
        dpi_range: plausible scan resolutions; a fit outside is rejected.
        max_skew_deg: largest accepted rotation away from a right angle.
        max_shear_deg: largest accepted deviation of the page axes from 90 degrees.
        max_anisotropy: largest accepted relative difference of x and y scale.
        max_perspective: largest accepted ratio of local scales across the page.
        max_reprojection_pt: largest accepted RMS error at the mark corners.
        refine_search_pt: with only three marks (an affine fit), the box
            outlines are searched this far to refine the registration.
        qr_margin_mm: margin around the QR area cut from the page (registration
            slack); three times as much with only three marks.
        qr_dpi: resolution of the QR crop handed to zxing-cpp.
        ocr_dpi: resolution of the printed-code crop handed to the OCR engine.
        sample_step_pt: sampling step of the box patches (0.6 pt = 120 dpi);
            strokes thinner than this are invisible.
        search_pt: how far the box refinement looks for the printed outline.
        inset_pt: the inner area starts this far inside the outer outline edge
            (the 0.75 pt outline plus clearance), so the outline is not ink.
        spill_pt: width of the ring just outside the box measured for spill.
        stroke_max_pt: the widest pen stroke; darker areas wider than this
            (shadows of folds, stains, shaded rows) are background, not ink.
        ink_floor: darkness below this share of paper-to-black is not ink
            (scanner noise, faint stain rims and creases are lighter than any pen).
        stroke_ink: a sample darker than this share of paper-to-black counts
            as covered (for the coverage of the inner area).
        line_filter_pt: length of the short straight runs whose mean darkness
            is a box's stroke response (``BoxMeasures.line``): long enough that
            scanner noise averages out, short enough for a thin tick's arm.
        line_elongation: ink inside a box at least this line-like (ratio of
            principal moments) with ink just outside (``line_spill``) is
            followed outward to see whether it is a stray line passing through.
        line_spill: see ``line_elongation``.
        empty_max_ink: default calibration: a box with less mean ink (and
            less core ink than ``empty_max_core``) is empty.
        mark_min_ink: default calibration: a box with more mean ink (or more
            core ink than ``mark_min_core``) is marked; in between it is uncertain.
        empty_max_core: see ``empty_max_ink``.
        mark_min_core: see ``mark_min_ink`` (a small dot in the middle is a mark).
        fill_min_coverage: covered share of the inner area from which a box is filled.
        cross_max_coverage: covered share up to which a marked box is a cross;
            between this and ``fill_min_coverage`` the box is "partly filled".
        outside_min_spill: ink just outside the box that, with little ink
            inside, means a mark placed beside the box.
        line_shape_elongation: ink at least this line-like is a stroke whose
            reach beyond the box is judged by ``line_long_pt`` and ``line_both_pt``;
            less line-like ink (a hooked or curved line) by ``line_curved_pt``.
        line_long_pt: a line-like stroke through a box that continues this far
            beyond the outline on one side (or ``line_both_pt`` on both) is a
            stray line, sent to review.
        line_both_pt: see ``line_long_pt``.
        line_straight_elongation: ink at least this line-like (one straight
            stroke) is a stray line already at ``line_straight_pt``.
        line_straight_pt: see ``line_straight_elongation``.
        line_curved_pt: see ``line_shape_elongation``.
        run_out_pt: ink in a box whose strokes run on this far beyond the
            outline, in any direction and however bent (``run_out``), is a
            stray line: the arms of a generous cross end about 3 mm (9 pt)
            beyond a 4.5 mm box, a line drawn across the page goes on.
        run_out_far_pt: how far beyond the box ``run_out`` is traced.
        min_outline: a box whose printed outline is fainter than this (mean ink
            of the outline band) is unreadable: out of the image or covered.
        max_position_doubt_pt: on a page placed by a fallback (fewer than
            three marks), a box that may be farther than this from where it
            was measured is unreadable (:func:`omr.page.position_doubt`).
        review_below: a box with a confidence below this sends its question to review.
        noise_sigmas: a box without a mark by the ink thresholds is a clean
            empty box only when its stroke measures (``line``, ``speck``) are
            within this many spreads of the page's empty boxes; otherwise it
            is a ``faint_mark`` for review (see :mod:`omr.noise`).
        outside_sigmas: a trace just outside an empty box (``line_out``) this
            many spreads above the page's empty boxes is a possible mark beside
            the box, when the box holds a trace too (half ``noise_sigmas``) or
            the trace outside is a pen line (``outside_min_line``), and no
            marked neighbour explains it.
        outside_min_line: see ``outside_sigmas`` (0-1 of paper-to-black).
        edge_sigmas: a trace on the box's edge, too weak inside the box and
            outside it alone (the ring holding at least half ``noise_sigmas``),
            is a possible mark beside the box when the two evidences add up to
            this many spreads (a light tick whose corner touches the box).
        noise_min_spread: the smallest spread of ``line`` and ``speck`` the
            noise model uses (a 1-bit page has no noise at all), 0-1 of the
            paper-to-black range.
        faint_pen_sigmas: a page whose faintest trace of ink (a faint or
            marked box) stands less than this many spreads above its empty
            boxes is written with a pen at the edge of what the scan shows:
            another mark of that pen may not show at all, so its unanswered
            questions go to review (``faint_pen``, :func:`omr.noise.pen_at_limit`).
        fine_from_sigmas: a box without a mark whose first-look evidence
            (inside or just outside) is at least this many spreads is looked at
            again at the image's pixel pitch (:mod:`omr.finelook`).
        fine_sigmas: a box whose second look stands this many spreads above
            the reference boxes' is a ``faint_mark`` (inside) or a
            ``mark_outside_box`` (in the ring), unless a marked neighbour or a
            crease explains it.
        fine_blur_pt: the second look's Gaussian (sigma, points): about a
            pen's width, so a thin stroke keeps its darkness and noise averages out.
        fine_min_spread: the smallest spread of the second look's peaks, gray levels.
        bilevel_min_marks: on a 1-bit scan, every question goes to review
            (``ink_may_be_lost``: a mark, or the second mark of a double, or
            the cross beside a cancelled box, may be gone) when fewer marks
            than this survived the scanner's threshold on the page, counting
            only single-layer marks (crossings below ``bilevel_layered_crossings``), ...
        bilevel_layered_crossings: a mark whose rows or columns meet this
            many strokes (:attr:`~omr.checkboxes.BoxMeasures.crossings`) is a
            hatch or scribble whose strokes lie over one another: where they
            overlap the ink is twice as dark, so it survives a threshold that
            a single stroke of the pen does not, and proves no margin.
        bilevel_broken_line: on a 1-bit scan, a marked box whose ``line`` (its
            darkest straight run) is below this is in doubt (``uncertain_mark``):
            its strokes broke up under the threshold, or it is the threshold's
            speckle of noise, a fold's shadow or a stain.
        bilevel_min_dpi: ... or when the scan's resolution is below this (a
            thin stroke blurs away before the threshold, whatever the pen).
        bilevel_solid_line: on a 1-bit scan whose weakest surviving mark's
            ``line`` is below this (its strokes broke up: the pen is near the
            threshold), the unanswered questions go to review. See
            :func:`omr.noise.ink_may_be_lost`.
        filled_means_cancelled: the printed convention: a filled box is a
            cancelled choice. When ``False`` a filled box counts as marked.
        review_filled_only: a question with filled boxes but no cross goes to
            review (the respondent may have filled the box as the answer).
        text_stroke_ink: on a gray scan, a sample of an open-text area this
            much darker than its local paper (share of paper-to-black) is ink;
            a noisy scan raises it to four times the measured noise. On a 1-bit
            scan any black pixel is ink.
        text_min_height_pt: ink joined into one shape (pieces less than 4 pt
            apart) is writing when it reaches this high within one column.
            Handwriting is taller; what binarisation leaves of the printed
            writing lines (dashes of varying thickness) is not.
        text_min_ink_pt2: an open-text area has writing when its writing
            shapes hold at least this much ink (square points): one short
            word is enough.
        calibration_min_boxes: fewer measured boxes than this in a batch keep
            the default thresholds.
    """

    # page
    blank_max_ink: float = 0.002
    # registration
    mark_window_mm: float = 62.0
    mark_search_dpi: float = 75.0
    min_marks: int = 3
    dpi_range: tuple[float, float] = (110.0, 720.0)
    max_skew_deg: float = 8.0
    max_shear_deg: float = 3.0
    max_anisotropy: float = 0.08
    max_perspective: float = 1.25
    max_reprojection_pt: float = 3.0
    refine_search_pt: float = 8.0
    # page code
    qr_margin_mm: float = 4.0
    qr_dpi: float = 200.0
    ocr_dpi: float = 300.0
    # boxes
    sample_step_pt: float = 0.6
    search_pt: float = 1.8
    inset_pt: float = 2.0
    spill_pt: float = 3.0
    stroke_max_pt: float = 7.0
    ink_floor: float = 0.12
    stroke_ink: float = 0.25
    line_filter_pt: float = 3.0
    line_elongation: float = 3.0
    line_spill: float = 0.005
    # classification defaults
    empty_max_ink: float = 0.015
    mark_min_ink: float = 0.03
    empty_max_core: float = 0.03
    mark_min_core: float = 0.06
    fill_min_coverage: float = 0.9
    cross_max_coverage: float = 0.75
    outside_min_spill: float = 0.04
    outside_min_line: float = 0.15
    line_shape_elongation: float = 6.0
    line_long_pt: float = 6.0
    line_both_pt: float = 3.5
    line_straight_elongation: float = 15.0
    line_straight_pt: float = 4.5
    line_curved_pt: float = 12.0
    run_out_pt: float = 12.0
    run_out_far_pt: float = 16.0
    min_outline: float = 0.08
    max_position_doubt_pt: float = 1.0
    review_below: float = 0.5
    noise_sigmas: float = 5.0
    outside_sigmas: float = 6.0
    edge_sigmas: float = 10.0
    noise_min_spread: tuple[float, float] = (0.01, 0.015)
    faint_pen_sigmas: float = 15.0
    fine_from_sigmas: float = 2.0
    fine_sigmas: float = 6.0
    fine_blur_pt: float = 0.5
    fine_min_spread: float = 2.0
    bilevel_min_marks: int = 2
    bilevel_layered_crossings: float = 3.0
    bilevel_solid_line: float = 0.97
    bilevel_broken_line: float = 0.7
    bilevel_min_dpi: float = 250.0
    # rules
    filled_means_cancelled: bool = True
    review_filled_only: bool = True
    # open text
    text_stroke_ink: float = 0.2
    text_min_height_pt: float = 3.0
    text_min_ink_pt2: float = 1.0
    # calibration
    calibration_min_boxes: int = 400


DEFAULT_PARAMS = OmrParams()
"""The documented defaults, shared (the dataclass is frozen)."""
