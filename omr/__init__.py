"""The OMR core: pure functions over numpy arrays (no I/O, no pandas, no reportlab).

Find the registration marks, register the page, read the page QR, measure
every checkbox at once and classify with a calibrated confidence.

Entry point: :func:`read_page`. The stages are public too, so ingest can time
them and calibrate per batch in two passes (:func:`measure_page`, then
:func:`fit_calibration` over the batch, then :func:`finish_page`)::

    to_gray -> page_levels -> find_marks -> register -> read_code
            -> measure_boxes -> classify -> resolve_questions

See ``docs/omr.md`` for how it works and what the settings mean.
"""

from omr.calibration import Calibration, fit_calibration
from omr.checkboxes import BoxMeasures, measure_boxes
from omr.classify import BoxClasses, classify
from omr.form import PreparedForm, page_questions, prepare_form
from omr.image import page_levels, to_gray
from omr.marks import MarkDetections, find_marks
from omr.ocr_code import TesseractOcr, TextOcr
from omr.page import PageMeasurement, finish_page, measure_page, read_page
from omr.pagecode import CodeReading, read_code
from omr.params import DEFAULT_PARAMS, OmrParams
from omr.registration import Registration, register
from omr.resolve import PageQuestions, resolve_questions

__all__ = [
    "DEFAULT_PARAMS",
    "BoxClasses",
    "BoxMeasures",
    "Calibration",
    "CodeReading",
    "MarkDetections",
    "OmrParams",
    "PageMeasurement",
    "PageQuestions",
    "PreparedForm",
    "Registration",
    "TesseractOcr",
    "TextOcr",
    "classify",
    "find_marks",
    "finish_page",
    "fit_calibration",
    "measure_boxes",
    "measure_page",
    "page_levels",
    "page_questions",
    "prepare_form",
    "read_code",
    "read_page",
    "register",
    "resolve_questions",
    "to_gray",
]
