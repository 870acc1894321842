"""Search a project folder for the personal data of an address file, in the usual encodings.

Used by the whole-demo privacy test. Every file outside the excluded folders
is read as bytes and, where the format hides text, also as the text it holds:
PDFs (text extracted with pypdfium2), SQLite stores (every cell), ZIP
containers such as .xlsx, Parquet and SPSS files (their cells), gzip. In
each of these views every needle is looked for case-insensitively as UTF-8,
UTF-16, JSON and HTML escapes, URL encoding and base64 (three alignments).
Client numbers and postcodes are matched only as whole tokens, so a
checksum that happens to contain the digits is not a hit.
"""

from __future__ import annotations

import base64
import gzip
import html
import io
import json
import re
import sqlite3
import urllib.parse
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from papersurvey.demo.addresses import FakePerson


@dataclass(frozen=True)
class Needle:
    what: str  # "name", "street", "postcode", "email", "client number"
    text: str
    whole_token: bool = False


def needles(people: Iterable[FakePerson]) -> list[Needle]:
    out = []
    for p in people:
        last = f"{p.infix} {p.last_name}".strip()
        out += [
            Needle("name", f"{p.first_name} {last}"),
            Needle("name", f"{p.first_name} {p.last_name}"),
            Needle("name", f"{last}, {p.first_name}"),
            Needle("street", f"{p.street} {p.house_number}"),
            Needle("postcode", f"{p.postcode} {p.house_number}"),
            Needle("postcode", f"{p.postcode.replace(' ', '')}{p.house_number}", True),
            Needle("postcode", f"{p.postcode.replace(' ', '')} {p.house_number}", True),
            Needle("client number", p.client_number, True),
        ]
        if p.email:
            out.append(Needle("email", p.email))
    return out


def _encodings(text: str) -> Iterator[tuple[str, bytes]]:
    low = text.casefold()
    yield "utf-8", low.encode()
    yield "utf-16", low.encode("utf-16-le")
    yield "json", json.dumps(low)[1:-1].encode()
    yield "html", html.escape(low).encode()
    yield "url", urllib.parse.quote(low).lower().encode()
    yield "url+", urllib.parse.quote_plus(low).lower().encode()
    raw = text.encode()
    for shift in range(3):  # base64 of the needle at each of the three alignments
        enc = base64.b64encode(b"\0" * shift + raw)
        # characters that depend on the bytes before, or after, the needle are left out
        chunk = enc[(0, 2, 3)[shift] : (len(raw) + shift) // 3 * 4]
        if len(chunk) >= 6:
            yield f"base64/{shift}", chunk


def _pdf_objects(data: bytes) -> bytes:
    """Every object of a PDF but its images, streams decompressed (metadata, fonts, text)."""
    import pikepdf

    parts = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                if obj.get("/Subtype") == pikepdf.Name.Image:
                    continue
                try:
                    parts.append(obj.read_bytes())
                except pikepdf.PdfError:
                    parts.append(obj.read_raw_bytes())
            elif isinstance(obj, pikepdf.Dictionary | pikepdf.Array | pikepdf.String):
                parts.append(repr(obj).encode())
    return b"\n".join(parts)


def _views(path: Path) -> Iterator[tuple[str, bytes]]:
    data = path.read_bytes()
    if data.startswith(b"%PDF"):  # scanned pages are mostly image bytes: search the rest
        import pypdfium2 as pdfium

        yield "pdf objects", _pdf_objects(data)

        pdf = pdfium.PdfDocument(data)
        try:
            text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
        finally:
            pdf.close()
        yield "pdf text", text.encode()
        return
    yield "bytes", data
    if data.startswith(b"SQLite format 3\0"):
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            cells = []
            tables = [
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            for t in tables:
                for row in conn.execute(f'SELECT * FROM "{t}"'):
                    cells += [c if isinstance(c, str) else repr(c) for c in row]
        finally:
            conn.close()
        yield "sqlite cells", "\n".join(cells).encode()
    elif data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            yield "zip members", b"\n".join(z.read(n) for n in z.namelist())
    elif data.startswith(b"\x1f\x8b"):
        yield "gzip", gzip.decompress(data)
    elif data.startswith(b"PAR1"):
        import pandas as pd

        yield "parquet cells", pd.read_parquet(path).to_csv().encode()
    elif data.startswith(b"$FL2") or data.startswith(b"$FL3"):
        import pyreadstat

        frame, _ = pyreadstat.read_sav(str(path))
        yield "spss cells", frame.to_csv().encode()


def _found(haystack: bytes, needle: bytes, whole_token: bool) -> bool:
    if needle not in haystack:
        return False
    if not whole_token:
        return True
    return re.search(rb"(?<![0-9a-z])" + re.escape(needle) + rb"(?![0-9a-z])", haystack) is not None


def find_personal_data(
    root: Path, people: Iterable[FakePerson], exclude: tuple[str, ...] = ("pii", "print")
) -> list[str]:
    """Every hit as ``file (view, encoding): what 'text'``; empty when nothing is found."""
    wanted, seen = [], set()
    for n in needles(people):
        for enc, b in _encodings(n.text):
            if (b, n.whole_token) not in seen:  # json and html of plain text are utf-8 again
                seen.add((b, n.whole_token))
                wanted.append((n, enc, b))
    hits = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or rel.parts[0] in exclude:
            continue
        for view, data in _views(path):
            low = data.lower()
            for n, enc, b in wanted:
                hay = data if enc.startswith("base64") else low
                if _found(hay, b, n.whole_token and enc == "utf-8"):
                    hits.append(f"{rel} ({view}, {enc}): {n.what} {n.text!r}")
    return hits
