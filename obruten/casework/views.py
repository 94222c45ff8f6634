from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from obruten.accounts import policy
from obruten.accounts.decorators import records_required
from obruten.accounts.models import Role
from obruten.audit import log as audit
from obruten.register.forms import run_service

from . import services
from .forms import AcceptForm, AssignForm, HandoverForm, RefuseForm, TransferForm
from .models import Transfer


def _only_unit_manager(request: HttpRequest) -> Any:
    if request.user.role != Role.UNIT_MANAGER:  # type: ignore[union-attr]
        raise PermissionDenied
    return request.user


@records_required
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, child_id: int) -> HttpResponse:
    """The enhetschef makes a case worker of the child's district responsible."""
    child = policy.child_for_user(request.user, child_id, via="casework:assign")
    if not policy.manages(request.user, child.district):
        raise PermissionDenied
    form = AssignForm(request.POST or None, districts=[child.district])
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.assign_case_worker(
                actor=request.user,
                child=child,
                case_worker=form.cleaned_data["case_worker"],
                start=form.cleaned_data["start"],
                via="casework:assign",
            ),
        )
        if done is not None:
            messages.success(request, _("%(name)s är nu ansvarig.") % {"name": child.case_worker})
            return redirect("register:child_detail", child_id=child.pk)
    return render(request, "casework/assign.html", {"child": child, "form": form})


@records_required
@require_http_methods(["GET", "POST"])
def handover(request: HttpRequest) -> HttpResponse:
    """The enhetschef hands a whole caseload from one case worker to another."""
    user = _only_unit_manager(request)
    # "Ändra" on the preview comes back with the choices in the address.
    form = HandoverForm(request.POST or None, initial=request.GET.dict(), districts=user.districts.all())
    if request.method == "POST" and form.is_valid() and not form.cleaned_data["confirmed"]:
        choice = {name: form.cleaned_data[name] for name in ("from_worker", "to_worker", "start")}
        preview = run_service(form, lambda: services.plan_handover(actor=user, **choice))
        if preview is not None:
            audit.record_list(actor=user, via="casework:handover", child_ids=[child.pk for child in preview])
            confirm = HandoverForm(initial={**choice, "confirmed": True}, districts=user.districts.all())
            return render(
                request, "casework/handover_confirm.html", {"form": confirm, "children": preview, **choice}
            )
    elif request.method == "POST" and form.is_valid():
        children = run_service(
            form,
            lambda: services.hand_over_caseload(
                actor=user,
                from_worker=form.cleaned_data["from_worker"],
                to_worker=form.cleaned_data["to_worker"],
                start=form.cleaned_data["start"],
                via="casework:handover",
            ),
        )
        if children is not None:
            messages.success(
                request,
                ngettext(
                    "%(count)d barn har lämnats över till %(name)s.",
                    "%(count)d barn har lämnats över till %(name)s.",
                    len(children),
                )
                % {"count": len(children), "name": form.cleaned_data["to_worker"]},
            )
            return redirect("obligations:district")
    return render(request, "casework/handover.html", {"form": form})


@records_required
@require_http_methods(["GET", "POST"])
def transfer_create(request: HttpRequest, child_id: int) -> HttpResponse:
    """The sending district asks another district to take the child's case."""
    child = policy.child_for_user(request.user, child_id, via="casework:transfer_create")
    if getattr(request.user, "role", None) not in services.SENDERS:
        raise PermissionDenied
    form = TransferForm(request.POST or None, destinations=services.transfer_destinations(child))
    if request.method == "POST" and form.is_valid():
        transfer = run_service(
            form,
            lambda: services.start_transfer(
                actor=request.user,
                child=child,
                to_district=form.cleaned_data["to_district"],
                effective_date=form.cleaned_data["effective_date"],
                note=form.cleaned_data["note"],
                via="casework:transfer_create",
            ),
        )
        if transfer is not None:
            messages.success(
                request,
                _("Överflyttningen till %(district)s väntar på svar från dess enhetschef.")
                % {"district": transfer.to_district},
            )
            return redirect("register:child_detail", child_id=child.pk)
    return render(request, "casework/transfer_form.html", {"child": child, "form": form})


@records_required
def incoming(request: HttpRequest) -> HttpResponse:
    """The receiving enhetschef's list of transfers waiting for an answer."""
    user = _only_unit_manager(request)
    transfers = services.incoming_transfers(user)
    audit.record_list(actor=user, via="casework:incoming", child_ids=[t.child_id for t in transfers])
    return render(request, "casework/incoming.html", {"transfers": transfers})


@records_required
@require_http_methods(["GET", "POST"])
def transfer_decide(request: HttpRequest, transfer_id: int) -> HttpResponse:
    """Accept (naming a case worker, or none yet) or refuse (with a reason) one transfer."""
    user = _only_unit_manager(request)
    transfer = get_object_or_404(
        Transfer.objects.select_related("child", "from_district", "to_district", "requested_by"),
        pk=transfer_id,
        status=Transfer.Status.PENDING,
        to_district__in=user.districts.all(),
    )
    audit.record(actor=user, action=audit.Action.READ, via="casework:transfer_decide", child=transfer.child)
    action = request.POST.get("action")
    accept_form = AcceptForm(request.POST if action == "accept" else None, districts=[transfer.to_district])
    refuse_form = RefuseForm(request.POST if action == "refuse" else None)
    if action == "accept" and accept_form.is_valid():
        done = run_service(
            accept_form,
            lambda: services.accept_transfer(
                actor=user,
                transfer=transfer,
                case_worker=accept_form.cleaned_data["case_worker"],
                via="casework:transfer_decide",
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("%(name)s hör nu till %(district)s.")
                % {"name": transfer.child.full_name, "district": transfer.to_district},
            )
            return redirect("register:child_detail", child_id=transfer.child_id)
    if action == "refuse" and refuse_form.is_valid():
        done = run_service(
            refuse_form,
            lambda: services.refuse_transfer(
                actor=user,
                transfer=transfer,
                reason=refuse_form.cleaned_data["reason"],
                via="casework:transfer_decide",
            ),
        )
        if done is not None:
            messages.success(request, _("Överflyttningen är avslagen."))
            return redirect("casework:incoming")
    return render(
        request,
        "casework/transfer_decide.html",
        {"transfer": transfer, "accept_form": accept_form, "refuse_form": refuse_form},
    )
