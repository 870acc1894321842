"""``papersurvey purge`` end to end: personal data and free text out of the store, files and exports.

:func:`survey.purge.purge` removes the files with personal data and strips
the free text from the store. Two steps need the analysis package, which
``survey`` may not import, so they are here in the shell:

* with ``--keep-quotes FILE`` (the analyst's quotes file, as ``report
  --quotes`` reads it, checked the same way), each approved quote replaces
  the open answer it was taken from; every other open answer goes;
* the exports in ``out/export/`` are made again from the stripped store, in
  the formats found there, so ``data.*``, ``long.csv`` and
  ``open_answers.csv`` hold no free text afterwards (or only the kept quotes).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from survey.project import Project
from survey.purge import PurgeOptions, PurgePlan, purge

EXPORT_FILES = {
    "data.csv": "csv",
    "data.parquet": "parquet",
    "data.sav": "spss",
    "data.xlsx": "xlsx",
}
"""The data file of each export format (:data:`analysis.exports.FORMATS`): every one is made again."""


def approved_quotes(project: Project, quotes_file: Path) -> dict[tuple[str, str], str]:
    """``(pseudonym, question) -> quote`` for each approved quote: the first answer it occurs in.

    Raises:
        ValidationError: the quotes file has problems (as for ``report --quotes``).
    """
    from analysis.dataset import build_dataset
    from analysis.quotes import load_quotes, occurs

    dataset = build_dataset(project.store, project.load_questionnaire())
    quotes = load_quotes(quotes_file, dataset)
    data = dataset.data
    kept: dict[tuple[str, str], str] = {}
    for question, texts in quotes.by_question.items():
        if question not in data:
            continue
        answers = data[["pseudonym", question]].dropna()
        for quote in texts:
            for pseudonym, answer in answers.itertuples(index=False):
                if (pseudonym, question) not in kept and occurs(quote, [str(answer)]):
                    kept[(str(pseudonym), question)] = quote
                    break
    return kept


def export_again(project: Project) -> list[Path]:
    """Make ``out/export/`` again from the store, in the formats that were there."""
    out = project.paths.out / "export"
    formats = tuple(f for name, f in EXPORT_FILES.items() if (out / name).exists())
    if not out.is_dir() or not formats:
        return []
    from analysis.dataset import build_dataset
    from analysis.exports import export_all
    from analysis.results import compute_results

    dataset = build_dataset(project.store, project.load_questionnaire())
    results = compute_results(dataset, project.settings.privacy.min_cell_size)
    return export_all(results, out, formats, project.settings.default_language)


def purge_round(
    project: Project, options: PurgeOptions, quotes_file: Path | None = None
) -> tuple[PurgePlan, list[Path]]:
    """Purge the round (:func:`survey.purge.purge`), keeping approved quotes if given.

    Returns:
        The plan carried out, and the export files made again.

    Raises:
        ConflictError: the retention period has not ended and ``force`` is off.
        ValidationError: the quotes file has problems; nothing was purged.
    """
    if quotes_file is not None:
        options = dataclasses.replace(options, kept=approved_quotes(project, quotes_file))
    plan = purge(project, options)
    if options.dry_run:
        return plan, []
    return plan, export_again(project)
