"""Every page added for issue 12 is checked with axe-core (WCAG 2.1 A/AA: no violation) on a
desktop and on a 360 px phone; the child's page and the follow-up form reflow at 320 px
without sideways scrolling (WCAG 2.1 1.4.10)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from tests.browser.test_case_worker_journey import assert_accessible

pytestmark = pytest.mark.browser
PASSWORD = "browser-test-password"

SETUP = """
import json
from datetime import timedelta
from django.utils import timezone
from obruten.accounts.models import Role, User
from obruten.casework import services as casework
from obruten.followup import services as followup
from obruten.followup.models import ChainStep
from obruten.lib.personnummer import luhn_check_digit
from obruten.register import services
from obruten.register.models import District, Municipality, PlacementForm
from obruten.teams import services as teams
today = timezone.localdate()
farsta, bromma = District.objects.get(code="farsta"), District.objects.get(code="bromma")
stockholm = Municipality.objects.get(code="0180")
users = {}
for username, role, district in [("a11y_chef", Role.UNIT_MANAGER, farsta),
                                 ("a11y_bromma_chef", Role.UNIT_MANAGER, bromma),
                                 ("a11y_larare", Role.LARTEAMET, farsta),
                                 ("a11y_analys", Role.ANALYST, None)]:
    users[username] = User.objects.create_user(username=username, password="browser-test-password",
                                               role=role, first_name=username[5:].title(), last_name="Test")
    if district:
        users[username].districts.set([district])
worker = User.objects.get(username="farsta")

def child(nine, first, form, **extra):
    record = services.register_child(actor=worker, via="setup", data=services.ChildData(
        personal_number="20" + nine + str(luhn_check_digit(nine)), first_name=first, last_name="Tillgänglig",
        sex="F", home_municipality=stockholm, district=farsta))
    data = services.PlacementData(
        form=PlacementForm.objects.get(code=form), legal_basis="SoL", start_date=today - timedelta(days=200),
        district=farsta, placing_municipality=stockholm, school_change=True, **extra)
    placement = services.register_placement(actor=worker, child=record, via="setup", data=data)
    return record, placement

kid, placement = child("120304123", "Axel", "familjehem", unit_name="Familjehemmet med ett mycket långt namn "
                       "som inte får tvinga sidan att skrolla i sidled på en liten telefon")
hidden, _ = child("110506234", "Siri", "skyddat_boende", accompanying=True)
follow_up = followup.record_follow_up(actor=worker, child=kid, via="setup", data=followup.FollowUpData(
    kind="overvagande", date=today, results={"MA": followup.Result(grade="C")}))
step = ChainStep.objects.filter(chain_model__is_active=True).order_by("phase_order", "order").first()
followup.record_chain_step(actor=worker, placement=placement, step=step, status="done", day=today,
                           via="setup")
transfer = casework.start_transfer(actor=worker, child=kid, to_district=bromma,
                                   effective_date=today + timedelta(days=7), note="Flyttar", via="setup")
teams.create_team(actor=users["a11y_chef"], via="setup", data=teams.TeamData(
    district=farsta, name="Grupp Söder", manager=users["a11y_chef"], members=(worker,)))
print(json.dumps({"child": kid.pk, "placement": placement.pk, "hidden": hidden.pk,
                  "follow_up": follow_up.pk, "step": step.pk, "transfer": transfer.pk}))
"""

# (who, address, what): {child}, {placement}, ... are filled from SETUP's ids.
PAGES = [
    ("a11y_chef", "/barn/{child}/ansvarig/", "assign"),
    ("a11y_chef", "/stadsdel/overlamning/", "handover"),
    ("farsta", "/barn/{child}/overflyttning/", "transfer create"),
    ("a11y_bromma_chef", "/stadsdel/overflyttningar/", "incoming transfers"),
    ("a11y_bromma_chef", "/stadsdel/overflyttningar/{transfer}/", "transfer decide"),
    ("a11y_chef", "/arbetsgrupper/", "teams"),
    ("farsta", "/att-gora/?ansvarig=case_worker&status=overdue&ordning=-dagar", "to-do with filters"),
    ("a11y_chef", "/stadsdel/att-gora/?arbetsgrupp=&status=overdue", "district to-do with filters"),
    ("farsta", "/skolstart/?stadsdel=&ordning=-stadsdel", "breach list with filters"),
    ("farsta", "/import/", "import"),
    ("farsta", "/import/format/", "import help"),
    ("farsta", "/barn/{child}/sammanfattning/", "child summary"),
    ("farsta", "/barn/{child}/uppfoljningar/{follow_up}/rattelse/", "follow-up correction"),
    ("farsta", "/barn/{child}/placeringar/{placement}/kedja/{step}/andra/", "chain step"),
    ("farsta", "/barn/{hidden}/undervisning/", "teaching for a child"),
    ("a11y_larare", "/larteamet/undervisning/", "teaching report"),
    ("farsta", "/barn/{child}/placeringar/{placement}/skolstart/", "school-start form"),
    ("a11y_analys", "/statistik/", "statistics with the pack form"),
    # Issue 23: tables wider than a phone scroll inside a region the keyboard can reach.
    ("farsta", "/barn/", "caseload"),
    ("farsta", "/barn/{child}/logg/", "the child's log"),
    ("a11y_analys", "/statistik/placements/", "a report"),
    ("a11y_larare", "/larteamet/undervisning/?year=2026", "teaching report with a year"),
    # Issue 24.
    ("a11y_chef", "/skolfam/malgrupp/", "Skolfam's target group"),
    ("farsta", "/barn/{child}/gymnasieexamen/", "gymnasieexamen"),
    ("farsta", "/barn/{child}/placeringar/{placement}/andra/", "placement form with leaving care"),
    ("a11y_analys", "/statistik/upper-secondary/", "upper-secondary report"),
    ("a11y_analys", "/statistik/after-care/", "after-care report"),
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}


@pytest.fixture(scope="module")
def ids(server: str) -> dict[str, int]:
    env = {**os.environ, "DATABASE_URL": os.environ["OBRUTEN_BROWSER_DATABASE_URL"]}
    done = subprocess.run(
        [sys.executable, "-m", "obruten.cli", "shell", "-c", SETUP],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def sessions(server: str, browser: Any) -> Any:
    """One signed-in browser context per user and viewport, reused by the pages."""
    contexts: dict[tuple[str, str], Any] = {}

    def page_for(username: str, viewport: str) -> Any:
        if (username, viewport) not in contexts:
            context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True)
            page = context.new_page()
            page.goto(f"{server}/konto/logga-in/")
            page.get_by_label("Användarnamn").fill(username)
            page.get_by_label("Lösenord").fill(PASSWORD)
            page.get_by_role("button", name="Logga in").click()
            page.wait_for_load_state()
            contexts[username, viewport] = context
        return contexts[username, viewport].pages[0]

    yield page_for
    for context in contexts.values():
        context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize(("username", "address", "what"), PAGES, ids=[page[2] for page in PAGES])
def test_the_page_is_accessible(
    server: str, ids: dict[str, int], sessions: Any, username: str, address: str, what: str, viewport: str
) -> None:
    page = sessions(username, viewport)
    response = page.goto(server + address.format(**ids))
    assert response is not None and response.status == 200, f"{what}: {response and response.status}"
    assert_accessible(page)


REFLOWING = {
    "child page": ("farsta", "/barn/{child}/"),
    "follow-up form": ("farsta", "/barn/{child}/uppfoljningar/ny/"),
    # Issue 23: 8 of 68 pages scrolled sideways at 320 px (long compounds, report tables).
    "caseload": ("farsta", "/barn/"),
    "to-do": ("farsta", "/att-gora/"),
    "district to-do": ("a11y_chef", "/stadsdel/att-gora/"),
    "a report": ("a11y_analys", "/statistik/placements/"),
    "the child's log": ("farsta", "/barn/{child}/logg/"),
    "Skolfam's target group": ("a11y_chef", "/skolfam/malgrupp/"),
    "upper-secondary report": ("a11y_analys", "/statistik/upper-secondary/"),
}


@pytest.mark.parametrize(("username", "address"), list(REFLOWING.values()), ids=list(REFLOWING))
def test_the_page_reflows_at_320_px(
    server: str, ids: dict[str, int], sessions: Any, username: str, address: str
) -> None:
    page = sessions(username, "desktop")
    page.set_viewport_size({"width": 320, "height": 740})
    try:
        page.goto(server + address.format(**ids))
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= 320, f"the page scrolls sideways at 320 px ({scroll_width} px wide)"
    finally:
        page.set_viewport_size(VIEWPORTS["desktop"])
