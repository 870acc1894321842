"""Figures to compare with: the previous round and a reference group.

Two kinds of file are accepted for ``--previous`` and ``--reference``:

* **a dataset**: the ``data.csv`` or ``data.parquet`` that ``papersurvey
  export`` wrote for that round (one row per respondent, question codes as
  columns). Its figures are computed with the same functions as this
  round's (:mod:`analysis.metrics`), so the comparison is like for like.
* **a table of figures** (CSV, ``;`` or ``,``), for a reference group that is
  only known as aggregates, one row per figure::

      question;statistic;value;n;sd
      q01_grade_overall;mean;7,3;6316;1,6
      q19_intake_rights;agree;81%;2450;
      q37_trajectory;share:1;0,15;6316;

  ``statistic`` is the key of an indicator (:mod:`analysis.indicators`):
  ``mean`` (a grade mean), ``agree`` (% (helemaal) mee eens), ``fail`` (%
  onvoldoende), ``nps``, ``ces``, or ``share:CODE`` / ``top:CODE`` (the share
  of one answer code; either name is found for both). Shares may be written
  as 0.81, 0,81 or 81%; an NPS as points (-100 to 100). ``n`` and ``sd`` are
  optional; without them the comparison tests against a fixed value.

A question of the file that is not in the questionnaire is ignored (and
logged); questions renamed between rounds therefore do not compare.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from analysis import metrics
from analysis.indicators import DEFAULT, Config, Display, Registry, display_of
from analysis.scales import scales
from survey.errors import CorruptInputError, PaperSurveyError, Problem, ValidationError
from survey.model import Questionnaire

log = logging.getLogger("papersurvey.analysis.comparisons")

Key = tuple[str, str]
"""(question, statistic): ``mean``, ``agree``, ``fail`` or ``share:CODE``."""


@dataclass(frozen=True)
class Source:
    """Every figure of one comparison source.

    Attributes:
        label: how the report names the source ("Vorige meting", "Referentiegroep").
        figures: (question, statistic) -> figure.
        respondents: the number of respondents of the source, when known.
    """

    label: str
    figures: Mapping[Key, metrics.OtherFigure]
    respondents: int | None = None

    def get(self, question: str, statistic: str) -> metrics.OtherFigure | None:
        """The source's figure; a top list's ``top:CODE`` is also found as ``share:CODE``."""
        found = self.figures.get((question, statistic))
        if found is None and ":" in statistic:
            code = statistic.split(":", 1)[1]
            for prefix in ("share", "top"):
                found = found or self.figures.get((question, f"{prefix}:{code}"))
        return found


def dataset_figures(
    data: pd.DataFrame,
    questionnaire: Questionnaire,
    registry: Registry = DEFAULT,
    config: Config | None = None,
) -> dict[Key, metrics.OtherFigure]:
    """Every figure of a dataset (one row per respondent, codes as columns), per the registry."""
    config = replace(config or Config(), population=None)
    out: dict[Key, metrics.OtherFigure] = {}
    for name, scale in scales(questionnaire).items():
        if name not in data.columns:
            continue
        question = questionnaire.question(name)
        values = data[name].map(_code)
        for indicator in registry.for_question(question, scale, config):
            for statistic, stat in indicator.figures(question, values, scale, config):
                out[(name, statistic)] = metrics.other_figure_of(stat)
    return out


def _code(value: object) -> str | None:
    """A cell of a read-back dataset as a code: 7.0 -> "7", NaN -> None."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].lstrip("-").isdigit():
        text = text[:-2]
    return text or None


def _number(text: str) -> float | None:
    t = text.strip().replace("\u2009", "").replace(" ", "")
    if not t:
        return None
    percent = t.endswith("%")
    t = t.rstrip("%").replace(",", ".")
    try:
        value = float(t)
    except ValueError:
        return None
    return value / 100.0 if percent else value


def _read_table(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return [
        {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        for row in csv.DictReader(io.StringIO(text), delimiter=delimiter)
    ]


def _aggregate(
    path: Path,
    rows: list[dict[str, str]],
    questionnaire: Questionnaire,
    registry: Registry,
    config: Config,
) -> dict[Key, metrics.OtherFigure]:
    names = {q.name for q in questionnaire.answerable()}
    problems: list[Problem] = []
    out: dict[Key, metrics.OtherFigure] = {}
    for i, row in enumerate(rows, start=2):
        q, stat = row.get("question", ""), row.get("statistic", "")
        if q not in names:
            log.info("%s row %d: %s is not in the questionnaire; ignored", path.name, i, q)
            continue
        value = _number(row.get("value", ""))
        if value is None:
            problems.append(
                Problem(
                    path.name,
                    i,
                    "value",
                    f"{row.get('value')!r} is not a number.",
                    "Write a number such as 7,3 or 81%.",
                )
            )
            continue
        indicator = registry.get(stat)
        if indicator is None or (":" in stat) != indicator.per_code:
            known = ", ".join(f"{x.key}:CODE" if x.per_code else x.key for x in registry.indicators)
            problems.append(
                Problem(
                    path.name,
                    i,
                    "statistic",
                    f"unknown statistic {stat!r}.",
                    f"Use one of {known}.",
                )
            )
            continue
        display = display_of(indicator, config)
        if display is Display.PERCENT:
            value = value / 100.0 if value > 1.0 else value
        elif display is Display.POINTS and not row.get("value", "").strip().endswith("%"):
            value = value / 100.0
        n = _number(row.get("n", ""))
        sd = _number(row.get("sd", ""))
        out[(q, stat)] = metrics.OtherFigure(value, int(n) if n else None, sd)
    if problems:
        raise ValidationError(
            f"{path.name} has {len(problems)} problems; fix them and run again.", problems
        )
    return out


def read_dataset_file(path: Path) -> pd.DataFrame:
    """A dataset export read back (CSV with ``;`` or ``,``, or Parquet), codes as text."""
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
        first = text.split("\n", 1)[0]
        sep = ";" if first.count(";") >= first.count(",") else ","
        return pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_values=[""]
        )
    except (OSError, ValueError) as exc:
        raise CorruptInputError(f"{path} cannot be read as a dataset ({exc}).") from exc


def load_source(
    path: Path,
    questionnaire: Questionnaire,
    label: str,
    registry: Registry = DEFAULT,
    config: Config | None = None,
) -> Source:
    """Read a previous round's dataset or a reference table (see the module docstring).

    Raises:
        CorruptInputError: the file cannot be read.
        ValidationError: a table of figures has bad rows (all are listed).
    """
    path = Path(path)
    config = config or Config()
    if not path.is_file():
        raise CorruptInputError(f"{path} not found. Give the path of the comparison file.")
    if path.suffix.lower() != ".parquet":
        rows = _read_table(path)
        if rows and {"question", "statistic", "value"} <= set(rows[0]):
            return Source(label, _aggregate(path, rows, questionnaire, registry, config), None)
    data = read_dataset_file(path)
    figures = dataset_figures(data, questionnaire, registry, config)
    if not figures:
        raise CorruptInputError(
            f"{path.name} holds no question of this questionnaire: it is neither a papersurvey "
            "export nor a table with the columns question, statistic, value."
        )
    return Source(label, figures, len(data))


def round_files(path: Path) -> list[Path]:
    """The exports of earlier rounds in ``path``: the file itself, or every
    ``data.parquet`` / ``data.csv`` below a folder (one per round folder, Parquet
    preferred), in name order."""
    path = Path(path)
    if not path.is_dir():
        return [path]
    found: dict[Path, Path] = {}
    for name in ("data.csv", "data.parquet"):  # Parquet wins: typed columns
        for f in sorted(path.rglob(name)):
            found[f.parent] = f
    if not found:
        raise CorruptInputError(
            f"{path} holds no data.csv or data.parquet: give the folder of earlier "
            "rounds' exports, or the files themselves."
        )
    return [found[k] for k in sorted(found)]


def round_label(path: Path) -> str:
    """A round's name from its file: the folder of a ``data.*`` export, else the file name."""
    path = Path(path)
    if path.stem in ("data", "metrics") and path.parent.name:
        parent = path.parent
        return parent.parent.name if parent.name in ("export", "out") else parent.name
    return path.stem


def load_rounds(
    paths: Sequence[Path],
    questionnaire: Questionnaire,
    labels: Sequence[str] = (),
    registry: Registry = DEFAULT,
    config: Config | None = None,
) -> list[Source]:
    """Earlier rounds, oldest first: files or folders of exports (see :func:`round_files`).

    ``labels`` name the rounds in order; a round without one is named after
    its folder or file (:func:`round_label`).
    """
    files = [f for p in paths for f in round_files(p)]
    if len(labels) > len(files):
        raise PaperSurveyError(
            f"{len(labels)} labels for {len(files)} earlier rounds: give one --previous-label "
            "per round, in the same order as --previous."
        )
    names = [*labels, *(round_label(f) for f in files[len(labels) :])]
    return [
        load_source(f, questionnaire, name, registry, config)
        for f, name in zip(files, names, strict=True)
    ]


def load_comparisons(
    questionnaire: Questionnaire,
    previous: Sequence[Path] = (),
    previous_labels: Sequence[str] = (),
    reference: Path | None = None,
    reference_label: str = "",
    *,
    registry: Registry = DEFAULT,
    config: Config | None = None,
    names: tuple[str, str] = ("Vorige meting", "Referentiegroep"),
) -> tuple[list[Source], Source | None]:
    """The earlier rounds (oldest first) and the reference group, for the report and the export.

    A single earlier round without a label is named ``names[0]``; the
    reference group without a label ``names[1]``.

    Raises:
        PaperSurveyError: a file cannot be read, or more labels than rounds.
    """
    rounds = load_rounds(previous, questionnaire, previous_labels, registry, config)
    if len(rounds) == 1 and not previous_labels:
        rounds = [replace(rounds[0], label=names[0])]
    ref = (
        load_source(reference, questionnaire, reference_label or names[1], registry, config)
        if reference
        else None
    )
    return rounds, ref
