"""schemathesis against the published OpenAPI schema: every generated request, valid
or not, is answered as the schema says and never with a server error."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi import checks as openapi_checks

from conftest import World
from obruten.api import keys
from obruten.wsgi import application

CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.response_schema_conformance,
]


def test_the_api_keeps_its_schema(world: World) -> None:
    # Each operation's strategy is run here, inside the test's transaction: the pytest
    # plugin's lazy fixture loader does not run on pytest 9.
    _key, text = keys.create_key(user=world.users["case_worker"], days=1, via="test")
    headers = {"Authorization": f"Bearer {text}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 14
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
