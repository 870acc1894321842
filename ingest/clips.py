"""Image clips under ``clips/``: questions under review, open-text answers, quarantined pages.

Clips are cut in the worker, from the page image it has just decoded, and
written atomically (a temporary file renamed into place), so a batch killed
half way never leaves half a clip behind and a rerun simply writes the same
file again. Names are fixed by pseudonym, question and page key:

* ``clips/<PSEUDONYM>/<question>_<key8>.png``: a question or an open-text
  answer. ``key8`` (the first 8 characters of the page key) keeps two copies
  of the same page (a photocopy) apart.
* ``clips/unidentified/<key16>/<question>.png``: the same for pages without a
  pseudonym.
* ``clips/pages/<key16>.jpg``: a whole quarantined page at reduced resolution,
  for the review UI.
* ``clips/.candidates/<key16>/<question>.png``: clips of questions the worker
  thinks may need review; the parent promotes those the batch calibration
  does send to review and removes the rest.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ingest.sources import PageRef

PixelRect = tuple[int, int, int, int]
CLIP_MARGIN_PX_AT_300 = 24  # about 2 mm of context around a question
MAX_CLIP_WIDTH = 1400
CLIP_DPI = 200.0  # enough to see a faint tick; a 300-dpi clip costs twice the time to encode
PREVIEW_DPI = 100.0
CANDIDATES = ".candidates"


@dataclass(frozen=True)
class ClipJob:
    """Review clips that must be cut from a page image (the worker cut no candidate).

    Attributes:
        ref: where the page is.
        image_sha256: the page key (the worker checks the page is still the same).
        dpi: the page resolution (for the clip margin).
        items: ``(question, pixel rect, clip name)`` per clip.
    """

    ref: PageRef
    image_sha256: str
    dpi: float
    items: tuple[tuple[str, PixelRect, str], ...]


def question_clip_name(pseudonym: str, question: str, image_sha256: str) -> str:
    """Where the clip of ``question`` on a page lives, relative to the project folder."""
    if pseudonym:
        return f"clips/{pseudonym}/{question}_{image_sha256[:8]}.png"
    return f"clips/unidentified/{image_sha256[:16]}/{question}.png"


def candidate_clip_name(question: str, image_sha256: str) -> str:
    """Where the worker puts a clip that may or may not be needed."""
    return f"clips/{CANDIDATES}/{image_sha256[:16]}/{question}.png"


def candidate_dir(root: Path, image_sha256: str) -> Path:
    return root / "clips" / CANDIDATES / image_sha256[:16]


def page_preview_name(image_sha256: str) -> str:
    """Where the reduced image of a quarantined page lives."""
    return f"clips/pages/{image_sha256[:16]}.jpg"


def cut(gray: np.ndarray, rect: PixelRect, *, dpi: float = 300.0) -> np.ndarray | None:
    """The part of ``gray`` inside ``rect`` (``x0, y0, x1, y1``) plus a margin, or ``None``.

    The margin shows the reviewer the ink around the boxes (a cross that
    spills over, a note in the margin). Clips are reduced to ``CLIP_DPI`` and
    to at most ``MAX_CLIP_WIDTH`` pixels wide.
    """
    x0, y0, x1, y1 = rect
    if x1 <= x0 or y1 <= y0:
        return None
    m = round(CLIP_MARGIN_PX_AT_300 * dpi / 300.0)
    h, w = gray.shape[:2]
    x0, y0, x1, y1 = max(0, x0 - m), max(0, y0 - m), min(w, x1 + m), min(h, y1 + m)
    if x1 <= x0 or y1 <= y0:
        return None
    clip = gray[y0:y1, x0:x1]
    f = min(1.0, CLIP_DPI / dpi if dpi > 0 else 1.0, MAX_CLIP_WIDTH / clip.shape[1])
    if f < 1.0:
        size = (max(1, round(clip.shape[1] * f)), max(1, round(clip.shape[0] * f)))
        clip = cv2.resize(clip, size, interpolation=cv2.INTER_AREA)
    return clip


def write_image(path: Path, image: np.ndarray, *, jpeg_quality: int = 80) -> None:
    """Write a PNG or JPEG (by suffix) atomically."""
    ext = path.suffix.lower()
    params = (
        [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality]
        if ext in (".jpg", ".jpeg")
        else [
            cv2.IMWRITE_PNG_COMPRESSION,
            1,
            cv2.IMWRITE_PNG_STRATEGY,
            cv2.IMWRITE_PNG_STRATEGY_HUFFMAN_ONLY,
        ]
    )
    ok, buf = cv2.imencode(ext, image, params)
    if not ok:  # pragma: no cover - only for invalid arrays
        raise ValueError(f"could not encode {path.name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=ext)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(buf.tobytes())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_clip(root: Path, name: str, gray: np.ndarray, rect: PixelRect, *, dpi: float) -> bool:
    """Cut ``rect`` from ``gray`` and write it to ``root / name``; False when empty."""
    clip = cut(gray, rect, dpi=dpi)
    if clip is None:
        return False
    write_image(root / name, clip)
    return True


def write_preview(root: Path, gray: np.ndarray, image_sha256: str, *, dpi: float) -> str:
    """A reduced JPEG of a whole page; returns its name relative to ``root``."""
    f = min(1.0, PREVIEW_DPI / dpi) if dpi > 0 else 1.0
    small = gray if f >= 1 else cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    name = page_preview_name(image_sha256)
    write_image(root / name, small)
    return name


def promote(root: Path, candidate: str, final: str) -> bool:
    """Move a candidate clip to its final name; True when the final clip exists afterwards."""
    src, dst = root / candidate, root / final
    if src.is_file():
        dst.parent.mkdir(parents=True, exist_ok=True)
        src.replace(dst)
    return dst.is_file()


def drop_candidates(root: Path, image_sha256: str) -> None:
    """Remove the candidate clips of a page once its review items are settled."""
    shutil.rmtree(candidate_dir(root, image_sha256), ignore_errors=True)
