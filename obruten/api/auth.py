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
    """Raise RateLimited past the key's requests in this minute."""
    now = int(time.time())
    window = now // WINDOW
    name = f"api-rate:{key.pk}:{window}"
    cache.add(name, 0, timeout=WINDOW * 2)
    if cache.incr(name) > settings.API_RATE_LIMIT:
        raise RateLimited(retry_after=(window + 1) * WINDOW - now)


class ApiKeyAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        key = key_for(token)
        if key is None:
            return None
        count_request(key)
        request.user = key.user
        return key.user
