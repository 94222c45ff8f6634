"""Changes of who may see what: a user's role, districts and active state are records
too, written to the hash-chained audit log with who changed them, whose, old and new."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from obruten.audit import log as audit

from .models import User

ACCESS_FIELDS = ("role", "districts", "is_active", "is_staff", "is_superuser")


def access_of(user: User | None) -> dict[str, Any]:
    """What decides the user's access, as plain values (district codes sorted)."""
    if user is None or user.pk is None:
        return {}
    return {
        "role": user.role,
        "districts": sorted(user.districts.values_list("code", flat=True)),
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
    }


@transaction.atomic
def record_access_change(*, actor: Any, user: User, before: dict[str, Any], via: str) -> None:
    """Audit a change of ``user``'s access made by ``actor``; nobody changes their own.

    Call inside the transaction that saved the change, with ``access_of(user)`` taken
    before it; a change of one's own access raises PermissionDenied and rolls it back."""
    after = access_of(user)
    changes = audit.changes_between(before, after)
    if not changes:
        return
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied("Nobody changes their own role, districts or active state.")
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE if before else audit.Action.CREATE,
        via=via,
        obj=user,
        changes={name: [before.get(name), after[name]] for name in changes},
    )


def record_password_change(*, actor: Any, user: User, via: str) -> None:
    """An administrator set ``user``'s password: they could now sign in as them."""
    audit.record(
        actor=actor, action=audit.Action.UPDATE, via=via, obj=user, changes={"password": [None, "ändrat"]}
    )
