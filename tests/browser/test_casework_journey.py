"""Casework in a real browser (issue 11): Farsta's enhetschef hands a caseload over, a
case worker asks Bromma to take a child, and Bromma's enhetschef accepts. Every page on
the way is checked with axe-core."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.test_case_worker_journey import assert_accessible, log_in

pytestmark = pytest.mark.browser

SETUP = """
from datetime import timedelta
from django.utils import timezone
from obruten.accounts.models import Role, User
from obruten.register import services
from obruten.register.models import District, Municipality, PlacementForm
for username, role, district in [("farsta_chef", Role.UNIT_MANAGER, "farsta"),
                                 ("bromma_chef", Role.UNIT_MANAGER, "bromma"),
                                 ("farsta_two", Role.CASE_WORKER, "farsta")]:
    staff = User.objects.create_user(username=username, password="browser-test-password", role=role,
                                     first_name=username.replace("_", " ").title())
    staff.districts.set(District.objects.filter(code=district))
user = User.objects.get(username="farsta")
child = services.register_child(actor=user, via="setup", data=services.ChildData(
    personal_number="200607092384", first_name="Flytt", last_name="Testsson", sex="F",
    home_municipality=Municipality.objects.get(code="0180"), district=District.objects.get(code="farsta")))
services.register_placement(actor=user, child=child, via="setup", data=services.PlacementData(
    form=PlacementForm.objects.get(code="hvb"), legal_basis="SoL",
    start_date=timezone.localdate() - timedelta(days=30),
    district=District.objects.get(code="farsta"), placing_municipality=Municipality.objects.get(code="0180")))
"""


def choose_case_worker(page: Any, label: str, name: str) -> None:
    """The option of the case worker ``name``, whatever her caseload (other tests share the server)."""
    select = page.get_by_label(label)
    option = select.locator("option").filter(has_text=re.compile(rf"^{re.escape(name)} \(\d+ barn\)$"))
    select.select_option(option.get_attribute("value"))


def test_a_caseload_is_handed_over_and_a_child_transferred_and_accepted(server: str, browser: Any) -> None:
    env = {**os.environ, "DATABASE_URL": os.environ["OBRUTEN_BROWSER_DATABASE_URL"]}
    subprocess.run([sys.executable, "-m", "obruten.cli", "shell", "-c", SETUP], env=env, check=True)
    today = timezone.localdate().isoformat()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()

    log_in(page, server, "farsta_chef")
    page.get_by_role("heading", name="Barn utan ansvarig socialsekreterare").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Lämna över ärenden").first.click()
    # Each case worker is offered with the size of her caseload (issue 23).
    choose_case_worker(page, "Från socialsekreterare", "Farsta")
    choose_case_worker(page, "Till socialsekreterare", "Farsta Two")
    page.get_by_label("Från och med").fill(today)
    assert_accessible(page)
    page.get_by_role("button", name="Lämna över").click()
    # Nothing moves before the enhetschef has seen which children and confirmed.
    page.get_by_role("heading", name="Bekräfta överlämningen").wait_for()
    assert "Testsson, Flytt" in page.locator("table").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(r"^Lämna över \d+ barn$")).click()
    page.get_by_text("har lämnats över till Farsta Two").wait_for()

    context.clear_cookies()
    log_in(page, server, "farsta_two")
    page.goto(f"{server}/barn/")
    page.get_by_role("link", name="Testsson, Flytt").click()
    assert "Farsta Two" in page.locator("dl.facts").first.inner_text()
    page.get_by_role("link", name="Flytta till annan nämnd").click()
    page.get_by_label("Mottagande stadsdelsnämnd").select_option(label="Bromma")
    page.get_by_label("Gäller från").fill(today)
    page.get_by_label("Meddelande till mottagande nämnd").fill("Familjen har flyttat till Bromma.")
    assert_accessible(page)
    page.get_by_role("button", name="Begär överflyttning").click()
    page.get_by_text("väntar på svar").first.wait_for()
    assert_accessible(page)

    context.clear_cookies()
    log_in(page, server, "bromma_chef")
    page.goto(f"{server}/stadsdel/overflyttningar/")
    assert_accessible(page)
    page.get_by_role("link", name="Testsson, Flytt").click()
    page.get_by_label("Ansvarig socialsekreterare").select_option(label="Bromma")
    assert_accessible(page)
    page.get_by_role("button", name="Godkänn överflyttningen").click()
    page.get_by_role("heading", name="Flytt Testsson").wait_for()
    facts = page.locator("dl.facts").first.inner_text()
    assert "Bromma" in facts and "Farsta Two" not in facts
    assert "Farsta → Bromma" in page.locator(".casework").inner_text()
    context.close()
