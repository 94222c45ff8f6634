from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from conftest import World
from obruten.api import keys


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def bearer(world: World) -> dict[str, str]:
    """An API key per persona, as the Authorization header."""
    return {
        role: f"Bearer {keys.create_key(user=user, days=30, via='test')[1]}"
        for role, user in world.users.items()
    }


def call(client: Any, method: str, url: str, auth: str | None, body: Any = None) -> Any:
    headers = {"Authorization": auth} if auth else {}
    return getattr(client, method)(url, data=body, content_type="application/json", headers=headers)
