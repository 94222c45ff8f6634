"""The access matrix for POST bodies: for every form that writes a child's record, each
choice a user could forge — another district, another child's record, another kind of
record, a lower protection level — is refused with nothing written, while the same form
with an in-scope value is saved (so the refusal is about the value, not the form)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from obruten.audit.models import AuditEvent
from obruten.followup.models import InterventionKind
from obruten.register.models import District, PlacementForm
from tests.security.posts import child_post

Values = Callable[[World], Any]


def _district(code: str) -> Values:
    return lambda world: District.objects.get(code=code).pk


def _placement_data(world: World) -> dict[str, Any]:
    return {
        "form": PlacementForm.objects.get(code="hvb").pk,
        "legal_basis": "SoL",
        "start_date": f"{timezone.localdate() + timedelta(days=1):%Y-%m-%d}",
        "district": world.own.district_id,
        "placing_municipality": world.own.home_municipality_id,
    }


@dataclass(frozen=True)
class Case:
    role: str
    url: Callable[[World], str]
    data: Callable[[World], dict[str, Any]]
    field: str
    bad: Values
    good: Values

    def __str__(self) -> str:
        return f"{self.role}-{self.field}"


CASES = {
    "new child in another district": Case(
        "case_worker",
        lambda w: reverse("register:child_create"),
        lambda w: {**child_post(w.own), "personal_number": "20250824-2381"},
        "district",
        _district("bromma"),
        _district("farsta"),
    ),
    "child moved to another district": Case(
        "case_worker",
        lambda w: reverse("register:child_edit", kwargs={"child_id": w.own.pk}),
        lambda w: child_post(w.own),
        "district",
        _district("bromma"),
        _district("farsta"),
    ),
    "protection removed by a colleague": Case(
        "case_worker_2",
        lambda w: reverse("register:child_edit", kwargs={"child_id": w.protected.pk}),
        lambda w: {**child_post(w.protected), "protection_reason": "flyttat"},
        "protected_identity",
        lambda w: "none",
        lambda w: "fingerade_personuppgifter",
    ),
    "protection lowered by a colleague": Case(
        "case_worker_2",
        lambda w: reverse("register:protection", kwargs={"child_id": w.protected.pk}),
        lambda w: {"protection_reason": "flyttat"},
        "protected_identity",
        lambda w: "sekretessmarkering",
        lambda w: "fingerade_personuppgifter",
    ),
    "new placement in another district": Case(
        "case_worker",
        lambda w: reverse("register:placement_create", kwargs={"child_id": w.own.pk}),
        lambda w: {  # an earlier placement, ended before the current one began
            **_placement_data(w),
            "start_date": f"{w.own_placement.start_date - timedelta(days=100):%Y-%m-%d}",
            "end_date": f"{w.own_placement.start_date - timedelta(days=50):%Y-%m-%d}",
        },
        "district",
        _district("bromma"),
        _district("farsta"),
    ),
    "placement moved to another district": Case(
        "case_worker",
        lambda w: reverse(
            "register:placement_edit", kwargs={"child_id": w.own.pk, "placement_id": w.own_placement.pk}
        ),
        lambda w: {**_placement_data(w), "start_date": f"{w.own_placement.start_date:%Y-%m-%d}"},
        "district",
        _district("bromma"),
        _district("farsta"),
    ),
    "Skolfam records another team's intervention": Case(
        "skolfam",
        lambda w: reverse("followup:intervention_create", kwargs={"child_id": w.own.pk}),
        lambda w: {"start": f"{timezone.localdate():%Y-%m-%d}"},
        "kind",
        lambda w: InterventionKind.objects.get(code="larteamet").pk,
        lambda w: InterventionKind.objects.get(code="skolfam").pk,
    ),
    "school coordinator records an övervägande": Case(
        "school_coordinator",
        lambda w: reverse("followup:create", kwargs={"child_id": w.protected.pk}),
        lambda w: {"date": f"{timezone.localdate():%Y-%m-%d}", "swedish_subject": "SV"},
        "kind",
        lambda w: "overvagande",
        lambda w: "skolsamordnare",
    ),
}
RECORDS = [
    "register.Child",
    "register.Placement",
    "register.SchoolStart",
    "followup.FollowUp",
    "followup.Intervention",
    "followup.FinalGrades",
    "followup.UpperSecondaryQualification",
    "followup.ChainStepRecord",
    "participation.Invitation",
]


def _snapshot() -> dict[str, Any]:
    """Every row of every record a form can write, and the writes in the audit log."""
    rows = {name: list(apps.get_model(name).objects.order_by("pk").values()) for name in RECORDS}
    rows["writes"] = AuditEvent.objects.filter(action__in=["create", "update"]).count()
    return rows


@pytest.mark.parametrize("name", CASES)
def test_a_value_outside_the_scope_is_refused_and_nothing_is_written(world: World, name: str) -> None:
    case = CASES[name]
    client = Client()
    client.force_login(world.users[case.role])
    url, data = case.url(world), case.data(world)
    before = _snapshot()
    refused = client.post(url, {**data, case.field: case.bad(world)})
    assert refused.status_code == 200 and case.field in refused.context["form"].errors, name
    assert _snapshot() == before, name
    saved = client.post(url, {**data, case.field: case.good(world)})
    assert saved.status_code == 302, saved.context["form"].errors if saved.context else saved


@pytest.mark.parametrize(
    ("role", "url_name", "kwargs"),
    [
        (
            "case_worker",
            "register:school_start",
            lambda w: {"child_id": w.own.pk, "placement_id": w.protected_placement.pk},
        ),
        (
            "case_worker",
            "register:placement_edit",
            lambda w: {"child_id": w.own.pk, "placement_id": w.other.placements.first().pk},
        ),
        ("case_worker", "followup:final_grades", lambda w: {"child_id": w.other.pk}),
        ("case_worker", "followup:upper_secondary_qualification", lambda w: {"child_id": w.other.pk}),
        ("case_worker", "participation:create", lambda w: {"child_id": w.other.pk}),
        ("case_worker_bromma", "followup:create", lambda w: {"child_id": w.own.pk}),
        ("case_worker_bromma", "register:protection", lambda w: {"child_id": w.protected.pk}),
        (
            "case_worker",
            "followup:intervention_edit",
            lambda w: {"child_id": w.own.pk, "intervention_id": w.other.interventions.first().pk},
        ),
    ],
)
def test_a_record_of_another_child_is_not_found_and_nothing_is_written(
    world: World, role: str, url_name: str, kwargs: Callable[[World], dict[str, int]]
) -> None:
    client = Client()
    client.force_login(world.users[role])
    before = _snapshot()
    response = client.post(
        reverse(url_name, kwargs=kwargs(world)), {"protected_identity": "none", "year": 2025}
    )
    assert response.status_code == 404
    assert _snapshot() == before
