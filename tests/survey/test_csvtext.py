"""The one CSV delimiter sniffer."""

from __future__ import annotations

from survey.csvtext import sniff_delimiter


def test_the_delimiter_that_splits_the_heading_row_most() -> None:
    assert sniff_delimiter("a;b;c\n1;2;3\n") == ";"
    assert sniff_delimiter("a,b,c\r\n") == ","
    assert sniff_delimiter("a\tb\n") == "\t"
    assert sniff_delimiter('"x;y",b,c\n') == ","  # a quoted heading with a ; counts once


def test_ties_blank_lines_and_one_column() -> None:
    assert sniff_delimiter("a;b,c\n") == ";"  # a tie goes to the first candidate
    assert sniff_delimiter("a;b,c\n", (",", ";")) == ","
    assert sniff_delimiter("\n\n a,b\n") == ","
    assert sniff_delimiter("heading\n1\n", default=";") == ";"
    assert sniff_delimiter("", (",", ";")) == ","
