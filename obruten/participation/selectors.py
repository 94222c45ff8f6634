from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet

from obruten.register.models import Child

from .models import Alert, Answer, Invitation, Question


@dataclass(frozen=True)
class AnswerRow:
    question: Question
    answer: Answer | None
    previous: Answer | None

    @property
    def change(self) -> int | None:
        """For a scale: the change since the last time the child answered."""
        if self.question.kind != Question.Kind.SCALE or not (self.answer and self.previous):
            return None
        if not (self.answer.value and self.previous.value):
            return None
        return int(self.answer.value) - int(self.previous.value)


def previous_invitation(invitation: Invitation) -> Invitation | None:
    return (
        Invitation.objects.filter(
            child=invitation.child,
            template__code=invitation.template.code,
            submitted_at__lt=invitation.submitted_at or invitation.created_at,
        )
        .exclude(pk=invitation.pk)
        .order_by("-submitted_at")
        .first()
    )


def answers_with_change(invitation: Invitation) -> list[AnswerRow]:
    """Each question with this time's answer and the previous time's (same template code,
    matched by the question's place in the form)."""
    current = {a.question_id: a for a in invitation.answers.select_related("question")}
    before = previous_invitation(invitation)
    earlier = {a.question.order: a for a in before.answers.select_related("question")} if before else {}
    return [
        AnswerRow(question, current.get(question.pk), earlier.get(question.order))
        for question in invitation.template.questions.all()
    ]


def for_follow_up(child_id: int, day: date) -> Invitation | None:
    """The child's answers sent in the 60 days up to a follow-up: they belong beside it."""
    return (
        Invitation.objects.filter(
            child_id=child_id, submitted_at__date__lte=day, submitted_at__date__gte=day - timedelta(days=60)
        )
        .select_related("template")
        .order_by("-submitted_at")
        .first()
    )


def open_alerts(children: QuerySet[Child]) -> QuerySet[Alert]:
    return (
        Alert.objects.filter(child__in=children, acknowledged_at__isnull=True)
        .select_related("child__case_worker")
        .order_by("respond_by")
    )
