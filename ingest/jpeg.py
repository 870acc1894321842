"""JPEG page images to gray, fast: libjpeg-turbo through simplejpeg, OpenCV as the fallback.

Scanner PDFs and JPEG files hold most returned pages, and decoding them is the
largest single cost of a scan run. simplejpeg calls libjpeg-turbo's
TurboJPEG API straight into a numpy array, about 8 % faster than
``cv2.imdecode`` on a 300-dpi page.

The inverse DCT: libjpeg-turbo's fast integer DCT saves another 6-7 % of the
decode, but it is only as exact as the quantisation it undoes. Where the
JPEG's luminance DC step is 4 or more (IJG quality below about 90, which is
where document scanners write their pages), its error (mean 0.5 gray levels,
at most about 8 at an edge) is smaller than the compression's own, so the fast
DCT is used; at higher quality it would be off by up to 20 gray levels at
edges, and the exact DCT (the same pixels as ``cv2.imdecode``) is used.

A JPEG that libjpeg only reads with complaints (data missing at the end,
extraneous bytes) is refused by simplejpeg and handed to OpenCV, which decides
as before: a truncated page is refused as damaged rather than read with a
grey bottom half, where the boxes would look filled in.
"""

from __future__ import annotations

import cv2
import numpy as np
import simplejpeg

JPEG_MAGIC = b"\xff\xd8\xff"
FAST_DCT_MIN_STEP = 4  # the luminance DC quantisation step from which the fast DCT is exact enough


def is_jpeg(data: bytes) -> bool:
    """Whether ``data`` starts like a JPEG file."""
    return data[:3] == JPEG_MAGIC


def dc_step(data: bytes) -> int:
    """The quantisation step of table 0's DC coefficient, 0 when there is none before the scan.

    Table 0 is the one luminance (or a gray image's only component) uses in
    every baseline JPEG that scanners and libjpeg write. The header's segments
    are walked, so a DQT inside an EXIF thumbnail is not mistaken for the image's.
    """
    at, end = 2, len(data)
    while at + 4 <= end and data[at] == 0xFF:
        marker = data[at + 1]
        if marker == 0xDA:  # start of scan: no table 0 before it
            return 0
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        if marker == 0xDB:
            table = at + 4
            while table < min(at + 2 + length, end - 2):
                precision, table_id = data[table] >> 4, data[table] & 0x0F
                if table_id == 0:
                    if precision:
                        return int.from_bytes(data[table + 1 : table + 3], "big")
                    return data[table + 1]
                table += 1 + 64 * (2 if precision else 1)
        at += 2 + length
    return 0


def decode_gray(data: bytes) -> np.ndarray | None:
    """Decode JPEG ``data`` to a ``(h, w)`` uint8 gray image; ``None`` when it cannot be read.

    The EXIF orientation is not applied (scanner output has none; callers that
    read photos apply it themselves).
    """
    fast = dc_step(data) >= FAST_DCT_MIN_STEP
    try:
        gray = simplejpeg.decode_jpeg(data, colorspace="GRAY", fastdct=fast)
    except ValueError:  # damaged or unusual (CMYK, arithmetic coding): OpenCV decides
        flags = cv2.IMREAD_GRAYSCALE | cv2.IMREAD_IGNORE_ORIENTATION
        return cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    return gray.reshape(gray.shape[0], gray.shape[1])
