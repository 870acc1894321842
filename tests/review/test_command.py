"""``papersurvey review``: operator accounts from the command line, starting and stopping the server."""

from __future__ import annotations

import io
import socket

import pytest

from papersurvey import cli
from review.auth import authenticate, operators
from survey.errors import ExitCode
from survey.store import Store
from tests.review.conftest import OPERATOR


def run_cli(monkeypatch, args: list[str], stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(["review", *map(str, args)])


def test_add_operator_reads_the_password_from_stdin(monkeypatch, review_dir, capsys):
    code = run_cli(
        monkeypatch,
        [review_dir, "--add-operator", "bert", "--password-stdin"],
        "een lang wachtwoord\n",
    )
    assert code == 0
    assert "operator 'bert' created" in capsys.readouterr().out
    with Store.open(review_dir / "store.sqlite") as store:
        assert operators(store) == ["anna", "bert"]
        assert authenticate(store, "bert", "een lang wachtwoord")


@pytest.mark.parametrize(
    ("args", "stdin", "exit_code", "message"),
    [
        (
            ["--add-operator", OPERATOR, "--password-stdin"],
            "nog een wachtwoord\n",
            ExitCode.CONFLICT,
            "already exists",
        ),
        (
            ["--add-operator", "bert", "--password-stdin"],
            "kort\n",
            ExitCode.INPUT_INVALID,
            "too short",
        ),
        (["--add-operator", "bert"], "", ExitCode.INPUT_INVALID, "--password-stdin"),
        (["--password-stdin"], "", ExitCode.INPUT_INVALID, "goes with --add-operator"),
        (["--lease-minutes", "0"], "", ExitCode.INPUT_INVALID, "at least 1"),
    ],
)
def test_add_operator_problems(monkeypatch, review_dir, capsys, args, stdin, exit_code, message):
    assert run_cli(monkeypatch, [review_dir, *args], stdin) == exit_code
    assert message in capsys.readouterr().err


def test_the_server_needs_an_operator_first(monkeypatch, project_dir, capsys):
    assert run_cli(monkeypatch, [project_dir]) == ExitCode.PROJECT
    err = capsys.readouterr().err
    assert f"papersurvey review {project_dir} --add-operator NAME" in err


def test_a_busy_port_is_a_clear_conflict(monkeypatch, review_dir, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert run_cli(monkeypatch, [review_dir, "--port", port]) == ExitCode.CONFLICT
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_the_server_runs_until_interrupted(monkeypatch, review_dir, capsys):
    served = []

    def loop(*args, map=None, **kwargs):  # waitress's loop; Ctrl-C at once
        served.extend(s.socket.getsockname() for s in map.values() if s.accepting)
        raise KeyboardInterrupt

    monkeypatch.setattr("waitress.wasyncore.loop", loop)
    assert run_cli(monkeypatch, [review_dir, "--port", 0]) == 0
    host, port = served[0][:2]
    out = capsys.readouterr()
    assert host == "127.0.0.1" and f"review UI on http://127.0.0.1:{port}/" in out.out
    assert "review UI stopped" in out.err
