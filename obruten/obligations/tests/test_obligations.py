"""Issue 20: every duty a stored obligation that the work clears, one engine for the
to-do, the reminders and the compliance report."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import TEST_NUMBERS, World, place, register
from obruten.audit.models import AuditEvent
from obruten.followup import services as followup_services
from obruten.followup.models import FollowUpKind
from obruten.lib.personnummer import luhn_check_digit
from obruten.obligations import selectors, services
from obruten.obligations.models import Kind, Obligation, State
from obruten.register.models import Child
from obruten.statistics.definitions import Params, followup_compliance


def number(birth: date, serial: int = 238) -> str:
    nine = f"{birth:%y%m%d}{serial:03d}"
    return f"{birth:%Y%m%d}{serial:03d}{luhn_check_digit(nine)}"


def stored(child: Child, kind: str) -> list[tuple[date, str, date | None]]:
    rows = Obligation.objects.filter(child=child, kind=kind).order_by("due")
    return [(row.due, row.state, row.done_on) for row in rows]


def review(world: World, child: Child, day: date, kind: str = FollowUpKind.REVIEW) -> None:
    followup_services.record_follow_up(
        actor=world.users["case_worker"],
        child=child,
        data=followup_services.FollowUpData(kind=kind, date=day),
        via="test",
    )


def test_every_write_recomputes_the_childs_obligations_in_its_transaction(world: World) -> None:
    today = timezone.localdate()
    cw = world.users["case_worker"]
    child = register(TEST_NUMBERS[3], "Dora", "farsta", cw)
    place(child, "hvb", "farsta", today - timedelta(days=200), cw)
    # No recomputation by hand: the placement's audited write stored its obligations.
    [(due, state, _)] = stored(child, Kind.REVIEW)
    assert state == State.OPEN and due < today + timedelta(days=1)
    review(world, child, today)
    assert stored(child, Kind.REVIEW)[0] == (due, State.DONE, today)
    assert stored(child, Kind.REVIEW)[1][1] == State.OPEN


def test_the_coordinators_missed_period_is_missed_in_the_report_not_on_the_list(world: World) -> None:
    today = timezone.localdate()
    cw, coordinator = world.users["case_worker"], world.users["school_coordinator"]
    child = register(TEST_NUMBERS[3], "Dora", "farsta", cw)
    place(child, "hvb", "farsta", today - timedelta(days=200), cw)
    missed = Obligation.objects.filter(child=child, kind=Kind.COORDINATOR, state=State.MISSED)
    assert missed.exists()
    items = selectors.due_items(Child.objects.filter(pk=child.pk), today, horizon_days=365)
    assert [i for i in items if i.kind == Kind.COORDINATOR and i.due < today] == []
    table = followup_compliance(Params(year=missed[0].due.year))
    row = table.row_labels.index("Farsta")
    assert table.cells[row][2] >= 1 and table.cells[row][3] == 0
    # The walk: the coordinator records today's follow-up with the form; the row clears.
    client = Client()
    client.force_login(coordinator)
    [row_before] = [
        i for i in client.get(reverse("obligations:coordinator")).context["items"] if i.child_id == child.pk
    ]
    response = client.post(
        row_before.url,
        {
            "kind": FollowUpKind.COORDINATOR,
            "date": today.isoformat(),
            "school_form": "grundskola",
            "swedish_subject": "SV",
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    [row_after] = [
        i for i in client.get(reverse("obligations:coordinator")).context["items"] if i.child_id == child.pk
    ]
    assert row_after.due > row_before.due
    assert Obligation.objects.get(pk=row_before.obligation_id).state == State.DONE


def test_the_compliance_report_asks_the_law_not_its_own_clock(world: World) -> None:
    """Issue 20's two examples, by the stored obligations (SoL 6 kap. 8 §)."""
    cw = world.users["case_worker"]
    # Born 2006-05-01, stödboende under SoL from 2025-01-10: 18, no övervägande by law.
    young = register(number(date(2006, 5, 1)), "Ung", "farsta", cw)
    place(young, "stodboende", "farsta", date(2025, 1, 10), cw, legal_basis="SoL")
    assert stored(young, Kind.REVIEW) == []
    # Born 2012-02-01, jourhem 10 January–31 March 2025, then a family home; övervägande
    # done 2025-08-15: due 2025-07-10 by law, 36 days late.
    child = register(number(date(2012, 2, 1)), "Barn", "farsta", cw)
    place(child, "jourhem", "farsta", date(2025, 1, 10), cw, legal_basis="SoL", end_date=date(2025, 3, 31))
    place(child, "familjehem", "farsta", date(2025, 4, 1), cw, legal_basis="SoL", unit_name="Hem A")
    review(world, child, date(2025, 8, 15))
    assert stored(child, Kind.REVIEW)[0] == (date(2025, 7, 10), State.DONE, date(2025, 8, 15))
    table = followup_compliance(Params(year=2025, district="farsta"))
    farsta = table.row_labels.index("Farsta")
    due, on_time = table.cells[farsta][0], table.cells[farsta][1]
    ids = Obligation.objects.filter(kind=Kind.REVIEW, due__year=2025, child__district__code="farsta")
    assert due == ids.count() and on_time == sum(o.done_on is not None and o.done_on <= o.due for o in ids)
    assert not Obligation.objects.filter(child__in=[young], kind=Kind.REVIEW).exists()


def test_the_follow_up_after_lvu_care_ends(world: World) -> None:
    """Prop. 2021/22:178 (bet. 2021/22:SoU33): when LVU care of one under 18 ends, the
    situation is followed up, finished within six months."""
    cw = world.users["case_worker"]
    child = register(number(date(2012, 6, 1)), "Efter", "farsta", cw)
    place(
        child,
        "familjehem",
        "farsta",
        date(2025, 1, 10),
        cw,
        legal_basis="LVU2",
        end_date=date(2026, 10, 31),
        unit_name="Hem A",
    )
    assert stored(child, Kind.AFTER_LVU) == [(date(2027, 4, 30), State.OPEN, None)]
    services.recompute([child.pk], date(2027, 5, 1))  # its six months over, not done: missed
    assert stored(child, Kind.AFTER_LVU) == [(date(2027, 4, 30), State.MISSED, None)]
    review(world, child, date(2026, 11, 20), FollowUpKind.AFTER_LVU)
    assert stored(child, Kind.AFTER_LVU) == [(date(2027, 4, 30), State.DONE, date(2026, 11, 20))]
    # Care under SoL that ends, or LVU care that ended before 1 July 2022: no such duty.
    other = register(number(date(2012, 6, 2)), "Sol", "farsta", cw)
    place(
        other, "familjehem", "farsta", date(2025, 1, 10), cw, legal_basis="SoL", end_date=date(2026, 10, 31)
    )
    assert stored(other, Kind.AFTER_LVU) == []


def test_an_ended_placement_leaves_no_task_but_its_closing_steps(world: World) -> None:
    today = timezone.localdate()
    cw = world.users["case_worker"]
    child = register(TEST_NUMBERS[3], "Dora", "farsta", cw)
    place(child, "hvb", "farsta", date(2023, 1, 9), cw, school_change=True, end_date=date(2024, 3, 1))
    open_ = Obligation.objects.filter(child=child, state=State.OPEN)
    assert list(open_) == []  # the school start is missed, the closing steps long past
    assert Obligation.objects.filter(child=child, kind=Kind.SCHOOL_START, state=State.MISSED).exists()
    items = selectors.due_items(Child.objects.filter(pk=child.pk), today, horizon_days=3650)
    assert items == []


def test_closing_a_task_as_not_done_needs_a_reason_and_the_right_person(world: World) -> None:
    today = timezone.localdate()
    cw = world.users["case_worker"]
    child = register(TEST_NUMBERS[3], "Dora", "farsta", cw)
    place(child, "hvb", "farsta", today - timedelta(days=30), cw)
    health = Obligation.objects.get(child=child, kind=Kind.HEALTH)
    with pytest.raises(ValidationError):
        services.close_not_done(actor=cw, obligation_id=health.pk, reason=" ", via="test")
    for outsider in (
        world.users["case_worker_2"],
        world.users["school_coordinator"],
        world.users["case_worker_bromma"],
    ):
        with pytest.raises(PermissionDenied):
            services.close_not_done(actor=outsider, obligation_id=health.pk, reason="x", via="test")
    client = Client()
    client.force_login(cw)
    url = reverse("obligations:close", args=[health.pk])
    page = client.post(url, {"reason": "", "next": "/att-gora/"})
    assert page.status_code == 200 and "Skäl" in page.content.decode()
    assert client.post(url, {"reason": "Regionen gjorde den redan", "next": "/att-gora/"}).status_code == 302
    health.refresh_from_db()
    assert (health.state, health.closed_reason, health.closed_by) == (
        State.NOT_REQUIRED,
        "Regionen gjorde den redan",
        cw,
    )
    event = AuditEvent.objects.filter(child_id=child.pk, via="obligations:close", action="update").get()
    assert event.reason == "Regionen gjorde den redan"
    services.recompute([child.pk])  # stays closed
    health.refresh_from_db()
    assert health.state == State.NOT_REQUIRED
    assert health.pk not in {
        i.obligation_id for i in selectors.due_items(Child.objects.filter(pk=child.pk), today)
    }
    # The enhetschef of the district may close one too; another's page answers 404.
    other = (
        Obligation.objects.filter(child=child, state=State.OPEN)
        .exclude(kind__in=services.NOT_CLOSABLE)
        .first()
    )
    assert other is not None
    stranger = Client()
    stranger.force_login(world.users["case_worker_bromma"])
    assert stranger.get(reverse("obligations:close", args=[other.pk])).status_code == 404
    services.close_not_done(
        actor=world.users["unit_manager"], obligation_id=other.pk, reason="Ej aktuellt", via="test"
    )


def test_the_stored_obligations_equal_a_recomputation_from_scratch(world: World) -> None:
    call_command("obligations", "check")
    Obligation.objects.all().delete()
    call_command("obligations", "refresh")
    call_command("obligations", "check")
    Obligation.objects.filter(state=State.OPEN).update(due=date(2000, 1, 1))
    with pytest.raises(Exception, match="differ"):
        call_command("obligations", "check")


def test_the_enhetschefs_page_leads_with_counts_and_pages_the_list(world: World) -> None:
    cw = world.users["case_worker"]
    today = timezone.localdate()
    for serial in range(60):
        child = register(
            number(date(2014, 1, 1) + timedelta(days=serial), 300 + serial), "Barn", "farsta", cw
        )
        place(child, "familjehem", "farsta", today - timedelta(days=200), cw, legal_basis="SoL")
    client = Client()
    client.force_login(world.users["unit_manager"])
    page = client.get(reverse("obligations:district"))
    assert page.context["rows"] == [] and page.context["loads"]
    assert "Visa alla" in page.content.decode()
    assert not AuditEvent.objects.filter(via="obligations:district", child__first_name="Barn").exists()
    first = client.get(reverse("obligations:district"), {"visa": "alla"})
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.count > 60
    listed = AuditEvent.objects.filter(via="obligations:district", action="list", child__first_name="Barn")
    assert listed.count() <= 50  # only the children on the page shown
    second = client.get(reverse("obligations:district"), {"visa": "alla", "sida": "2"})
    assert second.context["page"].number == 2
    assert "sida=1" in second.content.decode()


# The review of issue 20's obligations (an attacker's and an engineer's reading).


def test_a_review_the_law_repeats_cannot_be_closed_by_hand(world: World) -> None:
    """Closing one would have hidden every later review for as long as the care lasts."""
    today = timezone.localdate()
    cw = world.users["case_worker"]
    child = register(TEST_NUMBERS[3], "Dora", "farsta", cw)
    place(child, "hvb", "farsta", today - timedelta(days=200), cw)
    review_task = Obligation.objects.get(child=child, kind=Kind.REVIEW, state=State.OPEN)
    with pytest.raises(ValidationError):
        services.close_not_done(actor=cw, obligation_id=review_task.pk, reason="Gjord muntligt", via="test")


def test_a_close_reason_is_shown_only_to_those_who_may_read_the_childs_log(world: World) -> None:
    cw = world.users["case_worker"]
    task = (
        Obligation.objects.filter(child=world.protected, state=State.OPEN).exclude(kind=Kind.REVIEW).first()
    )
    assert task is not None
    services.close_not_done(actor=cw, obligation_id=task.pk, reason="Flyttat till Arjeplog", via="test")
    url = reverse("register:child_detail", args=[world.protected.pk])
    for role, sees in [("case_worker", True), ("case_worker_2", False), ("school_coordinator", False)]:
        client = Client()
        client.force_login(world.users[role])
        page = client.get(url)
        assert page.status_code == 200
        assert ("Arjeplog" in page.content.decode()) == sees, role


def test_a_review_on_the_day_a_new_decision_begins_reviews_nothing_yet(world: World) -> None:
    cw = world.users["case_worker"]
    child = register(number(date(2013, 3, 1)), "Byte", "farsta", cw)
    place(child, "hvb", "farsta", date(2025, 1, 10), cw, legal_basis="SoL", end_date=date(2025, 8, 31))
    place(child, "hvb", "farsta", date(2025, 9, 1), cw, legal_basis="LVU2")
    review(world, child, date(2025, 9, 1))
    new_basis = [row for row in stored(child, Kind.REVIEW) if row[0] > date(2025, 8, 31)]
    assert new_basis[0] == (date(2026, 3, 1), State.OPEN, None)  # not "done on its first day"
    assert len([row for row in new_basis if row[0] == date(2026, 3, 1)]) == 1


def test_immediate_custody_then_care_asks_the_region_for_a_health_examination(world: World) -> None:
    today = timezone.localdate()
    cw = world.users["case_worker"]
    child = register(number(date(2013, 5, 1)), "Akut", "farsta", cw)
    place(
        child,
        "jourhem",
        "farsta",
        today - timedelta(days=60),
        cw,
        legal_basis="LVU6",
        end_date=today - timedelta(days=31),
    )
    place(child, "hvb", "farsta", today - timedelta(days=30), cw, legal_basis="LVU2")
    assert stored(child, Kind.HEALTH) == [(today - timedelta(days=30) + timedelta(days=14), State.OPEN, None)]


def test_a_changed_placement_form_recomputes_every_child_once_it_is_saved(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from obruten.municipal import services as municipal_services
    from obruten.register.models import PlacementForm

    assert services.differences() == []
    hvb = PlacementForm.objects.get(code="hvb")
    hvb.school_coordinator_follows_up = not hvb.school_coordinator_follows_up
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        municipal_services.save_code_list_entry(actor=world.users["administrator"], entry=hvb, via="test")
    assert len(callbacks) == 1
    assert services.differences() == []
