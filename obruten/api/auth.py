"""The API key is the credential: no session, no CSRF. Each key gets
``API_RATE_LIMIT`` requests per minute, counted on the key's row so that every gunicorn
worker sees the same count (docs/api.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from .keys import key_for
from .models import ApiKey
from .problems import RateLimited

WINDOW = timedelta(seconds=60)


def count_request(key: ApiKey) -> None:
    """Raise RateLimited past the key's requests in its current minute. The minute starts
    at the key's first request (not on the clock's minute), so a burst is never split in
    two. Each step is one conditional UPDATE, atomic in the database, so concurrent
    requests in different workers can neither lose a count nor both open a new minute."""
    now = timezone.now()
    keys = ApiKey.objects.filter(pk=key.pk)
    counted = keys.filter(window_start__gt=now - WINDOW).update(window_count=F("window_count") + 1)
    if not counted:
        stale = Q(window_start__isnull=True) | Q(window_start__lte=now - WINDOW)
        if not keys.filter(stale).update(window_start=now, window_count=1):
            keys.update(window_count=F("window_count") + 1)  # another worker opened it
    key.refresh_from_db(fields=["window_start", "window_count"])
    if key.window_count > settings.API_RATE_LIMIT:
        assert key.window_start is not None
        left = key.window_start + WINDOW - now
        raise RateLimited(retry_after=max(1, int(left.total_seconds())))


class ApiKeyAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        key = key_for(token)
        if key is None:
            return None
        count_request(key)
        request.user = key.user
        return key.user
