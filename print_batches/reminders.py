"""``papersurvey reminders``: reminder letters for those who have not responded.

A reminder goes to every active respondent who was sent a printed invitation
(the ``invitation`` run) and has not responded on either channel: no scanned
questionnaire page identified as theirs, no answers read from paper, no
imported online response. Respondents invited by e-mail get their reminders
from LimeSurvey and are not printed.

Each reminder round is its own run (``print/reminder-1/``, ``reminder-2/``
...), recorded in the store like the invitations. With
``--with-questionnaire`` a fresh copy of the personalised questionnaire (same
pseudonym, same page codes) follows the reminder letter.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from print_batches.batches import INVITATION_RUN, reminder_run
from print_batches.recipients import (
    NOT_MAILED,
    RESPONDED,
    WITHDRAWN,
    Selection,
    build_selection,
)
from print_batches.records import mailed, responded
from print_batches.run import RunReport, print_selected
from survey.errors import ProjectError
from survey.executors import Executor
from survey.mailings import Variant
from survey.progress import NullProgressBar, ProgressFactory
from survey.project import Project
from survey.store import Respondent, RespondentStatus


@dataclass(frozen=True)
class ReminderOptions:
    """What ``papersurvey reminders`` needs.

    Attributes:
        with_questionnaire: enclose a fresh paper questionnaire with the letter.
        round: the reminder round (1 for the first reminder, 2 for a second ...).
        batch_size: sets per batch PDF; ``None`` takes ``print.batch_size`` from survey.toml.
        force: replace an earlier run of the same reminder round.
        workers: rendering processes; ``None`` for all cores, 1 to render in this process.
        encrypt_to: age public keys of the print shop: deliver the run as one
            encrypted archive (:mod:`print_batches.archive`); empty: plain files.
    """

    with_questionnaire: bool = False
    round: int = 1
    batch_size: int | None = None
    force: bool = False
    workers: int | None = None
    encrypt_to: tuple[str, ...] = ()


def select_reminders(project: Project, with_questionnaire: bool) -> Selection:
    """Reminder envelopes for everyone mailed an invitation who has not responded.

    Raises:
        ProjectError: no invitation run was recorded yet, or addresses and store disagree.
    """
    store = project.store
    invited = mailed(store, INVITATION_RUN)
    if not invited:
        raise ProjectError(
            "no printed invitations are recorded in the store, so there is nobody to remind. "
            "Print the invitations first: papersurvey print DIR."
        )
    answered = responded(store)
    variant = Variant.REMINDER_PAPER if with_questionnaire else Variant.REMINDER
    left_out: Counter[str] = Counter()
    chosen: list[tuple[Respondent, Variant]] = []
    for r in store.respondents():
        if r.pseudonym not in invited:
            left_out[NOT_MAILED] += 1
        elif r.pseudonym in answered:
            left_out[RESPONDED] += 1
        elif r.status is not RespondentStatus.ACTIVE:
            left_out[WITHDRAWN] += 1
        else:
            chosen.append((r, variant))
    return build_selection(project, chosen, left_out)


def print_reminders(
    project: Project,
    options: ReminderOptions,
    *,
    executor: Executor | None = None,
    progress: ProgressFactory = NullProgressBar,
) -> RunReport:
    """Produce one reminder round under ``print/reminder-N/`` and record it.

    Raises:
        ConflictError: this reminder round exists and ``options.force`` is false.
        ProjectError: nobody to remind, or no invitations were printed yet.
    """
    return print_selected(
        project,
        reminder_run(options.round),
        lambda: select_reminders(project, options.with_questionnaire),
        batch_size=options.batch_size,
        force=options.force,
        workers=options.workers,
        encrypt_to=options.encrypt_to,
        options={"with_questionnaire": options.with_questionnaire, "round": options.round},
        executor=executor,
        progress=progress,
        conflict_hint=f"To send another reminder, use --round {options.round + 1}.",
    )
