"""The XLSForm features a bureau's questionnaire needs: or_other, constraint, required.

One small questionnaire (``fixtures/bureau``) goes the whole way: the model,
the paper form map, the LimeSurvey structure, a response export read back,
and the merged dataset with the rules paper cannot enforce in ``problems``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from analysis.dataset import build_dataset
from ingest.online_reader import map_export
from layout.limesurvey_lss import lss_document
from layout.questionnaire import QuestionnaireLayout
from layout.skips import derive_skips
from survey.formmap import FormMap
from survey.limesurvey import derive_codes
from survey.limesurvey_structure import fields, structure
from survey.model import OTHER, Questionnaire, QuestionType
from survey.pseudonym import new_pseudonyms
from survey.questionnaire import load_questionnaire
from survey.store import Store, utc_now
from tests.analysis.conftest import add_paper

BUREAU = Path(__file__).parent / "fixtures" / "bureau"


@pytest.fixture(scope="module")
def q() -> Questionnaire:
    return load_questionnaire(BUREAU)


# ---------------------------------------------------------------- the model


def test_or_other_adds_the_other_choice_and_its_text_item(q: Questionnaire) -> None:
    werk = q.question("werk")
    other = q.question("werk_other")
    assert werk.choices is not None

    assert werk.or_other and werk.choices.names() == ("baan", "zoek", "geen", OTHER)
    assert werk.choices.choice(OTHER).label.get("nl") == "Anders, namelijk:"
    assert werk.choices.choice(OTHER).label.get("en") == "Other, namely:"
    assert [c.name for c in werk.own_choices()] == ["baan", "zoek", "geen"]
    assert other.type is QuestionType.TEXT and other.other_of == "werk"
    assert other.relevant_source == "selected(${werk}, 'other')"
    # the list itself is not changed: other questions using it get no "other"
    assert q.choice_lists[0].names() == ("baan", "zoek", "geen")


def test_the_other_text_has_its_questions_number_and_makes_no_skips(q: Questionnaire) -> None:
    numbers = q.printed_numbers()

    assert numbers == {
        "werk": 1, "werk_other": 1, "kanalen": 2, "kanalen_other": 2, "uren": 3, "toelichting": 4
    }  # fmt: skip
    # werk_other is only asked for "other", but no answer skips to or past it: kanalen follows
    assert derive_skips(q) == {}


def test_constraint_and_required_are_read(q: Questionnaire) -> None:
    uren = q.question("uren")

    assert uren.required and uren.constraint_source == ". >= 0 and . <= 80"
    assert uren.constraint_message.get("nl") == "Vul 0 tot en met 80 uur in."
    assert q.question("werk").required and q.question("werk").constraint is None


def test_a_questionnaire_without_the_features_keeps_its_hash() -> None:
    # the version hash of the mini fixture, as it was before these features
    mini = load_questionnaire(Path(__file__).parent / "fixtures" / "mini")

    assert "or_other" not in str(mini.to_dict()) and "constraint" not in str(mini.to_dict())


def test_the_features_survive_the_workbook_round_trip(q: Questionnaire, tmp_path: Path) -> None:
    from survey.questionnaire import questionnaire_to_workbook

    questionnaire_to_workbook(q, tmp_path / "bureau.xlsx")
    again = load_questionnaire(tmp_path / "bureau.xlsx")

    assert again.version_hash == q.version_hash
    assert again.question("kanalen_other").other_of == "kanalen"


# ---------------------------------------------------------------- paper


def test_paper_prints_anders_namelijk_with_a_writing_area(q: Questionnaire, tmp_path: Path) -> None:
    layout = QuestionnaireLayout(q)
    fm = FormMap.from_json(layout.write_form_map(tmp_path / "map.json"))
    page = fm.page(1)
    boxes = {(b.question, b.choice): b.rect for b in page.boxes}
    areas = {t.question: t.rect for t in page.text_areas}

    assert ("werk", OTHER) in boxes and ("kanalen", OTHER) in boxes
    for name in ("werk", "kanalen"):
        box, area = boxes[(name, OTHER)], areas[f"{name}_other"]
        assert area.x0 > box.x1 + 50  # the label "Anders, namelijk:" between them
        assert area.y0 <= box.y0 and box.y1 <= area.y1 + 1  # on the same row
        assert area.width > 200
    specs = {s.name: s for s in fm.questions}
    assert specs["werk_other"].type == "text" and specs["werk_other"].number == 1
    assert specs["werk"].choices[-1] == OTHER


def test_paper_text_is_english_in_the_english_print(q: Questionnaire) -> None:
    from layout.options import LayoutOptions

    layout = QuestionnaireLayout(q, LayoutOptions(language="en"))
    texts = [
        op.text
        for placement in layout.placements
        for op in placement.block.ops
        if hasattr(op, "text") and isinstance(op.text, str)
    ]
    assert "Other, namely:" in texts and "Anders, namelijk:" not in texts


# ---------------------------------------------------------------- LimeSurvey


def _attrs(root: ET.Element) -> list[tuple[str, str, str]]:
    return [
        (r.findtext("attribute") or "", r.findtext("value") or "", r.findtext("language") or "")
        for r in root.iter("row")
        if r.find("attribute") is not None
    ]


def test_the_lss_has_other_mandatory_and_validation(q: Questionnaire) -> None:
    codes = derive_codes(q)
    root = lss_document(q, structure(q, codes), sid=123456, languages=("nl", "en"))
    questions = {
        r.findtext("title"): r
        for r in root.find("questions").iter("row")  # type: ignore[union-attr]
    }

    assert questions["werk"].findtext("other") == "Y"
    assert questions["kanalen"].findtext("other") == "Y"
    assert questions["uren"].findtext("other") == "N"
    assert questions["werk"].findtext("mandatory") == "Y"
    assert questions["uren"].findtext("mandatory") == "Y"
    assert "werkother" not in questions and "werk_other" not in questions
    answers = [r.findtext("code") for r in root.find("answers").iter("row")]  # type: ignore[union-attr]
    assert OTHER not in answers and "other" not in answers
    subs = [r.findtext("title") for r in root.find("subquestions").iter("row")]  # type: ignore[union-attr]
    assert subs == ["tel", "balie", "geen"]
    attrs = _attrs(root)
    assert ("other_replace_text", "Anders, namelijk:", "nl") in attrs
    assert ("other_replace_text", "Other, namely:", "en") in attrs
    assert (
        "em_validation_q",
        "is_empty(uren.NAOK) or ((!is_empty(uren.NAOK) and uren.NAOK >= 0) and "
        "(!is_empty(uren.NAOK) and uren.NAOK <= 80))",
        "",
    ) in attrs
    assert (
        "em_validation_q",
        '!(kanalen_geen.NAOK == "Y" and kanalen_tel.NAOK == "Y")',
        "",
    ) in attrs
    assert ("em_validation_q_tip", "Vul 0 tot en met 80 uur in.", "nl") in attrs
    assert ("em_validation_q_tip", "Fill in 0 to 80 hours.", "en") in attrs


def test_the_export_columns_include_other(q: Questionnaire) -> None:
    codes = derive_codes(q)
    cols = [(f.code, f.question, f.choice) for f in fields(structure(q, codes), ("nl", "en"))]

    assert cols == [
        ("werk", "werk", ""),
        ("werk[other]", "werk_other", ""),
        ("kanalen[tel]", "kanalen", "tel"),
        ("kanalen[balie]", "kanalen", "balie"),
        ("kanalen[geen]", "kanalen", "geen"),
        ("kanalen[other]", "kanalen_other", ""),
        ("uren", "uren", ""),
        ("toelichting", "toelichting", ""),
    ]


def test_a_relevant_on_other_becomes_limesurveys_other(tmp_path: Path) -> None:
    from tests.survey.test_questionnaire import add_row, mini, write_csv

    book = mini()
    # mini's q4 (select_multiple kanaal) gets or_other, and a question asked for it
    book["survey"][11][0] = "select_multiple kanaal or_other"
    add_row(book, "survey", type="text", name="q6", relevant="selected(${q4}, 'other')",
            **{"label::nl": "Waarom?"})  # fmt: skip
    add_row(book, "survey", type="select_one ja_nee or_other", name="q7",
            **{"label::nl": "Nog één?"})  # fmt: skip
    add_row(book, "survey", type="text", name="q8", relevant="${q7} = 'other'",
            **{"label::nl": "Waarom?"})  # fmt: skip
    questionnaire = load_questionnaire(write_csv(book, tmp_path / "q"))
    groups = structure(questionnaire, derive_codes(questionnaire))
    relevance = {x.code: x.relevance for g in groups for x in g.questions}

    assert relevance["q6"] == "!is_empty(q4_other.NAOK)"
    assert relevance["q8"] == 'q7.NAOK == "-oth-"'


# ---------------------------------------------------------------- online import


def _csv(headings: list[str], rows: list[list[str]]) -> bytes:
    def line(cells: list[str]) -> str:
        return ",".join(f'"{c}"' for c in cells)

    return ("\ufeff" + "\r\n".join([line(headings), *map(line, rows)]) + "\r\n").encode()


META = ["id", "submitdate", "lastpage", "startlanguage", "seed", "token"]


@pytest.mark.parametrize(
    "style",
    [
        ["werk", "werk[other]", "kanalen[tel]", "kanalen[balie]", "kanalen[geen]",
         "kanalen[other]", "uren", "toelichting"],
        ["werk", "werk_other", "kanalen_tel", "kanalen_balie", "kanalen_geen",
         "kanalen_other", "uren", "toelichting"],
        ["werk", "werkother", "kanalen[tel]", "kanalen[balie]", "kanalen[geen]",
         "kanalenother", "uren", "toelichting"],
    ],
    ids=["code", "em", "sgqa-like"],
)  # fmt: skip
def test_other_columns_import_as_the_other_text(q: Questionnaire, style: list[str]) -> None:
    a, b, c = new_pseudonyms(3)
    data = _csv(
        META + style,
        [
            ["1", "2027-10-01 10:00:00", "1", "nl", "1", a,
             "-oth-", "Ik studeer", "Y", "", "", "Via de app", "", ""],
            ["2", "2027-10-01 11:00:00", "1", "nl", "1", b,
             "baan", "", "", "Y", "", "", "36", "Goed"],
            ["3", "2027-10-01 12:00:00", "1", "nl", "1", c,
             "zoek", "", "", "", "", "", "", ""],
        ],
    )  # fmt: skip
    export = map_export("results-survey123456.csv", data, q, survey_id="123456")

    assert export.problems == ()
    assert export.missing == ()
    by_token = {r.token: dict(r.answers) for r in export.responses}
    assert by_token[a] == {
        "werk": OTHER,
        "werk_other": "Ik studeer",
        "kanalen": f"tel {OTHER}",
        "kanalen_other": "Via de app",
    }
    assert by_token[b] == {"werk": "baan", "kanalen": "balie", "uren": "36", "toelichting": "Goed"}
    assert by_token[c] == {"werk": "zoek"}


def test_full_answers_and_full_headings_read_other(q: Questionnaire) -> None:
    (a,) = new_pseudonyms(1)
    headings = [
        "Response ID", "Date submitted", "Last page", "Start language", "Seed", "Access code",
        "Wat is uw situatie?", "Wat is uw situatie? [Anders]",
        "Hoe neemt u contact op? [Telefoon]", "Hoe neemt u contact op? [Balie]",
        "Hoe neemt u contact op? [Geen contact]", "Hoe neemt u contact op? [Anders]",
        "Hoeveel uur werkt u per week?", "Wilt u nog iets kwijt?",
    ]  # fmt: skip
    data = _csv(
        headings,
        [["1", "2027-10-01 10:00:00", "1", "nl", "1", a,
          "Anders", "Zzp", "Nee", "Nee", "Nee", "Mail", "", ""]],
    )  # fmt: skip
    export = map_export("export.csv", data, q)

    assert export.problems == ()
    assert dict(export.responses[0].answers) == {
        "werk": OTHER,
        "werk_other": "Zzp",
        "kanalen": OTHER,
        "kanalen_other": "Mail",
    }


# ---------------------------------------------------------------- analysis: problems.csv


def _store(tmp_path: Path, respondents: list[str]) -> Store:
    store = Store.open(tmp_path / "store.sqlite", create=True)
    with store.transaction():
        for p in respondents:
            store.insert(
                "respondents",
                {"pseudonym": p, "channel": "paper", "subgroup": "", "imported_at": utc_now()},
            )
    return store


def test_paper_answers_breaking_the_rules_are_listed_in_problems(
    q: Questionnaire, tmp_path: Path
) -> None:
    ok, too_many, both, skipped_required, not_asked = new_pseudonyms(5)
    store = _store(tmp_path, [ok, too_many, both, skipped_required, not_asked])
    add_paper(store, ok, {"werk": "baan", "uren": "36", "kanalen": "tel"})
    add_paper(store, too_many, {"werk": "baan", "uren": "96"})
    add_paper(store, both, {"werk": OTHER, "werk_other": "Student", "kanalen": "tel geen"})
    add_paper(store, skipped_required, {"werk": "baan", "toelichting": "Prima"})
    add_paper(store, not_asked, {"werk": "zoek"})  # uren is required, but not asked
    try:
        ds = build_dataset(store, q)
    finally:
        store.close()

    rules = ds.problems[ds.problems["check"].isin(["constraint", "required"])]
    found = {(r.pseudonym, r.question, r.check) for r in rules.itertuples()}
    assert found == {
        (too_many, "uren", "constraint"),
        (both, "kanalen", "constraint"),
        (skipped_required, "uren", "required"),
    }  # not_asked: uren is required but the routing skips it; both: "other" skips it too
    message = rules[rules["pseudonym"] == too_many]["message"].iloc[0]
    assert ". >= 0 and . <= 80" in message and "Vul 0 tot en met 80 uur in." in message
    # the value is kept: it is what the respondent wrote
    row = ds.data.set_index("pseudonym").loc[too_many]
    assert row["uren"] == "96"
    assert ds.data.set_index("pseudonym").loc[both]["werk_other"] == "Student"


def test_an_other_text_without_the_box_ticked_is_a_routing_problem(
    q: Questionnaire, tmp_path: Path
) -> None:
    (p,) = new_pseudonyms(1)
    store = _store(tmp_path, [p])
    add_paper(store, p, {"werk": "geen", "werk_other": "Gepensioneerd"})
    try:
        ds = build_dataset(store, q)
    finally:
        store.close()

    routing = ds.problems[ds.problems["check"] == "routing"]
    assert routing["question"].to_list() == ["werk_other"]
    assert routing["value"].to_list() == ["Gepensioneerd"]


def test_simulated_online_answers_with_other_import_back(q: Questionnaire, tmp_path: Path) -> None:
    import random

    from papersurvey.simulate.online import SimulatedResponse, Simulator, write_limesurvey_csv

    rng = random.Random(5)
    simulator = Simulator(q)
    tokens = new_pseudonyms(60)
    responses = [
        SimulatedResponse(t, simulator.answers(rng), "2027-10-01 10:00:00", 1, "nl") for t in tokens
    ]
    path = write_limesurvey_csv(tmp_path / "results-survey123456.csv", q, responses)
    export = map_export(path.name, path.read_bytes(), q, survey_id="123456")

    assert export.problems == ()
    back = {r.token: dict(r.answers) for r in export.responses}
    assert back == {r.token: dict(r.answers) for r in responses}
    assert any(a.get("werk") == OTHER for a in back.values())


def test_the_scan_reads_the_other_box_and_writing_on_its_line(
    q: Questionnaire, tmp_path: Path
) -> None:
    """No OMR change needed: the box is a choice, the line an open-text area."""
    import cv2

    from layout.options import LayoutOptions
    from layout.preview import render_pages
    from omr.page import read_page
    from survey.pseudonym import check_character

    key, survey, dpi = bytes(range(32)), "KBO-2027-LV", 200
    pseudonym = "7KQ3M9XT" + check_character("7KQ3M9XT")
    layout = QuestionnaireLayout(q, LayoutOptions(survey_code=survey))
    fm = FormMap.from_json(layout.write_form_map(tmp_path / "map.json"))
    gray = render_pages(layout.render(pseudonym, key), dpi=dpi)[0]

    def px(x: float, y: float) -> tuple[int, int]:
        return int(x * dpi / 72), int((fm.page_height - y) * dpi / 72)

    blank = read_page(gray, fm, key=key, survey=survey)
    texts = {t.question: t.has_writing for t in blank.texts}
    assert texts["werk_other"] is False and texts["kanalen_other"] is False
    page = fm.page(1)
    box = next(b.rect for b in page.boxes if (b.question, b.choice) == ("werk", OTHER))
    area = next(t.rect for t in page.text_areas if t.question == "werk_other")
    filled = gray.copy()
    (a, b), (c, d) = px(box.x0 + 2, box.y1 - 2), px(box.x1 - 2, box.y0 + 2)
    cv2.line(filled, (a, b), (c, d), 0, 3)
    cv2.line(filled, (a, d), (c, b), 0, 3)
    cv2.putText(
        filled,
        "Student",
        px(area.x0 + 20, area.y0 + 8),
        cv2.FONT_HERSHEY_SCRIPT_SIMPLEX,
        1.2,
        30,
        2,
    )
    result = read_page(filled, fm, key=key, survey=survey)

    assert {x.name: x.value for x in result.questions}["werk"] == OTHER
    texts = {t.question: t.has_writing for t in result.texts}
    assert texts["werk_other"] is True and texts["kanalen_other"] is False
