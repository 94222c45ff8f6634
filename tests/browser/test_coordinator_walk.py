"""Issue 20's walk, in a browser: the school coordinator opens her list, follows the row's
own link to record today's follow-up with every field as offered, and the child's row no
longer reads late; the period that ended without one is shown as missed on the child's
page, not on the list."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

from tests.browser.test_case_worker_journey import assert_accessible, log_in

pytestmark = pytest.mark.browser

SETUP = """
from datetime import timedelta
from django.utils import timezone
from obruten.accounts.models import Role, User
from obruten.lib.personnummer import luhn_check_digit
from obruten.register import services
from obruten.register.models import District, Municipality, PlacementForm
today = timezone.localdate()
farsta, stockholm = District.objects.get(code="farsta"), Municipality.objects.get(code="0180")
coordinator = User.objects.create_user(username="samordnare", password="browser-test-password",
                                       role=Role.SCHOOL_COORDINATOR, first_name="Sam", last_name="Ordnare")
coordinator.districts.set([farsta])
worker = User.objects.get(username="farsta")
child = services.register_child(actor=worker, via="setup", data=services.ChildData(
    personal_number="20" + "110302345" + str(luhn_check_digit("110302345")), first_name="Kvartal",
    last_name="Missadsson", sex="M", home_municipality=stockholm, district=farsta))
services.register_placement(actor=worker, child=child, via="setup", data=services.PlacementData(
    form=PlacementForm.objects.get(code="hvb"), legal_basis="SoL", start_date=today - timedelta(days=200),
    district=farsta, placing_municipality=stockholm))
"""


def test_the_coordinators_follow_up_clears_the_childs_row(server: str, browser: Any) -> None:
    env = {**os.environ, "DATABASE_URL": os.environ["OBRUTEN_BROWSER_DATABASE_URL"]}
    subprocess.run([sys.executable, "-m", "obruten.cli", "shell", "-c", SETUP], env=env, check=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    log_in(page, server, "samordnare")
    page.goto(f"{server}/skolsamordnare/")
    table = page.get_by_role("table", name="Nästa steg per barn")
    row = table.get_by_role("row").filter(has_text="Missadsson")
    before = row.inner_text()
    assert "Skolsamordnarens uppföljning" in before
    assert_accessible(page)

    row.get_by_role("link", name="Skolsamordnarens uppföljning").click()
    page.get_by_role("heading", name="Ny uppföljning för Kvartal Missadsson").wait_for()
    page.get_by_role("button", name="Spara uppföljningen").click()
    page.get_by_role("heading", name="Kvartal Missadsson").wait_for()

    page.goto(f"{server}/skolsamordnare/")
    after = (
        page.get_by_role("table", name="Nästa steg per barn").get_by_role("row").filter(has_text="Missadsson")
    )
    assert after.inner_text() != before
    assert "försenad" not in after.inner_text()

    # The period that ended without a follow-up is kept, as missed, on the child's page.
    after.get_by_role("link", name="Missadsson").click()
    page.locator("summary", has_text="Missade och stängda uppgifter").click()
    history = page.get_by_role("table", name="Missade och stängda uppgifter")
    assert "Skolsamordnarens uppföljning" in history.inner_text() and "Missad" in history.inner_text()
    assert_accessible(page)
    context.close()
