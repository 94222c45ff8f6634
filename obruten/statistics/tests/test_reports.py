"""Reports: protected before rendering, the same on the page and in every download, and
only for the roles that see aggregates."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import World
from obruten.accounts.models import User
from obruten.audit.models import AuditEvent
from obruten.lib.disclosure import protect, weak_cells
from obruten.statistics import renderers
from obruten.statistics.definitions import REPORTS, RESULTS_WEIGHTED, RESULTS_WITHIN, CountTable, Params
from obruten.statistics.protection import ProtectedReport


def _analyst(world: World) -> Client:
    return _client(world.users["analyst"])


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_no_renderer_takes_an_unprotected_table() -> None:
    raw = CountTable(["a"], ["x"], [[3]])
    for render in (renderers.to_csv, renderers.to_xlsx, renderers.to_pdf, renderers.chart_svg):
        with pytest.raises((TypeError, AttributeError)):
            render(raw)  # type: ignore[arg-type]


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
    present = [Decimal("95.0"), Decimal("80.0")]  # attendance at the follow-up (issue 21)
    for born, given, attended in zip(
        [date(today.year - 12, 1, 5), date(today.year - 11, 2, 6)], cases, present, strict=True
    ):
        kid = child(born)
        place(kid, "familjehem", "farsta", today - timedelta(days=30))
        followup_services.record_follow_up(
            actor=world.users["case_worker"],
            child=kid,
            via="test",
            data=followup_services.FollowUpData(
                kind="overvagande",
                date=today,
                school_form="grundskola",
                swedish_subject="SVA",
                results=given,
                attendance_percent=attended,
            ),
        )
    after = _farsta(results(Params(year=today.year)))
    added = [a - b for a, b in zip(after, before, strict=True)]
    # children, Swedish, maths, English, all three, no known result; with attendance, at least 90 %
    assert added == [2, 2, 1, 1, 0, 0, 2, 1]


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


def test_a_mean_beside_a_hidden_count_is_hidden_too() -> None:
    """The attacker review's case: twelve school starts, two within the 30-day goal
    (hidden), ten later. Every late start is more than 30 days, so a mean of 25.8 days would
    bound the late ones to at most 9, the within ones to at least 3: no mean or median is
    shown in a row with a hidden count; the row with every count shown keeps its mean."""
    from obruten.statistics.definitions import Stat
    from obruten.statistics.protection import _protect

    cells = [[2, 10, 0], [6, 30, 0], [20, 40, 0]]
    counts = CountTable(
        ["Farsta", "Bromma", "Kista"],
        ["Inom 30 dagar", "Senare", "Ingen"],
        cells,
        stats=[
            Stat("Medel dagar", "mean", 3, values=[25.8, 30.5, 31.0, 30.4], observations=[12, 36, 60, 108])
        ],
    )
    table = protect(counts.row_labels, counts.col_labels, cells)
    hidden_rows = {r for r, _c in table.hidden}
    assert 0 in hidden_rows and 2 not in hidden_rows
    assert (0, 3) not in table.hidden  # Farsta's total is shown: the mean's own denominator allows it
    _table, (mean,) = _protect(counts, table, table.rules)
    assert [mean.values[r] is None for r in range(3)] == [r in hidden_rows for r in range(3)]
    assert mean.values[2] == 31.0


def _results_table(
    masks_per_row: list[dict[int, int]], no_result: list[int], *, weighted: bool
) -> CountTable:
    """A results table made from how many children reach each combination of subjects
    (bits: Swedish 1, maths 2, English 4), as ``definitions.results`` counts it."""
    cells = []
    for masks, none in zip(masks_per_row, no_result, strict=True):
        subjects = [sum(n for mask, n in masks.items() if mask & bit) for bit in (1, 2, 4)]
        cells.append([sum(masks.values()) + none, *subjects, masks.get(7, 0), none])
    return CountTable(
        [f"Stadsdel {row}" for row in "ABC"],
        ["Barn", "Svenska", "Matematik", "Engelska", "Alla tre", "Inget känt resultat"],
        cells,
        row_totals=False,
        parts_of={1: 0, 2: 0, 3: 0, 4: 0, 5: 0},
        within=RESULTS_WITHIN,
        weighted=RESULTS_WEIGHTED if weighted else [],
    )


def test_the_subjects_a_child_reaches_bound_all_three_and_the_protection_knows_it() -> None:
    """The second attacker review's counts: in district A ten children have a result, 8, 7
    and 6 reach Swedish, maths and English, one all three. A child reaching all three counts
    in each subject, any other in at most two, so 8 + 7 + 6 <= 2 x 10 + all three: all three
    is at least 1. Protected knowing it, the attacker who reasons so narrows nothing;
    protected without it, the same attacker does."""
    from obruten.lib.disclosure import protect_linked
    from obruten.statistics.protection import _view_cells, _view_relations

    masks = [{3: 4, 5: 3, 6: 2, 7: 1}, {7: 5, 1: 10, 2: 10, 4: 10}, {7: 20, 0: 5}]
    no_result = [0, 0, 5]
    view = ("results", "", "")
    informed = _results_table(masks, no_result, weighted=True)
    values, relations = _view_cells(view, informed), list(_view_relations(view, informed))
    assert informed.cells[0] == [10, 8, 7, 6, 1, 0]

    cube = protect_linked(values, relations)
    assert ("results", "", "", "Stadsdel A", "Alla tre") in cube.hidden
    assert weak_cells(values, cube.hidden, relations, set(cube.primary)) == set()

    plain = _results_table(masks, no_result, weighted=False)
    naive = protect_linked(values, list(_view_relations(view, plain)))
    assert weak_cells(values, naive.hidden, relations, set(naive.primary))


def test_the_period_is_chosen_from_a_list_and_dissolved_districts_say_so(db: None) -> None:
    """Issue 23: the period was free text ("Tertial 1" was an error) and the districts of
    2019 and 2023 looked current."""
    from obruten.statistics.forms import ReportFilterForm

    form = ReportFilterForm()
    html = str(form["period"])
    assert '<option value="T1">Tertial 1 (januari–april)</option>' in html
    labels = dict(form.fields["district"].choices)  # type: ignore[attr-defined]
    assert labels["rinkeby-kista"] == "Rinkeby-Kista (till 2023-06-30)"
    assert labels["alvsjo"] == "Älvsjö (till 2019-12-31)"
    assert labels["farsta"] == "Farsta"
    codes = list(labels)
    assert codes.index("farsta") < codes.index("rinkeby-kista") < codes.index("alvsjo")
