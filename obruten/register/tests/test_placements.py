"""Registering children, placements and school starts through the pages."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import TEST_NUMBERS, World
from obruten.register.models import Child, Placement, PlacementForm, SchoolStart


def _client(world: World, role: str = "case_worker") -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _placement_post(world: World, **overrides: object) -> dict[str, object]:
    today = timezone.localdate()
    data: dict[str, object] = {
        "form": PlacementForm.objects.get(code="hvb").pk,
        "legal_basis": "LVU3",
        "start_date": (today - timedelta(days=3)).isoformat(),
        "end_date": "",
        "district": world.own.district_id,
        "placing_municipality": world.own.home_municipality_id,
        "school_change": "on",
        "unit_name": "HVB Björken",
        "address": "Björkvägen 3",
    }
    data.update(overrides)
    return data


def test_it_registers_a_child_from_a_ten_digit_number(world: World) -> None:
    response = _client(world).post(
        reverse("register:child_create"),
        {
            "personal_number": "251223-2386",
            "first_name": "Dana",
            "last_name": "Demo",
            "sex": "F",
            "home_municipality": world.own.home_municipality_id,
            "district": world.own.district_id,
            "protected_identity": "none",
        },
    )
    child = Child.objects.get(personal_number="202512232386")
    assert response.status_code == 302
    assert child.case_worker == world.users["case_worker"]
    assert str(child.birth_date) == "2025-12-23"


def test_an_invalid_number_keeps_what_was_typed_and_says_what_to_fix(world: World) -> None:
    response = _client(world).post(
        reverse("register:child_create"),
        {
            "personal_number": "20080212-2391",
            "first_name": "Dana",
            "last_name": "Demo",
            "sex": "F",
            "home_municipality": world.own.home_municipality_id,
            "district": world.own.district_id,
            "protected_identity": "none",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kontrollsiffran stämmer inte" in body
    assert 'value="20080212-2391"' in body and 'value="Dana"' in body
    assert not Child.objects.filter(first_name="Dana").exists()


def test_a_duplicate_number_is_refused(world: World) -> None:
    response = _client(world).post(
        reverse("register:child_create"),
        {
            "personal_number": TEST_NUMBERS[1],
            "first_name": "Eva",
            "last_name": "Demo",
            "sex": "F",
            "home_municipality": world.own.home_municipality_id,
            "district": world.own.district_id,
            "protected_identity": "none",
        },
    )
    assert "finns redan" in response.content.decode()
    assert Child.objects.filter(personal_number=TEST_NUMBERS[1]).count() == 1


def test_a_case_worker_cannot_register_a_child_in_another_district(world: World) -> None:
    response = _client(world).post(
        reverse("register:child_create"),
        {
            "personal_number": TEST_NUMBERS[3],
            "first_name": "Eva",
            "last_name": "Demo",
            "sex": "F",
            "home_municipality": world.own.home_municipality_id,
            "district": world.other.district_id,
            "protected_identity": "none",
        },
    )
    assert response.status_code == 200 and not Child.objects.filter(first_name="Eva").exists()


def test_an_overlapping_placement_is_refused_with_a_clear_message(world: World) -> None:
    url = reverse("register:placement_create", kwargs={"child_id": world.own.pk})
    response = _client(world).post(url, _placement_post(world))
    body = response.content.decode()
    assert "överlappar barnets placering" in body and "pågående" in body
    assert 'value="HVB Björken"' in body
    assert world.own.placements.count() == 1


def test_ending_a_placement_then_placing_again_is_an_omplacering(world: World) -> None:
    today = timezone.localdate()
    client = _client(world)
    edit = reverse(
        "register:placement_edit", kwargs={"child_id": world.own.pk, "placement_id": world.own_placement.pk}
    )
    data = _placement_post(
        world,
        form=world.own_placement.form_id,
        legal_basis="SoL",
        start_date=world.own_placement.start_date.isoformat(),
        end_date=(today - timedelta(days=4)).isoformat(),
    )
    assert client.post(edit, data).status_code == 302
    create = reverse("register:placement_create", kwargs={"child_id": world.own.pk})
    assert client.post(create, _placement_post(world)).status_code == 302
    assert world.own.placements.count() == 2


def test_an_end_before_the_start_is_refused(world: World) -> None:
    today = timezone.localdate()
    url = reverse("register:placement_create", kwargs={"child_id": world.other.pk})
    client = _client(world, "case_worker_bromma")
    response = client.post(
        url,
        _placement_post(
            world,
            district=world.other.district_id,
            start_date=(today - timedelta(days=400)).isoformat(),
            end_date=(today - timedelta(days=401)).isoformat(),
        ),
    )
    assert "Slutdatum kan inte vara före startdatum" in response.content.decode()


def test_a_district_must_have_been_responsible_on_the_start_date(world: World) -> None:
    from obruten.register.models import District

    jarva = District.objects.get(code="jarva")
    world.users["case_worker_bromma"].districts.add(jarva)  # Järva is hers, but not before 2023
    client = Client()
    client.force_login(world.users["case_worker_bromma"])
    url = reverse("register:placement_create", kwargs={"child_id": world.other.pk})
    response = client.post(
        url,
        _placement_post(
            world,
            district=jarva.pk,
            start_date="2021-03-01",
            end_date="2021-06-01",
        ),
    )
    assert "Järva var inte ansvarig nämnd på startdatumet 2021-03-01" in response.content.decode()


def test_school_start_shows_the_days_and_flags_more_than_seven(world: World) -> None:
    today = timezone.localdate()
    client = _client(world)
    placement = world.own_placement
    url = reverse("register:school_start", kwargs={"child_id": world.own.pk, "placement_id": placement.pk})
    first_day = placement.start_date + timedelta(days=9)
    typed = {"school": world.school.pk, "first_school_day": first_day.isoformat()}
    refused = client.post(url, typed).content.decode()  # late, and no reason given
    assert "Skolstarten kom 9 dagar efter placeringen, senare än målet 7 dagar: ange orsaken." in refused
    assert f'value="{first_day.isoformat()}"' in refused  # what was typed is kept
    client.post(url, {**typed, "late_reason": "barnet"})
    assert SchoolStart.objects.get(placement=placement).days_to_school_start == 9
    body = client.get(reverse("register:child_detail", kwargs={"child_id": world.own.pk})).content.decode()
    assert 'class="days over-goal"' in body and "9 dagar" in body
    assert "Barnet kunde inte börja" in body
    assert today >= first_day


def test_school_start_within_seven_days_is_not_flagged(world: World) -> None:
    placement = world.own_placement
    url = reverse("register:school_start", kwargs={"child_id": world.own.pk, "placement_id": placement.pk})
    client = _client(world)
    client.post(
        url,
        {
            "school": world.school.pk,
            "first_school_day": (placement.start_date + timedelta(days=7)).isoformat(),
        },
    )
    body = client.get(reverse("register:child_detail", kwargs={"child_id": world.own.pk})).content.decode()
    assert '<span class="days">7 dagar</span>' in body
    assert Placement.objects.get(pk=placement.pk).school_start.days_to_school_start == 7


def test_a_school_start_before_the_placement_or_in_the_future_is_refused(world: World) -> None:
    client = _client(world)
    placement = world.own_placement
    url = reverse("register:school_start", kwargs={"child_id": world.own.pk, "placement_id": placement.pk})
    before = client.post(
        url,
        {
            "school": world.school.pk,
            "first_school_day": (placement.start_date - timedelta(days=1)).isoformat(),
        },
    )
    assert "kan inte vara före placeringens startdatum" in before.content.decode()
    future = client.post(
        url,
        {
            "school": world.school.pk,
            "first_school_day": (timezone.localdate() + timedelta(days=1)).isoformat(),
        },
    )
    assert "framtiden" in future.content.decode()
    assert SchoolStart.objects.get(placement=placement).days_to_school_start == 10


def test_the_breach_list_shows_placements_over_seven_days_and_without_school(world: World) -> None:
    today = timezone.localdate()
    from conftest import place, register

    waiting = register(TEST_NUMBERS[4], "Greta", "farsta", world.users["case_worker"])
    place(
        waiting, "hvb", "farsta", today - timedelta(days=12), world.users["case_worker"], school_change=True
    )
    body = _client(world).get(reverse("register:school_start_breaches")).content.decode()
    assert "Greta" in body  # no school start after 12 days
    assert "Alva" in body  # school start after 10 days
    assert "Hemligbyskolan" not in body  # the list never names a school
    assert "Bodil" not in body  # another district


def test_caseload_filters(world: World) -> None:
    client = _client(world)
    url = reverse("register:caseload")
    names = lambda r: {c.first_name for c in r.context["page"]}  # noqa: E731
    assert names(client.get(url)) == {"Alva", "Cilla"}
    assert names(client.post(url, {"q": "alva"}, follow=True)) == {"Alva"}
    assert names(client.post(url, {"q": TEST_NUMBERS[2][2:8]}, follow=True)) == {"Cilla"}
    hvb = PlacementForm.objects.get(code="skyddat_boende").pk
    assert names(client.get(url, {"form": hvb})) == {"Cilla"}
    assert names(client.get(url, {"over_goal": "on"})) == {"Alva", "Cilla"}
    assert names(client.get(url, {"school_start_missing": "on"})) == set()
    Child.objects.filter(first_name="Cilla").update(unaccompanied=True)  # issue 24
    assert names(client.get(url, {"unaccompanied": "on"})) == {"Cilla"}


def test_a_case_worker_starts_on_their_own_caseload_and_can_widen_it(world: World) -> None:
    client = _client(world, "case_worker_2")
    url = reverse("register:caseload")
    assert client.get(url).context["page"].paginator.count == 0
    widened = client.get(url, {"scope": "stadsdel"})
    assert {c.first_name for c in widened.context["page"]} == {"Alva", "Cilla"}


def test_lagrum_is_chosen_not_defaulted_and_no_decision_is_a_choice_of_its_own(world: World) -> None:
    """Issue 23: the new placement form chose "Inget eget beslut (medföljande)" for every
    ordinary placement, which then failed. Now nothing is chosen until the case worker
    chooses; leaving it says what to choose and keeps what was typed."""
    client = _client(world)
    create = reverse("register:placement_create", kwargs={"child_id": world.own.pk})
    page = client.get(create).content.decode()
    assert '<option value="" selected>– Välj lagrum –</option>' in page
    refused = client.post(create, _placement_post(world, legal_basis="", start_date="2023-01-10"))
    body = refused.content.decode()
    assert "Välj lagrum, eller ”Inget eget beslut” för ett medföljande barn." in body
    assert 'value="HVB Björken"' in body and world.own.placements.count() == 1
    accompanying = _placement_post(
        world,
        form=PlacementForm.objects.get(code="skyddat_boende").pk,
        legal_basis="ingen",
        accompanying="on",
        start_date="2024-01-10",
        end_date="2024-02-10",
        school_change="",
    )
    assert client.post(create, accompanying).status_code == 302
    placement = world.own.placements.get(start_date="2024-01-10")
    assert placement.legal_basis == ""
    edit = reverse("register:placement_edit", kwargs={"child_id": world.own.pk, "placement_id": placement.pk})
    assert '<option value="ingen" selected>' in client.get(edit).content.decode()
