"""Issue 21's figures from the seeds: why school starts came late (a code list) and whether
the child was placed in the own municipality (never counted for a protected child), and
Lärteamet's: schooling within the goal of arriving in protected housing (whom it teaches
is never counted)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import make_user
from obruten.accounts.models import Role
from obruten.lib import school_start as rule
from obruten.register import services
from obruten.register.models import District, Municipality, Placement, PlacementForm, School
from obruten.statistics.definitions import (
    LARTEAMET_COLUMNS,
    Params,
    larteamet,
    school_start,
    school_start_late,
)
from obruten.statistics.tests.test_counting_rules import child, column, place, row
from obruten.teaching.models import TeachingWeek

YEAR = 2025


def _start(placement: Placement, days: int, reason: str = "", *, larteamet: bool = False) -> None:
    services.record_school_start(
        actor=None,
        placement=placement,
        school=None if larteamet else School.objects.first(),
        taught_by_larteamet=larteamet,
        first_school_day=placement.start_date + timedelta(days=days),
        late_reason=reason,
        via="test",
    )


def _placed_in(placement: Placement, code: str | None) -> None:
    Placement.objects.filter(pk=placement.pk).update(
        location_municipality=Municipality.objects.get(code=code) if code else None
    )


@pytest.mark.parametrize(
    ("days", "reason", "problem"),
    [
        (7, "", None),  # the goal's last day is within it
        (7, "annat", None),  # an on-time start keeps no reason (the service clears it)
        (8, "", "missing"),
        (8, "vantar_beslut", None),
        (20, "okand", "unknown"),
    ],
)
def test_a_late_start_names_its_reason_from_the_code_list(
    days: int, reason: str, problem: str | None
) -> None:
    assert rule.late_reason_problem(days, 7, reason) == problem


def test_late_school_starts_count_by_reason_and_place_as_school_start_counts_them(
    world: Any, settings: Any
) -> None:
    settings.SCHOOL_START_GOAL_DAYS = 7
    spring = date(YEAR, 3, 3)
    on_time = place(child(date(2012, 1, 1)), "hvb", "farsta", spring, school_change=True)
    _start(on_time, 3)
    waiting = place(child(date(2012, 2, 1)), "hvb", "farsta", spring, school_change=True)
    _placed_in(waiting, "0181")  # Södertälje
    _start(waiting, 20, "vantar_beslut")
    protected = place(child(date(2011, 3, 1)), "skyddat_boende", "farsta", spring, school_change=True)
    _start(protected, 30, "skyddad")
    never = place(child(date(2013, 4, 1)), "familjehem", "bromma", spring, school_change=True)
    _placed_in(never, "0180")

    table = school_start_late(Params(year=YEAR))
    hvb, skyb, family = row(table, "HVB"), row(table, "Skyddat boende"), row(table, "Familjehem")
    assert (
        hvb[column(table, "Väntade på skolans beslut")] == 1 and hvb[column(table, "I en annan kommun")] == 1
    )
    assert skyb[column(table, "Skyddade uppgifter fördröjde")] == 1
    # Where a child in protected housing is placed is never counted (its whereabouts): moving
    # it to another municipality changes no figure.
    assert skyb[column(table, "Skyddad vistelseort")] == 1
    _placed_in(protected, "0181")
    assert school_start_late(Params(year=YEAR)).cells == table.cells
    assert (
        family[column(table, "Ingen skolstart ännu")] == 1
        and family[column(table, "I den egna kommunen")] == 1
    )
    assert table.totals is not None and table.totals.grand == 3  # the on-time start is not late
    # The same late starts as school-start's two late columns, over the city.
    starts = school_start(Params(year=YEAR))
    assert starts.totals is None
    assert sum(sum(r[1:3]) for r in starts.cells) == table.totals.grand


def test_a_late_school_start_without_a_reason_is_refused_and_changes_nothing(
    world: Any, settings: Any
) -> None:
    settings.SCHOOL_START_GOAL_DAYS = 7
    placement = place(child(date(2012, 1, 1)), "hvb", "farsta", date(YEAR, 3, 3), school_change=True)
    with pytest.raises(ValidationError) as refused:
        _start(placement, 9)
    assert "ange orsaken" in str(refused.value.message_dict["late_reason"])
    assert not hasattr(Placement.objects.get(pk=placement.pk), "school_start")
    _start(placement, 3, "annat")  # on time: the reason is not kept
    assert Placement.objects.get(pk=placement.pk).school_start.late_reason == ""


def _accompanying(kid: Any, start: date) -> Placement:
    return services.register_placement(
        actor=None,
        child=kid,
        via="test",
        data=services.PlacementData(
            form=PlacementForm.objects.get(code="skyddat_boende"),
            legal_basis="SKYB",  # since 1 April 2024 the child has a decision of its own (lag 2024:79)
            accompanying=True,
            start_date=start,
            end_date=None,
            district=District.objects.get(code="farsta"),
            placing_municipality=Municipality.objects.get(code="0180"),
        ),
    )


def _weeks(kid: Any, first: date, hours: list[str], teacher: Any) -> None:
    for n, taught in enumerate(hours):
        TeachingWeek.objects.create(
            child=kid,
            week=first + timedelta(weeks=n),
            hours=Decimal(taught),
            full_hours=Decimal(25),
            recorded_by=teacher,
        )


def test_larteamet_counts_schooling_within_the_goal_and_never_who_it_teaches(
    world: Any, settings: Any
) -> None:
    settings.SCHOOL_START_GOAL_DAYS = 7
    teacher = make_user("larare", Role.LARTEAMET, [])
    arrived = date(YEAR, 3, 3)  # a Monday
    within = place(child(date(2014, 1, 1)), "skyddat_boende", "farsta", arrived)
    _start(within, 5, larteamet=True)
    _weeks(within.child, arrived, ["25", "26"], teacher)
    late = place(child(date(2013, 1, 1)), "skyddat_boende", "farsta", arrived)
    _start(late, 12, "skyddad", larteamet=True)
    _weeks(late.child, arrived, ["25", "12"], teacher)  # one short week: not full time
    came_along = _accompanying(child(date(2015, 1, 1)), arrived)  # no schooling recorded

    table = larteamet(Params(year=YEAR))
    placed, accompanying = row(table, "Placerade i skyddat boende"), row(table, "Medföljande")
    assert placed == [1, 1, 0] and accompanying == [0, 0, 1]
    assert table.col_labels == LARTEAMET_COLUMNS
    # Whom Lärteamet teaches in the housing is its whereabouts: more weeks change no figure.
    _weeks(came_along.child, arrived, ["25"], teacher)
    assert larteamet(Params(year=YEAR)).cells == table.cells
    assert came_along.accompanying
