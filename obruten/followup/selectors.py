"""Read-side queries of follow-ups, for children the access policy already allowed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch

from obruten.lib import grades as grade_rules
from obruten.register.models import Child

from .chain import ChainItem, active_steps, chain_items
from .models import FinalGrades, FollowUp, Intervention, SubjectResult, UpperSecondaryQualification


@dataclass
class ChildOverview:
    chain: list[ChainItem]
    follow_ups: list[FollowUp]
    final_grades: FinalGrades | None
    year9: grade_rules.Year9Result | None
    interventions: list[Intervention]
    qualification: UpperSecondaryQualification | None = None


def child_overview(child: Child, today: date) -> ChildOverview:
    steps = active_steps()
    placements = child.placements.prefetch_related("chain_records").order_by("start_date")
    chain = [item for placement in placements for item in chain_items(placement, steps, today)]
    follow_ups = list(
        FollowUp.objects.filter(child=child)
        .select_related("recorded_by")
        .prefetch_related(Prefetch("results", queryset=SubjectResult.objects.order_by("pk")))[:20]
    )
    final = FinalGrades.objects.filter(child=child).first()
    return ChildOverview(
        chain=chain,
        follow_ups=follow_ups,
        final_grades=final,
        year9=grade_rules.year9_result(final.grades) if final else None,
        interventions=list(child.interventions.select_related("kind")),
        qualification=UpperSecondaryQualification.objects.filter(child=child).first(),
    )
