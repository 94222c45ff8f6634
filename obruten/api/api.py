"""The JSON API for case systems, /api/v1/. Every endpoint calls the same service
functions, access policy and audit log as the pages (docs/api.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Path, Query

from obruten.accounts import policy
from obruten.audit import log as audit
from obruten.followup import services as followup
from obruten.followup.models import ChainStep, FollowUp, UpperSecondaryQualification
from obruten.register import services as register
from obruten.register.models import Child, District, Municipality, Placement, PlacementForm, School
from obruten.statistics import renderers
from obruten.statistics.definitions import REPORTS
from obruten.statistics.forms import ReportFilterForm
from obruten.statistics.protection import run_report

from . import problems
from .auth import ApiKeyAuth
from .schemas import (
    PROBLEMS,
    ChainStepIn,
    ChainStepOut,
    ChildIn,
    ChildOut,
    ChildSummary,
    FollowUpIn,
    FollowUpOut,
    PlacementIn,
    PlacementOut,
    QualificationIn,
    QualificationOut,
    ReportOut,
    ReportSummary,
    SchoolStartIn,
    UndoIn,
)

api = NinjaAPI(
    title="Obruten API",
    version="1",
    description="Barn, placeringar, skolstarter, uppföljningar och skyddade rapporter för verksamhetssystem.",
    auth=ApiKeyAuth(),
    urls_namespace="api",
    docs_url="/docs" if settings.DEBUG else None,
)
problems.install(api)

ID = {"ge": 1, "le": 2_147_483_647}
MAX_PAGE = 100
# What a placement's representation reads, loaded with it.
PLACEMENT_RELATIONS = (
    "form",
    "district",
    "placing_municipality",
    "location_municipality",
    "school_start__school",
    "school_after",
)


def _records_user(request: HttpRequest) -> Any:
    if not policy.has_records(request.user):
        raise PermissionDenied
    return request.user


def _child(request: HttpRequest, child_id: int, via: str) -> Child:
    """As on the pages: a role without records 403, out of scope 404, the read audited."""
    return policy.child_for_user(_records_user(request), child_id, via=via)


def _by_code(model: type[Model], field: str, code: str | None, *, key: str = "code") -> Any:
    if code is None:
        return None
    found = model._default_manager.filter(**{key: code}).first()
    if found is None:
        raise ValidationError({field: "Okänd kod."})
    return found


def _code(obj: Any) -> str:
    return obj.code if obj is not None else ""


def _placement_out(placement: Placement, whereabouts: bool) -> dict[str, Any]:
    start = getattr(placement, "school_start", None)
    out: dict[str, Any] = {
        "id": placement.pk,
        "form": placement.form.code,
        "legal_basis": placement.legal_basis,
        "accompanying": placement.accompanying,
        "decision_date": placement.decision_date,
        "enforcement_date": placement.enforcement_date,
        "start_date": placement.start_date,
        "end_date": placement.end_date,
        "district": placement.district.code,
        "placing_municipality": placement.placing_municipality.code,
        "school_change": placement.school_change,
        "exit_destination": placement.exit_destination,
        "school_start": None,
    }
    if start is not None:
        out["school_start"] = {}
    if start is not None and whereabouts:
        out["school_start"] = {
            "first_school_day": start.first_school_day,
            "days_to_school_start": start.days_to_school_start,
            "taught_by_larteamet": start.taught_by_larteamet,
            "school": start.school.unit_code if start.school else None,
            "late_reason": start.late_reason,
        }
    if whereabouts:
        out |= {
            "location_municipality": _code(placement.location_municipality) or None,
            "unit_name": placement.unit_name,
            "address": placement.address,
            "school_after": placement.school_after.unit_code if placement.school_after else None,
        }
    return out


def _child_out(user: Any, child: Child) -> dict[str, Any]:
    whereabouts = policy.may_see_whereabouts(user, child)
    placements = child.placements.select_related(*PLACEMENT_RELATIONS).order_by("-start_date")
    out: dict[str, Any] = {
        "id": child.pk,
        "personal_number": child.personal_number,
        "first_name": child.first_name,
        "last_name": child.last_name,
        "birth_date": child.birth_date,
        "district": child.district.code,
        "sex": child.sex,
        "home_municipality": child.home_municipality.code,
        "unaccompanied": child.unaccompanied,
        "protected_identity": child.protected_identity,
        "whereabouts_hidden": not whereabouts,
        "placements": [_placement_out(p, whereabouts) for p in placements],
        "upper_secondary_qualification": _qualification_out(child),
    }
    if whereabouts:
        out["address"] = child.address
    return out


def _qualification_out(child: Child) -> dict[str, Any] | None:
    found = UpperSecondaryQualification.objects.filter(child=child).first()
    return {"kind": found.kind, "date": found.date} if found else None


# --- Children


@api.get("/children", response={200: list[ChildSummary], **PROBLEMS}, url_name="children", tags=["barn"])
def list_children(
    request: HttpRequest,
    offset: int = Query(0, ge=0, le=1_000_000),
    limit: int = Query(50, ge=1, le=MAX_PAGE),
) -> Any:
    """The children in the account's scope, by name; each child listed is audited."""
    user = _records_user(request)
    children = list(
        policy.children_for(user)
        .select_related("district")
        .order_by("last_name", "first_name", "pk")[offset : offset + limit]
    )
    audit.record_list(actor=user, via="api:children", child_ids=[c.pk for c in children])
    return [
        {
            "id": c.pk,
            "personal_number": c.personal_number,
            "first_name": c.first_name,
            "last_name": c.last_name,
            "birth_date": c.birth_date,
            "district": c.district.code,
        }
        for c in children
    ]


def _child_data(payload: ChildIn, *, keep_address: str = "") -> register.ChildData:
    return register.ChildData(
        personal_number=payload.personal_number,
        first_name=payload.first_name,
        last_name=payload.last_name,
        sex=payload.sex,
        home_municipality=_by_code(Municipality, "home_municipality", payload.home_municipality),
        district=_by_code(District, "district", payload.district),
        unaccompanied=payload.unaccompanied,
        protected_identity=payload.protected_identity,
        address=keep_address if payload.address is None else payload.address,
    )


@api.post(
    "/children", response={201: ChildOut, **PROBLEMS}, url_name="children", tags=["barn"], exclude_unset=True
)
def create_child(request: HttpRequest, payload: ChildIn) -> Any:
    user = _records_user(request)
    child = register.register_child(actor=user, data=_child_data(payload), via="api:children_create")
    return 201, _child_out(user, child)


@api.get(
    "/children/{child_id}",
    response={200: ChildOut, **PROBLEMS},
    url_name="child",
    tags=["barn"],
    exclude_unset=True,
)
def read_child(request: HttpRequest, child_id: int = Path(..., **ID)) -> Any:
    """One child, audited as a read exactly like the child's page. For a protected
    child the whereabouts are left out unless the account may see them."""
    child = _child(request, child_id, "api:child")
    return _child_out(request.user, child)


@api.put(
    "/children/{child_id}",
    response={200: ChildOut, **PROBLEMS},
    url_name="child",
    tags=["barn"],
    exclude_unset=True,
)
def update_child(request: HttpRequest, payload: ChildIn, child_id: int = Path(..., **ID)) -> Any:
    child = _child(request, child_id, "api:child_update")
    child = register.update_child(
        actor=request.user,
        child=child,
        data=_child_data(payload, keep_address=child.address),
        via="api:child_update",
        reason=payload.protection_reason,
    )
    return _child_out(request.user, child)


@api.put(
    "/children/{child_id}/upper-secondary-qualification",
    response={200: QualificationOut, **PROBLEMS},
    url_name="upper_secondary_qualification",
    tags=["barn"],
)
def record_upper_secondary_qualification(
    request: HttpRequest, payload: QualificationIn, child_id: int = Path(..., **ID)
) -> Any:
    """The young person's gymnasieexamen, as on the child's page (one per child: a new one
    replaces it, audited with old and new)."""
    child = _child(request, child_id, "api:upper_secondary_qualification")
    followup.record_upper_secondary_qualification(
        actor=request.user,
        child=child,
        kind=payload.kind,
        day=payload.date,
        via="api:upper_secondary_qualification",
    )
    return _qualification_out(child)


# --- Placements and school starts


def _placement(child: Child, placement_id: int) -> Placement:
    return get_object_or_404(
        Placement.objects.select_related(*PLACEMENT_RELATIONS), pk=placement_id, child=child
    )


def _placement_data(payload: PlacementIn) -> register.PlacementData:
    return register.PlacementData(
        form=_by_code(PlacementForm, "form", payload.form),
        legal_basis=payload.legal_basis,
        start_date=payload.start_date,
        end_date=payload.end_date,
        decision_date=payload.decision_date,
        enforcement_date=payload.enforcement_date,
        district=_by_code(District, "district", payload.district),
        placing_municipality=_by_code(Municipality, "placing_municipality", payload.placing_municipality),
        location_municipality=_by_code(Municipality, "location_municipality", payload.location_municipality),
        accompanying=payload.accompanying,
        school_change=payload.school_change,
        unit_name=payload.unit_name,
        address=payload.address,
        exit_destination=payload.exit_destination,
        school_after=_by_code(School, "school_after", payload.school_after, key="unit_code"),
    )


@api.post(
    "/children/{child_id}/placements",
    response={201: PlacementOut, **PROBLEMS},
    url_name="placements",
    tags=["placeringar"],
    exclude_unset=True,
)
def create_placement(request: HttpRequest, payload: PlacementIn, child_id: int = Path(..., **ID)) -> Any:
    child = _child(request, child_id, "api:placement_create")
    placement = register.register_placement(
        actor=request.user, child=child, data=_placement_data(payload), via="api:placement_create"
    )
    return 201, _placement_out(placement, True)


@api.get(
    "/children/{child_id}/placements/{placement_id}",
    response={200: PlacementOut, **PROBLEMS},
    url_name="placement",
    tags=["placeringar"],
    exclude_unset=True,
)
def read_placement(
    request: HttpRequest, child_id: int = Path(..., **ID), placement_id: int = Path(..., **ID)
) -> Any:
    child = _child(request, child_id, "api:placement")
    return _placement_out(_placement(child, placement_id), policy.may_see_whereabouts(request.user, child))


@api.put(
    "/children/{child_id}/placements/{placement_id}",
    response={200: PlacementOut, **PROBLEMS},
    url_name="placement",
    tags=["placeringar"],
    exclude_unset=True,
)
def update_placement(
    request: HttpRequest,
    payload: PlacementIn,
    child_id: int = Path(..., **ID),
    placement_id: int = Path(..., **ID),
) -> Any:
    child = _child(request, child_id, "api:placement_update")
    placement = register.update_placement(
        actor=request.user,
        placement=_placement(child, placement_id),
        data=_placement_data(payload),
        via="api:placement_update",
        reason=payload.protection_reason,
    )
    return _placement_out(placement, True)


@api.put(
    "/children/{child_id}/placements/{placement_id}/school-start",
    response={200: PlacementOut, **PROBLEMS},
    url_name="school_start",
    tags=["placeringar"],
    exclude_unset=True,
)
def record_school_start(
    request: HttpRequest,
    payload: SchoolStartIn,
    child_id: int = Path(..., **ID),
    placement_id: int = Path(..., **ID),
) -> Any:
    child = _child(request, child_id, "api:school_start")
    placement = _placement(child, placement_id)
    register.record_school_start(
        actor=request.user,
        placement=placement,
        school=_by_code(School, "school", payload.school, key="unit_code"),
        first_school_day=payload.first_school_day,
        taught_by_larteamet=payload.taught_by_larteamet,
        late_reason=payload.late_reason,
        via="api:school_start",
    )
    return _placement_out(_placement(child, placement_id), True)


# --- Follow-ups and the schooling chain


def _follow_up_data(payload: FollowUpIn) -> followup.FollowUpData:
    return followup.FollowUpData(
        kind=payload.kind,
        date=payload.date,
        school_form=payload.school_form,
        programme=payload.programme,
        school=_by_code(School, "school", payload.school or None, key="unit_code"),
        swedish_subject=payload.swedish_subject,
        results={
            k: followup.Result(grade=r.grade, assessment=r.assessment) for k, r in payload.results.items()
        },
        attendance_percent=payload.attendance_percent,
        unexcused_absence_percent=payload.unexcused_absence_percent,
        health_exam_requested=payload.health_exam_requested,
        health_exam_done=payload.health_exam_done,
        dental_exam_latest=payload.dental_exam_latest,
        plan=payload.plan,
    )


def _follow_up_out(follow_up: FollowUp, whereabouts: bool) -> dict[str, Any]:
    fields = ("kind", "date", "school_form", "programme", "attendance_percent", "unexcused_absence_percent")
    more = ("health_exam_requested", "health_exam_done", "dental_exam_latest", "plan")
    school = follow_up.school.unit_code if follow_up.school and whereabouts else None
    return {
        "id": follow_up.pk,
        "school": school,
        **{name: getattr(follow_up, name) for name in (*fields, *more)},
        "results": [
            {
                "subject": r.subject,
                "grade": r.grade,
                "assessment": r.assessment,
                "carried_over": r.carried_over,
            }
            for r in follow_up.results.order_by("subject")
        ],
    }


@api.post(
    "/children/{child_id}/follow-ups",
    response={201: FollowUpOut, **PROBLEMS},
    url_name="follow_ups",
    tags=["uppföljningar"],
)
def create_follow_up(request: HttpRequest, payload: FollowUpIn, child_id: int = Path(..., **ID)) -> Any:
    child = _child(request, child_id, "api:follow_up_create")
    follow_up = followup.record_follow_up(
        actor=request.user, child=child, data=_follow_up_data(payload), via="api:follow_up_create"
    )
    return 201, _follow_up_out(follow_up, policy.may_see_whereabouts(request.user, child))


def _follow_up(child: Child, follow_up_id: int) -> FollowUp:
    return get_object_or_404(FollowUp, pk=follow_up_id, child=child)


@api.get(
    "/children/{child_id}/follow-ups/{follow_up_id}",
    response={200: FollowUpOut, **PROBLEMS},
    url_name="follow_up",
    tags=["uppföljningar"],
)
def read_follow_up(
    request: HttpRequest, child_id: int = Path(..., **ID), follow_up_id: int = Path(..., **ID)
) -> Any:
    child = _child(request, child_id, "api:follow_up")
    return _follow_up_out(_follow_up(child, follow_up_id), policy.may_see_whereabouts(request.user, child))


@api.put(
    "/children/{child_id}/follow-ups/{follow_up_id}",
    response={200: FollowUpOut, **PROBLEMS},
    url_name="follow_up",
    tags=["uppföljningar"],
)
def correct_follow_up(
    request: HttpRequest,
    payload: FollowUpIn,
    child_id: int = Path(..., **ID),
    follow_up_id: int = Path(..., **ID),
) -> Any:
    """Correct a saved follow-up: its author or the child's responsible case worker."""
    child = _child(request, child_id, "api:follow_up_correct")
    existing = _follow_up(child, follow_up_id)
    data = _follow_up_data(payload)
    if payload.school is None:  # left out: as it is ("" clears it)
        data.school = existing.school
    follow_up = followup.correct_follow_up(
        actor=request.user, follow_up=existing, data=data, via="api:follow_up_correct"
    )
    return _follow_up_out(follow_up, policy.may_see_whereabouts(request.user, child))


def _chain_step(request: HttpRequest, child_id: int, placement_id: int, step_id: int, via: str) -> tuple:
    child = _child(request, child_id, via)
    placement = get_object_or_404(Placement, pk=placement_id, child=child, school_change=True)
    step = get_object_or_404(ChainStep, pk=step_id, chain_model__is_active=True)
    return placement, step


@api.put(
    "/children/{child_id}/placements/{placement_id}/chain-steps/{step_id}",
    response={200: ChainStepOut, **PROBLEMS},
    url_name="chain_step",
    tags=["skolkedjan"],
)
def record_chain_step(
    request: HttpRequest,
    payload: ChainStepIn,
    child_id: int = Path(..., **ID),
    placement_id: int = Path(..., **ID),
    step_id: int = Path(..., **ID),
) -> Any:
    """Mark a step done or not applicable on a day; marking it again corrects it."""
    placement, step = _chain_step(request, child_id, placement_id, step_id, "api:chain_step")
    record = followup.record_chain_step(
        actor=request.user,
        placement=placement,
        step=step,
        status=payload.status,
        day=payload.date,
        via="api:chain_step",
        reason=payload.reason,
    )
    return {"step": step.pk, "title": step.title, "status": record.status, "date": record.date}


@api.post(
    "/children/{child_id}/placements/{placement_id}/chain-steps/{step_id}/undo",
    response={204: None, **PROBLEMS},
    url_name="chain_step_undo",
    tags=["skolkedjan"],
)
def undo_chain_step(
    request: HttpRequest,
    payload: UndoIn,
    child_id: int = Path(..., **ID),
    placement_id: int = Path(..., **ID),
    step_id: int = Path(..., **ID),
) -> Any:
    """Reopen a step marked by mistake, with a reason; the audit log keeps what it said."""
    placement, step = _chain_step(request, child_id, placement_id, step_id, "api:chain_step_undo")
    followup.undo_chain_step(
        actor=request.user, placement=placement, step=step, reason=payload.reason, via="api:chain_step_undo"
    )
    return 204, None


# --- Protected reports


def _statistics_user(request: HttpRequest) -> Any:
    if not policy.may_see_statistics(request.user):
        raise PermissionDenied
    return request.user


@api.get("/reports", response={200: list[ReportSummary], **PROBLEMS}, url_name="reports", tags=["rapporter"])
def list_reports(request: HttpRequest) -> Any:
    _statistics_user(request)
    return [{"name": d.name, "title": d.title} for d in REPORTS.values()]


@api.get("/reports/{name}", response={200: ReportOut, **PROBLEMS}, url_name="report", tags=["rapporter"])
def read_report(
    request: HttpRequest,
    name: str = Path(..., max_length=40),
    year: int = Query(..., ge=1, le=9999),
    period: str = Query("", max_length=10, pattern=r"^[^\x00]*$"),
    district: str = Query("", max_length=40, pattern=r"^[^\x00]*$"),
    form: str = Query("", max_length=40, pattern=r"^[^\x00]*$"),
    sex: str = Query("", max_length=1, pattern=r"^[^\x00]*$"),
) -> Any:
    """A report with the same protected cells as the report page (disclosure control)."""
    user = _statistics_user(request)
    if name not in REPORTS:
        raise Http404
    filters = ReportFilterForm(
        {"year": year, "period": period, "district": district, "form": form, "sex": sex}
    )
    if not filters.is_valid():
        raise ValidationError(filters.errors.as_data())
    report = run_report(name, filters.params(), actor=user, via=f"api:report:{name}")
    return {
        "name": name,
        "title": report.definition.title,
        "counting_rule": report.definition.counting_rule,
        "header": renderers.header(report),
        "rows": renderers.body(report),
        "note": report.note,
    }
