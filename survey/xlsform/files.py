"""Find the three sheets of a questionnaire: in an ``.xlsx`` workbook or a folder of CSV files.

Either way the result is the same :class:`~survey.xlsform.sheets.Sheet`
tables, so everything after this module is the same for both formats. A
missing sheet or file, or a CSV file that is not UTF-8, is a problem to
report with the rest; a workbook that cannot be opened at all is a
:class:`~survey.errors.CorruptInputError`.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from survey.csvtext import sniff_delimiter
from survey.errors import CorruptInputError, Problem
from survey.xlsform.cells import cell_text
from survey.xlsform.messages import msg
from survey.xlsform.sheets import SHEET_ORDER, Sheet

__all__ = ["read_sheets"]

_COLUMNS = {
    "survey": "type, name and label",
    "choices": "list_name, name and label",
    "settings": "form_id, version, title and default_language",
}


def read_sheets(path: Path) -> tuple[dict[str, Sheet], list[Problem]]:
    """The sheets found at ``path``, and the problems met finding them."""
    if path.is_dir():
        return _read_folder(path)
    if path.exists() and path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if not path.exists():
        message = msg("no_path", path=path)
    elif path.suffix.lower() == ".csv":
        message = msg("single_csv")
    else:
        message = msg("not_xlsx", file=path.name)
    return {}, [Problem(path.name, 0, "", *message)]


def _read_xlsx(path: Path) -> tuple[dict[str, Sheet], list[Problem]]:
    import openpyxl  # heavy; only needed for workbooks
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise CorruptInputError(
            f"Cannot open {path} as an .xlsx workbook ({exc}). "
            "Save it again as .xlsx from Excel or LibreOffice."
        ) from exc
    sheets: dict[str, Sheet] = {}
    problems: list[Problem] = []
    try:
        by_name = {ws.title.strip().lower(): ws for ws in workbook.worksheets}
        for name in SHEET_ORDER:
            ws = by_name.get(name)
            if ws is None:
                message = msg("no_sheet", sheet=name, columns=_COLUMNS[name])
                problems.append(Problem(name, 0, "", *message))
                continue
            rows = [[cell_text(v) for v in r] for r in ws.iter_rows(min_row=1, values_only=True)]
            sheets[name] = Sheet.from_cells(name, rows[0] if rows else [], rows[1:])
    finally:
        workbook.close()
    return sheets, problems


def _read_folder(folder: Path) -> tuple[dict[str, Sheet], list[Problem]]:
    files = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    sheets: dict[str, Sheet] = {}
    problems: list[Problem] = []
    for name in SHEET_ORDER:
        file = files.get(f"{name}.csv")
        if file is None:
            problems.append(
                Problem(name, 0, "", *msg("no_file", sheet=name, columns=_COLUMNS[name]))
            )
            continue
        try:
            text = file.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            problems.append(Problem(name, 0, "", *msg("not_utf8", file=file.name)))
            continue
        delimiter = sniff_delimiter(text, (",", ";"))
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        sheets[name] = Sheet.from_cells(name, rows[0] if rows else [], rows[1:])
    return sheets, problems
