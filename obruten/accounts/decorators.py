"""The access decorators of the pages, beside the policy they ask: a role without the
right gets 403, someone not signed in the login page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from . import policy

View = Callable[..., HttpResponse]


def _role_required(allowed: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# Only roles that work with personal records; analysts and administrators get 403.
records_required = _role_required(policy.has_records)
# The reports and the monthly file: the analyst and the enhetschef.
statistics_required = _role_required(policy.may_see_statistics)
