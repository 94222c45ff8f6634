"""Skolfam's reach: the children in its target group (``lib/skolfam.py``, the municipality's
settings) who are not enrolled."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from obruten.accounts import policy
from obruten.lib import skolfam
from obruten.lib.calendar import add_years
from obruten.register.models import Placement

from .models import Intervention


def target_group() -> skolfam.TargetGroup:
    return skolfam.TargetGroup(
        forms=settings.SKOLFAM_FORMS,
        age_from=settings.SKOLFAM_AGE_FROM,
        age_to=settings.SKOLFAM_AGE_TO,
        county=settings.SKOLFAM_COUNTY,
        min_months_placed=settings.SKOLFAM_MIN_MONTHS_PLACED,
    )


def enrolled_on(day: date) -> Q:
    """Children with a Skolfam intervention going on ``day``."""
    ongoing = Intervention.objects.filter(
        child=OuterRef("child"), kind__code="skolfam", start__lte=day
    ).filter(Q(end__isnull=True) | Q(end__gte=day))
    return Q(Exists(ongoing))


def not_enrolled(user: object, today: date) -> list[Placement]:
    """The ongoing placements (with child, form and district) of the children the user may
    see who are in the target group today and have no Skolfam intervention going on, by
    district and name."""
    group = target_group()
    ongoing = (
        Placement.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today),
            child__in=policy.children_for(user, today=today),
            start_date__lte=today,
            accompanying=False,
            form__code__in=group.forms,
            # A generous first cut by birth date; the rule decides on the day.
            child__birth_date__gt=add_years(today, -group.age_to - 2),
            child__birth_date__lte=add_years(today, -group.age_from),
        )
        .exclude(enrolled_on(today))
        .select_related("child__case_worker", "form", "district", "location_municipality")
        .order_by("district__sort_order", "child__last_name", "child__first_name", "pk")
    )
    placements = list(ongoing)
    # Where a protected child lives is not the reader's to know, nor to infer from who is
    # missing from the list: the county counts only where the user may see it.
    located = set(
        policy.children_with_whereabouts_for(user)
        .filter(pk__in=[p.child_id for p in placements])
        .values_list("pk", flat=True)
    )
    return [
        placement
        for placement in placements
        if skolfam.in_target_group(
            group,
            birth_date=placement.child.birth_date,
            day=today,
            form=placement.form.code,
            county=_county(placement) if placement.child_id in located else None,
            placed_since=placement.start_date,
        )
    ]


def _county(placement: Placement) -> str | None:
    where = placement.location_municipality
    return where.county_code if where is not None else None
