"""Corrections with history (issue 11): a wrong grade corrected by its author, someone
else's correction refused, a chain step dated back and undone with a reason, and a
recorded school start ticking the chain's school-start step."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from obruten.audit.models import AuditEvent
from obruten.followup import services
from obruten.followup.models import ChainStep, ChainStepRecord, FollowUp
from obruten.obligations.tests import helpers


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _follow_up(world: World) -> FollowUp:
    return world.own.follow_ups.get()  # the world's övervägande today: MA C, by the case worker


def _correct(world: World, role: str, **fields: Any) -> Any:
    follow_up = _follow_up(world)
    data = {
        "kind": "overvagande",
        "date": follow_up.date.isoformat(),
        "swedish_subject": "SV",
        "grade_MA": "C",
    }
    data.update(fields)
    url = reverse("followup:correct", kwargs={"child_id": world.own.pk, "follow_up_id": follow_up.pk})
    return _client(world, role).post(url, data)


def test_a_wrong_grade_is_corrected_with_its_history_visible(world: World) -> None:
    response = _correct(world, "case_worker", grade_MA="B", plan="Rättat efter skolans besked")
    assert response.status_code == 302
    follow_up = _follow_up(world)
    assert follow_up.results.get(subject="MA").grade == "B"
    event = AuditEvent.objects.get(object_type="followup", object_id=follow_up.pk, action="update")
    assert event.changes["result_MA"] == ["C", "B"]
    assert event.changes["plan"] == ["", "Rättat efter skolans besked"]
    assert event.actor == world.users["case_worker"]
    detail = reverse("followup:detail", kwargs={"child_id": world.own.pk, "follow_up_id": follow_up.pk})
    page = _client(world, "case_worker_2").get(detail).content.decode()
    assert "ändrad" in page and "cw_farsta" in page
    assert "<td>Matematik</td><td>C</td><td>B</td>" in page


def test_someone_elses_correction_is_refused(world: World) -> None:
    # A colleague in the same district: neither the author nor responsible.
    assert _correct(world, "case_worker_2", grade_MA="F").status_code == 403
    with pytest.raises(PermissionDenied):
        services.correct_follow_up(
            actor=world.users["case_worker_2"],
            follow_up=_follow_up(world),
            data=services.FollowUpData(
                kind="overvagande", date=timezone.localdate(), results={"MA": services.Result("F")}
            ),
            via="test",
        )
    assert _follow_up(world).results.get(subject="MA").grade == "C"
    assert not AuditEvent.objects.filter(object_type="followup", action="update").exists()


def test_a_correction_cannot_change_the_kind_and_keeps_what_was_typed_on_error(world: World) -> None:
    response = _correct(world, "case_worker", kind="vardplan")
    assert "kind" in response.context["form"].errors
    response = _correct(world, "case_worker", attendance_percent="101", plan="Skrivet men inte sparat")
    assert "mellan 0 och 100" in " ".join(response.context["form"].errors["attendance_percent"])
    assert "Skrivet men inte sparat" in response.content.decode()
    assert _follow_up(world).plan == ""


def _school_start_step(world: World) -> ChainStep:
    return ChainStep.objects.get(chain_model__is_active=True, is_school_start=True)


def test_a_recorded_school_start_ticks_the_chains_school_start_step(world: World) -> None:
    # The world records the own child's school start ten days ago.
    step = _school_start_step(world)
    record = ChainStepRecord.objects.get(placement=world.own_placement, step=step)
    assert record.status == ChainStepRecord.Status.DONE
    assert record.date == world.own_placement.school_start.first_school_day
    titles = [
        item.title
        for item in helpers.due_items(
            world.own.__class__.objects.filter(pk=world.own.pk), timezone.localdate()
        )
    ]
    assert step.title not in titles and "Skolstart saknas" not in titles


def test_a_chain_step_is_dated_back_and_undone_with_a_reason(world: World) -> None:
    step = ChainStep.objects.filter(chain_model__is_active=True, is_school_start=False).first()
    assert step is not None
    placement = world.own_placement
    url = reverse(
        "followup:chain_step_correct",
        kwargs={"child_id": world.own.pk, "placement_id": placement.pk, "step_id": step.pk},
    )
    client = _client(world, "case_worker")
    before_start = (placement.start_date - timedelta(days=1)).isoformat()
    response = client.post(url, {"status": "done", "date": before_start})
    assert "före placeringen" in " ".join(response.context["date_form"].errors["date"])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(url, {"status": "done", "date": tomorrow})
    assert "framtiden" in " ".join(response.context["date_form"].errors["date"])
    backdated = placement.start_date + timedelta(days=2)
    assert client.post(url, {"status": "done", "date": backdated.isoformat()}).status_code == 302
    assert ChainStepRecord.objects.get(placement=placement, step=step).date == backdated

    response = client.post(url, {"undo": "1", "reason": "  "})
    assert "reason" in response.context["undo_form"].errors
    assert ChainStepRecord.objects.filter(placement=placement, step=step).exists()
    assert client.post(url, {"undo": "1", "reason": "Markerades på fel barn"}).status_code == 302
    assert not ChainStepRecord.objects.filter(placement=placement, step=step).exists()
    undone = AuditEvent.objects.filter(object_type="chainsteprecord", child=world.own).latest("sequence")
    assert undone.reason == "Markerades på fel barn"
    assert undone.changes["status"] == ["done", None]
