"""Reports over the small demo: protected before rendering, the same on the page and in
every download. The demo is built once for the module (conftest.demo_year), so the year's
cubes are protected once for all of these tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import make_user
from obruten.accounts.models import Role, User
from obruten.lib.disclosure import feasible_range, weak_cells
from obruten.statistics.definitions import REPORTS, Params
from obruten.statistics.protection import CITY_TOTAL, TOTAL, _view_relations, run_report


@pytest.fixture
def demo_data(shared_demo: None) -> None:
    """The module's demo."""


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def analyst(demo_data: None) -> User:
    """An analyst beside the demo data (the test world's recorded school starts would collide
    with the follow-up demo's chain steps)."""
    return make_user("report-analyst", Role.ANALYST, [])


def test_every_report_survives_the_attacker(demo_data: None) -> None:
    # One demo for every report: building it is most of the test's time.
    for name in sorted(REPORTS):
        _survives_the_attacker(name)


def _survives_the_attacker(name: str) -> None:
    report = run_report(name, Params(year=2025), actor=None, via="test")
    table = report.table
    assert len(table.row_labels) >= 2
    counts = REPORTS[name].compute(Params(year=2025))
    if counts.totals is not None:
        # Distinct totals (issue 10.4) are not sums: the attacker has inequalities, not equations.
        rows = [TOTAL if label == CITY_TOTAL else label for label in table.row_labels]  # the cube's key
        cols = [*table.col_labels]
        view = ("", "")
        values = {(*view, rows[r], cols[c]): v for r, row in enumerate(table.grid) for c, v in enumerate(row)}
        hidden = {(*view, rows[r], cols[c]) for r, c in table.hidden}
        primary = {(*view, rows[r], cols[c]) for r, c in table.primary}
        relations = list(_view_relations(view, counts))
        assert weak_cells(values, hidden, relations, primary, table.rules) == set(), name
        return
    for cell in table.primary:
        low, high = feasible_range(table.grid, table.hidden, cell, row_totals=table.row_totals)
        assert low <= 1e-6 and high >= table.rules.threshold - 1e-6, (name, cell)


def test_the_placements_table_has_the_2020_layout(demo_data: None) -> None:
    report = run_report("placements", Params(year=2020), actor=None, via="test")
    labels = report.table.row_labels
    assert labels[0] == "Rinkeby-Kista" and labels[-1] == "Staden totalt"  # as the city writes it
    assert "Järva" not in labels  # not yet in 2020
    assert report.table.col_labels[-1] == "Totalt"
    assert "Särskilt ungdomshem (SiS/§12)" in report.table.col_labels


def test_a_placement_before_a_merger_counts_under_the_successor(demo_data: None) -> None:
    # Issue 10.3: from the merger date the successor is responsible for every ongoing placement.
    # The rows come from the counting rule; the protection only hides cells.
    labels = REPORTS["placements"].compute(Params(year=2024)).row_labels
    assert "Järva" in labels and "Rinkeby-Kista" not in labels


def test_parts_of_a_hidden_group_are_hidden_too(demo_data: None) -> None:
    report = run_report("results", Params(year=2025), actor=None, via="test")
    for row in range(len(report.table.grid)):
        if (row, 0) in report.table.hidden:
            assert all((row, c) in report.table.hidden for c in range(1, 5))


def test_the_page_and_every_download_show_the_same_protected_figures(analyst: User) -> None:
    client = _client(analyst)
    query = {"year": "2025"}
    page = client.get(reverse("statistics:report", kwargs={"name": "placements"}), query)
    assert page.status_code == 200
    expected = page.context["rows"]
    assert any("*" in row for row in expected)

    csv_bytes = client.get(
        reverse("statistics:download", kwargs={"name": "placements", "fmt": "csv"}), query
    ).content
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig")), delimiter=";"))
    assert rows[2 : 2 + len(expected)] == expected
    assert rows[-1][0].startswith("Räkneregel:")

    xlsx = client.get(
        reverse("statistics:download", kwargs={"name": "placements", "fmt": "xlsx"}), query
    ).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet is not None
    cells = [
        [("" if v is None else str(v)) for v in row]
        for row in sheet.iter_rows(min_row=4, max_row=3 + len(expected), values_only=True)
    ]
    assert cells == expected
    assert any("Räkneregel" in str(c.value) for row in sheet.iter_rows() for c in row if c.value)

    pdf = client.get(
        reverse("statistics:download", kwargs={"name": "placements", "fmt": "pdf"}), query
    ).content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Placerade barn per stadsdelsn" in text and "Totalt" in text and "*" in text


def test_filters_change_the_table(analyst: User) -> None:
    client = _client(analyst)
    url = reverse("statistics:report", kwargs={"name": "placements"})
    farsta = client.get(url, {"year": "2025", "district": "farsta", "form": "hvb", "sex": "F"})
    assert [row[0] for row in farsta.context["rows"]] == ["Farsta", "Totalt"]
    assert farsta.context["header"] == ["Stadsdelsnämnd", "HVB", "Totalt"]
    tertial = client.get(url, {"year": "2025", "period": "T2"})
    assert (
        tertial.context["report"].params.label() == "2025, tertial 2 (maj–augusti)"
    )  # issue 10.8: plain Swedish
    bad = client.get(url, {"year": "2025", "period": "vår"})
    assert "Skriv T1, T2 eller T3" in bad.content.decode()


def test_a_month_is_not_a_published_period(analyst: User) -> None:
    """A month's table would be protected apart from the year's cube: the page, the download
    and the command refuse it (the exact monthly counts are in the internal monthly file)."""
    client = _client(analyst)
    for url in (
        reverse("statistics:report", kwargs={"name": "placements"}),
        reverse("statistics:download", kwargs={"name": "school-start", "fmt": "csv"}),
    ):
        response = client.get(url, {"year": "2025", "period": "2025-03"})
        assert "En månad publiceras inte som egen period" in response.content.decode()
    with pytest.raises(CommandError, match="En månad publiceras inte"):
        call_command("report", "school-start", "--year", "2025", "--period", "2025-03")
    with pytest.raises(ValueError, match="En månad publiceras inte"):
        run_report("school-start", Params(year=2025, period="2025-03"), actor=None, via="test")


def test_the_command_writes_each_format(demo_data: None, tmp_path: Path) -> None:
    for fmt in ("csv", "xlsx", "pdf", "html"):
        out = tmp_path / f"r.{fmt}"
        call_command("report", "school-start", "--year", "2025", "--format", fmt, "--out", str(out))
        assert out.stat().st_size > 200
    assert "Dagar från placering till skolstart" in (tmp_path / "r.html").read_text(encoding="utf-8")
