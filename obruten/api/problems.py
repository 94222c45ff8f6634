"""Errors as RFC 9457 problem details, in Swedish like the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

CONTENT_TYPE = "application/problem+json"


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after


def problem(
    status: int, title: str, detail: str = "", errors: list[dict[str, str]] | None = None
) -> HttpResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    return JsonResponse(
        body, status=status, content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )


def _invalid(errors: list[dict[str, str]]) -> HttpResponse:
    return problem(422, _("Uppgifterna kunde inte sparas"), _("Rätta fälten som anges i errors."), errors)


def _field_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    by_field = exc.error_dict if hasattr(exc, "error_dict") else {"": exc.error_list}
    return [
        {"field": name, "rule": error.code or "invalid", "detail": " ".join(error.messages)}
        for name, errors in by_field.items()
        for error in errors
    ]


def _schema_errors(exc: SchemaValidationError) -> list[dict[str, str]]:
    return [
        {
            "field": ".".join(str(part) for part in error.get("loc", ())[1:] if part != "payload"),
            "rule": str(error.get("type", "invalid")),
            "detail": str(error.get("msg", "")),
        }
        for error in exc.errors
    ]


def install(api: NinjaAPI) -> None:
    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        response = problem(
            401, _("Inloggning krävs"), _("Ange en giltig API-nyckel: Authorization: Bearer <nyckel>.")
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(RateLimited)
    def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        response = problem(429, _("För många anrop"), _("Vänta och försök igen."))
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(403, _("Åtkomst nekad"), _("Din roll får inte göra detta."))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(
            404, _("Hittades inte"), _("Det finns inget sådant, eller inget du har tillgång till.")
        )

    @api.exception_handler(DjangoValidationError)
    def invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return _invalid(_field_errors(exc))

    @api.exception_handler(SchemaValidationError)
    def malformed(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
        return _invalid(_schema_errors(exc))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(exc.status_code, str(exc))
