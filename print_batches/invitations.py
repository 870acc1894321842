"""``papersurvey print``: the invitation run.

The library entry point behind the command; the CLI only parses arguments
into :class:`PrintOptions` and prints the :class:`~print_batches.run.RunReport`.
"""

from __future__ import annotations

from dataclasses import dataclass

from print_batches.batches import INVITATION_RUN
from print_batches.recipients import select_invitations
from print_batches.run import RunReport, print_selected
from print_batches.variants import PrintChannel
from survey.executors import Executor
from survey.progress import NullProgressBar, ProgressFactory
from survey.project import Project


@dataclass(frozen=True)
class PrintOptions:
    """What ``papersurvey print`` needs.

    Attributes:
        channel: ``auto`` (per respondent), ``paper`` or ``letter`` for everyone.
        batch_size: sets per batch PDF; ``None`` takes ``print.batch_size`` from survey.toml.
        force: replace an earlier invitation run (pseudonyms stay the same).
        workers: rendering processes; ``None`` for all cores, 1 to render in this process.
        encrypt_to: age public keys of the print shop: deliver the run as one
            encrypted archive (:mod:`print_batches.archive`); empty: plain files.
    """

    channel: PrintChannel = PrintChannel.AUTO
    batch_size: int | None = None
    force: bool = False
    workers: int | None = None
    encrypt_to: tuple[str, ...] = ()


def print_invitations(
    project: Project,
    options: PrintOptions,
    *,
    executor: Executor | None = None,
    progress: ProgressFactory = NullProgressBar,
) -> RunReport:
    """Produce the invitation batches under ``print/invitation/`` and record them.

    Raises:
        ConflictError: an invitation run exists and ``options.force`` is false.
        ProjectError: nobody to print for, or addresses and store disagree.
    """
    return print_selected(
        project,
        INVITATION_RUN,
        lambda: select_invitations(project, options.channel),
        batch_size=options.batch_size,
        force=options.force,
        workers=options.workers,
        encrypt_to=options.encrypt_to,
        options={"channel": options.channel.value},
        executor=executor,
        progress=progress,
    )
