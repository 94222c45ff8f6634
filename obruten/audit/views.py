import io
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from obruten import spreadsheets
from obruten.accounts import policy

from . import labels, log
from .models import AuditEvent

WRITES = {AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE}


@dataclass(frozen=True)
class TrailRow:
    at: str
    who: str
    action: str
    where: str
    fields: str
    reason: str


def _row(event: AuditEvent) -> TrailRow:
    return TrailRow(
        at=timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
        who=labels.actor_label(event),
        action=event.get_action_display(),
        where=labels.via_label(event.via),
        fields=labels.changed_fields(event.object_type, event.changes) if event.action in WRITES else "",
        reason=event.reason,
    )


def _trail(request: HttpRequest, child_id: int) -> tuple[object, bool]:
    child = policy.child_for_audit_trail(request.user, child_id)
    if child is None:
        raise Http404
    show_name = policy.children_for(request.user).filter(pk=child.pk).exists()
    return child, show_name


def _events(child_id: int) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(child_id=child_id).select_related("actor").order_by("-id")


@login_required
def child_trail(request: HttpRequest, child_id: int) -> HttpResponse:
    """ "Vem har sett detta barn?": for the enhetschef, the administrator and the
    child's own case worker. The administrator sees the trail but not the record."""
    child, show_name = _trail(request, child_id)
    page = Paginator(_events(child_id), 100).get_page(request.GET.get("sida"))
    rows = [_row(event) for event in page]
    return render(
        request,
        "audit/child_trail.html",
        {"child": child, "page": page, "rows": rows, "show_name": show_name},
    )


@login_required
def child_trail_xlsx(request: HttpRequest, child_id: int) -> HttpResponse:
    """The whole trail as a spreadsheet; the download itself is logged first."""
    child, _show_name = _trail(request, child_id)
    with transaction.atomic():
        log.record(actor=request.user, action=log.Action.EXPORT, via="audit:child_trail_xlsx", child=child)
        rows = [_row(event) for event in _events(child_id)]
    output = io.BytesIO()
    book = spreadsheets.workbook(output)  # reasons as typed
    sheet = book.add_worksheet(_("Logg"))
    bold = book.add_format({"bold": True})
    title = _("Vem har sett barn nr %(number)s?") % {"number": child.pk}  # type: ignore[attr-defined]
    sheet.write(0, 0, title, bold)
    sheet.write(1, 0, _("Sekretess enligt OSL 26 kap. 1 §. Utdrag %(day)s.") % {"day": timezone.localdate()})
    headers = [_("Tid"), _("Vem"), _("Händelse"), _("Sida eller export"), _("Ändrade fält"), _("Skäl")]
    sheet.write_row(3, 0, headers, bold)
    for number, row in enumerate(rows, start=4):
        sheet.write_row(number, 0, [row.at, row.who, row.action, row.where, row.fields, row.reason])
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 3, 30)
    sheet.set_column(4, 5, 40)
    book.close()
    response = HttpResponse(
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="logg-barn-{child.pk}.xlsx"'  # type: ignore[attr-defined]
    return response
