"""Where a placement is located (issue 11): its municipality, county and whether it is
inside the own municipality, on the child's page and the placement form; for a child whose
whereabouts are protected, hidden exactly like the placement address (the protected child
of ``world`` is placed in Arjeplog, and accounts/tests/test_protected_whereabouts.py opens
every page, export and error as every role looking for it)."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import World
from obruten.accounts.tests.test_access_matrix import _child_url
from obruten.accounts.tests.test_protected_whereabouts import ALLOWED
from obruten.audit.models import AuditEvent
from obruten.register.codelists import COUNTY_NAMES
from obruten.register.models import Municipality, Placement

ARJEPLOG_SHOWN = "Arjeplog, Norrbottens län (utanför den egna kommunen)"


@pytest.fixture
def located(world: World) -> World:
    """The child in scope is placed in Stockholm (the protected child is in Arjeplog)."""
    stockholm = Municipality.objects.get(code="0180")
    Placement.objects.filter(pk=world.own_placement.pk).update(location_municipality=stockholm)
    return world


def _page(world: World, role: str, child: str) -> str:
    client = Client()
    client.force_login(world.users[role])
    return client.get(_child_url("register:child_detail", world, child)).content.decode()


def test_the_child_page_shows_municipality_county_and_inside_or_outside(located: World) -> None:
    assert "Stockholm, Stockholms län (i den egna kommunen)" in _page(located, "case_worker", "own")
    assert ARJEPLOG_SHOWN in _page(located, "case_worker", "protected")


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_the_responsible_case_worker_and_larteamet_see_a_protected_location(
    located: World, role: str
) -> None:
    assert ARJEPLOG_SHOWN in _page(located, role, "protected")


def test_a_colleague_sees_that_it_is_hidden(located: World) -> None:
    body = _page(located, "case_worker_2", "protected")
    assert "Placeringskommun" in body and "Arjeplog," not in body and "utanför den egna" not in body


def test_a_colleague_cannot_set_the_location_of_a_protected_placement(located: World) -> None:
    client = Client()
    client.force_login(located.users["case_worker_2"])
    url = f"/barn/{located.protected.pk}/placeringar/{located.protected_placement.pk}/andra/"
    response = client.post(url, {"location_municipality": Municipality.objects.get(code="0380").pk})
    assert response.status_code == 403
    assert "Arjeplog" not in response.content.decode()
    located.protected_placement.refresh_from_db()
    assert located.protected_placement.location_municipality.code == "2506"  # type: ignore[union-attr]


def test_the_placement_form_records_the_location_and_audits_it(located: World) -> None:
    client = Client()
    client.force_login(located.users["case_worker"])
    placement = located.own_placement
    url = _child_url("register:placement_edit", located, "own")
    form = client.get(url).context["form"]
    post = {name: value for name, value in form.initial.items() if value is not None}
    post |= {
        "form": placement.form_id,
        "district": placement.district_id,
        "placing_municipality": Municipality.objects.get(code="0380").pk,
        "location_municipality": Municipality.objects.get(code="2506").pk,
    }
    post = {key: getattr(value, "pk", value) for key, value in post.items() if value is not False}
    response = client.post(url, post)
    assert response.status_code == 302, response.content.decode()[:2000]
    placement.refresh_from_db()
    assert (placement.placing_municipality.code, placement.location_municipality.code) == ("0380", "2506")  # type: ignore[union-attr]
    event = AuditEvent.objects.filter(object_id=placement.pk, action="update").latest("pk")
    assert "location_municipality" in event.changes


def test_every_county_of_the_municipalities_has_a_name(db: None) -> None:
    codes = set(Municipality.objects.values_list("county_code", flat=True))
    assert len(codes) == 21 and codes <= COUNTY_NAMES.keys()
