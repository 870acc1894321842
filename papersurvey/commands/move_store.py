"""``papersurvey move-store DIR URL``: move the round's store into PostgreSQL."""

from __future__ import annotations

import argparse
from typing import Any

from papersurvey.commands.parsers import project_command


def register(subparsers: Any) -> None:
    p = project_command(
        subparsers,
        "move-store",
        run,
        help="move the round's store into a new PostgreSQL schema",
        description=(
            "Copy the round's store (store.sqlite) row for row into a new PostgreSQL schema, "
            "check the copy (row counts, audit chain), write [store] url to survey.toml and "
            "rename store.sqlite to store.sqlite.before-move. See docs/store.md."
        ),
    )
    p.add_argument(
        "url",
        metavar="URL",
        help="the new store, e.g. postgresql://papersurvey@db/kbo?schema=kbo_2027_lv "
        "(keep the password in ~/.pgpass)",
    )


def run(args: argparse.Namespace) -> int:
    from survey.errors import ProjectError
    from survey.project import Project
    from survey.storecopy import move_store
    from survey.storedb import is_url

    if not is_url(args.url):
        raise ProjectError(f"{args.url!r} is no PostgreSQL URL: it must start with postgresql://.")
    with Project.open(args.directory) as project:
        report = move_store(project, args.url)
    print(f"Moved the store to {report.target}: {sum(report.rows.values())} rows.")
    if report.kept:
        print(f"The old store is kept as {report.kept}; delete it once the new one is backed up.")
    return 0
