"""Exports of the merged dataset: CSV, Parquet and SPSS, plus the tables behind them.

``papersurvey export DIR`` writes to ``out/export/``:

* ``data.csv`` / ``data.parquet`` / ``data.sav``: one row per respondent,
  question codes as columns (:attr:`analysis.dataset.Dataset.data`). A
  ``select_multiple`` question also gets one 0/1 column per option,
  ``NAME_CODE``; the SPSS file has only those (SPSS has no multi-valued
  variables). Answer codes that are whole numbers are stored as numbers in
  Parquet and SPSS, with the choice labels as SPSS value labels and the
  question text as variable label; *don't know* codes are SPSS user-missing
  values, so SPSS leaves them out of means as the report does.
* ``metrics.csv``: every figure of the report (:meth:`analysis.results.Results.frame`),
  with suppressed figures left empty.
* ``codebook.csv``: every column with its label, type and codes.
* ``long.csv``, ``problems.csv``, ``duplicates.csv``: the validated long
  format, the data-quality table and the responses that did not count.
* ``open_answers.csv``: every counting open answer with its question, mode,
  subgroup and privacy flags, but no pseudonym (:mod:`analysis.open_answers`),
  for analysts choosing quotes for the report. It holds free text that may
  name people: for the analysts only.

CSV files are UTF-8 with a byte order mark and ``;`` between fields, which is
what Dutch Excel opens correctly with a double click.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.dataset import META_COLUMNS, Dataset
from analysis.open_answers import FILE_NAME as OPEN_ANSWERS
from analysis.open_answers import open_answers
from analysis.results import Results
from analysis.scales import Kind, scales
from survey.errors import MissingDependencyError
from survey.model import Question, Questionnaire, QuestionType

log = logging.getLogger("papersurvey.analysis.exports")

FORMATS = ("csv", "parquet", "spss")
CSV_OPTIONS = {"sep": ";", "encoding": "utf-8-sig", "index": False}


def _numeric_codes(q: Question) -> bool:
    return q.choices is not None and all(n.lstrip("-").isdigit() for n in q.choices.names())


def _multi_columns(q: Question) -> list[tuple[str, str]]:
    return [(f"{q.name}_{c}", c) for c in (q.choices.names() if q.choices else ())]


def with_dummies(data: pd.DataFrame, questionnaire: Questionnaire) -> pd.DataFrame:
    """``data`` with a 0/1 column per option of every ``select_multiple`` question."""
    out = data.copy()
    for q in questionnaire.answerable():
        if q.type is not QuestionType.SELECT_MULTIPLE or q.name not in out:
            continue
        chosen = out[q.name].map(lambda v: set(v.split()) if isinstance(v, str) else None)
        for col, code in _multi_columns(q):
            out[col] = chosen.map(lambda s, c=code: None if s is None else int(c in s)).astype(
                "Int64"
            )
    return out


def typed(data: pd.DataFrame, questionnaire: Questionnaire) -> pd.DataFrame:
    """Codes that are whole numbers as nullable integers; text stays text."""
    out = data.copy()
    for q in questionnaire.answerable():
        if q.name not in out:
            continue
        if (
            q.type is QuestionType.SELECT_ONE and _numeric_codes(q)
        ) or q.type is QuestionType.INTEGER:
            out[q.name] = pd.to_numeric(out[q.name], errors="coerce").astype("Int64")
        elif q.type is not QuestionType.SELECT_MULTIPLE:
            out[q.name] = out[q.name].astype("string")
    for c in META_COLUMNS:
        if c in out and c != "open_review":
            out[c] = out[c].astype("string")
    return out


def codebook(questionnaire: Questionnaire, language: str = "nl") -> pd.DataFrame:
    """One row per exported column: name, label, type, scale and codes with labels."""
    rows = [
        {"column": c, "label": c, "type": "meta", "scale": "", "codes": ""} for c in META_COLUMNS
    ]
    all_scales = scales(questionnaire)
    for q in questionnaire.answerable():
        codes = ""
        if q.choices is not None:
            codes = " | ".join(f"{c.name}={c.label.get(language)}" for c in q.choices.choices)
        rows.append(
            {
                "column": q.name,
                "label": q.label.get(language),
                "type": q.type.value,
                "scale": all_scales[q.name].kind.value,
                "codes": codes,
            }
        )
        if q.type is QuestionType.SELECT_MULTIPLE and q.choices:
            rows += [
                {
                    "column": col,
                    "label": f"{q.label.get(language)}: {q.choices.choice(code).label.get(language)}",
                    "type": "dummy",
                    "scale": "",
                    "codes": "0=niet gekozen | 1=gekozen",
                }
                for col, code in _multi_columns(q)
            ]
    return pd.DataFrame(rows)


def write_csv(dataset: Dataset, path: Path) -> Path:
    """``data.csv``: codes as text, multiple choice also as 0/1 columns."""
    with_dummies(dataset.data, dataset.questionnaire).to_csv(path, **CSV_OPTIONS)
    return path


def write_parquet(dataset: Dataset, path: Path, language: str = "nl") -> Path:
    """``data.parquet`` with typed columns and the questionnaire's labels in the metadata."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow is an analysis dependency
        raise MissingDependencyError(
            "pyarrow is needed for Parquet: pip install 'papersurvey[analysis]'."
        ) from exc
    q = dataset.questionnaire
    frame = typed(with_dummies(dataset.data, q), q)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    book = codebook(q, language)
    meta = {
        b"papersurvey.form_id": q.form_id.encode(),
        b"papersurvey.version": q.version.encode(),
        b"papersurvey.version_hash": q.version_hash.encode(),
        b"papersurvey.codebook": json.dumps(book.to_dict("records"), ensure_ascii=False).encode(),
    }
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), **meta})
    pq.write_table(table, path)
    return path


@dataclass(frozen=True)
class SpssMetadata:
    """What ``pyreadstat.write_sav`` needs besides the data."""

    labels: dict[str, str | None]
    values: dict[str, dict[Any, str]]
    missing: dict[str, list[Any]]
    measure: dict[str, str]


def spss_metadata(
    questionnaire: Questionnaire, columns: Sequence[str], language: str = "nl"
) -> SpssMetadata:
    """Variable labels, value labels, user-missing values and measure levels for ``write_sav``."""
    all_scales = scales(questionnaire)
    meta = SpssMetadata({c: c for c in columns}, {}, {}, {})
    chosen = ("niet gekozen", "gekozen") if language == "nl" else ("not chosen", "chosen")
    for q in questionnaire.answerable():
        scale = all_scales[q.name]
        label = q.label.get(language)
        if q.type is QuestionType.SELECT_MULTIPLE and q.choices:
            for col, code in _multi_columns(q):
                option = q.choices.choice(code).label.get(language)
                meta.labels[col] = f"{label}: {option}"[:250]
                meta.values[col] = {0: chosen[0], 1: chosen[1]}
                meta.measure[col] = "nominal"
            continue
        if q.name not in columns:
            continue
        meta.labels[q.name] = label[:250]
        if q.choices is not None:
            numeric = _numeric_codes(q)
            meta.values[q.name] = {
                (int(c.name) if numeric else c.name): c.label.get(language)
                for c in q.choices.choices
            }
            if scale.dont_know and numeric:
                meta.missing[q.name] = [int(c) for c in scale.dont_know][:3]
            kind = scale.kind
            meta.measure[q.name] = (
                "scale" if kind is Kind.GRADE else "ordinal" if kind is Kind.AGREE else "nominal"
            )
        elif q.type is QuestionType.INTEGER:
            meta.measure[q.name] = "scale"
    return meta


def write_spss(dataset: Dataset, path: Path, language: str = "nl") -> Path:
    """``data.sav``: numeric codes with value labels, *don't know* as user-missing."""
    try:
        import pyreadstat
    except ImportError as exc:  # pragma: no cover - pyreadstat is an analysis dependency
        raise MissingDependencyError(
            "pyreadstat is needed for SPSS: pip install 'papersurvey[analysis]'."
        ) from exc
    q = dataset.questionnaire
    multi = [x.name for x in q.answerable() if x.type is QuestionType.SELECT_MULTIPLE]
    frame = typed(with_dummies(dataset.data, q), q).drop(
        columns=[c for c in multi if c in dataset.data]
    )
    out = pd.DataFrame(index=frame.index)
    for c in frame.columns:
        s = frame[c]
        if isinstance(s.dtype, pd.Int64Dtype) or c == "open_review":
            out[c] = s.astype("float64")
        else:
            out[c] = s.astype(object).where(s.notna(), "")
    meta = spss_metadata(q, list(out.columns), language)
    pyreadstat.write_sav(
        out,
        str(path),
        column_labels=meta.labels,
        variable_value_labels=meta.values,
        missing_ranges=meta.missing,
        variable_measure=meta.measure,
        file_label=f"{q.form_id} {q.version}"[:64],
    )
    return path


def export_all(
    results: Results, out_dir: Path, formats: Sequence[str] = FORMATS, language: str = "nl"
) -> list[Path]:
    """Write the dataset in ``formats`` and the side tables; the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    ds = results.dataset
    files: list[Path] = []
    if "csv" in formats:
        files.append(write_csv(ds, out_dir / "data.csv"))
    if "parquet" in formats:
        files.append(write_parquet(ds, out_dir / "data.parquet", language))
    if "spss" in formats:
        files.append(write_spss(ds, out_dir / "data.sav", language))
    side = {
        "metrics.csv": results.frame(),
        "codebook.csv": codebook(ds.questionnaire, language),
        "long.csv": ds.long,
        "problems.csv": ds.problems,
        "duplicates.csv": ds.duplicates,
        OPEN_ANSWERS: open_answers(ds, language),
    }
    for name, frame in side.items():
        path = out_dir / name
        frame.to_csv(path, **CSV_OPTIONS)
        files.append(path)
    log.info("exported %d respondents to %s", len(ds.data), out_dir)
    return files
