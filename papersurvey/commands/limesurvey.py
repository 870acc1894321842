"""``papersurvey limesurvey DIR``: write the round's LimeSurvey survey structure."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from papersurvey.commands.parsers import project_command


def register(subparsers: Any) -> None:
    p = project_command(
        subparsers,
        "limesurvey",
        run,
        help="write the online survey for LimeSurvey 6 (.lss) from the questionnaire",
        description=(
            "Write the questionnaire as a LimeSurvey 6 survey structure (.lss) with the same "
            "question and answer codes that import-online expects, after checking every code "
            "against LimeSurvey's rules. The codes are kept in questionnaire/limesurvey_codes.csv."
        ),
    )
    p.add_argument("--out", metavar="FILE", type=Path, help="where to write the .lss file")
    p.add_argument(
        "--push-participants",
        metavar="URL",
        help="also add the participant list to LimeSurvey through RemoteControl "
        "(…/index.php/admin/remotecontrol); login from LIMESURVEY_USER/LIMESURVEY_PASSWORD "
        "or asked",
    )


def run(args: argparse.Namespace) -> int:
    from layout.limesurvey_survey import write_online_survey
    from papersurvey.commands.online_login import ask_login
    from survey.participants import participant_rows
    from survey.project import Project

    with Project.open(args.directory) as project:
        report = write_online_survey(project, args.out)
        rows = participant_rows(project) if args.push_participants else []
    print(f"Wrote {report.structure}: {report.groups} groups, {report.questions} questions.")
    print(f"  codes: {report.codes}{' (updated)' if report.codes_changed else ''}")
    if not report.sid_set:
        print(
            f"  survey id {report.sid} is a proposal: after importing, put the id LimeSurvey "
            "shows into survey.toml (online.limesurvey_sid)."
        )
    if not args.push_participants:
        print(
            f"  participants: papersurvey participants {args.directory} --out FILE (outside "
            "the project folder), or --push-participants URL to send them to LimeSurvey."
        )
    if args.push_participants:
        from ingest.limesurvey_rpc import add_participants

        added = add_participants(args.push_participants, report.sid, ask_login(), rows)
        print(f"  {added} participants added to LimeSurvey survey {report.sid}.")
    return 0
