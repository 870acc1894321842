"""Scan sources: which files to read, what they are, and their pages as small references.

The parent process inspects every input once: it expands folders, recognises
the format from the first bytes (never from the extension), hashes the file
and counts its pages. A file that cannot be used at all (not an image, an
encrypted or damaged PDF) is returned with a ``problem`` instead of raising,
so one bad file never stops a batch. Pages leave this module as
:class:`PageRef` descriptors: a path, the file's hash and a page index. They
are small and picklable; the worker decodes the page itself
(:func:`ingest.decode.load_page`).
"""

from __future__ import annotations

import hashlib
import logging
import re
import warnings
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import pikepdf
from PIL import Image

from survey.errors import Problem, ValidationError
from survey.executors import available_cores

log = logging.getLogger("papersurvey.ingest.sources")

INSPECT_THREADS = 4  # files hashed at once (more only contends for the disk)


class Kind(StrEnum):
    """The container formats papersurvey reads."""

    PDF = "pdf"
    TIFF = "tiff"
    IMAGE = "image"  # a single PNG or JPEG


_MAGIC: tuple[tuple[bytes, Kind], ...] = (
    (b"%PDF-", Kind.PDF),
    (b"II*\x00", Kind.TIFF),
    (b"MM\x00*", Kind.TIFF),
    (b"\x89PNG\r\n\x1a\n", Kind.IMAGE),
    (b"\xff\xd8\xff", Kind.IMAGE),
)
_OTHER_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive or an Office document"),
    (b"GIF8", "a GIF image"),
    (b"BM", "a BMP image"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"RIFF", "a WebP image or another RIFF file"),
)


@dataclass(frozen=True)
class ScanFile:
    """One input file as inspected by the parent.

    Attributes:
        path: absolute path.
        kind: the container format, or ``None`` when unrecognised.
        size: size in bytes.
        sha256: SHA-256 of the whole file (identifies a file scanned twice).
        page_count: pages that can be attempted (0 when unusable).
        problem: why the file cannot be read at all; empty when usable.
        warning: something the operator should know about a usable file
            (for example a TIFF truncated after some pages).
    """

    path: str
    kind: Kind | None
    size: int
    sha256: str
    page_count: int
    problem: str = ""
    warning: str = ""

    @property
    def usable(self) -> bool:
        return not self.problem and self.page_count > 0

    @property
    def name(self) -> str:
        return Path(self.path).name


@dataclass(frozen=True)
class PageRef:
    """A page to read: small, picklable, decoded by the worker.

    Attributes:
        path: absolute path of the scan file.
        file_sha256: the file's hash at inspection (the worker never re-hashes).
        kind: the container format.
        index: 0-based page index in the file.
    """

    path: str
    file_sha256: str
    kind: Kind
    index: int

    @property
    def label(self) -> str:
        """``name.pdf p.3``: how a page is named in messages (1-based)."""
        return f"{Path(self.path).name} p.{self.index + 1}"


def _natural_key(path: Path) -> list[object]:
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", str(path))]


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named on the command line, folders expanded recursively in natural order.

    Hidden files (``.DS_Store``) are left out; anything else in a folder is
    inspected, so a stray file is reported rather than silently ignored.

    Raises:
        ValidationError: listing every path that does not exist.
    """
    out: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        p = Path(raw).expanduser().resolve()
        if p.is_dir():
            found = [
                f
                for f in p.rglob("*")
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
            ]
            out.extend(sorted(found, key=_natural_key))
        elif p.is_file():
            out.append(p)
        else:
            problems.append(
                Problem(str(raw), 0, "", "no such file or folder.", "Check the path and try again.")
            )
    if problems:
        raise ValidationError("Some scan paths do not exist; nothing was read.", problems)
    seen: set[Path] = set()
    return [p for p in out if not (p in seen or seen.add(p))]  # type: ignore[func-returns-value]


def sniff(head: bytes) -> Kind | None:
    """The container format from a file's first bytes, or ``None``."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


def _describe_unknown(head: bytes) -> str:
    for magic, what in _OTHER_MAGIC:
        if head.startswith(magic):
            return f"this is {what}, not a scan"
    if not head:
        return "the file is empty"
    if all(32 <= b < 127 or b in (9, 10, 13) for b in head[:64]):
        return "this is a text file, not a scan"
    return "this is not a PDF, TIFF, PNG or JPEG file"


def file_sha256(path: Path) -> str:
    """SHA-256 of a whole file, streamed."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _count_pdf_pages(path: Path) -> tuple[int, str]:
    try:
        with pikepdf.open(path) as pdf:
            return len(pdf.pages), ""
    except pikepdf.PasswordError:
        return 0, (
            "the PDF is encrypted with a password. Export the scans again without "
            "a password (or with only an owner password) and scan that file."
        )
    except pikepdf.PdfError as exc:
        return 0, f"the PDF is damaged and cannot be opened ({_short(exc)})."


@contextmanager
def _quiet_pil() -> Iterator[None]:
    """PIL warns about damaged metadata; the problem text says it better."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _count_tiff_pages(path: Path) -> tuple[int, str, str]:
    """Pages, problem, warning. A truncated TIFF keeps the pages before the damage."""
    try:
        with _quiet_pil(), Image.open(path) as im:
            count = 1
            while True:
                try:
                    im.seek(count)
                except EOFError:
                    return count, "", ""
                except Exception as exc:  # PIL raises assorted types on damaged data
                    return (
                        count,
                        "",
                        (
                            f"the TIFF is damaged after page {count} ({_short(exc)}); "
                            f"pages after {count} cannot be read. Scan them again."
                        ),
                    )
                count += 1
    except Exception as exc:  # PIL raises assorted types on damaged data
        return 0, f"the TIFF is damaged and cannot be opened ({_short(exc)}).", ""


def _check_image(path: Path) -> str:
    try:
        with _quiet_pil(), Image.open(path) as im:
            im.verify()
    except Exception as exc:  # PIL raises assorted types on damaged data
        return f"the image is damaged and cannot be opened ({_short(exc)})."
    return ""


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def inspect_file(path: Path) -> ScanFile:
    """Recognise, hash and count one file. Never raises for bad content."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(64)
    digest = file_sha256(path)
    kind = sniff(head)
    if kind is None:
        return ScanFile(str(path), None, size, digest, 0, problem=_describe_unknown(head))
    warning = ""
    if kind is Kind.PDF:
        pages, problem = _count_pdf_pages(path)
    elif kind is Kind.TIFF:
        pages, problem, warning = _count_tiff_pages(path)
    else:
        problem = _check_image(path)
        pages = 0 if problem else 1
    if not problem and pages == 0:
        problem = "the file holds no pages."
    return ScanFile(str(path), kind, size, digest, pages, problem=problem, warning=warning)


def inspect_paths(paths: Iterable[str | Path]) -> Iterator[ScanFile]:
    """Inspect every file under ``paths``, in command-line then natural order.

    Hashing a batch of scanner PDFs reads every byte (about a second for 2,000
    pages), so the files are inspected on a few threads at once (hashing and
    reading release the GIL) and handed out in order as they are done. A
    caller that stops early cancels the files not started yet.
    """
    files = list(expand_paths(paths))
    threads = min(INSPECT_THREADS, available_cores(), len(files))
    if threads < 2:
        yield from map(inspect_file, files)
        return
    with ThreadPoolExecutor(threads, thread_name_prefix="inspect") as pool:
        futures = [pool.submit(inspect_file, path) for path in files]
        try:
            for future in futures:
                yield future.result()
        finally:
            for future in futures:
                future.cancel()


def page_refs(scan: ScanFile, skip: frozenset[int] | set[int] = frozenset()) -> Iterator[PageRef]:
    """The pages of a usable file as references, leaving out indexes in ``skip``."""
    if not scan.usable or scan.kind is None:
        return
    for i in range(scan.page_count):
        if i not in skip:
            yield PageRef(scan.path, scan.sha256, scan.kind, i)
