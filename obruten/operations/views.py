from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from . import extract as register_extract

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def extract_xlsx(request: HttpRequest, child_id: int) -> HttpResponse:
    extract = register_extract.take_extract(request.user, child_id, via="operations:extract_xlsx")
    return _download(register_extract.to_xlsx(extract), XLSX, f"registerutdrag-barn-{child_id}.xlsx")


@login_required
def extract_pdf(request: HttpRequest, child_id: int) -> HttpResponse:
    extract = register_extract.take_extract(request.user, child_id, via="operations:extract_pdf")
    pdf = register_extract.to_pdf(extract)
    return _download(pdf, "application/pdf", f"registerutdrag-barn-{child_id}.pdf")


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
