from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from obruten.accounts import policy
from obruten.accounts.decorators import records_required
from obruten.accounts.models import Role
from obruten.audit import log as audit
from obruten.lib import placement_law
from obruten.participation import selectors as participation
from obruten.register.codelists import county_name
from obruten.register.forms import run_service
from obruten.register.models import Placement, PlacementForm

from . import services, skolfam
from .forms import CORE, FinalGradesForm, FollowUpForm, InterventionForm, UpperSecondaryQualificationForm
from .models import (
    ChainStep,
    ChainStepRecord,
    FollowUp,
    FollowUpKind,
    Intervention,
    UpperSecondaryQualification,
)


def _previous_hints(child_id: int) -> dict[str, str]:
    hints: dict[str, str] = {}
    for follow_up in (
        FollowUp.objects.filter(child_id=child_id).prefetch_related("results").order_by("date", "pk")
    ):
        for result in follow_up.results.all():
            key = "SWEDISH" if result.subject in {"SV", "SVA"} else result.subject
            hints[key] = f"{result.grade or result.get_assessment_display()} ({follow_up.date:%Y-%m-%d})"
    return hints


@records_required
@require_http_methods(["GET", "POST"])
def follow_up_create(request: HttpRequest, child_id: int) -> HttpResponse:
    child = policy.child_for_user(request.user, child_id, via="followup:create")
    kinds = [kind for kind in FollowUpKind.values if policy.may_record_follow_up(request.user, kind)]
    if not kinds:
        raise PermissionDenied
    requested = request.GET.get("typ")
    initial = {"kind": requested if requested in kinds else kinds[0], "date": timezone.localdate()}
    latest = FollowUp.objects.filter(child=child).order_by("-date", "-pk").first()
    if latest is not None:  # the health examination dates stay until someone changes them
        initial |= {
            name: getattr(latest, name)
            for name in ("school_form", "health_exam_requested", "health_exam_done", "dental_exam_latest")
        }
    form = FollowUpForm(
        request.POST or None,
        initial=initial,
        kinds=kinds,
        previous=_previous_hints(child.pk),
        whereabouts=policy.may_see_whereabouts(request.user, child),
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.record_follow_up(
                actor=request.user, child=child, data=form.to_data(), via="followup:create"
            ),
        )
        if saved is not None:
            messages.success(request, _("Uppföljningen är sparad."))
            return redirect("register:child_detail", child_id=child.pk)
    return render(request, "followup/follow_up_form.html", {"form": form, "child": child, "core": CORE})


@records_required
def follow_up_detail(request: HttpRequest, child_id: int, follow_up_id: int) -> HttpResponse:
    child = policy.child_for_user(request.user, child_id, via="followup:detail")
    follow_up = get_object_or_404(FollowUp.objects.prefetch_related("results"), pk=follow_up_id, child=child)
    voice = participation.for_follow_up(child.pk, follow_up.date)
    return render(
        request,
        "followup/follow_up_detail.html",
        {
            "child": child,
            "follow_up": follow_up,
            "voice": voice,
            "voice_rows": participation.answers_with_change(voice) if voice else [],
            "show_whereabouts": policy.may_see_whereabouts(request.user, child),
        },
    )


@records_required
@require_http_methods(["GET", "POST"])
def final_grades(request: HttpRequest, child_id: int) -> HttpResponse:
    child = policy.child_for_user(request.user, child_id, via="followup:final_grades")
    if not policy.may_record_school_results(request.user):
        raise PermissionDenied
    existing = getattr(child, "final_grades", None)
    initial: dict[str, Any] = {"year": existing.year if existing else timezone.localdate().year}
    if existing:
        initial |= {f"grade_{code}": grade for code, grade in existing.grades.items()}
    form = FinalGradesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.record_final_grades(
                actor=request.user,
                child=child,
                year=form.cleaned_data["year"],
                grades=form.grades(),
                via="followup:final_grades",
            ),
        )
        if saved is not None:
            messages.success(request, _("Slutbetygen är sparade."))
            return redirect("register:child_detail", child_id=child.pk)
    return render(request, "followup/final_grades_form.html", {"form": form, "child": child})


@records_required
@require_http_methods(["GET", "POST"])
def upper_secondary_qualification(request: HttpRequest, child_id: int) -> HttpResponse:
    child = policy.child_for_user(request.user, child_id, via="followup:upper_secondary_qualification")
    if not policy.may_record_school_results(request.user):
        raise PermissionDenied
    existing = UpperSecondaryQualification.objects.filter(child=child).first()
    initial = {"kind": existing.kind, "date": existing.date} if existing else {}
    form = UpperSecondaryQualificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.record_upper_secondary_qualification(
                actor=request.user,
                child=child,
                kind=form.cleaned_data["kind"],
                day=form.cleaned_data["date"],
                via="followup:upper_secondary_qualification",
            ),
        )
        if saved is not None:
            messages.success(request, _("Gymnasieexamen är sparad."))
            return redirect("register:child_detail", child_id=child.pk)
    return render(request, "followup/qualification_form.html", {"form": form, "child": child})


@records_required
def skolfam_target_group(request: HttpRequest) -> HttpResponse:
    """The enhetschef's list of children in Skolfam's target group who are not enrolled."""
    if not policy.may_see_skolfam_target_group(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    placements = skolfam.not_enrolled(request.user, today)
    audit.record_list(
        actor=request.user, via="followup:skolfam_target_group", child_ids=[p.child_id for p in placements]
    )
    group = skolfam.target_group()
    forms = PlacementForm.objects.filter(code__in=group.forms).values_list("name", flat=True)
    return render(
        request,
        "followup/skolfam_target_group.html",
        {
            "rows": [(p, placement_law.age_on(p.child.birth_date, today)) for p in placements],
            "group": group,
            "forms": ", ".join(forms),
            "county": county_name(group.county) if group.county else "",
        },
    )


def _intervention_page(
    request: HttpRequest, child_id: int, intervention_id: int | None, via: str
) -> HttpResponse:
    child = policy.child_for_user(request.user, child_id, via=via)
    intervention = None
    if intervention_id is not None:
        intervention = get_object_or_404(
            Intervention.objects.select_related("kind"), pk=intervention_id, child=child
        )
    if not policy.may_edit_intervention(request.user, intervention.kind.code if intervention else None):
        raise PermissionDenied
    initial = (
        {name: getattr(intervention, name) for name in services.INTERVENTION_FIELDS} if intervention else {}
    )
    only_skolfam = getattr(request.user, "role", None) == Role.SKOLFAM
    form = InterventionForm(request.POST or None, initial=initial, only_skolfam=only_skolfam)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.save_intervention(
                actor=request.user, child=child, intervention=intervention, data=form.to_data(), via=via
            ),
        )
        if saved is not None:
            messages.success(request, _("Insatsen är sparad."))
            return redirect("register:child_detail", child_id=child.pk)
    return render(
        request,
        "followup/intervention_form.html",
        {"form": form, "child": child, "intervention": intervention},
    )


@records_required
@require_http_methods(["GET", "POST"])
def intervention_create(request: HttpRequest, child_id: int) -> HttpResponse:
    return _intervention_page(request, child_id, None, "followup:intervention_create")


@records_required
@require_http_methods(["GET", "POST"])
def intervention_edit(request: HttpRequest, child_id: int, intervention_id: int) -> HttpResponse:
    return _intervention_page(request, child_id, intervention_id, "followup:intervention_edit")


@records_required
@require_POST
def chain_step(request: HttpRequest, child_id: int, placement_id: int, step_id: int) -> HttpResponse:
    child = policy.child_for_user(request.user, child_id, via="followup:chain_step")
    placement = get_object_or_404(Placement, pk=placement_id, child=child, school_change=True)
    step = get_object_or_404(ChainStep, pk=step_id, chain_model__is_active=True)
    if not policy.may_record_school_results(request.user):
        raise PermissionDenied
    status = request.POST.get("status", ChainStepRecord.Status.DONE)
    try:
        services.record_chain_step(
            actor=request.user,
            placement=placement,
            step=step,
            status=status,
            day=timezone.localdate(),
            via="followup:chain_step",
        )
    except services.ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Steget är markerat: %(step)s.") % {"step": step.title})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("register:child_detail", kwargs={"child_id": child.pk}) + "#kedja"
    return redirect(back)
