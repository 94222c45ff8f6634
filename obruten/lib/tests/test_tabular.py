"""Reading an upload: every broken or hostile file is a file-level rule, never an exception."""

from __future__ import annotations

import io
import zipfile

import pytest

from obruten.lib.tabular import Limits, read_file
from obruten.lib.tests.hostile import (
    big_csv,
    cells,
    shared_cells,
    shared_string_bomb,
    sheet,
    truncated_xlsx,
    xlsx,
    zip_bomb,
)

COLUMNS = ["personal_number", "sex", "start_date"]
HEADER = ",".join(COLUMNS)


def _zip_of(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _rules(content: bytes, filename: str, limits: Limits | None = None) -> list[str]:
    return [rule for _row, _column, rule in read_file(content, filename, COLUMNS, limits)[1]]


def test_it_reads_csv_and_xlsx_alike() -> None:
    csv_table, _ = read_file(f"{HEADER}\n200607092384,F,2025-01-10\n".encode(), "a.csv", COLUMNS)
    xlsx_table, _ = read_file(
        xlsx(sheet(cells(COLUMNS, ["200607092384", "F", "2025-01-10"]))), "a.xlsx", COLUMNS
    )
    assert (
        csv_table
        == xlsx_table
        == [{"personal_number": "200607092384", "sex": "F", "start_date": "2025-01-10"}]
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_in_utf8_with_or_without_bom_or_windows_1252_is_read(encoding: str) -> None:
    table, errors = read_file(f"{HEADER}\nÅsa Ödmark,F,2025-01-10\n".encode(encoding), "a.csv", COLUMNS)
    assert errors == [] and table[0][COLUMNS[0]] == "Åsa Ödmark"


def test_an_open_file_is_read_as_a_stream() -> None:
    table, errors = read_file(io.BytesIO(f"{HEADER}\n1,F,2025-01-10\n".encode()), "a.csv", COLUMNS)
    assert (len(table), errors) == (1, [])


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        pytest.param(truncated_xlsx(COLUMNS), "a.xlsx", id="truncated XML"),
        pytest.param(f"{HEADER}\n1,F,2025-01-10\n".encode(), "a.xlsx", id="not a zip"),
        pytest.param(xlsx(sheet(cells(COLUMNS)))[:-30], "a.xlsx", id="truncated zip"),
        pytest.param(f"{HEADER}\nÅsa,F\n".encode() + b"\x81", "a.csv", id="neither UTF-8 nor cp1252"),
        pytest.param(bytes(range(256)) * 40, "a.csv", id="binary junk as CSV"),
        pytest.param(bytes(range(256)) * 40, "a.xlsx", id="binary junk as XLSX"),
        pytest.param(f"{HEADER}\n1,F\0,2025-01-10\n".encode(), "a.csv", id="NUL byte"),
        pytest.param(b"\xef\xbb\xbf" + b"a b c\n" * 3, "a.csv", id="no delimiter"),
        pytest.param(_zip_of({"readme.txt": "hej"}), "a.xlsx", id="a zip that is no workbook"),
    ],
)
def test_a_file_that_cannot_be_read_is_f01(content: bytes, filename: str) -> None:
    assert _rules(content, filename) == ["F01"]


@pytest.mark.parametrize(
    ("content", "filename"),
    [(b"", "a.csv"), (f"{HEADER}\n".encode(), "a.csv"), (xlsx(sheet("")), "a.xlsx")],
    ids=["empty CSV", "header only", "empty sheet"],
)
def test_a_file_without_rows_is_f03(content: bytes, filename: str) -> None:
    assert _rules(content, filename) == ["F03"]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read() -> None:
    assert _rules(big_csv(COLUMNS, 1_000_001), "a.csv", Limits(max_bytes=1_000_000)) == ["F06"]


@pytest.mark.parametrize("filename", ["a.csv", "a.xlsx"])
def test_one_row_over_the_row_limit_is_refused(filename: str) -> None:
    def file(rows: int) -> bytes:
        data = [["200607092384", "F", "2025-01-10"]] * rows
        if filename == "a.csv":
            return "\n".join([HEADER, *(",".join(row) for row in data)]).encode()
        return xlsx(sheet(cells(COLUMNS, *data)))

    assert _rules(file(10), filename, Limits(max_rows=10)) == []
    assert _rules(file(11), filename, Limits(max_rows=10)) == ["F07"]


def test_a_zip_bomb_is_refused_by_its_directory_before_unpacking() -> None:
    assert _rules(zip_bomb(COLUMNS), "a.xlsx") == ["F08"]


def test_a_zip_bomb_within_the_size_limits_is_refused_by_its_ratio() -> None:
    assert _rules(zip_bomb(COLUMNS), "a.xlsx", Limits(max_unpacked_bytes=10**12)) == ["F08"]


def test_without_the_size_limits_the_rows_are_counted_before_calamine_reads_them() -> None:
    limits = Limits(max_unpacked_bytes=10**12, max_ratio=10**6)
    assert _rules(zip_bomb(COLUMNS), "a.xlsx", limits) == ["F07"]


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        # calamine would allocate a dense grid of 2^20 x 2^14 cells and abort the process.
        (
            '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
            "F07",
        ),
        ('<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>1</v></c></row>', "F08"),
        ("<row>" + "<c/>" * 1000 + "</row>", "F08"),
    ],
    ids=["last row", "last column", "a thousand unnamed cells"],
)
def test_a_sheet_that_would_become_a_huge_grid_is_refused(body: str, rule: str) -> None:
    assert _rules(xlsx(sheet(body)), "a.xlsx") == [rule]


def test_a_shared_string_copied_into_every_cell_is_refused_before_it_is_copied() -> None:
    # 4 KB that would become 1.5 GB of text: each cell points to one string of 0.99 MB.
    content = shared_string_bomb(COLUMNS)
    assert len(content) < 10_000
    assert _rules(content, "a.xlsx") == ["F08"]


def test_shared_strings_count_at_every_cell_that_uses_them() -> None:
    values = ["200607092384", "F", "2025-01-10"]
    content = xlsx(sheet(cells(COLUMNS) + shared_cells(*[[0, 1, 2]] * 100)), shared=values)
    text = len("".join(COLUMNS)) + 100 * len("".join(values))
    indexes = 300  # the bound counts the sheet's own text too, the indexes' digits
    table, errors = read_file(content, "a.xlsx", COLUMNS, Limits(max_cell_text=text + indexes))
    assert errors == [] and table[99] == dict(zip(COLUMNS, values, strict=True))
    assert _rules(content, "a.xlsx", Limits(max_cell_text=text - 50)) == ["F08"]


@pytest.mark.parametrize("shared", [True, False], ids=["shared string", "inline string"])
def test_one_cell_longer_than_excel_allows_is_refused(shared: bool) -> None:
    def file(text: str) -> bytes:
        if shared:
            return xlsx(sheet(cells(COLUMNS) + shared_cells([0, 1, 1])), shared=[text, "F"])
        return xlsx(sheet(cells(COLUMNS, [text, "F", "F"])))

    assert _rules(file("å" * 32_767), "a.xlsx") == []
    assert _rules(file("&amp;" * 32_767), "a.xlsx") == []  # an entity is one character
    assert _rules(file("x" * 32_768), "a.xlsx") == ["F08"]


def _with_parts(parts: dict[str, str]) -> bytes:
    """A workbook from hostile.py's parts, some of them replaced or added."""
    from obruten.lib.tests.hostile import _PARTS

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in {**_PARTS, **parts}.items():
            archive.writestr(name, text)
    return buffer.getvalue()


SST = '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{}</sst>'
HUGE = "A" * 16_000
REFERENCES = shared_cells(*[[0] * 3] * 100)


@pytest.mark.parametrize(
    "parts",
    [
        # Text split by a comment, a processing instruction or a CDATA section was not counted.
        {"xl/sharedStrings.xml": SST.format(f"<si><t>{HUGE}<!---->{HUGE}</t></si>")},
        {"xl/sharedStrings.xml": SST.format(f"<si><t>{HUGE}<?x y?>{HUGE}</t></si>")},
        {"xl/sharedStrings.xml": SST.format(f"<si><t><![CDATA[{HUGE * 2}]]></t></si>")},
        {
            "xl/worksheets/sheet1.xml": sheet(
                f'<row><c t="inlineStr"><is><t><![CDATA[{HUGE}]]></t></is></c></row>'
            )
        },
        # A second shared-string table whose name differs only in case.
        {
            "xl/SharedStrings.xml": SST.format("<si><t>a</t></si>"),
            "xl/sharedStrings.xml": SST.format("<si><t>b</t></si>"),
        },
    ],
    ids=["comment", "processing instruction", "CDATA", "CDATA inline", "two tables"],
)
def test_xml_that_would_hide_text_from_the_count_is_refused(parts: dict[str, str]) -> None:
    content = _with_parts({"xl/worksheets/sheet1.xml": sheet(cells(COLUMNS) + REFERENCES), **parts})
    assert _rules(content, "a.xlsx") == ["F08"]


def test_a_sheet_outside_worksheets_is_counted_too() -> None:
    """The workbook's rels may put a sheet at any path; every part is checked as a sheet."""
    package, office = "http://schemas.openxmlformats.org/package/2006", "http://schemas.openxmlformats.org"
    rels = (
        f'<?xml version="1.0"?><Relationships xmlns="{package}/relationships">'
        f'<Relationship Id="rId1" Type="{office}/officeDocument/2006/relationships/worksheet" '
        'Target="../other/sheet1.xml"/></Relationships>'
    )
    body = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    content = _with_parts({"xl/_rels/workbook.xml.rels": rels, "other/sheet1.xml": sheet(body)})
    assert _rules(content, "a.xlsx") == ["F07"]


def test_an_embedded_image_is_no_sheet() -> None:
    """Binary parts (a logo, a thumbnail) hold '<?' and '<!--' by chance: not counted as XML."""
    image = bytes([0x89]) + b"PNG" + (b'<?<!--<c r="XFD1">' + bytes(range(256))) * 400
    buffer = io.BytesIO(xlsx(sheet(cells(COLUMNS, ["200607092384", "F", "2025-01-10"]))))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/media/image1.png", image)
    table, errors = read_file(buffer.getvalue(), "a.xlsx", COLUMNS)
    assert errors == [] and len(table) == 1
