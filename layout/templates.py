"""Letter templates: plain-text files a municipality can edit without code.

Format (``survey/data/letters/<variant>.<language>.txt``; a project keeps its
own copies in ``DIR/letters/``)::

    Onderwerp: Vragenlijst over Werk en Inkomen      <- line 1 (``Subject:`` in English)
                                                     <- line 2 blank
    {aanhef}                                         <- paragraphs, a blank line between

    De gemeente {gemeente} wil graag weten ...       <- one line per paragraph; wrapped

    - Ga naar {url}                                  <- lines starting "- ": a bulleted list
    - Vul uw inlogcode in: {code}

    Met vriendelijke groet,

    {afzender_naam}                                  <- a line break inside a paragraph
    {afzender_functie}                                  is kept

Merge fields use ``str.format`` syntax; only :data:`MERGE_FIELDS` are allowed.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from survey.errors import LetterTemplateError, Problem

VARIANTS = ("invitation_online", "invitation_paper", "reminder")
MERGE_FIELDS = (
    "aanhef",
    "gemeente",
    "url",
    "code",
    "einddatum",
    "telefoon",
    "email",
    "tijden",
    "bureau",
    "afzender_naam",
    "afzender_functie",
)
SUBJECT_PREFIXES = ("Onderwerp:", "Subject:")
BULLET = "- "


@dataclass(frozen=True)
class Paragraph:
    """A paragraph: ``kind`` is ``text`` (lines are hard line breaks) or ``bullets`` (one item per line)."""

    kind: str
    lines: tuple[str, ...]

    def fields(self) -> set[str]:
        return {f for line in self.lines for f in _fields(line)}


@dataclass(frozen=True)
class LetterTemplate:
    """A parsed letter template (merge fields still in place)."""

    subject: str
    paragraphs: tuple[Paragraph, ...]
    source: str = ""

    @classmethod
    def parse(cls, text: str, source: str = "letter template") -> LetterTemplate:
        """Parse template text; every problem is reported at once.

        Raises:
            LetterTemplateError: no subject line, no blank second line, an
                unknown merge field or a stray brace.
        """
        problems: list[Problem] = []
        lines = text.replace("\r\n", "\n").replace("\ufeff", "").split("\n")
        first = lines[0].strip() if lines else ""
        prefix = next((p for p in SUBJECT_PREFIXES if first.lower().startswith(p.lower())), None)
        if prefix is None:
            problems.append(
                Problem(
                    source,
                    1,
                    "",
                    "The first line is not the subject.",
                    "Start the file with 'Onderwerp: ...'.",
                )
            )
            subject = ""
        else:
            subject = first[len(prefix) :].strip()
        if len(lines) > 1 and lines[1].strip():
            problems.append(
                Problem(
                    source,
                    2,
                    "",
                    "Line 2 must be empty.",
                    "Leave one blank line after the subject.",
                )
            )
        for number, line in enumerate(lines, start=1):
            try:
                unknown = sorted(_fields(line) - set(MERGE_FIELDS))
            except ValueError as exc:
                problems.append(
                    Problem(
                        source,
                        number,
                        "",
                        f"Broken merge field: {exc}.",
                        "Write fields as {naam}; no other braces.",
                    )
                )
                continue
            for name in unknown:
                problems.append(
                    Problem(
                        source,
                        number,
                        "",
                        f"Unknown merge field {{{name}}}.",
                        f"Use one of: {', '.join(MERGE_FIELDS)}.",
                    )
                )
        if problems:
            raise LetterTemplateError(
                f"The letter template {source} has problems; fix them and try again.", problems
            )
        return cls(subject, _paragraphs(lines[2:]), source)

    @classmethod
    def load(cls, path: Path) -> LetterTemplate:
        """Read a template file (UTF-8)."""
        return cls.parse(Path(path).read_text(encoding="utf-8-sig"), str(path))

    def fields(self) -> set[str]:
        """Every merge field the template uses."""
        return set(_fields(self.subject)).union(*(p.fields() for p in self.paragraphs))

    def merged(self, values: Mapping[str, str]) -> LetterTemplate:
        """The template with merge fields filled in (missing ones become empty)."""
        full = {name: values.get(name, "") for name in MERGE_FIELDS}
        return LetterTemplate(
            self.subject.format(**full),
            tuple(
                Paragraph(p.kind, tuple(line.format(**full) for line in p.lines))
                for p in self.paragraphs
            ),
            self.source,
        )


def _fields(line: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(line) if name is not None}


def _paragraphs(lines: list[str]) -> tuple[Paragraph, ...]:
    out: list[Paragraph] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            block.append(line.rstrip())
            continue
        if block:
            if all(x.lstrip().startswith(BULLET) for x in block):
                out.append(
                    Paragraph("bullets", tuple(x.lstrip()[len(BULLET) :].strip() for x in block))
                )
            else:
                out.append(Paragraph("text", tuple(x.strip() for x in block)))
            block = []
    return tuple(out)


def template_path(folder: Path, variant: str, language: str) -> Path:
    """``folder/<variant>.<language>.txt``, falling back to Dutch when the language has none."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown letter variant {variant!r}; one of {', '.join(VARIANTS)}")
    path = Path(folder) / f"{variant}.{language}.txt"
    return path if path.is_file() else Path(folder) / f"{variant}.nl.txt"


def default_letters_folder() -> Path:
    """The shipped templates (``survey/data/letters``)."""
    import survey

    return Path(survey.__file__).with_name("data") / "letters"
