"""Quotes in the report: in their question's chapter, after its figures, in HTML and PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from analysis.report import ReportOptions, make_report
from papersurvey.cli import main
from survey.project import Project
from tests.analysis.conftest import PHONE_TEXT, OpenRound, simulated_texts
from tests.conftest import WriteCsv

Q56, Q58 = "q56_good_point_explain", "q58_improve_point_explain"
CHAPTER = "Wat is goed en wat kan beter?"


class Outline(HTMLParser):
    """The report's HTML as ``(section heading, tag, text)`` for headings, captions,
    paragraphs and quotations, in document order."""

    TAGS = ("h2", "h3", "p", "caption", "figcaption", "blockquote")

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, str, str]] = []
        self.section = ""
        self.open: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self.section = "?"
        if tag in self.TAGS:
            self.open.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1][0] == tag:
            name, parts = self.open.pop()
            text = " ".join("".join(parts).split())
            if name == "h2" and self.section == "?":
                self.section = text
            if self.open:  # a <p> inside a <blockquote>: part of the quotation
                self.open[-1][1].append(text)
            elif self.section not in ("", "?"):
                self.events.append((self.section, name, text))

    def handle_data(self, data: str) -> None:
        if self.open:
            self.open[-1][1].append(data)


def outline(html: str) -> list[tuple[str, str, str]]:
    parser = Outline()
    parser.feed(html)
    return parser.events


def quotes_of(open_round: OpenRound) -> tuple[str, str, str]:
    """Three different unflagged answers to quote: one to q56, two to q58 (one shortened)."""
    a56 = simulated_texts(open_round.round, Q56)[0]
    a58 = [x for x in simulated_texts(open_round.round, Q58) if x != a56]
    return a56, a58[0], a58[1]


def index(events: list[tuple[str, str, str]], tag: str, start: str, after: int = -1) -> int:
    return next(
        i for i, (_, t, x) in enumerate(events) if i > after and t == tag and x.startswith(start)
    )


def test_report_prints_the_quotes_after_their_questions_figures(
    open_round: OpenRound, write_csv: WriteCsv, tmp_path: Path
) -> None:
    q56, q58a, q58b = quotes_of(open_round)
    short = " ".join(q58b.split()[:2]) + " ..."
    path = write_csv("citaten.csv", [["question", "quote"], [Q58, q58a], ["56", q56], [Q58, short]])
    with Project.open(open_round.root) as project:
        out = make_report(project, ReportOptions(quotes=path, out_dir=tmp_path, dpi=30))
    assert out.quotes == 3 and out.warnings == ()
    pdf, html = out.files

    events = outline(html.read_text(encoding="utf-8"))
    quoted = [(s, x) for s, t, x in events if t == "blockquote"]
    chapter = quoted[0][0]
    assert chapter.endswith(CHAPTER)
    assert quoted == [(chapter, f"‘{q56}’"), (chapter, f"‘{q58a}’"), (chapter, f"‘{short}’")]
    # each question's quotes follow its own count and the top list of the question before,
    # and come before the next question's top list (a table, or a sentence when every
    # share rests on too few people)
    good = next(
        i
        for i, (_, t, x) in enumerate(events)
        if i > index(events, "h2", chapter) and "Beste punt" in x and t in ("caption", "p")
    )
    intro56 = index(events, "p", "Op de open vraag", good)
    assert events[intro56][2].endswith("Enkele toelichtingen uit de open antwoorden:")
    assert events[intro56 + 1][1:] == ("blockquote", f"‘{q56}’")
    improve = index(events, "caption", "Tabel", intro56)
    assert "Belangrijkste verbeterpunt" in events[improve][2]  # the report label
    intro58 = index(events, "p", "Op de open vraag", improve)
    assert [e[2] for e in events[intro58 + 1 : intro58 + 3]] == [f"‘{q58a}’", f"‘{short}’"]
    method = [x for s, t, x in events if s.endswith("Onderzoeksverantwoording") and t == "p"]
    assert any(x.startswith("De citaten uit de open antwoorden") for x in method)

    text = " ".join(_pdftotext(pdf).split())
    start = text.rindex(chapter)  # the chapter itself, after its line in the contents
    end = text.index("Bijlage A. Respons", start)
    body = text[start:end]
    positions = [body.find(f"‘{x}’") for x in (q56, q58a, short)]
    assert -1 not in positions and positions == sorted(positions)
    assert body.find("Enkele toelichtingen uit de open antwoorden:") < positions[0]
    assert body.find("Belangrijkste verbeterpunt") in range(*positions[:2])
    assert f"‘{q56}’" not in text[:start] + text[end:]


def _pdftotext(pdf: Path) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:  # pragma: no cover - poppler-utils is a system dependency of the project
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(
        [exe, "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_cli_report_with_quotes_in_english(
    open_round: OpenRound,
    write_csv: WriteCsv,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    q56, _, _ = quotes_of(open_round)
    path = write_csv(
        "quotes.csv",
        [["question", "quote"], [Q56, q56], [Q58, "Niemand schreef dit."]],
        delimiter=",",
    )
    args = ["report", str(open_round.root), "--format", "html", "--language", "en", "--dpi", "30"]
    assert main([*args, "--quotes", str(path), "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "2 quotes from open answers printed, 1 warning (above)." in captured.out
    assert re.search(r"quotes\.csv, row 3: the quote does not occur", captured.err)
    events = outline((tmp_path / "report.html").read_text(encoding="utf-8"))
    quoted = [(s, x) for s, t, x in events if t == "blockquote"]
    assert quoted[0] == (quoted[0][0], f"‘{q56}’") and len(quoted) == 2
    assert quoted[0][0].endswith("What is good and what could be better?")
    assert any(x.endswith("Some explanations from the open answers:") for _, t, x in events)


def test_cli_refuses_a_bad_quotes_file_before_writing(
    open_round: OpenRound, write_csv: WriteCsv, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(
        "quotes.csv", [["question", "quote"], [Q58, PHONE_TEXT], ["q55_good_point", "Goed."]]
    )
    out = tmp_path / "report"
    args = ["report", str(open_round.root), "--format", "html", "--out", str(out)]
    assert main([*args, "--quotes", str(path)]) == 3
    err = capsys.readouterr().err
    assert "quotes.csv, row 2, column 'quote': the quote looks like it holds a phone number" in err
    assert "row 3, column 'question': q55_good_point is a choice question" in err
    assert not out.exists()
    assert main([*args, "--quotes", str(path), "--allow-flagged-quotes"]) == 3
    err = capsys.readouterr().err
    assert "phone number" not in err and "q55_good_point is a choice question" in err
