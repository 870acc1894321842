"""Questionnaires built directly from the model: long labels, long lists, big grids, many pages.

Every layout here is checked for the same things: no text overlaps text, no
text comes within 1.5 mm of a box, nothing leaves the page or the content
frame, no question is split over two pages, and the form map keeps the
agreed geometry.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layout import fonts
from layout.formmap_builder import geometry_problems
from layout.ops import BoxOp, TextOp
from layout.options import LayoutOptions
from layout.questionnaire import QuestionnaireLayout
from survey.errors import LayoutError
from survey.formmap import Rect
from survey.units import mm
from tests.layout.geometry import problems

LONG = (
    "Hoe tevreden bent u over de manier waarop de medewerkers van de afdeling Werk en Inkomen "
    "uw aanvraag voor een uitkering in het kader van de Participatiewet hebben behandeld, "
    "inclusief de arbeidsmarktreïntegratiebegeleidingsgesprekken en de terugkoppeling daarvan?"
)
WORDS = [
    "ja",
    "nee",
    "misschien",
    "werkervaringsplaats",
    "uitkeringsgerechtigde",
    "bijstand",
    "klantmanager",
    "re-integratietraject",
]


def check(layout: QuestionnaireLayout) -> None:
    s = layout.style
    page = Rect(mm(5), mm(5), s.page_width - mm(5), s.page_height - mm(5))
    content = Rect(s.content_left, s.content_bottom, s.content_right, s.content_top)
    for n, ops in enumerate(layout.pages, start=1):
        assert problems(ops, s, page) == [], f"page {n}"
        for op in ops:
            if isinstance(op, BoxOp):
                assert content.x0 <= op.rect.x0 and op.rect.x1 <= content.x1, op
                assert content.y0 <= op.rect.y0 and op.rect.y1 <= content.y1, op
    assert geometry_problems(layout.form_map, s) == []
    for spec in layout.form_map.questions:
        pages = {
            p.number for p in layout.form_map.pages for b in p.boxes if b.question == spec.name
        }
        pages |= {
            p.number for p in layout.form_map.pages for a in p.text_areas if a.question == spec.name
        }
        assert pages == {spec.page}, spec.name


def test_long_labels_wrap_inside_the_frame(build):
    yesno = build.choices("yesno", ["Ja, en dat wil ik graag uitgebreid toelichten " * 3, "Nee"])
    q = build.questionnaire(
        [
            build.note("intro", LONG * 2),
            build.select("q1", LONG, yesno, hint=LONG),
            build.select("q2", LONG, build.choices("long", [LONG, LONG[:80], "Kort"])),
            build.text("q3", LONG, lines=3),
            build.select("q4", "Eén woord: " + "a" * 200, build.choices("w", ["b" * 150, "c"])),
        ]
    )
    layout = QuestionnaireLayout(q)
    check(layout)
    assert layout.page_count >= 1


def test_a_twelve_option_list(build):
    options = build.choices("twelve", [f"Antwoordmogelijkheid nummer {i}" for i in range(1, 13)])
    q = build.questionnaire(
        [
            build.select("q1", "Waar woont u?", options),
            build.select("q2", "Welke?", options, multiple=True),
        ]
    )
    layout = QuestionnaireLayout(q)
    check(layout)
    page = layout.form_map.page(1)
    boxes = [b for b in page.boxes if b.question == "q1"]
    assert [b.choice for b in boxes] == [str(i) for i in range(1, 13)]
    # Columns read top to bottom: the first column holds the first answers.
    xs = sorted({round(b.rect.x0, 1) for b in boxes})
    assert len(xs) in (1, 2, 3)
    first_column = [b.choice for b in boxes if round(b.rect.x0, 1) == xs[0]]
    assert first_column == [str(i) for i in range(1, len(first_column) + 1)]
    texts = " ".join(op.text for op in layout.pages[0] if hasattr(op, "text"))
    assert "Meerdere antwoorden mogelijk." in texts


def test_a_grid_with_ten_statements(build):
    agree = build.choices(
        "agree5",
        [
            "Helemaal mee oneens",
            "Mee oneens",
            "Niet mee eens, niet mee oneens",
            "Mee eens",
            "Helemaal mee eens",
            "Weet niet / n.v.t.",
        ],
    )
    statements = [
        build.select(f"s{i:02d}", f"Stelling {i}: " + " ".join(WORDS[: i % 8 + 1]), agree)
        for i in range(1, 11)
    ]
    q = build.questionnaire(
        [build.group("grid", "Wat vindt u van deze zinnen?", statements, grid=True)]
    )
    layout = QuestionnaireLayout(q)
    check(layout)
    page = layout.form_map.page(1)
    assert len(page.boxes) == 60
    # Columns line up: every statement's box for a choice has the same x; rows are 3 mm apart.
    for choice in agree.names():
        assert len({round(b.rect.x0, 3) for b in page.boxes if b.choice == choice}) == 1
    tops = sorted({b.rect.y1 for b in page.boxes}, reverse=True)
    gaps = [a - (b + layout.style.box_size) for a, b in itertools.pairwise(tops)]
    assert min(gaps) >= mm(3) - 0.01
    numbers = [s.number for s in layout.form_map.questions]
    assert numbers == list(range(1, 11))


def test_grid_header_rotates_when_labels_cannot_wrap(build):
    scale = build.choices(
        "odd", ["Onvoorstelbaarverschrikkelijkslecht", "Middelmatig", "Buitengewoonfantastischgoed"]
    )
    rows = [build.select(f"r{i}", f"Rij {i}", scale) for i in range(3)]
    layout = QuestionnaireLayout(
        build.questionnaire([build.group("g", "Oordeel", rows, grid=True)])
    )
    check(layout)
    rotated = [op for op in layout.pages[0] if getattr(op, "angle", 0.0) == 90.0]
    assert {op.text for op in rotated} >= {"Middelmatig"}


def test_routing_instruction_next_to_the_triggering_answer(build):
    yesno = build.choices("yesno", ["Ja", "Nee"])
    q = build.questionnaire(
        [
            build.select("q1", "Heeft u werk?", yesno),
            build.select(
                "q2",
                "Hoeveel uur?",
                build.choices("hours", ["Minder dan 12", "12 of meer"]),
                relevant="${q1} = '1'",
            ),
            build.text("q3", "Waarom?", relevant="${q1} = '1'"),
            build.select("q4", "Wilt u werk?", yesno),
        ]
    )
    layout = QuestionnaireLayout(q)
    check(layout)
    ops = layout.pages[0]
    goto = [op for op in ops if hasattr(op, "text") and "Ga door naar vraag 4" in op.text]
    assert len(goto) == 1
    nee = layout.form_map.page(1).boxes[1]
    assert (nee.question, nee.choice) == ("q1", "2")
    # On the same line as the answer, right of it.
    assert abs(goto[0].y - (nee.rect.y0 + nee.rect.y1) / 2) < 6
    assert goto[0].x > nee.rect.x1


def test_a_questionnaire_too_big_for_one_page(build):
    grade = build.choices("grade", [str(i) for i in range(1, 11)])
    yesno = build.choices("yesno", ["Ja", "Nee"])
    items = []
    for i in range(1, 31):
        items.append(
            build.select(f"q{i:02d}", f"Vraag {i}: {LONG[: 40 + i * 3]}", grade if i % 2 else yesno)
        )
    items.append(build.text("open", "Wat wilt u nog kwijt?", lines=6))
    layout = QuestionnaireLayout(build.questionnaire(items))
    check(layout)
    assert layout.page_count >= 3
    assert len(layout.form_map.pages) == layout.page_count
    texts = [op.text for op in layout.pages[-1] if hasattr(op, "text")]
    assert f"pagina {layout.page_count} van {layout.page_count}" in texts


def test_a_grid_taller_than_a_page_is_cut_between_rows(build):
    grade = build.choices("grade", [str(i) for i in range(1, 11)])
    rows = [
        build.select(f"r{i:02d}", f"Onderdeel {i} " + LONG[: 60 + (i % 5) * 20], grade)
        for i in range(40)
    ]
    layout = QuestionnaireLayout(
        build.questionnaire([build.group("g", "Cijfers", rows, grid=True)])
    )
    check(layout)
    assert layout.page_count >= 2
    texts = [op.text for op in layout.pages[1] if hasattr(op, "text")]
    assert any("(vervolg)" in t for t in texts)


def test_page_break_hint_starts_a_new_page(build):
    yesno = build.choices("yesno", ["Ja", "Nee"])
    q = build.questionnaire(
        [build.select("q1", "Een", yesno), build.select("q2", "Twee", yesno, page_break=True)]
    )
    layout = QuestionnaireLayout(q)
    assert [s.page for s in layout.form_map.questions] == [1, 2]


def test_a_question_taller_than_a_page_is_an_error(build):
    many = build.choices("many", [f"Optie {i} " + LONG for i in range(40)])
    q = build.questionnaire([build.select("q1", "Kies", many, layout="vertical")])
    with pytest.raises(LayoutError, match="taller than a page"):
        QuestionnaireLayout(q)


def test_integer_question_gets_a_writing_area(build):
    q = build.questionnaire([build.text("age", "Hoe oud bent u?", integer=True)])
    layout = QuestionnaireLayout(q)
    check(layout)
    assert [a.question for a in layout.form_map.page(1).text_areas] == ["age"]
    assert layout.form_map.questions[0].type == "integer"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    labels=st.lists(
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join),
        min_size=2,
        max_size=12,
    ),
    layout_hint=st.sampled_from(["", "vertical", "horizontal", "columns"]),
    multiple=st.booleans(),
)
def test_any_answer_list_keeps_the_geometry(build, labels, layout_hint, multiple):
    choices = build.choices("c", labels)
    q = build.questionnaire(
        [build.select("q", "Vraag?", choices, layout=layout_hint, multiple=multiple)]
    )
    layout = QuestionnaireLayout(q, LayoutOptions(show_instructions=False))
    check(layout)


def _texts(layout: QuestionnaireLayout, page: int = 1) -> list[str]:
    return [op.text for op in layout.pages[page - 1] if isinstance(op, TextOp)]


def _grid(build, *, hint: str = "", hint_en: str = ""):
    agree = build.choices("agree", ["Oneens", "Neutraal", "Eens"])
    rows = [build.select(f"s{i}", f"Stelling {i}", agree) for i in range(1, 4)]
    return build.questionnaire(
        [build.group("g", "Wat vindt u hiervan?", rows, grid=True, hint=hint, hint_en=hint_en)]
    )


def test_a_grid_prints_its_own_hint_under_its_question_text(build):
    q = _grid(build, hint="Kies op elke regel wat het best past.", hint_en="Choose per line.")
    for language, hint, generic in (
        ("nl", "Kies op elke regel wat het best past.", "Zet op elke regel één kruisje."),
        ("en", "Choose per line.", "Put one cross on each line."),
    ):
        layout = QuestionnaireLayout(q, LayoutOptions(language=language, show_instructions=False))
        check(layout)
        ops = [op for op in layout.pages[0] if isinstance(op, TextOp)]
        hint_op = next(op for op in ops if op.text == hint)
        assert generic not in [op.text for op in ops]
        # In the question-hint style, under the question text and above the scale header.
        label = next(op for op in ops if op.text.startswith(("Wat vindt", "Wat vindt u")))
        header = next(op for op in ops if op.text in ("Oneens", "Neutraal"))
        assert hint_op.font == fonts.ITALIC and hint_op.size == layout.style.hint_size
        assert hint_op.color == layout.style.muted
        assert label.y > hint_op.y > header.y
        assert hint_op.x == label.x


def test_a_grid_without_a_hint_keeps_the_generic_instruction(build):
    layout = QuestionnaireLayout(_grid(build), LayoutOptions(show_instructions=False))
    check(layout)
    assert "Zet op elke regel één kruisje." in _texts(layout)


def test_a_section_hint_is_printed_under_its_heading(build):
    yesno = build.choices("yesno", ["Ja", "Nee"])
    section = build.group(
        "sec", "Over uzelf", [build.select("q1", "Heeft u werk?", yesno)], hint="Vul in."
    )
    bare = build.group("bare", "", [build.select("q2", "Woont u hier?", yesno)], hint="Alleen.")
    layout = QuestionnaireLayout(
        build.questionnaire([section, bare]), LayoutOptions(show_instructions=False)
    )
    check(layout)
    ops = {op.text: op for op in layout.pages[0] if isinstance(op, TextOp)}
    assert ops["Over uzelf"].y > ops["Vul in."].y > ops["Heeft u werk?"].y
    assert ops["Vul in."].font == fonts.ITALIC
    # A group without a label still shows its hint, right above its first question.
    assert ops["Heeft u werk?"].y > ops["Alleen."].y > ops["Woont u hier?"].y


def test_the_default_questionnaire_prints_its_grid_hints(default_layout):
    texts = " ".join(
        t for n in range(1, default_layout.page_count + 1) for t in _texts(default_layout, n)
    )
    assert "Geef op elke regel een cijfer van 1 tot en met 10. Heeft u er geen ervaring" in texts
    assert "Geef bij elke zin aan of u het ermee eens of oneens bent." in texts


def _pages_of(layout: QuestionnaireLayout) -> dict[str, set[int]]:
    """Per question, the pages its boxes and writing areas are on in the form map."""
    out: dict[str, set[int]] = {}
    for page in layout.form_map.pages:
        for name in [b.question for b in page.boxes] + [a.question for a in page.text_areas]:
            out.setdefault(name, set()).add(page.number)
    return out


def _with_follow_up(build, fillers: int):
    yesno = build.choices("yesno", ["Ja", "Nee"])
    best = build.choices("best", ["De hulp", "De snelheid", "De informatie", "Anders"])
    items = [build.select(f"f{i:02d}", f"Vulvraag {i}", yesno) for i in range(fillers)]
    items += [
        build.select("q_best", "Wat vindt u het beste?", best, layout="vertical"),
        build.text("q_why", "Wilt u uitleggen waarom?", lines=4),
        build.select("q_last", "Nog een vraag?", yesno),
    ]
    return build.questionnaire(items)


def test_an_open_follow_up_stays_on_the_page_of_its_question(build, monkeypatch):
    # Find where the pair splits without the rule ...
    with monkeypatch.context() as m:
        m.setattr("layout.blocks.is_follow_up", lambda previous, item: False)
        for fillers in range(5, 40):
            apart = QuestionnaireLayout(_with_follow_up(build, fillers))
            pages = _pages_of(apart)
            if pages["q_best"] != pages["q_why"]:
                break
        else:
            pytest.fail("no questionnaire splits the pair")
    # ... then the same questionnaire with the rule moves the question to the next page.
    kept = QuestionnaireLayout(_with_follow_up(build, fillers))
    check(kept)
    pages = _pages_of(kept)
    assert pages["q_best"] == pages["q_why"] == _pages_of(apart)["q_why"]
    assert pages[f"f{fillers - 1:02d}"] == _pages_of(apart)["q_best"]
    spec = {s.name: s.page for s in kept.form_map.questions}
    assert spec["q_best"] == spec["q_why"] == min(pages["q_why"])
