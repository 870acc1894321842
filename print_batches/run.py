"""One print run, from recipients to a finished folder under ``print/``.

Staged as inspect -> validate -> process -> report:

1. the caller (``print_invitations`` or ``print_reminders``) picks the
   recipients and their envelope variants;
2. :func:`produce_run` refuses to overwrite an earlier run unless forced,
   refuses a questionnaire whose form map differs from the one printed
   before in the same language unless forced (:mod:`print_batches.formmaps`),
   and refuses an empty run;
3. the batches are rendered by the executor (all cores by default) into a
   hidden ``print/.<run>.partial`` folder;
4. the form maps are saved under ``formmaps/``, the job ticket is written,
   the folder is moved into place and every set and form map is recorded in
   the store, the last two together: a crash leaves either the old run or the
   new one, never half of each (a saved form map file may stay; it is
   content-addressed and harmless).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from layout.roundoptions import letter_gaps, refuse_blocking_gaps
from print_batches.archive import check_keys, seal_run
from print_batches.assemble import (
    BatchResult,
    RenderSpec,
    init_renderer,
    render_batch,
)
from print_batches.batches import Recipient, plan_batches
from print_batches.formmaps import (
    compare_with_printed,
    explain_changes,
    questionnaire_recipients,
    refuse_changes,
    save_run_maps,
    ticket_entry,
)
from print_batches.jobticket import FILE_NAME, build_ticket, read_ticket, write_ticket
from print_batches.recipients import Selection
from print_batches.records import record_run, run_record
from survey import entropy
from survey.errors import ConflictError, ProjectError
from survey.executors import Executor, make_executor
from survey.formmap import FormMap
from survey.formmaps_store import record_run_maps
from survey.progress import NullProgressBar, ProgressFactory
from survey.project import Project

log = logging.getLogger("papersurvey.print")


@dataclass(frozen=True)
class RunReport:
    """What a run produced (also printed by the CLI).

    Attributes:
        run: the run name.
        folder: the run folder under ``print/``.
        batches, sets, pages, sheets, blank_pages: totals over all batches.
        by_variant: sets per envelope variant.
        not_printed: respondents left out, per reason.
        seconds: wall-clock time of rendering and writing.
        replaced: whether an earlier run was replaced (``--force``).
        form_maps: the saved form map file of every language printed with a
            questionnaire (relative to the project folder).
        archive: the encrypted archive that replaced the run's files, if asked for.
    """

    run: str
    folder: Path
    batches: int
    sets: int
    pages: int
    sheets: int
    blank_pages: int
    by_variant: dict[str, int]
    not_printed: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    replaced: bool = False
    form_maps: dict[str, str] = field(default_factory=dict)
    archive: Path | None = None

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else 0.0


def check_overwrite(project: Project, run: str, force: bool, hint: str = "") -> bool:
    """Whether an earlier ``run`` exists; refuse to go on unless ``force``.

    Raises:
        ConflictError: the run exists (files or store records) and ``force`` is false.
    """
    folder = project.paths.print / run
    files = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    record = run_record(project.store, run)
    if not files and record is None:
        return False
    if force:
        log.warning("replacing the earlier %s run (--force)", run)
        return True
    ticket = read_ticket(folder) or {}
    made = ticket.get("created_at") or (record.sent_at if record else "an earlier run")
    pdfs = sum(1 for f in files if f.endswith(".pdf"))
    sets = record.sets if record else ticket.get("totals", {}).get("sets", "?")
    raise ConflictError(
        f"{folder} already holds the {run} run made on {made}: {pdfs} batch PDF(s), "
        f"{sets} set(s) recorded as sent in the store. They may be at the print shop already, "
        "and printing again would produce different files for the same people. "
        "Nothing was changed. If you are sure the earlier batches were never sent, run again "
        "with --force to replace them; pseudonyms stay the same." + (f" {hint}" if hint else "")
    )


@contextlib.contextmanager
def _executor(given: Executor | None, workers: int | None) -> Iterator[Executor]:
    """``given``, or an executor for ``workers`` that is closed afterwards."""
    if given is not None:
        yield given
        return
    with make_executor(workers) as own:
        yield own


def produce_run(
    project: Project,
    run: str,
    recipients: Sequence[Recipient],
    *,
    batch_size: int,
    force: bool = False,
    executor: Executor | None = None,
    workers: int | None = None,
    progress: ProgressFactory = NullProgressBar,
    options: Mapping[str, Any] | None = None,
    not_printed: Mapping[str, int] | None = None,
    naive: bool = False,
    conflict_hint: str = "",
) -> RunReport:
    """Render, check in and record one run.

    Args:
        project: the open project.
        run: ``invitation`` or ``reminder-N``.
        recipients: the envelopes, in any order (they are sorted for the post).
        batch_size: sets per batch PDF.
        force: replace an earlier run of the same name.
        executor: where batches are rendered; default one made for ``workers``
            (and closed again).
        workers: rendering processes when no ``executor`` is given: ``None``
            for all cores, 1 to render in this process.
        progress: progress bar factory (counts sets).
        options: the options to write into the job ticket.
        not_printed: respondents left out, per reason, for the report.
        naive: draw every page in full for every respondent (the benchmark's baseline).
        conflict_hint: an extra sentence for the refusal to overwrite.

    Raises:
        ConflictError: the run exists, or a questionnaire's form map differs from
            the one printed before in its language, and ``force`` is false.
        ProjectError: there is nobody to print for, or the letters would point
            nowhere (no web address for the online questionnaire).
    """
    refuse_blocking_gaps(project)
    for gap in letter_gaps(project):
        log.warning("%s", gap)
    spec: RenderSpec | None = None
    maps: dict[str, FormMap] = {}
    who: dict[str, list[str]] = {}
    if recipients:
        spec = RenderSpec.for_project(project, run=run, naive=naive)
        renderer = init_renderer(spec)
        renderer.prepare(recipients)  # every layout and template can be built
        who = questionnaire_recipients(project, recipients)
        maps = {lang: renderer.questionnaires.layout(lang).form_map for lang in who}
    changes = compare_with_printed(project, maps)
    hint = " ".join(h for h in (explain_changes(changes), conflict_hint) if h)
    replaced = check_overwrite(project, run, force, hint)
    refuse_changes(changes, run=run, force=force)
    if spec is None:
        raise ProjectError(
            f"nobody to print for in the {run} run. " + _explain_nobody(not_printed or {})
        )
    print_dir = project.paths.print
    print_dir.mkdir(exist_ok=True)
    partial = print_dir / f".{run}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    created = entropy.now().replace(microsecond=0)
    sent_at = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    jobs = plan_batches(recipients, batch_size, run, partial)

    started = time.perf_counter()
    results: list[BatchResult] = []
    try:
        with (
            progress(total=len(recipients), desc=f"printing {run}", unit="set") as bar,
            _executor(executor, workers) as ex,
        ):
            for outcome in ex.map_unordered(render_batch, spec, jobs, init=init_renderer):
                result = outcome.get()  # a batch that cannot be rendered stops the run
                results.append(result)
                bar.update(result.summary.sets)
                log.info(
                    "batch %s/%03d: %d sets, %d pages",
                    run,
                    result.summary.batch,
                    result.summary.sets,
                    result.summary.pages,
                )
        printed = save_run_maps(project, maps, who)
        ticket = build_ticket(
            run_dir=partial,
            run_name=run,
            survey=spec.survey_info,
            duplex=spec.duplex,
            batches=[r.summary for r in results],
            created_at=created,
            producer=spec.producer,
            options=options,
            form_maps=ticket_entry(printed),
        )
        write_ticket(partial, ticket)
        rows = [row for r in sorted(results, key=lambda r: r.summary.batch) for row in r.rows]
        folder = print_dir / run
        with project.store.transaction():
            record_run(project.store, run, rows, sent_at, replace=replaced)
            record_run_maps(project.store, run, sent_at, printed)
            _swap_in(partial, folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    seconds = time.perf_counter() - started
    totals = ticket["totals"]
    by_variant: Counter[str] = Counter()
    for r in results:
        by_variant.update(r.summary.variants)
    return RunReport(
        run=run,
        folder=folder,
        batches=totals["batches"],
        sets=totals["sets"],
        pages=totals["pages"],
        sheets=totals["sheets"],
        blank_pages=totals["blank_pages"],
        by_variant=dict(sorted(by_variant.items())),
        not_printed=dict(not_printed or {}),
        seconds=seconds,
        replaced=replaced,
        form_maps={m.language: m.file for m in printed},
    )


def print_selected(
    project: Project,
    run: str,
    select: Callable[[], Selection],
    *,
    batch_size: int | None,
    force: bool,
    workers: int | None,
    encrypt_to: tuple[str, ...],
    options: Mapping[str, Any],
    executor: Executor | None = None,
    progress: ProgressFactory = NullProgressBar,
    conflict_hint: str = "",
) -> RunReport:
    """Select the recipients, produce the run and seal it: every kind of run does this.

    Shared by the invitation and the reminder runs so that they resolve the
    batch size, check the print shop's keys and seal the result the same way.
    The keys are checked before ``select`` is called, so a bad key is
    refused before the store is read or any page is drawn.

    Args:
        project: the open project.
        run: ``invitation`` or ``reminder-N``.
        select: picks the envelopes and who was left out; called once.
        batch_size: sets per batch PDF; ``None`` takes ``print.batch_size`` from survey.toml.
        force: replace an earlier run of the same name.
        workers: rendering processes when no ``executor`` is given.
        encrypt_to: age public keys of the print shop; empty: plain files.
        options: the run's own options for the job ticket (the resolved
            ``batch_size`` is added last).
        executor: where batches are rendered (see :func:`produce_run`).
        progress: progress bar factory (counts sets).
        conflict_hint: an extra sentence for the refusal to overwrite.

    Raises:
        ConflictError: the run exists and ``force`` is false (see :func:`produce_run`).
        ProjectError: nobody to print for, or whatever ``select`` refuses.
    """
    size = batch_size or project.settings.print.batch_size
    check_keys(encrypt_to)
    selection = select()
    report = produce_run(
        project,
        run,
        selection.recipients,
        batch_size=size,
        force=force,
        executor=executor,
        workers=workers,
        progress=progress,
        options={**options, "batch_size": size},
        not_printed=selection.left_out,
        conflict_hint=conflict_hint,
    )
    return seal_report(project, report, encrypt_to)


def seal_report(project: Project, report: RunReport, public_keys: tuple[str, ...]) -> RunReport:
    """Seal the run's files into one encrypted archive when ``public_keys`` are given.

    The archive is also encrypted to the round's own public key, so the
    bureau can open it again (:mod:`print_batches.archive`).
    """
    if not public_keys:
        return report
    keys = (*public_keys, project.public_key)
    archive = seal_run(report.folder, keys)
    with project.store.transaction() as store:
        store.audit("print.encrypt", {"run": report.run, "recipients": len(keys)})
    return dataclasses.replace(report, archive=archive)


def _swap_in(partial: Path, folder: Path) -> None:
    """Move the finished run folder into place, replacing an earlier one."""
    old = folder.with_name(f".{folder.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.replace(old)
    try:
        partial.replace(folder)
    except BaseException:
        if old.exists():
            old.replace(folder)
        raise
    shutil.rmtree(old, ignore_errors=True)
    if not (folder / FILE_NAME).is_file():  # pragma: no cover - defensive
        raise ProjectError(f"{folder} has no job ticket after writing; run again.")


def _explain_nobody(not_printed: Mapping[str, int]) -> str:
    if not not_printed:
        return "Import the address file first: papersurvey import-addresses DIR FILE."
    parts = ", ".join(f"{n} {why}" for why, n in sorted(not_printed.items()))
    return f"Left out: {parts}."
