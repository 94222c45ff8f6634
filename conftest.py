"""Shared personas and records for the tests: a case worker in Farsta, another in
Farsta, one in Bromma, a school coordinator, Skolfam, Lärteamet, an enhetschef, an
analyst and an administrator; and three children: one in scope in Farsta, one in
Bromma, and one in protected housing in Farsta."""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from obruten import municipal
from obruten.accounts.models import Role, User
from obruten.followup import services as followup_services
from obruten.followup.models import InterventionKind
from obruten.participation import services as participation_services
from obruten.participation.models import Template
from obruten.register import services
from obruten.register.models import (
    Child,
    District,
    Municipality,
    Placement,
    PlacementForm,
    ProtectedIdentity,
    School,
)

# The world's three children are of school age, so the law by age applies to them as to
# most placed children: synthetic numbers with a valid check digit (docs/demo-data.md),
# born 2012, 2013 and 2014. The last two are Skatteverket's published test numbers.
TEST_NUMBERS = ["201207092386", "201302122393", "201406062388", "202508242381", "202510022383"]


# Tests whose work is the same on either database run once, in one half, so that the two
# halves of `make test` take about as long (docs/contributing.md). Those that touch no
# database under test: pure rules, and README's commands, which run against a SQLite file
# of their own. Those whose work is Python's over counts both databases store and count
# alike — the protection's linear programs and attackers, the pack's layout, over a demo
# year (the counting itself is tested on both: test_counting_rules, test_reports) — and
# the browser's journeys, whose server-side work the client tests run on both.
IN_THE_POSTGRESQL_HALF = (
    "obruten/lib/tests/",
    "tests/test_documented_commands.py",
    "tests/test_cli.py",
)
IN_THE_SQLITE_HALF = (
    "obruten/statistics/tests/test_attacker.py",
    "obruten/statistics/tests/test_linked_protection.py",
    "obruten/statistics/tests/test_pack.py",
    "obruten/statistics/tests/test_seed_2020.py",
    "tests/security/test_issue19.py::test_2_",
    "obruten/statistics/tests/test_reports_on_demo.py::test_every_report_survives_the_attacker",
    "tests/browser/",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.startswith(IN_THE_POSTGRESQL_HALF):
            item.add_marker(pytest.mark.postgresql_half)
        if item.nodeid.startswith(IN_THE_SQLITE_HALF):
            item.add_marker(pytest.mark.sqlite_half)
    # Within a module, the tests without the world first: once a test has asked for it,
    # the module's world is in the database until the module ends (_world_of_module).
    modules = {item.path: index for index, item in reversed(list(enumerate(items)))}
    items.sort(key=lambda item: (modules[item.path], "world" in getattr(item, "fixturenames", ())))


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    # Argon2 in production; a fast hasher keeps the suite quick (Django's advice).
    settings.PASSWORD_HASHERS = FAST_HASHERS
    # A test's data is in its transaction, which a thread's own connection cannot see.
    settings.STATISTICS_REFRESH_IN_BACKGROUND = False


@pytest.fixture(autouse=True)
def _fresh_municipal_settings() -> None:
    # The municipality's settings are read once per request; a test's rolled-back row
    # must not outlive it.
    municipal.forget()


def new_database(workdir: Path, name: str) -> str:
    """A database of its own for a test that starts another process (a server, a restore):
    a new one on the run's PostgreSQL cluster when the suite runs on PostgreSQL, else a
    SQLite file in ``workdir``."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{workdir / name}.sqlite3"
    import psycopg

    database = f"obruten_{name}_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}"')
        connection.execute(f'CREATE DATABASE "{database}"')
    return url.rsplit("/", 1)[0] + f"/{database}"


def make_user(username: str, role: str, districts: list[str]) -> User:
    user = User.objects.create_user(username=username, password="a-long-test-password", role=role)
    user.districts.set(District.objects.filter(code__in=districts))
    return user


@dataclass
class World:
    users: dict[str, User]
    own: Child
    other: Child
    protected: Child
    school: School
    own_placement: Placement
    protected_placement: Placement


def place(child: Child, form: str, district: str, start: date, actor: User, **extra: Any) -> Placement:
    return services.register_placement(
        actor=actor,
        child=child,
        via="test",
        data=services.PlacementData(
            form=PlacementForm.objects.get(code=form),
            **{
                "legal_basis": "SoL",
                "placing_municipality": Municipality.objects.get(code="0180"),
                **extra,
            },
            start_date=start,
            district=District.objects.get(code=district),
        ),
    )


def register(pnr: str, first: str, district: str, actor: User, **extra: Any) -> Child:
    return services.register_child(
        actor=actor,
        via="test",
        data=services.ChildData(
            personal_number=pnr,
            first_name=first,
            last_name="Testsson",
            sex="F",
            home_municipality=Municipality.objects.get(code="0180"),
            district=District.objects.get(code=district),
            **extra,
        ),
    )


@pytest.fixture(scope="module")
def _world_of_module(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """The world, built once per test module in a transaction rolled back after the
    module's last test: each test runs in a savepoint inside it (``db``), so its writes are
    undone and the next test finds the same rows. Building it costs a quarter of a second
    to half a second (three children through the audited services); 517 tests use it."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        yield _build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(_world_of_module: World, db: Any) -> World:
    """The personas and children, as the database has them at the start of each test: a
    copy, so what one test does to the objects reaches no other (as Django's
    ``setUpTestData`` does)."""
    return copy.deepcopy(_world_of_module)


def _build_world() -> World:
    users = {
        "case_worker": make_user("cw_farsta", Role.CASE_WORKER, ["farsta"]),
        "case_worker_2": make_user("cw2_farsta", Role.CASE_WORKER, ["farsta"]),
        "case_worker_bromma": make_user("cw_bromma", Role.CASE_WORKER, ["bromma"]),
        "school_coordinator": make_user("sc_farsta", Role.SCHOOL_COORDINATOR, ["farsta"]),
        "skolfam": make_user("skolfam_farsta", Role.SKOLFAM, ["farsta"]),
        "larteamet": make_user("larteamet", Role.LARTEAMET, ["farsta", "bromma"]),
        "unit_manager": make_user("chef_farsta", Role.UNIT_MANAGER, ["farsta"]),
        "analyst": make_user("analyst", Role.ANALYST, []),
        "administrator": make_user("admin", Role.ADMINISTRATOR, []),
    }
    admin = users["administrator"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    today = timezone.localdate()
    school = School.objects.create(
        unit_code="12345678", name="Hemligbyskolan", municipality=Municipality.objects.get(code="0180")
    )
    cw, bromma = users["case_worker"], users["case_worker_bromma"]
    own = register(TEST_NUMBERS[0], "Alva", "farsta", cw, address="Synligvägen 1")
    own_placement = place(
        own,
        "familjehem",
        "farsta",
        today - timedelta(days=20),
        cw,
        school_change=True,
        unit_name="Familjehemmet Ek",
        address="Ekvägen 2",
    )
    services.record_school_start(
        actor=cw,
        placement=own_placement,
        school=school,
        first_school_day=today - timedelta(days=10),
        late_reason="vantar_beslut",
        via="test",
    )
    other = register(TEST_NUMBERS[1], "Bodil", "bromma", bromma)
    place(other, "hvb", "bromma", today - timedelta(days=30), bromma)
    protected = register(
        TEST_NUMBERS[2],
        "Cilla",
        "farsta",
        cw,
        address="Hemligvägen 7",
        protected_identity=ProtectedIdentity.PROTECTED_REGISTRATION,
    )
    protected_placement = place(
        protected,
        "skyddat_boende",
        "farsta",
        today - timedelta(days=15),
        cw,
        accompanying=True,
        school_change=True,
        unit_name="Skyddsboendet Lönn",
        address="Lönngatan 9",
        location_municipality=Municipality.objects.get(code="2506"),  # Arjeplog, Norrbottens län
    )
    services.record_school_start(
        actor=cw,
        placement=protected_placement,
        school=school,
        first_school_day=today - timedelta(days=5),
        late_reason="skyddad",
        via="test",
    )
    for child, kind, actor in [
        (own, "skolfam", cw),
        (other, "laxhjalp", bromma),
        (protected, "larteamet", cw),
    ]:
        followup_services.save_intervention(
            actor=actor,
            child=child,
            intervention=None,
            via="test",
            data=followup_services.InterventionData(
                kind=InterventionKind.objects.get(code=kind), start=today - timedelta(days=10)
            ),
        )
        followup_services.record_follow_up(
            actor=actor,
            child=child,
            via="test",
            data=followup_services.FollowUpData(
                kind="overvagande", date=today, results={"MA": followup_services.Result(grade="C")}
            ),
        )
    template = Template.objects.get(code="barnets-rost", version=1)
    for child, actor in [(own, cw), (other, bromma), (protected, cw)]:
        participation_services.create_invitation(
            actor=actor, child=child, template=template, language="sv", via="test"
        )
    return World(users, own, other, protected, school, own_placement, protected_placement)
