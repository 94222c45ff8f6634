"""Reading a table of rows from CSV or XLSX and checking it row by row: the shared part of
every import. Plain Python (python-calamine for XLSX), no Django.

Every upload is hostile until read: its size is checked before it is read, its rows are
counted while they stream, and an XLSX file's zip members are measured before anything
is unpacked (docs/import-format.md, "Limits")."""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Generic, TypeVar

import python_calamine


def iso_date(text: str) -> date | None:
    """A YYYY-MM-DD date (a time after it is ignored), or None."""
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else None
    except ValueError:
        return None


# File-level rules every import shares: F01 cannot be read, F02 a column is missing, F03 no
# rows, F06 too large, F07 too many rows, F08 an XLSX file that unpacks too large.
FileError = tuple[int, str, str]
E = TypeVar("E")
MB = 1_000_000


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * MB
    max_rows: int = 50_000  # data rows, the header not counted
    max_unpacked_bytes: int = 100 * MB  # all members of an XLSX file together
    max_ratio: int = 100  # unpacked / packed size of any large XLSX member
    max_columns: int = 52  # A–AZ: an XLSX sheet is read into a dense grid
    # Text of all cells together once decoded, shared strings counted at every cell that
    # points to them: what the reader copies, whatever the file's size (F08).
    max_cell_text: int = 20_000_000
    max_one_cell: int = 32_767  # Excel's own limit on one cell's characters


class Unreadable(Exception):
    """F01: not CSV or XLSX, or broken."""


class LimitExceeded(Exception):
    def __init__(self, rule: str) -> None:
        super().__init__(rule)
        self.rule = rule


# What the readers raise on broken input (calamine's errors derive from CalamineError).
READ_ERRORS = (
    ValueError,  # includes UnicodeDecodeError
    KeyError,
    OSError,
    EOFError,
    csv.Error,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,  # zipfile: an unsupported compression method
    python_calamine.CalamineError,
    Unreadable,
)


def read_file(
    source: bytes | IO[bytes], filename: str, columns: Sequence[str], limits: Limits | None = None
) -> tuple[list[dict[str, str]], list[FileError]]:
    """The rows, or the file-level errors (F01–F03, F06–F08) that stop the import before
    any row."""
    limits = limits or Limits()
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        table = read_table(stream, filename, limits)
    except LimitExceeded as exceeded:
        return [], [(0, "", exceeded.rule)]
    except READ_ERRORS:
        return [], [(0, "", "F01")]
    if not table:
        return [], [(0, "", "F03")]
    missing = [name for name in columns if name not in table[0]]
    if missing:
        return [], [(1, name, "F02") for name in missing]
    return table, []


def read_table(stream: IO[bytes], filename: str, limits: Limits) -> list[dict[str, str]]:
    """Rows as dicts of stripped text keyed by the lower-cased header; raises
    ``LimitExceeded`` or one of ``READ_ERRORS``."""
    if _size(stream) > limits.max_bytes:
        raise LimitExceeded("F06")
    rows = _xlsx_rows(stream, limits) if filename.lower().endswith(".xlsx") else _csv_rows(stream)
    return _as_dicts(rows, limits.max_rows)


def _size(stream: IO[bytes]) -> int:
    size = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    return size


def _csv_rows(stream: IO[bytes]) -> Iterator[list[str]]:
    text = io.StringIO(_decode(stream.read()), newline="")  # the size is checked before
    first = text.readline()
    if not first:
        return  # an empty file: F03
    dialect = csv.Sniffer().sniff(first, delimiters=",;\t")
    yield from csv.reader(_without_nul(first, text), dialect)


def _decode(data: bytes) -> str:
    """UTF-8, with or without a byte order mark; else Windows-1252, which Swedish Excel
    writes for "CSV (semikolonavgränsad)". Bytes that are neither raise (F01)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _without_nul(first: str, rest: Iterable[str]) -> Iterator[str]:
    for line in itertools.chain((first,), rest):
        if "\0" in line:  # binary junk; Python 3.13's csv would read it silently
            raise Unreadable("NUL byte")
        yield line


def _xlsx_rows(stream: IO[bytes], limits: Limits) -> Iterator[list[str]]:
    _check_zip(stream, limits)
    stream.seek(0)
    workbook = python_calamine.CalamineWorkbook.from_filelike(stream)
    try:
        sheet = workbook.get_sheet_by_index(0)
        for values in sheet.iter_rows():
            yield [_cell_text(value) for value in values]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # calamine reads every number as a float
    return str(value)


def _as_dicts(rows: Iterator[list[str]], max_rows: int) -> list[dict[str, str]]:
    header = [cell.strip().lower() for cell in next(rows, [])]
    table: list[dict[str, str]] = []
    for row in rows:
        if any(cell.strip() for cell in row):
            if len(table) == max_rows:
                raise LimitExceeded("F07")
            table.append({name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)})
    return table


# calamine reads a sheet into a dense grid as tall as its last row and as wide as its
# widest row: a few bytes of XML naming cell XFD1048576 ask for half a terabyte and abort
# the process. So the sheets' rows and cells are counted before calamine sees the file.
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br=\"(\d+)\"")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_WIDE_CELL = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]{2,})\d")
CHUNK = 1 << 20


SHARED_STRINGS = "xl/sharedstrings.xml"  # where calamine reads them, whatever the rels say


def _check_zip(stream: IO[bytes], limits: Limits) -> None:
    """Refuse a zip whose members would unpack too large (by the central directory), then
    unpack each member as a stream, which also proves the directory told the truth; the
    shared strings first, so the decoded text of every other part (a sheet may lie at any
    path the workbook's rels name) is counted before calamine copies a shared string into
    every cell that points to it. Two members whose names differ only in case are refused:
    a reader might take either."""
    with zipfile.ZipFile(stream) as archive:
        members = archive.infolist()
        if sum(member.file_size for member in members) > limits.max_unpacked_bytes:
            raise LimitExceeded("F08")
        if any(
            member.file_size > MB and member.file_size > limits.max_ratio * member.compress_size
            for member in members
        ):
            raise LimitExceeded("F08")
        names = [member.filename.lower() for member in members]
        if len(set(names)) != len(names):
            raise LimitExceeded("F08")
        shared: list[int] = []
        for member in sorted(members, key=lambda m: m.filename.lower() != SHARED_STRINGS):
            with archive.open(member) as probe:
                head = probe.read(64)
            with archive.open(member) as unpacked:
                if member.filename.lower() == SHARED_STRINGS:
                    shared = _shared_string_lengths(_plain_xml(_chunks(unpacked, b"si")), limits)
                elif _XML_START.match(head):
                    _check_sheet(_plain_xml(_chunks(unpacked, b"c")), limits, shared)
                else:  # an image or other binary part: no reader takes it for a sheet
                    for _chunk in _chunks(unpacked):
                        pass


# XML that no spreadsheet program writes and that would hide text from the counting below:
# comments and processing instructions inside a text, CDATA sections, and entity definitions.
_EXOTIC_XML = re.compile(rb"<!--|<!\[CDATA\[|<!DOCTYPE|<!ENTITY|<\?")
_XML_START = re.compile(rb"(?:\xef\xbb\xbf)?\s*<")
_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?\s*<\?xml\s[^<>]*\?>")


def _plain_xml(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks of a part that holds only its XML declaration, at the start, then
    elements, text and entities (F08 otherwise)."""
    for index, chunk in enumerate(chunks):
        declared = _DECLARATION.match(chunk) if index == 0 else None
        if _EXOTIC_XML.search(chunk, declared.end() if declared else 0):
            raise LimitExceeded("F08")
        yield chunk


def _chunks(unpacked: IO[bytes], element: bytes = b"") -> Iterator[bytes]:
    """The member's bytes in pieces that each end just after a tag, so no tag is split, and
    where ``element`` is named, just after one of its closing tags, so none of them is split
    either (a piece without one grows to ``8 * CHUNK``, then ends after a tag)."""
    rest = b""
    while chunk := unpacked.read(CHUNK):
        rest += chunk
        cut = _after_last_close(rest, element) if element else 0
        if not cut and (not element or len(rest) > 8 * CHUNK):
            cut = rest.rfind(b">") + 1
        if cut or len(rest) > 8 * CHUNK:
            cut = cut or len(rest)
            yield rest[:cut]
            rest = rest[cut:]
    yield rest


def _after_last_close(data: bytes, element: bytes) -> int:
    """Where the last ``</element>`` (or ``</prefix:element>``) in ``data`` ends, or 0."""
    tail, end = element + b">", len(data)
    while (found := data.rfind(tail, 0, end)) > 0:
        if data[found - 1 : found] in (b"/", b":"):
            return found + len(tail)
        end = found
    return 0


# A shared string's text is in its <t> elements (runs of rich text each have one).
_SI = re.compile(rb"<(?:\w+:)?si\b.*?</(?:\w+:)?si>|<(?:\w+:)?si\b[^>]*/>", re.S)
_T_TEXT = re.compile(rb"<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)</(?:\w+:)?t>")
_ENTITY = re.compile(rb"&(?:#\d+|#x[0-9a-fA-F]+|\w+);")


def _shared_string_lengths(chunks: Iterator[bytes], limits: Limits) -> list[int]:
    """The decoded length of every shared string, in order; one over ``max_one_cell`` is F08."""
    lengths: list[int] = []
    for chunk in chunks:
        for item in _SI.finditer(chunk):
            length = sum(_decoded_length(text) for text in _T_TEXT.findall(item.group()))
            if length > limits.max_one_cell:
                raise LimitExceeded("F08")
            lengths.append(length)
    return lengths


def _decoded_length(text: bytes) -> int:
    """Characters of XML text once its entities (each one character) are decoded."""
    text = _ENTITY.sub(b"&", text)
    return len(text.decode("utf-8", errors="replace"))


# A cell that points to a shared string: <c ... t="s" ...><v>index</v></c>.
_SHARED_CELL = re.compile(
    rb"<(?:\w+:)?c\s[^>]*?\bt\s*=\s*[\"']s[\"'][^>]*>(?:(?!</(?:\w+:)?c>).)*?<(?:\w+:)?v(?:\s[^>]*)?>\s*(\d+)",
    re.S,
)
_TAG = re.compile(rb"<[^>]*>")


def _check_sheet(chunks: Iterator[bytes], limits: Limits, shared: Sequence[int] = ()) -> None:
    rows, cells_in_row, max_rows = 0, 0, limits.max_rows + 1  # the header is a row too
    text = 0  # an upper bound of the decoded text: the sheet's own, plus each shared string used
    # Only a text of more bytes than a cell may hold characters can hold too many.
    long_text = re.compile(rb">([^<]{%d,})<" % (limits.max_one_cell + 1))
    for chunk in chunks:
        pieces = _ROW_TAG.split(chunk)
        for i, piece in enumerate(pieces):
            if i:  # a new row begins
                rows, cells_in_row = rows + 1, 0
            cells_in_row += len(_CELL_TAG.findall(piece))
            if cells_in_row > limits.max_columns:
                raise LimitExceeded("F08")
        if rows > max_rows or any(int(n) > max_rows for n in _ROW_NUMBER.findall(chunk)):
            raise LimitExceeded("F07")
        if any(_column_number(letters) > limits.max_columns for letters in _WIDE_CELL.findall(chunk)):
            raise LimitExceeded("F08")
        text += len(_TAG.sub(b"", chunk))
        if any(_decoded_length(long) > limits.max_one_cell for long in long_text.findall(chunk)):
            raise LimitExceeded("F08")
        for index in _SHARED_CELL.findall(chunk):
            position = int(index)
            text += shared[position] if position < len(shared) else 0
        if text > limits.max_cell_text:
            raise LimitExceeded("F08")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


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
