from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from obruten import municipal, sorting, uploads
from obruten.accounts import policy
from obruten.accounts.decorators import records_required
from obruten.audit import log as audit

from . import import_help, imports, lists, selectors, services
from .forms import (
    CaseloadFilterForm,
    ChildForm,
    ImportForm,
    PlacementEditForm,
    ProtectionForm,
    SchoolStartForm,
    run_service,
)
from .models import Child, Placement

View = Callable[..., HttpResponse]


def _placement(child: Child, placement_id: int) -> Placement:
    return get_object_or_404(Placement.objects.select_related("form"), pk=placement_id, child=child)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role starts where its work is: what is due, or the children it may see."""
    if policy.has_records(request.user) or policy.may_see_statistics(request.user):
        return redirect(policy.start_page(request.user))
    return render(request, "register/no_records.html")


SEARCH_SESSION_KEY = "caseload_search"
SEARCHED = "sok"  # in the URL: filter by the search text kept in the session


def _url_filters(data: QueryDict) -> QueryDict:
    """The caseload filters that may be in a URL: none of them names a child."""
    kept = QueryDict(mutable=True)
    for name in (*CaseloadFilterForm.IN_URL, lists.TEAM, SEARCHED, sorting.PARAM):
        values = [value for value in data.getlist(name) if value]
        if values:
            kept.setlist(name, values)
    return kept


def _search(request: HttpRequest) -> HttpResponse:
    """The posted search: its text goes to the session, the filters to the URL."""
    text = request.POST.get("q", "").strip()[: CaseloadFilterForm.SEARCH_MAX]
    query = _url_filters(request.POST)
    if text:
        request.session[SEARCH_SESSION_KEY] = text
        query[SEARCHED] = "1"
    else:
        request.session.pop(SEARCH_SESSION_KEY, None)
        query.pop(SEARCHED, None)
    return redirect(f"{request.path}?{query.urlencode()}")


@records_required
@require_http_methods(["GET", "POST"])
def caseload(request: HttpRequest) -> HttpResponse:
    """The children the user may see, filtered. The search text may be a personnummer,
    so it is posted and kept in the session, never in a URL (docs/architecture.md)."""
    if request.method == "POST":
        return _search(request)
    today = timezone.localdate()
    params = _url_filters(request.GET)
    if "scope" not in params:
        # A case worker starts on their own caseload; the filter widens it to the district.
        params["scope"] = CaseloadFilterForm.MINE
    if SEARCHED in params:
        params["q"] = request.session.get(SEARCH_SESSION_KEY, "")
    form = CaseloadFilterForm(params, user=request.user)
    form.is_valid()  # a bad value shows its error and filters nothing
    filters = form.cleaned_data
    order = sorting.chosen(request.GET, list(lists.CASELOAD_ORDERS), lists.CASELOAD_DEFAULT)
    team_form = lists.TeamFilterForm(params, user=request.user)
    children = selectors.caseload(request.user, today=today, filters=filters)
    children = lists.order_caseload(team_form.apply(children), order)
    page = Paginator(children, 50).get_page(request.GET.get("sida"))
    audit.record_list(
        actor=request.user,
        via="register:caseload",
        child_ids=[child.pk for child in page],
        filters=_audited_filters(filters) | team_form.audited(),
    )
    return render(
        request,
        "register/caseload.html",
        {
            "form": form,
            "team_form": team_form,
            "order": order.value,
            "page": page,
            "query": _url_filters(request.GET).urlencode(),
            "headers": lists.caseload_headers(_url_filters(request.GET), order),
            "today": today,
            "may_create": policy.may_change_child(request.user),
        },
    )


def _audited_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """The filters for the audit log: that a search was made, not what was searched for."""
    audited: dict[str, Any] = {name: str(value) for name, value in filters.items() if value and name != "q"}
    if filters.get("q"):
        audited["search"] = True
    return audited


@records_required
def child_detail(request: HttpRequest, child_id: int) -> HttpResponse:
    child = policy.child_for_user(request.user, child_id, via="register:child_detail")
    placements = [
        (placement, start, start.days_to_school_start if start else None)
        for placement in child.placements.select_related(
            "form",
            "district",
            "placing_municipality",
            "location_municipality",
            "school_start__school__municipality",
            "school_after__municipality",
        ).order_by("-start_date")
        for start in [getattr(placement, "school_start", None)]
    ]
    user = request.user
    today = timezone.localdate()
    return render(
        request,
        "register/child_detail.html",
        {
            "today": today,
            "child": child,
            "placements": placements,
            "show_whereabouts": policy.may_see_whereabouts(user, child),
            "may_change": policy.may_change_child(user, child),
            "may_record_school_start": policy.may_record_school_start(user),
            "may_see_audit_trail": policy.may_see_audit_trail(user, child),
            "may_lower_protection": policy.may_lower_protection(user, child),
        },
    )


@records_required
@require_http_methods(["GET", "POST"])
def child_create(request: HttpRequest) -> HttpResponse:
    if not policy.may_change_child(request.user):
        raise PermissionDenied
    form = ChildForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        child = run_service(
            form,
            lambda: services.register_child(
                actor=request.user, data=form.to_data(), via="register:child_create"
            ),
        )
        if child is not None:
            messages.success(
                request, _("%(name)s är registrerad. Registrera nu placeringen.") % {"name": child.full_name}
            )
            return redirect("register:placement_create", child_id=child.pk)
    return render(request, "register/child_form.html", {"form": form, "child": None})


@records_required
@require_http_methods(["GET", "POST"])
def child_edit(request: HttpRequest, child_id: int) -> HttpResponse:
    child = policy.child_for_user(request.user, child_id, via="register:child_edit")
    if not policy.may_change_child(request.user, child):
        raise PermissionDenied
    show_whereabouts = policy.may_see_whereabouts(request.user, child)
    initial = {
        "personal_number": child.formatted_personal_number,
        "first_name": child.first_name,
        "last_name": child.last_name,
        "sex": child.sex,
        "home_municipality": child.home_municipality,
        "district": child.district,
        "unaccompanied": child.unaccompanied,
        "protected_identity": child.protected_identity,
        "address": child.address,
    }
    form = ChildForm(
        request.POST or None,
        initial=initial,
        user=request.user,
        current_district=child.district,
        show_whereabouts=show_whereabouts,
        current_protection=child.protected_identity,
    )
    if request.method == "POST" and form.is_valid():
        updated = run_service(
            form,
            lambda: services.update_child(
                actor=request.user,
                child=child,
                data=form.to_data(keep_address=child.address),
                via="register:child_edit",
                reason=form.cleaned_data.get("protection_reason", ""),
            ),
        )
        if updated is not None:
            messages.success(request, _("Uppgifterna är sparade."))
            return redirect("register:child_detail", child_id=child.pk)
    return render(request, "register/child_form.html", {"form": form, "child": child})


@records_required
@require_http_methods(["GET", "POST"])
def protection(request: HttpRequest, child_id: int) -> HttpResponse:
    """Raise or lower the child's protected-identity level (lowering needs a reason)."""
    child = policy.child_for_user(request.user, child_id, via="register:protection")
    form = ProtectionForm(request.POST or None, initial={"protected_identity": child.protected_identity})
    if request.method == "POST" and form.is_valid():
        changed = run_service(
            form,
            lambda: services.change_protection(
                actor=request.user,
                child=child,
                level=form.cleaned_data["protected_identity"],
                reason=form.cleaned_data["protection_reason"],
                via="register:protection",
            ),
        )
        if changed is not None:
            messages.success(request, _("Skyddsnivån är sparad."))
            return redirect("register:child_detail", child_id=child.pk)
    return render(request, "register/protection_form.html", {"form": form, "child": child})


def _placement_form_page(
    request: HttpRequest, child: Child, placement: Placement | None, via: str
) -> HttpResponse:
    if not policy.may_change_child(request.user, child):
        raise PermissionDenied
    if not policy.may_see_whereabouts(request.user, child):
        # The form shows the placement address: only those who may see it may edit it.
        raise PermissionDenied
    initial: dict[str, Any] = {"district": child.district}
    if placement is not None:
        initial = {name: getattr(placement, name) for name in services.PLACEMENT_FIELDS}
        initial["school_after"] = placement.school_after.unit_code if placement.school_after else ""
    form = PlacementEditForm(
        request.POST or None,
        initial=initial,
        user=request.user,
        current_district=placement.district if placement else None,
        protected=placement is not None and placement.is_protected_housing,
    )
    if request.method == "POST" and form.is_valid():
        if placement is None:
            saved = run_service(
                form,
                lambda: services.register_placement(
                    actor=request.user, child=child, data=form.to_data(), via=via
                ),
            )
        else:
            saved = run_service(
                form,
                lambda: services.update_placement(
                    actor=request.user,
                    placement=placement,
                    data=form.to_data(),
                    via=via,
                    reason=form.cleaned_data.get("protection_reason", ""),
                ),
            )
        if saved is not None:
            messages.success(request, _("Placeringen är sparad."))
            return redirect("register:child_detail", child_id=child.pk)
    return render(
        request,
        "register/placement_form.html",
        {"form": form, "child": child, "placement": placement},
    )


@records_required
@require_http_methods(["GET", "POST"])
def placement_create(request: HttpRequest, child_id: int) -> HttpResponse:
    child = policy.child_for_user(request.user, child_id, via="register:placement_create")
    return _placement_form_page(request, child, None, "register:placement_create")


@records_required
@require_http_methods(["GET", "POST"])
def placement_edit(request: HttpRequest, child_id: int, placement_id: int) -> HttpResponse:
    child = policy.child_for_user(request.user, child_id, via="register:placement_edit")
    placement = _placement(child, placement_id)
    return _placement_form_page(request, child, placement, "register:placement_edit")


@records_required
@require_http_methods(["GET", "POST"])
def school_start(request: HttpRequest, child_id: int, placement_id: int) -> HttpResponse:
    child = policy.child_for_user(request.user, child_id, via="register:school_start")
    placement = _placement(child, placement_id)
    if not policy.may_record_school_start(request.user):
        raise PermissionDenied
    if not policy.may_see_whereabouts(request.user, child):
        raise PermissionDenied
    existing = getattr(placement, "school_start", None)
    initial = (
        {
            "school": existing.school,
            "taught_by_larteamet": existing.taught_by_larteamet,
            "first_school_day": existing.first_school_day,
            "late_reason": existing.late_reason,
        }
        if existing
        else {}
    )
    searching = "search_school" in request.POST  # "Sök skola": show the matches, save nothing
    if searching:
        form = SchoolStartForm(initial=request.POST.dict())
    else:
        form = SchoolStartForm(request.POST or None, initial=initial)
    if not placement.is_protected_housing:
        del form.fields["taught_by_larteamet"]
    if request.method == "POST" and not searching and form.is_valid():
        saved = run_service(
            form,
            lambda: services.record_school_start(
                actor=request.user,
                placement=placement,
                school=form.cleaned_data["school"],
                taught_by_larteamet=form.cleaned_data.get("taught_by_larteamet", False),
                first_school_day=form.cleaned_data["first_school_day"],
                late_reason=form.cleaned_data["late_reason"],
                via="register:school_start",
            ),
        )
        if saved is not None:
            days = saved.days_to_school_start
            message = ngettext(
                "Skolstarten är sparad: %(days)d dag efter placeringen.",
                "Skolstarten är sparad: %(days)d dagar efter placeringen.",
                days,
            ) % {"days": days}
            messages.success(request, message)
            return redirect("register:child_detail", child_id=child.pk)
    return render(
        request,
        "register/school_start_form.html",
        {
            "form": form,
            "child": child,
            "placement": placement,
            "goal_days": municipal.school_start_goal_on(placement.start_date),
        },
    )


@records_required
def school_start_breaches(request: HttpRequest) -> HttpResponse:
    """Placements over the school-start goal, filtered and sorted from the query string."""
    today = timezone.localdate()
    since = today - timedelta(days=365)
    form, order, placements = _breaches(request, today, since)
    audit.record_list(
        actor=request.user,
        via="register:school_start_breaches",
        child_ids=[placement.child_id for placement in placements],
        filters=form.audited(),
    )
    return render(
        request,
        "register/school_start_breaches.html",
        {
            "placements": placements,
            "since": since,
            "today": today,
            "form": form,
            "order": order.value,
            "headers": lists.breach_headers(request.GET, order),
            "query": request.GET.urlencode(),
        },
    )


@records_required
def school_start_breaches_export(request: HttpRequest) -> HttpResponse:
    """The same list as XLSX, each child in it audited as exported."""
    today = timezone.localdate()
    form, _order, placements = _breaches(request, today, today - timedelta(days=365))
    content = lists.breaches_xlsx(placements)
    audit.record_many(
        audit.Entry(
            action=audit.Action.EXPORT,
            via="register:school_start_breaches_export",
            actor=request.user,
            child_id=child_id,
            changes=form.audited(),
        )
        for child_id in dict.fromkeys(placement.child_id for placement in placements)
    )
    response = HttpResponse(content, content_type=lists.XLSX)
    response["Content-Disposition"] = f'attachment; filename="obruten-skolstart-{today:%Y-%m-%d}.xlsx"'
    return response


def _breaches(
    request: HttpRequest, today: date, since: date
) -> tuple[lists.BreachFilterForm, sorting.Order, list[Placement]]:
    form = lists.BreachFilterForm(request.GET, user=request.user)
    order = sorting.chosen(request.GET, list(lists.BREACH_ORDERS), lists.BREACH_DEFAULT)
    placements = form.apply(selectors.school_start_breaches(request.user, today=today, since=since))
    return form, order, list(lists.order_breaches(placements, order))


@records_required
@require_http_methods(["GET", "POST"])
def import_placements(request: HttpRequest) -> HttpResponse:
    if not policy.may_import(request.user):
        raise PermissionDenied
    if "errors" in request.POST:  # the error list posted back for download
        return uploads.error_download(request, imports.RULES, "obruten-importfel.csv")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = report = None
    if uploads.too_large(request):
        form = ImportForm()
        result = imports.ImportResult(errors=[imports.RowError(0, "", "F06")])
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = imports.import_placements(
            upload.file, filename=upload.name, actor=request.user, via="register:import"
        )
    if result is not None:
        report = uploads.error_report(result.errors, request.user)
    return render(request, "register/import.html", {"form": form, "result": result, "report": report})


@records_required
def import_help_page(request: HttpRequest) -> HttpResponse:
    """The file format, its Swedish headers and every rule code (names no child)."""
    if not policy.may_import(request.user):
        raise PermissionDenied
    rules = sorted(imports.RULES.items())
    return render(request, "register/import_help.html", {"columns": import_help.columns(), "rules": rules})


@records_required
def import_template(request: HttpRequest) -> HttpResponse:
    """An empty workbook to fill in: headers, one example row, drop-downs (names no child)."""
    if not policy.may_import(request.user):
        raise PermissionDenied
    response = HttpResponse(import_help.template_workbook(request.user), content_type=lists.XLSX)
    response["Content-Disposition"] = 'attachment; filename="obruten-importmall.xlsx"'
    return response
