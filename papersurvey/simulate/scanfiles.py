"""Write page images the way scanners do: one-image-per-page PDFs and multi-page TIFFs.

Scanners and their drivers store each page as a single embedded image (JPEG
for gray and colour, CCITT G4 or Flate for 1-bit). This module writes files of
that shape from numpy arrays or from ready JPEG bytes: the last step of the
simulated scanner (:mod:`.scanner` makes the image, this module the file), for
the tests and the benchmarks. It is the mirror image of
:mod:`ingest.pdfpages`, which reads such files without re-rendering them; it
lives here, not in ``ingest/``, because no production path writes scan files.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np
import pikepdf
from PIL import Image

POINTS_PER_INCH = 72.0


def encode_jpeg(image: np.ndarray, quality: int = 85) -> bytes:
    """JPEG bytes of a gray ``(h, w)`` or RGB ``(h, w, 3)`` uint8 array."""
    arr = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(".jpg", arr, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:  # pragma: no cover - OpenCV only fails on invalid arrays
        raise ValueError("could not encode the image as JPEG")
    return buf.tobytes()


def _jpeg_size(data: bytes) -> tuple[int, int, int]:
    """``(width, height, components)`` from a JPEG's start-of-frame marker."""
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            h = int.from_bytes(data[i + 5 : i + 7], "big")
            w = int.from_bytes(data[i + 7 : i + 9], "big")
            return w, h, data[i + 9]
        i += 2 + length
    raise ValueError("not a baseline or progressive JPEG")


def _image_stream(pdf: pikepdf.Pdf, page: np.ndarray | bytes, quality: int) -> pikepdf.Stream:
    if isinstance(page, bytes):
        data = page
        w, h, comps = _jpeg_size(data)
        return pikepdf.Stream(
            pdf,
            data,
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Image,
            Width=w,
            Height=h,
            ColorSpace=pikepdf.Name.DeviceGray if comps == 1 else pikepdf.Name.DeviceRGB,
            BitsPerComponent=8,
            Filter=pikepdf.Name.DCTDecode,
        )
    if page.dtype == bool:
        # 1-bit, Flate: rows padded to whole bytes, 1 = white (DeviceGray).
        packed = np.packbits(page, axis=1)
        h, w = page.shape
        stream = pikepdf.Stream(pdf, packed.tobytes())
        stream.Type = pikepdf.Name.XObject
        stream.Subtype = pikepdf.Name.Image
        stream.Width, stream.Height = w, h
        stream.ColorSpace = pikepdf.Name.DeviceGray
        stream.BitsPerComponent = 1
        return stream
    return _image_stream(pdf, encode_jpeg(page, quality), quality)


def write_scanner_pdf(
    path: Path,
    pages: Iterable[np.ndarray | bytes],
    *,
    dpi: float = 300.0,
    quality: int = 85,
) -> int:
    """Write a PDF holding one full-page image per page, like a document scanner.

    Args:
        path: where to write.
        pages: per page a gray or RGB uint8 array (stored as JPEG), a bool
            array (1-bit, stored Flate-compressed, True = white) or ready JPEG
            bytes (stored as they are, which is what scanners do).
        dpi: the resolution the page size is computed from.
        quality: JPEG quality for arrays.

    Returns:
        The number of pages written.
    """
    pdf = pikepdf.Pdf.new()
    count = 0
    for page in pages:
        image = _image_stream(pdf, page, quality)
        w_pt = int(image.Width) * POINTS_PER_INCH / dpi
        h_pt = int(image.Height) * POINTS_PER_INCH / dpi
        pdf.add_blank_page(page_size=(w_pt, h_pt))
        pdf_page = pdf.pages[-1]
        pdf_page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        content = f"q {w_pt:.4f} 0 0 {h_pt:.4f} 0 0 cm /Im0 Do Q".encode()
        pdf_page.Contents = pdf.make_stream(content)
        count += 1
    pdf.save(path, deterministic_id=True)  # the same pages make the same file
    return count


def write_tiff(
    path: Path,
    pages: Iterable[np.ndarray],
    *,
    compression: str = "group4",
    dpi: float = 300.0,
) -> int:
    """Write a multi-page TIFF.

    Args:
        path: where to write.
        pages: gray uint8 arrays (thresholded at 128 for ``group4``) or bool arrays.
        compression: ``group4`` (1-bit CCITT G4), ``tiff_lzw`` or ``jpeg``.
        dpi: the resolution written into the file.

    Returns:
        The number of pages written.
    """
    images = []
    for arr in pages:
        if compression == "group4":
            bits = arr if arr.dtype == bool else arr >= 128
            images.append(Image.fromarray(bits).convert("1"))
        else:
            images.append(Image.fromarray(arr))
    if not images:
        raise ValueError("no pages to write")
    images[0].save(
        path,
        format="TIFF",
        save_all=True,
        append_images=images[1:],
        compression=compression,
        dpi=(dpi, dpi),
    )
    return len(images)
