"""Routing conditions: parsing, writing back, evaluating, and the parse errors."""

from __future__ import annotations

import math
import pickle
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.errors import PaperSurveyError
from survey.routing import (
    And,
    Answer,
    Compare,
    Expr,
    ExpressionError,
    Not,
    Or,
    Selected,
    evaluate,
    parse,
    quote,
    references,
    to_source,
)

# ---------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("${q1} = 'ja'", Compare("q1", "=", "ja")),
        ('${q1} = "ja"', Compare("q1", "=", "ja")),
        ("${q1}=='ja'", Compare("q1", "=", "ja")),
        ('${ q1 } != "it\'s"', Compare("q1", "!=", "it's")),
        ("${leeftijd} >= 18", Compare("leeftijd", ">=", Decimal(18))),
        ("${n} < -1.5", Compare("n", "<", Decimal("-1.5"))),
        (
            "${n} <= 2 and ${n} > 0",
            And((Compare("n", "<=", Decimal(2)), Compare("n", ">", Decimal(0)))),
        ),
        ("selected(${k}, 'tel')", Selected("k", "tel")),
        ("selected( ${k} , 3 )", Selected("k", "3")),
        ("not(${a} = 'x')", Not(Compare("a", "=", "x"))),
        (
            "${a} = '1' or ${b} = '2' and ${c} = '3'",
            Or((Compare("a", "=", "1"), And((Compare("b", "=", "2"), Compare("c", "=", "3"))))),
        ),
        (
            "(${a} = '1' or ${b} = '2') and ${c} = '3'",
            And((Or((Compare("a", "=", "1"), Compare("b", "=", "2"))), Compare("c", "=", "3"))),
        ),
        ("((${a} = ''))", Compare("a", "=", "")),
        ("${a} = 'x' AND ${b} = 'y'", And((Compare("a", "=", "x"), Compare("b", "=", "y")))),
    ],
)
def test_parse(source: str, expected: Expr) -> None:
    assert parse(source) == expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("", "the condition is empty at character 1"),
        ("   ", "the condition is empty at character 4"),
        ("${q2} = ja", "expected a quoted value or a number after =, found 'ja' at character 9"),
        (
            "${q2} 'ja'",
            "expected an operator such as = after ${q2}, found the text 'ja' at character 7",
        ),
        ("${q2} = 'ja", "the text starting with ' has no closing ' at character 9"),
        ('${q2} = "ja', 'the text starting with " has no closing " at character 9'),
        ("${q2 = 'ja'", "'${' has no closing '}' at character 1"),
        ("${} = 'ja'", "'${}' does not name a question at character 1"),
        ("${q 2} = 'ja'", "'${q 2}' does not name a question at character 1"),
        ("'ja' = ${q2}", "put the question first, as in ${name} = 'ja' at character 1"),
        (
            "${a} = 'x' and",
            "expected a question such as ${name}, found the end of the condition at character 15",
        ),
        ("${a} = 'x' ${b} = 'y'", "expected 'and', 'or' or the end, found '${b}' at character 12"),
        ("(${a} = 'x'", "expected ')', found the end of the condition at character 12"),
        ("${a} = 'x')", "expected 'and', 'or' or the end, found ')' at character 11"),
        ("not ${a} = 'x'", "expected '(' after not, found '${a}' at character 5"),
        (
            "selected(${a} 'x')",
            "expected ',' after the question in selected(...), found the text 'x' at character 15",
        ),
        (
            "selected('x', ${a})",
            "expected a question such as ${name} inside selected(...), found the text 'x' at character 10",
        ),
        (
            "count-selected(${a}) > 1",
            "expected a question such as ${name}, found 'count-selected' at character 1",
        ),
        ("${a} = 'x' & ${b} = 'y'", "unexpected character '&' at character 12"),
        ("${q1} != 'it''s'", "expected 'and', 'or' or the end, found the text 's' at character 14"),
        ("${a} => 3", "expected a quoted value or a number after =, found '>' at character 7"),
    ],
)
def test_parse_errors_name_the_position(source: str, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(source)

    assert info.value.message == message
    assert info.value.source == source
    assert isinstance(info.value, PaperSurveyError)


def test_parse_error_pickles() -> None:
    with pytest.raises(ExpressionError) as info:
        parse("${a} = ")
    again = pickle.loads(pickle.dumps(info.value))

    assert (again.reason, again.source, again.position) == (
        info.value.reason,
        info.value.source,
        info.value.position,
    )


def test_references() -> None:
    expr = parse("${a} = '1' or not(selected(${b}, 'x') and ${a} > 2)")

    assert references(expr) == {"a", "b"}


# ---------------------------------------------------------------- writing back


@pytest.mark.parametrize(
    ("expr", "source"),
    [
        (Compare("q", "=", "it's"), '${q} = "it\'s"'),
        (Compare("q", ">=", Decimal("1E+2")), "${q} >= 100"),
        (Selected("k", "a"), "selected(${k}, 'a')"),
        (
            And((Or((Compare("a", "=", "1"), Compare("b", "!=", ""))), Not(Selected("c", "x")))),
            "(${a} = '1' or ${b} != '') and not(selected(${c}, 'x'))",
        ),
    ],
)
def test_to_source(expr: Expr, source: str) -> None:
    assert to_source(expr) == source


def test_a_value_with_both_quotes_cannot_be_written() -> None:
    with pytest.raises(ValueError, match="both"):
        quote('it\'s "x"')


NAMES = st.sampled_from(["a", "b", "q1", "leeftijd", "s_2"])
TEXTS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="'\""), max_size=6
) | st.sampled_from(["it's", 'say "hi"', "1", "-2.50", "ja nee", "(and)"])
NUMBERS = st.decimals(
    min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False
)


def expressions(texts: st.SearchStrategy[str]) -> st.SearchStrategy[Expr]:
    leaves = st.one_of(
        st.builds(Compare, NAMES, st.sampled_from(["=", "!="]), texts | NUMBERS),
        st.builds(Compare, NAMES, st.sampled_from(["<", "<=", ">", ">="]), NUMBERS | texts),
        st.builds(Selected, NAMES, texts),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds(And, st.lists(inner, min_size=2, max_size=3).map(tuple)),
            st.builds(Or, st.lists(inner, min_size=2, max_size=3).map(tuple)),
            st.builds(Not, inner),
        ),
        max_leaves=8,
    )


EXPRS = expressions(TEXTS)


@given(EXPRS)
def test_round_trip(expr: Expr) -> None:
    assert parse(to_source(expr)) == expr


@given(expressions(st.text(alphabet="abcxyz019", max_size=4)))
def test_spacing_does_not_matter(expr: Expr) -> None:
    source = to_source(expr)
    spaced = source.replace(" and ", "  and\n").replace("(", "( ").replace(")", " )")
    assert parse(spaced) == expr


# ---------------------------------------------------------------- evaluating


@pytest.mark.parametrize(
    ("source", "answers", "expected"),
    [
        ("${q} = 'ja'", {"q": "ja"}, True),
        ("${q} = 'ja'", {"q": "nee"}, False),
        ("${q} = 'ja'", {}, False),
        ("${q} != 'ja'", {}, True),
        ("${q} = ''", {"q": None}, True),
        ("${q} = 3", {"q": "03"}, True),
        ("${q} = '3'", {"q": "03"}, False),
        ("${q} != 3", {}, True),
        ("${q} > 2", {"q": "10"}, True),
        ("${q} > '2'", {"q": "10"}, True),
        ("${q} < 2", {}, False),
        ("${q} >= 2", {"q": "veel"}, False),
        ("${q} <= -1.5", {"q": "-2"}, True),
        ("selected(${k}, 'b')", {"k": frozenset({"a", "b"})}, True),
        ("selected(${k}, 'b')", {"k": "a b"}, True),
        ("selected(${k}, 'c')", {"k": frozenset({"a", "b"})}, False),
        ("selected(${k}, 'a')", {}, False),
        ("${k} = 'a'", {"k": frozenset({"a"})}, True),
        ("not(${q} = 'ja') and ${r} > 1", {"q": "nee", "r": "2"}, True),
        ("${q} = 'ja' or ${r} > 1", {"q": "nee", "r": "1"}, False),
    ],
)
def test_evaluate(source: str, answers: dict[str, Answer], expected: bool) -> None:
    assert evaluate(parse(source), answers) is expected


def _xpath_value(answer: Answer) -> str:
    """The answer as XPath sees it: a string, options separated by spaces."""
    if answer is None:
        return ""
    if isinstance(answer, frozenset):
        return " ".join(sorted(answer))
    return answer


def _xpath_number(text: str) -> float:
    """XPath number(): digits with an optional sign and decimal part, else NaN."""
    text = text.strip()
    whole, dot, fraction = text.removeprefix("-").partition(".")
    digits = "0123456789"
    if (
        whole
        and all(c in digits for c in whole)
        and (not dot or (fraction and all(c in digits for c in fraction)))
    ):
        return float(text)
    return math.nan


def reference(expr: Expr, answers: dict[str, Answer]) -> bool:
    """An independent evaluator written from the XPath rules, with floats and NaN."""
    if isinstance(expr, And):
        return all(reference(t, answers) for t in expr.terms)
    if isinstance(expr, Or):
        return any(reference(t, answers) for t in expr.terms)
    if isinstance(expr, Not):
        return not reference(expr.term, answers)
    value = _xpath_value(answers.get(expr.ref)).strip()
    if isinstance(expr, Selected):
        return expr.value in value.split()
    if isinstance(expr.value, Decimal) or expr.op not in ("=", "!="):
        right_text = format(expr.value, "f") if isinstance(expr.value, Decimal) else expr.value
        left, right = _xpath_number(value), _xpath_number(right_text)
        result = {
            "=": left == right,
            "!=": left != right,
            "<": left < right,
            "<=": left <= right,
            ">": left > right,
            ">=": left >= right,
        }[expr.op]
        return result
    return (value == expr.value) == (expr.op == "=")


ANSWERS = st.dictionaries(
    NAMES,
    st.none()
    | NUMBERS.map(str)
    | st.integers(-5, 5).map(str)
    | TEXTS
    | st.frozensets(st.sampled_from(["a", "1", "ja", "it's"]), max_size=3),
)


@settings(max_examples=300)
@given(EXPRS, ANSWERS)
def test_evaluate_agrees_with_the_reference(expr: Expr, answers: dict[str, Answer]) -> None:
    assert evaluate(expr, answers) == reference(expr, answers)


def test_a_constraint_reads_dot_as_its_own_answer() -> None:
    from survey.routing import And, Compare, Selected, evaluate, parse

    expr = parse(". >= 0 and . <= 80", self_name="uren")
    assert expr == And((Compare("uren", ">=", Decimal(0)), Compare("uren", "<=", Decimal(80))))
    assert parse("selected(., 'tel')", self_name="k") == Selected("k", "tel")
    assert parse(". < 2.5", self_name="x") == Compare("x", "<", Decimal("2.5"))
    assert evaluate(expr, {"uren": "36"}) and not evaluate(expr, {"uren": "96"})


def test_dot_outside_a_constraint_is_refused() -> None:
    from survey.routing import ExpressionError, parse

    with pytest.raises(ExpressionError) as info:
        parse("${q} = 'a' and . > 1")
    assert (
        info.value.message
        == "'.' (the answer itself) is only allowed in a constraint at character 16"
    )
