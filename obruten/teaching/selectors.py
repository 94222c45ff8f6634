"""What the teaching page and report show: schooling within the goal after arriving at
the protected housing, and whether the child got its full teaching time."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from obruten import municipal
from obruten.lib import school_start as school_start_rule
from obruten.register.models import Child, Placement

from .models import TeachingWeek

PROTECTED_HOUSING = Q(form__is_protected_housing=True) | Q(accompanying=True)


@dataclass
class ChildTeaching:
    child: Child
    placement: Placement  # the newest placement in protected housing in the period
    weeks: list[TeachingWeek]
    today: dt.date

    @property
    def days_to_school_start(self) -> int | None:
        start = getattr(self.placement, "school_start", None)
        return start.days_to_school_start if start else None

    @property
    def within_goal(self) -> bool | None:
        """Started school (with Lärteamet or at a school) within the goal days; None
        while the goal has not passed."""
        began = self.placement.start_date
        goal = municipal.school_start_goal_on(began)
        if self.days_to_school_start is not None:
            return not school_start_rule.is_late(self.days_to_school_start, goal)
        if school_start_rule.goal_passed(began, goal, self.today):
            return False
        return None

    @property
    def hours(self) -> Decimal:
        return sum((week.hours for week in self.weeks), Decimal(0))

    @property
    def full_hours(self) -> Decimal:
        return sum((week.full_hours or Decimal(0) for week in self.weeks), Decimal(0))

    @property
    def weeks_with_a_goal(self) -> int:
        return sum(week.is_full is not None for week in self.weeks)

    @property
    def full_weeks(self) -> int:
        return sum(week.is_full is True for week in self.weeks)

    @property
    def has_full_time(self) -> bool | None:
        """Full teaching time in every week recorded, each against its own week's goal (a
        short week is not made up by a long one: the hours a child missed are missed);
        None with no week that has a goal."""
        if not self.weeks_with_a_goal:
            return None
        return self.full_weeks == self.weeks_with_a_goal


@dataclass
class DistrictSummary:
    name: str
    rows: list[ChildTeaching] = field(default_factory=list)

    @property
    def children(self) -> int:
        return len(self.rows)

    @property
    def within_goal(self) -> int:
        return sum(row.within_goal is True for row in self.rows)

    @property
    def with_weeks(self) -> int:
        return sum(row.has_full_time is not None for row in self.rows)

    @property
    def full_time(self) -> int:
        return sum(row.has_full_time is True for row in self.rows)

    @property
    def full_time_share(self) -> int | None:
        return round(100 * self.full_time / self.with_weeks) if self.with_weeks else None


def teaching_rows(
    children: QuerySet[Child], start: dt.date, end: dt.date, today: dt.date
) -> list[ChildTeaching]:
    """One row per child placed in protected housing some day from ``start`` to ``end``."""
    overlapping = Q(start_date__lte=end) & (Q(end_date__isnull=True) | Q(end_date__gte=start))
    placements = (
        Placement.objects.filter(PROTECTED_HOUSING, overlapping)
        .select_related("school_start")
        .order_by("-start_date")
    )
    weeks = TeachingWeek.objects.filter(week__gte=start - dt.timedelta(days=6), week__lte=end)
    found = (
        children.filter(Q(placements__in=placements))
        .distinct()
        .select_related("district")
        .prefetch_related(Prefetch("placements", placements), Prefetch("teaching_weeks", weeks))
    )
    return [
        ChildTeaching(child, child.placements.all()[0], list(child.teaching_weeks.all()), today)
        for child in found
    ]


def by_district(rows: list[ChildTeaching]) -> list[DistrictSummary]:
    summaries: dict[str, DistrictSummary] = defaultdict(lambda: DistrictSummary(""))
    for row in rows:
        summary = summaries[row.child.district.name]
        summary.name = row.child.district.name
        summary.rows.append(row)
    return sorted(summaries.values(), key=lambda summary: summary.name)
