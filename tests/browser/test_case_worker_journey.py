"""The case worker's journey in a real browser: log in, register a child and a
placement, record the school start, see the days; another district gets 404. Every
page on the way is checked with axe-core for WCAG 2.1 AA."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

pytestmark = pytest.mark.browser
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def assert_accessible(page: Any) -> None:
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()


def log_in(page: Any, server: str, username: str) -> None:
    page.goto(f"{server}/konto/logga-in/")
    assert_accessible(page)
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill("browser-test-password")
    page.get_by_role("button", name="Logga in").click()


def test_a_case_worker_registers_a_placement_and_sees_the_days(server: str, browser: Any) -> None:
    today = timezone.localdate()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    log_in(page, server, "farsta")
    page.get_by_role("heading", name="Att göra").wait_for()
    assert_accessible(page)
    page.get_by_role("navigation").get_by_role("link", name="Barn", exact=True).click()
    page.get_by_role("heading", name="Mina barn").wait_for()

    page.get_by_role("link", name="Registrera barn").click()
    page.get_by_label("Personnummer").fill("20080212-2390")
    page.get_by_label("Förnamn").fill("Webb")
    page.get_by_label("Efternamn").fill("Testsson")
    page.get_by_label("Flicka").check()
    page.get_by_label("Ansvarig stadsdelsnämnd").select_option(label="Farsta")
    assert_accessible(page)
    page.get_by_role("button", name="Spara").click()

    page.get_by_role("heading", name="Ny placering för Webb Testsson").wait_for()
    page.get_by_label("Placeringsform").select_option(label="HVB")
    page.get_by_label("Lagrum").select_option("SoL")
    page.get_by_label("Startdatum").fill((today - timedelta(days=12)).isoformat())
    page.get_by_label("Ansvarig stadsdelsnämnd").select_option(label="Farsta")
    page.get_by_label("Placeringen innebär skolbyte").check()
    assert_accessible(page)
    page.get_by_role("button", name="Spara placeringen").click()

    page.get_by_role("heading", name="Webb Testsson").wait_for()
    assert page.locator(".days-cell").inner_text() == "Ingen skolstart (12 dagar)"
    page.get_by_role("link", name="Registrera skolstart").click()
    page.get_by_label("Sök skola").fill("webbskolan")
    page.get_by_role("button", name="Sök skola").click()
    page.get_by_label("Webbskolan (11112222), Stockholm").check()
    page.get_by_label("Första skoldag").fill((today - timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Spara skolstart").click()
    # Nine days: later than the goal, so the form asks why and keeps what was typed.
    page.get_by_text("senare än målet 7 dagar: ange orsaken").first.wait_for()
    assert page.get_by_label("Första skoldag").input_value() == (today - timedelta(days=3)).isoformat()
    page.get_by_label("Orsak till sen skolstart").select_option(label="Väntade på skolans beslut")
    page.get_by_role("button", name="Spara skolstart").click()

    page.get_by_text("Väntade på skolans beslut").wait_for()
    days = page.locator(".days-cell .days")
    assert days.inner_text().startswith("9 dagar")
    assert "over-goal" in (days.get_attribute("class") or "")
    color = days.evaluate("element => getComputedStyle(element).color")
    assert color == "rgb(164, 0, 15)"  # the danger red
    assert_accessible(page)
    child_url = page.url

    context.clear_cookies()
    log_in(page, server, "bromma")
    page.get_by_role("heading", name="Att göra").wait_for()
    response = page.goto(child_url)
    assert response is not None and response.status == 404
    assert "Webb" not in page.content()
    context.close()


def test_a_form_error_keeps_what_was_typed_on_a_phone(server: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 740}, bypass_csp=True)
    page = context.new_page()
    log_in(page, server, "farsta")
    page.goto(f"{server}/barn/nytt/")
    page.get_by_label("Personnummer").fill("20080212-2391")
    page.get_by_label("Förnamn").fill("Kvar")
    page.get_by_label("Efternamn").fill("Textsson")
    page.get_by_label("Pojke").check()
    page.get_by_role("button", name="Spara").click()
    assert page.get_by_role("alert").inner_text().count("Kontrollsiffran stämmer inte") == 1
    assert page.evaluate("document.activeElement.classList.contains('error-summary')"), (
        "focus is not on the error summary after a failed submit"
    )
    assert page.get_by_label("Förnamn").input_value() == "Kvar"
    assert page.get_by_label("Personnummer").input_value() == "20080212-2391"
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 320, "the page scrolls sideways at 320 px (WCAG 2.1 1.4.10)"
    assert_accessible(page)
    context.close()


FOLLOW_UP_SETUP = """
from datetime import timedelta
from django.utils import timezone
from obruten.accounts.models import User
from obruten.register import services
from obruten.register.models import Child, District, Municipality, PlacementForm
today = timezone.localdate()
user = User.objects.get(username="farsta")
child = services.register_child(actor=user, via="setup", data=services.ChildData(
    personal_number="201406062388", first_name="Uppf", last_name="Testsson", sex="M",
    home_municipality=Municipality.objects.get(code="0180"), district=District.objects.get(code="farsta")))
services.register_placement(actor=user, child=child, via="setup", data=services.PlacementData(
    form=PlacementForm.objects.get(code="familjehem"), legal_basis="SoL",
    start_date=today - timedelta(days=200),
    district=District.objects.get(code="farsta"), placing_municipality=Municipality.objects.get(code="0180")))
"""


def test_a_follow_up_recorded_in_the_browser_lowers_the_overdue_count(server: str, browser: Any) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": os.environ["OBRUTEN_BROWSER_DATABASE_URL"]}
    subprocess.run([sys.executable, "-m", "obruten.cli", "shell", "-c", FOLLOW_UP_SETUP], env=env, check=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    log_in(page, server, "farsta")
    page.get_by_role("heading", name="Att göra").wait_for()
    before = int(page.locator("#overdue-count").inner_text().split()[0])
    assert before >= 2  # the övervägande and the health examination request are late
    page.get_by_role("row", name="Övervägande/omprövning").filter(has_text="Uppf").get_by_role(
        "link", name="Övervägande/omprövning"
    ).click()
    page.get_by_role("heading", name="Ny uppföljning för Uppf Testsson").wait_for()
    page.get_by_label("Svenska eller svenska som andraspråk: betyg").select_option("C")
    page.get_by_label("Matematik: betyg").select_option("E")
    page.get_by_label("Engelska: bedömning om betyg saknas").select_option("reaches")
    page.get_by_label("Närvaro (%)").fill("92")
    page.get_by_label("Hälsoundersökning begärd hos regionen").fill(timezone.localdate().isoformat())
    assert_accessible(page)
    page.get_by_role("button", name="Spara uppföljningen").click()
    page.get_by_role("heading", name="Uppf Testsson").wait_for()
    assert "Uppföljningen är sparad." in page.content()
    page.get_by_role("navigation").get_by_role("link", name="Start", exact=True).click()
    after = int(page.locator("#overdue-count").inner_text().split()[0])
    assert after == before - 2
    context.close()
