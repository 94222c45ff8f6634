"""The API answers every role exactly as the pages do: the same statuses as the page
matrix (obruten/accounts/tests/test_access_matrix.py) for a child in scope, out of scope
and protected. A write is sent with a value the service refuses, so "allowed" shows as
422 (the service's validation was reached) and nothing is written."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import World
from obruten.accounts.tests.test_access_matrix import CHILD_URLS, CHILDREN, ROLES
from obruten.audit.models import AuditEvent
from obruten.followup.models import ChainStep

from .conftest import call

FAR = "2999-01-01"
OLD = "1980-01-01"
PLACEMENT = {
    "form": "familjehem",
    "legal_basis": "SoL",
    "start_date": OLD,
    "district": "farsta",
    "placing_municipality": "0180",
}
CHILD = {
    "personal_number": "202510022383",
    "first_name": " ",
    "last_name": "Testsson",
    "sex": "F",
    "home_municipality": "0180",
    "district": "farsta",
}

# endpoint: (method, path, body, the page whose statuses it shares)
ENDPOINTS: dict[str, tuple[str, str, Any, str]] = {
    "read child": ("get", "/children/{c}", None, "register:child_detail"),
    "update child": ("put", "/children/{c}", CHILD, "register:child_edit"),
    "create placement": ("post", "/children/{c}/placements", PLACEMENT, "register:placement_create"),
    "read placement": ("get", "/children/{c}/placements/{p}", None, "register:child_detail"),
    "update placement": ("put", "/children/{c}/placements/{p}", PLACEMENT, "register:placement_edit"),
    "school start": (
        "put",
        "/children/{c}/placements/{p}/school-start",
        {"first_school_day": FAR},
        "register:school_start",
    ),
    "gymnasieexamen": (
        "put",
        "/children/{c}/upper-secondary-qualification",
        {"kind": "yrkesexamen", "date": FAR},
        "followup:upper_secondary_qualification",
    ),
    "create follow-up": (
        "post",
        "/children/{c}/follow-ups",
        {"kind": "skolsamordnare", "date": FAR},
        "followup:create",
    ),
    "read follow-up": ("get", "/children/{c}/follow-ups/{f}", None, "followup:detail"),
    "correct follow-up": (
        "put",
        "/children/{c}/follow-ups/{f}",
        {"kind": "overvagande", "date": FAR},
        "followup:correct",
    ),
    "record chain step": (
        "put",
        "/children/{c}/placements/{p}/chain-steps/{s}",
        {"date": FAR},
        "followup:chain_step_correct",
    ),
    "undo chain step": (
        "post",
        "/children/{c}/placements/{p}/chain-steps/{s}/undo",
        {"reason": ""},
        "followup:chain_step_correct",
    ),
}


def _url(template: str, world: World, which: str) -> str:
    child = getattr(world, which)
    step = ChainStep.objects.filter(chain_model__is_active=True).exclude(is_school_start=True)[0]
    return "/api/v1" + template.format(
        c=child.pk, p=child.placements.first().pk, f=child.follow_ups.first().pk, s=step.pk
    )


def _expected(role: str, method: str, page: str) -> tuple[int, ...]:
    if role == "anonymous":
        return (401, 401, 401)
    ok = 200 if method == "get" else 422
    return tuple(ok if status == 200 else status for status in CHILD_URLS[page][role])


@pytest.mark.parametrize("role", ROLES)
def test_every_child_endpoint_answers_like_its_page(world: World, bearer: dict[str, str], role: str) -> None:
    client, auth = Client(), bearer.get(role)
    writes_before = AuditEvent.objects.exclude(action__in=AuditEvent.NOT_WRITES).count()
    outcomes, expected = {}, {}
    for name, (method, template, body, page) in ENDPOINTS.items():
        outcomes[name] = tuple(
            call(client, method, _url(template, world, which), auth, body).status_code for which in CHILDREN
        )
        expected[name] = _expected(role, method, page)
    assert outcomes == expected
    assert AuditEvent.objects.exclude(action__in=AuditEvent.NOT_WRITES).count() == writes_before


@pytest.mark.parametrize("role", ROLES)
def test_lists_and_reports_by_role(world: World, bearer: dict[str, str], role: str) -> None:
    client, auth = Client(), bearer.get(role)
    year = timezone.localdate().year
    outcomes = {
        "children": call(client, "get", "/api/v1/children", auth).status_code,
        "reports": call(client, "get", "/api/v1/reports", auth).status_code,
        "report": call(client, "get", f"/api/v1/reports/placements?year={year}", auth).status_code,
    }
    records = role not in {"anonymous", "analyst", "administrator"}
    statistics = role in {"analyst", "unit_manager"}
    denied = 401 if role == "anonymous" else 403
    assert outcomes == {
        "children": 200 if records else denied,
        "reports": 200 if statistics else denied,
        "report": 200 if statistics else denied,
    }


def test_the_list_holds_exactly_the_scope_and_audits_each_child(world: World, bearer: dict[str, str]) -> None:
    response = call(Client(), "get", "/api/v1/children", bearer["case_worker"])
    assert {c["id"] for c in response.json()} == {world.own.pk, world.protected.pk}
    listed = AuditEvent.objects.filter(action="list", via="api:children", actor=world.users["case_worker"])
    assert set(listed.values_list("child_id", flat=True)) == {world.own.pk, world.protected.pk}


def test_a_session_is_not_a_credential(world: World) -> None:
    client = Client()
    client.force_login(world.users["case_worker"])
    response = client.get(f"/api/v1/children/{world.own.pk}")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Inloggning krävs"
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_missing_child_answers_like_one_out_of_scope(world: World, bearer: dict[str, str]) -> None:
    client, auth = Client(), bearer["case_worker"]
    missing = call(client, "get", "/api/v1/children/999999", auth)
    other = call(client, "get", f"/api/v1/children/{world.other.pk}", auth)
    assert missing.status_code == other.status_code == 404
    assert missing.json() == other.json()


def test_a_follow_up_of_another_child_answers_404(world: World, bearer: dict[str, str]) -> None:
    url = f"/api/v1/children/{world.own.pk}/follow-ups/{world.protected.follow_ups.get().pk}"
    assert call(Client(), "get", url, bearer["case_worker"]).status_code == 404


def test_a_valid_write_goes_through_the_service(world: World, bearer: dict[str, str]) -> None:
    today = timezone.localdate()
    url = f"/api/v1/children/{world.own.pk}/follow-ups"
    body = {
        "kind": "skolsamordnare",
        "date": str(today - timedelta(days=1)),
        "results": {"MA": {"grade": "B"}},
    }
    response = call(Client(), "post", url, bearer["case_worker"], body)
    assert response.status_code == 201, response.content
    created = AuditEvent.objects.get(action="create", via="api:follow_up_create")
    assert created.child_id == world.own.pk
    assert created.actor_id == world.users["case_worker"].pk
    assert {"subject": "MA", "grade": "B", "assessment": "", "carried_over": False} in response.json()[
        "results"
    ]
