from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from obruten.accounts import policy

from .models import AuditEvent


@login_required
def child_trail(request: HttpRequest, child_id: int) -> HttpResponse:
    """ "Vem har sett detta barn?": for the enhetschef, the administrator and the
    child's own case worker. The administrator sees the trail but not the record."""
    child = policy.child_for_audit_trail(request.user, child_id)
    if child is None:
        raise Http404
    events = AuditEvent.objects.filter(child_id=child.pk).order_by("-id")
    page = Paginator(events, 100).get_page(request.GET.get("sida"))
    show_name = policy.children_for(request.user).filter(pk=child.pk).exists()
    return render(
        request,
        "audit/child_trail.html",
        {"child": child, "page": page, "show_name": show_name},
    )
