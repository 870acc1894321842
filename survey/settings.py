"""The settings of one survey round: ``survey.toml``.

The settings are frozen dataclasses, one per TOML table. Each field carries
its default and a one-line comment in its metadata; from that single source
:func:`render_settings` writes a commented ``survey.toml`` and
:func:`load_settings` reads and checks one. A wrong key, a wrong type or an
impossible value becomes a :class:`~survey.errors.ProjectError` that names the
key. Missing keys take their defaults, so a folder made by an older
papersurvey still opens after a new key is added.

Every key is described in ``docs/project-folder.md``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import tomllib
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import tomlkit
from tomlkit.items import Table

from survey.codes import survey_code
from survey.errors import ProjectError
from survey.model import LANGUAGES

FORMAT = 1
"""Version of the ``survey.toml`` layout; bumped only for incompatible changes."""

CHANNELS = ("email", "paper")
_SURVEY_CODE_RE = re.compile(r"^[A-Z0-9-]{1,24}$")


def _doc(text: str, check: Callable[[Any], str | None] | None = None) -> dict[str, Any]:
    return {"doc": text, "check": check}


def _at_least(lo: int) -> Callable[[Any], str | None]:
    return lambda v: None if v >= lo else f"must be {lo} or more"


def _check_languages(v: tuple[str, ...]) -> str | None:
    if not v:
        return "must name at least one language"
    unknown = [x for x in v if x not in LANGUAGES]
    if unknown:
        return f"unknown language {unknown[0]!r}; use {' and '.join(LANGUAGES)}"
    return None


def _empty_or(ok: Callable[[str], object], reason: str) -> Callable[[str], str | None]:
    """A check for a text key that may be left empty but must otherwise pass ``ok``.

    Many keys are optional until the operator knows their value (a URL, a key, an
    id); this is the one place that says "empty, or else valid", so each key states
    only its own test and the reason printed when it fails.

    Args:
        ok: true for a usable non-empty value.
        reason: the problem reported for a value ``ok`` rejects.

    Returns:
        The check: ``None`` for an empty or usable value, else ``reason``.
    """
    return lambda v: None if not v or ok(v) else reason


_check_online_url = _empty_or(
    lambda v: re.match(r"^https?://[^\s/]+", v),
    "must start with https:// (or be empty until the online survey exists)",
)


def check_online_url(v: str) -> str | None:
    """Why ``v`` is no usable ``online.base_url``; ``None`` when it is (or is empty)."""
    return _check_online_url(v)


@dataclass(frozen=True)
class SurveySection:
    DOC: ClassVar[str] = "Who runs which survey round."
    id: str = field(
        default="",
        metadata=_doc(
            "Identifier of this round, for example kbo-2027-lv.",
            lambda v: None if v.strip() else "must not be empty",
        ),
    )
    code: str = field(
        default="",
        metadata=_doc(
            "Survey code in every page QR: A-Z, 0-9 and -, at most 24 characters. "
            "Empty: derived from id. Never change it after printing.",
            _empty_or(_SURVEY_CODE_RE.match, "must be A-Z, 0-9 and - only, at most 24 characters"),
        ),
    )
    title: str = field(
        default="Klantbelevingsonderzoek Werk en Inkomen",
        metadata=_doc("Title of the survey in letters and reports."),
    )
    municipality: str = field(default="", metadata=_doc("The municipality, as in letters."))
    bureau: str = field(default="", metadata=_doc("The survey bureau that runs the round."))
    languages: tuple[str, ...] = field(
        default=("nl", "en"),
        metadata=_doc(
            "Languages offered (nl, en); the first is the default for respondents without one.",
            _check_languages,
        ),
    )


@dataclass(frozen=True)
class QuestionnaireSection:
    DOC: ClassVar[str] = "The questionnaire definition."
    path: str = field(
        default="questionnaire",
        metadata=_doc(
            "Folder with survey.csv, choices.csv and settings.csv, or an .xlsx workbook; "
            "relative to this file."
        ),
    )


@dataclass(frozen=True)
class ChannelsSection:
    DOC: ClassVar[str] = "How each respondent is invited."
    default: str = field(
        default="email",
        metadata=_doc(
            'Channel for people with an e-mail address: "email" (invitation by e-mail, '
            'online only) or "paper" (letter with paper questionnaire and login code).',
            lambda v: None if v in CHANNELS else f"must be one of {', '.join(CHANNELS)}",
        ),
    )
    paper_if_no_email: bool = field(
        default=True,
        metadata=_doc(
            "People without an e-mail address get the paper letter. If false they are "
            "imported with channel none and not invited."
        ),
    )


@dataclass(frozen=True)
class DatesSection:
    DOC: ClassVar[str] = 'Dates as YYYY-MM-DD; "" until known.'
    send: dt.date | None = field(default=None, metadata=_doc("Day the invitations go out."))
    close: dt.date | None = field(
        default=None, metadata=_doc("Last day answers are accepted; printed in the letter.")
    )


@dataclass(frozen=True)
class OnlineSection:
    DOC: ClassVar[str] = "The online questionnaire (LimeSurvey)."
    base_url: str = field(
        default="",
        metadata=_doc(
            "Base URL of the LimeSurvey site, e.g. https://enquete.example.nl; every letter "
            "points there (print refuses letters while it is empty).",
            check_online_url,
        ),
    )
    limesurvey_sid: str = field(
        default="",
        metadata=_doc(
            "LimeSurvey survey id (sid), digits only.",
            _empty_or(str.isdigit, "must be digits only"),
        ),
    )


@dataclass(frozen=True)
class HelpdeskSection:
    DOC: ClassVar[str] = "Where respondents can ask questions; printed in the letter."
    phone: str = field(default="", metadata=_doc("Helpdesk phone number."))
    email: str = field(default="", metadata=_doc("Helpdesk e-mail address."))
    hours: str = field(
        default="maandag tot en met vrijdag van 9.00 tot 17.00 uur",
        metadata=_doc("When the helpdesk answers the phone."),
    )


@dataclass(frozen=True)
class PrintSection:
    DOC: ClassVar[str] = "Print batches for the print shop."
    batch_size: int = field(
        default=500, metadata=_doc("Respondents per print batch.", _at_least(1))
    )
    duplex: bool = field(default=True, metadata=_doc("Print on both sides of the sheet."))


OmrValue = bool | int | float


@dataclass(frozen=True)
class OmrSection:
    """Overrides of the OMR settings for this round; empty means the tuned defaults.

    The names and defaults live in one place, ``omr.params.OmrParams`` (see
    ``docs/omr.md``); ``papersurvey scan`` checks the names. Here only their
    values are checked: numbers or true/false.
    """

    DOC: ClassVar[str] = (
        "Reading the checkboxes. Empty: the tuned defaults of docs/omr.md. To override one\n"
        "# for this round, name it, for example:\n"
        "#   review_below = 0.5       # a box read with less confidence sends its question to review\n"
        "#   empty_max_ink = 0.035    # a box with less ink is empty\n"
        "#   mark_min_ink = 0.07      # a box with more ink is marked\n"
        "#   fill_min_coverage = 0.85 # a box covered this much is filled (a correction)"
    )
    overrides: tuple[tuple[str, OmrValue], ...] = ()

    def as_dict(self) -> dict[str, OmrValue]:
        return dict(self.overrides)


def _omr_from(table: dict[str, Any], problems: list[str]) -> OmrSection:
    overrides = []
    for key, value in table.items():
        if not re.match(r"^[a-z][a-z0-9_]*$", key):
            problems.append(f"key 'omr.{key}' is not an OMR setting name; see docs/omr.md")
        elif not isinstance(value, bool | int | float):
            problems.append(f"key 'omr.{key}' must be a number or true/false, found {value!r}")
        else:
            overrides.append((key, value))
    return OmrSection(tuple(sorted(overrides)))


@dataclass(frozen=True)
class PrivacySection:
    DOC: ClassVar[str] = "Personal data and small groups."
    min_cell_size: int = field(
        default=10,
        metadata=_doc("Reports hide figures based on fewer respondents than this.", _at_least(1)),
    )
    retention_days: int = field(
        default=90,
        metadata=_doc(
            "Days after the close date until papersurvey purge removes pii/ and free text.",
            _at_least(0),
        ),
    )
    public_key: str = field(
        default="",
        metadata=_doc(
            "The round's age public key (age1...): pii/ is encrypted to it, and the "
            "municipality encrypts the address file with it. Made by papersurvey new or "
            "papersurvey keys; not secret.",
            _empty_or(lambda v: v.startswith("age1"), "must start with age1"),
        ),
    )
    private_key: str = field(
        default="secret/age.key",
        metadata=_doc(
            "File with the round's age private key, relative to this file or absolute "
            "(another volume). Only print, reminders, import-addresses and participants read it."
        ),
    )
    private_key_env: str = field(
        default="",
        metadata=_doc(
            "Name of an environment variable that holds the private key instead "
            "(AGE-SECRET-KEY-1...); empty: read private_key.",
            _empty_or(
                lambda v: re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", v),
                "must be an environment variable name (letters, digits, _)",
            ),
        ),
    )
    encrypted_intake: bool = field(
        default=False,
        metadata=_doc(
            "Refuse an address file that is not age-encrypted with public_key "
            "(recommended once the municipality can encrypt)."
        ),
    )


CES_DEFINITIONS = ("agree", "mean", "net")


@dataclass(frozen=True)
class AnalysisSection:
    DOC: ClassVar[str] = (
        "The report's indicators and how reliable a figure must be (docs/analysis.md)."
    )
    reliable_n: int = field(
        default=30,
        metadata=_doc(
            "Figures on fewer answers than this (but at least privacy.min_cell_size) are "
            "marked indicatief (indicative).",
            _at_least(1),
        ),
    )
    population: int = field(
        default=0,
        metadata=_doc(
            "Size of the population the round stands for, for the finite population "
            "correction of margins; 0: the number of people invited.",
            _at_least(0),
        ),
    )
    top_n: int = field(
        default=5, metadata=_doc("How many answers a top list shows (1 or more).", _at_least(1))
    )
    top_questions: tuple[str, ...] = field(
        default=("q55_good_point", "q57_improve_point"),
        metadata=_doc(
            "Choice questions reported as a top list against the reference group "
            "(the good points and improvement points)."
        ),
    )
    nps_questions: tuple[str, ...] = field(
        default=(),
        metadata=_doc(
            "Questions on a 0-10 scale reported as a Net Promoter Score; empty: every 0-10 "
            "question that asks whether the respondent would recommend (aanbevelen, aanraden)."
        ),
    )
    ces_questions: tuple[str, ...] = field(
        default=(),
        metadata=_doc("Questions reported as a Customer Effort Score (CES); empty: none."),
    )
    ces_definition: str = field(
        default="agree",
        metadata=_doc(
            'How the CES is computed: "agree" (% who (strongly) agree it was easy), '
            '"mean" (the mean of the answer codes) or "net" (% easy minus % difficult).',
            lambda v: (
                None if v in CES_DEFINITIONS else f"must be one of {', '.join(CES_DEFINITIONS)}"
            ),
        ),
    )


@dataclass(frozen=True)
class SenderSection:
    DOC: ClassVar[str] = "Who signs the letter."
    name: str = field(default="", metadata=_doc("Name of the person who signs."))
    role: str = field(default="", metadata=_doc("Their role, e.g. Manager Werk en Inkomen."))
    organisation: str = field(
        default="", metadata=_doc("Department or organisation; empty: Gemeente <municipality>.")
    )
    signature: str = field(
        default="",
        metadata=_doc(
            "Image of the signature, relative to this file, e.g. letters/signature.png; "
            "empty: the letter is signed with the name only."
        ),
    )
    reference: str = field(
        default="",
        metadata=_doc(
            'Reference printed as "Ons kenmerk" in the letter, as the municipality files it; '
            "empty: no reference line."
        ),
    )
    reply_address: tuple[str, ...] = field(
        default=(),
        metadata=_doc(
            'Return address for the paper questionnaire, e.g. ["Antwoordnummer 123", "2260 VB Leidschendam"].'
        ),
    )


_check_store_url = _empty_or(
    lambda v: v.startswith(("postgresql://", "postgres://")),
    "must start with postgresql:// (or be empty for store.sqlite in this folder)",
)


def check_store_url(v: str) -> str | None:
    """Why ``v`` is no usable ``store.url``; ``None`` when it is (or is empty)."""
    return _check_store_url(v)


@dataclass(frozen=True)
class StoreSection:
    DOC: ClassVar[str] = "Where the round's store is: everything but personal data (docs/store.md)."
    url: str = field(
        default="",
        metadata=_doc(
            "Empty: store.sqlite in this folder. Or a PostgreSQL database, one schema per round, "
            'e.g. "postgresql://papersurvey@db.example.nl/kbo?schema=kbo_2027_lv"; '
            "keep the password in ~/.pgpass, not here.",
            check_store_url,
        ),
    )


@dataclass(frozen=True)
class Settings:
    """All settings of one survey round; one attribute per ``survey.toml`` table."""

    survey: SurveySection = field(default_factory=SurveySection)
    questionnaire: QuestionnaireSection = field(default_factory=QuestionnaireSection)
    channels: ChannelsSection = field(default_factory=ChannelsSection)
    dates: DatesSection = field(default_factory=DatesSection)
    online: OnlineSection = field(default_factory=OnlineSection)
    helpdesk: HelpdeskSection = field(default_factory=HelpdeskSection)
    print: PrintSection = field(default_factory=PrintSection)
    omr: OmrSection = field(default_factory=OmrSection)
    privacy: PrivacySection = field(default_factory=PrivacySection)
    analysis: AnalysisSection = field(default_factory=AnalysisSection)
    sender: SenderSection = field(default_factory=SenderSection)
    store: StoreSection = field(default_factory=StoreSection)

    @property
    def default_language(self) -> str:
        return self.survey.languages[0]


def default_settings(survey_id: str, municipality: str = "") -> Settings:
    """Settings for a new round with this id; everything else at its default."""
    return Settings(
        survey=SurveySection(id=survey_id, code=survey_code(survey_id), municipality=municipality)
    )


# ---------------------------------------------------------------- reading


def _convert(key: str, hint: Any, value: Any) -> Any:
    """Check one TOML value against a field type; raise ValueError with the reason."""
    if hint is bool:
        if isinstance(value, bool):
            return value
        raise ValueError("must be true or false")
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ValueError("must be a whole number")
    if hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise ValueError("must be a number")
    if hint is str:
        if isinstance(value, str):
            return value
        raise ValueError('must be text in quotes ("...")')
    if hint == tuple[str, ...]:
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise ValueError('must be a list of texts, like ["a", "b"]')
    if hint == dt.date | None:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if value == "":
            return None
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise ValueError('must be a date like 2027-03-01, or "" when not known yet')
    raise TypeError(f"no conversion for {key}: {hint}")  # a programming error


def _section_from(name: str, cls: type, table: Any, problems: list[str]) -> Any:
    if not isinstance(table, dict):
        problems.append(f"[{name}] must be a table")
        return cls()
    if cls is OmrSection:
        return _omr_from(table, problems)
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, raw in table.items():
        full = f"{name}.{key}"
        f = known.get(key)
        if f is None:
            near = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean '{name}.{near[0]}'?" if near else ""
            problems.append(f"unknown key '{full}'{hint}")
            continue
        try:
            value = _convert(full, hints[key], raw)
        except ValueError as exc:
            problems.append(f"key '{full}' {exc}, found {raw!r}")
            continue
        check = f.metadata.get("check")
        reason = check(value) if check else None
        if reason:
            problems.append(f"key '{full}' {reason}, found {raw!r}")
            continue
        values[key] = value
    return cls(**values)


def settings_from_mapping(data: Mapping[str, Any], where: str = "survey.toml") -> Settings:
    """Build settings from parsed TOML, checking every key.

    Raises:
        ProjectError: listing every wrong key, with the key's full name.
    """
    problems: list[str] = []
    fmt = data.get("format", FORMAT)
    if fmt != FORMAT:
        problems.append(
            f"key 'format' is {fmt!r}; this papersurvey reads format {FORMAT}. "
            "Use the papersurvey version that created the folder."
        )
    sections = {f.name: f for f in dataclasses.fields(Settings)}
    hints = typing.get_type_hints(Settings)
    built: dict[str, Any] = {}
    for name, table in data.items():
        if name == "format":
            continue
        if name not in sections:
            near = difflib.get_close_matches(name, sections, n=1)
            hint = f"; did you mean '[{near[0]}]'?" if near else ""
            problems.append(f"unknown table '[{name}]'{hint}")
            continue
        built[name] = _section_from(name, hints[name], table, problems)
    settings = Settings(**built)
    s = settings.survey
    if "survey" not in data or "id" not in data.get("survey", {}):
        problems.append("key 'survey.id' is missing")
    elif not s.code and s.id.strip():
        try:
            settings = dataclasses.replace(
                settings, survey=dataclasses.replace(s, code=survey_code(s.id))
            )
        except ValueError:
            problems.append(
                f"key 'survey.id' {s.id!r} has no letters or digits to make a survey code from; "
                "set 'survey.code'"
            )
    d = settings.dates
    if d.send and d.close and d.close < d.send:
        problems.append(f"key 'dates.close' ({d.close}) is before 'dates.send' ({d.send})")
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise ProjectError(f"{where} has problems; correct them and try again:\n{lines}")
    return settings


def load_settings(path: Path) -> Settings:
    """Read and check ``survey.toml``.

    Raises:
        ProjectError: the file is missing, is not valid TOML, or has a wrong key.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ProjectError(
            f"{path} not found: this is not a papersurvey project folder. "
            "Create one with 'papersurvey new DIR'."
        ) from exc
    except UnicodeDecodeError as exc:
        raise ProjectError(f"{path} is not UTF-8 text; save it as UTF-8.") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProjectError(
            f"{path} is not valid TOML: {exc}. Correct the file and try again."
        ) from exc
    return settings_from_mapping(data, where=str(path))


# ---------------------------------------------------------------- writing
#
# Written with tomlkit, not tomli-w: survey.toml is a file people edit (the
# operator fills in dates, helpdesk and sender), so every key carries its
# comment, and tomlkit writes comments as part of the document (tomli-w writes
# none). tomlkit also escapes strings and writes dates as TOML dates, which a
# hand-written writer had to get right by itself.


def _toml_value(value: Any) -> Any:
    """A settings value as tomlkit writes it: unset dates as ``""``, tuples as arrays."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return [_toml_value(v) for v in value]
    return value


def _comments(container: tomlkit.TOMLDocument | Table, text: str) -> None:
    for line in text.splitlines():
        container.add(tomlkit.comment(line.removeprefix("# ")))


def render_settings(settings: Settings) -> str:
    """``survey.toml`` text for these settings, every key with its comment."""
    doc = tomlkit.document()
    _comments(
        doc,
        "papersurvey: settings of one survey round.\n"
        "Every key is explained in docs/project-folder.md. Texts respondents see are Dutch.",
    )
    doc.add(tomlkit.nl())
    doc.add("format", FORMAT)
    for section in dataclasses.fields(Settings):
        obj = getattr(settings, section.name)
        table = tomlkit.table()
        _comments(table, type(obj).DOC)
        table.add(tomlkit.nl())
        if isinstance(obj, OmrSection):
            for k, v in obj.overrides:
                table.add(k, v)
        else:
            for f in dataclasses.fields(obj):
                _comments(table, f.metadata["doc"])
                table.add(f.name, _toml_value(getattr(obj, f.name)))
        doc.add(section.name, table)
    return tomlkit.dumps(doc)


def set_setting(path: Path, table: str, key: str, value: str | bool | int) -> Settings:
    """Change one key of ``survey.toml`` in place, keeping the operator's comments and layout.

    This is why the file is handled with tomlkit: a command that sets one
    value (``papersurvey keys`` writes ``privacy.public_key``) leaves every
    other line as the operator left it.

    Returns:
        The settings as read back, checked.

    Raises:
        ProjectError: the file is not valid TOML, or the new value is wrong.
    """
    text = path.read_text(encoding="utf-8")
    try:
        doc = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise ProjectError(
            f"{path} is not valid TOML: {exc}. Correct the file and try again."
        ) from exc
    section = doc.get(table)
    if section is None:
        section = tomlkit.table()
        doc.add(table, section)
    section[key] = value
    new = tomlkit.dumps(doc)
    settings = settings_from_mapping(tomllib.loads(new), where=str(path))
    path.write_text(new, encoding="utf-8")
    return settings
