"""Fixtures of the survey tests: printed rounds come from the print tests' project factory."""

from tests.print_batches.conftest import make_project

__all__ = ["make_project"]
