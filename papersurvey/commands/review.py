"""``papersurvey review DIR``: the operators' web UI for review items and unidentified pages.

``--add-operator NAME`` creates an operator account instead of starting the
server (the password is asked twice, or read from stdin with
``--password-stdin``). See ``docs/review.md``.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from review.texts import LANGUAGES
from survey.errors import ConflictError, ProjectError, ReviewError

if TYPE_CHECKING:
    from review.app import ReviewConfig
    from survey.formmap import FormMap
    from survey.project import Project
    from survey.store import Store

log = logging.getLogger("papersurvey.review")

LOOPBACK = ("127.0.0.1", "localhost", "::1")

# review.server's defaults, copied so that building the parser does not import the
# http.server/ssl stack; tests/papersurvey/test_cli_startup.py checks that they agree.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "review",
        help="start the review web UI (or add an operator account)",
        description=(
            "Serve the review UI for this round: operators log in, confirm or correct the "
            "marks the machine was unsure of, question by question, and assign pages that "
            "could not be identified. Every decision is stored with the operator's name and "
            "written to the audit log. Stop the server with Ctrl-C."
        ),
    )
    p.add_argument("directory", metavar="DIR", type=Path, help="the project folder")
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}: this computer only)",
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument(
        "--language",
        choices=LANGUAGES,
        help="default UI language (default: the round's first language)",
    )
    p.add_argument(
        "--add-operator",
        metavar="NAME",
        help="create an operator account and exit (asks for the password)",
    )
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="with --add-operator: read the password from the first line of stdin",
    )
    p.set_defaults(func=run)


def read_password(stdin: TextIO, *, from_stdin: bool) -> str:
    """The new operator's password: one line of ``stdin``, or typed twice at a prompt."""
    from review.auth import check_password

    if from_stdin:
        return stdin.readline().rstrip("\r\n")
    if not stdin.isatty():
        raise ReviewError("no terminal to type a password in; pipe it in with --password-stdin.")
    first = getpass.getpass("Password for the new operator: ")
    check_password(first)
    if getpass.getpass("Type it again: ") != first:
        raise ReviewError("the two passwords differ; nothing was changed. Try again.")
    return first


def clip_cutter(project: Project, maps: dict[str, Any]) -> Callable[[Store], None]:
    """Cut the clips of newly opened review items from their scan files (as ``scan`` does)."""
    from ingest.clipstore import record_clip, settle_clips
    from ingest.pipeline import omr_params
    from ingest.worker import WorkContext, cut_clips

    root = project.paths.root
    ctx = WorkContext(
        form_maps=dict(maps),
        key=project.key,
        survey=project.settings.survey.code,
        params=omr_params(project),
        root=str(root),
        ocr=False,
    )

    def cut(store: Store) -> None:
        for job in settle_clips(store, root):
            written = cut_clips(ctx, job)
            with store.transaction():
                for question, name in written:
                    pseudonym = store.scalar(
                        "SELECT pseudonym FROM review_items WHERE page_sha256 = ? AND question = ?",
                        (job.image_sha256, question),
                    )
                    record_clip(store, job.image_sha256, question, pseudonym or "", name)

    return cut


class RoundPageMaps:
    """The printed form maps per respondent, for the review UI (:class:`review.decisions.PageMaps`).

    A respondent's form map is the one their questionnaire was printed with
    (:func:`print_batches.scanmaps.reading_maps`: their language's, or an
    earlier version's); a page assigned to them is read again from its scan
    file when it was read with a map that lays that page out otherwise
    (:func:`ingest.reread.align_page`).
    """

    def __init__(
        self, project: Project, maps: dict[str, FormMap], printed: dict[str, tuple[str, ...]]
    ) -> None:
        from ingest.pipeline import omr_params
        from ingest.worker import WorkContext
        from omr.form import prepare_form

        self._maps = maps
        self._printed = printed
        self._ctx = WorkContext(
            form_maps={k: prepare_form(v) for k, v in maps.items()},
            key=project.key,
            survey=project.settings.survey.code,
            params=omr_params(project),
            root=str(project.paths.root),
            ocr=False,
        )

    def map_ids(self, store: Store, pseudonym: str) -> tuple[str, ...]:
        """The map ids ``pseudonym``'s pages are read with, preferred first."""
        from ingest.pipeline import respondent_map_ids

        ids = respondent_map_ids(store, self._maps, self._printed)
        return ids.get(pseudonym) or (next(iter(self._maps)),)

    def form_map(self, store: Store, pseudonym: str) -> FormMap:
        return self._maps[self.map_ids(store, pseudonym)[0]]

    def align(self, store: Store, page_sha256: str, pseudonym: str, page_no: int) -> FormMap:
        from ingest.reread import align_page

        done = align_page(store, self._ctx, page_sha256, self.map_ids(store, pseudonym), page_no)
        return self._maps[done.map_id]


def review_config(directory: Path, language: str | None = None) -> ReviewConfig:
    """The app's configuration for the project in ``directory``, as the command builds it.

    Raises:
        ProjectError: not a project folder, or no operator can log in yet.
    """
    from papersurvey.commands.scan import reading_maps
    from review.app import ReviewConfig
    from review.auth import operators
    from survey.project import Project

    with Project.open(directory) as project:
        if not operators(project.store):
            raise ProjectError(
                "no operator can log in yet. Create an account first: "
                f"papersurvey review {directory} --add-operator NAME"
            )
        printed = reading_maps(project)
        maps = printed.maps
        default = project.settings.default_language
        return ReviewConfig(
            root=project.paths.root,
            questionnaire=project.load_questionnaire(),
            form_map=maps.get(default) or next(iter(maps.values())),
            language=language or (default if default in LANGUAGES else LANGUAGES[0]),
            on_items_opened=clip_cutter(project, maps),
            page_maps=RoundPageMaps(project, maps, printed.respondent_maps),
        )


def run(args: argparse.Namespace) -> int:
    from review.app import ReviewApp
    from review.auth import add_operator
    from review.server import address, create_server
    from survey.project import Project

    if args.add_operator:
        with Project.open(args.directory) as project:
            password = read_password(sys.stdin, from_stdin=args.password_stdin)
            name = add_operator(project.store, args.add_operator, password)
        print(f"operator {name!r} created; start the UI with: papersurvey review {args.directory}")
        return 0
    if args.password_stdin:
        raise ReviewError("--password-stdin goes with --add-operator NAME.")
    config = review_config(args.directory, args.language)
    app = ReviewApp(config)
    try:
        server = create_server(app, args.host, args.port)
    except OSError as exc:
        app.close()
        raise ConflictError(
            f"cannot listen on {args.host}:{args.port} ({exc.strerror or exc}). "
            "Another program may use the port: choose another with --port."
        ) from exc
    if args.host not in LOOPBACK:
        log.warning(
            "listening on %s without TLS: anyone on the network can reach the login page. "
            "Prefer --host 127.0.0.1 behind an SSH tunnel or a TLS proxy.",
            args.host,
        )
    print(f"review UI on http://{address(server)}/ (Ctrl-C stops it)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nreview UI stopped", file=sys.stderr)
    finally:
        server.server_close()
        app.close()  # stop the background OCR of drafts
    return 0
