"""RemoteControl 2 against a local stub (a real LimeSurvey cannot run in CI).

The stub speaks LimeSurvey's JSON-RPC as ``remotecontrol_handle`` does:
``get_session_key`` returns a key or ``{"status": "Invalid user name or
password"}``, ``export_responses`` the export base64-encoded,
``add_participants`` the rows it added, ``release_session_key`` ``"OK"``.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ingest.limesurvey_rpc import (
    Credentials,
    add_participants,
    credentials_from_env,
    export_responses,
)
from papersurvey.cli import main
from papersurvey.simulate.online import SimulatedResponse
from survey.errors import OnlineServerError
from survey.project import Project
from survey.pseudonym import new_pseudonyms
from survey.questionnaire import default_questionnaire
from survey.store import utc_now
from tests.ingest.lsexport import ls_export


class Stub:
    def __init__(self) -> None:
        self.export = b'{"responses": []}'
        self.calls: list[tuple[str, list[Any]]] = []
        self.participants: list[dict[str, str]] = []

    def handle(self, method: str, params: list[Any]) -> Any:
        self.calls.append((method, params))
        if method == "get_session_key":
            return (
                "k3y"
                if params[:2] == ["operator", "geheim"]
                else {"status": "Invalid user name or password"}
            )
        if params[0] != "k3y":
            return {"status": "Invalid session key"}
        if method == "export_responses":
            return (
                base64.b64encode(self.export).decode()
                if params[1] == 123456
                else {"status": "Error: Invalid survey ID"}
            )
        if method == "add_participants":
            self.participants += params[2]
            return [dict(p, tid=str(i)) for i, p in enumerate(params[2], start=1)]
        if method == "release_session_key":
            return "OK"
        return {"status": "unknown method"}


@pytest.fixture
def stub() -> Iterator[tuple[Stub, str]]:
    state = Stub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            body = json.dumps(
                {
                    "id": request["id"],
                    "result": state.handle(request["method"], request["params"]),
                    "error": None,
                }
            )
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/index.php/admin/remotecontrol"
    server.shutdown()
    thread.join()
    server.server_close()


LOGIN = Credentials("operator", "geheim")


def test_export_and_participants_through_remotecontrol(stub: tuple[Stub, str]) -> None:
    state, url = stub
    state.export = b'{"responses": [{"id": "1"}]}'
    assert export_responses(url, 123456, LOGIN) == state.export
    methods = [m for m, _ in state.calls]
    assert methods == ["get_session_key", "export_responses", "release_session_key"]
    assert state.calls[1][1][1:6] == [123456, "json", None, "all", "code"]
    assert add_participants(url, 123456, LOGIN, [{"token": "ABCDEFGHJ", "firstname": "A"}]) == 1
    assert (
        state.calls[-2][0] == "add_participants" and state.calls[-2][1][3] is False
    )  # keep our tokens


def test_a_wrong_login_or_survey_is_a_plain_error(stub: tuple[Stub, str]) -> None:
    _, url = stub
    with pytest.raises(
        OnlineServerError, match=r"refused the login.*Invalid user name or password"
    ):
        export_responses(url, 123456, Credentials("operator", "fout"))
    with pytest.raises(OnlineServerError, match=r"Invalid survey ID.*online\.limesurvey_sid"):
        export_responses(url, 999999, LOGIN)
    with pytest.raises(OnlineServerError, match="Cannot reach LimeSurvey"):
        export_responses("http://127.0.0.1:9/index.php/admin/remotecontrol", 1, LOGIN)


def test_credentials_come_from_the_environment_or_a_prompt_never_arguments() -> None:
    env = {"LIMESURVEY_USER": "operator", "LIMESURVEY_PASSWORD": "geheim"}
    assert credentials_from_env(env) == LOGIN
    assert "geheim" not in repr(LOGIN)
    asked = credentials_from_env(
        {"LIMESURVEY_USER": "operator"}, ask=lambda prompt, secret: "geheim" if secret else "x"
    )
    assert asked == LOGIN
    with pytest.raises(OnlineServerError, match="LIMESURVEY_PASSWORD"):
        credentials_from_env({})


def test_cli_pulls_from_limesurvey(
    stub: tuple[Stub, str],
    project_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    state, url = stub
    q = default_questionnaire()
    tokens = new_pseudonyms(2)
    with Project.open(project_dir) as project, project.store.transaction():
        for p in tokens:
            project.store.insert(
                "respondents", {"pseudonym": p, "channel": "email", "imported_at": utc_now()}
            )
    settings = project_dir / "survey.toml"
    settings.write_text(
        settings.read_text().replace('limesurvey_sid = ""', 'limesurvey_sid = "123456"')
    )
    rs = [
        SimulatedResponse(t, {"q01_grade_overall": "7"}, "2027-03-01 10:00:00", 10) for t in tokens
    ]
    state.export = ls_export(q, rs, fmt="json")
    monkeypatch.setenv("LIMESURVEY_USER", "operator")
    monkeypatch.setenv("LIMESURVEY_PASSWORD", "geheim")
    assert main(["import-online", str(project_dir), "--from-limesurvey", url]) == 0
    assert "results-survey123456.json: 2 responses" in capsys.readouterr().out
    with Project.open(project_dir) as project:
        assert project.store.scalar("SELECT count(*) FROM online_responses") == 2
