"""Read-side queries of staff and their teams, for the user's own districts."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from obruten.accounts import policy
from obruten.accounts.models import Team, User
from obruten.register.models import District


def teams_for(user: Any) -> QuerySet[Team]:
    """The teams of the user's districts (none for roles without personal records)."""
    if not getattr(user, "is_authenticated", False) or not policy.has_records(user):
        return Team.objects.none()
    return Team.objects.filter(district__in=user.districts.all()).select_related("district", "manager")


def district_staff(districts: QuerySet[District] | list[District]) -> QuerySet[User]:
    """The active staff with personal records in these districts: who may be a member."""
    return (
        User.objects.filter(is_active=True, role__in=policy.ROLES_WITH_RECORDS, districts__in=districts)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
