"""Who gets an envelope, and which one: store respondents joined with their addresses.

The store knows respondents by pseudonym with their channel (``paper``,
``email`` or ``none``, decided at address intake from survey.toml and the
address file); ``pii/addresses.csv`` knows where they live. Only this module
joins the two for printing.

Channels (``papersurvey print --channel``):

``auto``
    per respondent from the store: ``paper`` gets the letter with the paper
    questionnaire; ``email`` is invited by e-mail (LimeSurvey) and not
    printed; ``none`` is not invited.
``paper``
    everyone with an address gets the letter with the paper questionnaire.
``letter``
    everyone with an address gets the letter with the online link only.

Withdrawn respondents (no longer in the municipality's address file) are
never printed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from print_batches.batches import Recipient, make_recipient
from print_batches.variants import PrintChannel, invitation_variant
from survey.addresses import AddressRecord
from survey.errors import ProjectError
from survey.intake import read_addresses
from survey.mailings import Variant
from survey.project import Project
from survey.store import Channel, Respondent, RespondentStatus

# Reasons a respondent is left out, as reported to the operator.
INVITED_BY_EMAIL = "invited by e-mail"
NOT_INVITED = "channel none (not invited)"
WITHDRAWN = "withdrawn"
RESPONDED = "already responded"
NOT_MAILED = "not sent a printed invitation"


@dataclass(frozen=True)
class Selection:
    """The recipients of a run and who was left out, per reason."""

    recipients: tuple[Recipient, ...]
    left_out: dict[str, int] = field(default_factory=dict)


def addresses_by_pseudonym(project: Project) -> dict[str, AddressRecord]:
    """Pseudonym -> address record of every current respondent (``pii/``, decrypted in memory).

    Raises:
        PrivateKeyError: the round's private key is missing or wrong.
    """
    return dict(read_addresses(project).values())


def recipient(pseudonym: str, variant: Variant, address: AddressRecord, language: str) -> Recipient:
    """One envelope for a respondent at ``address``."""
    return make_recipient(
        pseudonym,
        variant,
        postcode=address.postcode,
        house_number=address.house_number,
        addition=address.addition,
        address=address,
        language=language or address.language or "nl",
    )


def _missing_addresses(project: Project, missing: list[str]) -> ProjectError:
    sample = ", ".join(sorted(missing)[:5])
    return ProjectError(
        f"{len(missing)} respondent(s) in the store have no address in "
        f"{project.paths.addresses} (for example {sample}). The address file and the store "
        "disagree: import the address file again with papersurvey import-addresses."
    )


def build_selection(
    project: Project, chosen: Iterable[tuple[Respondent, Variant]], left_out: Counter[str]
) -> Selection:
    """Recipients for ``(respondent, variant)`` pairs, with their addresses from ``pii/``.

    Raises:
        ProjectError: a chosen respondent has no address record.
    """
    chosen = list(chosen)
    addresses = addresses_by_pseudonym(project) if chosen else {}
    missing = [r.pseudonym for r, _ in chosen if r.pseudonym not in addresses]
    if missing:
        raise _missing_addresses(project, missing)
    recipients = tuple(
        recipient(r.pseudonym, v, addresses[r.pseudonym], r.language) for r, v in chosen
    )
    return Selection(recipients, dict(sorted(left_out.items())))


def select_invitations(project: Project, channel: PrintChannel) -> Selection:
    """The invitation envelopes for ``channel``.

    Raises:
        ProjectError: a respondent to print for has no address record.
    """
    left_out: Counter[str] = Counter()
    chosen: list[tuple[Respondent, Variant]] = []
    for r in project.store.respondents():
        if r.status is not RespondentStatus.ACTIVE:
            left_out[WITHDRAWN] += 1
        elif channel is not PrintChannel.AUTO:
            chosen.append((r, invitation_variant(channel)))
        elif r.channel is Channel.PAPER:
            chosen.append((r, Variant.INVITATION_PAPER))
        elif r.channel is Channel.EMAIL:
            left_out[INVITED_BY_EMAIL] += 1
        else:
            left_out[NOT_INVITED] += 1
    return build_selection(project, chosen, left_out)
