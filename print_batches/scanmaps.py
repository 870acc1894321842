"""The form maps to read a round's scanned pages with: the ones its questionnaires were printed with.

Per language, the map saved by the latest print run that printed a
questionnaire in it (:mod:`survey.formmaps_store`). Only when no run saved
one, because nothing was printed yet or the round was printed by a
papersurvey from before maps were saved, is the map built from the
questionnaire as it is now; for a round that *was* printed that is said in a
warning, since the questionnaire or its layout may have changed since.

When the questionnaire now lays out differently from what was printed, the
printed map is used and one warning line says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from print_batches.formmaps import describe_difference, questionnaire_form_maps
from print_batches.variants import Variant
from survey.errors import PaperSurveyError, ProjectError
from survey.formmap import FormMap
from survey.formmaps_store import (
    PrintedMap,
    RunMaps,
    all_run_maps,
    form_map_sha256,
    latest_maps,
    load_form_map,
)
from survey.project import Project

log = logging.getLogger("papersurvey.scan.formmaps")


@dataclass(frozen=True)
class ReadingMaps:
    """The form maps a scan reads with, and where they came from.

    Attributes:
        maps: per language, the round's default language first.
        files: per language read with a saved map, its file (relative to the project).
        built: languages whose map was built from the questionnaire as it is now.
        warnings: the warnings that were logged, one line each.
    """

    maps: dict[str, FormMap]
    files: dict[str, str]
    built: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def unrecorded_runs(project: Project, recorded: set[str]) -> list[str]:
    """Runs that printed questionnaires but saved no form maps (printed before maps were saved)."""
    with_questionnaire = [v.value for v in Variant if v.with_questionnaire]
    marks = ",".join("?" * len(with_questionnaire))
    rows = project.store.query(
        "SELECT DISTINCT substr(batch, 1, instr(batch, '/') - 1) FROM mailings "
        f"WHERE variant IN ({marks})",
        with_questionnaire,
    )
    return sorted({str(r[0]) for r in rows} - recorded)


def _ordered(project: Project, maps: dict[str, FormMap]) -> dict[str, FormMap]:
    languages = project.settings.survey.languages
    order = [lang for lang in languages if lang in maps]
    order += sorted(set(maps) - set(order))
    return {lang: maps[lang] for lang in order}


def _other_maps(
    project: Project, runs: list[RunMaps], lang: str, chosen: PrintedMap, used: FormMap
) -> list[str]:
    """Warnings for respondents sent a ``lang`` questionnaire with another map than ``chosen``."""
    lines = []
    for run in runs:
        m = run.get(lang)
        if m is None or m.sha256 == chosen.sha256:
            continue
        try:
            if load_form_map(project.paths, m) == used:
                continue  # only the informative meta differs
        except ProjectError:
            pass
        lines.append(
            f"{len(m.pseudonyms)} respondent(s) were sent a {lang} questionnaire in the "
            f"{run.run} run with another form map ({m.file}); pages of those copies are read "
            f"with the later one ({chosen.file}) and may be read wrongly"
        )
    return lines


def reading_maps(project: Project, *, compare: bool = True) -> ReadingMaps:
    """The form maps to read this round's scanned pages with.

    Args:
        project: the open project.
        compare: also build the maps the questionnaire gives now and warn
            where they differ from the printed ones.

    Raises:
        ProjectError: a saved form map is missing or was changed.
        QuestionnaireError, LayoutError: a map must be built from the
            questionnaire and it cannot be.
    """
    runs = all_run_maps(project.store)
    latest = latest_maps(runs)
    warnings: list[str] = []
    maps = {lang: load_form_map(project.paths, m) for lang, (_, m) in latest.items()}
    files = {lang: m.file for lang, (_, m) in latest.items()}
    for lang, (_, m) in latest.items():
        warnings += _other_maps(project, runs, lang, m, maps[lang])
    legacy = unrecorded_runs(project, {r.run for r in runs})
    built: tuple[str, ...] = ()
    if not maps or legacy:
        built = tuple(lang for lang in project.settings.survey.languages if lang not in maps)
        maps.update(questionnaire_form_maps(project, built))
    if legacy:
        now = "the form map of the questionnaire as it is now"
        if not files:
            source = now
        elif not built:
            source = "the form maps saved by later runs"
        else:
            source = (
                f"the form maps saved by later runs ({', '.join(files)}) and, for "
                f"{', '.join(built)}, {now}"
            )
        warnings.append(
            f"the {', '.join(legacy)} run(s) were printed before papersurvey kept the form maps "
            f"it printed with; their questionnaires are read with {source}. If the "
            "questionnaire, the municipality or logo in survey.toml, or papersurvey's layout "
            "changed since, pages may be read with the wrong boxes: check them in review"
        )
    if compare and files:
        warnings += _compare(project, maps, latest)
    for line in warnings:
        log.warning("%s", line)
    if not files and not legacy:
        log.info("no questionnaires printed yet: form maps from the questionnaire")
    return ReadingMaps(_ordered(project, maps), files, built, tuple(warnings))


def _compare(
    project: Project, maps: dict[str, FormMap], latest: dict[str, tuple[RunMaps, PrintedMap]]
) -> list[str]:
    """One line per printed language whose map the questionnaire no longer gives."""
    try:
        now = questionnaire_form_maps(project, list(latest))
    except PaperSurveyError as exc:
        return [
            f"cannot compare the printed form maps with the questionnaire as it is now "
            f"({exc.message}); reading with the printed form maps"
        ]
    lines = []
    for lang, (run, printed) in latest.items():
        if form_map_sha256(now[lang]) == printed.sha256 or now[lang] == maps[lang]:
            continue
        lines.append(
            f"form map {lang}: the questionnaire now lays out differently from what was printed "
            f"({describe_difference(maps[lang], now[lang])}); reading with the printed form map "
            f"{printed.file} ({run.run} run, {run.sent_at})"
        )
    return lines
