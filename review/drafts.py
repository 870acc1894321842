"""Machine drafts of open answers: tesseract's reading of a handwriting clip.

Tesseract is made for print; on handwriting it often reads little or nothing
useful. The draft is a convenience for the transcriber (a neatly printed
answer comes out nearly right), never the answer: what the operator saves is
what counts.

The OCR engine sits behind the :class:`DraftOcr` protocol; tests pass a
plain function. :class:`TesseractDraft` is the real engine: it removes the
printed writing lines from the clip (they would otherwise be read as
underscores and dashes), then reads the clip as one block of text
(``--psm 6``) in the respondent's language (``nld`` for a Dutch
questionnaire, ``eng`` for an English one).

:class:`DraftService` computes a draft lazily, when its item is first shown,
caches it in the store (``transcriptions.draft``), and reads the *next* open
item's draft in one background thread, so the operator waits for at most one
item's OCR and usually for none.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

from survey.store import Store

log = logging.getLogger("papersurvey.review.drafts")

TESSERACT_LANGUAGES = {"nl": "nld", "en": "eng"}
"""The respondent's questionnaire language -> tesseract's language pack."""

MAX_DRAFT = 2000
"""Characters of a draft kept (an OCR run on noise can return pages of junk)."""

MIN_CONFIDENCE = 60.0
"""Tesseract's mean word confidence (0-100) below which a draft is not offered at all.

A confident-looking draft of nonsense ("PU ARN VYWAN VOW") is worse than none:
the transcription box selects the draft, so Enter would save it. Below this
the operator starts from an empty box.
"""


class DraftOcr(Protocol):
    """An OCR engine for drafts: a clip file and a language (``nl``/``en``) in, text out.

    Returns ``""`` when nothing is read; expected failures (no tesseract, an
    unreadable file) are ``""`` too, never an exception.
    """

    def __call__(self, clip: Path, language: str) -> str: ...


def confident_text(
    words: list[str], confidences: list[float], min_confidence: float = MIN_CONFIDENCE
) -> str:
    """The words read, or ``""`` when their mean confidence (by length) is below ``min_confidence``.

    Args:
        words: tesseract's words (``image_to_data``'s ``text``); empty ones are layout rows.
        confidences: their confidences, 0-100 (``-1`` for layout rows).
    """
    kept = [
        (w, float(c))
        for w, c in zip(words, confidences, strict=True)
        if w.strip() and float(c) >= 0
    ]
    text = tidy(" ".join(w for w, _ in kept))
    if not text:
        return ""
    weight = sum(len(w) for w, _ in kept)
    mean = sum(len(w) * c for w, c in kept) / weight
    return text if mean >= min_confidence else ""


def tidy(text: str) -> str:
    """OCR output as one line: whitespace runs to single spaces, stray line marks dropped."""
    words = [w for w in text.split() if not re.fullmatch(r"[_\-—–=~.,|]+", w)]
    return " ".join(words)[:MAX_DRAFT]


class TesseractDraft:
    """Tesseract (through pytesseract) on a clip of handwriting.

    A reading whose mean word confidence is below ``min_confidence`` gives no
    draft (:func:`confident_text`): on handwriting that is most readings.

    Args:
        psm: tesseract's page segmentation mode; 6 reads the clip as one
            uniform block of text, which suits a few lines of writing in a box.
        timeout: seconds before a tesseract run is abandoned (the draft is then empty).
        min_confidence: see :data:`MIN_CONFIDENCE`.
    """

    def __init__(
        self, psm: int = 6, timeout: float = 15.0, min_confidence: float = MIN_CONFIDENCE
    ) -> None:
        self.psm = psm
        self.timeout = timeout
        self.min_confidence = min_confidence

    def __call__(self, clip: Path, language: str) -> str:
        import cv2  # lazy: only needed when a draft is made
        import pytesseract

        gray = cv2.imread(str(clip), cv2.IMREAD_GRAYSCALE)
        if gray is None:
            log.warning("draft: cannot read %s", clip)
            return ""
        image = without_rules(gray)
        lang = TESSERACT_LANGUAGES.get(language, TESSERACT_LANGUAGES["nl"])
        try:
            data = pytesseract.image_to_data(
                image,
                lang=lang,
                config=f"--psm {self.psm}",
                timeout=self.timeout,
                output_type=pytesseract.Output.DICT,
            )
        except (RuntimeError, pytesseract.TesseractError, OSError) as exc:
            log.warning("draft: tesseract failed on %s: %s", clip.name, exc)
            return ""
        words = [str(w) for w in data.get("text", [])]
        return confident_text(words, [float(c) for c in data.get("conf", [])], self.min_confidence)


def without_rules(gray: Any) -> Any:
    """The clip with long horizontal lines (the printed writing lines) whitened.

    Args:
        gray: 2-D ``uint8`` image, dark ink on light paper.

    Returns:
        A new 2-D ``uint8`` image with a white border of 10 pixels.
    """
    import cv2

    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    width = max(41, gray.shape[1] // 4) | 1  # odd: the kernel is centred on each pixel
    rules = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (width, 1))
    )
    rules = cv2.dilate(rules, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 3)))
    out = gray.copy()
    out[rules > 0] = 255
    return cv2.copyMakeBorder(out, 10, 10, 10, 10, cv2.BORDER_CONSTANT, value=255)


def default_ocr() -> DraftOcr | None:
    """The tesseract engine when tesseract is installed, else ``None`` (no drafts)."""
    return TesseractDraft() if shutil.which("tesseract") else None


# ------------------------------------------------------------------ the service


def _pending(store: Store, item_id: int) -> tuple[str, str, str] | None:
    """``(clip path, language, draft from the scan)`` of an open item without a draft."""
    r = store.query_one(
        "SELECT t.question, c.path, coalesce(s.language, 'nl') AS language, p.result "
        "FROM transcriptions t JOIN clips c ON c.page_sha256 = t.page_sha256 "
        "AND c.question = t.question JOIN pages p ON p.image_sha256 = t.page_sha256 "
        "LEFT JOIN respondents s ON s.pseudonym = p.pseudonym "
        "WHERE t.id = ? AND t.state = 'open' AND t.draft IS NULL",
        (item_id,),
    )
    if r is None:
        return None
    scanned = ""
    for t in json.loads(r["result"] or "{}").get("texts", ()):
        if t.get("question") == r["question"]:
            scanned = str(t.get("draft") or "")
    return r["path"], r["language"], scanned


class DraftService:
    """Computes, caches and prefetches drafts for transcription items.

    Args:
        root: the project folder (clips are relative to it).
        ocr: the engine; ``None`` makes every draft empty.
        open_store: opens the round's store (for the background thread).
    """

    def __init__(self, root: Path, ocr: DraftOcr | None, open_store: Callable[[], Store]) -> None:
        self.root = root
        self.ocr = ocr
        self._open_store = open_store
        self._lock = threading.Lock()
        self._running: dict[int, Future[None]] = {}
        self._pool: ThreadPoolExecutor | None = None

    def _read(self, path: str, language: str, scanned: str) -> str:
        if scanned:
            return tidy(scanned)
        clip = self.root / path
        if self.ocr is None or not clip.is_file():
            return ""
        try:
            return tidy(self.ocr(clip, language))
        except Exception:  # a broken engine must not break the queue
            log.exception("draft: OCR of %s failed", clip.name)
            return ""

    def compute(self, store: Store, item_id: int) -> None:
        """Make and store the draft of open item ``item_id`` unless it has one."""
        pending = _pending(store, item_id)
        if pending is None:
            return
        text = self._read(*pending)
        with store.transaction():
            store.execute(
                "UPDATE transcriptions SET draft = ? WHERE id = ? AND draft IS NULL AND "
                "state = 'open'",
                (text, item_id),
            )

    def ensure(self, store: Store, item_id: int) -> None:
        """The draft of ``item_id`` is in the store when this returns (if the item is open).

        If the background thread is already reading it, wait for that instead
        of reading it twice.
        """
        with self._lock:
            running = self._running.get(item_id)
        if running is not None:
            with contextlib.suppress(Exception):  # logged by the task
                running.result(timeout=60)
        self.compute(store, item_id)

    def prefetch(self, item_id: int | None) -> None:
        """Read the draft of ``item_id`` in the background (one at a time)."""
        if item_id is None or self.ocr is None:
            return
        with self._lock:
            if item_id in self._running:
                return
            if self._pool is None:
                self._pool = ThreadPoolExecutor(1, thread_name_prefix="review-drafts")
            self._running[item_id] = self._pool.submit(self._background, item_id)

    def _background(self, item_id: int) -> None:
        try:
            store = self._open_store()
            try:
                self.compute(store, item_id)
            finally:
                store.close()
        except Exception:
            log.exception("draft: background reading of item %d failed", item_id)
        finally:
            with self._lock:
                self._running.pop(item_id, None)

    def wait(self) -> None:
        """Wait until the background thread is idle (for tests and shutdown)."""
        with self._lock:
            running = list(self._running.values())
        for f in running:
            with contextlib.suppress(Exception):
                f.result(timeout=60)

    def close(self) -> None:
        """Stop the background thread after its current draft."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
