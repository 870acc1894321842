"""The form maps of a print run: which ones it prints, how they differ from earlier runs, saving them.

Every questionnaire that goes out must later be read with the geometry it was
printed with. A print run therefore:

1. takes the form map of every language it prints a questionnaire in from the
   very layouts that render the batches;
2. compares each with the map last printed for that language (a reminder with
   a questionnaire after the questionnaire file, the municipality's name or
   logo, or papersurvey's layout changed) and refuses the run unless forced,
   because two questionnaires of one language in circulation cannot both be
   read with one map;
3. saves the maps under ``formmaps/`` and records them, with who got which, in
   the store and the job ticket (:mod:`survey.formmaps_store`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from print_batches.batches import Recipient
from print_batches.painters import round_language
from survey.errors import ConflictError, ProjectError
from survey.formmap import FormMap, describe_difference
from survey.formmaps_store import (
    PrintedMap,
    all_run_maps,
    form_map_sha256,
    latest_maps,
    load_form_map,
    save_form_map,
)
from survey.project import Project

log = logging.getLogger("papersurvey.print.formmaps")


def questionnaire_recipients(
    project: Project, recipients: Iterable[Recipient]
) -> dict[str, list[str]]:
    """Printed language -> pseudonyms, for the recipients whose envelope holds a questionnaire."""
    who: dict[str, list[str]] = defaultdict(list)
    for r in recipients:
        if r.variant.with_questionnaire:
            who[round_language(project, r.language)].append(r.pseudonym)
    return dict(sorted(who.items()))


@dataclass(frozen=True)
class MapChange:
    """A language whose form map would now differ from the one last printed for it.

    Attributes:
        language: the language.
        run: the run that printed the earlier map.
        sent_at: when that run was produced.
        printed: the earlier map's record.
        difference: what differs, for a person.
    """

    language: str
    run: str
    sent_at: str
    printed: PrintedMap
    difference: str

    def sentence(self) -> str:
        return (
            f"The {self.language} questionnaire now lays out differently from the one printed in "
            f"the {self.run} run on {self.sent_at} ({self.printed.file}): {self.difference}."
        )


def compare_with_printed(project: Project, maps: Mapping[str, FormMap]) -> list[MapChange]:
    """Per language of ``maps``, how it differs from the map last printed in that language.

    Maps that differ only in their informative ``meta`` (the title) are the same.
    """
    latest = latest_maps(all_run_maps(project.store))
    changes = []
    for lang, fm in maps.items():
        if lang not in latest:
            continue
        run, printed = latest[lang]
        if form_map_sha256(fm) == printed.sha256:
            continue
        try:
            before = load_form_map(project.paths, printed)
        except ProjectError as exc:
            changes.append(MapChange(lang, run.run, run.sent_at, printed, exc.message))
            continue
        if before != fm:
            diff = describe_difference(before, fm)
            changes.append(MapChange(lang, run.run, run.sent_at, printed, diff))
    return changes


def explain_changes(changes: Sequence[MapChange]) -> str:
    """The changes as sentences, for a refusal ("" when there are none)."""
    if not changes:
        return ""
    return " ".join(c.sentence() for c in changes) + (
        " Printing it would put two versions of the questionnaire in circulation: respondents "
        "would answer different questions, or the same questions on other pages, and a "
        "respondent sent both may return either. papersurvey keeps every printed form map and "
        "reads each returned page with the version it shows, but the comparison of answers is "
        "a research decision."
    )


def refuse_changes(changes: Sequence[MapChange], *, run: str, force: bool) -> None:
    """Refuse a run whose questionnaires differ from those printed before, unless ``force``.

    Raises:
        ConflictError: there are changes and ``force`` is false.
    """
    if not changes:
        return
    if force:
        for c in changes:
            log.warning(
                "%s (--force: both versions are in circulation; each returned %s page is read "
                "with the form map of the version it shows)",
                c.sentence(),
                c.language,
            )
        return
    raise ConflictError(
        explain_changes(changes) + f" Nothing was changed. Undo the change (to the questionnaire, "
        "or to the municipality, logo or survey code in survey.toml) to print the same "
        "questionnaire again. If the earlier questionnaires were never sent, or two versions in "
        f"circulation are intended, make the {run} run again with --force."
    )


def save_run_maps(
    project: Project, maps: Mapping[str, FormMap], who: Mapping[str, Sequence[str]]
) -> list[PrintedMap]:
    """Save every map of the run under ``formmaps/`` (idempotent) with the pseudonyms that got it.

    Raises:
        ValidationError: a map breaks the form map JSON Schema.
    """
    survey_id = project.settings.survey.id
    saved = []
    for lang, fm in maps.items():
        m = save_form_map(project.paths, survey_id, lang, fm)
        saved.append(
            PrintedMap(
                m.language, m.sha256, m.file, m.form_id, m.version_hash, tuple(who.get(lang, ()))
            )
        )
    return saved


def ticket_entry(printed: Iterable[PrintedMap]) -> dict[str, dict[str, Any]]:
    """The job ticket's ``form_maps``: per language the file, its SHA-256 and the sets it went into."""
    return {
        m.language: {
            "file": m.file,
            "sha256": m.sha256,
            "form_id": m.form_id,
            "version_hash": m.version_hash,
            "sets": len(m.pseudonyms),
        }
        for m in sorted(printed, key=lambda m: m.language)
    }
