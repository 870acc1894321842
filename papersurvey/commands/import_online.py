"""``papersurvey import-online DIR FILE``: import a LimeSurvey response export."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papersurvey.commands.parsers import project_command

if TYPE_CHECKING:
    from ingest.online_store import OnlineImportReport


def register(subparsers: Any) -> None:
    p = project_command(
        subparsers,
        "import-online",
        run,
        help="import the online answers (LimeSurvey response export)",
        description=(
            "Read a LimeSurvey response export (Responses > Export: CSV or JSON, any kind of "
            "headings and answers) or pull it from a running LimeSurvey, and store its "
            "responses. Every problem is listed before anything is written. Importing the "
            "same file again changes nothing; a later export adds what is new."
        ),
    )
    p.add_argument(
        "file", metavar="FILE", type=Path, nargs="?", help="the LimeSurvey export (.csv, .json)"
    )
    p.add_argument(
        "--from-limesurvey",
        metavar="URL",
        help="export the responses from LimeSurvey's RemoteControl (…/index.php/admin/"
        "remotecontrol) instead of a file; login from LIMESURVEY_USER/LIMESURVEY_PASSWORD "
        "or asked",
    )
    p.add_argument(
        "--ignore-column",
        metavar="HEADING",
        action="append",
        default=[],
        help="read past a column that matches no question (repeat for more)",
    )
    p.add_argument(
        "--skip-unknown",
        action="store_true",
        help="skip responses whose token is no respondent of this round (test responses)",
    )


def run(args: argparse.Namespace) -> int:
    from ingest.online_store import OnlineImportOptions, import_online, pull_online
    from layout.limesurvey_survey import codes_path
    from survey.errors import PaperSurveyError
    from survey.limesurvey import load_codes
    from survey.project import Project

    if (args.file is None) == (args.from_limesurvey is None):
        raise PaperSurveyError(
            "Give either an export FILE or --from-limesurvey URL (one of the two)."
        )
    with Project.open(args.directory) as project:
        questionnaire = project.load_questionnaire()
        options = OnlineImportOptions(
            file=args.file or Path(),
            ignore_columns=tuple(args.ignore_column),
            skip_unknown=args.skip_unknown,
            codes=load_codes(questionnaire, codes_path(project)),
            survey_id=project.settings.online.limesurvey_sid,
        )
        if args.from_limesurvey:
            from papersurvey.commands.online_login import ask_login

            report = pull_online(
                project.store, questionnaire, args.from_limesurvey, ask_login(), options
            )
        else:
            report = import_online(project.store, questionnaire, options)
    print(format_report(report))
    return 0


def format_report(report: OnlineImportReport) -> str:
    """The import's numbers, the same ones the store and the audit log hold."""
    lines = []
    if report.nothing_changed and not report.set_aside:
        lines.append(
            f"Nothing changed: the {report.rows} responses in {report.file} were imported before."
        )
    else:
        lines.append(
            f"Imported {report.file}: {report.rows} responses ({report.complete} complete, "
            f"{report.partial} partial); {report.added} new, {report.updated} updated, "
            f"{report.unchanged} unchanged."
        )
    if report.repeated:
        lines.append(f"  {report.repeated} rows repeat an earlier row exactly and count once.")
    if report.set_aside:
        lines.append(f"  {len(report.set_aside)} rows set aside:")
        lines += [f"    row {a.row} ({a.token}): {a.reason}" for a in report.set_aside]
    if report.skipped_unknown:
        lines.append(f"  {report.skipped} responses skipped: token not a respondent of this round.")
    if report.duplicate_tokens:
        lines.append(
            f"  {len(report.duplicate_tokens)} respondents have more than one online response; "
            "the analysis counts one (see docs/analysis.md)."
        )
    if report.ignored_columns:
        lines.append(f"  columns read past: {', '.join(report.ignored_columns)}")
    if report.missing_questions:
        lines.append(
            f"  questions without a column in the export: {', '.join(report.missing_questions)}"
        )
    return "\n".join(lines)
