"""One page's server time as the benchmarks measure it (Django must be set up first)."""

from __future__ import annotations

import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

RUNS = 5


def measure(client: Client, url: str) -> tuple[float, float, int]:
    """(first request ms, median warm ms, queries of a warm request)."""
    started = time.perf_counter()
    assert client.get(url).status_code == 200, url
    first = (time.perf_counter() - started) * 1000
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return first, statistics.median(timings), len(queries)
