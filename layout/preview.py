"""PNG previews of rendered PDFs (for proofs, the docs and the layout tests).

Rendering uses pypdfium2, the fastest of the renderers papersurvey depends on.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def render_pages(pdf: bytes, dpi: float = 300.0, grayscale: bool = True) -> list[np.ndarray]:
    """Every page of ``pdf`` as an image array (``(rows, cols)`` uint8 gray, or RGB).

    Args:
        pdf: the PDF bytes.
        dpi: resolution of the images.
        grayscale: return single-channel gray images instead of RGB.
    """
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        images = []
        for page in document:
            bitmap = page.render(scale=dpi / 72.0, grayscale=grayscale, rev_byteorder=not grayscale)
            array = np.array(bitmap.to_numpy(), copy=True)
            if array.ndim == 3:
                array = array[:, :, 0] if grayscale else array[:, :, :3]
            images.append(array)
            page.close()
        return images
    finally:
        document.close()


def write_pngs(
    pdf: bytes, folder: Path, stem: str, dpi: float = 100.0, colors: int = 0
) -> list[Path]:
    """Write one PNG per page of ``pdf`` as ``folder/stem-1.png`` ...; returns the paths.

    ``colors`` > 0 reduces each image to a palette of that many colours (smaller
    files for the docs).
    """
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, image in enumerate(render_pages(pdf, dpi=dpi, grayscale=False), start=1):
        path = folder / f"{stem}-{n}.png"
        picture = Image.fromarray(image)
        if colors:
            picture = picture.quantize(colors=colors, dither=Image.Dither.NONE)
        picture.save(path, optimize=True)
        paths.append(path)
    return paths
