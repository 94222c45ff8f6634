"""Responsibility, transfers and mergers (issue 11): who may move a case, what is kept,
and where the reports count the child on each day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import TEST_NUMBERS, World, make_user, place, register
from obruten.accounts.models import Role, User
from obruten.audit.models import AuditEvent
from obruten.casework import services
from obruten.casework.models import ResponsibilityPeriod, Transfer
from obruten.register.models import Child, District, Placement
from obruten.statistics.definitions import Params, _responsible

TODAY = timezone.localdate()


def district(code: str) -> District:
    return District.objects.get(code=code)


def test_the_enhetschef_assigns_a_case_worker_with_history(world: World) -> None:
    chef, colleague = world.users["unit_manager"], world.users["case_worker_2"]
    services.assign_case_worker(actor=chef, child=world.own, case_worker=colleague, start=TODAY, via="test")
    world.own.refresh_from_db()
    assert world.own.case_worker == colleague
    periods = list(ResponsibilityPeriod.objects.filter(child=world.own).order_by("start"))
    assert [(p.case_worker, p.end) for p in periods] == [
        (world.users["case_worker"], TODAY - timedelta(days=1)),
        (colleague, None),
    ]
    event = AuditEvent.objects.filter(child_id=world.own.pk, via="test", object_type="child").last()
    assert event is not None and event.changes["case_worker"][1] == colleague.pk


def test_only_a_case_worker_of_the_childs_district_can_be_made_responsible(world: World) -> None:
    chef = world.users["unit_manager"]
    for forged in (world.users["case_worker_bromma"], world.users["school_coordinator"]):
        with pytest.raises(ValidationError) as error:
            services.assign_case_worker(
                actor=chef, child=world.own, case_worker=forged, start=TODAY, via="test"
            )
        assert "case_worker" in error.value.message_dict
    assert not ResponsibilityPeriod.objects.exists()
    world.own.refresh_from_db()
    assert world.own.case_worker == world.users["case_worker"]


def test_a_case_worker_cannot_reassign_a_child(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.assign_case_worker(
            actor=world.users["case_worker_2"],
            child=world.own,
            case_worker=world.users["case_worker_2"],
            start=TODAY,
            via="test",
        )


def test_a_caseload_is_handed_over_with_a_date(world: World) -> None:
    chef, leaving, taking = (
        world.users["unit_manager"],
        world.users["case_worker"],
        world.users["case_worker_2"],
    )
    day = TODAY + timedelta(days=3)
    moved = services.hand_over_caseload(
        actor=chef, from_worker=leaving, to_worker=taking, start=day, via="test"
    )
    assert {child.pk for child in moved} == {world.own.pk, world.protected.pk}
    assert set(Child.objects.filter(case_worker=taking).values_list("pk", flat=True)) == {
        world.own.pk,
        world.protected.pk,
    }
    assert ResponsibilityPeriod.objects.filter(case_worker=taking, start=day).count() == 2
    audited = AuditEvent.objects.filter(via="test", action="update", changes__case_worker__isnull=False)
    assert set(audited.values_list("child_id", flat=True)) == {world.own.pk, world.protected.pk}


def test_a_handover_to_a_case_worker_of_another_district_writes_nothing(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        services.hand_over_caseload(
            actor=world.users["unit_manager"],
            from_worker=world.users["case_worker"],
            to_worker=world.users["case_worker_bromma"],
            start=TODAY,
            via="test",
        )
    assert "to_worker" in error.value.message_dict
    assert Child.objects.filter(case_worker=world.users["case_worker"]).count() == 2
    assert not ResponsibilityPeriod.objects.exists()


@pytest.fixture
def bromma_chef(world: World) -> User:
    return make_user("chef_bromma", Role.UNIT_MANAGER, ["bromma"])


def test_a_transfer_moves_the_case_only_when_the_receiver_accepts(world: World, bromma_chef: User) -> None:
    day = TODAY - timedelta(days=5)
    transfer = services.start_transfer(
        actor=world.users["case_worker"],
        child=world.own,
        to_district=district("bromma"),
        effective_date=day,
        note="Familjen flyttar",
        via="test",
    )
    world.own.refresh_from_db()
    assert world.own.district.code == "farsta"  # the sender keeps the case until accepted
    assert [t.child_id for t in services.incoming_transfers(bromma_chef)] == [world.own.pk]
    with pytest.raises(PermissionDenied):  # the sending district cannot accept its own request
        services.accept_transfer(
            actor=world.users["unit_manager"], transfer=transfer, case_worker=None, via="test"
        )
    services.accept_transfer(
        actor=bromma_chef, transfer=transfer, case_worker=world.users["case_worker_bromma"], via="test"
    )
    world.own.refresh_from_db()
    assert world.own.district.code == "bromma"
    assert world.own.case_worker == world.users["case_worker_bromma"]
    assert world.own_placement.__class__.objects.get(pk=world.own_placement.pk).district.code == "bromma"
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decided_by) == (Transfer.Status.ACCEPTED, bromma_chef)


@pytest.mark.parametrize("days_back", [32, 365 * 30])
def test_a_transfer_cannot_rewrite_reported_months(world: World, days_back: int) -> None:
    """A transfer moves the reports from its date, so a user may date it at most a month back."""
    with pytest.raises(ValidationError) as refused:
        services.start_transfer(
            actor=world.users["case_worker"],
            child=world.own,
            to_district=district("bromma"),
            effective_date=TODAY - timedelta(days=days_back),
            note="",
            via="test",
        )
    assert "effective_date" in refused.value.message_dict
    assert not Transfer.objects.exists()


def test_a_refused_transfer_keeps_the_case_and_its_reason(world: World, bromma_chef: User) -> None:
    transfer = services.start_transfer(
        actor=world.users["unit_manager"],
        child=world.own,
        to_district=district("bromma"),
        effective_date=TODAY,
        note="",
        via="test",
    )
    with pytest.raises(ValidationError):
        services.refuse_transfer(actor=bromma_chef, transfer=transfer, reason=" ", via="test")
    services.refuse_transfer(actor=bromma_chef, transfer=transfer, reason="Familjen bor kvar", via="test")
    world.own.refresh_from_db()
    transfer.refresh_from_db()
    assert world.own.district.code == "farsta"
    assert (transfer.status, transfer.refusal_reason) == (Transfer.Status.REFUSED, "Familjen bor kvar")


def test_a_child_out_of_scope_cannot_be_sent(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.start_transfer(
            actor=world.users["case_worker"],
            child=world.other,
            to_district=district("farsta"),
            effective_date=TODAY,
            note="",
            via="test",
        )


def test_a_forged_case_worker_in_the_acceptance_is_a_field_error_and_nothing_is_written(
    world: World, bromma_chef: User
) -> None:
    transfer = services.start_transfer(
        actor=world.users["case_worker"],
        child=world.own,
        to_district=district("bromma"),
        effective_date=TODAY,
        note="",
        via="test",
    )
    client = Client()
    client.force_login(bromma_chef)
    url = reverse("casework:transfer_decide", kwargs={"transfer_id": transfer.pk})
    response = client.post(url, {"action": "accept", "case_worker": world.users["case_worker_2"].pk})
    assert response.status_code == 200
    assert "case_worker" in response.context["accept_form"].errors
    world.own.refresh_from_db()
    transfer.refresh_from_db()
    assert (world.own.district.code, transfer.status) == ("farsta", Transfer.Status.PENDING)


def test_the_transfer_form_offers_only_districts_the_case_can_move_to(world: World) -> None:
    """Issue 23: dissolved districts (2019, 2023) and the sending district itself were
    offered and refused only after submitting."""
    client = Client()
    client.force_login(world.users["case_worker"])
    page = client.get(reverse("casework:transfer_create", kwargs={"child_id": world.own.pk}))
    offered = {d.code for d in page.context["form"].fields["to_district"].queryset}
    assert "bromma" in offered and "jarva" in offered
    assert not offered & {"farsta", "rinkeby-kista", "alvsjo"}


def test_a_forged_district_or_child_in_the_request_is_refused(world: World, bromma_chef: User) -> None:
    client = Client()
    client.force_login(world.users["case_worker"])
    url = reverse("casework:transfer_create", kwargs={"child_id": world.own.pk})
    dissolved = district("rinkeby-kista")  # ended 2023-06-30
    response = client.post(url, {"to_district": dissolved.pk, "effective_date": f"{TODAY:%Y-%m-%d}"})
    assert "to_district" in response.context["form"].errors
    response = client.post(url, {"to_district": 999999, "effective_date": f"{TODAY:%Y-%m-%d}"})
    assert "to_district" in response.context["form"].errors
    out_of_scope = reverse("casework:transfer_create", kwargs={"child_id": world.other.pk})
    response = client.post(out_of_scope, {"to_district": district("farsta").pk, "effective_date": f"{TODAY}"})
    assert response.status_code == 404
    # The sending district's enhetschef cannot answer a transfer addressed to Bromma.
    transfer = services.start_transfer(
        actor=world.users["case_worker"],
        child=world.own,
        to_district=district("bromma"),
        effective_date=TODAY,
        note="",
        via="test",
    )
    client.force_login(world.users["unit_manager"])
    decide = reverse("casework:transfer_decide", kwargs={"transfer_id": transfer.pk})
    assert client.post(decide, {"action": "accept"}).status_code == 404
    assert Transfer.objects.get().status == Transfer.Status.PENDING


def _counted_under(placement: Placement, params: Params) -> str:
    pk = Placement.objects.annotate(responsible=_responsible(params)).get(pk=placement.pk).responsible
    return District.objects.get(pk=pk).code


def test_the_reports_count_the_placement_under_the_district_responsible_on_each_day(
    world: World, bromma_chef: User
) -> None:
    cw = world.users["case_worker"]
    child = register(TEST_NUMBERS[3], "Dora", "farsta", cw)
    placement = place(child, "familjehem", "farsta", date(2024, 1, 15), cw)
    transfer = services.start_transfer(  # a past date: only the system may reach that far back
        actor=None,
        child=child,
        to_district=district("bromma"),
        effective_date=date(2024, 6, 1),
        note="",
        via="t",
    )
    services.accept_transfer(actor=bromma_chef, transfer=transfer, case_worker=None, via="t")
    assert _counted_under(placement, Params(year=2024, period="T1")) == "farsta"
    assert _counted_under(placement, Params(year=2024, period="2024-05")) == "farsta"
    assert _counted_under(placement, Params(year=2024, period="2024-06")) == "bromma"
    assert _counted_under(placement, Params(year=2024)) == "bromma"


def test_after_the_merger_no_open_case_remains_in_a_dissolved_district(db: None) -> None:
    staff = make_user("cw_rinkeby", Role.CASE_WORKER, ["rinkeby-kista"])
    child = register(TEST_NUMBERS[4], "Esra", "rinkeby-kista", None)  # type: ignore[arg-type]
    placement = place(child, "hvb", "rinkeby-kista", date(2023, 1, 10), None)  # type: ignore[arg-type]
    ended_child = register(TEST_NUMBERS[3], "Fia", "norrmalm", None)  # type: ignore[arg-type]
    ended = place(ended_child, "hvb", "norrmalm", date(2022, 3, 1), None, end_date=date(2022, 9, 1))  # type: ignore[arg-type]
    call_command("apply_mergers", "--date", "2023-07-01")
    dissolved = District.objects.filter(valid_to=date(2023, 6, 30))
    assert not Child.objects.filter(district__in=dissolved).exists()
    open_here = Placement.objects.filter(district__in=dissolved, end_date__isnull=True)
    assert not open_here.exists()
    placement.refresh_from_db()
    child.refresh_from_db()
    assert (child.district.code, placement.district.code) == ("jarva", "jarva")
    assert list(staff.districts.values_list("code", flat=True)) == ["jarva"]
    ended.refresh_from_db()
    assert ended.district.code == "norrmalm"  # history stays where it was
    assert _counted_under(placement, Params(year=2023, period="T1")) == "rinkeby-kista"
    assert _counted_under(placement, Params(year=2023, period="2023-07")) == "jarva"
    events = AuditEvent.objects.count()
    call_command("apply_mergers", "--date", "2023-07-01")  # idempotent
    assert AuditEvent.objects.count() == events
    assert Transfer.objects.filter(kind=Transfer.Kind.MERGER).count() == 2


def test_a_merger_moves_only_what_the_dissolved_district_holds(db: None) -> None:
    """A child whose earlier placement was the dissolved district's and whose later one is
    another district's: only the dissolved district's placement moves, the child stays."""
    child = register(TEST_NUMBERS[4], "Esra", "bromma", None)  # type: ignore[arg-type]
    ended = date(2023, 7, 31)
    rinkeby = place(child, "hvb", "rinkeby-kista", date(2023, 1, 10), None, end_date=ended)  # type: ignore[arg-type]
    bromma = place(child, "familjehem", "bromma", date(2023, 8, 1), None)  # type: ignore[arg-type]
    call_command("apply_mergers", "--date", "2023-07-01")
    for record in (child, rinkeby, bromma):
        record.refresh_from_db()
    assert (child.district.code, rinkeby.district.code, bromma.district.code) == ("bromma", "jarva", "bromma")


def test_a_team_whose_name_the_successor_has_moves_under_a_name_of_its_own(db: None) -> None:
    from obruten.accounts.models import Team

    Team.objects.create(district=district("rinkeby-kista"), name="Barn och unga")
    Team.objects.create(district=district("jarva"), name="Barn och unga")
    call_command("apply_mergers", "--date", "2023-07-01")
    names = sorted(Team.objects.filter(district=district("jarva")).values_list("name", flat=True))
    assert names == ["Barn och unga", "Barn och unga (Rinkeby-Kista)"]


def test_a_handover_is_shown_before_it_is_made(world: World) -> None:
    """Issue 23: 235 children moved in four clicks, unseen. The first submit shows which
    children would move (and audits that they were shown); only the confirmation moves them."""
    client = Client()
    client.force_login(world.users["unit_manager"])
    url = reverse("casework:handover")
    giving, taking = world.users["case_worker"], world.users["case_worker_2"]
    page = client.get(url).content.decode()
    assert f"{giving} (2 barn)" in page and f"{taking} (0 barn)" in page
    choice = {"from_worker": giving.pk, "to_worker": taking.pk, "start": f"{TODAY:%Y-%m-%d}"}
    preview = client.post(url, choice)
    body = preview.content.decode()
    assert "Bekräfta överlämningen" in body and "Testsson, Alva" in body
    assert Child.objects.filter(case_worker=giving).count() == 2
    assert AuditEvent.objects.filter(via="casework:handover", action="list", child=world.own).exists()
    done = client.post(url, {**choice, "confirmed": "True"})
    assert done.status_code == 302
    assert Child.objects.filter(case_worker=taking).count() == 2
