"""The demo: the whole chain on the built-in example, through the real commands.

Every step runs the same ``papersurvey`` command a user would type, on a
project folder of invented respondents; only the respondents' behaviour (the
address file, the pen marks on returned questionnaires, the scanner, the
online answers) is simulated. A step whose command does not exist yet is
reported as skipped, so the demo always shows how far the chain reaches.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from papersurvey.demo.addresses import MUNICIPALITY, FakePerson, address_csv_bytes, fake_people
from survey import entropy
from survey.errors import ConflictError, PaperSurveyError

log = logging.getLogger("papersurvey.demo")

MARKER = ".papersurvey-demo"
DEMO_OPERATOR = "demo"
ONLINE_URL = "https://enquete.example.nl"

# The day each command of the demo "runs" (its clock inside survey.entropy.seeded):
# the round is set up in February, the letters go out on 1 March, fieldwork closes
# on 22 March and the report follows a week later.
_CLOCK = {
    "new": dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC),
    "import-addresses": dt.datetime(2027, 2, 8, 9, 0, tzinfo=dt.UTC),
    "proof": dt.datetime(2027, 2, 10, 9, 0, tzinfo=dt.UTC),
    "print": dt.datetime(2027, 2, 22, 9, 0, tzinfo=dt.UTC),
    "scan": dt.datetime(2027, 3, 23, 9, 0, tzinfo=dt.UTC),
    "import-online": dt.datetime(2027, 3, 23, 14, 0, tzinfo=dt.UTC),
    "export": dt.datetime(2027, 3, 24, 9, 0, tzinfo=dt.UTC),
    "report": dt.datetime(2027, 3, 29, 9, 0, tzinfo=dt.UTC),
    "status": dt.datetime(2027, 3, 29, 9, 5, tzinfo=dt.UTC),
}


@dataclass(frozen=True)
class DemoOptions:
    """Options of :func:`run_demo`.

    Attributes:
        directory: the project folder to create (replaced if it holds an earlier demo).
        respondents: how many invented people the municipality delivers.
        paper_return_rate: share of paper questionnaires that come back.
        online_response_rate: share of people with an e-mail address who answer online.
        seed: seed for everything simulated.
    """

    directory: Path
    respondents: int = 80
    paper_return_rate: float = 0.7
    online_response_rate: float = 0.5
    seed: int = 2027


@dataclass
class DemoReport:
    steps: list[tuple[str, str, float]] = field(default_factory=list)  # (step, outcome, seconds)

    def add(self, step: str, outcome: str, seconds: float) -> None:
        self.steps.append((step, outcome, seconds))


def _prepare_directory(directory: Path) -> None:
    if directory.exists() and any(directory.iterdir()):
        if not (directory / MARKER).exists():
            raise ConflictError(
                f"{directory} exists and is not an earlier demo folder; "
                "choose another folder for the demo."
            )
        shutil.rmtree(directory)


def _fill_in_settings(directory: Path) -> None:
    """Fill in survey.toml as a bureau would before printing (dates, helpdesk, sender)."""
    import datetime as dt
    from dataclasses import replace

    from survey.settings import load_settings, render_settings

    path = directory / "survey.toml"
    s = load_settings(path)
    s = replace(
        s,
        survey=replace(s.survey, bureau="Meerwaarde"),
        dates=replace(s.dates, send=dt.date(2027, 3, 1), close=dt.date(2027, 3, 22)),
        online=replace(s.online, limesurvey_sid="482913"),
        helpdesk=replace(s.helpdesk, phone="070 123 45 67", email="kbo@meerwaarde.example.nl"),
        privacy=replace(s.privacy, encrypted_intake=True),
        sender=replace(
            s.sender,
            name="drs. M. de Vries",
            role="Manager Werk en Inkomen",
            reference="WI/KBO/2027-01",
            reply_address=("Antwoordnummer 1234", "2260 VB  LEIDSCHENDAM"),
        ),
    )
    path.write_text(render_settings(s), encoding="utf-8")


def _encrypted_delivery(directory: Path, people: list[FakePerson]) -> Path:
    """The address file as the municipality delivers it: age-encrypted to the round's public key."""
    from survey.agecrypt import encrypt
    from survey.project import Project

    with Project.open(directory) as project:
        public_key = project.public_key
    path = directory / "pii" / "gemeente-adressen.csv.age"
    path.write_bytes(encrypt(address_csv_bytes(people), [public_key]))
    path.chmod(0o600)
    return path


def next_steps(directory: Path) -> list[str]:
    """What to look at after the demo, and how to log in to the review UI."""
    d = str(directory)
    return [
        "",
        "Next:",
        f"  the report:    {d}/out/report/rapport.pdf (and rapport.html)",
        f"  the exports:   {d}/out/export/ (data.csv, metrics.csv, SPSS, Parquet)",
        "  the review UI: the scan left questions for an operator to settle. Operators log in,",
        "  so create an account first (you choose its password), then start the UI:",
        f"    papersurvey review {d} --add-operator {DEMO_OPERATOR}",
        f"    papersurvey review {d}",
        f"  open the address it prints in a browser and log in as '{DEMO_OPERATOR}'.",
    ]


def run_demo(
    options: DemoOptions,
    command: Callable[[list[str]], int],
    available: set[str],
    say: Callable[[str], None] = print,
) -> DemoReport:
    """Run every step of the chain that exists; the report of what each produced.

    Two runs with one seed give the same files: the simulation draws from the
    seed, and the commands run inside :func:`survey.entropy.seeded` (the round
    key and pseudonyms from the seed, a fixed clock per step, invariant PDFs).

    Args:
        options: what to simulate and where.
        command: runs one ``papersurvey`` command line (``papersurvey.cli.main``).
        available: the command names that exist.
        say: where to tell the user what happens.

    Raises:
        PaperSurveyError: a step failed; its message says which.
    """
    from papersurvey.demo import steps

    d = options.directory
    _prepare_directory(d)
    report = DemoReport()
    secrets_from_seed = entropy.seeded_generator(options.seed)

    def run(step: str, name: str, argv: list[str], produced: str) -> bool:
        if name not in available:
            report.add(step, f"skipped: 'papersurvey {argv[0]}' does not exist yet", 0.0)
            return False
        say(f"\n== {step}: papersurvey {' '.join(argv)}")
        t0 = time.perf_counter()
        with entropy.seeded(secrets_from_seed, _CLOCK[argv[0]]):
            code = command(argv)
        if code != 0:
            raise PaperSurveyError(f"demo step '{step}' failed (exit code {code}); see above.")
        report.add(step, produced, time.perf_counter() - t0)
        return True

    new = ["new", str(d), "--municipality", MUNICIPALITY, "--online-url", ONLINE_URL]
    run("new project", "new", new, f"{d}/")
    (d / MARKER).write_text("created by 'papersurvey demo'; safe to delete\n")
    _fill_in_settings(d)

    people = fake_people(options.respondents, seed=options.seed)
    address_file = _encrypted_delivery(d, people)
    run(
        "address intake",
        "import_addresses",
        ["import-addresses", str(d), str(address_file)],
        f"{len(people)} respondents with pseudonyms; key file in {d}/pii/",
    )
    run("proof", "proof", ["proof", str(d)], f"{d}/out/proof/")
    run("print", "print_cmd", ["print", str(d)], f"{d}/print/")

    t0 = time.perf_counter()
    made = steps.simulate_returned_scans(d, options)
    report.add("simulated returns", made, time.perf_counter() - t0)
    if (d / "scans").exists() and any((d / "scans").iterdir()):
        scanned = run(
            "scan",
            "scan",
            ["scan", str(d), str(d / "scans")],
            "answers and review items in the store",
        )
        if scanned:
            report.add("OMR against the truth", steps.score_paper_answers(d), 0.0)

    t0 = time.perf_counter()
    online = steps.simulate_online_export(d, options)
    report.add(
        "simulated online answers", online or "skipped: no simulator yet", time.perf_counter() - t0
    )
    if online:
        run("online import", "import_online", ["import-online", str(d), online], "online responses")
    run("export", "export", ["export", str(d)], f"{d}/out/")
    earlier, previous, reference = steps.simulate_comparisons(d, options)
    rounds = ["--previous", str(earlier), "--previous", str(previous)]
    labels = ["--previous-label", "Meting 2023", "--previous-label", "Meting 2025"]
    # nobody reviews the uncertain marks in the demo: the report is a provisional one
    run(
        "report",
        "report",
        ["report", str(d), *rounds, *labels, "--reference", str(reference), "--allow-open-review"],
        f"{d}/out/report/ (with two earlier rounds and a reference group)",
    )
    run("status", "status", ["status", str(d)], "summary above")
    return report
