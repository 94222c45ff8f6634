"""The API key is the credential: no session, no CSRF. Each key gets
``API_RATE_LIMIT`` requests per minute (Django's cache)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import HttpBearer

from .keys import key_for
from .models import ApiKey
from .problems import RateLimited

WINDOW = 60


def count_request(key: ApiKey) -> None:
    """Raise RateLimited past the key's requests in its current minute. The minute starts
    at the key's first request (not on the clock's minute), so a burst is never split in
    two; the key's unique prefix names it, so a new key never inherits an old count."""
    now = int(time.time())
    start = int(cache.get_or_set(f"api-rate:{key.prefix}:start", now, timeout=WINDOW) or now)
    name = f"api-rate:{key.prefix}:{start}"
    cache.add(name, 0, timeout=WINDOW * 2)
    if cache.incr(name) > settings.API_RATE_LIMIT:
        raise RateLimited(retry_after=max(1, start + WINDOW - now))


class ApiKeyAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        key = key_for(token)
        if key is None:
            return None
        count_request(key)
        request.user = key.user
        return key.user
