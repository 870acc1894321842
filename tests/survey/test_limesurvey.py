"""The name-to-code mapping: derived once, kept, and checked against LimeSurvey's rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey.errors import QuestionnaireError
from survey.limesurvey import (
    ANSWER_CODE,
    QUESTION_CODE,
    SUBQUESTION_CODE,
    CodeMap,
    check_codes,
    derive_codes,
    load_codes,
    read_codes,
    render_codes,
)
from survey.questionnaire import default_questionnaire
from tests.survey.questionnaires import questionnaire_from_csv

SURVEY = """type,name,label::nl
select_one yn,question_with_a_long_name_one,Een
select_one yn,question_with_a_long_name_two,Twee
select_multiple ch,kanalen,Drie
integer,token,Vier
"""
CHOICES = """list_name,name,label::nl
yn,ja_zeker,Ja
yn,nee_zeker,Nee
ch,tel-a,Telefoon
ch,tel_a,Telefoon ook
"""


@pytest.fixture
def odd(tmp_path: Path):  # type: ignore[no-untyped-def]
    return questionnaire_from_csv(tmp_path / "q", SURVEY, CHOICES)


def test_derived_codes_follow_limesurveys_rules(odd) -> None:  # type: ignore[no-untyped-def]
    codes = derive_codes(odd)
    assert check_codes(odd, codes) == []
    q1 = codes.get("question", "question_with_a_long_name_one")
    q2 = codes.get("question", "question_with_a_long_name_two")
    assert QUESTION_CODE.match(q1) and QUESTION_CODE.match(q2) and q1 != q2
    assert (q1, q2) == ("questionwithalongnam", "questionwithalongna2")
    assert codes.get("question", "token") != "token"  # a name LimeSurvey uses itself
    assert [codes.answer("yn", c) for c in ("ja_zeker", "nee_zeker")] == ["jazek", "neeze"]
    assert [codes.option("kanalen", "tel-a"), codes.option("kanalen", "tel_a")] == ["tela", "tela2"]


def test_every_bad_code_is_listed_with_the_questionnaire_row(odd) -> None:  # type: ignore[no-untyped-def]
    codes = dict(derive_codes(odd).codes)
    codes[("question", "question_with_a_long_name_one")] = "a" * 21
    codes[("question", "kanalen")] = codes[("question", "token")]
    codes[("answer", "yn/ja_zeker")] = "ja_1"
    problems = check_codes(odd, CodeMap(codes))
    text = "\n".join(p.message for p in problems)
    assert "survey row 2 (question question_with_a_long_name_one)" in text
    assert "is not a letter, then letters and digits, at most 20 characters" in text
    assert "LimeSurvey would merge them" in text
    assert "answer yn/ja_zeker: code 'ja_1' is not 1 to 5 letters or digits" in text


def test_stored_codes_are_kept_and_new_ones_added(tmp_path: Path) -> None:
    q = default_questionnaire()
    path = tmp_path / "limesurvey_codes.csv"
    first = load_codes(q, path)
    text = render_codes(first).replace("q01gradeoverall", "cijfer")
    path.write_text(text, encoding="utf-8")
    again = load_codes(q, path)
    assert again.get("question", "q01_grade_overall") == "cijfer"
    assert {k: v for k, v in again.codes.items() if k != ("question", "q01_grade_overall")} == {
        k: v for k, v in first.codes.items() if k != ("question", "q01_grade_overall")
    }
    assert read_codes(path).codes == again.codes
    path.write_text(text.replace("cijfer", "1cijfer"), encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="would not survive LimeSurvey's import"):
        load_codes(q, path)


def test_the_default_questionnaire_has_valid_codes() -> None:
    q = default_questionnaire()
    codes = derive_codes(q)
    assert check_codes(q, codes) == []
    for (kind, _), code in codes.codes.items():
        rule = {"question": QUESTION_CODE, "array": QUESTION_CODE, "answer": ANSWER_CODE}.get(
            kind, SUBQUESTION_CODE
        )
        assert rule.match(code)


@given(
    st.lists(
        st.from_regex(r"[a-z0-9_]{1,40}", fullmatch=True), min_size=1, max_size=30, unique=True
    )
)
def test_any_names_get_valid_unique_codes(names: list[str]) -> None:
    from survey.limesurvey import _derive

    taken: set[str] = set()
    for n in names:
        code = _derive("question", n, taken)
        assert QUESTION_CODE.match(code) and code.lower() not in taken
        taken.add(code.lower())
