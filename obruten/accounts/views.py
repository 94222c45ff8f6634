from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from obruten.audit.models import AuditEvent

from .models import Role, User

LABELS = {
    "role": _("Roll"),
    "districts": _("Stadsdelsnämnder"),
    "is_active": _("Aktivt konto"),
    "is_staff": _("Får administrera"),
    "is_superuser": _("Alla rättigheter i administrationen"),
    "password": _("Lösenord"),
}


def _plain(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(value) or "–"
    if isinstance(value, bool):
        return str(_("ja") if value else _("nej"))
    return str(value) if value not in (None, "") else "–"


@login_required
def access_changes(request: HttpRequest) -> HttpResponse:
    """The enhetschef's view of who gave or took access in their districts: every
    change of role, districts or active state of a user who is, or was, a member."""
    user = request.user
    if user.role != Role.UNIT_MANAGER:  # type: ignore[union-attr]
        raise PermissionDenied
    own = set(user.districts.values_list("code", flat=True))  # type: ignore[union-attr]
    members = set(User.objects.filter(districts__code__in=own).values_list("pk", flat=True))

    def in_own_districts(event: AuditEvent) -> bool:
        old, new = event.changes.get("districts") or [[], []]
        return event.object_id in members or bool(own & {*(old or []), *(new or [])})

    events = AuditEvent.objects.filter(object_type="user").order_by("-id")[:5000]
    rows = [event for event in events if in_own_districts(event)][:200]
    names = {u.pk: str(u) for u in User.objects.filter(pk__in={row.object_id for row in rows})}
    return render(
        request,
        "accounts/access_changes.html",
        {
            "rows": [
                (
                    row,
                    names.get(row.object_id or 0, ""),
                    [(LABELS.get(k, k), _plain(old), _plain(new)) for k, (old, new) in row.changes.items()],
                )
                for row in rows
            ]
        },
    )
