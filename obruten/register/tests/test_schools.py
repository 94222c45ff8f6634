"""Skolverket's school-unit register loaded with `obruten load-schools`, and the school
chosen on the school-start form by a search that works without JavaScript."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from obruten.audit.models import AuditEvent
from obruten.register import schools
from obruten.register.models import Municipality, School, SchoolStart

SAMPLE = Path(schools.__file__).parent.parent / "data" / "schools-sample.csv"
HEADER = "Skolenhetskod;Skolenhetsnamn;Kommunkod;Skolform;Status\n"


def write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "skolenheter.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def test_the_sample_loads_active_units_with_form_and_municipality(db: Any) -> None:
    result = schools.load_schools(SAMPLE, via="obruten load-schools schools-sample.csv")
    assert (result.created, result.skipped) == (26, 4)  # Vilande, Nedlagd, Planerad are not loaded
    first = School.objects.get(unit_code="81000001")
    assert first.municipality is not None
    assert (first.name, first.municipality.code, first.school_form) == ("Demoskolan 1", "0180", "grundskola")
    assert School.objects.get(unit_code="81000102").school_form == "gymnasieskola"
    assert School.objects.get(unit_code="81000103").school_form == "anpassad_grundskola"
    assert School.objects.get(unit_code="81000111").school_form == "annan"  # komvux
    assert not School.objects.filter(unit_code__in=["81000108", "81000109", "81000110"]).exists()
    event = AuditEvent.objects.get(via="obruten load-schools schools-sample.csv")
    assert event.actor is None and event.action == "import" and event.changes["created"] == 26


def test_loading_twice_changes_nothing(db: Any) -> None:
    schools.load_schools(SAMPLE, via="test")
    before = list(School.objects.order_by("unit_code").values())
    again = schools.load_schools(SAMPLE, via="test")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 26)
    assert list(School.objects.order_by("unit_code").values()) == before


def test_a_renamed_unit_is_updated(db: Any, tmp_path: Path) -> None:
    schools.load_schools(write(tmp_path, "81000001;Gamla skolan;0180;Grundskola;Aktiv"), via="test")
    result = schools.load_schools(write(tmp_path, "81000001;Nya skolan;0126;Gymnasieskola;aktiv"), via="test")
    school = School.objects.get(unit_code="81000001")
    assert school.municipality is not None
    assert (result.updated, school.name, school.municipality.code, school.school_form) == (
        1,
        "Nya skolan",
        "0126",
        "gymnasieskola",
    )


def test_a_bad_file_loads_nothing_and_names_each_row_column_and_rule(db: Any, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "81000001;Bra skolan;0180;Grundskola;Aktiv",
        "8100002;Kort kod;0180;Grundskola;Aktiv",
        "81000003;;9999;Grundskola;Stängd",
        "81000001;Dubbletten;0180;Grundskola;Aktiv",
    )
    with pytest.raises(CommandError) as raised:
        call_command("load_schools", str(path))
    message = str(raised.value)
    assert "nothing was loaded" in message
    for expected in [
        "row 3, column skolenhetskod: S01",
        "row 4, column skolenhetsnamn: S02",
        "row 4, column kommunkod: S03",
        "row 4, column status: S04",
        "row 5, column skolenhetskod: S05",
    ]:
        assert expected in message
    assert not School.objects.exists()
    assert not AuditEvent.objects.filter(via__startswith="obruten load-schools").exists()


def test_a_missing_column_is_named(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "utan-status.csv"
    path.write_text("Skolenhetskod,Skolenhetsnamn,Kommunkod,Skolform\n81000001,A,0180,Grundskola\n")
    with pytest.raises(schools.SchoolFileError) as raised:
        schools.load_schools(path, via="test")
    assert str(raised.value) == "row 1, column status: F02 a required column is missing"


def test_a_closed_unit_goes_unless_a_school_start_names_it(world: World, tmp_path: Path) -> None:
    unused = School.objects.create(unit_code="81000099", name="Oanvända skolan")
    result = schools.load_schools(
        write(
            tmp_path,
            "81000099;Oanvända skolan;0180;Grundskola;Nedlagd",
            "12345678;Hemligbyskolan;0180;Grundskola;Vilande",
        ),
        via="test",
    )
    assert not School.objects.filter(pk=unused.pk).exists()
    assert (result.removed, result.kept) == (1, ["12345678"])
    assert SchoolStart.objects.filter(school=world.school).exists()


# --- Finding a school ------------------------------------------------------------------


def test_search_sorts_naturally_and_in_swedish_order(db: Any) -> None:
    schools.load_schools(SAMPLE, via="test")
    names = [school.name for school in schools.search("Demoskolan").schools]
    assert names[:5] == ["Demoskolan 1", "Demoskolan 2", "Demoskolan 10", "Demoskolan 11", "Demoskolan 100"]
    assert [s.name for s in schools.search("Stockholm skolan").schools][-3:] == [
        "Åkerskolan",
        "Ängsskolan",
        "Övningsskolan",
    ]


def test_search_by_code_and_by_municipality_name(db: Any) -> None:
    schools.load_schools(SAMPLE, via="test")
    assert [s.unit_code for s in schools.search("8100040").schools] == ["81000402", "81000401"]  # by name
    in_goteborg = {s.name for s in schools.search("göteborg").schools}
    assert in_goteborg == {"Demoskolan Göteborg", "Demogymnasiet Göteborg"}
    assert [s.name for s in schools.search("huddinge demoskolan").schools] == [
        "Demoskolan Huddinge 3",
        "Demoskolan Huddinge 12",
    ]
    assert schools.search("   ").schools == []


def test_search_shows_at_most_fifty_and_says_so(db: Any) -> None:
    stockholm = Municipality.objects.get(code="0180")
    School.objects.bulk_create(
        School(unit_code=f"7{n:07d}", name=f"Stora skolan {n}", municipality=stockholm) for n in range(60)
    )
    found = schools.search("Stora")
    assert (len(found.schools), found.more) == (50, True)
    assert schools.search("Stora skolan 5").more is False


# --- The school-start form ---------------------------------------------------------------


def _form_url(world: World) -> str:
    return reverse(
        "register:school_start", kwargs={"child_id": world.own.pk, "placement_id": world.own_placement.pk}
    )


def _client(world: World, role: str = "case_worker") -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _radios(html: str) -> list[str]:
    return re.findall(r'<input type="radio" name="school" value="(\d+)"', html)


def test_searching_lists_the_matches_and_keeps_what_was_typed(world: World) -> None:
    schools.load_schools(SAMPLE, via="test")
    day = (timezone.localdate() - timedelta(days=8)).isoformat()
    response = _client(world).post(
        _form_url(world),
        {
            "school_search": "Demoskolan 1",
            "school": world.school.pk,
            "first_school_day": day,
            "search_school": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Demoskolan 1"' in html and f'value="{day}"' in html
    listed = [School.objects.get(pk=pk).name for pk in _radios(html)]
    # the school saved before comes first, then the matches in natural order
    assert listed[:4] == ["Hemligbyskolan", "Demoskolan 1", "Demoskolan 10", "Demoskolan 11"]
    assert "Formuläret har fel" not in html
    assert SchoolStart.objects.get(placement=world.own_placement).school == world.school  # nothing saved


def test_choosing_a_found_school_saves_it(world: World) -> None:
    schools.load_schools(SAMPLE, via="test")
    chosen = School.objects.get(unit_code="81000010")
    day = timezone.localdate() - timedelta(days=8)
    response = _client(world).post(
        _form_url(world),
        {
            "school_search": "Demoskolan 1",
            "school": chosen.pk,
            "first_school_day": day.isoformat(),
            "late_reason": "annat",
        },
    )
    assert response.status_code == 302
    saved = SchoolStart.objects.get(placement=world.own_placement)
    assert (saved.school, saved.first_school_day) == (chosen, day)


@pytest.mark.parametrize("forged", ["999999", "not-a-number", "closed"])
def test_a_forged_or_closed_school_is_refused(world: World, tmp_path: Path, forged: str) -> None:
    if forged == "closed":
        closed = School.objects.create(unit_code="81000099", name="Nedlagda skolan")
        schools.load_schools(write(tmp_path, "81000099;Nedlagda skolan;0180;Grundskola;Nedlagd"), via="test")
        forged = str(closed.pk)
    response = _client(world).post(
        _form_url(world), {"school": forged, "first_school_day": timezone.localdate().isoformat()}
    )
    assert response.status_code == 200
    assert "Formuläret har fel" in response.content.decode()
    assert SchoolStart.objects.get(placement=world.own_placement).school == world.school


def test_larteamet_teaching_still_needs_no_school(world: World) -> None:
    url = reverse(
        "register:school_start",
        kwargs={"child_id": world.protected.pk, "placement_id": world.protected_placement.pk},
    )
    day = timezone.localdate() - timedelta(days=3)
    response = _client(world, "larteamet").post(
        url,
        {
            "school_search": "",
            "taught_by_larteamet": "on",
            "first_school_day": day.isoformat(),
            "late_reason": "skyddad",
        },
    )
    assert response.status_code == 302
    saved = SchoolStart.objects.get(placement=world.protected_placement)
    assert (saved.school, saved.taught_by_larteamet) == (None, True)


def test_with_five_thousand_schools_the_form_offers_a_short_list(
    world: World, django_assert_max_num_queries: Any
) -> None:
    stockholm = Municipality.objects.get(code="0180")
    School.objects.bulk_create(
        (School(unit_code=f"7{n:07d}", name=f"Skola {n}", municipality=stockholm) for n in range(5000)),
        batch_size=1000,
    )
    client = _client(world)
    first = client.get(_form_url(world)).content.decode()
    assert _radios(first) == [str(world.school.pk)]  # the saved school, not 5,000 radio buttons
    with django_assert_max_num_queries(30):
        response = client.post(_form_url(world), {"school_search": "Skola", "search_school": "1"})
    html = response.content.decode()
    assert len(_radios(html)) == 50
    assert "Fler än 50 skolor passar sökningen" in html


def test_a_school_is_found_by_its_town_and_the_keyboard_lands_on_the_answer(world: World) -> None:
    """Issue 23: searching "Farsta" found no school, and after a search the keyboard focus
    went back to the top of the page."""
    schools.load_schools(SAMPLE, via="test")  # its Besöksort column is the school's town
    assert School.objects.get(unit_code="81000001").place == "Farsta"
    found = [school.unit_code for school in schools.search("farsta").schools]
    assert found == ["81000001", "81000011", "81000106", "81000103"]  # in Swedish natural order
    day = (timezone.localdate() - timedelta(days=8)).isoformat()
    post = {"school_search": "Farsta", "first_school_day": day, "search_school": "1"}
    html = _client(world).post(_form_url(world), post).content.decode()
    assert "Demoskolan 1 (81000001), Farsta, Stockholm" in html
    first_radio = re.search(r'<input type="radio" name="school"[^>]*>', html)
    assert first_radio is not None and "autofocus" in first_radio.group(0)
    none = _client(world).post(_form_url(world), {**post, "school_search": "Ingenstans"}).content.decode()
    assert re.search(r'<input type="text" name="school_search"[^>]*autofocus', none)


def test_a_file_without_towns_keeps_the_towns_loaded_before(db: Any, tmp_path: Path) -> None:
    schools.load_schools(SAMPLE, via="test")
    schools.load_schools(write(tmp_path, "81000001;Demoskolan Ett;0180;Grundskola;Aktiv"), via="test")
    assert School.objects.get(unit_code="81000001").place == "Farsta"
