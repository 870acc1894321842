"""JPEG decoding: simplejpeg's fast path agrees with OpenCV, damaged data is refused."""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

from ingest.decode import load_page
from ingest.jpeg import FAST_DCT_MIN_STEP, dc_step, decode_gray, is_jpeg
from ingest.sources import inspect_file, page_refs
from papersurvey.simulate.scanfiles import encode_jpeg


def test_high_quality_pages_decode_to_exactly_opencvs_pixels(page_images):
    for quality in (90, 95):
        data = encode_jpeg(page_images[0], quality)
        fast = decode_gray(data)
        exact = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
        assert fast is not None and fast.shape == exact.shape and fast.dtype == np.uint8
        assert np.array_equal(fast, exact)


def test_the_fast_dct_errs_less_than_the_compression_it_undoes(page_images):
    original = page_images[0]
    for quality in (50, 75, 85):
        data = encode_jpeg(original, quality)
        fast = decode_gray(data)
        exact = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
        assert fast is not None and fast.shape == exact.shape and fast.dtype == np.uint8
        dct_error = np.abs(fast.astype(np.int16) - exact)
        compression_error = np.abs(exact.astype(np.int16) - original)
        assert 0 < dct_error.mean() < 1.0, quality  # the fast DCT is in use, and nearly exact
        assert dct_error.max() <= 12
        assert np.percentile(dct_error, 99.9) <= max(4, np.percentile(compression_error, 99.9))


def test_the_dc_step_tells_the_quality_and_skips_a_thumbnails_table(page_images):
    steps = {q: dc_step(encode_jpeg(page_images[0], q)) for q in (50, 75, 85, 88, 90, 95)}
    assert steps == {50: 16, 75: 8, 85: 5, 88: 4, 90: 3, 95: 2}
    assert [q for q, s in steps.items() if s >= FAST_DCT_MIN_STEP] == [50, 75, 85, 88]
    # A photo whose EXIF thumbnail (quality 30) comes before the image's own tables.
    thumb = io.BytesIO()
    Image.fromarray(page_images[0][:64, :64]).save(thumb, "JPEG", quality=30)
    exif = Image.Exif()
    exif[0x0112] = 1
    photo = io.BytesIO()
    Image.fromarray(page_images[0]).save(photo, "JPEG", quality=95, exif=exif.tobytes())
    data = photo.getvalue()
    app1 = data.index(b"\xff\xe1")
    length = int.from_bytes(data[app1 + 2 : app1 + 4], "big")
    blob = thumb.getvalue()
    with_thumb = (
        data[:app1]
        + b"\xff\xe1"
        + (length + len(blob)).to_bytes(2, "big")
        + data[app1 + 4 : app1 + 2 + length]
        + blob
        + data[app1 + 2 + length :]
    )
    assert dc_step(blob) > dc_step(data) == 2
    assert dc_step(with_thumb) == 2
    assert not dc_step(b"\xff\xd8\xff\xe0 not really a jpeg")


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
