"""The access policy: the one place that answers "may this user see or change this
child or record?", and the querysets every view, export and command reads through.

Rules (docs/access-policy.md explains them):

- socialsekreterare and enhetschef: the children of their districts; a case worker
  also always sees the children they are responsible for.
- skolsamordnare: children of their districts currently placed in a form that the
  school coordinators follow up (HVB, SiS, stödboende, skyddat boende, behandlingsfamilj).
- Skolfam: children of their districts with an ongoing Skolfam intervention.
- Lärteamet: children of their districts currently in protected housing (or
  following a parent there).
- analytiker and administratör: no personal records at all.

A child outside the scope is answered with 404, exactly like a child that does not
exist. Where a protected child is (address, placement address, unit and municipality,
school and school municipality) is shown only to the responsible case worker and Lärteamet.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from obruten.audit import log as audit
from obruten.register.models import Child, District, Placement, ProtectedIdentity

from .models import Role

ROLES_WITH_RECORDS = {
    Role.CASE_WORKER,
    Role.SCHOOL_COORDINATOR,
    Role.SKOLFAM,
    Role.LARTEAMET,
    Role.UNIT_MANAGER,
}


def _system_may(rule: Callable[..., bool]) -> Callable[..., bool]:
    """A rule about what a role may do; the system itself (``None``: a command run by
    cron, demo data) may do all of it."""

    @wraps(rule)
    def checked(user: Any, *args: Any, **kwargs: Any) -> bool:
        return user is None or rule(user, *args, **kwargs)

    return checked


def _ongoing(today: date) -> Q:
    return Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))


def _has_placement(condition: Q) -> Exists:
    return Exists(Placement.objects.filter(condition, child=OuterRef("pk")))


def _in_skolfam(today: date) -> Q:
    """An ongoing Skolfam intervention, through the child's own relation: the policy needs
    no import of the app that records interventions."""
    ongoing = Q(interventions__end__isnull=True) | Q(interventions__end__gte=today)
    return Q(
        pk__in=Child.objects.filter(
            ongoing, interventions__kind__code="skolfam", interventions__start__lte=today
        ).values("pk")
    )


def protected_q() -> Q:
    """Children whose whereabouts are protected: protected identity, or ever placed in
    protected housing (the housing's location stays secret after the placement)."""
    return ~Q(protected_identity=ProtectedIdentity.NONE) | Q(
        _has_placement(Q(form__is_protected_housing=True) | Q(accompanying=True))
    )


def children_for(user: Any, *, today: date | None = None) -> QuerySet[Child]:
    """Every child the user may see. Analysts and administrators see none."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Child.objects.none()
    today = today or timezone.localdate()
    in_districts = Q(district__in=user.districts.all())
    ongoing = _ongoing(today)
    scope: Q
    match user.role:
        case Role.CASE_WORKER:
            scope = in_districts | Q(case_worker=user)
        case Role.UNIT_MANAGER:
            scope = in_districts
        case Role.SCHOOL_COORDINATOR:
            scope = in_districts & Q(_has_placement(ongoing & Q(form__school_coordinator_follows_up=True)))
        case Role.SKOLFAM:
            scope = in_districts & _in_skolfam(today)
        case Role.LARTEAMET:
            scope = in_districts & Q(
                _has_placement(ongoing & (Q(form__is_protected_housing=True) | Q(accompanying=True)))
            )
        case _:
            return Child.objects.none()
    return Child.objects.filter(scope)


def child_for_user(user: Any, child_id: int, *, via: str, reason: str = "") -> Child:
    """The child, audited as read; 404 if it does not exist or is outside the scope."""
    child = children_for(user).select_related("district", "home_municipality").filter(pk=child_id).first()
    if child is None:
        raise Http404
    audit.record(actor=user, action=audit.Action.READ, via=via, child=child, reason=reason)
    return child


def children_with_whereabouts_for(user: Any) -> QuerySet[Child]:
    """The children in scope whose whereabouts the user may see and so may change."""
    children = children_for(user)
    if user.role == Role.LARTEAMET:
        return children
    return children.filter(~protected_q() | Q(case_worker=user))


def is_protected(child: Child) -> bool:
    return Child.objects.filter(protected_q(), pk=child.pk).exists()


def may_see_whereabouts(user: Any, child: Child) -> bool:
    """Address, placement address, unit and municipality, school and school municipality."""
    if user.role == Role.LARTEAMET or (child.case_worker_id and child.case_worker_id == user.pk):
        return True
    return not is_protected(child)


@_system_may
def may_change_child(user: Any, child: Child | None = None) -> bool:
    """Register or change a child and its placements (within the user's scope)."""
    return user.role == Role.CASE_WORKER


@_system_may
def may_record_school_start(user: Any) -> bool:
    """Lärteamet too, for the children in protected housing it teaches."""
    return user.role in {Role.CASE_WORKER, Role.SCHOOL_COORDINATOR, Role.LARTEAMET}


def may_close_obligation(user: Any, child: Child) -> bool:
    """Close a task as not done, with a reason: the child's responsible case worker, or
    the enhetschef of the child's district."""
    if not children_for(user).filter(pk=child.pk).exists():
        return False
    if user.role == Role.UNIT_MANAGER:
        return True
    return user.role == Role.CASE_WORKER and child.case_worker_id == user.pk


def may_see_audit_trail(user: Any, child: Child) -> bool:
    if user.role == Role.ADMINISTRATOR:
        return True
    if user.role == Role.UNIT_MANAGER:
        return user.districts.filter(pk=child.district_id).exists()
    return user.role == Role.CASE_WORKER and child.case_worker_id == user.pk


def may_take_register_extract(user: Any, child: Child) -> bool:
    """The child's register extract (GDPR art. 15): the responsible case worker and the
    enhetschef of the child's district, who answer the child's or guardian's request."""
    return user.role != Role.ADMINISTRATOR and may_see_audit_trail(user, child)


def has_records(user: Any) -> bool:
    return user.role in ROLES_WITH_RECORDS


@_system_may
def may_import(user: Any) -> bool:
    return user.role in {Role.CASE_WORKER, Role.UNIT_MANAGER}


@_system_may
def may_exchange_monthly_file(user: Any) -> bool:
    """Import or export the monthly statistics file: the analyst (every district) and the
    enhetschef (their own districts, ``monthly_file_districts``)."""
    return user.is_active and user.role in {Role.ANALYST, Role.UNIT_MANAGER}


def monthly_file_districts(user: Any) -> QuerySet[District]:
    """The districts whose monthly file the user may import or export."""
    if user is None or user.role == Role.ANALYST:
        return District.objects.all()
    if user.role == Role.UNIT_MANAGER:
        return own_districts(user)
    return District.objects.none()


def child_for_audit_trail(user: Any, child_id: int) -> Child | None:
    """The child whose audit trail the user may read, or None (answer 404).

    Reading the trail is itself audited as a read of the child's record."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.role == Role.ADMINISTRATOR:
        child = Child.objects.filter(pk=child_id).first()
    else:
        child = children_for(user).filter(pk=child_id).first()
    if child is None or not may_see_audit_trail(user, child):
        return None
    audit.record(actor=user, action=audit.Action.READ, via="audit:child_trail", child=child)
    return child


COORDINATOR_FOLLOW_UP = "skolsamordnare"  # followup.FollowUpKind.COORDINATOR (a test holds them equal)


@_system_may
def may_record_follow_up(user: Any, kind: str) -> bool:
    """Case workers record every kind; school coordinators their own follow-ups."""
    if user.role == Role.CASE_WORKER:
        return True
    return user.role == Role.SCHOOL_COORDINATOR and kind == COORDINATOR_FOLLOW_UP


@_system_may
def may_record_school_results(user: Any) -> bool:
    """Final grades and the steps of the schooling chain."""
    return user.role in {Role.CASE_WORKER, Role.SCHOOL_COORDINATOR}


@_system_may
def may_edit_intervention(user: Any, kind_code: str | None) -> bool:
    """Case workers all interventions; Skolfam its own."""
    if user.role == Role.CASE_WORKER:
        return True
    return user.role == Role.SKOLFAM and kind_code in {None, "skolfam"}


@_system_may
def may_see_skolfam_target_group(user: Any) -> bool:
    """The list of children in Skolfam's target group not enrolled: the district's
    enhetschef, who decides on the intervention. (Skolfam sees only its own children.)"""
    return user.role == Role.UNIT_MANAGER


@_system_may
def may_manage_teams(user: Any) -> bool:
    """Create and rename the teams of one's own districts and choose their members."""
    return user.role == Role.UNIT_MANAGER


@_system_may
def may_set_municipal_rules(user: Any) -> bool:
    """What the law leaves to the municipality: the school-start goal, the emergency
    number, the schooling chain's steps, the questionnaires (obruten/municipal)."""
    return user.role == Role.ADMINISTRATOR


START_PAGES: dict[str, str] = {
    Role.ANALYST: "statistics:index",
    Role.CASE_WORKER: "obligations:todo",
    Role.UNIT_MANAGER: "obligations:district",
    Role.SCHOOL_COORDINATOR: "obligations:coordinator",
}


def start_page(user: Any) -> str:
    """The URL name of where the user's work is: what is due, or the children."""
    return START_PAGES.get(user.role, "register:caseload")


def may_see_statistics(user: Any) -> bool:
    """Protected aggregates: the analyst city-wide, the enhetschef for follow-up."""
    return getattr(user, "is_authenticated", False) and user.role in {Role.ANALYST, Role.UNIT_MANAGER}


# --- Writes: every service function asks these about the record as it is and as it
# will be. ``actor`` None is the system itself (a command run by cron, demo data).

PROTECTION_ORDER = [
    ProtectedIdentity.NONE,
    ProtectedIdentity.CONFIDENTIALITY_MARKING,
    ProtectedIdentity.PROTECTED_REGISTRATION,
    ProtectedIdentity.FICTITIOUS_IDENTITY,
]


def in_scope(actor: Any, child: Child) -> bool:
    return actor is None or children_for(actor).filter(pk=child.pk).exists()


def require(actor: Any, allowed: bool) -> None:
    """The actor's role may do this (raises PermissionDenied otherwise)."""
    if actor is not None and not allowed:
        raise PermissionDenied


def require_child(actor: Any, child: Child, allowed: bool = True, *, whereabouts: bool = False) -> None:
    """The child as it is: within the actor's scope, the actor's role may do this, and
    where the change shows the child's whereabouts, the actor may see them."""
    if actor is None:
        return
    if not allowed or not in_scope(actor, child):
        raise PermissionDenied
    if whereabouts and not may_see_whereabouts(actor, child):
        raise PermissionDenied


def own_districts(actor: Any) -> QuerySet[District]:
    """The districts the actor may place a record in: their own and the districts that
    were merged into them (history registered after a merger)."""
    own = list(actor.districts.values_list("pk", flat=True))
    found, frontier = set(own), own
    while frontier:
        frontier = [
            pk
            for pk in District.objects.filter(successor__in=frontier).values_list("pk", flat=True)
            if pk not in found
        ]
        found.update(frontier)
    return District.objects.filter(pk__in=found)


def require_district(actor: Any, district: District, field: str = "district") -> None:
    """The record as it will be: in one of the actor's districts (a field error otherwise)."""
    if actor is not None and not own_districts(actor).filter(pk=district.pk).exists():
        raise ValidationError({field: _("Välj en av dina egna stadsdelsnämnder.")})


def manages(actor: Any, district: District) -> bool:
    """The actor is an enhetschef of the district (the system manages every district)."""
    return actor is None or (
        actor.role == Role.UNIT_MANAGER and actor.districts.filter(pk=district.pk).exists()
    )


def require_manager(actor: Any, district: District) -> None:
    """Assigning responsibility and accepting a transfer are the district's enhetschef's."""
    if not manages(actor, district):
        raise PermissionDenied


def require_case_worker_of(user: Any, district: District, field: str = "case_worker") -> None:
    """The responsible case worker as it will be: an active socialsekreterare of the district."""
    member = user.districts.filter(pk=district.pk).exists()
    if not (user.is_active and user.role == Role.CASE_WORKER and member):
        message = _("Välj en socialsekreterare i %(district)s.") % {"district": district.name}
        raise ValidationError({field: message})


def may_lower_protection(actor: Any, child: Child) -> bool:
    """Lowering protection is for the responsible case worker and the enhetschef of the
    child's district."""
    if actor is None:
        return True
    if actor.role == Role.CASE_WORKER:
        return child.case_worker_id == actor.pk
    return actor.role == Role.UNIT_MANAGER and actor.districts.filter(pk=child.district_id).exists()


def lowers_protection(before: str, after: str) -> bool:
    return PROTECTION_ORDER.index(after) < PROTECTION_ORDER.index(before)  # type: ignore[arg-type]


def require_protection_change(actor: Any, child: Child, *, lowers: bool, reason: str, field: str) -> None:
    """Raising protection is open to anyone with the child in scope; lowering it needs
    the responsible case worker or the district's enhetschef, and a written reason."""
    if not lowers:
        return
    if not may_lower_protection(actor, child):
        raise ValidationError(
            {field: _("Bara barnets ansvariga socialsekreterare eller enhetschef kan sänka skyddet.")}
        )
    if not reason.strip():
        raise ValidationError({"protection_reason": _("Skriv varför skyddet sänks.")})
