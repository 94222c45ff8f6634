"""``obruten cull``: remove what may be removed (docs/operations.md, "Retention").

Only traces of the system's own working are culled: failed questionnaire-link guesses,
login attempts and logs, the reminder log, and questionnaire links that expired unanswered.
Records on a child placed outside the home and the audit log are kept: social-services law
says they are to be preserved, and nothing here touches them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import models, transaction
from django.utils import timezone

from obruten.audit import log as audit
from obruten.followup.models import ReminderSent
from obruten.participation.models import GuessAttempt, Invitation


def cullable(days: int) -> dict[str, models.QuerySet[Any]]:
    """What may be removed, by a plain name: everything older than ``days`` days."""
    before = timezone.now() - timedelta(days=days)
    return {
        "questionnaire_link_guesses": GuessAttempt.objects.filter(at__lt=before),
        "login_attempts": AccessAttempt.objects.filter(attempt_time__lt=before),
        "login_failure_log": AccessFailureLog.objects.filter(attempt_time__lt=before),
        "login_log": AccessLog.objects.filter(attempt_time__lt=before),
        "reminder_log": ReminderSent.objects.filter(day__lt=before.date()),
        "unanswered_expired_links": Invitation.objects.filter(
            models.Q(expires_at__lt=before) | models.Q(revoked_at__lt=before),
            submitted_at__isnull=True,
            answers__isnull=True,
            alerts__isnull=True,
        ),
    }


def cull(days: int, *, apply: bool) -> dict[str, int]:
    """Count (and with ``apply`` remove) what is cullable, audited as one system event."""
    with transaction.atomic():
        querysets = cullable(days)  # one cut-off for what is counted and what is removed
        found = {name: queryset.count() for name, queryset in querysets.items()}
        if apply:
            for queryset in querysets.values():
                queryset.model.objects.filter(pk__in=queryset.values("pk")).delete()
            audit.record(
                actor=None,
                action=audit.Action.UPDATE,
                via="obruten cull",
                changes={"removed": found, "older_than_days": days},
            )
    return found
