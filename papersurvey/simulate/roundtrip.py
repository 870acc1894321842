"""The round trip: simulated respondents through the real OMR, scored against the truth.

Used by ``benchmarks/accuracy.py`` (``make accuracy``: 2,000 pages per damage
profile) and by the reduced round trips in the tests (about 50 pages of the
``moderate`` profile, 40 of the ``hard`` one). Pages are read as ingest reads
them: measured in a first pass, calibrated per batch of pages, then
classified (see :mod:`omr.page`). Respondent ``i`` of a run draws everything
from ``default_rng([seed, i])`` under either profile, so the two profiles of
one seed share pseudonyms and answers but not pens, marks or scans.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from omr.calibration import Calibration, fit_calibration
from omr.checkboxes import BoxMeasures
from omr.ocr_code import TesseractOcr
from omr.page import PageMeasurement, finish_page, measure_page
from papersurvey.simulate.damage import check_profile
from papersurvey.simulate.evaluate import summarize
from papersurvey.simulate.forms import default_layout
from papersurvey.simulate.sheets import SheetTruth, simulate_respondent
from survey.executors import make_executor
from survey.model import Questionnaire
from survey.pageresult import PageResult
from survey.pseudonym import ALPHABET, check_character
from survey.skips import settle_routed_blanks

SURVEY = "KBO-SIM"
KEY = bytes(range(32))
BATCH_PAGES = 250  # pages per calibration batch, as ingest would see one scan batch


@dataclass(frozen=True)
class RoundTrip:
    """Results of a round trip.

    Attributes:
        pairs: ``(result, truth)`` per page, results with the batch calibration.
        defaults: results of the same pages with the default thresholds.
        calibrations: the fitted calibration of each batch.
        omr_seconds: time spent in the OMR's first pass (measuring), all pages.
        measured: ``(truth, first pass)`` per page, for tuning.
        profile: the damage profile of the run.
    """

    pairs: list[tuple[PageResult, SheetTruth]]
    defaults: list[tuple[PageResult, SheetTruth]]
    calibrations: list[Calibration]
    omr_seconds: float
    measured: list[tuple[SheetTruth, PageMeasurement]]
    profile: str = "moderate"

    def report(self) -> dict[str, Any]:
        """Figures overall, per condition and per mark style (see :mod:`.evaluate`)."""
        return summarize(self.pairs)


def pseudonym_for(rng: np.random.Generator) -> str:
    """A valid pseudonym drawn from ``rng`` (reproducible, unlike the real generator)."""
    body = "".join(ALPHABET[i] for i in rng.integers(0, len(ALPHABET), 8))
    return body + check_character(body)


def measure_respondent(
    seed: int, index: int, ocr: bool = True, profile: str = "moderate"
) -> list[tuple[SheetTruth, PageMeasurement, float]]:
    """Simulate respondent ``index`` of run ``seed`` and measure their pages (first OMR pass).

    Args:
        seed: the run's seed.
        index: the respondent's number in the run.
        ocr: use tesseract for the printed code when both QR codes fail.
        profile: the damage profile, ``moderate`` or ``hard``.

    Returns:
        ``(truth, first pass, seconds in the first pass)`` per page.
    """
    layout = default_layout(SURVEY)
    rng = np.random.default_rng([seed, index])
    sheets = simulate_respondent(
        layout, layout.questionnaire, KEY, pseudonym_for(rng), rng, profile=profile
    )
    engine = TesseractOcr() if ocr else None
    out = []
    for sheet in sheets:
        start = time.perf_counter()
        m = measure_page(sheet.image, layout.form_map, key=KEY, survey=SURVEY, ocr=engine)
        out.append((sheet.truth, m, time.perf_counter() - start))
    return out


@dataclass(frozen=True)
class _Run:
    """What every respondent of a run shares (the executor's context)."""

    seed: int
    ocr: bool
    profile: str


def _measure_task(run: _Run, index: int) -> list[tuple[SheetTruth, PageMeasurement, float]]:
    return measure_respondent(run.seed, index, run.ocr, run.profile)


def run_roundtrip(
    pages: int, seed: int, *, workers: int = 1, ocr: bool = True, profile: str = "moderate"
) -> RoundTrip:
    """Simulate and read ``pages`` pages (whole respondents, the last one cut).

    Args:
        pages: how many pages.
        seed: the run's seed; respondent ``i`` draws from ``default_rng([seed, i])``.
        workers: processes (1 or fewer: in this process).
        ocr: use tesseract for the printed code when both QR codes fail.
        profile: the damage profile, ``moderate`` (the default) or ``hard``.
    """
    check_profile(profile)
    layout = default_layout(SURVEY)
    per = len(layout.form_map.pages)
    respondents = (pages + per - 1) // per
    chunks: dict[int, list[tuple[SheetTruth, PageMeasurement, float]]] = {}
    with make_executor(max(1, workers), preload=(__name__,)) as executor:
        for outcome in executor.map_unordered(
            _measure_task, _Run(seed, ocr, profile), range(respondents)
        ):
            chunks[outcome.task] = outcome.get()
    measured: list[tuple[SheetTruth, PageMeasurement]] = []
    seconds = 0.0
    for i in range(respondents):  # respondent order, however the workers finished
        measured += [(t, m) for t, m, _ in chunks[i]]
        seconds += sum(s for *_, s in chunks[i])
    measured = measured[:pages]
    form_map = layout.form_map
    pairs, calibrations = [], []
    for start in range(0, len(measured), BATCH_PAGES):
        batch = measured[start : start + BATCH_PAGES]
        cal = fit_calibration(BoxMeasures.concat([m.boxes for _, m in batch]))
        calibrations.append(cal)
        pairs += [(finish_page(m, form_map, calibration=cal), t) for t, m in batch]
    defaults = [(finish_page(m, form_map), t) for t, m in measured]
    questionnaire = layout.questionnaire
    return RoundTrip(
        _settled(questionnaire, pairs),
        _settled(questionnaire, defaults),
        calibrations,
        seconds,
        measured,
        profile,
    )


def _settled(
    questionnaire: Questionnaire, pairs: list[tuple[PageResult, SheetTruth]]
) -> list[tuple[PageResult, SheetTruth]]:
    """Each respondent's pages as the scan's assembly leaves them: routed blanks settled
    (:func:`survey.skips.settle_routed_blanks`)."""
    out: list[tuple[PageResult, SheetTruth]] = []
    i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][1].pseudonym == pairs[i][1].pseudonym:
            j += 1
        results = settle_routed_blanks(questionnaire, [r for r, _ in pairs[i:j]])
        out += list(zip(results, [t for _, t in pairs[i:j]], strict=True))
        i = j
    return out
