"""Scanner and mail damage on a page image, all from a seed.

Two profiles (:data:`PROFILES`) draw the damage of a page:

* ``moderate`` (the default): an ordinary office scan plus zero to three of
  the damage kinds below, each with its full strength;
* ``hard``: a tight, careless scan on every page. 200 or 300 dpi (half
  each); 1-bit on 30 % of pages (threshold 140-200, blurred before
  thresholding so that thin strokes break up); skew up to 4.5 degrees and
  shifts up to 8 mm on many pages while the scan area hugs the page (an
  overscan of 0-2 mm, sometimes negative: the scanner crops into the page),
  so registration marks (8 mm, 8 mm from the edges) are often cut off while
  the QR codes (38 mm from the corners) usually stay on the image; also
  mild perspective, folds, stains, 15 % upside down, strong JPEG on gray
  pages, noise and blur.

Damage kinds (the names reported per kind by the accuracy suite; the hard
profile uses the same names):

* geometry: ``rotation`` (skew up to 5 degrees), ``shift`` (up to 10 mm),
  ``scale`` (up to 3 %: "shrink to fit"), ``perspective`` (a phone photo on
  a table), ``upside_down`` (fed the wrong way), ``quarter`` (90 degrees);
* optics: ``blur``, ``noise``, ``jpeg`` (strong compression), ``binary``
  (a 1-bit scan), ``dpi150`` and ``dpi600`` (other resolutions);
* paper: ``stain`` (coffee), ``fold`` (a crease with its shadow),
  ``torn_corner`` (a registration mark lost), ``qr_covered`` (a label over
  one or both QR codes, so the other QR or the OCR must identify the page).

Every scan also gets the small imperfections of an ordinary office scanner
(a little skew and shift, mild noise, JPEG at normal quality). The scanner
itself (geometry, optics, file format) is :mod:`.scanner`.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from survey.units import MM_PER_INCH

PROFILES = ("moderate", "hard")

DAMAGE_KINDS = (
    "rotation",
    "shift",
    "scale",
    "perspective",
    "upside_down",
    "quarter",
    "blur",
    "noise",
    "jpeg",
    "binary",
    "dpi150",
    "dpi600",
    "stain",
    "fold",
    "torn_corner",
    "qr_covered",
)


@dataclass(frozen=True)
class Damage:
    """What happens to one sheet between the pen and the OMR.

    Attributes:
        kinds: the damage kinds beyond an ordinary scan (see :data:`DAMAGE_KINDS`).
        dpi: scan resolution.
        rotation_deg: skew, counter-clockwise positive.
        quarter: extra quarter turns (counter-clockwise): 2 = upside down.
        shift_mm: displacement on the scanner glass ``(dx, dy)``.
        scale: print scale (0.97 = shrink to fit).
        perspective: strength of a keystone distortion (0 = none).
        blur_px: Gaussian blur sigma in pixels at 300 dpi.
        noise: Gaussian noise sigma in gray levels.
        jpeg_quality: JPEG quality, or 0 for lossless.
        binary_threshold: gray threshold of a 1-bit scan, or 0.
        stains: number of coffee stains.
        folds: number of creases.
        torn_corner: the page corner (``tl`` ...) whose mark is lost, or ``""``.
        qr_covered: how many QR codes a label covers (0, 1 or 2).
        overscan_mm: the scan area is the page plus this margin on every
            side (a flatbed glass or an ADF scans a little more than A4);
            negative when the scanner crops into the page.
        background: gray value of the scan area around the page (the lid or
            the ADF's backing).
    """

    kinds: tuple[str, ...] = ()
    dpi: int = 300
    rotation_deg: float = 0.0
    quarter: int = 0
    shift_mm: tuple[float, float] = (0.0, 0.0)
    scale: float = 1.0
    perspective: float = 0.0
    blur_px: float = 0.0
    noise: float = 0.0
    jpeg_quality: int = 0
    binary_threshold: int = 0
    stains: int = 0
    folds: int = 0
    torn_corner: str = ""
    qr_covered: int = 0
    overscan_mm: float = 12.0
    background: int = 250


def check_profile(profile: str) -> str:
    """``profile`` if it is one of :data:`PROFILES`; a ``ValueError`` otherwise."""
    if profile not in PROFILES:
        raise ValueError(f"unknown damage profile {profile!r}, expected one of {PROFILES}")
    return profile


def draw_damage(
    rng: np.random.Generator,
    *,
    extra_kinds: tuple[int, int] = (0, 3),
    clean: bool = False,
    profile: str = "moderate",
) -> Damage:
    """The random damage of one page under a damage profile.

    Args:
        rng: the random generator.
        extra_kinds: how many damage kinds to add, ``[lo, hi]`` (uniform);
            ``moderate`` profile only.
        clean: no damage at all (a perfect 300-dpi gray scan).
        profile: ``moderate`` (an ordinary scan plus some damage kinds) or
            ``hard`` (a tight, careless scan; see the module docstring).
    """
    check_profile(profile)
    if clean:
        return Damage()
    if profile == "hard":
        return _draw_hard(rng)
    n = int(rng.integers(extra_kinds[0], extra_kinds[1] + 1))
    kinds = set(rng.choice(DAMAGE_KINDS, size=n, replace=False).tolist()) if n else set()
    if "upside_down" in kinds and "quarter" in kinds:
        kinds.discard("quarter")
    if "dpi150" in kinds and "dpi600" in kinds:
        kinds.discard("dpi600")
    dpi = 150 if "dpi150" in kinds else 600 if "dpi600" in kinds else 300
    quarter = 2 if "upside_down" in kinds else int(rng.choice([1, 3])) if "quarter" in kinds else 0
    binary = "binary" in kinds
    return Damage(
        kinds=tuple(sorted(kinds)),
        dpi=dpi,
        rotation_deg=float(rng.uniform(-5, 5) if "rotation" in kinds else rng.normal(0, 0.4)),
        quarter=quarter,
        shift_mm=tuple(rng.uniform(-10, 10, 2))
        if "shift" in kinds
        else tuple(rng.normal(0, 1.0, 2)),
        scale=float(rng.uniform(0.97, 1.03) if "scale" in kinds else rng.normal(1.0, 0.002)),
        perspective=float(rng.uniform(0.01, 0.03)) if "perspective" in kinds else 0.0,
        blur_px=float(rng.uniform(1.0, 1.8) if "blur" in kinds else rng.uniform(0.3, 0.7)),
        noise=float(rng.uniform(6, 14) if "noise" in kinds else rng.uniform(1, 3)),
        jpeg_quality=0
        if binary
        else int(rng.integers(30, 55) if "jpeg" in kinds else rng.integers(75, 92)),
        binary_threshold=int(rng.integers(150, 190)) if binary else 0,
        stains=int(rng.integers(1, 3)) if "stain" in kinds else 0,
        folds=int(rng.integers(1, 3)) if "fold" in kinds else 0,
        torn_corner=str(rng.choice(["tl", "tr", "br", "bl"])) if "torn_corner" in kinds else "",
        qr_covered=int(rng.choice([1, 2], p=[0.5, 0.5])) if "qr_covered" in kinds else 0,
        background=int(rng.integers(245, 256))
        if rng.random() < 0.8
        else int(rng.integers(60, 140)),
    )


def _draw_hard(rng: np.random.Generator) -> Damage:
    """The ``hard`` profile's damage of one page (its own draws: ``moderate`` stays as it was)."""
    kinds: set[str] = set()

    def happens(kind: str, share: float) -> bool:
        if rng.random() < share:
            kinds.add(kind)
            return True
        return False

    dpi = int(rng.choice([200, 300]))
    binary = happens("binary", 0.3)
    rotation = float(rng.uniform(-4.5, 4.5) if happens("rotation", 0.5) else rng.normal(0, 0.5))
    shift = tuple(rng.uniform(-8, 8, 2) if happens("shift", 0.5) else rng.normal(0, 1.5, 2))
    # The scan area hugs the page; a quarter of the scanners crop into it.
    overscan = float(rng.uniform(-2.0, 0.0) if rng.random() < 0.25 else rng.uniform(0.0, 2.0))
    perspective = float(rng.uniform(0.005, 0.02)) if happens("perspective", 0.25) else 0.0
    folds = int(rng.integers(1, 3)) if happens("fold", 0.3) else 0
    stains = int(rng.integers(1, 4)) if happens("stain", 0.25) else 0
    quarter = 2 if happens("upside_down", 0.15) else 0
    if happens("blur", 0.25):
        blur = float(rng.uniform(1.0, 1.8))
    else:
        # A 1-bit scanner smooths before it thresholds: thin strokes break up.
        blur = float(rng.uniform(0.8, 1.4) if binary else rng.uniform(0.3, 0.8))
    noise = float(rng.uniform(6, 14) if happens("noise", 0.35) else rng.uniform(2, 5))
    if binary:
        jpeg_quality, threshold = 0, int(rng.integers(140, 201))
    else:
        jpeg_quality = int(rng.integers(30, 55) if happens("jpeg", 0.35) else rng.integers(60, 86))
        threshold = 0
    return Damage(
        kinds=tuple(sorted(kinds)),
        dpi=dpi,
        rotation_deg=rotation,
        quarter=quarter,
        shift_mm=(float(shift[0]), float(shift[1])),
        scale=float(rng.normal(1.0, 0.003)),
        perspective=perspective,
        blur_px=blur,
        noise=noise,
        jpeg_quality=jpeg_quality,
        binary_threshold=threshold,
        stains=stains,
        folds=folds,
        overscan_mm=overscan,
        background=int(rng.integers(245, 256))
        if rng.random() < 0.8
        else int(rng.integers(60, 140)),
    )


def mm_to_px(dpi: float, mm_value: float) -> float:
    """A length in millimetres to pixels at ``dpi``."""
    return mm_value * dpi / MM_PER_INCH


def paper_damage(
    image: np.ndarray,
    damage: Damage,
    rng: np.random.Generator,
    *,
    mark_rects: dict[str, tuple[float, float, float, float]],
    qr_rects: list[tuple[float, float, float, float]],
) -> None:
    """Stains, folds, a torn corner and labels, on the upright page (in place).

    Args:
        image: the page, ``uint8`` gray, upright, at ``damage.dpi``.
        damage: the damage profile.
        rng: the random generator.
        mark_rects: corner -> registration mark rectangle in image pixels.
        qr_rects: QR rectangles in image pixels.
    """
    h, w = image.shape
    dpi = damage.dpi
    for _ in range(damage.stains):
        # A coffee ring: a soft, slightly darker disc with a darker rim.
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        radius = mm_to_px(dpi, rng.uniform(10, 35))
        yy, xx = np.ogrid[:h, :w]
        x0, x1 = int(max(0, cx - radius * 1.3)), int(min(w, cx + radius * 1.3))
        y0, y1 = int(max(0, cy - radius * 1.3)), int(min(h, cy + radius * 1.3))
        if x1 <= x0 or y1 <= y0:
            continue
        d = np.hypot(xx[:, x0:x1] - cx, yy[y0:y1, :] - cy) / radius
        depth = rng.uniform(0.04, 0.15)
        shade = depth * np.clip(1.2 - d, 0, 1) + depth * 1.2 * np.exp(-((d - 1.0) ** 2) / 0.004)
        region = image[y0:y1, x0:x1].astype(np.float32)
        image[y0:y1, x0:x1] = np.clip(region * (1 - shade), 0, 255).astype(np.uint8)
    for _ in range(damage.folds):
        # A crease across the page: a shadow band and a thin darker line.
        horizontal = rng.random() < 0.7
        pos = rng.uniform(0.25, 0.75) * (h if horizontal else w)
        width = mm_to_px(dpi, rng.uniform(1.5, 4.0))
        depth = rng.uniform(0.05, 0.18)
        axis = np.arange(h if horizontal else w, dtype=np.float32)
        profile = 1 - depth * np.exp(-((axis - pos) ** 2) / (2 * width**2))
        profile -= 0.25 * depth * (np.abs(axis - pos) < mm_to_px(dpi, 0.2))
        if horizontal:
            image[:] = np.clip(image * profile[:, None], 0, 255).astype(np.uint8)
        else:
            image[:] = np.clip(image * profile[None, :], 0, 255).astype(np.uint8)
    if damage.torn_corner:
        left, top, right, bottom = mark_rects[damage.torn_corner]
        cx, cy = (left + right) / 2, (top + bottom) / 2
        # The tear passes 0.7 * size beyond the mark centre, diagonally: the
        # whole mark is gone, the QR codes (38 mm from the corners) are not.
        size = mm_to_px(dpi, rng.uniform(10, 13))
        sx = -1 if damage.torn_corner in ("tl", "bl") else 1
        sy = -1 if damage.torn_corner in ("tl", "tr") else 1
        corner = np.array([cx + sx * size * 3, cy + sy * size * 3])
        tri = np.array(
            [corner, [cx - sx * size * 4, corner[1]], [corner[0], cy - sy * size * 4]],
            dtype=np.int32,
        )
        cv2.fillPoly(image, [tri], 255)
    for qx0, qy0, qx1, qy1 in qr_rects[: damage.qr_covered]:
        # A white label over a large part of the symbol.
        lw, lh = (qx1 - qx0) * rng.uniform(0.55, 0.8), (qy1 - qy0) * rng.uniform(0.55, 0.8)
        lx, ly = rng.uniform(qx0, qx1 - lw), rng.uniform(qy0, qy1 - lh)
        cv2.rectangle(image, (int(lx), int(ly)), (int(lx + lw), int(ly + lh)), 250, -1)
