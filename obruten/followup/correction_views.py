"""Corrections: a saved follow-up corrected by its author or the responsible case worker,
and a chain step dated back or undone with a reason. The services decide; these views
ask first only to answer 403 early."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from obruten.accounts import policy
from obruten.accounts.decorators import records_required
from obruten.register.forms import DateInput, run_service
from obruten.register.models import Placement

from . import services
from .forms import CORE, OTHER_SUBJECTS, FollowUpForm
from .models import ChainStep, ChainStepRecord, FollowUp


def _initial(follow_up: FollowUp) -> dict[str, Any]:
    initial: dict[str, Any] = {"kind": follow_up.kind, "swedish_subject": "SV"}
    initial |= {name: getattr(follow_up, name) for name in services.FOLLOW_UP_FIELDS}
    initial["school"] = follow_up.school.unit_code if follow_up.school else ""
    core = {key for key, _label in CORE}
    for result in follow_up.results.all():
        key = "SWEDISH" if result.subject in {"SV", "SVA"} else result.subject
        if key == "SWEDISH":
            initial["swedish_subject"] = result.subject
        if key in core or key in OTHER_SUBJECTS:
            initial[f"grade_{key}"] = result.grade
            if key in core:
                initial[f"assessment_{key}"] = result.assessment
    return initial


@records_required
@require_http_methods(["GET", "POST"])
def follow_up_correct(request: HttpRequest, child_id: int, follow_up_id: int) -> HttpResponse:
    child = policy.child_for_user(request.user, child_id, via="followup:correct")
    follow_up = get_object_or_404(FollowUp.objects.select_related("child"), pk=follow_up_id, child=child)
    if not services.may_correct_follow_up(request.user, follow_up):
        raise PermissionDenied
    whereabouts = policy.may_see_whereabouts(request.user, child)
    form = FollowUpForm(
        request.POST or None,
        initial=_initial(follow_up),
        kinds=[follow_up.kind],
        previous={},
        whereabouts=whereabouts,
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.correct_follow_up(
                actor=request.user, follow_up=follow_up, data=form.to_data(), via="followup:correct"
            ),
        )
        if saved is not None:
            messages.success(request, _("Uppföljningen är rättad."))
            return redirect("followup:detail", child_id=child.pk, follow_up_id=follow_up.pk)
    return render(
        request, "followup/follow_up_correct.html", {"form": form, "child": child, "follow_up": follow_up}
    )


def _reason_field(help_text: Any, required: bool) -> forms.CharField:
    """A reason kept in the audit log with the change of a step."""
    return forms.CharField(
        label=gettext_lazy("Skäl"),
        max_length=500,
        required=required,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
    )


class ChainStepDateForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=ChainStepRecord.Status.choices)
    date = forms.DateField(
        label=gettext_lazy("Datum"),
        widget=DateInput(),
        help_text=gettext_lazy("Dagen steget gjordes: i dag eller tidigare, inte före placeringen."),
    )
    reason = _reason_field(
        gettext_lazy("Krävs när du ändrar någon annans markering. Sparas i loggen."), False
    )


class ChainStepUndoForm(forms.Form):
    reason = _reason_field(gettext_lazy("Varför markeringen tas bort. Sparas i loggen."), True)


@records_required
@require_http_methods(["GET", "POST"])
def chain_step_correct(request: HttpRequest, child_id: int, placement_id: int, step_id: int) -> HttpResponse:
    """Mark a step with the day it was done, or undo a mark with a reason."""
    child = policy.child_for_user(request.user, child_id, via="followup:chain_step_correct")
    placement = get_object_or_404(Placement, pk=placement_id, child=child, school_change=True)
    step = get_object_or_404(ChainStep, pk=step_id, chain_model__is_active=True)
    if not policy.may_record_school_results(request.user):
        raise PermissionDenied
    record = ChainStepRecord.objects.filter(placement=placement, step=step).first()
    initial = {"status": record.status, "date": record.date} if record else {"date": timezone.localdate()}
    undoing = request.method == "POST" and "undo" in request.POST
    date_form = ChainStepDateForm(
        request.POST if request.method == "POST" and not undoing else None, initial=initial
    )
    undo_form = ChainStepUndoForm(request.POST if undoing else None)
    via = "followup:chain_step_correct"
    done: object = None
    if undoing and undo_form.is_valid():
        done = run_service(
            undo_form,
            lambda: (
                services.undo_chain_step(
                    actor=request.user,
                    placement=placement,
                    step=step,
                    reason=undo_form.cleaned_data["reason"],
                    via=via,
                )
                or True
            ),
        )
    elif request.method == "POST" and not undoing and date_form.is_valid():
        done = run_service(
            date_form,
            lambda: services.record_chain_step(
                actor=request.user,
                placement=placement,
                step=step,
                status=date_form.cleaned_data["status"],
                day=date_form.cleaned_data["date"],
                via=via,
                reason=date_form.cleaned_data["reason"],
            ),
        )
    if done is not None:
        messages.success(request, _("Steget är ändrat: %(step)s.") % {"step": step.title})
        return redirect("register:child_detail", child_id=child.pk)
    return render(
        request,
        "followup/chain_step_correct.html",
        {
            "child": child,
            "placement": placement,
            "step": step,
            "record": record,
            "date_form": date_form,
            "undo_form": undo_form,
        },
    )
