"""The child's questionnaire: links that reveal nothing, answers that reach the case
worker, and alerts the same day."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import World
from obruten.audit.models import AuditEvent
from obruten.participation import services
from obruten.participation.models import Alert, Invitation, Template


def _link(world: World, language: str = "sv", code: str = "barnets-rost") -> tuple[Invitation, str]:
    template = Template.objects.get(code=code, version=1)
    return services.create_invitation(
        actor=world.users["case_worker"], child=world.own, template=template, language=language, via="test"
    )


def _answers(invitation: Invitation, **overrides: str) -> dict[str, str]:
    data = {}
    for question in invitation.template.questions.all():
        value = {"scale": "4", "yes_no": "yes", "text": "Det är bra."}[question.kind]
        data[f"q{question.pk}"] = value
    data.update(overrides)
    return data


def test_the_token_has_enough_randomness_and_only_its_hash_is_stored(world: World) -> None:
    invitation, token = _link(world)
    assert len(token) >= 32  # 24 random bytes, base64: 192 bits
    assert token not in {invitation.token_hash} and invitation.token_hash == services.token_hash(token)
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_the_childs_page_shows_no_personal_data(world: World) -> None:
    _invitation, token = _link(world)
    response = Client().get(reverse("participation:answer", kwargs={"token": token}))
    body = response.content.decode()
    assert response.status_code == 200
    for secret in [
        "Alva",
        "Testsson",
        world.own.personal_number,
        world.own.personal_number[:8],
        "Farsta",
        "Familjehem",
        "Hemligbyskolan",
        "Ekvägen",
    ]:
        assert secret not in body
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert "Din socialsekreterare läser svaren" in body and "hoppa över" in body


def test_answers_are_saved_for_later_then_submitted_once(world: World) -> None:
    invitation, token = _link(world)
    url = reverse("participation:answer", kwargs={"token": token})
    client = Client()
    first = invitation.template.questions.first()
    assert first is not None
    client.post(url, {f"q{first.pk}": "2", "action": "save"})
    resumed = client.get(url).content.decode()
    assert f'name="q{first.pk}" value="2" checked' in resumed
    assert "Tack!" in client.post(url, {**_answers(invitation), "action": "send"}).content.decode()
    again = client.get(url)
    assert again.status_code == 404 and "Länken fungerar inte" in again.content.decode()


def test_wrong_expired_and_revoked_links_get_the_same_page(world: World) -> None:
    expired, expired_token = _link(world)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked, revoked_token = _link(world)
    services.revoke_invitation(actor=world.users["case_worker"], invitation=revoked, via="test")
    pages = [
        Client().get(reverse("participation:answer", kwargs={"token": t}))
        for t in ("not-a-token", expired_token, revoked_token)
    ]
    assert {p.status_code for p in pages} == {404}
    assert len({p.content for p in pages}) == 1


@override_settings(PARTICIPATION_MAX_GUESSES=3)
def test_repeated_guessing_is_rate_limited_but_a_valid_link_still_opens(world: World) -> None:
    client = Client()
    for n in range(3):
        assert client.get(reverse("participation:answer", kwargs={"token": f"guess-{n}"})).status_code == 404
    assert client.get(reverse("participation:answer", kwargs={"token": "guess-3"})).status_code == 429
    _invitation, token = _link(world)
    assert client.get(reverse("participation:answer", kwargs={"token": token})).status_code == 200


def test_an_alarming_answer_alerts_the_case_worker_and_the_unit_manager_the_same_day(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    for user in world.users.values():
        user.email = f"{user.username}@example.org"
        user.save()
    invitation, token = _link(world)
    safe = invitation.template.questions.get(order=2)  # "Känner du dig trygg där du bor?"
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail goes once the answers are saved
        Client().post(
            reverse("participation:answer", kwargs={"token": token}),
            {**_answers(invitation), f"q{safe.pk}": "no", "action": "send"},
        )
    assert Alert.objects.filter(child=world.own).count() == 1
    worker = Client()
    worker.force_login(world.users["case_worker"])
    assert "Barn som behöver höras av i dag" in worker.get(reverse("obligations:todo")).content.decode()
    manager = Client()
    manager.force_login(world.users["unit_manager"])
    assert "Barn som behöver höras av i dag" in manager.get(reverse("obligations:district")).content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["chef_farsta@example.org", "cw_farsta@example.org"]
    assert all("Alva" not in m.body and "Testsson" not in m.body for m in mail.outbox)


def test_free_text_marked_urgent_alerts_too(world: World) -> None:
    invitation, token = _link(world)
    text = invitation.template.questions.get(kind="text")
    Client().post(
        reverse("participation:answer", kwargs={"token": token}),
        {f"q{text.pk}": "Jag vill prata", f"urgent{text.pk}": "on", "action": "send"},
    )
    assert Alert.objects.filter(child=world.own).exists()


def test_the_case_worker_sees_the_answers_with_the_change_and_marks_them_discussed(world: World) -> None:
    first, token = _link(world)
    client = Client()
    mood = first.template.questions.get(order=1)
    client.post(
        reverse("participation:answer", kwargs={"token": token}),
        {**_answers(first), f"q{mood.pk}": "2", "action": "send"},
    )
    second, token = _link(world)
    client.post(
        reverse("participation:answer", kwargs={"token": token}),
        {**_answers(second), f"q{mood.pk}": "4", "action": "send"},
    )
    worker = Client()
    worker.force_login(world.users["case_worker"])
    url = reverse("participation:detail", kwargs={"child_id": world.own.pk, "invitation_id": second.pk})
    rows = worker.get(url).context["rows"]
    assert rows[0].change == 2
    worker.post(
        reverse("participation:action", kwargs={"child_id": world.own.pk, "invitation_id": second.pk}),
        {"action": "discussed"},
    )
    second.refresh_from_db()
    assert second.discussed_at is not None
    follow_up = world.own.follow_ups.first()
    assert follow_up is not None
    page = worker.get(
        reverse("followup:detail", kwargs={"child_id": world.own.pk, "follow_up_id": follow_up.pk})
    )
    assert page.context["voice"] == second


def test_arabic_is_right_to_left(world: World) -> None:
    _invitation, token = _link(world, "ar")
    body = Client().get(reverse("participation:answer", kwargs={"token": token})).content.decode()
    assert '<html lang="ar" dir="rtl">' in body and "كيف تشعر الآن؟" in body


def test_the_token_never_reaches_the_audit_log_or_a_log_line(world: World, caplog: Any) -> None:
    invitation, token = _link(world)
    with caplog.at_level(logging.WARNING):
        Client().get(reverse("participation:answer", kwargs={"token": token}))
        Client().post(reverse("participation:answer", kwargs={"token": token}), {**_answers(invitation)})
        Client().get(reverse("participation:answer", kwargs={"token": token}))  # a 404, logged by Django
    assert token not in str(list(AuditEvent.objects.values_list("changes", "via")))
    from obruten.logging import RedactTokens

    redact = RedactTokens()
    for record in caplog.records:
        redact.filter(record)
        assert token not in record.getMessage()
    opened = AuditEvent.objects.filter(child=world.own, via__startswith="participation:answer")
    assert {e.via for e in opened} == {
        "participation:answer (opened by the child)",
        "participation:answer (submitted by the child)",
    }


def test_a_page_weighs_under_50_kb(world: World) -> None:
    _invitation, token = _link(world)
    body = Client().get(reverse("participation:answer", kwargs={"token": token})).content
    from django.contrib.staticfiles import finders

    css = finders.find("obruten/questionnaire.css")
    assert css is not None
    assert len(body) + Path(css).stat().st_size < 50_000


def test_the_aggregate_report_hides_small_groups_and_never_free_text(world: World) -> None:
    from obruten.statistics.definitions import Params
    from obruten.statistics.protection import run_report
    from obruten.statistics.renderers import to_csv

    for _ in range(3):
        invitation, token = _link(world)
        Client().post(
            reverse("participation:answer", kwargs={"token": token}),
            {**_answers(invitation), "action": "send"},
        )
    report = run_report("child-voice", Params(year=timezone.localdate().year), actor=None, via="test")
    text = to_csv(report).decode("utf-8-sig")
    assert "Det är bra." not in text  # free text stays in the child's record
    table = report.table
    row = table.row_labels.index("13-20: Hur mår du just nu?")
    assert table.grid[row][3] == 3 and table.value(row, 3) is None  # three children answered 4: hidden
