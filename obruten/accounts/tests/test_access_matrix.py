"""The whole access matrix: every role × every URL × a child in scope, a child out of
scope and a protected child. A URL that is not in the matrix fails the test, so a new
page cannot be added without saying who may open it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import World
from obruten.followup.models import ChainStep
from obruten.obligations.models import Obligation, State

ROLES = [
    "anonymous",
    "case_worker",
    "case_worker_2",
    "case_worker_bromma",
    "school_coordinator",
    "skolfam",
    "larteamet",
    "unit_manager",
    "analyst",
    "administrator",
]
CHILDREN = ("own", "other", "protected")

# For URLs about one child: the status for (own, other, protected) per role.
# own: in foster care in Farsta; other: in HVB in Bromma; protected: in protected
# housing in Farsta with protected registration. "case_worker" is responsible for own
# and protected; "case_worker_bromma" for other.
CHILD_URLS: dict[str, dict[str, tuple[int, int, int]]] = {
    "register:child_detail": {
        "case_worker": (200, 404, 200),
        "case_worker_2": (200, 404, 200),
        "case_worker_bromma": (404, 200, 404),
        "school_coordinator": (404, 404, 200),
        "skolfam": (200, 404, 404),
        "larteamet": (404, 404, 200),
        "unit_manager": (200, 404, 200),
        "analyst": (403, 403, 403),
        "administrator": (403, 403, 403),
    },
    "register:child_edit": {
        "case_worker": (200, 404, 200),
        "case_worker_2": (200, 404, 200),
        "case_worker_bromma": (404, 200, 404),
        "school_coordinator": (404, 404, 403),
        "skolfam": (403, 404, 404),
        "larteamet": (404, 404, 403),
        "unit_manager": (403, 404, 403),
        "analyst": (403, 403, 403),
        "administrator": (403, 403, 403),
    },
    "register:placement_create": {
        "case_worker": (200, 404, 200),
        "case_worker_2": (200, 404, 403),
        "case_worker_bromma": (404, 200, 404),
        "school_coordinator": (404, 404, 403),
        "skolfam": (403, 404, 404),
        "larteamet": (404, 404, 403),
        "unit_manager": (403, 404, 403),
        "analyst": (403, 403, 403),
        "administrator": (403, 403, 403),
    },
    "register:school_start": {
        "case_worker": (200, 404, 200),
        "case_worker_2": (200, 404, 403),
        "case_worker_bromma": (404, 200, 404),
        "school_coordinator": (404, 404, 403),
        "skolfam": (403, 404, 404),
        "larteamet": (404, 404, 200),
        "unit_manager": (403, 404, 403),
        "analyst": (403, 403, 403),
        "administrator": (403, 403, 403),
    },
    "audit:child_trail": {
        "case_worker": (200, 404, 200),
        "case_worker_2": (404, 404, 404),
        "case_worker_bromma": (404, 200, 404),
        "school_coordinator": (404, 404, 404),
        "skolfam": (404, 404, 404),
        "larteamet": (404, 404, 404),
        "unit_manager": (200, 404, 200),
        "analyst": (404, 404, 404),
        "administrator": (200, 200, 200),
    },
    "audit:child_trail_xlsx": {
        "case_worker": (200, 404, 200),
        "case_worker_2": (404, 404, 404),
        "case_worker_bromma": (404, 200, 404),
        "school_coordinator": (404, 404, 404),
        "skolfam": (404, 404, 404),
        "larteamet": (404, 404, 404),
        "unit_manager": (200, 404, 200),
        "analyst": (404, 404, 404),
        "administrator": (200, 200, 200),
    },
}
CHILD_URLS |= {
    "followup:create": {
        "case_worker": (200, 404, 200),
        "case_worker_2": (200, 404, 200),
        "case_worker_bromma": (404, 200, 404),
        "school_coordinator": (404, 404, 200),
        "skolfam": (403, 404, 404),
        "larteamet": (404, 404, 403),
        "unit_manager": (403, 404, 403),
        "analyst": (403, 403, 403),
        "administrator": (403, 403, 403),
    },
    "followup:detail": {
        "case_worker": (200, 404, 200),
        "case_worker_2": (200, 404, 200),
        "case_worker_bromma": (404, 200, 404),
        "school_coordinator": (404, 404, 200),
        "skolfam": (200, 404, 404),
        "larteamet": (404, 404, 200),
        "unit_manager": (200, 404, 200),
        "analyst": (403, 403, 403),
        "administrator": (403, 403, 403),
    },
    "followup:final_grades": {
        "case_worker": (200, 404, 200),
        "case_worker_2": (200, 404, 200),
        "case_worker_bromma": (404, 200, 404),
        "school_coordinator": (404, 404, 200),
        "skolfam": (403, 404, 404),
        "larteamet": (404, 404, 403),
        "unit_manager": (403, 404, 403),
        "analyst": (403, 403, 403),
        "administrator": (403, 403, 403),
    },
    "followup:upper_secondary_qualification": {
        "case_worker": (200, 404, 200),
        "case_worker_2": (200, 404, 200),
        "case_worker_bromma": (404, 200, 404),
        "school_coordinator": (404, 404, 200),
        "skolfam": (403, 404, 404),
        "larteamet": (404, 404, 403),
        "unit_manager": (403, 404, 403),
        "analyst": (403, 403, 403),
        "administrator": (403, 403, 403),
    },
    "followup:intervention_create": {
        "case_worker": (200, 404, 200),
        "case_worker_2": (200, 404, 200),
        "case_worker_bromma": (404, 200, 404),
        "school_coordinator": (404, 404, 403),
        "skolfam": (200, 404, 404),
        "larteamet": (404, 404, 403),
        "unit_manager": (403, 404, 403),
        "analyst": (403, 403, 403),
        "administrator": (403, 403, 403),
    },
    # Changing the state of a step is a POST; a GET is refused whoever asks.
    "followup:chain_step": {
        **dict.fromkeys(
            [
                "case_worker",
                "case_worker_2",
                "case_worker_bromma",
                "school_coordinator",
                "skolfam",
                "larteamet",
                "unit_manager",
            ],
            (405, 405, 405),
        ),
        "analyst": (403, 403, 403),
        "administrator": (403, 403, 403),
    },
    "participation:create": {
        "case_worker": (200, 404, 200),
        "case_worker_2": (200, 404, 200),
        "case_worker_bromma": (404, 200, 404),
        "school_coordinator": (404, 404, 403),
        "skolfam": (403, 404, 404),
        "larteamet": (404, 404, 403),
        "unit_manager": (403, 404, 403),
        "analyst": (403, 403, 403),
        "administrator": (403, 403, 403),
    },
}
# Anyone with the child in scope may raise its protection (lowering is checked by the service).
CHILD_URLS["register:protection"] = CHILD_URLS["register:child_detail"]
CHILD_URLS["register:child_summary"] = CHILD_URLS["register:child_detail"]
# Responsibility is the enhetschef's of the child's district; a transfer is started by a
# case worker or the enhetschef with the child in scope.
CHILD_URLS["casework:assign"] = {
    "case_worker": (403, 404, 403),
    "case_worker_2": (403, 404, 403),
    "case_worker_bromma": (404, 403, 404),
    "school_coordinator": (404, 404, 403),
    "skolfam": (403, 404, 404),
    "larteamet": (404, 404, 403),
    "unit_manager": (200, 404, 200),
    "analyst": (403, 403, 403),
    "administrator": (403, 403, 403),
}
CHILD_URLS["casework:transfer_create"] = {
    "case_worker": (200, 404, 200),
    "case_worker_2": (200, 404, 200),
    "case_worker_bromma": (404, 200, 404),
    "school_coordinator": (404, 404, 403),
    "skolfam": (403, 404, 404),
    "larteamet": (404, 404, 403),
    "unit_manager": (200, 404, 200),
    "analyst": (403, 403, 403),
    "administrator": (403, 403, 403),
}
# The register extract: the responsible case worker and the district's enhetschef.
CHILD_URLS["operations:extract_xlsx"] = {
    "case_worker": (200, 404, 200),
    "case_worker_2": (403, 404, 403),
    "case_worker_bromma": (404, 200, 404),
    "school_coordinator": (404, 404, 403),
    "skolfam": (403, 404, 404),
    "larteamet": (404, 404, 403),
    "unit_manager": (200, 404, 200),
    "analyst": (403, 403, 403),
    "administrator": (403, 403, 403),
}
CHILD_URLS["operations:extract_pdf"] = CHILD_URLS["operations:extract_xlsx"]
# A follow-up is corrected by its author or the responsible case worker (who wrote all three).
CHILD_URLS["followup:correct"] = {
    "case_worker": (200, 404, 200),
    "case_worker_2": (403, 404, 403),
    "case_worker_bromma": (404, 200, 404),
    "school_coordinator": (404, 404, 403),
    "skolfam": (403, 404, 404),
    "larteamet": (404, 404, 403),
    "unit_manager": (403, 404, 403),
    "analyst": (403, 403, 403),
    "administrator": (403, 403, 403),
}
# Dating back or undoing a chain step; the other child's placement has no school change (404).
CHILD_URLS["followup:chain_step_correct"] = {
    "case_worker": (200, 404, 200),
    "case_worker_2": (200, 404, 200),
    "case_worker_bromma": (404, 404, 404),
    "school_coordinator": (404, 404, 200),
    "skolfam": (403, 404, 404),
    "larteamet": (404, 404, 403),
    "unit_manager": (403, 404, 403),
    "analyst": (403, 403, 403),
    "administrator": (403, 403, 403),
}
# Teaching records: Lärteamet, and the responsible case worker (read).
CHILD_URLS["teaching:child"] = {
    "case_worker": (200, 404, 200),
    "case_worker_2": (403, 404, 403),
    "case_worker_bromma": (404, 200, 404),
    "school_coordinator": (404, 404, 403),
    "skolfam": (403, 404, 404),
    "larteamet": (404, 404, 200),
    "unit_manager": (403, 404, 403),
    "analyst": (403, 403, 403),
    "administrator": (403, 403, 403),
}
# Closing one of the child's open tasks as not done: the responsible case worker or the
# enhetschef of the child's district; to anyone else the task does not exist.
CHILD_URLS["obligations:close"] = {
    "case_worker": (200, 404, 200),
    "case_worker_2": (404, 404, 404),
    "case_worker_bromma": (404, 200, 404),
    "school_coordinator": (404, 404, 404),
    "skolfam": (404, 404, 404),
    "larteamet": (404, 404, 404),
    "unit_manager": (200, 404, 200),
    "analyst": (403, 403, 403),
    "administrator": (403, 403, 403),
}
CHILD_URLS["participation:detail"] = CHILD_URLS["followup:detail"]
CHILD_URLS["participation:action"] = CHILD_URLS["followup:chain_step"]
CHILD_URLS["participation:acknowledge"] = CHILD_URLS["followup:chain_step"]
CHILD_URLS["register:placement_edit"] = CHILD_URLS["register:placement_create"]
CHILD_URLS["followup:intervention_edit"] = CHILD_URLS["followup:intervention_create"]
for expectations in CHILD_URLS.values():
    expectations.setdefault("anonymous", (302, 302, 302))

RECORDS = {
    "case_worker",
    "case_worker_2",
    "case_worker_bromma",
    "school_coordinator",
    "skolfam",
    "larteamet",
    "unit_manager",
}


def _by_role(allowed: set[str], ok: int = 200, other: int = 403, anonymous: int = 302) -> dict[str, int]:
    return {role: anonymous if role == "anonymous" else ok if role in allowed else other for role in ROLES}


# URLs about no single child: the status per role.
OTHER_URLS: dict[str, dict[str, int]] = {
    "home": {**_by_role(RECORDS | {"analyst"}, ok=302, other=200)},
    "register:caseload": _by_role(RECORDS),
    "register:child_create": _by_role({"case_worker", "case_worker_2", "case_worker_bromma"}),
    "register:school_start_breaches": _by_role(RECORDS),
    "register:school_start_breaches_export": _by_role(RECORDS),
    "register:import": _by_role({"case_worker", "case_worker_2", "case_worker_bromma", "unit_manager"}),
    "register:import_help": _by_role({"case_worker", "case_worker_2", "case_worker_bromma", "unit_manager"}),
    "register:import_template": _by_role(
        {"case_worker", "case_worker_2", "case_worker_bromma", "unit_manager"}
    ),
    "obligations:todo": _by_role({"case_worker", "case_worker_2", "case_worker_bromma"}),
    "obligations:district": _by_role({"unit_manager"}),
    "access_changes": _by_role({"unit_manager"}),
    "teams:manage": _by_role({"unit_manager"}),
    "obligations:coordinator": _by_role({"school_coordinator"}),
    "teaching:report": _by_role({"larteamet"}),
    "followup:skolfam_target_group": _by_role({"unit_manager"}),
    "casework:handover": _by_role({"unit_manager"}),
    "casework:incoming": _by_role({"unit_manager"}),
    # A transfer that is not waiting for this enhetschef answers 404, like a missing one.
    "casework:transfer_decide": _by_role({"unit_manager"}, ok=404),
    "statistics:index": _by_role({"analyst", "unit_manager"}),
    "statistics:report": _by_role({"analyst", "unit_manager"}),
    "statistics:download": _by_role({"analyst", "unit_manager"}),
    "statistics:monthly": _by_role({"analyst", "unit_manager"}),
    # Without a year the pack is the latest tertial's: one click.
    "statistics:pack": _by_role({"analyst", "unit_manager"}),
    # A wrong token answers the same plain page to everyone, logged in or not.
    "participation:answer": _by_role(set(), other=404, anonymous=404),
    # Without a month the export answers 400 with the form and what to fix.
    "statistics:monthly_export": _by_role({"analyst", "unit_manager"}, ok=400),
    "login": _by_role(set(ROLES), ok=302, anonymous=200),
    # Health for the load balancer: public, names no one.
    "operations:healthz": _by_role(set(ROLES), anonymous=200),
    "logout": _by_role(set(ROLES), ok=405, anonymous=405),
    # Sign-in through the provider: 404 while no provider is configured (as here).
    "sso:sign_in": _by_role(set(), other=404, anonymous=404),
    "sso:callback": _by_role(set(), other=404, anonymous=404),
    "sso:no_account": _by_role(set(), anonymous=403),
    "sso:second_factor": _by_role(set(ROLES)),
    # Security-key ceremonies (django-otp-webauthn): POST only, JSON; never a sign-in of their own.
    **dict.fromkeys(
        [
            "otp_webauthn:credential-registration-begin",
            "otp_webauthn:credential-registration-complete",
            "otp_webauthn:credential-authentication-begin",
            "otp_webauthn:credential-authentication-complete",
        ],
        _by_role(set(), other=405, anonymous=403),
    ),
    "otp_webauthn:js-i18n-catalog": _by_role(set(ROLES), anonymous=200),
    "set_language": _by_role(set(ROLES), ok=302, anonymous=302),
    "admin:*": _by_role({"administrator"}, other=302),
    # The API takes an API key, never the session: every role's browser gets 401 (a GET on
    # a write-only path 405). Per role with keys: obruten/api/tests/test_access.py.
    **dict.fromkeys(
        ["api:children", "api:child", "api:placement", "api:follow_up", "api:reports", "api:report"],
        _by_role(set(), other=401, anonymous=401),
    ),
    **dict.fromkeys(
        [
            "api:placements",
            "api:school_start",
            "api:upper_secondary_qualification",
            "api:follow_ups",
            "api:chain_step",
            "api:chain_step_undo",
        ],
        _by_role(set(), other=405, anonymous=405),
    ),
    "api:openapi-json": _by_role(set(ROLES), anonymous=200),
    "api:api-root": _by_role(set(ROLES), ok=404, anonymous=404),
}


URL_KWARGS: dict[str, dict[str, Any]] = {
    "casework:transfer_decide": {"transfer_id": 999999},
    "participation:answer": {"token": "not-a-real-token"},
    "statistics:report": {"name": "placements"},
    "statistics:download": {"name": "placements", "fmt": "csv"},
    "statistics:pack": {"fmt": "xlsx"},
    **{
        name: {"child_id": 999999}
        for name in ["api:child", "api:placements", "api:follow_ups", "api:upper_secondary_qualification"]
    },
    **{name: {"child_id": 999999, "placement_id": 1} for name in ["api:placement", "api:school_start"]},
    "api:follow_up": {"child_id": 999999, "follow_up_id": 1},
    **{
        name: {"child_id": 999999, "placement_id": 1, "step_id": 1}
        for name in ["api:chain_step", "api:chain_step_undo"]
    },
    "api:report": {"name": "placements"},
}


def all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    names.add("admin:*")
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"URL {pattern.pattern} has no name"
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_is_in_the_matrix() -> None:
    assert all_url_names() == set(CHILD_URLS) | set(OTHER_URLS)


def _client(world: World, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def _child_url(name: str, world: World, which: str) -> str:
    child = getattr(world, which)
    if name == "obligations:close":
        task = Obligation.objects.filter(child=child, state=State.OPEN).order_by("pk").first()
        assert task is not None, which
        return reverse(name, kwargs={"obligation_id": task.pk})
    kwargs: dict[str, int] = {"child_id": child.pk}
    if name in {
        "register:placement_edit",
        "register:school_start",
        "followup:chain_step",
        "followup:chain_step_correct",
    }:
        kwargs["placement_id"] = child.placements.first().pk
    if name in {"followup:chain_step", "followup:chain_step_correct"}:
        steps = ChainStep.objects.filter(chain_model__is_active=True)
        kwargs["step_id"] = steps.values_list("pk", flat=True)[0]
    if name in {"followup:detail", "followup:correct"}:
        kwargs["follow_up_id"] = child.follow_ups.first().pk
    if name in {"participation:detail", "participation:action", "participation:acknowledge"}:
        kwargs["invitation_id"] = child.invitations.first().pk
    if name == "followup:intervention_edit":
        kwargs["intervention_id"] = child.interventions.first().pk
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("role", ROLES)
def test_the_matrix_for_urls_about_a_child(world: World, role: str) -> None:
    client = _client(world, role)
    outcomes = {}
    expected = {}
    for name, per_role in CHILD_URLS.items():
        for which, status in zip(CHILDREN, per_role[role], strict=True):
            outcomes[(name, which)] = client.get(_child_url(name, world, which)).status_code
            expected[(name, which)] = status
    assert outcomes == expected


@pytest.mark.parametrize("role", ROLES)
def test_the_matrix_for_other_urls(world: World, role: str) -> None:
    client = _client(world, role)
    outcomes = {}
    for name in OTHER_URLS:
        url = reverse("admin:index") if name == "admin:*" else reverse(name, kwargs=URL_KWARGS.get(name, {}))
        outcomes[name] = client.get(url).status_code
    assert outcomes == {name: per_role[role] for name, per_role in OTHER_URLS.items()}


def test_a_child_that_does_not_exist_answers_like_one_out_of_scope(world: World) -> None:
    client = _client(world, "case_worker")
    missing = reverse("register:child_detail", kwargs={"child_id": 999999})
    out_of_scope = reverse("register:child_detail", kwargs={"child_id": world.other.pk})
    assert client.get(missing).status_code == client.get(out_of_scope).status_code == 404


def test_a_child_out_of_scope_is_never_counted(world: World) -> None:
    response = _client(world, "case_worker").get(reverse("register:caseload"))
    assert response.context["page"].paginator.count == 2
    assert "Bodil" not in response.content.decode()


def test_a_placement_of_another_child_answers_404(world: World) -> None:
    # The own child's URL with the protected child's placement id.
    url = reverse(
        "register:placement_edit",
        kwargs={"child_id": world.own.pk, "placement_id": world.protected_placement.pk},
    )
    assert _client(world, "case_worker").get(url).status_code == 404


def test_the_policys_name_for_the_coordinators_follow_up_is_followups() -> None:
    from obruten.accounts.policy import COORDINATOR_FOLLOW_UP
    from obruten.followup.models import FollowUpKind

    assert COORDINATOR_FOLLOW_UP == FollowUpKind.COORDINATOR
