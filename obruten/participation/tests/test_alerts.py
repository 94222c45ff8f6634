"""A child's danger alert cannot be missed: it stays on the child's page and the answers
page until someone acknowledges it with a note of what was done, the enhetschef sees it
once the working day has ended, and the child is told whom to call now."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import World
from obruten.audit.models import AuditEvent
from obruten.participation import services
from obruten.participation.models import Alert, Invitation, Template
from obruten.participation.working_day import respond_by

STOCKHOLM = ZoneInfo("Europe/Stockholm")
BANNER = "Barnets svar signalerar fara"


def _send_link(world: World, language: str = "sv") -> tuple[Invitation, str]:
    template = Template.objects.get(code="barnets-rost", version=2)
    return services.create_invitation(
        actor=world.users["case_worker"], child=world.own, template=template, language=language, via="test"
    )


def _answer(invitation: Invitation, token: str, *, unsafe: bool, urgent: bool = False) -> str:
    """The issue's reproduction: "Nej" to feeling safe, and "bråttom" ticked."""
    questions = {q.order: q for q in invitation.template.questions.all()}
    data = {f"q{questions[1].pk}": "3", f"q{questions[2].pk}": "no" if unsafe else "yes", "action": "send"}
    text = questions[9]
    data[f"q{text.pk}"] = "Jag vill inte bo kvar här."
    if urgent:
        data[f"urgent{text.pk}"] = "on"
    response = Client().post(reverse("participation:answer", kwargs={"token": token}), data)
    assert response.status_code == 200
    return response.content.decode()


def _staff(world: World, role: str = "case_worker") -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _alert_for_own_child(world: World) -> Alert:
    invitation, token = _send_link(world)
    _answer(invitation, token, unsafe=True, urgent=True)
    return Alert.objects.get(invitation=invitation)


def _url(name: str, alert: Alert) -> str:
    return reverse(name, kwargs={"child_id": alert.child_id, "invitation_id": alert.invitation_id})


def _detail_url(alert: Alert) -> str:
    return _url("participation:detail", alert)


def _acknowledge_url(alert: Alert) -> str:
    return _url("participation:acknowledge", alert)


def _child_page(client: Client, child_id: int) -> str:
    return client.get(reverse("register:child_detail", kwargs={"child_id": child_id})).content.decode()


def test_an_open_alert_is_on_the_childs_page_and_on_the_answers_page(world: World) -> None:
    alert = _alert_for_own_child(world)
    worker = _staff(world)
    child_page = _child_page(worker, world.own.pk)
    answers_page = worker.get(_detail_url(alert)).content.decode()
    assert BANNER in child_page and _detail_url(alert) in child_page
    assert BANNER in answers_page and "Kvittera larmet" in answers_page
    assert BANNER not in _child_page(worker, world.protected.pk)  # a child without an alert


def test_going_through_the_answers_with_the_child_does_not_acknowledge_the_alert(world: World) -> None:
    alert = _alert_for_own_child(world)
    worker = _staff(world)
    worker.post(_url("participation:action", alert), {"action": "discussed"})
    alert.refresh_from_db()
    assert alert.invitation.discussed_at is not None
    assert alert.acknowledged_at is None
    assert BANNER in _child_page(worker, world.own.pk)


def test_acknowledging_needs_a_note_of_what_was_done_and_is_audited(world: World) -> None:
    alert = _alert_for_own_child(world)
    worker = _staff(world)
    refused = worker.post(_acknowledge_url(alert), {"note": "   "})
    assert refused.status_code == 200 and "Skriv vad du har gjort." in refused.content.decode()
    alert.refresh_from_db()
    assert alert.acknowledged_at is None

    note = "Ringde Alva och familjehemmet. Hon är trygg i kväll, möte i morgon kl. 9."
    done = worker.post(_acknowledge_url(alert), {"note": note})
    assert done.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None and alert.acknowledged_by == world.users["case_worker"]
    assert alert.note == note
    event = AuditEvent.objects.get(via="participation:acknowledge", action="update")
    assert event.child_id == world.own.pk and event.actor_id == world.users["case_worker"].pk
    assert event.changes["note"] == [None, note]
    page = worker.get(_detail_url(alert)).content.decode()
    assert BANNER not in page and "Ringde Alva och familjehemmet" in page
    assert BANNER not in _child_page(worker, world.own.pk)
    again = worker.post(_acknowledge_url(alert), {"note": "igen"})
    assert again.status_code == 404  # nothing left to acknowledge


def test_the_enhetschef_may_acknowledge_but_no_one_outside_the_scope_or_role(world: World) -> None:
    alert = _alert_for_own_child(world)
    for role in ["case_worker_bromma", "skolfam", "school_coordinator", "larteamet", "analyst"]:
        with pytest.raises(PermissionDenied):
            services.acknowledge_alert(actor=world.users[role], alert=alert, note="Ringde.", via="test")
    for role, status in [("case_worker_bromma", 404), ("skolfam", 403)]:
        assert _staff(world, role).post(_acknowledge_url(alert), {"note": "Ringde."}).status_code == status
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    manager = world.users["unit_manager"]
    services.acknowledge_alert(actor=manager, alert=alert, note="Ringde barnet.", via="test")
    alert.refresh_from_db()
    assert alert.acknowledged_by == manager
    with pytest.raises(ValidationError):
        services.acknowledge_alert(actor=world.users["case_worker"], alert=alert, note="Igen.", via="test")


@pytest.mark.parametrize(
    ("arrived", "due"),
    [
        ("2026-03-10 10:00", "2026-03-10 17:00"),  # a Tuesday morning: the same day
        ("2026-03-10 16:59", "2026-03-10 17:00"),
        ("2026-03-10 17:00", "2026-03-11 17:00"),  # at closing time: the next working day
        ("2026-03-13 18:30", "2026-03-16 17:00"),  # Friday evening: Monday
        ("2026-03-14 11:00", "2026-03-16 17:00"),  # Saturday: Monday
        ("2026-04-02 20:00", "2026-04-07 17:00"),  # Maundy Thursday evening: over Easter
        ("2026-06-18 17:30", "2026-06-22 17:00"),  # before midsommarafton
        ("2026-12-23 17:15", "2026-12-28 17:00"),  # before julafton and juldagen
        ("2026-10-24 23:00", "2026-10-26 17:00"),  # the night summer time ends
    ],
)
def test_an_alert_must_be_acknowledged_by_17_on_the_working_day_it_came(arrived: str, due: str) -> None:
    local = datetime.fromisoformat(arrived).replace(tzinfo=STOCKHOLM)
    assert respond_by(local) == datetime.fromisoformat(due).replace(tzinfo=STOCKHOLM)


def test_an_alert_not_acknowledged_by_the_end_of_the_working_day_is_overdue_for_the_enhetschef(
    world: World,
) -> None:
    alert = _alert_for_own_child(world)
    manager = _staff(world, "unit_manager")
    district = reverse("obligations:district")
    Alert.objects.filter(pk=alert.pk).update(respond_by=timezone.now() + timedelta(minutes=5))
    assert "Larm som inte kvitterats i tid" not in manager.get(district).content.decode()
    Alert.objects.filter(pk=alert.pk).update(respond_by=timezone.now() - timedelta(minutes=5))
    page = manager.get(district).content.decode()
    assert "Larm som inte kvitterats i tid" in page
    late = page.split("Larm som inte kvitterats i tid", 1)[1].split("</section>", 1)[0]
    assert "Testsson, Alva" in late and _detail_url(alert) in late
    assert AuditEvent.objects.filter(via="obligations:district", child=world.own, action="list").exists()
    services.acknowledge_alert(actor=world.users["case_worker"], alert=alert, note="Ringde.", via="test")
    assert "Larm som inte kvitterats i tid" not in manager.get(district).content.decode()


@override_settings(SOCIAL_EMERGENCY_NUMBER="08-000 00 00")
def test_the_thank_you_page_says_someone_will_call_and_whom_to_call_now(world: World) -> None:
    invitation, token = _send_link(world)
    page = _answer(invitation, token, unsafe=True)
    assert "Någon från socialtjänsten kommer att höra av sig till dig" in page
    for number in ['href="tel:112"', 'href="tel:116111"', 'href="tel:080000000"', "socialjouren"]:
        assert number in page
    calm_invitation, calm_token = _send_link(world)
    calm = _answer(calm_invitation, calm_token, unsafe=False)
    assert "kommer att höra av sig" not in calm and "tel:" not in calm


def test_urgent_free_text_alone_tells_the_child_whom_to_call_in_its_language(world: World) -> None:
    invitation, token = _send_link(world, "so")
    page = _answer(invitation, token, unsafe=False, urgent=True)
    assert Alert.objects.filter(invitation=invitation).exists()
    assert "adeegga bulshada ayaa kula soo xiriiri doona" in page and 'href="tel:116111"' in page


@override_settings(SOCIAL_EMERGENCY_NUMBER="")
def test_without_a_configured_number_the_child_is_told_to_ask_112_for_the_socialjour(world: World) -> None:
    invitation, token = _send_link(world)
    page = _answer(invitation, token, unsafe=True)
    assert "be att få prata med socialjouren" in page
