"""Synthetic answers for the demo: some placed children have answered their questionnaire
before a follow-up, and a few answers raise an alert. Deterministic per seed."""

from __future__ import annotations

import random
import secrets
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction

from obruten.accounts.models import Role, User
from obruten.register.models import Child

from .models import Alert, Answer, Invitation, Question, Template
from .services import token_hash
from .working_day import respond_by


@transaction.atomic
def generate(*, seed: int, today: date) -> dict[str, int]:
    rng = random.Random(seed * 104729)
    template = Template.objects.filter(code="barnets-rost", published=True).order_by("-version").first()
    assert template is not None, "the questionnaires are loaded by migration"
    questions = list(template.questions.all())
    sender = User.objects.filter(role=Role.CASE_WORKER).order_by("pk").first()
    assert sender is not None, "create the demo users first"
    teenagers = (
        Child.objects.filter(
            birth_date__lte=today - timedelta(days=13 * 365),
            birth_date__gte=today - timedelta(days=19 * 365),
            placements__end_date__isnull=True,
        )
        .distinct()
        .order_by("pk")
    )
    invitations, answers, alerts = 0, [], []
    for child in teenagers:
        if rng.random() > 0.12:
            continue
        sent = today - timedelta(days=rng.randrange(2, 50))
        submitted = datetime.combine(sent + timedelta(days=rng.randrange(0, 2)), time(16, 30), tzinfo=UTC)
        invitation = Invitation.objects.create(
            child=child,
            template=template,
            language=rng.choice(["sv"] * 6 + ["en", "ar", "so"]),
            token_hash=token_hash(secrets.token_urlsafe(24)),
            created_by=child.case_worker or sender,
            expires_at=submitted + timedelta(days=14),
            opened_at=submitted,
            submitted_at=submitted,
        )
        invitations += 1
        worried = rng.random() < 0.08
        for question in questions:
            if rng.random() < 0.1:
                continue  # the child skipped it
            if question.kind == Question.Kind.SCALE:
                value = str(1 if worried and question.order == 1 else rng.choice([2, 3, 3, 4, 4, 4, 5, 5]))
            elif question.kind == Question.Kind.YES_NO:
                value = (
                    "no" if worried and question.order == 2 else rng.choice(["yes"] * 6 + ["no", "dont_know"])
                )
            else:
                value = rng.choice(["", "", "Jag vill träffa min mamma oftare.", "Det går bra i skolan nu."])
            answers.append(Answer(invitation=invitation, question=question, value=value))
        if worried:
            alerts.append(Alert(child=child, invitation=invitation, respond_by=respond_by(submitted)))
    Answer.objects.bulk_create(answers, batch_size=2000)
    Alert.objects.bulk_create(alerts)
    return {"invitations": invitations, "alerts": len(alerts)}
