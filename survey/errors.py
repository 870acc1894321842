"""One exception hierarchy for the whole project.

Every error carries an exit code and a message that tells the user what to do.
Only the CLI (``papersurvey.cli``) turns these into exit codes. Third-party
errors are translated at the boundary with ``raise XError(...) from exc``.

All exceptions pickle (they keep their constructor arguments in ``args``), so
they survive the trip back from worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the ``papersurvey`` command."""

    OK = 0
    OTHER = 1
    USAGE = 2
    INPUT_INVALID = 3
    PROJECT = 4
    CONFLICT = 5
    MISSING_DEPENDENCY = 6
    CORRUPT_INPUT = 7
    INTERRUPTED = 130


class PaperSurveyError(Exception):
    """Base class: an error the user can act on.

    Attributes:
        exit_code: the process exit code the CLI uses for this error.
    """

    exit_code: ExitCode = ExitCode.OTHER

    def __init__(self, message: str, *args: object) -> None:
        super().__init__(message, *args)

    @property
    def message(self) -> str:
        return str(self.args[0])

    def __str__(self) -> str:
        return self.message


class ProjectError(PaperSurveyError):
    """The project folder is missing, incomplete or of an unknown version."""

    exit_code = ExitCode.PROJECT


class ConflictError(PaperSurveyError):
    """The command would overwrite or contradict earlier work; it asks for a flag."""

    exit_code = ExitCode.CONFLICT


class MissingDependencyError(PaperSurveyError):
    """A system program (tesseract, pdfinfo, chromium) is not installed."""

    exit_code = ExitCode.MISSING_DEPENDENCY


class CorruptInputError(PaperSurveyError):
    """A file cannot be read at all: not the format it claims, truncated, encrypted."""

    exit_code = ExitCode.CORRUPT_INPUT


@dataclass(frozen=True)
class Problem:
    """One problem found while validating an input file.

    Attributes:
        where: the file or sheet, for example ``survey`` or ``adressen.csv``.
        row: 1-based row number as the user sees it in a spreadsheet (header = 1),
            or 0 when the problem is not about a row.
        column: the column heading, or ``""``.
        message: what is wrong, in plain language.
        fix: what to do about it.
    """

    where: str
    row: int
    column: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        loc = self.where
        if self.row:
            loc += f", row {self.row}"
        if self.column:
            loc += f", column '{self.column}'"
        text = f"{loc}: {self.message}"
        if self.fix:
            stop = "" if self.message.rstrip().endswith((".", "!", "?")) else "."
            text += f"{stop} Fix: {self.fix}"
        return text


class ValidationError(PaperSurveyError):
    """An input file has problems; all of them are listed, nothing was written.

    Attributes:
        problems: every problem found, in file order.
    """

    exit_code = ExitCode.INPUT_INVALID

    def __init__(self, summary: str, problems: tuple[Problem, ...] | list[Problem] = ()) -> None:
        super().__init__(summary, tuple(problems))

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(self.args[1])

    def __str__(self) -> str:
        lines = [self.message]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class QuestionnaireError(ValidationError):
    """The questionnaire workbook or CSV folder has problems."""


class AddressFileError(ValidationError):
    """The municipality's address file has problems."""


class LayoutError(PaperSurveyError):
    """The questionnaire or letter cannot be laid out as asked (for example a question
    taller than a page, or layout options that do not fit)."""

    exit_code = ExitCode.INPUT_INVALID


class OnlineExportError(ValidationError):
    """The online (LimeSurvey) response export has problems; nothing was imported."""


class LetterTemplateError(ValidationError):
    """A letter template has problems (no subject line, an unknown merge field)."""


class ReviewError(PaperSurveyError):
    """A review decision or operator account that cannot be made as asked (an unknown
    pseudonym, a page number out of range, an item someone else decided meanwhile,
    a password that is too short)."""

    exit_code = ExitCode.INPUT_INVALID


class ExecutorError(PaperSurveyError):
    """Tasks cannot run where they were sent: the Dask scheduler is unreachable, or a worker
    process died on a task and left no error to pass on."""


class OnlineServerError(PaperSurveyError):
    """The LimeSurvey server could not be reached, refused the login, or answered with an error."""

    exit_code = ExitCode.OTHER
