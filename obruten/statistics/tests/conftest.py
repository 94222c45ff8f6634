"""The small demo for the report tests, built once per module.

Protecting a year's cube of the small demo takes seconds of CPU, and the cube is cached by
the data's version (the newest write in the audit log). A module whose tests all read the
same demo builds it once in a transaction that is rolled back after its last test: each
test runs in a savepoint inside it, so its own writes (an audited export, a placement) are
undone and the next test finds the same data, the same version and the cube already made.
Use it only in a module where every test that touches the database reads the demo."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.db import transaction

from obruten.followup import demo as followup_demo
from obruten.register import demo

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo_year(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        demo.generate(seed=5, scale="small", today=TODAY)
        followup_demo.generate(seed=5, today=TODAY)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def shared_demo(demo_year: None, db: None) -> None:
    """The module's demo, for one test (in a savepoint of the module's transaction)."""
