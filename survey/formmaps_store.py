"""The form maps a round was printed with: files under ``formmaps/`` and their record in the store.

Scanned pages must be read with the geometry that was printed, not with the
geometry the questionnaire would give today: the questionnaire file, the
municipality's name or logo, or papersurvey's own layout may have changed
since. So every print run with questionnaires saves the form map of every
(questionnaire version, language) it printed, and records which respondent
got which.

Files: ``formmaps/<survey id>-<language>-<sha12>.json``, the form map's own
JSON (:meth:`survey.formmap.FormMap.to_json`), checked against
``survey/schemas/formmap.schema.json`` before it is written. The name holds
the first 12 hex digits of the SHA-256 of the file's bytes, so the same map
always gives the same file, and a file is never rewritten with other content.

Store: one ``meta`` row per print run, key ``formmaps:<run>``, value compact
JSON (no migration: the mailings table stays as it is)::

    {"format": 1, "run": "invitation", "sent_at": "2027-03-01T09:30:12Z",
     "maps": [{"language": "nl", "sha256": "...", "file": "formmaps/kbo-nl-1a2b3c4d5e6f.json",
               "form_id": "kbo_werk_inkomen", "version_hash": "2af6cad33a4b",
               "pseudonyms": ["1RZ81S1KK", ...]}]}

A run without questionnaires records an empty ``maps`` list.

Map ids: a scan names the map it reads a page with by a **map id**: the
language code (``nl``) for the latest map printed in that language, and
``<language>@<sha12>`` (``nl@1a2b3c4d5e6f``) for an earlier map of that
language that lays out differently (see :func:`version_map_id`). The id is
stored with every page read, so the batch classification and the review UI
use the same map again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from survey.errors import Problem, ProjectError, ValidationError
from survey.formmap import FormMap
from survey.project import ProjectPaths
from survey.store import Store

META_PREFIX = "formmaps:"
RECORD_FORMAT = 1
MAP_ID_SEPARATOR = "@"
SCHEMA = Path(__file__).parent / "schemas" / "formmap.schema.json"


@dataclass(frozen=True)
class PrintedMap:
    """One saved form map and who was printed a questionnaire with it in one run.

    Attributes:
        language: the language the questionnaire was printed in.
        sha256: hex SHA-256 of the saved file's bytes.
        file: the file, relative to the project folder (``formmaps/...json``).
        form_id: the questionnaire's form id.
        version_hash: the questionnaire's version hash.
        pseudonyms: the respondents whose envelope held this questionnaire.
    """

    language: str
    sha256: str
    file: str
    form_id: str
    version_hash: str
    pseudonyms: tuple[str, ...] = ()

    def path(self, paths: ProjectPaths) -> Path:
        return paths.root / self.file


@dataclass(frozen=True)
class RunMaps:
    """The form maps one print run printed (``maps`` is empty for letters only)."""

    run: str
    sent_at: str
    maps: tuple[PrintedMap, ...]

    def get(self, language: str) -> PrintedMap | None:
        return next((m for m in self.maps if m.language == language), None)


def version_map_id(language: str, sha256: str) -> str:
    """The map id of an earlier printed map of ``language``: ``<language>@<sha12>``."""
    return f"{language}{MAP_ID_SEPARATOR}{sha256[:12]}"


def map_language(map_id: str) -> str:
    """The language of a map id (``nl@1a2b3c4d5e6f`` and ``nl`` are both ``nl``)."""
    return map_id.split(MAP_ID_SEPARATOR, 1)[0]


def form_map_bytes(form_map: FormMap) -> bytes:
    """The form map's file content: its JSON (as :meth:`FormMap.to_json` writes it) and a newline."""
    return (form_map.to_json() + "\n").encode("utf-8")


def form_map_sha256(form_map: FormMap) -> str:
    """Hex SHA-256 of :func:`form_map_bytes`."""
    return hashlib.sha256(form_map_bytes(form_map)).hexdigest()


@cache
def _validator() -> Any:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def schema_problems(data: Any, where: str) -> list[Problem]:
    """Every way ``data`` breaks the form map JSON Schema, one problem each (none: valid)."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    return [
        Problem(
            where,
            0,
            "/".join(str(p) for p in e.absolute_path),
            e.message,
            "The form map must match survey/schemas/formmap.schema.json.",
        )
        for e in errors
    ]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-.") or "survey"


def file_name(survey_id: str, language: str, sha256: str) -> str:
    """``<survey id>-<language>-<sha12>.json``."""
    return f"{_slug(survey_id)}-{_slug(language)}-{sha256[:12]}.json"


def save_form_map(
    paths: ProjectPaths, survey_id: str, language: str, form_map: FormMap
) -> PrintedMap:
    """Write ``form_map`` under ``formmaps/`` unless the same file is there already.

    Returns:
        The saved map (without pseudonyms).

    Raises:
        ValidationError: the map does not match its JSON Schema (nothing is written).
    """
    data = form_map_bytes(form_map)
    sha = hashlib.sha256(data).hexdigest()
    name = file_name(survey_id, language, sha)
    problems = schema_problems(json.loads(data), name)
    if problems:
        raise ValidationError(f"the form map {name} breaks its JSON Schema", problems)
    folder = paths.formmaps
    folder.mkdir(exist_ok=True)
    path = folder / name
    if not (path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == sha):
        tmp = path.with_name(f".{name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return PrintedMap(
        language=language,
        sha256=sha,
        file=path.relative_to(paths.root).as_posix(),
        form_id=form_map.form_id,
        version_hash=form_map.version_hash,
    )


def load_form_map(paths: ProjectPaths, printed: PrintedMap) -> FormMap:
    """The saved form map, checked against its recorded SHA-256 and its JSON Schema.

    Raises:
        ProjectError: the file is missing, was changed after printing, or is not a form map.
    """
    path = printed.path(paths)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ProjectError(
            f"{path} is missing: it is the form map the {printed.language} questionnaires were "
            "printed with, and pages cannot be read safely without it. Restore it from a backup "
            "of the project folder."
        ) from exc
    if hashlib.sha256(data).hexdigest() != printed.sha256:
        raise ProjectError(
            f"{path} was changed after printing (its SHA-256 is not the one the store recorded "
            f"when the questionnaires were printed, {printed.sha256[:12]}...). Restore it from a "
            "backup of the project folder; never edit saved form maps."
        )
    try:
        parsed = json.loads(data)
    except ValueError as exc:  # pragma: no cover - the hash matched what was written
        raise ProjectError(f"{path} is not valid JSON: {exc}") from exc
    problems = schema_problems(parsed, path.name)
    if problems:
        raise ProjectError(f"{path} is not a valid form map: {problems[0]}")
    return FormMap.from_dict(parsed)


# --- the store's record -----------------------------------------------------------------------
def _map_dict(m: PrintedMap) -> dict[str, Any]:
    return {
        "language": m.language,
        "sha256": m.sha256,
        "file": m.file,
        "form_id": m.form_id,
        "version_hash": m.version_hash,
        "pseudonyms": sorted(m.pseudonyms),
    }


def record_run_maps(store: Store, run: str, sent_at: str, maps: Iterable[PrintedMap]) -> None:
    """Record which form maps ``run`` printed, replacing an earlier record of the run.

    Call it inside the transaction that records the run's mailings.
    """
    value = {
        "format": RECORD_FORMAT,
        "run": run,
        "sent_at": sent_at,
        "maps": [_map_dict(m) for m in sorted(maps, key=lambda m: (m.language, m.sha256))],
    }
    store.set_meta(META_PREFIX + run, json.dumps(value, separators=(",", ":")))


def _parse(key: str, text: str) -> RunMaps:
    try:
        d = json.loads(text)
        return RunMaps(
            run=str(d["run"]),
            sent_at=str(d["sent_at"]),
            maps=tuple(
                PrintedMap(
                    language=str(m["language"]),
                    sha256=str(m["sha256"]),
                    file=str(m["file"]),
                    form_id=str(m["form_id"]),
                    version_hash=str(m["version_hash"]),
                    pseudonyms=tuple(str(p) for p in m.get("pseudonyms", ())),
                )
                for m in d["maps"]
            ),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise ProjectError(
            f"the store's record {key!r} of the printed form maps is damaged ({exc})."
        ) from exc


def run_maps(store: Store, run: str) -> RunMaps | None:
    """The recorded form maps of one run, or ``None`` when the run has no record."""
    text = store.get_meta(META_PREFIX + run)
    return None if text is None else _parse(META_PREFIX + run, text)


def all_run_maps(store: Store) -> list[RunMaps]:
    """Every run's record, oldest first (by when the run was produced, then its name)."""
    rows = store.query(
        "SELECT key, value FROM meta WHERE substr(key, 1, ?) = ?", (len(META_PREFIX), META_PREFIX)
    )
    runs = [_parse(str(r[0]), str(r[1])) for r in rows]
    return sorted(runs, key=lambda r: (r.sent_at, r.run))


def latest_maps(runs: Sequence[RunMaps]) -> dict[str, tuple[RunMaps, PrintedMap]]:
    """Per language, the map of the latest run that printed it (``runs`` oldest first)."""
    latest: dict[str, tuple[RunMaps, PrintedMap]] = {}
    for r in runs:
        for m in r.maps:
            latest[m.language] = (r, m)
    return latest
