"""papersurvey: hybrid paper + online client surveys.

This package is the application shell: the ``papersurvey`` command, its
subcommands and the demo. It is the only package that imports all others.
"""

__version__ = "0.1.0"
