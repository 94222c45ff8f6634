"""The tertial and annual pack: every sheet and page ready to paste into the city's report,
every figure the protected report's, last year's beside it, one audited export."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import make_user
from obruten.accounts.models import Role, User
from obruten.audit.models import AuditEvent
from obruten.followup import demo as followup_demo
from obruten.register import demo
from obruten.statistics import renderers
from obruten.statistics.definitions import REPORTS, Params
from obruten.statistics.pack import (
    NO_DATA,
    NOT_APPLICABLE,
    SECTIONS,
    THROUGH,
    build_sheet,
    export_pack,
    holds_records,
)
from obruten.statistics.protection import ProtectedReport, run_report
from obruten.statistics.tests.test_counting_rules import child, place

TODAY = date(2026, 11, 22)
YEAR, THROUGH_T2 = 2025, "T2"
PACK_QUERY = {"year": str(YEAR), "through": THROUGH_T2}


@pytest.fixture
def demo_data(db: None) -> None:
    demo.generate(seed=5, scale="small", today=TODAY)
    followup_demo.generate(seed=5, today=TODAY)


def _published(report: ProtectedReport, label: str, read: object) -> object:
    rows = list(report.table.row_labels)
    if not holds_records(report.params):
        return NO_DATA
    if label not in rows:
        return NOT_APPLICABLE
    value = read(report, rows.index(label))  # type: ignore[operator]
    return report.table.rules.symbol if value is None else value


def _exports() -> int:
    return AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count()


def test_the_pack_as_workbook_and_from_the_page_as_pdf(demo_data: None, tmp_path: Path) -> None:
    """One test, so the demo data and the years' protected cubes are made once. The
    personas are conftest's analyst and Farsta case worker, made on the demo's districts."""
    content = _every_sheet_is_ready_to_paste_and_shows_only_protected_figures()
    _libreoffice_opens_every_sheet_with_the_same_figures(content, tmp_path)
    analyst = make_user("analyst", Role.ANALYST, [])
    case_worker = make_user("cw_farsta", Role.CASE_WORKER, ["farsta"])
    _the_page_button_gives_the_pdf_to_the_analyst_and_no_one_without_reports(analyst, case_worker)


def _every_sheet_is_ready_to_paste_and_shows_only_protected_figures() -> bytes:
    before = _exports()
    content = export_pack(YEAR, THROUGH_T2, "xlsx", actor=None, via="test")
    assert _exports() == before + 1  # one audited export, not one per report
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == [section.sheet for section in SECTIONS]
    source = f"Källa: Obruten, utdrag {timezone.localdate():%Y-%m-%d}"
    hidden_seen = 0
    for section, sheet in zip(SECTIONS, workbook.worksheets, strict=True):
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)  # as Swedish offices print
        cells = [[c.value for c in row] for row in sheet.iter_rows()]
        texts = [str(v) for row in cells for v in row if v is not None]
        whole = section.by_school_year or section.by_year
        now_params = {"year": YEAR, "period": "" if whole else THROUGH[THROUGH_T2]}
        reports = {
            (year, sex): run_report(
                section.report,
                _params(now_params, year=year, sex=sex),
                actor=None,
                via="test",
            )
            for year in (YEAR, YEAR - 1)
            for sex in section.sexes
        }
        main = reports[(YEAR, "")]
        assert cells[0][0] == main.definition.title
        assert str(cells[1][0]).startswith("Period: ") and str(YEAR - 1) in str(cells[1][0])
        assert any(t.startswith("Räkneregel: " + main.definition.counting_rule) for t in texts)
        assert main.note in texts
        assert source in texts
        # The comparison: for each figure this year, last year and the change.
        header = cells[3]
        assert any(f"{YEAR - 1}" in str(h) for h in header) and any("förändring" in str(h) for h in header)
        for r, label in enumerate(main.table.row_labels):
            row = cells[4 + r]
            assert row[0] == label
            column = 1
            for sex in section.sexes:
                for figure in section.figures:
                    now = _published(reports[(YEAR, sex)], label, figure.read)
                    then = _published(reports[(YEAR - 1, sex)], label, figure.read)
                    assert (row[column], row[column + 1]) == (now, then), (section.sheet, label, figure.label)
                    if isinstance(now, int | float) and isinstance(then, int | float):
                        assert row[column + 2] == pytest.approx(now - then, abs=0.051)
                    hidden_seen += [now, then].count(main.table.rules.symbol)
                    column += 3
        # The whole table of the period, cell for cell the protected report's.
        heading = f"Hela tabellen, {main.params.label()}"
        table_top = next(r for r, row in enumerate(cells) if row[0] == heading)
        header_row = renderers.header(main)
        assert [_shown(v) for v in cells[table_top + 1][: len(header_row)]] == header_row
        for offset, expected in enumerate(renderers.body(main), start=2):
            assert [_number(v) for v in cells[table_top + offset][: len(expected)]] == [
                _number(v) for v in expected
            ]
    assert hidden_seen > 0  # the demo data hides some compared figures: they stay hidden
    charts = _charts(content)
    assert len(charts) == len(SECTIONS)  # a chart on every sheet
    results_chart = charts[[s.report for s in SECTIONS].index("results")]
    assert "<c:lineChart>" in results_chart and "Mål 75 %" in _sheet_strings(content)
    return content


def _libreoffice_opens_every_sheet_with_the_same_figures(content: bytes, tmp_path: Path) -> None:
    """The city official's spreadsheet program: LibreOffice Calc (Debian's, installed for the
    tests by scripts/ensure-test-deps.py) opens the workbook and writes each sheet as it
    shows it; every sheet is there with the figures this year and last year as written."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is missing: python3 scripts/ensure-test-deps.py installs it"
    workbook = tmp_path / "pack.xlsx"
    workbook.write_bytes(content)
    every_sheet_as_csv = "csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run(  # noqa: S603 - Debian's LibreOffice on our own file
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--convert-to",
            every_sheet_as_csv,
            "--outdir",
            str(tmp_path / "shown"),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    expected = load_workbook(io.BytesIO(content))
    for sheet in expected.worksheets:
        shown = (tmp_path / "shown" / f"pack-{sheet.title}.csv").read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(shown), delimiter=";"))
        for r, row in enumerate(sheet.iter_rows(values_only=True)):
            written = [_number("" if v is None else v) for v in row]
            assert [_number(v) for v in rows[r][: len(written)]] == written, (sheet.title, r)


def _params(values: dict[str, object], **override: object) -> Params:
    return Params(**{**values, **override})  # type: ignore[arg-type]


def _number(value: object) -> object:
    """A cell as the page shows it, numbers as numbers ("4,0" and 4 are the same)."""
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        return value


def _shown(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return "" if value is None else str(value)


def _charts(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        names.sort(key=lambda name: int(name.removeprefix("xl/charts/chart").removesuffix(".xml")))
        return [archive.read(n).decode() for n in names]


def _sheet_strings(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/sharedStrings.xml").decode()


def _the_page_button_gives_the_pdf_to_the_analyst_and_no_one_without_reports(
    analyst_user: User, case_worker: User
) -> None:
    url = reverse("statistics:pack", kwargs={"fmt": "pdf"})
    refused = Client()
    refused.force_login(case_worker)
    assert refused.get(url, PACK_QUERY).status_code == 403
    analyst = Client()
    analyst.force_login(analyst_user)
    assert 'formaction="' + url in analyst.get(reverse("statistics:index")).content.decode()
    before = _exports()
    response = analyst.get(url, PACK_QUERY)
    assert response.status_code == 200
    filename = f"obruten-tertialpaket-{YEAR}-{THROUGH_T2}.pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).order_by("-sequence").first()
    assert _exports() == before + 1 and event is not None and event.actor_id == analyst_user.pk
    assert event.changes["pack"][1] == {"year": YEAR, "through": THROUGH_T2, "format": "pdf"}
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]
    text = "\n".join(pages)
    for section in SECTIONS:
        title = REPORTS[section.report].title
        section_pages = [p for p in pages if renderers._pdf_text(title) in p]  # the PDF's Latin-1 text
        assert section_pages, title
    for needed in ("Period: ", "jämfört med", "Räkneregel: ", "visas inte", "Mål 75 %"):
        assert needed in text
    source = f"Källa: Obruten, utdrag {timezone.localdate():%Y-%m-%d}"
    assert all(source in page for page in pages), "a page without the source line"
    assert analyst.get(url, {**PACK_QUERY, "through": "T4"}).status_code == 400


def test_a_bad_through_is_one_plain_line(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603 - our own console script
        [
            Path(sys.executable).parent / "obruten",
            "report-pack",
            "--year",
            "2025",
            "--through",
            "T4",
            "--format",
            "xlsx",
            "--out",
            str(tmp_path / "pack.xlsx"),
        ],
        env={**os.environ, "SECRET_KEY": "t", "AUDIT_KEY": "t", "DATABASE_URL": f"sqlite:///{tmp_path}/db"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == ["CommandError: --through must be T1, T2 or T3, not 'T4'"]
    assert not (tmp_path / "pack.xlsx").exists()


def test_a_year_the_register_has_nothing_for_says_so_instead_of_a_figure(db: None) -> None:
    """Issue 21: last year, before the records began, has no figure and no change — not
    0 % and not a change from it."""
    year = TODAY.year
    place(child(date(2014, 1, 1)), "hvb", "farsta", date(year, 2, 3))
    section = next(section for section in SECTIONS if section.report == "placements-stad")
    sheet = build_sheet(section, Params(year=year, period=THROUGH["T3"]))
    farsta = next(row for row in sheet.rows if row[0] == "Farsta")
    assert farsta[2:4] == [NO_DATA, NO_DATA]  # last year's placed children, and the change
    # A year with records in which a section counted no one shows its 0, not "no figure".
    place(child(date(2013, 1, 1)), "jourhem", "farsta", date(year - 1, 5, 5), date(year - 1, 6, 6))
    after = next(s for s in SECTIONS if s.report == "after-care")
    left = build_sheet(after, Params(year=year, period=THROUGH["T3"]))
    assert NO_DATA not in [value for row in left.rows for value in row]
