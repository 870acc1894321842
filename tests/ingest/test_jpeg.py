"""JPEG decoding: simplejpeg's fast path agrees with OpenCV, damaged data is refused."""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

from ingest.decode import load_page
from ingest.jpeg import decode_gray, is_jpeg
from ingest.sources import inspect_file, page_refs
from papersurvey.simulate.scanfiles import encode_jpeg


def test_decode_gives_exactly_opencvs_pixels(page_images):
    for quality in (50, 85, 95):
        data = encode_jpeg(page_images[0], quality)
        fast = decode_gray(data)
        exact = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
        assert fast is not None and fast.shape == exact.shape and fast.dtype == np.uint8
        assert np.array_equal(fast, exact)


def test_truncated_jpeg_is_refused_not_read_with_a_grey_bottom(page_images):
    data = encode_jpeg(page_images[0])
    assert decode_gray(data[: len(data) // 2]) is None
    assert decode_gray(b"\xff\xd8\xff\xe0 not really a jpeg") is None


def test_cmyk_and_colour_jpegs_decode_to_gray(page_images):
    rgb = np.dstack([page_images[1]] * 3)
    for mode in ("RGB", "CMYK"):
        buf = io.BytesIO()
        Image.fromarray(rgb).convert(mode).save(buf, "JPEG", quality=90)
        assert is_jpeg(buf.getvalue())
        gray = decode_gray(buf.getvalue())
        assert gray is not None and gray.shape == page_images[1].shape
        assert abs(float(gray.mean()) - float(page_images[1].mean())) < 8


def test_a_photo_is_turned_as_its_exif_orientation_says(scans, page_images):
    image = Image.fromarray(page_images[2])
    exif = Image.Exif()
    exif[0x0112] = 6  # taken with the camera turned: rotate 90 degrees clockwise to view
    image.save(scans / "photo.jpg", "JPEG", quality=90, exif=exif.tobytes())
    page = load_page(next(page_refs(inspect_file(scans / "photo.jpg"))))
    h, w = page_images[2].shape
    assert page.gray.shape == (w, h)
    image.save(scans / "plain.jpg", "JPEG", quality=90)
    assert load_page(next(page_refs(inspect_file(scans / "plain.jpg")))).gray.shape == (h, w)
