"""Fixtures of the scan simulator tests: the real default questionnaire and its layout."""

from __future__ import annotations

from typing import Any

import pytest

from papersurvey.simulate.forms import default_layout
from survey.model import Questionnaire


@pytest.fixture(scope="session")
def layout() -> Any:
    return default_layout()


@pytest.fixture(scope="session")
def questionnaire(layout: Any) -> Questionnaire:
    return layout.questionnaire
