"""Render a :class:`~analysis.document.Document` as one self-contained HTML file.

The template is ``analysis/templates/report.html.j2`` (jinja2, autoescaped).
Charts are embedded as ``data:`` URIs, so the file can be mailed or put on an
intranet as it is; the same PNG files are used by the PDF.
"""

from __future__ import annotations

import base64
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from analysis import document as d

TEMPLATES = Path(__file__).parent / "templates"


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(("html", "j2")),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(doc: d.Document, path: Path, *, embed_images: bool = True) -> Path:
    """Write ``doc`` as HTML to ``path``; charts embedded unless ``embed_images`` is false."""

    def image(block: d.FigureBlock) -> str:
        if not embed_images:
            return block.image.relative_to(path.parent).as_posix()
        data = base64.b64encode(block.image.read_bytes()).decode("ascii")
        return f"data:image/png;base64,{data}"

    def chapter_title(ch: d.Chapter) -> str:
        if ch.appendix:
            return f"{doc.labels.get('appendix', '')} {ch.number}. {ch.title}"
        return ch.heading

    html = (
        _environment()
        .get_template("report.html.j2")
        .render(doc=doc, image=image, kind=lambda b: type(b).__name__, chapter_title=chapter_title)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
