"""The questionnaire model: optional fields keep the canonical form (and hash) of older models."""

from __future__ import annotations

from survey.model import Choice, ChoiceList, Group, Question, Questionnaire, QuestionType, Text


def _questionnaire(group: Group) -> Questionnaire:
    scale = ChoiceList("scale", (Choice("1", Text.of(nl="Een")), Choice("2", Text.of(nl="Twee"))))
    return Questionnaire("f", "1", Text.of(nl="T"), "nl", (group,), (scale,))


def _grid(**extra: Text) -> Group:
    scale = ChoiceList("scale", (Choice("1", Text.of(nl="Een")), Choice("2", Text.of(nl="Twee"))))
    rows = tuple(
        Question(f"s{i}", QuestionType.SELECT_ONE, Text.of(nl=f"Zin {i}"), choices=scale)
        for i in (1, 2)
    )
    return Group("g", Text.of(nl="Wat vindt u?"), rows, appearance="table-list", **extra)


def test_a_group_hint_is_empty_unless_given() -> None:
    assert not _grid().hint
    assert _grid(hint=Text.of(nl="Eén kruisje per regel.")).hint.get("en") == (
        "Eén kruisje per regel."
    )


def test_a_group_hint_enters_the_canonical_form_only_when_set() -> None:
    plain = _questionnaire(_grid())
    hinted = _questionnaire(_grid(hint=Text.of(nl="Kies.", en="Choose.")))

    (plain_group,) = plain.to_dict()["items"]  # type: ignore[misc]
    (hinted_group,) = hinted.to_dict()["items"]  # type: ignore[misc]

    assert "hint" not in plain_group
    assert hinted_group["hint"] == {"nl": "Kies.", "en": "Choose."}
    assert plain.version_hash != hinted.version_hash
    assert _questionnaire(_grid(hint=Text())).version_hash == plain.version_hash
