"""Start pages at city scale, with one audit row per child each page lists (issue 9).

Goal: each start page stays within 10 ms of its time before every list was audited per
child. Prints, per page, its median server time over 20 requests and the children it
lists, and the time the added work takes: writing that many LIST rows
(``audit.record_list``), the fastest of 20 runs so other load on the machine does not
count. The page medians before the change come from running this script on commit
374598b (docs/security.md).

    make bench
"""

from __future__ import annotations

import statistics
import time

import django_setup  # noqa: F401 - sets up Django before Obruten is imported
from django.core.management import call_command
from django.test import Client

from obruten.accounts.models import User
from obruten.audit import log as audit
from obruten.audit.models import AuditEvent
from obruten.register.models import Child

PAGES = [
    ("handlaggare.farsta", "/att-gora/"),
    ("enhetschef.farsta", "/stadsdel/att-gora/"),
    ("skolsamordnare.farsta", "/skolsamordnare/"),
    ("handlaggare.farsta", "/barn/"),
]
ALLOWED_MS = 10.0


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("demo", seed=1, scale="city", verbosity=0)
    client = Client()
    for username, url in PAGES:
        client.force_login(User.objects.get(username=username))
        client.get(url)  # warm up
        timings = []
        for _ in range(20):
            listed = AuditEvent.objects.count()
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            listed = AuditEvent.objects.count() - listed
            assert response.status_code == 200
        median = statistics.median(timings)
        added = _list_audit_ms(User.objects.get(username=username), url, listed)
        print(
            f"{url} as {username}: median {median:.1f} ms, {listed} children listed; "
            f"audit of the list {added:.1f} ms (goal <= {ALLOWED_MS:.0f} ms, ratio {added / ALLOWED_MS:.2f})"
        )


def _list_audit_ms(user: User, via: str, count: int) -> float:
    child_ids = list(Child.objects.values_list("pk", flat=True)[:count])
    runs = []
    for _ in range(20):
        started = time.perf_counter()
        audit.record_list(actor=user, via=via, child_ids=child_ids, filters={"bench": True})
        runs.append((time.perf_counter() - started) * 1000)
    return min(runs)


if __name__ == "__main__":
    main()
