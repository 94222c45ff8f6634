"""`obruten cull` removes only what may be culled (docs/operations.md, "Retention"): old
questionnaire-link guesses, login attempts and logs, the reminder log and links that
expired unanswered. It counts without --apply, never touches a case record or the audit
log, and its removal is one system event in the audit chain."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from axes.models import AccessAttempt, AccessLog
from django.core.management import call_command
from django.utils import timezone

from conftest import World
from obruten.audit.log import verify
from obruten.audit.models import AuditEvent
from obruten.followup.models import FollowUp, ReminderSent
from obruten.participation.models import Answer, GuessAttempt, Invitation, Question
from obruten.register.models import Child, Placement, SchoolStart

OLD = timedelta(days=40)


def _old_and_new_traces(world: World) -> None:
    now = timezone.now()
    for name in ("old", "new"):
        GuessAttempt.objects.create(address_hash=name)
        AccessAttempt.objects.create(username=name, ip_address="10.0.0.1", failures_since_start=5)
        AccessLog.objects.create(username=name, ip_address="10.0.0.1")
    GuessAttempt.objects.filter(address_hash="old").update(at=now - OLD)
    AccessAttempt.objects.filter(username="old").update(attempt_time=now - OLD)
    AccessLog.objects.filter(username="old").update(attempt_time=now - OLD)
    ReminderSent.objects.create(user=world.users["case_worker"], day=(now - OLD).date(), due=1, overdue=0)
    ReminderSent.objects.create(user=world.users["case_worker"], day=now.date(), due=1, overdue=0)
    own, other, protected = (child.invitations.get() for child in (world.own, world.other, world.protected))
    # Expired long ago and never answered: may go. Expired long ago but answered: a record, kept.
    Invitation.objects.filter(pk__in=[own.pk, other.pk]).update(expires_at=now - OLD)
    Answer.objects.create(invitation=other, question=Question.objects.all()[0], value="Bra")
    assert protected.is_open()


def _case_records() -> list[int]:
    return [model.objects.count() for model in (Child, Placement, SchoolStart, FollowUp, Answer)]


def test_a_dry_run_counts_and_removes_nothing(world: World) -> None:
    _old_and_new_traces(world)
    events = AuditEvent.objects.count()
    out = StringIO()
    call_command("cull", stdout=out)
    assert "questionnaire_link_guesses: 1" in out.getvalue()
    assert "unanswered_expired_links: 1" in out.getvalue()
    assert GuessAttempt.objects.count() == 2 and Invitation.objects.count() == 3
    assert AuditEvent.objects.count() == events


def test_apply_removes_only_the_old_traces_and_is_audited_once(world: World) -> None:
    _old_and_new_traces(world)
    records, events = _case_records(), AuditEvent.objects.count()
    call_command("cull", "--apply", stdout=StringIO())
    assert GuessAttempt.objects.count() == AccessAttempt.objects.count() == AccessLog.objects.count() == 1
    assert ReminderSent.objects.get().day == timezone.now().date()
    assert not Invitation.objects.filter(child=world.own).exists()
    assert Invitation.objects.filter(child=world.other).exists()  # answered: kept
    assert Invitation.objects.filter(child=world.protected).exists()  # still open: kept
    assert _case_records() == records
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.latest("sequence")
    assert (event.actor_id, event.via) == (None, "obruten cull")
    assert event.changes["removed"]["unanswered_expired_links"] == 1
    assert verify([]) == []
