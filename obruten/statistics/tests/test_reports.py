"""Reports: protected before rendering, the same on the page and in every download, and
only for the roles that see aggregates."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import World, make_user
from obruten.accounts.models import Role, User
from obruten.audit.models import AuditEvent
from obruten.followup import demo as followup_demo
from obruten.lib.disclosure import feasible_range, protect, weak_cells
from obruten.register import demo
from obruten.statistics import renderers
from obruten.statistics.definitions import REPORTS, CountTable, Params
from obruten.statistics.protection import ProtectedReport, _view_relations, run_report

TODAY = date(2026, 11, 22)


@pytest.fixture
def demo_data(db: None) -> None:
    demo.generate(seed=5, scale="small", today=TODAY)
    followup_demo.generate(seed=5, today=TODAY)


def _analyst(world: World) -> Client:
    return _client(world.users["analyst"])


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
        rows, cols = [*table.row_labels], [*table.col_labels]
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
    assert labels[0] == "Rinkeby-Kista" and labels[-1] == "Totalt"
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


def test_no_renderer_takes_an_unprotected_table() -> None:
    raw = CountTable(["a"], ["x"], [[3]])
    for render in (renderers.to_csv, renderers.to_xlsx, renderers.to_pdf, renderers.chart_svg):
        with pytest.raises((TypeError, AttributeError)):
            render(raw)  # type: ignore[arg-type]


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


def test_running_a_report_is_audited_with_its_parameters(world: World) -> None:
    analyst = world.users["analyst"]
    _client(analyst).get(
        reverse("statistics:report", kwargs={"name": "health"}), {"year": "2025", "period": "T1"}
    )
    event = AuditEvent.objects.filter(actor=analyst, action="export").latest("id")
    assert event.changes["report"] == [None, "health"]
    assert event.changes["params"][1]["period"] == "T1"
    assert event.child_id is None


def test_case_workers_get_no_statistics_pages(world: World) -> None:
    client = Client()
    client.force_login(world.users["case_worker"])
    assert client.get(reverse("statistics:index")).status_code == 403


def test_the_analyst_never_reaches_a_personal_record(world: World) -> None:
    client = _analyst(world)
    assert client.get(reverse("register:child_detail", kwargs={"child_id": world.own.pk})).status_code == 403
    assert client.get(reverse("register:caseload")).status_code == 403


def test_the_command_writes_each_format(demo_data: None, tmp_path: Path) -> None:
    for fmt in ("csv", "xlsx", "pdf", "html"):
        out = tmp_path / f"r.{fmt}"
        call_command("report", "school-start", "--year", "2025", "--format", fmt, "--out", str(out))
        assert out.stat().st_size > 200
    assert "Dagar från placering till skolstart" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_results_count_each_subject_and_all_three(world: World) -> None:
    # Issue 10.7: the population is every placed child of compulsory-school age; two are
    # placed here beside the world's own child (who has no known result).
    from django.utils import timezone

    from obruten.followup import services as followup_services
    from obruten.statistics.definitions import results
    from obruten.statistics.tests.test_counting_rules import child, place

    today = timezone.localdate()
    before = _farsta(results(Params(year=today.year)))  # the world's own child: no known result
    r = followup_services.Result
    cases = [
        {"SWEDISH": r("C"), "MA": r("F"), "EN": r(assessment="reaches")},  # Swedish, English
        {"SWEDISH": r("A"), "MA": r("E"), "EN": r("-")},  # Swedish, maths
    ]
    for born, given in zip([date(today.year - 12, 1, 5), date(today.year - 11, 2, 6)], cases, strict=True):
        kid = child(born)
        place(kid, "familjehem", "farsta", today - timedelta(days=30))
        followup_services.record_follow_up(
            actor=world.users["case_worker"],
            child=kid,
            via="test",
            data=followup_services.FollowUpData(
                kind="overvagande", date=today, school_form="grundskola", swedish_subject="SVA", results=given
            ),
        )
    after = _farsta(results(Params(year=today.year)))
    added = [a - b for a, b in zip(after, before, strict=True)]
    assert added == [2, 2, 1, 1, 0, 0]  # children, Swedish, maths, English, all three, no known result


def _farsta(table: CountTable) -> list[int]:
    return list(table.cells[table.row_labels.index("Farsta")])


def test_every_download_says_how_many_children_come_from_monthly_files() -> None:
    """The page's remarks under the table are in the CSV, XLSX and PDF too: the protected
    count of children from monthly files, and a filter the report does not take."""
    table = protect(["Farsta", "Bromma"], ["HVB", "Familjehem"], [[12, 30], [9, 41]])
    report = ProtectedReport(
        REPORTS["placements"], Params(year=2025), table, (), from_monthly_files="7", not_applied=("form",)
    )
    expected = ["Varav barn från stadsdelsnämndernas månadsfiler: 7.", "Urvalet på stadsdelsnämnd"]
    csv_text = renderers.to_csv(report).decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(renderers.to_xlsx(report))).active
    assert sheet is not None
    xlsx_text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    pdf = PdfReader(io.BytesIO(renderers.to_pdf(report)))
    pdf_text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    for text in (csv_text, xlsx_text, pdf_text):
        assert all(line in text for line in expected), text
