"""Purge: personal data goes after the retention period, answers stay, nothing early by accident."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from papersurvey.cli import main
from survey.errors import ConflictError
from survey.intake import ImportOptions, import_addresses
from survey.project import Project
from survey.purge import PurgeOptions, plan_purge, purge, retention_end

pytestmark = pytest.mark.parametrize(  # purge on both stores
    "project_dir", ["sqlite", "postgresql"], indirect=True
)


def _set_close(project_dir: Path, close: str) -> None:
    toml = project_dir / "survey.toml"
    text = toml.read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^close = .*$", f'close = "{close}"', text)
    assert n == 1, "survey.toml has no dates.close key"
    toml.write_text(text, encoding="utf-8")


@pytest.fixture
def imported(project_dir: Path, address_csv: Path) -> Path:
    with Project.open(project_dir) as p:
        import_addresses(p, ImportOptions(address_csv))
    (project_dir / "scans" / "batch1.pdf").write_bytes(b"%PDF-1.4 scanned pages")
    (project_dir / "clips" / "ABCD.png").write_bytes(b"png")
    (project_dir / "print" / "batch-001.pdf").write_bytes(b"%PDF-1.4 letters")
    (project_dir / "store.sqlite.before-v5").write_bytes(b"SQLite format 3\0 an old copy")
    _set_close(project_dir, "2027-03-31")
    return project_dir


def test_retention_end_is_close_plus_retention_days(imported: Path) -> None:
    with Project.open(imported) as p:
        assert retention_end(p) == dt.date(2027, 3, 31) + dt.timedelta(
            days=p.settings.privacy.retention_days
        )


def test_refuses_before_the_retention_period_ends_and_keeps_everything(imported: Path) -> None:
    with Project.open(imported) as p:
        before = plan_purge(p).files
        end = retention_end(p)
        assert end is not None
        with pytest.raises(ConflictError, match=f"ends on {end.isoformat()}"):
            purge(p, PurgeOptions(today=end - dt.timedelta(days=1)))
        assert plan_purge(p).files == before
        assert (imported / "pii" / "key.csv.age").exists()


def test_purge_removes_personal_data_and_keeps_answers(imported: Path) -> None:
    with Project.open(imported) as p:
        respondents = len(p.store.respondents())
        end = retention_end(p)
        assert end is not None
        plan = purge(p, PurgeOptions(today=end))
        assert plan.files, "the plan named nothing to remove"
        for folder in ("pii", "print", "scans", "clips"):
            assert not any((imported / folder).iterdir()), f"{folder}/ not emptied"
        assert not list(imported.glob("store.sqlite.before-*"))  # the copies before migrations
        assert len(p.store.respondents()) == respondents
        actions = [r["action"] for r in p.store.query("SELECT action FROM audit_log")]
        assert "purge" in actions


def test_dry_run_and_keep_scans(imported: Path) -> None:
    with Project.open(imported) as p:
        plan = purge(p, PurgeOptions(today=dt.date(2099, 1, 1), dry_run=True))
        assert all(f.exists() for f in plan.files)
        purge(p, PurgeOptions(today=dt.date(2099, 1, 1), keep_scans=True))
        assert (imported / "scans" / "batch1.pdf").exists()
        assert not (imported / "pii" / "key.csv.age").exists()


def test_without_close_date_only_force_purges(project_dir: Path) -> None:
    with Project.open(project_dir) as p:
        with pytest.raises(ConflictError, match=r"no 'dates\.close'"):
            purge(p, PurgeOptions(today=dt.date(2099, 1, 1)))
        purge(p, PurgeOptions(today=dt.date(2000, 1, 1), force=True))


def test_cli_purge(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["purge", str(imported), "--dry-run", "--force"]) == 0
    assert "would remove" in capsys.readouterr().out
    assert (imported / "pii" / "key.csv.age").exists()
    assert main(["purge", str(imported), "--force"]) == 0
    assert not (imported / "pii" / "key.csv.age").exists()
