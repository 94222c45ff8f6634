from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from obruten import uploads
from obruten.accounts import policy
from obruten.accounts.decorators import statistics_required

from . import renderers
from .definitions import REPORTS, Params
from .forms import MonthForm, MonthlyImportForm, PackForm, ReportFilterForm, latest_tertial
from .monthly import RULES, ImportResult, RowError, export_month, import_statistics
from .protection import run_report


def _params(request: HttpRequest) -> tuple[ReportFilterForm, Params | None]:
    form = ReportFilterForm(request.GET or {"year": timezone.localdate().year})
    return form, form.params() if form.is_valid() else None


@statistics_required
def index(request: HttpRequest) -> HttpResponse:
    pack_form = PackForm(initial=latest_tertial())
    return render(request, "statistics/index.html", {"reports": REPORTS.values(), "pack_form": pack_form})


@statistics_required
def report(request: HttpRequest, name: str) -> HttpResponse:
    if name not in REPORTS:
        raise Http404
    form, params = _params(request)
    result = run_report(name, params, actor=request.user, via=f"statistics:{name}:html") if params else None
    return render(
        request,
        "statistics/report.html",
        {
            "definition": REPORTS[name],
            "form": form,
            "report": result,
            "header": renderers.header(result) if result else [],
            "rows": renderers.body(result) if result else [],
            "chart": mark_safe(renderers.chart_svg(result)) if result else "",  # noqa: S308 - built with escape()
            "empty": renderers.is_empty(result) if result else False,
            "source": renderers.source_line(),
            "query": request.GET.urlencode(),
        },
    )


@statistics_required
def download(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    if name not in REPORTS or fmt not in renderers.FORMATS:
        raise Http404
    form, params = _params(request)
    if params is None:
        return render(
            request, "statistics/report.html", {"definition": REPORTS[name], "form": form}, status=400
        )
    result = run_report(name, params, actor=request.user, via=f"statistics:{name}:{fmt}")
    render_bytes, content_type = renderers.FORMATS[fmt]
    response = HttpResponse(render_bytes(result), content_type=content_type)
    filename = f"obruten-{name}-{params.year}{'-' + params.period if params.period else ''}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@statistics_required
@require_http_methods(["GET", "POST"])
def monthly(request: HttpRequest) -> HttpResponse:
    """The monthly statistics file, for the analyst (every district) and the enhetschef
    (their own): export a month, import a file."""
    if "errors" in request.POST:  # the error list posted back for download
        return uploads.error_download(request, RULES, "obruten-manadsfil-fel.csv")
    form = MonthlyImportForm(request.POST or None, request.FILES or None)
    result = report = None
    if uploads.too_large(request):
        form = MonthlyImportForm()
        result = ImportResult(errors=[RowError(0, "", "F06")])
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = import_statistics(
            upload.file, filename=upload.name, actor=request.user, via="statistics:monthly"
        )
    if result is not None:
        report = uploads.error_report(result.errors, request.user)
    return render(
        request,
        "statistics/monthly.html",
        {
            "form": form,
            "result": result,
            "report": report,
            "export_form": MonthForm(request.GET or None),
            "districts": policy.monthly_file_districts(request.user),
        },
    )


@statistics_required
def monthly_export(request: HttpRequest) -> HttpResponse:
    form = MonthForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "statistics/monthly.html",
            {
                "form": MonthlyImportForm(),
                "export_form": form,
                "districts": policy.monthly_file_districts(request.user),
            },
            status=400,
        )
    year, month = form.cleaned_data["month"]
    content = export_month(year, month, actor=request.user, via="statistics:monthly_export")
    response = HttpResponse(content, content_type=renderers.FORMATS["xlsx"][1])
    response["Content-Disposition"] = (
        f'attachment; filename="obruten-manadsstatistik-{year:04d}-{month:02d}.xlsx"'
    )
    return response
