"""The review app's configuration for a project folder, and operator accounts made from outside it.

:func:`review_config` is what ``papersurvey review DIR`` serves: the round's
questionnaire and printed form maps, and a re-reader
(:class:`ingest.rereader.Rereader`) that reads an assigned page again with
its respondent's form map and cuts the clips of the review items a decision
opens. :func:`create_operator` is ``--add-operator``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.rereader import Rereader
from review.app import ReviewConfig
from review.auth import add_operator, operators
from review.leases import LEASE_SECONDS
from review.texts import LANGUAGES
from survey.errors import ProjectError
from survey.project import Project


def review_config(
    directory: Path, language: str | None = None, *, lease_seconds: int = LEASE_SECONDS
) -> ReviewConfig:
    """The app's configuration for the project in ``directory``.

    Args:
        directory: the project folder.
        language: the default UI language (default: the round's, else Dutch).
        lease_seconds: how long an opened item stays with its operator.

    Raises:
        ProjectError: not a project folder, or no operator can log in yet.
    """
    with Project.open(directory) as project:
        if not operators(project.store):
            raise ProjectError(
                "no operator can log in yet. Create an account first: "
                f"papersurvey review {directory} --add-operator NAME"
            )
        rereader = Rereader.for_project(project)
        default = project.settings.default_language
        return ReviewConfig(
            root=project.paths.root,
            questionnaire=project.load_questionnaire(),
            form_map=rereader.maps.get(default) or rereader.default_map,
            language=language or (default if default in LANGUAGES else LANGUAGES[0]),
            on_items_opened=rereader.cut_new_clips,
            page_maps=rereader,
            lease_seconds=lease_seconds,
        )


def create_operator(directory: Path, name: str, password: Callable[[], str]) -> str:
    """Create an operator account in the project in ``directory``; returns the name as stored.

    ``password`` is asked for only once the project folder is known to be one.

    Raises:
        ProjectError: not a project folder.
        ConflictError: the operator exists.
        ReviewError: the name or the password is not acceptable.
    """
    with Project.open(directory) as project:
        return add_operator(project.store, name, password())
