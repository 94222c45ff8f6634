"""schemathesis against the published OpenAPI schema: every generated request, valid
or not, is answered as the schema says and never with a server error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
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


@pytest.fixture
def _keep_the_test_connection() -> Iterator[None]:
    # Calling the WSGI app directly sends request_finished, which would close the test's
    # database connection mid-transaction (Django's test client disconnects it the same way).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("_keep_the_test_connection")
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
