"""The subcommands of ``papersurvey``, one module each.

A command module exposes ``register(subparsers)``: it adds its parser and sets
``func``, a function ``(args: argparse.Namespace) -> int``. The function only
turns arguments into a typed options object, calls the library and prints the
outcome; it raises :class:`survey.errors.PaperSurveyError` for the CLI to
report. ``args.progress`` holds the progress bar factory the CLI chose.
"""
