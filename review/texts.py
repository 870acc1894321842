"""The review UI's texts: Dutch first, English second.

Templates call ``t("key")``; a key missing in English falls back to Dutch,
and a key missing everywhere shows the key itself (a test checks both
languages have the same keys). Reasons and box states have their own tables
so the machine's codes (``multiple_marks``, ``unregistrable``) never reach the
operator untranslated.
"""

from __future__ import annotations

from collections.abc import Callable

LANGUAGES = ("nl", "en")

UI: dict[str, dict[str, str]] = {
    "nl": {
        "app_title": "papersurvey controle",
        "login_title": "Inloggen",
        "login_intro": "Log in met uw naam en wachtwoord als operator van deze ronde.",
        "name": "Naam",
        "password": "Wachtwoord",
        "login": "Inloggen",
        "logout": "Uitloggen",
        "login_failed": "Naam of wachtwoord klopt niet.",
        "login_blocked": "Te vaak een verkeerd wachtwoord. Probeer het over een paar minuten opnieuw.",
        "csrf_failed": "Het formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens.",
        "logged_in_as": "Ingelogd als",
        "overview": "Overzicht",
        "questions_queue": "Vragen",
        "pages_queue": "Pagina's",
        "help": "Sneltoetsen",
        "progress": "Item {n} van {total}",
        "open_left": "{open} open",
        "question": "Vraag",
        "page": "Pagina",
        "respondent": "Respondent",
        "sheet": "Blad",
        "reason": "Reden",
        "machine_reading": "Lezing van de machine",
        "confidence": "zekerheid",
        "choice": "Antwoord",
        "box_state": "Vakje",
        "ink": "inkt",
        "no_answer": "Geen antwoord",
        "no_answer_key": "Geen antwoord (Backspace)",
        "confirm": "Lezing klopt (Enter)",
        "save_choice": "Keuze opslaan (Enter)",
        "choose": "Kies het bedoelde antwoord",
        "decided_by": "Besloten door {who} op {when}",
        "decision": "Besluit",
        "previous": "Vorige (K / ←)",
        "next": "Volgende (J / →)",
        "no_clip": "Geen uitsnede beschikbaar; hieronder staat de hele pagina.",
        "no_image": "Geen afbeelding beschikbaar.",
        "no_reading": "De machine heeft deze vraag niet gelezen.",
        "all_done": "Alles is gecontroleerd. Er staan geen open vragen meer.",
        "nothing_here": "Er is niets te controleren.",
        "open_items": "open",
        "decided_items": "besloten",
        "start_review": "Begin met controleren",
        "continue": "Verder",
        "pages_intro": "Pagina's die niet aan een respondent gekoppeld konden worden, of die dubbel zijn teruggekomen.",
        "assign": "Koppelen",
        "assign_title": "Koppel deze pagina aan een respondent",
        "pseudonym": "Code (9 tekens, onder de QR-code)",
        "page_number": "Paginanummer",
        "mark_foreign": "Geen pagina van deze ronde",
        "mark_blank": "Lege pagina",
        "keep_first": "De eerste kopie telt",
        "use_this": "Deze kopie telt",
        "copies_title": "Twee kopieën van dezelfde pagina",
        "copy_kept": "Eerste kopie ({source})",
        "copy_this": "Deze kopie",
        "detail": "Toelichting",
        "state": "Status",
        "status_open": "open",
        "status_decided": "besloten",
        "status_dismissed": "vervallen",
        "saved": "Opgeslagen.",
        "page_decided": "Besluit opgeslagen.",
        "items_opened": "{n} vragen van deze pagina staan nu in de wachtrij.",
        "help_title": "Sneltoetsen",
        "help_digits": "kies antwoord 1 tot en met 9, 0 is het tiende antwoord (bij meerdere antwoorden: aan/uit)",
        "help_enter": "de lezing van de machine klopt (of: sla de gekozen antwoorden op)",
        "help_backspace": "geen antwoord",
        "help_move": "vorige of volgende vraag",
        "help_help": "deze hulp tonen of verbergen",
        "help_escape": "hulp sluiten",
        "multiple_hint": "Meerdere antwoorden mogelijk.",
        "language": "English",
        "not_found": "Niet gevonden.",
        "value_none": "(geen antwoord)",
        "machine_page": "Volgens de vakjes is dit pagina {n}.",
    },
    "en": {
        "app_title": "papersurvey review",
        "login_title": "Log in",
        "login_intro": "Log in with your operator name and password for this round.",
        "name": "Name",
        "password": "Password",
        "login": "Log in",
        "logout": "Log out",
        "login_failed": "Wrong name or password.",
        "login_blocked": "Too many wrong passwords. Try again in a few minutes.",
        "csrf_failed": "The form has expired. Reload the page and try again.",
        "logged_in_as": "Logged in as",
        "overview": "Overview",
        "questions_queue": "Questions",
        "pages_queue": "Pages",
        "help": "Shortcuts",
        "progress": "Item {n} of {total}",
        "open_left": "{open} open",
        "question": "Question",
        "page": "Page",
        "respondent": "Respondent",
        "sheet": "Sheet",
        "reason": "Reason",
        "machine_reading": "Machine reading",
        "confidence": "confidence",
        "choice": "Answer",
        "box_state": "Box",
        "ink": "ink",
        "no_answer": "No answer",
        "no_answer_key": "No answer (Backspace)",
        "confirm": "Reading is right (Enter)",
        "save_choice": "Save choice (Enter)",
        "choose": "Choose the intended answer",
        "decided_by": "Decided by {who} at {when}",
        "decision": "Decision",
        "previous": "Previous (K / ←)",
        "next": "Next (J / →)",
        "no_clip": "No clip available; the whole page is shown below.",
        "no_image": "No image available.",
        "no_reading": "The machine did not read this question.",
        "all_done": "Everything has been reviewed. No open questions are left.",
        "nothing_here": "There is nothing to review.",
        "open_items": "open",
        "decided_items": "decided",
        "start_review": "Start reviewing",
        "continue": "Continue",
        "pages_intro": "Pages that could not be linked to a respondent, or that came back twice.",
        "assign": "Assign",
        "assign_title": "Assign this page to a respondent",
        "pseudonym": "Code (9 characters, under the QR code)",
        "page_number": "Page number",
        "mark_foreign": "Not a page of this round",
        "mark_blank": "Blank page",
        "keep_first": "The first copy counts",
        "use_this": "This copy counts",
        "copies_title": "Two copies of the same page",
        "copy_kept": "First copy ({source})",
        "copy_this": "This copy",
        "detail": "Detail",
        "state": "State",
        "status_open": "open",
        "status_decided": "decided",
        "status_dismissed": "dismissed",
        "saved": "Saved.",
        "page_decided": "Decision saved.",
        "items_opened": "{n} questions of this page are now in the queue.",
        "help_title": "Keyboard shortcuts",
        "help_digits": "choose answer 1 to 9, 0 is the tenth answer (multiple answers: on/off)",
        "help_enter": "the machine's reading is right (or: save the chosen answers)",
        "help_backspace": "no answer",
        "help_move": "previous or next question",
        "help_help": "show or hide this help",
        "help_escape": "close the help",
        "multiple_hint": "More than one answer allowed.",
        "language": "Nederlands",
        "not_found": "Not found.",
        "value_none": "(no answer)",
        "machine_page": "The boxes say this is page {n}.",
    },
}

REASONS: dict[str, dict[str, str]] = {
    "nl": {
        "multiple_marks": "meer dan één kruisje bij één antwoord",
        "uncertain_mark": "twijfelachtig kruisje",
        "partly_filled": "half ingekleurd: gekozen of doorgestreept?",
        "mark_outside_box": "kruisje naast het vakje",
        "stray_line": "streep door het vakje",
        "filled_without_cross": "alleen ingekleurde vakjes",
        "unreadable": "vakjes onleesbaar",
        "no_reading": "pagina niet machinaal gelezen: vul het antwoord in",
        "unregistrable": "hoekmarkeringen niet gevonden",
        "unidentified": "paginacode niet leesbaar",
        "foreign": "pagina van een andere enquête of ronde",
        "unknown_respondent": "onbekende respondent",
        "returned_twice": "twee keer teruggekomen met andere antwoorden",
    },
    "en": {
        "multiple_marks": "more than one mark on a single-choice question",
        "uncertain_mark": "uncertain mark",
        "partly_filled": "partly filled: chosen or cancelled?",
        "mark_outside_box": "mark beside the box",
        "stray_line": "line through the box",
        "filled_without_cross": "only filled boxes",
        "unreadable": "boxes unreadable",
        "no_reading": "page not read by the machine: enter the answer",
        "unregistrable": "registration marks not found",
        "unidentified": "page code unreadable",
        "foreign": "page of another survey or round",
        "unknown_respondent": "unknown respondent",
        "returned_twice": "returned twice with other answers",
    },
}

BOX_STATES: dict[str, dict[str, str]] = {
    "nl": {"empty": "leeg", "marked": "kruisje", "filled": "ingekleurd"},
    "en": {"empty": "empty", "marked": "marked", "filled": "filled"},
}

DECISIONS: dict[str, dict[str, str]] = {
    "nl": {
        "foreign": "geen pagina van deze ronde",
        "blank": "lege pagina",
        "keep_first": "de eerste kopie telt",
        "use_this": "deze kopie telt",
        "other_copy": "vervallen: de andere kopie telt",
        "assign": "gekoppeld aan {pseudonym}, pagina {page}",
    },
    "en": {
        "foreign": "not a page of this round",
        "blank": "blank page",
        "keep_first": "the first copy counts",
        "use_this": "this copy counts",
        "other_copy": "dismissed: the other copy counts",
        "assign": "assigned to {pseudonym}, page {page}",
    },
}


def language(code: str | None) -> str:
    """A supported UI language: ``code`` if known, else Dutch."""
    return code if code in LANGUAGES else LANGUAGES[0]


def _lookup(table: dict[str, dict[str, str]], lang: str, key: str) -> str:
    return table.get(lang, {}).get(key) or table[LANGUAGES[0]].get(key) or key


def translator(lang: str) -> Callable[..., str]:
    """``t(key, **fields)`` for templates: the UI text in ``lang``, formatted."""

    def t(key: str, **fields: object) -> str:
        text = _lookup(UI, lang, key)
        return text.format(**fields) if fields else text

    return t


def reason_text(lang: str, reason: str) -> str:
    """A review reason in words (several reasons are joined by commas in the store)."""
    return "; ".join(_lookup(REASONS, lang, r) for r in reason.split(",") if r)


def box_state_text(lang: str, state: str) -> str:
    return _lookup(BOX_STATES, lang, state)


def decision_text(lang: str, value: str | None) -> str:
    """A stored page decision (``assign:P:3``, ``foreign``) in words."""
    if value and value.startswith("assign:"):
        _, pseudonym, page = [*value.split(":"), "", ""][:3]
        return _lookup(DECISIONS, lang, "assign").format(pseudonym=pseudonym, page=page)
    return _lookup(DECISIONS, lang, value or "")
