"""Reads of a request are logged once its response is known (issue 19, finding 9)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import log


class ReadsAfterResponseMiddleware:
    """A read made while serving a request that ends refused (403) is logged as refused,
    never as a read: the trail and the register extract say who saw the record."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with log.reads_decided_by_response() as write:
            response = self.get_response(request)
            write(response.status_code == 403)
        return response
