"""Which form maps a round's scanned pages are read with: the ones its questionnaires were printed with.

Every map a print run saved (:mod:`survey.formmaps_store`) is read with, keyed
by a **map id**:

* per language, the map of the latest run that printed a questionnaire in it,
  under the language code (``nl``): the default for pages of that language;
* every earlier map of a language that lays out differently (a questionnaire
  edited and printed again with ``--force``), under ``<language>@<sha12>``;
  together with who was sent it (:attr:`ReadingMaps.respondent_maps`), so a
  respondent's pages are read with the map their questionnaire was printed
  with. A respondent sent two versions (an invitation, then a reminder with
  the edited questionnaire) has both; the scan reads each page with the one
  whose boxes are on the sheet (:func:`omr.mapchoice.measure_sheet`).

Only when no run saved a map, because nothing was printed yet or the round
was printed by a papersurvey from before maps were saved, is the map built
from the questionnaire as it is now; for a round that *was* printed that is
said in a warning, since the questionnaire or its layout may have changed
since.

When the questionnaire now lays out differently from what was printed, the
printed map is used and one warning line says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from survey.errors import PaperSurveyError, ProjectError
from survey.formmap import FormMap, describe_difference
from survey.formmaps_store import (
    PrintedMap,
    RunMaps,
    all_run_maps,
    form_map_sha256,
    latest_maps,
    load_form_map,
    map_language,
    version_map_id,
)
from survey.mailings import Variant
from survey.project import Project
from survey.store import Store

log = logging.getLogger("papersurvey.survey.readingmaps")

BuildMaps = Callable[[Iterable[str]], dict[str, FormMap]]
"""Languages -> the form maps the questionnaire gives now (:func:`layout.roundoptions.questionnaire_form_maps`)."""


@dataclass(frozen=True)
class ReadingMaps:
    """The form maps a scan reads with, and where they came from.

    Attributes:
        maps: per map id (see the module docstring): the latest map of every
            language, the round's default language first, then earlier
            printed maps that lay out differently (``nl@1a2b3c4d5e6f``).
        files: per map id read with a saved map, its file (relative to the project).
        built: languages whose map was built from the questionnaire as it is now.
        warnings: the warnings that were logged, one line each.
        respondent_maps: pseudonym -> the ids of the maps their questionnaires
            were printed with, latest run first, for every respondent who was
            sent anything but the latest map of one language.
    """

    maps: dict[str, FormMap]
    files: dict[str, str]
    built: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    respondent_maps: dict[str, tuple[str, ...]] = field(default_factory=dict)


def unrecorded_runs(project: Project, recorded: set[str]) -> list[str]:
    """Runs that printed questionnaires but saved no form maps (printed before maps were saved)."""
    with_questionnaire = [v.value for v in Variant if v.with_questionnaire]
    marks = ",".join("?" * len(with_questionnaire))
    rows = project.store.query(
        f"SELECT DISTINCT batch FROM mailings WHERE variant IN ({marks})", with_questionnaire
    )
    runs = {str(r[0]).partition("/")[0] if "/" in str(r[0]) else "" for r in rows}
    return sorted(runs - recorded)


def _ordered(project: Project, maps: dict[str, FormMap]) -> dict[str, FormMap]:
    """Languages in the round's order (default first), then other languages, then earlier maps."""
    languages = project.settings.survey.languages
    order = [lang for lang in languages if lang in maps]
    order += sorted(k for k in maps if k not in order and map_language(k) == k)
    order += sorted(k for k in maps if k not in order)
    return {k: maps[k] for k in order}


def _earlier_maps(
    project: Project,
    runs: list[RunMaps],
    latest: dict[str, tuple[RunMaps, PrintedMap]],
    maps: dict[str, FormMap],
    files: dict[str, str],
) -> dict[str, str]:
    """Add every earlier printed map that lays out differently; returns sha256 -> map id.

    A map that differs from one already kept only in its informative ``meta``
    (the title) gets that map's id.

    Raises:
        ProjectError: a saved form map is missing or was changed.
    """
    ids = {m.sha256: lang for lang, (_, m) in latest.items()}
    for run in reversed(runs):  # the later of two equal earlier maps names both
        for m in run.maps:
            if m.sha256 in ids:
                continue
            fm = load_form_map(project.paths, m)
            same = next(
                (k for k, v in maps.items() if map_language(k) == m.language and v == fm), None
            )
            if same is None:
                same = version_map_id(m.language, m.sha256)
                maps[same], files[same] = fm, m.file
            ids[m.sha256] = same
    return ids


def _who_got_which(runs: list[RunMaps], ids: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """Pseudonym -> map ids they were sent, latest run first, unless just the latest of one language."""
    sent: dict[str, list[str]] = {}
    for run in reversed(runs):
        for m in run.maps:
            for p in m.pseudonyms:
                got = sent.setdefault(p, [])
                if ids[m.sha256] not in got:
                    got.append(ids[m.sha256])
    return {p: tuple(got) for p, got in sorted(sent.items()) if got != [map_language(got[0])]}


def _earlier_lines(
    runs: list[RunMaps], files: dict[str, str], ids: dict[str, str], who: dict[str, tuple[str, ...]]
) -> list[str]:
    """One line per earlier map read with: the file, the run(s), how many respondents."""
    lines = []
    for map_id, file in files.items():
        if map_language(map_id) == map_id:
            continue
        printed = [(run.run, m) for run in runs for m in run.maps if ids.get(m.sha256) == map_id]
        people = {p for _, m in printed for p in m.pseudonyms}
        both = sum(1 for p in people if len(who.get(p, ())) > 1)
        lines.append(
            f"form map {map_id}: {len(people)} respondent(s) were sent a "
            f"{map_language(map_id)} questionnaire with an earlier form map ({file}, "
            f"{', '.join(sorted({r for r, _ in printed}))} run); their pages are read with it"
            + (
                f" ({both} were also sent the later one: each page is read with the form map "
                "whose boxes are on the sheet)"
                if both
                else ""
            )
        )
    return lines


def reading_maps(project: Project, build: BuildMaps, *, compare: bool = True) -> ReadingMaps:
    """The form maps to read this round's scanned pages with.

    Args:
        project: the open project.
        build: lays the questionnaire out as it is now, for the languages
            given (survey/ cannot lay out; the caller passes layout's).
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
    ids = _earlier_maps(project, runs, latest, maps, files)
    who = _who_got_which(runs, ids)
    for line in _earlier_lines(runs, files, ids, who):
        log.info("%s", line)
    legacy = unrecorded_runs(project, {r.run for r in runs})
    built: tuple[str, ...] = ()
    if not maps or legacy:
        built = tuple(lang for lang in project.settings.survey.languages if lang not in maps)
        maps.update(build(built))
    if legacy:
        now = "the form map of the questionnaire as it is now"
        printed = [k for k in files if map_language(k) == k]
        if not printed:
            source = now
        elif not built:
            source = "the form maps saved by later runs"
        else:
            source = (
                f"the form maps saved by later runs ({', '.join(printed)}) and, for "
                f"{', '.join(built)}, {now}"
            )
        warnings.append(
            f"the {', '.join(legacy)} run(s) were printed before papersurvey kept the form maps "
            f"it printed with; their questionnaires are read with {source}. If the "
            "questionnaire, the municipality or logo in survey.toml, or papersurvey's layout "
            "changed since, pages may be read with the wrong boxes: check them in review"
        )
    if compare and files:
        warnings += _compare(build, maps, latest)
    for line in warnings:
        log.warning("%s", line)
    if not files and not legacy:
        log.info("no questionnaires printed yet: form maps from the questionnaire")
    return ReadingMaps(_ordered(project, maps), files, built, tuple(warnings), who)


def _compare(
    build: BuildMaps, maps: dict[str, FormMap], latest: dict[str, tuple[RunMaps, PrintedMap]]
) -> list[str]:
    """One line per printed language whose map the questionnaire no longer gives."""
    try:
        now = build(list(latest))
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


def respondent_map_ids(
    store: Store,
    form_maps: Mapping[str, FormMap],
    respondent_maps: Mapping[str, str | Sequence[str]] | None = None,
) -> dict[str, tuple[str, ...]]:
    """Pseudonym -> map ids to read their pages with, for respondents not read with the default.

    A respondent's language gives the map of that language when it differs
    from the default map; ``respondent_maps`` (who was sent which printed
    map) overrides that. Respondents whose only map is the default are left
    out.

    Raises:
        ProjectError: ``respondent_maps`` names a map that is not in ``form_maps``.
    """
    default = next(iter(form_maps.values()))
    differs = {k for k, fm in form_maps.items() if fm != default}
    out: dict[str, tuple[str, ...]] = {
        str(r[0]): (str(r[1]),)
        for r in store.query("SELECT pseudonym, language FROM respondents")
        if r[1] in differs
    }
    for p, given in (respondent_maps or {}).items():
        ids = (given,) if isinstance(given, str) else tuple(given)
        unknown = [i for i in ids if i not in form_maps]
        if unknown:
            raise ProjectError(
                f"the form map {unknown[0]} that {p}'s questionnaire was printed with is not "
                "among the form maps to read with"
            )
        if ids and all(form_maps[i] == default for i in ids):
            out.pop(p, None)
        elif ids:
            out[p] = ids
    return out


def stored_map_id(form_maps: Mapping[str, object], quality: Mapping[str, object]) -> str:
    """The id of the map a page was measured with, from its quality figures.

    ``map`` is the map id (a language code or ``<language>@<sha12>``); pages
    stored before map ids only have ``language``. Unknown: the default map's
    id (the first of ``form_maps``).
    """
    map_id = str(quality.get("map") or quality.get("language") or "")
    return map_id if map_id in form_maps else next(iter(form_maps))
