"""The pack's download: one click on the statistics page, for the roles that see reports."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from obruten.accounts.decorators import statistics_required

from .forms import PackForm, latest_tertial
from .pack import FORMATS, export_pack, filename
from .pack_renderers import CONTENT_TYPES


@statistics_required
def pack(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    form = PackForm(request.GET or latest_tertial())
    if not form.is_valid():
        return HttpResponse(
            "; ".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    year, through = form.cleaned_data["year"], form.cleaned_data["through"]
    content = export_pack(year, through, fmt, actor=request.user, via=f"statistics:pack:{fmt}")
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename(year, through, fmt)}"'
    return response
