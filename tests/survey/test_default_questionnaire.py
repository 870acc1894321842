"""The shipped content: the default KBO Werk & Inkomen questionnaire and the letter templates.

The questionnaire tests load the CSV folder through ``survey.questionnaire`` and
check it against the themes of the KBO report it is modelled on; the letter
tests check the template format documented in ``survey/data/README.md``.
"""

from __future__ import annotations

import csv
import re
import string
from pathlib import Path

import pytest

import survey
from layout.templates import MERGE_FIELDS, VARIANTS
from survey.model import Group, Item, Question, Questionnaire, QuestionType, Text

DATA = Path(survey.__file__).parent / "data"
FORM_DIR = DATA / "kbo_werk_inkomen"
LETTERS = DATA / "letters"

# --------------------------------------------------------------------------- letters

LETTER_LANGUAGES = ("nl", "en")
SUBJECT_PREFIX = {"nl": "Onderwerp: ", "en": "Subject: "}
ALLOWED_FIELDS = frozenset(MERGE_FIELDS)  # what the letter renderer fills in
# Without these a respondent cannot take part or ask for help.
ESSENTIAL_FIELDS = frozenset(
    {"aanhef", "url", "code", "einddatum", "telefoon", "email", "tijden", "bureau"}
)
SAMPLE_FIELDS = {
    "aanhef": "Beste heer Jansen,",
    "gemeente": "Leidschendam-Voorburg",
    "url": "https://enquete.example.nl/kbo",
    "code": "ABCD-EFGH-K",
    "einddatum": "15 maart 2027",
    "telefoon": "070 - 123 45 67",
    "email": "kbo@voorbeeld.example.nl",
    "tijden": "op werkdagen van 9.00 tot 17.00 uur",
    "bureau": "Onderzoeksbureau Voorbeeld",
    "afzender_naam": "J. de Vries",
    "afzender_functie": "Wethouder Werk en Inkomen",
}
LETTER_FILES = [(v, lang) for v in VARIANTS for lang in LETTER_LANGUAGES]


def _letter(variant: str, language: str) -> str:
    return (LETTERS / f"{variant}.{language}.txt").read_text(encoding="utf-8")


def _merge_fields(text: str) -> list[tuple[str, str, str | None]]:
    """``(name, format_spec, conversion)`` of every replacement field in ``text``."""
    return [
        (name, spec or "", conv)
        for _, name, spec, conv in string.Formatter().parse(text)
        if name is not None
    ]


def test_every_variant_exists_in_both_languages_and_nothing_else() -> None:
    expected = {f"{v}.{lang}.txt" for v, lang in LETTER_FILES}
    present = {p.name for p in LETTERS.glob("*.txt")}
    assert present == expected


@pytest.mark.parametrize(("variant", "language"), LETTER_FILES)
def test_letter_uses_only_allowed_plain_merge_fields(variant: str, language: str) -> None:
    text = _letter(variant, language)
    fields = _merge_fields(text)
    names = {name for name, _, _ in fields}
    assert names <= ALLOWED_FIELDS, f"unknown merge fields: {sorted(names - ALLOWED_FIELDS)}"
    assert names >= ESSENTIAL_FIELDS, f"missing merge fields: {sorted(ESSENTIAL_FIELDS - names)}"
    assert all(spec == "" and conv is None for _, spec, conv in fields)
    assert "{{" not in text and "}}" not in text


@pytest.mark.parametrize(("variant", "language"), LETTER_FILES)
def test_letter_fills_without_leftover_braces(variant: str, language: str) -> None:
    filled = _letter(variant, language).format(**SAMPLE_FIELDS)
    assert "{" not in filled and "}" not in filled
    assert "ABCD-EFGH-K" in filled and "https://enquete.example.nl/kbo" in filled


@pytest.mark.parametrize(("variant", "language"), LETTER_FILES)
def test_letter_layout_is_subject_blank_line_paragraphs(variant: str, language: str) -> None:
    text = _letter(variant, language)
    lines = text.split("\n")
    assert lines[0].startswith(SUBJECT_PREFIX[language])
    assert lines[0].removeprefix(SUBJECT_PREFIX[language]).strip()
    assert lines[1] == ""
    assert all(line == line.rstrip() for line in lines), "trailing whitespace"
    paragraphs = text[len(lines[0]) :].strip("\n").split("\n\n")
    assert len(paragraphs) >= 5
    assert paragraphs[0] == "{aanhef}"
    for para in paragraphs:
        assert para.strip(), "more than one blank line between paragraphs"
        para_lines = para.split("\n")
        if para_lines[0].startswith("- "):
            assert all(line.startswith("- ") for line in para_lines), para
    assert paragraphs[-1].split("\n") == ["{afzender_naam}", "{afzender_functie}"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_both_languages_use_the_same_merge_fields(variant: str) -> None:
    nl, en = ({n for n, _, _ in _merge_fields(_letter(variant, lang))} for lang in ("nl", "en"))
    assert nl == en


def test_paper_invitation_explains_marking_and_return() -> None:
    text = _letter("invitation_paper", "nl").lower()
    for phrase in ("blauwe of zwarte pen", "kruisje", "helemaal zwart", "antwoordenvelop"):
        assert phrase in text
    assert "postzegel is niet nodig" in text


@pytest.mark.parametrize("variant", VARIANTS)
def test_letter_says_anonymous_voluntary_and_duration(variant: str) -> None:
    text = _letter(variant, "nl").lower()
    assert "anoniem" in text and "vrijwillig" in text
    assert "qr-code" in text
    if variant != "reminder":
        assert "10 minuten" in text


def test_reminder_thanks_those_who_already_took_part() -> None:
    text = _letter("reminder", "nl").lower()
    assert "al ingevuld" in text and "bedankt" in text


# ------------------------------------------------------------------- raw CSV files

SURVEY_COLUMNS = [
    "type",
    "name",
    "label::nl",
    "label::en",
    "hint::nl",
    "hint::en",
    "relevant",
    "required",
    "appearance",
    "paper::page_break",
    "paper::layout",
    "paper::lines",
    "report_label::nl",
    "report_label::en",
    "polarity",
]
SHEET_HEADERS = {
    "survey.csv": SURVEY_COLUMNS,
    "choices.csv": ["list_name", "name", "label::nl", "label::en"],
    "settings.csv": ["form_id", "version", "title::nl", "title::en", "default_language"],
}
NAME_RE = re.compile(r"[a-z][a-z0-9_]{0,31}")


@pytest.mark.parametrize("sheet", sorted(SHEET_HEADERS))
def test_csv_sheet_has_its_header_and_even_rows(sheet: str) -> None:
    with (FORM_DIR / sheet).open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == SHEET_HEADERS[sheet]
    assert len(rows) > 1
    assert {len(r) for r in rows} == {len(rows[0])}


def test_csv_names_are_short_lowercase_identifiers_and_unique() -> None:
    with (FORM_DIR / "survey.csv").open(encoding="utf-8", newline="") as f:
        names = [r["name"] for r in csv.DictReader(f) if r["name"]]
    assert all(NAME_RE.fullmatch(n) for n in names), [n for n in names if not NAME_RE.fullmatch(n)]
    assert len(names) == len(set(names))


def test_csv_questions_are_numbered_in_order() -> None:
    with (FORM_DIR / "survey.csv").open(encoding="utf-8", newline="") as f:
        names = [r["name"] for r in csv.DictReader(f) if re.match(r"q\d\d_", r["name"])]
    assert [int(n[1:3]) for n in names] == list(range(1, len(names) + 1))


# ------------------------------------------------------------- loaded questionnaire
# Sections and what each must hold: (section, {choice list or type: count}).
THEMES: dict[str, dict[str, int]] = {
    "sec_general": {"grade10": 1},
    "sec_first_line": {"grade10": 3, "yesno": 1},
    "sec_reach": {"grade10": 7},
    "sec_info": {"grade10": 5},
    "sec_intake": {"intake_when": 1, "agree5": 4, "grade10": 2},
    "sec_client_manager": {"grade10": 1, "agree5": 11},
    "sec_reintegration": {"trajectory": 1, "grade10": 6, "agree5": 6},
    "sec_work": {"job_chance": 2},
    "sec_background": {"age_group": 1, "yesno": 2},
    "sec_points": {"good_point": 1, "improve_point": 1, "text": 2},
}
TRAJECTORY = "q37_trajectory"
TRAJECTORY_YES = ("1", "2")
TRAJECTORY_NO = "3"


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    from survey.questionnaire import default_questionnaire

    return default_questionnaire()


def _kind(q: Question) -> str:
    return q.choices.name if q.choices is not None else q.type.value


def _sections(questionnaire: Questionnaire) -> dict[str, Group]:
    return {g.name: g for g in questionnaire.items if isinstance(g, Group)}


def _walk_conditions(items: tuple[Item, ...], inherited: list[Group | Question], out: dict) -> None:
    for item in items:
        chain = [*inherited, item]
        if isinstance(item, Group):
            _walk_conditions(item.items, chain, out)
        else:
            out[item.name] = [x for x in chain if x.relevant is not None]


def _routed_by(questionnaire: Questionnaire) -> dict[str, list[Group | Question]]:
    """Each question's routed items: itself and every enclosing group that has a condition."""
    out: dict[str, list[Group | Question]] = {}
    _walk_conditions(questionnaire.items, [], out)
    return out


def _relevant(chain: list[Group | Question], answers: dict[str, str]) -> bool:
    from survey.routing import evaluate

    return all(evaluate(x.relevant, answers) for x in chain)


def test_default_questionnaire_loads_with_settings(questionnaire: Questionnaire) -> None:
    assert questionnaire.form_id == "kbo_werk_inkomen"
    assert questionnaire.default_language == "nl"
    assert questionnaire.title.get("nl") and questionnaire.title.get("en")
    assert len(questionnaire.version_hash) == 12


def test_default_questionnaire_passes_validation_without_problems() -> None:
    from survey.questionnaire import build_questionnaire, read_sheets

    sheets, problems = read_sheets(FORM_DIR)
    built, more = build_questionnaire(sheets)
    assert problems + more == []
    assert built is not None


def test_answerable_question_count_fits_six_pages(questionnaire: Questionnaire) -> None:
    assert 40 <= len(questionnaire.answerable()) <= 60


@pytest.mark.parametrize("section", sorted(THEMES))
def test_each_theme_has_its_questions(questionnaire: Questionnaire, section: str) -> None:
    kinds: dict[str, int] = {}
    for q in _sections(questionnaire)[section].questions():
        if q.is_answerable:
            kinds[_kind(q)] = kinds.get(_kind(q), 0) + 1
    assert kinds == THEMES[section]


def test_sections_cover_every_answerable_question(questionnaire: Questionnaire) -> None:
    assert list(_sections(questionnaire)) == list(THEMES)
    in_sections = sum(sum(t.values()) for t in THEMES.values())
    assert in_sections == len(questionnaire.answerable())


def test_client_manager_grid_has_eleven_agree_statements(questionnaire: Questionnaire) -> None:
    section = _sections(questionnaire)["sec_client_manager"]
    grids = [g for g in section.items if isinstance(g, Group)]
    assert len(grids) == 1 and grids[0].is_grid
    rows = list(grids[0].questions())
    assert len(rows) == 11
    assert {_kind(q) for q in rows} == {"agree5"}
    negatives = {"q34_cm_changes_often", "q35_cm_prejudice_ability", "q36_cm_prejudice_wishes"}
    assert negatives <= {q.name for q in rows}


def test_grids_are_select_one_rows_sharing_one_list(questionnaire: Questionnaire) -> None:
    grids = [g for g in questionnaire.groups() if g.is_grid]
    assert len(grids) == 8
    for g in grids:
        rows = list(g.questions())
        assert len(rows) >= 2, g.name
        assert all(q.type is QuestionType.SELECT_ONE for q in rows), g.name
        assert len({_kind(q) for q in rows}) == 1, g.name


def test_grade_questions_use_one_to_ten(questionnaire: Questionnaire) -> None:
    grades = [q for q in questionnaire.answerable() if _kind(q) == "grade10"]
    assert len(grades) == sum(t.get("grade10", 0) for t in THEMES.values())
    for q in grades:
        assert q.choices is not None
        assert q.choices.names() == tuple(str(i) for i in range(1, 11))


def test_agree_statements_have_five_points_and_dont_know(questionnaire: Questionnaire) -> None:
    statements = [q for q in questionnaire.answerable() if _kind(q) == "agree5"]
    assert len(statements) == sum(t.get("agree5", 0) for t in THEMES.values())
    agree = next(cl for cl in questionnaire.choice_lists if cl.name == "agree5")
    assert agree.names() == ("1", "2", "3", "4", "5", "9")
    assert agree.choice("1").label.get("nl") == "Helemaal mee oneens"
    assert agree.choice("5").label.get("nl") == "Helemaal mee eens"
    assert "weet niet" in agree.choice("9").label.get("nl").lower()


def test_good_and_improvement_point_are_one_choice_with_other_and_explanation(
    questionnaire: Questionnaire,
) -> None:
    items = [q for q in _sections(questionnaire)["sec_points"].questions() if q.is_answerable]
    assert [q.type for q in items] == [QuestionType.SELECT_ONE, QuestionType.TEXT] * 2
    for select in (items[0], items[2]):
        assert select.choices is not None
        labels = [c.label.get("nl") for c in select.choices.choices]
        assert len(labels) == 9 and labels[-1] == "Anders"
    assert all(q.paper.lines >= 3 for q in (items[1], items[3]))


def test_every_text_has_dutch_and_english(questionnaire: Questionnaire) -> None:
    def both(text: Text) -> bool:
        d = dict(text.values)
        return bool(d.get("nl")) and bool(d.get("en"))

    for q in questionnaire.questions():
        assert both(q.label), q.name
        assert not q.hint or both(q.hint), q.name
    for g in questionnaire.groups():
        assert both(g.label), g.name
    for cl in questionnaire.choice_lists:
        assert all(both(c.label) for c in cl.choices), cl.name
    assert both(questionnaire.title)


def test_notes_open_and_close_the_questionnaire(questionnaire: Questionnaire) -> None:
    questions = list(questionnaire.questions())
    assert questions[0].type is QuestionType.NOTE and questions[-1].type is QuestionType.NOTE
    assert "10 minuten" in questions[0].label.get("nl")


def test_routing_refers_only_to_earlier_questions(questionnaire: Questionnaire) -> None:
    order = {q.name: i for i, q in enumerate(questionnaire.questions())}
    for name, chain in _routed_by(questionnaire).items():
        for item in chain:
            for ref in re.findall(r"\$\{(\w+)\}", item.relevant_source):
                assert order[ref] < order[name], f"{name} depends on later {ref}"


def test_only_the_expected_questions_are_routed(questionnaire: Questionnaire) -> None:
    routed = {int(n[1:3]) for n, chain in _routed_by(questionnaire).items() if chain}
    assert routed == {4, 5} | set(range(19, 25)) | set(range(38, 50))


@pytest.mark.parametrize("answer", [*TRAJECTORY_YES, TRAJECTORY_NO, None])
def test_reintegration_block_is_asked_only_in_a_trajectory(
    questionnaire: Questionnaire, answer: str | None
) -> None:
    routed = _routed_by(questionnaire)
    block = [n for n in routed if re.match(r"q(3[89]|4\d)_", n)]
    assert len(block) == 12
    answers = {} if answer is None else {TRAJECTORY: answer}
    expected = answer in TRAJECTORY_YES
    for name in block:
        assert _relevant(routed[name], answers) is expected, (name, answer)
    # The trajectory question itself and what follows are asked of everyone.
    for name in (TRAJECTORY, "q50_find_parttime_job", "q58_improve_point_explain"):
        assert _relevant(routed[name], answers)


@pytest.mark.parametrize(("visit", "expected"), [("1", True), ("2", False)])
def test_counter_grades_follow_the_counter_visit(
    questionnaire: Questionnaire, visit: str, expected: bool
) -> None:
    routed = _routed_by(questionnaire)
    for name in ("q04_counter_treatment", "q05_counter_waiting_time"):
        assert _relevant(routed[name], {"q03_counter_visit": visit}) is expected


@pytest.mark.parametrize(
    ("when", "expected"), [("1", True), ("2", True), ("3", False), ("9", False)]
)
def test_intake_questions_only_after_a_recent_intake(
    questionnaire: Questionnaire, when: str, expected: bool
) -> None:
    routed = _routed_by(questionnaire)
    intake = [n for n in routed if re.match(r"q(19|2[0-4])_", n)]
    assert len(intake) == 6
    for name in intake:
        assert _relevant(routed[name], {"q18_intake_when": when}) is expected
