"""The city's counting rules (issue 10, points 3–9), each with a worked example as data.

The register is built through the service functions, as the system (actor None), so every
example is a register the application itself could hold.
"""

from __future__ import annotations

import csv
import io
import itertools
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import World, register
from obruten.followup import services as followup_services
from obruten.lib.personnummer import luhn_check_digit
from obruten.register import services
from obruten.register.models import Child, District, Municipality, Placement, PlacementForm
from obruten.statistics import renderers
from obruten.statistics.definitions import (
    CITY_LAYOUT,
    REPORTS,
    Params,
    placements,
    results,
    school_start,
    year9,
)
from obruten.statistics.protection import run_report

SERIAL = itertools.count(100)
DATA = Path(__file__).resolve().parents[2] / "data"


def child(born: date, sex: str = "F") -> Child:
    nine = f"{born:%y%m%d}{next(SERIAL):03d}"
    return services.register_child(
        actor=None,
        via="test",
        data=services.ChildData(
            personal_number=f"{born:%Y%m%d}{nine[6:]}{luhn_check_digit(nine)}",
            first_name="Test",
            last_name="Barn",
            sex=sex,
            home_municipality=Municipality.objects.get(code="0180"),
            district=District.objects.get(code="farsta"),
        ),
    )


def place(
    kid: Child, form: str, district: str, start: date, end: date | None = None, **extra: Any
) -> Placement:
    return services.register_placement(
        actor=None,
        child=kid,
        via="test",
        data=services.PlacementData(
            form=PlacementForm.objects.get(code=form),
            legal_basis="SoL",
            start_date=start,
            end_date=end,
            district=District.objects.get(code=district),
            placing_municipality=Municipality.objects.get(code="0180"),
            **extra,
        ),
    )


def row(table: Any, label: str) -> list[int]:
    return list(table.cells[table.row_labels.index(label)])


def column(table: Any, label: str) -> int:
    return list(table.col_labels).index(label)


# The responsible district over time (point 3)

DISSOLVED_BY_2024 = ["Rinkeby-Kista", "Spånga-Tensta", "Norrmalm", "Östermalm"]


def test_a_merged_districts_placements_count_under_the_successor_from_the_merger(db: None) -> None:
    ongoing = child(date(2012, 3, 4))
    place(ongoing, "familjehem", "rinkeby-kista", date(2022, 3, 1))  # never ends
    ended = child(date(2011, 5, 6))
    place(ended, "hvb", "norrmalm", date(2021, 1, 10), date(2023, 3, 1))

    year_2024 = placements(Params(year=2024))
    assert not set(DISSOLVED_BY_2024) & set(year_2024.row_labels)
    assert {"Järva", "Norra innerstaden"} <= set(year_2024.row_labels)
    assert row(year_2024, "Järva")[column(year_2024, "Familjehem")] == 1

    year_2023 = placements(Params(year=2023))  # the merger year: each where it was on its last day
    assert row(year_2023, "Järva")[column(year_2023, "Familjehem")] == 1
    assert sum(row(year_2023, "Rinkeby-Kista")) == 0
    assert row(year_2023, "Norrmalm")[column(year_2023, "HVB")] == 1


def test_2020_counts_hagersten_liljeholmen_and_alvsjo_under_hagersten_alvsjo(db: None) -> None:
    place(child(date(2010, 1, 2)), "jourhem", "hagersten-liljeholmen", date(2019, 5, 1))
    place(child(date(2010, 2, 3)), "hvb", "alvsjo", date(2019, 11, 1), date(2020, 2, 1))

    table = placements(Params(year=2020))
    assert "Hägersten-Liljeholmen" not in table.row_labels and "Älvsjö" not in table.row_labels
    assert table.totals is not None
    assert table.totals.rows[table.row_labels.index("Hägersten-Älvsjö")] == 2
    # Seed 001's 2020 table has 13 districts.
    assert len(table.row_labels) == 13


def test_the_history_view_maps_every_district_onto_todays(db: None) -> None:
    place(child(date(2010, 1, 2)), "jourhem", "rinkeby-kista", date(2019, 5, 1), date(2020, 6, 30))
    as_counted = placements(Params(year=2020))
    history = REPORTS["placements-idag"].compute(Params(year=2020))
    assert sum(row(as_counted, "Rinkeby-Kista")) == 1
    assert "Rinkeby-Kista" not in history.row_labels
    assert sum(row(history, "Järva")) == 1


def test_a_district_filter_finds_the_successors_inherited_placements(db: None) -> None:
    place(child(date(2012, 3, 4)), "familjehem", "spanga-tensta", date(2022, 3, 1))
    table = placements(Params(year=2025, district="jarva"))
    assert table.row_labels == ["Järva"] and sum(table.cells[0]) == 1


def test_reports_of_children_count_each_child_once_where_placements_counts_it(db: None) -> None:
    """A child placed by Farsta until March and by Bromma from April: ``placements`` counts
    it in both rows (once in the grand total); ``health`` and ``results`` count it once,
    under Bromma, the district of its latest placement in the year, whatever the child's
    own district says (Farsta here)."""
    moved = child(date(2013, 3, 4))
    place(moved, "jourhem", "farsta", date(2025, 1, 10), date(2025, 3, 31))
    place(moved, "familjehem", "bromma", date(2025, 4, 1))
    place(child(date(2012, 5, 6)), "hvb", "farsta", date(2024, 6, 1), date(2025, 2, 1))

    year = Params(year=2025)
    counted = placements(year)
    assert counted.totals is not None
    assert counted.totals.rows[counted.row_labels.index("Farsta")] == 2
    assert counted.totals.rows[counted.row_labels.index("Bromma")] == 1
    examined = REPORTS["health"].compute(year)
    assert row(examined, "Farsta")[0] == 1 and row(examined, "Bromma")[0] == 1
    assert sum(r[0] for r in examined.cells) == counted.totals.grand == 2
    assert row(results(year), "Bromma")[0] == 1 and row(results(year), "Farsta")[0] == 1
    assert REPORTS["health"].compute(Params(year=2025, district="bromma")).cells == [row(examined, "Bromma")]


# Totals as distinct children (point 4) and medföljande (point 5)


def test_the_totals_count_each_child_once(db: None) -> None:
    moved = child(date(2012, 3, 4))
    place(moved, "jourhem", "farsta", date(2025, 1, 10), date(2025, 3, 31))
    place(moved, "familjehem", "farsta", date(2025, 4, 1))
    place(child(date(2013, 3, 4)), "hvb", "farsta", date(2025, 2, 1))

    table = placements(Params(year=2025))
    farsta = row(table, "Farsta")
    assert sum(farsta) == 3  # the form cells: the moved child counts in jourhem and familjehem
    assert table.totals is not None
    assert table.totals.rows[table.row_labels.index("Farsta")] == 2  # but is one child
    assert table.totals.grand == 2
    assert table.totals.cols[column(table, "Jourhem")] == 1


def test_medfoljande_are_counted_beside_the_placed_never_in_a_form(world: World) -> None:
    table = placements(Params(year=timezone.localdate().year))
    farsta = row(table, "Farsta")
    assert farsta[column(table, "Skyddat boende")] == 0  # the protected child follows a parent
    assert farsta[column(table, "Medföljande")] == 1
    assert table.totals is not None
    assert table.totals.rows[table.row_labels.index("Farsta")] == 1  # only the placed child
    assert column(table, "Medföljande") not in table.totals.covers
    hvb_only = placements(Params(year=timezone.localdate().year, form="hvb"))
    assert "Medföljande" not in hvb_only.col_labels


# The city's layout (seed 001)

SEED_001_HEADER = ["§12-hem", "HVB", "Jourhem", "Familjehem", "Skyddat boende", "Stödboende"]


def test_the_city_layout_folds_every_form_into_one_column_of_seed_001(db: None) -> None:
    codes = [line["code"] for line in csv.DictReader((DATA / "placement-forms.csv").open(encoding="utf-8"))]
    folded = [code for group in CITY_LAYOUT.values() for code in group]
    assert sorted(folded) == sorted(codes)  # each form in exactly one column
    assert list(CITY_LAYOUT) == SEED_001_HEADER

    kid = child(date(2012, 3, 4))
    place(kid, "narstaendehem", "farsta", date(2025, 1, 10), date(2025, 3, 31))
    place(kid, "behandlingsfamilj", "farsta", date(2025, 4, 1))
    table = REPORTS["placements-stad"].compute(Params(year=2025))
    assert table.col_labels == [*SEED_001_HEADER, "Medföljande"]
    assert row(table, "Farsta")[column(table, "Familjehem")] == 1  # one child, one column


# Periods (point 8)


def test_tertial_report_2_is_january_to_august_on_the_page_and_in_the_command(
    world: World, tmp_path: Path
) -> None:
    client = Client()
    client.force_login(world.users["analyst"])
    page = client.get(
        reverse("statistics:report", kwargs={"name": "health"}), {"year": "2025", "period": "t2-ack"}
    )
    assert page.status_code == 200
    assert page.context["report"].params.bounds() == (date(2025, 1, 1), date(2025, 8, 31))
    assert "januari–augusti" in page.context["report"].params.label()
    out = tmp_path / "t2.csv"
    call_command("report", "health", "--year", "2025", "--period", "T2-ack", "--out", str(out))
    assert "januari–augusti" in out.read_text(encoding="utf-8-sig").splitlines()[0]


# Honest populations (point 7)


def _follow_up(actor: Any, kid: Child, day: date, **results: Any) -> None:
    followup_services.record_follow_up(
        actor=actor,
        child=kid,
        via="test",
        data=followup_services.FollowUpData(
            kind="overvagande",
            date=day,
            school_form="grundskola",
            results={k: followup_services.Result(v) for k, v in results.items()},
        ),
    )


def test_results_count_every_placed_child_of_school_age_with_no_known_result_apart(world: World) -> None:
    reached = child(date(2013, 4, 5))
    place(reached, "familjehem", "farsta", date(2025, 1, 10))
    _follow_up(world.users["case_worker"], reached, date(2025, 3, 1), SWEDISH="C", MA="E", EN="B")
    never_followed_up = child(date(2014, 4, 5))
    place(never_followed_up, "hvb", "farsta", date(2025, 2, 1))
    too_old = child(date(2006, 4, 5))  # 19 in 2025: not of compulsory-school age
    place(too_old, "hvb", "farsta", date(2025, 2, 1))
    medfoljande = child(date(2015, 4, 5))
    place(medfoljande, "skyddat_boende", "farsta", date(2025, 2, 1), accompanying=True)

    table = results(Params(year=2025))
    assert table.col_labels[5] == "Inget känt resultat"
    assert row(table, "Farsta")[:6] == [
        2,
        1,
        1,
        1,
        1,
        1,
    ]  # children, Swedish, maths, English, all three, unknown


def test_a_tertial_and_the_year_read_results_over_the_same_window(world: World) -> None:
    """Issue 21: every period reads each child's latest result from the 12 months up to its
    end; only follow-ups inside the period made a tertial report most children "no known
    result". A result from November 2024 is known in T1 2025 and in T2 2025 (ending in
    August), not in the whole of 2025 (12 months back from 31 December)."""
    kid = child(date(2013, 4, 5))
    place(kid, "familjehem", "farsta", date(2024, 9, 1))
    _follow_up(world.users["case_worker"], kid, date(2024, 11, 20), SWEDISH="C", MA="E", EN="B")
    assert row(results(Params(year=2025, period="T1")), "Farsta")[:6] == [1, 1, 1, 1, 1, 0]
    assert row(results(Params(year=2025, period="T2")), "Farsta")[:6] == [1, 1, 1, 1, 1, 0]
    assert row(results(Params(year=2025)), "Farsta")[:6] == [1, 0, 0, 0, 0, 1]


def test_year_9_counts_every_child_placed_all_of_it_from_the_autumn_term_with_or_without_grades(
    world: World, settings: Any
) -> None:
    settings.SCHOOL_AUTUMN_TERM_START, settings.SCHOOL_SPRING_TERM_END = "08-20", "06-12"
    from_term_start = child(date(2009, 3, 1))  # no grades; part of the year under 1 July–30 June
    place(from_term_start, "familjehem", "farsta", date(2024, 8, 20))
    after_term_start = child(date(2009, 4, 1))
    place(after_term_start, "familjehem", "farsta", date(2024, 9, 2), date(2025, 6, 30))
    graded = child(date(2009, 5, 1))
    place(graded, "hvb", "farsta", date(2024, 6, 1), date(2025, 6, 12))
    followup_services.record_final_grades(
        actor=world.users["case_worker"],
        child=graded,
        year=2025,
        grades={"SV": "C", "MA": "D", "EN": "B"},
        via="test",
    )

    table = year9(Params(year=2025))
    all_year, part = table.cells
    assert all_year[:2] == [2, 1]  # placed all of year 9: two children, one with final grades
    assert part[:2] == [1, 0]


# Rough outputs (point 9) and the chart (point 6)


def test_school_start_counts_with_the_goal_in_settings_and_waits_for_open_placements(
    db: None, settings: Any
) -> None:
    settings.SCHOOL_START_GOAL_DAYS = 10
    today = timezone.localdate()
    place(child(date(2013, 1, 1)), "hvb", "farsta", today - timedelta(days=3), school_change=True)
    place(child(date(2013, 2, 1)), "hvb", "farsta", today - timedelta(days=40), school_change=True)
    table = school_start(Params(year=(today - timedelta(days=40)).year))
    assert table.col_labels[0] == "Skolstart inom 10 dagar"
    assert table.stats[0].label == "Andel inom 10 dagar (%)"
    assert sum(r[2] for r in table.cells) == 1  # only the one past its goal has "no school start"


def test_no_counting_rule_points_to_a_file_in_the_source() -> None:
    for definition in REPORTS.values():
        assert "docs/" not in definition.counting_rule and ".md" not in definition.counting_rule


def test_an_impossible_answer_is_a_dash_never_a_count_or_a_star(world: World) -> None:
    from obruten.statistics.definitions import _voice_questions

    _answer_every_question(world)
    report = run_report("child-voice", Params(year=timezone.localdate().year), actor=None, via="test")
    rows = renderers.body(report)
    kinds = [q.kind for q in _voice_questions().values()]
    assert "yes_no" in kinds and "scale" in kinds
    for values, kind in zip(rows, kinds, strict=False):
        scale, yes_no = values[1:6], values[6:9]
        assert (yes_no if kind == "scale" else scale) == ["–"] * len(yes_no if kind == "scale" else scale)


def test_an_empty_period_says_so_instead_of_a_table_of_zeros(world: World) -> None:
    client = Client()
    client.force_login(world.users["analyst"])
    page = client.get(reverse("statistics:report", kwargs={"name": "school-start"}), {"year": "2001"})
    assert "Det finns inga uppgifter att redovisa" in page.content.decode()
    assert "<table" not in page.content.decode()
    csv_text = client.get(
        reverse("statistics:download", kwargs={"name": "school-start", "fmt": "csv"}), {"year": "2001"}
    ).content.decode("utf-8-sig")
    assert "Det finns inga uppgifter att redovisa" in csv_text


def test_pdf_and_xlsx_carry_the_source_and_the_extraction_date(world: World) -> None:
    source = f"Källa: Obruten, utdrag {timezone.localdate():%Y-%m-%d}"
    report = run_report("placements", Params(year=timezone.localdate().year), actor=None, via="test")
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(renderers.to_pdf(report))).pages)
    assert source.replace("ä", "a") in pdf_text.replace("ä", "a")
    sheet = load_workbook(io.BytesIO(renderers.to_xlsx(report))).active
    assert sheet is not None
    assert source in [c.value for r in sheet.iter_rows() for c in r]


def _answer_every_question(world: World) -> None:
    from obruten.participation import services as participation_services
    from obruten.participation.models import Invitation

    for invitation in Invitation.objects.all():
        given = {
            q.pk: participation_services.Given("4" if q.kind == "scale" else "yes")
            for q in invitation.template.questions.filter(kind__in=["scale", "yes_no"])
        }
        participation_services.save_answers(invitation=invitation, answers=given, submit=True)


def test_the_child_voice_pdf_fits_its_content_with_whole_labels(world: World) -> None:
    _answer_every_question(world)
    report = run_report("child-voice", Params(year=timezone.localdate().year), actor=None, via="test")
    pages = PdfReader(io.BytesIO(renderers.to_pdf(report))).pages
    text = " ".join("".join(p.extract_text() for p in pages).split())
    assert len(pages) <= 3  # was 8, one bar label a page
    for label in report.table.row_labels[:-1]:
        assert " ".join(renderers._pdf_text(label).split()) in text


def test_the_results_chart_plots_the_share_against_the_goal() -> None:
    definition = REPORTS["results"]
    assert definition.goal == 75.0 and definition.chart_stat is not None
    for name, candidate in REPORTS.items():
        if candidate.goal is not None:
            assert candidate.chart_stat is not None, name


def test_the_child_voice_table_never_shows_a_whole_groups_answer(world: World) -> None:
    """Issue 21: seven children all answer "Nej" to a yes/no question; the row would tell
    each one's answer. The count is protected like a small one (docs/statistics.md)."""
    from obruten.participation import services as participation_services
    from obruten.participation.models import Question, Template

    cw = world.users["case_worker"]
    template = Template.objects.filter(code="barnets-rost", published=True).order_by("-version").first()
    assert template is not None
    yes_no = template.questions.filter(kind=Question.Kind.YES_NO).order_by("order").first()
    assert yes_no is not None
    for serial in range(7):
        nine = f"140101{400 + serial:03d}"
        child = register(f"20{nine}{luhn_check_digit(nine)}", "Röst", "farsta", cw)
        invitation, _token = participation_services.create_invitation(
            actor=cw, child=child, template=template, language="sv", via="test"
        )
        participation_services.save_answers(
            invitation=invitation, answers={yes_no.pk: participation_services.Given("no")}, submit=True
        )
    report = run_report("child-voice", Params(year=timezone.localdate().year), actor=None, via="test")
    label = f"{template.age_band}: {yes_no.text('sv')}"
    [row] = [values for values in renderers.body(report) if values[0] == label]
    assert "7" not in row[1:]  # the group's one answer is not shown as a count
    assert row[7] == "*"  # "Nej"
