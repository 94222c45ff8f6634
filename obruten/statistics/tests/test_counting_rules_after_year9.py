"""Worked examples of issue 24's counting rules (docs/statistics.md): upper-secondary school,
a gymnasieexamen by 20 and 21, leaving care, Skolfam's year 9 beside other family-home
children. Each builds the register by the services and checks the counts by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

from conftest import World
from obruten.followup import services as followup
from obruten.followup.models import InterventionKind
from obruten.obligations import services as obligations
from obruten.register.models import ExitDestination
from obruten.statistics.definitions import REPORTS, Params
from obruten.statistics.tests.test_counting_rules import child, column, place, row


def _follow_up(actor: Any, kid: Any, day: date, kind: str = "overvagande", **data: Any) -> None:
    followup.record_follow_up(
        actor=actor, child=kid, via="test", data=followup.FollowUpData(kind=kind, date=day, **data)
    )


def test_upper_secondary_schooling_by_the_latest_follow_up_of_each_young_person(world: World) -> None:
    cw = world.users["case_worker"]
    on_na = child(date(2009, 3, 1))  # turns 17 in 2026: second year of gymnasieskolan
    place(on_na, "familjehem", "farsta", date(2025, 1, 10))
    _follow_up(cw, on_na, date(2025, 9, 1), school_form="introduktionsprogram", programme="IMV")
    _follow_up(cw, on_na, date(2026, 3, 1), school_form="gymnasieskola", programme="NA")  # the latest
    on_im = child(date(2010, 5, 1))  # turns 16 in 2026
    place(on_im, "hvb", "farsta", date(2026, 2, 1))
    _follow_up(cw, on_im, date(2026, 9, 10), school_form="introduktionsprogram", programme="IMY")
    unknown = child(date(2008, 1, 1))
    place(unknown, "hvb", "farsta", date(2026, 1, 5))
    too_young = child(date(2012, 1, 1))  # turns 14: grundskola, in `results`
    place(too_young, "hvb", "farsta", date(2026, 1, 5))
    table = REPORTS["upper-secondary"].compute(Params(year=2026))
    farsta = row(table, "Farsta")
    assert farsta[column(table, "Högskoleförberedande program")] == 1
    assert farsta[column(table, "Introduktionsprogram")] == 1
    assert farsta[column(table, "Annan skolform, ingen skola eller inget känt")] == 1
    assert sum(farsta) == 3
    # In the spring the young person born 2010 is still in year 9: not of upper-secondary age.
    assert sum(row(REPORTS["upper-secondary"].compute(Params(year=2026, period="T1")), "Farsta")) == 2


def test_a_gymnasieexamen_by_20_and_by_21_for_the_cohort_turning_21(world: World) -> None:
    """One cohort a year (those turning 21), in three separate groups: two ages of different
    cohorts side by side would, year after year, each be the other's difference."""
    cw = world.users["case_worker"]
    for born, diploma in ((date(2005, 3, 1), date(2025, 6, 12)), (date(2005, 4, 1), date(2026, 6, 12))):
        kid = child(born)
        place(kid, "hvb", "farsta", date(2020, 1, 10), date(2022, 6, 30))  # placed once, long ago
        followup.record_upper_secondary_qualification(
            actor=cw, child=kid, kind="yrkesexamen", day=diploma, via="test"
        )
    without = child(date(2005, 2, 1))
    place(without, "familjehem", "farsta", date(2019, 3, 1), date(2022, 3, 1))
    turning_20 = child(date(2006, 1, 1))  # not this year's cohort
    place(turning_20, "hvb", "farsta", date(2021, 1, 1), date(2022, 1, 1))
    table = REPORTS["upper-secondary-completion"].compute(Params(year=2026))
    assert row(table, "Farsta") == [1, 1, 1]


def test_leaving_care_counts_the_child_home_and_in_school_at_a_month(world: World) -> None:
    cw = world.users["case_worker"]
    home = child(date(2014, 2, 2))
    place(home, "hvb", "farsta", date(2025, 6, 1), date(2026, 3, 15), exit_destination=ExitDestination.HOME)
    _follow_up(cw, home, date(2026, 4, 10), kind="efter_placering", school_form="grundskola")
    moved_on = child(date(2013, 2, 2))  # a new placement follows: not leaving care
    place(moved_on, "hvb", "farsta", date(2025, 6, 1), date(2026, 2, 28))
    place(moved_on, "familjehem", "farsta", date(2026, 3, 1))
    own = child(date(2008, 2, 2))
    place(own, "stodboende", "farsta", date(2025, 6, 1), date(2026, 4, 30), exit_destination="eget_boende")
    obligations.recompute([home.pk, moved_on.pk, own.pk], date(2026, 12, 7))
    table = REPORTS["after-care"].compute(Params(year=2026, period="T1"))
    # Left care 2, home 1; the month has passed for it and it was in school; six months too,
    # without a follow-up (missed): counted, not in school.
    assert row(table, "Farsta") == [2, 1, 1, 1, 1, 0]


def test_skolfam_year9_compares_skolfam_children_with_other_family_home_children(world: World) -> None:
    cw = world.users["case_worker"]
    skolfam_kind = InterventionKind.objects.get(code="skolfam")
    in_skolfam, other, hvb = child(date(2010, 3, 3)), child(date(2010, 4, 4)), child(date(2010, 5, 5))
    for kid, form in ((in_skolfam, "familjehem"), (other, "narstaendehem"), (hvb, "hvb")):
        place(kid, form, "farsta", date(2024, 1, 10))
    followup.save_intervention(
        actor=cw,
        child=in_skolfam,
        intervention=None,
        via="test",
        data=followup.InterventionData(kind=skolfam_kind, start=date(2020, 9, 1)),
    )
    table = REPORTS["skolfam-year9"].compute(Params(year=2026))
    assert [cells[0] for cells in table.cells] == [1, 1]  # the HVB child is in neither group
