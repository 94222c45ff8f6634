"""Teaching in protected housing (issue 11): a school start by Lärteamet, Lärteamet's
weekly hours against the full teaching time, and the report of both."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World, place, register
from obruten.audit.models import AuditEvent
from obruten.register import services as register_services
from obruten.register.models import Child
from obruten.teaching import timeplan
from obruten.teaching.models import TeachingWeek

YOUNG = "201503102384"  # born 2015-03-10: årskurs 4 in the autumn of 2025


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_the_full_teaching_time_follows_the_timplan_worked_examples() -> None:
    assert timeplan.school_year(date(2015, 3, 10), date(2025, 9, 1)) == 4
    assert timeplan.school_year(date(2015, 3, 10), date(2025, 6, 30)) == 3
    assert timeplan.full_hours_per_week(0) == Decimal("14.7")  # 525 h × 5 / 178 days
    assert timeplan.full_hours_per_week(2) == Decimal("17.4")  # 1,860 / 3 × 5 / 178
    assert timeplan.full_hours_per_week(5) == Decimal("21.1")  # 2,249 / 3 × 5 / 178
    assert timeplan.full_hours_per_week(8) == Decimal("22.1")  # 2,363 / 3 × 5 / 178
    assert timeplan.full_hours_per_week(10) is None  # not in the grundskola's timplan


def test_larteamet_records_a_school_start_by_larteamet_shown_only_where_whereabouts_are(
    world: World,
) -> None:
    url = reverse(
        "register:school_start",
        kwargs={"child_id": world.protected.pk, "placement_id": world.protected_placement.pk},
    )
    first_day = world.protected_placement.start_date + timedelta(days=3)
    response = _client(world, "larteamet").post(
        url, {"taught_by_larteamet": "on", "first_school_day": first_day.isoformat()}
    )
    assert response.status_code == 302
    start = world.protected_placement.school_start
    start.refresh_from_db()
    assert (start.school, start.taught_by_larteamet, start.days_to_school_start) == (None, True, 3)
    detail = reverse("register:child_detail", kwargs={"child_id": world.protected.pk})
    assert "Undervisning av Lärteamet" in _client(world, "case_worker").get(detail).content.decode()
    assert "Undervisning av Lärteamet" not in _client(world, "case_worker_2").get(detail).content.decode()


def test_teaching_by_larteamet_is_refused_outside_protected_housing_and_with_a_school(world: World) -> None:
    today = timezone.localdate()
    for placement, school in [(world.own_placement, None), (world.protected_placement, world.school)]:
        with pytest.raises(ValidationError):
            register_services.record_school_start(
                actor=world.users["case_worker"],
                placement=placement,
                school=school,
                taught_by_larteamet=True,
                first_school_day=today,
                via="test",
            )
    # A forged field on the form of a placement that is not protected housing changes nothing.
    url = reverse(
        "register:school_start", kwargs={"child_id": world.own.pk, "placement_id": world.own_placement.pk}
    )
    _client(world, "case_worker").post(
        url, {"taught_by_larteamet": "on", "first_school_day": today.isoformat()}
    )
    world.own_placement.school_start.refresh_from_db()
    assert world.own_placement.school_start.taught_by_larteamet is False


@pytest.fixture
def young(world: World) -> Child:
    cw = world.users["case_worker"]
    child = register(YOUNG, "Dagny", "farsta", cw)
    place(
        child, "skyddat_boende", "farsta", timezone.localdate() - timedelta(days=40), cw, school_change=True
    )
    return child


def _monday(weeks_ago: int) -> date:
    today = timezone.localdate()
    return today - timedelta(days=today.weekday(), weeks=weeks_ago)


def test_larteamet_records_teaching_hours_and_the_report_shows_full_teaching_time(
    world: World, young: Child
) -> None:
    url = reverse("teaching:child", kwargs={"child_id": young.pk})
    client = _client(world, "larteamet")
    week = _monday(1)
    response = client.post(url, {"week": f"{week:%G-W%V}", "hours": "25"})
    assert response.status_code == 302
    record = TeachingWeek.objects.get(child=young)
    expected = timeplan.full_hours_per_week(timeplan.school_year(young.birth_date, week))
    assert (record.week, record.hours, record.full_hours) == (week, Decimal(25), expected)
    assert AuditEvent.objects.filter(object_type="teachingweek", child=young, action="create").exists()

    report = client.get(reverse("teaching:report"))
    page = report.content.decode()
    assert "Testsson, Dagny" in page and "full undervisningstid (100 %)" in page
    assert AuditEvent.objects.filter(via="teaching:report", child=young, action="list").exists()

    # A second, short week is not made up by the long one: the hours missed are missed.
    client.post(url, {"week": f"{_monday(1):%G-W%V}", "hours": "40"})
    client.post(url, {"week": f"{_monday(2):%G-W%V}", "hours": "12"})
    page = client.get(reverse("teaching:report")).content.decode()
    assert "0 av 1 med registrerad tid" in page and "Nej (1 av 2 veckor)" in page


def test_larteamets_pages_link_to_the_teaching_report(world: World) -> None:
    report = reverse("teaching:report")
    assert (
        f'href="{report}"' in _client(world, "larteamet").get(reverse("home"), follow=True).content.decode()
    )
    assert (
        f'href="{report}"'
        not in _client(world, "case_worker").get(reverse("home"), follow=True).content.decode()
    )


def test_only_larteamet_records_and_only_it_and_the_responsible_case_worker_read(
    world: World, young: Child
) -> None:
    url = reverse("teaching:child", kwargs={"child_id": young.pk})
    post = {"week": f"{_monday(1):%G-W%V}", "hours": "25"}
    assert _client(world, "case_worker").get(url).status_code == 200
    assert _client(world, "case_worker").post(url, post).status_code == 403
    assert _client(world, "case_worker_2").get(url).status_code == 403
    assert _client(world, "unit_manager").get(url).status_code == 403
    assert not TeachingWeek.objects.exists()


def test_bad_teaching_weeks_are_refused_on_their_field(world: World, young: Child) -> None:
    url = reverse("teaching:child", kwargs={"child_id": young.pk})
    client = _client(world, "larteamet")
    next_week = _monday(-1)
    before_placement = _monday(10)
    for week, hours, field, message in [
        ("vecka sju", "10", "week", "till exempel 2025-W07"),
        (f"{next_week:%G-W%V}", "10", "week", "framtiden"),
        (f"{before_placement:%G-W%V}", "10", "week", "inte placerat i skyddat boende"),
        (f"{_monday(1):%G-W%V}", "60", "hours", "högst 40 timmar"),  # 8 a day in årskurs 4
        (f"{_monday(1):%G-W%V}", "41", "hours", "skolförordningen 3 kap. 4 §"),
    ]:
        response = client.post(url, {"week": week, "hours": hours})
        assert message in " ".join(response.context["form"].errors[field]), week
        assert week in response.content.decode()  # what was typed stays
    assert not TeachingWeek.objects.exists()
