"""State changes of the child's questionnaire: each validates, writes and audits in one
transaction. The token is never stored, logged or audited: only its SHA-256 hash."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from obruten.accounts import policy
from obruten.accounts.models import Role, User
from obruten.audit import log as audit
from obruten.proxy import public_url
from obruten.register.models import Child

from .models import Alert, Answer, GuessAttempt, Invitation, Question, Template
from .working_day import respond_by

logger = logging.getLogger(__name__)
TOKEN_BYTES = 24  # 192 bits of randomness
VALID_VALUES: dict[str, set[str]] = {
    Question.Kind.SCALE: {"1", "2", "3", "4", "5", ""},
    Question.Kind.YES_NO: {"yes", "no", "dont_know", ""},
}
GUESS_WINDOW = timedelta(minutes=15)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def create_invitation(
    *, actor: Any, child: Child, template: Template, language: str, via: str
) -> tuple[Invitation, str]:
    """A new one-time link; returns the invitation and the token, shown once."""
    policy.require_child(actor, child, policy.may_change_child(actor, child))
    if not template.published:
        raise ValidationError({"template": _("Välj ett publicerat frågeformulär.")})
    if language not in template.languages:
        raise ValidationError({"language": _("Formuläret finns inte på det språket.")})
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invitation = Invitation.objects.create(
        child=child,
        template=template,
        language=language,
        token_hash=token_hash(token),
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.PARTICIPATION_LINK_DAYS),
    )
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        via=via,
        child=child,
        obj=invitation,
        changes={"template": [None, str(template)], "language": [None, language]},
    )
    return invitation, token


def open_invitation(token: str) -> Invitation | None:
    """The invitation a token opens, or None for a wrong, spent, revoked or expired one
    (the caller shows the same page for all of them and counts the guess)."""
    invitation = Invitation.objects.select_related("template").filter(token_hash=token_hash(token)).first()
    if invitation is None or not invitation.is_open():
        return None
    if invitation.opened_at is None:
        with transaction.atomic():
            invitation.opened_at = timezone.now()
            invitation.save(update_fields=["opened_at"])
            audit.record(
                actor=None,
                action=audit.Action.READ,
                via="participation:answer (opened by the child)",
                child=invitation.child,
                obj=invitation,
            )
    return invitation


def guess_refused(address: str) -> bool:
    """Count a wrong link from ``address``: True once that address, or all addresses
    together, have tried more wrong links in 15 minutes than their limit. Crossing the
    city-wide limit is logged as a warning: someone is guessing from many addresses."""
    now = timezone.now()
    GuessAttempt.objects.filter(at__lt=now - timedelta(days=1)).delete()  # keep the table small
    GuessAttempt.objects.create(address_hash=token_hash(address))
    recent = GuessAttempt.objects.filter(at__gte=now - GUESS_WINDOW)
    city = recent.count()
    if city == settings.PARTICIPATION_MAX_GUESSES_CITY + 1:
        logger.warning("questionnaire link guessing city-wide: %d wrong links in 15 minutes", city)
    if city > settings.PARTICIPATION_MAX_GUESSES_CITY:
        return True
    return recent.filter(address_hash=token_hash(address)).count() > settings.PARTICIPATION_MAX_GUESSES


@dataclass(frozen=True)
class Given:
    value: str
    urgent: bool = False


def _is_danger(question: Question, given: Given) -> bool:
    if given.urgent:
        return True
    return any(str(danger) == given.value for danger in question.danger_values)


@transaction.atomic
def save_answers(*, invitation: Invitation, answers: dict[int, Given], submit: bool) -> Alert | None:
    """Save what the child has answered so far; with ``submit`` the link closes and an
    answer that signals danger raises an alert, to be acknowledged the same working day
    (returned, so the child can be told whom to call now)."""
    questions = {q.pk: q for q in invitation.template.questions.all()}
    for question_id, given in answers.items():
        question = questions.get(question_id)
        if question is None:
            continue
        valid = VALID_VALUES.get(str(question.kind))
        if valid is not None and given.value not in valid:
            raise ValidationError({f"q{question_id}": "invalid"})
        Answer.objects.update_or_create(
            invitation=invitation,
            question=question,
            defaults={
                "value": given.value.replace("\x00", "")[:4000],  # PostgreSQL text holds no NUL
                "urgent": given.urgent and question.kind == Question.Kind.TEXT,
            },
        )
    if not submit:
        return None
    invitation.submitted_at = timezone.now()
    invitation.save(update_fields=["submitted_at"])
    stored = invitation.answers.select_related("question")
    alert = None
    if any(_is_danger(a.question, Given(a.value, a.urgent)) for a in stored):
        alert = Alert.objects.create(
            child=invitation.child, invitation=invitation, respond_by=respond_by(timezone.now())
        )
        transaction.on_commit(lambda: _send_alert_mail(alert))
    # After the alert, so the state the write leaves holds it (obruten.audit.records).
    audit.record(
        actor=None,
        action=audit.Action.CREATE,
        via="participation:answer (submitted by the child)",
        child=invitation.child,
        obj=invitation,
    )
    return alert


def alert_recipients(child: Child) -> list[User]:
    """The responsible case worker and the enhetschefer of the child's district."""
    managers = User.objects.filter(role=Role.UNIT_MANAGER, districts=child.district_id, is_active=True)
    people = list(managers)
    if child.case_worker is not None and child.case_worker.is_active:
        people.append(child.case_worker)
    return [user for user in people if user.email]


def _send_alert_mail(alert: Alert) -> None:
    url = public_url(reverse("home"))
    for user in alert_recipients(alert.child):
        send_mail(
            subject=_("Obruten: ett barns svar behöver ses i dag"),
            message=render_to_string("participation/email/alert.txt", {"user": user, "url": url}),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )


@transaction.atomic
def revoke_invitation(*, actor: Any, invitation: Invitation, via: str) -> None:
    policy.require_child(actor, invitation.child, policy.may_change_child(actor, invitation.child))
    if invitation.submitted_at or invitation.revoked_at:
        raise ValidationError(_("Länken är redan stängd."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        via=via,
        child=invitation.child,
        obj=invitation,
        changes={"revoked": [False, True]},
    )


@transaction.atomic
def mark_discussed(*, actor: Any, invitation: Invitation, via: str) -> None:
    policy.require_child(actor, invitation.child, policy.may_change_child(actor, invitation.child))
    if invitation.submitted_at is None:
        raise ValidationError(_("Barnet har inte skickat sina svar ännu."))
    invitation.discussed_at = timezone.now()
    invitation.save(update_fields=["discussed_at"])
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        via=via,
        child=invitation.child,
        obj=invitation,
        changes={"discussed": [False, True]},
    )


def may_acknowledge_alert(actor: Any) -> bool:
    """The alert goes to the responsible case worker and the enhetschef; either may act."""
    return actor is None or actor.role in {Role.CASE_WORKER, Role.UNIT_MANAGER}


@transaction.atomic
def acknowledge_alert(*, actor: Any, alert: Alert, note: str, via: str) -> None:
    """Someone has acted on the alert: what they did is kept, and the alert closes.
    Separate from having discussed the answers with the child, which may come later."""
    policy.require_child(actor, alert.child, may_acknowledge_alert(actor))
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Skriv vad du har gjort.")})
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.acknowledged_at is not None:
        raise ValidationError(_("Larmet är redan kvitterat."))
    locked.acknowledged_at, locked.acknowledged_by, locked.note = timezone.now(), actor, note[:4000]
    locked.save(update_fields=["acknowledged_at", "acknowledged_by", "note"])
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        via=via,
        child=alert.child,
        obj=locked,
        changes={"acknowledged": [False, True], "note": [None, locked.note]},
    )
    alert.refresh_from_db()
