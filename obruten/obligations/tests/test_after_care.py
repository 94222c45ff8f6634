"""Leaving care (issue 24): where the child goes, the school afterwards, and the follow-ups
of the schooling after a return home (seed 001, "Stöd efter avslutad placering")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import World, place, register
from obruten.audit.models import AuditEvent
from obruten.followup import services as followup
from obruten.followup.models import FollowUpKind
from obruten.lib import cadence
from obruten.municipal import services as municipal_services
from obruten.obligations import services
from obruten.obligations.models import Kind, Obligation, State
from obruten.register import services as register_services
from obruten.register.models import Child, ExitDestination, School

from .test_due_by_law import number

TODAY = date(2026, 12, 7)


def after_care(child: Child, today: date = TODAY) -> list[tuple[date, str]]:
    services.recompute([child.pk], today)
    rows = Obligation.objects.filter(child=child, kind=Kind.AFTER_CARE).order_by("due")
    return [(o.due, o.state) for o in rows]


def test_the_rule_one_and_six_months_after_care_late_done_and_missed() -> None:
    ended, months = date(2026, 3, 15), (1, 6)
    open_then = cadence.after_care_occurrences(ended, months, [], date(2026, 4, 1), None)
    assert [(o.due, o.state) for o in open_then] == [(date(2026, 4, 15), "open"), (date(2026, 9, 15), "open")]
    late = cadence.after_care_occurrences(ended, months, [date(2026, 5, 2)], date(2026, 10, 20), None)
    assert [(o.due, o.state, o.done_on) for o in late] == [
        (date(2026, 4, 15), "done", date(2026, 5, 2)),  # late, but done before the next fell due
        (date(2026, 9, 15), "missed", None),  # none by a month after it fell due
    ]
    back = cadence.after_care_occurrences(ended, months, [], date(2026, 10, 20), date(2026, 6, 1))
    assert [(o.due, o.state) for o in back] == [(date(2026, 4, 15), "missed")]  # back in care before 6 m


def test_a_return_home_makes_the_schooling_follow_up_due_a_month_later_and_recording_it_clears_it(
    world: World,
) -> None:
    cw = world.users["case_worker"]
    child = register(number(date(2012, 5, 4), serial=310), "Alva", "farsta", cw)
    placement = place(child, "familjehem", "farsta", date(2026, 1, 10), cw, unit_name="Hem C")
    data = register_services.PlacementData(
        **{name: getattr(placement, name) for name in register_services.PLACEMENT_FIELDS}
    )
    data.end_date, data.exit_destination = date(2026, 11, 20), ExitDestination.HOME
    register_services.update_placement(actor=cw, placement=placement, data=data, via="test")
    assert after_care(child) == [(date(2026, 12, 20), State.OPEN), (date(2027, 5, 20), State.OPEN)]
    followup.record_follow_up(
        actor=cw,
        child=child,
        data=followup.FollowUpData(kind=FollowUpKind.AFTER_CARE, date=TODAY, school_form="grundskola"),
        via="test",
    )
    assert after_care(child)[0] == (date(2026, 12, 20), State.DONE)
    with override_settings(AFTER_CARE_SCHOOL_FOLLOW_UP_MONTHS=(2,)):
        assert after_care(child, date(2027, 2, 1)) == [(date(2027, 1, 20), State.DONE)]


@pytest.mark.parametrize("destination", [ExitDestination.NEW_PLACEMENT, ExitDestination.OWN_HOUSING, ""])
def test_no_schooling_follow_up_unless_the_child_returns_home(world: World, destination: str) -> None:
    cw = world.users["case_worker"]
    child = register(number(date(2012, 5, 4), serial=311), "Alva", "farsta", cw)
    place(
        child,
        "hvb",
        "farsta",
        date(2026, 1, 10),
        cw,
        end_date=date(2026, 11, 20),
        exit_destination=destination,
    )
    assert after_care(child) == []


def test_where_the_child_goes_is_said_when_the_placement_ends(world: World) -> None:
    cw = world.users["case_worker"]
    child = register(number(date(2012, 5, 4), serial=312), "Alva", "farsta", cw)
    school = School.objects.create(unit_code="99887766", name="Skolan efteråt")
    for extra, field in (
        ({"exit_destination": ExitDestination.HOME}, "exit_destination"),
        ({"school_after": school}, "school_after"),
        ({"exit_destination": "semester", "end_date": date(2026, 3, 1)}, "exit_destination"),
    ):
        with pytest.raises(ValidationError) as refused:
            place(child, "hvb", "farsta", date(2026, 1, 10), cw, **extra)
        assert field in refused.value.message_dict
    assert not child.placements.exists()


def test_the_coordinators_follow_upper_secondary_school_where_the_municipality_extends_it(
    world: World,
) -> None:
    """Issue 24: Stockholm's coordinators follow young people in gymnasieskolan too (seed 002);
    a municipality that does not sets COORDINATOR_FOLLOWS_UPPER_SECONDARY off, and the
    follow-ups end with the spring term of year 9."""
    cw = world.users["case_worker"]
    young = register(number(date(2010, 3, 1), serial=313), "Gymn", "farsta", cw)  # 16 in 2026
    place(young, "hvb", "farsta", date(2025, 9, 1), cw, unit_name="HVB A")

    def coordinator_dues(today: date) -> list[date]:
        services.recompute([young.pk], today)
        rows = Obligation.objects.filter(child=young, kind=Kind.COORDINATOR).order_by("due")
        return [o.due for o in rows]

    assert max(coordinator_dues(TODAY)) > date(2026, 8, 20)  # followed in gymnasieskolan
    with override_settings(COORDINATOR_FOLLOWS_UPPER_SECONDARY=False):
        assert max(coordinator_dues(TODAY)) <= date(2026, 6, 12)  # not after year 9


def test_the_coordinators_target_group_changes_from_its_day_and_not_before(world: World) -> None:
    """Issue 23: the coordinators' target group is a dated setting. A municipality that
    stops following young people after year 9 from a day keeps the follow-ups that fell
    due before it (done or missed, as reported); only those due from that day go."""
    cw = world.users["case_worker"]
    young = register(number(date(2010, 3, 1), serial=314), "Gymn", "farsta", cw)  # year 9 ended June 2026
    place(young, "hvb", "farsta", date(2025, 9, 1), cw, unit_name="HVB A")
    today = timezone.localdate()

    def coordinator_dues() -> list[date]:
        services.recompute([young.pk], today + timedelta(days=200))
        return sorted(
            Obligation.objects.filter(child=young, kind=Kind.COORDINATOR).values_list("due", flat=True)
        )

    followed = coordinator_dues()
    assert [due for due in followed if due > today]  # followed in gymnasieskolan, on and on
    municipal_services.set_coordinator_target_group(
        actor=world.users["administrator"], valid_from=today, follows_upper_secondary=False, via="test"
    )
    assert AuditEvent.objects.filter(object_type="coordinatortargetgroup").exists()
    after = coordinator_dues()
    kept = [due for due in followed if due < today]
    assert [due for due in kept if due > date(2026, 6, 12)]  # some after year 9, before the change
    # The quarter the change falls in was partly followed, so its follow-up stays due; none later.
    assert after == [*kept, min(due for due in followed if due >= today)]


def test_the_administrator_sets_the_coordinators_target_group_in_the_admin(world: World) -> None:
    client = Client()
    client.force_login(world.users["administrator"])
    add = reverse("admin:municipal_coordinatortargetgroup_add")
    page = client.get(add).content.decode()
    assert "Följer unga i gymnasieskolan" in page
    today = timezone.localdate().isoformat()
    assert client.post(add, {"valid_from": today}).status_code == 302  # unticked: until year 9
    event = AuditEvent.objects.get(object_type="coordinatortargetgroup")
    assert event.via == "admin:municipal_coordinatortargetgroup"
    assert event.changes["follows_upper_secondary"] == [None, False]
    history = client.get(reverse("admin:municipal_coordinatortargetgroup_changelist")).content.decode()
    assert f"Skolsamordnarna följer barnen till och med årskurs 9 från {today}" in history
