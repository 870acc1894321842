"""The ``papersurvey`` command: argument parsing, logging, and exit codes.

Each subcommand lives in ``papersurvey/commands/<name>.py`` and exposes
``register(subparsers)``, which adds its parser and sets ``func`` (a function
of the parsed arguments returning an exit code). To add a command, write its
module and add its name to :data:`COMMANDS`.

Building the parser imports every command module, so ``papersurvey --help``
and every command pay for what those modules import. Command modules
therefore import the library (pandas, matplotlib, OpenCV, reportlab, ...) inside
``func``, not at module level; ``tests/papersurvey/test_cli_startup.py`` checks
that building the parser stays light.

:func:`main` is the only place where exceptions become exit codes.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Callable, Sequence

from papersurvey import __version__
from survey.errors import ExitCode, PaperSurveyError

COMMANDS = [
    "new",
    "keys",
    "import_addresses",
    "limesurvey",
    "participants",
    "sample_size",
    "proof",
    "print_cmd",
    "reminders",
    "scan",
    "review",
    "import_online",
    "status",
    "export",
    "report",
    "purge",
    "move_store",
    "demo",
]
"""Modules under ``papersurvey.commands``, in the order ``--help`` lists them."""

log = logging.getLogger("papersurvey.cli")


def _add_common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    # On subcommands the defaults are suppressed so that they do not overwrite
    # a value given before the subcommand (papersurvey -v new ...).
    group = parser.add_argument_group("output")
    group.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS if suppress else 0,
        help="say more about what happens (-vv: everything)",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="show debug messages and the traceback of unexpected errors",
    )
    store = parser.add_argument_group("store")
    store.add_argument(
        "--store",
        metavar="URL",
        default=argparse.SUPPRESS if suppress else None,
        help="the round's store for this command, e.g. postgresql://user@host/db?schema=round "
        "(default: [store] url in survey.toml, else store.sqlite; 'new' records it there)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command of :data:`COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="papersurvey",
        description="Hybrid paper + online client surveys: one project folder per survey round.",
        epilog="Run 'papersurvey COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"papersurvey {__version__}")
    _add_common(parser, suppress=False)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"papersurvey.commands.{name}").register(subparsers)
    seen: set[int] = set()
    for sub in subparsers.choices.values():
        if id(sub) not in seen:  # aliases share a parser
            seen.add(id(sub))
            _add_common(sub, suppress=True)
    return parser


def _configure_logging(verbose: int, debug: bool) -> Callable[[], None]:
    """Send ``papersurvey.*`` records to stderr for one command; the function that undoes it.

    Undone in full, the level too: :func:`main` also runs in-process (the demo,
    the tests), and a ``-v`` must not leave every later caller's INFO records on.
    """
    level = logging.DEBUG if debug or verbose > 1 else logging.INFO if verbose else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    fmt = "%(levelname)s %(name)s: %(message)s" if debug else "papersurvey: %(message)s"
    handler.setFormatter(logging.Formatter(fmt))
    logger = logging.getLogger("papersurvey")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(level)

    def restore() -> None:
        logger.removeHandler(handler)
        logger.setLevel(previous)

    return restore


def _override_store(url: str | None) -> Callable[[], None]:
    """Point this command (and the processes it starts) at ``url``; the function that undoes it."""
    if not url:
        return lambda: None
    from survey.project import STORE_ENV

    previous = os.environ.get(STORE_ENV)
    os.environ[STORE_ENV] = url

    def restore() -> None:
        if previous is None:
            os.environ.pop(STORE_ENV, None)
        else:
            os.environ[STORE_ENV] = previous

    return restore


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``papersurvey`` command; the process exit code.

    Args:
        argv: the arguments after the program name; ``None`` for ``sys.argv[1:]``.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error (already printed)
        return exc.code if isinstance(exc.code, int) else int(ExitCode.USAGE)
    from papersurvey.tqdm_progress import for_stream  # tqdm: only once a command runs

    args.progress = for_stream(sys.stderr)
    if args.store:
        from survey.settings import check_store_url

        problem = check_store_url(args.store)
        if problem:
            print(f"papersurvey: --store {problem}", file=sys.stderr)
            return int(ExitCode.USAGE)
    restore_logging = _configure_logging(args.verbose, args.debug)
    restore_store = _override_store(args.store)
    try:
        return int(args.func(args))
    except PaperSurveyError as exc:
        if args.debug:
            log.debug("traceback", exc_info=exc)
        print(f"papersurvey: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("\npapersurvey: interrupted; run the same command again to resume", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:
        if args.debug:
            log.debug("traceback", exc_info=exc)
        print(
            f"papersurvey: unexpected error: {type(exc).__name__}: {exc}\n"
            "run with --debug for the traceback",
            file=sys.stderr,
        )
        return int(ExitCode.OTHER)
    finally:
        restore_store()
        restore_logging()


if __name__ == "__main__":
    sys.exit(main())
