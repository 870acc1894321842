"""The demo runs the whole chain through the real commands, and the OMR makes no silent error."""

from __future__ import annotations

from pathlib import Path

import pytest

from papersurvey import cli
from papersurvey.demo.run import DemoOptions, run_demo
from survey.errors import ConflictError


@pytest.mark.slow
def test_demo_runs_every_step(tmp_path: Path) -> None:
    said: list[str] = []
    options = DemoOptions(tmp_path / "demo", respondents=14, paper_return_rate=1.0, seed=5)
    report = run_demo(options, cli.main, set(cli.COMMANDS), say=said.append)
    outcomes = {step: outcome for step, outcome, _ in report.steps}
    assert not [s for s, o in outcomes.items() if o.startswith("skipped")], outcomes
    assert outcomes["OMR against the truth"].endswith(" 0 silent errors")
    assert (tmp_path / "demo" / "out" / "report" / "rapport.pdf").stat().st_size > 10_000
    assert (tmp_path / "demo" / "out" / "export" / "data.sav").exists()


def test_demo_refuses_a_folder_that_is_not_an_earlier_demo(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("keep me")
    with pytest.raises(ConflictError, match="not an earlier demo folder"):
        run_demo(DemoOptions(tmp_path / "mine"), cli.main, set(cli.COMMANDS), say=lambda _: None)
    assert (tmp_path / "mine" / "thesis.docx").read_text() == "keep me"
