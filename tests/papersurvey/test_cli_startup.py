"""The papersurvey command starts light: building the parser imports no heavy library.

Every command module is imported to build the parser, so whatever a command
imports at module level is paid by ``papersurvey --help`` and by every other
command (``scan`` included). These tests pin that down by module, not by time.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import papersurvey.commands
from papersurvey.cli import COMMANDS, build_parser, main

HEAVY = (
    "pandas",
    "numpy",
    "matplotlib",
    "cv2",
    "reportlab",
    "pikepdf",
    "pypdfium2",
    "pyarrow",
    "dask",
    "tqdm",
    "review.app",
    "analysis",
    "ingest",
    "omr",
    "layout.proof",
    "layout.questionnaire",
)
"""Modules (and their submodules) that building the parser must not import."""

_PROBE = """
import contextlib, io, json, sys
from papersurvey.cli import build_parser, main
parser = build_parser()
for name in json.loads(sys.argv[1]):
    with contextlib.redirect_stdout(io.StringIO()):
        assert main([name, "--help"]) == 0, name
print(json.dumps(sorted(sys.modules)))
"""


def command_name(module_name: str) -> str:
    """The command a module of :data:`COMMANDS` registers (``print_cmd`` -> ``print``)."""
    subparsers = argparse.ArgumentParser().add_subparsers()
    importlib.import_module(f"papersurvey.commands.{module_name}").register(subparsers)
    (name,) = subparsers.choices
    return name


def _heavy(loaded: list[str]) -> list[str]:
    return sorted(m for m in loaded if any(m == h or m.startswith(f"{h}.") for h in HEAVY))


def test_building_the_parser_and_every_help_imports_nothing_heavy() -> None:
    names = [command_name(m) for m in COMMANDS]
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(names)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert "papersurvey.commands.scan" in loaded  # the probe did build the parser
    assert _heavy(loaded) == []


def test_the_probe_would_see_a_heavy_import() -> None:
    assert _heavy(["json", "pandas.core.frame", "review.app", "analysis", "reviews"]) == [
        "analysis",
        "pandas.core.frame",
        "review.app",
    ]


@pytest.mark.parametrize("module_name", COMMANDS)
def test_every_command_help_still_works(
    module_name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    name = command_name(module_name)
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args([name, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: papersurvey {name} ")
    assert "--verbose" in out and "--debug" in out


def test_main_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    lines = capsys.readouterr().out.splitlines()
    listed = [line.split()[0] for line in lines if line[:4] == "    " and line[4:5].strip()]
    assert listed == [command_name(m) for m in COMMANDS]


def test_constants_copied_for_a_light_parser_agree_with_the_library() -> None:
    from analysis.exports import FORMATS
    from papersurvey.commands import export, review
    from review import leases, server

    assert export.FORMATS == FORMATS
    assert (review.DEFAULT_HOST, review.DEFAULT_PORT) == (server.DEFAULT_HOST, server.DEFAULT_PORT)
    assert review.DEFAULT_LEASE_MINUTES * 60 == leases.LEASE_SECONDS


def _imports_in_functions(tree: ast.Module) -> list[ast.ImportFrom]:
    return [
        node
        for func in ast.walk(tree)
        if isinstance(func, ast.FunctionDef)
        for node in ast.walk(func)
        if isinstance(node, ast.ImportFrom)
    ]


@pytest.mark.parametrize("module_name", COMMANDS)
def test_deferred_imports_resolve(module_name: str) -> None:
    """A typo in an import inside ``run`` would otherwise show only when the command runs."""
    path = Path(papersurvey.commands.__file__).parent / f"{module_name}.py"
    deferred = _imports_in_functions(ast.parse(path.read_text(encoding="utf-8")))
    assert deferred, f"{module_name} imports nothing inside its functions"
    for node in deferred:
        assert node.module and node.level == 0
        module = importlib.import_module(node.module)
        for alias in node.names:
            if not hasattr(module, alias.name):
                importlib.import_module(f"{node.module}.{alias.name}")  # a submodule
