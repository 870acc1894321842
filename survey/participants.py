"""The LimeSurvey participant list, made from ``pii/`` when it is needed.

LimeSurvey sends the e-mail invitations and checks the token (the pseudonym)
of everyone who answers online, so it needs a participant list: first and
last name, e-mail address, token, language and subgroup of every respondent
who is invited (channel not ``none``). The list is personal data; it is not
kept in the project but made on demand from ``pii/addresses.csv.age``
(decrypted in memory) and the store, by ``papersurvey participants DIR --out
FILE``. The file is refused inside the project folder, where only ``pii/``
may hold personal data, and should be deleted once LimeSurvey has it.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from survey.errors import ConflictError
from survey.intake import read_addresses
from survey.store import Channel

if TYPE_CHECKING:
    from survey.project import Project

HEADER = ("firstname", "lastname", "email", "token", "language", "attribute_1")
"""LimeSurvey's participant CSV columns; ``attribute_1`` is the subgroup."""


@dataclass(frozen=True)
class ParticipantList:
    """The participant CSV (UTF-8, comma separated, as LimeSurvey imports it) and its size."""

    data: bytes
    rows: int


def participant_list(project: Project) -> ParticipantList:
    """Every invited respondent with name, e-mail and token, in pseudonym order.

    Raises:
        PrivateKeyError: the round's private key is missing or wrong.
    """
    channels = {r.pseudonym: r.channel for r in project.store.respondents()}
    people = sorted(read_addresses(project).values(), key=lambda pr: pr[0])
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(HEADER)
    n = 0
    for pseudonym, rec in people:
        if channels.get(pseudonym, Channel.NONE) is Channel.NONE:
            continue
        w.writerow(
            [rec.first_name, rec.full_last_name, rec.email, pseudonym, rec.language, rec.subgroup]
        )
        n += 1
    return ParticipantList(buf.getvalue().encode("utf-8"), n)


def write_participants(project: Project, out: Path) -> ParticipantList:
    """Write the participant list to ``out`` (mode 0600), outside the project folder.

    Raises:
        ConflictError: ``out`` is inside the project folder, or exists already.
        PrivateKeyError: the round's private key is missing or wrong.
    """
    target = Path(out).absolute()
    root = project.paths.root
    if target == root or root in target.parents:
        raise ConflictError(
            f"{target} is inside the project folder, where only pii/ may hold personal data "
            "(encrypted). Write the participant list elsewhere, upload it to LimeSurvey, "
            "then delete it."
        )
    if target.exists():
        raise ConflictError(f"{target} exists already; choose a new file name.")
    plist = participant_list(project)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(plist.data)
    with project.store.transaction() as store:
        store.audit("participants", {"rows": plist.rows})
    return plist


def participant_rows(project: Project) -> list[dict[str, str]]:
    """The participant list as LimeSurvey's RemoteControl ``add_participants`` takes it.

    Raises:
        PrivateKeyError: the round's private key is missing or wrong.
    """
    text = participant_list(project).data.decode("utf-8")
    return [dict(row) for row in csv.DictReader(io.StringIO(text))]
