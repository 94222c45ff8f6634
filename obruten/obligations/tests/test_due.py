"""What is due and overdue, and how recording work makes it go away."""

from __future__ import annotations

from datetime import date, timedelta

from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import TEST_NUMBERS, World, place, register
from obruten.followup import chain
from obruten.followup import services as followup_services
from obruten.followup.models import ChainModel, ChainStepRecord, FollowUpKind
from obruten.lib.calendar import add_months
from obruten.obligations.models import Kind
from obruten.obligations.tests import helpers
from obruten.register import services
from obruten.register.models import Child


def _kinds(child: Child, today: date) -> dict[str, list[date]]:
    items: dict[str, list[date]] = {}
    for item in helpers.due_items(Child.objects.filter(pk=child.pk), today, horizon_days=3650):
        items.setdefault(item.kind, []).append(item.due)
    return items


def test_a_new_placement_with_a_school_change_gets_the_chain_and_the_rules(world: World) -> None:
    today = timezone.localdate()
    cw = world.users["case_worker"]
    child = register(TEST_NUMBERS[3], "Dora", "farsta", cw)
    start = today - timedelta(days=40)
    place(child, "hvb", "farsta", start, cw, school_change=True)
    kinds = _kinds(child, today)
    sams_start_steps = 6  # the SAMS steps counted from the start
    assert len(kinds[Kind.CHAIN]) == sams_start_steps
    assert kinds[Kind.SCHOOL_START] == [start + timedelta(days=7)]
    assert kinds[Kind.REVIEW] == [add_months(start, 6)]
    assert kinds[Kind.HEALTH] == [start + timedelta(days=14)]
    assert Kind.COORDINATOR in kinds  # HVB: the school coordinators follow up
    assert Kind.CUSTODY not in kinds  # not a family home


def test_the_review_is_due_six_months_after_the_start_then_after_the_latest(world: World) -> None:
    today = timezone.localdate()
    # The world recorded an övervägande today for every child; Bodil was 18 in
    # February 2026, so under SoL only the municipality's own routine reviews her.
    with override_settings(LOCAL_REVIEW_AFTER_18=True):
        review = _kinds(world.other, today)[Kind.REVIEW]
    assert review == [add_months(today, 6)]


def test_ending_a_placement_opens_the_closing_phase_and_a_new_one_restarts_the_chain(world: World) -> None:
    today = timezone.localdate()
    cw = world.users["case_worker"]
    placement = world.own_placement
    steps = chain.active_steps()
    before = chain.chain_items(placement, steps, today)
    assert {item.step.anchor for item in before} == {"start"}
    data = services.PlacementData(
        form=placement.form,
        legal_basis=placement.legal_basis,
        start_date=placement.start_date,
        district=placement.district,
        placing_municipality=placement.placing_municipality,
        end_date=today - timedelta(days=2),
        school_change=True,
    )
    services.update_placement(actor=cw, placement=placement, data=data, via="test")
    placement.refresh_from_db()
    closing = chain.chain_items(placement, steps, today)
    # Open work only: the school-start step, ticked by the world's school start, stays done.
    assert {item.step.phase for item in closing if item.record is None} == {"Inför avslut", "Uppföljning"}
    new = place(world.own, "hvb", "farsta", today - timedelta(days=1), cw, school_change=True)
    assert len(chain.chain_items(new, steps, today)) == 6


def test_uppsam_can_be_chosen_instead_of_sams(world: World) -> None:
    ChainModel.objects.update(is_active=False)
    ChainModel.objects.filter(code="uppsam").update(is_active=True)
    phases = {
        item.step.phase
        for item in chain.chain_items(world.own_placement, chain.active_steps(), timezone.localdate())
    }
    assert phases <= {"Planering", "Introduktion", "Pågående stöd"}


def test_marking_a_chain_step_done_takes_it_off_the_list(world: World) -> None:
    client = Client()
    client.force_login(world.users["case_worker"])
    today = timezone.localdate()
    item = next(
        i for i in chain.chain_items(world.own_placement, chain.active_steps(), today) if i.record is None
    )
    url = reverse(
        "followup:chain_step",
        kwargs={"child_id": world.own.pk, "placement_id": world.own_placement.pk, "step_id": item.step.pk},
    )
    assert client.post(url, {"status": "done"}).status_code == 302
    assert ChainStepRecord.objects.get(placement=world.own_placement, step=item.step).status == "done"
    titles = [
        i.title for i in helpers.due_items(Child.objects.filter(pk=world.own.pk), today, horizon_days=3650)
    ]
    assert item.step.title not in titles


def test_a_chain_step_of_a_child_out_of_scope_is_404(world: World) -> None:
    client = Client()
    client.force_login(world.users["case_worker_bromma"])
    step = chain.active_steps()[0]
    url = reverse(
        "followup:chain_step",
        kwargs={"child_id": world.own.pk, "placement_id": world.own_placement.pk, "step_id": step.pk},
    )
    assert client.post(url, {"status": "done"}).status_code == 404


def test_the_case_workers_start_page_counts_overdue_and_falls_when_work_is_recorded(world: World) -> None:
    client = Client()
    client.force_login(world.users["case_worker"])
    today = timezone.localdate()
    overdue = client.get(reverse("obligations:todo")).context["overdue"]
    # The own child's school start came 10 days after; the health examination was never requested.
    assert overdue > 0
    follow_up = {
        "kind": "overvagande",
        "date": today.isoformat(),
        "swedish_subject": "SV",
        "health_exam_requested": today.isoformat(),
    }
    client.post(reverse("followup:create", kwargs={"child_id": world.own.pk}), follow_up)
    client.post(reverse("followup:create", kwargs={"child_id": world.protected.pk}), follow_up)
    assert client.get(reverse("obligations:todo")).context["overdue"] < overdue


def test_the_unit_manager_sees_counts_per_case_worker(world: World) -> None:
    client = Client()
    client.force_login(world.users["unit_manager"])
    response = client.get(reverse("obligations:district"), {"visa": "alla"})
    loads = {load.who.username: (load.overdue, load.due) for load in response.context["loads"]}
    assert set(loads) == {"cw_farsta"}
    items = response.context["items"]
    assert sum(loads["cw_farsta"]) == len([item for item in items if item.owner == "socialsekreterare"])
    assert all(item.child_name != "Testsson, Bodil" for item in items)  # Bromma is not the district


def test_the_coordinator_list_puts_overdue_first(world: World) -> None:
    client = Client()
    client.force_login(world.users["school_coordinator"])
    items = client.get(reverse("obligations:coordinator")).context["items"]
    assert [item.child_id for item in items] == [world.protected.pk]
    assert items == sorted(items, key=lambda item: item.due)


def test_reminders_are_sent_once_a_day_without_personal_data(world: World) -> None:
    for user in world.users.values():
        user.email = f"{user.username}@example.org"
        user.save()
    call_command("reminders")
    call_command("reminders")
    # The two responsible case workers, the school coordinator and the unit manager.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "chef_farsta@example.org",
        "cw_bromma@example.org",
        "cw_farsta@example.org",
        "sc_farsta@example.org",
    ]
    for message in mail.outbox:
        text = f"{message.subject} {message.body}"
        assert "Alva" not in text and "Cilla" not in text and "Testsson" not in text
        assert "http://" in message.body


def test_a_childs_items_are_kept_until_a_write_about_the_child_or_another_language(world: World) -> None:
    """Start pages reuse each child's computed items (docs/performance.md): a write about
    the child through a service, or a page in another language, must compute them anew."""
    from django.utils import translation

    today = timezone.localdate()
    cw = world.users["case_worker"]
    child = register(TEST_NUMBERS[3], "Dora", "farsta", cw)
    children = Child.objects.filter(pk=child.pk)
    assert helpers.due_items(children, today) == []  # not placed
    place(child, "hvb", "farsta", today - timedelta(days=40), cw, school_change=True)
    assert Kind.SCHOOL_START in {item.kind for item in helpers.due_items(children, today)}
    with translation.override("en"):
        titles = {item.title for item in helpers.due_items(children, today)}
    assert "School start missing" in titles
    with translation.override("sv"):
        titles = {item.title for item in helpers.due_items(children, today)}
    assert "Skolstart saknas" in titles


def test_the_coordinators_follow_up_recorded_today_clears_the_childs_row(world: World) -> None:
    """Issue 20's walk: a child placed in HVB months ago, no coordinator follow-up yet. An
    earlier period that ended without one is missed (counted by the follow-up report), not
    to do; the follow-up recorded today clears what is to do until the next period's."""
    today = timezone.localdate()
    cw = world.users["case_worker"]
    child = register(TEST_NUMBERS[3], "Dora", "farsta", cw)
    place(child, "hvb", "farsta", today - timedelta(days=200), cw)
    [before] = _kinds(child, today)[Kind.COORDINATOR]
    assert before >= today  # nothing of a period already over is left to do
    followup_services.record_follow_up(
        actor=world.users["school_coordinator"],
        child=child,
        data=followup_services.FollowUpData(kind=FollowUpKind.COORDINATOR, date=today),
        via="test",
    )
    [after] = _kinds(child, today)[Kind.COORDINATOR]
    assert after > before  # the next period's, no longer this one's
