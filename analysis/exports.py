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
* ``codebook.csv``: every column with its label, report label, type and codes.
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

import importlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

from analysis import missing
from analysis.dataset import META_COLUMNS, Dataset
from analysis.open_answers import FILE_NAME as OPEN_ANSWERS
from analysis.open_answers import open_answers
from analysis.results import Results
from analysis.scales import Kind, Scale, scales
from survey.errors import MissingDependencyError, PaperSurveyError
from survey.model import Question, Questionnaire, QuestionType
from survey.project import Project

log = logging.getLogger("papersurvey.analysis.exports")

FORMATS = ("csv", "parquet", "spss", "xlsx")
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


def is_ordinal(q: Question, scale: Scale) -> bool:
    """An ordered scale that is not a grade: agree statements, and ranges such as age groups."""
    if scale.kind is Kind.AGREE:
        return True
    cl = q.choices
    if scale.kind is not Kind.SINGLE or cl is None or len(scale.valid) < 3:
        return False
    return all(any(ch.isdigit() for ch in cl.choice(c).label.get()) for c in scale.valid)


def typed(data: pd.DataFrame, questionnaire: Questionnaire) -> pd.DataFrame:
    """The dataset with types an analysis tool reads right (the Parquet file).

    Grades and whole numbers become nullable integers, *don't know* codes left
    out (null), so a mean over the column is the report's mean. Other choice
    questions become categoricals of their codes, in questionnaire order and
    ordered for ordinal scales: they keep their *don't know* code, and no
    mean can be taken of them by accident. Text stays text.
    """
    out = data.copy()
    all_scales = scales(questionnaire)
    for q in questionnaire.answerable():
        if q.name not in out:
            continue
        scale = all_scales[q.name]
        if q.type is QuestionType.INTEGER or scale.kind is Kind.GRADE:
            values = out[q.name].where(~out[q.name].isin(list(scale.dont_know)))
            out[q.name] = pd.to_numeric(values, errors="coerce").astype("Int64")
        elif q.type is QuestionType.SELECT_ONE and q.choices is not None:
            out[q.name] = pd.Categorical(
                out[q.name], categories=list(q.choices.names()), ordered=is_ordinal(q, scale)
            )
        elif q.type is not QuestionType.SELECT_MULTIPLE:
            out[q.name] = out[q.name].astype("string")
    for c in META_COLUMNS:
        if c in out and c != "open_review":
            out[c] = out[c].astype("string")
    return out


def spss_codes(dataset: Dataset) -> pd.DataFrame:
    """Numeric codes for SPSS: every numeric-coded question with -1 (routing) and -2 (no answer)."""
    q = dataset.questionnaire
    frame = with_dummies(dataset.data, q)
    why = missing.reasons(dataset)
    for x in q.answerable():
        if x.name not in frame or not (
            x.type is QuestionType.INTEGER
            or (x.type is QuestionType.SELECT_ONE and _numeric_codes(x))
        ):
            continue
        values = pd.to_numeric(frame[x.name], errors="coerce")
        reason = why[x.name] if x.name in why else pd.Series(None, index=frame.index)
        values = values.mask(reason == missing.Reason.ROUTING, missing.ROUTING)
        values = values.mask(reason == missing.Reason.NO_ANSWER, missing.NO_ANSWER)
        frame[x.name] = values.astype("float64")
    return frame


def _group_routing(questionnaire: Questionnaire, q: Question) -> str:
    """The routing condition of the group around ``q``, as written in the workbook."""
    for group in questionnaire.groups():
        if q.name in {x.name for x in group.questions()} and group.relevant_source:
            return group.relevant_source
    return ""


def codebook(questionnaire: Questionnaire, language: str = "nl") -> pd.DataFrame:
    """One row per exported column: name, label, type, scale and codes with labels.

    ``label`` is the question text (the variable label in SPSS and Stata);
    ``report_label`` the short name the report uses, the question text when
    the questionnaire gives none; ``polarity`` is ``negative`` for a
    negatively worded statement.
    """
    rows = [
        {
            "column": c,
            "label": c,
            "report_label": c,
            "polarity": "",
            "type": "meta",
            "scale": "",
            "codes": "",
            "routing": "",
        }
        for c in META_COLUMNS
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
                "report_label": q.short_label(language),
                "polarity": "negative" if q.negative else "",
                "type": q.type.value,
                "scale": all_scales[q.name].kind.value,
                "codes": codes,
                "routing": q.relevant_source or _group_routing(questionnaire, q),
            }
        )
        if q.type is QuestionType.SELECT_MULTIPLE and q.choices:
            rows += [
                {
                    "column": col,
                    "label": f"{q.label.get(language)}: {q.choices.choice(code).label.get(language)}",
                    "report_label": (
                        f"{q.short_label(language)}: {q.choices.choice(code).label.get(language)}"
                    ),
                    "polarity": "",
                    "type": "dummy",
                    "scale": "",
                    "codes": "0=niet gekozen | 1=gekozen",
                    "routing": q.relevant_source or _group_routing(questionnaire, q),
                }
                for col, code in _multi_columns(q)
            ]
    return pd.DataFrame(rows)


def _analysis_dependency(module: str, purpose: str) -> ModuleType:
    """Import an optional dependency of the analysis extra, or say how to install it.

    The exports import their writers only when asked for, so a round without
    Parquet or SPSS files does not need them installed.

    Raises:
        MissingDependencyError: the module is not installed.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - an analysis dependency
        package = module.split(".", 1)[0]
        raise MissingDependencyError(
            f"{package} is needed for {purpose}: pip install 'papersurvey[analysis]'."
        ) from exc


def write_csv(dataset: Dataset, path: Path) -> Path:
    """``data.csv``: codes as text, multiple choice also as 0/1 columns."""
    with_dummies(dataset.data, dataset.questionnaire).to_csv(path, **CSV_OPTIONS)
    return path


def write_parquet(dataset: Dataset, path: Path, language: str = "nl") -> Path:
    """``data.parquet`` with typed columns and the questionnaire's labels in the metadata."""
    pa = _analysis_dependency("pyarrow", "Parquet")
    pq = _analysis_dependency("pyarrow.parquet", "Parquet")
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
    formats: dict[str, str]


def _missing_ranges(dont_know: Sequence[int]) -> list[Any]:
    """-2 and -1 (no answer, routing) and the *don't know* codes, within SPSS's limits.

    SPSS allows three discrete missing values, or one range and one value.
    """
    if len(dont_know) <= 1:
        return [{"lo": missing.NO_ANSWER, "hi": missing.ROUTING}, *dont_know]
    return [missing.NO_ANSWER, missing.ROUTING, dont_know[0]]


def spss_metadata(
    questionnaire: Questionnaire, columns: Sequence[str], language: str = "nl"
) -> SpssMetadata:
    """Labels, user-missing values, measure levels and formats for ``write_sav``."""
    all_scales = scales(questionnaire)
    meta = SpssMetadata({c: c for c in columns}, {}, {}, {}, {})
    chosen = ("niet gekozen", "gekozen") if language == "nl" else ("not chosen", "chosen")
    missing_labels = missing.LABELS.get(language, missing.LABELS["nl"])
    for q in questionnaire.answerable():
        scale = all_scales[q.name]
        label = q.label.get(language)
        if q.type is QuestionType.SELECT_MULTIPLE and q.choices:
            for col, code in _multi_columns(q):
                option = q.choices.choice(code).label.get(language)
                meta.labels[col] = f"{label}: {option}"[:250]
                meta.values[col] = {0: chosen[0], 1: chosen[1]}
                meta.measure[col] = "nominal"
                meta.formats[col] = "F1.0"
            continue
        if q.name not in columns:
            continue
        meta.labels[q.name] = label[:250]
        numeric = q.type is QuestionType.INTEGER or (q.choices is not None and _numeric_codes(q))
        if q.choices is not None:
            meta.values[q.name] = {
                (int(c.name) if numeric else c.name): c.label.get(language)
                for c in q.choices.choices
            }
            if scale.kind is Kind.GRADE:
                meta.measure[q.name] = "scale"
            else:
                meta.measure[q.name] = "ordinal" if is_ordinal(q, scale) else "nominal"
        elif q.type is QuestionType.INTEGER:
            meta.measure[q.name] = "scale"
        if numeric:
            meta.values.setdefault(q.name, {}).update(missing_labels)
            meta.missing[q.name] = _missing_ranges([int(c) for c in scale.dont_know])
            width = max([2, *(len(n) for n in (q.choices.names() if q.choices else ("12345678",)))])
            meta.formats[q.name] = f"F{width}.0"
    return meta


def write_spss(dataset: Dataset, path: Path, language: str = "nl") -> Path:
    """``data.sav``: numeric codes with value labels; routing, no answer and *don't know* user-missing."""
    pyreadstat = _analysis_dependency("pyreadstat", "SPSS")
    q = dataset.questionnaire
    multi = [x.name for x in q.answerable() if x.type is QuestionType.SELECT_MULTIPLE]
    frame = spss_codes(dataset).drop(columns=[c for c in multi if c in dataset.data])
    out = pd.DataFrame(index=frame.index)
    for c in frame.columns:
        s = frame[c]
        if pd.api.types.is_numeric_dtype(s.dtype) or c == "open_review":
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
        variable_format=meta.formats,
        file_label=f"{q.form_id} {q.version}"[:64],
    )
    return path


def excel_data(dataset: Dataset) -> pd.DataFrame:
    """The data sheet of ``data.xlsx``: numeric codes as numbers, *don't know* as its label.

    Excel's AVERAGE skips text, so a *don't know* written as ``weet niet (9)``
    stays visible without entering a mean.
    """
    q = dataset.questionnaire
    frame = with_dummies(dataset.data, q)
    all_scales = scales(q)
    for x in q.answerable():
        if x.name not in frame or x.type is QuestionType.SELECT_MULTIPLE:
            continue
        if not (x.type is QuestionType.INTEGER or (x.choices and _numeric_codes(x))):
            continue
        dk = all_scales[x.name].dont_know
        labels = {c: f"{x.choices.choice(c).label.get()} ({c})" for c in dk} if x.choices else {}
        frame[x.name] = [
            labels[v] if v in labels else (int(v) if isinstance(v, str) and v else None)
            for v in frame[x.name]
        ]
    frame["open_review"] = frame["open_review"].astype(int)
    return frame.astype(object).where(frame.notna(), None)


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
    if "xlsx" in formats:
        from analysis.xlsx import write_xlsx

        book = codebook(ds.questionnaire, language)
        files.append(write_xlsx(results, out_dir / "data.xlsx", book, excel_data(ds), language))
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


@dataclass(frozen=True)
class ExportOptions:
    """What ``papersurvey export`` needs.

    Attributes:
        formats: data formats (:data:`FORMATS`).
        out_dir: where to write; ``None`` for the project's ``out/export``.
        language: labels' language; ``None`` for the round's first language.
        previous: earlier rounds for the comparisons in ``metrics.csv`` (as the report).
        previous_label: their names.
        reference: a reference group file.
        reference_label: its name.
    """

    formats: tuple[str, ...] = FORMATS
    out_dir: Path | None = None
    language: str | None = None
    previous: tuple[Path, ...] = ()
    previous_label: tuple[str, ...] = ()
    reference: Path | None = None
    reference_label: str = ""


@dataclass(frozen=True)
class ExportOutput:
    """What :func:`export_round` wrote, for the command to say."""

    out_dir: Path
    files: tuple[Path, ...]
    respondents: int
    paper: int
    online: int
    duplicates: int
    problems: int


def export_round(project: Project, options: ExportOptions) -> ExportOutput:
    """Build the round's dataset and figures (with any comparisons) and write the exports."""
    from analysis.comparisons import load_comparisons
    from analysis.dataset import build_dataset
    from analysis.indicators import config_from
    from analysis.results import compute_results

    unknown = [f for f in options.formats if f not in FORMATS]
    if unknown:
        raise PaperSurveyError(f"unknown export format {unknown[0]!r}; use {', '.join(FORMATS)}.")
    questionnaire = project.load_questionnaire()
    dataset = build_dataset(project.store, questionnaire)
    config = config_from(project.settings.analysis, len(dataset.population) or None)
    rounds, reference = load_comparisons(
        questionnaire,
        options.previous,
        options.previous_label,
        options.reference,
        options.reference_label,
        config=config,
    )
    results = compute_results(
        dataset,
        project.settings.privacy.min_cell_size,
        rounds=rounds,
        reference=reference,
        config=config,
    )
    out = options.out_dir or project.paths.out / "export"
    language = options.language or project.settings.default_language
    files = export_all(results, out, options.formats, language)
    data = dataset.data
    return ExportOutput(
        out,
        tuple(files),
        len(data),
        int((data["mode"] == "paper").sum()),
        int((data["mode"] == "online").sum()),
        len(dataset.duplicates),
        len(dataset.problems),
    )
