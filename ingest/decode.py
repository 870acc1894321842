"""Decode one page reference to a gray image (runs in the worker), and spot blank pages.

Every page gets a key: the SHA-256 of its image data as stored in the file
(the JPEG bytes of a scanner PDF page or JPEG file, the strips of a TIFF
page, the PNG file), or of the rendered pixels for PDF pages that have no
single embedded image. The same page copied into another file therefore has
the same key, and a page is never counted twice.
"""

from __future__ import annotations

import hashlib
import io
import threading
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, TiffImagePlugin, UnidentifiedImageError

from ingest import jpeg
from ingest.pdfpages import load_pdf_page
from ingest.sources import Kind, PageRef
from survey.errors import CorruptInputError

_local = threading.local()
# TIFF tags: strip and tile offsets and byte counts.
_OFFSETS = (273, 324)
_COUNTS = (279, 325)
_EXIF_ORIENTATION = 0x0112


@dataclass(frozen=True)
class PageImage:
    """A decoded page.

    Attributes:
        gray: ``(h, w)`` uint8 array, 255 = white.
        sha256: the page key (see module docstring).
        dpi: the resolution the file declares, or ``None``. Not trusted: the
            registration marks give the real scale.
        method: how it was read: ``extract``, ``render``, ``tiff`` or ``file``.
        warning: something odd about the data that did not stop decoding.
    """

    gray: np.ndarray
    sha256: str
    dpi: float | None
    method: str
    warning: str = ""


def _cached_tiff(path: str, sha: str) -> TiffImagePlugin.TiffImageFile:
    cur = getattr(_local, "tiff", None)
    if cur is not None and cur[0] == (path, sha):
        return cur[1]
    if cur is not None:
        cur[1].close()
    im = Image.open(path)
    if not isinstance(im, TiffImagePlugin.TiffImageFile):
        im.close()
        raise ValueError("not a TIFF file")
    _local.tiff = ((path, sha), im)
    return im


def close_cached() -> None:
    """Close the TIFF this thread keeps open (see also ``pdfpages.close_cached``)."""
    from ingest import pdfpages

    cur = getattr(_local, "tiff", None)
    if cur is not None:
        cur[1].close()
        _local.tiff = None
    pdfpages.close_cached()


def _tiff_key(im: TiffImagePlugin.TiffImageFile, path: str) -> str:
    """SHA-256 over the current frame's raw strips or tiles, plus their layout."""
    tags = im.tag_v2
    offsets = next((tags[t] for t in _OFFSETS if t in tags), None)
    counts = next((tags[t] for t in _COUNTS if t in tags), None)
    h = hashlib.sha256(f"tiff:{im.size}:{im.mode}:{tags.get(259)}:{tags.get(262)}:".encode())
    if offsets is None or counts is None:
        h.update(np.ascontiguousarray(np.asarray(im)).data)
        return h.hexdigest()
    offsets = (offsets,) if isinstance(offsets, int) else offsets
    counts = (counts,) if isinstance(counts, int) else counts
    with Path(path).open("rb") as fh:
        for off, n in zip(offsets, counts, strict=False):
            fh.seek(off)
            h.update(fh.read(n))
    return h.hexdigest()


def _to_gray(im: Image.Image) -> np.ndarray:
    if im.mode == "1":
        return np.asarray(im, dtype=np.uint8) * np.uint8(255)
    if im.mode.startswith("I;16"):
        return (np.asarray(im, dtype=np.uint16) >> 8).astype(np.uint8)
    if im.mode != "L":
        im = im.convert("L")
    return np.asarray(im)


def _dpi_from_info(info: Mapping[Any, Any]) -> float | None:
    dpi = info.get("dpi")
    if isinstance(dpi, tuple) and dpi and float(dpi[0]) > 1:
        return float(np.mean([float(d) for d in dpi]))
    return None


def load_tiff_page(ref: PageRef) -> PageImage:
    """One frame of a (multi-page) TIFF."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            im = _cached_tiff(ref.path, ref.file_sha256)
            im.seek(ref.index)
            key = _tiff_key(im, ref.path)
            im.load()
            gray = _to_gray(im)
        return PageImage(gray, key, _dpi_from_info(im.info), "tiff")
    except Exception as exc:  # PIL raises assorted types on damaged data
        # A failed frame can leave the cached file in a bad state: reopen next time.
        _local.tiff = None
        raise CorruptInputError(
            f"{ref.label}: the TIFF page cannot be decoded ({exc}); the file is damaged "
            "or truncated. Scan this page again."
        ) from exc


def load_image_file(ref: PageRef) -> PageImage:
    """A PNG or JPEG file (EXIF orientation applied, as photo viewers do)."""
    data = Path(ref.path).read_bytes()
    try:
        with Image.open(io.BytesIO(data)) as im:
            dpi = _dpi_from_info(im.info)
            rotated = im.getexif().get(_EXIF_ORIENTATION, 1) != 1
    except (OSError, UnidentifiedImageError):
        dpi, rotated = None, False
    if jpeg.is_jpeg(data) and not rotated:
        gray = jpeg.decode_gray(data)
    else:  # PNG, or a photo whose EXIF says how to turn it: OpenCV applies that
        gray = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    if gray is None:
        raise CorruptInputError(f"{ref.label}: the image cannot be decoded; the file is damaged.")
    warning = ""
    if jpeg.is_jpeg(data) and not data.rstrip(b"\x00\r\n ").endswith(b"\xff\xd9"):
        warning = "the JPEG file is truncated; the bottom of the page may be grey"
    return PageImage(gray, hashlib.sha256(data).hexdigest(), dpi, "file", warning)


def load_page(ref: PageRef) -> PageImage:
    """Decode the page ``ref`` points to.

    Raises:
        CorruptInputError: the page cannot be decoded; the message names the
            file and page and says what to do.
    """
    if ref.kind is Kind.PDF:
        p = load_pdf_page(ref.path, ref.file_sha256, ref.index)
        return PageImage(p.gray, p.sha256, p.dpi, p.method, p.warning)
    if ref.kind is Kind.TIFF:
        return load_tiff_page(ref)
    return load_image_file(ref)
