"""What every import page shares: the limits from the settings, the file-level messages
that name them, and the error list (at most ``SHOWN_ERRORS`` on the page, all of them as a
CSV download).

The error list holds only row numbers, column names and rule codes, never a value from the
file, so it can travel signed in a hidden field and be posted back for the download: no
state on the server, and nothing in a URL."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core import signing
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop

from obruten.lib.tabular import MB, Limits

SHOWN_ERRORS = 100
_SALT = "obruten.uploads.errors"


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops reading an uploaded file once it passes ``IMPORT_MAX_BYTES``: the rest of the
    body is skipped, not parsed or spooled to disk, and the page answers F06 at once."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.IMPORT_MAX_BYTES:
            self.request.upload_too_large = True  # type: ignore[union-attr]
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def too_large(request: HttpRequest) -> bool:
    """Whether the request's file was cut off by ``SizeLimitedUploadHandler``."""
    return getattr(request, "upload_too_large", False)


def limits() -> Limits:
    return Limits(
        max_bytes=settings.IMPORT_MAX_BYTES,
        max_rows=settings.IMPORT_MAX_ROWS,
        max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES,
    )


def _with_limits(message: str) -> str:
    now = limits()
    return gettext(message).format(
        max_mb=number_format(now.max_bytes / MB, decimal_pos=0, force_grouping=True),
        max_rows=number_format(now.max_rows, force_grouping=True),
        unpacked_mb=number_format(now.max_unpacked_bytes / MB, decimal_pos=0, force_grouping=True),
    )


_limit_message = lazy(_with_limits, str)

# The file-level rules every import shares (docs/import-format.md); each import adds its own.
FILE_RULES = {
    "F01": _limit_message(
        gettext_noop(
            "Filen kan inte läsas som CSV eller XLSX. Spara den som CSV (UTF-8) eller som "
            "Excel-arbetsbok (.xlsx) och försök igen."
        )
    ),
    "F06": _limit_message(
        gettext_noop(
            "Filen är större än {max_mb} MB. Dela upp den i flera filer och importera dem var för sig."
        )
    ),
    "F07": _limit_message(
        gettext_noop(
            "Filen har fler än {max_rows} rader. Dela upp den i filer med högst {max_rows} rader och "
            "importera dem var för sig."
        )
    ),
    "F08": _limit_message(
        gettext_noop(
            "XLSX-filen blir större än {unpacked_mb} MB uppackad, har fler kolumner än A–AZ eller är "
            "packad på ett sätt som inte liknar ett kalkylark. Spara den som CSV (UTF-8) och försök igen."
        )
    ),
}


class Error(Protocol):
    @property
    def row(self) -> int: ...
    @property
    def column(self) -> str: ...
    @property
    def rule(self) -> str: ...


@dataclass(frozen=True)
class ErrorReport:
    shown: Sequence[Any]
    more: int  # errors not shown on the page
    token: str  # every error, signed, for the download


def error_report(errors: Sequence[Error], user: Any) -> ErrorReport:
    # Each column as the page names it: the user's own heading where the error has one.
    named = [[e.row, getattr(e, "heading", "") or e.column, e.rule] for e in errors]
    payload = {"user": user.pk, "errors": named}
    return ErrorReport(
        shown=errors[:SHOWN_ERRORS],
        more=max(0, len(errors) - SHOWN_ERRORS),
        token=signing.dumps(payload, salt=_SALT, compress=True),
    )


def error_download(request: HttpRequest, rules: Mapping[str, Any], filename: str) -> HttpResponse:
    """The signed error list posted back from the page, as CSV; only for the user it was
    made for."""
    try:
        payload = signing.loads(request.POST.get("errors", ""), salt=_SALT)
    except signing.BadSignature:
        return HttpResponseBadRequest()
    if payload.get("user") != request.user.pk:
        return HttpResponseBadRequest()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel reads UTF-8 only with a byte-order mark
    writer = csv.writer(response)
    writer.writerow([gettext("Rad"), gettext("Kolumn"), gettext("Regel"), gettext("Fel")])
    for row, column, rule in payload["errors"]:
        writer.writerow([row, column, rule, str(rules.get(rule, ""))])
    return response
