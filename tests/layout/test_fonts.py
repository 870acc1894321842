"""Measuring and wrapping text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from layout import fonts

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzëéï-/.ABC0123", min_size=1, max_size=40)


@given(words=st.lists(WORD, min_size=1, max_size=30), width=st.floats(min_value=30, max_value=400))
def test_wrapped_lines_never_exceed_the_width_and_keep_every_character(words, width):
    text = " ".join(words)
    lines = fonts.wrap(text, fonts.REGULAR, 10, width)
    assert all(fonts.string_width(line, fonts.REGULAR, 10) <= width + 1e-6 for line in lines)
    rebuilt = "".join(line.rstrip("-") if line.endswith("-") else line for line in lines).replace(
        " ", ""
    )
    assert rebuilt.replace("-", "") == text.replace(" ", "").replace("-", "")


def test_newline_starts_a_new_line_and_nbsp_does_not_break():
    assert fonts.wrap("een\ntwee", fonts.REGULAR, 10, 500) == ("een", "twee")
    phone = "070\u00a0123\u00a045\u00a067"
    width = fonts.string_width("bel " + phone, fonts.REGULAR, 10) - 1
    assert fonts.wrap("bel " + phone, fonts.REGULAR, 10, width) == ("bel", phone)


def test_long_compound_is_hyphenated():
    lines = fonts.wrap("arbeidsmarktreïntegratiebegeleidingsgesprekken", fonts.REGULAR, 10, 80)
    assert len(lines) > 1
    assert lines[0].endswith("-")


def test_fonts_are_shipped_with_their_licence():
    for name in (
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "DejaVuSans-Oblique.ttf",
        "DejaVuSansMono.ttf",
        "LICENSE.txt",
    ):
        assert (fonts.FONT_DIR / name).is_file()
    fonts.register_fonts()
    fonts.register_fonts()  # idempotent
    assert fonts.string_width("W", fonts.BOLD, 10) > fonts.string_width("i", fonts.BOLD, 10)
