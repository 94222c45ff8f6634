"""The daily reminder: each user who has something due or overdue gets one e-mail a day
with counts and a link, and nothing else: the e-mail leaves the secure system, so it
names no child."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse

from obruten.accounts import policy
from obruten.accounts.models import Role, User
from obruten.followup.models import ReminderSent
from obruten.proxy import public_url
from obruten.register.models import Child

from .selectors import DueItem, due_items


@dataclass(frozen=True)
class Summary:
    sent: int
    already_sent: int
    nothing_due: int


def _children(user: User) -> QuerySet[Child]:
    children = policy.children_for(user)
    return children.filter(case_worker=user) if user.role == Role.CASE_WORKER else children


def _own_tasks(user: User, items: list[DueItem]) -> list[DueItem]:
    """What the start page counts: the user's own tasks; for the enhetschef, the case
    workers' tasks in the district. Steps owned by parties outside Obruten are not sent."""
    role = Role.CASE_WORKER if user.role == Role.UNIT_MANAGER else user.role
    return [item for item in items if item.owner == role]


def send_reminders(today: date) -> Summary:
    sent = already = nothing = 0
    users = User.objects.filter(is_active=True, role__in=list(policy.START_PAGES)).exclude(email="")
    for user in users.order_by("pk"):
        if ReminderSent.objects.filter(user=user, day=today).exists():
            already += 1
            continue
        items = _own_tasks(user, due_items(_children(user), today))
        overdue = sum(item.is_overdue(today) for item in items)
        if not items:
            nothing += 1
            continue
        try:
            with transaction.atomic():
                # The row first: a second run the same day, even a concurrent one, fails here.
                ReminderSent.objects.create(user=user, day=today, due=len(items) - overdue, overdue=overdue)
                context = {
                    "user": user,
                    "due": len(items) - overdue,
                    "overdue": overdue,
                    "url": public_url(reverse(policy.start_page(user))),
                }
                send_mail(
                    subject=render_to_string("obligations/email/reminder_subject.txt", context).strip(),
                    message=render_to_string("obligations/email/reminder.txt", context),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[user.email],
                )
        except IntegrityError:
            already += 1
            continue
        sent += 1
    return Summary(sent, already, nothing)
