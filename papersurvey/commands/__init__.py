"""The subcommands of ``papersurvey``, one module each.

A command module exposes ``register(subparsers)``: it adds its parser and sets
``func``, a function ``(args: argparse.Namespace) -> int``. The function only
turns arguments into a typed options object, calls the library and prints the
outcome; it raises :class:`survey.errors.PaperSurveyError` for the CLI to
report. ``args.progress`` holds the progress bar factory the CLI chose.
A command on a project folder builds its parser with
:func:`papersurvey.commands.parsers.project_command` (the ``DIR`` argument and
``func``); options several commands share are defined once in that module.

At module level a command imports only what ``register`` needs (argparse and
small constants from light modules); everything else is imported inside the
function that uses it, so that ``papersurvey --help`` and every command start
fast. Type hints of library types go under ``if TYPE_CHECKING:``.
"""
