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
    page.get_by_label("Skola").select_option(label="Webbskolan (11112222)")
    page.get_by_label("Första skoldag").fill((today - timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Spara skolstart").click()

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
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    page = context.new_page()
    log_in(page, server, "farsta")
    page.goto(f"{server}/barn/nytt/")
    page.get_by_label("Personnummer").fill("20080212-2391")
    page.get_by_label("Förnamn").fill("Kvar")
    page.get_by_label("Efternamn").fill("Textsson")
    page.get_by_label("Pojke").check()
    page.get_by_role("button", name="Spara").click()
    assert page.get_by_role("alert").inner_text().count("Kontrollsiffran stämmer inte") == 1
    assert page.get_by_label("Förnamn").input_value() == "Kvar"
    assert page.get_by_label("Personnummer").input_value() == "20080212-2391"
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360, "the page scrolls sideways on a phone"
    assert_accessible(page)
    context.close()
