"""The Excel export: the data with a codebook, and the report's figures, one sheet per chapter.

``papersurvey export --format xlsx`` writes ``data.xlsx`` (openpyxl, already
a dependency for questionnaire workbooks):

* **Gegevens** (*Data*): one row per respondent, answer codes as numbers where
  they are numbers, multiple choice also as 0/1 columns;
* **Codeboek** (*Codebook*): every column with its question text, type,
  scale, value labels and routing condition;
* **Cijfers** (*Figures*): every figure of ``metrics.csv``;
* one sheet per chapter (a top-level group of the questionnaire): per
  question and indicator the ``n``, the value, the 95% interval, the
  *indicatief* mark and the comparisons with their differences and p-values.

Headers are frozen and filtered; means have one decimal, shares are
percentages, p-values three decimals. Suppressed figures are empty cells.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analysis.indicators import Display, display_of
from analysis.results import Results, chapter_of
from survey.model import Group

FORMATS = {Display.NUMBER: "0.0", Display.PERCENT: "0%", Display.POINTS: "+0;-0;0"}
P_FORMAT = "0.000"
_HEAD_FILL = PatternFill("solid", fgColor="1B4F72")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")

_WORDS: dict[str, dict[str, Any]] = {
    "nl": {
        "data": "Gegevens",
        "codebook": "Codeboek",
        "figures": "Cijfers",
        "other": "Overige vragen",
        "columns": [
            "Vraag",
            "Vraagtekst",
            "Indicator",
            "Groep",
            "n",
            "Waarde",
            "95%-interval van",
            "95%-interval tot",
            "Indicatief",
        ],
        "side": [
            "{name}",
            "Verschil met {name}",
            "p ({name})",
            "p Holm ({name})",
            "Toets ({name})",
        ],
        "yes": "ja",
    },
    "en": {
        "data": "Data",
        "codebook": "Codebook",
        "figures": "Figures",
        "other": "Other questions",
        "columns": [
            "Question",
            "Question text",
            "Indicator",
            "Group",
            "n",
            "Value",
            "95% interval from",
            "95% interval to",
            "Indicative",
        ],
        "side": [
            "{name}",
            "Difference with {name}",
            "p ({name})",
            "p Holm ({name})",
            "Test ({name})",
        ],
        "yes": "yes",
    },
}


def _sheet_name(title: str, taken: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", title).strip()[:31] or "Blad"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if value is pd.NA:
        return None
    return value


def _write(
    ws: Worksheet,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    formats: dict[int, str] | None = None,
    row_formats: Sequence[dict[int, str]] | None = None,
) -> None:
    """A table with a frozen, filtered header; ``formats`` by column index (0-based)."""
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [min(60, max(8, len(str(h)) + 2)) for h in header]
    for r, row in enumerate(rows):
        ws.append([_cell(v) for v in row])
        fmt = {**(formats or {}), **(row_formats[r] if row_formats else {})}
        for c, number_format in fmt.items():
            ws.cell(row=r + 2, column=c + 1).number_format = number_format
        for c, v in enumerate(row):
            if isinstance(v, str):
                widths[c] = min(60, max(widths[c], len(v) + 2))
    ws.freeze_panes = "A2"
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w


def _data_sheet(ws: Worksheet, frame: pd.DataFrame) -> None:
    _write(ws, list(frame.columns), frame.itertuples(index=False, name=None))


def _figure_rows(
    results: Results, questions: Sequence[str], language: str
) -> tuple[list[list[Any]], list[dict[int, str]]]:
    rows: list[list[Any]] = []
    formats: list[dict[int, str]] = []
    q = results.dataset.questionnaire
    yes = _WORDS[language]["yes"]
    sides = [s for s in ("previous", "reference") if getattr(results, s) is not None]
    for (name, statistic, group), f in results.figures.items():
        if name not in questions:
            continue
        indicator = results.registry.get(statistic)
        display = display_of(indicator, results.config) if indicator else Display.PERCENT
        label = indicator.name(language) if indicator else statistic
        if indicator and indicator.per_code:
            code = statistic.split(":", 1)[1]
            choices = q.question(name).choices
            label = choices.choice(code).label.get(language) if choices else code
        show = not f.hidden
        row: list[Any] = [
            name,
            q.question(name).label.get(language),
            label,
            group or ("Totaal" if language == "nl" else "Total"),
            f.n if show else None,
            f.value if show else None,
            f.stat.low if show else None,
            f.stat.high if show else None,
            yes if show and f.indicative else None,
        ]
        fmt = {5: FORMATS[display], 6: FORMATS[display], 7: FORMATS[display]}
        for side in sides:
            other, test = f.side(side)
            known = show and other is not None and test is not None
            base = len(row)
            row += [
                other.value if known and other else None,
                test.difference if known and test else None,
                test.p_value if known and test else None,
                test.adjusted if known and test else None,
                test.method if known and test else None,
            ]
            fmt |= {base: FORMATS[display], base + 1: FORMATS[display]}
            fmt |= {base + 2: P_FORMAT, base + 3: P_FORMAT}
        rows.append(row)
        formats.append(fmt)
    return rows, formats


def _figure_header(results: Results, language: str) -> list[str]:
    words = _WORDS[language]
    header = list(words["columns"])
    for side in ("previous", "reference"):
        source = getattr(results, side)
        if source is not None:
            header += [h.format(name=source.label) for h in words["side"]]
    return header


def write_xlsx(
    results: Results,
    path: Path,
    codebook: pd.DataFrame,
    data: pd.DataFrame,
    language: str = "nl",
) -> Path:
    """``data.xlsx``: data, codebook, every figure, and one sheet of figures per chapter."""
    words = _WORDS.get(language, _WORDS["nl"])
    wb = Workbook()
    taken: set[str] = set()
    ws = wb.active
    assert ws is not None
    ws.title = _sheet_name(words["data"], taken)
    _data_sheet(ws, data)
    _data_sheet(wb.create_sheet(_sheet_name(words["codebook"], taken)), codebook)
    header = _figure_header(results, language)
    q = results.dataset.questionnaire
    every = [x.name for x in q.answerable()]
    rows, formats = _figure_rows(results, every, language)
    _write(wb.create_sheet(_sheet_name(words["figures"], taken)), header, rows, None, formats)
    chapters = chapter_of(q)
    titles = {g.name: g.label.get(language) for g in q.items if isinstance(g, Group)}
    for group in [*titles, ""]:
        names = [n for n in every if chapters.get(n, "") == group]
        rows, formats = _figure_rows(results, names, language)
        if not rows:
            continue
        title = titles.get(group, words["other"])
        _write(wb.create_sheet(_sheet_name(title, taken)), header, rows, None, formats)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
