from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from obruten.accounts import policy
from obruten.accounts.decorators import records_required
from obruten.audit import log as audit
from obruten.lib.calendar import period_bounds, period_label
from obruten.register.forms import run_service
from obruten.register.models import Child

from . import selectors, services
from .forms import PeriodForm, TeachingWeekForm
from .models import TeachingWeek


@records_required
@require_http_methods(["GET", "POST"])
def child_teaching(request: HttpRequest, child_id: int) -> HttpResponse:
    """A child's teaching by Lärteamet: Lärteamet records, the responsible case worker reads."""
    child = policy.child_for_user(request.user, child_id, via="teaching:child")
    if not services.may_see_teaching(request.user, child):
        raise PermissionDenied
    may_record = services.teaches(request.user)
    if request.method == "POST" and not may_record:
        raise PermissionDenied
    form = TeachingWeekForm(request.POST or None) if may_record else None
    if form is not None and request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.record_teaching_week(
                actor=request.user,
                child=child,
                week=form.cleaned_data["week"],
                hours=form.cleaned_data["hours"],
                via="teaching:child",
            ),
        )
        if saved is not None:
            messages.success(request, _("Undervisningstiden är sparad."))
            return redirect("teaching:child", child_id=child.pk)
    today = timezone.localdate()
    rows = selectors.teaching_rows(Child.objects.filter(pk=child.pk), child.birth_date, today, today)
    return render(
        request,
        "teaching/child.html",
        {
            "child": child,
            "form": form,
            "row": rows[0] if rows else None,
            "weeks": TeachingWeek.objects.filter(child=child),
        },
    )


@records_required
def report(request: HttpRequest) -> HttpResponse:
    """Lärteamet's children in a period: school start within the goal, full teaching time."""
    if not services.teaches(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    form = PeriodForm(request.GET or {"year": today.year})
    year, period = (
        (form.cleaned_data["year"], form.cleaned_data["period"]) if form.is_valid() else (today.year, "")
    )
    start, end = period_bounds(year, period)
    rows = selectors.teaching_rows(policy.children_for(request.user), start, min(end, today), today)
    audit.record_list(
        actor=request.user,
        via="teaching:report",
        child_ids=[row.child.pk for row in rows],
        filters={"year": year, "period": period},
    )
    return render(
        request,
        "teaching/report.html",
        {
            "form": form,
            "label": period_label(year, period),
            "districts": selectors.by_district(rows),
        },
    )
