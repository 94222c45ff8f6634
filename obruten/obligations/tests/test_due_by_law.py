"""The issue's reproductions of rules that ignored age and status (issue 11): each ran
on the old code and gave a task or accepted a placement the law does not."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from conftest import World, place, register
from obruten.lib.personnummer import luhn_check_digit
from obruten.obligations import services
from obruten.obligations.models import Kind, Obligation, State
from obruten.obligations.tests import helpers
from obruten.register.models import Child, Municipality


def number(birth: date, serial: int = 238) -> str:
    nine = f"{birth:%y%m%d}{serial:03d}"
    return f"{birth:%Y%m%d}{serial:03d}{luhn_check_digit(nine)}"


def kinds(child: Child, today: date) -> dict[str, list[tuple[str, date]]]:
    found: dict[str, list[tuple[str, date]]] = {}
    for item in helpers.due_items(Child.objects.filter(pk=child.pk), today, horizon_days=3650):
        found.setdefault(item.kind, []).append((item.title, item.due))
    return found


def test_a_19_year_old_under_sol_in_stodboende_gets_no_overvagande(world: World) -> None:
    cw = world.users["case_worker"]
    young = register(number(date(2006, 3, 1)), "Vera", "farsta", cw)
    place(young, "stodboende", "farsta", date(2025, 1, 10), cw)
    assert Kind.REVIEW not in kinds(young, date(2025, 6, 1))  # SoL 6 kap. 8 §: a barn
    with override_settings(LOCAL_REVIEW_AFTER_18=True):
        assert kinds(young, date(2025, 6, 1))[Kind.REVIEW] == [
            ("Övervägande (lokal rutin)", date(2025, 7, 10))
        ]


def test_lvu2_care_warns_before_18_and_no_tasks_after(world: World) -> None:
    cw = world.users["case_worker"]
    child = register(number(date(2008, 9, 1)), "Ylva", "farsta", cw)
    place(child, "familjehem", "farsta", date(2024, 1, 15), cw, legal_basis="LVU2", unit_name="Hem A")
    before = kinds(child, date(2026, 6, 1))
    assert before[Kind.CARE_ENDS] == [("Vården enligt LVU 2 § upphör 2026-09-01 (18 år)", date(2026, 6, 3))]
    assert Kind.CUSTODY in before
    after = kinds(child, date(2026, 9, 1))
    for kind in (Kind.REVIEW, Kind.CUSTODY, Kind.CARE_PLAN, Kind.HEALTH):
        assert kind not in after


def test_custody_transfer_counts_from_moving_into_the_same_family_home(world: World) -> None:
    # Issue 11: same family home from 2023-01-10, SoL → LVU 2 § on 2024-07-01: due
    # 2025-01-10 (SoL 6 kap. 8 b §, LVU 13 b §), not 2026-07-01.
    cw = world.users["case_worker"]
    child = register(number(date(2014, 4, 2)), "Ebba", "farsta", cw)
    place(
        child,
        "familjehem",
        "farsta",
        date(2023, 1, 10),
        cw,
        unit_name="Familjehemmet Ek",
        end_date=date(2024, 6, 30),
    )
    place(
        child, "familjehem", "farsta", date(2024, 7, 1), cw, unit_name="Familjehemmet Ek", legal_basis="LVU2"
    )
    assert kinds(child, date(2024, 12, 1))[Kind.CUSTODY] == [
        ("Pröva vårdnadsöverflyttning", date(2025, 1, 10))
    ]


def test_a_child_placed_by_another_municipality_keeps_only_the_school_tasks(world: World) -> None:
    cw = world.users["case_worker"]
    child = register(number(date(2012, 5, 5)), "Uma", "farsta", cw)
    uppsala = Municipality.objects.get(code="0380")
    place(child, "hvb", "farsta", date(2025, 8, 1), cw, placing_municipality=uppsala, legal_basis="LVU2")
    found = kinds(child, date(2025, 9, 1))
    assert Kind.COORDINATOR in found
    for kind in (Kind.REVIEW, Kind.CUSTODY, Kind.CARE_PLAN, Kind.HEALTH, Kind.CARE_ENDS):
        assert kind not in found


def test_immediate_custody_has_its_statutory_deadlines(world: World) -> None:
    cw = world.users["case_worker"]
    child = register(number(date(2012, 6, 6)), "Tove", "farsta", cw)
    place(
        child,
        "jourhem",
        "farsta",
        date(2025, 3, 4),
        cw,
        legal_basis="LVU6",
        decision_date=date(2025, 3, 3),
        enforcement_date=date(2025, 3, 4),
    )
    found = kinds(child, date(2025, 3, 5))
    assert sorted(found[Kind.IMMEDIATE_CUSTODY]) == [
        ("Ansök om vård (LVU 8 §)", date(2025, 4, 1)),
        ("Underställ förvaltningsrätten (LVU 7 §)", date(2025, 3, 10)),
    ]
    assert Kind.REVIEW not in found


def test_care_under_lvu_after_immediate_custody_marks_its_deadlines_done(world: World) -> None:
    """Issue 20: the court's decision on care means the custody was submitted and care applied
    for (LVU 7 and 8 §§): both deadlines done on the day of that decision, not gone."""
    cw = world.users["case_worker"]
    child = register(number(date(2012, 6, 6), serial=242), "Tove", "farsta", cw)
    custody = place(
        child, "jourhem", "farsta", date(2025, 3, 4), cw, legal_basis="LVU6", end_date=date(2025, 3, 31)
    )
    place(
        child,
        "familjehem",
        "farsta",
        date(2025, 4, 1),
        cw,
        legal_basis="LVU2",
        decision_date=(decided := date(2025, 3, 28)),
    )
    services.recompute([child.pk], date(2025, 5, 1))
    rows = Obligation.objects.filter(child=child, kind=Kind.IMMEDIATE_CUSTODY).order_by("occurrence")
    assert [(o.occurrence, o.state, o.done_on) for o in rows] == [
        (f"{custody.pk}:7", State.DONE, decided),
        (f"{custody.pk}:8", State.DONE, decided),
    ]


def test_an_accompanying_child_before_april_2024_has_no_placement_tasks(world: World) -> None:
    cw = world.users["case_worker"]
    child = register(number(date(2015, 2, 2)), "Wilma", "farsta", cw)
    place(child, "skyddat_boende", "farsta", date(2024, 1, 10), cw, accompanying=True, legal_basis="")
    found = kinds(child, date(2024, 3, 1))
    for kind in (Kind.REVIEW, Kind.CARE_PLAN, Kind.HEALTH):
        assert kind not in found


@pytest.mark.parametrize(
    ("birth", "form", "basis", "start", "field"),
    [
        (date(2022, 1, 1), "stodboende", "LVU3", date(2025, 3, 1), "form"),  # a 3-year-old under LVU 3 §
        (date(2013, 1, 1), "stodboende", "SoL", date(2025, 3, 1), "form"),  # a 12-year-old
        (date(2015, 1, 1), "skyddat_boende", "SoL", date(2024, 1, 10), "legal_basis"),  # medföljande, 2023/24
        (date(2006, 1, 1), "hvb", "LVU2", date(2025, 3, 1), "legal_basis"),  # LVU 2 § for a 19-year-old
    ],
)
def test_placements_the_law_does_not_allow_are_refused(
    world: World, birth: date, form: str, basis: str, start: date, field: str
) -> None:
    cw = world.users["case_worker"]
    child = register(number(birth), "Siri", "farsta", cw)
    with pytest.raises(ValidationError) as refused:
        place(child, form, "farsta", start, cw, legal_basis=basis, accompanying=form == "skyddat_boende")
    assert field in refused.value.message_dict


def test_no_overvagande_falls_due_after_lvu2_care_has_ended_at_18(world: World) -> None:
    """Issue 20: care under LVU 2 § ends at 18 (LVU 21 § tredje stycket); ten days before
    the birthday, the next övervägande would fall due after it and is no task."""
    cw = world.users["case_worker"]
    child = register(number(date(2008, 9, 1), serial=239), "Ylva", "farsta", cw)
    place(child, "familjehem", "farsta", date(2026, 3, 20), cw, legal_basis="LVU2", unit_name="Hem B")
    ten_days_before = date(2026, 8, 22)
    found = kinds(child, ten_days_before)
    assert Kind.REVIEW not in found  # it would be due 2026-09-20, after care ended 2026-09-01
    assert found[Kind.CARE_ENDS][0][0] == "Vården enligt LVU 2 § upphör 2026-09-01 (18 år)"


def test_the_region_is_asked_for_a_health_examination_of_a_young_person_too(world: World) -> None:
    """Issue 20: the duty covers "ett barn eller en ung person" (SoL 2001:453 11 kap. 3 a §;
    lag 2017:209): a 19-year-old placed in stödboende under SoL gets the request; one placed
    at 21 or by another municipality does not."""
    cw = world.users["case_worker"]
    young = register(number(date(2006, 3, 1), serial=240), "Vera", "farsta", cw)
    place(young, "stodboende", "farsta", date(2025, 5, 10), cw)
    assert kinds(young, date(2025, 5, 12))[Kind.HEALTH] == [
        ("Hälsoundersökning ej begärd", date(2025, 5, 24))
    ]
