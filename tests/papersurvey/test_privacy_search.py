"""Nothing personal outside pii/ and the print deliverables: the whole demo, searched; then purged.

One small demo runs through the real commands (encrypted intake included);
every file of its folder outside ``pii/`` and ``print/`` is searched for every
name, street, postcode with house number, e-mail address and client number of
the address file, in plain text and the usual encodings
(:mod:`tests.papersurvey.personal_data`). Then a respondent's open answer
that names someone is added (as people write them), the search finds it, and
``purge`` removes it from the store and the exports, or keeps only the
analyst's anonymised quote.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from papersurvey import cli
from papersurvey.demo.addresses import FakePerson, fake_people
from papersurvey.demo.run import DemoOptions, run_demo
from survey.project import Project
from survey.purge import text_questions
from tests.papersurvey.personal_data import find_personal_data

SEED = 5
RESPONDENTS = 10


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    d = tmp_path_factory.mktemp("privacy") / "demo"
    options = DemoOptions(d, respondents=RESPONDENTS, paper_return_rate=1.0, seed=SEED)
    run_demo(options, cli.main, set(cli.COMMANDS), say=lambda _: None)
    yield d


@pytest.fixture
def people() -> list[FakePerson]:
    return fake_people(RESPONDENTS, seed=SEED)


@pytest.fixture
def copy(demo: Path, tmp_path: Path) -> Path:
    target = tmp_path / "demo"
    shutil.copytree(demo, target)
    return target


def test_the_search_finds_personal_data_in_every_encoding(
    tmp_path: Path, people: list[FakePerson]
) -> None:
    p = people[0]
    (tmp_path / "pii").mkdir()
    (tmp_path / "pii" / "ok.txt").write_text(p.email)  # pii/ is excluded
    assert find_personal_data(tmp_path, people) == []
    (tmp_path / "a.txt").write_text(f"x {p.first_name} {p.infix} {p.last_name}".upper())
    (tmp_path / "b.bin").write_bytes(b"zz" + base64.b64encode(b"q" + p.client_number.encode()))
    (tmp_path / "c.json").write_text(json.dumps({"s": f"{p.street} {p.house_number}"}))
    (tmp_path / "d.txt").write_bytes(f"{p.postcode} {p.house_number}".encode("utf-16-le"))
    hits = find_personal_data(tmp_path, people)
    for name in ("a.txt", "b.bin", "c.json", "d.txt"):
        assert any(h.startswith(name) for h in hits), (name, hits)
    (tmp_path / "e.txt").write_text(f"sha {p.client_number[1:]}99")  # digits inside a token
    assert not any(h.startswith("e.txt") for h in find_personal_data(tmp_path, people))


def test_nothing_personal_outside_pii_and_the_print_deliverables(
    demo: Path, people: list[FakePerson]
) -> None:
    assert find_personal_data(demo, people) == []
    # the print deliverables do hold them: the search is looking in the right places
    assert find_personal_data(demo, people, exclude=("pii",))
    out = subprocess.run(["file", *sorted((demo / "pii").iterdir())], capture_output=True)
    assert out.returncode == 0 and b"text" not in out.stdout and b"CSV" not in out.stdout


def _write_free_text(root: Path, person: FakePerson) -> tuple[str, str]:
    """An open answer naming someone and a phone number, as paper (transcribed) and online."""
    text = (
        f"Mijn klantmanager {person.first_name} {person.last_name} belde nooit terug, "
        "bel me op 06-12345678"
    )
    with Project.open(root) as project:
        question = sorted(text_questions(project))[0]
        store = project.store
        page = store.query_one("SELECT image_sha256, pseudonym FROM pages WHERE status = 'ok'")
        assert page is not None
        with store.transaction():
            store.execute(
                "INSERT OR REPLACE INTO answers (pseudonym, question, value, source) "
                "VALUES (?, ?, ?, 'review')",
                (page["pseudonym"], question, text),
            )
            store.execute(
                "INSERT OR REPLACE INTO transcriptions (page_sha256, question, pseudonym, state, "
                "decision, value, draft, created_at) VALUES (?, ?, ?, 'decided', 'text', ?, ?, 'x')",
                (page["image_sha256"], question, page["pseudonym"], text, text),
            )
            row = store.query_one("SELECT pseudonym, submitted_at, raw FROM online_responses")
            assert row is not None
            raw = json.loads(row["raw"])
            raw["answers"][question] = text
            store.execute(
                "UPDATE online_responses SET raw = ? WHERE pseudonym = ? AND submitted_at = ?",
                (json.dumps(raw), row["pseudonym"], row["submitted_at"]),
            )
    assert cli.main(["export", str(root)]) == 0
    return question, text


def _free_text_left(root: Path) -> list[str]:
    with Project.open(root) as project:
        questions = text_questions(project)
        store = project.store
        marks = ",".join("?" * len(questions))
        left = [
            str(r[0])
            for r in store.query(
                f"SELECT value FROM answers WHERE question IN ({marks}) AND value IS NOT NULL",
                sorted(questions),
            )
        ]
        left += [str(r[0]) for r in store.query("SELECT value FROM transcriptions") if r[0]]
        left += [str(r[0]) for r in store.query("SELECT draft FROM transcriptions") if r[0]]
        for r in store.query("SELECT raw FROM online_responses"):
            answers = json.loads(r[0]).get("answers", {})
            left += [str(v) for q, v in answers.items() if q in questions and v]
    return left


def test_purge_removes_free_text_from_the_store_and_the_exports(
    copy: Path, people: list[FakePerson], capsys: pytest.CaptureFixture[str]
) -> None:
    _write_free_text(copy, people[0])
    assert find_personal_data(copy, people)  # the store and the exports hold the name now
    assert "06-12345678" in (copy / "out" / "export" / "open_answers.csv").read_text("utf-8-sig")
    with Project.open(copy) as project:
        questions = text_questions(project)
        online = sum(  # the demo's own online open answers, and the one written above
            1
            for (raw,) in project.store.query("SELECT raw FROM online_responses")
            for q, value in json.loads(raw)["answers"].items()
            if q in questions and value not in (None, "")
        )
    capsys.readouterr()
    assert cli.main(["purge", str(copy), "--force"]) == 0
    out = capsys.readouterr().out
    assert f"1 paper answers, {online} online answers, 1 transcriptions" in out
    # the online export as downloaded holds the free text too: online/ is emptied, and
    # the command names the imported exports so copies kept elsewhere can be deleted
    assert not any((copy / "online").iterdir())
    assert "the round imported online exports named limesurvey-responses.csv" in out
    assert find_personal_data(copy, people, exclude=()) == []  # pii/ and print/ are empty too
    assert _free_text_left(copy) == []
    for f in (copy / "out" / "export").iterdir():
        assert b"12345678" not in f.read_bytes(), f
    # nor in the store's files: its free pages and write-ahead log kept the old rows
    files = list(copy.glob("store.sqlite*"))
    assert files
    for f in files:
        assert b"12345678" not in f.read_bytes(), f
    with Project.open(copy) as project:
        purge_entry = project.store.query_one("SELECT detail FROM audit_log WHERE action = 'purge'")
        assert purge_entry is not None
        assert json.loads(purge_entry[0])["free_text"]["answers"] == 1
        assert project.store.verify_audit_log().ok


def test_purge_can_keep_the_approved_anonymised_quote_instead(
    copy: Path, people: list[FakePerson], tmp_path: Path
) -> None:
    question, _ = _write_free_text(copy, people[0])
    quotes = tmp_path / "citaten.csv"
    quotes.write_text(f"vraag;citaat\n{question};Mijn klantmanager [naam] belde nooit terug\n")
    assert cli.main(["purge", str(copy), "--force", "--keep-quotes", str(quotes)]) == 0
    assert find_personal_data(copy, people, exclude=()) == []
    left = _free_text_left(copy)
    assert left and set(left) == {"Mijn klantmanager [naam] belde nooit terug"}
    assert "[naam] belde nooit terug" in (copy / "out" / "export" / "open_answers.csv").read_text(
        "utf-8-sig"
    )
