"""The protected cube is cached by data version: a write a report counts makes its cube
new, and the child's questionnaires make only the child's-voice cube new (children answer
all day; protecting the placements cube again for each answer would hold a server busy)."""

from __future__ import annotations

import io
import sys
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from conftest import TEST_NUMBERS, World, place, register
from obruten.participation import services as participation
from obruten.participation.models import Template
from obruten.statistics import protection
from obruten.statistics.definitions import REPORTS, Params
from obruten.statistics.protection import TOTAL, Cube, applicable, cached_cube, protect_report, rules
from obruten.statistics.tests.test_counting_rules import child
from obruten.statistics.tests.test_counting_rules import place as counting_place


def _cube(name: str, params: Params) -> Cube:
    return cached_cube(name, params, rules())


def test_a_placement_renews_the_placements_cube_and_a_questionnaire_link_does_not(world: World) -> None:
    start = world.own_placement.start_date
    params = Params(year=start.year)
    placements, voice = _cube("placements", params), _cube("child-voice", params)
    assert _cube("placements", params) is placements  # cached

    participation.create_invitation(
        actor=world.users["case_worker"],
        child=world.own,
        template=Template.objects.get(code="barnets-rost", version=1),
        language="sv",
        via="test",
    )
    assert _cube("placements", params) is placements
    assert _cube("child-voice", params) is not voice

    grand = ("placements", "", "", TOTAL, TOTAL)
    case_worker = world.users["case_worker"]
    place(register(TEST_NUMBERS[3], "Dana", "farsta", case_worker), "hvb", "farsta", start, case_worker)
    renewed = _cube("placements", params)
    assert renewed is not placements
    assert renewed.protection.values[grand] == placements.protection.values[grand] + 1
    # A request without filters reads its counts from the cube: the same as counting again.
    assert renewed.views["placements", "", ""] == REPORTS["placements"].compute(params)
    assert renewed.views["placements-stad", "T1", "F"] == REPORTS["placements-stad"].compute(
        Params(year=start.year, period="T1", sex="F")
    )


def test_a_new_default_goal_in_the_environment_is_a_new_cube(world: World, settings: Any) -> None:
    """The goal's default comes from the environment, not from a write: a deploy that
    changes it must not serve the cube counted with the old one (nor must new counting code)."""
    params = Params(year=world.own_placement.start_date.year)
    settings.SCHOOL_START_GOAL_DAYS = 7
    before = _cube("school-start", params)
    settings.SCHOOL_START_GOAL_DAYS = 12
    after = _cube("school-start", params)
    assert after is not before
    assert after.views["school-start", "", ""].col_labels[0] == "Skolstart inom 12 dagar"


def test_protect_reports_goes_on_past_a_report_that_fails_and_names_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One broken report must not leave every later cube to be protected at a user's request."""

    def broken(_params: Params) -> Any:
        raise ValueError("a broken definition")

    monkeypatch.setitem(REPORTS, "skolfam", replace(REPORTS["skolfam"], compute=broken))
    out, err = io.StringIO(), io.StringIO()
    year = world.own_placement.start_date.year
    with pytest.raises(CommandError, match=f"{year} skolfam"):
        call_command("protect_reports", "--year", str(year), stdout=out, stderr=err)
    assert "a broken definition" in err.getvalue()
    assert f"{year} child-voice:" in out.getvalue()  # the report after it was protected


def test_after_a_change_the_last_figures_are_served_at_once_while_the_new_ones_are_made(
    db: None, settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Issue 21, no analyst waits: protecting a city's year takes tens of seconds, so after
    a change the reader gets the last protected figures at once, saying when they were
    made, and the new ones a moment later, made by `make_cube` in a process of its own.
    Here the command runs in this process (`call_command`, the same arguments): another
    process cannot see the test's transaction."""
    settings.STATISTICS_REFRESH_IN_BACKGROUND = True
    settings.CACHES = {  # as CACHE_DIR sets it: the cache the server's processes share
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    started: list[threading.Thread] = []
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread))
    cache.clear()
    kids = [child(date(2012, 1, 1 + n)) for n in range(6)]
    for kid in kids[:5]:
        counting_place(kid, "hvb", "farsta", date(2025, 2, 1))
    params = Params(year=2025)
    first = protect_report("placements", params)
    assert first.older_than_data is None and first.freshness == ""
    farsta, hvb = first.table.row_labels.index("Farsta"), first.table.col_labels.index("HVB")
    assert first.table.value(farsta, hvb) == 5

    counting_place(kids[5], "hvb", "farsta", date(2025, 3, 1))
    served = protect_report("placements", params)
    assert served.older_than_data is not None
    assert served.table.value(farsta, hvb) == 5  # the figures as they were protected
    assert "Siffrorna räknades fram" in served.note
    assert "nya siffror tas fram nu" in served.note
    assert protect_report("placements", params).older_than_data is not None
    assert len(started) == 1  # one maker at a time
    # A district's table is counted from today's data: it waits for today's cube (sliced
    # against the older one, what changed would show).
    district = protect_report("placements", replace(params, district="farsta"))
    assert district.older_than_data is None
    assert district.table.value(0, district.table.col_labels.index("HVB")) == 6

    command = protection.maker_command("placements", applicable("placements", params))
    assert command[-6:-2] == [sys.executable, "-m", "obruten.cli", "make_cube"]
    call_command(*command[-3:])
    fresh = protect_report("placements", params)
    assert fresh.older_than_data is None
    assert fresh.table.value(farsta, hvb) == 6

    # The timer's `obruten protect-reports` waits for the figures of the data as it is.
    counting_place(child(date(2012, 2, 2)), "hvb", "farsta", date(2025, 4, 1))
    made_now = protect_report("placements", params, wait=True)
    assert made_now.older_than_data is None and made_now.table.value(farsta, hvb) == 7
    assert len(started) == 1
