"""The demo runs the whole chain through the real commands, and the OMR makes no silent error."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from papersurvey import cli
from papersurvey.commands import demo as demo_command
from papersurvey.demo.run import DemoOptions, run_demo
from survey.errors import ConflictError

# What must come out the same from two runs with one seed: the exports, the report
# (text and PDF), the print batch and the simulated scans.
SAME = (
    "out/export/data.csv",
    "out/export/metrics.csv",
    "out/export/long.csv",
    "out/export/problems.csv",
    "out/report/rapport.html",
    "out/report/rapport.pdf",
    "out/proof/letter-invitation_paper.pdf",
    "print/invitation/batch-001.pdf",
    "print/invitation/jobticket.json",
    "scans/retour-batch-001.pdf",
)


def _checksums(root: Path) -> dict[str, str]:
    return {name: hashlib.sha256((root / name).read_bytes()).hexdigest() for name in SAME}


def _run_twice(tmp_path: Path, **options: object) -> tuple[dict[str, str], dict[str, str]]:
    """The same demo in two folders of the same name (the name is the survey id)."""
    runs = []
    for side in ("a", "b"):
        directory = tmp_path / side / "demo"
        run_demo(
            DemoOptions(directory, **options),  # type: ignore[arg-type]
            cli.main,
            set(cli.COMMANDS),
            say=lambda _: None,
        )
        runs.append(_checksums(directory))
    return runs[0], runs[1]


def test_two_small_demos_with_one_seed_give_the_same_files(tmp_path: Path) -> None:
    first, second = _run_twice(tmp_path, respondents=8, seed=11)
    assert first == second


@pytest.mark.slow
def test_two_default_demos_give_the_same_files(tmp_path: Path) -> None:
    first, second = _run_twice(tmp_path)
    assert first == second


def test_the_seed_decides_the_answers(tmp_path: Path) -> None:
    # Only the steps up to the export (no print, so no paper): quick, and enough to see
    # that the simulated online answers and the pseudonyms follow the seed.
    steps = {"new", "import_addresses", "import_online", "export"}

    def data(side: str, seed: int) -> bytes:
        directory = tmp_path / side / "demo"
        options = DemoOptions(directory, respondents=12, online_response_rate=0.9, seed=seed)
        run_demo(options, cli.main, steps, say=lambda _: None)
        return (directory / "out" / "export" / "data.csv").read_bytes()

    first = data("a", 1)
    assert first.count(b"\n") > 3  # a header and some respondents
    assert data("b", 1) == first
    assert data("c", 2) != first


def test_the_demo_command_states_the_library_defaults() -> None:
    options = DemoOptions(Path(demo_command.DEFAULT_DIR))
    assert (options.respondents, options.seed) == (
        demo_command.DEFAULT_RESPONDENTS,
        demo_command.DEFAULT_SEED,
    )
    help_text = cli.build_parser()._subparsers._group_actions[0].choices["demo"].format_help()  # type: ignore[union-attr]
    assert f"(default {demo_command.DEFAULT_SEED})" in " ".join(help_text.split())


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
