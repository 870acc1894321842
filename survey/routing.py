"""Routing conditions: the ``relevant`` column, parsed into a small frozen AST.

A condition decides whether a question (or a whole group) is asked. The
syntax is the subset of XLSForm/XPath that questionnaire authors actually use::

    ${werk} = 'ja'
    ${leeftijd} >= 18 and ${leeftijd} < 67
    selected(${kanalen}, 'telefoon') or not(${traject} != "ja")

* ``${name}`` refers to the answer of an earlier question;
* values are quoted with ``'`` or ``"``, or are plain numbers (``18``, ``-1``, ``2.5``);
* operators: ``=`` (also ``==``), ``!=``, ``<``, ``<=``, ``>``, ``>=``;
* ``selected(${q}, 'x')`` tests one option of a ``select_multiple`` (or ``select_one``);
* ``and``, ``or``, ``not(...)`` and parentheses combine them; ``and`` binds tighter.

Semantics follow XPath as ODK and LimeSurvey use it: an unanswered question has
the empty text as its value, so ``${q} = 'x'`` is false and ``${q} != 'x'`` is
true; ``<``, ``<=``, ``>``, ``>=`` compare numbers and are false when either
side is not a number. Comparing with a plain number (``${q} = 3``) compares
numerically, so an answer ``03`` equals ``3``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from survey.errors import ExitCode, PaperSurveyError

Answer = str | frozenset[str] | None
"""One answer as :func:`evaluate` sees it: text, a set of choice names, or nothing."""

EQUALITY = ("=", "!=")
ORDERING = ("<", "<=", ">", ">=")
OPERATORS = EQUALITY + ORDERING

_NUMBER_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


@dataclass(frozen=True)
class Compare:
    """``${ref} op value``; a :class:`~decimal.Decimal` value was written as a plain number."""

    ref: str
    op: str
    value: str | Decimal


@dataclass(frozen=True)
class Selected:
    """``selected(${ref}, 'value')``: the option ``value`` is among the answers to ``ref``."""

    ref: str
    value: str


@dataclass(frozen=True)
class And:
    """All of ``terms`` (two or more) hold."""

    terms: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    """At least one of ``terms`` (two or more) holds."""

    terms: tuple[Expr, ...]


@dataclass(frozen=True)
class Not:
    """``not(term)``."""

    term: Expr


Expr = Compare | Selected | And | Or | Not


class ExpressionError(PaperSurveyError):
    """A condition cannot be parsed.

    Attributes:
        reason: what is wrong, without the position.
        source: the condition as written.
        position: 1-based character position of the problem in ``source``.
    """

    exit_code = ExitCode.INPUT_INVALID

    def __init__(self, reason: str, source: str, position: int) -> None:
        super().__init__(reason, source, position)

    @property
    def reason(self) -> str:
        return str(self.args[0])

    @property
    def source(self) -> str:
        return str(self.args[1])

    @property
    def position(self) -> int:
        return int(str(self.args[2]))

    @property
    def message(self) -> str:
        return f"{self.reason} at character {self.position}"


# ---------------------------------------------------------------- tokenizer

_TOKEN_RE = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<ref>\$\{[^}]*\})
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<number>-?[0-9]+(?:\.[0-9]+)?)
  | (?P<op>!=|<=|>=|==|=|<|>)
  | (?P<punct>[(),])
  | (?P<dot>\.(?![0-9]))
  | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
    """,
    re.VERBOSE,
)
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class _Token:
    kind: str  # ref, string, number, op, punct, word, end
    text: str
    value: str
    position: int  # 1-based


def _tokenize(source: str, self_name: str | None = None) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(source):
        m = _TOKEN_RE.match(source, i)
        if m is None:
            ch = source[i]
            if ch in "'\"":
                raise ExpressionError(
                    f"the text starting with {ch} has no closing {ch}", source, i + 1
                )
            if source.startswith("${", i):
                raise ExpressionError("'${' has no closing '}'", source, i + 1)
            raise ExpressionError(f"unexpected character '{ch}'", source, i + 1)
        kind = m.lastgroup or ""
        text = m.group()
        if kind == "ref":
            value = text[2:-1].strip()
            if not _NAME_RE.fullmatch(value):
                raise ExpressionError(f"'{text}' does not name a question", source, i + 1)
        elif kind == "string":
            value = text[1:-1]
        elif kind == "op":
            value = "=" if text == "==" else text
        elif kind == "dot":
            if self_name is None:
                raise ExpressionError(
                    "'.' (the answer itself) is only allowed in a constraint", source, i + 1
                )
            kind, value = "ref", self_name
        elif kind == "word":
            value = text.lower()
        else:
            value = text
        if kind != "space":
            tokens.append(_Token(kind, text, value, i + 1))
        i = m.end()
    tokens.append(_Token("end", "", "", len(source) + 1))
    return tokens


# ---------------------------------------------------------------- parser


class _Parser:
    """Recursive descent: or_expr := and_expr ('or' and_expr)*; and_expr := unary ('and' unary)*."""

    def __init__(self, source: str, self_name: str | None = None) -> None:
        self.source = source
        self.tokens = _tokenize(source, self_name)
        self.i = 0

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def fail(self, reason: str, token: _Token) -> ExpressionError:
        return ExpressionError(reason, self.source, token.position)

    def found(self, token: _Token) -> str:
        if token.kind == "end":
            return "the end of the condition"
        return f"the text {token.text}" if token.kind == "string" else f"'{token.text}'"

    def expect(self, text: str, what: str) -> _Token:
        token = self.peek()
        if token.kind != "punct" or token.value != text:
            raise self.fail(f"expected {what}, found {self.found(token)}", token)
        return self.take()

    def is_word(self, word: str) -> bool:
        token = self.peek()
        return token.kind == "word" and token.value == word

    def parse(self) -> Expr:
        if self.peek().kind == "end":
            raise self.fail("the condition is empty", self.peek())
        expr = self.or_expr()
        token = self.peek()
        if token.kind != "end":
            raise self.fail(f"expected 'and', 'or' or the end, found {self.found(token)}", token)
        return expr

    def or_expr(self) -> Expr:
        terms = [self.and_expr()]
        while self.is_word("or"):
            self.take()
            terms.append(self.and_expr())
        return terms[0] if len(terms) == 1 else Or(tuple(terms))

    def and_expr(self) -> Expr:
        terms = [self.unary()]
        while self.is_word("and"):
            self.take()
            terms.append(self.unary())
        return terms[0] if len(terms) == 1 else And(tuple(terms))

    def unary(self) -> Expr:
        token = self.peek()
        if token.kind == "punct" and token.value == "(":
            self.take()
            expr = self.or_expr()
            self.expect(")", "')'")
            return expr
        if self.is_word("not"):
            self.take()
            self.expect("(", "'(' after not")
            expr = self.or_expr()
            self.expect(")", "')'")
            return Not(expr)
        if self.is_word("selected"):
            self.take()
            self.expect("(", "'(' after selected")
            ref = self.ref("a question such as ${name} inside selected(...)")
            self.expect(",", "',' after the question in selected(...)")
            value = self.literal("a quoted value in selected(...)")
            self.expect(")", "')'")
            return Selected(ref, value if isinstance(value, str) else _number_text(value))
        if token.kind == "ref":
            self.take()
            op = self.peek()
            if op.kind != "op":
                raise self.fail(
                    f"expected an operator such as = after {token.text}, found {self.found(op)}", op
                )
            self.take()
            return Compare(
                token.value, op.value, self.literal(f"a quoted value or a number after {op.text}")
            )
        if token.kind in ("string", "number"):
            raise self.fail(f"put the question first, as in ${{name}} = {token.text}", token)
        raise self.fail(f"expected a question such as ${{name}}, found {self.found(token)}", token)

    def ref(self, what: str) -> str:
        token = self.peek()
        if token.kind != "ref":
            raise self.fail(f"expected {what}, found {self.found(token)}", token)
        return self.take().value

    def literal(self, what: str) -> str | Decimal:
        token = self.peek()
        if token.kind == "string":
            return self.take().value
        if token.kind == "number":
            return Decimal(self.take().value)
        raise self.fail(f"expected {what}, found {self.found(token)}", token)


def parse(source: str, self_name: str | None = None) -> Expr:
    """Parse a condition.

    Args:
        source: the text of a ``relevant`` cell, or of a ``constraint`` cell.
        self_name: for a constraint, the name of its question: ``.`` (the
            answer itself, as XLSForm writes it) then stands for ``${self_name}``;
            ``None`` (a ``relevant``) refuses ``.``.

    Returns:
        The condition as a frozen tree.

    Raises:
        ExpressionError: the text is not a condition; the error names the
            1-based character position.
    """
    return _Parser(source, self_name).parse()


# ---------------------------------------------------------------- unparse


def _number_text(value: Decimal) -> str:
    return format(value, "f")


def quote(value: str) -> str:
    """``value`` as a quoted literal; single quotes unless it holds one.

    Raises:
        ValueError: ``value`` holds both kinds of quote, which XPath cannot write.
    """
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise ValueError(f"a condition value cannot hold both ' and \": {value!r}")


def to_source(expr: Expr) -> str:
    """Write ``expr`` back as condition text; ``parse(to_source(e)) == e``."""
    if isinstance(expr, Compare):
        value = _number_text(expr.value) if isinstance(expr.value, Decimal) else quote(expr.value)
        return f"${{{expr.ref}}} {expr.op} {value}"
    if isinstance(expr, Selected):
        return f"selected(${{{expr.ref}}}, {quote(expr.value)})"
    if isinstance(expr, Not):
        return f"not({to_source(expr.term)})"
    joiner = " and " if isinstance(expr, And) else " or "
    return joiner.join(
        f"({to_source(t)})" if isinstance(t, And | Or) else to_source(t) for t in expr.terms
    )


# ---------------------------------------------------------------- queries


def conditions(expr: Expr) -> Iterator[Compare | Selected]:
    """Every comparison and ``selected()`` test in ``expr``, left to right."""
    if isinstance(expr, Compare | Selected):
        yield expr
    elif isinstance(expr, Not):
        yield from conditions(expr.term)
    else:
        for term in expr.terms:
            yield from conditions(term)


def references(expr: Expr) -> set[str]:
    """The names of the questions ``expr`` depends on."""
    return {c.ref for c in conditions(expr)}


# ---------------------------------------------------------------- evaluate

_ORDER: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _as_text(answer: Answer) -> str:
    if answer is None:
        return ""
    if isinstance(answer, frozenset):
        return " ".join(sorted(answer))
    return answer.strip()


def _as_number(value: str | Decimal) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    text = value.strip()
    return Decimal(text) if _NUMBER_RE.fullmatch(text) else None


def _selection(answer: Answer) -> frozenset[str]:
    if answer is None:
        return frozenset()
    if isinstance(answer, frozenset):
        return answer
    return frozenset(answer.split())


def _compare(answer: Answer, op: str, value: str | Decimal) -> bool:
    text = _as_text(answer)
    if op in EQUALITY:
        if isinstance(value, Decimal):
            number = _as_number(text)
            equal = number is not None and number == value
        else:
            equal = text == value
        return equal if op == "=" else not equal
    left, right = _as_number(text), _as_number(value)
    if left is None or right is None:
        return False
    return _ORDER[op](left, right)


def evaluate(expr: Expr, answers: Mapping[str, Answer]) -> bool:
    """Whether ``expr`` holds for ``answers``.

    Args:
        expr: a parsed condition.
        answers: answers by question name; a missing name counts as unanswered.
            A ``select_multiple`` answer is a frozenset of choice names (a
            space-separated string is accepted too).

    Returns:
        True when the question or group with this condition is asked.
    """
    if isinstance(expr, Compare):
        return _compare(answers.get(expr.ref), expr.op, expr.value)
    if isinstance(expr, Selected):
        return expr.value in _selection(answers.get(expr.ref))
    if isinstance(expr, Not):
        return not evaluate(expr.term, answers)
    if isinstance(expr, And):
        return all(evaluate(t, answers) for t in expr.terms)
    return any(evaluate(t, answers) for t in expr.terms)
