"""The fixed texts printed on the questionnaire, in Dutch (B1) and English.

Question wording comes from the questionnaire itself; these are the few
sentences the layout adds: page numbers, routing instructions, the marking
instructions on the first page. Dutch is the default, English the second
language; a missing language falls back to Dutch.
"""

from __future__ import annotations

_TEXTS: dict[str, dict[str, str]] = {
    "page_of": {"nl": "pagina {page} van {pages}", "en": "page {page} of {pages}"},
    "continue": {
        "nl": "Ga verder op de volgende pagina \u2192",
        "en": "Please turn to the next page \u2192",
    },
    "goto": {"nl": "\u2192 Ga door naar vraag {number}", "en": "\u2192 Go to question {number}"},
    "goto_end": {
        "nl": "\u2192 Ga door naar het einde van de vragenlijst",
        "en": "\u2192 Go to the end of the questionnaire",
    },
    "goto_answer": {
        "nl": "Antwoord {answer}? Ga door naar vraag {number}.",
        "en": "Answer {answer}? Go to question {number}.",
    },
    "goto_answer_end": {
        "nl": "Antwoord {answer}? Ga door naar het einde van de vragenlijst.",
        "en": "Answer {answer}? Go to the end of the questionnaire.",
    },
    "goto_row": {
        "nl": "Vraag {row}: antwoord {answer}? Ga door naar vraag {number}.",
        "en": "Question {row}: answer {answer}? Go to question {number}.",
    },
    "goto_row_end": {
        "nl": "Vraag {row}: antwoord {answer}? Ga door naar het einde van de vragenlijst.",
        "en": "Question {row}: answer {answer}? Go to the end of the questionnaire.",
    },
    "continued": {"nl": "(vervolg)", "en": "(continued)"},
    "grid_hint": {"nl": "Zet op elke regel één kruisje.", "en": "Put one cross on each line."},
    "multiple": {
        "nl": "Meerdere antwoorden mogelijk.",
        "en": "You may choose more than one answer.",
    },
    "write_here": {
        "nl": "Schrijf uw antwoord op de lijnen.",
        "en": "Write your answer on the lines.",
    },
    "write_number": {"nl": "Schrijf een getal in het vak.", "en": "Write a number in the box."},
    "how_title": {"nl": "Zo vult u de vragenlijst in", "en": "How to fill in the questionnaire"},
    "how_pen": {"nl": "Gebruik een blauwe of zwarte pen.", "en": "Use a blue or black pen."},
    "how_cross": {"nl": "Zet een kruisje in het hokje:", "en": "Put a cross in the box:"},
    "how_correct": {
        "nl": "Vergist? Maak het hokje helemaal zwart en kruis het goede hokje aan:",
        "en": "Made a mistake? Fill the box completely and cross the right box:",
    },
}


def text(key: str, language: str = "nl", **fields: object) -> str:
    """The fixed text ``key`` in ``language`` (falling back to Dutch), with ``fields`` filled in."""
    by_language = _TEXTS[key]
    template = by_language.get(language) or by_language["nl"]
    return template.format(**fields) if fields else template


def keys() -> tuple[str, ...]:
    """Every text key (for tests that check both languages are complete)."""
    return tuple(_TEXTS)


def languages(key: str) -> tuple[str, ...]:
    """The languages ``key`` is available in."""
    return tuple(_TEXTS[key])
