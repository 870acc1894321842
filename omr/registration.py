"""Register a page: from detected marks to a page-to-image transform, checked for sanity.

Each ArUco marker gives four corners whose page positions the form map knows,
so four marks give sixteen point pairs for a homography (perspective of a
phone photo included) and three marks twelve pairs for an affine fit. Fewer
marks are not enough: the page is unregistrable. The fitted transform must
look like a printed A4 page on a scanner or a table (plausible resolution,
little skew and shear, mild perspective, small residuals); otherwise the
page is refused rather than read wrongly, so a foreign page that happens to
show ArUco markers cannot register by accident.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import cv2
import numpy as np

from omr.marks import MarkDetections
from omr.params import DEFAULT_PARAMS, OmrParams
from survey.formmap import Mark
from survey.units import (
    POINTS_PER_INCH,
    homography_jacobian,
    page_to_image,
    rect_corners,
    rects_to_page,
)


@dataclass(frozen=True)
class Registration:
    """The result of registering a page.

    Attributes:
        ok: whether the page registered.
        reason: why not, in plain language (``""`` when ``ok``).
        homography: 3x3 float64 page-to-image matrix (identity when not ``ok``).
        marks_used: ids of the marks the fit used.
        orientation: 0, 90, 180 or 270: counter-clockwise rotation of the upright page in the image.
        rotation_deg: remaining rotation (skew), counter-clockwise positive.
        shear_deg: deviation of the page axes from a right angle.
        dpi: resolution implied by the fit.
        anisotropy: relative difference between the x and y scale.
        perspective: ratio of the largest to the smallest local scale over the page.
        reprojection_pt: RMS residual at the mark corners, in points.
        points_page: the mark corners the fit used, page coordinates ``(k, 2)``.
        points_image: the same corners in the image ``(k, 2)``.
        method: how the page was placed: ``marks`` (three or four marks), or a
            fallback: ``marks+qr`` (marks and page QR codes, fewer than three
            marks) or ``qr`` (the page QR codes alone). The box outlines refine
            every registration with fewer than four marks (``+outlines`` is
            appended by :func:`omr.refine.refine_with_boxes`).
    """

    ok: bool
    reason: str = ""
    homography: np.ndarray = field(default_factory=lambda: np.eye(3))
    marks_used: tuple[int, ...] = ()
    orientation: int = 0
    rotation_deg: float = 0.0
    shear_deg: float = 0.0
    dpi: float = 0.0
    anisotropy: float = 0.0
    perspective: float = 1.0
    reprojection_pt: float = 0.0
    points_page: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    points_image: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    method: str = "marks"

    @property
    def fallback(self) -> bool:
        """Whether the page was placed without three registration marks."""
        return not self.method.startswith("marks") or self.method.startswith("marks+qr")


def mark_points(marks: tuple[Mark, ...], page_height: float) -> dict[int, np.ndarray]:
    """ArUco id -> the marker's four corners in page coordinates (marker order)."""
    rects = rects_to_page(np.array([m.rect.as_tuple() for m in marks]), page_height)
    corners = rect_corners(rects)
    return {m.aruco_id: corners[i] for i, m in enumerate(marks)}


def _fit(src: np.ndarray, dst: np.ndarray, perspective: bool) -> np.ndarray | None:
    """Least-squares page-to-image transform (homography or affine) as a 3x3 matrix."""
    if perspective:
        h, _ = cv2.findHomography(src, dst, 0)
        if h is None or not np.all(np.isfinite(h)):
            return None
        return h / h[2, 2]
    a = np.hstack([src, np.ones((src.shape[0], 1))])
    sol, *_ = np.linalg.lstsq(a, dst, rcond=None)
    return np.vstack([sol.T, [0.0, 0.0, 1.0]])


def _describe(
    h: np.ndarray, src: np.ndarray, dst: np.ndarray, page_w: float, page_h: float
) -> dict[str, float]:
    """Geometry figures of a fitted transform."""
    # Local linear parts at the page centre and the four page corners, in one go.
    points = np.array(
        [[page_w / 2, page_h / 2], [0, 0], [page_w, 0], [page_w, page_h], [0, page_h]]
    )
    jacs = homography_jacobian(points, h)
    jac = jacs[0]
    ex, ey = jac[:, 0], jac[:, 1]  # image directions of page +x and +y
    sx, sy = float(np.hypot(*ex)), float(np.hypot(*ey))
    theta = float(np.degrees(np.arctan2(ex[1], ex[0])))  # clockwise on screen (image y is down)
    quarter = round(theta / 90.0)
    orientation = (-quarter * 90) % 360
    cos_axes = float(ex @ ey) / (sx * sy)
    dets = jacs[:, 0, 0] * jacs[:, 1, 1] - jacs[:, 0, 1] * jacs[:, 1, 0]
    local = np.sqrt(np.abs(dets[1:]))
    resid = page_to_image(src, h) - dst
    px_per_pt = float(np.sqrt(sx * sy))
    return {
        "orientation": float(orientation),
        "rotation_deg": float(-(theta - quarter * 90.0)),
        "shear_deg": float(np.degrees(np.arcsin(min(abs(cos_axes), 1.0)))),
        "dpi": float(px_per_pt * POINTS_PER_INCH),
        "anisotropy": abs(sx - sy) / max(sx, sy),
        "perspective": float(local.max() / max(local.min(), 1e-9)),
        "reprojection_pt": float(np.sqrt(np.mean(np.sum(resid**2, axis=1))) / px_per_pt),
        "mirrored": float(dets[0] < 0),
    }


def _problem(fig: dict[str, float], params: OmrParams) -> str:
    """Why a fit is implausible, or ``""``."""
    lo, hi = params.dpi_range
    if fig["mirrored"]:
        return "the marks appear mirrored"
    if not lo <= fig["dpi"] <= hi:
        return f"implausible resolution {fig['dpi']:.0f} dpi from the marks"
    if abs(fig["rotation_deg"]) > params.max_skew_deg:
        return f"page skewed by {fig['rotation_deg']:.1f} degrees"
    if fig["shear_deg"] > params.max_shear_deg:
        return f"page sheared by {fig['shear_deg']:.1f} degrees"
    if fig["anisotropy"] > params.max_anisotropy:
        return f"x and y scale differ by {100 * fig['anisotropy']:.0f}%"
    if fig["perspective"] > params.max_perspective:
        return "perspective too strong"
    if fig["reprojection_pt"] > params.max_reprojection_pt:
        return f"marks do not fit the page geometry ({fig['reprojection_pt']:.1f} pt off)"
    return ""


def check_transform(
    h: np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
    page_width: float,
    page_height: float,
    params: OmrParams,
) -> tuple[dict[str, float], str]:
    """The geometry figures of a page-to-image transform and why it is implausible (``""`` if not)."""
    figures = _describe(h, src, dst, page_width, page_height)
    return figures, _problem(figures, params)


def register(
    detections: MarkDetections,
    marks: tuple[Mark, ...],
    *,
    page_width: float,
    page_height: float,
    params: OmrParams = DEFAULT_PARAMS,
) -> Registration:
    """Fit the page-to-image transform from the detected marks and check it.

    With four marks a homography is fitted; when it fails the checks, the
    best three-mark affine fit is tried (one mark may be damaged or a
    look-alike). With three marks only the affine fit is tried.

    Args:
        detections: the markers found in the image.
        marks: the form map's registration marks (page coordinates follow
            from their PDF rectangles).
        page_width: page width in points.
        page_height: page height in points.
        params: OMR settings (``min_marks`` and the plausibility limits).

    Returns:
        A :class:`Registration`; ``ok`` is ``False`` with a reason when the
        page cannot be registered.
    """
    model = mark_points(marks, page_height)
    usable = [i for i, mark_id in enumerate(detections.ids.tolist()) if mark_id in model]
    if len(usable) < params.min_marks:
        return Registration(
            ok=False,
            reason=f"found {len(usable)} of {len(model)} registration marks, need {params.min_marks}",
        )
    candidates: list[tuple[int, ...]] = []
    if len(usable) >= 4:
        candidates.append(tuple(usable))
    candidates += list(itertools.combinations(usable, 3))
    problem = ""
    for subset in candidates:
        ids = detections.ids[list(subset)]
        src = np.concatenate([model[int(i)] for i in ids])
        dst = detections.corners[list(subset)].reshape(-1, 2)
        h = _fit(src, dst, perspective=len(subset) >= 4)
        if h is None:
            problem = problem or "the marks do not give a transform"
            continue
        fig, found = check_transform(h, src, dst, page_width, page_height, params)
        if found:
            problem = problem or found
            continue
        return fitted_registration(h, fig, tuple(int(i) for i in ids), src, dst)
    return Registration(ok=False, reason=problem)


def fitted_registration(
    h: np.ndarray,
    figures: dict[str, float],
    marks_used: tuple[int, ...],
    src: np.ndarray,
    dst: np.ndarray,
    method: str = "marks",
) -> Registration:
    """A successful registration from a checked transform and its geometry figures."""
    return Registration(
        ok=True,
        homography=h,
        marks_used=marks_used,
        orientation=int(figures["orientation"]),
        rotation_deg=figures["rotation_deg"],
        shear_deg=figures["shear_deg"],
        dpi=figures["dpi"],
        anisotropy=figures["anisotropy"],
        perspective=figures["perspective"],
        reprojection_pt=figures["reprojection_pt"],
        points_page=src,
        points_image=dst,
        method=method,
    )
