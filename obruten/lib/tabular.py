"""Reading a table of rows from CSV or XLSX and checking it row by row: the shared part of
every import. Plain Python (openpyxl for XLSX), no Django."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Sequence
from datetime import date
from typing import Generic, TypeVar


def iso_date(text: str) -> date | None:
    """A YYYY-MM-DD date (a time after it is ignored), or None."""
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else None
    except ValueError:
        return None


READ_ERRORS = (ValueError, KeyError, OSError, csv.Error, zipfile.BadZipFile)
# File-level rules every import shares: F01 cannot be read, F02 a column is missing, F03 no rows.
FileError = tuple[int, str, str]
E = TypeVar("E")


def read_table(content: bytes, filename: str) -> list[dict[str, str]]:
    """Rows as dicts of stripped text keyed by the lower-cased header; raises one of
    ``READ_ERRORS`` if the file cannot be read."""
    if filename.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    text = content.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    return _as_dicts(list(csv.reader(io.StringIO(text), dialect)))


def _read_xlsx(content: bytes) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    table = [
        ["" if v is None else (v.date().isoformat() if hasattr(v, "date") else str(v)) for v in values]
        for values in workbook.worksheets[0].iter_rows(values_only=True)
    ]
    workbook.close()
    return _as_dicts(table)


def _as_dicts(table: list[list[str]]) -> list[dict[str, str]]:
    if not table:
        return []
    header = [cell.strip().lower() for cell in table[0]]
    return [
        {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
        for row in table[1:]
        if any(cell.strip() for cell in row)
    ]


def read_file(
    content: bytes, filename: str, columns: Sequence[str]
) -> tuple[list[dict[str, str]], list[FileError]]:
    """The rows, or the file-level errors (F01–F03) that stop the import before any row."""
    try:
        table = read_table(content, filename)
    except READ_ERRORS:
        return [], [(0, "", "F01")]
    if not table:
        return [], [(0, "", "F03")]
    missing = [name for name in columns if name not in table[0]]
    if missing:
        return [], [(1, name, "F02") for name in missing]
    return table, []


class RowCheck(Generic[E]):
    """Collects one row's errors. A blank required cell is reported once, with
    ``missing_rule``, and no other rule is then reported for that cell."""

    def __init__(
        self,
        number: int,
        raw: dict[str, str],
        required: Sequence[str],
        missing_rule: str,
        make_error: Callable[[int, str, str], E],
    ) -> None:
        self.number, self.make_error = number, make_error
        self.blank = {name for name in required if not raw[name]}
        self.errors: list[E] = [
            make_error(number, name, missing_rule) for name in required if name in self.blank
        ]

    def __call__(self, column: str, ok: bool, rule: str) -> bool:
        if column not in self.blank and not ok:
            self.errors.append(self.make_error(self.number, column, rule))
        return ok
