"""The review app's configuration from a project folder: maps, language, clips of opened items."""

from __future__ import annotations

import pytest

from review.auth import authenticate, operators
from review.items import load_item
from review.queue import question_queue
from review.roundconfig import create_operator, review_config
from survey.errors import ProjectError
from survey.store import Store


def test_the_configuration_follows_the_project(review_dir):
    config = review_config(review_dir)
    assert config.root == review_dir.absolute() and config.language == "nl"
    assert len(config.form_map.pages) == 7
    assert config.questionnaire.form_id == "kbo_werk_inkomen"
    assert review_config(review_dir, "en").language == "en"


def test_clips_of_newly_opened_items_are_cut_from_the_scan(review_dir):
    """The app calls the cutter after a decision opened items (here: one whose clip is gone)."""
    config = review_config(review_dir)
    with Store.open(review_dir / "store.sqlite") as store:
        item = load_item(store, question_queue(store, {})[0].id, review_dir)
        assert item.clip
        clip = review_dir / item.clip
        original = clip.read_bytes()
        clip.unlink()
        store.execute(
            "DELETE FROM clips WHERE page_sha256 = ? AND question = ?",
            (item.page_sha256, item.question),
        )
        assert load_item(store, item.id, review_dir).clip == ""
        assert config.on_items_opened is not None
        config.on_items_opened(store)
        again = load_item(store, item.id, review_dir)
    assert again.clip == item.clip
    assert clip.read_bytes() == original  # cut again from the scan file, as the scan run did


def test_a_folder_without_operators_cannot_be_served(project_dir):
    with pytest.raises(ProjectError, match="--add-operator NAME"):
        review_config(project_dir)


def test_create_operator_asks_for_the_password_only_in_a_project(project_dir, tmp_path):
    asked = []

    def password() -> str:
        asked.append(1)
        return "een lang wachtwoord"

    with pytest.raises(ProjectError):
        create_operator(tmp_path / "nothing-here", "bert", password)
    assert asked == []
    assert create_operator(project_dir, "bert", password) == "bert"
    with Store.open(project_dir / "store.sqlite") as store:
        assert operators(store) == ["bert"]
        assert authenticate(store, "bert", "een lang wachtwoord")
