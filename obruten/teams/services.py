"""Changing teams: each function checks the actor over the team as it is and as it will
be, writes, and appends its audit event in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from obruten.accounts import policy
from obruten.accounts.models import Role, Team, User
from obruten.accounts.staff import district_staff
from obruten.audit import log as audit
from obruten.register.models import District


@dataclass
class TeamData:
    district: District
    name: str
    manager: User | None = None
    members: tuple[User, ...] = ()


def create_team(*, actor: Any, data: TeamData, via: str) -> Team:
    policy.require(actor, policy.may_manage_teams(actor))
    _validate(actor, data)
    with transaction.atomic():
        team = Team(district=data.district, name=data.name.strip(), manager=data.manager)
        _save(team)
        team.members.set(data.members)
        audit.record(
            actor=actor,
            action=audit.Action.CREATE,
            via=via,
            obj=team,
            changes=audit.changes_between({}, _state(team)),
        )
    return team


def update_team(*, actor: Any, team: Team, data: TeamData, via: str) -> Team:
    policy.require(actor, policy.may_manage_teams(actor))
    if actor is not None and not actor.districts.filter(pk=team.district_id).exists():
        raise PermissionDenied  # the team as it is: another district's
    _validate(actor, data)
    with transaction.atomic():
        team = Team.objects.select_for_update().get(pk=team.pk)
        before = _state(team)
        team.district, team.name, team.manager = data.district, data.name.strip(), data.manager
        _save(team)
        team.members.set(data.members)
        audit.record(
            actor=actor,
            action=audit.Action.UPDATE,
            via=via,
            obj=team,
            changes=audit.changes_between(before, _state(team)),
        )
    return team


def _validate(actor: Any, data: TeamData) -> None:
    """The team as it will be: in the actor's district, with that district's staff only."""
    if actor is not None and not actor.districts.filter(pk=data.district.pk).exists():
        raise ValidationError({"district": _("Välj en av dina egna stadsdelsnämnder.")})
    if not data.name.strip():
        raise ValidationError({"name": _("Skriv arbetsgruppens namn.")})
    staff = district_staff([data.district])
    if staff.filter(pk__in=[m.pk for m in data.members]).count() != len({m.pk for m in data.members}):
        raise ValidationError({"members": _("Välj bara medarbetare i stadsdelsnämnden.")})
    if data.manager is not None and not staff.filter(pk=data.manager.pk, role=Role.UNIT_MANAGER).exists():
        raise ValidationError({"manager": _("Välj en enhetschef i stadsdelsnämnden.")})


def _save(team: Team) -> None:
    try:
        with transaction.atomic():
            team.save()
    except IntegrityError:
        raise ValidationError(
            {"name": _("Det finns redan en arbetsgrupp med det namnet i stadsdelsnämnden.")}
        ) from None


def _state(team: Team) -> dict[str, Any]:
    return {
        "district": team.district_id,
        "name": team.name,
        "manager": team.manager_id,
        "members": sorted(team.members.values_list("pk", flat=True)) if team.pk else [],
    }
