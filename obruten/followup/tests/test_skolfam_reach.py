"""Skolfam's reach (issue 24): the enhetschef's list of children in the target group who are
not enrolled, against a count made by hand on the demo."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import World, place, register
from obruten.accounts.models import User
from obruten.audit.models import AuditEvent
from obruten.followup import skolfam
from obruten.followup.models import Intervention
from obruten.lib import skolfam as rule
from obruten.lib.personnummer import luhn_check_digit
from obruten.register import demo
from obruten.register.models import Municipality, Placement, ProtectedIdentity

TODAY = date(2026, 11, 22)


@pytest.fixture
def demo_data(db: None) -> None:
    demo.generate(seed=5, scale="small", today=TODAY)


def _by_hand(district: str, today: date) -> set[int]:
    """Stockholm's definition read plainly: in a family or kinship home today, 6–12 years old,
    placed in Stockholm County (or where not recorded), no Skolfam going on."""
    enrolled = {
        i.child_id
        for i in Intervention.objects.filter(kind__code="skolfam")
        if i.start <= today and (i.end is None or i.end >= today)
    }
    found = set()
    for p in Placement.objects.select_related("child__district", "form", "location_municipality"):
        birth = p.child.birth_date
        age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        county = p.location_municipality.county_code if p.location_municipality else "01"
        if (
            p.child.district.code == district
            and p.start_date <= today
            and (p.end_date is None or p.end_date >= today)
            and not p.accompanying
            and p.form.code in {"familjehem", "narstaendehem"}
            and 6 <= age <= 12
            and county == "01"
            and p.child_id not in enrolled
        ):
            found.add(p.child_id)
    return found


def test_the_enhetschefs_list_matches_a_count_by_hand(demo_data: None) -> None:
    manager = User.objects.get(username="enhetschef.farsta")
    listed = [p.child_id for p in skolfam.not_enrolled(manager, TODAY)]
    assert len(listed) == len(set(listed))
    assert set(listed) == _by_hand("farsta", TODAY)
    assert listed  # the demo has children to offer Skolfam


def test_the_page_lists_them_for_the_enhetschef_and_audits_each_child(demo_data: None) -> None:
    client = Client()
    client.force_login(User.objects.get(username="enhetschef.farsta"))
    response = client.get(reverse("followup:skolfam_target_group"))
    assert response.status_code == 200
    shown = {p.child_id for p, _age in response.context["rows"]}
    logged = set(
        AuditEvent.objects.filter(via="followup:skolfam_target_group", action="list").values_list(
            "child_id", flat=True
        )
    )
    assert shown and shown == logged
    assert "Stockholms län" in response.content.decode()
    client.force_login(User.objects.get(username="handlaggare.farsta"))
    assert client.get(reverse("followup:skolfam_target_group")).status_code == 403


def test_the_target_group_is_the_municipalitys_setting() -> None:
    stockholm = skolfam.target_group()
    assert stockholm == rule.TargetGroup(frozenset({"familjehem", "narstaendehem"}), 6, 12, "01", 0)
    nine = date(2017, 1, 1)
    kwargs: dict[str, Any] = {
        "birth_date": nine,
        "day": TODAY,
        "form": "familjehem",
        "placed_since": date(2026, 10, 1),
    }
    assert rule.in_target_group(stockholm, county="01", **kwargs)
    assert rule.in_target_group(stockholm, county=None, **kwargs)  # not recorded: not held against
    assert not rule.in_target_group(stockholm, county="25", **kwargs)  # placed in Norrbotten
    assert not rule.in_target_group(stockholm, county="01", **{**kwargs, "form": "hvb"})
    assert not rule.in_target_group(
        stockholm, county="01", **{**kwargs, "birth_date": date(2013, 11, 1)}
    )  # 13
    with override_settings(SKOLFAM_MIN_MONTHS_PLACED=3):
        assert not rule.in_target_group(skolfam.target_group(), county="01", **kwargs)  # placed 2 months


def test_where_a_protected_child_is_placed_does_not_decide_the_list(world: World) -> None:
    """The county is Stockholm's rule, but a reader who may not see a protected child's
    whereabouts must not learn them from the child missing from the list."""
    cw, today = world.users["case_worker"], timezone.localdate()
    arjeplog = Municipality.objects.get(code="2506")  # Norrbottens län
    nine = today.replace(year=today.year - 9, day=1)
    hidden = register("20" + _number(nine, 243), "Hemlig", "farsta", cw)
    hidden.protected_identity = ProtectedIdentity.PROTECTED_REGISTRATION
    hidden.save(update_fields=["protected_identity"])
    place(
        hidden,
        "familjehem",
        "farsta",
        today.replace(day=1),
        cw,
        unit_name="Hem",
        location_municipality=arjeplog,
    )
    open_child = register("20" + _number(nine, 244), "Öppen", "farsta", cw)
    place(
        open_child,
        "familjehem",
        "farsta",
        today.replace(day=1),
        cw,
        unit_name="Hem",
        location_municipality=arjeplog,
    )
    listed = {p.child_id for p in skolfam.not_enrolled(world.users["unit_manager"], today)}
    assert hidden.pk in listed  # the county is not the enhetschef's to know
    assert open_child.pk not in listed  # placed in Norrbotten: outside Stockholm's target group


def _number(birth: date, serial: int) -> str:
    nine = f"{birth:%y%m%d}{serial:03d}"
    return f"{birth:%y%m%d}{serial:03d}{luhn_check_digit(nine)}"
