"""Declared DataFrame schemas, validated lazily: every failure lands in one table.

This is the idea of pandera's lazy validation (``schema.validate(df,
lazy=True)`` collects all failure cases into one DataFrame instead of stopping
at the first), hand-rolled in a page of pandas: pandera itself would bring
pydantic, typeguard and typing-inspect along for what the dataset needs here.

A :class:`FrameSchema` is a list of :class:`Check` objects. A check is a
named, vectorised predicate over the whole frame that returns a boolean Series
(True = the row passes) and says which column it is about. :func:`validate`
runs every check and returns the failure cases; the caller decides what to do
with the failing rows (the dataset drops the failing values and reports them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

FAILURE_COLUMNS = ("check", "column", "row", "pseudonym", "question", "value", "message")
"""The columns of the failure table; ``row`` is the index label of the failing row."""

Predicate = Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class Check:
    """One rule of a schema.

    Attributes:
        name: a short identifier (``value_in_choices``), the ``check`` column of failures.
        column: the column the rule is about (its value is reported as ``value``).
        predicate: frame -> boolean Series aligned with the frame; True passes.
        message: what a failure means, in plain language.
    """

    name: str
    column: str
    predicate: Predicate
    message: str


@dataclass(frozen=True)
class FrameSchema:
    """A declared schema: the required columns and the checks, run in order.

    Attributes:
        name: the schema's name, for messages.
        columns: columns that must exist; a missing one is a single failure
            and skips the checks that use it.
        checks: the rules.
    """

    name: str
    columns: tuple[str, ...]
    checks: tuple[Check, ...]


def empty_failures() -> pd.DataFrame:
    """A failure table with no rows."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in FAILURE_COLUMNS})


def not_null(column: str) -> Check:
    """``column`` holds a value in every row."""
    return Check("not_null", column, lambda df: df[column].notna(), f"{column} is empty")


def isin(column: str, allowed: Sequence[object]) -> Check:
    """``column`` holds one of ``allowed`` (empty passes; combine with :func:`not_null`)."""
    values = list(allowed)
    return Check(
        "isin",
        column,
        lambda df: df[column].isna() | df[column].isin(values),
        f"{column} must be one of {', '.join(map(str, values))}",
    )


def unique(columns: Sequence[str]) -> Check:
    """No two rows share the values of ``columns``."""
    cols = list(columns)
    return Check(
        "unique",
        cols[-1],
        lambda df: ~df.duplicated(subset=cols, keep="first"),
        f"{' + '.join(cols)} occurs more than once",
    )


def validate(df: pd.DataFrame, schema: FrameSchema) -> pd.DataFrame:
    """Run every check of ``schema`` on ``df``; the failure cases, one row each.

    Never raises for bad data: an empty result means the frame is valid.
    """
    parts: list[pd.DataFrame] = []
    missing = [c for c in schema.columns if c not in df.columns]
    for c in missing:
        parts.append(
            pd.DataFrame(
                [
                    {
                        "check": "column_present",
                        "column": c,
                        "row": None,
                        "pseudonym": None,
                        "question": None,
                        "value": None,
                        "message": f"{schema.name} has no column {c}",
                    }
                ]
            )
        )
    for check in schema.checks:
        if check.column in missing:
            continue
        ok = check.predicate(df).reindex(df.index, fill_value=False).astype(bool)
        bad = df.loc[~ok]
        if bad.empty:
            continue
        parts.append(
            pd.DataFrame(
                {
                    "check": check.name,
                    "column": check.column,
                    "row": bad.index.to_list(),
                    "pseudonym": _col(bad, "pseudonym"),
                    "question": _col(bad, "question", default=check.column),
                    "value": bad[check.column].to_list() if check.column in bad else None,
                    "message": check.message,
                }
            )
        )
    if not parts:
        return empty_failures()
    out = pd.concat(parts, ignore_index=True)
    return out.astype(object)


def _col(df: pd.DataFrame, name: str, default: str | None = None) -> list[object]:
    if name in df.columns:
        return df[name].to_list()
    return [default] * len(df)
