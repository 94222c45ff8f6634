"""The to-do lists (the case worker's, the enhetschef's, the school coordinator's) and
closing a task as not done: each reads the stored obligations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from obruten import sorting
from obruten.accounts import policy
from obruten.accounts.decorators import records_required
from obruten.accounts.models import Role
from obruten.accounts.staff import teams_for
from obruten.audit import log as audit
from obruten.participation import selectors as participation
from obruten.register.forms import run_service

from . import selectors, services, tasks
from .models import Obligation, State


def _audit_list(request: HttpRequest, via: str, items: list[Any], alerts: list[Any]) -> None:
    """One LIST event per child the page names (its tasks and its alerts)."""
    child_ids = [item.child_id for item in items] + [alert.child_id for alert in alerts]
    audit.record_list(actor=request.user, via=via, child_ids=child_ids)


def _only_roles(request: HttpRequest, *roles: str) -> None:
    if request.user.role not in roles:  # type: ignore[union-attr]
        raise PermissionDenied


TASKS_PER_PAGE = 50
OWN_PAGE, WATCHED_PAGE = sorting.PAGE_PARAMS


def _page_query(request: HttpRequest, *params: str) -> str:
    """The query string without the page numbers, for the pager's links."""
    query = request.GET.copy()
    for param in params:
        query.pop(param, None)
    return query.urlencode()


@records_required
def todo(request: HttpRequest) -> HttpResponse:
    """The case worker's start page: their own tasks for their children ("Mina
    uppgifter"), and separately the steps others own for those children ("Att bevaka"),
    each 50 rows a page: what the page costs does not grow with the caseload, and only
    the children on the rows shown are audited as listed."""
    _only_roles(request, Role.CASE_WORKER)
    today = timezone.localdate()
    children = policy.children_for(request.user).filter(case_worker_id=request.user.pk)
    form = tasks.TaskFilterForm(request.GET, user=request.user, by_person=False)
    order = sorting.chosen(request.GET, tasks.SORT_KEYS, tasks.DEFAULT_ORDER)
    items = form.apply(selectors.due_items(children, today), today)
    own, watched = (
        tasks.sorted_tasks(part, order, {}) for part in tasks.own_and_watched(request.user, items)
    )
    own_page = Paginator(own, TASKS_PER_PAGE).get_page(request.GET.get(OWN_PAGE))
    watched_page = Paginator(watched, TASKS_PER_PAGE).get_page(request.GET.get(WATCHED_PAGE))
    alerts = list(participation.open_alerts(children))
    _audit_list(request, "obligations:todo", [*own_page, *watched_page], alerts)
    return render(
        request,
        "obligations/todo.html",
        {
            "items": own,
            "rows": tasks.with_case_worker(list(own_page), {}),
            "watched_rows": tasks.with_case_worker(list(watched_page), {}),
            "own_page": own_page,
            "watched_page": watched_page,
            "own_query": _page_query(request, OWN_PAGE),
            "watched_query": _page_query(request, WATCHED_PAGE),
            "order": order.value,
            "today": today,
            "overdue": sum(i.is_overdue(today) for i in own),
            "alerts": alerts,
            "form": form,
            "headers": tasks.task_headers(request.GET, order, with_case_worker=False),
            "with_worker": False,
        },
    )


@records_required
def district(request: HttpRequest) -> HttpResponse:
    """The enhetschef's page: the case workers' own tasks counted per case worker and per
    team, each count a link to the list filtered to exactly those tasks, the children
    without a responsible case worker and the open alerts. The task list itself is shown
    once asked for (a count's link, a filter, "Visa alla uppgifter"), 50 rows a page; only
    the children on the page shown are audited as listed."""
    _only_roles(request, Role.UNIT_MANAGER)
    today = timezone.localdate()
    children = policy.children_for(request.user)
    own = selectors.case_worker_tasks(children, today)
    teams = list(teams_for(request.user).prefetch_related("members"))
    order = sorting.chosen(request.GET, tasks.SORT_KEYS, tasks.DEFAULT_ORDER)
    listed = bool(request.GET)  # the full list (every owner's tasks) only once asked for
    form = tasks.TaskFilterForm(request.GET, user=request.user) if listed else None
    all_items = selectors.due_items(children, today) if form else []
    names = tasks.case_worker_names(all_items)
    items = tasks.sorted_tasks(form.apply(all_items, today), order, names) if form else []
    page = Paginator(items, TASKS_PER_PAGE).get_page(request.GET.get(OWN_PAGE))
    alerts = list(participation.open_alerts(children))
    _audit_list(request, "obligations:district", list(page), alerts)
    return render(
        request,
        "obligations/district.html",
        {
            "listed": listed,
            "total": len(all_items) if listed else selectors.due_count(children, today),
            "page": page,
            "items": list(page),
            "query": _page_query(request, OWN_PAGE),
            "rows": tasks.with_case_worker(list(page), names),
            "order": order.value,
            "loads": selectors.district_overview(own, today),
            "team_loads": selectors.team_overview(teams, own, today),
            "today": today,
            "alerts": alerts,
            "form": form,
            "headers": tasks.task_headers(request.GET, order, with_case_worker=True),
            "with_worker": True,
        },
    )


@records_required
def coordinator(request: HttpRequest) -> HttpResponse:
    """The school coordinator's list: each child's next step, overdue first unless
    sorted by another column."""
    _only_roles(request, Role.SCHOOL_COORDINATOR)
    today = timezone.localdate()
    form = tasks.TaskFilterForm(request.GET, user=request.user)
    order = sorting.chosen(request.GET, tasks.SORT_KEYS, tasks.DEFAULT_ORDER)
    all_items = selectors.coordinator_overview(policy.children_for(request.user), today)
    names = tasks.case_worker_names(all_items)
    items = tasks.sorted_tasks(form.apply(all_items, today), order, names)
    _audit_list(request, "obligations:coordinator", items, [])
    return render(
        request,
        "obligations/coordinator.html",
        {
            "items": items,
            "rows": tasks.with_case_worker(items, names),
            "today": today,
            "form": form,
            "order": order.value,
            "headers": tasks.task_headers(request.GET, order, with_case_worker=True),
            "with_worker": True,
        },
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Varför uppgiften inte görs. Skälet sparas i barnets logg."),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


@records_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, obligation_id: int) -> HttpResponse:
    """Close an open task as not done, with a reason; then back to the list it came from."""
    obligation = (
        Obligation.objects.select_related("child", "step").filter(pk=obligation_id, state=State.OPEN).first()
    )
    if obligation is None or not policy.may_close_obligation(request.user, obligation.child):
        raise Http404
    policy.child_for_user(request.user, obligation.child_id, via="obligations:close")
    form = CloseForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.close_not_done(
                actor=request.user,
                obligation_id=obligation_id,
                reason=form.cleaned_data["reason"],
                via="obligations:close",
            ),
        )
        if done is not None:
            messages.success(request, _("Uppgiften är stängd utan åtgärd."))
            back = form.cleaned_data["next"]
            if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                back = ""
            return redirect(back or policy.start_page(request.user))
    [item] = selectors.items(Obligation.objects.filter(pk=obligation.pk), timezone.localdate())
    return render(request, "obligations/close.html", {"form": form, "item": item})
