"""Writing spreadsheets: text that someone typed — a district's or a placement form's name,
a reason, a school — is written as text, never as a formula or a link, and sheet names are
made valid, so no name an administrator gives can run in the reader's Excel or break the
file (issue 19, finding 6)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import IO, Any

import xlsxwriter

# xlsxwriter writes a string that starts with "=" as a formula and one that looks like a URL
# as a link unless told not to; every workbook Obruten writes is told.
TEXT_AS_TEXT = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}


A4 = 9  # xlsxwriter's paper code


class _Workbook(xlsxwriter.Workbook):
    """Every sheet printed on A4, as Swedish offices print (without a paper size LibreOffice
    and Excel print on the locale's default, often US Letter)."""

    def add_worksheet(self, name: str | None = None, worksheet_class: Any = None) -> Any:
        sheet = super().add_worksheet(name, worksheet_class)
        sheet.set_paper(A4)
        return sheet


def workbook(buffer: IO[bytes]) -> xlsxwriter.Workbook:
    return _Workbook(buffer, TEXT_AS_TEXT)


_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_RESERVED = {"history"}  # Excel keeps "History" for itself


def sheet_name(title: str, taken: Collection[str] = ()) -> str:
    """``title`` as a sheet name Excel accepts: at most 31 characters, none of []:*?/\\,
    no apostrophe first or last, not blank, and unlike every name in ``taken`` (case ignored)."""
    name = _fit(_NOT_IN_SHEET_NAMES.sub("-", title).strip().strip("'").strip(), 31) or "Blad"
    used = {other.lower() for other in taken} | _RESERVED
    candidate, number = name, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = _fit(name, 31 - len(suffix)) + suffix, number + 1
    return candidate


def _fit(name: str, units: int) -> str:
    """``name`` cut to ``units`` UTF-16 code units, as Excel counts (an emoji is two)."""
    while len(name.encode("utf-16-le")) // 2 > units:
        name = name[:-1]
    return name.rstrip("'")


# A CSV cell that starts with one of these is read as a formula by Excel and LibreOffice
# (OWASP, "CSV Injection"); text is kept as text by a leading apostrophe. A figure as the
# reports show it ("-0,5", a mean that fell) is a number to them, and stays as it is.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FIGURE = re.compile(r"[-+]?\d[\d\s]*(?:,\d+)?\s?%?")


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _FIGURE.fullmatch(value):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [_csv_cell(value) for value in values]
