"""Upper-secondary school at a follow-up (issue 24): the programme as Skolverket codes it,
only with its school form, and the school unit protected as the address."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from obruten.audit.models import AuditEvent
from obruten.followup import services
from obruten.register.models import Child, School


@pytest.mark.parametrize(
    ("school_form", "programme", "refused"),
    [
        ("gymnasieskola", "NA", False),
        ("introduktionsprogram", "IMY", False),
        ("gymnasieskola", "IMY", True),  # an introduktionsprogram is its own school form
        ("introduktionsprogram", "VO", True),
        ("grundskola", "NA", True),
        ("gymnasieskola", "XX", True),
    ],
)
def test_a_programme_only_with_its_school_form(
    world: World, school_form: str, programme: str, refused: bool
) -> None:
    data = services.FollowUpData(
        kind="overvagande", date=timezone.localdate(), school_form=school_form, programme=programme
    )
    record = lambda: services.record_follow_up(  # noqa: E731
        actor=world.users["case_worker"], child=world.own, data=data, via="test"
    )
    if refused:
        with pytest.raises(ValidationError) as error:
            record()
        assert "programme" in error.value.message_dict
    else:
        assert record().programme == programme


def test_the_school_at_a_follow_up_is_shown_only_to_those_who_see_whereabouts(world: World) -> None:
    school = School.objects.create(unit_code="55443322", name="Gymnasiet i Lönnby")
    follow_up = services.record_follow_up(
        actor=world.users["case_worker"],
        child=world.protected,
        data=services.FollowUpData(
            kind="overvagande",
            date=timezone.localdate(),
            school_form="gymnasieskola",
            programme="VO",
            school=school,
        ),
        via="test",
    )
    url = reverse("followup:detail", args=[world.protected.pk, follow_up.pk])
    pages = {}
    for role in ("case_worker", "unit_manager"):
        client = Client()
        client.force_login(world.users[role])
        pages[role] = client.get(url).content.decode()
    assert "Gymnasiet i Lönnby" in pages["case_worker"]
    assert "Gymnasiet i Lönnby" not in pages["unit_manager"] and "55443322" not in pages["unit_manager"]
    assert "Vård- och omsorgsprogrammet (VO)" in pages["unit_manager"]


def test_the_gymnasieexamen_is_recorded_on_the_childs_page_and_audited(world: World) -> None:
    client = Client()
    client.force_login(world.users["case_worker"])
    url = reverse("followup:upper_secondary_qualification", args=[world.own.pk])
    future = client.post(url, {"kind": "yrkesexamen", "date": "2099-06-10"})
    assert "Datumet kan inte ligga i framtiden." in future.content.decode()
    assert "2099-06-10" in future.content.decode()  # what was typed stays
    young = client.post(url, {"kind": "yrkesexamen", "date": "2016-06-10"})
    assert "före den unges 15-årsdag" in young.content.decode()
    Child.objects.filter(pk=world.own.pk).update(birth_date=timezone.localdate().replace(year=2007))
    client.post(url, {"kind": "yrkesexamen", "date": timezone.localdate().isoformat()})
    page = client.get(reverse("register:child_detail", args=[world.own.pk])).content.decode()
    assert "Yrkesexamen, " in page
    assert AuditEvent.objects.filter(child=world.own, object_type="uppersecondaryqualification").exists()


def test_a_school_the_actor_may_not_see_is_neither_set_nor_erased_nor_guessed(world: World) -> None:
    """Attacker review (issue 24): a school coordinator who may not see a protected child's
    whereabouts could set, erase or, by watching the corrections, guess its school."""
    coordinator, today = world.users["school_coordinator"], timezone.localdate()
    school = School.objects.create(unit_code="55443321", name="Gymnasiet i Hemlösa")
    with pytest.raises(ValidationError) as refused:
        services.record_follow_up(
            actor=coordinator,
            child=world.protected,
            data=services.FollowUpData(kind="skolsamordnare", date=today, school=school),
            via="test",
        )
    assert "school" in refused.value.message_dict
    follow_up = services.record_follow_up(
        actor=coordinator,
        child=world.protected,
        data=services.FollowUpData(kind="skolsamordnare", date=today),
        via="test",
    )
    services.correct_follow_up(  # the responsible case worker, who may see it, adds the school
        actor=world.users["case_worker"],
        follow_up=follow_up,
        data=services.FollowUpData(kind="skolsamordnare", date=today, school=school),
        via="test",
    )
    follow_up.refresh_from_db()
    for guess in (None, School.objects.create(unit_code="55443320", name="Gissningen")):
        services.correct_follow_up(
            actor=coordinator,
            follow_up=follow_up,
            data=services.FollowUpData(kind="skolsamordnare", date=today, school=guess),
            via="test",
        )
        follow_up.refresh_from_db()
        assert follow_up.school == school
