"""Synthetic teaching weeks for the demo (DEMO_MODE only): Lärteamet's hours for the
children in protected housing, most weeks at the child's full teaching time, some short."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Q

from obruten.accounts.models import Role, User
from obruten.register.models import Placement

from .models import TeachingWeek
from .services import full_hours

WEEKS_AT_MOST = 16  # the newest weeks of each stay


def generate(*, seed: int, today: dt.date) -> dict[str, int]:
    rng = random.Random(seed * 65537)
    teacher = User.objects.filter(role=Role.LARTEAMET).order_by("pk").first()
    if teacher is None:
        return {"teaching_weeks": 0}
    stays = (
        Placement.objects.filter(
            Q(form__is_protected_housing=True) | Q(accompanying=True), start_date__lte=today
        )
        .select_related("child")
        .order_by("pk")
    )
    weeks: list[TeachingWeek] = []
    seen: set[tuple[int, dt.date]] = set()
    per_child: dict[int, int] = {}
    for stay in stays:
        last = min(stay.end_date or today, today)
        monday = last - dt.timedelta(days=last.weekday())
        first = stay.start_date + dt.timedelta(days=7 - stay.start_date.weekday())  # the Monday after arrival
        while monday >= first and per_child.get(stay.child_id, 0) < WEEKS_AT_MOST:
            goal = full_hours(stay.child, monday)
            if goal is not None and (stay.child_id, monday) not in seen and rng.random() < 0.9:
                seen.add((stay.child_id, monday))
                per_child[stay.child_id] = per_child.get(stay.child_id, 0) + 1
                short = rng.random() < 0.15
                hours = (goal * Decimal(rng.uniform(0.4, 0.9)) if short else goal).quantize(Decimal("0.1"))
                weeks.append(
                    TeachingWeek(
                        child_id=stay.child_id, week=monday, hours=hours, full_hours=goal, recorded_by=teacher
                    )
                )
            monday -= dt.timedelta(days=7)
    TeachingWeek.objects.bulk_create(weeks, batch_size=2000)
    return {"teaching_weeks": len(weeks)}
