"""Assembly: identified pages grouped per pseudonym into returned questionnaires.

Pure functions over small page entries; :mod:`ingest.finalise` loads the
entries from the store and writes the outcome back.

The rules (also in ``docs/scanning.md``):

* **One image, one count.** The same page image (same bytes) read from two
  positions is one page; the second position is recorded as a repeat before
  assembly ever sees it.
* **Page scanned twice.** Two different images of the same pseudonym and page
  number whose answers are identical are one sheet that went through the
  scanner twice. The copy scanned first is kept; the other is marked
  ``duplicate`` (kind ``rescanned_page``), kept for audit, and needs nobody.
* **Returned twice.** Two different images of the same pseudonym and page
  number whose answers differ are two filled-in copies (a photocopy, or a
  second questionnaire). The copy scanned first is kept and counts; the
  other is marked ``duplicate`` (kind ``returned_twice``) and gets a
  page-level review item so an operator can choose the other copy instead.
* **Missing pages.** A pseudonym whose pages do not cover the whole
  questionnaire is *incomplete*: the answers on the pages that came back
  count, the missing page numbers are listed in the batch report (look for
  them among the unidentified pages in quarantine).
* "First scanned" means scan order: earlier batch, then the file's position
  in its batch, then the page's position in the file. It never depends on
  which worker finished first, so a resumed batch assembles exactly as a
  clean run does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class DuplicateKind(StrEnum):
    """Why a page image was not used although it was read and identified."""

    RESCANNED_PAGE = "rescanned_page"  # same answers: one sheet scanned twice
    RETURNED_TWICE = "returned_twice"  # different answers: a photocopy or a second copy


@dataclass(frozen=True)
class PageEntry:
    """An identified page, as assembly needs it.

    Attributes:
        image_sha256: the page key.
        pseudonym: the respondent from the verified page code.
        page_no: the questionnaire page number from the code (1-based).
        order: the scan order: ``(batch start, batch, file position, page index)``.
        answers: ``(question, stored value)`` pairs, to compare two copies.
        label: ``file.pdf p.3``, for messages.
    """

    image_sha256: str
    pseudonym: str
    page_no: int
    order: tuple[str, str, int, int]
    answers: tuple[tuple[str, str | None], ...] = ()
    label: str = ""


@dataclass(frozen=True)
class Duplicate:
    """A page image that lost to an earlier copy of the same pseudonym and page."""

    pseudonym: str
    page_no: int
    kind: DuplicateKind
    kept: PageEntry
    other: PageEntry

    @property
    def reason(self) -> str:
        what = "the same answers" if self.kind is DuplicateKind.RESCANNED_PAGE else "other answers"
        return (
            f"page {self.page_no} of {self.pseudonym} was already read from {self.kept.label} "
            f"({what}); the copy scanned first counts"
        )


@dataclass(frozen=True)
class Returned:
    """One respondent's questionnaire as it came back on paper.

    Attributes:
        pseudonym: the respondent.
        pages: page number -> key of the page image that counts.
        missing: page numbers that did not come back.
    """

    pseudonym: str
    pages: dict[int, str]
    missing: tuple[int, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class Assembly:
    """The outcome of :func:`assemble`."""

    returned: dict[str, Returned]
    duplicates: tuple[Duplicate, ...]

    @property
    def winners(self) -> set[str]:
        """Keys of every page image whose answers count."""
        return {sha for r in self.returned.values() for sha in r.pages.values()}

    @property
    def returned_twice(self) -> tuple[str, ...]:
        """Pseudonyms with at least one page returned twice with other answers."""
        return tuple(
            sorted({d.pseudonym for d in self.duplicates if d.kind is DuplicateKind.RETURNED_TWICE})
        )


def assemble(entries: Iterable[PageEntry], page_count: int) -> Assembly:
    """Group identified pages per pseudonym, resolving duplicates by scan order.

    Args:
        entries: every identified page of the round (any order).
        page_count: pages in the questionnaire.
    """
    by_page: dict[tuple[str, int], list[PageEntry]] = defaultdict(list)
    for e in entries:
        by_page[(e.pseudonym, e.page_no)].append(e)
    pages: dict[str, dict[int, str]] = defaultdict(dict)
    duplicates: list[Duplicate] = []
    for (pseudonym, page_no), copies in sorted(by_page.items()):
        copies.sort(key=lambda e: (e.order, e.image_sha256))
        kept = copies[0]
        pages[pseudonym][page_no] = kept.image_sha256
        for other in copies[1:]:
            kind = (
                DuplicateKind.RESCANNED_PAGE
                if other.answers == kept.answers
                else DuplicateKind.RETURNED_TWICE
            )
            duplicates.append(Duplicate(pseudonym, page_no, kind, kept, other))
    expected = set(range(1, page_count + 1))
    returned = {
        p: Returned(p, dict(sorted(got.items())), tuple(sorted(expected - set(got))))
        for p, got in sorted(pages.items())
    }
    return Assembly(returned, tuple(duplicates))
