"""The child's questionnaire on a phone, in Swedish and in Arabic; the case worker sees
the answers and the alarm; a used link reveals nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

from tests.browser.test_case_worker_journey import assert_accessible, log_in

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "bypass_csp": True}


SETUP = """
from datetime import timedelta
from django.utils import timezone
from obruten.accounts.models import User
from obruten.register import services
from obruten.register.models import District, Municipality, PlacementForm
user = User.objects.get(username="farsta")
child = services.register_child(actor=user, via="setup", data=services.ChildData(
    personal_number="202508242381", first_name="Röst", last_name="Testsson", sex="F",
    home_municipality=Municipality.objects.get(code="0180"), district=District.objects.get(code="farsta")))
services.register_placement(actor=user, child=child, via="setup", data=services.PlacementData(
    form=PlacementForm.objects.get(code="hvb"), legal_basis="SoL",
    start_date=timezone.localdate() - timedelta(days=30),
    district=District.objects.get(code="farsta"), placing_municipality=Municipality.objects.get(code="0180")))
"""


def make_link(page: Any, server: str, language: str) -> str:
    page.goto(f"{server}/barn/")
    page.get_by_role("link", name="Testsson, Röst").click()
    page.get_by_role("link", name="Skicka frågeformulär").click()
    choice = page.get_by_label("Frågeformulär och språk")
    choice.select_option(label=f"Frågor till barn 13–20 år – {language}")
    page.get_by_role("button", name="Skapa länk").click()
    return str(page.get_by_label("Länk till barnet").input_value())


def answer_all(page: Any, choices: list[str]) -> None:
    for choice in choices:
        page.get_by_text(choice, exact=True).first.click()


def test_a_child_answers_on_a_phone_and_the_case_worker_sees_it(server: str, browser: Any) -> None:
    env = {**os.environ, "DATABASE_URL": os.environ["OBRUTEN_BROWSER_DATABASE_URL"]}
    subprocess.run([sys.executable, "-m", "obruten.cli", "shell", "-c", SETUP], env=env, check=True)
    staff = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = staff.new_page()
    log_in(page, server, "farsta")
    swedish_link = make_link(page, server, "svenska")
    arabic_link = make_link(page, server, "arabiska")

    child = browser.new_context(**PHONE)
    phone = child.new_page()
    phone.goto(swedish_link)
    phone.get_by_role("heading", name="Dina svar").wait_for()
    assert "Röst" not in phone.content() and "Testsson" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(phone)
    phone.get_by_role("radio", name="Bra").first.check()
    phone.get_by_role("button", name="Spara och fortsätt senare").click()
    phone.get_by_text("Sparat. Öppna samma länk igen för att fortsätta.").wait_for()
    phone.goto(swedish_link)
    assert phone.get_by_role("radio", name="Bra").first.is_checked()
    phone.get_by_role("group", name="Känner du dig trygg där du bor?").get_by_role("radio", name="Ja").check()
    phone.get_by_role("button", name="Skicka svaren").click()
    phone.get_by_text("Tack!", exact=False).wait_for()
    used = phone.goto(swedish_link)
    assert used is not None and used.status == 404 and "Länken fungerar inte" in phone.content()

    phone.goto(arabic_link)
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert_accessible(phone)
    safe = phone.get_by_role("group", name="هل تشعر بالأمان حيث تعيش؟")
    safe.get_by_role("radio", name="لا", exact=True).check()  # "no": I do not feel safe where I live
    phone.get_by_role("button", name="أرسل الإجابات").click()
    phone.get_by_text("شكراً!", exact=False).wait_for()
    assert "116 111" in phone.content() and "112" in phone.content()  # whom to call now
    assert_accessible(phone)
    child.close()

    page.goto(f"{server}/att-gora/")
    alerts = page.get_by_role("alert")
    assert "Barn som behöver höras av i dag" in alerts.inner_text()
    alerts.get_by_role("link", name="Testsson, Röst").click()
    assert "Nej" in page.get_by_role("table").inner_text()
    page.get_by_role("button", name="Markera som genomgånget med barnet").click()
    assert "hör av dig till barnet i dag" in page.content()  # going through is not acknowledging
    assert_accessible(page)
    page.get_by_role("link", name="Se svaren och kvittera").click()
    page.get_by_label("Vad har du gjort?").fill("Ringde barnet och boendet. Barnet är tryggt, möte i morgon.")
    page.get_by_role("button", name="Kvittera larmet").click()
    page.get_by_text("Larmet är kvitterat.").wait_for()
    page.goto(f"{server}/att-gora/")
    assert "Barn som behöver höras av i dag" not in page.content()
    staff.close()
