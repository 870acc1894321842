"""PDF pages to gray images: extract the scanner's embedded image, render the rest.

A scanner PDF holds one image per page, drawn over the whole page. Decoding
that image directly is about ten times faster than rendering the page and
gives the scanner's own pixels at the scanner's own resolution. A page is
taken as such a scan page when its content draws exactly one image, covering
most of the page, and nothing visible besides (an invisible OCR text layer is
allowed). Every other page (text pages, vector forms, JBIG2 images pikepdf
cannot decode) is rendered with PDFium.

This runs in worker processes. Open documents are cached per thread, one per
kind, because the pages of a file arrive in order.
"""

from __future__ import annotations

import hashlib
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pikepdf
import pypdfium2 as pdfium
from pikepdf.models.image import PdfImage

from ingest import jpeg
from survey.errors import CorruptInputError

POINTS_PER_INCH = 72.0
MIN_COVERAGE = 0.85  # share of the page area the image must cover
RENDER_DPI = 200.0
_PAINTING = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "INLINE IMAGE"}
_SHOW_TEXT = {"Tj", "TJ", "'", '"'}
_OPERATORS = " ".join(["q", "Q", "cm", "Do", "Tr", *_PAINTING, *_SHOW_TEXT])
_pdfium_lock = threading.Lock()  # PDFium is not thread-safe
_local = threading.local()


@dataclass(frozen=True)
class PdfPageImage:
    """A decoded PDF page.

    Attributes:
        gray: ``(h, w)`` uint8, 255 = white.
        sha256: hash of the embedded image data (or of the rendered pixels).
        dpi: resolution from the file: image pixels over the drawn size.
        method: ``extract`` (embedded image) or ``render``.
        warning: something odd about the image data, else empty.
    """

    gray: np.ndarray
    sha256: str
    dpi: float | None
    method: str
    warning: str = ""


def _cached(slot: str, key: tuple[str, str], opener: Any) -> Any:
    """The open document of ``key`` (path, file hash) in this thread's ``slot``.

    Another file's document is closed and forgotten first, so that a file
    that then fails to open (moved, unreadable) does not leave a closed
    document behind to be handed out for the file before it.
    """
    cur = getattr(_local, slot, None)
    if cur is not None and cur[0] == key:
        return cur[1]
    _forget(slot)
    doc = opener(key[0])
    setattr(_local, slot, (key, doc))
    return doc


def _forget(slot: str) -> None:
    cur = getattr(_local, slot, None)
    setattr(_local, slot, None)
    if cur is None:
        return
    if slot == "pdfium":
        with _pdfium_lock:
            cur[1].close()
    else:
        cur[1].close()


def close_cached() -> None:
    """Close the documents this thread keeps open."""
    for slot in ("pikepdf", "pdfium"):
        _forget(slot)


def _mul(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """PDF matrix product ``m x n`` (apply ``m`` first)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def scan_image_placement(page: pikepdf.Page) -> tuple[pikepdf.Stream, tuple[float, ...]] | None:
    """The page's single full-page image and the matrix that draws it, or ``None``."""
    xobjects = page.resources.get("/XObject", pikepdf.Dictionary())
    if len(xobjects) != 1:
        return None  # no image, or more than one thing drawn: render
    ((name, stream),) = xobjects.items()
    if not isinstance(stream, pikepdf.Stream) or stream.get("/Subtype") != pikepdf.Name.Image:
        return None
    ctm: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack: list[tuple[float, ...]] = []
    invisible_text = False
    placement = None
    for ins in pikepdf.parse_content_stream(page, _OPERATORS):
        op = str(ins.operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop() if stack else ctm
        elif op == "cm":
            ctm = _mul(tuple(float(v) for v in ins.operands), ctm)
        elif op == "Tr":
            invisible_text = int(ins.operands[0]) == 3
        elif op == "Do":
            if str(ins.operands[0]) != name or placement is not None:
                return None
            placement = ctm
        elif op in _PAINTING or (op in _SHOW_TEXT and not invisible_text):
            return None
    if placement is None:
        return None
    box = page.cropbox if "/CropBox" in page.obj else page.mediabox
    page_area = abs(float(box[2]) - float(box[0])) * abs(float(box[3]) - float(box[1]))
    a, b, c, d = placement[:4]
    if page_area <= 0 or abs(a * d - b * c) < MIN_COVERAGE * page_area:
        return None
    return stream, placement


def _filters(stream: pikepdf.Stream) -> list[str]:
    f = stream.get("/Filter")
    if f is None:
        return []
    return [str(x) for x in f] if isinstance(f, pikepdf.Array) else [str(f)]


def decode_image_stream(stream: pikepdf.Stream) -> tuple[np.ndarray, str, str]:
    """Decode an image XObject to gray.

    Returns:
        ``(gray, sha256, warning)``. For JPEG the hash is that of the JPEG
        bytes themselves, so the same page stored as a ``.jpg`` file hashes
        the same.

    Raises:
        pikepdf.PdfError, UnsupportedImageTypeError, ValueError: when the
        image cannot be decoded directly (the caller then renders the page).
    """
    raw = stream.read_raw_bytes()
    filters = _filters(stream)
    warning = ""
    if (
        filters == ["/DCTDecode"]
        and "/Decode" not in stream
        and int(stream.get("/BitsPerComponent", 8)) == 8
    ):
        gray = jpeg.decode_gray(raw)
        if gray is None:
            raise ValueError("the embedded JPEG cannot be decoded")
        if not raw.rstrip(b"\x00\r\n ").endswith(b"\xff\xd9"):
            warning = "the embedded JPEG is truncated; the bottom of the page may be grey"
        return gray, hashlib.sha256(raw).hexdigest(), warning
    image = PdfImage(stream)
    pil = image.as_pil_image()
    gray = np.asarray(pil.convert("L"))
    header = f"{image.width}x{image.height}:{image.bits_per_component}:{filters}:{stream.get('/DecodeParms')}"
    return gray, hashlib.sha256(header.encode() + raw).hexdigest(), warning


def _open_pikepdf(path: str) -> pikepdf.Pdf:
    return pikepdf.open(path)


def _open_pdfium(path: str) -> pdfium.PdfDocument:
    with _pdfium_lock:
        return pdfium.PdfDocument(path)


def render_page(path: str, file_sha256: str, index: int, dpi: float = RENDER_DPI) -> PdfPageImage:
    """Render a page with PDFium at ``dpi``, gray."""
    doc = _cached("pdfium", (path, file_sha256), _open_pdfium)
    with _pdfium_lock:
        page = doc[index]
        try:
            gray = page.render(scale=dpi / POINTS_PER_INCH, grayscale=True).to_numpy()
        finally:
            page.close()
    gray = np.ascontiguousarray(gray.reshape(gray.shape[0], gray.shape[1]))
    h = hashlib.sha256(f"render:{gray.shape}:{dpi}:".encode())
    h.update(gray.data)
    return PdfPageImage(gray, h.hexdigest(), dpi, "render")


def load_pdf_page(path: str, file_sha256: str, index: int) -> PdfPageImage:
    """Page ``index`` (0-based) of a PDF as a gray image.

    Raises:
        CorruptInputError: when the page can be neither extracted nor rendered.
    """
    try:
        pdf = _cached("pikepdf", (path, file_sha256), _open_pikepdf)
        found = scan_image_placement(pdf.pages[index])
        if found is not None:
            stream, m = found
            gray, sha, warning = decode_image_stream(stream)
            # The matrix maps the image's unit square: (a, b) is its drawn width
            # and (c, d) its drawn height, whatever the rotation.
            w_in = math.hypot(m[0], m[1]) / POINTS_PER_INCH
            h_in = math.hypot(m[2], m[3]) / POINTS_PER_INCH
            dpi = (gray.shape[1] / w_in + gray.shape[0] / h_in) / 2
            return PdfPageImage(gray, sha, float(dpi), "extract", warning)
    except (pikepdf.PdfError, pikepdf.UnsupportedImageTypeError, pikepdf.DependencyError):
        pass  # qpdf or pikepdf cannot decode it: PDFium may
    except (
        ValueError,
        OSError,
        NotImplementedError,
        IndexError,
        KeyError,
        AttributeError,
        TypeError,
    ):
        pass  # a damaged or unusual page structure: PDFium may cope
    try:
        return render_page(path, file_sha256, index)
    except (pdfium.PdfiumError, ValueError, IndexError, OSError) as exc:
        raise CorruptInputError(
            f"{Path(path).name} p.{index + 1}: the page cannot be read; the PDF is damaged "
            f"or truncated ({exc}). Export or scan this page again."
        ) from exc
