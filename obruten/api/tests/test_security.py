"""What an attacker or the law would check on the API."""

from __future__ import annotations

import json
import typing
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import World
from obruten.accounts.tests.test_protected_whereabouts import ALLOWED, SECRETS
from obruten.api import keys, schemas
from obruten.audit.models import AuditEvent
from obruten.followup.models import UpperSecondaryQualification
from obruten.lib import school_start as school_start_rule
from obruten.register.models import Child, LateSchoolStartReason, Placement

from .conftest import call


def test_reading_a_child_is_an_audited_read(world: World, bearer: dict[str, str]) -> None:
    call(Client(), "get", f"/api/v1/children/{world.own.pk}", bearer["case_worker_2"])
    read = AuditEvent.objects.filter(action="read", child_id=world.own.pk, via="api:child")
    assert read.get().actor_id == world.users["case_worker_2"].pk


def test_a_forged_district_is_refused_with_the_field_named_and_nothing_written(
    world: World, bearer: dict[str, str]
) -> None:
    body = {
        "personal_number": "202510022383",
        "first_name": "Dina",
        "last_name": "Testsson",
        "sex": "F",
        "home_municipality": "0180",
        "district": "bromma",
    }
    events = AuditEvent.objects.count()
    response = call(Client(), "post", "/api/v1/children", bearer["case_worker"], body)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and problem["title"]
    assert [e["field"] for e in problem["errors"]] == ["district"]
    assert not Child.objects.filter(personal_number="202510022383").exists()
    assert AuditEvent.objects.count() == events


def test_a_malformed_body_names_the_field_and_rule(world: World, bearer: dict[str, str]) -> None:
    body = {"kind": "no-such-kind", "date": "not a date"}
    response = call(
        Client(), "post", f"/api/v1/children/{world.own.pk}/follow-ups", bearer["case_worker"], body
    )
    assert response.status_code == 422
    assert {(e["field"], e["rule"]) for e in response.json()["errors"]} == {
        ("kind", "literal_error"),
        ("date", "date_from_datetime_parsing"),
    }


@pytest.mark.parametrize("role", ["case_worker_2", "school_coordinator", "unit_manager", *sorted(ALLOWED)])
def test_the_protected_childs_whereabouts_appear_only_for_those_who_may_see_them(
    world: World, bearer: dict[str, str], role: str
) -> None:
    client, auth, child = Client(), bearer[role], world.protected
    urls = [
        f"/api/v1/children/{child.pk}",
        f"/api/v1/children/{child.pk}/placements/{world.protected_placement.pk}",
        "/api/v1/children",
    ]
    body = " ".join(json.dumps(call(client, "get", url, auth).json(), ensure_ascii=False) for url in urls)
    visible = [secret for secret in [*SECRETS, world.school.unit_code, "2506"] if secret in body]
    if role in ALLOWED:
        assert visible == ["Hemligvägen 7", "Skyddsboendet Lönn", "Lönngatan 9", "12345678", "2506"]
    else:
        assert visible == []


def _key(world: World) -> tuple[int, str]:
    key, text = keys.create_key(user=world.users["case_worker"], days=1, via="test")
    return key.pk, f"Bearer {text}"


def test_a_revoked_key_is_refused(world: World) -> None:
    key_id, auth = _key(world)
    url = f"/api/v1/children/{world.own.pk}"
    assert call(Client(), "get", url, auth).status_code == 200
    keys.revoke_key(key_id=key_id, via="test")
    assert call(Client(), "get", url, auth).status_code == 401


def test_an_expired_key_is_refused(world: World) -> None:
    key_id, auth = _key(world)
    keys.ApiKey.objects.filter(pk=key_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert call(Client(), "get", f"/api/v1/children/{world.own.pk}", auth).status_code == 401


def test_a_wrong_secret_with_a_real_prefix_is_refused(world: World) -> None:
    _key_id, auth = _key(world)
    assert call(Client(), "get", "/api/v1/children", auth[:-4] + "AAAA").status_code == 401


def test_the_key_of_a_deactivated_account_is_refused(world: World) -> None:
    _key_id, auth = _key(world)
    world.users["case_worker"].is_active = False
    world.users["case_worker"].save()
    assert call(Client(), "get", "/api/v1/children", auth).status_code == 401


def test_only_the_hash_of_the_secret_is_stored(world: World) -> None:
    key_id, auth = _key(world)
    secret = auth.split("_", 2)[2]  # the secret itself may contain "_"
    stored = keys.ApiKey.objects.filter(pk=key_id).values().get()
    assert all(secret not in str(value) for value in stored.values())


def test_past_the_rate_limit_a_key_gets_429_with_retry_after(world: World, settings: Any) -> None:
    settings.API_RATE_LIMIT = 3
    _key_id, auth = _key(world)
    _other_id, other = _key(world)
    client = Client()
    statuses = [call(client, "get", "/api/v1/children", auth).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = call(client, "get", "/api/v1/children", auth)
    assert refused["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert call(client, "get", "/api/v1/children", other).status_code == 200  # per key


def test_the_rate_limit_is_counted_where_every_worker_sees_it(world: World, settings: Any) -> None:
    """Gunicorn's workers share no memory: a count kept in a per-process cache would let a
    key make API_RATE_LIMIT requests per worker. Emptying the cache between requests is
    what a request landing in another worker looks like."""
    from django.core.cache import cache

    settings.API_RATE_LIMIT = 2
    _key_id, auth = _key(world)
    client = Client()
    statuses = []
    for _ in range(3):
        cache.clear()
        statuses.append(call(client, "get", "/api/v1/children", auth).status_code)
    assert statuses == [200, 200, 429]


def test_the_apis_code_lists_are_the_registers() -> None:
    from typing import get_args

    from obruten.api import schemas
    from obruten.followup.models import ChainStepRecord, FollowUpKind, SchoolForm
    from obruten.register.models import LegalBasis, ProtectedIdentity, Sex

    pairs = [
        (schemas.SexCode, Sex.values),
        (schemas.ProtectionLevel, ProtectedIdentity.values),
        (schemas.LegalBasisCode, LegalBasis.values),
        (schemas.FollowUpKindCode, FollowUpKind.values),
        (schemas.SchoolFormCode, ["", *SchoolForm.values]),
        (schemas.StepStatus, ChainStepRecord.Status.values),
    ]
    for literal, values in pairs:
        assert set(get_args(literal)) == set(values)


def test_a_late_school_start_names_its_reason_through_the_api_as_on_the_page(
    world: World, bearer: dict[str, str]
) -> None:
    """Issue 21: one rule (lib/school_start.py) for the form and the API; the own placement
    began 20 days ago, so a start today is late."""
    url = f"/api/v1/children/{world.own.pk}/placements/{world.own_placement.pk}/school-start"
    day = timezone.localdate().isoformat()
    body = {"first_school_day": day, "school": world.school.unit_code}
    refused = call(Client(), "put", url, bearer["case_worker"], body)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["late_reason"]
    saved = call(Client(), "put", url, bearer["case_worker"], {**body, "late_reason": "ingen_skola"})
    assert saved.status_code == 200, saved.content
    assert saved.json()["school_start"]["late_reason"] == "ingen_skola"
    assert Placement.objects.get(pk=world.own_placement.pk).school_start.late_reason == "ingen_skola"


def test_the_apis_and_the_rules_code_lists_are_the_registers() -> None:
    assert set(typing.get_args(schemas.LateReasonCode)) == {"", *LateSchoolStartReason.values}
    assert set(school_start_rule.LATE_REASONS) == set(LateSchoolStartReason.values)
    assert set(typing.get_args(schemas.QualificationKind)) == set(UpperSecondaryQualification.Kind.values)


def test_a_gymnasieexamen_is_recorded_and_read_through_the_api_as_on_the_page(
    world: World, bearer: dict[str, str]
) -> None:
    """Issue 24: the same service as the child's page; a role that may not record results
    is refused, and a bad date is named."""
    Child.objects.filter(pk=world.own.pk).update(birth_date=date(2005, 3, 1))
    url = f"/api/v1/children/{world.own.pk}/upper-secondary-qualification"
    body = {"kind": "yrkesexamen", "date": "2024-06-10"}
    assert call(Client(), "put", url, bearer["larteamet"], body).status_code in {403, 404}
    early = call(Client(), "put", url, bearer["case_worker"], {**body, "date": "2019-06-10"})
    assert early.status_code == 422 and [e["field"] for e in early.json()["errors"]] == ["date"]
    saved = call(Client(), "put", url, bearer["case_worker"], body)
    assert saved.status_code == 200 and saved.json() == body
    read = call(Client(), "get", f"/api/v1/children/{world.own.pk}", bearer["case_worker"])
    assert read.json()["upper_secondary_qualification"] == body
    assert UpperSecondaryQualification.objects.get(child=world.own).kind == "yrkesexamen"
    assert (
        AuditEvent.objects.filter(object_type="uppersecondaryqualification", via__startswith="api:").count()
        == 1
    )
