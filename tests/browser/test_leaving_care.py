"""Issue 24 in a real browser: an upper-secondary follow-up for a 17-year-old, then the
placement ends with a return home and the follow-up of the schooling falls due a month
later on the child's page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from obruten.lib.calendar import add_months
from obruten.lib.personnummer import luhn_check_digit

from .test_case_worker_journey import assert_accessible, log_in

pytestmark = pytest.mark.browser


def personal_number(birth: date, serial: int) -> str:
    nine = f"{birth:%y%m%d}{serial:03d}"
    return f"{birth:%Y%m%d}-{serial:03d}{luhn_check_digit(nine)}"


def test_an_upper_secondary_follow_up_then_a_return_home_and_the_schooling_follow_up(
    server: str, browser: Any
) -> None:
    today = timezone.localdate()
    birth = today.replace(year=today.year - 17, day=1) - timedelta(days=40)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    log_in(page, server, "farsta")
    page.get_by_role("heading", name="Att göra").wait_for()
    page.goto(f"{server}/barn/nytt/")
    page.get_by_label("Personnummer").fill(personal_number(birth, 241))
    page.get_by_label("Förnamn").fill("Hemma")
    page.get_by_label("Efternamn").fill("Testsson")
    page.get_by_label("Pojke").check()
    page.get_by_label("Ansvarig stadsdelsnämnd").select_option(label="Farsta")
    page.get_by_role("button", name="Spara").click()
    page.get_by_role("heading", name="Ny placering för Hemma Testsson").wait_for()
    page.get_by_label("Placeringsform").select_option(label="HVB")
    page.get_by_label("Lagrum").select_option("SoL")
    page.get_by_label("Startdatum").fill((today - timedelta(days=200)).isoformat())
    page.get_by_label("Ansvarig stadsdelsnämnd").select_option(label="Farsta")
    page.get_by_role("button", name="Spara placeringen").click()

    page.get_by_role("heading", name="Hemma Testsson").wait_for()
    page.goto(page.url.split("?")[0].rstrip("/") + "/uppfoljningar/ny/")
    page.get_by_label("Typ av uppföljning").select_option(label="Övervägande/omprövning")
    page.get_by_label("Skolform").select_option(label="Gymnasieskola")
    page.get_by_label("Gymnasieprogram").select_option(label="Naturvetenskapsprogrammet")
    page.get_by_label("Skolenhet").fill("11112222")
    page.get_by_label("Matematik: betyg").select_option("C")
    page.get_by_label("Närvaro (%)").fill("92")
    assert_accessible(page)
    page.get_by_role("button", name="Spara uppföljningen").click()
    page.get_by_role("heading", name="Hemma Testsson").wait_for()
    page.locator('a[href*="/uppfoljningar/"]').filter(has_text=f"{today:%Y-%m-%d}").first.click()
    assert "Naturvetenskapsprogrammet (NA)" in page.locator("dl.facts").inner_text()
    page.go_back()
    page.get_by_role("link", name="Ändra placeringen").click()
    ended = today - timedelta(days=3)
    page.get_by_label("Slutdatum").fill(ended.isoformat())
    page.get_by_label("Flyttar till efter placeringen").select_option(label="Hem till vårdnadshavare")
    page.get_by_label("Skola efter placeringen").fill("Webbsk")
    assert_accessible(page)
    page.get_by_role("button", name="Spara placeringen").click()

    page.get_by_role("heading", name="Hemma Testsson").wait_for()
    placement = page.locator("li.placement").first
    assert "Hem till vårdnadshavare" in placement.inner_text()
    assert "Webbskolan" in placement.inner_text()
    task = page.get_by_role("row").filter(has_text="Följ upp skolgången efter hemflytten")
    assert task.get_by_role("cell").first.inner_text() == f"{add_months(ended, 1):%Y-%m-%d}"
    assert_accessible(page)
    context.close()
